"""Feature table for a strict same-story tier: which evidence tells a story from another
story of the same event.

Run: .venv/bin/python bench/story_tiers.py DB OUT.npz [--cache DIR]

DB is a store of ../shared/data/fakenewsnet-v1-2018 traced by ``storytrace trace`` (its
boilerplate model and sketches are read). For the FakeNewsNet pairs labelled by hand in
bench/labels/fakenewsnet_links.tsv (same_story against same_event, unrelated,
shared_quote and boilerplate, among pairs sharing two names as ``trace`` requires) and
SemEval-2022's 161 English pairs (same story = Overall <= 1.5) it writes, per pair: the
shipped lexical model's probability, the sentence check's four features and probability,
and claim-level features from :func:`storytrace.diff.claims.match_claims` (the share of
the shorter text's statements that have a claim in the other, and how many claims share a
number or a name), with the CPU seconds each took. It prints each feature's AUC on both
sets. Embeddings of the check are cached under ``--cache``; each set's table is kept
beside OUT (``OUT.fnn.pkl``, ``OUT.sem.pkl``) for the next run.
"""

from __future__ import annotations

import argparse
import csv
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from storytrace.diff.claims import ClaimScorer, match_claims
from storytrace.engines.core import without_boilerplate
from storytrace.engines.local import boilerplate_model
from storytrace.engines.story_links import story_text
from storytrace.eval.similarity import groups_of, read_pairs
from storytrace.index.sketch import _tfidf_rows
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex
from storytrace.stories.similarity import (
    SentenceCheck,
    StorySimilarity,
    entity_words,
    numbers_of,
)
from storytrace.text.doc import Doc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from story_check_models import LABELS, SEEDS
from train_story_similarity import CSV, ROOT, CachedEncoder

KEPT = ("same_story", "same_event", "unrelated", "shared_quote", "boilerplate")


def fakenewsnet(db: str) -> tuple[list[tuple[str, str]], list[float], list[str], list]:
    """The labelled FakeNewsNet pairs sharing two names: texts (boilerplate set aside),
    sketch cosines, labels and article ids."""
    store = Store(db)
    index = CorpusIndex(store)
    seq_of = dict((i, s) for s, i in store.db.execute("SELECT seq, id FROM articles"))
    texts = {seq: story_text(x) for seq, x in without_boilerplate(
        index.articles(list(seq_of.values())), boilerplate_model(store))[0].items()}
    sketched, sketches = index.all_sketches()
    vectors = dict(zip(sketched.tolist(), _tfidf_rows(sketches, 200).tocsr(), strict=True))
    out: tuple[list, list, list, list] = ([], [], [], [])
    for r in csv.DictReader(LABELS.open(encoding="utf-8"), delimiter="\t"):
        a, b = seq_of[r["a"]], seq_of[r["b"]]
        if r["label"] in KEPT and len(entity_words(texts[a]) & entity_words(texts[b])) >= 2:
            cosine = vectors[a].multiply(vectors[b]).sum() if a in vectors and b in vectors else 0
            for part, value in zip(out, ((texts[a], texts[b]), round(float(cosine), 4),
                                         r["label"], (r["a"], r["b"])), strict=True):
                part.append(value)
    return out


def claim_features(a: str, b: str, scorer: ClaimScorer) -> dict[str, float]:
    """Claim-level evidence of two texts, from the claims ``match_claims`` pairs: ``share``
    (of the sentences of the text with fewer, the share in a claim with the other),
    ``share_long`` (the same for the text with more), ``specific`` (claims whose two
    sides share a number or a name), ``specific_share`` (``specific`` over the shorter
    text's sentences) and ``mean_score`` (the claims' mean probability)."""
    doc_a, doc_b = Doc.of(a), Doc.of(b)
    found = match_claims(doc_a, doc_b, [], scorer)
    n_a, n_b = len(doc_a.sentence_spans), len(doc_b.sentence_spans)
    in_a = {i for c in found.claims for i in c.a_sentences}
    in_b = {j for c in found.claims for j in c.b_sentences}
    short, long_ = ((len(in_a), n_a), (len(in_b), n_b)) if n_a <= n_b else (
        (len(in_b), n_b), (len(in_a), n_a))
    specific = sum(1 for c in found.claims
                   if numbers_of(c.a_text(a)) & numbers_of(c.b_text(b))
                   or entity_words(c.a_text(a)) & entity_words(c.b_text(b)))
    return {"share": short[0] / max(short[1], 1), "share_long": long_[0] / max(long_[1], 1),
            "specific": float(specific), "specific_share": specific / max(short[1], 1),
            "mean_score": (sum(c.score for c in found.claims) / len(found.claims)
                           if found.claims else 0.0)}


