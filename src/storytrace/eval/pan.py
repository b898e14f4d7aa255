"""PAN 2013 text-alignment corpus I/O and the official PAN plagiarism-detection measures.

The measures reproduce the official PAN 2013 evaluation script,
``clef13/text-alignment/pan13-text-alignment-eval.py`` (identical measures in
``pan13-text-alignment-perfmeasures.py``, "Plagiarism detection performance measures",
webis.de, version 1.3, Martin Potthast) from https://github.com/pan-webis-de/pan-code,
which implements Potthast, Stein, Barrón-Cedeño and Rosso, "An Evaluation Framework for
Plagiarism Detection", COLING 2010. Everything below follows that script, including its
edge cases, except where a comment says "deviation" (only where the script would crash).

An annotation marks characters in BOTH documents of a pair: ``[this_offset, this_offset +
this_length)`` of the suspicious document and ``[source_offset, source_offset +
source_length)`` of the source document. A detection r *detects* a case s when they name
the same suspicious document, overlap there by at least one character, and (both being
external, i.e. having a source) name the same source document and overlap there too.

* macro recall: mean over all cases s of |s ∩ ⋃{r detecting s}| / |s|, where |·| counts
  suspicious plus source characters; 1 when there are no cases and no detections, 0 when
  only one of the two is empty.
* macro precision: the same with the roles of cases and detections swapped.
* granularity: mean, over the cases detected at least once, of the number of detections
  detecting them; 1 when nothing is detected.
* plagdet: F1(precision, recall) / log2(1 + granularity); 0 when precision and recall are
  both 0.
* micro recall / precision: detected plagiarised characters over all plagiarised
  (detected) characters, each character of each document counted once.

As in the official script, which reads annotations into Python sets, exact duplicate
annotations (same documents and offsets) are counted once.

>>> case = Annotation("susp.txt", "src.txt", 0, 100, 0, 100)
>>> half = Annotation("susp.txt", "src.txt", 0, 50, 0, 50)
>>> s = score([case], [half])
>>> s.recall, s.precision, s.granularity, round(s.plagdet, 4)
(0.5, 1.0, 1.0, 0.6667)
"""

from __future__ import annotations

import math
import operator
import os
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath

__all__ = [
    "CASE_NAME",
    "DETECTION_NAME",
    "Annotation",
    "PanScore",
    "micro_recall_precision",
    "pair_filename",
    "plagdet_score",
    "read_annotations",
    "read_detections",
    "read_pairs",
    "read_truth",
    "score",
    "score_by_obfuscation",
    "write_detections",
]

PathLike = str | os.PathLike[str]

CASE_NAME = "plagiarism"
"""``name`` attribute of ground-truth ``<feature>`` elements."""
DETECTION_NAME = "detected-plagiarism"
"""``name`` attribute of ``<feature>`` elements written by a detector."""

_Span = tuple[int, int]
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Annotation:
    """A plagiarism case or a detection: a passage of ``susp`` aligned with one of ``src``.

    Offsets and lengths are in characters. An empty ``src`` (with zero source offset and
    length) marks an intrinsic annotation, which the official script compares on the
    suspicious side only.
    """

    susp: str
    src: str
    this_offset: int
    this_length: int
    source_offset: int
    source_length: int
    obfuscation: str = ""

    def __post_init__(self) -> None:
        for name in ("this_offset", "this_length", "source_offset", "source_length"):
            value = operator.index(getattr(self, name))  # accepts numpy ints, not floats
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
            object.__setattr__(self, name, value)
        if not self.src and (self.source_offset or self.source_length):
            raise ValueError("an annotation without src must have zero source offset/length")

    @property
    def is_external(self) -> bool:
        """True when the annotation has a source side."""
        return bool(self.src)

    @property
    def this_end(self) -> int:
        return self.this_offset + self.this_length

    @property
    def source_end(self) -> int:
        return self.source_offset + self.source_length


@dataclass(frozen=True)
class PanScore:
    """PAN scores of a set of detections against a set of cases (macro-averaged, official).

    ``cases`` and ``detections`` count the distinct annotations that were scored.
    """

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int
    micro_precision: float
    micro_recall: float

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


# ---------------------------------------------------------------------------- measures


def _key(a: Annotation) -> tuple[str, str, int, int, int, int]:
    return (a.susp, a.src, a.this_offset, a.this_length, a.source_offset, a.source_length)


