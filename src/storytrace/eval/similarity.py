"""Same-story similarity against SemEval-2022 Task 8 (multilingual news article similarity).

The CSV has one article pair per row: ``pair_id, lang1, lang2, text1, text2`` and
human ratings on 1–4 where 1 means "very similar" (the scored target is
``Overall``). A scorer is measured by the Pearson correlation of its score with
``-Overall`` (higher score, more similar), as the task did, on:

* ``official``: pairs whose id is two plain article ids (``^\\d+_\\d+$``); the
  rest of the file at ../shared is a team's augmentation (machine translations);
* ``english``: pairs with ``lang1 == lang2 == "en"``;
* ``all`` pairs.

The bundled similarity model is trained on this very file, so its own figure
(``shipped_model``) is optimistic. The honest one is ``cross_validated``: k-fold,
with folds grouped so that no article (by id, or by identical text) is in
both a training and a test fold, and the regularisation chosen again inside
each training part (nested), so nothing of a test fold is seen. (The choice of
features was itself made while looking at such CV figures on this file, so
even these may be slightly optimistic.)
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from storytrace.text.segment import sentences

if TYPE_CHECKING:
    from storytrace.stories.similarity import StorySimilarity


class PairScorer(Protocol):
    """What :func:`evaluate_similarity` needs of a scorer: a same-story score per pair."""

    def score_pairs(self, pairs: Iterable[tuple[str, str]]) -> Sequence[float] | np.ndarray:
        """One score per ``(text1, text2)`` pair, higher for the same story."""
        ...

__all__ = ["PairScorer", "SimilarityPair", "cross_validate", "evaluate_similarity",
           "near_duplicates", "read_pairs"]

REQUIRED = ("pair_id", "text1", "text2", "Overall")
NEAR_DUPLICATES = 300  # texts that each give three synthetic same-story pairs
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
_OFFICIAL = re.compile(r"^\d+_\d+$")
_ARTICLE_IDS = re.compile(r"^(\d+)[a-z]*_(\d+)[a-z]*$")


@dataclass(frozen=True)
class SimilarityPair:
    """One rated pair. ``overall`` is 1 (most similar) .. 4; ``row`` counts data rows from 1."""

    pair_id: str
    lang1: str
    lang2: str
    text1: str
    text2: str
    overall: float
    row: int

    @property
    def official(self) -> bool:
        """Whether the id is two plain article ids (not an augmentation)."""
        return bool(_OFFICIAL.match(self.pair_id))

    @property
    def english(self) -> bool:
        return self.lang1 == self.lang2 == "en"

    @property
    def target(self) -> float:
        """The rating as a same-story score: 1 for Overall 1, 0 for Overall 4."""
        return (4.0 - self.overall) / 3.0


def read_pairs(path: str | Path) -> list[SimilarityPair]:
    """The pairs of a SemEval-2022 Task 8 CSV (columns as in its training set).

    A missing column, a row with too many or too few fields, or an ``Overall``
    that is not a number in [1, 4] raises :class:`ValueError` with one line naming
    the file, the data row and the line where that row ends.
    """
    path = Path(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # article bodies exceed the 128 KiB default
    pairs: list[SimilarityPair] = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        for number, record in enumerate(reader, 1):
            where = f"{path}, row {number} (line {reader.line_num})"
            if None in record:
                raise ValueError(f"{where}: {len(record[None])} field(s) more than the header")
            if any(v is None for v in record.values()):
                raise ValueError(f"{where}: fewer fields than the header")
            pair_id = record["pair_id"].strip()
            try:
                overall = float(record["Overall"])
            except ValueError:
                overall = float("nan")
            if not 1.0 <= overall <= 4.0:
                raise ValueError(f"{where} (pair {pair_id or '?'}): Overall "
                                 f"{record['Overall']!r} is not a number in [1, 4]")
            pairs.append(SimilarityPair(pair_id, record.get("lang1", "").strip(),
                                        record.get("lang2", "").strip(), record["text1"],
                                        record["text2"], overall, number))
    return pairs


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return round(float(np.corrcoef(x, y)[0, 1]), 4)


def _report(pairs: Sequence[SimilarityPair], predicted: np.ndarray) -> dict[str, Any]:
    """Pearson with -Overall on the official, English and all pairs, with their counts."""
    truth = -np.array([p.overall for p in pairs])
    subsets = {"official": np.array([p.official for p in pairs], dtype=bool),
               "english": np.array([p.english for p in pairs], dtype=bool),
               "all": np.ones(len(pairs), dtype=bool)}
    return {name: {"pearson": _pearson(predicted[m], truth[m]), "pairs": int(m.sum())}
            for name, m in subsets.items()}


def groups_of(pairs: Sequence[SimilarityPair]) -> np.ndarray:
    """Group number per pair: pairs sharing an article (id or identical text) share a group.

    Article ids come from the pair id (``1484039360it_1484180228it`` names articles
    1484039360 and 1484180228, its translations included).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    for k, p in enumerate(pairs):
        nodes = [f"row:{k}",
                 *("text:" + hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest()
                   for t in (p.text1, p.text2))]
        m = _ARTICLE_IDS.match(p.pair_id)
        if m:
            nodes += [f"id:{m.group(1)}", f"id:{m.group(2)}"]
        for node in nodes[1:]:
            union(nodes[0], node)
    roots: dict[str, int] = {}
    return np.array([roots.setdefault(find(f"row:{k}"), len(roots)) for k in range(len(pairs))])


