"""Two writers on one store: no "database is locked" reaches the user, no write is lost.

SQLite allows one writer at a time; the store takes its write lock with
``BEGIN IMMEDIATE`` and waits for it (SQLite's busy timeout, then retries with
a pause, see :meth:`storytrace.store.Store.transaction`).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from storytrace.model import Article
from storytrace.store import Store
from storytrace.store.sqlite import StoreBusy


def _feed(path, ids: range, shared: range) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for i in [*shared, *ids]:
            f.write(json.dumps({"id": f"x{i}", "title": f"Item {i}",
                                "text": f"Body of item {i}, the same in every feed."}) + "\n")


def test_two_ingest_commands_at_once(tmp_path):
    """Two `storytrace ingest` processes into one new store, 1,000 articles in common."""
    db = tmp_path / "both.db"
    shared = range(1000)
    feeds = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    _feed(feeds[0], range(1000, 7000), shared)
    _feed(feeds[1], range(7000, 13000), shared)
    procs = [subprocess.Popen([sys.executable, "-m", "storytrace", "ingest", str(f), "--db",
                               str(db), "--format", "json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in feeds]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err, err
    summaries = [json.loads(out) for out, _ in outputs]
    assert sum(s["added"] for s in summaries) == 13000  # each shared article stored once
    assert sum(s["unchanged"] for s in summaries) == 1000
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT id) FROM articles").fetchone() == \
        (13000, 13000)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()


_WRITER = """
import sys, time
from storytrace.model import Article
from storytrace.store import Store
path, k, start = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
time.sleep(max(0.0, start - time.time()))  # all open the new store at the same moment
with Store(path) as store:
    for b in range(5):
        store.add([Article(id=f"{k}-{b}-{i}", text=f"text {k} {b} {i}") for i in range(200)],
                  batch_size=50)
"""


@pytest.mark.parametrize("round_", range(2))
def test_four_processes_create_and_fill_one_store(tmp_path, round_):
    path = str(tmp_path / "race.db")
    start = time.time() + 5.0  # after every process has started and imported storytrace
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, path, str(k), str(start)],
                              stderr=subprocess.PIPE, text=True) for k in range(4)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with Store(path) as store:
        assert len(store) == 4 * 5 * 200


def test_a_write_waits_out_a_lock_longer_than_the_busy_timeout(tmp_path):
    """A writer holding the lock past SQLite's busy timeout: the store retries, not fails."""
    path = tmp_path / "held.db"
    with Store(path, timeout=0.1) as store:
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        releasing = threading.Event()

        def release() -> None:
            releasing.set()  # before the commit: the write cannot end before this is set
            holder.execute("COMMIT")

        timer = threading.Timer(1.5, release)  # 15 times the busy timeout
        timer.start()
        report = store.add([Article(id="a", text="waited")])
        # An ordering, not a duration: the write went through only once the lock was let
        # go, so it waited (and retried) rather than failing or slipping past the lock.
        assert report.added == ["a"] and releasing.is_set()
        timer.join()
        holder.close()


def test_a_lock_held_too_long_gives_one_clear_error(tmp_path):
    path = tmp_path / "stuck.db"
    with Store(path, timeout=0.1, lock_wait=0.5) as store:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreBusy, match=r"locked by another process \(waited 0\.5 s"):
                store.add([Article(id="a", text="never")])
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert store.add([Article(id="a", text="now")]).added == ["a"]
