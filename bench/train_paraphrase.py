"""Train the sentence paraphrase classifiers bundled in src/storytrace/data.

Run: .venv/bin/python bench/train_paraphrase.py [--with-msrp] [--no-write]

Trains two logistic regressions on the mt-metrics PAN training pairs (Madnani,
Tetreault & Chodorow 2012; ../shared/data/mt-metrics-paraphrase-pan): ``lexical``
(features of storytrace.align.paraphrase.LEXICAL_FEATURES) and ``semantic`` (the same
plus the all-MiniLM-L6-v2 embedding cosine). C and the decision threshold are chosen
by 5-fold cross-validation on the training pairs only; the PAN test pairs and MSRP
are scored once, afterwards, for the report. Everything is seeded, so a rerun gives
the same weights. Embeddings are cached under build/paraphrase-cache (slow on CPU:
about 50 sentences a second).

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
SEED = 0


class CachedEncoder:
    """The verified default encoder, with embeddings of each sentence list cached on disk."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self._encoder = None

    def encode(self, sentences: list[str]) -> np.ndarray:
        key = hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()[:16]
        path = self.cache / f"{key}.npy"
        if path.is_file():
            return np.load(path)
        if self._encoder is None:
            self._encoder = default_encoder()
            if self._encoder is None:
                sys.exit("the semantic extra is unavailable: cannot train the semantic model")
        start = time.perf_counter()
        print(f"  encoding {len(sentences)} sentences ...", end="", flush=True)
        embeddings = self._encoder.encode(sentences).astype(np.float32)
        print(f" {time.perf_counter() - start:.0f} s", flush=True)
        self.cache.mkdir(parents=True, exist_ok=True)
        np.save(path, embeddings)
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


def out_of_fold(x: np.ndarray, y: np.ndarray, c: float, groups: np.ndarray,
                extra: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Out-of-fold probabilities for every row (``extra`` pairs join every training fold)."""
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    p = np.zeros(len(y))
    for train, held in folds.split(x, groups):
        xt, yt = x[train], y[train]
        if extra is not None:
            xt, yt = np.vstack([xt, extra[0]]), np.concatenate([yt, extra[1]])
        scaler, model = fit(xt, yt, c)
        p[held] = model.predict_proba(scaler.transform(x[held]))[:, 1]
    return p


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The probability cut (0.05 .. 0.95, step 0.01) with the best accuracy; ties → nearest 0.5."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    accuracy = np.array([((p >= t) == y).mean() for t in grid])
    best = np.flatnonzero(accuracy == accuracy.max())
    return float(grid[best[np.argmin(np.abs(grid[best] - 0.5))]])


def train(name: str, feature_names: tuple[str, ...], sets: dict, with_msrp: bool,
          command: str) -> dict:
    x, y = sets["pan-train"]
    extra = sets["msrp"] if with_msrp else None
    print(f"\n{name}: {len(feature_names)} features, {len(y)} PAN training pairs"
          + (f" + {len(extra[1])} MSRP pairs" if extra else ""))
    cv = {}
    for c in C_GRID:
        p = out_of_fold(x, y, c, y, extra)
        cv[c] = (((p >= 0.5) == y).mean(), p)
        print(f"  C={c:<6} CV accuracy at 0.5: {cv[c][0]:.4f}")
    c = max(C_GRID, key=lambda k: (round(cv[k][0], 4), -abs(np.log10(k))))  # ties → C near 1
    p = cv[c][1]
    threshold = best_threshold(p, y)
    cv_scores = scores(y, p >= threshold)
    print(f"  chosen C={c}, threshold {threshold}: CV {cv_scores}")
    xa, ya = (np.vstack([x, extra[0]]), np.concatenate([y, extra[1]])) if extra else (x, y)
    scaler, model = fit(xa, ya, c)

    def predict(features: np.ndarray) -> np.ndarray:
        return model.predict_proba(scaler.transform(features))[:, 1] >= threshold

    test = scores(sets["pan-test"][1], predict(sets["pan-test"][0]))
    print(f"  PAN test (3,000 pairs, scored once): {test}")
    msrp = {}
    if not with_msrp:
        msrp["pan_model_on_msrp_train"] = scores(sets["msrp"][1], predict(sets["msrp"][0]))
        print(f"  this model on MSRP train (4,076 pairs, cross-domain): "
              f"{msrp['pan_model_on_msrp_train']}")
    # In-domain MSRP reference: the same features and procedure, CV on MSRP train alone.
    xm, ym = sets["msrp"]
    pm = out_of_fold(xm, ym, c, ym)
    tm = best_threshold(pm, ym)
    msrp["msrp_cv"] = scores(ym, pm >= tm) | {"threshold": tm, "C": c, "folds": FOLDS}
    print(f"  MSRP {FOLDS}-fold CV, same features (threshold {tm} chosen on the same "
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
                    "2012), pan-train: 10,000 pairs, human labels"
                    + ("; plus MSRP train (Dolan & Brockett 2005), 4,076 pairs" if extra else ""),
            "command": command,
            "date": datetime.date.today().isoformat(),
            "scikit_learn": sklearn.__version__,
            "selection": f"C from {list(C_GRID)} by {FOLDS}-fold stratified CV accuracy "
                         f"(seed {SEED}); threshold maximising out-of-fold accuracy",
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
        f" {a}" for a in sys.argv[1:] if a.startswith("--") and a != "--no-write")
    paths = {"pan-train": PAN / "pan-train", "pan-test": PAN / "pan-test", "msrp": MSRP}
    pairs = {k: read_pairs(p) for k, p in paths.items()}
    encoder = CachedEncoder(args.cache)
    models = [("lexical", LEXICAL_FEATURES, None)]
    if not args.lexical_only:
        models.append(("semantic", SEMANTIC_FEATURES, encoder))
    for name, feature_names, enc in models:
        start = time.perf_counter()
        sets = {k: (pair_features(a, b, enc), y) for k, (a, b, y) in pairs.items()}
        print(f"features for {name}: {time.perf_counter() - start:.1f} s")
        weights = train(name, feature_names, sets, args.with_msrp, command)
        if not args.no_write:
            out = DATA / f"paraphrase_{name}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
            print(f"  wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
