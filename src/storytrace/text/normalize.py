"""Unicode/whitespace/punctuation normalisation with a map back to the original.

Matching works on normalised text (NFC, one space for any whitespace run,
straight quotes, ASCII dashes, no zero-width characters), but users need
offsets into the text they gave us. :func:`normalize` therefore records, for
every normalised character, the original range it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters folded to an ASCII look-alike so that "it’s" matches "it's". Only non-ASCII
# characters: ASCII text takes a fast path that folds nothing.
_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    # Hyphens and the en dash of ranges ("52–48"); an em dash (—) separates words and
    # stays as it is, so "stop—it's" is two words.
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
    "\u2212": "-",
    "\u2026": "...",
}
# Invisible characters that only get in the way of matching.
_DROP = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, per character, the original ``[start, end)`` it came from.

    >>> n = normalize("It\u2019s   here")
    >>> n.text
    "It's here"
    >>> n.to_original(5, 9)
    (7, 11)
    """

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised half-open span to a half-open span of the original."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside text of length {len(self.text)}")
        if start == end:
            pos = self.starts[start] if start < len(self.text) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def _clusters(text: str):
    """Yield (offset, cluster): a base character with its combining marks.

    Whitespace takes no marks (they would turn it into a non-space cluster and
    break the one-space-per-run rule); marks after it form a cluster of their own.
    """
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        # At most 32 marks per cluster: NFC of one long run of marks is quadratic.
        while j < n and j - i <= 32 and unicodedata.combining(text[j]) and \
                not text[i].isspace():
            j += 1
        yield i, text[i:j]
        i = j


_SPACES = re.compile(r"\s+")
# Folds to several characters ("…" to "..."): kept as they are by _one_to_one and
# spelled out by _runs, each character of the fold standing for the one it came from.
_EXPAND = {c: f for c, f in _FOLD.items() if len(f) != 1}


def _one_to_one(text: str, lower: bool) -> str | None:
    """``text`` with every character folded as :func:`normalize` folds it, when each
    folds to exactly one character or is one of :data:`_EXPAND` (kept as it is): no
    combining marks, nothing dropped, no lower-casing that changes the length or depends
    on context (a final sigma); else ``None``."""
    table: dict[int, str] = {}
    if not text.isascii():
        for c in set(text):
            if c.isascii() or c.isspace() or c in _EXPAND:
                continue
            if c in _DROP or unicodedata.combining(c) or (lower and c == "\u03a3"):
                return None
            f = "".join(_FOLD.get(x, x) for x in unicodedata.normalize("NFC", c))
            if len(f) != 1 or f.isspace():
                return None
            if f != c:
                table[ord(c)] = f
    body = text.translate(table) if table else text
    if lower:
        low = body.lower()
        if len(low) != len(body):
            return None
        body = low
    return body


def _runs(text: str, body: str) -> NormalizedText:
    """:func:`normalize` of ``text`` whose characters fold one to one into ``body``:
    the text between whitespace runs is kept as it is, each inner run becomes one space
    standing for the whole run."""
    expands = any(c in body for c in _EXPAND)
    if not expands:
        return _plain_runs(text, body)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    n, pos = len(body), 0

    def keep(a: int, b: int) -> None:
        seg = body[a:b]
        if not (expands and any(c in seg for c in _EXPAND)):
            out.append(seg)
            starts.extend(range(a, b))
            ends.extend(range(a + 1, b + 1))
            return
        for i, c in enumerate(seg, a):
            f = _EXPAND.get(c, c)
            out.append(f)
            starts.extend([i] * len(f))
            ends.extend([i + 1] * len(f))

    for m in _SPACES.finditer(body):
        s, e = m.span()
        if s > pos:
            keep(pos, s)
        if out and e < n:
            out.append(" ")
            starts.append(s)
            ends.append(e)
        pos = e
    if pos < n:
        keep(pos, n)
    return NormalizedText(text, "".join(out), tuple(starts), tuple(ends))


_LONG_SPACES = re.compile(r"\s{2,}")


def _plain_runs(text: str, body: str) -> NormalizedText:
    """:func:`_runs` where no character expands: every character maps to itself, but for
    each whitespace run of two or more, one space standing for the whole run (a run of
    one, any whitespace, is a space standing for itself)."""
    lo, hi = len(body) - len(body.lstrip()), len(body.rstrip())
    if hi <= lo:
        return NormalizedText(text, "", (), ())
    starts: list[int] = []
    ends: list[int] = []
    pos = lo
    for m in _LONG_SPACES.finditer(body, lo, hi):
        s, e = m.span()
        starts.extend(range(pos, s + 1))
        ends.extend(range(pos + 1, s + 1))
        ends.append(e)
        pos = e
    starts.extend(range(pos, hi))
    ends.extend(range(pos + 1, hi + 1))
    # str.split() splits at the characters \s matches (both read Py_UNICODE_ISSPACE)
    return NormalizedText(text, " ".join(body[lo:hi].split()), tuple(starts), tuple(ends))


def in_place(text: str, lower: bool = False) -> str | None:
    """``text`` folded as :func:`normalize` folds it, character for character, when every
    character folds to exactly one (most news): then ``normalize(text, lower).text`` is
    this with its whitespace runs made one space and the ends stripped, and a word
    (:data:`~storytrace.text.words.WORD`, which holds no whitespace) found here at
    ``[s, e)`` is the same word of the normalised text, at ``[s, e)`` of ``text``. Else
    ``None``.

    >>> in_place("It’s  Here", lower=True), in_place("Wait…")
    ("it's  here", None)
    """
    body = _one_to_one(text, lower)
    return None if body is None or any(c in body for c in _EXPAND) else body


def normalize(text: str, lower: bool = False) -> NormalizedText:
    """Normalise ``text`` for matching, keeping the offset map.

    Leading and trailing whitespace is dropped; inner runs become one space.
    With ``lower=True`` the result is also lower-cased (per character, so
    offsets stay exact even where lower-casing changes the length).
    """
    body = _one_to_one(text, lower)
    if body is not None:  # most news: one character in, one out, runs at a time
        return _runs(text, body)
    return _by_clusters(text, lower)


def _by_clusters(text: str, lower: bool) -> NormalizedText:
    """:func:`normalize`, one character (with its combining marks) at a time: any text."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    ascii_fast = text.isascii()
    pieces = ((i, c) for i, c in enumerate(text)) if ascii_fast else _clusters(text)
    for i, cluster in pieces:
        end = i + len(cluster)
        if cluster.isspace():
            if out and out[-1] == " ":
                ends[-1] = end
            elif out:
                out.append(" ")
                starts.append(i)
                ends.append(end)
            continue
        if not ascii_fast:
            if cluster in _DROP:
                continue
            if len(cluster) > 1 or not cluster.isascii():
                cluster = unicodedata.normalize("NFC", cluster)
            cluster = "".join(_FOLD.get(c, c) for c in cluster if c not in _DROP)
            if not cluster:
                continue
        if lower:
            cluster = cluster.lower()
        for c in cluster:
            out.append(c)
            starts.append(i)
            ends.append(end)
    if out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return NormalizedText(text, "".join(out), tuple(starts), tuple(ends))
