"""Direction of reuse: which of two articles is the source and which the copy.

Every decision is a sum of evidence items, each naming what it saw, which way it
points and how much it weighs (log-odds units: a weight ``w`` alone means odds
``e**w`` to one). The verdict is ``"a->b"`` or ``"b->a"`` only when the sum clears
:data:`MIN_MARGIN` without strong evidence the other way; ``"siblings"`` when the
two look like copies of a common source; otherwise ``"unknown"``.

Evidence, strongest first:

``credit``        the copy names the source: one article credits the other's outlet,
                  web domain or headline ("according to Eagle Rising", "Source:
                  eaglerising.com"). A credit that a third article carries too may be
                  inherited from it, so it weighs less.
``time``          publication times, when both are known. A time of exactly midnight
                  UTC is read as a date only, and compared by day.
``shared_source`` both credit the same source that is neither of them (a wire story,
                  an outlet outside the corpus), or a third article of ``others`` that
                  both credit or that lies between them and precedes both: siblings.
``innovations``   stemmatology: a third article that shares one side's private text
                  (its innovations, or what the other dropped) lies on that side; if it
                  is known to be older than the other article, that side is the source.
``branching``     stemmatics: if a third article holds both text one of the two lost and
                  text the other lost, its branch meets the path between the two
                  strictly inside it, so they are not a direct copy of each other:
                  siblings of a version that is not in the corpus, or ends of a chain
                  through the third.
``slips``, ``readings``  copying slips: a name put in lower case, or a place where one
                  version reads garbled English (a word dropped, two swapped, a stray
                  word) and the other reads well. Copyists make such slips and pass
                  them on; the version with the slips the other lacks is the copy.
``containment``   the share of each text found in the other: copies usually take part
                  of their source and add a little, so the copy is the more contained.
                  Weak on purpose (alone it never reaches a verdict): an expanded copy
                  reverses it.

No confident verdict without copied content:

* Two articles whose shared passages are all quoted speech (between quotation marks,
  or an embedded post) only quote the same speaker: the verdict is ``"unknown"``, with
  a ``shared_quote`` item naming the quotation, its speaker and its offsets in both
  (:func:`shared_quotes`, from the comparison's aligned passages).
* Publication order and containment say which came first, not that one was copied
  from the other (two articles of one outlet share its boilerplate): where no text
  evidence (a credit naming the other, copying slips, garbled readings, innovations
  shared with a third version) points the likelier way, the confidence is held at
  :data:`ORDER_ONLY_MAX`, with a ``text_evidence`` item saying so. ``score`` keeps the
  full sum (the family tree orients its edges with it).
* With aligned passages, slips and readings count only in the article text the two
  share, outside quoted speech (two outlets transcribe a speaker each their own way).
* Each item's detail is qualified by the verdict (:func:`qualified`): an item the
  verdict does not follow ends in "(not enough to decide)" or "(outweighed ...)".

Texts are compared as sets of word 3-grams (lower-cased), which is cheap, order-free
and drops with every edit, so a version's closest relative is the one it differs
from least.

>>> from storytrace.model import Article
>>> from datetime import datetime, UTC
>>> body = " ".join(f"Council member {i} voted against the bridge plan on Monday." for i in
...                 range(12))
>>> a = Article(id="a", text=body, outlet="Eagle Rising", published=datetime(2016, 9, 1, 8,
...             tzinfo=UTC))
>>> b = Article(id="b", text="According to Eagle Rising, " + body[:400], outlet="Daily Post",
...             published=datetime(2016, 9, 1, 15, tzinfo=UTC))
>>> d = infer_direction(a, b)
>>> d.verdict, d.source, d.copy, [e.name for e in d.evidence if e.points == "a->b"]
('a->b', 'a', 'b', ['credit', 'time', 'containment'])
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from storytrace.model import Article
from storytrace.provenance.attribution import (
    AttributionExtractor,
    classify_source,
    extract_attributions,
    tagger_can_credit,
)
from storytrace.text.words import WORD

__all__ = [
    "MIN_MARGIN",
    "ORDER_ONLY",
    "UNKNOWN_BECAUSE",
    "Credit",
    "Direction",
    "Evidence",
    "Profile",
    "common_source",
    "containment_evidence",
    "credit_copied",
    "credited_sources",
    "decide",
    "infer_direction",
    "name_key",
    "names_match",
    "nothing_shared",
    "partial_copy",
    "profile",
    "qualified",
    "quote_spans",
    "readings_evidence",
    "shared_quotes",
    "similarity",
    "time_evidence",
]

# Weights in log-odds units (see the module docstring).
CREDIT_OWN = 4.0  # the copy names the source (in words of its own, or as the closest)
CREDIT_SHARED = 2.0  # ... in words a version closer to the source has too (maybe inherited)
TIME_HOURS = 3.0  # published an hour or more apart (or on different days)
TIME_MINUTES = 1.5  # a minute to an hour apart
SHARED_SOURCE = 2.5  # both credit one outside source, in their own words
SHARED_SOURCE_COPIED = 1.0  # ... in a sentence they share (one may have it from the other)
SHARED_PERSON = 1.0  # both credit one person-like name ("according to Eagle Rising")
THIRD_SOURCE = 2.5  # a third article, older than both, lies between them
CONTAINMENT_SCALE = 4.0  # weight per unit of containment difference ...
CONTAINMENT_MAX = 1.0  # ... capped below MIN_MARGIN: containment alone never decides a pair
INNOVATIONS = 0.6  # share of the third article's own order evidence that carries over
BRANCHING_NOISE = 0.03  # share of the shared phrases below which branching is noise ...
BRANCHING_SCALE = 30.0  # weight per unit of share above it ...
BRANCHING_MAX = 6.0  # ... capped
BRANCHING_MIN = 5  # phrases on each side needed at all (a credit line added by two copies)
MIN_MARGIN = 1.1  # |score| needed for a verdict: probability 0.75
SIBLINGS_MIN = 2.0  # weight of sibling evidence needed to call two articles siblings
CONFLICT = 2.0  # an item this strong against the verdict makes it "unknown"
MAX_OTHERS = 8  # third articles consulted (the most similar to either side)
SLIP = 1.0  # per copying slip one version has and the other not (a name lower-cased) ...
SLIP_MAX = 2.5  # ... capped
READING = 1.0  # per garbled reading one version has and the other not ...
READING_MAX = 2.5  # ... capped
OWN_SENTENCES = 2  # whole sentences a copy step may add (and its source lack) as a matter of course
# ... or this share of the sentences of the side that has fewer of its own. Off (0): at 0.2
# it raised cut-and-add parent accuracy (held out 0.90 -> 0.945) but cost make-bench
# provenance held-out seeds 15 parents and 4 roots (docs/results.md, "Second pass").
OWN_SHARE = 0.0
SEPARATE = 1.5  # per whole sentence beyond that on the side with fewer ...
SEPARATE_MAX = 6.0  # ... capped
SENTENCE_FOUND = 0.25  # share of a sentence's phrases the other text must have to hold it
WORDS_FOUND = 0.6  # ... or share of its content words one sentence of the other must have
VERSIONS_SHARE = 0.5  # share of each text's sentences the other must hold to be versions of it
ORDER_ONLY_MAX = 0.65  # highest confidence without text evidence (publication order, overlap)
COMMON_SHARE = 0.5  # chance of a common source the copy names (pairwise: as likely as copying)
#: Share of the source's sentences a copy must hold for publication order and overlap
#: alone to make a pairwise verdict (see :func:`partial_copy`).
ORDER_ONLY_WHOLE = 0.5
QUOTE_SHARE = 0.75  # share of a passage inside quoted speech, in both texts, to be a quotation
MAX_QUOTE_CHARS = 3000  # longest quotation between two marks

SHINGLE = 3
# What one text's analyses (shingles, cased words, readings, quotes) are remembered for: a
# family tree compares each of its versions with every other, so a story's texts must fit;
# more only holds memory (at 8,192 a 100,000-article trace peaked at 3.2 GB).
TEXTS_REMEMBERED = 512
_WORD = WORD  # the one definition of a word (text/words.py)
# Credit forms the attribution rules do not cover yet ("first reported by X",
# "originally appeared on X", "Read more at X", a bare domain after "Source:", "From X:").
_NAME = (r"(?:[Tt]he )?(?:[\w-]{1,40}\.(?:com|org|net|co\.uk|news|us|info)\b|"
         r"[A-Z][\w&’'.-]*(?: (?:of |and |& )?[A-Z0-9][\w&’'.-]*){0,5})")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")
_EXTRA_CREDITS = (
    ("as_reported", re.compile(rf"\b(?P<cue>(?:first|originally|initially) (?:reported|published|"
                               rf"appeared|posted) (?:by|on|at|in)) (?P<src>{_NAME})")),
    ("credit_line", re.compile(rf"\b(?P<cue>Read (?:more|the full story) (?:at|on)) "
                               rf"(?P<src>{_NAME})")),
    ("credit_line", re.compile(rf"(?m)^[ \t]*(?P<cue>Sources?:)[ \t]*(?P<src>{_NAME})[ \t.]*$")),
    # "From The Daily Caller:" ending a line (on its own, or after a sentence of the
    # writer's), before the copied text.
    ("credit_line", re.compile(rf"(?m)(?:^|(?<=[.!?] )|(?<=[.!?][”\"] ))[ \t]*(?P<cue>From)"
                               rf"[ \t]+(?P<src>{_NAME})[ \t]*:[ \t]*$")),
    # A line that ends in a colon before the copied text, naming the writers' outlet
    # ("The journalists over at the Daily Mail did some digging ... here's what they
    # found") or the site it came through ("(courtesy of Louder With Crowder):"). The
    # cue keeps its parenthesis: "courtesy" alone is read as a picture's credit.
    ("credit_line", re.compile(rf"(?m)\b(?P<cue>(?:journalists|reporters|writers|editors|"
                               rf"folks|people|team|staff)(?: over)? at)[ \t]+(?P<src>{_NAME})"
                               rf"(?=[^\n]{{0,200}}:[ \t]*$)")),
    ("via", re.compile(rf"(?m)(?P<cue>\((?:courtesy of|via|h/t|hat tip to))[ \t]+"
                       rf"(?P<src>{_NAME})\)[ \t]*:[ \t]*$")),
    # A credit after the statement it backs: "..., reports The Daily Mail."
    ("reported", re.compile(rf"(?<=[,;] )(?P<cue>reports|reported|writes|wrote)[ \t]+"
                            rf"(?P<src>{_NAME})(?=[ \t]*[.!?](?:\s|$))")),
    # An embedded post's byline: "— NBC Nightly News (@NBCNightlyNews) September 27, 2016":
    # whose words the post is (a quotation, not where the article's text came from).
    ("quote", re.compile(rf"(?m)[—–][ \t]*(?P<src>{_NAME})[ \t]+\((?P<cue>@\w{{1,15}})\)[ \t]+"
                       rf"(?:{_MONTHS})[ \t]+\d{{1,2}},[ \t]+\d{{4}}")),
)
# Credits that say where an article's text came from (not who said what in it).
_SOURCE_KINDS = frozenset(("according_to", "as_reported", "credit_line", "via", "hat_tip",
                           "wire_credit", "reported", "citing"))
_PUBLISHER_TYPES = frozenset(("outlet", "wire"))
_IGNORED_TYPES = frozenset(("anonymous", "document"))
_PRONOUNS = frozenset("he she they it we i you his her their them this that who".split())
# A person or a part of a publisher, not the publisher ("CNN's Alisyn Camerota", "Washington
# Post reporter David Fahrenthold", "focus groups from Fox News"), or no name at all.
_NOT_PUBLISHER = re.compile(
    r"[’']s\b|\b(?:reporters?|correspondents?|anchors?|hosts?|editors?|columnists?|writers?|"
    r"contributors?|from|of the)\b|^(?:newspaper|paper|network|website|site|outlet|magazine|"
    r"station|tabloid|media|press|report)s?$|^(?:Getty|Shutterstock|iStock|Wikimedia)\b",
    re.IGNORECASE)
_PHOTO_BEFORE = re.compile(r"\b(?:image|photo|picture|screenshot|video|graphic)s?\b[^.\n]{0,25}$",
                           re.IGNORECASE)
_PHOTO_CUE = re.compile(r"(?:photo|image|picture|video)?\s*(?:credit|courtesy)", re.IGNORECASE)
# Evidence of order that says nothing of the texts' relation: alone it never makes a
# confident verdict (a verdict of 0.7 or more needs a credit, slips, readings ...).
ORDER_ONLY = frozenset(("time", "containment"))
#: Evidence items that make a verdict "unknown" by themselves: nothing copied to orient, a
#: common source a version names, only quoted speech in common, a copy of a part only.
UNKNOWN_BECAUSE = ("nothing_shared", "common_source", "shared_quote", "partial_copy")
# Credits that say where a version's text came from (not who told it what).
_TEXT_SOURCE_KINDS = frozenset(("credit_line", "as_reported", "via", "hat_tip", "wire_credit"))

# Stated confidence -> measured accuracy, per kind of verdict: an isotonic fit (pool
# adjacent violators, blocks of at least 20 pairs) on the tuning sets only (make-bench
# families cutadd seeds 1 and 2, every pair of versions of one family, with and without
# times; bench/calibrate_direction.py prints these knots). Between knots linearly, beyond
# the ends the end value. A directed verdict resting on the copy's own credit of the
# source was right in all 510 such pairs: it keeps its stated confidence.
CALIBRATION: dict[str, tuple[tuple[float, float], ...]] = {
    "directed": ((0.871, 0.748), (0.959, 0.855), (0.996, 0.91), (1.0, 0.965)),
    "siblings": ((0.641, 0.088), (0.789, 0.138), (0.911, 0.212), (0.986, 0.392),
                 (0.997, 1.0)),
    "siblings_source": ((0.742, 0.493), (0.922, 0.746), (0.985, 0.838), (0.996, 0.976)),
}
_PARAGRAPH = re.compile(r"[^\n]+")
# An embedded post as scraped: its text, then "— Name (@handle) September 19, 2016".
_POST = re.compile(r"[ \t]*(?:—|–|--)[ \t]*(?P<who>[^\n()—–]{1,60}?)[ \t]*\(@\w{1,30}\)[ \t]*"
                   r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})?[ \t]*$")
_SINGLE_QUOTE = re.compile(r"(?<!\w)‘(?:[^‘’\n]|’(?=\w)){2,600}’(?!\w)")
_SPEECH_KINDS = frozenset(("quote", "said", "told"))  # credits that name who said it
_QUOTE_MARKS = "\"“”‘’'"
# How an evidence item stands to a verdict it does not support (see :func:`qualified`).
_UNDECIDED = " (not enough to decide)"
_CONTESTED = " (evidence the other way leaves it undecided)"
_OUTWEIGHED = " (outweighed by the evidence the other way)"
_COMMON = " (outweighed: the two look like copies of a common source)"
_DIRECT = " (outweighed by the evidence of direct copying)"
_QUALIFIERS = (_UNDECIDED, _CONTESTED, _OUTWEIGHED, _COMMON, _DIRECT)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Credit:
    """A source an article credits: ``name`` is ``text[start:end]``; ``key`` its match key."""

    name: str
    start: int
    end: int
    kind: str
    source_type: str
    key: str
    cue: str = ""

    @property
    def names_publisher(self) -> bool:
        """Whether the credit names a publisher text may come from (an outlet, wire, site),
        not a person at one ("CNN's Alisyn Camerota"), a generic word or a photo credit.

        >>> c = Credit("CNN's Jake Tapper", 0, 17, "said", "outlet", "cnnsjaketapper")
        >>> c.names_publisher, replace(c, name="CNN", key="cnn").names_publisher
        (False, True)
        """
        if _NOT_PUBLISHER.search(self.name) or _PHOTO_CUE.match(self.cue):
            return False
        return self.source_type in _PUBLISHER_TYPES or (
            self.kind in ("credit_line", "via", "hat_tip", "as_reported", "wire_credit")
            and self.source_type not in ("person", "anonymous"))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "start": self.start, "end": self.end, "kind": self.kind,
                "source_type": self.source_type}


@dataclass(frozen=True)
class Evidence:
    """One reason for a direction: ``points`` is ``"a->b"``, ``"b->a"``, ``"siblings"`` or
    ``"none"`` (seen, but pointing nowhere); ``weight`` in log-odds units."""

    name: str
    points: str
    weight: float
    value: dict[str, Any]
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "points": self.points, "weight": round(self.weight, 3),
                "value": self.value, "detail": self.detail}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        """The item back from :meth:`to_dict` (weights as rounded there)."""
        return cls(d["name"], d["points"], d["weight"], d.get("value") or {}, d["detail"])

    def flipped(self) -> Evidence:
        """The same item seen from the other article (``a`` and ``b`` swapped)."""
        swap = {"a->b": "b->a", "b->a": "a->b"}
        return replace(self, points=swap.get(self.points, self.points))


def leaning(confidence: float, score: float, a: str = "A", b: str = "B") -> str | None:
    """Which way an undecided verdict's evidence leans, in words (``score`` > 0 leans to
    ``b`` being the copy; ``confidence`` is the likelier direction's probability), or
    ``None`` when it leans neither way.

    >>> leaning(0.59, 0.4)
    'leans 0.59 toward B being the copy: too weak to say'
    """
    if not score or confidence <= 0.5:
        return None
    return f"leans {confidence:.2f} toward {b if score > 0 else a} being the copy: too weak to say"


@dataclass(frozen=True)
class Direction:
    """Who copied whom between articles ``a`` and ``b`` (ids), and why.

    ``score`` is the net log-odds for ``a -> b`` (negative: ``b -> a``), the sum of the
    evidence; ``confidence`` is the probability of the verdict (for ``"unknown"``, of
    the likelier direction), at most :data:`ORDER_ONLY_MAX` where no text evidence
    supports it; ``via`` names the common source of siblings.
    """

    a: str
    b: str
    verdict: str
    confidence: float
    score: float
    evidence: tuple[Evidence, ...]
    via: str | None = None

    @property
    def source(self) -> str | None:
        return {"a->b": self.a, "b->a": self.b}.get(self.verdict)

    @property
    def copy(self) -> str | None:
        return {"a->b": self.b, "b->a": self.a}.get(self.verdict)

    def reversed(self) -> Direction:
        """The same decision with ``a`` and ``b`` swapped."""
        swap = {"a->b": "b->a", "b->a": "a->b"}
        return Direction(self.b, self.a, swap.get(self.verdict, self.verdict), self.confidence,
                         -self.score, tuple(e.flipped() for e in self.evidence), self.via)

    def explain(self) -> str:
        """One line for the verdict, then one per evidence item.

        >>> d = Direction("x", "y", "unknown", 0.5, 0.0, (Evidence("time", "none", 0.0, {},
        ...               "no publication time for either"),))
        >>> print(d.explain())
        x ? y: unknown
          time: no publication time for either
        """
        arrow = {"a->b": f"{self.a} -> {self.b}", "b->a": f"{self.b} -> {self.a}",
                 "siblings": f"{self.a} and {self.b} are siblings"
                             + (f" (common source {self.via})" if self.via else "")}
        if self.verdict in arrow:
            head = f"{arrow[self.verdict]} (confidence {self.confidence:.2f})"
        else:
            lean = leaning(self.confidence, self.score, self.a, self.b)
            head = f"{self.a} ? {self.b}: unknown" + (f" ({lean})" if lean else "")
        lines = [head]
        for e in self.evidence:
            weight = f" [{e.points}, weight {e.weight:.1f}]" if e.weight else ""
            lines.append(f"  {e.name}: {e.detail}{weight}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "verdict": self.verdict, "source": self.source,
                "copy": self.copy, "confidence": round(self.confidence, 4),
                "score": round(self.score, 3), "via": self.via,
                "evidence": [e.to_dict() for e in self.evidence]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Direction:
        """The decision back from :meth:`to_dict` (numbers as rounded there).

        >>> d = Direction("x", "y", "a->b", 0.9, 2.2, ())
        >>> Direction.from_dict(d.to_dict()) == d
        True
        """
        return cls(d["a"], d["b"], d["verdict"], d["confidence"], d["score"],
                   tuple(Evidence.from_dict(e) for e in d.get("evidence", ())), d.get("via"))


@dataclass
class Profile:
    """What direction needs from one article, computed once: shingles, credits, names."""

    article: Article
    shingles: frozenset[int]
    credits: tuple[Credit, ...]
    names: dict[str, str] = field(default_factory=dict)  # key -> what it came from

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def label(self) -> str:
        return self.article.outlet or self.article.id

    def credits_of(self, other: Profile) -> list[Credit]:
        """The credits of this article that name ``other``."""
        return [c for c in self.credits if names_match(c, other)]


# ------------------------------------------------------------------------ profiles


def name_key(name: str) -> str:
    """A comparable form of an outlet name, domain or url.

    >>> name_key("The New York Daily News"), name_key("https://www.eaglerising.com/x")
    ('newyorkdailynews', 'eaglerising')
    >>> name_key("POLITICO"), name_key("politico.com"), name_key("news.bbc.co.uk")
    ('politico', 'politico', 'newsbbc')
    """
    s = " ".join(name.split()).lower()
    s = re.sub(r"^(?:https?://)?(?:www\.)?", "", s)
    s = re.sub(r"^the\s+", "", s)
    if re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}(?:/\S*)?", s):
        s = re.sub(r"\.(?:co|com|org|net|gov|ac)?\.?[a-z]{2,}$", "", s.split("/")[0])
    return re.sub(r"[^a-z0-9]", "", s)


def _article_names(article: Article) -> dict[str, str]:
    names: dict[str, str] = {}
    for what, value in (("outlet", article.outlet), ("url", article.url)):
        key = name_key(value) if value else ""
        if len(key) >= 2:
            names.setdefault(key, what)
    title = name_key(article.title) if article.title else ""
    if len(title) >= 15:
        names.setdefault(title, "title")
    return names


def names_match(credit: Credit, other: Profile) -> bool:
    """Whether a credit names the ``other`` article (its outlet, domain or headline).

    Short keys must be equal; longer ones may contain each other ("dailynews" in
    "newyorkdailynews"); a headline must be nearly the same (ratio 90).
    """
    key = credit.key
    if len(key) < 2:
        return False
    for name, what in other.names.items():
        if what == "title":
            if len(key) >= 15 and fuzz.ratio(key, name) >= 90:
                return True
            continue
        if key == name:
            return True
        short, long_ = sorted((key, name), key=len)
        if len(short) >= 6 and short in long_:
            return True
    return False


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _shingles(text: str) -> frozenset[int]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE:
        return frozenset([hash(tuple(words))]) if words else frozenset()
    return frozenset(hash(tuple(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1))


@lru_cache(maxsize=1)
def _rules() -> AttributionExtractor:
    return AttributionExtractor(use_tagger=False)


@lru_cache(maxsize=TEXTS_REMEMBERED)
def credited_sources(text: str) -> tuple[Credit, ...]:
    """Every source ``text`` credits, in text order (attribution extraction plus a few
    credit-line forms it does not cover yet).

    The rules and the learned tagger are both read: the tagger sometimes takes the
    content for the source after "as reported at", where the rule reads it right.

    >>> t = "The NYPD alerts ICE, according to the New York Daily News.\\n\\nSource: US Herald"
    >>> [(c.name, c.kind, c.source_type) for c in credited_sources(t)]
    [('New York Daily News', 'according_to', 'outlet'), ('US Herald', 'credit_line', 'outlet')]
    """
    found: dict[tuple[int, int], Credit] = {}

    def add(start: int, end: int, kind: str, source_type: str, cue: str = "") -> None:
        name = text[start:end].strip(" \t\n.,;:()\"“”'’")
        lead = re.match(r"(?:the|The|THE)\s+", name)
        offset = text.find(name, start)
        if lead:
            name, offset = name[lead.end():], offset + lead.end()
        if not name or name.lower() in _PRONOUNS or source_type in _IGNORED_TYPES:
            return
        if _PHOTO_BEFORE.search(text, max(0, start - 40), start):
            return  # "Featured image via Getty Images": a picture's credit, not the text's
        span = (offset, offset + len(name))
        if any(s < span[1] and span[0] < e for s, e in found):
            return
        found[span] = Credit(name, span[0], span[1], kind, source_type, name_key(name), cue)

    rules = _rules().extract(text)
    rule_cues = [(a.cue.start, a.cue.end) for a in rules if a.cue is not None]
    # The learned tagger runs only where it could add, drop or change a credit of the kinds
    # read here (attribution.tagger_can_credit); elsewhere the rules give the same credits.
    tagged = extract_attributions(text) if tagger_can_credit(text, rules, _SOURCE_KINDS) else []
    for a in (*rules, *tagged):
        # Where a rule read the same cue, its source stands (the tagger may take the
        # content for the source after "as reported at").
        if a not in rules and a.cue is not None and any(
                s < a.cue.end and a.cue.start < e for s, e in rule_cues):
            continue
        cue = a.cue.of(text) if a.cue is not None else ""
        if a.kind in _SOURCE_KINDS and a.source is not None:
            add(a.source.start, a.source.end, a.kind, a.source_type, cue)
        if a.recipient is not None:  # "Smith told CNN": CNN is credited for the story
            add(a.recipient.start, a.recipient.end, "told", "outlet", cue)
    for (cue_start, cue_end), (start, end), kind, stype in credit_lines(text):
        if kind != "quote":  # an embedded post's byline: whose words, not a source
            add(start, end, kind, stype, text[cue_start:cue_end])
    return tuple(sorted(found.values(), key=lambda c: c.start))


@lru_cache(maxsize=TEXTS_REMEMBERED)
def credit_lines(text: str) -> tuple[tuple[tuple[int, int], tuple[int, int], str, str], ...]:
    r"""The credits of the forms attribution extraction does not read ("From The Daily
    Caller:" on a line of its own, "Source: X", "first reported by X", "Read more at X"):
    ``((cue start, cue end), (source start, source end), kind, source type)``, form by
    form (a bare domain is an outlet). Cached by text: the credits, the claims and the
    comparison's credit list each read them.

    >>> t = "Lede.\n\nFrom The Daily Caller:\n\nThe report says so. From Politico:\n\nText."
    >>> [(t[c[0]:c[1]], t[s[0]:s[1]], k) for c, s, k, _ in credit_lines(t)]
    [('From', 'The Daily Caller', 'credit_line'), ('From', 'Politico', 'credit_line')]
    """
    out = []
    for kind, pattern in _EXTRA_CREDITS:
        for m in pattern.finditer(text):
            src = m.group("src")
            stype = "outlet" if "." in src and " " not in src else classify_source(src)
            if kind == "via" and stype == "person":
                stype = "outlet"  # "(courtesy of Louder With Crowder):": the site it came by
            if stype not in _IGNORED_TYPES and src.lower() not in _PRONOUNS:
                out.append((m.span("cue"), m.span("src"), kind, stype))
    return tuple(out)


def profile(article: Article) -> Profile:
    """The :class:`Profile` of one article (shingles and credits are cached by text). A
    credit that names the article's own outlet ("Blair tells POLITICO" in a POLITICO
    story) is its own reporting, not a source, and is left out."""
    own = Profile(article, _shingles(article.text), credited_sources(article.text),
                  _article_names(article))
    credits = tuple(c for c in own.credits if not (
        names_match(c, own) and any(w != "title" for w in own.names.values())))
    return own if len(credits) == len(own.credits) else replace(own, credits=credits)


# ------------------------------------------------------------------------ evidence


def _is_date_only(t: datetime) -> bool:
    return t.hour == t.minute == t.second == t.microsecond == 0


def _precedence(ta: datetime | None, tb: datetime | None) -> tuple[float, float, str]:
    """``(signed weight for a before b, gap in hours, how)``; weight 0 when undecided."""
    if ta is None or tb is None:
        return 0.0, 0.0, "missing"
    if _is_date_only(ta) or _is_date_only(tb):
        days = (tb.date() - ta.date()).days
        if days == 0:
            return 0.0, 0.0, "same day (one time is a date only)"
        return math.copysign(TIME_HOURS, days), days * 24.0, "by day (one time is a date only)"
    hours = (tb - ta).total_seconds() / 3600
    if abs(hours) < 1 / 60:
        return 0.0, hours, "within a minute"
    weight = TIME_HOURS if abs(hours) >= 1 else TIME_MINUTES
    return math.copysign(weight, hours), hours, "by time"


def time_evidence(a: Article, b: Article) -> Evidence:
    """Publication times: the earlier one is the source.

    >>> from datetime import datetime, UTC
    >>> x = Article(id="x", text="t", published=datetime(2017, 3, 1, 9, tzinfo=UTC))
    >>> y = Article(id="y", text="t", published=datetime(2017, 3, 1, 12, tzinfo=UTC))
    >>> e = time_evidence(x, y)
    >>> e.points, e.weight, e.detail
    ('a->b', 3.0, 'x was published 3.0 hours before y')
    """
    ta, tb = a.published, b.published
    value = {"a": ta.isoformat() if ta else None, "b": tb.isoformat() if tb else None}
    weight, hours, how = _precedence(ta, tb)
    if how == "missing":
        which = ("either" if ta is None and tb is None else a.id if ta is None else b.id)
        return Evidence("time", "none", 0.0, value, f"no publication time for {which}")
    value["hours"] = round(hours, 2)
    if weight == 0:
        return Evidence("time", "none", 0.0, value, f"published at the same time ({how})")
    first, second = (a.id, b.id) if weight > 0 else (b.id, a.id)
    unit = (f"{abs(hours) / 24:.0f} days" if "day" in how or abs(hours) >= 72
            else f"{abs(hours):.1f} hours")
    return Evidence("time", "a->b" if weight > 0 else "b->a", abs(weight), value,
                    f"{first} was published {unit} before {second}"
                    + (" (one time is a date only)" if "day" in how else ""))


def _order_words(items: Sequence[Evidence]) -> str:
    """What holds a verdict with no text evidence: publication order and overlap, or the
    overlap alone when neither time decides (a date is missing)."""
    timed = any(e.name == "time" and e.weight > 0 for e in items)
    return "publication order and overlap" if timed else "overlap and weak signs"


def _credit_items(pa: Profile, pb: Profile, others: Sequence[Profile]) -> list[Evidence]:
    items: list[Evidence] = []
    for src, dst, points in ((pa, pb, "a->b"), (pb, pa, "b->a")):
        credits = dst.credits_of(src)
        if not credits:
            continue
        # A third article that has the same credit in the same words, and is closer to the
        # credited one, may have passed it on (the closest to the source wrote it).
        closeness = similarity(src, dst)
        shared = [o.id for o in others if any(c.key == k.key for c in credits for k in o.credits)
                  and not any(names_match(c, o) for c in credits)
                  and any(credit_copied(dst.article.text, c, o) for c in credits)
                  and similarity(src, o) > closeness]
        weight = CREDIT_SHARED if shared else CREDIT_OWN
        names = sorted({c.name for c in credits})
        detail = (f"{dst.id} credits {', '.join(names)}, which names {src.id}"
                  f" ({src.label})")
        if shared:
            detail += f"; {', '.join(shared[:3])} carries the same credit (maybe inherited)"
        items.append(Evidence("credit", points, weight,
                              {"credits": [c.to_dict() for c in credits], "shared_with": shared},
                              detail))
    if not items:
        named = [f"{p.id} credits {', '.join(sorted({c.name for c in p.credits}))}"
                 for p in (pa, pb) if p.credits]
        unnamed = [f"{p.id} has no outlet or url" for p in (pa, pb) if not p.names]
        detail = "; ".join(named) or "neither credits a source"
        detail += ": none of the credits names the other article"
        if unnamed:
            detail += f" ({'; '.join(unnamed)})"
        items.append(Evidence("credit", "none", 0.0, {
            "a": [c.to_dict() for c in pa.credits], "b": [c.to_dict() for c in pb.credits]},
            detail))
    return items


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _joined(text: str) -> str:
    """The text's lower-cased words joined by single spaces (padded), for phrase search."""
    return " " + " ".join(w.lower() for w in _WORD.findall(text)) + " "


