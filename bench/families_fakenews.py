"""Family-tree verdicts on real FakeNewsNet copy chains labelled by hand (issue 25).

Run: .venv/bin/python bench/families_fakenews.py [--db traced.db] [--labels TSV]

Without ``--db`` the FakeNewsNet corpus (../shared/data/fakenewsnet-v1-2018) is traced
into a temporary store first (as ``storytrace trace`` does). Each labelled article's
tree verdict is read from the store's stories and compared with the label
(bench/labels/fakenewsnet_families.tsv): **right** (the stored parent, or the credited
outside source, or no parent, as labelled), **cautious** (no parent where a parent or
source was labelled, or "parent unknown": not a hit, but no false claim), **wrong** (a
stored parent that is not the labelled one, or a parent where none was labelled).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.eval.stats import wilson  # noqa: E402

LABELS = ROOT / "bench" / "labels" / "fakenewsnet_families.tsv"
CORPUS = ROOT.parent / "shared" / "data" / "fakenewsnet-v1-2018"


def read_labels(path: Path) -> list[tuple[str, str, str]]:
    """``(url, parent, note)`` rows (``#`` lines skipped)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            url, parent, note = line.split("\t")
            rows.append((url, parent, note))
    return rows


def verdicts(db: Path) -> dict[str, dict]:
    """Each stored article's tree verdict by url: parent url, external source, unknown."""
    from storytrace.engines.local import build_stories, tree_for_story
    from storytrace.store import Store

    out: dict[str, dict] = {}
    with Store(db) as store:
        url_of = {a.id: a.url for a in store.articles()}
        for story in build_stories(store):
            tree = tree_for_story(store, story)
            for k, parent in tree.parents().items():
                node = tree.nodes[k]
                source = tree.nodes[node.source].label if node.source else None
                out[url_of[k]] = {"parent": url_of.get(parent) if parent else None,
                                  "source": source, "unknown": node.unknown,
                                  "score": node.score, "reason": (node.reasons or [""])[0]}
    return out


def judge(label: str, got: dict | None) -> str:
    from storytrace.provenance.direction import name_key

    got = got or {"parent": None, "source": None, "unknown": False}
    if got["parent"] is not None:
        return "right" if got["parent"] == label else "wrong"
    if label.startswith("external:"):
        return ("right" if got["source"] and name_key(got["source"]) == name_key(label[9:])
                else "cautious")
    if label == "none":
        return "cautious" if got["unknown"] else "right"
    return "cautious"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args()
    labels = read_labels(args.labels)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from storytrace.engines.local import trace_store
            from storytrace.pipeline import ingest
            from storytrace.store import Store

            db = Path(tmp) / "fnn.db"
            with Store(db) as store:
                ingest([str(CORPUS)], store)
                trace_store(store)
        got = verdicts(db)
    counts = {"right": 0, "cautious": 0, "wrong": 0}
    for url, parent, _note in labels:
        g = got.get(url)
        v = judge(parent, g)
        counts[v] += 1
        shown = "not in a story" if g is None else (
            g["parent"] or (f"external:{g['source']}" if g["source"] else
                            "parent unknown" if g["unknown"] else "no parent in the corpus"))
        print(f"{v:8s} {url[:70]}\n         labelled {parent[:70]}\n         tree     "
              f"{shown[:70]}" + (f" ({g['score']:.2f})" if g else ""))
    n = len(labels)
    lo, hi = wilson(counts["right"], n)
    print(f"{n} labelled versions: right {counts['right']} ({counts['right'] / n:.2f}, 95% "
          f"Wilson [{lo:.2f}, {hi:.2f}]), cautious {counts['cautious']}, wrong {counts['wrong']}")


if __name__ == "__main__":
    main()
