"""Score predicted family trees against known derivations (``storytrace eval provenance``).

The corpus is JSONL, one article per line (``id, title, text, outlet, url,
published``; published may be null); the truth is ``child_id<TAB>parent_id`` lines,
and every article without a line is a root (an original, or a copy of a source that
is not in the corpus). Prediction is the product's own path, end to end: the
articles go into an in-memory store, ``trace`` finds reuse links and stories
(same-story matching off: it adds no reuse link), and each story's tree is built
by :func:`storytrace.engines.local.tree_for_story`. Articles in no story have no
predicted parent.

Measures (hand-checked in the tests):

``parent_accuracy``  share of derived articles whose predicted parent is the true one
``root_accuracy``    share of true roots predicted to have no parent
``edge_precision``   predicted child->parent edges that are true / predicted edges
``edge_recall``      true edges predicted / true edges
``reversed``         true edges predicted the wrong way round

``confident_*``       the same for the articles whose tree score is at least
                     :data:`CONFIDENT` only (share, edge precision, edge recall)
``direction``        the pairwise verdict alone on each true parent -> child pair:
                     shares right, wrong, unknown, siblings

Everything is computed twice from one trace: with the corpus's times, and with all
times removed (``without_times``), so the worth of timestamps shows directly. With a
``FAMILIES.tsv`` beside the truth (``id, family, level, original``, as
:mod:`storytrace.eval.make_provenance` writes), scores are also given per level and
for families whose original is in the corpus or not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from storytrace.ingest.fields import FieldMap, RecordError
from storytrace.model import Article
from storytrace.store import Store

CONFIDENT = 0.8  # node score from which an edge counts as confident
_ORDER = {"easy": 0, "medium": 1, "hard": 2, "collected": 3, "missing": 4}

__all__ = ["direction_verdicts", "evaluate_provenance", "predict_parents", "read_corpus",
           "read_groups", "read_truth", "score_parents"]


def read_corpus(path: Path) -> list[Article]:
    """Articles of a JSONL corpus (bad lines raise ``ValueError`` naming the line)."""
    fields = FieldMap()
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append(fields.to_article(json.loads(line), f"{path}:{n}"))
            except (json.JSONDecodeError, RecordError) as exc:
                raise ValueError(f"{path}:{n}: {exc}") from None
    ids = [a.id for a in out]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: article ids are not unique")
    return out


def read_truth(path: Path) -> dict[str, str]:
    """``child -> parent`` from ``child<TAB>parent`` lines (blank and ``#`` lines skipped)."""
    truth: dict[str, str] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 2 or not all(parts):
            raise ValueError(f"{path}:{n}: expected child_id<TAB>parent_id")
        if parts[0] in truth:
            raise ValueError(f"{path}:{n}: {parts[0]} has two parents")
        truth[parts[0]] = parts[1]
    return truth


def read_groups(path: Path) -> dict[str, dict[str, str]]:
    """``id -> {column: value}`` from a TSV with a header row whose first column is ``id``."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines:
        return {}
    header = lines[0].split("\t")
    return {row[0]: dict(zip(header[1:], row[1:], strict=False))
            for row in (line.split("\t") for line in lines[1:] if line.strip())}


def score_parents(predicted: dict[str, str | None], truth: dict[str, str],
                  ids: Iterable[str], scores: dict[str, float] | None = None,
                  min_score: float = CONFIDENT) -> dict:
    """Parent/root accuracy and edge precision/recall over the articles ``ids``.

    With ``scores`` (each article's confidence in its parent, or in having none), the
    edges of articles scored at least ``min_score`` are also scored on their own
    (``confident_*``): what a reader who trusts only confident edges would get.

    >>> truth = {"b": "a", "c": "a", "d": "c"}
    >>> pred = {"a": None, "b": "a", "c": "d", "d": None, "e": "a"}
    >>> s = score_parents(pred, truth, ["a", "b", "c", "d", "e"])
    >>> s["parent_accuracy"], s["root_accuracy"], s["edge_precision"], s["edge_recall"]
    (0.3333, 0.5, 0.3333, 0.3333)
    >>> s["reversed"]
    1
    >>> s = score_parents(pred, truth, "abcde", scores=dict(a=1, b=.9, c=.2, d=.2, e=.9))
    >>> s["confident_edge_precision"], s["confident_edge_recall"], s["confident_share"]
    (0.5, 0.3333, 0.6)
    """
    ids = list(ids)
    derived = [i for i in ids if i in truth]
    roots = [i for i in ids if i not in truth]
    pred_edges = {(i, p) for i in ids if (p := predicted.get(i)) is not None}
    true_edges = {(i, truth[i]) for i in derived}
    hit = pred_edges & true_edges
    reversed_ = sum(1 for c, p in true_edges if predicted.get(p) == c)
    out = {
        "articles": len(ids),
        "derived": len(derived),
        "roots": len(roots),
        "parent_accuracy": _ratio(sum(predicted.get(i) == truth[i] for i in derived),
                                  len(derived)),
        "root_accuracy": _ratio(sum(predicted.get(i) is None for i in roots), len(roots)),
        "edge_precision": _ratio(len(hit), len(pred_edges)),
        "edge_recall": _ratio(len(hit), len(true_edges)),
        "reversed": reversed_,
    }
    if scores is not None:
        sure = {i for i in ids if scores.get(i, 0.0) >= min_score}
        confident = {e for e in pred_edges if e[0] in sure}
        out["confident_share"] = _ratio(len(sure), len(ids))
        out["confident_edge_precision"] = _ratio(len(confident & true_edges), len(confident))
        out["confident_edge_recall"] = _ratio(len(confident & true_edges), len(true_edges))
    return out


def _ratio(x: int, y: int) -> float:
    return round(x / y, 4) if y else 0.0


def predict_parents(store: Store, stories: list, *, ignore_times: bool = False
                    ) -> tuple[dict[str, str | None], dict[str, float]]:
    """Each stored article's predicted parent and the confidence in it, from the family
    trees of ``stories`` (as ``build_stories`` returns them for ``store``); articles in
    no story have no parent (confidence 1: nothing was found that they share text with).
    """
    from storytrace.engines.local import tree_for_story

    predicted: dict[str, str | None] = {a.id: None for a in store.articles()}
    scores = dict.fromkeys(predicted, 1.0)
    for story in stories:
        tree = tree_for_story(store, story, ignore_times=ignore_times)
        predicted.update(tree.parents())
        scores.update({k: tree.nodes[k].score for k in tree.parents()})
    return predicted, scores


def direction_verdicts(articles: list[Article], stories: list, truth: dict[str, str],
                       ignore_times: bool = False) -> dict[str, float | int]:
    """How the pairwise verdict (:func:`storytrace.provenance.infer_direction`, with the
    child's story as third articles) reads each true parent -> child pair: the share
    called right, wrong (reversed), ``unknown`` and ``siblings``."""
    from dataclasses import replace

    from storytrace.provenance.direction import decide, profile

    by_id = {a.id: replace(a, published=None) if ignore_times else a for a in articles}
    story_of = {a.id: s for s in stories for a in s.articles}
    counts = dict.fromkeys(("right", "wrong", "unknown", "siblings"), 0)
    for child, parent in truth.items():
        story = story_of.get(child)
        others = [profile(by_id[a.id]) for a in story.articles
                  if a.id not in (child, parent)] if story else []
        verdict = decide(profile(by_id[parent]), profile(by_id[child]), others).verdict
        counts[{"a->b": "right", "b->a": "wrong"}.get(verdict, verdict)] += 1
    return {"pairs": len(truth)} | {k: _ratio(v, len(truth)) for k, v in counts.items()}


def evaluate_provenance(corpus: Path, truth_path: Path, groups_path: Path | None = None,
                        progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Scores with and without times, overall and per level (see the module docstring)."""
    articles = read_corpus(Path(corpus))
    truth = read_truth(Path(truth_path))
    ids = [a.id for a in articles]
    unknown = sorted({x for pair in truth.items() for x in pair} - set(ids))
    if unknown:
        raise ValueError(f"{truth_path}: {len(unknown)} ids not in the corpus, e.g. {unknown[0]}")
    if groups_path is None and (Path(truth_path).parent / "FAMILIES.tsv").is_file():
        groups_path = Path(truth_path).parent / "FAMILIES.tsv"
    groups = read_groups(groups_path) if groups_path else {}
    from storytrace.engines.core import TraceOptions
    from storytrace.engines.local import build_stories, run_trace

    result: dict = {"corpus": str(corpus), "articles": len(articles),
                    "with_time": sum(a.published is not None for a in articles)}
    with Store(":memory:") as store:
        store.add(articles)
        run_trace(store, TraceOptions(same_story=False), progress=progress)
        stories = build_stories(store)
        result["stories"] = len(stories)
        for mode, ignore in (("with_times", False), ("without_times", True)):
            predicted, scores = predict_parents(store, stories, ignore_times=ignore)
            section = {"all": score_parents(predicted, truth, ids, scores)}
            section["all"]["direction"] = direction_verdicts(articles, stories, truth, ignore)
            for column in ("level", "original"):
                values = sorted({g.get(column, "") for g in groups.values()} - {""},
                                key=lambda v: (_ORDER.get(v, 9), v))
                for value in values:
                    members = [i for i in ids if groups.get(i, {}).get(column) == value]
                    name = value if column == "level" else f"original {value}"
                    section[name] = score_parents(predicted, truth, members, scores)
            result[mode] = section
    return result
