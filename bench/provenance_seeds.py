"""Parent and root accuracy pooled over several generated provenance sets.

Run: .venv/bin/python bench/provenance_seeds.py [--seeds 11 19 23 29] [--jobs 2]

One set (``storytrace make-bench provenance``, 300 families) holds about 357 roots, so
its root accuracy has a standard error of about 0.012 near 0.95: one seed cannot tell
0.94 from 0.96. This script builds the set of each seed under ``build/prov<seed>`` (if
it is not there already), runs ``storytrace eval provenance`` on each, and prints each
seed's parent and root accuracy, with and without the corpus's times, then the pooled
figures (correct / total over all seeds) with 95% Wilson intervals.

Seeds 7 and 3 are the tuning seeds: settings were chosen on them. The default seeds
are held out. All sets draw their originals from the same FakeNewsNet articles, so
the seeds differ in edits, family shapes, times and hidden originals, not in source
texts; the intervals are a little narrower than fully independent data would give.
About 45 seconds a seed on one core.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.eval.make_provenance import make_provenance_set  # noqa: E402
from storytrace.eval.provenance import evaluate_provenance  # noqa: E402
from storytrace.eval.stats import wilson  # noqa: E402
from storytrace.ingest import read_sources  # noqa: E402
from storytrace.model import Article  # noqa: E402

MODES = ("with_times", "without_times")
SOURCE = ROOT.parent / "shared" / "data" / "fakenewsnet-v1-2018"


def run_seed(seed: int) -> dict:
    """Build the seed's set if needed and score it: counts per mode."""
    folder = ROOT / "build" / f"prov{seed}"
    if not (folder / "TRUTH.tsv").is_file():
        articles = [r for r in read_sources([str(SOURCE)]) if isinstance(r, Article)]
        make_provenance_set(articles, folder, seed=seed)
    result = evaluate_provenance(folder / "corpus.jsonl", folder / "TRUTH.tsv")
    out = {}
    for mode in MODES:
        s = result[mode]["all"]
        # Accuracies are rounded to 4 places: exact counts back for sets under 10,000.
        out[mode] = {"parent": (round(s["parent_accuracy"] * s["derived"]), s["derived"]),
                     "root": (round(s["root_accuracy"] * s["roots"]), s["roots"])}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 19, 23, 29])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    args.seeds = list(dict.fromkeys(args.seeds))  # a seed counted twice would skew the pool

    with ProcessPoolExecutor(args.jobs) as pool:
        results = dict(zip(args.seeds, pool.map(run_seed, args.seeds), strict=True))
    print("seed  parent with / without times   root with / without times")
    for seed, r in results.items():
        cells = [f"{r[m][what][0] / r[m][what][1]:.4f}" for what in ("parent", "root")
                 for m in MODES]
        print(f"{seed:4d}  {cells[0]} / {cells[1]}              {cells[2]} / {cells[3]}")
    print("pooled (correct / total, 95% Wilson interval):")
    for what in ("parent", "root"):
        for mode in MODES:
            k = sum(r[mode][what][0] for r in results.values())
            n = sum(r[mode][what][1] for r in results.values())
            lo, hi = wilson(k, n)
            print(f"  {what:6s} {mode:13s} {k}/{n} = {k / n:.4f}  [{lo:.4f}, {hi:.4f}]")


if __name__ == "__main__":
    main()
