"""Attribution extraction: who an article credits, with exact character offsets.

An :class:`Attribution` ties a *source* (who or what is credited: "the New York
Daily News", "officials", "Mr. Trump"), a *cue* (the words that credit it:
"according to", "told", "said", "h/t") and a *content* (what is credited) to
spans of the original text, so ``text[start:end]`` shows each part.

Two layers find them:

* **Rules** (fast, linear regular expressions over the text) for the explicit
  credit families: "according to X", "X reported/said/told/wrote/...", "as
  reported by X", "X, citing Y", "Source: X" lines, "via X", "h/t X", wire
  credits ("(AP) —", "— Reuters", "Associated Press contributed"), "told X" (X
  the outlet told), direct quotes with their speaker and anonymous sources
  ("officials said"). Rules name the ``kind`` of credit.
* **A learned tagger** for the long tail ("Trump criticized...", "she wants...").
  It is a two-stage averaged structured perceptron over word tokens with BIO tags
  for Source, Cue and Content, trained on the PolNeAR train split by
  ``bench/train_attribution.py``; its pruned weights are plain JSON in
  ``storytrace/data/attribution_tagger.json``, decoded here with numpy (Viterbi).
  The second stage sees the first stage's tags (stacking), which keeps sources,
  cues and contents consistent with each other.

Both layers are merged: where a rule and the tagger find the same credit, the
tagger's spans (closer to the annotation convention it learned) are kept and the
rule adds its ``kind``; a source is then typed (outlet, wire, person,
organisation, document, anonymous, unknown) from lists of outlets and wires,
outlet-like words, person patterns (honorifics, job titles, pronouns) and
organisation/document head nouns.

Article text is untrusted: patterns have no nested unbounded repetition, quotes
are capped at :data:`MAX_QUOTE` characters, and paragraphs that are not prose
(mostly punctuation) skip the tagger, which reads windows of at most
:data:`~storytrace.provenance.tagging.MAX_TAGGED_TOKENS` tokens and at most
:data:`~storytrace.provenance.tagging.MAX_TAGGED_TOTAL` tokens per
text (rules still read all of it, up to :data:`MAX_RULE_MATCHES` matches per
pattern), so time stays linear in the length of the text.

>>> text = "The claim was false, according to the New York Daily News."
>>> [a.source.of(text) for a in extract_attributions(text)]
['New York Daily News']
"""

from __future__ import annotations

import base64
import json
import math
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from itertools import chain, repeat
from typing import Any

import numpy as np

from storytrace.model import Span
from storytrace.provenance.tagging import (
    TAGS,
    labelled_spans,
    tokenize,
    viterbi,
    viterbi_many,
    windows,
)
from storytrace.text.words import stem

__all__ = [
    "KINDS",
    "SOURCE_TYPES",
    "Attribution",
    "AttributionExtractor",
    "Tagger",
    "classify_source",
    "extract_attributions",
    "tagger_can_credit",
    "tokenize",
    "windows",
]

SOURCE_TYPES = ("outlet", "wire", "person", "organisation", "document", "anonymous", "unknown")
KINDS = ("according_to", "reported", "said", "told", "quote", "credit_line", "via", "hat_tip",
         "wire_credit", "as_reported", "citing", "other")

MAX_QUOTE = 2000  # longest direct quote the rules will pair with a speaker
MODEL_NAME = "attribution_tagger.json"


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Attribution:
    """One credited source: spans of the text for source, cue and content.

    ``recipient`` is the outlet a source spoke to ("told Reuters"), when named.
    ``refers_to`` is the name a pronoun or bare-title source stands for ("he" ->
    "Bill de Blasio"), set by :func:`~storytrace.provenance.credits.credits`.

    >>> t = "Smith told Reuters the plant would close."
    >>> a = extract_attributions(t)[0]
    >>> a.source.of(t), a.cue.of(t), a.recipient.of(t), a.kind, a.source_type
    ('Smith', 'told', 'Reuters', 'told', 'person')
    """

    source: Span | None
    cue: Span | None
    content: Span | None
    source_type: str = "unknown"
    kind: str = "other"
    score: float = 0.5
    recipient: Span | None = None
    refers_to: Span | None = None

    @property
    def start(self) -> int:
        """Where the attribution's first part starts (0 when it has none)."""
        return min((s.start for s in self.spans()), default=0)

    def spans(self) -> list[Span]:
        """The parts that are present, in text order (not ``refers_to``, which is
        elsewhere in the text)."""
        parts = (self.source, self.cue, self.content, self.recipient)
        return sorted((s for s in parts if s is not None), key=lambda s: s.start)

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        """JSON-ready dict; with ``text``, each span also carries its characters.

        >>> Attribution(Span(0, 3), Span(4, 8), None, "person", "said", 0.9).to_dict("Ann said")
        {'source': {'start': 0, 'end': 3, 'text': 'Ann'}, 'cue': {'start': 4, 'end': 8, \
'text': 'said'}, 'content': None, 'recipient': None, 'source_type': 'person', 'kind': 'said', \
'score': 0.9, 'refers_to': None}
        """

        def span(s: Span | None) -> dict[str, Any] | None:
            if s is None:
                return None
            d: dict[str, Any] = {"start": s.start, "end": s.end}
            if text is not None:
                d["text"] = s.of(text)
            return d

        return {
            "source": span(self.source),
            "cue": span(self.cue),
            "content": span(self.content),
            "recipient": span(self.recipient),
            "source_type": self.source_type,
            "kind": self.kind,
            "score": round(self.score, 4),
            "refers_to": span(self.refers_to),
        }


# ------------------------------------------------------------------------ lexicons

# Wire services first: a wire is also an outlet, and the more specific type wins.
WIRES = (
    "Associated Press", "AP", "Reuters", "AFP", "Agence France-Presse", "Agence France Presse",
    "UPI", "United Press International", "Bloomberg", "Bloomberg News", "Dow Jones",
    "Press Association", "PA Media", "dpa", "Xinhua", "Kyodo", "EFE", "ANSA", "Tass", "TASS",
    "Interfax", "Canadian Press", "AAP",
)
OUTLETS = (
    "New York Times", "Washington Post", "New York Daily News", "Daily News", "New York Post",
    "Wall Street Journal", "Los Angeles Times", "LA Times", "USA Today", "USA TODAY",
    "Fox News", "Fox News Channel", "Fox Business", "Fox Business Network", "Fox", "CNN",
    "MSNBC", "CNBC", "NBC", "NBC News", "ABC", "ABC News", "CBS", "CBS News", "NPR", "PBS",
    "BBC", "BBC News", "Breitbart", "Breitbart News", "Politico", "POLITICO", "The Hill",
    "Huffington Post", "HuffPost", "HuffPost Politics", "BuzzFeed", "BuzzFeed News", "Axios",
    "Vox", "Slate", "Salon", "The Atlantic", "Atlantic", "Guardian", "The Guardian",
    "Daily Mail", "Mail Online", "Financial Times", "The Times", "Times", "Newsweek",
    "Time magazine", "TIME", "Daily Caller", "The Daily Caller", "Washington Examiner",
    "Washington Times", "National Review", "The Intercept", "ProPublica", "Yahoo News",
    "Yahoo", "Business Insider", "Chicago Tribune", "Boston Globe", "Miami Herald",
    "Western Journalism", "Mother Jones", "New Yorker", "The New Yorker", "Al Jazeera",
    "Sky News", "RT", "Drudge Report", "TMZ", "Daily Beast", "The Daily Beast", "Vice",
    "Vice News", "Talking Points Memo", "The Blaze", "TheBlaze", "Infowars", "Mediaite",
    "The Economist", "Economist", "San Francisco Chronicle", "Houston Chronicle",
    "Dallas Morning News", "Politifact", "PolitiFact", "FactCheck.org", "Telegraph",
    "The Telegraph", "Independent", "The Independent", "Der Spiegel", "Le Monde",
    "Univision", "Telemundo", "C-SPAN", "Bild", "Sun", "The Sun", "Mirror", "Express",
    "Newsmax", "One America News", "OAN", "Daily Wire", "The Federalist", "Townhall",
    "RedState", "Hot Air", "Gateway Pundit", "Raw Story", "Think Progress", "ThinkProgress",
    "Roll Call", "National Journal", "Weekly Standard", "The Weekly Standard", "Forbes",
    "Fortune", "The Washington Free Beacon", "Washington Free Beacon", "Free Beacon",
    "Associated Press", "Reuters", "Bloomberg", "AFP", "UPI", "Twitter", "Facebook",
)
_OUTLET_WORDS = (
    "Times|Post|News|Journal|Daily|Herald|Tribune|Gazette|Network|Radio|TV|Magazine|"
    "Chronicle|Examiner|Observer|Telegraph|Register|Press|Channel|Broadcasting|Report|"
    "Globe|Monitor|Mirror|Independent|Standard|Beacon|Wire|Dispatch|Inquirer|Bulletin|"
    "Courier|Sentinel|Enquirer|Reporter|Online|Media"
)
_OUTLET_LIKE = re.compile(
    rf"\b(?:{_OUTLET_WORDS})\b|\w\.(?:com|org|net|co\.uk)\b|^(?:the )?(?:newspaper|paper|outlet|"
    r"network|magazine|station|website|site|tabloid|broadcaster|daily|publication|channel)s?$"
)
_WIRE_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(WIRES, key=len,
                                                                        reverse=True)) + r")\b")
