"""Train the same-story similarity models bundled in src/storytrace/data.

Run: .venv/bin/python bench/train_story_similarity.py [--lexical-only | --check-only]
[--no-write]

Fits two logistic models (soft labels: ``(4 - Overall) / 3``) on the SemEval-2022
Task 8 pairs in ../shared/data/semeval2022-task8/training_set.csv, all 1,283 rows
(official pairs and the augmentation's translated pairs), plus 900 synthetic
near-duplicates with target 1 (storytrace.eval.similarity.near_duplicates: 300
texts each with itself, its first half and ~70% of its sentences): ``lexical``
(storytrace.stories.similarity.LEXICAL_FEATURES, each similarity once times
``same_language`` and once times ``1 - same_language``) and ``semantic`` (the
same plus the all-MiniLM-L6-v2 features). The features' names and numbers are
storytrace.text.doc.Doc's; ``sketch_cosine`` is computed with the CSV's texts as the
corpus (``trace`` uses its store's), so shared names and key words count by their
rarity there.

* C is the value of ``C_GRID`` with the best grouped 5-fold CV Pearson (seed 0);
  folds never share an article (storytrace.eval.similarity.groups_of).
* The figure to quote is the nested grouped CV (C re-chosen inside each
  training part), recorded as ``training.cross_validated``; ``training.shipped``
  is the final model on its own training data, optimistic by construction.
* ``calibration``: the score's logit rescaled (Platt) to the probability that a pair
  is the same story (Overall <= 1.5), fitted on the nested CV's out-of-fold scores
  of the English pairs; ``trace`` links a pair on that probability
  (``TraceOptions.story_min_score``). Its checks on the English pairs are recorded.
* ``check`` (story_similarity_check.json): the sentence check that ``trace`` asks about
  the pairs the lexical model links, when the semantic extra is installed: a logistic
  model over the embedding features alone, same story or not, on the English pairs.
* Everything is seeded, so a rerun writes the same weights. Embeddings are
  cached under build/story-similarity-cache (encoding takes ~10 minutes on 2 CPU
  cores).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import sklearn

from storytrace.align.semantic import default_encoder
from storytrace.eval.similarity import (
    C_GRID,
    _report,
    choose_c,
    cross_validate,
    groups_of,
    near_duplicates,
    read_pairs,
)
from storytrace.stories.similarity import (
    CHECK_FEATURES,
    EMBEDDING_FEATURES,
    LEXICAL_FEATURES,
    StorySimilarity,
    fit_weights,
    model_features,
)

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT.parent / "shared" / "data" / "semeval2022-task8" / "training_set.csv"
DATA = ROOT / "src" / "storytrace" / "data"
FOLDS = 5
SEED = 0
SAME_STORY = 1.5  # Overall at most this: "same story" (as the benchmark labels it)
DIFFERENT = 3.0  # Overall at least this: different stories


class CachedEncoder:
    """The verified default encoder, its embeddings cached on disk per list of strings."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._encoder = None

    def encode(self, strings: list[str]) -> np.ndarray:
        key = hashlib.sha256("\x00".join(strings).encode("utf-8", "surrogatepass")).hexdigest()
        path = self.cache / f"{key[:16]}.npy"
        if path.is_file():
            return np.load(path)
        if self._encoder is None:
            self._encoder = default_encoder()
            if self._encoder is None:
                sys.exit("the semantic extra is unavailable: cannot train a semantic model")
        start = time.perf_counter()
        print(f"  encoding {len(strings)} strings ...", end="", flush=True)
        embeddings = self._encoder.encode(strings).astype(np.float32)
        print(f" {time.perf_counter() - start:.0f} s", flush=True)
        self.cache.mkdir(parents=True, exist_ok=True)
        np.save(path, embeddings)
        return embeddings


def untrained(base: tuple[str, ...], encoder: CachedEncoder | None) -> StorySimilarity:
    """A scorer with placeholder weights: only its feature extraction is used."""
    names = model_features(base)
    zeros = [0.0] * len(names)
    weights = {"features": list(names), "scaler": {"mean": zeros, "scale": [1.0] * len(names)},
               "logistic_regression": {"coef": zeros, "intercept": 0.0}}
    return StorySimilarity(weights=weights, encoder=encoder)


