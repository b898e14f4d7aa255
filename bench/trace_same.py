"""Whether two `trace` stores hold the same answers: links, stories and family trees.

    python bench/trace_scale.py --n 2000 --keep /tmp/before --src /tmp/base/src
    python bench/trace_scale.py --n 2000 --keep /tmp/after
    python bench/trace_same.py /tmp/before/trace.db /tmp/after/trace.db

Articles are matched by id (not by store seq); links by their two article ids with kind,
score, coverages and evidence; stories by their members; trees by their stored JSON.
Prints the counts and every difference (the first 10 of each table); exits 1 on any.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path


def answers(db: Path) -> dict[str, dict]:
    """``{"links": ..., "stories": ..., "trees": ...}`` of one store, keyed by article ids."""
    con = sqlite3.connect(db)
    ids = dict(con.execute("SELECT seq, id FROM articles"))
    links = {(ids[a], ids[b], kind): (score, ca, cb, evidence) for a, b, kind, score, ca, cb,
             evidence in con.execute("SELECT a_seq, b_seq, kind, score, coverage_a, "
                                     "coverage_b, evidence FROM links")}
    members: dict[str, list[str]] = {}
    for seq, story in con.execute("SELECT seq, story FROM stories"):
        members.setdefault(story, []).append(ids[seq])
    stories = {story: sorted(m) for story, m in members.items()}
    trees = dict(con.execute("SELECT story, tree FROM trees"))
    con.close()
    return {"links": links, "stories": stories, "trees": trees}


def differences(a: dict, b: dict) -> list[str]:
    """One line per key whose value differs or that only one side has."""
    out = []
    for key in sorted(a.keys() | b.keys(), key=str):
        if a.get(key) != b.get(key):
            out.append(f"{key}: {str(a.get(key))[:120]} != {str(b.get(key))[:120]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    args = ap.parse_args()
    a, b = answers(args.before), answers(args.after)
    same = True
    for table in ("links", "stories", "trees"):
        diff = differences(a[table], b[table])
        same &= not diff
        print(f"{table}: {len(a[table])} / {len(b[table])}, {len(diff)} differ")
        for line in diff[:10]:
            print("  " + line)
    print("identical" if same else "DIFFERENT")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