_WIRE_STAFF_RE = re.compile(_WIRE_RE.pattern + r" (?:news agency|wire|news service|reporters?|"
                            r"writers?|correspondents?)")
_OUTLET_RE = re.compile(r"(?<![\w-])(?:" + "|".join(
    re.escape(o) for o in sorted(set(OUTLETS), key=len, reverse=True)) + r")(?![\w-])")

_PRONOUN_PERSON = frozenset("he she i me him her his we you myself himself herself".split())
_PRONOUN_OTHER = frozenset("they them it its who which that this those these their one".split())
_HONORIFIC = re.compile(
    r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Rev|Sir|Dame|Lord|Lady|"
    r"Judge|Justice|President|Vice President|Senator|Governor|Mayor|Representative|"
    r"Congressman|Congresswoman|Secretary|Chairman|Chairwoman|Speaker|Pope|Prime Minister|"
    r"Minister|Ambassador|Attorney General|Director|Professor|Father|Sister)\b\.?"
)
_JOB = (
    "spokesman|spokeswoman|spokesperson|manager|adviser|advisor|aide|director|secretary|"
    "chairman|chairwoman|chair|president|senator|governor|mayor|leader|attorney|lawyer|"
    "strategist|economist|analyst|professor|candidate|nominee|founder|editor|reporter|"
    "correspondent|columnist|host|anchor|writer|pollster|consultant|official|chief|"
    "executive|ceo|cfo|ambassador|minister|representative|congressman|congresswoman|"
    "judge|scientist|researcher|historian|expert|author|commentator|surrogate|son|daughter|"
    "wife|husband|mother|father|friend|voter|supporter|resident|member|owner|doctor"
)
_JOB_RE = re.compile(rf"\b(?:{_JOB})s?\b", re.IGNORECASE)
_ANON_RE = re.compile(
    r"^(?:(?:an?|one|two|three|several|some|many|other|the|multiple|senior|top|unnamed|"
    r"anonymous|administration|campaign|government|white house|u\.s\.|federal|law "
    r"enforcement|intelligence|military|party|republican|democratic|gop|state|local|"
    r"police|former|current|two other)\s+){0,4}"
    r"(?:officials?|sources?|aides?|insiders?|advisers|staffers|operatives|strategists|"
    r"observers|critics|analysts|experts|people|persons?|someone|those|others|some)"
    r"(?: (?:familiar|close|with knowledge|who|briefed|involved|in)\b.*)?$",
    re.IGNORECASE,
)
_DOCUMENT_RE = re.compile(
    r"\b(?:report|reports|study|studies|poll|polls|survey|surveys|statement|statements|memo|"
    r"memos|email|emails|e-mail|letter|letters|filing|filings|document|documents|papers|"
    r"lawsuit|complaint|analysis|data|figures|records|record|transcript|book|article|"
    r"articles|story|stories|editorial|op-ed|column|tweet|tweets|post|posts|release|"
    r"video|ad|ads|advertisement|indictment|ruling|opinion|decision|website|web site|"
    r"blog|research|estimate|estimates|census|count|results|findings|polling|chart|"
    r"affidavit|testimony|speech|remarks|interview|footage|message|messages|note|notes|"
    r"platform|proposal|plan|bill|law|order|guidance|assessment|audit|review|"
    r"investigation|inquiry|probe|audio|recording)\b",
    re.IGNORECASE,
)
_ORG_RE = re.compile(
    r"\b(?:Inc|Corp|Corporation|Co|Company|LLC|Ltd|Group|Committee|Department|Dept|Ministry|"
    r"Agency|Party|Campaign|Council|Association|University|College|Foundation|Institute|"
    r"Commission|Bureau|Office|Administration|Court|Congress|Senate|House|Assembly|"
    r"Parliament|Police|Army|Navy|Pentagon|FBI|CIA|NSA|DHS|DOJ|EPA|IRS|NATO|UN|EU|GOP|DNC|RNC|"
    r"White House|Kremlin|Government|government|Union|Coalition|Alliance|Center|Centre|"
    r"Fund|Trust|Bank|Board|Authority|Service|Services|Organization|Organisation|Caucus|"
    r"Project|Network|Society|League|Federation|PAC|Club|Church|Democrats|Republicans|"
    r"campaign|committee|administration|agency|company|firm|department|group|police|"
    r"court|party|organization|organisation|union|office)\b"
)
_ORG_NAMES = frozenset(
    "FBI CIA NSA DHS DOJ EPA IRS NATO UN EU GOP DNC RNC NRA ACLU Pentagon Congress Senate "
    "Kremlin Google Apple Amazon Microsoft Twitter Facebook Gallup Quinnipiac Pew".split()
)
_STRIP_LEAD = re.compile(r"(?:[Tt]he|THE)\s+(?=[A-Z])")  # used with .match: anchored


def _has_capital_name(s: str) -> bool:
    return bool(re.search(r"\b[A-Z][a-z’'.-]*[a-z]\b", s))


