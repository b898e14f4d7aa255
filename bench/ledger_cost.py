"""What the claim ledger (issue 22 item 5) costs on a store traced with `trace --changes`.

Run: .venv/bin/python bench/ledger_cost.py STORE.db [--no-diffs]

Measured in CPU seconds (user + system, this process), on the trees the store holds:
* ``edge_claims``: the compact claims with their word edits that ``tree_changes`` now adds
  to each derived edge (made again here from each edge's stored facts diff);
* ``root_links``: the claims of a later root against the earlier version it shares text
  with (``related`` edges with ``changes.earlier``): a whole facts diff each, made again
  here with the aligner ``trace`` uses (``Aligner()``), twice (the first pass also loads
  what the diff reads lazily, which ``trace`` has loaded by then); with ``edge_claims``
  the work ``trace --changes`` does for the ledger;
* ``ledger``: every story's ledger built from its stored tree and texts, as ``--html``,
  ``-f json`` and the web story page do;
and the bytes the compact claims add to the stored trees (JSON, UTF-8).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--no-diffs", action="store_true",
                        help="leave out the root links' facts diffs (the slow part)")
    args = parser.parse_args()
    from storytrace.align import Aligner
    from storytrace.comparison import compare, edge_claims
    from storytrace.diff.ledger import ledger_dict
    from storytrace.engines.local import stored_stories
    from storytrace.store import Store
    from storytrace.store.corpus import CorpusIndex

    with Store(args.db, read_only=True) as store:
        stories = stored_stories(store)
        trees = CorpusIndex(store).trees([s.id for s in stories])
    arts = {a.id: a for s in stories for a in s.articles}
    texts = {k: a.text for k, a in arts.items()}
    edges = [e for t in trees.values() for e in t.get("edges") or []
             if isinstance(e.get("changes"), dict) and "diff" in e["changes"]]
    related = [e for t in trees.values() for e in t.get("edges") or []
               if isinstance(e.get("changes"), dict) and "earlier" in e["changes"]]
    start = cpu()
    compact = [edge_claims(e["changes"]["diff"].get("claims"), texts[e["source"]],
                           texts[e["target"]]) for e in edges]
    made = cpu() - start
    aligner = Aligner()
    linked = []  # twice: the first pass also loads what the facts diff reads lazily
    for _ in range(0 if args.no_diffs else 2):
        start = cpu()
        for e in related:
            a = arts[e["changes"]["earlier"]]
            b = arts[e["target"] if a.id == e["source"] else e["source"]]
            diff = compare(a, b, aligner, details=("diff",)).details["diff"]
            edge_claims(diff.get("claims"), a.text, b.text)
        linked.append(round(cpu() - start, 3))
    start = cpu()
    ledgers = [ledger_dict(trees[s.id], {a.id: a.text for a in s.articles})
               for s in stories if s.id in trees]
    built = cpu() - start
    size = sum(len(json.dumps(c, ensure_ascii=False).encode()) for c in compact)
    stored = sum(len(json.dumps(t, ensure_ascii=False).encode()) for t in trees.values())
    entries = sum(len(x["entries"]) for x in ledgers if x and "entries" in x)
    print(json.dumps({"stories": len(stories), "trees": len(trees), "edges_with_changes":
                      len(edges), "edge_claims_cpu_s": round(made, 3),
                      "root_links": len(related), "root_links_cpu_s (first, again)": linked,
                      "ledgers": sum(x is not None for x in ledgers), "ledger_entries": entries,
                      "ledger_cpu_s": round(built, 3), "compact_claims_bytes": size,
                      "stored_trees_bytes": stored}, indent=1))


if __name__ == "__main__":
    main()
