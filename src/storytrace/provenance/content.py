"""How much of what two aligned texts share is copied article content.

An aligned passage is not all copying: two reports quote the same speech (the speech
tag around the quotation differs, a partial quotation runs into the reporter's words),
pages print the same small print or credit line, and an "edited" or "paraphrase"
passage spans whole sentences of which only a few words match. A reuse link needs
copied article content beyond all that, so :func:`copied_content` counts only the
words of each passage that lie in a run of three words found in the other side's
passage too (a shared word trigram), outside quoted speech in *both* texts (a words
quoted by one text and not the other is still a third party's words: a transcript, or a
quotation mark the page lost), and outside furniture (promotional or legal small print,
credit lines: :func:`storytrace.text.boilerplate.furniture_blocks`).

For two pages of one site, a passage that begins both texts or ends both, verbatim, and is
a small part of each, is the site's header or footer (a navigation widget the boilerplate
model has not seen often enough): furniture too.

Every offset is an offset into the texts given (boilerplate already blanked, offsets
kept).

>>> a = ('Critics were furious. Mayor Jones said: "We will rebuild the bridge before '
...      'winter, whatever it costs the city." The council meets on Monday.')
>>> b = ('A different report. "We will rebuild the bridge before winter, whatever it '
...      'costs the city," Jones told voters.')
>>> p = (a.index("We will"), a.index("costs") + 14, b.index("We will"), b.index("costs") + 14)
>>> out = copied_content(a, b, [p])
>>> out["content"], out["quoted"][0] > 60
([0, 0], True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from storytrace.text.boilerplate import furniture_blocks
from storytrace.text.words import WORD, plain_word

#: Words in a run found in both passages before they count as copied (a word trigram).
RUN = 3
#: A passage of two pages of one site at the start or end of both is their header or
#: footer when it is shorter than this share of each page's text.
EDGE_SHARE = 1 / 3

#: A run of shared narrative words at least this long between two shared quotations
#: is the reporter's own connecting text, copied with the quotations (a "bridge").
BRIDGE_WORDS = 6

_CONTENT, _QUOTED, _FURNITURE = 1, 2, 3


def copied_content(a_text: str, b_text: str, passages: Iterable[Any], *,
                   same_site: bool = False) -> dict[str, Any]:
    """What two aligned texts share, split into copied article content, quoted speech and
    furniture.

    ``passages``: aligned passages with offsets into each text
    (:class:`storytrace.align.Passage` objects or ``(a_start, a_end, b_start, b_end)``
    tuples; a ``kind`` attribute of ``"verbatim"`` lets the edge rule apply).
    ``same_site``: the two texts are pages of one site (see the module's docstring).

    Returns ``{"content": [a, b], "quoted": [a, b], "furniture": [a, b], "quote_runs":
    [(a0, a1, b0, b1), ...], "bridges": [(a0, a1), ...]}``: the characters of each text in
    runs of shared words that are copied content, quoted speech, or furniture (a run's
    characters run from its first word's start to its last word's end), the stretches of
    shared quoted words with their offsets in both texts, and the runs of shared content
    (offsets in ``a_text``) of at least :data:`BRIDGE_WORDS` words that lie between two
    shared quotations, in both texts: the reporter's own words joining the quotes, copied
    with them.
    """
    marks_a = _marks(a_text, quoted_speech(a_text), furniture_blocks(a_text))
    marks_b = _marks(b_text, quoted_speech(b_text), furniture_blocks(b_text))
    out: dict[str, Any] = {"content": [0, 0], "quoted": [0, 0], "furniture": [0, 0],
                           "quote_runs": [], "bridges": []}
    edges = (_edges(a_text), _edges(b_text)) if same_site else None
    for p in passages:
        a0, a1, b0, b1 = _offsets(p)
        edge = edges is not None and getattr(p, "kind", "verbatim") == "verbatim" and (
            _at_edge(a0, a1, edges[0]) and _at_edge(b0, b1, edges[1]))
        words_a = _words(a_text, a0, a1, marks_a, edge)
        words_b = _words(b_text, b0, b1, marks_b, edge)
        got_a, got_b = _shared(words_a, words_b)
        for side, words, got in ((0, words_a, got_a), (1, words_b, got_b)):
            for kind, key in ((_CONTENT, "content"), (_QUOTED, "quoted"),
                              (_FURNITURE, "furniture")):
                out[key][side] += sum(e - s for s, e, *_ in _runs(words, got, kind))
        out["quote_runs"] += _quote_runs(words_a, words_b, got_a, got_b)
        bridges = [(s, e) for s, e, k, n in _runs(words_a, got_a, _CONTENT)
                   if _between_quotes(got_a, k, n)]
        if any(_between_quotes(got_b, k, n) for *_, k, n in _runs(words_b, got_b, _CONTENT)):
            out["bridges"] += bridges
    return out


#: A closing quotation mark (double or single) right after a quotation's last character.
_CLOSING = "”\"’'"
#: A paragraph that goes on with a quotation opens with one of these marks.
_REOPENING = re.compile(r"\n\s*[“\"‘]")
#: Where a sentence ends.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def quoted_speech(text: str) -> list[tuple[int, int, str | None]]:
    """:func:`storytrace.provenance.direction.quote_spans`, with an opening quotation mark
    that no mark closes trusted only to the end of its sentence: news style leaves a
    quotation open at a paragraph's end only when the next paragraph reopens it; any
    other unclosed mark (a mark moved or lost in editing) would make the rest of the
    paragraph somebody's speech.

    >>> t = 'He said, “We won. The vote was close and then came the count.\\n\\nNext.'
    >>> [t[s:e] for s, e, _ in quoted_speech(t)]
    ['We won.']
    >>> t = '“We won.\\n\\n“It was close,” she said.'
    >>> [t[s:e] for s, e, _ in quoted_speech(t)]
    ['We won.', 'It was close,']
    """
    from storytrace.provenance.direction import quote_spans

    out = []
    for s, e, who in quote_spans(text):
        closed = e < len(text) and text[e] in _CLOSING
        if who is None and not closed and not _REOPENING.match(text, e):
            end = _SENTENCE_END.search(text, s, e)
            e = end.end() if end else e
        out.append((s, e, who))
    return out


def quoted_mask(text: str, spans: Iterable[tuple[int, int]] = ()) -> bytearray:
    """1 for each character of ``text`` inside :func:`quoted_speech` (or inside one of the
    extra ``spans``), else 0.

    >>> t = 'He said, “We won.” Then he left.'
    >>> "".join(c for c, x in zip(t, quoted_mask(t), strict=True) if x)
    'We won.'
    """
    inside = bytearray(len(text))
    for s, e in [*((s, e) for s, e, _ in quoted_speech(text)), *spans]:
        inside[s:e] = b"\x01" * (e - s)
    return inside


def _between_quotes(got: list[int], first: int, n: int) -> bool:
    """Whether the run of ``n`` shared content words from word ``first`` is a bridge: at
    least :data:`BRIDGE_WORDS` words, with shared quoted words before and after it in the
    same passage."""
    return (n >= BRIDGE_WORDS and _QUOTED in got[:first]
            and _QUOTED in got[first + n:])


def _offsets(p: Any) -> tuple[int, int, int, int]:
    if isinstance(p, Sequence):
        return int(p[0]), int(p[1]), int(p[2]), int(p[3])
    return p.a_start, p.a_end, p.b_start, p.b_end


def _marks(text: str, quotes: Sequence[tuple[int, ...]], furniture: Sequence[tuple[int, int]]
           ) -> bytearray:
    """One byte per character of ``text``: inside furniture, inside quoted speech, or
    neither (content)."""
    marks = bytearray([_CONTENT]) * len(text)
    for s, e, *_ in quotes:
        marks[s:e] = bytes([_QUOTED]) * (e - s)
    for s, e in furniture:
        marks[s:e] = bytes([_FURNITURE]) * (e - s)
    return marks


def _edges(text: str) -> tuple[int, int, int]:
    """The first and last non-blank characters of ``text`` and how many there are."""
    stripped = text.strip()
    if not stripped:
        return 0, 0, 0
    first = len(text) - len(text.lstrip())
    return first, first + len(stripped), sum(not c.isspace() for c in stripped)


def _at_edge(start: int, end: int, edges: tuple[int, int, int]) -> bool:
    """``[start, end)`` begins or ends the text and is a small part of it."""
    first, last, solid = edges
    return (start <= first or end >= last) and end - start < EDGE_SHARE * solid


def _words(text: str, start: int, end: int, marks: bytearray, edge: bool
           ) -> list[tuple[int, int, str, int]]:
    """``(start, end, word, mark)`` of each word of ``text[start:end]``; a word's mark is
    the strongest of its characters' (furniture over quotation over content)."""
    out = []
    for m in WORD.finditer(text, start, end):
        s, e = m.start(), m.end()
        mark = _FURNITURE if edge else max(marks[s:e], default=_CONTENT)
        out.append((s, e, plain_word(m.group().lower()), mark))
    return out


def _shared(words_a: list[tuple[int, int, str, int]], words_b: list[tuple[int, int, str, int]]
            ) -> tuple[list[int], list[int]]:
    """For each word of either side, what it shares: 0 (no trigram found in the other
    side), else the mark of the shared trigram (furniture if any of its six words is,
    else quotation if any is, else content); each word keeps the strongest."""
    def grams(words: list[tuple[int, int, str, int]]) -> dict[tuple[str, ...], list[int]]:
        found: dict[tuple[str, ...], list[int]] = {}
        for k in range(len(words) - RUN + 1):
            found.setdefault(tuple(w[2] for w in words[k : k + RUN]), []).append(k)
        return found

    in_b = grams(words_b)
    got_a, got_b = [0] * len(words_a), [0] * len(words_b)
    for gram, starts in grams(words_a).items():
        for j in in_b.get(gram, ()):
            mark_b = max(w[3] for w in words_b[j : j + RUN])
            for i in starts:
                mark = max(mark_b, *(w[3] for w in words_a[i : i + RUN]))
                for k in range(RUN):
                    got_a[i + k] = max(got_a[i + k], mark)
                    got_b[j + k] = max(got_b[j + k], mark)
    return got_a, got_b


def _runs(words: list[tuple[int, int, str, int]], got: list[int], kind: int
          ) -> list[tuple[int, int, int, int]]:
    """``(start, end, first word index, words)`` of each run of consecutive words marked
    ``kind``."""
    runs: list[tuple[int, int, int, int]] = []
    open_at = None
    for k, mark in enumerate([*got, 0]):
        if mark == kind and open_at is None:
            open_at = k
        elif mark != kind and open_at is not None:
            runs.append((words[open_at][0], words[k - 1][1], open_at, k - open_at))
            open_at = None
    return runs


def _quote_runs(words_a: list[tuple[int, int, str, int]],
                words_b: list[tuple[int, int, str, int]], got_a: list[int], got_b: list[int]
                ) -> list[tuple[int, int, int, int]]:
    """The stretches of shared quoted words, as ``(a0, a1, b0, b1)``: each run of quoted
    words in ``a`` beside the one in ``b`` that overlaps it most in words (both passages
    run in the same order, so the k-th long run of one faces the k-th of the other)."""
    runs_a = [r for r in _runs(words_a, got_a, _QUOTED) if r[1] - r[0] >= 20]
    runs_b = [r for r in _runs(words_b, got_b, _QUOTED) if r[1] - r[0] >= 20]
    return [(a[0], a[1], b[0], b[1]) for a, b in zip(runs_a, runs_b, strict=False)]