def classify_source(name: str) -> str:
    """The type of a source phrase: outlet, wire, person, organisation, ...

    Wires and outlets come from built-in lists and outlet-like words; people from
    honorifics, job titles before a name, personal pronouns and two capitalised
    tokens; anonymous sources from "officials", "a source", "people familiar".

    >>> [classify_source(s) for s in ("New York Daily News", "the Herald-Tribune", "AP",
    ...     "Sen. Ted Cruz", "campaign manager Robby Mook", "officials", "a new report",
    ...     "the Justice Department", "he", "it", "New York Mayor Bill de Blasio", "the NYPD",
    ...     "de Blasio")]
    ['outlet', 'outlet', 'wire', 'person', 'person', 'anonymous', 'document', \
'organisation', 'person', 'unknown', 'person', 'organisation', 'person']
    """
    s = " ".join(name.split())
    if not s:
        return "unknown"
    lead = _STRIP_LEAD.match(s)
    bare = s[lead.end() :] if lead else s
    low = s.lower()
    if low in _PRONOUN_PERSON:
        return "person"
    if low in _PRONOUN_OTHER:
        return "unknown"
    if _WIRE_RE.fullmatch(bare) or _WIRE_STAFF_RE.fullmatch(bare):
        return "wire"
    if _OUTLET_RE.fullmatch(bare) or _OUTLET_RE.fullmatch(s):
        return "outlet"
    # The first word may be capitalised only because it starts the sentence.
    if _ANON_RE.match(s) and not _has_capital_name(low[:1] + s[1:].split(" familiar")[0]):
        return "anonymous"
    if _HONORIFIC.match(bare) and not _ORG_RE.search(bare.split()[-1]):
        return "person"
    words = bare.split()
    # A job title before a name ("New York Mayor Bill de Blasio"): a person, even when a
    # word of the name is also a document word ("Bill").
    if _JOB_RE.search(s) and _has_capital_name(s) and words[-1][:1].isupper() and \
            not _ORG_RE.search(words[-1]):
        return "person"
    head = low.split(",")[0].split(" of ")[0].split(" by ")[0].split(" from ")[0]
    if _DOCUMENT_RE.search(head) and not re.search(r"\b[A-Z]\w+ [A-Z]\w+$", s):
        return "document"
    if _OUTLET_RE.search(bare) and _OUTLET_LIKE.search(bare) is None and len(bare.split()) <= 3:
        return "outlet"
    if _OUTLET_LIKE.search(bare) and not _ORG_RE.search(bare.replace("News", "")):
        return "outlet"
    if _ORG_RE.search(bare) or any(w.strip("’'s.,") in _ORG_NAMES for w in words):
        return "organisation"
    if _OUTLET_RE.search(bare):
        return "outlet"
    if len(words) == 1 and re.fullmatch(r"[A-Z]{2,6}", words[0].strip("’'s.,")):
        return "organisation"  # an acronym ("NYPD", "ICE"): wires and outlets came first
    # A name may start with a lower-case particle: "de Blasio", "van Gogh".
    caps = [w for k, w in enumerate(words) if w[:1].isupper() or (
        k < len(words) - 1 and w in ("de", "van", "von", "del", "da", "di", "bin", "al"))]
    if caps and len(caps) == len(words) and len(words) <= 4:
        return "person"  # "Donald Trump", "Trump": a bare proper name is most often a person
    if _JOB_RE.search(s):
        return "person" if not s.endswith("s") else "anonymous"
    return "unknown"


_SAID = (
    "said|says|say|saying|told|tells|tell|telling|reported|reports|report|reporting|wrote|"
    "writes|write|writing|announced|announces|confirmed|confirms|stated|states|claimed|"
    "claims|added|adds|noted|notes|explained|explains|argued|argues|insisted|insists|"
    "warned|warns|tweeted|tweets|posted|declared|declares|acknowledged|admitted|asserted|"
    "replied|responded|recalled|predicted|suggested|suggests|revealed|disclosed|testified|"
    "alleged|alleges|denied|denies|continued|concluded|observed|remarked|quipped|"
    "joked|boasted|complained|lamented|cautioned|emphasized|stressed|pointed out|"
    "told reporters"
)
_KIND_OF_CUE = {
    **dict.fromkeys("said says say saying added adds stated states claimed claims noted "
                    "notes explained argued insisted warned declared acknowledged admitted "
                    "asserted replied responded recalled predicted suggested revealed "
                    "disclosed testified alleged denied continued concluded observed "
                    "remarked quipped joked boasted complained announced announces "
                    "confirmed confirms tweeted tweets posted".split(), "said"),
    **dict.fromkeys("told tells tell telling".split(), "told"),
    **dict.fromkeys("reported reports report reporting wrote writes write writing published "
                    "publishes broke".split(), "reported"),
    **dict.fromkeys(["according to", "according"], "according_to"),
    **dict.fromkeys(["citing", "cited", "cites"], "citing"),
    **dict.fromkeys(["via"], "via"),
}


def kind_of_cue(cue: str) -> str:
    """The kind of credit a cue word expresses ("told" -> "told", "wants" -> "other").

    >>> kind_of_cue("has said"), kind_of_cue("According to"), kind_of_cue("wants")
    ('said', 'according_to', 'other')
    """
    low = " ".join(cue.lower().split())
    if low in _KIND_OF_CUE:
        return _KIND_OF_CUE[low]
    if low.startswith("according to"):
        return "according_to"
    if low.startswith(("as reported", "as first reported")):
        return "as_reported"
    for word in _LETTERS.findall(low):
        if word in _KIND_OF_CUE:
            return _KIND_OF_CUE[word]
    return "other"


_LETTERS = re.compile(r"[a-z]+")


def _widened(kinds: frozenset[str]) -> frozenset[str]:
    # A "said" attribution whose content is a quotation becomes a quote.
    return kinds | {"said"} if "quote" in kinds else kinds


@lru_cache(maxsize=8)
def _cue_words(kinds: frozenset[str]) -> frozenset[str]:
    """Words of which a cue must hold one for :func:`kind_of_cue` to give one of ``kinds``
    (a key of several words needs all of them: its longest stands for it)."""
    words = {max(key.split(), key=len) for key, kind in _KIND_OF_CUE.items() if kind in kinds}
    if "according_to" in kinds:
        words.add("according")
    if "as_reported" in kinds:
        words.add("reported")
    return frozenset(words)


def tagger_can_credit(text: str, rules: Sequence[Attribution], kinds: frozenset[str]) -> bool:
    """Whether the learned tagger can add, drop or change an attribution of ``text`` whose
    kind is one of ``kinds`` or that names a recipient; ``rules`` are
    :func:`rule_attributions` of ``text``.

    Where it cannot, a reader that keeps only such attributions (the credits that say
    where a text came from) may skip the tagger, the costly part of extraction, and read
    ``rules`` alone: it gets what :func:`extract_attributions` would give it. The tagger
    changes a rule's attribution only by claiming it (the rule's kind and recipient
    stay) or by dropping it, so rules of other kinds without a recipient stay outside
    whatever it does; an attribution of its own takes its kind from the words of its cue
    (:func:`kind_of_cue`), which is one of ``kinds`` only where the text holds one of
    their cue words. Cues are whole tokens, and a token never splits a run of letters.

    >>> t = "Smith said the plant would close."
    >>> tagger_can_credit(t, rule_attributions(t), frozenset({"reported", "via"}))
    False
    >>> t = "Smith wrote that the plant would close."
    >>> tagger_can_credit(t, rule_attributions(t), frozenset({"reported", "via"}))
    True
    """
    kinds = _widened(kinds)
    if "other" in kinds or any(r.kind in kinds or r.recipient is not None for r in rules):
        return True
    return not _cue_words(kinds).isdisjoint(_LETTERS.findall(text.lower()))


# --------------------------------------------------------------------------- tokens

_OPEN_Q, _CLOSE_Q = "“", "”"


def _shape(w: str) -> str:
    c = w[0]
    if c.isalpha():
        if len(w) > 1 and w.isupper():
            return "AA"
        return "Aa" if c.isupper() else "a"
    if c.isdigit():
        return "0"
    if c in '"“”':
        return "Q"
    if c in "'‘’":
        return "q"
    return w


def _bucket(d: int) -> str:
    return str(d) if d <= 3 else "4-6" if d <= 6 else "7-12" if d <= 12 else "13+"


_PRON = frozenset("he she they i we it who which you his her their its our".split())
_TITLE = frozenset("mr mrs ms dr sen rep gov president senator rev secretary spokesman "
                   "spokeswoman".split())
_OUTLET_W = frozenset("times post news journal daily herald tribune gazette network radio tv "
                      "cnn msnbc politico reuters ap afp breitbart".split())


def _wclass(w: str) -> str:
    if w in _PRON:
        return "P"
    if w in _TITLE:
        return "T"
    if w in _OUTLET_W:
        return "O"
    return "-"


def _cue_bucket(p: float) -> str:
    return "0" if p < 0.05 else "1" if p < 0.2 else "2" if p < 0.45 else "3"


