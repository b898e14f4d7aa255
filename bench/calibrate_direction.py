"""Fit the pairwise direction calibration (``direction.CALIBRATION``) on tuning sets.

Run: .venv/bin/python bench/calibrate_direction.py [--sets cutadd:1 cutadd:2] [--jobs 2]

For every pair of versions of one family that share a story (``make-bench families``
sets, built and traced by ``bench/families.py``; ``set:FOLDER`` for another folder with
corpus.jsonl and TRUTH.tsv), with and without the corpus's times, takes the verdict of
:func:`~storytrace.provenance.direction.decide` and its stated confidence (before
calibration), and whether it is right: a directed verdict when it names an ancestor of
the other as the source, "siblings" when neither descends from the other. Verdicts are
split by kind as :func:`~storytrace.provenance.direction._calibration_item` splits them
("credited": the copy credits the source itself; "directed": other directed verdicts;
"siblings_source": siblings with a shared credited source; "siblings": other siblings;
"order_only": held at ORDER_ONLY_MAX for want of text evidence, not calibrated).
Prints, per kind, the isotonic fit (pool adjacent violators; blocks under 20 pairs or
with the same stated value merged into the next) as ``(stated, measured)`` knots.

Only tuning sets may be given (cutadd seeds 1 and 2): the held-out sets report the
calibration, they do not choose it.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

MIN_BLOCK = 20


def _kind(d, credit_own: float) -> str:
    """The calibration kind of a verdict (see the module docstring)."""
    if any(e.name == "text_evidence" for e in d.evidence):
        return "order_only"
    if d.verdict == "siblings":
        shared = any(e.name == "shared_source" and e.points == "siblings" and e.weight > 0
                     for e in d.evidence)
        return "siblings_source" if shared else "siblings"
    own = any(e.name == "credit" and e.weight >= credit_own for e in d.evidence)
    return "credited" if own else "directed"


def pairs(spec: str) -> list[tuple[str, float, bool]]:
    """(kind, stated confidence, right) for each decided family pair of one set."""
    from families import _traced, build, family_pairs
    from storytrace.engines.local import build_stories
    from storytrace.eval.provenance import read_corpus, read_truth
    from storytrace.provenance.direction import CREDIT_OWN, decide, profile

    model, _, seed = spec.partition(":")
    folder = Path(seed) if model == "set" else build(model, int(seed))
    truth = read_truth(folder / "TRUTH.tsv")
    articles = {a.id: a for a in read_corpus(folder / "corpus.jsonl")}
    with _traced(folder, False) as store:
        stories = build_stories(store)
    out = []
    for _, d, right, _ in family_pairs(stories, articles, truth, decide, profile):
        if d.verdict != "unknown":
            stated = next((e.value["stated"] for e in d.evidence if e.name == "calibration"),
                          d.confidence)
            out.append((_kind(d, CREDIT_OWN), stated, right))
    return out


def isotonic(points: list[tuple[float, bool]]) -> list[tuple[float, float, int]]:
    """Pool adjacent violators over (stated, right), as (mean stated, accuracy, n) blocks,
    blocks under 20 pairs and blocks of one stated value merged into the next (the
    last into the one before).

    >>> isotonic([(0.6, True), (0.7, False), (0.8, True)] * 20)
    [(0.65, 0.5, 40), (0.8, 1.0, 20)]
    >>> isotonic([(0.6, True), (0.7, False), (0.8, True)] * 10)
    [(0.7, 0.667, 30)]
    """
    blocks: list[list[float]] = []
    for x, y in sorted(points):
        blocks.append([x, float(y), 1])
        while len(blocks) > 1 and blocks[-2][1] * blocks[-1][2] >= blocks[-1][1] * blocks[-2][2]:
            b = blocks.pop()
            blocks[-1] = [p + q for p, q in zip(blocks[-1], b, strict=True)]
    merged: list[list[float]] = []
    for b in blocks:
        if merged and (merged[-1][2] < MIN_BLOCK or
                       round(merged[-1][0] / merged[-1][2], 3) == round(b[0] / b[2], 3)):
            merged[-1] = [p + q for p, q in zip(merged[-1], b, strict=True)]
        else:
            merged.append(b)
    if len(merged) > 1 and merged[-1][2] < MIN_BLOCK:
        b = merged.pop()
        merged[-1] = [p + q for p, q in zip(merged[-1], b, strict=True)]
    return [(round(x / n, 3), round(y / n, 3), int(n)) for x, y, n in merged]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["cutadd:1", "cutadd:2"])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        rows = [r for part in pool.map(pairs, args.sets) for r in part]
    by: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for kind, stated, right in rows:
        by[kind].append((stated, right))
    for kind, points in sorted(by.items()):
        right = sum(r for _, r in points)
        print(f"{kind}: {len(points)} verdicts, right {right / len(points):.3f}")
        print("  knots (stated, measured, n):", isotonic(points))


if __name__ == "__main__":
    main()
