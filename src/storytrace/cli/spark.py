"""`storytrace trace --engine spark`, and the same as a script for ``spark-submit``.

The trace command calls :func:`trace_spark` when ``--engine spark`` is given. On a
cluster, submit this file itself (it needs no typer)::

    spark-submit --master yarn ... "$(python -c 'import storytrace.cli.spark as m;
        print(m.__file__)')" 's3a://bucket/news/*.jsonl.gz' --out s3a://bucket/stories.parquet

The Spark engine reads its inputs itself (no SQLite store, ``--db`` is not used) and
traces them all on every run.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

from storytrace.engines.core import TraceOptions

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from storytrace.engines.spark import SparkTraceReport


def trace_spark(sources: Sequence[str], *, options: TraceOptions, out_path: str | None = None,
                fmt: str = "text", limit: int = 20, master: str | None = "local[*]",
                partitions: int | None = None, driver_memory: str | None = None,
                checkpoint_dir: str | None = None, spark: SparkSession | None = None) -> int:
    """Trace ``sources`` with the Spark engine, print like the local engine; the exit code.

    ``fmt`` is ``"text"`` or ``"json"``; ``limit`` stories are printed (0: all).
    Returns 2 for a usage error, 1 when any input was rejected, else 0.
    """
    from storytrace.cli.output import err
    from storytrace.cli.stories import print_cap_notes

    if not sources:
        err.print("error: the spark engine reads its inputs itself: give files, folders or "
                  "globs (it does not use the --db store)")
        return 2
    try:
        from storytrace.engines.spark import run_trace_spark, spark_session
    except ImportError as exc:
        err.print(f"error: --engine spark needs the spark extra ({exc.name} is missing): "
                  "pip install 'storytrace[spark]'")
        return 2
    session = spark or spark_session(master, partitions=partitions,
                                     driver_memory=driver_memory)
    session.sparkContext.setLogLevel("ERROR")
    try:
        with warnings.catch_warnings():
            # The notes a run leaves are printed below, once, as the local engine's are.
            warnings.simplefilter("ignore", UserWarning)
            result = run_trace_spark(
                list(sources), options, output=str(out_path) if out_path else None,
                spark=session, partitions=partitions, checkpoint_dir=checkpoint_dir,
                log=(lambda m: err.print(f"spark: {m}")) if err.is_terminal else None)
        report = result.report
        stories = result.story_dicts(limit or None)
    finally:
        if spark is None:
            session.stop()
    for message in report.errors:
        err.print(f"error: {message}")
    for note in report.notes:
        err.print(f"note: {note}")
    print_cap_notes(report, options, ", ".join(
        f"{c['size']} articles (e.g. {c['first_ids'][0]})"
        for c in report.capped[:3] if c["first_ids"]))
    if fmt == "json":
        _print_json(sources, out_path, report, stories)
    else:
        _print_text(report, stories)
    return 1 if report.rejected else 0


def _print_json(sources: Sequence[str], out_path: str | None, report: SparkTraceReport,
                stories: list[dict]) -> None:
    from storytrace.cli.output import print_json

    print_json({"engine": "spark", "inputs": list(sources), "out": out_path,
                "articles": report.signed, "report": report.to_dict(),
                "stories_total": report.stories, "stories": stories})


def _print_text(report: SparkTraceReport, stories: list[dict]) -> None:
    from storytrace.cli.output import out
    from storytrace.cli.stories import print_story

    out.print(f"{report.signed} articles · {report.verified} candidate pairs aligned · "
              f"{report.links_added} reuse links · {report.story_candidates} same-story "
              f"candidates, {report.story_links_added} linked · {report.stories} stories with "
              f"2+ articles "
              f"(spark: " + ", ".join(f"{k} {v:.0f} s" for k, v in report.seconds.items())
              + ")")
    for d in stories:
        print_story(d)


def main(argv: Sequence[str] | None = None) -> int:
    """``spark-submit storytrace/cli/spark.py INPUTS... [--out PATH]`` (or ``python -m``)."""
    ap = argparse.ArgumentParser(prog="storytrace-spark", description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="JSONL/Parquet/WARC/… files, folders or globs "
                                              "(local, hdfs://, s3a://, gs://)")
    ap.add_argument("--out", help="stories: a .parquet folder, else JSON Lines part files")
    ap.add_argument("--master", default=None,
                    help="Spark master (default: spark-submit's, else local[*])")
    ap.add_argument("--partitions", type=int, help="shuffle partitions "
                                                   "(about 2-4 per executor core)")
    ap.add_argument("--checkpoint-dir", help="reliable checkpoints (a shared path) for the "
                                             "connected-components rounds")
    ap.add_argument("--threshold", type=float, default=0.2)
    ap.add_argument("--min-containment", type=float, default=0.1)
    ap.add_argument("--max-bucket", type=int, default=200)
    ap.add_argument("--max-candidates", type=int, default=200)
    ap.add_argument("--no-same-story", dest="same_story", action="store_false",
                    help="skip tier 2 (same-story links between articles that share "
                         "little wording)")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--limit", type=int, default=20, help="stories printed (0: all)")
    args = ap.parse_args(argv)
    options = TraceOptions(threshold=args.threshold, min_containment=args.min_containment,
                           max_bucket=args.max_bucket, max_candidates=args.max_candidates,
                           same_story=args.same_story)
    return trace_spark(args.inputs, options=options, out_path=args.out, fmt=args.format,
                       limit=args.limit, master=args.master, partitions=args.partitions,
                       checkpoint_dir=args.checkpoint_dir)


if __name__ == "__main__":
    sys.exit(main())
