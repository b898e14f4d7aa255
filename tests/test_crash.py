"""Crash safety: `storytrace ingest` and `trace` killed with SIGKILL at random points.

A 20,000-article corpus (about 150 words each, a tenth of them copies of a recent
article with 0–15% of the words changed, so reuse links fall inside and across
the 2,000-article batches) is ingested and traced twice into two stores:

* once without interruption (the reference);
* once (or more, see below) with SIGKILLs over the two commands, each followed by
  a restart of the same command, until a run finishes: at least 20 kills in all.

After every kill a copy of the store (the file and its write-ahead log as the
kill left them; the real one is recovered by the restarted command itself) must
pass ``PRAGMA integrity_check``, hold no duplicate article, and hold exactly the
corpus's first k articles in order (a batch is stored whole or not at all); the
index tables may only refer to stored articles. At the end both stores must agree
on everything: the articles with their ingestion numbers, the signatures, the
verified pairs, the links (kind, score, coverage, evidence), every article's
story id and every story's family tree.

Kill points are random and follow the run's observable progress, not the clock: the
reference run records the progress values its commits show (see :func:`progress`),
and most kills come at a random moment of the step after one of those commits (at
the latest at the next commit), the targets spread over what is left, so that every
restart makes a little progress and the kills reach every stage (ingest batches,
signing, candidate verification, same-story scoring, clustering, family trees). A
quarter come at a random moment of a restart's start-up (WAL recovery, re-reading what
is stored) or its first steps. A restart with little left can still finish before its
kill: then the series is short, and the whole kill-and-resume run is done again on a
fresh store (each one checked against the reference) until the kills add up to 20. The
seed is printed on failure; ``STORYTRACE_CRASH_SEED`` replays a choice of kill points
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

import pytest

N_ARTICLES = 20_000
MIN_KILLS = 20
INGEST_KILLS = 8
TRACE_KILLS = 14  # more where ingest ends with fewer than INGEST_KILLS
MAX_ROUNDS = 4  # kill-and-resume runs at most, each on a fresh store
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
                                 ("story_checked", "COUNT(*)"), ("stories", "COUNT(*)"),
                                 ("trees", "COUNT(*)")):
                if table in tables:
                    total += con.execute(f"SELECT {query} FROM {table}").fetchone()[0] or 0
            return total
        finally:
            con.close()
    except sqlite3.Error:
        return -1


class Timeline:
    """What the reference run of one command showed: the progress values of its commits
    with the seconds at which they showed, its start-up (until the first commit) and
    the progress and seconds at its end."""

    def __init__(self, marks: list[tuple[float, int]], end: float, final: int) -> None:
        self.marks, self.end, self.final = marks, end, final
        self.startup = marks[0][0] if marks else end
        self.step = max(end - self.startup, 0.1) / max(len(marks), 1)

    def after(self, value: int) -> list[tuple[int, float]]:
        """The commits after ``value`` that leave work to do, each with the time the
        reference run took to its next commit (or to its end)."""
        times = [t for t, _ in self.marks] + [self.end]
        return [(v, times[k + 1] - t) for k, (t, v) in enumerate(self.marks)
                if value < v < self.final]


def run_reference(cmd: list[str], db: Path, errors: Path) -> Timeline:
    start, before = time.monotonic(), progress(db)
    with open(errors, "wb") as err:  # a file: a pipe could fill and block
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=ENV)
        marks: list[tuple[float, int]] = []
        while proc.poll() is None:
            if (now := progress(db)) > (marks[-1][1] if marks else before):
                marks.append((time.monotonic() - start, now))
            time.sleep(0.02)
    assert proc.returncode == 0, errors.read_text()
    return Timeline(marks, time.monotonic() - start, progress(db))


def run_killing(cmd: list[str], db: Path, rng: random.Random, kills: int, ref: Timeline,
                expected_ids: list[str], log: list[str]) -> int:
    """Run ``cmd`` until it finishes, SIGKILLing it up to ``kills`` times; return the kills.

    Kill points follow progress, not the clock: a kill "after a commit" waits for the
    store to show one of the reference run's commits (drawn among those left, spread
    so that the kills left fit in them), then for a random moment of the step that
    follows it, as long as the reference took for it, or the next commit, whichever
    comes first. A kill "at a random time" falls in a restart's start-up or its first
    two steps. A restart that finishes before its kill ends the series early.
    """
    done = 0
    while True:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
        killed = False
        if done < kills:
            left = ref.after(progress(db))
            if not left or rng.random() < 0.25:  # start-up, recovery, re-reading, working
                where = "at a random time"
                deadline = time.monotonic() + rng.uniform(0.05, 1.0) * (ref.startup
                                                                        + 2 * ref.step)
                while proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.01)
            else:  # in a step of work, at a commit drawn among those left
                # Up to the commits left per kill left: on average the kills then use
                # about half of them, leaving room for restarts that progress faster.
                target, step = left[rng.randrange(max(1, len(left) // (kills - done)))]
                where = f"after commit {target}"
                while proc.poll() is None and (last := progress(db)) < target:
                    time.sleep(0.02)
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
        if done < kills:
            log.append(f"{cmd[3]}: finished before its kill, after {done} of {kills}")
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
            "trees": {story: (fingerprint, changes, json.loads(tree))
                      for story, fingerprint, changes, tree in
                      con.execute("SELECT story, fingerprint, changes, tree FROM trees")},
        }
    finally:
        con.close()


@pytest.mark.slow  # a few minutes: a reference run, then 20+ kills and restarts
def test_sigkill_ingest_and_trace_then_resume_matches_uninterrupted_run(tmp_path):
    seed = int(os.environ.get("STORYTRACE_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus, N_ARTICLES)
    ingest = ["ingest", str(corpus), "--db"]
    trace, trace_args = ["trace", "--db"], ["--limit", "1"]

    ref = tmp_path / "reference.db"
    errors = tmp_path / "reference.err"
    ingest_ref = run_reference(storytrace(*ingest, str(ref)), ref, errors)
    trace_ref = run_reference(storytrace(*trace, str(ref), *trace_args), ref, errors)
    expected = results(ref)
    assert len(expected["articles"]) == N_ARTICLES
    assert len([x for x in expected["links"] if x[2] == "reuse"]) > 1000  # reuse was found
    assert expected["trees"]  # the family-tree stage ran and stored trees
    # Commits show for the kills to spread over: 2,000-article batches; trace signs and
    # sketches each batch, verifies pairs and scores same-story candidates 500 at a
    # time, clusters, then stores family trees 200 at a time.
    assert len(ingest_ref.marks) >= INGEST_KILLS // 2 and len(trace_ref.marks) >= TRACE_KILLS

    log: list[str] = []
    kills = rounds = 0
    while kills < MIN_KILLS:  # a round whose restarts outran their kills is done again
        rounds += 1
        assert rounds <= MAX_ROUNDS, f"seed {seed}; kills:\n" + "\n".join(log)
        db = tmp_path / f"killed-{rounds}.db"
        log.append(f"round {rounds}")
        kills += run_killing(storytrace(*ingest, str(db)), db, rng,
                             min(INGEST_KILLS, MIN_KILLS - kills), ingest_ref, ids, log)
        kills += run_killing(storytrace(*trace, str(db), *trace_args), db, rng,
                             max(MIN_KILLS + 2 - kills, 1), trace_ref, ids, log)
        context = f"seed {seed}; kills:\n" + "\n".join(log)
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
    print(f"seed {seed}; kills:\n" + "\n".join(log))  # shown with pytest -s or -rP


def test_corpus_generator_is_ordered_and_small(tmp_path):
    """The generator itself: ids in file order, articles of about 150 words."""
    path = tmp_path / "c.jsonl"
    ids = write_corpus(path, 200)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["id"] for r in rows] == ids
    assert all(100 <= len(r["text"].split()) <= 200 for r in rows)
