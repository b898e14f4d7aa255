"""Do counts of unmatched content words add to the MSRP claim model?

Run: .venv/bin/python bench/claims_msrp_unaligned.py

An exploration, not the shipped model: MSRP train 10-fold CV accuracy of the semantic claim
model (bench/train_claims.py's stacked model, features cached under build/claims-cache)
with and without six more word features in its second stage, read from the same word
alignment as the shipped 13 (diff.token_align): how many content words each side has whose
best match in the other is under similarity 0.5 and 0.6 (the smaller and the larger count:
MSRP's non-paraphrases often add a clause of information, which shares of aligned words
dilute in a long sentence), the gap between the two sides' content-word counts, and the log
of the larger count at 0.6. Prints each fold's accuracy (train_claims.cross_validate), so the
gain can be read against the folds' noise. Shipping them would change the model's features
(TOKEN_FEATURES) and need the claims rechecked on the labelled article pairs
(docs/results.md, "Claims").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_claims as t
from storytrace.diff.token_align import SentenceStates

UNALIGNED = (0.5, 0.6)


def unaligned(x: SentenceStates, y: SentenceStates) -> list[float]:
    """The six counts of one pair (zeros when a side has no words)."""
    if not len(x.words) or not len(y.words):
        return [0.0] * 6
    sim = x.words @ y.words.T
    best_x, best_y = sim.max(axis=1), sim.max(axis=0)
    out = []
    for at in UNALIGNED:
        ux = float((x.content & (best_x < at)).sum())
        uy = float((y.content & (best_y < at)).sum())
        out += [min(ux, uy), max(ux, uy)]
    most = out[-1]
    return [*out, abs(float(x.content.sum()) - float(y.content.sum())), float(np.log1p(most))]


def main() -> None:
    cache = t.ROOT / "build" / "claims-cache"
    start = time.process_time()
    a, b, y, x, nb_a, nb_b, neg, neg_fold = t.msrp_with_features(cache)
    states = t.word_states(list(a) + list(b) + nb_a + nb_b, "contextual", cache)

    def counts(p: list[str], q: list[str]) -> np.ndarray:
        return np.array([unaligned(states[s], states[r]) for s, r in zip(p, q, strict=True)])

    runs = {"shipped features": (x, neg),
            "+ unmatched content-word counts": (np.c_[x, counts(a, b)],
                                                np.c_[neg, counts(nb_a, nb_b)])}
    for name, (xs, negs) in runs.items():
        cv = t.cross_validate(xs, y, negs, neg_fold, semantic=True)
        print(f"{name}: MSRP train CV accuracy {cv['accuracy']}, F1 {cv['f1']} "
              f"({time.process_time() - start:.0f} CPU-s so far)", flush=True)

if __name__ == "__main__":
    main()
