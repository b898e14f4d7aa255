"""Structured records: JSON (one object or a list), JSON Lines and CSV/TSV."""

from __future__ import annotations

import csv
import io
import json
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
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        yield IngestError(where, f"invalid JSON ({exc.msg} at line {exc.lineno})")
        return
    items = data if isinstance(data, list) else [data]
    for n, item in enumerate(items, 1):
        here = f"{where}[{n}]" if isinstance(data, list) else where
        yield _to_article(fields, item, here)


def jsonl_articles(lines: Iterable[bytes], where: str, fields: FieldMap,
                   max_bytes: int) -> Iterator[Result]:
    """JSON Lines, one article per line; each bad line is reported and skipped."""
    for n, line in enumerate(lines, 1):
        here = f"{where}:{n}"
        if len(line) > max_bytes:
            yield IngestError(here, f"line too large ({len(line):,} bytes > cap {max_bytes:,})")
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(decode(line))
        except json.JSONDecodeError as exc:
            yield IngestError(here, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except ValueError as exc:
            yield IngestError(here, str(exc))
            continue
        yield _to_article(fields, record, here)


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


def _to_article(fields: FieldMap, record: object, where: str) -> Result:
    try:
        return fields.to_article(record, where)  # type: ignore[arg-type]
    except (RecordError, ValueError) as exc:
        return IngestError(where, str(exc))
