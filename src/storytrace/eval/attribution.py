"""PolNeAR attribution corpus (brat standoff) reader and span precision/recall/F1.

PolNeAR (Newell, Margolin & Ruths, LREC 2018) keeps one ``text/NAME.txt`` per
article and its annotations in ``attributions/NAME_ANNOTATOR.ann``, brat standoff:

* ``T1<TAB>Source 89 106<TAB>The New York Post``: a text-bound annotation; a
  discontinuous one lists fragments, ``Content 10 20;25 40``;
* ``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``: the attribution event
  tying a cue, a content and (optionally) a source together;
* ``#1<TAB>AnnotatorNotes T5<TAB>...``: free notes, ignored.

The covered-text column may itself contain line breaks (the annotators kept them
when a fragment crossed a paragraph); such continuation lines are skipped. Any
other line that cannot be parsed is reported as ONE line, ``FILE:LINE: reason``,
through ``on_error`` (stderr by default), and reading goes on with the next line.

Double annotation: a few articles were annotated by several annotators (files
``NAME_4e07.ann``, ``NAME_d473.ann``...). :func:`read_brat` keeps the file whose
name sorts first, so each article is scored once against one coherent annotation.

Measures, each per label (Source, Cue, Content) and micro-averaged over documents:

* ``exact``: a predicted span is correct when a gold span of the same label has
  the same start and end; recall is the share of gold spans predicted exactly.
* ``overlap``: a predicted span is correct when it shares at least one character
  with a gold span of the same label; recall is the share of gold spans that some
  prediction overlaps. Not one-to-one (the usual "partial match" of attribution
  work on PARC): one long prediction may cover two gold spans.
* ``token``: the overlap measure of the BBC's citron (``citron/metrics.py``):
  precision = predicted tokens that are also gold tokens / predicted tokens,
  recall = the same count / gold tokens (tokens are words and punctuation marks,
  counted once per document and label).

A discontinuous gold annotation counts as one gold span per fragment: a
prediction can only ever be one contiguous span.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storytrace.model import Span

if TYPE_CHECKING:
    from storytrace.provenance.attribution import Attribution

__all__ = [
    "LABELS",
    "BratAnnotation",
    "evaluate_attribution",
    "read_brat",
    "score_spans",
]

LABELS = ("Source", "Cue", "Content")

_ID = re.compile(r"[TERAMN#]\d+\t")
_TEXT_BOUND = re.compile(r"(T\d+)\t([^\t ]+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?")
_EVENT = re.compile(r"(E\d+)\t(\S+:\S+(?: \S+:\S+)*)\s*")
_TOKEN = re.compile(r"\w+|[^\w\s]")

PathLike = str | Path


@dataclass(frozen=True)
class BratAnnotation:
    """A text-bound brat annotation: its id, label, fragments and attribution event.

    ``fragments`` are the (usually one) character spans; ``event`` is the id of the
    attribution event (``E3``) that uses it, or ``""``.

    >>> a = BratAnnotation("T1", "Source", (Span(0, 3), Span(5, 9)))
    >>> a.start, a.end
    (0, 9)
    """

    id: str
    label: str
    fragments: tuple[Span, ...]
    event: str = ""

    @property
    def start(self) -> int:
        return self.fragments[0].start

    @property
    def end(self) -> int:
        return self.fragments[-1].end


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def read_ann(
    path: PathLike, text: str, on_error: Callable[[str], None] | None = None
) -> list[BratAnnotation]:
    """Text-bound annotations of one ``.ann`` file, linked to their events.

    Lines that cannot be read are reported (``FILE:LINE: reason``) and skipped;
    so are spans outside ``text``.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "a.ann")
    >>> _ = open(p, "w").write("T1\\tSource 0 2\\tWe\\nT2\\tCue 3 7\\tsaid\\n"
    ...                        "E1\\tAttribution:T2 Cue:T2 Source:T1\\n")
    >>> [(a.label, a.start, a.end, a.event) for a in read_ann(p, "We said no")]
    [('Source', 0, 2, 'E1'), ('Cue', 3, 7, 'E1')]
    """
    report = on_error or _stderr
    path = Path(path)
    found: dict[str, BratAnnotation] = {}
    events: dict[str, str] = {}
    pending = 0  # characters of a covered-text column still expected on later lines
    raw = path.read_text(encoding="utf-8", errors="replace")
    for lineno, line in enumerate(raw.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            pending = max(0, pending - 1)
            continue
        if not _ID.match(line):
            if pending > 0:
                pending = max(0, pending - len(line) - 1)
            else:
                report(f"{path}:{lineno}: not a brat annotation line: {line[:60]!r}")
            continue
        pending = 0
        if line.startswith("T"):
            m = _TEXT_BOUND.fullmatch(line)
            if not m:
                report(f"{path}:{lineno}: malformed text-bound annotation: {line[:60]!r}")
                continue
            ann_id, label, offsets, covered = m.groups()
            fragments = []
            for part in offsets.split(";"):
                start, end = (int(x) for x in part.split())
                if not 0 <= start <= end <= len(text):
                    break
                fragments.append(Span(start, end))
            if len(fragments) != offsets.count(";") + 1:
                report(f"{path}:{lineno}: span {offsets} outside the text "
                       f"({len(text)} characters)")
                continue
            found[ann_id] = BratAnnotation(ann_id, label, tuple(fragments))
            expected = sum(len(f) for f in fragments) + len(fragments) - 1
            pending = expected - len(covered or "")
        elif line.startswith("E"):
            m = _EVENT.fullmatch(line)
            if not m:
                report(f"{path}:{lineno}: malformed event: {line[:60]!r}")
                continue
            for arg in m.group(2).split()[1:]:
                events[arg.partition(":")[2]] = m.group(1)
    return [
        BratAnnotation(a.id, a.label, a.fragments, events.get(a.id, ""))
        for a in found.values()
    ]


def read_brat(
    directory: PathLike, on_error: Callable[[str], None] | None = None
) -> dict[str, tuple[str, list[BratAnnotation]]]:
    """Every article of a PolNeAR split: ``{name: (text, annotations)}``.

    ``directory`` holds ``text/NAME.txt`` and ``attributions/NAME_*.ann``; of several
    ``.ann`` files for one article the first in name order is read. Articles
    without annotations get an empty list. Unreadable lines go to ``on_error``.
    """
    directory = Path(directory)
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir():
        raise ValueError(f"{directory}: no text/ folder")
    ann_files = sorted(ann_dir.glob("*.ann")) if ann_dir.is_dir() else []
    docs: dict[str, tuple[str, list[BratAnnotation]]] = {}
    for txt in sorted(text_dir.glob("*.txt")):
        text = txt.read_text(encoding="utf-8", errors="replace")
        name = txt.stem
        mine = [p for p in ann_files if p.stem.rpartition("_")[0] == name]
        if not mine:
            mine = [p for p in ann_files if p.stem == name]
        annotations = read_ann(mine[0], text, on_error) if mine else []
        docs[name] = (text, annotations)
    return docs


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _tokens(text: str, spans: Iterable[Span]) -> set[int]:
    """Start offsets of the tokens (words, punctuation marks) a set of spans touches."""
    out: set[int] = set()
    for s in spans:
        for m in _TOKEN.finditer(text, s.start, s.end):
            out.add(m.start())
    return out


def _overlapping(spans: list[Span], others: list[Span]) -> int:
    """How many of ``spans`` share at least one character with some span of ``others``."""
    others = sorted(others, key=lambda s: s.start)
    # Prefix maximum of ends lets a binary search answer "any other overlaps?" per span.
    starts = [o.start for o in others]
    max_end: list[int] = []
    running = -1
    for o in others:
        running = max(running, o.end)
        max_end.append(running)

    hits = 0
    for s in spans:
        i = bisect_left(starts, s.end)  # others starting before s ends
        if i and max_end[i - 1] > s.start and len(s):
            hits += 1
    return hits


def score_spans(
    docs: Iterable[tuple[str, list[Span], list[Span]]],
) -> dict[str, dict[str, float]]:
    """Exact, overlap and token scores of predicted against gold spans of one label.

    ``docs`` yields ``(text, gold, predicted)`` per document; duplicates are counted
    once. Each measure gives precision, recall, f1 and the counts behind them.

    >>> t = "Officials said the plan failed, he said."
    >>> gold = [Span(0, 9), Span(32, 34)]
    >>> pred = [Span(0, 14), Span(32, 34), Span(15, 23)]
    >>> s = score_spans([(t, gold, pred)])
    >>> round(s["exact"]["f1"], 3), s["overlap"]["precision"], s["overlap"]["recall"]
    (0.4, 0.6666666666666666, 1.0)
    """
    counts = dict.fromkeys(
        ("gold", "pred", "exact_hit", "pred_overlap", "gold_overlap",
         "gold_tokens", "pred_tokens", "token_hit"), 0)
    for text, gold, pred in docs:
        g = sorted({(s.start, s.end) for s in gold})
        p = sorted({(s.start, s.end) for s in pred})
        gs, ps = [Span(*x) for x in g], [Span(*x) for x in p]
        counts["gold"] += len(g)
        counts["pred"] += len(p)
        counts["exact_hit"] += len(set(g) & set(p))
        counts["pred_overlap"] += _overlapping(ps, gs)
        counts["gold_overlap"] += _overlapping(gs, ps)
        gt, pt = _tokens(text, gs), _tokens(text, ps)
        counts["gold_tokens"] += len(gt)
        counts["pred_tokens"] += len(pt)
        counts["token_hit"] += len(gt & pt)
    c = counts
    return {
        "exact": _prf(c["exact_hit"], c["pred"], c["exact_hit"], c["gold"]),
        "overlap": _prf(c["pred_overlap"], c["pred"], c["gold_overlap"], c["gold"]),
        "token": _prf(c["token_hit"], c["pred_tokens"], c["token_hit"], c["gold_tokens"]),
        "counts": dict(counts),
    }


def evaluate_attribution(
    directory: PathLike,
    extract: Callable[[str], Iterable[Attribution]] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Score an attribution extractor on a PolNeAR split folder.

    Parameters
    ----------
    directory : a split folder, e.g. ``.../polnear-attribution/dev``.
    extract : text -> attributions with ``source``, ``cue`` and ``content`` spans
        (or None); defaults to :func:`storytrace.provenance.extract_attributions`.
    on_error : receives one line per unreadable annotation line (default stderr).

    Returns
    -------
    ``{"documents": n, "Source": scores, "Cue": scores, "Content": scores}`` where
    each ``scores`` is :func:`score_spans` output (exact/overlap/token P, R, F1).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "text").mkdir(); (d / "attributions").mkdir()
    >>> _ = (d / "text" / "a.txt").write_text("Smith said no.")
    >>> _ = (d / "attributions" / "a_x.ann").write_text("T1\\tSource 0 5\\tSmith\\n")
    >>> evaluate_attribution(d)["Source"]["exact"]["f1"]
    1.0
    """
    if extract is None:
        from storytrace.provenance import extract_attributions as extract
    docs = read_brat(directory, on_error)
    per_label: dict[str, list[tuple[str, list[Span], list[Span]]]] = {lb: [] for lb in LABELS}
    for text, anns in docs.values():
        predicted = list(extract(text))
        for label in LABELS:
            gold = [f for a in anns if a.label == label for f in a.fragments]
            attr = label.lower()
            pred = [s for s in (getattr(p, attr) for p in predicted) if s is not None]
            per_label[label].append((text, gold, pred))
    result: dict[str, Any] = {"documents": len(docs)}
    for label in LABELS:
        result[label] = score_spans(per_label[label])
    return result
