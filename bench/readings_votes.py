"""How often garbled-readings evidence votes, and which way, on two kinds of pairs.

Run: .venv/bin/python bench/readings_votes.py [--families build/prov11]

* Generated families (``storytrace make-bench provenance``): every true parent -> child
  pair; a vote for the child as the copy is right.
* Human paraphrases (``../shared/data/mt-metrics-paraphrase-pan``, the 5,000 positive
  training pairs of PAN-PC-10 simulated plagiarism, s1 the source sentence and s2 its
  rewrite): people rewording on purpose, in 19th-century book English the word model
  has not read. Votes here are mostly noise: the share of pairs that get one is the
  figure to watch.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.eval.provenance import read_corpus, read_truth  # noqa: E402
from storytrace.model import Article  # noqa: E402
from storytrace.provenance.direction import profile, readings_evidence  # noqa: E402

PAN = ROOT.parent / "shared" / "data" / "mt-metrics-paraphrase-pan"


def tally(pairs) -> dict:
    """Shares of pairs whose evidence names the second text the copy, the first, or none."""
    counts = Counter()
    for a, b in pairs:
        ev = readings_evidence(profile(a), profile(b))
        counts[{"a->b": "second", "b->a": "first"}.get(ev.points, "none")] += 1
    total = sum(counts.values()) or 1
    return {"pairs": total} | {k: round(counts[k] / total, 4) for k in ("second", "first", "none")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=Path, default=ROOT / "build" / "prov11")
    args = parser.parse_args()
    out = {}
    if (args.families / "corpus.jsonl").is_file():
        arts = {a.id: a for a in read_corpus(args.families / "corpus.jsonl")}
        truth = read_truth(args.families / "TRUTH.tsv")
        out["families parent->child"] = tally((arts[p], arts[c]) for c, p in truth.items())
    lines = [(PAN / f"pan-train_{s}.txt").read_text(encoding="utf-8", errors="replace")
             .splitlines() for s in ("s1", "s2")]
    labels = (PAN / "pan-train.labels").read_text().split()
    out["PAN-PC-10 source->rewrite"] = tally(
        (Article(id=f"s1-{k}", text=a), Article(id=f"s2-{k}", text=b))
        for k, (a, b, label) in enumerate(zip(*lines, labels, strict=False)) if label == "1")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
