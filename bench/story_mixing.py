"""Stories that mix unrelated articles, and the links that join them (issue 21 item 4).

Run: .venv/bin/python bench/story_mixing.py LABELS (--db DB | --corpus CORPUS [--db NEW])
     [--semeval CSV] [--format json]

Traces CORPUS into a fresh store (``NEW``, or in memory; no family trees) or reads the
stories of a traced store ``DB``, then counts, with
:func:`storytrace.eval.links.story_mixing`, the stories (of two or more articles) whose
articles fall in several parts that no labelled copy, duplicate or same-story pair
joins, and lists the links of the run that join two parts (kind, strength of
``engines.core.link_strength``, the pair's label). ``--semeval`` (the SemEval-2022 CSV
a ``make-bench boilerplate`` corpus was built from): its pairs with 1.5 < Overall < 3 join
parts too (related, though neither label says so), each copy standing for its source.
``--recluster``: the store's links clustered again by this code's ``cluster_links``
(as a fresh trace would; a before/after of the clustering alone on the same links).
Also: how many labelled pairs of each kind ended in one story, and the CPU seconds of
the trace (user + sys).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
from pathlib import Path

from storytrace.engines.core import STORY_KINDS, TraceOptions, cluster_links, link_strength
from storytrace.eval.links import read_labels, story_mixing
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex


def semeval_related(path: Path, labels: dict[frozenset[str], str]) -> set[frozenset[str]]:
    """SemEval pairs with 1.5 < Overall < 3, and the same pairs with a planted copy
    (``copy…``, labelled ``reuse`` with its source) in place of either article."""
    copies: dict[str, list[str]] = {}
    for pair, label in labels.items():
        a, b = sorted(pair)
        if label == "reuse" and (a.startswith("copy") or b.startswith("copy")):
            src, cpy = (b, a) if a.startswith("copy") else (a, b)
            copies.setdefault(src, []).append(cpy)
    csv.field_size_limit(sys.maxsize)
    out: set[frozenset[str]] = set()
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if not 1.5 < float(row["Overall"]) < 3.0:
                continue
            x, y = row["pair_id"].split("_")
            out |= {frozenset((p, q)) for p in (x, *copies.get(x, []))
                    for q in (y, *copies.get(y, []))}
    return out


def traced(db: Path | None, corpus: Path | None, story_check: bool | str = "auto"
           ) -> tuple[Store, float]:
    """The store to read: ``db`` as it is, or ``corpus`` traced into ``db`` (new) or
    memory; with the trace's CPU seconds."""
    if corpus is None:
        if db is None or not db.is_file():
            sys.exit(f"no store at {db}")
        return Store(str(db)), 0.0
    if db is not None and db.exists():
        sys.exit(f"{db} exists: give a new store")
    from storytrace.engines.local import trace_store
    from storytrace.pipeline import ingest

    store = Store(str(db) if db else ":memory:")
    ingest([corpus], store)
    before = resource.getrusage(resource.RUSAGE_SELF)
    trace_store(store, TraceOptions(trees=False, story_check=story_check))
    after = resource.getrusage(resource.RUSAGE_SELF)
    return store, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--semeval", type=Path)
    parser.add_argument("--recluster", action="store_true",
                        help="cluster the store's links again with this code's "
                        "cluster_links (no earlier stories) instead of reading its stories")
    parser.add_argument("--no-story-check", action="store_true",
                        help="trace without the sentence check of same-story links (the "
                        "trace command runs it when the sentence model is installed)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args()
    labels = read_labels(args.labels)
    store, cpu = traced(args.db, args.corpus, False if args.no_story_check else "auto")
    index = CorpusIndex(store)
    seqs = index.all_seqs()
    ids = index.article_ids(seqs)
    found = [x for x in index.links() if x.kind in STORY_KINDS]
    assigned = index.stories()
    if args.recluster:
        members = sorted({s for x in found for s in (x.a_seq, x.b_seq)})
        assigned = dict(zip(members, map(str, cluster_links(members, found)), strict=True))
    stories: dict[str, list[str]] = {}
    for seq, story in assigned.items():
        stories.setdefault(story, []).append(ids[seq])
    links = [(ids[x.a_seq], ids[x.b_seq], x.kind, link_strength(x)) for x in found]
    related = semeval_related(args.semeval, labels) if args.semeval else set()
    result = story_mixing(stories, links, labels, related) | {"trace_cpu_s": round(cpu, 1)}
    if args.format == "json":
        print(json.dumps(result, indent=1))
        return
    print(f"{result['mixed']} of {result['stories']} stories mix unrelated articles "
          f"(largest: {', '.join(map(str, result['largest']))}; trace CPU {cpu:.1f} s)")
    for s in result["stories_detail"]:
        print(f"  {s['story']} ({s['size']} articles, parts "
              f"{' + '.join(str(len(p)) for p in s['parts'])}): " + "; ".join(
                  f"{a}-{b} {kind} {w:.3f} ({label})" for a, b, kind, w, label in s["joins"]))
    for label, n in result["together"].items():
        print(f"  {label} pairs in one story: {n['together']} of {n['pairs']}")


if __name__ == "__main__":
    main()
