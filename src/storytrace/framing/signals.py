"""Framing results: signals with offsets, the article's scores, and the delta of two versions.

Every :class:`Signal` points into one field of the article, ``"title"`` or
``"text"``, with ``[start, end)`` character offsets into that field exactly as
given (``article.text[start:end] == signal.text`` for a text signal).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

# Kinds, in the order summaries list them, and how a summary names one and many.
KINDS: dict[str, tuple[str, str]] = {
    "loaded_language": ("loaded-language span", "loaded-language spans"),
    "name_calling": ("name-calling span", "name-calling spans"),
    "propaganda": ("other propaganda span", "other propaganda spans"),
    "opinion": ("opinion sentence", "opinion sentences"),
    "caps": ("shouted capitals span", "shouted capitals spans"),
    "exclamation": ("exclamation", "exclamations"),
}
# Kinds matched against each other in a delta: a span called loaded language in
# one version and name calling in the other is the same words.
_FAMILY = {"loaded_language": "propaganda", "name_calling": "propaganda",
           "propaganda": "propaganda"}
_SAME_TEXT = 90.0  # rapidfuzz ratio at which two signal texts are the same (light edits)
HYPERPARTISAN_CHANGE = 0.1  # smallest score change a summary mentions


@dataclass(frozen=True)
class Signal:
    """One framing signal: ``kind`` in KINDS, its field, offsets, score and why."""

    kind: str
    field: str  # "title" or "text"
    start: int
    end: int
    score: float
    label: str = ""
    evidence: str = ""
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "field": self.field, "start": self.start, "end": self.end,
                "score": round(float(self.score), 4), "label": self.label,
                "evidence": self.evidence, "text": self.text}


@dataclass(frozen=True)
class HeadlineScore:
    """Clickbait of a headline.

    ``score``: the shipped decision score (max of ``model_score`` and the typography
    rule); ``is_clickbait``: ``score >= 0.5``; ``strength``: estimated crowd rating
    (0–1, Webis head); ``model_score``: the Chakraborty head's probability alone;
    ``evidence``: what the typography rule saw, if anything.
    """

    score: float
    is_clickbait: bool
    strength: float
    model_score: float | None = None
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(float(self.score), 4), "is_clickbait": bool(self.is_clickbait),
                "strength": round(float(self.strength), 4),
                "model_score": None if self.model_score is None else round(
                    float(self.model_score), 4),
                "evidence": self.evidence}


@dataclass
class Framing:
    """How one article frames its story.

    >>> f = Framing(signals=[Signal("caps", "title", 0, 4, 0.8, "caps", "", "BOOM")])
    >>> f.counts()
    {'caps': 1}
    >>> f.to_dict()["signals"][0]["text"]
    'BOOM'
    """

    signals: list[Signal] = field(default_factory=list)
    headline_clickbait: HeadlineScore | None = None
    hyperpartisan: float | None = None
    hyperpartisan_threshold: float = 0.5
    #: The texts the signals point into, by field (``"title"``, ``"text"``), when known:
    #: :func:`framing_delta` reads them to tell a version's own words from text both
    #: versions print and from quoted speech. Not part of :meth:`to_dict`.
    fields: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def of_kind(self, *kinds: str) -> list[Signal]:
        return [s for s in self.signals if s.kind in kinds]

    def counts(self) -> dict[str, int]:
        counts = Counter(s.kind for s in self.signals)
        return {k: counts[k] for k in KINDS if counts[k]}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: signals, headline_clickbait (or None), hyperpartisan, counts."""
        return {
            "signals": [s.to_dict() for s in self.signals],
            "headline_clickbait": (self.headline_clickbait.to_dict()
                                   if self.headline_clickbait else None),
            "hyperpartisan": None if self.hyperpartisan is None else {
                "score": round(float(self.hyperpartisan), 4),
                "is_hyperpartisan": bool(self.hyperpartisan >= self.hyperpartisan_threshold)},
            "counts": self.counts(),
        }


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _unmatched(new: list[Signal], old: list[Signal]) -> list[Signal]:
    """Signals of ``new`` with no counterpart (same kind family, same text) in ``old``."""
    pool: dict[str, list[str]] = {}
    for s in old:
        pool.setdefault(_FAMILY.get(s.kind, s.kind), []).append(_norm(s.text))
    out = []
    for s in new:
        candidates = pool.get(_FAMILY.get(s.kind, s.kind), [])
        text = _norm(s.text)
        best = max(range(len(candidates)), default=None,
                   key=lambda i: fuzz.ratio(text, candidates[i]))
        if best is not None and fuzz.ratio(text, candidates[best]) >= _SAME_TEXT:
            candidates.pop(best)  # each old signal accounts for one new one
        else:
            out.append(s)
    return out


