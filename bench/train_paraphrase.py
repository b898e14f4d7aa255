"""Train the sentence paraphrase classifiers bundled in src/storytrace/data.

Run: .venv/bin/python bench/train_paraphrase.py [--lexical-only] [--with-msrp] [--no-write]

Trains two logistic regressions on the mt-metrics PAN training pairs (Madnani,
Tetreault & Chodorow 2012; ../shared/data/mt-metrics-paraphrase-pan): ``lexical``
(storytrace.align.paraphrase.LEXICAL_FEATURES) and ``semantic`` (the same plus the
all-MiniLM-L6-v2 embedding cosine).

* PAN's negatives are all topically related sentences from the same passages, so
  3,000 synthetic negatives are added: a pan-train s1 sentence with the s2 sentence
  of another, random pair *of the same CV fold* (so held-out folds stay unseen).
  They teach the model that unrelated sentences, the bulk of the pairs between two
  articles, are not reuse. Scores below are on the real pairs only.
* C (one-standard-error rule) and the decision threshold are chosen by 5-fold
  stratified cross-validation on pan-train only. pan-test and MSRP are scored once,
  afterwards, for the report. ``--with-msrp`` adds the MSRP pairs to training.
* Everything is seeded, so a rerun writes the same weights. Embeddings are cached
  under build/paraphrase-cache (encoding is slow on CPU: ~50 sentences a second).

scikit-learn is needed here only; storytrace reads the resulting JSON with numpy.
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
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

from storytrace.align.paraphrase import LEXICAL_FEATURES, SEMANTIC_FEATURES, pair_features
from storytrace.align.semantic import default_encoder
from storytrace.eval.paraphrase import read_pairs

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
PAN = SHARED / "mt-metrics-paraphrase-pan"
MSRP = SHARED / "msrp" / "msr_paraphrase_train.txt"
DATA = ROOT / "src" / "storytrace" / "data"
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0)
FOLDS = 5
NEGATIVES = 3000
SEED = 0


class CachedEncoder:
    """The verified default encoder, its embeddings cached on disk and by sentence."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.known: dict[str, np.ndarray] = {}
        self._encoder = None

    def encode(self, sentences: list[str]) -> np.ndarray:
        if sentences and all(s in self.known for s in sentences):
            return np.stack([self.known[s] for s in sentences])
        key = hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()[:16]
        path = self.cache / f"{key}.npy"
        if path.is_file():
            embeddings = np.load(path)
        else:
            if self._encoder is None:
                self._encoder = default_encoder()
                if self._encoder is None:
                    sys.exit("the semantic extra is unavailable: cannot train a semantic model")
            start = time.perf_counter()
            print(f"  encoding {len(sentences)} sentences ...", end="", flush=True)
            embeddings = self._encoder.encode(sentences).astype(np.float32)
            print(f" {time.perf_counter() - start:.0f} s", flush=True)
            self.cache.mkdir(parents=True, exist_ok=True)
            np.save(path, embeddings)
        self.known.update(zip(sentences, embeddings, strict=True))
        return embeddings


def scores(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    tp = int((predicted & y).sum())
    precision = tp / max(int(predicted.sum()), 1)
    recall = tp / max(int(y.sum()), 1)
    return {"accuracy": round(float((predicted == y).mean()), 4),
            "f1": round(2 * precision * recall / (precision + recall) if tp else 0.0, 4)}


def fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[StandardScaler, LogisticRegression]:
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=5000).fit(scaler.transform(x), y)
    return scaler, model


