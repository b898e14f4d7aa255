"""Score claims against pairs of statements labelled by hand (``bench/labels/*claims*.tsv``).

A labels file is a TSV (``#`` lines are comments) with the columns ``a, b, a_start,
a_end, b_start, b_end, label, a_text, b_text``: the two articles (paths relative to the
file's folder), a statement of each as offsets into ``Article.text``, and ``same`` (a
parallel statement: both report the same fact) or ``related`` (acceptable: on the same
event, neither required nor wrong).

A ``same`` pair is **found** when a claim's A side overlaps the labelled A statement and
its B side the labelled B statement, each side no longer than :data:`MAX_RATIO` times the
labelled statement. A claim is **false** when it overlaps no labelled pair (``same`` or
``related``) on both sides; precision is the share of claims that are not false.

A third label, ``wrong``, marks a claim the tool listed that was read and found false
(``bench/labels/claims_real.tsv``: every claim shown on real pairs, labelled). A claim that
overlaps no labelled pair at all is counted as false and also as **unread**, so a labels
file of shown claims tells when a new version lists claims nobody has read yet.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_RATIO = 3.0
COLUMNS = ("a", "b", "a_start", "a_end", "b_start", "b_end", "label")
LABELS = ("same", "related", "wrong")


@dataclass(frozen=True)
class LabelledPair:
    """Two statements (offsets into each article's text) and their label."""

    a: Path
    b: Path
    a_span: tuple[int, int]
    b_span: tuple[int, int]
    label: str


def read_labels(path: str | Path) -> list[LabelledPair]:
    """The labelled pairs of a claims TSV; a bad row raises ValueError naming its line."""
    path = Path(path)
    rows = [line for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    if not rows:
        raise ValueError(f"{path}: no labelled pairs")
    reader = csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{path}: missing columns {', '.join(missing)}")
    out = []
    for n, row in enumerate(reader, 2):
        try:
            spans = tuple(int(row[c]) for c in ("a_start", "a_end", "b_start", "b_end"))
        except (TypeError, ValueError):
            raise ValueError(f"{path}: row {n}: offsets must be integers") from None
        if row["label"] not in LABELS:
            raise ValueError(f"{path}: row {n}: label {row['label']!r} is not "
                             f"{'/'.join(LABELS)}")
        out.append(LabelledPair(path.parent / row["a"], path.parent / row["b"],
                                spans[:2], spans[2:], row["label"]))
    return out


def _overlap(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


def _fits(side: tuple[int, int], label: tuple[int, int]) -> bool:
    return _overlap(side, label) and side[1] - side[0] <= MAX_RATIO * (label[1] - label[0])


def score_pairs(claims: list[tuple[tuple[int, int], tuple[int, int]]],
                labels: list[LabelledPair]) -> dict[str, Any]:
    """Found labelled pairs and false claims, for one article pair's claim spans.

    >>> lab = [LabelledPair(Path("a"), Path("b"), (0, 10), (0, 10), "same")]
    >>> score_pairs([((0, 12), (2, 9)), ((50, 60), (50, 60))], lab)["found"]
    1
    """
    same = [x for x in labels if x.label == "same"]
    found = [x for x in same if any(_fits(a, x.a_span) and _fits(b, x.b_span)
                                    for a, b in claims)]

    def hit(a: tuple[int, int], b: tuple[int, int], x: LabelledPair) -> bool:
        return _overlap(a, x.a_span) and _overlap(b, x.b_span)

    right = [x for x in labels if x.label != "wrong"]
    false = [(a, b) for a, b in claims if not any(hit(a, b, x) for x in right)]
    loose = [(a, b) for a, b in claims if (a, b) not in false
             and not any(hit(a, b, x) for x in same)]
    unread = [(a, b) for a, b in false if not any(hit(a, b, x) for x in labels)]
    return {"labelled": len(same), "found": len(found), "claims": len(claims),
            "false": len(false), "related": len(loose), "unread": len(unread),
            "missed": [(x.a_span, x.b_span) for x in same if x not in found],
            "false_claims": false, "unread_claims": unread}


def evaluate_claims(path: str | Path, semantic: bool | str = "auto",
                    threshold: float | None = None) -> dict[str, Any]:
    """Run the facts diff (with its claims) on every article pair of a labels file and
    score the claims: per pair and in total, found / labelled and false / claims.

    Promotion and small print are blanked first (offsets kept), as ``compare`` does
    without a store, so the claims scored are those ``compare`` shows."""
    from storytrace.align import Aligner
    from storytrace.api import read_article
    from storytrace.diff.claims import ClaimScorer
    from storytrace.diff.core import diff_versions

    labels = read_labels(path)
    aligner = Aligner(semantic=semantic)
    scorer = ClaimScorer(semantic=semantic)
    by_pair: dict[tuple[Path, Path], list[LabelledPair]] = {}
    for x in labels:
        by_pair.setdefault((x.a, x.b), []).append(x)
    pairs, total = [], {"labelled": 0, "found": 0, "claims": 0, "false": 0, "related": 0,
                          "unread": 0}
    scores: list[float] = []
    for (pa, pb), group in by_pair.items():
        a, b = (_without_promotion(read_article(p)) for p in (pa, pb))
        d = diff_versions(a, b, aligner=aligner, claim_scorer=scorer,
                          claim_threshold=threshold, spacy=False)
        spans = [((c.a_start, c.a_end), (c.b_start, c.b_end)) for c in d.claims.claims]
        result = score_pairs(spans, group)
        scores += [c.score for c in d.claims.claims]
        for k in total:
            total[k] += result[k]
        pairs.append({"a": str(pa), "b": str(pb), **result,
                      "missed": [{"a": a.text[s:e], "b": b.text[s2:e2]}
                                 for (s, e), (s2, e2) in result["missed"]],
                      **{k: [{"a": a.text[s:e], "b": b.text[s2:e2], "a_span": [s, e],
                              "b_span": [s2, e2]} for (s, e), (s2, e2) in result[k]]
                         for k in ("false_claims", "unread_claims")}})
    precision = 1 - total["false"] / total["claims"] if total["claims"] else 0.0
    strict = total["claims"] - total["false"] - total["related"]
    return {"path": str(path), "model": scorer.model, **total,
            "precision": round(precision, 4),
            "mean_score": round(sum(scores) / len(scores), 4) if scores else 0.0,
            "precision_same": round(strict / total["claims"], 4) if total["claims"] else 0.0,
            "reads_shown": any(x.label == "wrong" for x in labels), "pairs": pairs}


def _without_promotion(article: Any) -> Any:
    """``article`` with its promotion and small-print blocks blanked (offsets kept)."""
    from dataclasses import replace

    from storytrace.text.boilerplate import mask, promo_blocks

    spans = promo_blocks(article.text)
    return replace(article, text=mask(article.text, spans)) if spans else article
