"""The Spark engine: `trace` on a cluster, with the same answers as the local engine.

Every decision is made by the functions the local engine uses, called inside Spark
tasks: ingest's readers make the articles, :class:`~storytrace.index.MinHasher` signs
them, :meth:`~storytrace.index.LSHIndex.band_hashes` bands them,
:func:`~storytrace.engines.core.estimated_containment` filters candidates,
:func:`~storytrace.engines.core.verify_link` (the Aligner and ``reuse_evidence``) decides
reuse, :class:`~storytrace.index.sketch.StorySketcher`,
:func:`~storytrace.index.sketch.tfidf_rows` and
:func:`~storytrace.index.sketch.nearest_sketches` propose same-story candidates,
:func:`~storytrace.engines.story_links.same_story_links` decides them, and
:func:`~storytrace.engines.core.cluster_links`,
:func:`~storytrace.engines.core.stable_story_ids` and ``Story.to_dict`` make the stories.
Spark only moves data between them:

=========== =====================================================================
read        JSONL through Hadoop's TextInputFormat (a large file is many tasks),
            Parquet through Spark, other formats (WARC, JSON, CSV, HTML, text)
            one local file per task
dedupe      by id, first occurrence kept, as the store does
sign        numpy batches per partition (MinHasher + band hashes)
band        one row per (article, band hash); bucket sizes counted with a map-side
            combine, and buckets over ``max_bucket`` removed by a broadcast anti-join
            *before* any bucket is gathered, so no task ever holds a giant bucket
pairs       every pair of each remaining bucket (at most ``max_bucket²/2``), distinct
contain     pairs joined with both signatures, ``estimated_containment`` filter,
            then ``cap_candidates``'s rule as a window over each article's pairs
verify      pairs joined with both texts, spread evenly, ``verify_link`` per pair
sketch      tier 2 (``same_story``): ``StorySketcher`` per Arrow batch; one row per
            (article, term); document frequency per term over the whole corpus,
            joined back; each article's TF-IDF row by ``tfidf_rows`` with those
            corpus-wide counts (terms in over ``max_bucket`` sketches dropped)
candidates  self-join of the kept rows on term (at most ``max_bucket`` articles a
            term), repartitioned by article; per block of articles one sparse
            matrix of them and their neighbours, ``nearest_sketches`` on it (each
            article's ``story_k`` nearest with cosine >= ``story_min_cosine``, bit for
            bit and tie for tie the local choice); union (max), minus linked pairs
            (shared-quote pairs stay: tier 2 reads them too)
score       candidates joined with titles and texts, spread evenly,
            ``same_story_links`` (entity gate, ``StorySimilarity``, ``verify_link``)
components  min-label propagation with pointer jumping, in DataFrames (no jars)
stories     one group per component (members cogrouped with links), clustered in
            the Python worker by ``cluster_links``; each story's family tree by
            ``story_tree`` (a reuse link leaving the story stays inside its component,
            so every candidate parent is at hand)
write       one story per row, in the local engine's order and schema
=========== =====================================================================

Order matters for identical answers: the local engine numbers articles as it reads
them (``seq``), aligns each pair lower ``seq`` first and feeds links to the
clustering in ``seq`` order. Here an article's ``seq`` is ``file index << 40 |
position in the file`` (byte offset for JSONL, record number otherwise), which
orders the same inputs the same way; tier 2's sparse matrices order their rows by
``seq`` and their columns by term hash, as the local engine's matrix does, which
makes each article's choice among tied cosines the same. The engine is not
incremental: each run traces all its inputs, and story ids are those a fresh local
store would give.
"""

from __future__ import annotations

import glob
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storytrace.engines.core import STORY_KINDS, TraceOptions, TraceReport
from storytrace.ingest import IngestError, IngestOptions
from storytrace.model import Article
from storytrace.text.boilerplate import Boilerplate, BoilerplateOptions

if TYPE_CHECKING:  # pyspark is an optional extra: imported where it is used
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkTraceReport", "SparkTraceResult", "connected_components", "expand_inputs",
           "nearest_in_block", "run_trace_spark", "spark_session", "weigh_sketches"]

Log = Callable[[str], None]

_POS_BITS = 40  # bits of seq for the position inside a file (byte offsets up to 1 TiB)
_JSONL = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_PARQUET = (".parquet",)
_TEXT_INPUT = "org.apache.hadoop.mapreduce.lib.input.TextInputFormat"
# Keys (longs) above this many are joined by a shuffle rather than broadcast.
_BROADCAST_KEYS = 2_000_000
_SIGN_CHARS = 16_000_000  # characters signed per numpy batch (bounds a worker's memory)
_PAIRS_PER_TASK = 1000  # verification tasks hold about this many pairs (~3 s of alignment)
_LINKS_PER_TASK = 20_000  # story tasks: links per pandas call (components are not split)
_POSTINGS_PER_TASK = 2_000_000  # sketch self-join rows per proposing task
_POSTINGS_PER_MATRIX = 500_000  # rows per sparse matrix inside a proposing task
_STORY_PAIRS_PER_TASK = 500  # same-story scoring tasks (entity gate, model, alignment)
_MAX_ERRORS = 100
_SEP = "\x1f"  # between outlet and url where a task needs both in one column

_RECORD_SCHEMA = ("key long, id string, content_hash string, title string, text string, "
                  "outlet string, url string, published string, where string, reason string")
_STORY_SCHEMA = ("story string, size long, line string, articles string, "
                 "outlets array<string>, first_published string, last_published string, "
                 "links string, tree string")
STORY_COLUMNS = ["story", "articles", "outlets", "first_published", "last_published", "links",
                 "tree"]


@dataclass
class SparkTraceReport(TraceReport):
    """What one Spark run did: the local engine's counts first, then the Spark-only ones.

    ``links_added`` counts tier 1's reuse links, ``story_links_added`` tier 2's links
    (same-story links, and reuse links that only alignment of a same-story candidate
    found), as the local engine's report does. ``story_postings`` is the number of
    (article, article, term) rows the sketch self-join made (at most ``max_bucket``
    per kept term and article). ``capped`` lists the largest capped buckets (``size``,
    ``band``, a few member ids);
    ``seconds`` is the wall time of each stage (each stage is materialised before the
    next starts, so these are per-stage costs, not overlapping).
    """

    files: int = 0
    read: int = 0
    rejected: int = 0
    duplicates: int = 0
    capped_members: int = 0
    capped: list[dict] = field(default_factory=list)
    story_postings: int = 0
    components: int = 0
    largest_component: int = 0
    cc_iterations: int = 0
    stories: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class SparkTraceResult:
    """The report, and the links and stories as (persisted) DataFrames.

    ``links``: ``a_seq, b_seq, a, b`` (article ids), ``kind, score, coverage_a,
    coverage_b, evidence`` (JSON). ``stories``: ``story, size, line`` (the JSON Lines
    record) and the Parquet columns of :data:`STORY_COLUMNS`.
    """

    report: SparkTraceReport
    output: str | None
    spark: SparkSession
    links: DataFrame
    stories: DataFrame

    def link_dicts(self) -> list[dict]:
        """Every link as a dict (collects to the driver: for small runs and tests)."""
        rows = self.links.orderBy("a_seq", "b_seq").collect()
        return [{"a": r.a, "b": r.b, "kind": r.kind, "score": r.score,
                 "coverage_a": r.coverage_a, "coverage_b": r.coverage_b,
                 "evidence": json.loads(r.evidence)} for r in rows]

    def story_dicts(self, limit: int | None = None) -> list[dict]:
        """Stories as ``Story.to_dict()`` gives them, largest first, as the local engine."""
        from pyspark.sql import functions as F

        ordered = self.stories.orderBy(F.desc("size"), F.asc("story"))
        rows = (ordered.limit(limit) if limit else ordered).select("line").collect()
        return [json.loads(r.line) for r in rows]

    def unpersist(self) -> None:
        self.links.unpersist()
        self.stories.unpersist()