def credit_copied(text: str, c: Credit, other: Profile) -> bool:
    """Whether the words around a credit ("... according to Reuters said") recur in
    ``other``: then one article may have the credit from the other, not from the source.

    The window is the credit's own sentence or line: up to three words before the
    name, the name, and up to two words after.
    """
    start = max((k + len(mark) for mark in ("\n", ". ", "! ", "? ")
                 if (k := text.rfind(mark, 0, c.start)) >= 0), default=0)
    stop = len(text)
    for mark in ("\n", ". ", "! ", "? "):
        k = text.find(mark, c.end)
        if k >= 0:
            stop = min(stop, k + 1)
    before = _WORD.findall(text[max(start, c.start - 60) : c.start])[-3:]
    after = _WORD.findall(text[c.start : min(stop, c.end + 60)])
    words = [w.lower() for w in [*before, *after[: len(_WORD.findall(c.name)) + 2]]]
    if not words:
        return False
    if " " + " ".join(words) + " " in _joined(other.article.text):
        return True
    shingles = _shingles(" ".join(words))
    return len(words) >= 4 and len(shingles & other.shingles) * 2 > len(shingles)


def _shared_source_items(pa: Profile, pb: Profile, others: Sequence[Profile]) -> list[Evidence]:
    """Siblings: both credit one outside source, or a third article that precedes both."""
    items = []
    if pa.credits_of(pb) or pb.credits_of(pa):
        return items
    inside = [pa, pb, *others]
    seen: set[str] = set()
    for ca in pa.credits:
        if ca.key in seen or any(names_match(ca, p) for p in inside):
            continue
        cb = next((c for c in pb.credits if c.key == ca.key), None)
        if cb is None or not (ca.names_publisher or cb.names_publisher
                              or ca.source_type in ("unknown", "organisation", "person")):
            continue
        seen.add(ca.key)
        copied = credit_copied(pa.article.text, ca, pb)
        if ca.names_publisher or cb.names_publisher:
            weight = SHARED_SOURCE_COPIED if copied else SHARED_SOURCE
        else:
            weight = SHARED_PERSON if not copied else 0.5
        how = "in a sentence both have" if copied else "each in its own words"
        items.append(Evidence("shared_source", "siblings", weight,
                              {"source": ca.name, "copied": copied},
                              f"both credit {ca.name} ({how}), which is neither of them"))
    for o in others:
        # Both crediting it in their own words; a credit in words they share may have
        # passed from one to the other with the text.
        ca, cb = pa.credits_of(o), pb.credits_of(o)
        credited = bool(ca and cb) and not any(credit_copied(pa.article.text, c, pb) for c in ca)
        older = _precedes(o, pa) > 0 and _precedes(o, pb) > 0
        if not (credited or (older and _between(pa, pb, o))):
            continue
        why = (f"both credit {o.id}, each in its own words" if credited
               else f"{o.id} is older than both and lies between them")
        items.append(Evidence("shared_source", "siblings", THIRD_SOURCE,
                              {"source": o.id, "credited": credited},
                              f"{why}: a sign that {o.id} ({o.label}) is the common source "
                              f"of the two"))
    return items


