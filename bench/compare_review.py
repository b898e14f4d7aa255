"""Tally a hand-labelled reading of `compare` output (bench/labels/compare_review.tsv).

Each row is one item of the output of `storytrace compare A B --db STORE` (the "In short"
summary, the first shared statements and "only in" items, the direction's evidence),
labelled right / wrong / misleading by reading both articles. The labels were made at commit
0297609 on a FakeNewsNet store traced by `storytrace trace ../shared/data/fakenewsnet-v1-2018`;
they describe that output, so a later run is re-read, not re-scored, by this file.

    .venv/bin/python bench/compare_review.py [LABELS.tsv] [--format json]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

LABELS = Path(__file__).parent / "labels" / "compare_review.tsv"
KINDS = ("right", "wrong", "misleading")


def tally(path: Path) -> dict[str, dict[str, int]]:
    """``{section: {label: count}}`` plus a ``total`` row."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out: dict[str, Counter] = {}
    for row in rows:
        label = row["label"].strip()
        if label not in KINDS:
            raise SystemExit(f"{path}: item {row['item'][:40]!r}: unknown label {label!r}")
        out.setdefault(row["section"], Counter())[label] += 1
    total = sum(out.values(), Counter())
    return {k: {x: v[x] for x in KINDS} for k, v in [*out.items(), ("total", total)]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("labels", nargs="?", type=Path, default=LABELS)
    p.add_argument("--format", choices=("text", "json"), default="text")
    args = p.parse_args()
    counts = tally(args.labels)
    if args.format == "json":
        print(json.dumps(counts, indent=2))
        return
    print(f"{'section':<12} " + " ".join(f"{k:>10}" for k in (*KINDS, "share right")))
    for section, c in counts.items():
        n = sum(c.values())
        print(f"{section:<12} " + " ".join(f"{c[k]:>10}" for k in KINDS)
              + f" {c['right'] / n:>10.2f}")


if __name__ == "__main__":
    main()
