"""Sentence similarity between two texts: lexical tf-idf cosine, optionally embeddings."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from storytrace.text.doc import Doc
from storytrace.text.words import STOPWORDS

MIN_CONTENT_WORDS = 5


def content_stems(t: Doc, first: int, end: int) -> list[str]:
    """Stems of the non-stop-words in tokens ``first .. end-1``."""
    stems, words = t.stems, t.words
    return [stems[i] for i in range(first, end)
            if (w := words[i]) not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def lexical_similarity(a: Doc, b: Doc) -> np.ndarray:
    """Cosine similarities of the tf-idf stem vectors of every sentence pair of ``a`` × ``b``.

    Inverse document frequencies come from the sentences of both texts, so
    words common to the whole story weigh less than the distinctive ones.
    Sentences with fewer than five content words score 0: too short to judge.
    """
    from scipy import sparse

    bags = [Counter(content_stems(t, s, e)) for t in (a, b) for s, e in t.sentence_tokens]
    if not bags:
        return np.zeros((len(a.sentence_tokens), len(b.sentence_tokens)))
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
    na = len(a.sentence_tokens)
    return (m[:na] @ m[na:].T).toarray()