def train(name: str, base: tuple[str, ...], pairs: list, encoder: CachedEncoder | None,
          command: str) -> dict:
    start = time.perf_counter()
    scorer = untrained(base, encoder)
    x = scorer.features((p.text1, p.text2) for p in pairs)
    print(f"\n{name}: {x.shape[1]} model features for {len(pairs)} pairs "
          f"({time.perf_counter() - start:.0f} s)")
    target = np.array([p.target for p in pairs])
    groups = groups_of(pairs)
    dup_pairs, dup_rows = near_duplicates(pairs, seed=SEED)
    x_dup = scorer.features(dup_pairs)
    c, by_c = choose_c(x, target, groups, folds=FOLDS, seed=SEED, augment=(x_dup, dup_rows))
    print("  grouped CV Pearson (all pairs) by C: "
          + ", ".join(f"{k}: {v:.4f}" for k, v in by_c.items()) + f"; chosen C={c}")
    weights = fit_weights(np.vstack([x, x_dup]), np.r_[target, np.ones(len(x_dup))],
                          scorer.feature_names, c=c)
    cv = cross_validate(pairs, scorer, features=x, folds=FOLDS, seed=SEED)
    calibration = calibrate(pairs, cv.pop("predictions"))
    weights["calibration"] = calibration
    print(f"  calibration on out-of-fold scores: {calibration['checks']}")
    shipped = _report(pairs, StorySimilarity(weights=weights, encoder=encoder)
                      .predict_features(x))
    for label, figures in (("nested grouped CV", cv), ("shipped (own training data)", shipped)):
        print(f"  {label}: " + ", ".join(
            f"{k} r={figures[k]['pearson']} (n={figures[k]['pairs']})"
            for k in ("official", "english", "all")))
    return {
        "model": name,
        "description": "Logistic regression: same-story score of two articles in [0, 1] "
                       "(trained on soft labels (4 - Overall) / 3). Apply (x - mean) / scale, "
                       "then coef, intercept, then the logistic function.",
        **weights,
        "training": {
            "data": "SemEval-2022 Task 8 training_set.csv as released by the HFL team "
                    "(GeekDream-x/SemEval2022-Task8-TonyX, 1,283 pairs: 796 official ids + "
                    "augmented translations), all rows, target (4 - Overall) / 3; plus "
                    f"{len(x_dup)} synthetic near-duplicate pairs (target 1, seed {SEED})",
            "command": command,
            "date": datetime.date.today().isoformat(),
            "scikit_learn": sklearn.__version__,
            "selection": f"C from {list(C_GRID)} by {FOLDS}-fold grouped CV Pearson on all "
                         f"pairs (seed {SEED})",
            "cv_pearson_by_c": {str(k): round(v, 4) for k, v in by_c.items()},
            "cross_validated": {k: cv[k] for k in ("official", "english", "all", "c_per_fold",
                                                   "folds", "grouping")},
            "shipped": shipped,
            "note": "Pearson with -Overall. cross_validated is the honest figure (nested, "
                    "grouped by article); shipped is on the training data itself.",
        },
    }


def calibrate(pairs: list, oof: np.ndarray) -> dict:
    """The score's logit rescaled to the probability of "same story" (Overall <= 1.5),
    fitted on the out-of-fold scores of the English pairs (Platt scaling: the pairs
    ``trace`` scores are English, and scores mean more there than across languages);
    with the checks of that probability on them."""
    from sklearn.linear_model import LogisticRegression

    overall = np.array([p.overall for p in pairs])
    english = np.array([p.english for p in pairs])
    logit = np.log(np.clip(oof, 1e-9, 1.0)) - np.log(np.clip(1.0 - oof, 1e-9, 1.0))
    fit = LogisticRegression(C=1e6).fit(logit[english, None], overall[english] <= SAME_STORY)
    slope, intercept = float(fit.coef_[0, 0]), float(fit.intercept_[0])
    chance = 1.0 / (1.0 + np.exp(-(slope * logit + intercept)))
    same, different = overall <= SAME_STORY, overall >= DIFFERENT
    checks: dict = {"brier_english": round(float(np.mean(
        (chance[english] - same[english]) ** 2)), 4)}
    for cut in (0.5, 0.6, 0.7, 0.8):
        linked = english & (chance >= cut)
        checks[f"at_{cut}"] = {
            "same_story_linked": f"{int((linked & same).sum())}/{int((english & same).sum())}",
            "different_linked": f"{int((linked & different).sum())}/"
                                f"{int((english & different).sum())}",
            "mean_probability": round(float(chance[linked].mean()), 3) if linked.any() else None,
            "share_same_story": round(float(same[linked].mean()), 3) if linked.any() else None}
    return {"slope": round(slope, 6), "intercept": round(intercept, 6),
            "target": f"SemEval-2022 Overall <= {SAME_STORY} (same story)",
            "fitted_on": f"out-of-fold scores of the {int(english.sum())} English pairs",
            "checks": checks,
            "note": "checks: English pairs, out-of-fold scores (the two calibration "
                    "numbers were fitted on these same scores); different = Overall >= "
                    f"{DIFFERENT}"}


