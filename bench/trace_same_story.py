"""Trace a corpus into a store with or without the sentence check, and say what it cost.

Run: .venv/bin/python bench/trace_same_story.py CORPUS DB [--check] [--check-weights JSON]
       [--check-min P] [--labels LABELS [--closed]]

Ingests CORPUS (a folder or a JSONL file) into the new store DB, traces it without
family trees (``TraceOptions(story_check=...)``) and prints the CPU seconds (user + sys)
of the whole run, and how many pairs the sentence check read with its CPU seconds.
``--check-weights`` runs the check with another model file (an older
``story_similarity_check.json``, for a before/after in one sitting). Score the store
with ``storytrace eval links LABELS --db DB`` (``--closed`` for a generated corpus).
``--labels`` also prints, per label, how many pairs a link of each kind joins: a
``same_event`` link (same broad event, not shown to be one story) is reported but joins
no story, so the pairs a story link (reuse or same story) joins are counted apart.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
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
    parser.add_argument("--check-min", type=float,
                        help="the check's probability a same-story link needs (default: "
                             "story_links.STORY_CHECK_MIN)")
    parser.add_argument("--labels", type=Path, help="label file: pairs linked, by kind")
    parser.add_argument("--closed", action="store_true", help="the labels are complete")
    args = parser.parse_args()
    if args.db.exists():
        sys.exit(f"{args.db} exists: give a new store")
    store = Store(str(args.db))
    ingest([args.corpus], store)
    if args.check_weights:
        chosen = SentenceCheck(weights=json.loads(args.check_weights.read_text()))
        story_links.sentence_check = lambda mode: chosen if mode else None
    if args.check_min is not None:
        story_links.STORY_CHECK_MIN = args.check_min
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
    if args.labels:
        linked_by_kind(store, args.labels, args.closed)


def linked_by_kind(store: Store, labels: Path, closed: bool) -> None:
    """For each label, how many of its pairs a story link (reuse or same story), a
    same-event link and a shared-quote link join; and each kind's precision."""
    from storytrace.engines.core import STORY_KINDS
    from storytrace.eval.links import read_labels, score_links
    from storytrace.store.corpus import CorpusIndex

    truth = read_labels(labels)
    index = CorpusIndex(store)
    ids = index.article_ids(index.all_seqs())
    links = [(ids[x.a_seq], ids[x.b_seq], x.kind) for x in index.links()]
    by_kind = {kind: score_links([x for x in links if x[2] in kinds], truth, closed)
               for kind, kinds in (("story", STORY_KINDS), ("same_event", ("same_event",)),
                                   ("shared_quote", ("shared_quote",)))}
    for kind in ("reuse", "same_story", "shared_quote"):
        r = score_links(links, truth, closed)[kind]
        print(f"{kind} links: precision {r['precision']:.3f} ({r['right']} of "
              f"{r['labelled']}); labels {r['labels']}")
    events = [truth.get(frozenset(x[:2]), "unrelated" if closed else None)
              for x in links if x[2] == "same_event"]
    print(f"same_event links: {len(events)}; labels {dict(Counter(events))}")
    for label, n in by_kind["story"]["linked"].items():
        print(f"  {label} pairs ({n['pairs']}): story link {n['linked']} "
              f"({n['linked'] / n['pairs']:.0%}), same event "
              f"{by_kind['same_event']['linked'][label]['linked']}, shared quote "
              f"{by_kind['shared_quote']['linked'][label]['linked']}")


if __name__ == "__main__":
    main()
