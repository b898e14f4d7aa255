"""Family trees on sets built independently of ``make-bench provenance`` (issue 25).

Run: .venv/bin/python bench/families.py [--models cutadd rewrite] [--seeds 1 2 3] [--jobs 2]
     [--reliability] [--misses]

For each edit model and seed, builds ``storytrace make-bench families`` under
``build/fam-<model>-<seed>`` (if missing), traces it once into ``trace.db`` beside it
(kept, so later runs score new tree code without tracing again; ``--fresh`` traces
anew), builds every story's tree with and without the corpus's times, and prints
parent accuracy, root accuracy, edge precision and the "parent unknown" count
(copies whose tree could not decide, and roots so marked) per set and pooled, with
95% Wilson intervals. ``--reliability`` adds stated confidence against measured
accuracy, for the pairwise direction verdicts of every pair of versions of one
family (a directed verdict is right when it names the ancestor as the source;
"siblings" is right for two versions neither of which descends from the other) and
for the tree's edges (node score of each version given a parent).

Tuning split: weights were chosen on ``cutadd`` seeds 1 and 2 (and the old
``make-bench provenance`` seeds 7 and 3); ``rewrite`` (every seed) and ``cutadd``
seeds 11 and up are held out.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.eval.stats import wilson  # noqa: E402

SOURCE = ROOT.parent / "shared" / "data" / "fakenewsnet-v1-2018"
OUTSIDE = ROOT.parent / "shared" / "data" / "semeval2022-task8" / "training_set.csv"
MODES = ("with_times", "without_times")
BINS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001)


def build(model: str, seed: int) -> Path:
    """The set's folder, built if missing."""
    from storytrace.eval.make_families import make_families_set, outside_sentences
    from storytrace.ingest import read_sources
    from storytrace.model import Article

    folder = ROOT / "build" / f"fam-{model}-{seed}"
    if not (folder / "TRUTH.tsv").is_file():
        articles = [r for r in read_sources([str(SOURCE)]) if isinstance(r, Article)]
        make_families_set(articles, folder, model=model, seed=seed,
                          outside=outside_sentences(OUTSIDE))
    return folder


def _traced(folder: Path, fresh: bool):
    """The set traced into ``folder/trace.db`` (reuse links and stories; no trees needed)."""
    from storytrace.engines.core import TraceOptions
    from storytrace.engines.local import run_trace
    from storytrace.eval.provenance import read_corpus
    from storytrace.store import Store

    db = folder / "trace.db"
    if fresh and db.exists():
        db.unlink()
    if db.exists():
        return Store(db)
    tmp = folder / "trace.db.part"
    tmp.unlink(missing_ok=True)
    with Store(tmp) as store:
        store.add(read_corpus(folder / "corpus.jsonl"))
        run_trace(store, TraceOptions(same_story=False))
    tmp.rename(db)
    return Store(db)


def _ancestors(truth: dict[str, str], x: str) -> list[str]:
    out = []
    while x in truth and truth[x] not in out:
        x = truth[x]
        out.append(x)
    return out


def run_set(job: tuple[str, int | str, bool, bool, dict]) -> dict:
    """Score one set: counts per mode, "parent unknown" counts, reliability pairs.

    ``job``: model, seed (or, with model ``set``, a folder holding corpus.jsonl and
    TRUTH.tsv, e.g. one ``make-bench provenance`` wrote), fresh, reliability, and tree
    options to override (``TreeOptions`` fields)."""
    from storytrace.engines.local import build_stories, tree_for_story
    from storytrace.eval.provenance import read_corpus, read_truth
    from storytrace.provenance.direction import decide, profile

    model, seed, fresh, reliability, overrides = job
    from storytrace.provenance.tree import TreeOptions

    options = TreeOptions(**overrides)
    folder = Path(seed) if model == "set" else build(model, int(seed))
    truth = read_truth(folder / "TRUTH.tsv")
    articles = {a.id: a for a in read_corpus(folder / "corpus.jsonl")}
    out: dict = {"model": model, "seed": seed}
    with _traced(folder, fresh) as store:
        stories = build_stories(store)
        for mode in MODES:
            ignore = mode == "without_times"
            pred: dict[str, str | None] = dict.fromkeys(articles)
            score: dict[str, float] = dict.fromkeys(articles, 1.0)
            unknown: set[str] = set()
            for story in stories:
                tree = tree_for_story(store, story, ignore_times=ignore, options=options)
                for k, p in tree.parents().items():
                    pred[k], score[k] = p, tree.nodes[k].score
                    if getattr(tree.nodes[k], "unknown", False):
                        unknown.add(k)
            out[mode] = _counts(pred, score, unknown, truth, articles)
        out["pairs"] = (_pair_reliability(stories, articles, truth, decide, profile)
                        if reliability else {})
    return out


def _counts(pred: dict, score: dict, unknown: set, truth: dict, articles: dict) -> dict:
    derived = [i for i in articles if i in truth]
    roots = [i for i in articles if i not in truth]
    edges = [(i, p) for i, p in pred.items() if p is not None]
    return {
        "parent": (sum(pred[i] == truth[i] for i in derived), len(derived)),
        "root": (sum(pred[i] is None for i in roots), len(roots)),
        "edge": (sum(truth.get(i) == p for i, p in edges), len(edges)),
        "unknown_copies": sum(i in unknown for i in derived),
        "unknown_roots": sum(i in unknown for i in roots),
        "as_original": sum(pred[i] is None and i not in unknown for i in derived),
        "wrong_parent": sum(pred[i] is not None and pred[i] != truth[i] for i in derived),
        "edges": [(score[i], truth.get(i) == p) for i, p in edges],
    }


