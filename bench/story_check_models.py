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
(../shared/examples/seeds: one story, rewritten with a clickbait title); and the
FakeNewsNet AUC of two rare-name scores (the shared names weighted by their IDF over
the store: summed and normalised by the name sets' sizes, and the top three).
Embeddings are cached under ``--cache``.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections import Counter
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
    i, j = [], []
    for a, b in pairs:  # in this order, as SentenceCheck.features (the cache's keys)
        i.append(index.setdefault(a, len(index)))
        j.append(index.setdefault(b, len(index)))
    texts = list(index)
    out = _embedding_features(_embed(texts, [title_of(t) for t in texts], encoder),
                              np.array(i), np.array(j))
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
    articles, _ = without_boilerplate(index.articles(list(seq_of.values())),
                                      boilerplate_model(store))
    sketched, sketches = index.all_sketches()
    m, row = _tfidf_rows(sketches, 200).tocsr(), {int(s): k for k, s in enumerate(sketched)}
    names = {seq: entity_words(story_text(x)) for seq, x in articles.items()}
    df = Counter(n for words in names.values() for n in words)
    pairs, cosines, same, rare = [], [], [], []
    for r, (a, b) in zip(rows, seqs, strict=True):
        pair = (story_text(articles[a]), story_text(articles[b]))
        if len(entity_words(pair[0]) & entity_words(pair[1])) >= 2:
            pairs.append(pair)
            cosines.append(round(float(m[row[a]].multiply(m[row[b]]).sum()), 4))
            same.append(r["label"] == "same_story")
            idf = sorted((math.log(len(names) / df[n]) for n in names[a] & names[b]),
                         reverse=True)
            rare.append((sum(idf) / math.sqrt(len(names[a]) * len(names[b])),
                         sum(idf[:3])))
    out = features(pairs, cosines, encoder)
    out["rare_names"], out["rare_names_top3"] = np.array(rare).T
    return out, np.array(same)


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
    for name in ("rare_names", "rare_names_top3"):
        print(f"{name} (the shared names' IDF over the store's articles, without model): "
              f"FakeNewsNet AUC {roc_auc_score(fnn_same, fnn[name]):.3f}")
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
