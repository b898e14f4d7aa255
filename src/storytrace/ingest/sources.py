"""Where articles come from: files, directories and stdin, in any supported format."""

from __future__ import annotations

import gzip
import io
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from storytrace.ingest.decode import BinaryContent, decode
from storytrace.ingest.errors import IngestError
from storytrace.ingest.fields import FieldMap, RecordError
from storytrace.ingest.html import html_article
from storytrace.ingest.plaintext import text_article
from storytrace.ingest.records import csv_articles, json_articles, jsonl_articles
from storytrace.ingest.warc import warc_articles
from storytrace.model import Article

Result = Article | IngestError

FORMATS = ("auto", "text", "html", "json", "jsonl", "csv", "tsv", "warc")
_BY_SUFFIX = {
    ".txt": "text", ".md": "text", ".markdown": "text", ".text": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv", ".tsv": "tsv", ".warc": "warc", ".arc": "warc",
}
_STREAMED = {"jsonl", "warc"}


@dataclass
class IngestOptions:
    """How to read sources.

    ``max_bytes`` caps what is read into memory at once (a whole file for most
    formats; one line or one record for JSONL and WARC, which are streamed).
    ``max_chars`` caps the length of one article's text.
    """

    fields: FieldMap = field(default_factory=FieldMap)
    format: str = "auto"
    max_bytes: int = 64 * 2**20
    max_chars: int = 2_000_000


def read_sources(sources: Iterable[str | os.PathLike], options: IngestOptions | None = None
                 ) -> Iterator[Result]:
    """Yield an :class:`Article` or an :class:`IngestError` for every record found.

    A source is a file, a directory (read recursively, hidden files skipped) or
    ``-`` for standard input. Errors never stop the iteration.
    """
    options = options or IngestOptions()
    for source in sources:
        if str(source) == "-":
            yield from _checked(_read_stdin(options), options)
            continue
        path = Path(source)
        if path.is_dir():
            for file in sorted(_walk(path)):
                yield from _checked(_read_file(file, options), options)
        elif path.is_file():
            yield from _checked(_read_file(path, options), options)
        else:
            yield IngestError(str(source), "no such file or directory")


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                yield Path(dirpath) / name


def _checked(results: Iterator[Result], options: IngestOptions) -> Iterator[Result]:
    """Apply the checks every article must pass, whatever its format."""
    for r in results:
        if isinstance(r, Article):
            if not r.text.strip():
                r = IngestError(r.source, "empty text")
            elif len(r.text) > options.max_chars:
                r = IngestError(r.source, f"text too long ({len(r.text):,} chars > cap "
                                          f"{options.max_chars:,}; raise --max-chars)")
        yield r


def detect_format(name: str, head: bytes) -> str:
    """Format from the file name, else from the first bytes of the content."""
    lower = name.lower().removesuffix(".gz")
    for suffix, fmt in _BY_SUFFIX.items():
        if lower.endswith(suffix):
            return fmt
    return sniff(head)


def sniff(head: bytes) -> str:
    """Guess the format of (already decompressed) content from its first bytes."""
    head = head.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark says nothing
    start = head.lstrip()[:512]
    if start.startswith(b"WARC/"):
        return "warc"
    low = start.lower()
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<?xml")):
        return "html"
    if start.startswith(b"<") and b"<p" in head.lower():
        return "html"
    if start.startswith(b"["):
        return "json"
    if start.startswith(b"{"):
        first_line = head.lstrip().split(b"\n", 1)[0].rstrip()
        return "jsonl" if first_line.endswith(b"}") else "json"
    return "text"


