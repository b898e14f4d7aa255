"""Hashed text features and linear heads, stored as compressed npz (no pickle).

Every framing model is a linear function of hashed n-gram counts, so it ships as a
few arrays: per feature block an IDF vector (0 for features seen in fewer than
``min_df`` training texts, which drops them), and per head a coefficient vector
and an intercept. Hashing (scikit-learn's ``HashingVectorizer``, MurmurHash3, done
by :mod:`storytrace.text.hashing` without loading scikit-learn) needs no vocabulary,
so a model is its numbers plus a small JSON ``meta`` record: the feature blocks,
heads, training data, split, command and scores.

>>> hasher = TextHasher([{"analyzer": "word", "ngram_range": [1, 1], "n_features": 16}])
>>> hasher.fit_idf(["a b", "a c"], min_df=1).transform(["a b"]).shape
(1, 16)
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from storytrace.text.hashing import NgramHasher

if TYPE_CHECKING:
    from scipy import sparse
    from sklearn.feature_extraction.text import HashingVectorizer

# Words, numbers and single punctuation marks: "!" and "?" matter in headlines.
TOKEN_PATTERN = r"(?u)\w+|[^\w\s]"


def _vectorizer(block: dict[str, Any]) -> HashingVectorizer | NgramHasher:
    """The block's hasher: the same counts as scikit-learn's ``HashingVectorizer``, which
    is only loaded for an analyzer other than ``word`` and ``char_wb``."""
    analyzer = block.get("analyzer", "word")
    kwargs: dict[str, Any] = {
        "analyzer": analyzer,
        "ngram_range": tuple(block.get("ngram_range", (1, 1))),
        "n_features": int(block["n_features"]),
        "lowercase": bool(block.get("lowercase", True)),
        "alternate_sign": False,
        "norm": None,
    }
    if analyzer == "word":
        kwargs["token_pattern"] = block.get("token_pattern", TOKEN_PATTERN)
    if analyzer in ("word", "char_wb"):
        return NgramHasher(analyzer, kwargs["ngram_range"], kwargs["n_features"],
                           kwargs["lowercase"], kwargs.get("token_pattern", TOKEN_PATTERN))
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(**kwargs)


class TextHasher:
    """Texts → L2-normalised, log-scaled TF-IDF rows over hashed n-gram blocks.

    ``blocks`` lists HashingVectorizer settings (``analyzer``, ``ngram_range``,
    ``n_features``, ``lowercase``) and an optional ``weight``; each block is
    normalised on its own, scaled by its weight, and the blocks are concatenated.
    """

    def __init__(self, blocks: Sequence[dict[str, Any]],
                 idf: Sequence[np.ndarray] | None = None) -> None:
        self.blocks = [dict(b) for b in blocks]
        self._vectorizers = [_vectorizer(b) for b in self.blocks]
        self.idf = [np.asarray(v, dtype=np.float32) for v in idf] if idf is not None else None

    @property
    def n_features(self) -> int:
        return sum(int(b["n_features"]) for b in self.blocks)

    def counts(self, texts: Sequence[str]) -> list[sparse.csr_matrix]:
        """Raw hashed counts, one matrix per block."""
        return [v.transform(texts).tocsr() for v in self._vectorizers]

    def fit_idf(self, texts: Sequence[str], min_df: int = 2) -> TextHasher:
        """Set the smoothed IDF from ``texts``; features in < ``min_df`` texts get 0."""
        n = len(texts)
        self.idf = []
        for m in self.counts(texts):
            df = np.bincount(m.indices, minlength=m.shape[1])
            idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
            idf[df < min_df] = 0.0
            self.idf.append(idf.astype(np.float32))
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        from scipy import sparse

        if self.idf is None:
            raise ValueError("TextHasher has no IDF: call fit_idf() or load a model")
        parts = []
        for m, idf, block in zip(self.counts(texts), self.idf, self.blocks, strict=True):
            m = m.astype(np.float32)
            m.data = np.log1p(m.data)
            m = m @ sparse.diags(idf)
            norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            m = sparse.diags(float(block.get("weight", 1.0)) / norms) @ m
            parts.append(m)
        return sparse.hstack(parts, format="csr")


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def save_npz(path: str | Path, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    """Write ``arrays`` and the JSON ``meta`` record (float arrays as float16)."""
    out: dict[str, np.ndarray] = {}
    for key, value in arrays.items():
        value = np.asarray(value)
        out[key] = value.astype(np.float16) if value.dtype.kind == "f" else value
    out["meta"] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    np.savez_compressed(path, **out)


def read_npz(data: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Arrays (floats widened to float32) and meta from npz bytes; never unpickles."""
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        arrays = {k: (z[k].astype(np.float32) if z[k].dtype.kind == "f" else z[k])
                  for k in z.files if k != "meta"}
        meta = json.loads(str(z["meta"])) if "meta" in z.files else {}
    return arrays, meta


@lru_cache(maxsize=8)
def bundled(name: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """A model shipped in ``storytrace/data`` (``framing_NAME.npz``), read once."""
    path = resources.files("storytrace") / "data" / f"framing_{name}.npz"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{path}: framing model missing; run bench/train_framing.py") from None
    return read_npz(data)


def hasher_from(arrays: dict[str, np.ndarray], meta: dict[str, Any],
                prefix: str) -> TextHasher:
    """The :class:`TextHasher` stored under ``prefix`` (``meta[prefix]['blocks']``)."""
    blocks = meta[prefix]["blocks"]
    return TextHasher(blocks, [arrays[f"{prefix}.idf{i}"] for i in range(len(blocks))])


def hasher_arrays(hasher: TextHasher, prefix: str) -> dict[str, np.ndarray]:
    if hasher.idf is None:
        raise ValueError("hasher has no IDF")
    return {f"{prefix}.idf{i}": idf for i, idf in enumerate(hasher.idf)}
