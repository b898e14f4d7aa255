"""Do restated plain words (the claims' listing feature) add to the MSRP claim model?

Run: .venv/bin/python bench/claims_msrp_restated.py

An exploration, not the shipped model: MSRP train 10-fold CV accuracy of the semantic claim
model (bench/train_claims.py's stacked model, its features cached under
build/claims-cache) with and without two more word features in its second stage: the plain
words (content words, not names) each sentence restates of the other at word-vector
similarity >= 0.8 (the smaller count, at most 3) and the larger share of one side's plain
words restated (diff.token_align.restated_words over the cached word states).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_claims as t
from storytrace.diff.token_align import SentenceStates, restated_words


def with_plain(sentence: str, st: SentenceStates) -> SentenceStates:
    """``st`` with ``plain`` set from the sentence's text (the cache keeps no names)."""
    named = [sentence[s:e][:1].isupper() and (k > 0 or sentence[s:e].isupper())
             for k, (s, e) in enumerate(st.spans)]
    for k in range(1, len(named) - 1):
        named[k] = named[k] or (named[k - 1] and named[k + 1]
                                and st.spans[k][1] - st.spans[k][0] <= 3)
    plain = np.asarray(st.content, dtype=bool) & ~np.array(named, dtype=bool)
    return SentenceStates(st.embedding, st.words, st.spans, st.content, plain)


def restated(a: list[str], b: list[str], states: dict[str, SentenceStates]) -> np.ndarray:
    """``[count (at most 3), share]`` of restated plain words for each pair ``(a[i], b[i])``."""
    out = []
    for x, y in zip(a, b, strict=True):
        sx, sy = with_plain(x, states[x]), with_plain(y, states[y])
        count = restated_words(sx, sy)
        px, py = sx.plain, sy.plain
        share = 0.0
        if px is not None and py is not None and px.any() and py.any():
            sim = sx.words[px] @ sy.words[py].T
            share = max(float((sim.max(axis=1) >= 0.8).mean()),
                        float((sim.max(axis=0) >= 0.8).mean()))
        out.append([min(count, 3), share])
    return np.array(out, dtype=float)


def main() -> None:
    cache = t.ROOT / "build" / "claims-cache"
    start = time.process_time()
    a, b, y, x, nb_a, nb_b, neg, neg_fold = t.msrp_with_features(cache)
    states = t.word_states(list(a) + list(b), "contextual", cache)
    for name, (xs, negs) in {"shipped features": (x, neg), "+ restated count and share": (
            np.c_[x, restated(a, b, states)], np.c_[neg, restated(nb_a, nb_b, states)])}.items():
        cv = t.cross_validate(xs, y, negs, neg_fold, semantic=True)
        print(f"{name}: MSRP train CV accuracy {cv['accuracy']}, F1 {cv['f1']} "
              f"({time.process_time() - start:.0f} CPU-s so far)", flush=True)


if __name__ == "__main__":
    main()
