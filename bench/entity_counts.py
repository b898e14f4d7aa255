"""Rule-layer entities and capitalised words of the seeds and FakeNewsNet, to compare versions.

Run: .venv/bin/python bench/entity_counts.py OUT.json [--against BEFORE.json]

Reads ``../shared/examples/seeds`` and ``../shared/data/fakenewsnet-v1-2018`` as ``ingest``
does, writes each text's entities (start, end, kind, value; ``spacy=False``) and its
:func:`~storytrace.diff.entities.capitalised_words` to OUT.json, and with ``--against``
prints the totals of both runs and the texts whose entities differ, with the spans lost
and gained, for reading by hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.diff.entities import capitalised_words, extract_entities  # noqa: E402
from storytrace.ingest import read_sources  # noqa: E402
from storytrace.model import Article  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = [SHARED / "examples" / "seeds", SHARED / "data" / "fakenewsnet-v1-2018"]


def measure() -> dict[str, dict]:
    """Article id -> its capitalised words and entities."""
    out = {}
    for a in read_sources(SOURCES):
        if isinstance(a, Article) and a.text:
            out[a.id] = {"caps": sorted(capitalised_words([a.text])),
                         "ents": [[e.start, e.end, e.kind, e.value]
                                  for e in extract_entities(a.text, spacy=False)]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--against", type=Path, help="an earlier run's OUT.json")
    args = parser.parse_args()
    now = measure()
    args.out.write_text(json.dumps(now), encoding="utf-8")
    print(f"{len(now)} texts, {sum(len(v['ents']) for v in now.values())} entities")
    if args.against:
        before = json.loads(args.against.read_text(encoding="utf-8"))
        print(f"before: {len(before)} texts, "
              f"{sum(len(v['ents']) for v in before.values())} entities")
        differ = [k for k in now if k in before and now[k]["ents"] != before[k]["ents"]]
        print(f"texts whose entities differ: {len(differ)}")
        for k in differ:
            old, new = ({tuple(e) for e in run[k]["ents"]} for run in (before, now))
            print(k, "lost", sorted(old - new), "got", sorted(new - old))


if __name__ == "__main__":
    main()
