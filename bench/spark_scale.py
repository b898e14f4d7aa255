"""Local engine vs Spark engine on generated news corpora: time, peak memory, same answers.

    python bench/spark_scale.py --sizes 20000,100000          # both engines, each size
    python bench/spark_scale.py --sizes 300000 --engines spark --format json

Each size gets one corpus from bench/trace_scale.py's generator (10% planted copies
at four edit levels). Each engine then runs in its own process on that corpus, from
the JSONL file to a stories file, while this process samples the resident memory of
the child's whole process tree (for Spark: the JVM, which in local mode is driver and
executor at once, and every Python worker) every 0.2 s:

* local: ingest into a fresh SQLite store, ``run_trace``, ``build_stories``, write
  stories.jsonl (what ``storytrace trace CORPUS --out stories.jsonl`` does);
* spark: ``run_trace_spark`` on ``--master`` (default ``local[2]``: this machine's
  two cores), stories written as JSON Lines part files.

Same-story links (tier 2) are off in both, since the Spark engine does not compute
them yet. When both engines ran, their story files are compared line by line. The
Spark report's per-stage seconds give the per-stage rates docs/scaling.md projects
from.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import proctree  # bench/, the script's folder

HERE = Path(__file__).resolve().parent
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _generate(path: Path, n: int, reuse: float, seed: int) -> int:
    spec = importlib.util.spec_from_file_location("trace_scale", HERE / "trace_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return len(module.generate(path, n, reuse, seed))


def _options():
    from storytrace.engines.core import TraceOptions

    options = TraceOptions()
    if any(f.name == "same_story" for f in dataclasses.fields(options)):
        options = dataclasses.replace(options, same_story=False)
    return options


# -- the engines, each run as a child process ------------------------------------

def child_local(corpus: str, workdir: str) -> dict:
    from storytrace.engines.local import build_stories, run_trace
    from storytrace.pipeline import ingest
    from storytrace.store import Store

    seconds = {}
    start = time.perf_counter()
    with Store(Path(workdir) / "trace.db") as store:
        summary = ingest([corpus], store)
        seconds["ingest"] = time.perf_counter() - start
        mark = time.perf_counter()
        report = run_trace(store, _options())
        seconds["trace"] = time.perf_counter() - mark
        mark = time.perf_counter()
        stories = build_stories(store)
        with open(Path(workdir) / "local.jsonl", "w", encoding="utf-8") as f:
            for story in stories:
                f.write(json.dumps(story.to_dict(), ensure_ascii=False) + "\n")
        seconds["stories"] = time.perf_counter() - mark
    return {"articles": summary.added, "report": report.to_dict(), "stories": len(stories),
            "seconds": {k: round(v, 1) for k, v in seconds.items()}}


def child_spark(corpus: str, workdir: str, master: str, partitions: int | None,
                driver_memory: str) -> dict:
    from storytrace.engines.spark import run_trace_spark, spark_session

    spark = spark_session(master, partitions=partitions, driver_memory=driver_memory,
                          conf={"spark.ui.enabled": "false"})
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter()
    result = run_trace_spark([corpus], _options(), spark=spark,
                             output=str(Path(workdir) / "spark.jsonl"))
    total = time.perf_counter() - start
    report = result.report.to_dict()
    spark.stop()
    return {"articles": report["signed"], "report": report, "stories": report["stories"],
            "seconds": {"run": round(total, 1)}}


# -- measuring ------------------------------------------------------------------------

def run_child(args: list[str], timeout: float) -> dict:
    """Run this script as a child; return its JSON answer plus wall time and peak RSS."""
    cmd = [sys.executable, __file__, "--child", *args]
    try:
        m = proctree.measured(cmd, env=os.environ | THREADS, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if m["rc"] != 0:
        return {"error": f"exit {m['rc']}: {m['stderr'][-1500:]}"}
    answer = json.loads(m["stdout"].strip().splitlines()[-1])
    return answer | {"wall_s": round(m["wall_s"], 1), "peak_rss_mb": round(m["peak_rss_mb"])}


def _spark_lines(folder: Path) -> list[str]:
    return [line for part in sorted(folder.glob("part-*"))
            for line in part.read_text(encoding="utf-8").splitlines()]


def _rates(report: dict) -> dict:
    """Units per second of each Spark stage (articles, entries, pairs, links)."""
    s = report["seconds"]
    units = {"read": report["read"], "dedupe": report["signed"], "sign": report["signed"],
             "band": report["signed"], "containment": report["candidates"],
             "verify": report["verified"], "components": report["links_added"],
             "stories": report["links_added"], "write": report["stories"]}
    return {stage: round(units[stage] / s[stage], 1) for stage in units if s.get(stage)}


def measure(n: int, args: argparse.Namespace, workdir: Path) -> dict:
    corpus = workdir / f"corpus-{n}.jsonl"
    t0 = time.perf_counter()
    planted = _generate(corpus, n, args.reuse, args.seed)
    row: dict = {"articles": n, "planted": planted, "corpus_mb": round(corpus.stat().st_size
                                                                       / 2**20, 1),
                 "generate_s": round(time.perf_counter() - t0, 1)}
    for engine in args.engines:
        out = workdir / f"{engine}-{n}"
        out.mkdir(exist_ok=True)
        child = [engine, str(corpus), str(out)]
        if engine == "spark":
            child += [args.master, str(args.partitions or 0), args.driver_memory]
        row[engine] = run_child(child, args.timeout)
        if engine == "spark" and "report" in row[engine]:
            row[engine]["rates_per_s"] = _rates(row[engine]["report"])
    if all("report" in row.get(e, {}) for e in ("local", "spark")):
        local = (workdir / f"local-{n}" / "local.jsonl").read_text(encoding="utf-8").splitlines()
        spark = _spark_lines(workdir / f"spark-{n}" / "spark.jsonl")
        row["identical_stories"] = local == spark
        row["same_counts"] = all(row["local"]["report"][k] == row["spark"]["report"][k]
                                 for k in ("candidates", "verified", "links_added"))
    for engine in args.engines:
        row.get(engine, {}).get("report", {}).pop("errors", None)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,100000,300000",
                    help="comma-separated corpus sizes")
    ap.add_argument("--engines", default="local,spark", help="local, spark or both")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=8, help="Spark shuffle partitions")
    ap.add_argument("--driver-memory", default="6g", help="local mode: the one JVM's heap")
    ap.add_argument("--reuse", type=float, default=0.10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per engine run")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        engine, rest = args.child[0], args.child[1:]
        if engine == "local":
            answer = child_local(*rest)
        else:
            corpus, workdir, master, partitions, memory = rest
            answer = child_spark(corpus, workdir, master, int(partitions) or None, memory)
        print(json.dumps(answer))
        return
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        for n in sizes:
            results.append(measure(n, args, workdir))
            if args.format == "text":
                _print(results[-1], args.engines)
    if args.format == "json":
        print(json.dumps(results, indent=2))


def _print(row: dict, engines: list[str]) -> None:
    print(f"\n{row['articles']:,} articles ({row['corpus_mb']} MB JSONL, "
          f"{row['planted']} planted copies)")
    for engine in engines:
        r = row.get(engine, {})
        if "error" in r:
            print(f"  {engine:>5}: {r['error']}")
            continue
        rep = r["report"]
        print(f"  {engine:>5}: {r['wall_s']:>7.1f} s  peak {r['peak_rss_mb']:>6} MB  "
              f"candidates {rep['candidates']}  aligned {rep['verified']}  "
              f"links {rep['links_added']}  stories {r['stories']}")
        if engine == "spark":
            print("         stages (s): " + ", ".join(f"{k} {v}" for k, v in
                                                    rep["seconds"].items()))
    if "identical_stories" in row:
        print(f"  identical stories file: {row['identical_stories']}, same counts: "
              f"{row['same_counts']}")


if __name__ == "__main__":
    main()