def spark_session(master: str | None = "local[*]", *, app_name: str = "storytrace",
                  partitions: int | None = None, driver_memory: str | None = None,
                  conf: dict[str, str] | None = None) -> SparkSession:
    """A SparkSession for `trace` (``master=None``: whatever spark-submit configured).

    Python workers run this interpreter unless ``PYSPARK_PYTHON`` says otherwise, so
    they see the same storytrace and numpy as the driver.
    """
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    settings = {"spark.sql.adaptive.enabled": "true", "spark.ui.showConsoleProgress": "false",
                "spark.sql.execution.arrow.pyspark.enabled": "true"}
    if partitions:
        settings["spark.sql.shuffle.partitions"] = str(partitions)
    if driver_memory:
        settings["spark.driver.memory"] = driver_memory
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def run_trace_spark(inputs: list[str], options: TraceOptions = TraceOptions(), *,
                    output: str | None = None, spark: SparkSession | None = None,
                    master: str = "local[*]", ingest: IngestOptions | None = None,
                    partitions: int | None = None, checkpoint_dir: str | None = None,
                    log: Log | None = None) -> SparkTraceResult:
    """Trace ``inputs`` (paths, folders or globs; local or any Hadoop file system) on Spark.

    ``output`` ending in ``.parquet`` gets Parquet, anything else JSON Lines; either is
    a folder of part files whose concatenation (in name order) is the local engine's
    ``--out`` file. ``spark``: a session to use (else one on ``master`` is made and left
    running, since the result's DataFrames live in it). ``partitions``: shuffle
    partitions. ``checkpoint_dir``: reliable checkpoints for the components loop
    (default: local checkpoints, fine unless executors come and go). ``log`` gets one
    line per finished stage.

    The steps, each a function below: read and dedupe the inputs (:func:`_read_step`),
    count site boilerplate (:func:`_boilerplate_step`), find and verify reuse links
    (:func:`_reuse_step`), same-story links (:func:`_same_story`), then connected
    components and stories (:func:`_stories_step`).
    """
    spark = spark or spark_session(master, partitions=partitions)
    if partitions:
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
    report = SparkTraceReport()
    clock = _Clock(spark.sparkContext, report.seconds, log)
    articles = _read_step(spark, inputs, ingest or IngestOptions(), report, clock)
    model = _boilerplate_step(articles, options, report, clock)
    links = _reuse_step(spark, articles, options, report, clock, model)
    if options.same_story:
        links = _same_story(spark, articles, links, options, report, clock, model)
    stories = _stories_step(spark, articles, links, options, report, clock, checkpoint_dir)
    if output:
        with clock("write"):
            _write(stories, output)
    return SparkTraceResult(report, output, spark, links, stories)


def _read_step(spark: SparkSession, inputs: list[str], ingest: IngestOptions,
               report: SparkTraceReport, clock: _Clock) -> DataFrame:
    """Stages "read" and "dedupe": the persisted articles, one row per kept id; the
    report gets the files, records read, rejections with their first errors, and
    duplicates."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    disk = StorageLevel.MEMORY_AND_DISK
    with clock("read"):
        files, missing = expand_inputs(inputs, spark)
        report.files = len(files)
        records = _read(spark, files, ingest).persist(disk)
        errors = records.where(F.col("reason").isNotNull())
        report.read = records.count()
        bad = [f"{r.where}: {r.reason}" for r in
               errors.orderBy("key").limit(_MAX_ERRORS).collect()]
        report.errors = [f"{m}: no such file or directory" for m in missing] + bad
        report.rejected = len(missing) + errors.count()
    with clock("dedupe"):
        articles, report.duplicates, conflicts, n_conflicts = _dedupe(
            records.where(F.col("reason").isNull()))
        articles = articles.persist(disk)
        report.signed = articles.count()
        report.rejected += n_conflicts
        report.errors += conflicts
        records.unpersist()
    return articles


def _boilerplate_step(articles: DataFrame, options: TraceOptions, report: SparkTraceReport,
                      clock: _Clock) -> Boilerplate | None:
    """Stage "boilerplate": the corpus's site boilerplate (``None`` when the option is off)."""
    if not options.boilerplate:
        return None
    with clock("boilerplate"):
        model = _boilerplate(articles, options.boilerplate)
        report.boilerplate_blocks = len(model)
        report.boilerplate_sites = len({site for site, _ in model.site_blocks
                                        if not site.startswith("*")})
    return model


def _reuse_step(spark: SparkSession, articles: DataFrame, options: TraceOptions,
                report: SparkTraceReport, clock: _Clock, model: Boilerplate | None
                ) -> DataFrame:
    """Stages "sign", "band", "containment" and "verify": the persisted reuse links, with
    both articles' ids (``a``, ``b``)."""
    from pyspark import StorageLevel

    disk = StorageLevel.MEMORY_AND_DISK
    with clock("sign"):
        sigs = _sign(spark, articles, options).persist(disk)
        sigs.count()
    with clock("band"):
        pairs = _candidate_pairs(sigs, articles, options.max_bucket, report).persist(disk)
        report.candidates = pairs.count()
    with clock("containment"):
        contained = _contained(spark, pairs, sigs, options.min_containment).persist(disk)
        report.below_containment = report.candidates - contained.count()
        todo = _cap(contained, articles, options.max_candidates, report).persist(disk)
        report.verified = todo.count()
        contained.unpersist()
        pairs.unpersist()
        sigs.unpersist()
    with clock("verify"):
        tasks = max(spark.sparkContext.defaultParallelism * 2,
                    math.ceil(report.verified / _PAIRS_PER_TASK))
        links = _verify(spark, todo, report.verified, articles, options, tasks, model)
        ids = articles.select("seq", "id")
        links = (links.join(ids.toDF("a_seq", "a"), "a_seq").join(ids.toDF("b_seq", "b"), "b_seq")
                 .persist(disk))
        report.links_added = links.count()
        todo.unpersist()
    return links


