"""`storytrace dedup`: the keeper rule, the command on a small corpus, and Spark parity."""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.engines.dedup import (
    Entry,
    choose_keepers,
    drops_path,
    duplicate_evidence,
    exact_key,
    output_format,
)

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
DAY = 86400.0
EV = {"overlap": [0.95, 0.9], "link": "reuse", "kinds": {"verbatim": 1}}


def _drops(entries: list[Entry], near: dict) -> list[tuple[str, str, str, str]]:
    return [(d["dropped"], d["kept"], d["reason"], d["rule"])
            for d in choose_keepers(entries, near)]


# -- the rule ------------------------------------------------------------------------

def test_keeper_is_earliest_then_longest_then_id() -> None:
    es = [Entry(1, "late", 3 * DAY, 5000), Entry(2, "early", DAY, 800),
          Entry(3, "undated", None, 9000)]
    near = {(1, 2): EV, (1, 3): EV, (2, 3): EV}
    assert _drops(es, near) == [("late", "early", "near", "earlier"),
                                ("undated", "early", "near", "dated")]
    same_time = [Entry(1, "short", DAY, 800), Entry(2, "long", DAY, 900)]
    assert _drops(same_time, {(1, 2): EV}) == [("short", "long", "near", "longer")]
    tied = [Entry(1, "b", None, 900), Entry(2, "a", None, 900)]
    assert _drops(tied, {(1, 2): EV}) == [("b", "a", "near", "id")]


def test_no_chaining_every_drop_duplicates_its_keeper() -> None:
    """A~B and B~C, A and C unrelated: A is kept, B dropped for A, C kept (not dropped
    for A through B); with B first, both A and C are B's duplicates and go."""
    near = {(1, 2): EV, (2, 3): EV}
    chain = [Entry(1, "A", DAY, 900), Entry(2, "B", 2 * DAY, 900), Entry(3, "C", 3 * DAY, 900)]
    assert _drops(chain, near) == [("B", "A", "near", "earlier")]
    middle_first = [Entry(1, "A", 2 * DAY, 900), Entry(2, "B", DAY, 900),
                    Entry(3, "C", 3 * DAY, 900)]
    assert _drops(middle_first, near) == [("A", "B", "near", "earlier"),
                                          ("C", "B", "near", "earlier")]
    for d in choose_keepers(chain + middle_first, near):
        pair = tuple(sorted((d["dropped_seq"], d["kept_seq"])))
        assert d["reason"] == "exact" or pair in near


def test_exact_duplicates_need_no_link_and_overlap_is_oriented() -> None:
    es = [Entry(5, "x", 2 * DAY, 900, "k"), Entry(6, "y", DAY, 900, "k"),
          Entry(7, "z", None, 900, "k"), Entry(8, "w", DAY, 700)]
    drops = choose_keepers(es, {(6, 8): {"overlap": [0.97, 0.85], "link": "reuse"}})
    assert [(d["dropped"], d["kept"], d["reason"]) for d in drops] == [
        ("x", "y", "exact"), ("z", "y", "exact"), ("w", "y", "near")]
    w = drops[-1]
    assert (w["overlap_dropped"], w["overlap_kept"]) == (0.85, 0.97)  # w is the link's b
    assert drops[0]["evidence"] == {"same_text": True}


def test_what_counts_as_a_near_duplicate() -> None:
    assert duplicate_evidence("reuse", 0.95, 0.9, {}, 1000, 1000)["overlap"] == [0.95, 0.9]
    assert duplicate_evidence("reuse", 0.95, 0.5, {}, 1000, 1000) is None  # a quoted part
    assert duplicate_evidence("shared_quote", 1.0, 1.0, {}, 1000, 1000) is None
    assert duplicate_evidence("same_story", 0.0, 0.0, {}, 1000, 1000) is None
    # boilerplate set aside is not counted against the overlap
    ev = duplicate_evidence("reuse", 0.6, 0.9, {"boilerplate_chars": [300, 0]}, 1000, 1000)
    assert ev is not None and ev["overlap"] == [0.8571, 0.9]
    assert duplicate_evidence("reuse", 0.95, 0.9, {}, 1000, 1000, min_overlap=0.92) is None


def test_exact_key_folds_form_but_not_content() -> None:
    body = "The council “voted” — again —  to close the bridge. " * 5
    assert exact_key("A", body) == exact_key("B", body.upper().replace("“", '"'))
    assert exact_key("A", body) != exact_key("A", body.replace("close", "open"))
    assert exact_key("One", "Short.") != exact_key("Two", "Short.")  # short: title counts
    assert exact_key("", "") is None


