"""Trace a corpus into a store with or without the sentence check, and say what it cost.

Run: .venv/bin/python bench/trace_same_story.py CORPUS DB [--check] [--check-weights JSON]

Ingests CORPUS (a folder or a JSONL file) into the new store DB, traces it without
family trees (``TraceOptions(story_check=...)``) and prints the CPU seconds (user + sys)
of the whole run, and how many pairs the sentence check read with its CPU seconds.
``--check-weights`` runs the check with another model file (an older
``story_similarity_check.json``, for a before/after in one sitting). Score the store
with ``storytrace eval links LABELS --db DB`` (``--closed`` for a generated corpus).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import storytrace.engines.story_links as story_links
from storytrace.engines.core import TraceOptions
from storytrace.engines.local import trace_store
from storytrace.pipeline import ingest
from storytrace.store import Store
from storytrace.stories.similarity import SentenceCheck


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--check", action="store_true", help="TraceOptions(story_check=True)")
    parser.add_argument("--check-weights", type=Path, help="the check's model file to use")
    args = parser.parse_args()
    if args.db.exists():
        sys.exit(f"{args.db} exists: give a new store")
    store = Store(str(args.db))
    ingest([args.corpus], store)
    if args.check_weights:
        chosen = SentenceCheck(weights=json.loads(args.check_weights.read_text()))
        story_links.sentence_check = lambda mode: chosen if mode else None
    cost = {"pairs": 0, "cpu": 0.0}
    checked = story_links._checked

    def timed(check: object, kept: list[int], texts: list[tuple[str, str]]) -> dict:
        start = time.process_time()
        out = checked(check, kept, texts)
        cost["pairs"] += len(kept)
        cost["cpu"] += time.process_time() - start
        return out

    story_links._checked = timed
    report = trace_store(store, TraceOptions(story_check=args.check, trees=False))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{args.corpus}: {len(report.stories)} stories; CPU {cpu:.1f} s (user + sys); "
          f"sentence check: {cost['pairs']} pairs, {cost['cpu']:.1f} CPU s")


if __name__ == "__main__":
    main()