def _quote_states(words: Sequence[str]) -> list[str]:
    """Each token's place against quotation marks: ``Qx``/``Qo``/``Qc`` for a straight,
    opening or closing mark, else ``in`` or ``out`` of a quotation."""
    inq: list[str] = []
    inside = False
    for w in words:
        if w == '"':
            inq.append("Qx")
            inside = not inside
        elif w == _OPEN_Q:
            inq.append("Qo")
            inside = True
        elif w == _CLOSE_Q:
            inq.append("Qc")
            inside = False
        else:
            inq.append("in" if inside else "out")
    return inq


def _cue_neighbours(starts: Sequence[bool], cp: Sequence[float]
                    ) -> tuple[list[int | None], list[int | None]]:
    """The nearest cue-like word (cue probability >= 0.3) left and right of each token
    within its sentence: sources sit just left of their cue ("he said") or right of it
    ("said Smith", "according to X")."""
    n = len(cp)
    left: list[int | None] = [None] * n
    last: int | None = None
    for i in range(n):
        if starts[i]:
            last = None
        left[i] = last
        if cp[i] >= 0.3:
            last = i
    right: list[int | None] = [None] * n
    nxt: int | None = None
    for i in range(n - 1, -1, -1):
        right[i] = nxt
        if starts[i]:
            nxt = None
        if cp[i] >= 0.3:
            nxt = i
    return left, right


def _after_runs(sh: Sequence[str], vw: Sequence[str]) -> list[str]:
    """For each token of a capitalised run ("Hillary Clinton"), the word just after the
    run (the verb a name is the subject of); ``""`` elsewhere."""
    n = len(sh)
    after_run: list[str] = [""] * n
    j = n
    for i in range(n - 1, -1, -1):
        if sh[i] in ("Aa", "AA") or (sh[i] == "." and i and sh[i - 1] in ("Aa", "AA")):
            after_run[i] = vw[j] if j < n else "</s>"
        else:
            j = i
    return after_run


def _sentence_positions(starts: Sequence[bool]) -> list[int]:
    """Each token's position in its sentence (0 at a sentence start)."""
    out: list[int] = []
    k = 0
    for first in starts:
        k = 0 if first else k + 1
        out.append(k)
    return out


def _cue_features(i: int, words: Sequence[str], lw: Sequence[str], vw: Sequence[str],
                  sh: Sequence[str], inq: Sequence[str], lo: int | None, r: int | None
                  ) -> list[str]:
    """Token ``i``'s features from its nearest cues: left ``lo`` and right ``r``."""
    f = ["L=" + (_bucket(i - lo) if lo is not None else "none"),
         "R=" + (_bucket(r - i) if r is not None else "none")]
    if r is not None:
        d = _bucket(r - i)
        f.append("Rw=" + vw[r] + "@" + d)
        f.append("Rs=" + sh[i] + "@" + d)
        between = words[i + 1 : r]
        flags = ("," in between, any(x in '"“”' for x in between), "that" in lw[i + 1 : r])
        f.append("Rb=" + "".join("1" if x else "0" for x in flags) + "@" + d + sh[i])
    if lo is not None:
        d = _bucket(i - lo)
        f.append("Lw=" + vw[lo] + "@" + d)
        f.append("Ls=" + sh[i] + "@" + d + inq[i])
    return f


def token_features(words: Sequence[str], vocab: frozenset[str] | set[str],
                   cue_p: dict[str, float],
                   clusters: dict[str, str] | None = None) -> list[list[str]]:
    """First-stage feature strings of each token of one paragraph (window).

    ``vocab`` is the set of words with their own features (others are ``<unk>``);
    ``cue_p`` maps a word (or ``~stem``) to how often it starts a cue in training;
    ``clusters`` maps a word to its distributional cluster ids (coarse and fine, e.g.
    ``"12/345"``), which let rare words share weights with frequent words used alike.
    Shared with ``bench/train_attribution.py`` so training and use agree exactly.
    """
    n = len(words)
    lw = [w.lower() for w in words]
    vw = [w if w in vocab else "<unk>" for w in lw]
    sh = [_shape(w) for w in words]
    stems = {w: stem(w) for w in set(lw)}
    cp = [max(cue_p.get(w, 0.0), 0.8 * cue_p.get("~" + stems[w], 0.0)) for w in lw]
    cb = [_cue_bucket(p) for p in cp]
    inq = _quote_states(words)
    starts = [i == 0 or (words[i - 1] in (".", "?", "!") and sh[i] in ("Aa", "Q", "AA"))
              for i in range(n)]
    left, right = _cue_neighbours(starts, cp)
    # Stems of known words (inflections of one cue verb share weights).
    st = ["~" + sw if (sw := stems[w]) != w and sw in vocab else vw[i]
          for i, w in enumerate(lw)]
    after_run = _after_runs(sh, vw)
    sent_pos = _sentence_positions(starts)
    cl = [clusters.get(w, "?") for w in lw] if clusters is not None else []

    # Two "<s>" before each list and two "</s>" after it: P[i + 2 + d] is token i + d's
    # value, or the pad on that side.
    pv, ps, pc, pst, pcl = (["<s>", "<s>", *a, "</s>", "</s>"] for a in (vw, sh, cb, st, cl))
    wc = [_wclass(w) for w in lw]

    feats = []
    for i in range(n):
        f = ["b", "w=" + vw[i], "s=" + sh[i], "c=" + cb[i], "q=" + inq[i],
             "w-1=" + pv[i + 1], "w+1=" + pv[i + 3],
             "w-2=" + pv[i], "w+2=" + pv[i + 4],
             "s-1=" + ps[i + 1], "s+1=" + ps[i + 3],
             "s-2=" + ps[i], "s+2=" + ps[i + 4],
             "c-1=" + pc[i + 1], "c+1=" + pc[i + 3],
             "c+2=" + pc[i + 4],
             "ww-=" + pv[i + 1] + "|" + vw[i],
             "ww+=" + vw[i] + "|" + pv[i + 3],
             "sq=" + sh[i] + inq[i], "suf=" + lw[i][-3:],
             "k=" + wc[i], "kk=" + (wc[i - 1] if i else "<s>") + wc[i],
             "st=" + st[i], "st-1=" + pst[i + 1], "st+1=" + pst[i + 3],
             "www=" + pv[i + 1] + "|" + vw[i] + "|" + pv[i + 3],
             "w12=" + pv[i + 3] + "|" + pv[i + 4],
             "pre=" + lw[i][:3], "c-2=" + pc[i],
             "sp=" + _bucket(sent_pos[i]) + sh[i], "cs=" + cb[i] + sh[i] + inq[i]]
        if after_run[i]:
            f.append("ar=" + after_run[i])
        if clusters is not None:
            f += ["cl=" + cl[i], "cl-1=" + pcl[i + 1], "cl+1=" + pcl[i + 3],
                  "clc=" + cl[i].split("/")[0] + cb[i] + sh[i]]
        if starts[i]:
            f.append("ss")
        f += _cue_features(i, words, lw, vw, sh, inq, left[i], right[i])
        feats.append(f)
    return feats


def stack_features(base: Sequence[Sequence[str]], tags: Sequence[str],
                   words: Sequence[str]) -> list[list[str]]:
    """Second-stage features: the first-stage ones plus the first stage's tags nearby.

    ``tags`` are span labels per token ("S", "C", "T" or "O").
    """
    n = len(tags)
    sent = []
    k = 0
    for i in range(n):
        if i and words[i - 1] in (".", "?", "!"):
            k += 1
        sent.append(k)
    has_cue = {sent[i] for i in range(n) if tags[i] == "C"}

    def nearest(kind: str) -> tuple[list[int | None], list[int | None]]:
        left: list[int | None] = [None] * n
        right: list[int | None] = [None] * n
        last: int | None = None
        for i in range(n):
            left[i] = last
            if tags[i] == kind:
                last = i
        last = None
        for i in range(n - 1, -1, -1):
            right[i] = last
            if tags[i] == kind:
                last = i
        return left, right

    near = {"C": nearest("C"), "S": nearest("S")}
    out = []
    for i in range(n):
        t = tags[i]

        def g(j: int) -> str:
            return tags[j] if 0 <= j < n else "#"

        f = list(base[i])
        f += ["P=" + t, "P-1=" + g(i - 1), "P+1=" + g(i + 1), "P-2=" + g(i - 2),
              "P+2=" + g(i + 2), "P3=" + g(i - 1) + t + g(i + 1), "Pw=" + t + base[i][1],
              "Psc=" + t + ("1" if sent[i] in has_cue else "0")]
        for name, arr in (("CL", near["C"][0]), ("CR", near["C"][1]),
                          ("SL", near["S"][0]), ("SR", near["S"][1])):
            j = arr[i]
            if j is None:
                f.append(name + "=none" + t)
            else:
                d = _bucket(abs(j - i)) + ("s" if sent[j] == sent[i] else "x")
                f.append(name + "=" + d + t)
                if name[0] == "C":  # which cue word: "said" takes a source, "wants" too
                    f.append(name + "w=" + base[j][1] + d)
        out.append(f)
    return out