def _between(pa: Profile, pb: Profile, o: Profile) -> bool:
    """Whether ``o`` lies between ``a`` and ``b``: closer to each than they are to each
    other, and holding nearly all they share."""
    shared = pa.shingles & pb.shingles
    if not shared:
        return False
    sab = similarity(pa, pb)
    return (similarity(pa, o) > sab and similarity(pb, o) > sab
            and len(shared - o.shingles) < 0.15 * len(shared))


def _precedes(o: Profile, p: Profile) -> float:
    """Weight of the evidence that ``o`` came before ``p`` (time or ``p`` crediting ``o``);
    negative when it says ``p`` came first."""
    weight, _, _ = _precedence(o.article.published, p.article.published)
    if p.credits_of(o):
        weight += CREDIT_SHARED
    if o.credits_of(p):
        weight -= CREDIT_SHARED
    return weight


def _branching_item(pa: Profile, pb: Profile, others: Sequence[Profile]) -> Evidence | None:
    """A third article that branches off between ``a`` and ``b`` means they are not a direct
    copy of one another (stemmatics: losses are not undone, as in Dollo parsimony).

    If ``b`` was copied from ``a`` (or the reverse), every third version ``w`` hangs off
    one of them, so it cannot hold both text that ``a`` has and ``b`` lost and text that
    ``b`` has and ``a`` lost: one of ``a & w - b`` and ``b & w - a`` (3-word phrases) is
    about empty. When both are clearly not, ``w``'s branch meets the path from ``a`` to
    ``b`` strictly inside it: at ``w`` itself (``w`` lies between; then ``a`` and ``b``
    share hardly anything ``w`` lacks), or at a version that is not in the corpus, of
    which ``a``, ``b`` and ``w`` are copies. Dropped sentences count as losses like
    edited words, so a copy that cuts much of its source is no sign of branching.
    """
    shared = pa.shingles & pb.shingles
    if not shared:
        return None
    best, o = 0, None
    for w in others:
        gap = min(len((pa.shingles & w.shingles) - pb.shingles),
                  len((pb.shingles & w.shingles) - pa.shingles))
        if gap > best:
            best, o = gap, w
    share = best / len(shared)
    weight = min(BRANCHING_MAX, BRANCHING_SCALE * (share - BRANCHING_NOISE))
    if o is None or best < BRANCHING_MIN or weight <= 0:
        return None
    apart = len(shared - o.shingles) / len(shared)  # what a and b share that w lacks
    value = {"third": o.id, "phrases": best, "share": round(share, 3),
             "shared_without_third": round(apart, 3)}
    why = (f"{o.id} shares with each of {pa.id} and {pb.id} text the other lacks "
           f"({best} phrases, {share:.0%} of what the two share)")
    if apart > BRANCHING_NOISE:
        return Evidence("branching", "siblings", weight, value | {"source": None},
                        f"{why}: a sign that the three branch from one point between "
                        f"{pa.id} and {pb.id} (copies of a version that is not in the corpus)")
    return Evidence("branching", "none", weight, value,
                    f"{why}, and holds nearly all they share: a sign that {o.id} lies between "
                    f"them, not that one copied the other directly")


