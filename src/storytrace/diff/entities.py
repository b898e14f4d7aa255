"""Named entities (people, organisations, places) by rules, and by spaCy when installed.

Rules find runs of capitalised words ("Milton Chimborazo", "Department of Justice",
"Bill de Blasio"), split off titles ("Mayor", "California Governor"), drop capitalised
sentence openers ("However", "Yeah") and classify what is left:

* **person**: after a title or honorific, first word a common given name, followed by an
  age ("Chimborazo, 35,") or by "said"/"told";
* **org**: an organisation head word (Department, Police, Court, Herald, ...), a known
  acronym, a known outlet;
* **place**: a gazetteer of states, cities and countries, or a place head word (City,
  County); aliases fold "US"/"U.S."/"United States" and "NYC"/"New York City";
* **group**: parties and nationalities ("Democrats"); anything else stays ``entity``.

When a spaCy English pipeline published by Explosion (``en_core_web_sm``) can be loaded,
its entities classify the rule spans it overlaps and add the ones the rules missed. The tool
never needs it.

Mentions are linked across versions by :mod:`storytrace.diff.linking`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from storytrace.diff.facts import Fact
from storytrace.diff.lexicon import (
    FIRST_NAMES,
    GROUP_WORDS,
    MONTHS,
    MULTIWORD_TITLES,
    ORG_HEADS,
    ORG_NAMES,
    PARTICLES,
    PLACE_ALIASES,
    PLACE_HEADS,
    PLACES,
    TITLES,
    WEEKDAYS,
)
from storytrace.provenance.attribution import classify_source
from storytrace.text.segment import sentences
from storytrace.text.words import STOPWORDS, WORD

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc

#: A name token: a :data:`~storytrace.text.words.WORD`, words joined by "&" ("AT&T")
#: and a full stop right after it ("U.S.", "Trump."), or a lone "&" ("Johnson & Johnson").
#: The stop is kept so that :func:`_tokens` can tell an abbreviation from a name that
#: ends a sentence.
_TOKEN = re.compile(rf"{WORD.pattern}(?:&{WORD.pattern})*\.?|&")
_ABBREV = re.compile(r"(?:[A-Za-z]\.){2,}")  # U.S., D.C.
# An apostrophe (or a look-alike that WORD joins on) with an optional "s" ending a word.
_POSSESSIVE = re.compile("['\u2018\u2019\u201a\u201b\u2032\u00b4]s?$")
CONNECTORS = frozenset({"of", "and", "for", "the", "&"}) | PARTICLES
_OPENERS = frozenset("however but also yet still even so per despite although though while "
                     "after before because since unless until when whenever whereas if as "
                     "meanwhile nevertheless nonetheless unfortunately fortunately actually "
                     "indeed instead thus therefore hence moreover furthermore besides "
                     "yeah yes no okay ok well oh sadly clearly obviously".split())
_SPEECH_AFTER = re.compile(r"[ \u00a0]+(?:said|says|told|tells|added|wrote|stated|explained)\b")
_AGE_AFTER = re.compile(r",[ \u00a0]\d{1,3}[,;)]|[ \u00a0]\(\d{1,3}\)")
_ACRONYM_DEF = re.compile(r"[ \u00a0]\(([A-Z][A-Z.&]{1,7})\)")
SPACY_KINDS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place",
               "FAC": "place", "NORP": "group"}


@dataclass
class _Tok:
    start: int
    end: int
    word: str
    closes: bool  # a name cannot continue past it (possessive, sentence end)


def extract_entities(text: str, spacy: bool | str = "auto",
                     known_caps: set[str] | None = None) -> list[Fact]:
    """Named-entity mentions of ``text`` (kinds person, org, place, group, entity).

    ``value`` is the mention's normalised name; :func:`link_entities` replaces it with the
    key of the entity it refers to. ``known_caps`` (lower-case words seen capitalised inside
    a sentence, see :func:`capitalised_words`) lets a sentence-initial word count as a name.
    ``spacy``: ``"auto"`` uses an installed Explosion English pipeline, ``False`` never.

    >>> t = "Mayor Bill de Blasio met David Gonzalez, 51, at the Department of Justice."
    >>> [(e.kind, e.text) for e in extract_entities(t, spacy=False)]
    [('person', 'Bill de Blasio'), ('person', 'David Gonzalez'), ('org', 'Department of Justice')]
    """
    known = capitalised_words([text]) if known_caps is None else known_caps
    starts = _sentence_starts(text)
    entities: list[Fact] = []
    for run in _runs(text, _tokens(text)):
        entities.extend(_classify_run(text, run, starts, known))
    if spacy:
        nlp = spacy_pipeline()
        if nlp is not None:
            entities = _merge_spacy(text, entities, nlp)
    return sorted(entities, key=lambda e: (e.start, e.end))


def acronym_definitions(text: str, entities: Iterable[Fact]) -> dict[str, str]:
    """``{"nypd": "new york police department"}`` from "... Police Department (NYPD)".

    >>> t = "The New York Police Department (NYPD) said so."
    >>> acronym_definitions(t, extract_entities(t, spacy=False))
    {'nypd': 'new york police department'}
    """
    defs = {}
    for e in entities:
        m = _ACRONYM_DEF.match(text, e.end)
        if m and " " in e.text.strip():
            defs[m.group(1).replace(".", "").lower()] = canonical_name(e.text)
    return defs


def capitalised_words(texts: Iterable[str]) -> set[str]:
    """Lower-case words that appear capitalised somewhere other than a sentence start.

    >>> sorted(capitalised_words(["Yeah, we met Gonzalez. Gonzalez left."]))
    ['gonzalez']
    """
    out: set[str] = set()
    for text in texts:
        starts = _sentence_starts(text)
        for t in _tokens(text):
            if _is_cap(t.word) and not _at_sentence_start(text, t.start, starts):
                out.add(t.word.lower())
    return out


def canonical_name(name: str) -> str:
    """Lower-case name without a leading "the", possessive or dots; place aliases folded.

    >>> canonical_name("the U.S."), canonical_name("NYC"), canonical_name("de Blasio’s")
    ('united states', 'new york city', 'de blasio')
    """
    n = " ".join(name.replace("’", "'").split()).lower()
    n = re.sub(r"^the ", "", n)
    n = re.sub(r"'s?$", "", n)
    if n in PLACE_ALIASES:
        return PLACE_ALIASES[n]
    n = n.replace(".", "") if _ABBREV.fullmatch(name.replace("’", "")) else n
    return PLACE_ALIASES.get(n, n)


# ----------------------------------------------------------------------- rule layer


def _sentence_starts(text: str) -> set[int]:
    return {s.start for s in sentences(text)}


def _at_sentence_start(text: str, pos: int, starts: set[int]) -> bool:
    """Whether only quotes or brackets separate ``pos`` from a sentence start."""
    i = pos
    while i > 0 and text[i - 1] in "“\"‘'([":
        i -= 1
    return i in starts


def _clean_word(w: str) -> str:
    """``w`` without a possessive or a closing stop or hyphen ("Trump’s." is "Trump"),
    except an abbreviation or a title ("U.S.", "Gov.")."""
    w = _POSSESSIVE.sub("", w)
    if _ABBREV.fullmatch(w) or w.lower() in TITLES:
        return w
    return _POSSESSIVE.sub("", w.rstrip(".-"))


def _tokens(text: str) -> list[_Tok]:
    toks = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        word = _clean_word(raw)
        word = word.lstrip(".-’'")
        if not word:
            continue
        start = m.start() + raw.index(word)
        end = start + len(word)
        # A possessive or a full stop ends a name: "de Blasio’s", "Trump."
        toks.append(_Tok(start, end, word, closes=end < m.end()))
    return toks


def _is_cap(w: str) -> bool:
    return w[0].isupper()


def _runs(text: str, toks: list[_Tok]) -> list[list[_Tok]]:
    """Maximal runs of capitalised words joined by single spaces and name connectors."""
    runs: list[list[_Tok]] = []
    i, n = 0, len(toks)

    def joined(j: int) -> bool:  # may toks[j] continue the name that toks[j - 1] is in?
        return not toks[j - 1].closes and text[toks[j - 1].end:toks[j].start] in (" ", "\u00a0")

    while i < n:
        t = toks[i]
        particle_start = (t.word in PARTICLES and i + 1 < n and _is_cap(toks[i + 1].word)
                          and joined(i + 1))
        if not (_is_cap(t.word) or particle_start):
            i += 1
            continue
        run = [t]
        j = i + 1
        while j < n and joined(j):
            w = toks[j].word
            if _is_cap(w):
                run.append(toks[j])
                j += 1
            elif w in CONNECTORS and j + 1 < n and _is_cap(toks[j + 1].word) and joined(j + 1):
                run.extend((toks[j], toks[j + 1]))
                j += 2
            else:
                break
        runs.append(run)
        i = j
    return runs


def _words(run: list[_Tok]) -> list[str]:
    return [t.word.lower() for t in run]


def _split_and(run: list[_Tok]) -> list[list[_Tok]]:
    """Split "Trump and Sessions" but keep "Immigration and Customs Enforcement"."""
    words = _words(run)
    if "and" not in words and "&" not in words:
        return [run]
    k = max(i for i, w in enumerate(words) if w in ("and", "&"))
    if any(w in ORG_HEADS for w in words[k + 1:]):
        return [run]
    return [p for part in (run[:k], run[k + 1:]) for p in _split_and(part) if p]


def _strip_connectors(run: list[_Tok]) -> list[_Tok]:
    while run and run[0].word.lower() in CONNECTORS - PARTICLES:
        run = run[1:]
    while run and run[-1].word.lower() in CONNECTORS:
        run = run[:-1]
    return run


def _classify_run(text: str, run: list[_Tok], starts: set[int], known: set[str]) -> list[Fact]:
    out: list[Fact] = []
    for part in _split_and(run):
        out.extend(_classify_part(text, part, starts, known))
    return out


def _title_at(words: list[str], i: int) -> int:
    """Length in words of a title starting at ``words[i]`` (0 if none)."""
    for title in MULTIWORD_TITLES:
        tw = title.split()
        if words[i:i + len(tw)] == tw:
            return len(tw)
    return 1 if words[i] in TITLES or words[i].rstrip(".") in TITLES else 0


def _classify_part(text: str, run: list[_Tok], starts: set[int],
                   known: set[str]) -> list[Fact]:
    # Month and weekday names belong to dates: split the run around them.
    for k, t in enumerate(run):
        if (t.word.lower().rstrip(".") in MONTHS and _is_cap(t.word)) or \
                t.word.lower() in WEEKDAYS:
            return (_classify_part(text, run[:k], starts, known)
                    + _classify_part(text, run[k + 1:], starts, known))
    run = _strip_connectors(run)
    # Drop capitalised function words and unknown sentence openers ("However", "Yeah").
    while run:
        w = run[0].word.lower()
        # ... unless a connector ties it to the rest: "Immigration and Customs Enforcement",
        # "Department of Justice" (but not "Agents of the FBI").
        link = run[1].word.lower() if len(run) > 1 else ""
        tied = link in ("and", "&") or (link in ("of", "for") and w in ORG_HEADS | PLACE_HEADS)
        lone_opener = (_at_sentence_start(text, run[0].start, starts) and not tied
                       and not _known(w, known))
        if w in STOPWORDS or w in _OPENERS or w in ("a", "an") or lone_opener:
            run = _strip_connectors(run[1:])
        else:
            break
    if not run:
        return []
    words = _words(run)
    # Titles: "California Governor Jerry Brown" → place + person; "Mayors" alone → nothing.
    for k in range(len(words)):
        n = _title_at(words, k)
        name = _strip_connectors(run[k + n:]) if n else []
        if not name:
            continue  # a title needs a name after it ("Department of Justice" is not one)
        before = _classify_part(text, run[:k], starts, known) if k else []
        if _title_at(_words(name), 0):
            return before + _classify_part(text, name, starts, known)
        kind = _classify_name(text, name, known)
        if kind in ("org", "place"):  # "President of the United States"
            return [*before, _fact(text, name, kind)]
        return [*before, _fact(text, name, "person")]
    if len(words) <= 2 and all(w.rstrip("s") in TITLES or _title_at(words, 0) for w in words) \
            and " ".join(words) not in PLACES:
        return []  # "President", "Mayors" (but "Queens" is a place)
    kind = _classify_name(text, run, known)
    if kind is None:
        return []
    return [_fact(text, run, kind)]


def _known(w: str, known: set[str]) -> bool:
    return (w in known or w in FIRST_NAMES or w in PLACES or w in PLACE_ALIASES
            or w in ORG_NAMES or w in GROUP_WORDS)


def _classify_name(text: str, run: list[_Tok], known: set[str]) -> str | None:
    words = _words(run)
    name = canonical_name(text[run[0].start:run[-1].end])
    single = len(run) == 1
    w0 = run[0].word
    if single and w0.isupper() and len(w0.replace(".", "")) >= 2:
        acro = w0.replace(".", "").lower()
        if name in PLACES:
            return "place"
        if acro in ORG_NAMES:
            return "org"
        if acro in STOPWORDS:
            return None
        # "TRUMP" is a known name shouted; an unknown short one may be an acronym ("AHCA")
        # or emphasis ("HUGE"): neither is classified, and long ones are emphasis.
        return "entity" if acro in known or len(acro) <= 5 else None
    if len(run) > 1 and all(t.word.isupper() for t in run) and not set(words) & ORG_NAMES:
        return None  # a phrase in capitals: "DIDNT READ BILL"
    if any(re.search(r"\d", t.word) or ".com" in t.word for t in run):
        return None  # handles, links and codes, not names
    if single and name in GROUP_WORDS:
        return "group"
    if single and (name in STOPWORDS or len(name) < 2):
        return None
    if single and name not in ORG_NAMES and (name in ORG_HEADS or name in PLACE_HEADS):
        return None  # a common noun capitalised: "Police", "City"
    if classify_source(text[run[0].start:run[-1].end]) in ("outlet", "wire"):
        return "org"
    if name in PLACES:
        return "place"
    if any(w in ORG_HEADS for w in words) or name in ORG_NAMES:
        return "org"
    if words[-1] in PLACE_HEADS and len(words) > 1:
        return "place"
    tail = text[run[-1].end:run[-1].end + 12]
    if 2 <= len(run) <= 4 and words[0] in FIRST_NAMES:
        return "person"
    if len(run) <= 3 and (_AGE_AFTER.match(tail) or _SPEECH_AFTER.match(tail)):
        return "person"
    return "entity"


def _fact(text: str, run: list[_Tok], kind: str) -> Fact:
    start, end = run[0].start, run[-1].end
    surface = text[start:end]
    return Fact(kind, start, end, surface, canonical_name(surface))


# ---------------------------------------------------------------------------- spaCy


@lru_cache(maxsize=1)
def spacy_pipeline() -> Language | None:
    """The spaCy ``en_core_web_sm`` pipeline when installed and published by Explosion."""
    try:
        import spacy
    except ImportError:
        return None
    try:
        nlp = spacy.load("en_core_web_sm", exclude=["lemmatizer", "parser"])
    except (OSError, ImportError, ValueError):
        return None
    # Only the official pipeline: a look-alike package would be trusted blindly otherwise.
    if str(nlp.meta.get("author", "")).strip().lower() != "explosion":
        return None
    return nlp


def _merge_spacy(text: str, rules: list[Fact], nlp: Callable[[str], SpacyDoc]) -> list[Fact]:
    """Rule entities, reclassified where spaCy overlaps an unclassified one, plus spaCy's own.

    ``nlp`` is any callable returning an object with ``ents`` carrying ``start_char``,
    ``end_char`` and ``label_`` (a spaCy ``Doc``).
    """
    out = list(rules)
    for ent in nlp(text).ents:
        kind = SPACY_KINDS.get(ent.label_)
        if kind is None:
            continue
        start, end = ent.start_char, ent.end_char
        surface = text[start:end]
        lead = re.match(r"(?:[Tt]he)[ \u00a0]+", surface)
        if lead:
            start += lead.end()
        tail = re.search(r"[’']s?$", text[start:end])
        if tail:
            end -= len(tail.group())
        if end <= start:
            continue
        overlapping = [i for i, r in enumerate(out) if r.start < end and start < r.end]
        if not overlapping:
            out.append(Fact(kind, start, end, text[start:end], canonical_name(text[start:end]),
                            source="spacy"))
            continue
        for i in overlapping:
            if out[i].kind == "entity":
                out[i] = replace(out[i], kind=kind, source="rules+spacy")
    return out
