"""JSON lines, as the evaluation sets are written: one value a line, blank lines skipped."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def json_lines(lines: Iterable[str], where: str) -> Iterator[tuple[int, Any]]:
    """Each non-blank line of ``lines`` parsed, with its line number (from 1).

    A line that is not JSON raises :class:`ValueError` naming ``where`` and the line;
    what the values must be is the caller's to check.

    >>> list(json_lines(['{"a": 1}', "", "[2]"], "f.jsonl"))
    [(1, {'a': 1}), (3, [2])]
    >>> list(json_lines(["{"], "f.jsonl"))
    Traceback (most recent call last):
    ValueError: f.jsonl, line 1: not JSON (Expecting property name enclosed in double quotes)
    """
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}, line {number}: not JSON ({exc.msg})") from None
