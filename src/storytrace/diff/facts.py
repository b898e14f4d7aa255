"""Checkable facts in a text: numbers, ages, money, dates and times, and quotes.

Each :class:`Fact` is a span of the original text (``text[start:end]``) with a normalised
``value`` that two versions can compare ("a 51-year-old" and "51" both give age ``51``).
Named entities (people, organisations, places) come from :mod:`storytrace.diff.entities`
and use the same class.

Rules are regular expressions over the original text. Where two patterns claim the same
characters the more specific one wins (money over number, age over number, date over
number), so "$115 million" is one money fact and not also the number 115.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.diff import normalize as norm
from storytrace.text.words import STOPWORDS

NUMERIC_KINDS = ("money", "percent", "age", "date", "time", "number")
ENTITY_KINDS = ("person", "org", "place", "group", "entity")
FACT_KINDS = (*NUMERIC_KINDS, *ENTITY_KINDS, "quote")

MAX_QUOTE = 600  # longest quotation read as one fact (characters)


@dataclass(frozen=True)
class Fact:
    """One fact as written in one text.

    ``value`` is the normalised form compared across versions (``"51"`` for an age,
    ``"USD 115000000"``, ``"--03-02"`` for March 2, a cluster key for an entity).
    ``about`` qualifies it: the person an age belongs to, the noun a number counts
    ("cities"), a quote's speaker; ``about_span`` is where that is in the text, and
    ``subject`` the entity key of that person once entities are linked.

    >>> f = extract_facts("Smith, 51, paid $5 million.")
    >>> [(x.kind, x.text, x.value) for x in f]
    [('age', '51', '51'), ('money', '$5 million', 'USD 5000000')]
    """

    kind: str
    start: int
    end: int
    text: str
    value: str
    about: str = ""
    about_span: tuple[int, int] | None = None
    subject: str = ""
    source: str = "rules"

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "start": self.start, "end": self.end, "text": self.text,
             "value": self.value}
        if self.about:
            d["about"] = self.about
        if self.about_span:
            d["about_span"] = list(self.about_span)
        if self.subject:
            d["subject"] = self.subject
        if self.source != "rules":
            d["source"] = self.source
        return d


# ---------------------------------------------------------------------------- patterns

_NUMWORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
            r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
            r"sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozen)")
_WORDNUM = (rf"(?:\b(?:a(?=[ \u00a0](?:hundred|thousand|million|billion|dozen)\b)|{_NUMWORD})"
            rf"(?:(?:-|[ \u00a0]+(?:and[ \u00a0]+)?){_NUMWORD})*\b)")
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:[ \u00a0]?(?:thousand|million|billion|trillion)\b)"
_NUM = rf"(?:(?<![\w.,]){_DIGITS}(?![\d,]\d)|(?i:{_WORDNUM}))"
_SP = r"[ \u00a0]"

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December)")
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR = r"(?:1[89]\d\d|20\d\d)\b"

# (kind, pattern, priority): lower priority wins an overlap; then the longer match.
_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [(k, re.compile(p), pr) for k, p, pr in (
    ("money", rf"(?:US|C|A|AU)?[$€£¥]{_SP}?{_DIGITS}(?:{_SCALE}|(?:bn|mn|m|k)\b)?", 0),
    ("money", rf"{_NUM}{_SCALE}?{_SP}(?:US{_SP})?(?:dollars?|euros?|pounds|yen|yuan|pesos|"
              rf"bucks)\b", 0),
    ("percent", rf"{_NUM}{_SP}?(?:%|percent\b|per{_SP}cent\b|percentage{_SP}points?\b)", 1),
    ("age", rf"\b(?:{_DIGITS}|(?i:{_WORDNUM}))(?:-|{_SP})years?(?:-|{_SP})old\b", 1),
    ("age", rf"(?<=\b[Aa]ged{_SP})\d{{1,3}}\b|(?<=\b[Aa]ge{_SP})\d{{1,3}}\b", 1),
    # "David Gonzalez, 51, was ..." and "Gonzalez (51)": checked in _name_before().
    ("age", r"(?<=[A-Za-z][,] )\d{1,3}(?=[,;)]|\.(?:\s|$))|(?<=[A-Za-z] \()\d{1,3}(?=\))", 2),
    ("date", rf"\b{_YEAR}-\d\d-\d\d\b", 1),
    ("date", rf"\b(?:{_MONTH}|{_MONTH_ABBR}){_SP}{_DAY}(?:,?{_SP}{_YEAR})?", 1),
    ("date", rf"\b{_DAY}(?:{_SP}of)?{_SP}{_MONTH}(?:,?{_SP}{_YEAR})?", 1),
    ("date", rf"\b{_MONTH}(?:,?{_SP}{_YEAR})?\b", 2),
    ("date", rf"(?<![$€£¥\d,.])\b{_YEAR}(?![\d%]|,\d|\.\d)", 3),
    ("date", r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", 2),
    ("time", rf"\b(?:[01]?\d|2[0-3])(?::[0-5]\d)?{_SP}?(?:[ap]\.m\.|[ap]m\b|[AP]M\b)", 1),
    ("time", r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\b(?:noon|midnight)\b", 1),
    ("number", rf"{_NUM}{_SCALE}?", 4),
)]
_QUOTES = re.compile(rf"“[^“”\n]{{1,{MAX_QUOTE}}}”|\"[^\"\n]{{1,{MAX_QUOTE}}}\"")
_YEAR_CUE = re.compile(r"(?i)\b(?:in|since|by|from|until|till|of|during|before|after|early|"
                       r"late|mid|through|between|and|summer|spring|fall|autumn|winter)\W*$")
_UNIT = re.compile(r"[ \u00a0]+(?:([a-z]+)[ \u00a0]+)?([a-z]+)")


def extract_facts(text: str) -> list[Fact]:
    """Numbers, ages, money, dates, times and quotes of ``text``, in text order.

    >>> t = "On March 2, Gonzalez, a 51-year-old, was one of twelve men fined $115 million."
    >>> [(f.kind, f.value) for f in extract_facts(t)]
    [('date', '--03-02'), ('age', '51'), ('number', '12'), ('money', 'USD 115000000')]
    """
    facts = _numeric_facts(text) + _quote_facts(text)
    return sorted(facts, key=lambda f: (f.start, f.end))


def _numeric_facts(text: str) -> list[Fact]:
    candidates = []
    for kind, pattern, priority in _PATTERNS:
        for m in pattern.finditer(text):
            candidates.append((priority, -(m.end() - m.start()), m.start(), m.end(), kind))
    taken: list[tuple[int, int]] = []
    facts = []
    for _, _, start, end, kind in sorted(candidates):
        if any(start < e and s < end for s, e in taken):
            continue
        fact = _make(kind, text, start, end)
        if fact is not None:
            taken.append((start, end))
            facts.append(fact)
    return facts


def _make(kind: str, text: str, start: int, end: int) -> Fact | None:
    surface = text[start:end]
    value: str | int | None
    about, about_span = "", None
    if kind == "money":
        value = norm.normalize_money(surface)
    elif kind == "percent":
        number = norm.normalize_number(re.sub(r"(?i)\s*(%|per\s?cent|percentage points?)$", "",
                                         surface))
        value = None if number is None else number + "%"
    elif kind == "age":
        value = norm.normalize_age(surface)
        if value is not None and surface.isdigit():
            # A bare number after a comma is an age only right after a name.
            name = _name_before(text, start)
            if name is None:
                return None
            about, about_span = text[name[0]:name[1]], name
    elif kind == "date":
        after = text[end:end + 1]
        if re.fullmatch(r"\d{4}", surface) and after not in ("", ",", ".", ";", ":", ")", "’",
                                                              "'") \
                and not _YEAR_CUE.search(text[max(0, start - 20):start]):
            return None  # "2000 people": a count, not a year
        if surface == "May" and not re.search(r"(?i)\b(?:in|of|since|until|by|early|late)\s$",
                                              text[max(0, start - 10):start]):
            return None  # the verb
        value = norm.normalize_date(surface)
    elif kind == "time":
        value = norm.normalize_time(surface)
    else:
        words = surface.lower().split()
        if words and words[0] in ("one", "a"):
            return None  # "one of them", "a hundred": too often not a fact
        value = norm.normalize_number(surface)
        if value is not None:
            unit = _unit_after(text, end)
            if unit:
                about, about_span = unit
    if value is None:
        return None
    return Fact(kind, start, end, surface, str(value), about, about_span)


def _name_before(text: str, start: int) -> tuple[int, int] | None:
    """Span of the capitalised name just before ``, 51`` or `` (51)``, if there is one."""
    m = re.search(r"((?:[A-Z][\w’'.-]*(?:[ \u00a0](?:de|del|van|von|la|le|da|di)"
                  r"(?=[ \u00a0][A-Z]))?[ \u00a0])*[A-Z][\w’'-]*[a-z])(?:,|[ \u00a0]\()[ "
                  r"\u00a0]?$", text[max(0, start - 80):start])
    if not m:
        return None
    offset = max(0, start - 80)
    name = m.group(1)
    first = name.split()[0].lower()
    if first in STOPWORDS or first in ("however", "but", "also"):
        return None
    return offset + m.start(1), offset + m.end(1)


def _unit_after(text: str, end: int) -> tuple[str, tuple[int, int]] | None:
    """The noun a number counts: "12 major cities" → cities, "two men" → men."""
    m = _UNIT.match(text, end)
    if not m:
        return None
    first, second = m.group(1), m.group(2)
    if first is None:
        # only one word before punctuation or a capital
        if second in STOPWORDS:
            return None
        return second, (m.start(2), m.end(2))
    if first in STOPWORDS:
        return None
    # "12 major cities": the plural noun; "two men were": the first word
    if second.endswith("s") and not first.endswith("s") and second not in STOPWORDS:
        return second, (m.start(2), m.end(2))
    return first, (m.start(1), m.end(1))


def _quote_facts(text: str) -> list[Fact]:
    facts = []
    for m in _QUOTES.finditer(text):
        value = norm.normalize_quote(m.group())
        if value:
            facts.append(Fact("quote", m.start(), m.end(), m.group(), value))
    return facts
