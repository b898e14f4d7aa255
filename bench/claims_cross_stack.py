"""The cross-encoder's MSRP figure beside the shipped claim model's, fold by fold, and the
two together.

Run: .venv/bin/python bench/claims_cross_stack.py --cross build/cross/b_fold[0-3].npz

Reads the cross-encoder's held-out logits (``bench/train_cross.py --save --tag b_``: one
file per fold) and, on the same seeded 10 folds (``train_claims.msrp_split``),
the shipped semantic model's held-out logits (``train_claims.Stacked`` fitted on the
other 9 folds with their random negatives; features cached under build/claims-cache).
Prints per fold and over the folds present: the shipped model, the cross-encoder, their
mean logit (nothing fitted), and a two-weight logistic combination whose weights for
fold f are fitted on the other present folds' held-out logits only. ``--shipped 0,1``
computes only the shipped model's held-out logits of those folds (kept under build/cross).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_claims as t


def shipped_logits(folds: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(y, fold, logit)``: the shipped model's held-out logit for the pairs of ``folds``
    (NaN elsewhere)."""
    _, _, y, x, _, _, neg, neg_fold = t.msrp_with_features(t.ROOT / "build" / "claims-cache")
    (_, _, _), (fold, *_) = t.msrp_split()
    y = np.asarray(y, dtype=bool)
    z = np.full(len(y), np.nan)
    for f in folds:
        train = fold != f
        kept = t.ROOT / "build" / "cross" / f"shipped_fold{f}.npy"
        if kept.exists():
            z[~train] = np.load(kept)
            continue
        model = t.Stacked(*t.STACK_C).fit(*t.with_negatives(x, y, neg, train, neg_fold != f))
        w, bias = model.linear()
        z[~train] = x[~train] @ w + bias
        kept.parent.mkdir(parents=True, exist_ok=True)
        np.save(kept, z[~train])
        print(f"shipped model, fold {f}: {((z[~train] >= 0) == y[~train]).mean():.4f}",
              flush=True)
    return y, fold, z


def cross_logits(paths: list[Path], n: int) -> np.ndarray:
    z = np.full(n, np.nan)
    for p in paths:
        with np.load(p) as d:
            z[d["rows"]] = d["logits"]
    return z


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cross", type=Path, nargs="+", default=[])
    ap.add_argument("--shipped", default="", help="only the shipped model's held-out "
                    "logits for these folds (e.g. 0,1,2,3), kept under build/cross")
    args = ap.parse_args()
    start = time.process_time()
    if args.shipped:
        shipped_logits([int(f) for f in args.shipped.split(",")])
        return
    (_, _, y0), (fold0, *_) = t.msrp_split()
    zc = cross_logits(args.cross, len(y0))
    folds = sorted({int(f) for f in fold0[~np.isnan(zc)]})
    y, fold, zs = shipped_logits(folds)
    rows: dict[str, list[float]] = {"shipped": [], "cross": [], "mean logit": [],
                                    "fitted pair": []}
    weights = []
    for f in folds:
        held, other = fold == f, np.isin(fold, folds) & (fold != f)
        rows["shipped"].append(float(((zs[held] >= 0) == y[held]).mean()))
        rows["cross"].append(float(((zc[held] >= 0) == y[held]).mean()))
        rows["mean logit"].append(float((((zs[held] + zc[held]) >= 0) == y[held]).mean()))
        if other.any():
            lr = LogisticRegression(C=1.0).fit(np.c_[zs[other], zc[other]], y[other])
            weights.append([*lr.coef_[0].round(3).tolist(), round(float(lr.intercept_[0]), 3)])
            rows["fitted pair"].append(float((lr.predict(np.c_[zs[held], zc[held]]) ==
                                              y[held]).mean()))
        print(f"fold {f}: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in rows.items() if v),
              flush=True)
    sizes = np.array([int((fold == f).sum()) for f in folds])
    out = {k: round(float(np.dot(v, sizes) / sizes.sum()), 4) for k, v in rows.items() if v}
    print(json.dumps({"folds": folds, "pairs": int(sizes.sum()), "accuracy": out,
                      "fitted_weights_shipped_cross_bias": weights,
                      "cpu_s": round(time.process_time() - start, 1)}))


if __name__ == "__main__":
    main()
