"""Highlighted text from character offsets: split at span boundaries, escape every piece.

A :class:`Mark` is one annotation of a text (a reused passage, a repeat, a
credited source, a changed fact, a framing signal). :func:`highlight` cuts the
raw text at every mark boundary, so overlapping marks never need nested or
crossing tags: each piece becomes one ``<span>`` carrying the classes and
tokens of all marks that cover it, and its characters are escaped on their own.
An empty anchor ``<span id=TOKEN>`` sits where each mark starts, so ``#TOKEN``
links work without JavaScript. Tokens are generated here (``a-p3``), never
taken from the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from storytrace.report.html import esc, num

_TOKEN = re.compile(r"[a-z][a-z0-9-]{0,40}")
_CLASS = re.compile(r"[a-z][a-z0-9-]{0,40}")


@dataclass(frozen=True)
class Mark:
    """``text[start:end]`` annotated: ``token`` names it (for links), ``cls`` styles it.

    ``layer`` groups marks that the legend shows or hides together; ``label`` is a
    short description shown as a tooltip (escaped).
    """

    start: int
    end: int
    token: str
    cls: str
    layer: str
    label: str = ""
    focus: bool = False  # clickable: the piece gets tabindex=0 and role=button

    def __post_init__(self) -> None:
        # Tokens and classes end up in attributes unescaped by design; only generated
        # names of this shape are allowed, so data can never reach them.
        if not _TOKEN.fullmatch(self.token) or not _CLASS.fullmatch(self.cls) \
                or not _CLASS.fullmatch(self.layer):
            raise ValueError(f"bad mark token or class: {self.token!r} {self.cls!r}")


def span_of(value: object, length: int) -> tuple[int, int] | None:
    """``(start, end)`` from ``{"start", "end"}`` or ``[start, end]``, clamped to the text.

    Returns ``None`` for anything malformed or empty, so a bad span in the data
    drops one highlight instead of failing the report.

    >>> span_of({"start": 3, "end": 9}, 5), span_of([4, 2], 10), span_of("x", 10)
    ((3, 5), None, None)
    """
    if isinstance(value, dict):
        start, end = value.get("start"), value.get("end")
    elif isinstance(value, list | tuple) and len(value) >= 2:
        start, end = value[0], value[1]
    else:
        return None
    if num(start) is None or num(end) is None:
        return None
    start, end = max(0, int(start)), min(length, int(end))
    return (start, end) if start < end else None


def highlight(text: str, marks: Iterable[Mark]) -> str:
    """``text`` as escaped HTML with every mark wrapped in classed ``<span>`` pieces.

    >>> highlight("a <b> c", [Mark(2, 5, "a-p1", "k-verbatim", "passage", "p")])
    'a <span class="anchor" id="a-p1"></span><span class="seg k-verbatim l-passage" \
data-ann="a-p1" title="p">&lt;b&gt;</span> c'
    """
    n = len(text)
    marks = [m for m in marks if 0 <= m.start < m.end <= n]
    if not marks:
        return esc(text)
    starts: dict[int, list[Mark]] = {}
    ends: dict[int, list[Mark]] = {}
    for m in marks:
        starts.setdefault(m.start, []).append(m)
        ends.setdefault(m.end, []).append(m)
    cuts = sorted({0, n, *starts, *ends})
    active: dict[str, Mark] = {}
    out: list[str] = []
    for x, y in pairwise(cuts):
        for m in ends.get(x, ()):
            active.pop(m.token, None)
        for m in starts.get(x, ()):
            active[m.token] = m
            out.append(f'<span class="anchor" id="{m.token}"></span>')
        piece = esc(text[x:y])
        if not active:
            out.append(piece)
            continue
        covering = sorted(active.values(), key=lambda m: (m.start, m.token))
        classes = " ".join(dict.fromkeys(["seg", *(m.cls for m in covering),
                                          *(f"l-{m.layer}" for m in covering)]))
        tokens = " ".join(m.token for m in covering)
        label = "; ".join(dict.fromkeys(m.label for m in covering if m.label))
        focus = ' tabindex="0" role="button"' if any(m.focus for m in covering) else ""
        title = f' title="{esc(label)}"' if label else ""
        out.append(f'<span class="{classes}" data-ann="{tokens}"{title}{focus}>{piece}</span>')
    return "".join(out)
