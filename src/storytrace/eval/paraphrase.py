"""Sentence-pair paraphrase sets (MSRP, mt-metrics PAN) and accuracy/F1 of a scorer on them.

Two formats are read:

* the Microsoft Research Paraphrase Corpus TSV (Dolan & Brockett 2005): a header
  row ``Quality  #1 ID  #2 ID  #1 String  #2 String``, then one pair per line with
  ``Quality`` 1 for a paraphrase;
* the PAN paraphrase pairs of Madnani, Tetreault & Chodorow (NAACL 2012,
  "Re-examining machine translation metrics for paraphrase identification"):
  ``NAME_s1.txt`` and ``NAME_s2.txt`` with one sentence per line and ``NAME.labels``
  with 0 or 1 per line, aligned by line number. Any of the three files, or the
  common prefix ``NAME`` (e.g. ``.../pan-test``), names the set.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

__all__ = ["PairClassifier", "evaluate", "read_pairs"]

_PAN_SUFFIXES = ("_s1.txt", "_s2.txt", ".labels")


def _lines(path: Path) -> list[str]:
    """Lines of a UTF-8 text file (only ``\\n`` breaks a line; a final newline is optional)."""
    text = path.read_text(encoding="utf-8-sig")
    if text.endswith("\n"):
        text = text[:-1]
    return [line.removesuffix("\r") for line in text.split("\n")] if text else []


def _label(value: str, path: Path, line: int) -> bool:
    value = value.strip()
    if value not in ("0", "1"):
        raise ValueError(f"{path}, line {line}: label {value!r} is neither 0 nor 1")
    return value == "1"


def _read_pan(prefix: Path) -> tuple[list[str], list[str], np.ndarray]:
    files = [prefix.with_name(prefix.name + suffix) for suffix in _PAN_SUFFIXES]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ValueError(f"{prefix}: PAN pair set incomplete, missing {', '.join(missing)}")
    s1, s2, labels = (_lines(f) for f in files)
    if not len(s1) == len(s2) == len(labels):
        raise ValueError(f"{prefix}: line counts differ: {files[0].name} {len(s1)}, "
                         f"{files[1].name} {len(s2)}, {files[2].name} {len(labels)}")
    y = np.array([_label(v, files[2], i) for i, v in enumerate(labels, 1)], dtype=bool)
    return s1, s2, y


def _read_msrp(path: Path, lines: list[str]) -> tuple[list[str], list[str], np.ndarray]:
    a, b, y = [], [], []
    for i, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 5:
            raise ValueError(f"{path}, line {i}: expected 5 tab-separated fields "
                             f"(Quality, #1 ID, #2 ID, #1 String, #2 String), got {len(fields)}")
        y.append(_label(fields[0], path, i))
        a.append(fields[3])
        b.append(fields[4])
    return a, b, np.array(y, dtype=bool)


def read_pairs(path: str | Path) -> tuple[list[str], list[str], np.ndarray]:
    """Sentences A, sentences B and boolean paraphrase labels of a pair set.

    ``path`` is an MSRP TSV file, or an mt-metrics PAN set given as its ``_s1.txt``,
    ``_s2.txt`` or ``.labels`` file or their common prefix. Anything else, an
    incomplete PAN set or files whose line counts differ raise :class:`ValueError`
    naming the file.
    """
    path = Path(path)
    for suffix in _PAN_SUFFIXES:
        if path.name.endswith(suffix) and path.is_file():
            return _read_pan(path.with_name(path.name[: -len(suffix)]))
    if not path.exists():
        if path.with_name(path.name + "_s1.txt").is_file():
            return _read_pan(path)
        raise ValueError(f"{path}: no such file, nor a PAN prefix with {path.name}_s1.txt")
    if path.is_dir():
        sets = sorted(str(p)[: -len("_s1.txt")] for p in path.glob("*_s1.txt"))
        hint = f"; give one of: {', '.join(sets)}" if sets else ""
        raise ValueError(f"{path}: is a folder, not a pair set{hint}")
    try:
        lines = _lines(path)
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text, so not an MSRP or PAN pair file") from None
    if not lines or lines[0].split("\t")[0].strip() != "Quality":
        raise ValueError(f"{path}: not a pair set: expected an MSRP TSV (header starting with "
                         "'Quality') or a PAN NAME_s1.txt / NAME_s2.txt / NAME.labels file")
    return _read_msrp(path, lines)


class PairClassifier(Protocol):
    """What :func:`evaluate` needs of a scorer: a reuse decision per sentence pair."""

    def predict(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """True where ``a[i]`` and ``b[i]`` say the same (one decision per pair)."""
        ...


def evaluate(path: str | Path, scorer: PairClassifier) -> dict[str, Any]:
    """Accuracy, precision, recall and F1 of ``scorer.predict`` on the pair set at ``path``.

    ``scorer`` is a :class:`storytrace.align.paraphrase.ParaphraseScorer` (or anything
    with ``predict(a, b)``; ``model`` and ``threshold`` are reported when present).
    """
    a, b, gold = read_pairs(path)
    if not len(gold):
        raise ValueError(f"{path}: no sentence pairs")
    predicted = np.asarray(scorer.predict(a, b), dtype=bool)
    tp = int((predicted & gold).sum())
    precision = tp / predicted.sum() if predicted.any() else 0.0
    recall = tp / gold.sum() if gold.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {
        "path": str(path),
        "model": getattr(scorer, "model", type(scorer).__name__),
        "threshold": getattr(scorer, "threshold", None),
        "n": len(gold),
        "positives": int(gold.sum()),
        "predicted_positives": int(predicted.sum()),
        "accuracy": float((predicted == gold).mean()),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
    }
