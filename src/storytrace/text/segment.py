"""Word and sentence segmentation that reports original character offsets."""

from __future__ import annotations

import re

from storytrace.model import Span
from storytrace.text.words import WORD

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets)
# before whitespace, or at a line break. Abbreviations below do not end one.
# (A run of . ! ? is tried from its first character only, and never backtracked into:
# a shorter run or a start inside it cannot match where the whole run did not, and
# retrying them made a long run of dots quadratic.)
# (Written to open with one character class, which sre searches for directly; a pattern
# that opens with a lookbehind is tried at every position, five times slower. The same
# matches as ``(?<![.!?])[.!?]++["'”’)\]]*+(?=\s)|\n\s*``.)
_END = re.compile(r"[.!?\n](?:(?<=[.!?])(?<![.!?][.!?])[.!?]*+[\"'”’)\]]*+(?=\s)|(?<=\n)\s*)")
_ABBREV = frozenset(
    "mr mrs ms dr prof sen rep gov gen col lt sgt st jr sr inc ltd co corp vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n d.c a.m p.m".split()
)


# The word before a full stop (to tell an abbreviation); searched within the sentence's
# last 32 characters, ``$`` reading the search's end as the end of the string.
_LAST_WORD = re.compile(r"([\w.]+)$")


def words(text: str) -> list[Span]:
    """Word spans (letters/digits, keeping inner apostrophes, dots and hyphens).

    >>> [s.of("It's 5 a.m. now") for s in words("It's 5 a.m. now")]
    ["It's", '5', 'a.m', 'now']
    """
    return [Span(m.start(), m.end()) for m in WORD.finditer(text)]


def sentences(text: str) -> list[Span]:
    """Sentence spans, trimmed of surrounding whitespace.

    >>> t = "Mr. Smith left on March 2. He said: “No.” Then\\nNew line"
    >>> [s.of(t) for s in sentences(t)]
    ['Mr. Smith left on March 2.', 'He said: “No.”', 'Then', 'New line']
    """
    spans: list[Span] = []
    start = 0
    for m in _END.finditer(text):
        mark, at = m.group(), m.start()  # never empty
        if mark[0] == "." and not mark.startswith(".."):
            # The last word only: an abbreviation is short, and searching the whole
            # sentence so far made runs of initials ("A. B. C.") quadratic.
            word = _LAST_WORD.search(text, max(start, at - 32), at)
            if word and ((w := word.group(1)).lower() in _ABBREV
                         or (len(w) == 1 and w.isalpha())):
                continue
        _add_trimmed(text, start, at if mark[0].isspace() else m.end(), spans)
        start = m.end()
    _add_trimmed(text, start, len(text), spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    part = text[start:end]
    body = part.strip()  # strips what isspace() calls whitespace
    if body:
        start += len(part) - len(part.lstrip())
        spans.append(Span(start, start + len(body)))
