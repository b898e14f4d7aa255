"""Credits: the attributions that name a source of information, by the name it stands for.

The extractor (:mod:`storytrace.provenance.attribution`) finds every attribution as
PolNeAR annotates them: anyone holding a belief, a feeling or a plan ("Democrats were
outraged", "the NYPD has started to alert ICE") and sources named by a pronoun ("he
said"). A reader who asks whom an article credits wants less: who said, told, reported,
wrote or is quoted, by name. :func:`credits` keeps an attribution when

* it reports information: its cue is a verb of saying or reporting, a credit form
  ("according to", "as reported at", "Source:", a wire credit, "via", "h/t"), or its
  content is a quotation; the subject of any other verb is an actor of the story;
* its source names someone: a pronoun ("he", "who", "it") or a bare title ("President",
  "the governor") is resolved to the name it stands for (``refers_to``: for "he", the
  person named last before it, the speaker first, outside quotations; for a title, the
  nearest "President Trump" before it, or the name right after it), else dropped; a
  group named only by its politics or its role in the story ("Democrats", "black
  activists", "people") is dropped, and so are "I", "we" and "you".

The source span stays where the attribution is (the pronoun), so offsets still show
the credit in its sentence; ``refers_to`` points at the name.

>>> t = "Mayor Bill de Blasio spoke on Monday. He said the city would not comply."
>>> [(a.source.of(t), a.refers_to.of(t)) for a in extract_credits(t)]
[('He', 'Mayor Bill de Blasio')]
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import cached_property

from storytrace.model import Span
from storytrace.provenance.attribution import (
    _CAP,
    _QUOTE,
    Attribution,
    classify_source,
    extract_attributions,
)

__all__ = ["CREDIT_KINDS", "credits", "extract_credits"]

#: Kinds of attribution that report information (``other``: any other verb, no credit).
CREDIT_KINDS = frozenset(("according_to", "as_reported", "citing", "credit_line", "via",
                          "hat_tip", "wire_credit", "told", "reported", "quote", "said"))

_PERSONAL = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f",
             "who": "", "whom": ""}
_THING = frozenset("it its they them their theirs this that these those which".split())
_NOBODY = frozenset(
    "i me my mine we us our ours you your yours one someone somebody everyone everybody "
    "anyone anybody nobody many some others all both few most each either neither "
    "myself ourselves yourself yourselves then now also still just so here there".split())
_DETERMINERS = frozenset("the a an this that these those our his her their its my your "
                         "such many some several other all".split())
# Title words: with nothing but these (and a determiner), a phrase names no one.
_TITLES = {
    "president": "President|Pres", "senator": "Senator|Sen", "sen": "Senator|Sen",
    "governor": "Governor|Gov", "gov": "Governor|Gov", "general": "General|Gen",
    "gen": "General|Gen", "representative": "Representative|Rep|Congressman|Congresswoman",
    "rep": "Representative|Rep|Congressman|Congresswoman", "congressman": "Congressman|Rep",
    "congresswoman": "Congresswoman|Rep", "mayor": "Mayor", "secretary": "Secretary",
    "speaker": "Speaker", "pope": "Pope", "judge": "Judge", "justice": "Justice",
    "chairman": "Chairman", "chairwoman": "Chairwoman", "director": "Director",
    "minister": "Minister", "ambassador": "Ambassador", "sheriff": "Sheriff",
    "commissioner": "Commissioner", "chancellor": "Chancellor", "premier": "Premier",
    "professor": "Professor|Prof", "prof": "Professor|Prof", "dr": "Dr", "mr": "Mr",
    "mrs": "Mrs", "ms": "Ms", "leader": "Leader", "candidate": "candidate",
    "nominee": "nominee", "spokesman": "spokesman", "spokeswoman": "spokeswoman",
    "spokesperson": "spokesperson", "attorney": "Attorney", "officer": "Officer",
    "chief": "Chief", "lady": "First Lady|Lady", "lieutenant": "Lieutenant|Lt",
    "colonel": "Colonel|Col",
    "captain": "Captain|Capt", "sergeant": "Sergeant|Sgt", "reverend": "Reverend|Rev",
}
_TITLE_MODIFIERS = frozenset("former then acting vice deputy prime attorney white house "
                             "state us u.s. federal".split())
# Groups named by their politics or their part in the story, not sources of information.
_COLLECTIVE = frozenset(
    "people persons folks democrats republicans liberals conservatives progressives "
    "leftists left-wingers right-wingers activists advocates protesters protestors "
    "demonstrators supporters opponents critics voters citizens americans residents "
    "immigrants illegals fans users trolls elites globalists socialists communists "
    "libertarians feminists millennials men women kids children parents".split())
# Words that describe such a group, capitalised or not ("Black activists").
_GROUP_WORDS = frozenset(
    "black white hispanic latino latina asian muslim christian jewish evangelical liberal "
    "conservative progressive radical left-wing right-wing far-left far-right leftist "
    "local young old angry gay lgbt illegal undocumented american foreign pro-life "
    "pro-choice anti-trump pro-trump anti-war".split())
_HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f", "miss": "f", "sir": "m", "lady": "f",
                     "lord": "m", "king": "m", "queen": "f", "father": "m", "sister": "f"}
# Common first names in US and British news, to keep "she" off "Donald Trump" (a name
# not listed here has no gender, and stays a candidate for either pronoun).
_FIRST_NAMES = {
    **dict.fromkeys(
        "donald barack bill bernie joe mike mitch paul john james robert michael william "
        "david richard charles thomas chris christopher daniel matthew mark george steve "
        "steven kevin jeff jeffrey ted marco rand ben jeb rudy newt chuck harry eric jim "
        "tim tom jared rex reince sean stephen steve andrew anthony peter jason scott "
        "brian ronald vladimir boris justin emmanuel rick rod jerry al martin luis jose "
        "carlos juan ryan adam nick gary lindsey".split(), "m"),
    **dict.fromkeys(
        "hillary nancy elizabeth sarah melania ivanka michelle kellyanne maxine marsha "
        "susan mary patricia jennifer linda barbara margaret lisa karen betsy nikki "
        "kamala dianne debbie donna huma chelsea theresa angela jill tulsi amy kirsten "
        "ann anne jane laura emily hope megyn katie rachel loretta sally janet condoleezza "
        "samantha sheryl carly julia maria ana alexandria ilhan rashida".split(), "f"),
}
_HONORIFICS = (r"Mr|Mrs|Ms|Miss|Dr|Sir|Lady|Lord|President|Pres|Gov|Governor|Sen|Senator|"
               r"Rep|Representative|Congressman|Congresswoman|Gen|General|Judge|Justice|"
               r"Mayor|Secretary|Speaker|Pope|Prof|Professor|Sheriff|Officer|Chancellor|"
               r"Premier|Minister|Ambassador|Director|Chairman|Chairwoman|Rev|Father|Sister")
_PARTICLE = r"(?:de|van|von|del|della|da|di|la|le|bin|al|ibn)"
_NAME_TOKEN = rf"(?:{_CAP}|{_PARTICLE}\b)"
_HONORIFIC_NAME = re.compile(
    rf"\b(?P<hon>{_HONORIFICS})\.? (?P<name>(?:{_PARTICLE} )?{_CAP}(?: {_NAME_TOKEN}){{0,3}})")
_FULL_NAME = re.compile(rf"\b{_CAP}(?: {_NAME_TOKEN}){{1,3}}")
_NAME_AFTER = re.compile(rf"\.? (?P<name>{_CAP}(?: {_NAME_TOKEN}){{0,3}})")
# Capitalised words that are never part of a person's name.
_NOT_NAME = frozenset(
    "the a an this that these those it he she they we i you his her their our its my one "
    "in on at for as after before while when where what why how if but and or so yet also "
    "still however meanwhile instead indeed now then today yesterday tomorrow last next "
    "new york united states america american washington north south east west northern "
    "southern eastern western street avenue road county city town state island river "
    "house senate congress court department university college party committee office "
    "police news times post daily journal herald tribune press national international "
    "federal republic democratic republican democrats republicans monday tuesday "
    "wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december christmas easter god church "
    "breaking update video photo watch read source sources according president mr mrs "
    "ms dr gov sen rep gen mayor governor senator judge secretary speaker pope".split())
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+|\n+")
_LOOKBACK_SENTENCES = 4
_LOOKBACK_CHARS = 1200


def extract_credits(text: str, *, semantic: bool | str = False) -> list[Attribution]:
    """The credits of ``text``: :func:`credits` of its attributions.

    ``semantic`` as in :func:`~storytrace.provenance.attribution.extract_attributions`.
    """
    return credits(text, extract_attributions(text, semantic=semantic))


def credits(text: str, attributions: list[Attribution]) -> list[Attribution]:
    """The ``attributions`` that credit a source of information, each by its name.

    A pronoun or bare-title source gets ``refers_to``, the span of the name it stands
    for, and the type of that name; one that cannot be resolved is dropped, as are
    actors (no verb of saying or reporting, no quotation), groups and "I"/"we"/"you".

    >>> t = ("Throughout the campaign, President Trump spent time on immigration. "
    ...      "Democrats were outraged at the practice. The NYPD has started to alert ICE, "
    ...      "the New York Daily News reported. It said the policy was new.")
    >>> found = extract_attributions(t)
    >>> [(a.source.of(t), a.refers_to.of(t) if a.refers_to else None)
    ...  for a in credits(t, found)]
    [('New York Daily News', None), ('It', 'New York Daily News')]
    """
    resolver = _Resolver(text)
    out: list[Attribution] = []
    for a in sorted(attributions, key=lambda x: x.start):
        if a.source is None or not _reports(text, a) or _noted(text, a):
            continue
        a = _to_recipient(text, _clause_head(text, a))
        name = a.source.of(text)
        what = _name_kind(name)
        if what == "name":
            out.append(a)
            continue
        if what in ("nobody", "group"):
            continue
        if what == "person":
            ref = resolver.person(a.source, _PERSONAL[name.lower()], out)
        elif what == "thing":
            ref = resolver.thing(a.source, name.lower(), out)
        else:  # a title: its name, else whom a "he" there would stand for
            ref = resolver.title(a.source) or resolver.person(a.source, "", out)
        if ref is not None:
            out.append(replace(a, refers_to=ref, source_type=classify_source(ref.of(text))))
    return out


_PASSIVE_CUE = re.compile(r"\b(?:be|been|being|is|are|was|were)\s+(?:\w+\s+)?\w+(?:ed|en)$|"
                          r"\bworth (?:noting|mentioning)$", re.IGNORECASE)
# "Charles Ortel, a Wall Street analyst who has been an outspoken critic of the legal
# missteps by the Clinton Foundation, claims ...": the source read inside the relative
# clause; the one who claims is the name the sentence starts with.
_CLAUSE_HEAD = re.compile(rf"(?P<head>{_CAP}(?: {_CAP}){{0,3}}),[^,;:\n“”\"]{{0,120}}?"
                          r"\b(?:who|which|that)\b[^,;:\n“”\"]*$")
_SAID_TO = re.compile(r"\b(?:said|says|insisted|insists|confirmed|confirms|revealed|reveals|"
                      r"explained|explains|admitted|admits|stated|states|wrote|writes|spoke|"
                      r"speaks|talked|talks|complained|denied|denies|acknowledged|claimed|"
                      r"claims|declared|stressed|described|describes)$")
_TO_OUTLET = re.compile(rf"(?:\s+to)?\s+(?P<rcp>(?:[Tt]he )?{_CAP}(?: (?:of |and |& )?{_CAP})"
                        r"{0,5})")


def _noted(text: str, a: Attribution) -> bool:
    """Whether ``a`` is the writer's own remark in the passive, read with a source after
    it ("It should be noted the Trump campaign has yet to apologize"): no one is credited.

    >>> t = "It should be noted the Trump campaign has yet to apologize."
    >>> _noted(t, Attribution(Span(20, 38), Span(3, 18), None, "organisation", "said", 0.8))
    True
    """
    return (a.cue is not None and a.source is not None and a.source.start >= a.cue.end
            and _PASSIVE_CUE.search(a.cue.of(text).strip()) is not None)


def _clause_head(text: str, a: Attribution) -> Attribution:
    """``a`` with its source moved to the name its sentence starts with, where the source
    was read inside a relative clause about that name that closes right before the cue.

    >>> t = ("Charles Ortel, a Wall Street analyst who has been an outspoken critic of the "
    ...      "legal missteps by the Clinton Foundation, claims their separation was odd.")
    >>> s = t.index("the legal")
    >>> a = Attribution(Span(s, t.index(", claims")), Span(t.index("claims"),
    ...                 t.index(" their")), None, "organisation", "said", 0.8)
    >>> _clause_head(t, a).source.of(t)
    'Charles Ortel'
    """
    if a.source is None or a.cue is None or a.cue.start < a.source.end:
        return a
    if text[a.source.end : a.cue.start].strip() != ",":
        return a
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, a.source.start)), default=0)
    m = _CLAUSE_HEAD.match(text, begin, a.source.start)
    if m is None:
        return a
    head = Span(*m.span("head"))
    return replace(a, source=head, source_type=classify_source(head.of(text)))


def _to_recipient(text: str, a: Attribution) -> Attribution:
    """``a`` with the outlet it was said to as its recipient ("Mayor Bollwage insisted to
    The New York Times that ..."), where the extractor read none.

    >>> t = "Mayor Christian Bollwage insisted to The New York Times that there was none."
    >>> a = Attribution(Span(0, 24), Span(25, 36), None, "person", "said", 0.8)
    >>> _to_recipient(t, a).recipient.of(t)
    'The New York Times'
    >>> _to_recipient(t, replace(a, cue=Span(25, 55))).recipient.of(t)  # cue with the outlet
    'The New York Times'
    """
    if a.recipient is not None or a.cue is None or a.kind not in ("said", "told"):
        return a
    at = text.find(" to ", a.cue.start, a.cue.end + 4)
    if at < 0 or not _SAID_TO.search(text, a.cue.start, at):
        return a
    m = _TO_OUTLET.match(text, at)
    if m is None or classify_source(m.group("rcp")) not in ("outlet", "wire"):
        return a
    return replace(a, recipient=Span(*m.span("rcp")))


def _reports(text: str, a: Attribution) -> bool:
    """Whether ``a`` reports information: a credit kind, or quoted content."""
    if a.kind in CREDIT_KINDS:
        return True
    return a.content is not None and text[a.content.start : a.content.start + 1] in (
        "“", '"', "‘")


def _words(name: str) -> list[str]:
    return [w for w in (x.strip(".,’'\"“”()").lower() for x in name.split()) if w]


def _name_kind(name: str) -> str:
    """``person``/``thing`` (a pronoun to resolve), ``title`` (a bare title to resolve),
    ``nobody`` (first or second person, indefinite), ``group`` or ``name``.

    >>> [_name_kind(x) for x in ("He", "it", "I", "President", "the former speaker",
    ...  "the Democrats of the nation", "black activists", "Senate Democrats", "Trump",
    ...  "a White House spokesman", "officials", "the former New Mexico governor")]
    ['person', 'thing', 'nobody', 'title', 'title', 'group', 'group', 'name', 'name', \
'name', 'name', 'title']
    """
    words = _words(name)
    if not words:
        return "nobody"
    if len(words) == 1:
        w = words[0]
        if w in _PERSONAL:
            return "person"
        if w in _THING:
            return "thing"
        if w in _NOBODY:
            return "nobody"
    if words[0] in ("a", "an"):
        return "name"  # "a spokesman": an anonymous source, named as well as it can be
    core = [w for w in words if w not in _DETERMINERS]
    if not core:
        return "nobody"
    if all(w in _TITLES or w in _TITLE_MODIFIERS for w in core) and any(
            w in _TITLES for w in core):
        return "title"
    head = re.split(r"\b(?:of|who|that|which|from|in|at|on|with)\b", name)[0]
    head_words = _words(head)
    if words[0] in _DETERMINERS and head_words and head_words[-1] in _TITLES:
        return "title"  # "the former New Mexico governor", "The former secretary of state"
    caps = [w for w in head.split()[:-1] if w[:1].isupper()
            and w.lower() not in _DETERMINERS | _GROUP_WORDS]
    if head_words and head_words[-1] in _COLLECTIVE and not caps:
        return "group"
    return "name"


class _Resolver:
    """Finds the name a pronoun or a title stands for, reading the text once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]

    @cached_property
    def quoted(self) -> list[tuple[int, int]]:
        """Quotations, whose names are not who speaks around them."""
        return [m.span() for m in re.finditer(_QUOTE, self.text)]

    @cached_property
    def people(self) -> list[tuple[int, int, str]]:
        """Person-name mentions ``(start, end, gender)`` in text order (gender "m", "f"
        or "" when unknown)."""
        text = self.text
        found: list[tuple[int, int, str]] = []
        covered: set[int] = set()
        surnames: dict[str, str] = {}

        def add(start: int, end: int, gender: str) -> None:
            found.append((start, end, gender))
            covered.update(range(start, end))
            surname = _surname(text[start:end])
            surnames[surname] = surnames.get(surname) or gender

        for m in _HONORIFIC_NAME.finditer(text):
            name = _trim_name(text, *m.span("name"))
            if name and name[0] == m.start("name"):  # "President Trump", with the title
                add(m.start(), name[1], _HONORIFIC_GENDER.get(m.group("hon").lower(), ""))
        for m in _FULL_NAME.finditer(text):
            name = _trim_name(text, *m.span())
            if name and name[0] not in covered and " " in text[name[0] : name[1]] and \
                    classify_source(text[name[0] : name[1]]) == "person":
                first = text[name[0] : name[1]].split()[0].lower()
                add(*name, _FIRST_NAMES.get(first, ""))
        # Every later "Trump" of a "Donald Trump": one pass over the capitalised words.
        for m in re.finditer(rf"\b(?:{_PARTICLE} )?{_CAP}", text):
            word = re.sub(r"(?:[’']s)?[.’'-]*$", "", m.group())
            if word in surnames and m.start() not in covered:
                found.append((m.start(), m.start() + len(word), surnames[word]))
        return sorted(p for p in found if not self._in_quote(p[0]))

    @cached_property
    def _people_starts(self) -> list[int]:
        return [p[0] for p in self.people]

    def _in_quote(self, at: int) -> bool:
        k = bisect_right(self.quoted, (at, len(self.text))) - 1
        return k >= 0 and self.quoted[k][0] < at < self.quoted[k][1]

    def _sentence(self, at: int) -> int:
        return bisect_right(self.sentence_starts, at) - 1

    def person(self, source: Span, gender: str, credits: list[Attribution]) -> Span | None:
        """The person a "he"/"she"/"who" stands for: in its own sentence the nearest name
        before it (for "who") or the first; else, going back sentence by sentence, a
        speaker credited there, else the sentence's first name."""
        k = self._sentence(source.start)
        lo = max(0, source.start - _LOOKBACK_CHARS)
        speakers = {c.source.start for c in credits if c.source is not None}
        window = self.people[bisect_left(self._people_starts, lo) :
                             bisect_right(self._people_starts, source.start)]
        candidates = [p for p in window if p[1] <= source.start
                      and (not gender or not p[2] or p[2] == gender)]
        by_sentence: dict[int, list[tuple[int, int, str]]] = {}
        for p in candidates:
            by_sentence.setdefault(self._sentence(p[0]), []).append(p)
        for j in range(k, max(-1, k - _LOOKBACK_SENTENCES - 1), -1):
            names = by_sentence.get(j)
            if not names:
                continue
            if source.of(self.text).lower() in ("who", "whom"):  # the name just before
                near = j == k and source.start - names[-1][1] <= 3
                return Span(*names[-1][:2]) if near else None
            spoke = [p for p in names if p[0] in speakers]
            return Span(*(spoke or names)[0][:2])
        return None

    def thing(self, source: Span, word: str, credits: list[Attribution]) -> Span | None:
        """What an "it"/"they" stands for: the source of a credit in its sentence or the
        one before, an outlet, a wire, a document or an organisation ("they": also
        anonymous sources such as "officials")."""
        kinds = {"outlet", "wire", "document", "organisation"}
        if word in ("they", "them", "their", "theirs", "these", "those"):
            kinds |= {"anonymous"}
        k = self._sentence(source.start)
        for c in reversed(credits):
            if self._sentence(c.start) < k - 1:
                break
            if c.source_type in kinds and c.source is not None and c.source.end <= source.start:
                return c.refers_to or c.source
        return None

    def title(self, source: Span) -> Span | None:
        """The person a bare title stands for: the name right after it ("President" of
        "President Trump"), else the nearest title-and-name before it."""
        text = self.text
        words = _words(re.split(r"\bof\b", source.of(text))[0])
        key = next((w for w in reversed(words) if w in _TITLES), "")
        after = _NAME_AFTER.match(text, source.end)
        if after:
            name = _trim_name(text, *after.span("name"))
            if name and name[0] == after.start("name"):
                lead = re.match(r"(?:the|The|THE|our|this|This) ", source.of(text))
                return Span(source.start + (lead.end() if lead else 0), name[1])
        forms = _TITLES.get(key, "")
        if not forms:
            return None
        pattern = re.compile(rf"\b(?i:{forms})\.? (?P<name>{_CAP}(?: {_NAME_TOKEN}){{0,3}})")
        best = None
        for m in pattern.finditer(text, max(0, source.start - 20 * _LOOKBACK_CHARS),
                                  source.start):
            name = _trim_name(text, *m.span("name"))
            if name and name[0] == m.start("name") and not self._in_quote(m.start()):
                best = Span(m.start(), name[1])
        return best


def _surname(name: str) -> str:
    """The last word of a name, with its particle ("Bill de Blasio" -> "de Blasio").

    >>> _surname("Bill de Blasio"), _surname("Donald Trump")
    ('de Blasio', 'Trump')
    """
    words = name.split()
    if len(words) > 2 and re.fullmatch(_PARTICLE, words[-2]):
        return " ".join(words[-2:])
    return words[-1]


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A name's span without the words around it that are never part of one ("After
    Trump" -> "Trump", "Trump Tuesday" -> "Trump"), without a possessive "'s", or
    ``None`` when nothing is left."""
    kept: list[tuple[int, int]] = []
    for m in re.finditer(r"\S+", text[start:end]):
        bare = re.sub(r"[’']s$", "", m.group()).strip(".,’'")
        word, acronym = bare.lower(), bare.isupper() and len(bare) > 1
        if not word or word in _NOT_NAME or acronym:
            if kept:
                break
            continue
        kept.append((start + m.start(), start + m.end()))
    if not kept:
        return None
    s, e = kept[0][0], kept[-1][1]
    if text[e - 2 : e] in ("’s", "'s"):
        e -= 2
    while e > s and text[e - 1] in ".,’'":
        e -= 1
    return (s, e) if e > s else None
