"""Which same-story model separates a story from another story of the same event.

Run: .venv/bin/python bench/story_check_models.py DB [--cache DIR]

DB is a store of ../shared/data/fakenewsnet-v1-2018 traced by ``storytrace trace``
(its boilerplate model and story sketches are read). Each candidate model is a logistic
regression (C = 1) trained on SemEval-2022's 161 English pairs (target Overall <= 1.5)
over some of: ``lexical`` (the logit of the shipped lexical model's probability), the
all-MiniLM-L6-v2 features of ``stories.similarity`` (lead, mean sentence, sentence
alignment, title, sentence_share). For each it prints the grouped 5-fold CV AUC on
SemEval, the AUC on the FakeNewsNet pairs labelled by hand in
bench/labels/fakenewsnet_links.tsv (same_story against same_event, unrelated and
shared_quote, among the pairs sharing two names as ``trace`` requires; texts without
their boilerplate), and the probability it gives the seeds
(../shared/examples/seeds: one story, rewritten with a clickbait title). Embeddings are
cached under ``--cache``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from storytrace.engines.core import without_boilerplate
from storytrace.engines.local import boilerplate_model
from storytrace.engines.story_links import story_text
from storytrace.eval.similarity import _folds, groups_of, read_pairs
from storytrace.index.sketch import _tfidf_rows
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex
from storytrace.stories.similarity import (
    StorySimilarity,
    _embed,
    _embedding_features,
    entity_words,
    title_of,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_story_similarity import CSV, ROOT, CachedEncoder

LABELS = ROOT / "bench" / "labels" / "fakenewsnet_links.tsv"
SEEDS = ROOT.parent / "shared" / "examples" / "seeds"
MODELS = (("lexical",), ("lexical", "embedding_lead", "embedding_mean", "embedding_align",
                         "embedding_title"),
          ("lexical", "embedding_lead", "embedding_mean", "embedding_align"),
          ("embedding_mean", "embedding_lead", "embedding_align", "embedding_title"),
          ("embedding_mean", "embedding_lead", "embedding_align", "sentence_share"))


def features(pairs: list[tuple[str, str]], sketch: list[float] | None, encoder: CachedEncoder
             ) -> dict[str, np.ndarray]:
    """The lexical logit and the embedding features of each pair."""
    index: dict[str, int] = {}
    i = np.array([index.setdefault(a, len(index)) for a, _ in pairs])
    j = np.array([index.setdefault(b, len(index)) for _, b in pairs])
    texts = list(index)
    out = _embedding_features(_embed(texts, [title_of(t) for t in texts], encoder), i, j)
    p = np.clip(StorySimilarity(semantic=False).probabilities(pairs, sketch), 1e-6, 1 - 1e-6)
    out["lexical"] = np.log(p / (1 - p))
    return out


def fakenewsnet(db: str, encoder: CachedEncoder) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Features of the labelled FakeNewsNet pairs that share two names, and which are the
    same story."""
    store = Store(db)
    index = CorpusIndex(store)
    seq_of = {i: s for s, i in store.db.execute("SELECT seq, id FROM articles")}
    rows = [r for r in csv.DictReader(LABELS.open(encoding="utf-8"), delimiter="\t")
            if r["label"] in ("same_story", "same_event", "unrelated", "shared_quote")]
    seqs = [(seq_of[r["a"]], seq_of[r["b"]]) for r in rows]
    articles, _ = without_boilerplate(index.articles({s for p in seqs for s in p}),
                                      boilerplate_model(store))
    sketched, sketches = index.all_sketches()
    m, row = _tfidf_rows(sketches, 200).tocsr(), {int(s): k for k, s in enumerate(sketched)}
    pairs, cosines, same = [], [], []
    for r, (a, b) in zip(rows, seqs, strict=True):
        pair = (story_text(articles[a]), story_text(articles[b]))
        if len(entity_words(pair[0]) & entity_words(pair[1])) >= 2:
            pairs.append(pair)
            cosines.append(round(float(m[row[a]].multiply(m[row[b]]).sum()), 4))
            same.append(r["label"] == "same_story")
    return features(pairs, cosines, encoder), np.array(same)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "story-similarity-cache")
    args = parser.parse_args()
    encoder = CachedEncoder(args.cache)
    english = [p for p in read_pairs(CSV) if p.english]
    semeval = features([(p.text1, p.text2) for p in english], None, encoder)
    same = np.array([p.overall <= 1.5 for p in english])
    groups = groups_of(english)
    fnn, fnn_same = fakenewsnet(args.db, encoder)
    seeds = features([tuple(p.read_text(encoding="utf-8")
                            for p in sorted(SEEDS.glob("*.txt")))], None, encoder)
    print(f"SemEval English: {len(same)} pairs ({same.sum()} same story); FakeNewsNet: "
          f"{len(fnn_same)} labelled pairs sharing two names ({fnn_same.sum()} same story)")
    for names in MODELS:
        x = np.column_stack([semeval[n] for n in names])
        mean, scale = x.mean(axis=0), x.std(axis=0)
        z = (x - mean) / scale
        oof = np.zeros(len(same))
        for train, test in _folds(groups, 5, 0):
            oof[test] = LogisticRegression(C=1.0).fit(z[train], same[train]).predict_proba(
                z[test])[:, 1]
        fit = LogisticRegression(C=1.0).fit(z, same)
        on_fnn, on_seeds = (fit.predict_proba((np.column_stack([f[n] for n in names]) - mean)
                                              / scale)[:, 1] for f in (fnn, seeds))
        print(f"{' + '.join(names)}: SemEval CV AUC {roc_auc_score(same, oof):.3f}, "
              f"FakeNewsNet AUC {roc_auc_score(fnn_same, on_fnn):.3f}, "
              f"seeds {on_seeds[0]:.2f}")


if __name__ == "__main__":
    main()
