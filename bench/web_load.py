"""Load test of `storytrace serve` on loopback: throughput and p50/p99 latency per endpoint.

Builds a store from the FakeNewsNet articles in ../shared (ingest + trace), starts
`storytrace serve` on 127.0.0.1 in its own process, then a second process of
client threads sends a bounded number of requests (``--requests`` per endpoint,
``--seconds`` at most) to search, story and compare endpoints, while a third
process keeps ingesting into the same store, so reads run against live writes.
Any non-2xx answer or transport error counts as an error.

    python bench/web_load.py                       # 400 requests per endpoint, 4 threads
    python bench/web_load.py --requests 100 --format json

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CLI = [sys.executable, "-m", "storytrace"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build_store(db: Path) -> tuple[list[str], list[str]]:
    corpus = SHARED / "data" / "fakenewsnet-v1-2018"
    subprocess.run([*CLI, "trace", str(corpus), "--db", str(db), "--no-trees", "--format",
                    "json"], check=False, capture_output=True)
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY seq")]
    stories = [r[0] for r in con.execute("SELECT DISTINCT story FROM stories")]
    con.close()
    return ids, stories


def _wait(url: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer at {url}")


def _writer(db: Path, stop: threading.Event, tmp: Path) -> int:
    """Ingest small new articles into the store until told to stop; returns how many."""
    n = 0
    while not stop.is_set():
        path = tmp / f"live{n}.jsonl"
        path.write_text("".join(json.dumps({"id": f"live-{n}-{i}", "title": f"Live {n} {i}",
                                            "text": f"Live article {n} {i}. " * 40}) + "\n"
                                for i in range(20)))
        subprocess.run([*CLI, "ingest", str(path), "--db", str(db)], check=False,
                       capture_output=True)
        n += 20
    return n


def _hammer(base: str, paths: list[str], requests: int, seconds: float, threads: int
            ) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(requests))

    def work() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in counter:
                if time.monotonic() > deadline:
                    return
                path = random.choice(paths)
                t0 = time.perf_counter()
                try:
                    r = client.get(path)
                    ok = r.status_code < 300
                    why = f"{r.status_code} {path}"
                except httpx.TransportError as exc:
                    ok, why = False, f"{type(exc).__name__} {path}"
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    if not ok:
                        errors.append(why)

    t0 = time.perf_counter()
    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()

    def pick(q: float) -> float | None:
        if not latencies:
            return None
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1)

    return {"requests": len(latencies), "errors": len(errors), "error_examples": errors[:5],
            "throughput_rps": round(len(latencies) / wall, 1), "p50_ms": pick(0.50),
            "p99_ms": pick(0.99), "mean_ms": round(1000 * statistics.fmean(latencies), 1)
            if latencies else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    ap.add_argument("--seconds", type=float, default=60, help="time cap per endpoint")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--format", choices=("text", "json"), default="text")
    args = ap.parse_args()
    random.seed(0)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        db = tmp / "web.db"
        ids, stories = _build_store(db)
        if len(ids) < 2:
            raise SystemExit("the store is empty: is ../shared/data/fakenewsnet-v1-2018 there?")
        port = _free_port()
        server = subprocess.Popen([*CLI, "serve", "--db", str(db), "--host", "127.0.0.1",
                                   "--port", str(port)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL,
                                  env=os.environ | {"OMP_NUM_THREADS": "1"})
        base = f"http://127.0.0.1:{port}"
        stop = threading.Event()
        written: list[int] = []
        writer = threading.Thread(target=lambda: written.append(_writer(db, stop, tmp)))
        try:
            _wait(base + "/api/stories")
            writer.start()
            words = ["trump", "police", "tax", "clinton", "immigration", "health", "vote"]
            endpoints = {
                "search": [f"/api/articles?q={w}&limit=20" for w in words],
                "story": [f"/api/stories/{s}" for s in stories[:50]] or ["/api/stories"],
                "compare": [f"/api/compare?a={random.choice(ids)}&b={random.choice(ids)}"
                            for _ in range(30)],
                "search page": [f"/search?q={w}" for w in words],
            }
            results = {name: _hammer(base, paths, args.requests, args.seconds, args.threads)
                       for name, paths in endpoints.items()}
        finally:
            stop.set()
            if writer.is_alive():
                writer.join()
            server.terminate()
            server.wait(timeout=30)
    report = {"articles": len(ids), "stories": len(stories), "threads": args.threads,
              "articles_ingested_meanwhile": sum(written), "endpoints": results}
    if args.format == "json":
        print(json.dumps(report, indent=1))
        return
    print(f"{len(ids)} articles, {len(stories)} stories; {args.threads} client threads; "
          f"{sum(written)} articles ingested meanwhile")
    print(f"{'endpoint':<12} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8}")
    for name, r in results.items():
        print(f"{name:<12} {r['requests']:>8} {r['errors']:>6} {r['throughput_rps']:>8} "
              f"{r['p50_ms']:>8} {r['p99_ms']:>8}")
        for e in r["error_examples"]:
            print(f"    error: {e}")


if __name__ == "__main__":
    main()
