"""Sentence similarity between two texts: lexical tf-idf cosine, optionally embeddings."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from storytrace.align.tokens import TokenizedText
from storytrace.text.words import STOPWORDS

MIN_CONTENT_WORDS = 5


def content_stems(t: TokenizedText, first: int, end: int) -> list[str]:
    """Stems of the non-stop-words in tokens ``first .. end-1``."""
    return [t.stems[i] for i in range(first, end)
            if t.words[i] not in STOPWORDS and (len(t.words[i]) > 1 or t.words[i].isdigit())]


def lexical_similarity(a: TokenizedText, b: TokenizedText) -> np.ndarray:
    """``len(a.sentences) × len(b.sentences)`` cosine similarities of tf-idf stem vectors.

    Inverse document frequencies come from the sentences of both texts, so
    words common to the whole story weigh less than the distinctive ones.
    Sentences with fewer than five content words score 0: too short to judge.
    """
    from scipy import sparse

    bags = [Counter(content_stems(t, s, e)) for t in (a, b) for s, e in t.sentences]
    if not bags:
        return np.zeros((len(a.sentences), len(b.sentences)))
    vocab: dict[str, int] = {}
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(bags)
    rows, cols, vals = [], [], []
    for r, bag in enumerate(bags):
        if sum(bag.values()) < MIN_CONTENT_WORDS:
            continue
        weights = {}
        for w, c in bag.items():
            weights[vocab.setdefault(w, len(vocab))] = (1 + math.log(c)) * (
                math.log((n + 1) / (df[w] + 1)) + 1)
        norm = math.sqrt(sum(v * v for v in weights.values()))
        for col, v in weights.items():
            rows.append(r)
            cols.append(col)
            vals.append(v / norm)
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)))
    na = len(a.sentences)
    return (m[:na] @ m[na:].T).toarray()