def _folds(groups: np.ndarray, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold

    folds = min(folds, len(set(groups.tolist())))
    if folds < 2:
        raise ValueError("cross-validation needs at least two independent groups of pairs")
    splitter = GroupKFold(folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(groups)), groups=groups))


def near_duplicates(pairs: Sequence[SimilarityPair], n: int = NEAR_DUPLICATES, seed: int = 0
                    ) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Synthetic same-story pairs, and the row each one's text comes from.

    For ``n`` rows (a seeded choice), ``text1`` with itself, with its first half and
    with a random ~70% of its sentences. No SemEval pair is a copy, so without
    these a model may score copies (the bulk of reuse) below rewrites.

    >>> p = SimilarityPair("1_2", "en", "en", "One. Two. Three.", "x", 1.0, 1)
    >>> dups, rows = near_duplicates([p], seed=0)
    >>> dups[:2], rows.tolist()
    ([('One. Two. Three.', 'One. Two. Three.'), ('One. Two. Three.', 'One.')], [0, 0, 0])
    """
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(len(pairs), min(n, len(pairs)), replace=False))
    out: list[tuple[str, str]] = []
    for row in chosen.tolist():
        text = pairs[row].text1
        half = text[: len(text) // 2]
        half = half[: half.rfind(" ")] if " " in half else half
        spans = [s.of(text) for s in sentences(text)]
        kept = [s for s in spans if rng.random() >= 0.3] or spans[:1] or [text]
        out += [(text, text), (text, half), (text, " ".join(kept))]
    return out, np.repeat(chosen, 3)


def _with_duplicates(x: np.ndarray, target: np.ndarray, rows: np.ndarray,
                     augment: tuple[np.ndarray, np.ndarray] | None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Training rows ``rows`` plus the near-duplicates made from them (target 1)."""
    if augment is None:
        return x[rows], target[rows]
    x_dup, source = augment
    keep = np.isin(source, rows)
    return np.vstack([x[rows], x_dup[keep]]), np.r_[target[rows], np.ones(int(keep.sum()))]


def choose_c(x: np.ndarray, target: np.ndarray, groups: np.ndarray, *, folds: int = 5,
             seed: int = 0, grid: Sequence[float] = C_GRID,
             augment: tuple[np.ndarray, np.ndarray] | None = None
             ) -> tuple[float, dict[float, float]]:
    """The C of :func:`~storytrace.stories.similarity.fit_weights` with the best grouped-CV Pearson.

    ``augment``: features of near-duplicate pairs and the row (of ``x``) each was
    made from; those of a fold's training rows join its training set. Returns the
    chosen C (ties to the smaller, more regularised) and the Pearson per C (of
    out-of-fold scores of the real pairs with their targets).
    """
    from storytrace.stories.similarity import fit_weights

    split = _folds(groups, folds, seed)
    by_c = {}
    for c in grid:
        out = np.zeros(len(target))
        for train, test in split:
            weights = fit_weights(*_with_duplicates(x, target, train, augment), _names(x), c=c)
            out[test] = _predict(weights, x[test])
        by_c[c] = _pearson(out, target) or -1.0
    best = max(by_c.values())
    return min(c for c in grid if by_c[c] == best), by_c


def _names(x: np.ndarray) -> list[str]:
    return [f"f{i}" for i in range(x.shape[1])]