# --------------------------------------------------------------------------- tagger

_N = len(TAGS)

class Stage:
    """One averaged-perceptron tagging stage: feature ids, weights and transitions."""

    def __init__(self, features: Sequence[str], weights: np.ndarray,
                 transitions: np.ndarray, o_bias: float = 0.0, s_bias: float = 0.0) -> None:
        self.index = {f: i for i, f in enumerate(features)}
        self.weights = np.asarray(weights, dtype=np.float32)
        self.transitions = np.asarray(transitions, dtype=np.float64)
        # Added to the "outside" tag's score: below 0 trades precision for recall.
        self.o_bias = float(o_bias)
        # Added to the Source tags' scores: moves sources alone along that trade-off.
        self.s_bias = float(s_bias)

    def emissions(self, feats: Sequence[Sequence[str]]) -> np.ndarray:
        # Feature ids looked up in C (map over dict.get), -1 for unknown features; each
        # known feature's row of weights summed per token in the order given.
        flat = list(chain.from_iterable(feats))
        ids = np.fromiter(map(self.index.get, flat, repeat(-1)), dtype=np.intp, count=len(flat))
        lens = np.fromiter(map(len, feats), dtype=np.intp, count=len(feats))
        known = ids >= 0
        ids, own = ids[known], np.repeat(np.arange(len(feats)), lens)[known]
        if not len(ids):
            return np.zeros((len(feats), _N))
        starts = np.flatnonzero(np.r_[True, own[1:] != own[:-1]])
        rows = np.add.reduceat(self.weights[ids], starts, axis=0, dtype=np.float64)
        if len(starts) == len(feats):
            return rows
        out = np.zeros((len(feats), _N))  # some token had no known feature at all
        out[own[starts]] = rows
        return out

    def decode(self, feats: Sequence[Sequence[str]]) -> tuple[list[int], np.ndarray]:
        e = self.emissions(feats)
        e[:, 0] += self.o_bias
        e[:, 1:3] += self.s_bias
        return viterbi(e, self.transitions), e

    def decode_many(self, windows: Sequence[Sequence[Sequence[str]]]
                    ) -> tuple[list[list[int]], list[np.ndarray]]:
        """:meth:`decode` of several windows: their tokens' emissions in one lookup (a
        token's row is the same alone or among others) and Viterbi over all at once."""
        e = self.emissions(list(chain.from_iterable(windows)))
        e[:, 0] += self.o_bias
        e[:, 1:3] += self.s_bias
        cuts = np.cumsum([len(w) for w in windows])[:-1]
        rows = np.split(e, cuts) if len(windows) else []
        return viterbi_many(rows, self.transitions), rows

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Stage:
        """Read a stage stored by :meth:`to_dict`."""
        features = _unpack(d["features"]).decode("utf-8").split("\n")
        n = len(features)
        q = np.frombuffer(_unpack(d["weights"]), dtype=np.int8).reshape(n, _N)
        scale = np.frombuffer(_unpack(d["scales"]), dtype=np.float16).astype(np.float32)
        return cls(features, q.astype(np.float32) * scale[:, None],
                   np.asarray(d["transitions"], dtype=np.float64), d.get("o_bias", 0.0),
                   d.get("s_bias", 0.0))

    def to_dict(self) -> dict[str, Any]:
        """Compact JSON form: each feature's 7 weights as int8 times a float16 scale,
        the feature names and both arrays zlib-compressed and base64-encoded."""
        features = sorted(self.index, key=self.index.__getitem__)
        peak = np.abs(self.weights).max(axis=1)
        scale = (np.where(peak > 0, peak, 1.0) / 127.0).astype(np.float16)
        q = np.clip(np.rint(self.weights / scale.astype(np.float32)[:, None]), -127, 127)
        return {"features": _pack("\n".join(features).encode("utf-8")),
                "scales": _pack(scale.tobytes()),
                "weights": _pack(q.astype(np.int8).tobytes()),
                "transitions": np.round(self.transitions, 3).tolist(),
                "o_bias": round(self.o_bias, 3), "s_bias": round(self.s_bias, 3)}


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def _unpack(data: str) -> bytes:
    return zlib.decompress(base64.b64decode(data))