def _stories_step(spark: SparkSession, articles: DataFrame, links: DataFrame,
                  options: TraceOptions, report: SparkTraceReport, clock: _Clock,
                  checkpoint_dir: str | None) -> DataFrame:
    """Stages "components" and "stories": the persisted stories of the links that make
    them (a shared quotation alone does not); ``articles`` is unpersisted after."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    disk = StorageLevel.MEMORY_AND_DISK
    sc = spark.sparkContext
    with clock("components"):
        checkpoint = None
        if checkpoint_dir:
            sc.setCheckpointDir(checkpoint_dir)
            checkpoint = _reliable_checkpoint
        story_links = links.where(F.col("kind").isin(*STORY_KINDS))
        labels, report.cc_iterations = connected_components(
            story_links.select(F.col("a_seq").alias("a"), F.col("b_seq").alias("b")),
            checkpoint=checkpoint)
        labels = labels.persist(disk)
        sizes = labels.groupBy("component").count()
        stats = sizes.agg(F.count("*").alias("n"), F.max("count").alias("largest")).first()
        report.components = int(stats.n or 0)
        report.largest_component = int(stats.largest or 0)
    with clock("stories"):
        groups = max(sc.defaultParallelism * 2, math.ceil(
            (report.links_added + report.story_links_added) / _LINKS_PER_TASK))
        stories = _stories(articles, story_links, labels, groups, options.trees).persist(disk)
        report.stories = stories.count()
        labels.unpersist()
        articles.unpersist()
    return stories


# -- inputs ------------------------------------------------------------------

def expand_inputs(inputs: Iterable[str], spark: SparkSession | None = None
                  ) -> tuple[list[str], list[str]]:
    """``(files, missing)``: every file an input names, in the order local ingest reads them.

    Local paths: a glob is expanded and sorted (as a shell would), a folder is walked
    recursively in sorted order with hidden entries skipped (as ``read_sources``
    does). Paths with a scheme (``hdfs://``, ``s3a://``, ``gs://``…) are listed through
    Hadoop's FileSystem of ``spark``; names starting with ``.`` or ``_`` are skipped.
    """
    files: list[str] = []
    missing: list[str] = []
    for item in inputs:
        item = str(item)
        if _has_scheme(item) and not item.startswith("file:"):
            if spark is None:
                raise ValueError(f"{item}: a remote path needs a SparkSession to list it")
            found = _hadoop_files(spark, item)
        else:
            local = item.removeprefix("file://").removeprefix("file:")
            matches = sorted(glob.glob(local)) if glob.has_magic(local) else [local]
            found = [f for m in matches for f in _local_files(Path(m))]
        if not found:
            missing.append(item)
        files += found
    return files, missing


def _has_scheme(path: str) -> bool:
    head = path.split("/", 1)[0]
    return head.endswith(":") and len(head) > 2  # not a Windows drive letter


def _local_files(path: Path) -> list[str]:
    if path.is_file():
        return [str(path.resolve())]
    if not path.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += [Path(dirpath) / name for name in filenames if not name.startswith(".")]
    # Sorted as Paths, not strings, exactly as read_sources orders a folder.
    return [str(p.resolve()) for p in sorted(found)]


def _hadoop_files(spark: SparkSession, pattern: str) -> list[str]:
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(pattern)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    found = []
    for status in fs.globStatus(path) or []:
        if status.isDirectory():
            listing = fs.listFiles(status.getPath(), True)
            while listing.hasNext():
                found.append(listing.next().getPath())
        else:
            found.append(status.getPath())
    return sorted(str(p) for p in found if not str(p.getName()).startswith((".", "_")))


def _kind(path: str, ingest: IngestOptions) -> str:
    lower = path.lower()
    if ingest.format == "jsonl" or (ingest.format == "auto" and lower.endswith(_JSONL)):
        return "jsonl"
    if ingest.format == "auto" and lower.endswith(_PARQUET):
        return "parquet"
    return "file"


def _read(spark: SparkSession, files: list[str], ingest: IngestOptions) -> DataFrame:
    """One row per record read: an article, or an error (``reason`` set)."""
    sc = spark.sparkContext
    parts, whole, parquet = [], [], []
    conf = {"mapreduce.input.linerecordreader.line.maxlength": str(ingest.max_bytes)}
    for index, path in enumerate(files):
        kind = _kind(path, ingest)
        if kind == "jsonl":
            lines = sc.newAPIHadoopFile(path, _TEXT_INPUT, "org.apache.hadoop.io.LongWritable",
                                        "org.apache.hadoop.io.Text", conf=conf)
            parts.append(lines.mapPartitions(_jsonl_reader(index, path, ingest)))
        elif kind == "parquet":
            parquet.append((index, path))
        else:
            whole.append((index, path))
    if whole:
        parts.append(sc.parallelize(whole, len(whole)).flatMap(_file_reader(ingest)))
    frames = [_frame(spark, sc.union(parts), _RECORD_SCHEMA)] if parts else []
    frames += [_read_parquet(spark, index, path, ingest) for index, path in parquet]
    if not frames:
        return spark.createDataFrame([], _RECORD_SCHEMA)
    out = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out


def _frame(spark: SparkSession, rows: Any, schema: str) -> DataFrame:
    """A DataFrame of the tuples our own code made: the per-row type check is skipped."""
    return spark.createDataFrame(rows, schema, verifySchema=False)


def _row(key: int, result: Article | IngestError) -> tuple:
    if isinstance(result, IngestError):
        return (key, None, None, None, None, None, None, None, result.where, result.reason)
    a = result
    return (key, a.id, a.content_hash, a.title, a.text, a.outlet, a.url,
            a.published.isoformat() if a.published else None, a.source, None)


def _jsonl_reader(index: int, path: str, ingest: IngestOptions
                  ) -> Callable[[Iterator], Iterator[tuple]]:
    def read(lines: Iterator[tuple[int, str]]) -> Iterator[tuple]:
        from storytrace.ingest.records import jsonl_articles
        from storytrace.ingest.sources import _checked

        for offset, line in lines:
            data = line.encode("utf-8", "surrogatepass")
            found = jsonl_articles([data], f"{path}@{offset}", ingest.fields, ingest.max_bytes)
            for result in _checked(found, ingest):
                yield _row((index << _POS_BITS) | offset, result)
    return read


def _file_reader(ingest: IngestOptions) -> Callable[[tuple[int, str]], Iterator[tuple]]:
    def read(item: tuple[int, str]) -> Iterator[tuple]:
        from storytrace.ingest import read_sources

        index, path = item
        for n, result in enumerate(read_sources([path], ingest)):
            yield _row((index << _POS_BITS) | n, result)
    return read


def _read_parquet(spark: SparkSession, index: int, path: str, ingest: IngestOptions
                  ) -> DataFrame:
    """Parquet rows through ingest's field mapping (not readable by local ingest)."""
    frame = spark.read.parquet(path).select("*", "_metadata.row_index")

    def read(rows: Iterator) -> Iterator[tuple]:
        from storytrace.ingest.fields import RecordError
        from storytrace.ingest.sources import _checked

        for row in rows:
            record = row.asDict(recursive=True)
            n = record.pop("row_index")
            where = f"{path}#{n}"
            try:
                found = [ingest.fields.to_article(record, where)]
            except (RecordError, ValueError) as exc:
                found = [IngestError(where, str(exc))]
            for result in _checked(iter(found), ingest):
                yield _row((index << _POS_BITS) | n, result)
    return _frame(spark, frame.rdd.mapPartitions(read), _RECORD_SCHEMA)


def _dedupe(records: DataFrame) -> tuple[DataFrame, int, list[str], int]:
    """``(articles, unchanged copies, conflict messages, conflicts)``.

    The first record of each id is kept, as the store keeps it; later copies with the
    same content are counted, those with other content are conflicts, reported as
    ``storytrace ingest`` reports them.

    Only ``(key, id, content_hash)`` is shuffled to find the copies; the texts stay
    where they were read, and the (usually few) copies are dropped by key.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    by_id = Window.partitionBy("id").orderBy("key")
    later = (records.select("key", "id", "content_hash", "where")
             .withColumn("nth", F.row_number().over(by_id))
             .withColumn("first_hash", F.first("content_hash").over(by_id))
             .where("nth > 1").persist())
    unchanged = later.where("content_hash = first_hash").count()
    conflicts = [f"{r.where}: id already stored with different content (id {r.id})"
                 for r in later.where("content_hash <> first_hash").orderBy("key")
                 .limit(_MAX_ERRORS).select("where", "id").collect()]
    copies = later.count()
    if copies:
        drop = later.select("key")
        records = records.join(F.broadcast(drop) if copies <= _BROADCAST_KEYS else drop,
                               "key", "left_anti")
    articles = records.select(F.col("key").alias("seq"), "id", "title", "text", "outlet",
                              "url", "published")
    later.unpersist()
    return articles, unchanged, conflicts, copies - unchanged


# -- signatures, buckets, candidates -------------------------------------------

def _sign(spark: SparkSession, articles: DataFrame, options: TraceOptions) -> DataFrame:
    """``seq, shingles, sig, bands``: MinHash signature and LSH band hashes, numpy batches.

    Arrow batches in and out (``mapInArrow``): texts reach numpy without a Python
    object per row, and the 64 band hashes of an article leave as one list column.
    """
    schema = "seq long, shingles long, sig binary, bands array<long>"

    def sign(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa

        from storytrace.index import LSHIndex, MinHasher
        from storytrace.index.minhash import shingle_count

        hasher = MinHasher(num_perm=options.num_perm, shingle=options.shingle, seed=1)
        lsh = LSHIndex(num_perm=options.num_perm, threshold=options.threshold,
                       weights=(0.1, 0.9))
        for batch in batches:
            seqs = batch.column("seq")
            texts = batch.column("text").to_pylist()
            for lo, hi in _spans(texts, options.batch, _SIGN_CHARS):
                chunk = texts[lo:hi]
                sigs = hasher.sign_many(chunk).astype(np.uint32)
                # Spark has no unsigned longs: the same 64 bits, read as signed.
                bands = lsh.band_hashes(sigs).view(np.int64)
                # The shingle count exactly as the local engine stores it.
                counts = [shingle_count(t, options.shingle) for t in chunk]
                offsets = np.arange(0, bands.size + 1, bands.shape[1], dtype=np.int32)
                yield pa.RecordBatch.from_arrays(
                    [seqs.slice(lo, hi - lo), pa.array(counts, pa.int64()),
                     pa.array([row.tobytes() for row in sigs], pa.binary()),
                     pa.ListArray.from_arrays(pa.array(offsets), pa.array(bands.ravel()))],
                    names=["seq", "shingles", "sig", "bands"])
    return articles.select("seq", "text").mapInArrow(sign, schema)


def _spans(texts: list[str], most: int, chars: int) -> Iterator[tuple[int, int]]:
    """``(lo, hi)`` runs of at most ``most`` texts and about ``chars`` characters.

    Signing holds a batch's bytes several times over (words, hashes, shingles), so a
    batch of long documents is cut short: memory follows characters, not rows.
    Signatures do not depend on how texts are batched.
    """
    lo = size = 0
    for i, text in enumerate(texts):
        if i > lo and (i - lo >= most or size + len(text) > chars):
            yield lo, i
            lo, size = i, 0
        size += len(text)
    if lo < len(texts):
        yield lo, len(texts)


def _candidate_pairs(sigs: DataFrame, articles: DataFrame, max_bucket: int,
                     report: SparkTraceReport) -> DataFrame:
    """Distinct ``(a, b)``, ``a < b``, sharing a bucket of at most ``max_bucket`` entries.

    The same buckets as :func:`storytrace.engines.core.bucket_pairs`: a bucket is a band
    hash value (hashes are salted by band), its size counts entries, its members are
    distinct articles. Oversized buckets are found from counts alone (combined on the
    map side) and dropped before members are gathered.
    """
    from pyspark.sql import functions as F

    entries = sigs.select("seq", F.posexplode("bands").alias("band", "h"))
    sizes = entries.groupBy("h").agg(F.count("*").alias("n"), F.min("band").alias("band"))
    big = sizes.where(F.col("n") > max_bucket).persist()
    stats = big.agg(F.count("*").alias("buckets"), F.sum("n").alias("entries")).first()
    report.capped_buckets = int(stats.buckets or 0)
    report.capped_members = int(stats.entries or 0)
    if report.capped_buckets:
        report.capped = _capped_examples(entries, big, articles)
        capped = big.select("h")
        if report.capped_buckets <= _BROADCAST_KEYS:
            capped = F.broadcast(capped)
        entries = entries.join(capped, "h", "left_anti")
    buckets = (entries.groupBy("h")
               .agg(F.array_sort(F.collect_set("seq")).alias("m"))
               .where(F.size("m") >= 2))
    pairs = buckets.select(F.inline(F.expr(
        "flatten(transform(sequence(1, size(m) - 1), i -> transform("
        "slice(m, i + 1, size(m) - i), y -> named_struct('a', element_at(m, i), 'b', y))))")))
    big.unpersist()
    return pairs.distinct()


def _capped_examples(entries: DataFrame, big: DataFrame, articles: DataFrame,
                     top: int = 10, sample: int = 3) -> list[dict]:
    """The largest capped buckets, each with its first few member ids (by seq)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    largest = big.orderBy(F.desc("n"), "h").limit(top).collect()
    if not largest:
        return []
    hashes = [r.h for r in largest]
    # A window sort spills to disk; it never holds a whole bucket in memory.
    first = (entries.where(F.col("h").isin(hashes))
             .withColumn("k", F.row_number().over(Window.partitionBy("h").orderBy("seq")))
             .where(F.col("k") <= sample)
             .join(articles.select("seq", "id"), "seq")
             .select("h", "k", "id").collect())
    members: dict[int, list[tuple[int, str]]] = {}
    for r in first:
        members.setdefault(r.h, []).append((r.k, r.id))
    return [{"bucket": f"{r.h & (2**64 - 1):016x}", "band": r.band, "size": r.n,
             "first_ids": [i for _, i in sorted(members.get(r.h, []))]} for r in largest]


def _contained(spark: SparkSession, pairs: DataFrame, sigs: DataFrame, min_containment: float
               ) -> DataFrame:
    """The candidate pairs whose estimated containment reaches ``min_containment``."""
    side = sigs.select("seq", "shingles", "sig")
    joined = (pairs.join(side.toDF("a", "na", "sa"), "a")
              .join(side.toDF("b", "nb", "sb"), "b"))

    def keep(rows: Iterator) -> Iterator[tuple[int, int]]:
        import numpy as np

        from storytrace.engines.core import estimated_containment

        for r in rows:
            share = estimated_containment(np.frombuffer(r.sa, dtype=np.uint32),
                                          np.frombuffer(r.sb, dtype=np.uint32), r.na, r.nb)
            if share >= min_containment:
                yield (r.a, r.b, share)
    return _frame(spark, joined.rdd.mapPartitions(keep), "a long, b long, c double")


def _cap(todo: DataFrame, articles: DataFrame, max_per_article: int,
         report: SparkTraceReport) -> DataFrame:
    """:func:`~storytrace.engines.core.cap_candidates` with a window: the kept ``(a, b)``."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ends = (todo.select(F.col("a").alias("art"), "a", "b", "c")
            .unionByName(todo.select(F.col("b").alias("art"), "a", "b", "c")))
    degree = ends.groupBy("art").count().where(F.col("count") > max_per_article).persist()
    report.capped_articles = degree.count()
    if not report.capped_articles:
        degree.unpersist()
        return todo.select("a", "b")
    top = (degree.join(articles.select(F.col("seq").alias("art"), "id"), "art")
           .orderBy(F.desc("count"), "art").limit(3).collect())
    report.capped_examples = [[r.id, int(r["count"])] for r in top]
    rank = Window.partitionBy("art").orderBy(F.desc("c"), "a", "b")
    dropped = (ends.join(degree.select("art"), "art")
               .withColumn("r", F.row_number().over(rank))
               .where(F.col("r") > max_per_article).select("a", "b").distinct())
    degree.unpersist()
    return todo.join(dropped, ["a", "b"], "left_anti").select("a", "b")


# -- verification ----------------------------------------------------------------

def _verify(spark: SparkSession, todo: DataFrame, pairs: int, articles: DataFrame,
            options: TraceOptions, tasks: int, model: Boilerplate | None = None) -> DataFrame:
    """Align every pair of ``todo`` (``pairs`` rows) through ``verify_link``, boilerplate
    set aside first (``without_boilerplate``); the links."""
    from pyspark.sql import functions as F

    shared = spark.sparkContext.broadcast(model)
    texts = articles.select("seq", _where(), "text", F.coalesce("title", F.lit("")))
    if 2 * pairs <= _BROADCAST_KEYS:
        needed = todo.select(F.col("a").alias("seq")).union(todo.select(F.col("b"))).distinct()
        # Only the texts of articles in some pair travel to the joins (a map-side
        # filter), not the whole corpus.
        texts = texts.join(F.broadcast(needed), "seq", "left_semi")
    joined = (todo.join(texts.toDF("a", "sa", "ta", "ha"), "a")
              .join(texts.toDF("b", "sb", "tb", "hb"), "b")
              # An explicit count: adaptive execution must not merge these into a few
              # big tasks, since alignment, not bytes, is what each pair costs.
              .repartition(tasks, "a", "b"))

    def verify(rows: Iterator) -> Iterator[tuple]:
        from storytrace.align import Aligner
        from storytrace.engines.core import verify_link, without_boilerplate

        aligner = Aligner(semantic=options.semantic)
        for r in rows:
            # the titles: an article's own headline is not its boilerplate here
            pair, aside = without_boilerplate({r.a: _article(r.a, r.ta, r.sa, r.ha),
                                               r.b: _article(r.b, r.tb, r.sb, r.hb)},
                                              shared.value, keep_titles=True)
            link = verify_link(r.a, r.b, pair[r.a], pair[r.b], aligner, options.verify, aside)
            if link is not None:
                yield (link.a_seq, link.b_seq, link.kind, link.score, link.coverage_a,
                       link.coverage_b, json.dumps(link.evidence, ensure_ascii=False))
    return _frame(
        spark, joined.rdd.mapPartitions(verify),
        "a_seq long, b_seq long, kind string, score double, coverage_a double, "
        "coverage_b double, evidence string")


# -- tier 2: same-story links ---------------------------------------------------------

_LINK_SCHEMA = ("a_seq long, b_seq long, kind string, score double, coverage_a double, "
                "coverage_b double, evidence string")


def _same_story(spark: SparkSession, articles: DataFrame, links: DataFrame,
                options: TraceOptions, report: SparkTraceReport, clock: _Clock,
                model: Boilerplate | None = None) -> DataFrame:
    """Tier 2 as the local engine's ``_find_same_story`` does it; all links (both tiers).

    Sketches (``StorySketcher``), corpus-wide document frequencies, TF-IDF rows
    (``tfidf_rows``, fed the corpus-wide counts), a self-join on kept terms, each
    article's nearest sketches (``nearest_sketches`` on the sub-matrix of its
    neighbours), candidates minus linked pairs (but for shared quotes), then
    ``same_story_links`` per pair.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    disk = StorageLevel.MEMORY_AND_DISK
    sc = spark.sparkContext
    with clock("sketch"):
        sketches = _sketch(articles, model).persist(disk)
        entries = _weigh(sketches, report.signed, options.max_bucket).persist(disk)
        entries.count()
        sketches.unpersist()
    with clock("story candidates"):
        left = entries.select(F.col("seq").alias("i"), "term")
        right = entries.select("term", F.col("seq").alias("j"), "v")
        postings = entries.groupBy("term").count()
        report.story_postings = int(postings.agg(F.sum(F.col("count") * F.col("count")))
                                    .first()[0] or 0)
        tasks = max(sc.defaultParallelism * 2,
                    math.ceil(report.story_postings / _POSTINGS_PER_TASK))
        joined = left.join(right, "term").repartition(tasks, "i").sortWithinPartitions("i")
        proposed = _propose(joined, options.story_k, options.story_min_cosine)
        found = proposed.groupBy("a", "b").agg(F.max("c").alias("c"))
        # a pair tier 1 found sharing only a quotation is scored all the same (as locally)
        linked = (links.where(F.col("kind") != "shared_quote")
                  .select(F.col("a_seq").alias("a"), F.col("b_seq").alias("b")))
        todo = found.join(linked, ["a", "b"], "left_anti").persist(disk)
        report.story_candidates = todo.count()
        entries.unpersist()
    with clock("same story"):
        tasks = max(sc.defaultParallelism * 2,
                    math.ceil(report.story_candidates / _STORY_PAIRS_PER_TASK))
        found = _score_same_story(spark, todo, report.story_candidates, articles, options,
                                  tasks, model)
        ids = articles.select("seq", "id")
        found = (found.join(ids.toDF("a_seq", "a"), "a_seq").join(ids.toDF("b_seq", "b"), "b_seq")
                 .persist(disk))
        report.story_links_added = found.count()
        todo.unpersist()
    # tier 2's verdict on a shared-quote pair replaces tier 1's link, as the store does
    kept = links.join(found.select("a_seq", "b_seq"), ["a_seq", "b_seq"], "left_anti")
    return kept.select(*links.columns).unionByName(found)