def _innovation_items(pa: Profile, pb: Profile, others: Sequence[Profile]) -> list[Evidence]:
    """A third article on one side (sharing that side's private text) and older than the
    other article means that side came first."""
    a_only, b_only = pa.shingles - pb.shingles, pb.shingles - pa.shingles
    if not a_only or not b_only:
        return []
    items = []
    for o in others:
        wa = len(o.shingles & a_only) / len(a_only)
        wb = len(o.shingles & b_only) / len(b_only)
        if abs(wa - wb) < 0.15 or max(wa, wb) < 0.2:
            continue
        near, far, points = (pa, pb, "a->b") if wa > wb else (pb, pa, "b->a")
        order = _precedes(o, far)
        if order <= 0:
            continue
        items.append(Evidence(
            "innovations", points, INNOVATIONS * order,
            {"third": o.id, "shares_a_private": round(wa, 3), "shares_b_private": round(wb, 3)},
            f"{o.id} shares {max(wa, wb):.0%} of the text only {near.id} has (vs "
            f"{min(wa, wb):.0%} of {far.id}'s), and came before {far.id}: a sign that "
            f"{near.id} is on the older side"))
    return items


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _cased_at(text: str) -> tuple[tuple[tuple[str, str, str], int, bool], ...]:
    """Each word in its context (the word before and after, lower-cased), with its offset
    and whether it is written with a capital (not all in capitals)."""
    words = [(m.group(), m.start()) for m in _WORD.finditer(text)]
    out = []
    for i in range(1, len(words) - 1):
        w, at = words[i]
        if not w[0].isalpha() or len(w) < 2:
            continue
        key = (words[i - 1][0].lower(), w.lower(), words[i + 1][0].lower())
        out.append((key, at, w[0].isupper() and not w.isupper()))
    return tuple(out)


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _cased(text: str, spans: tuple[tuple[int, int], ...] | None = None
           ) -> tuple[frozenset, frozenset]:
    """Words in their context: those written with a capital inside a sentence, and those
    written in lower case (only the words inside ``spans``, when given)."""
    upper, lower = set(), set()
    for key, at, capital in _cased_at(text):
        if spans is None or _within(at, at, spans):
            (upper if capital else lower).add(key)
    return frozenset(upper), frozenset(lower)


