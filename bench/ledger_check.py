"""Read and score the claim ledgers (issue 22 item 5) of a store traced with `--changes`.

Run: .venv/bin/python bench/ledger_check.py show STORE.db [--story ID ...] [--width N]
     .venv/bin/python bench/ledger_check.py score STORE.db [--labels TSV]

``show`` prints each story's ledger as a fact-checker reads it: every entry with its
statement (the first version's words), the versions carrying it (outlets in tree order,
with their marks, and the sentences of each that carry it), and each step down the tree
(claim kind, score, what changed, old → new, and where the claim sits in the child), so
each entry can be judged against the texts.

``score`` reads hand labels (bench/labels/ledger_fakenews.tsv: ``first<TAB>start<TAB>
verdict<TAB>statement<TAB>note``; an entry is keyed by the version where it first appears
and the statement's start offset there; ``statement`` holds its first words, checked so a
label never scores an entry it was not written for) and counts the verdicts of the
labelled entries the store's ledgers still hold: ``right`` (every carrier listed carries
the statement, no version that carries it through a tree edge is missing, and each change
shown is a real difference, old → new, with no wrong text), ``wrong`` (a carrier that does
not carry it, a missed carrier, or a change that is not one: the note says which). It
prints the share right with its 95% Wilson interval, and the entries not labelled (or
whose label no longer fits), which the command prints so they can be labelled.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

LABELS = ROOT / "bench" / "labels" / "ledger_fakenews.tsv"
VERDICTS = ("right", "wrong")


def ledgers(db: Path, only: list[str] | None = None) -> list[tuple[str, dict, dict]]:
    """``(story id, ledger dict, {article id: (outlet, text)})`` for each story of the
    store whose stored tree has claims, largest story first."""
    from storytrace.diff.ledger import ledger_dict
    from storytrace.engines.local import stored_stories
    from storytrace.store import Store
    from storytrace.store.corpus import CorpusIndex

    with Store(db, read_only=True) as store:
        stories = stored_stories(store, only)
        trees = CorpusIndex(store).trees([s.id for s in stories])
    out = []
    for s in stories:
        found = ledger_dict(trees.get(s.id), {a.id: a.text for a in s.articles})
        if found and "entries" in found:
            out.append((s.id, found, {a.id: (a.outlet or a.id, a.text) for a in s.articles}))
        elif found:
            out.append((s.id, found, {}))
    return out


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def show(rows: list[tuple[str, dict, dict]], width: int) -> None:
    """Print each ledger entry by entry (see the module's description)."""
    for story, ledger, versions in rows:
        if "error" in ledger:
            print(f"== {story}: ledger error: {ledger['error']}")
            continue
        names = [f"{v} ({versions[v][0]})" for v in ledger["versions"]]
        print(f"== {story}: {len(ledger['entries'])} entries; versions in tree order: "
              + ", ".join(names) + f"; parents {ledger['parents']}")
        for e in ledger["entries"]:
            st = e["statement"]
            marks = " ".join(f"{v[:6]}:{m or '-'}" for v, m in zip(ledger["versions"],
                                                                  e["marks"], strict=True))
            print(f"-- {st['id']}\t{st['start']}\t{_short(st['text'], width)}")
            print(f"   marks {marks}")
            for c in e["carriers"][1:]:
                text = versions[c["id"]][1]
                print(f"   in {c['id'][:6]} " + " | ".join(
                    f"{x['start']}: {_short(text[x['start']:x['end']], width - 20)}"
                    for x in c["spans"]))
            for s in e["steps"]:
                changes = "; ".join(
                    f"{c['kind']} {c['change']}: "
                    f"“{(c['parent'] or {}).get('text', '')}” → "
                    f"“{(c['child'] or {}).get('text', '')}”" for c in s["changes"])
                start, end = s["child_span"]
                print(f"   {s['parent'][:6]}→{s['child'][:6]} {s['kind']} {s['score']:.2f} "
                      f"{changes or 'no change'}\n      in child {start}: "
                      f"{_short(versions[s['child']][1][start:end], width - 10)}")
            if e["dropped_by"]:
                print("   dropped by " + ", ".join(e["dropped_by"]))


def read_labels(path: Path) -> dict[tuple[str, int], tuple[str, str, str]]:
    """``(first, start) -> (verdict, statement words, note)``; ``#`` lines skipped."""
    out = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 5 or cells[2] not in VERDICTS or not cells[1].isdigit():
            raise SystemExit(f"{path}:{n}: want first<TAB>start<TAB>right|wrong<TAB>"
                             f"statement<TAB>note, got {line[:80]!r}")
        out[(cells[0], int(cells[1]))] = (cells[2], cells[3], cells[4])
    return out


def score(rows: list[tuple[str, dict, dict]], labels: dict, width: int) -> None:
    """Count the labelled entries' verdicts; list the entries without a label."""
    from storytrace.eval.stats import wilson

    counts: Counter[str] = Counter()
    unlabelled = []
    for story, ledger, _ in rows:
        for e in ledger.get("entries") or []:
            st = e["statement"]
            label = labels.get((st["id"], st["start"]))
            words = " ".join(st["text"].split())
            if label and words.startswith(" ".join(label[1].split())):
                counts[label[0]] += 1
                counts["story:" + story] += 1
                if len(e["carriers"]) > 1:
                    counts["shared " + label[0]] += 1
            else:
                unlabelled.append((story, st, words))
    n = counts["right"] + counts["wrong"]
    stories = sorted(k[6:] for k in counts if k.startswith("story:"))
    if n:
        lo, hi = wilson(counts["right"], n)
        print(f"labelled entries found: {n} in {len(stories)} stories; right "
              f"{counts['right']} ({counts['right'] / n:.1%}, 95% CI {lo:.1%}-{hi:.1%}), "
              f"wrong {counts['wrong']}; of them carried by two versions or more: right "
              f"{counts['shared right']}, wrong {counts['shared wrong']}")
    else:
        print("no labelled entry found in this store")
    print(f"labels not found: {len(labels) - n}; entries without a label in these stories: "
          f"{sum(s in stories for s, _, _ in unlabelled)}")
    for story, st, words in unlabelled:
        if story in stories:
            print(f"  unlabelled {story}\t{st['id']}\t{st['start']}\t{_short(words, width)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("show", "score"))
    parser.add_argument("db", type=Path)
    parser.add_argument("--story", action="append", help="only these story ids")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--width", type=int, default=110)
    args = parser.parse_args()
    rows = ledgers(args.db, args.story)
    if args.command == "show":
        show(rows, args.width)
    else:
        score(rows, read_labels(args.labels), args.width)


if __name__ == "__main__":
    main()
