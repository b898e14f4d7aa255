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


def framing_delta(a: Framing, b: Framing) -> dict[str, Any]:
    """What ``b`` adds to (and drops from) ``a``'s framing, with a one-line summary.

    Signals are matched by kind and text (case, spacing and quote style ignored, light
    edits tolerated), so a copy that keeps the original's loaded words adds none.

    >>> a = Framing(signals=[Signal("opinion", "text", 0, 9, 0.7, text="So bad.")])
    >>> b = Framing(signals=[Signal("opinion", "text", 0, 9, 0.7, text="So bad."),
    ...                      Signal("caps", "title", 0, 4, 0.8, text="BOOM")],
    ...             headline_clickbait=HeadlineScore(0.9, True, 0.7))
    >>> framing_delta(a, b)["summary"]
    'clickbait headline, 1 shouted capitals span'
    """
    added = _unmatched(b.signals, a.signals)
    removed = _unmatched(a.signals, b.signals)
    count = lambda signals: {k: n for k in KINDS  # noqa: E731
                             if (n := sum(s.kind == k for s in signals))}
    added_counts, removed_counts = count(added), count(removed)
    ha, hb = a.headline_clickbait, b.headline_clickbait
    became = bool(hb and hb.is_clickbait and not (ha and ha.is_clickbait))
    stopped = bool(ha and ha.is_clickbait and not (hb and hb.is_clickbait))
    parts = (["clickbait headline"] if became else []) + _phrase(added_counts)
    change = None
    if a.hyperpartisan is not None and b.hyperpartisan is not None:
        change = float(b.hyperpartisan - a.hyperpartisan)
        if abs(change) >= HYPERPARTISAN_CHANGE:
            parts.append(f"hyperpartisan score {change:+.2f}")
    return {
        "summary": ", ".join(parts) if parts else "no new framing signals",
        "added": added_counts,
        "removed": removed_counts,
        "added_signals": [s.to_dict() for s in added],
        "removed_signals": [s.to_dict() for s in removed],
        "headline": {
            "a": ha.to_dict() if ha else None, "b": hb.to_dict() if hb else None,
            "became_clickbait": became, "stopped_being_clickbait": stopped},
        "hyperpartisan": {"a": a.hyperpartisan, "b": b.hyperpartisan,
                          "change": None if change is None else round(change, 4)},
    }
