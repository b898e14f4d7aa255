"""How `provenance.direction.partial_copy` reads the true parent -> child pairs of a
generated set (pairwise, no third versions): each pair's verdict from `decide`, and after
the rule, counted as right / wrong / unknown / siblings.

Run: .venv/bin/python bench/partial_copy_generated.py build/prov11 build/fam-cutadd-11
(folders that `storytrace make-bench provenance|families` wrote: corpus.jsonl, TRUTH.tsv).
"""

from __future__ import annotations

import sys
from pathlib import Path

from storytrace.eval.provenance import read_corpus, read_truth
from storytrace.provenance.direction import decide, partial_copy, profile

WORDS = {"a->b": "right", "b->a": "wrong"}


def main() -> None:
    for folder in map(Path, sys.argv[1:]):
        articles = {a.id: a for a in read_corpus(folder / "corpus.jsonl")}
        truth = read_truth(folder / "TRUTH.tsv")
        counts: dict[tuple[str, str], int] = {}
        for child, parent in truth.items():
            pp, pc = profile(articles[parent]), profile(articles[child])
            before = decide(pp, pc)
            after = partial_copy(before, pp, pc)
            key = (WORDS.get(before.verdict, before.verdict),
                   WORDS.get(after.verdict, after.verdict))
            counts[key] = counts.get(key, 0) + 1
        print(folder.name, len(truth), "pairs; (before, after): n",
              sorted(counts.items()))


if __name__ == "__main__":
    main()