def _predict(weights: dict[str, Any], x: np.ndarray) -> np.ndarray:
    mean = np.asarray(weights["scaler"]["mean"])
    scale = np.asarray(weights["scaler"]["scale"])
    lr = weights["logistic_regression"]
    z = (x - mean) / scale @ np.asarray(lr["coef"]) + lr["intercept"]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def cross_validate(pairs: Sequence[SimilarityPair] | str | Path,
                   scorer: StorySimilarity | None = None, *,
                   features: np.ndarray | None = None, augment: bool = True, folds: int = 5,
                   seed: int = 0) -> dict[str, Any]:
    """Grouped k-fold Pearson of the similarity model, retrained per fold as it was trained.

    Parameters
    ----------
    pairs : pairs from :func:`read_pairs`, or the CSV path.
    scorer : the :class:`~storytrace.stories.similarity.StorySimilarity` whose
        features are used (default: ``StorySimilarity("auto")``).
    features : its feature matrix for ``pairs``, when already computed.
    augment : add :func:`near_duplicates` of the training folds' texts to each
        training set, as ``bench/train_story_similarity.py`` does.
    folds, seed : the grouped split (:func:`groups_of`); C is chosen by an inner
        grouped CV on each training part only (nested).

    Returns
    -------
    ``{"folds", "seed", "grouping", "near_duplicates", "c_per_fold", "official",
    "english", "all", "predictions"}``, each subset as ``{"pearson", "pairs"}``
    (real pairs only); ``predictions`` are the out-of-fold scores, in pair order.
    """
    from storytrace.stories.similarity import StorySimilarity, fit_weights

    if not isinstance(pairs, Sequence) or isinstance(pairs, str):
        pairs = read_pairs(pairs)
    if scorer is None:
        if features is not None and augment:
            raise ValueError("pass the scorer that computed the features (to augment)")
        scorer = StorySimilarity("auto")
    if features is None:
        features = scorer.features((p.text1, p.text2) for p in pairs)
    x = np.asarray(features, dtype=np.float64)
    target = np.array([p.target for p in pairs])
    groups = groups_of(pairs)
    dup = None
    if augment:
        dup_pairs, dup_rows = near_duplicates(pairs, seed=seed)
        dup = (scorer.features(dup_pairs), dup_rows)
    predicted = np.zeros(len(pairs))
    chosen = []
    for train, test in _folds(groups, folds, seed):
        if len(set(groups[train].tolist())) >= 2:
            inner = None
            if dup is not None:  # re-index the sources to rows of the training part
                keep = np.isin(dup[1], train)
                inner = (dup[0][keep], np.searchsorted(train, dup[1][keep]))
            c, _ = choose_c(x[train], target[train], groups[train], folds=folds, seed=seed,
                            augment=inner)
        else:  # too little to choose by an inner split
            c = 1.0
        chosen.append(c)
        weights = fit_weights(*_with_duplicates(x, target, train, dup), _names(x), c=c)
        predicted[test] = _predict(weights, x[test])
    return {"folds": folds, "seed": seed,
            "grouping": "connected article ids and identical texts never span folds",
            "near_duplicates": 0 if dup is None else len(dup[1]),
            "c_per_fold": chosen, **_report(pairs, predicted), "predictions": predicted}


def evaluate_similarity(path: str | Path, scorer: PairScorer | None = None, *, folds: int = 5,
                        seed: int = 0) -> dict[str, Any]:
    """Pearson of a same-story scorer with ``-Overall`` on a SemEval-2022 Task 8 CSV.

    Parameters
    ----------
    path : the CSV (see :func:`read_pairs`).
    scorer : anything with ``score_pairs(list of (text1, text2))``; default
        ``StorySimilarity("auto")``. When it also has ``features`` and
        ``predict_features`` (as ``StorySimilarity`` does) the features are
        computed once and also cross-validated.
    folds : folds of the cross-validation; 0 skips it.

    Returns
    -------
    ``{"path", "pairs", "model", "shipped_model": {official, english, all},
    "cross_validated": {...} or None, "seconds"}``; each subset is
    ``{"pearson", "pairs"}``. ``shipped_model`` scores the given model as it is:
    optimistic when it was trained on this file, as the bundled one was.

    >>> import tempfile, os
    >>> rows = [("1_2", "en", "en", "Floods hit Valencia. 12 dead.", "Valencia floods kill 12.", 1),
    ...         ("3_4", "en", "en", "Floods hit Valencia.", "Apple shows a phone.", 4),
    ...         ("5_6", "de", "de", "Flut in Valencia.", "Flut trifft Valencia.", 2)]
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "pairs.csv")
    ...     with open(p, "w", newline="") as f:
    ...         w = csv.writer(f)
    ...         _ = w.writerow(["pair_id", "lang1", "lang2", "text1", "text2", "Overall"])
    ...         _ = w.writerows(rows)
    ...     from storytrace.stories.similarity import StorySimilarity
    ...     r = evaluate_similarity(p, StorySimilarity(semantic=False), folds=0)
    >>> r["shipped_model"]["official"]["pairs"], r["shipped_model"]["english"]["pairs"]
    (3, 2)
    >>> r["shipped_model"]["english"]["pearson"]
    1.0
    """
    pairs = read_pairs(path)
    if scorer is None:
        from storytrace.stories.similarity import StorySimilarity

        scorer = StorySimilarity("auto")
    start = time.perf_counter()
    texts = [(p.text1, p.text2) for p in pairs]
    cv = None
    if hasattr(scorer, "features") and hasattr(scorer, "predict_features"):
        x = scorer.features(texts)
        predicted = scorer.predict_features(x)
        if folds:
            cv = cross_validate(pairs, scorer, features=x, folds=folds, seed=seed)
            cv.pop("predictions")
    else:
        x = None
        predicted = np.asarray(scorer.score_pairs(texts), dtype=np.float64)
    return {"path": str(path), "pairs": len(pairs), "model": getattr(scorer, "model", None),
            "shipped_model": _report(pairs, predicted), "cross_validated": cv,
            "seconds": round(time.perf_counter() - start, 1)}
