"""Story clustering against gold clusters: ARI, NMI and B-cubed precision, recall and F1.

The input is JSON lines with a ``text`` and a gold ``cluster`` per line, as in the
GoogleNews story-clustering set of Yin & Wang (GSDMM; ``T.jsonl`` titles,
``S.jsonl`` snippets, ``TS.jsonl`` both; 11,109 items in 152 stories). Those texts
are already lower-cased and stemmed, which the clustering tolerates.

B-cubed (Bagga & Baldwin 1998, as in Amigó et al. 2009) scores each item: its
precision is the share of its predicted cluster that shares its gold cluster,
its recall the share of its gold cluster that shares its predicted cluster;
both are averaged over items.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["bcubed", "evaluate_clusters", "read_clusters", "scores", "tune_threshold"]


def read_clusters(path: str | Path) -> tuple[list[str], list[Hashable]]:
    """Texts and gold cluster ids of a JSONL file (``{"text": ..., "cluster": ...}`` per line).

    Blank lines are skipped; anything else that is not such an object raises
    :class:`ValueError` naming the file and line.
    """
    path = Path(path)
    texts: list[str] = []
    gold: list[Hashable] = []
    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}, line {number}: not JSON ({e.msg})") from None
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


def evaluate_clusters(path: str | Path, *, threshold: float | None = None,
                      semantic: bool | str = False, k: int = 30,
                      clusterer: Callable[[list[str]], Sequence[Hashable]] | None = None
                      ) -> dict[str, Any]:
    """Cluster the texts of a JSONL file and score the result against its gold clusters.

    Parameters
    ----------
    path : JSON lines with ``text`` and ``cluster``.
    threshold, semantic, k : passed to :func:`storytrace.stories.cluster.cluster_stories`
        (``threshold`` None: its tuned default).
    clusterer : any function from texts to labels, instead of ``cluster_stories``.

    Returns
    -------
    dict with ``items``, ``gold_clusters``, ``predicted_clusters``, the
    :func:`scores`, ``threshold``, ``semantic`` and ``seconds`` (vectors, embeddings and
    linkage; not reading the file).

    >>> import tempfile, os
    >>> rows = ["flood valencia dead", "valencia flood dead toll", "iphone apple unveil",
    ...         "apple iphone unveil event"]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "c.jsonl")
    ...     with open(p, "w") as f:
    ...         _ = f.write("".join(json.dumps({"text": t, "cluster": i // 2}) + "\\n"
    ...                             for i, t in enumerate(rows)))
    ...     evaluate_clusters(p, threshold=0.1)["nmi"]
    1.0
    """
    from storytrace.align.semantic import default_encoder
    from storytrace.stories.cluster import DEFAULT_THRESHOLDS, cluster_stories

    texts, gold = read_clusters(path)
    start = time.perf_counter()
    if clusterer is not None:
        predicted = list(clusterer(texts))
        used = {"clusterer": getattr(clusterer, "__name__", repr(clusterer))}
    else:
        semantic_on = bool(semantic) and default_encoder() is not None
        if semantic is True and not semantic_on:
            from storytrace.align.semantic import SemanticUnavailable

            raise SemanticUnavailable("semantic=True but the semantic extra is unavailable")
        if threshold is None:
            threshold = DEFAULT_THRESHOLDS["semantic" if semantic_on else "lexical"]
        predicted = cluster_stories(texts, threshold, semantic=semantic_on, k=k).tolist()
        used = {"threshold": threshold, "semantic": semantic_on, "k": k}
    seconds = time.perf_counter() - start
    return {"path": str(path), "items": len(texts), "gold_clusters": len(set(gold)),
            "predicted_clusters": len(set(predicted)), **scores(gold, predicted), **used,
            "seconds": round(seconds, 2)}


def tune_threshold(path: str | Path, thresholds: Sequence[float], *,
                   semantic: bool | str = False, k: int = 30, metric: str = "nmi"
                   ) -> dict[str, Any]:
    """Score each threshold on one file (vectors computed once) and pick the best by ``metric``.

    Returns ``{"best": threshold, "metric": metric, "by_threshold": {t: scores}}``;
    ties go to the smaller threshold.
    """
    from storytrace.align.semantic import default_encoder
    from storytrace.stories.cluster import average_linkage, story_vectors

    texts, gold = read_clusters(path)
    encoder = default_encoder() if semantic else None
    if semantic is True and encoder is None:
        from storytrace.align.semantic import SemanticUnavailable

        raise SemanticUnavailable("semantic=True but the semantic extra is unavailable")
    vectors = story_vectors(texts, semantic=encoder is not None, encoder=encoder)
    results = {}
    for t in thresholds:
        labels = average_linkage(vectors, t, k=k)
        results[float(t)] = scores(gold, labels) | {"predicted_clusters": int(labels.max()) + 1}
    best = max(results, key=lambda t: (results[t][metric], -t))
    return {"path": str(path), "semantic": encoder is not None, "k": k, "metric": metric,
            "best": best, "by_threshold": results}
