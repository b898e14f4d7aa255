"""Structured records: JSON (one object or a list), JSON Lines and CSV/TSV."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator

from storytrace.ingest.decode import decode
from storytrace.ingest.errors import IngestError
from storytrace.ingest.fields import FieldMap, RecordError
from storytrace.model import Article

Result = Article | IngestError


def json_articles(content: str, where: str, fields: FieldMap) -> Iterator[Result]:
    """A JSON document holding one article object or a list of them."""
    try:
        data = _scrub(json.loads(content), content)
    except json.JSONDecodeError as exc:
        yield IngestError(where, f"invalid JSON ({exc.msg} at line {exc.lineno})")
        return
    items = data if isinstance(data, list) else [data]
    for n, item in enumerate(items, 1):
        here = f"{where}[{n}]" if isinstance(data, list) else where
        yield _to_article(fields, item, here)


def jsonl_articles(lines: Iterable[bytes], where: str, fields: FieldMap,
                   max_bytes: int) -> Iterator[Result]:
    """JSON Lines, one article per line; each bad line is reported and skipped.

    From a stream (anything with ``readline``), no more than ``max_bytes`` of
    one line is held in memory: the rest of a longer line is read and dropped.
    """
    for n, line in enumerate(_capped_lines(lines, max_bytes), 1):
        here = f"{where}:{n}"
        if isinstance(line, int) or len(line) > max_bytes:
            size = line if isinstance(line, int) else len(line)
            yield IngestError(here, f"line too large ({size:,} bytes > cap {max_bytes:,})")
            continue
        if not line.strip():
            continue
        try:
            content = decode(line)
            record = _scrub(json.loads(content), content)
        except json.JSONDecodeError as exc:
            yield IngestError(here, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except ValueError as exc:
            yield IngestError(here, str(exc))
            continue
        yield _to_article(fields, record, here)


def _capped_lines(lines: Iterable[bytes], max_bytes: int) -> Iterator[bytes | int]:
    """The lines, except that one over ``max_bytes`` comes as its length, unread."""
    readline = getattr(lines, "readline", None)
    if readline is None:
        yield from lines
        return
    while line := readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while True:  # skip the rest of the line, counting it
            rest = readline(1 << 20)
            size += len(rest)
            if not rest or rest.endswith(b"\n"):
                break
        yield size


def csv_articles(content: str, where: str, fields: FieldMap,
                 delimiter: str = ",") -> Iterator[Result]:
    """CSV or TSV with a header row; ``where`` is suffixed with the row number."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        yield IngestError(where, "CSV has no header row")
        return
    row = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield IngestError(f"{where}:row {row + 1}", f"malformed CSV ({exc})")
            return
        row += 1
        if None in record:  # more cells than header columns
            record.pop(None)
        yield _to_article(fields, record, f"{where}:row {row}")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(value: object, source: str) -> object:
    """Replace lone surrogates (JSON escapes like ``"\\ud800"``) with U+FFFD.

    They cannot be encoded as UTF-8, so one of them would make storing the whole
    batch fail. Valid escaped pairs were already joined by :func:`json.loads`.
    """
    return _replace_surrogates(value) if _SURROGATE_ESCAPE.search(source) else value


def _replace_surrogates(value: object) -> object:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


def _to_article(fields: FieldMap, record: object, where: str) -> Result:
    try:
        return fields.to_article(record, where)  # type: ignore[arg-type]
    except (RecordError, ValueError) as exc:
        return IngestError(where, str(exc))
