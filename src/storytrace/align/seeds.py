"""Seeds: short stretches that certainly match, from which passages are grown.

Two kinds, as in the best PAN text-alignment systems: runs of shared word
n-grams (verbatim and lightly edited reuse) and pairs of similar sentences
(paraphrase).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from storytrace.text.doc import Doc
from storytrace.text.words import STOPWORDS


@dataclass(frozen=True)
class Seed:
    """Tokens ``a0..a1-1`` of text A match tokens ``b0..b1-1`` of text B."""

    a0: int
    a1: int
    b0: int
    b1: int
    kind: str  # "ngram" | "sentence"
    score: float = 1.0


def ngram_seeds(a: Doc, b: Doc, n: int = 3, max_occurrences: int = 8,
                same_text: bool = False) -> list[Seed]:
    """Maximal diagonal runs of shared stemmed word ``n``-grams.

    N-grams made only of stop words, or occurring more than ``max_occurrences``
    times in either text, are too common to be evidence and are skipped. With
    ``same_text`` (``a is b``) self-matches and overlapping matches are dropped,
    which finds passages repeated inside one text.
    """
    if len(a) < n or len(b) < n:
        return []
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    # content[i]: words before i that are not stop words, so a gram of stop words only
    # is one whose window adds none
    content = [0, *accumulate(w not in STOPWORDS for w in a.words)]
    for i, gram in enumerate(zip(*(a.stems[k:] for k in range(n)), strict=False)):
        if content[i + n] > content[i]:
            index[gram].append(i)
    diagonals: dict[int, list[int]] = defaultdict(list)
    b_grams = list(zip(*(b.stems[k:] for k in range(n)), strict=False))
    b_counts = Counter(b_grams)
    for j, gram in enumerate(b_grams):
        positions = index.get(gram)
        if not positions or len(positions) > max_occurrences or b_counts[gram] > max_occurrences:
            continue
        for i in positions:
            if same_text and abs(i - j) < n:
                continue
            diagonals[i - j].append(j)
    seeds = []
    for diag, js in diagonals.items():
        js.sort()
        start = prev = js[0]
        for j in [*js[1:], None]:
            if j is not None and j == prev + 1:
                prev = j
                continue
            b0, b1 = start, prev + n
            a0, a1 = b0 + diag, b1 + diag
            if not same_text or a0 >= b1:  # keep one of the two mirrored self-matches
                seeds.append(Seed(a0, a1, b0, b1, "ngram"))
            if j is not None:
                start = prev = j
    return seeds


def drop_shadowed(seeds: list[Seed], factor: float = 3.0) -> list[Seed]:
    """Drop word runs that reuse the words of a run ``factor`` times longer.

    A phrase that recurs in one text ("Pink Floyd News" in a menu, "the Rahami
    family") matches the other text's copy at each occurrence; the stray short
    matches stretch a passage over text that was never copied. Each word should
    align once, so a run is dropped when, in either text, it overlaps a kept run
    at least ``factor`` times as long. Runs of similar length are both kept: a
    passage printed twice is for echo removal and ``repeats`` to handle.

    >>> long, stray = Seed(0, 12, 0, 12, "ngram"), Seed(5, 8, 40, 43, "ngram")
    >>> drop_shadowed([stray, long]) == [long]
    True
    """
    if not seeds:
        return []
    ordered = sorted(seeds, key=lambda s: s.a0 - s.a1)  # longest first
    if ordered[0].a1 - ordered[0].a0 < factor * (ordered[-1].a1 - ordered[-1].a0):
        return seeds  # no run can shadow another
    cover_a = [0] * max(s.a1 for s in seeds)
    cover_b = [0] * max(s.b1 for s in seeds)
    kept = []
    for s in ordered:
        length = s.a1 - s.a0
        if max(max(cover_a[s.a0:s.a1]), max(cover_b[s.b0:s.b1])) >= factor * length:
            continue
        kept.append(s)
        for i in range(s.a0, s.a1):
            cover_a[i] = max(cover_a[i], length)
        for j in range(s.b0, s.b1):
            cover_b[j] = max(cover_b[j], length)
    return sorted(kept, key=lambda s: (s.a0, s.b0))


def sentence_seeds(a: Doc, b: Doc, similarity: np.ndarray,
                   threshold: float) -> list[Seed]:
    """Sentence pairs whose similarity reaches ``threshold``.

    Each sentence keeps its best partner only (in both directions), so one
    generic sentence cannot seed passages all over the other text.
    """
    if similarity.size == 0:
        return []
    best_b = similarity.argmax(axis=1)
    best_a = similarity.argmax(axis=0)
    seeds = []
    for i, j in enumerate(best_b):
        score = float(similarity[i, j])
        if score >= threshold and best_a[j] == i:
            (a0, a1), (b0, b1) = a.sentence_tokens[i], b.sentence_tokens[j]
            seeds.append(Seed(a0, a1, b0, b1, "sentence", score))
    return seeds


def trim_sentence(seed: Seed, runs: list[Seed], max_gap: int) -> Seed:
    """``seed`` (a sentence pair) without an edge that only one of its sentences has.

    Where shared word runs inside the pair show which part of each sentence was reused,
    a head or tail that one sentence has beyond the runs and the other does not (more
    than ``max_gap`` words longer than the other's) is the writer's own words around a
    reused part, as in "Supporting her candidate's efforts, she then said that ... by
    saying “If you're black ...”": the pair is cut to the other sentence's edge there.

    >>> trim_sentence(Seed(0, 40, 0, 12, "sentence"), [Seed(28, 38, 1, 11, "ngram")], 10)
    Seed(a0=27, a1=40, b0=0, b1=12, kind='sentence', score=1.0)
    """
    inner = [r for r in runs if seed.a0 <= r.a0 and r.a1 <= seed.a1
             and seed.b0 <= r.b0 and r.b1 <= seed.b1]
    if not inner:
        return seed
    first_a, first_b = min(r.a0 for r in inner), min(r.b0 for r in inner)
    last_a, last_b = max(r.a1 for r in inner), max(r.b1 for r in inner)
    a0, b0, a1, b1 = seed.a0, seed.b0, seed.a1, seed.b1
    head_a, head_b = first_a - a0, first_b - b0
    if head_a > head_b + max_gap:
        a0 = first_a - head_b
    elif head_b > head_a + max_gap:
        b0 = first_b - head_a
    tail_a, tail_b = a1 - last_a, b1 - last_b
    if tail_a > tail_b + max_gap:
        a1 = last_a + tail_b
    elif tail_b > tail_a + max_gap:
        b1 = last_b + tail_a
    return Seed(a0, a1, b0, b1, seed.kind, seed.score)