def _sketch(articles: DataFrame, model: Boilerplate | None = None) -> DataFrame:
    """``seq, terms, weights``: each article's ``StorySketcher`` sketch, in sketch order,
    made from its text with its site's boilerplate (``model``) set aside, as the local
    engine sketches it."""
    schema = "seq long, terms array<long>, weights array<float>"
    shared = articles.sparkSession.sparkContext.broadcast(model)

    def sketch(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa

        from storytrace.index.sketch import StorySketcher
        from storytrace.text.boilerplate import site_of

        sketcher = StorySketcher()
        for batch in batches:
            texts = batch.column("text").to_pylist()
            if shared.value is not None:
                texts = [shared.value.mask(t, site_of(o or "", u or ""))[0] for t, o, u in
                         zip(texts, batch.column("outlet").to_pylist(),
                             batch.column("url").to_pylist(), strict=True)]
            found = sketcher.sketch_many(texts)
            offsets = pa.array(np.cumsum([0] + [len(t) for t, _ in found], dtype=np.int32))
            terms = np.concatenate([t for t, _ in found] + [np.zeros(0, np.uint32)])
            weights = np.concatenate([w for _, w in found] + [np.zeros(0, np.float32)])
            yield pa.RecordBatch.from_arrays(
                [batch.column("seq"),
                 pa.ListArray.from_arrays(offsets, pa.array(terms.astype(np.int64))),
                 pa.ListArray.from_arrays(offsets, pa.array(weights, pa.float32()))],
                names=["seq", "terms", "weights"])
    return articles.select("seq", "text", "outlet", "url").mapInArrow(sketch, schema)


def _weigh(sketches: DataFrame, n: int, max_df: int) -> DataFrame:
    """``seq, term, v``: the kept entries of every article's TF-IDF row (``tfidf_rows``).

    Document frequencies are counted over all sketch entries (as the local engine
    counts them), joined back to each entry, and each article's row is weighed in a
    Python task from its own sketch and those corpus-wide counts.
    """
    from pyspark.sql import functions as F

    terms = sketches.select("seq", F.posexplode("terms").alias("pos", "term"))
    df = terms.groupBy("term").agg(F.count("*").alias("df"))
    dfs = (terms.join(df, "term").groupBy("seq")
           .agg(F.sort_array(F.collect_list(F.struct("pos", "df"))).alias("d"))
           .select("seq", F.col("d.df").alias("dfs")))
    rows = sketches.join(dfs, "seq").select("seq", "terms", "weights", "dfs")

    def weigh(batches: Iterator) -> Iterator:
        import pyarrow as pa

        for batch in batches:
            found = weigh_sketches(
                batch.column("seq").to_numpy(),
                batch.column("terms").value_lengths().to_numpy(),
                batch.column("terms").flatten().to_numpy(),
                batch.column("weights").flatten().to_numpy(),
                batch.column("dfs").flatten().to_numpy(), n, max_df)
            yield pa.RecordBatch.from_arrays([pa.array(x) for x in found],
                                             names=["seq", "term", "v"])
    return rows.mapInArrow(weigh, "seq long, term long, v double")


def weigh_sketches(seqs: Any, lengths: Any, terms: Any, weights: Any, entry_df: Any,
                   n: int, max_df: int) -> tuple[Any, Any, Any]:
    """``(seq, term, v)`` arrays: the kept entries of the TF-IDF rows of some sketches.

    The sketches of articles ``seqs`` lie end to end in ``terms`` and ``weights``
    (``lengths`` entries each, in sketch order), ``entry_df`` is each entry's document
    frequency over the whole corpus of ``n`` sketches. ``tfidf_rows`` weighs them, so
    each row is the one the local engine's corpus-wide matrix has (a term colliding
    with another in one sketch is summed into one entry, as there).

    >>> import numpy as np
    >>> seq, term, v = weigh_sketches(np.array([4, 9]), np.array([2, 1]), np.array([5, 3, 5]),
    ...                               np.array([2, 1, 1], np.float32), np.array([2, 1, 2]), 2, 1)
    >>> seq.tolist(), term.tolist(), [round(float(x), 4) for x in v]
    ([4], [3], [0.575])
    """
    import numpy as np

    from storytrace.index.sketch import tfidf_rows

    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    sketches = [(terms[lo:hi], weights[lo:hi]) for lo, hi in itertools.pairwise(bounds)]
    vocab, column = np.unique(terms, return_inverse=True)
    df = np.zeros(len(vocab), dtype=np.int64)
    df[column] = entry_df
    m = tfidf_rows(sketches, column, df, n, max_df)
    owner = np.repeat(np.arange(len(seqs)), np.diff(m.indptr))
    return (np.asarray(seqs)[owner], vocab[m.indices].astype(np.int64),
            m.data.astype(np.float64))


def _propose(joined: DataFrame, k: int, min_cosine: float) -> DataFrame:
    """``a, b, c``: each article ``i``'s nearest sketches, from rows ``term, i, j, v``
    (``j`` has ``term`` with weight ``v``; ``i`` has it too), sorted by ``i`` in each
    partition.

    Every ``i`` gets all its rows in one task. A batch of ``i`` becomes one sparse
    matrix: its rows are every article that shares a term with some ``i`` (in seq
    order, as the local engine orders its rows), its columns those terms (in hash
    order, as the local vocabulary); ``nearest_sketches`` then picks exactly what it
    picks from the whole corpus's matrix (see its docstring), ties included.
    """
    def propose(batches: Iterator) -> Iterator:
        import numpy as np
        import pyarrow as pa

        def flush(*columns: Any) -> Any:
            a, b, c = nearest_in_block(*columns, k=k, min_cosine=min_cosine)
            return pa.RecordBatch.from_arrays([pa.array(a), pa.array(b), pa.array(c)],
                                              names=["a", "b", "c"])

        held: list[list[Any]] = []
        size = 0
        for batch in batches:
            held.append([batch.column(c).to_numpy() for c in ("i", "term", "j", "v")])
            size += batch.num_rows
            if size >= _POSTINGS_PER_MATRIX:
                i, term, j, v = (np.concatenate(c) for c in zip(*held, strict=True))
                # The last i's rows may go on in the next batch: keep them.
                cut = int(np.searchsorted(i, i[-1]))
                if cut:
                    yield flush(i[:cut], term[:cut], j[:cut], v[:cut])
                held = [[i[cut:], term[cut:], j[cut:], v[cut:]]]
                size = len(i) - cut
        if size:
            yield flush(*(np.concatenate(c) for c in zip(*held, strict=True)))
    return joined.select("i", "term", "j", "v").mapInArrow(propose, "a long, b long, c double")


def nearest_in_block(i: Any, term: Any, j: Any, v: Any, *, k: int, min_cosine: float
                     ) -> tuple[Any, Any, Any]:
    """``(a, b, cosine)`` arrays: ``nearest_sketches`` for the articles ``i`` of one block.

    Rows ``(i, term, j, v)`` (numpy arrays) say that article ``j``'s TF-IDF row has
    ``v`` at ``term``, a term of article ``i``; every article sharing a kept term with
    an ``i`` of the block (``i`` itself included) must be there. Rows are ordered by
    seq and columns by term hash, as in the local engine's matrix, so each ``i`` gets
    the cosines, their order and hence its ``k`` nearest exactly as locally.

    >>> import numpy as np
    >>> rows = [(1, 7, 1, 0.6), (1, 7, 2, 0.6), (1, 9, 1, 0.8), (2, 7, 1, 0.6),
    ...         (2, 7, 2, 0.6), (2, 8, 2, 0.8)]
    >>> a, b, c = nearest_in_block(*map(np.array, zip(*rows)), k=5, min_cosine=0.2)
    >>> a.tolist(), b.tolist(), c.tolist()
    ([1], [2], [0.36])
    """
    import numpy as np
    from scipy import sparse

    from storytrace.index.sketch import nearest_sketches

    seqs, row = np.unique(j, return_inverse=True)
    terms, col = np.unique(term, return_inverse=True)
    # An article's entry comes once for each i of the block that has the term.
    code, first = np.unique(row * len(terms) + col, return_index=True)
    m = sparse.csr_matrix((v[first], (code // len(terms), code % len(terms))),
                          shape=(len(seqs), len(terms)))
    found = nearest_sketches(m, np.searchsorted(seqs, np.unique(i)), k=k,
                             min_cosine=min_cosine)
    pairs = np.array(list(found), dtype=np.int64).reshape(-1, 2)
    return (seqs[pairs[:, 0]], seqs[pairs[:, 1]],
            np.fromiter(found.values(), np.float64, len(found)))


def _score_same_story(spark: SparkSession, todo: DataFrame, pairs: int, articles: DataFrame,
                      options: TraceOptions, tasks: int, model: Boilerplate | None = None
                      ) -> DataFrame:
    """``same_story_links`` on every candidate of ``todo`` (``a, b, c``), boilerplate set
    aside first; the links."""
    from pyspark.sql import functions as F

    shared = spark.sparkContext.broadcast(model)
    texts = articles.select("seq", "title", _where(), "text", "published")
    if 2 * pairs <= _BROADCAST_KEYS:
        needed = todo.select(F.col("a").alias("seq")).union(todo.select(F.col("b"))).distinct()
        texts = texts.join(F.broadcast(needed), "seq", "left_semi")
    joined = (todo.join(texts.toDF("a", "ha", "sa", "ta", "pa"), "a")
              .join(texts.toDF("b", "hb", "sb", "tb", "pb"), "b")
              .repartition(tasks, "a", "b"))

    def score(rows: Iterator) -> Iterator[tuple]:
        from storytrace.align import Aligner
        from storytrace.engines.core import without_boilerplate
        from storytrace.engines.story_links import same_story_links
        from storytrace.stories import StorySimilarity

        similarity = StorySimilarity(semantic=options.semantic)
        aligner = Aligner(semantic=options.semantic)
        for chunk in iter(lambda: list(itertools.islice(rows, 500)), []):
            articles: dict[int, Article] = {}
            cosine = {}
            for r in chunk:
                articles[r.a] = _article(r.a, r.ta, r.sa, r.ha, language=True, published=r.pa)
                articles[r.b] = _article(r.b, r.tb, r.sb, r.hb, language=True, published=r.pb)
                cosine[(r.a, r.b)] = r.c
            articles, aside = without_boilerplate(articles, shared.value)
            for link in same_story_links(list(cosine), articles, cosine, similarity, aligner,
                                         options, aside):
                yield (link.a_seq, link.b_seq, link.kind, link.score, link.coverage_a,
                       link.coverage_b, json.dumps(link.evidence, ensure_ascii=False))
    return _frame(spark, joined.rdd.mapPartitions(score), _LINK_SCHEMA)


def _where() -> Any:
    """A column holding an article's outlet and url, for :func:`_article`."""
    from pyspark.sql import functions as F

    return F.concat_ws(_SEP, F.coalesce("outlet", F.lit("")),
                       F.coalesce("url", F.lit(""))).alias("where_from")


def _article(seq: int, text: str, where: str, title: str = "", *,
             language: bool = False, published: str | None = None) -> Article:
    """The article a task needs: its text, title and where it is from, (``language``) its
    language, as ingest detects it for the local engine's store, and its publication
    date (ISO 8601, as stored)."""
    from storytrace.text.language import detect_language

    outlet, _, url = where.partition(_SEP)
    return Article(text=text, id=str(seq), title=title or "", outlet=outlet, url=url,
                   language=detect_language(text) if language else "",
                   published=datetime.fromisoformat(published) if published else None)


# -- boilerplate ----------------------------------------------------------------------

def _boilerplate(articles: DataFrame, options: BoilerplateOptions) -> Boilerplate:
    """The corpus's boilerplate model, as the local engine's store counts it: each
    article's blocks (``count_blocks``) counted per site and over the corpus."""
    from pyspark.sql import functions as F

    def blocks(rows: Iterator) -> Iterator[tuple[str, int, list[int]]]:
        from storytrace.text.boilerplate import counted_keys, page_of, site_of

        for r in rows:
            site = site_of(r.outlet or "", r.url or "")
            by_site: dict[str, list[int]] = {}
            for where, key in counted_keys(r.text, site, options.min_words):
                by_site.setdefault(where, []).append(key)
            for where, keys in by_site.items():
                yield where, page_of(r.url or "", r.id), sorted(keys)

    # A page stored twice (one URL) counts once, as in the store.
    counts = (articles.select("id", "text", "outlet", "url").rdd.mapPartitions(blocks)
              .toDF("site string, page long, keys array<long>")
              .dropDuplicates(["site", "page"])
              .select("site", F.explode("keys").alias("key"))
              .groupBy("site", "key").count().persist())
    site = {(r.site, r.key) for r in counts.where((F.col("count") >= options.min_articles)
                                                  & (F.col("site") != "")).collect()}
    corpus = {r.key for r in counts.where(~F.col("site").startswith("*")).groupBy("key")
              .agg(F.sum("count").alias("n")).where(F.col("n") >= options.corpus_min)
              .collect()}
    counts.unpersist()
    return Boilerplate(frozenset(site), frozenset(corpus), options)


# -- connected components -----------------------------------------------------------

def connected_components(edges: DataFrame, *, max_iter: int = 100,
                         checkpoint: Callable[[DataFrame], DataFrame] | None = None
                         ) -> tuple[DataFrame, int]:
    """``(v, component)`` for every node of the undirected graph of ``(a, b)`` rows.

    A component is named by its smallest node. Large-star / small-star rounds
    (Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC 2014):
    every node is hooked onto the smallest node it can see until each component is
    a star around its minimum, which takes O(log n) rounds in practice where plain
    min-label propagation takes as many rounds as the longest path. Each step is a
    window minimum over one node's edges (no join, so no task holds more than one
    node's edges, and the planner's size estimates do not compound from round to
    round), and edges are checkpointed after each step to keep the plan short.
    Returns the labels and the number of rounds run.
    """
    from pyspark.sql import functions as F

    checkpoint = checkpoint or _local_checkpoint
    # Each edge once, larger end first.
    stars = checkpoint(edges.select(F.greatest("a", "b").alias("a"), F.least("a", "b").alias("b"))
                       .where(F.col("a") != F.col("b")).distinct())
    rounds = 0
    for rounds in range(1, max_iter + 1):  # noqa: B007 (the count is returned)
        stars = checkpoint(_small_star(checkpoint(_large_star(stars))))
        if _are_stars(stars):
            break
    else:
        raise RuntimeError(f"connected components did not converge in {max_iter} rounds")
    leaves = stars.select(F.col("a").alias("v"), F.col("b").alias("component"))
    roots = stars.select(F.col("b").alias("v"), F.col("b").alias("component")).distinct()
    return leaves.union(roots), rounds


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node's larger neighbours are re-hooked onto its smallest neighbour (or itself)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    both = edges.union(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    lowest = F.least(F.col("a"), F.min("b").over(Window.partitionBy("a")))
    return (both.withColumn("m", lowest).where(F.col("b") > F.col("a"))
            .select(F.col("b").alias("a"), F.col("m").alias("b")).distinct())


def _small_star(edges: DataFrame) -> DataFrame:
    """A node and its smaller neighbours are all hooked onto the smallest of those."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    lowest = F.min("b").over(Window.partitionBy("a"))
    return (edges.withColumn("m", lowest)
            .select(F.explode(F.array("a", "b")).alias("a"), F.col("m").alias("b"))
            .where(F.col("a") != F.col("b")).distinct())


def _are_stars(edges: DataFrame) -> bool:
    """Whether every node has at most one edge to a smaller node, and that node none."""
    from pyspark.sql import functions as F

    if edges.groupBy("a").count().where(F.col("count") > 1).limit(1).count():
        return False
    centres = edges.select(F.col("b").alias("a"))
    return not edges.join(centres, "a", "left_semi").limit(1).count()


def _local_checkpoint(frame: DataFrame) -> DataFrame:
    return frame.localCheckpoint(eager=True)


def _reliable_checkpoint(frame: DataFrame) -> DataFrame:
    return frame.checkpoint(eager=True)


# -- stories ---------------------------------------------------------------------

def _stories(articles: DataFrame, links: DataFrame, labels: DataFrame, groups: int,
             trees: bool = True) -> DataFrame:
    """Cluster each component in a Python task and turn its clusters into story rows,
    each with its family tree (``trees``).

    Components are dealt into ``groups`` hash groups, one pandas call per group (a call
    per component costs tens of milliseconds of Arrow set-up each); inside a call each
    component is clustered on its own. A component never spans two groups.
    """
    from pyspark.sql import functions as F

    # Fresh column names on each side: both sides derive from `labels`, and the
    # cogroup must not see one lineage twice.
    group = F.pmod(F.xxhash64("component"), F.lit(groups)).alias("group")
    columns = ["seq", "id", "title", "outlet", "published"] + (["text", "url"] if trees else [])
    members = (labels.toDF("seq", "component").join(articles, "seq")
               .select(group, "component", *columns))
    inside = (labels.toDF("a_seq", "component").join(links, "a_seq")
              .select(group, "component", "a_seq", "b_seq", "kind", "score", "coverage_a",
                      "coverage_b", "evidence"))
    return (members.groupBy("group").cogroup(inside.groupBy("group"))
            .applyInPandas(_group_stories, _STORY_SCHEMA))


def _group_stories(members: Any, links: Any) -> Any:
    """Story rows of every component in one hash group."""
    import pandas as pd

    by_component = dict(iter(links.groupby("component", sort=False)))
    rows = []
    for component, inside in members.groupby("component", sort=False):
        rows += _component_stories(inside, by_component[component])
    columns = [c.split()[0] for c in _STORY_SCHEMA.split(", ")]
    return pd.DataFrame(rows, columns=columns)


def _component_stories(members: Any, links: Any) -> list[dict]:
    """Story rows of one component: ``cluster_links`` and ``stable_story_ids`` decide,
    ``Story.to_dict`` writes, exactly as ``build_stories`` does for the local engine."""
    from storytrace.engines.core import (
        cluster_links,
        stable_story_ids,
        story_line,
        story_record,
        story_tree,
    )
    from storytrace.model import Link, Story

    members = members.sort_values("seq")
    seqs = [int(s) for s in members["seq"]]
    articles = {
        int(r.seq): Article(text=getattr(r, "text", ""), id=r.id, title=r.title,
                            outlet=r.outlet, url=getattr(r, "url", ""),
                            published=datetime.fromisoformat(r.published)
                            if isinstance(r.published, str) else None)
        for r in members.itertuples(index=False)}
    # Links in (a_seq, b_seq) order, as the store returns them: Louvain visits the
    # graph in insertion order, so the order is part of the answer.
    found = sorted((Link(int(r.a_seq), int(r.b_seq), r.kind, float(r.score),
                         float(r.coverage_a), float(r.coverage_b), json.loads(r.evidence))
                    for r in links.itertuples(index=False)), key=lambda x: (x.a_seq, x.b_seq))
    labels = cluster_links(seqs, found)
    # No earlier run to keep ids from: the ids a fresh local store gives.
    names = stable_story_ids(labels, [articles[s].id for s in seqs], {})
    groups: dict[str, list[int]] = {}
    for seq, name in zip(seqs, names, strict=True):
        groups.setdefault(name, []).append(seq)
    trees = "text" in members.columns
    rows = []
    for name, group in groups.items():
        within = set(group)
        story = Story(name, [articles[s] for s in group],
                      [x for x in found if x.a_seq in within and x.b_seq in within], group)
        d = story.to_dict()
        if trees:  # every link of a member is in its component, so is every candidate parent
            around = [x for x in found if x.a_seq in within or x.b_seq in within]
            d["tree"] = story_tree(story, around, articles).to_dict()
        rows.append({"size": len(group), "line": story_line(d), **story_record(d)})
    return rows


def _write(stories: DataFrame, output: str) -> None:
    """Largest stories first, ties by id: part files in name order are the local file."""
    from pyspark.sql import functions as F

    ordered = stories.orderBy(F.desc("size"), F.asc("story"))
    if output.rstrip("/").endswith(".parquet"):
        ordered.select(*STORY_COLUMNS).write.mode("overwrite").parquet(output)
    else:
        ordered.select("line").write.mode("overwrite").text(output)


# -- timing ------------------------------------------------------------------------

class _Clock:
    """Wall seconds per stage, and the stage's name on the Spark UI's jobs."""

    def __init__(self, sc: Any, seconds: dict[str, float], log: Log | None) -> None:
        self.sc, self.seconds, self.log = sc, seconds, log

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        self.sc.setJobDescription(f"storytrace: {stage}")
        start = time.perf_counter()
        yield
        self.seconds[stage] = round(time.perf_counter() - start, 2)
        self.sc.setJobDescription(None)
        if self.log:
            self.log(f"{stage}: {self.seconds[stage]:.1f} s")