def _phrase(counts: dict[str, int]) -> list[str]:
    return [f"{n} {KINDS[k][n != 1]}" for k, n in counts.items() if n]


def counts_phrase(counts: dict[str, int]) -> str:
    """Signal counts in words.

    >>> counts_phrase({"loaded_language": 2, "opinion": 1})
    '2 loaded-language spans, 1 opinion sentence'
    """
    return ", ".join(_phrase({k: n for k, n in counts.items() if k in KINDS}))


#: Words in a run both versions print: a signal's word counts as printed by the other
#: version when one of the runs of this many words holding it (in its own field, so
#: reaching past a short signal) occurs there too, case, quote style and punctuation aside.
SHARED_RUN = 5
#: A signal is in text both versions print, or in quoted speech, when this share of its
#: words (of its letters and digits, for quoted speech) is.
VOICE_SHARE = 0.5
#: A model span (loaded language, name calling, other propaganda) scoring below this is
#: kept in a delta's ``weak`` list, with its offsets, but not counted as framing a version
#: adds: out of fold on the propaganda corpus's training articles, spans from the tagger's
#: threshold (0.35) to 0.5 touch a gold span 35–45% of the time (24–29% of their
#: characters), from 0.5 up 50–73% (``bench/framing_span_bands.py``); news written
#: straight has fewer gold spans to touch. Lexicon spans score 0.5.
COUNTED_SPAN_SCORE = 0.5
#: How :func:`framing_delta` sorts each signal (see :func:`voices`).
VOICES = ("own", "quoted", "shared", "headline_repeat")


def _word_list(text: str) -> list[tuple[int, int, str]]:
    from storytrace.text.words import WORD

    return [(m.start(), m.end(), m.group().lower().replace("’", "'").replace("‘", "'"))
            for m in WORD.finditer(text)]


