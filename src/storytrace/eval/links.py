"""Score the links a `trace` run proposes against pairs labelled by reading both articles.

A label file is tab-separated with a header ``a, b, label, note``: two article ids and what
the pair really is (:data:`LABELS`). A link is right when the pair's label is in
:data:`RIGHT` for its kind: a reuse link for ``reuse`` or ``duplicate``; a same-story link
for those or ``same_story``; a shared-quote link for ``shared_quote`` or ``same_story``
(two reports of one story that quote one speaker); a same-event link (the same-story
model's pair that the sentence check did not confirm; it joins no story) for
``same_event`` or any of those.
Precision is counted over the proposed links that carry a label (each with a 95% Wilson
interval); links without a label are counted and listed, never guessed. ``missed`` counts
labelled pairs that deserve a link of either kind and got none.

>>> labels = {frozenset(("a", "b")): "reuse", frozenset(("a", "c")): "boilerplate"}
>>> r = score_links([("a", "b", "reuse"), ("a", "c", "reuse"), ("c", "d", "same_story")],
...                 labels)
>>> r["reuse"]["right"], r["reuse"]["labelled"], r["reuse"]["precision"], r["unlabelled"]
(1, 2, 0.5, 1)
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from storytrace.engines.core import STORY_KINDS, connected
from storytrace.eval.stats import wilson

LABELS = ("reuse", "duplicate", "boilerplate", "shared_quote", "same_story", "same_event",
          "unrelated")
#: which labels make each kind of link right
RIGHT = {"reuse": {"reuse", "duplicate"}, "same_story": {"same_story", "reuse", "duplicate"},
         "shared_quote": {"shared_quote", "same_story"},
         "same_event": {"same_event", "same_story", "reuse", "duplicate"}}


def read_labels(path: str | Path) -> dict[frozenset[str], str]:
    """``{pair: label}`` from a label file; raises ValueError naming the line of a bad row."""
    labels: dict[frozenset[str], str] = {}
    with open(path, encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        header = next(rows, None)
        if not header or [h.strip() for h in header[:3]] != ["a", "b", "label"]:
            raise ValueError(f"{path}: the first line must be the header a, b, label, note")
        for line, row in enumerate(rows, 2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 3 or row[2].strip() not in LABELS:
                raise ValueError(f"{path}:{line}: expected a, b and one of {', '.join(LABELS)}")
            labels[frozenset((row[0].strip(), row[1].strip()))] = row[2].strip()
    return labels


def score_links(links: Iterable[tuple[str, str, str]], labels: dict[frozenset[str], str],
                closed: bool = False) -> dict:
    """Precision of each kind of link (``(a id, b id, kind)``) over the labelled ones, what
    the wrong ones really were, the labelled pairs that deserved a link and got none, and
    for each label the share of its pairs that got a link (``linked``: of any kind, and
    ``as_reuse``). ``closed``: the labels are complete (a generated corpus), so a link
    between two unlabelled articles is wrong (counted as ``unrelated``)."""
    out: dict = {}
    linked: dict[frozenset[str], str] = {}
    unlabelled: list[list[str]] = []
    by_kind: dict[str, list[str]] = {}
    wrong: list[list[str]] = []
    for a, b, kind in links:
        pair = frozenset((a, b))
        linked[pair] = kind
        if pair in labels or closed:
            label = labels.get(pair, "unrelated")
            by_kind.setdefault(kind, []).append(label)
            if kind in RIGHT and label not in RIGHT[kind]:
                wrong.append([a, b, kind, label])
        else:
            unlabelled.append([a, b, kind])
    for kind, right in RIGHT.items():
        got = by_kind.get(kind, [])
        k = sum(x in right for x in got)
        out[kind] = {"labelled": len(got), "right": k,
                     "precision": round(k / len(got), 4) if got else 0.0,
                     "interval": tuple(round(x, 4) for x in wilson(k, len(got))),
                     "labels": dict(Counter(got))}
    deserved = {p for p, x in labels.items() if x in RIGHT["same_story"]}
    out["missed"] = len(deserved - linked.keys())
    out["linked"] = {label: {"pairs": sum(x == label for x in labels.values()),
                             "linked": sum(x == label and p in linked for p, x in labels.items()),
                             "as_reuse": sum(x == label and linked.get(p) == "reuse"
                                             for p, x in labels.items()),
                             "as_story": sum(x == label and linked.get(p) in STORY_KINDS
                                             for p, x in labels.items())}
                     for label in LABELS if label in labels.values()}
    out["unlabelled"] = len(unlabelled)
    out["unlabelled_examples"] = unlabelled[:10]
    out["wrong"] = wrong
    return out


#: labels that make two articles one story (a copy, the same text twice, the same story)
RELATED = frozenset({"reuse", "duplicate", "same_story"})


def story_mixing(stories: dict[str, list[str]], links: Iterable[tuple[str, str, str, float]],
                 labels: dict[frozenset[str], str],
                 related: Iterable[frozenset[str]] = ()) -> dict:
    """Which stories mix articles of unrelated stories, and what joins them.

    ``stories``: story id -> its article ids; ``links``: ``(a id, b id, kind, strength)``
    of the run. Within a story, the articles that a labelled :data:`RELATED` pair (or a
    pair in ``related``, e.g. SemEval pairs with Overall < 3) joins, directly or through
    others, are one part; a story of several parts mixes unrelated articles (on a
    generated corpus, whose labels are complete). For each mixed story: its parts, and
    the links of the run that join two of its parts (``joins``: kind, strength, label).
    ``together``: for each label, how many of its pairs ended up in one story;
    ``largest``: the sizes of the five largest stories.

    >>> labels = {frozenset(("a", "b")): "same_story", frozenset(("c", "d")): "reuse"}
    >>> r = story_mixing({"s1": ["a", "b", "c", "d"], "s2": ["e"]},
    ...                  [("a", "b", "same_story", 0.8), ("b", "c", "same_story", 0.6),
    ...                   ("c", "d", "reuse", 1.5)], labels)
    >>> r["stories"], r["mixed"], r["stories_detail"][0]["joins"]
    (1, 1, [['b', 'c', 'same_story', 0.6, 'unrelated']])
    """
    pairs = {p for p, x in labels.items() if x in RELATED} | {frozenset(p) for p in related}
    story_of = {a: s for s, members in stories.items() for a in members}
    detail = []
    by_story: dict[str, list[tuple[str, str, str, float]]] = {}
    for a, b, kind, strength in links:
        if story_of.get(a) is not None and story_of.get(a) == story_of.get(b):
            by_story.setdefault(story_of[a], []).append((a, b, kind, strength))
    for story, members in sorted(stories.items()):
        if len(members) < 2:
            continue
        found = connected(sorted(members), (tuple(p) for p in pairs if len(p) == 2))
        if len(found) < 2:
            continue
        part = {m: n for n, group in enumerate(found) for m in group}
        joins = [[a, b, kind, round(strength, 4), labels.get(frozenset((a, b)), "unrelated")]
                 for a, b, kind, strength in by_story.get(story, []) if part[a] != part[b]]
        detail.append({"story": story, "size": len(members),
                       "parts": sorted((sorted(p) for p in found), key=len,
                                       reverse=True), "joins": joins})
    together = {label: {"pairs": sum(x == label for x in labels.values()),
                        "together": sum(x == label and len(p) == 2
                                        and story_of.get(min(p)) is not None
                                        and story_of.get(min(p)) == story_of.get(max(p))
                                        for p, x in labels.items())}
                for label in LABELS if label in labels.values()}
    return {"stories": sum(len(m) > 1 for m in stories.values()), "mixed": len(detail),
            "largest": sorted((len(m) for m in stories.values()), reverse=True)[:5],
            "stories_detail": detail, "together": together}
