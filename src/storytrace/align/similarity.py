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
    bags = [Counter(content_stems(t, s, e)) for t in (a, b) for s, e in t.sentence_tokens]
    na = len(a.sentence_tokens)
    out = np.zeros((na, len(b.sentence_tokens)))
    if not bags:
        return out
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(bags)
    rows = [_unit_weights(bag, df, n) for bag in bags]
    # Each sentence's words in the order the texts first use them, each word's (sentence
    # of b, weight): summed in that order, one product at a time, as scipy's sparse product
    # of these rows (sorted indices) summed them. The same floats, without importing
    # scipy.sparse (a tenth of a second of a `compare`'s start-up).
    order: dict[str, int] = {}
    for row in rows:
        for w, _ in row:
            order.setdefault(w, len(order))
    rows = [sorted(row, key=lambda wv: order[wv[0]]) for row in rows]
    postings: dict[str, list[tuple[int, float]]] = {}
    for j, row in enumerate(rows[na:]):
        for w, v in row:
            postings.setdefault(w, []).append((j, v))
    for i, row in enumerate(rows[:na]):
        sums = out[i].tolist()
        for w, v in row:
            for j, u in postings.get(w, ()):
                sums[j] += v * u
        out[i] = sums
    return out


def _unit_weights(bag: Counter[str], df: Counter[str], n: int) -> list[tuple[str, float]]:
    """A sentence's L2-normalised tf-idf weights, in the order its words first appear;
    none for a sentence of fewer than :data:`MIN_CONTENT_WORDS` content words."""
    if sum(bag.values()) < MIN_CONTENT_WORDS:
        return []
    weights = [(w, (1 + math.log(c)) * (math.log((n + 1) / (df[w] + 1)) + 1))
               for w, c in bag.items()]
    norm = math.sqrt(sum(v * v for _, v in weights))
    return [(w, v / norm) for w, v in weights]
