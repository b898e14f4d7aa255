"""Which sentence of one version corresponds to a sentence of the other, if any.

A sentence has a counterpart when an aligned passage covers most of its words (the
passage's other side is where it went), when the other version has the same sentence, or
when the aligner's sentence similarity (:meth:`storytrace.align.Aligner.sentence_similarity`:
tf-idf cosine, averaged with embeddings when installed) finds one. Similarity alone must be
high; a moderate similarity counts only together with a specific fact both sentences share
(the same person, number, date or quote), which is what tells a rewrite of the sentence
from a sentence on the same topic.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from storytrace.align import Passage
from storytrace.text.doc import Doc

PASSAGE_COVER = 0.5  # share of a sentence's words inside aligned passages to count as reused


@dataclass(frozen=True)
class Thresholds:
    """Sentence-similarity thresholds: ``high`` alone, ``low`` with a shared fact."""

    high: float
    low: float


# Calibrated on the seed pair: embeddings+lexical scores run higher than lexical alone.
# With embeddings, unrelated sentences of one story reach 0.45 ("they're all criminals"
# against "the NYPD has started to alert ICE agents"); rewrites reach 0.54-0.60.
SEMANTIC = Thresholds(high=0.5, low=0.25)
LEXICAL = Thresholds(high=0.4, low=0.12)


@dataclass(frozen=True)
class SentenceLink:
    """Sentence ``index`` (``text[start:end]``) and its counterpart in the other version.

    ``counterpart`` is an index into the other version's sentences (``None`` when there is
    none); ``how`` says what found it: ``passage``, ``same text``, ``similar`` or
    ``similar + shared fact``; ``score`` is the sentence similarity to it (or to the most
    similar sentence when there is no counterpart).
    """

    index: int
    start: int
    end: int
    counterpart: int | None
    how: str
    score: float


def link_sentences(ta: Doc, tb: Doc, spans_a: Sequence[tuple[int, int]],
                   spans_b: Sequence[tuple[int, int]], similarity: np.ndarray,
                   passages: Sequence[Passage], anchors_a: Sequence[set[str]],
                   anchors_b: Sequence[set[str]], thresholds: Thresholds
                   ) -> tuple[list[SentenceLink], list[SentenceLink]]:
    """Counterparts of every sentence of A in B and of every sentence of B in A.

    ``similarity`` is ``len(spans_a) × len(spans_b)``; ``anchors_*`` hold, per sentence,
    the values of the specific facts it states (see :mod:`storytrace.diff.core`).
    """
    ranges_a = [(p.a_start, p.a_end, p.b_start, p.b_end) for p in passages]
    ranges_b = [(p.b_start, p.b_end, p.a_start, p.a_end) for p in passages]
    links_a = _links(ta, tb, spans_a, spans_b, similarity, ranges_a, anchors_a, anchors_b,
                     thresholds)
    links_b = _links(tb, ta, spans_b, spans_a, similarity.T, ranges_b, anchors_b, anchors_a,
                     thresholds)
    return links_a, links_b


def _links(tx: Doc, ty: Doc, spans_x: Sequence[tuple[int, int]],
           spans_y: Sequence[tuple[int, int]], sim: np.ndarray,
           ranges: list[tuple[int, int, int, int]], anchors_x: Sequence[set[str]],
           anchors_y: Sequence[set[str]], th: Thresholds) -> list[SentenceLink]:
    norm_y = {_words(ty, s, e): k for k, (s, e) in enumerate(spans_y)}
    out = []
    for k, (start, end) in enumerate(spans_x):
        row = sim[k] if sim.shape[1] else np.zeros(0)
        best = int(row.argmax()) if row.size else None
        best_score = float(row[best]) if best is not None else 0.0
        via_passage = _passage_counterpart(tx, start, end, spans_y, row, ranges)
        if via_passage is not None:
            out.append(SentenceLink(k, start, end, via_passage, "passage",
                                    round(float(row[via_passage]), 4)))
            continue
        same = norm_y.get(_words(tx, start, end))
        if same is not None:
            out.append(SentenceLink(k, start, end, same, "same text", 1.0))
            continue
        found, how = None, ""
        order = np.argsort(-row) if row.size else []
        for j in order:
            score = float(row[j])
            if score < th.low:
                break
            if score >= th.high:
                found, how = int(j), "similar"
                break
            if anchors_x[k] & anchors_y[j]:
                found, how = int(j), "similar + shared fact"
                break
        score = float(row[found]) if found is not None else best_score
        out.append(SentenceLink(k, start, end, found, how, round(score, 4)))
    return out


def _passage_counterpart(tx: Doc, start: int, end: int,
                         spans_y: Sequence[tuple[int, int]], row: np.ndarray,
                         ranges: list[tuple[int, int, int, int]]) -> int | None:
    """The sentence of Y that a passage covering most of this sentence maps to."""
    words = [i for i, s in enumerate(tx.starts) if start <= s < end]
    if not words:
        return None
    best: tuple[int, float, int] | None = None  # (covered words, similarity, sentence)
    for xs, xe, ys, ye in ranges:
        covered = sum(1 for i in words if xs <= tx.starts[i] < xe)
        if covered < PASSAGE_COVER * len(words):
            continue
        # A passage may span several sentences on the other side: the one most similar to
        # this sentence is its counterpart.
        for j in (j for j, (s, e) in enumerate(spans_y) if s < ye and ys < e):
            key = (covered, float(row[j]) if row.size else 0.0, j)
            if best is None or key[:2] > best[:2]:
                best = key
    return None if best is None else best[2]


def _words(doc: Doc, start: int, end: int) -> tuple[str, ...]:
    """The ``Doc``'s words (normalised, lower-cased) that start in ``start .. end``: two
    sentences with the same words are the same text, whatever their spacing and quotes."""
    return doc.words[bisect_left(doc.starts, start):bisect_left(doc.starts, end)]