def _read_file(path: Path, options: IngestOptions) -> Iterator[Result]:
    where = str(path)
    try:
        with open(path, "rb") as raw:
            head = raw.read(4096)
    except OSError as exc:
        yield IngestError(where, f"cannot read ({exc.strerror})")
        return
    if not head:
        yield IngestError(where, "empty file")
        return
    gz = head[:2] == b"\x1f\x8b"
    if gz:
        try:
            with gzip.open(path, "rb") as f:
                inner_head = f.read(4096)
        except (OSError, EOFError, zlib.error) as exc:
            yield IngestError(where, f"corrupt gzip ({exc})")
            return
    fmt = options.format if options.format != "auto" else detect_format(
        path.name, inner_head if gz else head)
    if fmt in _STREAMED:
        opener = gzip.open if gz else open
        try:
            with opener(path, "rb") as stream:  # type: ignore[operator]
                yield from _read_stream(stream, fmt, where, options)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            yield IngestError(where, f"truncated or corrupt gzip ({exc})")
        return
    size = path.stat().st_size
    if size > options.max_bytes:
        yield IngestError(where, f"file too large ({size:,} bytes > cap {options.max_bytes:,}; "
                                 "raise --max-bytes)")
        return
    if gz:
        with open(path, "rb") as f:
            data = _gunzip(f, where, options.max_bytes, "file too large (> cap "
                           f"{options.max_bytes:,} bytes once decompressed; raise --max-bytes)")
    else:
        data = path.read_bytes()
    if isinstance(data, IngestError):
        yield data
        return
    yield from _read_bytes(data, fmt, where, options)


def _gunzip(fileobj: BinaryIO, where: str, cap: int, too_large: str) -> bytes | IngestError:
    """The decompressed bytes, reading at most ``cap + 1`` (a small file must not inflate
    past the cap); a corrupt stream, or more than ``cap`` bytes (``too_large`` says so),
    is an :class:`IngestError` instead."""
    try:
        with gzip.GzipFile(fileobj=fileobj, mode="rb") as f:
            data = f.read(cap + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return IngestError(where, f"truncated or corrupt gzip ({exc})")
    return IngestError(where, too_large) if len(data) > cap else data


def read_bytes(data: bytes, where: str = "<bytes>", options: IngestOptions | None = None
               ) -> Iterator[Result]:
    """Like :func:`read_sources` for content already in memory (``where`` names it).

    The format is ``options.format``, else sniffed from the content; gzip is
    undone. Errors never escape: each comes back as an :class:`IngestError`.

    >>> [type(r).__name__ for r in read_bytes(b'{"text": "Hi."}\\n[1]\\n', "feed")]
    ['Article', 'IngestError']
    """
    options = options or IngestOptions()
    yield from _checked(_read_data(data, where, options), options)


def _read_stdin(options: IngestOptions) -> Iterator[Result]:
    yield from _read_data(sys.stdin.buffer.read(options.max_bytes + 1), "<stdin>", options)


def _read_data(data: bytes, where: str, options: IngestOptions) -> Iterator[Result]:
    if len(data) > options.max_bytes:
        yield IngestError(where, f"input too large (> cap {options.max_bytes:,} bytes)")
        return
    if data[:2] == b"\x1f\x8b":
        unzipped = _gunzip(io.BytesIO(data), where, options.max_bytes, "input too large (> cap "
                           f"{options.max_bytes:,} bytes once decompressed)")
        if isinstance(unzipped, IngestError):
            yield unzipped
            return
        data = unzipped
    if not data.strip():
        yield IngestError(where, "empty input")
        return
    fmt = options.format if options.format != "auto" else sniff(data[:4096])
    if fmt in _STREAMED:
        yield from _read_stream(io.BytesIO(data), fmt, where, options)
    else:
        yield from _read_bytes(data, fmt, where, options)


def _read_stream(stream, fmt: str, where: str, options: IngestOptions) -> Iterator[Result]:
    if fmt == "warc":
        yield from warc_articles(stream, where, options.max_bytes)
    else:
        yield from jsonl_articles(stream, where, options.fields, options.max_bytes)


def _read_bytes(data: bytes, fmt: str, where: str, options: IngestOptions) -> Iterator[Result]:
    if not data.strip():
        yield IngestError(where, "empty file")
        return
    try:
        content = decode(data)
    except BinaryContent as exc:
        yield IngestError(where, str(exc))
        return
    if fmt == "json":
        yield from json_articles(content, where, options.fields)
    elif fmt in ("csv", "tsv"):
        yield from csv_articles(content, where, options.fields, "\t" if fmt == "tsv" else ",")
    elif fmt == "html":
        try:
            yield html_article(content, where)
        except RecordError as exc:
            yield IngestError(where, str(exc))
    else:
        yield text_article(content, where)
