"""`storytrace dedup` on both engines: kept/dropped counts, CPU, wall and peak memory.

    python bench/dedup_scale.py --n 10000                  # generated corpus, both engines
    python bench/dedup_scale.py --corpus corpus.jsonl      # any JSONL corpus

The generated corpus is bench/trace_scale.py's (10% planted copies: verbatim, light,
heavy, excerpt); its planted pairs say what should go: verbatim and light copies are
duplicates, excerpts are not. Each engine runs as its own process tree. CPU seconds are
user+sys of every process in the tree (Spark's JVM and Python workers included, which
``/usr/bin/time`` misses: the JVM is never waited for), sampled from /proc every 0.2 s;
peak RSS is the largest sum over the tree at one sample. Both outputs must be identical.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

import proctree  # bench/, the script's folder

ROOT = Path(__file__).resolve().parents[1]


def measure(cmd: list[str]) -> dict:
    """Run ``cmd``; its CPU seconds, wall seconds and peak RSS (whole process tree)."""
    m = proctree.measured(cmd)
    if m["rc"] not in (0, 1):
        raise SystemExit(f"{cmd} failed ({m['rc']}): {m['stderr'][-3000:]}")
    return {"cpu_s": round(m["cpu_seen_s"], 1), "wall_s": round(m["wall_s"], 1),
            "peak_rss_mb": round(m["peak_rss_mb"]), "summary": json.loads(m["stdout"])}


def _lines(path: Path) -> list[str]:
    files = sorted(path.glob("part-*")) if path.is_dir() else [path]
    return [x for f in files for x in f.read_text(encoding="utf-8").splitlines()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--corpus", help="a JSONL corpus instead of a generated one")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--engines", default="local,spark")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dedup-bench-"))
    planted = []
    corpus = Path(args.corpus) if args.corpus else work / "corpus.jsonl"
    if not args.corpus:
        spec = importlib.util.spec_from_file_location("ts", ROOT / "bench" / "trace_scale.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        planted = module.generate(corpus, args.n, 0.1, args.seed)
    base = [sys.executable, "-m", "storytrace", "dedup", str(corpus), "--format", "json"]
    rows = {}
    for engine in args.engines.split(","):
        out = work / f"{engine}.jsonl"
        extra = (["--db", str(work / "t.db")] if engine == "local"
                 else ["--engine", "spark", "--master", args.master])
        rows[engine] = measure([*base, "--out", str(out), *extra])
    report = {"corpus": str(corpus), "rows": rows}
    if len(rows) == 2:
        report["identical"] = all(_lines(work / f"local{x}") == _lines(work / f"spark{x}")
                                  for x in (".jsonl", ".drops.jsonl"))
    if planted:
        dropped = {json.loads(x)["dropped"]
                   for x in _lines(work / f"{next(iter(rows))}.drops.jsonl")}
        by_level: dict[str, list[int]] = {}
        for _, copy, level in planted:
            by_level.setdefault(level, [0, 0])
            by_level[level][0] += copy in dropped
            by_level[level][1] += 1
        copies = {c for _, c, _ in planted}
        report["dropped_by_level"] = {k: f"{a}/{b}" for k, (a, b) in by_level.items()}
        report["dropped_not_copies"] = len(dropped - copies)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
