"""Headline clickbait: one hashed n-gram feature space, two linear heads.

* ``headline`` head: logistic regression trained on the Chakraborty et al. (2016)
  headlines (clickbait 1 / news 0). Its probability is the headline's clickbait
  ``score``; ``is_clickbait`` is ``score >= 0.5``.
* ``strength`` head: ridge regression on the Webis Clickbait Corpus 2017 posts
  against the crowd's mean clickbait rating (``truthMean``, 0–1), clipped to [0, 1].

The two data sets do not agree on a scale (Chakraborty's labels are hard 0/1 on
clean headlines, Webis's are soft ratings of tweets), and one head fitted to both
was worse on each (Webis MSE 0.047 against 0.034), hence two heads over one space.

**Typography rule.** Neither set has the shouting style of partisan sites
("BOOM! ... DISOBEYED ... He’s FINISHED!"): words in capitals are in 0.6% of
Chakraborty's clickbait headlines and "!" in 0.2%, so the learned heads cannot
weigh them (seed 001's headline gets 0.23 from the headline head, 0.45 strength).
The shipped decision (:meth:`ClickbaitModel.decide`) is therefore the larger of the
headline head's probability and a hand-set typography score,
``min(0.95, 0.3 + 0.15 × shouted words + 0.1 × min(exclamation marks, 2))`` when at
least one word is shouted (see :mod:`storytrace.framing.emphasis`), else 0: one
shouted word alone is not enough, one with a "!" or two are. The evaluation
reports the decision and the headline head alone.

>>> model = ClickbaitModel.default()
>>> bool(model.score(["You Won't Believe What This Dog Did Next"])[0] > 0.5)
True
>>> bool(model.score(["Senate passes budget bill after all-night session"])[0] < 0.5)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from storytrace.framing.emphasis import caps_spans
from storytrace.framing.linear import TextHasher, bundled, hasher_from, sigmoid

# Features: word 1–2-grams (case-folded, punctuation kept) and case-kept character
# 2–5-grams inside word boundaries, so "FINISHED!" and "You Won't" both count.
BLOCKS: tuple[dict[str, Any], ...] = (
    {"analyzer": "word", "ngram_range": [1, 2], "n_features": 2**18, "lowercase": True},
    {"analyzer": "char_wb", "ngram_range": [2, 5], "n_features": 2**18, "lowercase": False},
)
THRESHOLD = 0.5


def typography(headline: str) -> tuple[float, str]:
    """Typography score of a headline and its evidence (see the module docstring).

    >>> typography("BOOM! NYPD Just DISOBEYED Liberal Mayor’s Order — He’s FINISHED!")
    (0.95, '3 words in capitals, 2 exclamation marks')
    >>> typography("NYPD alerts ICE to court dates")
    (0.0, '')
    """
    shouted = sum(len(headline[s:e].split()) for s, e, _, _ in caps_spans(headline))
    if not shouted:
        return 0.0, ""
    marks = headline.count("!")
    score = min(0.95, 0.3 + 0.15 * shouted + 0.1 * min(marks, 2))
    return round(score, 4), (f"{shouted} word{'s' * (shouted > 1)} in capitals, "
                             f"{marks} exclamation mark{'s' * (marks != 1)}")


class ClickbaitModel:
    """Headline → clickbait probability (Chakraborty head) and strength (Webis head)."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self.meta = meta
        self.hasher: TextHasher = hasher_from(arrays, meta, "features")
        self.coef = {h: arrays[f"{h}.coef"] for h in ("headline", "strength")}
        self.intercept = {h: float(arrays[f"{h}.intercept"][0]) for h in ("headline", "strength")}
        self.trained_keys = arrays.get("trained_keys")

    @classmethod
    def default(cls) -> ClickbaitModel:
        return _default()

    def _linear(self, head: str, texts: Sequence[str]) -> np.ndarray:
        x = self.hasher.transform([t or "" for t in texts])
        return x @ self.coef[head] + self.intercept[head]

    def score(self, headlines: Sequence[str]) -> np.ndarray:
        """Probability that each headline is clickbait (Chakraborty head)."""
        return sigmoid(self._linear("headline", headlines))

    def decide(self, headlines: Sequence[str]) -> np.ndarray:
        """The shipped clickbait score: max(headline head, typography); clickbait if >= 0.5."""
        rule = np.array([typography(h or "")[0] for h in headlines])
        return np.maximum(self.score(headlines), rule)

    def strength(self, headlines: Sequence[str]) -> np.ndarray:
        """Estimated mean crowd clickbait rating in [0, 1] (Webis head)."""
        return np.clip(self._linear("strength", headlines), 0.0, 1.0)


@lru_cache(maxsize=1)
def _default() -> ClickbaitModel:
    return ClickbaitModel(*bundled("clickbait"))
