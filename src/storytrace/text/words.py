"""What a word is, stop words and a light stemmer: the one definition every component uses."""

from __future__ import annotations

import re

#: Characters that join two runs of letters or digits into one word: apostrophes, dots
#: and hyphens, with the look-alikes that normalisation folds to them ("’", "–", "−");
#: not the em dash, which separates words ("stop—it's" is two).
JOINERS = ("'.-" + "\u2018\u2019\u201a\u201b\u2032\u00b4"
           + "\u2010\u2011\u2012\u2013\u2212")

#: A word: runs of letters and digits (``\w``) joined by single :data:`JOINERS` ("it's",
#: "U.S", "re-entered", "52–48"). Matched on normalised text by
#: :class:`~storytrace.text.doc.Doc`, on original text where offsets must be exact, and
#: the same words, without their joiners, are what MinHash shingles
#: (:func:`storytrace.index.minhash.words`).
WORD = re.compile(rf"\w+(?:[{re.escape(JOINERS)}]\w+)*")

#: A token for sequence models: a :data:`WORD` or a single other symbol ("“", "!").
TOKEN = re.compile(rf"{WORD.pattern}|[^\w\s]")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can could did didn't do does doesn't doing don't down
during each few for from further had has have having he he'd he'll he's her here here's hers
herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself
just let's me more most my myself no nor not now of off on once only or other ought our ours
ourselves out over own said same say says she she'd she'll she's should so some such than that
that's the their theirs them themselves then there there's these they they'd they'll they're
they've this those through to too under until up very was wasn't we we'd we'll we're we've were
what what's when when's where where's which while who who's whom why why's will with won't would
you you'd you'll you're you've your yours yourself yourselves
""".split())

_SUFFIXES = ("ational", "ization", "fulness", "iveness", "ements", "ement", "ments", "ation",
             "ness", "ment", "ings", "edly", "ing", "ied", "ers", "est", "ed", "es",
             "er", "ly", "s")


def stem(word: str) -> str:
    """A light suffix-stripping stemmer: enough to match "deported"/"deportation".

    >>> stem("deported"), stem("deportation"), stem("cities"), stem("news")
    ('deport', 'deport', 'city', 'news')
    """
    if len(word) <= 4 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def plain_word(word: str) -> str:
    """``word`` without its inner punctuation, so "U.S." matches "US" and "re-entered"
    "reentered".

    >>> plain_word("re-entered"), plain_word("u.s"), plain_word("it's")
    ('reentered', 'us', 'its')
    """
    return word.translate(_NO_JOINERS)


_NO_JOINERS = str.maketrans("", "", JOINERS)