def family_pairs(stories, articles, truth, decide, profile):
    """Each pair of versions of one family that share a story, decided with and without
    times: (mode, direction, right, direct). A directed verdict is right when it names an
    ancestor of the other as the source, "siblings" when neither descends from the other
    (None for "unknown"); direct: one is the other's parent."""
    from dataclasses import replace

    family = {c: (_ancestors(truth, c) or [c])[-1] for c in truth}
    for x in set(truth.values()):
        family.setdefault(x, x)
    for story in stories:
        ids = [a.id for a in story.articles if a.id in family]
        for mode in MODES:
            profs = {i: profile(articles[i] if mode == "with_times" else
                                replace(articles[i], published=None)) for i in ids}
            for x, a in enumerate(ids):
                for b in ids[x + 1:]:
                    if family[a] != family[b]:
                        continue
                    others = [profs[i] for i in ids if i not in (a, b) and family[i] == family[a]]
                    d = decide(profs[a], profs[b], others)
                    up_a, up_b = _ancestors(truth, a), _ancestors(truth, b)
                    right = {"a->b": a in up_b, "b->a": b in up_a,
                             "siblings": a not in up_b and b not in up_a}.get(d.verdict)
                    yield mode, d, right, truth.get(b) == a or truth.get(a) == b


def _pair_reliability(stories, articles, truth, decide, profile) -> dict:
    """Stated confidence and rightness of the pairwise verdict on each pair of versions of
    one family that share a story (with and without times)."""
    out: dict[str, list] = {m: [] for m in MODES}
    for mode, d, right, direct in family_pairs(stories, articles, truth, decide, profile):
        out[mode].append((d.verdict, d.confidence, right, direct))
    return out


def _line(name: str, k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{name} {k}/{n} = {k / n if n else 0:.4f} [{lo:.4f}, {hi:.4f}]"


def _table(rows: list[tuple[float, bool]], title: str) -> None:
    print(f"  {title}: stated confidence | n | measured accuracy [95% Wilson]")
    for lo, hi in itertools.pairwise(BINS):
        cell = [r for c, r in rows if lo <= c < hi]
        if cell:
            k = sum(cell)
            a, b = wilson(k, len(cell))
            print(f"    [{lo:.2f}, {min(hi, 1):.2f}{')' if hi < 1 else ']'} | {len(cell):4d} | "
                  f"{k / len(cell):.3f} [{a:.3f}, {b:.3f}]")


def report(results: list[dict], reliability: bool) -> None:
    print("model    seed  mode           parent   root     edgeP   unknown(copies/roots) "
          "as-original wrong")
    for r in results:
        for mode in MODES:
            c = r[mode]
            cells = [c[w][0] / c[w][1] if c[w][1] else 0 for w in ("parent", "root", "edge")]
            name = Path(str(r["seed"])).name
            print(f"{r['model']:8s} {name:>6s}  {mode:13s}  {cells[0]:.4f}  {cells[1]:.4f}"
                  f"  {cells[2]:.4f}  {c['unknown_copies']:3d} / {c['unknown_roots']:3d}"
                  f"               {c['as_original']:3d}        {c['wrong_parent']:3d}")
    for model in sorted({r["model"] for r in results}):
        group = [r for r in results if r["model"] == model]
        print(f"pooled {model}, seeds {' '.join(str(r['seed']) for r in group)} "
              f"(correct / total, 95% Wilson interval):")
        for mode in MODES:
            for what in ("parent", "root", "edge"):
                k = sum(r[mode][what][0] for r in group)
                n = sum(r[mode][what][1] for r in group)
                print("  " + _line(f"{what:6s} {mode:13s}", k, n))
            unk = sum(r[mode]["unknown_copies"] for r in group)
            orig = sum(r[mode]["as_original"] for r in group)
            wrong = sum(r[mode]["wrong_parent"] for r in group)
            print(f"  copies missed {mode}: parent unknown {unk}, drawn as original {orig}, "
                  f"wrong parent {wrong}; roots marked unknown "
                  f"{sum(r[mode]['unknown_roots'] for r in group)}")
        if not reliability:
            continue
        for mode in MODES:
            pairs = [p for r in group for p in r["pairs"][mode]]
            decided = [(c, bool(ok)) for v, c, ok, _ in pairs if v != "unknown"]
            print(f"  pairwise verdicts {mode}: {len(pairs)} family pairs, "
                  f"{len(decided)} decided, {len(pairs) - len(decided)} unknown")
            _table(decided, f"pairwise direction ({mode})")
            _table([e for r in group for e in r[mode]["edges"]], f"tree edges ({mode})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="*", default=["cutadd", "rewrite"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="Trace each set anew.")
    parser.add_argument("--reliability", action="store_true")
    parser.add_argument("--sets", nargs="*", default=[], help="Also score these folders "
                        "(e.g. build/prov7 from make-bench provenance), pooled as 'set'.")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="Override a TreeOptions field (a number, or true/false).")
    args = parser.parse_args()
    over = {}
    for item in args.option:
        name, _, value = item.partition("=")
        over[name] = value.lower() == "true" if value.lower() in ("true", "false") \
            else float(value)
    jobs = [(m, s, args.fresh, args.reliability, over) for m in args.models
            for s in dict.fromkeys(args.seeds)]
    jobs += [("set", str(Path(f).resolve()), args.fresh, args.reliability, over)
             for f in args.sets]
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(run_set, jobs))
    report(results, args.reliability)


if __name__ == "__main__":
    main()
