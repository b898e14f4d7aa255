"""Matching facts across two versions: the same value, a changed value, or this version only.

For each fact of one version, in this order: the same value in the counterpart sentence
(``matching``); the same value anywhere in the other version (``matching``, found
``elsewhere``); the same thing with another value (``changed``): the same person's age, a
quote reworded, a number counting the same noun in the counterpart sentence, or a fact
replaced inside a small edit between the two sentences' words ("September 13" →
"September 20"); a quote whose words the other version prints without quotation marks
(``changed``); otherwise ``only``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from storytrace.diff.counterparts import SentenceLink
from storytrace.diff.facts import ENTITY_KINDS, Fact
from storytrace.diff.normalize import dates_match
from storytrace.text.doc import Doc

STATUSES = ("matching", "changed", "only")
QUOTE_ALTERED = 60  # rapidfuzz ratio (0-100) from which two quotes are one quote reworded
MAX_EDIT_WORDS = 4  # longest replaced stretch in which two facts count as one changed


@dataclass(frozen=True)
class FactStatus:
    """A fact of one version and what became of it in the other.

    ``status``: ``matching``, ``changed`` or ``only``. ``counterpart`` is the fact in the
    other version (offsets into the other text) for matching and changed facts. ``how``
    says where the counterpart was found (``counterpart sentence``, ``elsewhere``) and
    ``note`` what changed. ``sentence`` indexes this version's sentences.
    """

    fact: Fact
    status: str
    sentence: int
    counterpart: Fact | None = None
    how: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = self.fact.to_dict() | {"status": self.status, "sentence": self.sentence}
        if self.counterpart is not None:
            c = self.counterpart
            d["counterpart"] = {"start": c.start, "end": c.end, "text": c.text,
                                "value": c.value}
        if self.how:
            d["how"] = self.how
        if self.note:
            d["note"] = self.note
        return d


def same_fact(x: Fact, y: Fact) -> bool:
    """Whether two facts state the same value (dates may leave out the year)."""
    if x.kind != y.kind:
        return False
    if x.kind == "date":
        return dates_match(x.value, y.value)
    if x.kind == "age" and x.subject and y.subject and x.subject != y.subject:
        return False
    return x.value == y.value


@dataclass
class Side:
    """One version as the fact matcher sees it."""

    text: str
    tokens: Doc
    facts: list[Fact]
    sentence: list[int]  # sentence index of each fact
    links: list[SentenceLink]
    equal: list[bool] = field(default_factory=list)  # fact has an equal in the other version

    def words(self, start: int, end: int) -> tuple[int, int]:
        """Token range ``[first, last)`` of the words inside ``[start, end)``."""
        first = bisect_left(self.tokens.starts, start)
        return first, bisect_left(self.tokens.starts, end, lo=first)


def match_facts(x: Side, y: Side) -> tuple[list[FactStatus], list[FactStatus]]:
    """Status of every fact of A (``x``) and of B (``y``), changes paired both ways."""
    x.equal = _has_equal(x.facts, y.facts)
    y.equal = _has_equal(y.facts, x.facts)
    pairs: dict[int, int] = {}  # changed: fact of A -> fact of B
    status_a = _resolve(x, y, pairs)
    reverse = {j: i for i, j in pairs.items()}
    status_b = _resolve(y, x, reverse)
    # Changes found from B's side (a pair A's pass could not see) show on A's side too.
    for j, i in reverse.items():
        if status_a[i].status != "changed":
            s = status_b[j]
            status_a[i] = FactStatus(x.facts[i], "changed", x.sentence[i], y.facts[j], s.how,
                                     s.note)
    return status_a, status_b


def _has_equal(xs: list[Fact], ys: list[Fact]) -> list[bool]:
    """For each fact of ``xs``, whether ``ys`` states the same (bucketed: articles are long)."""
    buckets: dict[tuple[str, str], list[Fact]] = {}
    for g in ys:
        buckets.setdefault(_bucket(g), []).append(g)
    return [any(same_fact(f, g) for g in buckets.get(_bucket(f), ())) for f in xs]


def _bucket(f: Fact) -> tuple[str, str]:
    # Dates with and without a year can match ("March 2" = "March 2, 2017"): month-day.
    return (f.kind, f.value[-5:] if f.kind == "date" else f.value)


def _resolve(x: Side, y: Side, pairs: dict[int, int]) -> list[FactStatus]:
    """Status of every fact of X against Y; ``pairs`` (X index → Y index) collects changes."""
    by_sentence_y: dict[int, list[int]] = {}
    for j, k in enumerate(y.sentence):
        by_sentence_y.setdefault(k, []).append(j)
    linked_from_y: dict[int, set[int]] = {}
    for link in y.links:
        if link.counterpart is not None:
            linked_from_y.setdefault(link.counterpart, set()).add(link.index)
    taken = set(pairs.values())
    out = []
    for i, f in enumerate(x.facts):
        k = x.sentence[i]
        counter = linked_from_y.get(k, set()) | ({x.links[k].counterpart} - {None})
        if i in pairs:
            g = y.facts[pairs[i]]
            out.append(FactStatus(f, "changed", k, g, *_change_note(f, g)))
            continue
        same_here = [j for c in sorted(counter) for j in by_sentence_y.get(c, [])
                     if same_fact(f, y.facts[j])]
        if same_here:
            out.append(FactStatus(f, "matching", k, y.facts[same_here[0]],
                                  "counterpart sentence"))
            continue
        if x.equal[i]:
            j = next(j for j, g in enumerate(y.facts) if same_fact(f, g))
            out.append(FactStatus(f, "matching", k, y.facts[j], "elsewhere"))
            continue
        free = {j for j, g in enumerate(y.facts)
                if not y.equal[j] and j not in taken and g.kind == f.kind}
        j = _changed_partner(x, y, i, free, sorted(counter))
        if j is not None:
            pairs[i] = j
            taken.add(j)
            out.append(FactStatus(f, "changed", k, y.facts[j], *_change_note(f, y.facts[j])))
            continue
        if f.kind == "quote":
            unquoted = _find_words(y.text, f.value)
            if unquoted is not None:
                s, e = unquoted
                g = Fact("quote", s, e, y.text[s:e], f.value)
                out.append(FactStatus(f, "changed", k, g, "unquoted in the other version",
                                      "quotation marks dropped"))
                continue
        out.append(FactStatus(f, "only", k))
    return out


def _changed_partner(x: Side, y: Side, i: int, free: set[int],
                     counterparts: list[int]) -> int | None:
    """The fact of Y that states what fact ``i`` of X states, with another value, if any."""
    f = x.facts[i]
    if f.kind == "age" and f.subject:
        for j in sorted(free):
            if y.facts[j].subject == f.subject:
                return j
    if f.kind == "quote":
        best = max(((fuzz.ratio(f.value, y.facts[j].value), j) for j in free),
                   default=(0.0, None))
        return best[1] if best[0] >= QUOTE_ALTERED else None
    if f.kind in ("group", "entity"):
        return None
    local = [j for j in sorted(free) if y.sentence[j] in counterparts]
    if f.about and f.kind not in ENTITY_KINDS:  # "12 cities" → "15 cities"
        same_about = [j for j in local if y.facts[j].about == f.about]
        if same_about:
            return same_about[0]
    # Otherwise the two facts must sit in the same small edit between the two sentences'
    # words ("on March 2 the aide" → "on March 3 the aide"), not merely in the same pair.
    # Facts overlap the edit: in "September 13" → "September 20" only the day is replaced.
    fx = x.words(f.start, f.end)
    for c in counterparts:
        for (x0, x1), (y0, y1) in _edits(x, y, x.sentence[i], c):
            if not (fx[0] < x1 and x0 < fx[1]):
                continue
            for j in local:
                fy = y.words(y.facts[j].start, y.facts[j].end)
                if y.sentence[j] == c and fy[0] < y1 and y0 < fy[1]:
                    return j
    return None


def _edits(x: Side, y: Side, kx: int, ky: int) -> list[tuple[tuple[int, int],
                                                                 tuple[int, int]]]:
    """Small word replacements between sentence ``kx`` of X and ``ky`` of Y, as token ranges.

    Only replacements anchored by unchanged words (two on one side, or one on each) and at
    most :data:`MAX_EDIT_WORDS` words long on each side count.
    """
    sx, sy = x.links[kx], y.links[ky]
    ax, bx = x.words(sx.start, sx.end)
    ay, by = y.words(sy.start, sy.end)
    ops = Levenshtein.opcodes(x.tokens.stems[ax:bx], y.tokens.stems[ay:by])
    blocks = [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in ops]
    out = []
    n = 0
    while n < len(blocks):
        if blocks[n][0] == "equal":
            n += 1
            continue
        m = n
        while m + 1 < len(blocks) and blocks[m + 1][0] != "equal":
            m += 1
        x0, x1, y0, y1 = blocks[n][1], blocks[m][2], blocks[n][3], blocks[m][4]
        before = blocks[n - 1][2] - blocks[n - 1][1] if n > 0 else 0
        after = blocks[m + 1][2] - blocks[m + 1][1] if m + 1 < len(blocks) else 0
        anchored = max(before, after) >= 2 or (before >= 1 and after >= 1)
        if anchored and 0 < x1 - x0 <= MAX_EDIT_WORDS and 0 < y1 - y0 <= MAX_EDIT_WORDS:
            out.append(((ax + x0, ax + x1), (ay + y0, ay + y1)))
        n = m + 1
    return out


def _change_note(x: Fact, y: Fact) -> tuple[str, str]:
    """``(how, note)`` for a changed pair; the two texts themselves show what changed."""
    if x.kind == "quote":
        return "similar quote", "wording altered"
    if x.kind == "age" and x.subject and x.subject == y.subject:
        return "same person", ""
    return "counterpart sentence", ""


def _find_words(text: str, words: str) -> tuple[int, int] | None:
    """Where the words of a quote appear in ``text`` (any case, punctuation or quotes)."""
    parts = [re.escape(w).replace("'", "['’]") for w in words.split()]
    if not parts:
        return None
    m = re.search(r"(?<!\w)" + r"\W+".join(parts) + r"(?!\w)", text, re.IGNORECASE)
    return (m.start(), m.end()) if m else None