class Tagger:
    """The learned Source/Cue/Content tagger (two stacked perceptron stages).

    ``Tagger.default()`` loads ``storytrace/data/attribution_tagger.json``;
    :meth:`tag` returns labelled spans ``(label, Span, confidence)`` with label
    ``"S"``, ``"C"`` or ``"T"``.

    >>> t = "The senator said the bill would pass."
    >>> [(lab, s.of(t)) for lab, s, _ in Tagger.default().tag(t)]
    [('S', 'The senator'), ('C', 'said'), ('T', 'the bill would pass')]
    """

    name = "word features"

    def __init__(self, model: dict[str, Any]) -> None:
        self.cue_p: dict[str, float] = dict(model["cue_p"])
        self.stages = [Stage.from_dict(s) for s in model["stages"]]
        self.vocab = frozenset(_unpack(model["vocab"]).decode("utf-8").split("\n"))
        # Word clusters, stored as "word<TAB>ids" lines (models before them have none).
        self.clusters: dict[str, str] | None = None
        if "clusters" in model:
            lines = _unpack(model["clusters"]).decode("utf-8").split("\n")
            self.clusters = dict(line.split("\t", 1) for line in lines if line)
        self.meta = {k: v for k, v in model.items()
                     if k not in ("cue_p", "stages", "vocab", "clusters")}

    @classmethod
    def default(cls) -> Tagger:
        return _default_tagger()

    def tag_tokens(self, words: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """BIO tags of one token window and the final stage's emission scores."""
        feats = token_features(words, self.vocab, self.cue_p, self.clusters)
        path, e = self.stages[0].decode(feats)
        for stage in self.stages[1:]:
            spans = [TAGS[t][2:] if t else "O" for t in path]
            path, e = stage.decode(stack_features(feats, spans, words))
        return [TAGS[t] for t in path], e

    def tag(self, text: str) -> list[tuple[str, Span, float]]:
        """Labelled spans of every window of ``text``: :meth:`tag_tokens` of each, each
        stage decoding all windows together."""
        found = list(windows(text))
        words = [[text[s:e] for s, e in tokens] for tokens in found]
        feats = [token_features(w, self.vocab, self.cue_p, self.clusters) for w in words]
        paths, scores = self.stages[0].decode_many(feats)
        for stage in self.stages[1:]:
            paths, scores = stage.decode_many([
                stack_features(f, [TAGS[t][2:] if t else "O" for t in path], w)
                for f, path, w in zip(feats, paths, words, strict=True)])
        out: list[tuple[str, Span, float]] = []
        for tokens, path, e in zip(found, paths, scores, strict=True):
            out += labelled_spans(tokens, [TAGS[t] for t in path], e)
        return out


@lru_cache(maxsize=1)
def _default_tagger() -> Tagger:
    path = resources.files("storytrace") / "data" / MODEL_NAME
    return Tagger(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------- rules

# A capitalised token (Latin-1 capitals too: "Ångström"); its tail [\w...]* can never be
# followed by another \w, so the patterns built from it do not backtrack.
_CAP = r"[A-ZÀ-ÖØ-Þ][\w&’'.-]*"
_CONNECT = r"(?:of|and|for|the|de|del|van|von|la|le|al|bin)"
_PROPER = rf"{_CAP}(?: (?:{_CONNECT} )?{_CAP}){{0,6}}"
_JOBS_PRE = rf"(?:(?:[A-Za-z][a-z]+ ){{0,2}}(?i:{_JOB}) )"
_ANON_NP = (
    r"(?:(?:[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Mm]any|[Oo]ther|[Tt]he|"
    r"[Ss]enior|[Tt]op|[Uu]nnamed|[Aa]nonymous|[Aa]dministration|[Cc]ampaign|[Gg]overnment|"
    r"White House|U\.S\.|[Ff]ederal|[Ii]ntelligence|[Mm]ilitary|[Pp]olice|[Ff]ormer) ){0,4}"
    r"(?:officials|official|sources|source|aides|aide|insiders|insider|"
    r"people familiar with [a-z ]{1,40}?(?=,| said| say| told)|"
    r"people close to [A-Za-z ]{1,40}?(?=,| said| say| told))"
)
_PRON_NP = r"(?:[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Ii]t)"
_SUBJECT = rf"\b(?:{_JOBS_PRE}?(?:[Tt]he )?{_PROPER}|{_ANON_NP}|{_PRON_NP})"
_AUX = r"(?:(?:has|have|had|also|later|previously|first|then|recently) ){0,2}"
_SAY = (r"(?:said|says|say|reported|reports|told|tells|wrote|writes|announced|confirmed|"
        r"confirms|stated|claimed|claims|added|noted|explained|argued|insisted|warned|"
        r"tweeted|declared|acknowledged|replied|responded|recalled|revealed|disclosed)")
_NP_TAIL = r"[^,.;:()\[\]\n“”\"]{1,80}?"  # a lazily bounded phrase up to punctuation
_NP_STOP = (r"(?=[,.;:()\[\]\n“”\"]|$| (?:on|in|at|last|this|which|who|that|when|as|after|"
            r"before|because|said|says|and|but|shows?|showed|found|published|released)\b)")

_RULES: list[tuple[str, re.Pattern[str], float]] = [
    ("according_to", re.compile(rf"\b(?P<cue>[Aa]ccording to) (?P<src>{_NP_TAIL}){_NP_STOP}"),
     0.95),
    ("as_reported", re.compile(
        rf"\b(?P<cue>[Aa]s (?:first |previously |originally |earlier )?reported "
        rf"(?:by|at|in|on)) (?P<src>{_NP_TAIL}){_NP_STOP}"), 0.9),
    ("citing", re.compile(rf", (?P<cue>citing) (?P<src>{_NP_TAIL}){_NP_STOP}"), 0.8),
    ("credit_line", re.compile(
        r"(?m)^[ \t]*(?P<cue>Sources?|Credit|Photo credit|Image credit|Courtesy(?: of)?)"
        r"[ \t]*:[ \t]*(?P<src>[^\n]{1,120}?)[ \t]*$"), 0.9),
    ("hat_tip", re.compile(
        r"\b(?P<cue>[Hh]/[Tt]|HT|[Hh]at[ -][Tt]ip)(?::| to)?[ \t]*"
        rf"(?P<src>@\w{{1,30}}|(?:[Tt]he )?{_PROPER}|[\w-]{{1,40}}\.(?:com|org|net))"), 0.9),
    ("via", re.compile(
        rf"(?<![\w-])(?P<cue>[Vv]ia):?[ \t]+(?P<src>@\w{{1,30}}|(?:[Tt]he )?{_PROPER}|"
        r"[\w-]{1,40}\.(?:com|org|net))"), 0.7),
    ("wire_credit", re.compile(
        r"\((?P<src>AP|Reuters|AFP|UPI|Bloomberg|dpa|Xinhua)\)(?P<cue>[ \t]*[—–-]{1,2})"), 0.95),
    ("wire_credit", re.compile(
        r"(?m)(?P<cue>[—–-]{1,2}|[Bb]y)[ \t]*(?P<src>(?:The )?Associated Press|Reuters|AFP|"
        r"Agence France-Presse|UPI|Bloomberg(?: News)?)[ \t.]*$"), 0.9),
    ("wire_credit", re.compile(
        r"(?P<src>(?:The )?Associated Press|Reuters|AFP|Agence France-Presse|UPI|"
        r"Bloomberg(?: News)?|AP)(?: (?:writers?|reporters?|correspondents?)[^.\n]{0,80}?)?"
        r" (?P<cue>contributed)\b"), 0.95),
]

# Direct quotes: the quote itself (straight or curly), capped, then its speaker after
# ('"...," Smith said' / '"...", said Smith') or before ('Smith said: "..."').
_QUOTE = rf"(?:“[^“”\n]{{1,{MAX_QUOTE}}}”|\"[^\"\n]{{1,{MAX_QUOTE}}}\")"
_QUOTE_AFTER = re.compile(
    rf"(?P<q>{_QUOTE})[ \t]*,?[ \t]*(?:(?P<src1>{_SUBJECT}) {_AUX}(?P<cue1>{_SAY})\b"
    rf"|(?P<cue2>{_SAY}) (?P<src2>{_JOBS_PRE}?(?:[Tt]he )?{_PROPER}|{_ANON_NP}))")
# Subject-first credits are found from their cue backwards: scanning for a subject at
# every word of a long text would cost far more than scanning for the few cue verbs.
_CUE_VERB = re.compile(rf"\b(?:(?P<told>told|tells|telling)|{_SAY})\b")
_SUBJECT_BEFORE = re.compile(rf"(?P<src>{_SUBJECT}) {_AUX}\Z")
_RECIPIENT = re.compile(rf" (?P<rcp>(?:[Tt]he )?{_PROPER})")
_QUOTE_NEXT = re.compile(rf"(?: [^:\n“”\"]{{0,60}})?[ \t]*[:,][ \t]*(?P<q>{_QUOTE})")
MAX_RULE_MATCHES = 5000  # per pattern and text; real articles have a few dozen

_NOT_SOURCE = frozenset(
    "It This That There What When Where Why How If But And Or So Yet In On At For As After "
    "Before While Although Though Because Since Asked Then Now Today Yesterday Also Still "
    "However Meanwhile Instead Indeed".split()
)
_SENT_END = re.compile(r"[.!?][\"”’)]*\s")


_INNER_END = re.compile(r"\b(?P<w>[A-Za-z]{3,})[.!?][\"”’)]* (?=[A-Z])")
_ABBREVIATIONS = frozenset("Sen Rep Gov Gen Col Capt Sgt Rev Prof Pres Corp Inc Ltd Mrs Jan Feb "
                           "Mar Apr Aug Sep Sept Oct Nov Dec Ave Blvd Dept Univ Bros Lieut "
                           "Cmdr Supt Messrs".split())


def _clean_source(text: str, s: Span) -> Span | None:
    """Trim a source phrase: whitespace, a leading "the" before a name, stray words."""
    start, end = s.start, s.end
    while start < end and not text[start].isalnum() and text[start] != "@":
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".’'"):
        end -= 1
    while end > start and text[end - 1] == "." and not re.search(
            r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|Jr|Sr|Inc|Co|Corp|Ltd|St|[A-Z]\.[A-Z])\.$",
            text[start:end]):
        end -= 1
    # A phrase that runs over a sentence's end ("on Monday. He said") starts after it.
    for m in _INNER_END.finditer(text, start, end):
        if m.group("w") not in _ABBREVIATIONS:
            start = m.end()
    # "the New York Daily News" -> the outlet's name; but "The Hill" is the name itself,
    # and "the Justice Department" keeps its article like any other noun phrase.
    m = _STRIP_LEAD.match(text, start, end)
    if m and not _OUTLET_RE.fullmatch(text[start:end]) and (
            _OUTLET_RE.fullmatch(text[m.end() : end]) or _WIRE_RE.fullmatch(text[m.end() : end])):
        start = m.end()
    if end <= start:
        return None
    # PolNeAR's sources keep the comma that closes an appositive ("Gary Emineth, a former
    # state party chairman, said"): a phrase with a comma inside takes the one after it.
    if "," in text[start:end] and text.startswith(",", end):
        end += 1
    return Span(start, end)


