"""Confident-root accuracy on a make-bench provenance set: of the versions drawn with no
parent and a score >= 0.8, how many have no parent in the corpus by TRUTH.tsv, with and
without times. Usage: .venv/bin/python bench/root_confidence.py build/prov7"""
import json
import sys
from pathlib import Path

from storytrace.engines.core import TraceOptions
from storytrace.engines.local import build_stories, run_trace
from storytrace.eval.provenance import predict_parents, read_corpus, read_truth
from storytrace.store import Store

folder = Path(sys.argv[1])
articles = read_corpus(folder / "corpus.jsonl")
truth = read_truth(folder / "TRUTH.tsv")
out = {}
ids = {a.id for a in articles}
with Store(":memory:") as store:
    store.add(articles)
    run_trace(store, TraceOptions(same_story=False))
    stories = build_stories(store)
    for mode, ignore in (("with", False), ("without", True)):
        predicted, scores = predict_parents(store, stories, ignore_times=ignore)
        roots = [i for i, p in predicted.items() if p is None]
        sure = [i for i in roots if scores.get(i, 0) >= 0.8]
        right = sum(truth.get(i) not in ids for i in sure)
        right_all = sum(truth.get(i) not in ids for i in roots)
        out[mode] = {"roots": len(roots), "confident_roots": len(sure), "right": right,
                     "roots_right": right_all}
print(json.dumps(out))