def train_check(pairs: list, encoder: CachedEncoder, command: str) -> dict:
    """The sentence check (storytrace.stories.similarity.SentenceCheck): a logistic model,
    same story (Overall <= 1.5) or not, over the check's embedding features
    (CHECK_FEATURES: no title embedding, which vetoed the seeds' clickbait rewrite) of
    the English pairs (the pairs ``trace`` scores); C = 1, grouped 5-fold CV for the
    figures."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    from storytrace.eval.similarity import _folds
    from storytrace.stories.similarity import SentenceCheck

    english = [p for p in pairs if p.english]
    n = len(CHECK_FEATURES)
    placeholder = {"features": list(CHECK_FEATURES),
                   "scaler": {"mean": [0.0] * n, "scale": [1.0] * n},
                   "logistic_regression": {"coef": [0.0] * n, "intercept": 0.0}}
    x = SentenceCheck(encoder, placeholder).features((p.text1, p.text2) for p in english)
    overall = np.array([p.overall for p in english])
    same = overall <= SAME_STORY
    mean, scale = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / scale
    oof = np.zeros(len(english))
    for train, test in _folds(groups_of(english), FOLDS, SEED):
        oof[test] = LogisticRegression(C=1.0).fit(z[train], same[train]).predict_proba(
            z[test])[:, 1]
    fit = LogisticRegression(C=1.0).fit(z, same)
    checks = {"auc": round(float(roc_auc_score(same, oof)), 4)}
    for cut in (0.3, 0.5, 0.7):
        kept = oof >= cut
        checks[f"at_{cut}"] = {
            "same_story_kept": f"{int((kept & same).sum())}/{int(same.sum())}",
            "different_kept": f"{int((kept & (overall >= DIFFERENT)).sum())}/"
                              f"{int((overall >= DIFFERENT).sum())}"}
    print(f"\ncheck: {len(english)} English pairs, out-of-fold {checks}")
    return {
        "model": "check",
        "description": "Logistic regression: probability that two articles are the same "
                       "story (SemEval-2022 Overall <= 1.5) from all-MiniLM-L6-v2 embedding "
                       "features alone. Apply (x - mean) / scale, then coef, intercept, then "
                       "the logistic function.",
        "features": list(CHECK_FEATURES),
        "scaler": {"mean": mean.tolist(), "scale": scale.tolist()},
        "logistic_regression": {"coef": fit.coef_[0].tolist(),
                                "intercept": float(fit.intercept_[0]), "C": 1.0},
        "training": {"data": f"SemEval-2022 Task 8 training_set.csv, the {len(english)} "
                             "English pairs, target Overall <= 1.5",
                     "command": command, "date": datetime.date.today().isoformat(),
                     "scikit_learn": sklearn.__version__,
                     "cross_validated": checks,
                     "note": f"{FOLDS}-fold grouped CV (seed {SEED}), out-of-fold scores"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lexical-only", action="store_true", help="skip the semantic model")
    parser.add_argument("--no-write", action="store_true", help="print scores only")
    parser.add_argument("--check-only", action="store_true",
                        help="train only the sentence check (story_similarity_check.json)")
    parser.add_argument("--csv", type=Path, default=CSV, help="the SemEval-2022 Task 8 CSV")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "story-similarity-cache",
                        help="folder for cached embeddings")
    args = parser.parse_args()
    command = "python bench/train_story_similarity.py" + (
        " --lexical-only" if args.lexical_only else "") + (
        " --check-only" if args.check_only else "")
    pairs = read_pairs(args.csv)
    models = [] if args.check_only else [("lexical", LEXICAL_FEATURES, None)]
    if not args.lexical_only and not args.check_only:
        models.append(("semantic", (*LEXICAL_FEATURES, *EMBEDDING_FEATURES),
                       CachedEncoder(args.cache)))
    if not args.lexical_only:
        check = train_check(pairs, CachedEncoder(args.cache), command)
        if not args.no_write:
            (DATA / "story_similarity_check.json").write_text(
                json.dumps(check, indent=1) + "\n", encoding="utf-8")
    for name, base, encoder in models:
        weights = train(name, base, pairs, encoder, command)
        if not args.no_write:
            out = DATA / f"story_similarity_{name}.json"
            out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
            print(f"  wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