class _Runs:
    """The word runs of one version's fields, by run length, for :func:`voices`."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.words = [[w for _, _, w in _word_list(t)] for t in fields.values() if t]
        self.by_n: dict[int, set[tuple[str, ...]]] = {}

    def has(self, run: tuple[str, ...]) -> bool:
        n = len(run)
        if n not in self.by_n:
            self.by_n[n] = {tuple(ws[i : i + n]) for ws in self.words
                            for i in range(len(ws) - n + 1)}
        return run in self.by_n[n]


def _printed_by_other(words: list[tuple[int, int, str]], other: _Runs) -> list[bool]:
    """For each word of a field, whether a run of :data:`SHARED_RUN` words holding it (the
    whole field, if shorter) occurs in the other version."""
    n = min(SHARED_RUN, len(words))
    plain = [w for _, _, w in words]
    shared = [False] * len(words)
    for i in range(len(words) - n + 1):
        if other.has(tuple(plain[i : i + n])):
            shared[i : i + n] = [True] * n
    return shared


def _repeated_headline(fields: dict[str, str]) -> int:
    """How many words of a body that opens by repeating its headline word for word are
    that copy (0 if it does not): their signals are the headline's, counted once, in the
    title."""
    head = [w for _, _, w in _word_list(fields.get("title") or "")]
    body = [w for _, _, w in _word_list(fields.get("text") or "")]
    return len(head) if head and body[: len(head)] == head else 0


#: A quotation opened with a mark turned the wrong way (’embarked on a course to harass’),
#: which the quotation finder (curly ‘…’ only) leaves out; inner apostrophes allowed.
_TURNED_QUOTE = re.compile(r"(?<![\w’])’(?=[^\W\d_])(?:[^‘’\n]|’(?=\w)){2,300}’(?!\w)")
#: A signal mostly in quotation marks is still the writer's when it carries more than this
#: many words of the writer's own around the quotation (a sentence of commentary).
OWN_WORDS_AROUND_QUOTE = 12


def _in_quotes(text: str) -> bytearray:
    """1 for each character of ``text`` inside quoted speech (quotation marks, embedded
    posts; :func:`storytrace.provenance.content.quoted_speech`), else 0.

    >>> t = "He allegedly ’embarked on a course to harass’ them in the ’90s."
    >>> "".join(c for c, x in zip(t, _in_quotes(t), strict=True) if x)
    'embarked on a course to harass'
    """
    from storytrace.provenance.content import quoted_mask

    return quoted_mask(text, [(m.start() + 1, m.end() - 1)
                              for m in _TURNED_QUOTE.finditer(text)])


def voices(f: Framing, other: Framing) -> list[str]:
    """Whose words each signal of ``f`` is, against the ``other`` version, one of VOICES:

    * ``"headline_repeat"``: in a body's opening copy of its own headline;
    * ``"shared"``: in words both versions print (most of its words in a run of
      :data:`SHARED_RUN` words the other prints too), so neither adds it;
    * ``"quoted"``: mostly inside quoted speech, a source's words, not the writer's
      (unless more than :data:`OWN_WORDS_AROUND_QUOTE` of its words are outside it);
    * ``"own"``: the writer's own words.

    Without the texts (``fields``) of both versions every signal is ``"own"``.

    >>> def framing(text, *loaded):
    ...     return Framing([Signal("loaded_language", "text", text.index(w),
    ...                            text.index(w) + len(w), 0.4, text=w) for w in loaded],
    ...                    fields={"title": "", "text": text})
    >>> a = framing("The firm sold watered-down drugs to patients in Africa, the report said.")
    >>> b = framing('The firm sold watered-down drugs to patients in Africa. "It is a '
    ...             'disaster," he said. Greedy crooks.', "watered-down drugs",
    ...             "It is a disaster", "Greedy crooks")
    >>> voices(b, a)
    ['shared', 'quoted', 'own']
    """
    if not f.fields or not other.fields:
        return ["own"] * len(f.signals)
    runs = _Runs(other.fields)
    repeat = _repeated_headline(f.fields)
    cache: dict[str, tuple[list[tuple[int, int, str]], list[bool], bytearray]] = {}
    out = []
    for s in f.signals:
        text = f.fields.get(s.field) or ""
        if s.field not in cache:
            words = _word_list(text)
            cache[s.field] = (words, _printed_by_other(words, runs), _in_quotes(text))
        words, shared, inside = cache[s.field]
        mine = [k for k, (ws, we, _) in enumerate(words) if ws < s.end and we > s.start]
        chars = [i for i in range(s.start, min(s.end, len(text))) if text[i].isalnum()]
        if s.field == "text" and mine and max(mine) < repeat:
            out.append("headline_repeat")
        elif mine and sum(shared[k] for k in mine) >= VOICE_SHARE * len(mine):
            out.append("shared")
        elif (chars and sum(inside[i] for i in chars) >= VOICE_SHARE * len(chars)
              and sum(not inside[words[k][0]] for k in mine) <= OWN_WORDS_AROUND_QUOTE):
            out.append("quoted")
        else:
            out.append("own")
    return out


def _is_weak(s: Signal) -> bool:
    return _FAMILY.get(s.kind) == "propaganda" and s.score < COUNTED_SPAN_SCORE


def _count(signals: list[Signal]) -> dict[str, int]:
    return {k: n for k in KINDS if (n := sum(s.kind == k for s in signals))}


def framing_delta(a: Framing, b: Framing) -> dict[str, Any]:
    """What ``b`` adds to (and drops from) ``a``'s framing, with a one-line summary.

    Signals are matched by kind and text (case, spacing and quote style ignored, light
    edits tolerated), so a copy that keeps the original's loaded words adds none. When
    both know their texts (``Framing.fields``), only a writer's own words count as what
    it adds (``added``, ``removed``): a signal in text both versions print is no
    difference, and one in quoted speech is a source's words, counted apart
    (``quoted``); ``set_aside`` says how many of each side's signals were left out and
    why (see :func:`voices`). Model spans scoring below :data:`COUNTED_SPAN_SCORE` are
    listed under ``weak`` (with their ``voice``), not counted.

    >>> a = Framing(signals=[Signal("opinion", "text", 0, 9, 0.7, text="So bad.")])
    >>> b = Framing(signals=[Signal("opinion", "text", 0, 9, 0.7, text="So bad."),
    ...                      Signal("caps", "title", 0, 4, 0.8, text="BOOM")],
    ...             headline_clickbait=HeadlineScore(0.9, True, 0.7))
    >>> framing_delta(a, b)["summary"]
    'clickbait headline, 1 shouted capitals span'
    """
    va, vb = voices(a, b), voices(b, a)
    found: dict[str, list[Signal]] = {}
    weak: dict[str, list[dict[str, Any]]] = {"added": [], "removed": []}
    for key, (f, v, other) in (("added", (b, vb, a)), ("removed", (a, va, b))):
        for voice in ("own", "quoted"):
            mine = [s for s, w in zip(f.signals, v, strict=True) if w == voice]
            unmatched = _unmatched(mine, other.signals)
            found[f"{voice}.{key}"] = [s for s in unmatched if not _is_weak(s)]
            weak[key] += [s.to_dict() | {"voice": voice} for s in unmatched if _is_weak(s)]
    added, removed = found["own.added"], found["own.removed"]
    quoted_added, quoted_removed = found["quoted.added"], found["quoted.removed"]
    ha, hb = a.headline_clickbait, b.headline_clickbait
    became = bool(hb and hb.is_clickbait and not (ha and ha.is_clickbait))
    stopped = bool(ha and ha.is_clickbait and not (hb and hb.is_clickbait))
    parts = (["clickbait headline"] if became else []) + _phrase(_count(added))
    if quoted_added:
        parts.append(f"in quotations {counts_phrase(_count(quoted_added))}")
    change = None
    if a.hyperpartisan is not None and b.hyperpartisan is not None:
        change = float(b.hyperpartisan - a.hyperpartisan)
        if abs(change) >= HYPERPARTISAN_CHANGE:
            parts.append(f"hyperpartisan score {change:+.2f}")
    return {
        "summary": ", ".join(parts) if parts else "no new framing signals",
        "added": _count(added),
        "removed": _count(removed),
        "added_signals": [s.to_dict() for s in added],
        "removed_signals": [s.to_dict() for s in removed],
        "quoted": {"added": _count(quoted_added), "removed": _count(quoted_removed),
                   "added_signals": [s.to_dict() for s in quoted_added],
                   "removed_signals": [s.to_dict() for s in quoted_removed]},
        "set_aside": {side: {w: n for w in VOICES[1:] if (n := v.count(w))}
                      for side, v in (("a", va), ("b", vb))},
        "weak": {"below": COUNTED_SPAN_SCORE, "added_signals": weak["added"],
                 "removed_signals": weak["removed"]},
        "headline": {
            "a": ha.to_dict() if ha else None, "b": hb.to_dict() if hb else None,
            "became_clickbait": became, "stopped_being_clickbait": stopped},
        "hyperpartisan": {"a": a.hyperpartisan, "b": b.hyperpartisan,
                          "change": None if change is None else round(change, 4)},
    }
