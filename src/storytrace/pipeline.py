"""End-to-end jobs that tie the stages together (used by the CLI and the API)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from storytrace.ingest import IngestError, IngestOptions, read_sources
from storytrace.model import Article
from storytrace.store import Store


@dataclass
class IngestSummary:
    """Counts of what an ingest run did, plus every rejection with its reason."""

    read: int = 0
    added: int = 0
    unchanged: int = 0
    errors: list[IngestError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def to_dict(self) -> dict:
        return {"read": self.read, "added": self.added, "unchanged": self.unchanged,
                "rejected": self.rejected,
                "errors": [{"where": e.where, "reason": e.reason} for e in self.errors]}


def ingest(sources: Iterable[str | os.PathLike], store: Store,
           options: IngestOptions | None = None,
           on_error: Callable[[IngestError], None] | None = None,
           on_record: Callable[[], None] | None = None,
           batch_size: int = 2000) -> IngestSummary:
    """Read ``sources`` into ``store``; bad records are reported, never fatal.

    >>> from storytrace.store import Store
    >>> with Store(":memory:") as store:
    ...     ingest(["no/such/file.txt"], store).rejected
    1
    """
    summary = IngestSummary()
    batch: list[Article] = []

    def reject(error: IngestError) -> None:
        summary.errors.append(error)
        if on_error:
            on_error(error)

    def flush() -> None:
        from storytrace.text.language import detect_language

        for article in batch:
            if not article.language:
                article.language = detect_language(article.text)
        report = store.add(batch, batch_size=batch_size)
        summary.added += len(report.added)
        summary.unchanged += len(report.unchanged)
        for article, reason in report.conflicts:
            shown = article.id.encode("utf-8", "backslashreplace").decode("utf-8")
            reject(IngestError(article.source, f"{reason} (id {shown})"))
        batch.clear()

    for result in read_sources(sources, options):
        summary.read += 1
        if on_record:
            on_record()
        if isinstance(result, IngestError):
            reject(result)
            continue
        batch.append(result)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return summary
