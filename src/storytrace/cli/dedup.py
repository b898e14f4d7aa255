"""`storytrace dedup`: a clean corpus, one article per near-duplicate cluster."""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.cli.articles import DbOption, FormatOption
from storytrace.cli.output import Format, err, fail, out, print_json


def dedup_cmd(
    sources: list[str] = typer.Argument(None, help="Files or directories to ingest first "
                                                   "(optional with the local engine)."),
    out_path: str = typer.Option(..., "--out", "-o",
                                 help="Kept articles: .jsonl, or .parquet (needs pyarrow)."),
    db: Path = DbOption,
    fmt: Format = FormatOption,
    out_format: str = typer.Option(None, "--out-format",
                                   help="jsonl or parquet (default: from --out's name)."),
    drops: str = typer.Option(None, "--drops",
                              help="The drop report (default: beside --out, NAME.drops.EXT)."),
    min_overlap: float = typer.Option(0.8, help="Share of each article that shared passages "
                                                "must cover for a near duplicate."),
    trace: bool = typer.Option(True, "--trace/--no-trace",
                               help="Trace articles not traced yet first (local engine)."),
    engine: str = typer.Option("local", help="local (the SQLite store) or spark (reads "
                                             "SOURCES itself; needs storytrace[spark])."),
    master: str = typer.Option("local[*]", help="Spark master URL, with --engine spark."),
) -> None:
    """Write a clean corpus: one article per cluster of duplicates, and what was dropped.

    Duplicates are the same text (case, spacing and typography folded), or a verified
    reuse link covering at least --min-overlap of each article. Of each cluster the
    earliest published article is kept (then the longest, then the smallest id), and
    only articles that duplicate it are dropped. Each kept row says how many it stands
    for; each drop names the kept article, the reason (exact or near), the rule that
    chose the keeper (earlier, dated, longer, id) and the overlap of both.
    """
    from storytrace.engines.dedup import drops_path, output_format

    if not 0 < min_overlap <= 1:
        raise fail("--min-overlap must be in (0, 1]")
    if engine not in ("local", "spark"):
        raise fail(f"--engine must be local or spark, not {engine!r}")
    try:
        kind = output_format(out_path, out_format)
    except ValueError as exc:
        raise fail(str(exc)) from None
    drops = drops or drops_path(out_path, kind)
    if kind == "parquet" and engine == "local":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise fail("--out .parquet needs pyarrow (pip install pyarrow)") from None
    if engine == "spark":
        raise typer.Exit(_spark(sources or [], out_path, kind, drops, min_overlap, master,
                                fmt))
    summary, rejected = _local(sources or [], db, out_path, kind, drops, min_overlap, trace)
    _render(summary | {"engine": "local", "db": str(db), "out": out_path, "drops": drops}, fmt)
    raise typer.Exit(1 if rejected else 0)


def _local(sources: list[str], db: Path, out_path: str, kind: str, drops: str,
           min_overlap: float, trace: bool) -> tuple[dict, int]:
    from storytrace.cli.articles import open_store
    from storytrace.cli.output import ingest_with_progress, progress
    from storytrace.engines.dedup import dedup_store, write_store_dedup

    if not sources and not db.exists():
        raise fail(f"no store at {db}: give articles to read, or run `storytrace ingest` first")
    rejected = 0
    with open_store(db) as store:
        if sources:
            rejected = ingest_with_progress(sources, store)
        try:
            with progress("deduplicating") as advance:
                result = dedup_store(store, min_overlap, trace=trace,
                                     progress=lambda *_: advance())
        except ValueError as exc:
            raise fail(str(exc)) from None
        with progress("writing") as advance:
            write_store_dedup(store, result, out_path, kind, drops)
    if rejected:
        err.print(f"{rejected} input record(s) rejected (errors above); the rest was read")
    return result.summary(), rejected


def _spark(sources: list[str], out_path: str, kind: str, drops: str, min_overlap: float,
           master: str, fmt: Format) -> int:
    if not sources:
        raise fail("the spark engine reads its inputs itself: give files, folders or globs "
                   "(it does not use the --db store)")
    try:
        from storytrace.engines.spark import spark_session
        from storytrace.engines.spark_dedup import run_dedup_spark
    except ImportError as exc:
        raise fail(f"--engine spark needs the spark extra ({exc.name} is missing): "
                   "pip install 'storytrace[spark]'") from None
    import warnings

    session = spark_session(master)
    session.sparkContext.setLogLevel("ERROR")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = run_dedup_spark(sources, min_overlap, out=out_path, kind=kind,
                                     drops_out=drops, spark=session,
                                     log=(lambda m: err.print(f"spark: {m}"))
                                     if err.is_terminal else None)
    finally:
        session.stop()
    for message in result.trace.errors:
        err.print(f"error: {message}")
    _render(result.summary | {"engine": "spark", "inputs": sources, "out": out_path,
                              "drops": drops}, fmt)
    return 1 if result.trace.rejected else 0


def _render(summary: dict, fmt: Format) -> None:
    if fmt is Format.json:
        print_json(summary)
        return
    reasons = ", ".join(f"{n} {k}" for k, n in summary["by_reason"].items()) or "none"
    rules = ", ".join(f"{n} {k}" for k, n in summary["by_rule"].items()) or "none"
    traced = (f" (traced {summary['traced_first']} new articles first)"
              if summary.get("traced_first") else "")
    out.print(f"kept {summary['kept']} of {summary['articles']} articles, dropped "
              f"{summary['dropped']}{traced}")
    out.print(f"  dropped by reason: {reasons}; keeper chosen by: {rules}")
    out.print(f"  wrote {summary['out']} and the drop report {summary['drops']}")