def table(pairs: list[tuple[str, str]], sketch: list[float] | None,
          encoder: CachedEncoder) -> dict[str, np.ndarray]:
    """Every feature of every pair, and the CPU seconds of the claim features."""
    out: dict[str, np.ndarray] = {}
    out["lexical"] = StorySimilarity(semantic=False).probabilities(pairs, sketch)
    check = SentenceCheck(encoder=encoder)
    x = check.features(pairs)
    for k, name in enumerate(check.feature_names):
        out[name] = x[:, k]
    out["check"] = check.probability_features(x)
    # the semantic claim scorer was tried too: 0.8-1.6 CPU s a pair of long FakeNewsNet
    # articles on the loaded 2-core machine, too dear for trace's candidates
    for which, semantic in (("lex", False),):
        scorer = ClaimScorer(semantic=semantic)
        rows, cpu = [], []
        for a, b in pairs:
            start = time.process_time()
            rows.append(claim_features(a, b, scorer))
            cpu.append(time.process_time() - start)
        for name in rows[0]:
            out[f"claims_{which}_{name}"] = np.array([r[name] for r in rows], dtype=float)
        out[f"claims_{which}_cpu"] = np.array(cpu)
    return out


def cached(path: Path, compute: Callable[[], dict]) -> dict:
    """``compute()``, kept in ``path`` (a pickle this script wrote) for the next run."""
    if path.is_file():
        return pickle.loads(path.read_bytes())
    out = compute()
    path.write_bytes(pickle.dumps(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("out", type=Path)
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "story-similarity-cache")
    args = parser.parse_args()
    encoder = CachedEncoder(args.cache)
    pairs, cosines, labels, ids = fakenewsnet(args.db)
    english = [p for p in read_pairs(CSV) if p.english]
    seed_pair = tuple(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    seeds = table([seed_pair], None, encoder)
    fnn = cached(args.out.with_suffix(".fnn.pkl"), lambda: table(pairs, cosines, encoder))
    sem = cached(args.out.with_suffix(".sem.pkl"),
                 lambda: table([(p.text1, p.text2) for p in english], None, encoder))
    same_fnn = np.array([x == "same_story" for x in labels])
    same_sem = np.array([p.overall <= 1.5 for p in english])
    np.savez(args.out, **{f"fnn_{k}": v for k, v in fnn.items()},
             **{f"sem_{k}": v for k, v in sem.items()},
             **{f"seeds_{k}": v for k, v in seeds.items()},
             fnn_label=np.array(labels), fnn_ids=np.array(ids), sem_overall=np.array(
                 [p.overall for p in english]), sem_groups=np.array(
                 groups_of(english)))
    print(f"FakeNewsNet: {len(labels)} pairs ({same_fnn.sum()} same story); SemEval English "
          f"{len(english)} ({same_sem.sum()} same story)")
    for name in fnn:
        if name.endswith("_cpu"):
            print(f"{name}: FakeNewsNet {fnn[name].mean():.3f} s a pair, "
                  f"SemEval {sem[name].mean():.3f}")
            continue
        print(f"{name}: AUC FakeNewsNet {roc_auc_score(same_fnn, fnn[name]):.3f}, SemEval "
              f"{roc_auc_score(same_sem, sem[name]):.3f}; seeds {seeds[name][0]:.3f}")


if __name__ == "__main__":
    main()
