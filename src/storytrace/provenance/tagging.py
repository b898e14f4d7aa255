"""What both attribution taggers share: the tokens and windows they read, the BIO tags
they give, the constrained Viterbi decoding and the spans a tagged window makes.

The word-feature :class:`~storytrace.provenance.attribution.Tagger` and the contextual
:class:`~storytrace.provenance.contextual.ContextualTagger` both import from here, so
neither imports the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from storytrace.model import Span
from storytrace.text.words import TOKEN

MAX_TAGGED_TOKENS = 400  # tagger window; longer paragraphs are cut into windows
MAX_TAGGED_TOTAL = 60_000  # tokens the tagger reads per text (a long book chapter)

_TOKEN = TOKEN  # words and single symbols (text/words.py)
_PARAGRAPH = re.compile(r"[^\n]+")


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of word and punctuation tokens of ``text[start:end]``.

    >>> t = "Mr. Cook’s aide said: “No.”"
    >>> [t[s:e] for s, e in tokenize(t)]
    ['Mr', '.', 'Cook’s', 'aide', 'said', ':', '“', 'No', '.', '”']
    """
    end = len(text) if end is None else end
    return [m.span() for m in _TOKEN.finditer(text, start, end)]


TAGS = ("O", "B-S", "I-S", "B-C", "I-C", "B-T", "I-T")
_N = len(TAGS)
_NEG = -1e9


def _allowed() -> np.ndarray:
    """Transitions (row: previous tag, last row: sequence start) a BIO path may take."""
    ok = np.ones((_N + 1, _N), dtype=bool)
    for a in range(_N + 1):
        prev = TAGS[a] if a < _N else "O"
        for b, tag in enumerate(TAGS):
            if tag.startswith("I-") and prev[2:] != tag[2:]:
                ok[a, b] = False
    return ok


ALLOWED = _allowed()


def viterbi(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    """Best BIO-valid tag path for an ``(n, tags)`` score matrix.

    ``transitions`` is ``(tags + 1, tags)``, its last row scoring the first tag.

    >>> e = np.zeros((2, 7)); e[0, 1] = 1; e[1, 2] = 1
    >>> viterbi(e, np.zeros((8, 7)))
    [1, 2]
    """
    n = len(emissions)
    if n == 0:
        return []
    trans = np.where(ALLOWED[:_N], transitions[:_N], _NEG)
    score = np.where(ALLOWED[_N], transitions[_N], _NEG) + emissions[0]
    back = np.zeros((n, _N), dtype=np.int64)
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = cand.argmax(0)
        score = cand.max(0) + emissions[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def viterbi_many(emissions: Sequence[np.ndarray], transitions: np.ndarray) -> list[list[int]]:
    """:func:`viterbi` of several windows at once: the same paths, the same floats (each
    step adds and compares exactly what the one-window loop does), one numpy step per
    token position instead of one per token of every window.

    >>> e = [np.zeros((2, 7)), np.zeros((1, 7))]; e[0][0, 1] = e[0][1, 2] = e[1][0, 3] = 1
    >>> viterbi_many(e, np.zeros((8, 7)))
    [[1, 2], [3]]
    """
    order = sorted(range(len(emissions)), key=lambda k: -len(emissions[k]))
    paths: list[list[int]] = [[] for _ in emissions]
    live = [k for k in order if len(emissions[k])]
    if not live:
        return paths
    longest = len(emissions[live[0]])
    lengths = np.array([len(emissions[k]) for k in live])
    stacked = np.zeros((len(live), longest, _N))
    for row, k in enumerate(live):
        stacked[row, : lengths[row]] = emissions[k]
    trans = np.where(ALLOWED[:_N], transitions[:_N], _NEG)
    score = np.where(ALLOWED[_N], transitions[_N], _NEG) + stacked[:, 0]
    back = np.zeros((len(live), longest, _N), dtype=np.int64)
    last = score.copy()  # each window's scores at its own last token
    for i in range(1, longest):
        m = int(np.searchsorted(-lengths, -i, side="left"))  # windows longer than i
        cand = score[:m, :, None] + trans
        back[:m, i] = cand.argmax(1)
        score = cand.max(1) + stacked[:m, i]
        done = lengths[:m] == i + 1
        last[:m][done] = score[done]
    for row, k in enumerate(live):
        path = [int(last[row].argmax())]
        for i in range(lengths[row] - 1, 0, -1):
            path.append(int(back[row, i, path[-1]]))
        paths[k] = path[::-1]
    return paths


def windows(text: str) -> Iterator[list[tuple[int, int]]]:
    """Token windows the tagger reads: prose paragraphs, cut at ``MAX_TAGGED_TOKENS``.

    A paragraph that is mostly punctuation (a wall of quote marks, ASCII art) is
    skipped: it holds no attribution and would only cost time.

    >>> [len(w) for w in windows('He said so.\\n""""""""\\nOk')]
    [4]
    """
    budget = MAX_TAGGED_TOTAL
    for m in _PARAGRAPH.finditer(text):
        tokens = tokenize(text, m.start(), m.end())
        words = sum(1 for s, _ in tokens if text[s].isalnum())
        if words < 2 or words < 0.4 * len(tokens):
            continue
        for k in range(0, len(tokens), MAX_TAGGED_TOKENS):
            window = tokens[k : k + MAX_TAGGED_TOKENS]
            budget -= len(window)
            if budget < 0:
                return
            yield window


def labelled_spans(tokens: Sequence[tuple[int, int]], tags: Sequence[str],
                   scores: np.ndarray) -> list[tuple[str, Span, float]]:
    """Spans of a BIO-tagged token window as ``(label, Span, confidence)``.

    The confidence is the span's mean margin between its tokens' two best tag scores.

    >>> spans = labelled_spans([(0, 3), (4, 8), (9, 13)], ["B-S", "B-C", "I-C"],
    ...                        np.array([[0, 2, 0], [0, 1, 0], [3, 0, 0]]))
    >>> [(lab, s.start, s.end, c) for lab, s, c in spans]
    [('S', 0, 3, 2.0), ('C', 4, 13, 2.0)]
    """
    top2 = np.sort(scores, axis=1)[:, -2:]
    margin = top2[:, 1] - top2[:, 0]
    out: list[tuple[str, Span, float]] = []
    cur: list[Any] | None = None
    for k, tag in enumerate([*tags, "O"]):
        if cur is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != cur[0]):
            out.append((cur[0], Span(cur[1], cur[2]), float(np.mean(margin[cur[3] : k]))))
            cur = None
        if k < len(tags) and tag != "O":
            if cur is None:
                cur = [tag[2:], tokens[k][0], tokens[k][1], k]
            else:
                cur[2] = tokens[k][1]
    return out