def random_negatives(fold: np.ndarray, rng: np.random.Generator
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``NEGATIVES`` (s1 index, s2 index) pairs, both ends in the same fold, never i with i."""
    pairs = []
    for f in range(FOLDS):
        members = rng.permutation(np.flatnonzero(fold == f))
        take = NEGATIVES // FOLDS
        pairs.append(np.c_[members[:take], np.roll(members, -1)[:take]])  # cyclic shift
    return np.vstack(pairs)[:, 0], np.vstack(pairs)[:, 1]


class Data:
    """Features of the real training pairs, their folds, and the fold-tagged negatives."""

    def __init__(self, x, y, fold, neg_x, neg_fold, extra=None):
        self.x, self.y, self.fold = x, y, fold
        self.neg_x, self.neg_fold = neg_x, neg_fold
        self.extra = extra  # (features, labels) added to every training set, or None

    def training(self, held: int | None) -> tuple[np.ndarray, np.ndarray]:
        keep, neg = self.fold != held, self.neg_fold != held
        xs = [self.x[keep], self.neg_x[neg]]
        ys = [self.y[keep], np.zeros(int(neg.sum()), dtype=bool)]
        if self.extra is not None:
            xs.append(self.extra[0])
            ys.append(self.extra[1])
        return np.vstack(xs), np.concatenate(ys)

    def out_of_fold(self, c: float) -> np.ndarray:
        p = np.zeros(len(self.y))
        for f in range(FOLDS):
            scaler, model = fit(*self.training(f), c)
            held = self.fold == f
            p[held] = model.predict_proba(scaler.transform(self.x[held]))[:, 1]
        return p


def folds_of(y: np.ndarray) -> np.ndarray:
    fold = np.zeros(len(y), dtype=int)
    split = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y)
    for f, (_, held) in enumerate(split):
        fold[held] = f
    return fold


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The probability cut (0.05 .. 0.95, step 0.01) with the best accuracy; ties → nearest 0.5."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    accuracy = np.array([((p >= t) == y).mean() for t in grid])
    best = np.flatnonzero(accuracy == accuracy.max())
    return float(grid[best[np.argmin(np.abs(grid[best] - 0.5))]])


def choose_c(data: Data, label: str) -> tuple[float, np.ndarray]:
    """C by CV accuracy (one-SE rule: the strongest regularisation within one SE of the best)."""
    cv = {}
    for c in C_GRID:
        p = data.out_of_fold(c)
        cv[c] = (float(((p >= 0.5) == data.y).mean()), p)
        print(f"  {label}C={c:<6} CV accuracy at 0.5: {cv[c][0]:.4f}")
    best = max(a for a, _ in cv.values())
    se = np.sqrt(best * (1 - best) / len(data.y))
    c = min(k for k in C_GRID if cv[k][0] >= best - se)
    return c, cv[c][1]


def train(name: str, feature_names: tuple[str, ...], sets: dict, negatives: np.ndarray,
          neg_fold: np.ndarray, with_msrp: bool, command: str) -> dict:
    x, y = sets["pan-train"]
    fold = folds_of(y)
    data = Data(x, y, fold, negatives, neg_fold, sets["msrp"] if with_msrp else None)
    print(f"\n{name}: {len(feature_names)} features, {len(y)} PAN training pairs + "
          f"{len(negatives)} random negatives" + (" + MSRP" if with_msrp else ""))
    c, p = choose_c(data, "")
    threshold = best_threshold(p, y)
    cv_scores = scores(y, p >= threshold)
    print(f"  chosen C={c}, threshold {threshold}: CV {cv_scores} (real pairs, out-of-fold)")
    scaler, model = fit(*data.training(None), c)

    def predict(features: np.ndarray) -> np.ndarray:
        return model.predict_proba(scaler.transform(features))[:, 1] >= threshold

    test = scores(sets["pan-test"][1], predict(sets["pan-test"][0]))
    print(f"  PAN test (3,000 pairs, scored once): {test}")
    msrp: dict = {}
    if not with_msrp:
        msrp["pan_model_on_msrp_train"] = scores(sets["msrp"][1], predict(sets["msrp"][0]))
        print(f"  this model on MSRP train (4,076 pairs, cross-domain, no MSRP training): "
              f"{msrp['pan_model_on_msrp_train']}")
    # In-domain MSRP reference: the same features, trained and tested by CV on MSRP alone.
    xm, ym = sets["msrp"]
    msrp_data = Data(xm, ym, folds_of(ym), np.zeros((0, xm.shape[1])), np.zeros(0, int))
    cm, pm = choose_c(msrp_data, "MSRP ")
    tm = best_threshold(pm, ym)
    msrp["msrp_cv"] = scores(ym, pm >= tm) | {"threshold": tm, "C": cm, "folds": FOLDS}
    print(f"  MSRP {FOLDS}-fold CV, same features (C and threshold chosen on the same "
          f"out-of-fold probabilities): {msrp['msrp_cv']}")
    return {
        "model": name,
        "description": "Logistic regression: probability that sentence B paraphrases "
                       "(reuses) sentence A. Apply (x - mean) / scale, then coef, intercept.",
        "features": list(feature_names),
        "scaler": {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()},
        "logistic_regression": {"coef": model.coef_[0].tolist(),
                                "intercept": float(model.intercept_[0]), "C": c},
        "threshold": threshold,
        "training": {
            "data": "mt-metrics PAN paraphrase corpus (Madnani, Tetreault & Chodorow, NAACL "
                    "2012), pan-train: 10,000 pairs, human labels; plus "
                    f"{len(negatives)} random negatives (an s1 sentence with another pair's "
                    "s2 sentence)"
                    + ("; plus MSRP train (Dolan & Brockett 2005), 4,076 pairs"
                       if with_msrp else ""),
            "command": command,
            "date": datetime.date.today().isoformat(),
            "scikit_learn": sklearn.__version__,
            "selection": f"C from {list(C_GRID)} by {FOLDS}-fold stratified CV accuracy "
                         f"(seed {SEED}, one-standard-error rule); threshold maximising "
                         "out-of-fold accuracy",
            "cv": cv_scores,
            "pan_test": test,
            "msrp": msrp,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--with-msrp", action="store_true",
                        help="also train on MSRP train pairs (then MSRP is not held out)")
    parser.add_argument("--lexical-only", action="store_true", help="skip the semantic model")
    parser.add_argument("--no-write", action="store_true", help="print scores only")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "paraphrase-cache",
                        help="folder for cached sentence embeddings")
    args = parser.parse_args()
    command = "python bench/train_paraphrase.py" + "".join(
        f" {a}" for a in sys.argv[1:] if a in ("--with-msrp", "--lexical-only"))
    paths = {"pan-train": PAN / "pan-train", "pan-test": PAN / "pan-test", "msrp": MSRP}
    pairs = {k: read_pairs(p) for k, p in paths.items()}
    a, b, y = pairs["pan-train"]
    neg_a, neg_b = random_negatives(folds_of(y), np.random.default_rng(SEED))
    neg_fold = folds_of(y)[neg_a]
    encoder = CachedEncoder(args.cache)
    models = [("lexical", LEXICAL_FEATURES, None)]
    if not args.lexical_only:
        models.append(("semantic", SEMANTIC_FEATURES, encoder))
    for name, feature_names, enc in models:
        start = time.perf_counter()
        sets = {k: (pair_features(s1, s2, enc), labels) for k, (s1, s2, labels) in pairs.items()}
        negatives = pair_features([a[i] for i in neg_a], [b[j] for j in neg_b], enc)
        print(f"features for {name}: {time.perf_counter() - start:.1f} s")
        weights = train(name, feature_names, sets, negatives, neg_fold, args.with_msrp, command)
        if not args.no_write:
            out = DATA / f"paraphrase_{name}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
            print(f"  wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
