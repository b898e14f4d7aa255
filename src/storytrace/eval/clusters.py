"""Story clustering against gold clusters: ARI, NMI and B-cubed precision, recall and F1.

The input is JSON lines with a ``text`` and a gold ``cluster`` per line, as in the
GoogleNews story-clustering set of Yin & Wang (GSDMM; ``T.jsonl`` titles,
``S.jsonl`` snippets, ``TS.jsonl`` both; 11,109 items in 152 stories). The stories
scored are the ones ``trace`` makes (:func:`trace_labels`): the texts are traced as a
corpus (reuse links, same-story links, ``cluster_links``, stable ids), the one
story clustering of the product. GoogleNews texts are lower-cased and stemmed, so
the same-story tier, which needs shared names (capitalised words), finds nothing there.

B-cubed (Bagga & Baldwin 1998, as in Amigó et al. 2009) scores each item: its
precision is the share of its predicted cluster that shares its gold cluster,
its recall the share of its gold cluster that shares its predicted cluster;
both are averaged over items.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from storytrace.eval.jsonl import json_lines

if TYPE_CHECKING:
    from storytrace.engines.core import TraceOptions

__all__ = ["bcubed", "evaluate_clusters", "read_clusters", "scores", "trace_labels"]


def read_clusters(path: str | Path) -> tuple[list[str], list[Hashable]]:
    """Texts and gold cluster ids of a JSONL file (``{"text": ..., "cluster": ...}`` per line).

    Blank lines are skipped; anything else that is not such an object raises
    :class:`ValueError` naming the file and line.
    """
    path = Path(path)
    texts: list[str] = []
    gold: list[Hashable] = []
    with open(path, encoding="utf-8-sig") as f:
        for number, record in json_lines(f, str(path)):
            if not isinstance(record, dict) or not isinstance(record.get("text"), str) \
                    or not isinstance(record.get("cluster"), (int, str)) \
                    or isinstance(record.get("cluster"), bool):
                raise ValueError(f"{path}, line {number}: expected an object with a string "
                                 "'text' and an integer or string 'cluster'")
            texts.append(record["text"])
            gold.append(record["cluster"])
    return texts, gold


def _contingency(gold: Sequence[Hashable], predicted: Sequence[Hashable]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts of each (gold, predicted) cell present, and the sizes of each item's clusters."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predicted")
    _, g = np.unique(np.asarray(gold, dtype=object).astype(str), return_inverse=True)
    _, p = np.unique(np.asarray(predicted, dtype=object).astype(str), return_inverse=True)
    cell = g.astype(np.int64) * (p.max(initial=0) + 1) + p
    _, cell_index, cell_count = np.unique(cell, return_inverse=True, return_counts=True)
    return cell_count[cell_index], np.bincount(g)[g], np.bincount(p)[p]


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (harmonic mean of the two averages).

    >>> p, r, f = bcubed([1, 1, 1, 2, 2], ["a", "a", "b", "b", "b"])
    >>> round(p, 4), round(r, 4), round(f, 4)
    (0.7333, 0.7333, 0.7333)
    """
    if not len(gold):
        return 0.0, 0.0, 0.0
    both, gold_size, predicted_size = _contingency(gold, predicted)
    precision = float(np.mean(both / predicted_size))
    recall = float(np.mean(both / gold_size))
    return precision, recall, 2 * precision * recall / (precision + recall)


def scores(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> dict[str, float]:
    """ARI, NMI (arithmetic mean normalisation, scikit-learn's default) and B-cubed P/R/F1.

    >>> s = scores([0, 0, 1, 1], [5, 5, 6, 6])
    >>> s["ari"], s["nmi"], s["bcubed_f1"]
    (1.0, 1.0, 1.0)
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    g = np.asarray(gold, dtype=object).astype(str)
    p = np.asarray(predicted, dtype=object).astype(str)
    precision, recall, f1 = bcubed(g, p)
    return {"ari": round(float(adjusted_rand_score(g, p)), 4),
            "nmi": round(float(normalized_mutual_info_score(g, p)), 4),
            "bcubed_precision": round(precision, 4), "bcubed_recall": round(recall, 4),
            "bcubed_f1": round(f1, 4)}


def trace_labels(texts: Sequence[str], options: TraceOptions | None = None) -> list[str]:
    """The story of each text as ``trace`` finds it: the texts are stored in memory,
    traced with ``options`` (default: ``trace``'s own, without family trees), and each
    text gets its story id; a text in no story is a story of its own.

    >>> body = " ".join(f"Item {i} of the council report on the bridge." for i in range(30))
    >>> trace_labels([body, "Intro. " + body, "Weather: sunny all week."])
    ['s-000000', 's-000000', 'single-2']
    """
    from dataclasses import replace

    from storytrace.engines.core import TraceOptions
    from storytrace.engines.local import trace_store
    from storytrace.model import Article
    from storytrace.store import Store

    options = replace(options or TraceOptions(), trees=False, changes=False)
    with Store(":memory:") as store:
        store.add([Article(id=f"{i:06d}", text=text) for i, text in enumerate(texts)])
        stories = trace_store(store, options).stories
    story_of = {a.id: s.id for s in stories for a in s.articles}
    return [story_of.get(f"{i:06d}", f"single-{i}") for i in range(len(texts))]


def evaluate_clusters(path: str | Path, *, semantic: bool | str = False,
                      options: TraceOptions | None = None,
                      clusterer: Callable[[list[str]], Sequence[Hashable]] | None = None
                      ) -> dict[str, Any]:
    """Cluster the texts of a JSONL file as ``trace`` does and score the stories against
    the gold clusters.

    Parameters
    ----------
    path : JSON lines with ``text`` and ``cluster``.
    semantic : sentence embeddings in the trace (``"auto"``: when installed).
    options : the trace settings (default: ``trace``'s; ``semantic`` overrides theirs).
    clusterer : any function from texts to labels, instead of :func:`trace_labels`.

    Returns
    -------
    dict with ``items``, ``gold_clusters``, ``predicted_clusters``, ``in_stories``
    (texts that ``trace`` put in a story with others), the :func:`scores`, ``semantic``
    and ``seconds`` (the trace; not reading the file).
    """
    from dataclasses import replace

    from storytrace.align.semantic import SemanticUnavailable, default_encoder
    from storytrace.engines.core import TraceOptions

    texts, gold = read_clusters(path)
    start = time.perf_counter()
    if clusterer is not None:
        predicted = list(clusterer(texts))
        used: dict[str, Any] = {"clusterer": getattr(clusterer, "__name__", repr(clusterer))}
    else:
        semantic_on = bool(semantic) and default_encoder() is not None
        if semantic is True and not semantic_on:
            raise SemanticUnavailable("semantic=True but the semantic extra is unavailable")
        predicted = trace_labels(texts, replace(options or TraceOptions(),
                                                semantic=semantic_on))
        used = {"semantic": semantic_on, "clusterer": "trace"}
    seconds = time.perf_counter() - start
    sizes: dict[Hashable, int] = {}
    for label in predicted:
        sizes[label] = sizes.get(label, 0) + 1
    return {"path": str(path), "items": len(texts), "gold_clusters": len(set(gold)),
            "predicted_clusters": len(sizes),
            "in_stories": sum(n for n in sizes.values() if n > 1),
            **scores(gold, predicted), **used, "seconds": round(seconds, 2)}
