"""Crash safety: `storytrace ingest` and `trace` killed with SIGKILL at random points.

A 20,000-article corpus (about 150 words each, a tenth of them copies of a recent
article with 0–15% of the words changed, so reuse links fall inside and across
the 2,000-article batches) is ingested and traced twice into two stores:

* once without interruption (the reference);
* once with at least 20 SIGKILLs over the two commands, each followed by a
  restart of the same command, until a run finishes.

After every kill a copy of the store (the file and its write-ahead log as the
kill left them; the real one is recovered by the restarted command itself) must
pass ``PRAGMA integrity_check``, hold no duplicate article, and hold exactly the
corpus's first k articles in order (a batch is stored whole or not at all); the
index tables may only refer to stored articles. At the end both stores must agree
on everything: the articles with their ingestion numbers, the signatures, the
verified pairs, the links (kind, score, coverage, evidence) and every article's
story id.

Kill points are random and scale with the machine's speed (measured on the
reference run): a quarter of the kills come at a random moment of a restart's
start-up (WAL recovery, re-reading what is stored) or its first two steps of work,
the rest at a random moment in the step after the run's next commit (at the
latest at the commit that ends it), so that every restart makes a little progress
and the kills spread over every stage (ingest batches, signing, candidate
verification, same-story scoring, clustering). The seed is
printed on failure; ``STORYTRACE_CRASH_SEED`` replays a choice of kill points
(timings still vary with the machine).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

N_ARTICLES = 20_000
MIN_KILLS = 20
INGEST_KILLS = 8
TRACE_KILLS = 14
ENV = os.environ | {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_FUNCTION = ("the of and to a in that is for on was with he it as his at by from they be this "
             "have an has are but not were which had who said would their been its will she "
             "her after more also when about than over into two new").split()


def write_corpus(path: Path, n: int, seed: int = 11) -> list[str]:
    """Write ``n`` JSONL articles of about 150 words; return their ids in file order."""
    rng = random.Random(seed)
    syllables = "ba de ki lo mu na pe ri so tu va ze an en in or st tr ch sh".split()
    vocab = set()
    while len(vocab) < 8000:
        vocab.add("".join(rng.choice(syllables) for _ in range(rng.choice((2, 3, 3, 4)))))
    words = _FUNCTION + sorted(vocab)
    cum, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cum.append(total)

    def sentences(k: int) -> list[str]:
        drawn = rng.choices(words, cum_weights=cum, k=k)
        out, pos = [], 0
        while pos < k:
            step = rng.randint(12, 24)
            out.append(" ".join(drawn[pos : pos + step]).capitalize() + ".")
            pos += step
        return out

    originals: list[list[str]] = []
    ids = []
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            if originals and rng.random() < 0.1:
                source = rng.choice(originals[-3000:])
                share = rng.choice((0.0, 0.05, 0.15))
                body = [" ".join(rng.choice(words[60:]) if rng.random() < share else w
                                 for w in s.split()) for s in source]
            else:
                body = sentences(rng.randint(120, 180))
                originals.append(body)
            ids.append(f"a{i:06d}")
            f.write(json.dumps({"id": ids[-1], "title": f"Report {i}", "text": " ".join(body),
                                "outlet": f"outlet{i % 30}",
                                "published": f"2024-01-{1 + i % 28:02d}T12:00:00Z"}) + "\n")
    return ids


def storytrace(*args: str) -> list[str]:
    return [sys.executable, "-m", "storytrace", *args]


def progress(db: Path) -> int:
    """A number that grows with every commit a run makes (-1 before the store exists).

    Cheap enough to poll: the largest seq of the tables filled in seq order, and the
    row count of the small ones.
    """
    if not db.exists():
        return -1
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            total = 0
            for table, query in (("articles", "MAX(seq)"), ("signatures", "MAX(seq)"),
                                 ("sketches", "MAX(seq)"), ("checked", "COUNT(*)"),
                                 ("story_checked", "COUNT(*)"), ("stories", "COUNT(*)")):
                if table in tables:
                    total += con.execute(f"SELECT {query} FROM {table}").fetchone()[0] or 0
            return total
        finally:
            con.close()
    except sqlite3.Error:
        return -1


def run_killing(cmd: list[str], db: Path, rng: random.Random, kills: int, seconds: float,
                startup: float, steps: int, expected_ids: list[str], log: list[str]) -> int:
    """Run ``cmd`` until it finishes, SIGKILLing it up to ``kills`` times; return the kills.

    ``seconds`` is how long an uninterrupted run took, ``startup`` how long before its
    first commit, and ``steps`` how many commits it made, so that kill points scale
    with the machine's speed. A kill "at a random time" falls in a restart's start-up
    or its first two steps: later, a restart with little work left could finish first
    and end the series of kills early.
    """
    done = passed = 0  # kills made; commits seen (across restarts)
    step = max(seconds - startup, 0.1) / steps
    while True:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
        killed = False
        if done < kills:
            if rng.random() < 0.25:  # anywhere: start-up, recovery, re-reading, working
                where = "at a random time"
                deadline = time.monotonic() + rng.uniform(0.05, 1.0) * (startup + 2 * step)
                while proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.01)
            else:  # in a step of work, a few commits on, so that kills spread over the run
                where = "after a commit"
                # Skip up to the commits left per kill left: on average the kills then use
                # about half the run, leaving room for restarts that progress faster.
                skip = rng.randint(1, max(1, (steps - passed) // max(kills - done, 1)))
                last = progress(db)
                while proc.poll() is None and skip:
                    if (now := progress(db)) > last:
                        passed, skip, last = passed + 1, skip - 1, now
                    else:
                        time.sleep(0.02)
                # At a random moment of the next step, or at its commit if that comes first:
                # the reference run's step is an average, and a plain sleep could let a
                # restarted run finish several steps (or all of them) between two kills.
                deadline = time.monotonic() + rng.uniform(0, step)
                while (proc.poll() is None and time.monotonic() < deadline
                       and progress(db) <= last):
                    time.sleep(0.02)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed = True
        _, stderr = proc.communicate(timeout=600)
        if killed and proc.returncode == -signal.SIGKILL:
            done += 1
            log.append(f"{cmd[3]}: kill {done} {where} (progress {progress(db)})")
            check_consistent(db, expected_ids)
            continue
        assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{stderr.decode()}"
        assert b"Traceback" not in stderr and b"locked" not in stderr, stderr.decode()
        return done


def check_consistent(db: Path, expected_ids: list[str]) -> None:
    """What must hold after any kill: an intact file, whole batches, no dangling rows.

    The check runs on a copy (the database and its write-ahead log as the kill left
    them), so that the restarted command, not this check, recovers the real store.
    """
    copy = db.with_name("check.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    if not db.exists():
        return
    shutil.copyfile(db, copy)
    if Path(f"{db}-wal").exists():
        shutil.copyfile(f"{db}-wal", f"{copy}-wal")
    con = sqlite3.connect(copy)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        if "articles" not in tables:  # killed before the schema was committed
            assert not tables - {"meta"}, tables
            return
        ids = [r[0] for r in con.execute("SELECT id FROM articles ORDER BY seq")]
        assert len(ids) == len(set(ids)), "an article was stored twice"
        assert ids == expected_ids[: len(ids)], "stored articles are not a prefix of the input"
        seqs = [r[0] for r in con.execute("SELECT seq FROM articles ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1)), "ingestion numbers have gaps"
        for table, cols in (("signatures", ("seq",)), ("sketches", ("seq",)),
                            ("links", ("a_seq", "b_seq")), ("checked", ("a_seq", "b_seq")),
                            ("stories", ("seq",))):
            if table in tables:
                for col in cols:
                    dangling = con.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} NOT IN "
                                           "(SELECT seq FROM articles)").fetchone()[0]
                    assert dangling == 0, f"{table}.{col} refers to an article not stored"
    finally:
        con.close()


def results(db: Path) -> dict:
    """Everything a finished run leaves, keyed by article id (not by internal numbers)."""
    con = sqlite3.connect(db)
    try:
        id_of = dict(con.execute("SELECT seq, id FROM articles"))

        def pairs(table: str) -> set[tuple[str, str]]:
            rows = con.execute(f"SELECT a_seq, b_seq FROM {table}")
            return {(id_of[a], id_of[b]) for a, b in rows}

        return {
            "articles": con.execute(
                "SELECT seq, id, content_hash, title, text, outlet, published FROM articles "
                "ORDER BY seq").fetchall(),
            "signatures": {id_of[s]: (n, sig) for s, n, sig in
                           con.execute("SELECT seq, shingles, sig FROM signatures")},
            "sketches": {id_of[s]: (t, w) for s, t, w in
                         con.execute("SELECT seq, terms, weights FROM sketches")},
            "checked": pairs("checked"),
            "story_checked": pairs("story_checked"),
            "links": {(id_of[a], id_of[b], kind, score, ca, cb, ev)
                      for a, b, kind, score, ca, cb, ev in con.execute("SELECT * FROM links")},
            "stories": {id_of[s]: story for s, story in
                        con.execute("SELECT seq, story FROM stories")},
        }
    finally:
        con.close()


def test_sigkill_ingest_and_trace_then_resume_matches_uninterrupted_run(tmp_path):
    seed = int(os.environ.get("STORYTRACE_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus, N_ARTICLES)
    trace_args = ["--limit", "1"]

    ref = tmp_path / "reference.db"
    took, startup = [], []
    for cmd in (storytrace("ingest", str(corpus), "--db", str(ref)),
                storytrace("trace", "--db", str(ref), *trace_args)):
        start, before = time.monotonic(), progress(ref)
        errors = open(tmp_path / "reference.err", "wb")  # a file: a pipe could fill and block
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, env=ENV)
        first = None  # when the run's first commit showed: start-up and re-reading done
        while proc.poll() is None:
            if first is None and progress(ref) > before:
                first = time.monotonic() - start
            time.sleep(0.02)
        took.append(time.monotonic() - start)
        startup.append(first or took[-1])
        errors.close()
        assert proc.returncode == 0, (tmp_path / "reference.err").read_text()
    expected = results(ref)
    assert len(expected["articles"]) == N_ARTICLES
    assert len([x for x in expected["links"] if x[2] == "reuse"]) > 1000  # reuse was found
    # Commits of each command: batches of 2,000 articles; trace signs and sketches each
    # batch, verifies pairs and scores same-story candidates 500 at a time, then clusters.
    batches = -(-N_ARTICLES // 2000)
    trace_steps = 2 * batches + 1 + sum(-(-len(expected[t]) // 500)
                                        for t in ("checked", "story_checked"))

    db = tmp_path / "killed.db"
    log: list[str] = []
    kills = run_killing(storytrace("ingest", str(corpus), "--db", str(db)), db, rng,
                        INGEST_KILLS, took[0], startup[0], batches, ids, log)
    kills += run_killing(storytrace("trace", "--db", str(db), *trace_args), db, rng,
                         max(TRACE_KILLS, MIN_KILLS + 2 - kills), took[1], startup[1], trace_steps,
                         ids,
                         log)
    context = f"seed {seed}; kills:\n" + "\n".join(log)
    print(context)  # shown with pytest -s or -rP
    assert kills >= MIN_KILLS, context
    check_consistent(db, ids)
    got = results(db)
    for key, value in expected.items():
        if isinstance(value, set):
            missing, extra = value - got[key], got[key] - value
            assert not missing and not extra, (
                f"{key}: {len(missing)} missing, {len(extra)} extra, e.g. "
                f"{sorted(missing, key=str)[:2]} / {sorted(extra, key=str)[:2]}; {context}")
        else:
            assert got[key] == value, f"{key} differ; {context}"


def test_corpus_generator_is_ordered_and_small(tmp_path):
    """The generator itself: ids in file order, articles of about 150 words."""
    path = tmp_path / "c.jsonl"
    ids = write_corpus(path, 200)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["id"] for r in rows] == ids
    assert all(100 <= len(r["text"].split()) <= 200 for r in rows)
