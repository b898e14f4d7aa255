"""A credit two versions share in a sentence one reworded from the other (issue 25).

"Both credit X, each in its own words" is sibling evidence
(:func:`~storytrace.provenance.direction._shared_source_items`): two copies that name
their source independently are copies of one source. The pairwise test calls a credit
"in its own words" when the few words around the name (three before, two after) are
not found in the other version. A copy that rewords what it takes rewords those words
too ("Story Continued Below, according to POLITICO." becomes "Story Continued blocs,
according to POLITICO."), so a credit it inherited with its sentence reads as one it
wrote. Here a credit counts as inherited when the sentence that carries it (the
credit's name and cue words left out) keeps :data:`CARRIER_FOUND` of its content words
in the sentence that carries the same credit in the other version, and has at least
:data:`CARRIER_MIN` of them: a sentence of its own, not a bare credit line ("Source:
X", whose few words two copies may well write alike).

The tree uses it only (:func:`storytrace.provenance.tree._apart`): the pairwise
verdict, its calibration and the direction guard are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storytrace.provenance.direction import _STOP as _FUNCTION_WORDS
from storytrace.provenance.direction import (
    SHARED_PERSON,
    SHARED_SOURCE,
    SHARED_SOURCE_COPIED,
    THIRD_SOURCE,
    Evidence,
    Profile,
    _between,
    _precedes,
)
from storytrace.text.words import WORD

__all__ = ["CARRIER_FOUND", "CARRIER_MIN", "carrier_words", "credit_sentence", "inherited",
           "shared_source_weight"]

CARRIER_FOUND = 0.6  # share of the carrier's content words the other's carrier must keep
CARRIER_MIN = 2  # content words a carrier needs to be a sentence of its own



def credit_sentence(text: str, c: Any) -> str:
    """The sentence (or line) a credit stands in, without the credited name."""
    start = max((k + len(m) for m in ("\n", ". ", "! ", "? ")
                 if (k := text.rfind(m, 0, c.start)) >= 0), default=0)
    ends = [k + 1 for m in ("\n", ". ", "! ", "? ") if (k := text.find(m, c.end)) >= 0]
    stop = min(ends, default=len(text))
    return text[start : c.start] + " " + text[c.end : stop]


def carrier_words(text: str, c: Any) -> frozenset[str]:
    """The content words (three letters or more, no function words) of the sentence or
    line that carries credit ``c``, without the credited name and the credit's cue.

    >>> from storytrace.provenance.direction import credited_sources
    >>> t = "Story Continued Below, according to POLITICO. Obama spoke."
    >>> sorted(carrier_words(t, credited_sources(t)[0]))
    ['below', 'continued', 'story']
    """
    cue = {w.lower() for w in WORD.findall(getattr(c, "cue", "") or "")}
    name = {w.lower() for w in WORD.findall(c.name)}
    return frozenset(w for w in (x.lower() for x in WORD.findall(credit_sentence(text, c)))
                     if len(w) >= 3 and w not in _FUNCTION_WORDS and w not in cue and w not in name)


def inherited(pa: Profile, credits_a: Sequence[Any], pb: Profile,
              credits_b: Sequence[Any]) -> bool:
    """Whether one of ``a``'s credits stands in a sentence that ``b`` has, reworded or
    not, carrying one of ``b``'s credits of the same source: the credit came with the
    sentence from one to the other (or from a version before both)."""
    for ca in credits_a:
        wa = carrier_words(pa.article.text, ca)
        if len(wa) < CARRIER_MIN:
            continue
        for cb in credits_b:
            wb = carrier_words(pb.article.text, cb)
            if len(wb) >= CARRIER_MIN and len(wa & wb) >= CARRIER_FOUND * min(len(wa), len(wb)):
                return True
    return False


def shared_source_weight(e: Evidence, pa: Profile, pb: Profile,
                         others: Sequence[Profile]) -> float:
    """The weight of a ``shared_source`` item of the pair for the tree: as the pairwise
    test gave it, unless the credits it rests on were "each in its own words" and one is
    inherited with its sentence from the other (:func:`inherited`); then as for a credit
    in a sentence both have (outside source), or nothing (a third version both credit,
    unless it is older than both and lies between them)."""
    value = e.value if isinstance(e.value, dict) else {}
    if value.get("credited"):  # both credit a third version of the story
        o = next((p for p in others if p.id == value.get("source")), None)
        if o is None or not inherited(pa, pa.credits_of(o), pb, pb.credits_of(o)):
            return e.weight
        older = _precedes(o, pa) > 0 and _precedes(o, pb) > 0
        return THIRD_SOURCE if older and _between(pa, pb, o) else 0.0
    if "copied" in value and not value["copied"] and e.weight in (SHARED_SOURCE, SHARED_PERSON):
        key = next((c.key for c in pa.credits if c.name == value.get("source")), None)
        if key is None:
            return e.weight
        ca = [c for c in pa.credits if c.key == key]
        cb = [c for c in pb.credits if c.key == key]
        if inherited(pa, ca, pb, cb):
            return SHARED_SOURCE_COPIED if e.weight == SHARED_SOURCE else 0.5
    return e.weight
