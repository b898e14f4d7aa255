"""Shared CLI plumbing: output format, consoles, progress, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

if TYPE_CHECKING:
    from storytrace.store import Store

T = TypeVar("T")

# Article text is untrusted: consoles never interpret [markup] or emoji codes in it.
out = Console(markup=False, emoji=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)


class Format(StrEnum):
    text = "text"
    json = "json"


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr and return the Exit to raise."""
    err.print(f"error: {message}")
    return typer.Exit(code)


def scored(evaluate: Callable[[], T], fmt: Format,
           errors: tuple[type[Exception], ...] = (ValueError, OSError)) -> T | None:
    """Run one ``eval`` command's measurement: an error of ``errors`` becomes a one-line
    ``error:`` (exit 2); with ``--format json`` the result is printed as JSON and None
    returned, so the command prints its text view only when it gets the result back."""
    try:
        result = evaluate()
    except errors as exc:
        raise fail(str(exc)) from None
    if fmt is Format.json:
        print_json(result)
        return None
    return result


def score_table(rows: Mapping[str, Mapping[str, Any]], columns: tuple[str, ...]) -> Table:
    """A table of scores: one row per name, a column per key (floats to 4 decimals,
    a missing key left blank)."""
    table = Table(show_edge=False)
    table.add_column("")
    for c in columns:
        table.add_column(c, justify="right")
    for name, row in rows.items():
        table.add_row(name, *(f"{row[c]:.4f}" if isinstance(row.get(c), float)
                              else str(row.get(c, "")) for c in columns))
    return table


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


def ingest_with_progress(sources: list[str], store: Store) -> int:
    """Read ``sources`` into ``store`` with a progress bar, each bad record reported as a
    one-line error (the rest still go in); returns how many were rejected."""
    from storytrace.pipeline import ingest

    with progress("ingesting") as advance:
        summary = ingest(sources, store, on_error=lambda e: err.print(f"error: {e}"),
                         on_record=advance)
    return summary.rejected
