"""Hand-kept word lists behind the framing rules.

Small and explicit on purpose: each list tips a rule one way and is easy to audit.
The trained propaganda tagger (:mod:`storytrace.framing.propaganda`) does most of the
loaded-language work; these lists add well-known partisan labels and idioms that a
300-article training set cannot be expected to have seen.
"""

from __future__ import annotations

import re

# Pejorative labels for groups or people (name calling). Matched as whole words,
# case-insensitively, with an optional plural "s".
NAME_CALLING = frozenset("""
leftist lefty lefties libtard moonbat snowflake commie marxist wingnut rethuglican
rightwinger teabagger deplorable globalist rino dhimmi thug traitor lunatic moron idiot
imbecile crook fascist nazi bigot hack shill stooge puppet loon crackpot radical extremist
zealot propagandist cuck sheeple looney
""".split())

# Loaded idioms and words (emotional appeal, violence, moral outrage). Regular
# expressions, matched case-insensitively at word boundaries.
LOADED_PATTERNS: tuple[str, ...] = (
    r"(?:bring|brings|bringing|brought)\s+(?:\w+\s+){0,3}?to\s+heel",
    r"(?:pack\s+(?:your|their|his|her)\s+bags)",
    r"witch[\s-]+hunts?",
    r"fake\s+news",
    r"deep\s+state",
    r"open[\s-]+borders?\s+(?:crowd|lunatics|zealots|radicals)",
    r"crimes?\s+against\s+(?:citizens|humanity|the\s+people|americans)",
    r"(?:slams?|slammed|blasts?|blasted|destroys?|destroyed|eviscerates?|eviscerated|"
    r"obliterates?|obliterated|annihilates?|annihilated|shreds?|shredded|torches|torched|"
    r"humiliates?|humiliated|rips|ripped\s+into)",
    r"(?:disgraceful|despicable|disgusting|outrageous|shameful|vile|evil|sick(?:ening)?|"
    r"horrific|atrocious|treasonous|un-american|pathetic|ridiculous|absurd|insane|"
    r"lunacy|hysterical|hysteria|sham|scam|hoax|betrayal|tyranny|tyrannical)",
)

_NAME_RE = re.compile(
    r"\b(?:" + "|".join(sorted(NAME_CALLING, key=len, reverse=True)) + r")(?:s|es)?\b",
    re.IGNORECASE)
_LOADED_RE = re.compile(r"\b(?:" + "|".join(LOADED_PATTERNS) + r")\b", re.IGNORECASE)


def lexicon_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, technique)`` for every lexicon hit in ``text``.

    >>> t = "Leftists must be brought to heel, he said."
    >>> [(t[s:e], k) for s, e, k in lexicon_spans(t)]
    [('Leftists', 'Name_Calling,Labeling'), ('brought to heel', 'Loaded_Language')]
    """
    hits = [(m.start(), m.end(), "Name_Calling,Labeling") for m in _NAME_RE.finditer(text)]
    hits += [(m.start(), m.end(), "Loaded_Language") for m in _LOADED_RE.finditer(text)]
    return sorted(hits)


# All-caps words that are usually acronyms even though they spell a common word.
ACRONYMS = frozenset("""
ICE US USA UK EU UN WHO NATO AIDS HIV IT OR ID AM PM TV CEO CIA FBI NSA DOJ DHS GOP DNC RNC
CNN NBC ABC CBS BBC MSNBC NPR AP NYPD LAPD NYT WSJ NASA IRS EPA FDA CDC NFL NBA MLB NHL
OK PS NOW CAIR ACLU ISIS ISIL IS LGBT LGBTQ MAGA DACA PAC SWAT CAN MAD SAT ACT
""".split())

# Cues that a sentence is commentary rather than report (see storytrace.framing.opinion).
HEDGE_OR_STANCE = frozenset("""
actually really clearly obviously surely certainly frankly honestly sadly unfortunately
fortunately thankfully hopefully apparently supposedly simply basically
perfectly absolutely totally utterly completely seriously literally undoubtedly
""".split())
EVALUATIVE = frozenset("""
nice good great bad terrible awful horrible wonderful ridiculous absurd stupid dumb silly
shameful disgraceful despicable disgusting outrageous pathetic insane crazy evil wrong right
acceptable unacceptable fair unfair true false laughable hypocritical hypocrisy
dangerous reckless foolish brilliant incredible amazing sad tragic
""".split())
MODAL_OBLIGATION = frozenset("should must ought need needs".split())
FIRST_PERSON = frozenset("i me my mine we us our ours".split())
SECOND_PERSON = frozenset("you your yours yourself yourselves".split())
REPORTING_VERBS = frozenset("""
said says say told tells reported reports according announced confirmed stated added noted
explained wrote writes testified charged arrested filed ruled
""".split())