def test_output_format_and_drop_report_path() -> None:
    assert output_format("a/b.jsonl") == "jsonl" and output_format("b.parquet") == "parquet"
    assert output_format("b.out", "parquet") == "parquet"
    with pytest.raises(ValueError, match=r"end it in \.jsonl or \.parquet"):
        output_format("b.csv")
    with pytest.raises(ValueError, match="jsonl or parquet"):
        output_format("b.jsonl", "csv")
    assert drops_path("out/clean.jsonl", "jsonl") == "out/clean.drops.jsonl"


# -- the command on a small corpus ------------------------------------------------------

def _writer(seed: int):
    spec = importlib.util.spec_from_file_location("trace_scale", ROOT / "bench" / "trace_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._Writer(random.Random(seed))


def _corpus(path: Path) -> None:
    """An original with an exact copy (respaced, other case, other title), an undated
    exact copy, a light edit with a sentence added; two unrelated articles, one of
    which another article quotes a paragraph of (reuse, not a duplicate)."""
    w = _writer(5)
    orig, other, own = w.sentences(260), w.sentences(300), w.sentences(320)
    edited = w.edit(orig, 0.03) + w.sentences(20)
    quoter = own[:8] + other[4:10] + own[8:]
    text = " ".join
    rows = [
        {"id": "orig", "title": "Bridge to close", "text": text(orig), "outlet": "Herald",
         "published": "2024-03-01T09:00:00Z"},
        {"id": "copy", "title": "BRIDGE CLOSES", "text": "  ".join(orig).upper(),
         "outlet": "Courier", "published": "2024-03-02T09:00:00Z"},
        {"id": "undated", "title": "Bridge", "text": text(orig), "outlet": "Blog"},
        {"id": "edit", "title": "Bridge to close, council says", "text": text(edited),
         "outlet": "Gazette", "published": "2024-03-01T12:00:00Z"},
        {"id": "other", "title": "Harbour plan", "text": text(other), "outlet": "Herald",
         "published": "2024-03-05T09:00:00Z"},
        {"id": "quoter", "title": "Harbour row", "text": text(quoter), "outlet": "Times",
         "published": "2024-03-06T09:00:00Z"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


EXPECTED_DROPS = [("copy", "orig", "exact", "earlier"), ("undated", "orig", "exact", "dated"),
                  ("edit", "orig", "near", "earlier")]


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_dedup_command_keeps_one_per_cluster(tmp_path: Path) -> None:
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "t.db"
    _corpus(corpus)
    result = runner.invoke(app, ["dedup", str(corpus), "--db", str(db), "--out",
                                 str(tmp_path / "clean.jsonl"), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["articles"], summary["kept"], summary["dropped"]) == (6, 3, 3)
    assert summary["by_reason"] == {"exact": 2, "near": 1}
    kept = _lines(tmp_path / "clean.jsonl")
    assert [(r["id"], r["duplicates"]) for r in kept] == [("orig", 3), ("other", 0),
                                                          ("quoter", 0)]
    assert set(kept[0]) == {"id", "title", "text", "outlet", "url", "published", "duplicates"}
    drops = _lines(tmp_path / "clean.drops.jsonl")
    assert [(d["dropped"], d["kept"], d["reason"], d["rule"]) for d in drops] == EXPECTED_DROPS
    edit = drops[-1]
    assert min(edit["overlap_dropped"], edit["overlap_kept"]) >= 0.8
    assert edit["evidence"]["link"] == "reuse" and edit["evidence"]["reused_chars"] > 1000
    # the quoting article was linked as reuse, and still kept: quoting is not duplicating
    from storytrace.store import Store
    from storytrace.store.corpus import CorpusIndex

    with Store(db) as store:
        ids = CorpusIndex(store).article_ids(CorpusIndex(store).all_seqs())
        pairs = {tuple(sorted((ids[x.a_seq], ids[x.b_seq]))): x.kind
                 for x in CorpusIndex(store).links()}
    assert pairs.get(("other", "quoter")) == "reuse"
    # a second run on the traced store (no sources) traces nothing and answers the same
    again = runner.invoke(app, ["dedup", "--db", str(db), "--out",
                                str(tmp_path / "again.jsonl")])
    assert again.exit_code == 0, again.output
    assert "kept 3 of 6 articles, dropped 3" in again.stdout
    assert "2 exact, 1 near" in again.stdout and "traced" not in again.stdout
    assert _lines(tmp_path / "again.drops.jsonl") == drops


def test_dedup_writes_parquet_readable_back(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "t.db"
    _corpus(corpus)
    result = runner.invoke(app, ["dedup", str(corpus), "--db", str(db), "--out",
                                 str(tmp_path / "clean.parquet"), "--min-overlap", "0.99"])
    assert result.exit_code == 0, result.output
    kept = pq.read_table(tmp_path / "clean.parquet").to_pylist()
    assert [r["id"] for r in kept] == ["orig", "edit", "other", "quoter"]  # edit < 0.99
    assert kept[0]["duplicates"] == 2 and kept[0]["published"] == "2024-03-01T09:00:00+00:00"
    drops = pq.read_table(tmp_path / "clean.drops.parquet").to_pylist()
    assert [(d["dropped"], d["reason"]) for d in drops] == [("copy", "exact"),
                                                            ("undated", "exact")]
    assert json.loads(drops[0]["evidence"]) == {"same_text": True}


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "c.jsonl", "--min-overlap", "0"], "--min-overlap must be in (0, 1]"),
    (["--out", "c.csv"], "end it in .jsonl or .parquet"),
    (["--out", "c.jsonl", "--out-format", "xml"], "--out-format must be jsonl or parquet"),
    (["--out", "c.jsonl", "--engine", "dask"], "--engine must be local or spark"),
    (["--out", "c.jsonl"], "no store at"),
    (["--out", "c.jsonl", "--engine", "spark"], "the spark engine reads its inputs itself"),
])
def test_bad_input_is_one_line_error(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["dedup", "--db", str(tmp_path / "none.db"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "none.db").exists()


# -- both engines ---------------------------------------------------------------------

@pytest.mark.slow
def test_spark_parity_with_local_engine(tmp_path: Path) -> None:
    """The small corpus plus 300 generated articles (30% copies: verbatim, light, heavy
    and excerpt): the same drops, kept file and Parquet on both engines."""
    pytest.importorskip("pyspark", reason="the spark extra is not installed")
    pytest.importorskip("pandas", reason="pyspark's applyInPandas needs pandas")
    pq = pytest.importorskip("pyarrow.parquet")
    if shutil.which("java") is None:
        pytest.skip("no java on PATH: Spark needs a JVM")
    from storytrace.engines.core import TraceOptions
    from storytrace.engines.dedup import dedup_store, write_store_dedup
    from storytrace.engines.local import run_trace
    from storytrace.engines.spark import spark_session
    from storytrace.engines.spark_dedup import run_dedup_spark
    from storytrace.pipeline import ingest
    from storytrace.store import Store

    spec = importlib.util.spec_from_file_location("trace_scale", ROOT / "bench" / "trace_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    planted = module.generate(tmp_path / "gen.jsonl", 300, 0.3, 4)
    _corpus(tmp_path / "small.jsonl")
    sources = [str(tmp_path / "small.jsonl"), str(tmp_path / "gen.jsonl")]
    options = TraceOptions(same_story=False, trees=False)  # tier 2 has its own parity test
    with Store(tmp_path / "t.db") as store:
        ingest(sources, store)
        run_trace(store, options)
        local = dedup_store(store, trace=False)
        write_store_dedup(store, local, tmp_path / "l.jsonl", "jsonl", tmp_path / "ld.jsonl")
        write_store_dedup(store, local, tmp_path / "l.parquet", "parquet",
                          tmp_path / "ld.parquet")
    levels = {copy: level for _, copy, level in planted}
    dropped = {d["dropped"] for d in local.drops}
    assert {c for c, lv in levels.items() if lv in ("verbatim", "light")} <= dropped
    assert not {c for c, lv in levels.items() if lv == "excerpt"} & dropped

    spark = spark_session("local[2]", partitions=4, app_name="storytrace-tests",
                          conf={"spark.ui.enabled": "false", "spark.driver.memory": "2g"})
    spark.sparkContext.setLogLevel("ERROR")
    try:
        result = run_dedup_spark(sources, out=str(tmp_path / "s.jsonl"),
                                 drops_out=str(tmp_path / "sd.jsonl"), options=options,
                                 spark=spark)
        assert result.summary == local.summary()
        assert result.drop_dicts() == _lines(tmp_path / "ld.jsonl")
        for ours, theirs in (("s.jsonl", "l.jsonl"), ("sd.jsonl", "ld.jsonl")):
            parts = sorted((tmp_path / ours).glob("part-*"))
            assert [x for p in parts for x in p.read_text(encoding="utf-8").splitlines()] \
                == (tmp_path / theirs).read_text(encoding="utf-8").splitlines()
        run_dedup_spark(sources, out=str(tmp_path / "s.parquet"), kind="parquet",
                        drops_out=str(tmp_path / "sd.parquet"), options=options, spark=spark)
        for ours, theirs in (("s.parquet", "l.parquet"), ("sd.parquet", "ld.parquet")):
            assert (pq.read_table(tmp_path / ours).to_pylist()
                    == pq.read_table(tmp_path / theirs).to_pylist())
    finally:
        spark.stop()
