"""Which evidence tells a same-story pair from another story of the same event, among the
pairs the lexical model links (issue 21 item 3), measured on traced stores.

Run: .venv/bin/python bench/story_signals.py LABELS DB [--closed] [LABELS DB [--closed]] ...

Each ``LABELS DB`` (``--closed`` after a generated corpus's pair: any unlabelled link is
``unrelated``) is a labelled corpus traced with the sentence check on (``trace``'s
default; ``bench/trace_same_story.py CORPUS DB --check`` or ``bench/story_mixing.py
LABELS --corpus CORPUS --db DB``). Read are the links whose evidence carries the check's
verdict (``same_story``, ``same_event``, and the same-story evidence of ``shared_quote``
links; for a pair sharing a quotation, the verdict with it blanked). A pair is positive
when labelled ``same_story``, ``reuse`` or ``duplicate``. Printed per corpus: the AUC of
each feature the link's evidence shows, of the two models' probabilities, their product,
and of "the two articles come from different sites"; then, for a few decision rules,
the positive and all pairs each would make same-story links (pairs of one site left out,
as ``story_tier`` does).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from storytrace.engines.core import same_site
from storytrace.eval.links import read_labels
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex


def scored_pairs(db: Path, labels: Path, closed: bool) -> list[tuple[bool, dict]]:
    """(positive, signals) for each labelled link of ``db`` the sentence check read."""
    truth = read_labels(labels)
    index = CorpusIndex(Store(str(db)))
    seqs = index.all_seqs()
    ids, articles = index.article_ids(seqs), index.articles(seqs)
    out = []
    for x in index.links():
        ev = x.evidence if x.kind in ("same_story", "same_event") else x.evidence.get(
            "same_story")
        if not ev or "sentence_check" not in ev:
            continue
        label = truth.get(frozenset((ids[x.a_seq], ids[x.b_seq])),
                          "unrelated" if closed else None)
        if label is None:
            continue
        check = ev.get("without_quotes", {}).get("sentence_check") or ev["sentence_check"]
        f = dict(ev["features"]) | {f"check_{k}": v for k, v in check["features"].items()}
        f |= {"check": check["probability"], "lexical": ev["same_story_score"]}
        f["product"] = f["check"] * f["lexical"]
        f["logit_sum"] = sum(math.log(max(p, 1e-6) / max(1 - p, 1e-6))
                             for p in (f["check"], f["lexical"]))
        f["other_site"] = float(not same_site(articles[x.a_seq], articles[x.b_seq]))
        out.append((label in ("same_story", "reuse", "duplicate"), f))
    return out


RULES = {"check >= 0.65 (shipped)": lambda f: f["check"] >= 0.65,
         "check >= 0.6": lambda f: f["check"] >= 0.6,
         "check >= 0.7": lambda f: f["check"] >= 0.7,
         "product >= 0.42": lambda f: f["product"] >= 0.42,
         "product >= 0.45": lambda f: f["product"] >= 0.45,
         "product >= 0.5": lambda f: f["product"] >= 0.5}


def labelled_runs(description: str) -> list[tuple[Path, Path, bool]]:
    """The command line's ``LABELS DB [--closed] [LABELS DB [--closed]] ...`` as
    ``(labels, db, closed)`` triples (also read by ``bench/story_names.py``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("runs", nargs="+", help="LABELS DB [--closed] ...")
    args, rest = parser.parse_known_args()
    items = [*args.runs, *rest]
    runs, k = [], 0
    while k < len(items):
        closed = k + 2 < len(items) and items[k + 2] == "--closed"
        runs.append((Path(items[k]), Path(items[k + 1]), closed))
        k += 3 if closed else 2
    return runs


def main() -> None:
    from sklearn.metrics import roc_auc_score

    for labels, db, closed in labelled_runs(__doc__.split("\n\n")[0]):
        rows = scored_pairs(db, labels, closed)
        y = [p for p, _ in rows]
        print(f"{db} ({labels.name}): {len(rows)} pairs the check read, {sum(y)} positive")
        aucs = []
        for name in rows[0][1]:
            values = [f.get(name, 0.0) for _, f in rows]
            if 0 < sum(y) < len(y):
                aucs.append((roc_auc_score(y, values), name))
        print("  AUC: " + ", ".join(f"{n} {a:.3f}" for a, n in sorted(aucs, reverse=True)))
        for rule, keep in RULES.items():
            kept = [p for p, f in rows if keep(f) and f["other_site"]]
            print(f"  {rule}: {sum(kept)} positive of {len(kept)}")


if __name__ == "__main__":
    main()
