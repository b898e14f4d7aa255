"""`storytrace ingest`, `ls` and `show`: getting articles in and looking at them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from storytrace.cli.output import Format, err, fail, out, print_json, progress
from storytrace.ingest import FORMATS, FieldMap, IngestOptions
from storytrace.pipeline import ingest
from storytrace.store import Store

DbOption = typer.Option(Path("storytrace.db"), "--db", help="SQLite store (created if missing).")
FormatOption = typer.Option(Format.text, "--format", "-f", help="Output format.")
StoryCheckOption = typer.Option(None, "--story-check/--no-story-check",
                                help="A same-story link that shares no copied text must "
                                     "also pass the sentence model's check; a pair that "
                                     "fails it is a same-event link, joining no story "
                                     "(FakeNewsNet same-story precision 0.09 -> 0.62; about "
                                     "0.3 CPU-s per pair checked). Default: on with the "
                                     "local engine when the sentence model is installed.",
                                show_default=False)


def story_check_mode(asked: bool | None, engine: str = "local") -> bool | str:
    """``--story-check`` as given; unsaid, ``"auto"`` (on when the sentence model is
    installed) with the local engine, off with Spark (its executors would each load it)."""
    if asked is not None:
        return asked
    return "auto" if engine == "local" else False


def ingest_cmd(
    sources: list[str] = typer.Argument(..., help="Files, directories (recursive) or - for stdin."),
    db: Path = DbOption,
    fmt: Format = FormatOption,
    input_format: str = typer.Option("auto", "--input-format",
                                     help=f"Force the input format: {', '.join(FORMATS)}."),
    field: list[str] = typer.Option([], "--field", metavar="ATTR=NAME",
                                    help="Input field for an attribute, e.g. text=body "
                                         "(id, title, text, outlet, url, published, authors)."),
    max_bytes: int = typer.Option(64 * 2**20, help="Largest file (or JSONL line / WARC record) "
                                                    "read, in bytes."),
    max_chars: int = typer.Option(2_000_000, help="Longest article text accepted, in characters."),
) -> None:
    """Read articles (text, Markdown, HTML, JSON, JSONL, CSV/TSV, WARC; .gz too) into the store.

    Bad records are reported one per line on stderr and skipped; the exit code
    is 1 when anything was rejected, 0 otherwise.
    """
    if input_format not in FORMATS:
        raise fail(f"--input-format must be one of {', '.join(FORMATS)}")
    try:
        options = IngestOptions(fields=FieldMap.parse(field), format=input_format,
                                max_bytes=max_bytes, max_chars=max_chars)
    except ValueError as exc:
        raise fail(str(exc)) from None
    with open_store(db) as store, progress("ingesting") as advance:
        summary = ingest(sources, store, options,
                         on_error=lambda e: err.print(f"error: {e}"), on_record=advance)
        total = len(store)
    if fmt is Format.json:
        print_json(summary.to_dict() | {"db": str(db), "stored": total})
    else:
        out.print(f"read {summary.read} records: {summary.added} added, "
                  f"{summary.unchanged} already stored, {summary.rejected} rejected "
                  f"({total} articles in {db})")
    raise typer.Exit(1 if summary.rejected else 0)


def ls_cmd(
    db: Path = DbOption,
    fmt: Format = FormatOption,
    limit: int = typer.Option(50, help="How many articles (0 for all)."),
    offset: int = typer.Option(0, help="Skip this many first."),
    outlet: str = typer.Option(None, help="Only this outlet."),
) -> None:
    """List stored articles in the order they were ingested."""
    _require_db(db)
    with open_store(db) as store:
        rows = list(store.articles(limit=limit or None, offset=offset, outlet=outlet))
        total = len(store)
    if fmt is Format.json:
        print_json([{k: v for k, v in a.to_dict().items() if k != "text"} | {"chars": len(a.text)}
                    for a in rows])
        return
    table = Table(show_edge=False, pad_edge=False)
    for name in ("id", "published", "outlet", "chars", "title"):
        justify = "right" if name == "chars" else "left"
        table.add_column(name, no_wrap=name != "title", justify=justify)
    for a in rows:
        title = a.title or a.text[:70].replace("\n", " ") + "…"
        table.add_row(a.id, a.published.date().isoformat() if a.published else "-",
                      Text(a.outlet[:24] or "-"), str(len(a.text)), Text(title))
    out.print(table)
    out.print(f"{len(rows)} of {total} articles")


def show_cmd(
    article: str = typer.Argument(..., help="Article id (or a unique prefix of one)."),
    db: Path = DbOption,
    fmt: Format = FormatOption,
    raw: bool = typer.Option(False, "--raw", help="Include the original document (JSON only)."),
) -> None:
    """Show one stored article with its metadata."""
    _require_db(db)
    with open_store(db) as store:
        a = resolve_article(store, article)
    if fmt is Format.json:
        # where the text and the title start in the input file (see README "Offsets")
        print_json(a.to_dict(include_raw=raw)
                   | {"text_offset": a.text_offset, "title_offset": a.title_offset})
        return
    out.print(Text(a.title or "(no title)", style="bold"))
    for label, value in (("id", a.id), ("outlet", a.outlet), ("url", a.url),
                         ("published", a.published.isoformat() if a.published else "unknown"),
                         ("authors", ", ".join(a.authors)), ("source", a.source)):
        if value:
            out.print(Text(f"{label:>9}: {value}"))
    out.print()
    out.print(Text(a.text))


def resolve_article(store: Store, ref: str):
    ids = store.resolve(ref)
    if not ids:
        raise fail(f"no article with id {ref!r} in {store.path}")
    if len(ids) > 1:
        raise fail(f"id prefix {ref!r} is ambiguous: {', '.join(ids[:5])}")
    return store.get(ids[0])


def open_store(db: Path) -> Store:
    """The store at ``db``, or exit 2 with one error line (not a traceback) if it cannot be."""
    try:
        return Store(db)
    except (sqlite3.Error, RuntimeError) as exc:
        raise fail(f"cannot open store {db}: {exc}") from None


def _require_db(db: Path) -> None:
    if not db.exists():
        raise fail(f"no store at {db} (run `storytrace ingest` first or pass --db)")
