"""WARC / WARC.gz web archives, streamed: HTML responses only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from typing import BinaryIO

from storytrace.ingest.decode import BinaryContent, decode
from storytrace.ingest.errors import IngestError
from storytrace.ingest.fields import RecordError, parse_time
from storytrace.ingest.html import html_article
from storytrace.model import Article


def warc_articles(stream: BinaryIO, where: str, max_bytes: int) -> Iterator[Article | IngestError]:
    """Articles from the HTML ``response`` records of a WARC stream.

    Other records (requests, metadata, images, PDFs) are passed over silently;
    a truncated or corrupt archive ends with one error after what was readable.
    """
    from warcio.archiveiterator import ArchiveIterator

    reader = _Reader(stream)
    n = 0
    record = prev = None
    try:
        with _quiet():
            records = ArchiveIterator(reader)
        while True:
            with _quiet():  # the next record, and the end of the one before
                record = next(records, None)
            if record is None or (prev is not None and _cut_short(prev)):
                break
            n += 1
            prev = record
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if not _is_html(record.http_headers.get_header("Content-Type") or ""):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            here = f"{where}:record {n} <{url}>"
            status = record.http_headers.get_statuscode() or ""
            if not status.startswith("2"):
                continue
            with _quiet():
                body = record.content_stream().read(max_bytes + 1)
                if len(body) <= max_bytes:
                    records.read_to_end()
            if len(body) > max_bytes:
                yield IngestError(here, f"record too large (> cap {max_bytes:,} bytes)")
                continue
            if _cut_short(record):
                break
            try:
                article = html_article(decode(body), here, url=url)
            except (RecordError, BinaryContent) as exc:
                yield IngestError(here, str(exc))
                continue
            crawled = record.rec_headers.get_header("WARC-Date")
            if crawled:
                try:
                    article.extra["crawled"] = parse_time(crawled).isoformat()
                except (ValueError, AttributeError):
                    pass
            yield article
        if record is None and (prev is None or not _cut_short(prev)):
            while reader.read(1 << 16):
                pass
            if records.offset >= reader.pos:
                return  # the whole archive was read
            n += 1  # bytes left over that do not parse as a record
        yield IngestError(f"{where}:record {n}", "truncated or corrupt WARC (record cut short)")
    except Exception as exc:  # any parse failure of a damaged archive ends it, never the batch
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        yield IngestError(f"{where}:record {n + 1}", f"truncated or corrupt WARC ({reason[:120]})")


@contextmanager
def _quiet():
    """Swallow what warcio writes straight to stderr (multi-line warnings about bad
    lengths or gzip members): the archive's one error line says it instead."""
    with redirect_stderr(io.StringIO()):
        yield


class _Truncated(Exception):
    """A compressed stream that ends early (not an EOFError, which warcio takes as the end)."""


class _Reader:
    """What warcio reads from: counts bytes, returns what is there before a gzip cut.

    ``GzipFile.read(n)`` drops the data it had decompressed when it hits a cut
    and raises EOFError, which warcio takes for a clean end of the archive;
    ``read1`` returns that data first, and the cut then raises :class:`_Truncated`.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._read = getattr(stream, "read1", stream.read)
        self.pos = 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._read(size)
        except EOFError as exc:
            raise _Truncated(str(exc) or "compressed data ended early") from None
        self.pos += len(data)
        return data

    def tell(self) -> int:
        return self.pos


def _cut_short(record) -> bool:
    """True when the record has no length (a header cut off) or ends before its length."""
    declared = record.rec_headers.get_header("length" if record.format == "arc"
                                             else "Content-Length")
    if not (declared or "").strip().isdigit():
        return True
    return getattr(record.raw_stream, "limit", 0) > 0


def _is_html(content_type: str) -> bool:
    ct = content_type.lower()
    return "html" in ct or ct.strip() == ""
