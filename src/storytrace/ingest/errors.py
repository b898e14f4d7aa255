"""The one kind of error ingest reports: which record, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestError:
    """A rejected file or record. ``str()`` gives the one-line message users see."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"
