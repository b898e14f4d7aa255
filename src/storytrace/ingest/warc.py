"""WARC / WARC.gz web archives, streamed: HTML responses only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

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
    n = 0
    try:
        for record in ArchiveIterator(stream):
            n += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if not _is_html(record.http_headers.get_header("Content-Type") or ""):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            here = f"{where}:record {n} <{url}>"
            status = record.http_headers.get_statuscode() or ""
            if not status.startswith("2"):
                continue
            body = record.content_stream().read(max_bytes + 1)
            if len(body) > max_bytes:
                yield IngestError(here, f"record too large (> cap {max_bytes:,} bytes)")
                continue
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
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        yield IngestError(f"{where}:record {n + 1}", f"truncated or corrupt WARC ({reason[:120]})")


def _is_html(content_type: str) -> bool:
    ct = content_type.lower()
    return "html" in ct or ct.strip() == ""
