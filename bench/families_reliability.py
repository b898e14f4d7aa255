"""Tree-edge reliability from a ``bench/families_variants.py --json`` file (issue 25).

Run: .venv/bin/python bench/families_reliability.py COUNTS.json [--pool cutadd=fam-cutadd-11,
     fam-cutadd-12 --pool rewrite=fam-rewrite-11,fam-rewrite-12]

For each pool of sets (default: one pool per edit model, from the folder names
``fam-<model>-<seed>``), variant and mode, the tree edges binned by stated confidence (the
node score of each version given a parent) as ``bench/families.py --reliability`` bins
them, with the share whose parent is the true one (95% Wilson interval) and the count.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from families import BINS  # noqa: E402
from storytrace.eval.stats import wilson  # noqa: E402


def pools(sets: list[str], given: list[str]) -> dict[str, list[str]]:
    """``name -> set folders``: as given (``name=a,b``), else by the model in the name."""
    if given:
        return {name: folders.split(",") for name, _, folders in
                (item.partition("=") for item in given)}
    out: dict[str, list[str]] = {}
    for s in sets:
        parts = s.split("-")
        out.setdefault(parts[1] if len(parts) > 2 else s, []).append(s)
    return out


def table(edges: list[tuple[float, bool]]) -> list[tuple[str, int, float, float, float]]:
    """``(bin, n, measured, low, high)`` for each bin that holds an edge."""
    rows = []
    for lo, hi in itertools.pairwise(BINS):
        cell = [bool(r) for c, r in edges if lo <= c < hi]
        if cell:
            k = sum(cell)
            a, b = wilson(k, len(cell))
            rows.append((f"[{lo:.2f}, {min(hi, 1):.2f}{')' if hi < 1 else ']'}", len(cell),
                         k / len(cell), a, b))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", type=Path)
    parser.add_argument("--pool", action="append", default=[], metavar="NAME=SET,SET")
    args = parser.parse_args()
    kept = json.loads(args.counts.read_text())
    for name, folders in pools(list(kept), args.pool).items():
        keys = sorted({k for f in folders for k in kept[f]})
        for key in keys:
            mode, variant = key.split("|")
            edges = [tuple(e) for f in folders for e in kept[f][key]["edges"]]
            print(f"{name} ({', '.join(folders)}) {variant} {mode}: {len(edges)} edges, "
                  f"right {sum(r for _, r in edges)}")
            for cell, n, acc, lo, hi in table(edges):
                print(f"  {cell} | {n:4d} | {acc:.3f} [{lo:.3f}, {hi:.3f}]")


if __name__ == "__main__":
    main()
