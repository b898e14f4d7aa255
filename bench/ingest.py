"""Ingest throughput: N generated news-like articles as JSONL into a fresh SQLite store.

    python bench/ingest.py                 # 100,000 articles
    python bench/ingest.py --n 5000 --format json

Steps, each timed in its own fresh process so that peak RSS belongs to that step alone:

1. generate N articles (400-800 words each, Zipf-distributed vocabulary, with title,
   outlet, url, published and authors) into a JSONL file;
2. ``storytrace.pipeline.ingest`` of that file into a new SQLite file on disk;
3. the same file again into the same store (the idempotent path: all ``unchanged``);
4. unless ``--no-trace``: step 2 again into another new store under ``tracemalloc``,
   for the peak of Python allocations (tracing slows Python down, so this run is
   not the one the speed figures come from).

Only the standard library is used (plus storytrace itself).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

_SYLLABLES = ("ba be bi bo bu da de di do ka ke ki ko ku la le li lo lu ma me mi mo mu na ne "
              "ni no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to va ve vi vo za ze "
              "an en in on ar er or al el il st tr pr gr ch sh th").split()
_FUNCTION = ("the of and to a in that is for on was with he it as his at by from they be this "
             "have an has are but not were which had who said would their been its will she "
             "her after more also when about than over into two new").split()
_OUTLETS = ("Daily Ledger", "Morning Courier", "Evening Standard-Times", "Metro Herald",
            "National Wire", "Valley Gazette", "Capitol Report", "Harbor News", "Plains Tribune",
            "Coastal Observer", "Union Dispatch", "Northern Post")
_NAMES = ("Alex Rivera", "Sam Okafor", "Jordan Lee", "Maria Chen", "Priya Nair", "Tom Walsh",
          "Elena Petrova", "Chris Diaz", "Fatima Malik", "Noah Brooks", "Ines Duarte")


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return list(_FUNCTION) + sorted(words)


def generate(path: Path, n: int, seed: int = 1) -> int:
    """Write ``n`` JSONL articles to ``path``; returns the file size in bytes."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    # Zipf-like weights: a few very common words, a long tail of rare ones.
    cum = []
    total = 0.0
    for rank in range(1, len(vocab) + 1):
        total += 1.0 / rank**1.05
        cum.append(total)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            words = rng.choices(vocab, cum_weights=cum, k=rng.randint(400, 800))
            paragraphs, pos = [], 0
            while pos < len(words):
                para = []
                for _ in range(rng.randint(2, 5)):
                    k = rng.randint(12, 28)
                    s = " ".join(words[pos : pos + k])
                    para.append(s[0].upper() + s[1:] + rng.choice(".....?!"))
                    pos += k
                    if pos >= len(words):
                        break
                paragraphs.append(" ".join(para))
            outlet = rng.choice(_OUTLETS)
            slug = "-".join(words[:6])
            record = {
                "title": " ".join(w.capitalize() for w in words[:rng.randint(6, 12)]),
                "text": "\n\n".join(paragraphs),
                "outlet": outlet,
                "url": f"https://www.{outlet.lower().replace(' ', '')}.example/{i}/{slug}",
                "published": (start + timedelta(minutes=37 * i)).isoformat(),
                "authors": rng.sample(_NAMES, rng.randint(1, 2)),
            }
            f.write(json.dumps(record, ensure_ascii=False))
            f.write("\n")
    return path.stat().st_size


def _phase(kind: str, jsonl: str, db: str, trace: bool, queue) -> None:
    """One timed step, run in a fresh process; puts its measurements on ``queue``."""
    import tracemalloc

    from storytrace.pipeline import ingest
    from storytrace.store import Store

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    with Store(db) as store:
        summary = ingest([jsonl], store)
        stored = len(store)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    queue.put({
        "step": kind, "seconds": elapsed, "read": summary.read, "added": summary.added,
        "unchanged": summary.unchanged, "rejected": summary.rejected, "stored": stored,
        "tracemalloc_peak_bytes": peak,
        "maxrss_bytes": _rss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "maxrss_at_start_bytes": _rss_bytes(rss_before),
    })


def _rss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024  # Linux reports KiB


def _run(kind: str, jsonl: Path, db: Path, trace: bool = False) -> dict:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_phase, args=(kind, str(jsonl), str(db), trace, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if proc.exitcode:
        raise SystemExit(f"{kind} step failed (exit {proc.exitcode})")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="articles to generate")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--workdir", type=Path, help="keep the JSONL and databases here")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-trace", action="store_true", help="skip the tracemalloc run")
    args = ap.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="storytrace-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    jsonl, db, db_traced = (workdir / "articles.jsonl", workdir / "bench.db",
                            workdir / "bench-traced.db")
    for p in (db, db_traced):
        for suffix in ("", "-wal", "-shm"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    try:
        t0 = time.perf_counter()
        size = generate(jsonl, args.n, args.seed)
        gen_seconds = time.perf_counter() - t0
        steps = [_run("ingest", jsonl, db), _run("reingest", jsonl, db)]
        if not args.no_trace:
            steps.append(_run("ingest_traced", jsonl, db_traced, trace=True))
        for s in steps:
            s["articles_per_s"] = args.n / s["seconds"]
            s["mb_per_s"] = size / 1e6 / s["seconds"]
        report = {
            "n": args.n, "jsonl_bytes": size, "generate_seconds": gen_seconds,
            "db_bytes": db.stat().st_size, "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "steps": steps,
        }
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    if args.format == "json":
        print(json.dumps(report, indent=2))
    else:
        print(f"{args.n:,} articles, {size / 1e6:,.1f} MB JSONL (generated in "
              f"{gen_seconds:.1f} s); Python {report['python']} on {report['machine']}")
        for s in steps:
            peak = s["tracemalloc_peak_bytes"]
            print(f"{s['step']:>13}: {s['seconds']:6.1f} s  {s['articles_per_s']:8,.0f} articles/s"
                  f"  {s['mb_per_s']:6.1f} MB/s  added {s['added']:,} unchanged "
                  f"{s['unchanged']:,} rejected {s['rejected']:,}  maxrss "
                  f"{s['maxrss_bytes'] / 2**20:,.0f} MiB"
                  + (f"  tracemalloc peak {peak / 2**20:,.1f} MiB" if peak is not None else ""))
        print(f"store: {report['db_bytes'] / 1e6:,.1f} MB")
    bad = [s for s in steps if s["rejected"] or s["read"] != args.n]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
