"""Shared CLI plumbing: output format, consoles, progress, errors."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

# Article text is untrusted: consoles never interpret [markup] or emoji codes in it.
out = Console(markup=False, emoji=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)


class Format(StrEnum):
    text = "text"
    json = "json"


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr and return the Exit to raise."""
    err.print(f"error: {message}")
    return typer.Exit(code)


@contextmanager
def progress(description: str, total: int | None = None):
    """A progress bar on stderr that stays silent when stderr is not a terminal.

    Yields ``advance()``; call it once per unit of work.
    """
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn(), console=err, transient=True,
                   disable=not err.is_terminal)
    with bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def ingest_with_progress(sources: list[str], store: Any) -> int:
    """Read ``sources`` into ``store`` with a progress bar, each bad record reported as a
    one-line error (the rest still go in); returns how many were rejected."""
    from storytrace.pipeline import ingest

    with progress("ingesting") as advance:
        summary = ingest(sources, store, on_error=lambda e: err.print(f"error: {e}"),
                         on_record=advance)
    return summary.rejected
