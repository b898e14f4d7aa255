"""Story sketches: the few words that say what an article is about, for same-story candidates.

MinHash finds articles that share wording. Two reports of one story written
independently share little wording but the same names and key words, so each
article also gets a *sketch*: the hashes of its ``size`` most frequent content-word
stems, names counted double (a capitalised word that does not start a sentence).
Sketches are tiny (a few hundred bytes), stored beside the signatures, and
compared as TF-IDF vectors whose IDF comes from the sketches of the whole corpus
at query time, so adding articles never needs old sketches recomputed. Terms in
more than ``max_df`` sketches are ignored when matching: they say little, and
their posting lists are what would make matching quadratic.

>>> s = StorySketcher(size=4)
>>> terms, weights = s.sketch("Floods hit Valencia. Floods in Valencia killed 12 people.")
>>> len(terms), bool(weights[0] >= weights[-1])
(4, True)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import xxhash

from storytrace.stories.similarity import content_words
from storytrace.text.words import stem

if TYPE_CHECKING:
    from scipy import sparse

_stem = lru_cache(maxsize=1 << 16)(stem)
# 1 + log(n) of the counts most terms have
_TF = [0.0] + [1.0 + math.log(n) for n in range(1, 64)]

__all__ = ["StorySketcher", "nearest_sketches", "sketch_candidates", "sketch_idf",
           "tfidf_rows"]

_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n)\s*[\"'“‘(]*(\w+)", re.UNICODE)
# Capitalised words in Latin, Greek and Cyrillic scripts (a name heuristic; other
# scripts simply get no name boost).
_CAPITALISED = re.compile(r"\b[A-ZÀ-ÖØ-ÞΑ-ΩА-Я][\w'’-]*", re.UNICODE)
# The same matches, found faster (a pattern that opens with a character class is searched
# for that class; one that opens with ``\b`` or ``^`` is tried at every position): the
# text's first word, then the words after each sentence end; a capital letter not
# preceded by a word character (``\b`` before a word character), or U+03A2, the one
# non-word character of the class, preceded by one.
_FIRST_WORD = re.compile(r"\s*[\"'“‘(]*(\w+)")
_LATER_STARTS = re.compile(r"(?:[.!?]\s+|\n)\s*[\"'“‘(]*(\w+)")
_CAPITAL = re.compile(r"[A-ZÀ-ÖØ-ÞΑ-ΩА-Я](?:(?<!\w\w)(?<!\u03a2)|(?<=\w\u03a2))[\w'’-]*")


def _sentence_starts(text: str) -> set[int]:
    """Where the first word of each sentence starts: ``m.start(1)`` of each match of
    ``_SENTENCE_START``."""
    starts = {m.start(1) for m in _LATER_STARTS.finditer(text)}
    first = _FIRST_WORD.match(text)
    if first:
        starts.add(first.start(1))
    return starts


class StorySketcher:
    """Turns a text into its sketch: ``(uint32 term hashes, float32 weights)``, heaviest first.

    Parameters
    ----------
    size : terms kept per article.
    name_boost : weight multiplier of names (capitalised words inside a sentence).
    """

    def __init__(self, size: int = 32, name_boost: float = 2.0) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self.name_boost = name_boost

    def sketch(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        starts = _sentence_starts(text)
        names = {_stem(m.group().lower()) for m in _CAPITAL.finditer(text)
                 if m.start() not in starts}
        counts = Counter(map(_stem, content_words(text)))
        boost = self.name_boost
        # heaviest first, ties by term: heapq.nsmallest of (-weight, term) is sorted()[:size]
        # of them (terms are distinct); each weight computed as before, (1 + log n) * boost
        scored = sorted([(-((_TF[n] if n < len(_TF) else 1.0 + math.log(n))
                            * (boost if t in names else 1.0)), t) for t, n in counts.items()])
        top = [(-w, t) for w, t in scored[: self.size]]
        terms = np.fromiter((xxhash.xxh32_intdigest(t.encode()) for _, t in top), np.uint32,
                            len(top))
        return terms, np.fromiter((w for w, _ in top), np.float32, len(top))

    def sketch_many(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return [self.sketch(t) for t in texts]


def sketch_idf(df: np.ndarray, n: int) -> np.ndarray:
    """Smoothed IDF (float32) of terms found in ``df`` of ``n`` sketches.

    >>> [round(float(x), 3) for x in sketch_idf(np.array([1, 3]), 3)]
    [1.693, 1.0]
    """
    return (np.log((1.0 + n) / (1.0 + np.asarray(df))) + 1.0).astype(np.float32)


def tfidf_rows(sketches: Sequence[tuple[np.ndarray, np.ndarray]], column: np.ndarray,
               df: np.ndarray, n: int, max_df: int) -> sparse.csr_matrix:
    """TF-IDF rows of ``sketches``, L2-normalised, then common terms dropped.

    ``column``: each sketch entry's column (in the order the sketches list them), an
    index into a vocabulary sorted by term hash; ``df``: each column's document
    frequency over the whole corpus of ``n`` sketches. The rows depend on these
    alone, so any subset of the corpus, given the corpus-wide ``df`` and ``n``, gets
    exactly the rows the whole corpus would (the Spark engine weights its
    partitions this way). Normalising before dropping keeps a cosine honest: two
    sketches left with one shared rare term after the drop do not look identical.
    """
    from scipy import sparse

    lengths = np.fromiter((len(t) for t, _ in sketches), np.int64, len(sketches))
    rows_n = len(sketches)
    if not lengths.sum():
        return sparse.csr_matrix((rows_n, len(df)), dtype=np.float32)
    weights = np.concatenate([w for _, w in sketches]).astype(np.float32)
    idf = sketch_idf(df, n)
    rows = np.repeat(np.arange(rows_n), lengths)
    values = weights * idf[column]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=rows_n))
    norms[norms == 0] = 1.0
    keep = np.asarray(df)[column] <= max_df
    return sparse.csr_matrix(((values / norms[rows])[keep], (rows[keep], column[keep])),
                             shape=(rows_n, len(df)))


def _tfidf_rows(sketches: Sequence[tuple[np.ndarray, np.ndarray]], max_df: int
                ) -> sparse.csr_matrix:
    """TF-IDF rows over the terms of all sketches (the corpus is ``sketches``)."""
    from scipy import sparse

    lengths = np.fromiter((len(t) for t, _ in sketches), np.int64, len(sketches))
    if not lengths.sum():
        return sparse.csr_matrix((len(sketches), 0), dtype=np.float32)
    vocab, column = np.unique(np.concatenate([t for t, _ in sketches]), return_inverse=True)
    df = np.bincount(column, minlength=len(vocab))
    return tfidf_rows(sketches, column, df, len(sketches), max_df)


def nearest_sketches(m: sparse.csr_matrix, new_rows: np.ndarray, *, k: int, min_cosine: float,
                     chunk: int = 1000) -> dict[tuple[int, int], float]:
    """``{(i, j): cosine}`` (``i < j``, rounded to 4 places) over the rows of ``m``: each row
    of ``new_rows`` with its ``k`` most similar other rows whose cosine reaches
    ``min_cosine``.

    A row's cosines depend only on its own terms and the rows that share them (in
    row order, and with the same values): any sub-matrix holding a row, every row
    that shares a term with it, in the same relative order, and those terms' columns
    in the same order, gives that row the same cosines in the same order, so the
    same ``k`` (ties included). The Spark engine relies on this.
    """
    found: dict[tuple[int, int], float] = {}
    mt = m.T.tocsr()
    for start in range(0, len(new_rows), chunk):
        rows = new_rows[start : start + chunk]
        sims = (m[rows] @ mt).tocsr()
        for r, i in enumerate(rows):
            lo, hi = sims.indptr[r], sims.indptr[r + 1]
            cols, vals = sims.indices[lo:hi], sims.data[lo:hi]
            mask = (cols != i) & (vals >= min_cosine)
            cols, vals = cols[mask], vals[mask]
            if len(cols) > k:
                top = np.argpartition(-vals, k - 1)[:k]
                cols, vals = cols[top], vals[top]
            for j, v in zip(cols.tolist(), vals.tolist(), strict=True):
                pair = (min(int(i), j), max(int(i), j))
                found[pair] = max(found.get(pair, 0.0), round(float(v), 4))
    return found


def sketch_candidates(sketches: Sequence[tuple[np.ndarray, np.ndarray]], is_new: np.ndarray, *,
                      k: int = 5, min_cosine: float = 0.3, max_df: int = 200,
                      chunk: int = 1000) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, cosine)`` with ``i < j`` of similar sketches, at least one of them new.

    Each new article proposes its ``k`` most similar articles (old or new) whose
    sketch cosine reaches ``min_cosine``. Work is bounded by ``max_df``: each
    kept term lies in at most that many sketches.

    >>> s = StorySketcher()
    >>> texts = ["Flood in Valencia kills twelve. Valencia mourns its dead.",
    ...          "Valencia flood: twelve dead as Valencia mourns.",
    ...          "Apple unveils a phone in Cupertino. Apple shares rise."]
    >>> [(i, j) for i, j, _ in sketch_candidates(s.sketch_many(texts), np.ones(3, bool))]
    [(0, 1)]
    """
    m = _tfidf_rows(sketches, max_df)
    found = nearest_sketches(m, np.flatnonzero(is_new), k=k, min_cosine=min_cosine,
                             chunk=chunk)
    return sorted((i, j, v) for (i, j), v in found.items())