def _within(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _shared_spans(passages: Any) -> tuple[tuple[int, int, int, int], ...] | None:
    """The aligned passages' ``(a_start, a_end, b_start, b_end)``, or None without them."""
    if not passages:
        return None
    return tuple(_passage_offsets(p) for p in passages)


def _copied_text(text: str, ranges: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """``ranges`` of ``text`` without its quoted speech: the article text two versions
    share, where a difference can be a copyist's slip (two outlets that quote a speaker
    each transcribe and punctuate the words their own way)."""
    out = []
    quotes = quote_spans(text)
    for start, end in sorted(ranges):
        at = start
        for qs, qe, _ in quotes:
            if qe <= at or qs >= end:
                continue
            if qs > at:
                out.append((at, qs))
            at = max(at, qe)
        if at < end:
            out.append((at, end))
    return tuple(out)


def slip_evidence(pa: Profile, pb: Profile, passages: Any = None) -> Evidence:
    """Copying slips: a word one version writes with a capital and the other in lower case,
    between the same two words ("President Obama" / "President obama").

    Slips are made by copyists and passed on, seldom repaired (Lachmann's errors), so the
    version with the slips the other lacks is the copy. Counted both ways: slips on both
    sides mean neither copied the other as it stands. With the aligned ``passages`` only
    the article text the two share counts, outside quoted speech: a slip is a slip of
    copying only in copied text.
    """
    shared = _shared_spans(passages)
    ta, tb = pa.article.text, pb.article.text
    ua, la = _cased(ta, _copied_text(ta, ((x[0], x[1]) for x in shared)) if shared else None)
    ub, lb = _cased(tb, _copied_text(tb, ((x[2], x[3]) for x in shared)) if shared else None)
    in_a, in_b = len(la & ub), len(lb & ua)  # a's slips (b has the capital); b's slips
    value = {"a_slips": in_a, "b_slips": in_b}
    net = in_b - in_a
    if net == 0:
        detail = ("no copying slips either way" if not in_a else
                  f"each has {in_a} word(s) in lower case that the other capitalises")
        return Evidence("slips", "none", 0.0, value, detail)
    copy, source = (pb.id, pa.id) if net > 0 else (pa.id, pb.id)
    return Evidence("slips", "a->b" if net > 0 else "b->a", min(SLIP_MAX, SLIP * abs(net)),
                    value, f"{copy} writes {max(in_a, in_b)} word(s) in lower case that "
                    f"{source} capitalises in the same words (vs {min(in_a, in_b)} the other "
                    f"way): copyists make such slips, a sign that {copy} is the copy")


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _readings(a: str, b: str):
    from storytrace.provenance.readings import compare_readings

    return compare_readings(a, b, keep=1_000_000)  # every place: passages may filter them


def readings_evidence(pa: Profile, pb: Profile, passages: Any = None) -> Evidence:
    """Garbled readings (:mod:`storytrace.provenance.readings`): at places where the
    versions differ by a word dropped or added, or two words swapped, the one whose
    wording is far less likely English is probably the copy. Words replaced by others
    (rewording on purpose) are not judged. With the aligned ``passages``, only places
    inside one passage on both sides, and outside quoted speech, count in the text
    (titles are not aligned)."""
    worse = {"a": 0, "b": 0}
    examples = []
    shared = _shared_spans(passages)
    for field_name in ("title", "text"):
        r = _readings(getattr(pa.article, field_name) or "", getattr(pb.article, field_name) or "")
        places = list(r.examples)
        if shared is not None and field_name == "text":
            own_a = _copied_text(pa.article.text, ((x[0], x[1]) for x in shared))
            own_b = _copied_text(pb.article.text, ((x[2], x[3]) for x in shared))
            places = [x for x in places if _within(*x.a, own_a) and _within(*x.b, own_b)
                      and any(_within(*x.a, [(a0, a1)]) and _within(*x.b, [(b0, b1)])
                              for a0, a1, b0, b1 in shared)]
        for x in places:
            worse[x.worse] += 1
        examples += [{"field": field_name} | x.to_dict() for x in places[:3]]
    examples.sort(key=lambda x: -x["nats"])
    value = {"a_garbled": worse["a"], "b_garbled": worse["b"], "examples": examples[:3]}
    net = worse["b"] - worse["a"]
    if net == 0:
        detail = ("no garbled readings either way" if not worse["a"] else
                  f"each reads worse at {worse['a']} place(s) where the other reads well")
        return Evidence("readings", "none", 0.0, value, detail)
    copy, source = (pb.id, pa.id) if net > 0 else (pa.id, pb.id)
    side = "b" if net > 0 else "a"
    shown = next((x for x in examples if x["worse"] == side), None)
    example = ""
    if shown is not None:
        copy_p, source_p = (pb, pa) if side == "b" else (pa, pb)
        other = "a" if side == "b" else "b"
        example = (f', e.g. "{_quote(copy_p, shown, side)}" where {source} has '
                   f'"{_quote(source_p, shown, other)}"')
    return Evidence("readings", "a->b" if net > 0 else "b->a", min(READING_MAX, READING * abs(net)),
                    value, f"{copy} reads worse than {source} at {max(worse.values())} place(s) "
                    f"(a word dropped, swapped or stray; {min(worse.values())} the other way"
                    f"{example}): copyists make such slips, a sign that {copy} is the copy")


def _quote(p: Profile, example: dict, side: str, limit: int = 60) -> str:
    """The words around a reading, from the field the example is in, on one line."""
    text = getattr(p.article, example["field"]) or ""
    start, end = example[f"{side}_context"]
    return " ".join(text[start:end].split())[:limit]


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _sentence_shingles(text: str) -> tuple[frozenset[int], ...]:
    """The 3-word phrases of each sentence of six words or more."""
    from storytrace.text.segment import sentences

    out = []
    for s in sentences(text):
        part = s.of(text)
        if len(part.split()) >= 6 and (sh := _shingles(part)):
            out.append(sh)
    return tuple(out)


_STOP = frozenset(
    "the and for that with was were are has have had his her its their this from but not "
    "they she him who which what when will would can could been also than then there into "
    "about after more said says our you your all one out".split())


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _sentence_words(text: str) -> tuple[tuple[frozenset[str], ...], dict[str, tuple[int, ...]]]:
    """The content words (three letters or more, lower-cased, no function words) of each
    sentence :func:`_sentence_shingles` keeps, and for each word the sentences that hold it."""
    from storytrace.text.segment import sentences

    out: list[frozenset[str]] = []
    for s in sentences(text):
        part = s.of(text)
        if len(part.split()) >= 6 and _shingles(part):  # the sentences _sentence_shingles has
            out.append(frozenset(w for w in (x.lower() for x in _WORD.findall(part))
                                 if len(w) >= 3 and w not in _STOP))
    where: dict[str, list[int]] = {}
    for k, words in enumerate(out):
        for w in words:
            where.setdefault(w, []).append(k)
    return tuple(out), {w: tuple(ks) for w, ks in where.items()}


def _reworded_in(words: frozenset[str], index: dict[str, tuple[int, ...]]) -> bool:
    """Whether one sentence of the other text holds :data:`WORDS_FOUND` of ``words``."""
    hits: dict[int, int] = {}
    for w in words:
        for k in index.get(w, ()):
            hits[k] = hits.get(k, 0) + 1
    return bool(hits) and max(hits.values()) >= WORDS_FOUND * len(words)


def own_sentences(pa: Profile, pb: Profile) -> tuple[int, int]:
    """How many of ``a``'s sentences (of six words or more) ``b`` does not hold: text ``a``
    added, or ``b`` left out; and how many sentences ``a`` has.

    ``b`` holds a sentence when :data:`SENTENCE_FOUND` of its 3-word phrases are in ``b``,
    or when one sentence of ``b`` has :data:`WORDS_FOUND` of its content words: a
    sentence reworded (words replaced, dropped, moved) is the same sentence, not an
    innovation.
    """
    own = _sentence_shingles(pa.article.text)
    lost = [k for k, sh in enumerate(own) if len(sh & pb.shingles) < SENTENCE_FOUND * len(sh)]
    if lost:
        words_a, _ = _sentence_words(pa.article.text)
        _, index_b = _sentence_words(pb.article.text)
        if len(words_a) == len(own):  # the same sentences, so indices agree
            lost = [k for k in lost if not _reworded_in(words_a[k], index_b)]
    return len(lost), len(own)


def separate_weight(a: tuple[int, int], b: tuple[int, int], share: float
                    ) -> tuple[int, float]:
    """How many sentences of its own a copy may add, and the weight of the sentences beyond
    that on the side with fewer (``a``, ``b``: :func:`own_sentences` of each side). A copy
    adds sentences in proportion to its length (an intro, an outro, a comment): at least
    :data:`OWN_SENTENCES`, or ``share`` of the sentences of the side with fewer of its own,
    the likelier copy.

    >>> separate_weight((5, 20), (9, 30), 0.0), separate_weight((5, 20), (9, 30), 0.2)
    ((2, 4.5), (4, 1.5))
    """
    (na, ta), (nb, tb) = a, b
    allowed = max(OWN_SENTENCES, round(share * (ta if na <= nb else tb)))
    return allowed, min(SEPARATE_MAX, SEPARATE * max(0, min(na, nb) - allowed))


def separate_evidence(pa: Profile, pb: Profile) -> Evidence:
    """Innovations on both sides: each has whole sentences the other lacks.

    A copy leaves out what it likes of its source but adds little of its own, so between
    a source and its copy one side's private sentences are few (the copy's additions:
    :data:`OWN_SENTENCES`, or :data:`OWN_SHARE` of the copy's sentences, since a longer
    copy adds more). When both sides hold many sentences the other lacks, neither copied
    the other as it stands: they are siblings or cousins, copies of a version that may
    not be in the corpus (stemmatics: separative errors on both sides).
    """
    (na, ta), (nb, tb) = own_sentences(pa, pb), own_sentences(pb, pa)
    value = {"a_only_sentences": na, "b_only_sentences": nb}
    if min(ta - na, tb - nb) < VERSIONS_SHARE * max(ta, tb, 1):
        return Evidence("separate", "none", 0.0, value,
                        f"{pa.id} and {pb.id} share less than half their sentences: one "
                        f"reuses part of the other, not versions of one text to compare "
                        f"sentence by sentence")
    _, weight = separate_weight((na, ta), (nb, tb), OWN_SHARE)
    if weight <= 0:
        return Evidence("separate", "none", 0.0, value,
                        f"{pa.id} has {na} sentence(s) {pb.id} lacks, {pb.id} {nb} that "
                        f"{pa.id} lacks: within what one copy may add")
    return Evidence("separate", "siblings", weight, value,
                    f"{pa.id} has {na} sentence(s) {pb.id} lacks, and {pb.id} {nb} that "
                    f"{pa.id} lacks: more than one copy adds, a sign that neither was copied "
                    f"from the other as it stands (both may be copies of a version not in the "
                    f"corpus)")


def similarity(pa: Profile, pb: Profile) -> float:
    """Dice coefficient of the two shingle sets (0 to 1)."""
    total = len(pa.shingles) + len(pb.shingles)
    return 2 * len(pa.shingles & pb.shingles) / total if total else 0.0


def containment_evidence(pa: Profile, pb: Profile, comparison: Any = None) -> Evidence:
    """The copy is the more contained text: more of it is found in the other."""
    inter = len(pa.shingles & pb.shingles)
    in_b = inter / len(pa.shingles) if pa.shingles else 0.0  # share of a found in b
    in_a = inter / len(pb.shingles) if pb.shingles else 0.0  # share of b found in a
    value: dict[str, Any] = {"a_in_b": round(in_b, 4), "b_in_a": round(in_a, 4)}
    what = "3-word phrases"
    alignment = getattr(comparison, "alignment", None)
    if alignment is not None:
        # The aligner also counts paraphrased passages, which phrases miss.
        in_b, in_a = alignment.coverage_a, alignment.coverage_b
        value["coverage"] = {"a": round(in_b, 4), "b": round(in_a, 4)}
        what = "text (aligned passages)"
    diff = in_a - in_b
    value["diff"] = round(diff, 4)
    weight = min(CONTAINMENT_MAX, CONTAINMENT_SCALE * abs(diff))
    detail = (f"{in_b:.0%} of {pa.id}'s {what} is reused in {pb.id}, {in_a:.0%} of "
              f"{pb.id}'s in {pa.id}")
    if abs(diff) < 0.02:
        return Evidence("containment", "none", 0.0, value, detail + ": no asymmetry")
    copy, other = (pb.id, pa.id) if diff > 0 else (pa.id, pb.id)
    return Evidence("containment", "a->b" if diff > 0 else "b->a", weight, value,
                    detail + f": more of {copy} is found in {other} than the other way, a weak "
                    f"sign that {copy} is the copy (a copy usually takes part of its source)")


# ---------------------------------------------------------------------- quotations


@lru_cache(maxsize=TEXTS_REMEMBERED)
def quote_spans(text: str) -> tuple[tuple[int, int, str | None], ...]:
    """Quoted speech in ``text``: ``(start, end, speaker)`` spans of the words between
    quotation marks (“…”, "…", ‘…’), and of embedded social-media posts (a paragraph
    ending "— Name (@handle) Month D, YYYY", whose ``speaker`` is the name; ``None`` for
    quotation marks).

    Marks are paired within a paragraph; one left open runs to the paragraph's end (a
    quotation that goes on in the next paragraph reopens there). A curly closing
    single mark followed by a letter is an apostrophe.

    >>> t = 'He said: “We will win.” Later: "Maybe." It’s ‘fine’.'
    >>> [t[s:e] for s, e, _ in quote_spans(t)]
    ['We will win.', 'Maybe.', 'fine']
    >>> t = "Trump Jr sent a tweet:\\n\\nThis image says it all. — Donald Trump Jr. " \\
    ...     "(@DonaldJTrumpJr) September 19, 2016\\n\\nIt drew criticism."
    >>> [(t[s:e][:15], who) for s, e, who in quote_spans(t)]
    [('This image says', 'Donald Trump Jr.')]
    """
    out: list[tuple[int, int, str | None]] = []
    for m in _PARAGRAPH.finditer(text):
        p0, p1, para = m.start(), m.end(), m.group()
        post = _POST.search(para)
        if post is not None:
            out.append((p0, p1, post.group("who").strip()))
            continue
        opened = None
        for k, c in enumerate(para):
            if c == "“" or (c == '"' and opened is None):
                opened = k  # a second opening mark restarts the quotation
            elif c in '”"' and opened is not None:
                if k - opened <= MAX_QUOTE_CHARS:
                    out.append((p0 + opened + 1, p0 + k, None))
                opened = None
        if opened is not None and len(para) - opened <= MAX_QUOTE_CHARS:
            out.append((p0 + opened + 1, p1, None))
        out += [(p0 + q.start() + 1, p0 + q.end() - 1, None) for q in _SINGLE_QUOTE.finditer(para)]
    return tuple(sorted(out))


def _quoted_share(text: str, start: int, end: int,
                  spans: Sequence[tuple[int, int, str | None]]) -> tuple[float, int, int]:
    """The share of the letters and digits of ``text[start:end]`` that lie inside
    ``spans``, and the stretch of the passage that they cover (clipped to the spans)."""
    inside = bytearray(max(0, end - start))
    lo, hi = end, start
    for s, e, _ in spans:
        s, e = max(s, start), min(e, end)
        if s < e:
            inside[s - start:e - start] = b"\x01" * (e - s)
            lo, hi = min(lo, s), max(hi, e)
    total = hits = 0
    for k, ch in enumerate(text[start:end]):
        if ch.isalnum():
            total += 1
            hits += inside[k]
    return (hits / total if total else 0.0), lo, hi


@lru_cache(maxsize=256)
def _attributions(text: str) -> tuple[Any, ...]:
    return tuple(_rules().extract(text)) + tuple(extract_attributions(text))


def _speaker(text: str, start: int, end: int,
             spans: Sequence[tuple[int, int, str | None]]) -> str | None:
    """Who ``text[start:end]`` is credited to: the name an embedded post carries, or the
    source of the attribution whose content holds most of it (a name before a pronoun)."""
    for s, e, who in spans:
        if who and s < end and start < e:
            return who
    best: tuple[int, int, str] | None = None
    for a in _attributions(text):
        if a.content is None or a.source is None or a.kind not in _SPEECH_KINDS:
            continue
        overlap = min(end, a.content.end) - max(start, a.content.start)
        name = " ".join(a.source.of(text).split())
        if overlap <= 0 or not name or a.source_type in ("outlet", "wire", "document"):
            continue
        rank = (name.lower() not in _PRONOUNS, overlap, name)
        if best is None or rank > best:
            best = rank
    return best[2] if best else None


def _passage_offsets(p: Any) -> tuple[int, int, int, int]:
    if isinstance(p, dict):
        return p["a_start"], p["a_end"], p["b_start"], p["b_end"]
    if isinstance(p, (tuple, list)):
        return p[0], p[1], p[2], p[3]
    return p.a_start, p.a_end, p.b_start, p.b_end


def shared_quotes(a_text: str, b_text: str, passages: Iterable[Any]) -> dict[str, Any]:
    """Which passages two texts share are only quoted speech: the same words of a third
    party (a statement between quotation marks, an embedded post) that each quotes,
    which is no sign that one copied the other.

    ``passages`` are aligned passages with offsets into each text (``a_start, a_end,
    b_start, b_end``: :class:`storytrace.align.Passage` objects, their dicts, or
    4-tuples). A passage is a quotation when at least :data:`QUOTE_SHARE` of its
    letters lie inside quoted speech in both texts (the rest is the speech tag:
    '…,” Trump said. “…').

    Returns ``{"quotes": [...], "passages": n, "all": bool}``: one dict per quotation
    with its ``text`` (as in ``a_text``), ``speaker`` (or ``None``), ``a_start, a_end,
    b_start, b_end`` (the quoted part of the passage: ``a_text[a_start:a_end] == text``)
    and ``share_a, share_b`` (how much of it is quoted); ``all`` says whether every
    passage is a quotation (and there is at least one): the two share nothing but
    quotations.

    >>> a = 'Critics were furious. Mayor Jones said: "We will rebuild the bridge before '
    >>> a += 'winter, whatever it costs the city." The council meets on Monday.'
    >>> b = 'A different report. "We will rebuild the bridge before winter, whatever it '
    >>> b += 'costs the city," Jones told voters.'
    >>> p = (a.index("We will"), a.index('."'), b.index("We will"), b.index(',"'))
    >>> out = shared_quotes(a, b, [p])
    >>> out["all"], out["quotes"][0]["speaker"], out["quotes"][0]["text"][:22]
    (True, 'Mayor Jones', 'We will rebuild the br')
    """
    qa, qb = quote_spans(a_text), quote_spans(b_text)
    quotes, n = [], 0
    for p in passages:
        n += 1
        a0, a1, b0, b1 = _passage_offsets(p)
        share_a, s_a, e_a = _quoted_share(a_text, a0, a1, qa)
        share_b, s_b, e_b = _quoted_share(b_text, b0, b1, qb)
        if min(share_a, share_b) < QUOTE_SHARE:
            continue
        s_a, e_a = _trim(a_text, s_a, e_a)
        s_b, e_b = _trim(b_text, s_b, e_b)
        speaker = _speaker(a_text, a0, a1, qa)
        if speaker is None or speaker.lower() in _PRONOUNS:
            speaker = _speaker(b_text, b0, b1, qb) or speaker
        quotes.append({"text": a_text[s_a:e_a], "speaker": speaker, "a_start": s_a,
                       "a_end": e_a, "b_start": s_b, "b_end": e_b,
                       "share_a": round(share_a, 3), "share_b": round(share_b, 3)})
    return {"quotes": quotes, "passages": n, "all": n > 0 and len(quotes) == n}


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` without the white space and quotation marks at either end."""
    while start < end and (text[start].isspace() or text[start] in _QUOTE_MARKS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTE_MARKS):
        end -= 1
    return start, end


def _shared_quote_item(found: dict[str, Any], pa: Profile, pb: Profile) -> Evidence:
    quotes = found["quotes"]
    speakers = sorted({q["speaker"] for q in quotes if q["speaker"]},
                      key=lambda x: (x.lower() in _PRONOUNS, x))
    named = [x for x in speakers if x.lower() not in _PRONOUNS]
    speakers = named or speakers
    first = quotes[0]
    shown = " ".join(first["text"].split())
    shown = shown if len(shown) <= 100 else shown[:99].rstrip() + "…"
    who = first["speaker"]
    by = f", credited to {who}" if who and who.lower() not in _PRONOUNS else ""
    more = (f"; {len(quotes)} quotations in all"
            + (f", of {', '.join(speakers)}" if speakers else "")) if len(quotes) > 1 else ""
    detail = (f"the two share only quoted speech: “{shown}”{by} ({pa.id} at "
              f"{first['a_start']}-{first['a_end']}, {pb.id} at {first['b_start']}-"
              f"{first['b_end']}){more}. Quoting the same speaker is no sign that one "
              f"copied the other: no direction")
    return Evidence("shared_quote", "none", 0.0,
                    {"quotes": quotes, "passages": found["passages"], "speakers": speakers},
                    detail)


# ------------------------------------------------------------------------- verdict


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def qualified(evidence: Iterable[Evidence], verdict: str) -> tuple[Evidence, ...]:
    """The evidence items with each detail saying how it stands to ``verdict``: an item
    that points elsewhere ends in "(not enough to decide)" or "(outweighed …)", so no
    line reads as a conclusion the verdict does not draw. Details already qualified
    for another verdict are qualified again (e.g. for the tree's choice of parent).

    >>> e = Evidence("slips", "b->a", 1.0, {}, "x writes 1 word(s) in lower case: a sign "
    ...              "that x is the copy")
    >>> qualified([e], "unknown")[0].detail
    'x writes 1 word(s) in lower case: a sign that x is the copy (not enough to decide)'
    >>> qualified(qualified([e], "unknown"), "a->b")[0].detail[-54:]
    'is the copy (outweighed by the evidence the other way)'
    >>> qualified([e], "b->a")[0] == e
    True
    """
    items = list(evidence)
    out = []
    for e in items:
        detail = e.detail
        for q in _QUALIFIERS:
            if detail.endswith(q):
                detail = detail[: -len(q)]
                break
        claim = "not_direct" if e.name == "branching" and e.points == "none" else e.points
        q = ""
        if e.weight > 0 and claim != "none" and claim != verdict:
            if verdict == "unknown":
                against = {"a->b": "b->a", "b->a": "a->b"}.get(claim)
                q = (_CONTESTED if any(x.points == against and x.weight > 0 for x in items)
                     else _UNDECIDED)
            elif verdict == "siblings":
                q = _COMMON if claim != "not_direct" else ""
            elif claim in ("siblings", "not_direct"):
                q = _DIRECT
            else:
                q = _OUTWEIGHED
        out.append(replace(e, detail=detail + q) if detail + q != e.detail else e)
    return tuple(out)


def calibrated(kind: str, stated: float) -> float:
    """The measured accuracy of a verdict of ``kind`` (a key of :data:`CALIBRATION`)
    stated at ``stated``: linear between the knots, the end value beyond them.

    >>> calibrated("directed", 0.996), calibrated("directed", 0.5)
    (0.91, 0.748)
    """
    knots = CALIBRATION[kind]
    if stated <= knots[0][0]:
        return knots[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(knots):
        if stated <= x1:
            return y0 + (y1 - y0) * (stated - x0) / (x1 - x0)
    return knots[-1][1]


def _calibration_item(verdict: str, stated: float, items: list[Evidence],
                      own_credit: bool) -> Evidence | None:
    """The calibrated confidence of a directed or siblings verdict, as an evidence item
    saying what was stated and what such verdicts measured (None: kept as stated, for
    a verdict resting on the copy's own credit, or on publication order and overlap
    alone, which :data:`ORDER_ONLY_MAX` already holds down)."""
    if any(e.name == "text_evidence" for e in items):
        return None  # order and overlap alone: already held at ORDER_ONLY_MAX
    if verdict == "siblings":
        kind = ("siblings_source" if any(e.name == "shared_source" and e.points == "siblings"
                                         and e.weight > 0 for e in items) else "siblings")
    elif verdict in ("a->b", "b->a") and not own_credit:
        kind = "directed"
    else:
        return None
    measured = calibrated(kind, stated)
    return Evidence("calibration", "none", 0.0,
                    {"stated": round(stated, 4), "calibrated": round(measured, 4), "kind": kind},
                    f"the evidence adds up to {stated:.2f}; verdicts of this kind so stated "
                    f"were right {measured:.0%} of the time on generated families "
                    f"(docs/results.md, calibration)")


def decide(pa: Profile, pb: Profile, others: Iterable[Profile] = (),
           comparison: Any = None) -> Direction:
    """The direction between two profiled articles (see :func:`infer_direction`)."""
    others = [o for o in others if o.id not in (pa.id, pb.id)]
    if len(others) > MAX_OTHERS:
        others.sort(key=lambda o: -max(similarity(o, pa), similarity(o, pb)))
        others = others[:MAX_OTHERS]
    passages = _passages_of(comparison)
    items = [*_credit_items(pa, pb, others), time_evidence(pa.article, pb.article),
             *_shared_source_items(pa, pb, others), *_innovation_items(pa, pb, others),
             slip_evidence(pa, pb, passages), readings_evidence(pa, pb, passages),
             separate_evidence(pa, pb),
             containment_evidence(pa, pb, comparison)]
    branching = _branching_item(pa, pb, others)
    if branching is not None:
        items.insert(-1, branching)
    score = sum(e.weight if e.points == "a->b" else -e.weight for e in items
                if e.points in ("a->b", "b->a"))
    sibling = max((e for e in items if e.points == "siblings"), key=lambda e: e.weight,
                  default=None)
    p = _sigmoid(score)
    winning = "a->b" if score > 0 else "b->a"
    against = max((e.weight for e in items if e.points in ("a->b", "b->a")
                   and e.points != winning), default=0.0)
    own_credit = any(e.name == "credit" and e.weight >= CREDIT_OWN for e in items)
    via = None
    if (sibling is not None and sibling.weight >= SIBLINGS_MIN
            and sibling.weight >= abs(score) - 1.0 and not own_credit):
        verdict, confidence = "siblings", _sigmoid(sibling.weight - max(0.0, abs(score) - 1.0))
        via = sibling.value.get("source")
        via = str(via) if via else "a version not in the corpus"
    elif abs(score) < MIN_MARGIN or against >= CONFLICT:
        verdict, confidence = "unknown", max(p, 1 - p)
    else:
        verdict, confidence = winning, max(p, 1 - p)
    quoted = shared_quotes(pa.article.text, pb.article.text, passages) if passages else None
    if quoted is not None and quoted["all"]:
        # Nothing but a third party's words in common: no copying to orient.
        items.insert(0, _shared_quote_item(quoted, pa, pb))
        verdict, via, confidence = "unknown", None, min(max(p, 1 - p), ORDER_ONLY_MAX)
    if verdict != "siblings" and confidence > ORDER_ONLY_MAX and not any(
            e.points == winning and e.weight > 0 and e.name not in ORDER_ONLY for e in items):
        items.append(Evidence(
            "text_evidence", "none", 0.0,
            {"confidence": round(confidence, 4), "cap": ORDER_ONLY_MAX},
            f"no text evidence says which is the copy (no credit naming the other, no "
            f"copying slips, garbled readings or innovations shared with a third version): "
            f"{_order_words(items)} alone hold the confidence at "
            f"{ORDER_ONLY_MAX:.2f} (they would give {confidence:.2f})"))
        confidence = ORDER_ONLY_MAX
    calibration = _calibration_item(verdict, confidence, items, own_credit)
    if calibration is not None:
        items.append(calibration)
        confidence = calibration.value["calibrated"]
    return Direction(pa.id, pb.id, verdict, confidence, score, qualified(items, verdict), via)


def infer_direction(a: Article, b: Article, comparison: Any = None, *,
                    others: Iterable[Article] | None = None) -> Direction:
    """Decide whether ``a`` was copied into ``b`` (``"a->b"``), the reverse, that both are
    copies of a common source (``"siblings"``), or ``"unknown"``.

    Parameters
    ----------
    a, b : the two articles (a reuse link between them is assumed, not checked).
    comparison : their :class:`storytrace.comparison.Comparison`, if already aligned; its
        passage coverage is reported beside the containment evidence.
    others : other versions of the story: third articles that may be the common
        source, carry the same credit, or share one side's innovations.

    Returns
    -------
    A :class:`Direction` with the verdict, a confidence, the net score and every
    evidence item (also those that point nowhere, so the reasons are complete).

    Examples
    --------
    >>> x = Article(id="x", text="The mayor said the bridge will close for repairs in May "
    ...             "and reopen in the autumn, Reuters reported.")
    >>> y = Article(id="y", text="According to Reuters, the mayor said the bridge will close "
    ...             "for repairs in May and reopen in the autumn. Drivers should plan ahead.")
    >>> d = infer_direction(x, y)
    >>> d.verdict, d.via
    ('siblings', 'Reuters')
    >>> print(d.explain().splitlines()[0])
    x and y are siblings (common source Reuters) (confidence 0.75)
    """
    others_p = [profile(o) for o in (others or ()) if o.id not in (a.id, b.id)]
    pa, pb = profile(a), profile(b)
    d = decide(pa, pb, others_p, comparison)
    d = partial_copy(common_source(d, pa, pb, others_p, comparison), pa, pb)
    return nothing_shared(d, comparison)


def _passages_of(comparison: Any) -> Any:
    """The aligned passages of a :class:`~storytrace.comparison.Comparison`, or ``None``
    without one."""
    return getattr(getattr(comparison, "alignment", None), "passages", None)


def nothing_shared(d: Direction, comparison: Any = None) -> Direction:
    """``d`` made ``"unknown"`` when the ``comparison`` aligned no passage: two articles
    that share no text (site boilerplate set aside) have no copying to orient, whatever
    publication order or a stray capital says (a same-story pair of two outlets, each
    with its own source). Pairwise only, and only with a comparison.

    >>> from datetime import datetime, UTC
    >>> from storytrace.comparison import compare
    >>> a = Article(id="a", text="The council voted to close the bridge for repairs in May.",
    ...             published=datetime(2016, 9, 1, tzinfo=UTC))
    >>> b = Article(id="b", text="Crews began work on the old bridge, the mayor said today.",
    ...             published=datetime(2016, 9, 2, tzinfo=UTC))
    >>> d = compare(a, b, details=("direction",)).details["direction"]
    >>> d["verdict"], d["evidence"][0]["name"]
    ('unknown', 'nothing_shared')
    """
    passages = _passages_of(comparison)
    if passages is None or passages or (d.verdict == "unknown" and not d.score):
        return d
    item = Evidence("nothing_shared", "none", 0.0, {"confidence_before": round(d.confidence, 4)},
                    f"{d.a} and {d.b} share no passage of text: there is no copying between "
                    f"them to orient, whatever publication order says")
    return Direction(d.a, d.b, "unknown", 0.5, 0.0, (item, *d.evidence), None)


def partial_copy(d: Direction, pa: Profile, pb: Profile) -> Direction:
    """``d`` made ``"unknown"`` when only publication order and overlap make it (no credit,
    slip, reading or innovation points its way) and the copy holds under
    :data:`ORDER_ONLY_WHOLE` of the source's sentences (:func:`own_sentences`): a later
    article that shares a part of an earlier one may have that part from where the
    earlier had it (a quotation, an interview, a wire, a third outlet's report) as well as
    from it; one that reprints most of it is the usual copy. The lean stays in the score.

    Pairwise only (``compare``, the report), as :func:`common_source`. Read on the real
    pairs reviewers labelled (FakeNewsNet, sessions 16-17): of 5 verdicts from order
    alone, the 2 right held 5 of 9 and 11 of 12 of the source's sentences, the 3 wrong 4
    of 18, 5 of 28 and 5 of 14 (a rule chosen on those 5). On generated families it
    turns none of the pairwise verdicts of the true parent-child pairs (a copy there has
    text evidence or most of its source): docs/results.md, session 17.

    >>> from datetime import datetime, UTC
    >>> part = " ".join(f"Council member {i} voted against the bridge plan." for i in range(4))
    >>> rest = " ".join(f"Resident {i} spoke at length about the flooding." for i in range(9))
    >>> a = Article(id="a", text=part + " " + rest, published=datetime(2016, 9, 1, tzinfo=UTC))
    >>> b = Article(id="b", text="A new report. " + part, published=datetime(2016, 9, 2,
    ...                                                                      tzinfo=UTC))
    >>> decide(profile(a), profile(b)).verdict  # publication order and overlap alone
    'a->b'
    >>> d = infer_direction(a, b)
    >>> d.verdict, d.evidence[0].name
    ('unknown', 'partial_copy')
    >>> infer_direction(a, Article(id="c", text="A new report. " + part + " " + rest,
    ...     published=datetime(2016, 9, 2, tzinfo=UTC))).verdict  # the whole text reprinted
    'a->b'
    """
    if d.verdict not in ("a->b", "b->a") or any(
            e.points == d.verdict and e.weight > 0 and e.name not in ORDER_ONLY
            for e in d.evidence):
        return d
    source, copy = (pa, pb) if d.verdict == "a->b" else (pb, pa)
    lost, total = own_sentences(source, copy)
    if not total or total - lost >= ORDER_ONLY_WHOLE * total:
        return d
    item = Evidence("partial_copy", "none", 0.0,
                    {"found": total - lost, "sentences": total, "copy": copy.id,
                     "confidence_before": round(d.confidence, 4)},
                    f"{copy.id} holds {total - lost} of {source.id}'s {total} sentences, a "
                    f"part that it may have from where {source.id} had it (a quotation, an "
                    f"interview, a wire, another report) as well as from {source.id}: "
                    f"publication order and overlap alone do not say which (they lean "
                    f"{d.confidence:.2f} toward {copy.id} being the copy)")
    return Direction(d.a, d.b, "unknown", d.confidence, d.score,
                     qualified((item, *d.evidence), "unknown"), None)


def _text_credit(copy: Profile, source: Profile, others: Sequence[Profile],
                 passages: Sequence[int] | None) -> Credit | None:
    """The first credit by which ``copy`` says where its text came from (a credit line,
    "via", "first reported by", a wire credit) that names a publisher which is neither
    ``source`` nor a third version, that ``source`` does not credit too, and that stands
    before text the two share (``passages``: where the shared passages end in ``copy``;
    ``None``: anywhere)."""
    credited = {c.key for c in source.credits}
    for c in copy.credits:
        if (c.kind not in _TEXT_SOURCE_KINDS or not c.names_publisher or c.key in credited
                or names_match(c, source) or any(names_match(c, o) for o in others)):
            continue
        if passages is None or any(end > c.end for end in passages):
            return c
    return None


def common_source(d: Direction, pa: Profile, pb: Profile, others: Sequence[Profile] = (),
                  comparison: Any = None) -> Direction:
    r"""``d`` weighed against a common source that either version names: where the version
    the evidence makes the copy (else the source, for text the two share) says its text
    comes from a publisher that the other version is not (by its outlet, site or headline;
    a version with neither outlet nor url may be it, and is not weighed so) and does not
    credit, the two may as well be copies of that publisher's text as one a copy of the
    other. The verdict is then
    ``"unknown"``, with the probability of the likelier direction halved
    (:data:`COMMON_SHARE`), and a ``common_source`` item saying so first. A credit that
    names the other version keeps the copying (it is the ``credit`` item).

    Pairwise only (``compare``, the report): the family tree has the other versions, and
    weighs credits through them (:mod:`~storytrace.provenance.tree_credits`).

    >>> body = " ".join(f"Council member {i} voted against the bridge plan." for i in range(9))
    >>> from datetime import datetime, UTC
    >>> a = Article(id="a", text=body, outlet="Eagle Rising",
    ...             published=datetime(2016, 9, 21, 0, 8, tzinfo=UTC))
    >>> b = Article(id="b", text="Shocking news.\n\nFrom The Daily Caller:\n\n" + body,
    ...             outlet="Right Wing News", published=datetime(2016, 9, 21, 14, tzinfo=UTC))
    >>> d = infer_direction(a, b)
    >>> d.verdict, d.evidence[0].name, d.confidence < 0.5
    ('unknown', 'common_source', True)
    >>> print(d.evidence[0].detail)  # doctest: +NORMALIZE_WHITESPACE
    b says its text comes from The Daily Caller ('From The Daily Caller', b 16-37), which a
    (Eagle Rising) is not: a common source is as likely as b copying a (the likelier
    direction 0.65 -> 0.33)
    """
    if d.verdict not in ("a->b", "b->a", "unknown") or not d.score:
        return d
    if any(e.name == "credit" and e.points in ("a->b", "b->a") and e.weight > 0
           for e in d.evidence):
        return d  # a credit names one version in the other: copying stands
    copy, source = (pb, pa) if d.score > 0 else (pa, pb)
    passages = _passages_of(comparison)
    found = None
    # The copy naming a third publisher, else the source naming one for the text both
    # print ("The journalists over at the Daily Mail ... here's what they found:"): the
    # copy may have it from there as well as from the source.
    for sayer, other in ((copy, source), (source, copy)):
        if not any(what in ("outlet", "url") for what in other.names.values()):
            continue  # no outlet or url: it may be the publisher named
        ends = None if passages is None else [
            _passage_offsets(p)[3 if sayer is pb else 1] for p in passages]
        credit = _text_credit(sayer, other, others, ends)
        if credit is not None:
            found = sayer, other, credit
            break
    if found is None:
        return d
    sayer, other, credit = found
    text = sayer.article.text
    line_start = text.rfind("\n", 0, credit.start) + 1
    cue_at = text.rfind(credit.cue, line_start, credit.start) if credit.cue else -1
    start = cue_at if cue_at >= 0 else credit.start
    said = " ".join(text[start:credit.end].split())
    name = " ".join(text[cue_at + len(credit.cue):credit.end].split()) if cue_at >= 0 else ""
    name = name if name.endswith(credit.name) and len(name) <= len(credit.name) + 4 else credit.name
    before = d.confidence
    after = before * (1 - COMMON_SHARE)
    why = (f"a common source is as likely as {copy.id} copying {source.id}" if sayer is copy
           else f"{copy.id} may have it from there as well as from {source.id}")
    item = Evidence("common_source", "none", 0.0,
                    {"source": credit.name, "side": sayer.id, "start": start, "end": credit.end,
                     "confidence_before": round(before, 4), "share": COMMON_SHARE},
                    f"{sayer.id} says its text comes from {name} ('{said}', {sayer.id} "
                    f"{start}-{credit.end}), which {other.id} ({other.label}) is not: {why} "
                    f"(the likelier direction {before:.2f} -> {after:.2f})")
    items = (item, *d.evidence)
    return Direction(d.a, d.b, "unknown", after, d.score,
                     qualified(items, "unknown"), None)
