"""Article-level hyperpartisan score (SemEval-2019 Task 4, by-article labels).

Logistic regression over hashed, log-scaled TF-IDF word 1–2-grams and case-kept
character 2–5-grams of ``title + "\\n" + text`` (n-grams seen in fewer than two
training articles dropped). Stylistic extras (exclamation and capitals rates,
pronouns, the headline's clickbait score, the propaganda sentence scores) were
tried and did not beat this under 5-fold cross-validation on the 500 articles, so
the model stays plain.

>>> model = HyperpartisanModel.default()
>>> text = article_text("Senate passes budget", "The Senate passed the budget.")
>>> bool(0.0 <= model.score([text])[0] <= 1.0)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from storytrace.framing.linear import TextHasher, bundled, hasher_arrays, hasher_from, sigmoid

BLOCKS: tuple[dict[str, Any], ...] = (
    {"analyzer": "word", "ngram_range": [1, 2], "n_features": 2**18, "lowercase": True},
    {"analyzer": "char_wb", "ngram_range": [2, 5], "n_features": 2**18, "lowercase": False},
)
C = 30.0
THRESHOLD = 0.5


def article_text(title: str | None, text: str) -> str:
    """What the model reads: the title line, then the body."""
    return f"{title}\n{text}" if title else text


def fit_hyperpartisan(texts: Sequence[str], labels: Sequence[int], *, c: float = C
                      ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Train on ``article_text`` strings and 0/1 labels: the arrays and meta of a model.

    >>> arrays, meta = fit_hyperpartisan(["Outrageous lies!", "Budget passed."] * 3,
    ...                                  [1, 0] * 3)
    >>> bool(HyperpartisanModel(arrays, meta).score(["Outrageous lies!"])[0] > 0.5)
    True
    """
    from sklearn.linear_model import LogisticRegression

    hasher = TextHasher(BLOCKS).fit_idf(list(texts), min_df=2)
    x = hasher.transform(list(texts))
    y = np.asarray(labels, dtype=int)
    lr = LogisticRegression(C=c, solver="liblinear", max_iter=5000).fit(x, y)
    arrays = hasher_arrays(hasher, "features") | {
        "coef": lr.coef_[0].astype(np.float32),
        "intercept": np.array([lr.intercept_[0]], dtype=np.float32),
    }
    meta = {"features": {"blocks": [dict(b) for b in BLOCKS]},
            "model": {"kind": "logistic_regression", "C": c, "threshold": THRESHOLD}}
    return arrays, meta


class HyperpartisanModel:
    """Article text → probability that it is hyperpartisan."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self.meta = meta
        self.hasher = hasher_from(arrays, meta, "features")
        self.coef = arrays["coef"]
        self.intercept = float(np.ravel(arrays["intercept"])[0])

    @classmethod
    def default(cls) -> HyperpartisanModel:
        return _default()

    def score(self, texts: Sequence[str]) -> np.ndarray:
        return sigmoid(self.hasher.transform(list(texts)) @ self.coef + self.intercept)


@lru_cache(maxsize=1)
def _default() -> HyperpartisanModel:
    return HyperpartisanModel(*bundled("hyperpartisan"))
