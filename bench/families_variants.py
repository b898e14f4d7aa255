"""Tree options compared on family sets in one process per set (issue 25).

Run: .venv/bin/python bench/families_variants.py VARIANTS FOLDER...
     [--modes with_times,without_times] [--json OUT]

``VARIANTS`` is a JSON object ``{"name": {TreeOptions field: value}}``, e.g.
``'{"before": {"witnessed_share": 0, "credited_if_first": false}, "after": {}}'``.
Each folder (``build/fam-<model>-<seed>`` from ``bench/families.py``, or ``build/prov<seed>``
from ``make-bench provenance``) is traced once into ``trace.db`` beside it if it has none,
then every story's tree is built with each variant, with and without times, and scored as
``bench/families.py`` scores it (parent, root, edge precision, "parent unknown"). The
pairwise verdicts of one story do not depend on the tree options, so they are computed
once per story and mode and shared by the variants: several variants cost little more
than one. ``--json`` keeps the counts and each tree edge's (stated score, right) for
reliability tables.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import families  # noqa: E402


def _shared_decide() -> None:
    """Let the tree reuse pairwise verdicts across variants (same articles, same times,
    same third versions give the same verdict)."""
    import storytrace.provenance.tree as tree_module

    real, memo = tree_module.decide, {}

    def key(p):
        return p.article.id, p.article.published

    def decide(pa, pb, others=(), comparison=None):
        others = list(others)
        if comparison is not None:
            return real(pa, pb, others, comparison)
        k = (key(pa), key(pb), tuple(key(o) for o in others))
        if k not in memo:
            memo[k] = real(pa, pb, others)
        return memo[k]

    tree_module.decide = decide


def run(folder: Path, variants: dict[str, dict], modes: list[str]) -> tuple[dict, float]:
    """Counts per (mode, variant) for one set, and the CPU seconds it took."""
    from storytrace.engines.local import build_stories, tree_for_story
    from storytrace.eval.provenance import read_corpus, read_truth
    from storytrace.provenance.tree import TreeOptions

    _shared_decide()
    truth = read_truth(folder / "TRUTH.tsv")
    articles = {a.id: a for a in read_corpus(folder / "corpus.jsonl")}
    out = {}
    with families._traced(folder, False) as store:
        stories = build_stories(store)
        for mode in modes:
            for name, over in variants.items():
                options = TreeOptions(**over)
                pred = dict.fromkeys(articles)
                score = dict.fromkeys(articles, 1.0)
                unknown = set()
                for story in stories:
                    tree = tree_for_story(store, story, ignore_times=mode == "without_times",
                                          options=options)
                    for k, p in tree.parents().items():
                        pred[k], score[k] = p, tree.nodes[k].score
                        if tree.nodes[k].unknown:
                            unknown.add(k)
                out[f"{mode}|{name}"] = families._counts(pred, score, unknown, truth, articles)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return out, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", type=json.loads)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--modes", default="with_times,without_times")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    kept = {}
    for folder in args.folders:
        out, cpu = run(folder.resolve(), args.variants, args.modes.split(","))
        kept[folder.name] = out
        print(f"== {folder.name} (CPU {cpu:.0f} s so far)")
        for key, c in out.items():
            mode, name = key.split("|")
            print(f"  {mode:13s} {name:10s} parent {c['parent'][0]}/{c['parent'][1]} root "
                  f"{c['root'][0]}/{c['root'][1]} edge {c['edge'][0]}/{c['edge'][1]} unknown "
                  f"{c['unknown_copies']} original {c['as_original']} wrong {c['wrong_parent']}",
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps(kept))


if __name__ == "__main__":
    main()
