"""`storytrace dedup --engine spark`: the dedup rule of :mod:`storytrace.engines.dedup`
over the Spark engine's trace, with the local engine's answer.

=========== ====================================================================
trace       :func:`~storytrace.engines.spark.run_trace_spark` (its reuse links)
entries     the articles read again as trace reads them; per article its
            :func:`~storytrace.engines.dedup.entry` (time, length, exact key)
near        reuse links joined with both lengths, kept where
            :func:`~storytrace.engines.dedup.duplicate_evidence` says so
exact       each exact-key group as a star around its smallest seq
components  :func:`~storytrace.engines.spark.connected_components` over both
keepers     per component, :func:`~storytrace.engines.dedup.choose_keepers` in a
            Python task (a component holds every duplicate of each member)
write       kept articles by seq, each with the number it stands for; the drop
            report by dropped seq: part files whose concatenation is the local file
=========== ====================================================================

The local rule is greedy in rank order, but its choices inside one component never
depend on another component, so running it per component gives the same drops.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storytrace.engines.core import TraceOptions
from storytrace.engines.dedup import DEFAULT_MIN_OVERLAP, DROP_FIELDS, EXPORT_FIELDS

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession

    from storytrace.engines.spark import SparkTraceReport

_ENTRY_SCHEMA = "seq long, id string, time double, length long, exact string"
_NEAR_SCHEMA = "a_seq long, b_seq long, evidence string"
_DROP_SCHEMA = ("dropped_seq long, kept_seq long, line string, dropped string, kept string, "
                "reason string, rule string, overlap_dropped double, overlap_kept double, "
                "evidence string")


@dataclass
class SparkDedupResult:
    """The trace's report, the dedup summary, and the drops (a persisted DataFrame with
    ``dropped_seq, kept_seq, line`` and the columns of ``DROP_FIELDS``)."""

    trace: SparkTraceReport
    summary: dict
    drops: DataFrame
    outputs: dict = field(default_factory=dict)

    def drop_dicts(self) -> list[dict]:
        """Every drop record as the local engine writes it (collects: small runs, tests)."""
        return [json.loads(r.line) for r in
                self.drops.orderBy("dropped_seq").select("line").collect()]


def run_dedup_spark(inputs: list[str], min_overlap: float = DEFAULT_MIN_OVERLAP, *,
                    out: str | None = None, kind: str = "jsonl", drops_out: str | None = None,
                    options: TraceOptions | None = None, spark: SparkSession | None = None,
                    partitions: int | None = None, log: Callable[[str], None] | None = None
                    ) -> SparkDedupResult:
    """Trace ``inputs`` on Spark and keep one article per duplicate cluster.

    ``out`` and ``drops_out`` (folders of part files, ``kind`` ``jsonl`` or ``parquet``)
    get the kept articles and the drop report. ``options``: the trace settings (default:
    ``trace``'s, without family trees, which dedup does not read).
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from storytrace.engines.spark import connected_components, run_trace_spark, spark_session

    spark = spark or spark_session(partitions=partitions)
    disk = StorageLevel.MEMORY_AND_DISK
    traced = run_trace_spark(list(inputs), options or TraceOptions(trees=False), spark=spark,
                             partitions=partitions, log=log)
    traced.stories.unpersist()
    articles = _articles(spark, list(inputs)).persist(disk)
    entries = _frame(spark, articles.select("seq", "id", "published", "title", "text")
                     .rdd.mapPartitions(_entries), _ENTRY_SCHEMA).persist(disk)
    n_articles = entries.count()
    near = _near(spark, traced.links, entries, min_overlap).persist(disk)
    exact = _exact_edges(entries)
    edges = (near.select(F.col("a_seq").alias("a"), F.col("b_seq").alias("b"))
             .union(exact).persist(disk))
    if edges.limit(1).count():
        labels, _ = connected_components(edges)
        drops = _keepers(spark, labels, entries, near).persist(disk)
    else:
        drops = _frame(spark, spark.sparkContext.emptyRDD(), _DROP_SCHEMA)
    summary = _summary(drops, n_articles, min_overlap)
    outputs = {}
    if out:
        _write_kept(articles, drops, out, kind)
        outputs["out"] = out
    if drops_out:
        _write_drops(drops, drops_out, kind)
        outputs["drops"] = drops_out
    for frame in (edges, near, entries, articles, traced.links):
        frame.unpersist()
    return SparkDedupResult(traced.report, summary, drops, outputs)


def _articles(spark: SparkSession, inputs: list[str]) -> DataFrame:
    """The articles, read and de-duplicated by id as ``run_trace_spark`` reads them (same
    ``seq``); the trace result does not hand its own back."""
    from pyspark.sql import functions as F

    from storytrace.engines.spark import _dedupe, _read, expand_inputs
    from storytrace.ingest import IngestOptions

    files, _ = expand_inputs(inputs, spark)
    records = _read(spark, files, IngestOptions())
    return _dedupe(records.where(F.col("reason").isNull()))[0]


def _frame(spark: SparkSession, rows: RDD[tuple], schema: str) -> DataFrame:
    return spark.createDataFrame(rows, schema, verifySchema=False)


def _entries(rows: Iterator) -> Iterator[tuple]:
    from storytrace.engines.dedup import entry

    for r in rows:
        e = entry(r.seq, r.id, r.published, r.title, r.text)
        yield (e.seq, e.id, e.time, e.length, e.exact)


def _near(spark: SparkSession, links: DataFrame, entries: DataFrame, min_overlap: float
          ) -> DataFrame:
    """``a_seq, b_seq, evidence`` (JSON) of the links that make near duplicates."""
    from pyspark.sql import functions as F

    lengths = entries.select("seq", "length")
    joined = (links.where(F.col("kind") == "reuse")
              .join(lengths.toDF("a_seq", "len_a"), "a_seq")
              .join(lengths.toDF("b_seq", "len_b"), "b_seq"))

    def decide(rows: Iterator) -> Iterator[tuple]:
        from storytrace.engines.dedup import duplicate_evidence

        for r in rows:
            ev = duplicate_evidence(r.kind, r.coverage_a, r.coverage_b, json.loads(r.evidence),
                                    r.len_a, r.len_b, min_overlap)
            if ev is not None:
                yield (r.a_seq, r.b_seq, json.dumps(ev))
    return _frame(spark, joined.rdd.mapPartitions(decide), _NEAR_SCHEMA)


def _exact_edges(entries: DataFrame) -> DataFrame:
    """``a, b``: each member of an exact-key group of two or more joined to its smallest."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    group = Window.partitionBy("exact")
    return (entries.where(F.col("exact").isNotNull())
            .withColumn("first", F.min("seq").over(group))
            .where(F.col("seq") != F.col("first"))
            .select(F.col("first").alias("a"), F.col("seq").alias("b")))


def _keepers(spark: SparkSession, labels: DataFrame, entries: DataFrame, near: DataFrame
             ) -> DataFrame:
    """The drop rows: ``choose_keepers`` once per component, in a Python task."""
    members = labels.toDF("seq", "component").join(entries, "seq")
    inside = labels.toDF("a_seq", "component").join(near, "a_seq")
    keyed = (members.rdd.map(lambda r: (r.component, ("m", (r.seq, r.id, r.time, r.length,
                                                             r.exact))))
             .union(inside.rdd.map(lambda r: (r.component, ("e", (r.a_seq, r.b_seq,
                                                                  r.evidence))))))
    return _frame(spark, keyed.groupByKey().flatMap(_component_drops), _DROP_SCHEMA)


def _component_drops(item: tuple[int, Iterable[tuple[str, tuple]]]) -> Iterator[tuple]:
    from storytrace.engines.dedup import Entry, choose_keepers, drop_row, json_line

    entries, near = [], {}
    for tag, value in item[1]:
        if tag == "m":
            entries.append(Entry(*value))
        else:
            near[(value[0], value[1])] = json.loads(value[2])
    for d in choose_keepers(entries, near):
        row = drop_row(d, parquet=True)
        yield (d["dropped_seq"], d["kept_seq"], json_line(drop_row(d)),
               *(row[k] for k in DROP_FIELDS))


def _summary(drops: DataFrame, articles: int, min_overlap: float) -> dict:
    from storytrace.engines.dedup import summarise

    counted = drops.groupBy("reason", "rule").count().collect()
    return summarise(articles, {(r.reason, r.rule): r["count"] for r in counted}, min_overlap)


def _write_kept(articles: DataFrame, drops: DataFrame, out: str, kind: str) -> None:
    """Kept articles by seq with the number each stands for, as the local file."""
    from pyspark.sql import functions as F

    counts = drops.groupBy(F.col("kept_seq").alias("seq")).agg(F.count("*").alias("duplicates"))
    kept = (articles.join(drops.select(F.col("dropped_seq").alias("seq")), "seq", "left_anti")
            .join(counts, "seq", "left")
            .withColumn("duplicates", F.coalesce("duplicates", F.lit(0)).cast("long")))
    if kind == "parquet":
        columns = [F.coalesce(c, F.lit("")).alias(c) if c != "published" else F.col(c)
                   for c in EXPORT_FIELDS]
        (kept.orderBy("seq").select(*columns, "duplicates")
         .write.mode("overwrite").parquet(out))
        return

    def lines(rows: Iterator) -> Iterator[tuple[int, str]]:
        from storytrace.engines.dedup import export_record, json_line

        for r in rows:
            yield (r.seq, json_line(export_record(r.asDict(), r.duplicates)))
    frame = kept.rdd.mapPartitions(lines).toDF("seq long, line string")
    frame.orderBy("seq").select("line").write.mode("overwrite").text(out)


def _write_drops(drops: DataFrame, out: str, kind: str) -> None:
    ordered = drops.orderBy("dropped_seq")
    if kind == "parquet":
        ordered.select(*DROP_FIELDS).write.mode("overwrite").parquet(out)
    else:
        ordered.select("line").write.mode("overwrite").text(out)
