"""How well the branching test tells a direct copy from two versions that are not one.

Run: .venv/bin/python bench/branching_pairs.py [--families build/prov7]

For every pair of versions inside one generated family (``storytrace make-bench
provenance``), with the family's other versions as third parties, it reports the share
of true parent -> copy pairs the test flags (false alarms) and the share of the other
pairs it flags (those are not a direct copy of each other). For comparison it scores
the test used before session 8, on tree distances (-log Dice, as in neighbour
joining), as it was shipped and at the threshold where it raises as many false alarms.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.eval.provenance import read_corpus, read_groups, read_truth  # noqa: E402
from storytrace.provenance.direction import _branching_item, profile, similarity  # noqa: E402


def distance_gap(pa, pb, others) -> float:
    """The old test: how far inside the a-b path a third version's branch meets it."""
    def d(x, y):
        return -math.log(max(similarity(x, y), 1e-3))
    dab = d(pa, pb)
    return max((min(dab + d(pa, o) - d(pb, o), dab + d(pb, o) - d(pa, o)) / 2
                for o in others), default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=Path, default=ROOT / "build" / "prov7")
    args = parser.parse_args()
    articles = read_corpus(args.families / "corpus.jsonl")
    truth = read_truth(args.families / "TRUTH.tsv")
    groups = read_groups(args.families / "FAMILIES.tsv")
    profiles = {a.id: profile(a) for a in articles}
    families = defaultdict(list)
    for a in articles:
        families[groups[a.id]["family"]].append(a.id)
    direct, other = [], []
    for members in families.values():
        for a, b in itertools.combinations(members, 2):
            others = [profiles[o] for o in members if o not in (a, b)]
            if not others:
                continue
            item = _branching_item(profiles[a], profiles[b], others)
            row = (item is not None, distance_gap(profiles[a], profiles[b], others))
            (direct if truth.get(a) == b or truth.get(b) == a else other).append(row)
    false_alarms = sum(flag for flag, _ in direct) / len(direct)
    # The old test's threshold with at most as many false alarms.
    gaps = sorted((g for _, g in direct), reverse=True)
    threshold = gaps[int(false_alarms * len(direct))]
    print(json.dumps({
        "families": str(args.families), "direct_pairs": len(direct), "other_pairs": len(other),
        "shared_losses": {"direct_flagged": round(false_alarms, 4),
                          "other_flagged": round(sum(f for f, _ in other) / len(other), 4)},
        "tree_distances_as_shipped": {  # it counted a gap above 0.05
            "direct_flagged": round(sum(g > 0.05 for _, g in direct) / len(direct), 4),
            "other_flagged": round(sum(g > 0.05 for _, g in other) / len(other), 4)},
        "tree_distances_same_false_alarms": {
            "gap_above": round(threshold, 4),
            "direct_flagged": round(sum(g > threshold for _, g in direct) / len(direct), 4),
            "other_flagged": round(sum(g > threshold for _, g in other) / len(other), 4)},
    }, indent=1))


if __name__ == "__main__":
    main()
