"""Typographic emphasis: words in capitals ("DISOBEYED") and exclamations ("BOOM!").

Capitals: a run of all-capital words (two letters or more) is emphasis when its
words are ordinary English words written in capitals (they occur in lower case in
the bundled word list ``framing_common_words.txt``, built from the training
corpora) or are long (8+ letters), and are not well-known acronyms (``NYPD``,
``ICE``, ``US``). A run of shouted words becomes one span.

Exclamations: each sentence whose own words end in "!" (a "!" directly before a
closing quote is someone else's, and skipped); the score grows with the number
of marks ("!!!").

>>> t = "BOOM! NYPD Just DISOBEYED the Mayor — He’s FINISHED!"
>>> [t[s:e] for s, e, _, _ in caps_spans(t)]
['BOOM', 'DISOBEYED', 'FINISHED']
>>> [t[s:e] for s, e, _, _ in exclamation_spans(t)]
['BOOM!', 'NYPD Just DISOBEYED the Mayor — He’s FINISHED!']
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from storytrace.framing.lexicon import ACRONYMS
from storytrace.text.segment import sentences
from storytrace.text.words import WORD

_LONG = 8
_CLOSING_QUOTES = "\"”’'"


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case words frequent in the training corpora (one per line in the data file)."""
    path = resources.files("storytrace") / "data" / "framing_common_words.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset()
    return frozenset(w for w in lines if w and not w.startswith("#"))


def _in_capitals(word: str) -> bool:
    """A word of two or more letters (and apostrophes), all capitals: "FINISHED", "HE'S"."""
    letters = word.replace("’", "").replace("'", "")
    return len(letters) > 1 and letters.isalpha() and letters.isupper()


def _is_shouted(word: str, vocabulary: frozenset[str]) -> bool:
    if word in ACRONYMS:
        return False
    plain = word.replace("’", "'").lower()
    return plain in vocabulary or plain.split("'")[0] in vocabulary or len(word) >= _LONG


# A dateline: a place in capitals at the start of a paragraph, perhaps a state or country
# and a wire's name, then a dash ("NEW YORK –", "ROCKFORD, Illinois –", "WASHINGTON (AP) —").
_DATELINE_TAIL = re.compile(r"(?:[ \t]+[A-Z][A-Z.’']*)*"
                            r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t][A-Z][\w.]*){0,2})?[ \t]*"
                            r"(?:\([A-Z][\w ]{0,20}\)[ \t]*)?[—–-]")


def _is_dateline(text: str, start: int, end: int) -> bool:
    """Whether the capitals at ``text[start:end]`` open a paragraph as its dateline, or
    as its label ("UPDATE: Kathy Miller has resigned")."""
    return (not text[text.rfind("\n", 0, start) + 1 : start].strip()
            and (_DATELINE_TAIL.match(text, end) is not None or text[end : end + 1] == ":"))


def caps_spans(text: str, *, body: bool = False) -> list[tuple[int, int, float, str]]:
    r"""``(start, end, score, evidence)`` for runs of shouted capital words; in an
    article's ``body``, a dateline ("NEW YORK –" opening a paragraph) or a label
    ("UPDATE:") is not shouting (a headline's "BREAKING –" still is).

    >>> t = ("NEW YORK – The vote was CANCELLED.\n\nROCKFORD, Illinois – A mayor spoke."
    ...      "\n\nUPDATE: The vote is on.")
    >>> [t[s:e] for s, e, _, _ in caps_spans(t, body=True)]
    ['CANCELLED']
    """
    runs = _caps_runs(text)
    return [x for x in runs if not _is_dateline(text, x[0], x[1])] if body else runs


# A Creative Commons licence tag in a photo credit ("CC BY 2.0", "CC BY-SA 4.0"): a name.
_LICENCE = re.compile(r"\bCC[ \t-]+BY(?:-(?:SA|NC|ND))*\b")


def _caps_runs(text: str) -> list[tuple[int, int, float, str]]:
    """Runs of shouted capital words; a licence tag's capitals are its name, and capitals
    joined to a word by a slash ("HIV/AID drugs") an abbreviation, not shouting.

    >>> [text[s:e] for text in ("Photo by David Shankbone / CC BY 2.0", "Taken BY FORCE",
    ...                         "HIV/AID drugs") for s, e, _, _ in _caps_runs(text)]
    ['BY FORCE']
    """
    vocabulary = common_words()
    tags = [m.span() for m in _LICENCE.finditer(text)]
    words = [m for m in WORD.finditer(text)
             if _in_capitals(m.group()) and _is_shouted(m.group(), vocabulary)
             and not any(s <= m.start() < e for s, e in tags)
             and "/" not in text[max(0, m.start() - 1) : m.end() + 1]]
    runs: list[list[int]] = []  # [start, end, shouted words] of each run
    for m in words:
        if runs and _RUN_GAP.fullmatch(text, runs[-1][1], m.start()):
            runs[-1][1:] = [m.end(), runs[-1][2] + 1]
        else:
            runs.append([m.start(), m.end(), 1])
    # a run's words are counted once it is whole (counting as it grew was quadratic)
    return [(s, e, 0.8, "word in capitals") if n == 1 else
            (s, e, 1.0, f"{len(text[s:e].split())} words in capitals") for s, e, n in runs]


_RUN_GAP = re.compile(r"[\s,—–-]*")


def exclamation_spans(text: str) -> list[tuple[int, int, float, str]]:
    """``(start, end, score, evidence)`` for sentences that exclaim."""
    out = []
    for s in sentences(text):
        sentence = text[s.start : s.end]
        marks = 0
        for m in re.finditer(r"!+", sentence):
            after = sentence[m.end() : m.end() + 1]
            if after and after in _CLOSING_QUOTES:
                continue  # an exclamation inside a quotation is the speaker's
            marks += len(m.group())
        if marks:
            score = min(1.0, 0.6 + 0.2 * (marks - 1))
            out.append((s.start, s.end, score, f"{marks} exclamation mark{'s' * (marks > 1)}"))
    return out
