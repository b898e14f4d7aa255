"""Feature hashing exactly as scikit-learn's ``HashingVectorizer`` and ``FeatureHasher`` do
it (``alternate_sign=False``, ``norm=None``), without importing scikit-learn.

Importing scikit-learn costs about a CPU-second (it loads scipy.stats, and pandas where
installed), more than the framing models that hash their input spend on a whole
`compare`. The columns here are scikit-learn's: the signed 32-bit MurmurHash3 (x86, seed
0) of the feature's UTF-8 bytes, ``abs(h) % n_features``; the rows are summed counts
with sorted indices, as a float64 ``csr_matrix``. The ``word`` and ``char_wb`` analyzers
copy scikit-learn's (1.x, BSD-3-Clause): lower-casing, the token pattern, word n-grams,
and character n-grams inside space-padded words.

>>> murmurhash3_32([b"foo", b"", b"storytrace"]).tolist()
[-156908512, 0, -637844148]
>>> m = NgramHasher("word", (1, 2), 16).transform(["to be or not to be"])
>>> m.toarray().astype(int).tolist()
[[0, 0, 0, 1, 1, 0, 1, 3, 0, 1, 0, 2, 0, 0, 2, 0]]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

_C1 = np.uint32(0xCC9E2D51)
_C2 = np.uint32(0x1B873593)
_WHITE_SPACES = re.compile(r"\s\s+")


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def murmurhash3_32(keys: Sequence[bytes], seed: int = 0) -> np.ndarray:
    """Signed 32-bit MurmurHash3 (x86_32) of each byte string, vectorised over keys of one
    length at a time; ``sklearn.utils.murmurhash3_32(key, seed)`` key by key."""
    n_keys = len(keys)
    out = np.empty(n_keys, dtype=np.uint32)
    if not n_keys:
        return out.view(np.int32)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=n_keys)
    order = np.argsort(lengths, kind="stable")
    lengths = lengths[order]
    buf = np.frombuffer(b"".join([keys[i] for i in order.tolist()]), dtype=np.uint8)
    cuts = np.flatnonzero(np.diff(lengths)) + 1
    offset = 0
    for start, end in zip([0, *cuts.tolist()], [*cuts.tolist(), n_keys], strict=True):
        length, n = int(lengths[start]), end - start
        block = buf[offset:offset + n * length].reshape(n, length)
        offset += n * length
        h = np.full(n, seed, dtype=np.uint32)
        n_words = length // 4
        if n_words:
            words = np.ascontiguousarray(block[:, :4 * n_words]).view("<u4")
            for j in range(n_words):
                h ^= _rotl(words[:, j] * _C1, 15) * _C2
                h = _rotl(h, 13) * np.uint32(5) + np.uint32(0xE6546B64)
        if length & 3:
            k = np.zeros(n, dtype=np.uint32)
            for t in range(length & 3):
                k ^= block[:, 4 * n_words + t].astype(np.uint32) << np.uint32(8 * t)
            h ^= _rotl(k * _C1, 15) * _C2
        h ^= np.uint32(length & 0xFFFFFFFF)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
        out[order[start:end]] = h
    return out.view(np.int32)


def hashed_counts(docs: Iterable[Sequence[str]], n_features: int) -> sparse.csr_matrix:
    """``FeatureHasher(n_features, input_type="string", alternate_sign=False)
    .transform(docs)``: one row per document, each feature string counted in its column."""
    from scipy import sparse

    if isinstance(docs, str):
        raise ValueError("Samples can not be a single string. The input must be an "
                         "iterable over iterables of strings.")
    features: list[str] = []
    indptr = [0]
    for doc in docs:
        features.extend(doc)
        indptr.append(len(features))
    if len(indptr) == 1:
        raise ValueError("Cannot vectorize empty sequence.")
    unique = list(dict.fromkeys(features))
    h = murmurhash3_32([f.encode("utf-8") for f in unique]).astype(np.int64)
    column = dict(zip(unique, (np.abs(h) % n_features).tolist(), strict=True))
    index_dtype = np.int32 if len(features) <= np.iinfo(np.int32).max else np.int64
    indices = np.fromiter((column[f] for f in features), dtype=index_dtype,
                          count=len(features))
    m = sparse.csr_matrix((np.ones(len(features)), indices,
                           np.asarray(indptr, dtype=index_dtype)),
                          shape=(len(indptr) - 1, n_features), dtype=np.float64)
    m.sum_duplicates()  # also sorts the indices
    return m


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside words padded with a space (scikit-learn's ``char_wb``)."""
    text = _WHITE_SPACES.sub(" ", text)
    min_n, max_n = ngram_range
    ngrams: list[str] = []
    append = ngrams.append
    for w in text.split():
        w = " " + w + " "
        w_len = len(w)
        for n in range(min_n, max_n + 1):
            offset = 0
            append(w[offset:offset + n])
            while offset + n < w_len:
                offset += 1
                append(w[offset:offset + n])
            if offset == 0:  # a short word (w_len < n) counts once
                break
    return ngrams


def word_ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """The tokens' n-grams for n in ``ngram_range``, space-joined (scikit-learn's order)."""
    min_n, max_n = ngram_range
    if max_n == 1:
        return tokens
    original = tokens
    if min_n == 1:
        tokens = list(original)
        min_n += 1
    else:
        tokens = []
    n_original = len(original)
    for n in range(min_n, min(max_n + 1, n_original + 1)):
        for i in range(n_original - n + 1):
            tokens.append(" ".join(original[i:i + n]))
    return tokens


class NgramHasher:
    """``HashingVectorizer(analyzer=..., ngram_range=..., n_features=..., lowercase=...,
    token_pattern=..., alternate_sign=False, norm=None)`` for the ``word`` and ``char_wb``
    analyzers, or a callable one (which, as there, gets the text as it is):
    ``transform(texts)`` gives the same float64 count matrix."""

    def __init__(self, analyzer: str | Callable[[str], list[str]],
                 ngram_range: tuple[int, int] = (1, 1), n_features: int = 2**20,
                 lowercase: bool = True, token_pattern: str = r"(?u)\b\w\w+\b") -> None:
        if not callable(analyzer) and analyzer not in ("word", "char_wb"):
            raise ValueError(f"unsupported analyzer {analyzer!r}")
        min_n, max_n = ngram_range
        if min_n > max_n:
            raise ValueError(f"Invalid value for ngram_range={ngram_range!r} lower boundary "
                             "larger than the upper boundary.")
        self.analyzer = analyzer
        self.ngram_range = (min_n, max_n)
        self.n_features = n_features
        self.lowercase = lowercase
        pattern = re.compile(token_pattern)
        if pattern.groups > 1:
            raise ValueError("More than 1 capturing group in token pattern. Only a single "
                             "group should be captured.")
        self._tokenize = pattern.findall

    def analyze(self, doc: str | bytes) -> list[str]:
        if isinstance(doc, bytes):
            doc = doc.decode("utf-8", "strict")
        if callable(self.analyzer):
            return self.analyzer(doc)
        if self.lowercase:
            doc = doc.lower()
        if self.analyzer == "char_wb":
            return char_wb_ngrams(doc, self.ngram_range)
        return word_ngrams(self._tokenize(doc), self.ngram_range)

    def transform(self, texts: Iterable[str]) -> sparse.csr_matrix:
        if isinstance(texts, str):
            raise ValueError("Iterable over raw text documents expected, string object "
                             "received.")
        return hashed_counts((self.analyze(t) for t in texts), self.n_features)