def _dedupe(annotations: Iterable[Annotation]) -> list[Annotation]:
    """Distinct annotations in first-seen order (the official script uses sets)."""
    seen: dict[tuple[str, str, int, int, int, int], Annotation] = {}
    for a in annotations:
        seen.setdefault(_key(a), a)
    return list(seen.values())


def _by_susp(annotations: Iterable[Annotation]) -> dict[str, list[Annotation]]:
    index: dict[str, list[Annotation]] = defaultdict(list)
    for a in annotations:
        index[a.susp].append(a)
    return index


def _overlaps(a: Annotation, b: Annotation) -> bool:
    """Official ``is_overlapping``: same suspicious document and overlapping there; when
    both are external also the same source document and overlapping there."""
    hit = (
        a.susp == b.susp
        and b.this_offset + b.this_length > a.this_offset
        and b.this_offset < a.this_offset + a.this_length
    )
    if hit and a.is_external and b.is_external:
        hit = (
            a.src == b.src
            and b.source_offset + b.source_length > a.source_offset
            and b.source_offset < a.source_offset + a.source_length
        )
    return hit


def _union_length(spans: Iterable[_Span], lo: int | None = None, hi: int | None = None) -> int:
    """Characters covered by the union of half-open spans, optionally clipped to [lo, hi)."""
    clipped = []
    for start, end in spans:
        if lo is not None:
            start = max(start, lo)
        if hi is not None:
            end = min(end, hi)
        if end > start:
            clipped.append((start, end))
    clipped.sort()
    total, cur_start, cur_end = 0, -1, -1
    for start, end in clipped:
        if start > cur_end:
            total += cur_end - cur_start
            cur_start, cur_end = start, end
        elif end > cur_end:
            cur_end = end
    return total + cur_end - cur_start


def _detected_chars(case: Annotation, others: Sequence[Annotation]) -> int:
    """Official ``overlapping_chars``: characters of ``case`` (both sides) covered by the
    annotations in ``others`` that overlap it."""
    hits = [o for o in others if _overlaps(case, o)]
    if not hits:
        return 0
    this = _union_length(((o.this_offset, o.this_end) for o in hits), case.this_offset,
                         case.this_end)
    source = _union_length(((o.source_offset, o.source_end) for o in hits),
                           case.source_offset, case.source_end)
    return this + source