class _Sentences:
    """Sentence boundaries of a text, computed once, looked up by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _SENT_END.finditer(text)]
        self.breaks = [m.start() for m in re.finditer(r"\n", text)]

    def bounds(self, pos: int) -> tuple[int, int]:
        k = bisect_right(self.starts, pos)
        start = self.starts[k - 1]
        end = self.starts[k] - 1 if k < len(self.starts) else len(self.text)
        j = bisect_right(self.breaks, pos)
        if j:
            start = max(start, self.breaks[j - 1] + 1)
        if j < len(self.breaks):
            end = min(end, self.breaks[j])
        return start, max(start, end)

    def after(self, at: int) -> Span | None:
        """The rest of the sentence after a cue, as its content."""
        text, start, end = self.text, at, self.bounds(at)[1]
        while start < end and text[start] in " \t,:;—–-":
            start += 1
        while end > start and text[end - 1] in " \t.,;":
            end -= 1
        return Span(start, end) if end - start > 1 else None

    def before(self, at: int) -> Span | None:
        """The part of the sentence before a cue ("X, according to Y")."""
        text, start, end = self.text, self.bounds(max(0, at - 1))[0], at
        while end > start and text[end - 1] in " \t,:;—–-":
            end -= 1
        return Span(start, end) if end - start > 1 else None


def _subject_before(text: str, end: int) -> Span | None:
    """The subject phrase ending just before a cue verb (skipping "Yesterday ..." words)."""
    lo = max(0, end - 160)
    for _ in range(4):
        m = _SUBJECT_BEFORE.search(text, lo, end)
        if m is None:
            return None
        first = m.group("src").split(" ", 1)[0]
        if first not in _NOT_SOURCE:
            return Span(*m.span("src"))
        lo = m.start("src") + len(first) + 1
    return None


def rule_attributions(text: str) -> list[Attribution]:
    """Attributions the regular-expression rules find (no learned model involved).

    >>> t = 'WASHINGTON (AP) — "We will win," Smith said. Officials said it rained.'
    >>> [(a.kind, a.source.of(t), a.source_type) for a in rule_attributions(t)]
    [('wire_credit', 'AP', 'wire'), ('quote', 'Smith', 'person'), ('said', 'Officials', \
'anonymous')]
    """
    found = _Found()
    sentences = _Sentences(text)
    for m in _limit(_QUOTE_AFTER.finditer(text)):
        which = "1" if m.group("src1") else "2"
        src, cue = m.span("src" + which), m.span("cue" + which)
        _add(found, text, "quote", Span(*src), Span(*cue), Span(*m.span("q")), 0.9)
    cue_verbs = list(_limit(_CUE_VERB.finditer(text)))
    for m in cue_verbs:  # 'Smith said: "..."'
        q = _QUOTE_NEXT.match(text, m.end())
        src = _subject_before(text, m.start()) if q else None
        if q and src:
            _add(found, text, "quote", src, Span(*m.span()), Span(*q.span("q")), 0.9)
    for kind, pattern, score in _RULES:
        for m in _limit(pattern.finditer(text)):
            cue = Span(*m.span("cue"))
            src = Span(*m.span("src")) if m.group("src") else None
            content = None
            if kind in ("according_to", "as_reported"):
                content = sentences.before(cue.start) or sentences.after(m.end())
            elif kind == "citing":
                content = sentences.after(m.end())
            _add(found, text, kind, src, cue, content, score)
    for m in cue_verbs:  # "X said ...", "X told Reuters ..."
        src = _subject_before(text, m.start())
        cue, end, rcp = Span(*m.span()), m.end(), None
        if m.group("told"):
            r = _RECIPIENT.match(text, m.end())
            if r and classify_source(r.group("rcp")) in ("outlet", "wire"):
                rcp = _clean_source(text, Span(*r.span("rcp")))
                end = r.end()
        if src is None and rcp is None:
            continue
        _add(found, text, "told" if m.group("told") else "said", src, cue,
             sentences.after(end), 0.85 if rcp else 0.8, rcp)
    out = found.items
    out.sort(key=lambda a: (a.start, -a.score))
    return out


def _limit(matches: Iterator[re.Match[str]]) -> Iterator[re.Match[str]]:
    for k, m in enumerate(matches):
        if k >= MAX_RULE_MATCHES:
            return
        yield m


class _Found:
    """Attributions found so far and the characters their cues cover (O(1) overlap test)."""

    def __init__(self) -> None:
        self.items: list[Attribution] = []
        self.cue_chars: set[int] = set()

    def cue_taken(self, cue: Span) -> bool:
        return any(i in self.cue_chars for i in range(cue.start, cue.end))

    def append(self, a: Attribution) -> None:
        self.items.append(a)
        if a.cue is not None:
            self.cue_chars.update(range(a.cue.start, a.cue.end))

    def add_recipient(self, cue: Span, recipient: Span) -> None:
        """Give the credit whose cue overlaps ``cue`` the outlet spoken to, if it has none."""
        for k, a in enumerate(self.items):
            if (a.recipient is None and a.cue is not None and a.cue.start < cue.end
                    and cue.start < a.cue.end):
                self.items[k] = replace(a, recipient=recipient)
                return


def _add(found: _Found, text: str, kind: str, src: Span | None, cue: Span,
         content: Span | None, score: float, recipient: Span | None = None) -> None:
    if src is not None:
        first = text[src.start : src.end].split(" ", 1)[0]
        if first in _NOT_SOURCE and not (kind == "quote" and first == "It"):
            return
        src = _clean_source(text, src)
        if src is None:
            return
    # A credit already found for this cue (a quote rule before the plain "said" rule) wins,
    # and takes the outlet spoken to ('Simmons told TMZ that he ... “should go”').
    if found.cue_taken(cue):
        if recipient is not None:
            found.add_recipient(cue, recipient)
        return
    stype = classify_source(src.of(text)) if src is not None else "unknown"
    if kind == "via" and stype not in ("outlet", "wire", "person", "organisation"):
        return
    if kind == "said":
        kind = kind_of_cue(cue.of(text))
        kind = "said" if kind == "other" else kind
    found.append(Attribution(src, cue, content, stype, kind, score, recipient))


# ---------------------------------------------------------------------------- merge


def _group(text: str, tagged: list[tuple[str, Span, float]]) -> list[Attribution]:
    """Tie each tagged cue to the nearest free source and content of its paragraph.

    Candidates in the cue's sentence come first, then the nearest by characters; only
    the few nearest on each side are considered, so this stays O(n log n).
    """
    if not tagged:
        return []
    sent_starts = [0] + [m.end() for m in re.finditer(r"[.!?][\"”’)]*\s+|\n+", text)]
    para_starts = [0] + [m.end() for m in re.finditer(r"\n+", text)]

    def unit(s: Span) -> tuple[int, int]:
        return bisect_right(para_starts, s.start), bisect_right(sent_starts, s.start)

    by_label: dict[str, list[tuple[Span, float]]] = {"S": [], "C": [], "T": []}
    for lab, span, conf in sorted(tagged, key=lambda x: x[1].start):
        by_label[lab].append((span, conf))
    used: dict[str, set[int]] = {"S": set(), "T": set()}
    starts = {lab: [s.start for s, _ in items] for lab, items in by_label.items()}

    def pick(lab: str, cue: Span) -> int | None:
        items, taken = by_label[lab], used[lab]
        at = bisect_right(starts[lab], cue.start)
        cp, cs = unit(cue)
        best, key = None, None
        for k in range(max(0, at - 3), min(len(items), at + 3)):
            s = items[k][0]
            if k in taken or unit(s)[0] != cp:
                continue
            dist = s.start - cue.end if s.start >= cue.end else cue.start - s.end
            rank = (unit(s)[1] != cs, dist)
            if key is None or rank < key:
                best, key = k, rank
        if best is not None:
            taken.add(best)
        return best

    out = []
    for cue, conf in by_label["C"]:
        ks, kt = pick("S", cue), pick("T", cue)
        src = by_label["S"][ks][0] if ks is not None else None
        content = by_label["T"][kt][0] if kt is not None else None
        out.append(Attribution(src, cue, content, score=conf))
    # Sources and contents the tagger found with no cue of their own stay reported: the
    # cue is sometimes only punctuation ("Trump: ...") or outside the window.
    for lab in ("S", "T"):
        for k, (span, conf) in enumerate(by_label[lab]):
            if k not in used[lab]:
                out.append(Attribution(span if lab == "S" else None, None,
                                       span if lab == "T" else None, score=conf))
    return out


_EXPLICIT = frozenset(("according_to", "as_reported", "citing", "credit_line", "via",
                       "hat_tip", "wire_credit"))


_CLOSING = {"‘": "’", "“": "”", '"': '"'}


def _close_quote(text: str, s: Span) -> Span:
    """Extend a content that opens a quotation over its closing mark ("‘No comment,’").

    The tagger sometimes stops before the comma and closing quote; a quoted content
    runs to its closing mark, as annotated in PolNeAR.
    """
    close = _CLOSING.get(text[s.start]) if len(s) else None
    if close is None or close in text[s.start + 1 : s.end]:
        return s
    end = s.end
    while end < min(len(text), s.end + 2) and text[end] in ",.?!":
        end += 1
    return Span(s.start, end + 1) if text.startswith(close, end) else s


def _squash(margin: float, scale: float) -> float:
    return 1.0 / (1.0 + math.exp(-margin / scale)) if scale > 0 else 0.5


@dataclass
class AttributionExtractor:
    """Rules plus the learned tagger, merged and typed; see :func:`extract_attributions`.

    ``use_tagger=False`` keeps only the rules (no model file is read);
    ``keep_orphans`` keeps tagged sources/contents that no cue was tied to.

    >>> ex = AttributionExtractor(use_tagger=False)
    >>> t = "Politico reported that the talks failed."
    >>> [(a.kind, a.source.of(t), a.source_type) for a in ex.extract(t)]
    [('reported', 'Politico', 'outlet')]
    """

    use_tagger: bool = True
    keep_orphans: bool = True
    tagger: Any = field(default=None, repr=False)
    semantic: bool | str = False

    @property
    def learned(self) -> Any:
        """The tagger in use: the given one, else the contextual tagger when ``semantic``
        asks for it and the extra is there (``"auto"``; ``True`` requires it), else the
        word-feature :class:`Tagger`; ``None`` with ``use_tagger=False``."""
        if not self.use_tagger:
            return None
        return self.tagger or _learned_tagger(self.semantic)

    def extract(self, text: str) -> list[Attribution]:
        rules = rule_attributions(text)
        if not self.use_tagger:
            return rules
        tagger = self.learned
        scale = float(tagger.meta.get("margin_scale", 1.0))
        tagged = [(lab, s, _squash(c, scale)) for lab, s, c in tagger.tag(text)]
        learned = _group(text, tagged)
        if not self.keep_orphans:
            learned = [a for a in learned if a.cue is not None]
        # Character -> rule index, for the rules' cues and sources: overlap tests in O(span).
        cue_at: dict[int, int] = {}
        src_at: dict[int, int] = {}
        for k, r in enumerate(rules):
            for span, index in ((r.cue, cue_at), (r.source, src_at)):
                if span is not None:
                    for i in range(span.start, span.end):
                        index.setdefault(i, k)
        out: list[Attribution] = []
        claimed: set[int] = set()
        content_chars = bytearray(len(text))
        for a in learned:
            span, index = (a.cue, cue_at) if a.cue is not None else (a.source, src_at)
            match = None
            if span is not None:
                match = next((index[i] for i in range(span.start, span.end)
                              if i in index and index[i] not in claimed), None)
            if a.content is not None:
                a = replace(a, content=_close_quote(text, a.content))
                content_chars[a.content.start : a.content.end] = b"\x01" * len(a.content)
            if match is None:
                src = _clean_source(text, a.source) if a.source is not None else None
                kind = kind_of_cue(a.cue.of(text)) if a.cue is not None else "other"
                stype = classify_source(src.of(text)) if src is not None else "unknown"
                out.append(replace(a, source=src, source_type=stype, kind=kind))
                continue
            claimed.add(match)
            r = rules[match]
            src = _clean_source(text, a.source) if a.source is not None else r.source
            # After an explicit credit cue ("according to", "via", "h/t") the rule reads the
            # source's extent better than the tagger, which may run on into the content.
            if r.kind in _EXPLICIT and r.source is not None and (
                    src is None or (src.start < r.source.end and r.source.start < src.end)):
                src = r.source
            stype = classify_source(src.of(text)) if src is not None else "unknown"
            out.append(Attribution(src, a.cue or r.cue, a.content or r.content, stype, r.kind,
                                   max(a.score, r.score), r.recipient))
        for k, r in enumerate(rules):
            if k in claimed:
                continue
            # Where the tagger reads the rule's source as quoted content, the rule's reading
            # is doubtful ('"... a source said so," she wrote'); skip it.
            if r.source is not None and any(content_chars[r.source.start : r.source.end]):
                continue
            out.append(r)
        # A speech verb whose content is a quotation is a direct quote.
        out = [replace(a, kind="quote") if a.kind == "said" and a.content is not None
               and text[a.content.start] in "\"“‘'" else a for a in out]
        out.sort(key=lambda a: (a.start, a.cue.start if a.cue else 0))
        return out


def extract_attributions(text: str, *, semantic: bool | str = False) -> list[Attribution]:
    """Every attribution (credited source) of ``text``, in text order.

    Parameters
    ----------
    text : the article text; any string (offsets refer to it unchanged).
    semantic : ``"auto"`` reads the text with the contextual tagger
        (:mod:`storytrace.provenance.contextual`) when the ``semantic`` extra is
        installed, ``True`` requires it; ``False`` (default, fast) uses the
        word-feature tagger.

    Returns
    -------
    A list of :class:`Attribution`, each with ``source``/``cue``/``content`` spans
    (``None`` where absent), ``source_type``, ``kind`` and ``score``.

    Examples
    --------
    >>> t = "Sources told CNN the deal was off, according to the New York Daily News."
    >>> for a in extract_attributions(t):
    ...     print(a.kind, repr(a.source.of(t)), a.source_type)
    told 'Sources' anonymous
    according_to 'New York Daily News' outlet
    """
    # compare reads one text's attributions in several steps (credits, the facts diff,
    # direction): each text is tagged once (Attributions are frozen; the list is a copy).
    return list(_extracted(text, semantic))


@lru_cache(maxsize=16)
def _extracted(text: str, semantic: bool | str) -> tuple[Attribution, ...]:
    return tuple(_default_extractor(semantic).extract(text))


@lru_cache(maxsize=4)
def _default_extractor(semantic: bool | str = False) -> AttributionExtractor:
    return AttributionExtractor(semantic=semantic)


@lru_cache(maxsize=4)
def _learned_tagger(semantic: bool | str) -> Any:
    if semantic:
        from storytrace.align.semantic import SemanticUnavailable
        from storytrace.provenance.contextual import ContextualTagger

        try:
            return ContextualTagger.default()
        except SemanticUnavailable:
            if semantic is True:
                raise
    return Tagger.default()
