"""End-to-end `storytrace trace` on N generated news-like articles with planted reuse.

    python bench/trace_scale.py --n 100000          # the issue's target size
    python bench/trace_scale.py --n 5000 --format json

The corpus: originals drawn from a Zipf vocabulary (as in bench/ingest.py), and
``--reuse`` (10%) copies, each made from one original at an edit level chosen in
turn: ``verbatim`` (whole text, new headline), ``light`` (5% of words replaced),
``heavy`` (20% replaced, a fifth of the sentences dropped), ``excerpt`` (30–60%
of the source's sentences inside new text). `trace` then runs in its own process
(so its peak RSS is its own) and the store it leaves is read back for:

* candidate recall: planted (source, copy) pairs that the index proposed;
* link recall: planted pairs verified as reuse links;
* spurious links: reuse links between articles that are not a planted pair
  (originals are independent draws, so any such link is a false positive).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

LEVELS = ("verbatim", "light", "heavy", "excerpt")
_SYLLABLES = ("ba be bi bo bu da de di do ka ke ki ko ku la le li lo lu ma me mi mo mu na ne "
              "ni no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to va ve vi vo za ze "
              "an en in on ar er or al el il st tr pr gr ch sh th").split()
_FUNCTION = ("the of and to a in that is for on was with he it as his at by from they be this "
             "have an has are but not were which had who said would their been its will she "
             "her after more also when about than over into two new").split()


def _vocabulary(rng: random.Random, size: int = 20000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4)))))
    return list(_FUNCTION) + sorted(words)


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocab = _vocabulary(rng)
        total, self.cum = 0.0, []
        for rank in range(1, len(self.vocab) + 1):
            total += 1.0 / rank**1.0
            self.cum.append(total)

    def sentences(self, n_words: int) -> list[str]:
        words = self.rng.choices(self.vocab, cum_weights=self.cum, k=n_words)
        out, pos = [], 0
        while pos < len(words):
            k = self.rng.randint(12, 28)
            s = " ".join(words[pos : pos + k])
            out.append(s[0].upper() + s[1:] + ".")
            pos += k
        return out

    def edit(self, sentences: list[str], share: float) -> list[str]:
        out = []
        for s in sentences:
            words = s.rstrip(".").split()
            for i in range(len(words)):
                if self.rng.random() < share:
                    words[i] = self.rng.choice(self.vocab[60:])
            out.append(" ".join(words) + ".")
        return out


def generate(path: Path, n: int, reuse: float, seed: int) -> list[tuple[str, str, str]]:
    """Write the corpus; return the planted ``(source id, copy id, level)`` pairs."""
    rng = random.Random(seed)
    w = _Writer(rng)
    n_copies = int(n * reuse)
    originals: list[tuple[str, list[str]]] = []
    planted = []
    start = datetime(2024, 1, 1, tzinfo=UTC)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            is_copy = i >= n - n_copies  # copies come last, after all their sources
            doc_id = f"a{i:07d}"
            if is_copy:
                level = LEVELS[i % len(LEVELS)]
                src_id, src = rng.choice(originals)
                if level == "verbatim":
                    body = src
                elif level == "light":
                    body = w.edit(src, 0.05)
                elif level == "heavy":
                    kept = [s for s in src if rng.random() > 0.2]
                    body = w.edit(kept, 0.20)
                else:
                    k = max(3, int(len(src) * rng.uniform(0.3, 0.6)))
                    first = rng.randrange(0, len(src) - k + 1)
                    body = w.sentences(150) + src[first : first + k] + w.sentences(150)
                planted.append((src_id, doc_id, level))
            else:
                body = w.sentences(rng.randint(400, 800))
                originals.append((doc_id, body))
            paragraphs = [" ".join(body[j : j + 4]) for j in range(0, len(body), 4)]
            record = {
                "id": doc_id, "title": " ".join(w.sentences(8)[0].split()[:8]).rstrip("."),
                "text": "\n\n".join(paragraphs), "outlet": f"outlet{rng.randrange(40)}",
                "url": f"https://example.org/{doc_id}",
                "published": (start + timedelta(minutes=i)).isoformat(),
            }
            f.write(json.dumps(record) + "\n")
    return planted


def measure(n: int, reuse: float, seed: int, workdir: Path, extra: list[str],
            src: Path | None = None) -> dict:
    corpus, db = workdir / "corpus.jsonl", workdir / "trace.db"
    t0 = time.perf_counter()
    # The generator holds every original in memory (4.9 GB at 1,000,000 articles): it runs
    # in a process of its own, so that this one is small when it starts `trace` (Linux
    # charges the starting process's high-water RSS to the child it execs).
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        planted = pool.apply(generate, (corpus, n, reuse, seed))
    gen_s = time.perf_counter() - t0
    db.unlink(missing_ok=True)
    env = os.environ | {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                        "MKL_NUM_THREADS": "1"}
    if src is not None:  # trace with another copy of the sources (a before/after pair)
        env["PYTHONPATH"] = str(src.resolve())
    cmd = [sys.executable, "-m", "storytrace", "trace", str(corpus), "--db", str(db),
           "--format", "json", *extra]
    t0 = time.perf_counter()
    out_path, err_path = workdir / "trace.out", workdir / "trace.err"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        # wait4: the trace process's own rusage (and its workers'), not the generator's
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = proc.returncode = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"trace failed ({code}): {err_path.read_text()[-2000:]}")
    # user+sys of the trace process and of the worker processes it waited for
    cpu = usage.ru_utime + usage.ru_stime
    peak_mb = usage.ru_maxrss / 1024
    con = sqlite3.connect(db)
    ids = dict(con.execute("SELECT id, seq FROM articles"))
    checked = set(con.execute("SELECT a_seq, b_seq FROM checked"))
    links = {(a, b) for a, b, in con.execute("SELECT a_seq, b_seq FROM links WHERE kind='reuse'")}
    pairs = {(min(ids[s], ids[c]), max(ids[s], ids[c])): level for s, c, level in planted}
    by_level: dict[str, dict[str, int]] = {}
    for pair, level in pairs.items():
        row = by_level.setdefault(level, {"planted": 0, "candidates": 0, "links": 0})
        row["planted"] += 1
        row["candidates"] += pair in checked
        row["links"] += pair in links
    # Copies of one source are also copies of each other: those links are true too.
    family: dict[int, set[int]] = {}
    for s, c, _ in planted:
        family.setdefault(ids[s], {ids[s]}).add(ids[c])
    related = {(min(x, y), max(x, y)) for members in family.values()
               for x in members for y in members if x != y}
    spurious = len(links - related)
    # Generated articles draw words at random, so a same-story link outside a family is wrong.
    story_links = set(con.execute("SELECT a_seq, b_seq FROM links WHERE kind='same_story'"))
    printed = out_path.read_text()
    summary = json.loads(printed) if printed.strip() else {}
    return {
        "articles": n, "planted_pairs": len(pairs), "generate_s": round(gen_s, 1),
        "trace_wall_s": round(wall, 1), "trace_cpu_s": round(cpu, 1),
        "trace_peak_rss_mb": round(peak_mb),
        "candidates_checked": len(checked), "reuse_links": len(links),
        "candidate_recall": round(sum(r["candidates"] for r in by_level.values()) / len(pairs), 4),
        "link_recall": round(sum(r["links"] for r in by_level.values()) / len(pairs), 4),
        "spurious_links": spurious, "same_story_links": len(story_links),
        "same_story_spurious": len(story_links - related), "by_level": by_level,
        "stories": summary.get("stories_total"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--reuse", type=float, default=0.10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--src", type=Path, help="run `trace` from this copy of src/ "
                    "(PYTHONPATH), e.g. a baseline; bench/trace_same.py compares two stores")
    ap.add_argument("trace_args", nargs="*", help="extra arguments for `storytrace trace`")
    args = ap.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = measure(args.n, args.reuse, args.seed, args.keep, args.trace_args, args.src)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = measure(args.n, args.reuse, args.seed, Path(tmp), args.trace_args,
                             args.src)
    if args.format == "json":
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        if key != "by_level":
            print(f"{key:>20}: {value}")
    for level, row in result["by_level"].items():
        print(f"{level:>20}: {row}")


if __name__ == "__main__":
    main()