def _macro_recall(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """Official ``macro_avg_recall`` (precision is this with the arguments swapped)."""
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    index = _by_susp(detections)
    total = 0.0
    for case in cases:
        size = case.this_length + case.source_length
        others = index.get(case.susp)
        # Deviation: for an empty (zero-length) annotation the official script divides
        # by zero (a crash or NaN); such an annotation contributes 0 here.
        if others and size:
            total += _detected_chars(case, others) / size
    return total / len(cases)


def _granularity(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """Official ``granularity``."""
    if not detections:
        return 1.0
    index = _by_susp(detections)
    counts = []
    for case in cases:
        n = sum(1 for d in index.get(case.susp, ()) if _overlaps(case, d))
        if n:
            counts.append(n)
    return sum(counts) / len(counts) if counts else 1.0


def plagdet_score(recall: float, precision: float, granularity: float) -> float:
    """Official ``plagdet_score``: F1 of precision and recall over log2(1 + granularity).

    >>> plagdet_score(1.0, 1.0, 1.0)
    1.0
    >>> plagdet_score(0.0, 0.0, 1.0)
    0.0
    """
    if (recall == 0 and precision == 0) or recall < 0 or precision < 0 or granularity < 1:
        return 0.0
    return (2 * recall * precision / (recall + precision)) / math.log2(1 + granularity)


def _char_count(annotations: Iterable[Annotation]) -> int:
    """Official ``count_chars``: characters covered, counting each character of each
    document once (suspicious side grouped by ``susp``, source side by ``src``)."""
    this: dict[str, list[_Span]] = defaultdict(list)
    source: dict[str, list[_Span]] = defaultdict(list)
    for a in annotations:
        this[a.susp].append((a.this_offset, a.this_end))
        source[a.src].append((a.source_offset, a.source_end))
    return sum(_union_length(s) for s in this.values()) + sum(
        _union_length(s) for s in source.values()
    )


def micro_recall_precision(
    cases: Iterable[Annotation], detections: Iterable[Annotation]
) -> tuple[float, float]:
    """Official ``micro_avg_recall_and_precision``: (recall, precision) over characters.

    Each detection detecting a case is cut down to its overlap with that case (official
    ``true_detections``); recall is the characters of those overlaps over the characters of
    the cases, precision the same over the characters of the detections. (1, 1) with no
    cases and no detections, (0, 0) with only one of them empty.
    """
    cases, detections = _dedupe(cases), _dedupe(detections)
    if not cases and not detections:
        return 1.0, 1.0
    if not cases or not detections:
        return 0.0, 0.0
    index = _by_susp(detections)
    hit_this: dict[str, list[_Span]] = defaultdict(list)
    hit_source: dict[str, list[_Span]] = defaultdict(list)
    for case in cases:
        for d in index.get(case.susp, ()):
            if not _overlaps(case, d):
                continue
            hit_this[case.susp].append(
                (max(case.this_offset, d.this_offset), min(case.this_end, d.this_end))
            )
            if case.is_external and d.is_external:
                hit_source[case.src].append(
                    (max(case.source_offset, d.source_offset), min(case.source_end, d.source_end))
                )
    # Deviation: with no true detections the official script crashes (max() of nothing);
    # it counts 0 detected characters here.
    hits = sum(_union_length(s) for s in hit_this.values()) + sum(
        _union_length(s) for s in hit_source.values()
    )
    plagiarized, detected = _char_count(cases), _char_count(detections)
    recall = hits / plagiarized if plagiarized else 0.0
    precision = hits / detected if detected else 0.0
    return recall, precision


def score(cases: Iterable[Annotation], detections: Iterable[Annotation]) -> PanScore:
    """Official PAN 2013 text-alignment scores of ``detections`` against ``cases``.

    Precision, recall and plagdet are macro-averaged (the official default); the
    micro-averaged pair (the official ``--micro`` option) is also given.
    """
    cases, detections = _dedupe(cases), _dedupe(detections)
    recall = _macro_recall(cases, detections)
    precision = _macro_recall(detections, cases)
    granularity = _granularity(cases, detections)
    micro_recall, micro_precision = micro_recall_precision(cases, detections)
    return PanScore(
        precision=precision,
        recall=recall,
        granularity=granularity,
        plagdet=plagdet_score(recall, precision, granularity),
        cases=len(cases),
        detections=len(detections),
        micro_precision=micro_precision,
        micro_recall=micro_recall,
    )


def score_by_obfuscation(
    cases: Iterable[Annotation], detections: Iterable[Annotation]
) -> dict[str, PanScore]:
    """Scores per obfuscation type of the cases (``""`` for cases without one).

    PAN reports per-obfuscation results by evaluating each obfuscation sub-corpus (a set
    of document pairs, e.g. ``02-no-obfuscation``) on its own with the official script, so
    a detection counts for the type of the document pair it was reported on. In general:

    * the cases of type T are the cases whose ``obfuscation`` is T;
    * a detection that detects (overlaps) one or more cases counts for their types;
    * a detection that detects no case counts, as a false positive, for every type that
      has a case in the same document pair (``susp``, ``src``);
    * a detection on a pair without cases counts for no type (in PAN it belongs to the
      ``01-no-plagiarism`` sub-corpus); it still lowers the precision of :func:`score`.

    When every pair holds cases of one type, as in the PAN 2013 corpora, this equals
    scoring each sub-corpus separately.
    """
    cases, detections = _dedupe(cases), _dedupe(detections)
    cases_by_type: dict[str, list[Annotation]] = defaultdict(list)
    pair_types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for case in cases:
        cases_by_type[case.obfuscation].append(case)
        pair_types[(case.susp, case.src)].add(case.obfuscation)
    case_index = _by_susp(cases)
    dets_by_type: dict[str, list[Annotation]] = defaultdict(list)
    for d in detections:
        types = {c.obfuscation for c in case_index.get(d.susp, ()) if _overlaps(c, d)}
        for t in types or pair_types.get((d.susp, d.src), ()):
            dets_by_type[t].append(d)
    return {t: score(cases_by_type[t], dets_by_type[t]) for t in sorted(cases_by_type)}


# ---------------------------------------------------------------------------- corpus I/O


def pair_filename(susp: str, src: str) -> str:
    """Official XML file name of a pair: ``{susp_stem}-{src_stem}.xml``.

    >>> pair_filename("suspicious-document00001.txt", "source-document00002.txt")
    'suspicious-document00001-source-document00002.xml'
    """
    return f"{PurePath(susp).stem}-{PurePath(src).stem}.xml"


def read_pairs(corpus_dir: PathLike) -> list[tuple[str, str]]:
    """(suspicious name, source name) per line of ``corpus_dir/pairs`` (or of the file
    ``corpus_dir`` itself); blank lines are skipped."""
    path = Path(corpus_dir)
    pairs_file = path / "pairs" if path.is_dir() else path
    pairs = []
    with open(pairs_file, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2:
                raise ValueError(f"{pairs_file}:{lineno}: expected 'SUSP SRC', got {line!r}")
            pairs.append((fields[0], fields[1]))
    return pairs


def read_annotations(
    xml_path: PathLike, names: Iterable[str] = (CASE_NAME, DETECTION_NAME)
) -> list[Annotation]:
    """Annotations of one PAN XML file: the ``<feature>`` children of the root whose
    ``name`` is in ``names``.

    As in the official script, a root without ``reference`` gives no annotations, a
    feature without ``this_offset``/``this_length`` is skipped, and one without all three
    ``source_*`` attributes is intrinsic. Malformed XML or bad numbers raise ValueError
    naming the file.
    """
    path = Path(xml_path)
    wanted = set(names)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ValueError(f"{path}: malformed XML: {exc}") from exc
    susp = root.get("reference")
    if susp is None:
        return []
    annotations = []
    for node in root:
        attrs = node.attrib
        if attrs.get("name") not in wanted or not {"this_offset", "this_length"} <= attrs.keys():
            continue
        try:
            src, s_off, s_len = "", 0, 0
            if all(k in attrs for k in ("source_reference", "source_offset", "source_length")):
                src = attrs["source_reference"]
                s_off, s_len = int(attrs["source_offset"]), int(attrs["source_length"])
            annotations.append(
                Annotation(
                    susp=susp,
                    src=src,
                    this_offset=int(attrs["this_offset"]),
                    this_length=int(attrs["this_length"]),
                    source_offset=s_off,
                    source_length=s_len,
                    obfuscation=attrs.get("obfuscation", ""),
                )
            )
        except ValueError as exc:
            raise ValueError(f"{path}: bad feature {dict(attrs)}: {exc}") from exc
    return annotations


def read_truth(corpus_dir: PathLike) -> list[Annotation]:
    """Ground-truth cases (``name="plagiarism"``) of every pair in ``corpus_dir/pairs``.

    The XML files are looked for in ``corpus_dir/truth/`` if that folder exists, else in
    ``corpus_dir`` itself; a pair without a truth file contributes no cases.
    """
    root = Path(corpus_dir)
    truth_dir = root / "truth" if (root / "truth").is_dir() else root
    cases: list[Annotation] = []
    for susp, src in read_pairs(root):
        path = truth_dir / pair_filename(susp, src)
        if path.is_file():
            cases.extend(read_annotations(path, names=(CASE_NAME,)))
    return cases


def read_detections(det_dir: PathLike) -> list[Annotation]:
    """All annotations in ``det_dir/*.xml`` and ``det_dir/*/*.xml`` (the official layout)."""
    root = Path(det_dir)
    paths = sorted([*root.glob("*.xml"), *root.glob("*/*.xml")])
    return [a for path in paths for a in read_annotations(path)]


def write_detections(
    out_dir: PathLike, susp: str, src: str, annotations: Iterable[Annotation],
    truth: bool = False,
) -> Path:
    """Write the detections of one pair to ``out_dir/{susp_stem}-{src_stem}.xml``.

    Features get ``name="detected-plagiarism"`` and the official attributes; the file is
    written (with an empty ``<document>``) even when there are no detections. Returns the
    path written. With ``truth=True`` the features are ground-truth cases instead
    (``name="plagiarism"`` with ``type`` and ``obfuscation``), as generated sets need.
    """
    for name in (susp, src):
        if _XML_ILLEGAL.search(name):
            raise ValueError(f"document name {name!r} has characters XML cannot hold")
    root = ET.Element("document", {"reference": susp})
    for a in annotations:
        if a.susp != susp or a.src != src:
            raise ValueError(f"detection {a} is not on the pair ({susp!r}, {src!r})")
        ET.SubElement(
            root,
            "feature",
            {
                "name": CASE_NAME if truth else DETECTION_NAME,
                **({"type": "artificial", "obfuscation": a.obfuscation} if truth else {}),
                "this_offset": str(a.this_offset),
                "this_length": str(a.this_length),
                "source_reference": a.src,
                "source_offset": str(a.source_offset),
                "source_length": str(a.source_length),
            },
        )
    ET.indent(root)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / pair_filename(susp, src)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
