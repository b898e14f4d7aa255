"""Group articles into stories: average-linkage clustering that does not chain.

Single linkage (connected components of "similar" pairs) lets one generic
article, similar to two stories, join them into one. Average linkage (UPGMA)
merges two groups only while the *mean* similarity over all their cross pairs
stays at or above the threshold, so a lone bridge cannot: its similarity is one
pair among many. The number of stories is not needed, only the threshold.

Scaling to ~100k articles without an N×N matrix:

* articles become vectors (:func:`story_vectors`): TF-IDF (fitted on the texts at
  hand) reduced by truncated SVD (LSA), optionally joined with sentence
  embeddings, so that the dot product of two rows approximates their
  similarity;
* with dot-product similarity the mean over all cross pairs of two groups is
  exactly ``sum(A) · sum(B) / (|A| |B|)``, so merging needs only one running sum
  vector per group, never the pairs themselves;
* candidate merges come from each article's ``k`` nearest neighbours (a pair of
  groups whose mean similarity reaches the threshold has at least one member
  pair that does), found by blocked brute force in bounded memory.

Explicit weighted edges (such as verified reuse links) add to this: a pair's
similarity is then ``max(dot, weight)``, tracked exactly as an excess over the
dot product (:func:`cluster_edges`).

:func:`stable_story_ids` turns labels into story ids that survive re-clustering.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from storytrace.align.semantic import SemanticUnavailable, default_encoder
from storytrace.stories.similarity import _CJK, _WORD, _stem
from storytrace.text.words import STOPWORDS

if TYPE_CHECKING:
    from scipy import sparse

__all__ = [
    "DEFAULT_THRESHOLDS",
    "average_linkage",
    "cluster_edges",
    "cluster_stories",
    "nearest_neighbours",
    "stable_story_ids",
    "story_vectors",
]

# Mean-similarity thresholds for vectors from story_vectors(), chosen by NMI on
# GoogleNews S.jsonl (snippets only) with storytrace.eval.clusters.tune_threshold:
# lexical 0.05 (S NMI 0.911; grid 0.02..0.11), semantic 0.2 (S NMI 0.930; grid
# 0.1..0.3). On TS (titles + snippets), never used for tuning: NMI 0.948 / 0.961.
DEFAULT_THRESHOLDS = {"lexical": 0.05, "semantic": 0.2}
# LSA dimensions: more stories need more of them (a story's words must fit in the
# kept components, or its similarities shrink and it splits): 256 up to ~16k texts,
# then one per 64 texts, at most 768. Measured on GoogleNews TS copied with
# disjoint vocabularies: 33k texts (456 stories) NMI 0.928 with 256, 0.949 with 512.
LSA_DIMS = (256, 64, 768)
SEMANTIC_WEIGHT = 0.5  # share of the embedding cosine in the mixed similarity
_BLOCK_CELLS = 1 << 24  # similarity cells per block of the neighbour search (64 MiB)


class Encoder(Protocol):
    """Anything that embeds strings as unit-length rows (like ``SentenceEncoder``)."""

    def encode(self, sentences: list[str]) -> np.ndarray: ...


def _analyze(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(_CJK.sub(r" \1 ", text.lower()))
            if w not in STOPWORDS and not w.isdigit()]


def _lsa(x: sparse.csr_matrix, dims: int, seed: int) -> np.ndarray:
    """Rows whose dot products approximate those of ``x`` (exactly, when rank <= dims).

    The rows are not re-normalised: then the dot products stay TF-IDF cosines
    (minus the discarded noise), whatever the corpus size, and one threshold
    means the same thing for 10 articles and for 100,000.
    """
    n, v = x.shape
    if v <= dims:
        return x.toarray()
    if n <= dims:  # exact: the Gram matrix's eigenvectors scaled by sqrt(eigenvalues)
        gram = (x @ x.T).toarray()
        values, vectors = np.linalg.eigh(gram)
        return vectors * np.sqrt(np.clip(values, 0.0, None))
    from sklearn.decomposition import TruncatedSVD

    return TruncatedSVD(dims, random_state=seed).fit_transform(x)


def story_vectors(texts: Sequence[str], *, semantic: bool | str = False,
                  encoder: Encoder | None = None, dims: int | None = None,
                  semantic_weight: float = SEMANTIC_WEIGHT, seed: int = 0) -> np.ndarray:
    """Vectors whose dot products are story similarities (rows of norm at most 1).

    TF-IDF of stemmed non-stop-words (sublinear term frequency, fitted on
    ``texts``), reduced to ``dims`` dimensions by truncated SVD (default: 256,
    or one per 64 texts up to 768, see :data:`LSA_DIMS`); with embeddings
    (``semantic`` True, or ``"auto"`` when the extra is installed), the rows are
    ``[sqrt(1 - w) · lsa, sqrt(w) · embedding]`` with ``w = semantic_weight``,
    so dot products mix the two similarities.

    >>> v = story_vectors(["rain floods city", "city floods after rain", "stocks fall"])
    >>> bool(v[0] @ v[1] > v[0] @ v[2])
    True
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return np.zeros((0, 0))
    if semantic and encoder is None:
        encoder = default_encoder()
        if encoder is None and semantic is True:
            raise SemanticUnavailable("semantic=True but the semantic extra is unavailable")
    tfidf = TfidfVectorizer(analyzer=_analyze, sublinear_tf=True)
    try:
        x = tfidf.fit_transform(texts)
    except ValueError:  # no words at all in any text
        x = sparse.csr_matrix((len(texts), 1))
    if dims is None:
        low, per, high = LSA_DIMS
        dims = min(max(low, len(texts) // per), high)
    lexical = _lsa(x.tocsr(), dims, seed)
    if not semantic or encoder is None:
        return lexical.astype(np.float32)
    e = np.asarray(encoder.encode(list(texts)), dtype=np.float64)
    return np.hstack([np.sqrt(1 - semantic_weight) * lexical,
                      np.sqrt(semantic_weight) * e]).astype(np.float32)


def nearest_neighbours(vectors: np.ndarray, k: int, min_similarity: float = -np.inf
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` largest dot products of each row with the others, as ``(i, j, sim)``.

    Brute force in blocks of rows, so memory stays bounded (about 64 MiB) for any
    N; only pairs with ``sim >= min_similarity`` are returned, each once (``i < j``).

    >>> i, j, s = nearest_neighbours(np.eye(3)[[0, 0, 1]], k=1, min_similarity=0.5)
    >>> i.tolist(), j.tolist(), s.tolist()
    ([0], [1], [1.0])
    """
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(x)
    k = min(k, n - 1)
    if k <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    rows, cols, sims = [], [], []
    block = max(1, _BLOCK_CELLS // max(n, 1))
    for start in range(0, n, block):
        sim = x[start:start + block] @ x.T
        r = np.arange(sim.shape[0])
        sim[r, start + r] = -np.inf  # not its own neighbour
        top = np.argpartition(-sim, k - 1, axis=1)[:, :k] if k < n - 1 else np.argsort(
            -sim, axis=1)[:, :k]
        s = np.take_along_axis(sim, top, axis=1)
        keep = s >= min_similarity
        rows.append(np.repeat(start + r, k).reshape(-1, k)[keep])
        cols.append(top[keep])
        sims.append(s[keep])
    i, j, s = np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    pair, first = np.unique(lo.astype(np.int64) * n + hi, return_index=True)
    return pair // n, pair % n, s[first].astype(np.float64)


def _find(parent: list[int], i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:  # path compression
        parent[i], i = root, parent[i]
    return root


def _pair_dots(x: np.ndarray, i: np.ndarray, j: np.ndarray, chunk: int = 1 << 16
               ) -> np.ndarray:
    """``x[i[k]] · x[j[k]]`` for each k, in chunks so memory stays small."""
    out = np.zeros(len(i))
    if x.shape[1]:
        for start in range(0, len(i), chunk):
            a, b = i[start:start + chunk], j[start:start + chunk]
            out[start:start + chunk] = np.einsum("ij,ij->i", x[a], x[b])
    return out


def _upgma(vectors: np.ndarray, pairs: tuple[np.ndarray, np.ndarray],
           excess: Mapping[tuple[int, int], float], threshold: float) -> np.ndarray:
    """Average linkage over candidate pairs; merges while the best mean >= threshold.

    ``vectors`` (N × d, d may be 0) give dot-product similarities; ``excess[(i, j)]``
    (``i < j``) is added to the dot product of that pair. Groups are slots: a
    merge keeps one slot, retires the other (union-find ``parent``) and bumps the
    kept slot's ``version``, which invalidates its queued scores lazily.
    """
    n = len(vectors)
    # float32 halves the memory of large runs; sums of a few thousand unit rows keep
    # ~6 significant digits, far finer than any threshold.
    sums = np.array(vectors, dtype=np.float64 if vectors.size <= 1 << 24 else np.float32)
    size = np.ones(n, dtype=np.float64)
    parent = list(range(n))
    version = [0] * n
    adjacency: list[dict[int, float] | None] = [{} for _ in range(n)]
    for i, j in zip(*(p.tolist() for p in pairs), strict=True):
        adjacency[i][j] = 0.0
        adjacency[j][i] = 0.0
    for (i, j), extra in excess.items():
        adjacency[i][j] = adjacency[j][i] = extra
    lo = np.array([i for i, nb in enumerate(adjacency) for j in nb if i < j], dtype=np.int64)
    hi = np.array([j for i, nb in enumerate(adjacency) for j in nb if i < j], dtype=np.int64)
    initial = _pair_dots(sums, lo, hi) + np.array(
        [adjacency[i][j] for i, j in zip(lo.tolist(), hi.tolist(), strict=True)])
    good = initial >= threshold
    heap = [(-score, i, j, 0, 0) for score, i, j in zip(
        initial[good].tolist(), lo[good].tolist(), hi[good].tolist(), strict=True)]
    heapq.heapify(heap)
    while heap:
        _, i, j, vi, vj = heapq.heappop(heap)
        if version[i] != vi or version[j] != vj:
            continue  # one of them has merged since this score was queued
        keep, gone = (i, j) if len(adjacency[i]) >= len(adjacency[j]) else (j, i)
        parent[gone] = keep
        version[gone] = -1
        version[keep] += 1
        sums[keep] += sums[gone]
        size[keep] += size[gone]
        merged: dict[int, float] = defaultdict(float)
        for key, extra in (*adjacency[keep].items(), *adjacency[gone].items()):
            root = _find(parent, key)
            if root != keep:
                merged[root] += extra
        adjacency[keep], adjacency[gone] = dict(merged), None
        if not merged:
            continue
        keys = np.fromiter(merged.keys(), dtype=np.int64, count=len(merged))
        extras = np.fromiter(merged.values(), dtype=np.float64, count=len(merged))
        scores = (sums[keys] @ sums[keep] + extras) / (size[keys] * size[keep])
        for key, score in zip(keys[scores >= threshold].tolist(),
                              scores[scores >= threshold].tolist(), strict=True):
            lo, hi = min(key, keep), max(key, keep)
            heapq.heappush(heap, (-score, lo, hi, version[lo], version[hi]))
    roots = [_find(parent, i) for i in range(n)]
    return _first_seen_labels(roots)


def _first_seen_labels(values: Sequence[Hashable]) -> np.ndarray:
    """Labels 0, 1, ... in order of first appearance."""
    seen: dict[Hashable, int] = {}
    return np.array([seen.setdefault(v, len(seen)) for v in values], dtype=np.int64)


def average_linkage(vectors: np.ndarray, threshold: float, *, k: int = 30,
                    edges: Iterable[tuple[int, int, float]] = ()) -> np.ndarray:
    """Cluster labels by average linkage over dot-product similarities of ``vectors``.

    Parameters
    ----------
    vectors : N × d array; the dot product of two rows is their similarity
        (d may be 0 when only ``edges`` say anything).
    threshold : stop merging when no two groups have a mean similarity this high.
    k : nearest neighbours per row that are candidates for merging.
    edges : ``(i, j, weight)`` pairs; their similarity becomes ``max(dot, weight)``
        and they are always candidates.

    Returns
    -------
    Labels ``0..m-1``, numbered in order of first appearance.

    >>> v = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]])
    >>> average_linkage(v, 0.5).tolist()
    [0, 0, 1, 1]
    """
    vectors = np.asarray(vectors)
    if vectors.dtype.kind != "f":
        vectors = vectors.astype(np.float64)
    if vectors.ndim != 2:
        raise ValueError(f"vectors must be 2-d (N × d), got shape {vectors.shape}")
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if vectors.shape[1]:
        i, j, _ = nearest_neighbours(vectors, k, min_similarity=threshold)
    else:
        i = j = np.zeros(0, dtype=np.int64)
    excess: dict[tuple[int, int], float] = {}
    for a, b, w in edges:
        a, b, w = int(a), int(b), float(w)
        if not (0 <= a < n and 0 <= b < n):
            raise ValueError(f"edge ({a}, {b}) is outside 0..{n - 1}")
        if a == b:
            continue
        pair = (min(a, b), max(a, b))
        dot = float(vectors[a] @ vectors[b]) if vectors.shape[1] else 0.0
        excess[pair] = max(excess.get(pair, 0.0), w - dot, 0.0)
    return _upgma(vectors, (i, j), excess, threshold)


def cluster_stories(items: Sequence[str] | np.ndarray, threshold: float | None = None, *,
                    semantic: bool | str = False, k: int = 30,
                    encoder: Encoder | None = None, dims: int | None = None) -> np.ndarray:
    """Story labels for texts (or for ready vectors), by average linkage.

    Parameters
    ----------
    items : texts, or an N × d array whose row dot products are similarities.
    threshold : mean similarity needed to merge; for texts it defaults to
        :data:`DEFAULT_THRESHOLDS` (``"semantic"`` when embeddings are used), for
        vectors it must be given.
    semantic : for texts, mix in sentence embeddings (``"auto"``: when installed).
    k : nearest neighbours per article considered for merging.
    dims : LSA dimensions (see :func:`story_vectors`).

    >>> texts = ["flood hits valencia twelve dead", "valencia flood leaves twelve dead",
    ...          "apple unveils iphone", "new iphone unveiled by apple"]
    >>> cluster_stories(texts, threshold=0.1).tolist()
    [0, 0, 1, 1]
    """
    if isinstance(items, np.ndarray) and items.dtype.kind in "fiu":
        if threshold is None:
            raise ValueError("threshold is required when clustering vectors")
        return average_linkage(items, threshold, k=k)
    texts = list(items)
    if semantic and encoder is None:
        encoder = default_encoder()
        if encoder is None and semantic is True:
            raise SemanticUnavailable("semantic=True but the semantic extra is unavailable")
    use_embeddings = bool(semantic) and encoder is not None
    if threshold is None:
        threshold = DEFAULT_THRESHOLDS["semantic" if use_embeddings else "lexical"]
    vectors = story_vectors(texts, semantic=use_embeddings, encoder=encoder, dims=dims)
    return average_linkage(vectors, threshold, k=k)


def cluster_edges(n: int, edges: Iterable[tuple[int, int, float]], *,
                  vectors: np.ndarray | None = None, threshold: float = 0.5,
                  k: int = 30) -> np.ndarray:
    """Story labels from weighted article pairs (e.g. verified reuse links), by average linkage.

    Without ``vectors`` a pair that has no edge counts as similarity 0, so a
    group forms only where most of its members are linked: a single link between
    two linked groups does not join them. With ``vectors`` (as from
    :func:`story_vectors`) a pair's similarity is ``max(dot product, edge weight)``.

    >>> edges = [(0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.9), (3, 4, 0.9), (2, 3, 0.6)]
    >>> cluster_edges(5, edges, threshold=0.5).tolist()
    [0, 0, 0, 1, 1]
    """
    v = np.zeros((n, 0)) if vectors is None else np.asarray(vectors, dtype=np.float64)
    if len(v) != n:
        raise ValueError(f"{len(v)} vectors for {n} articles")
    return average_linkage(v, threshold, k=k, edges=edges)


def _fresh_id(key: Hashable, taken: set[str]) -> str:
    salt = 0
    while True:
        digest = hashlib.sha256(f"{key}#{salt}".encode() if salt else str(key).encode())
        story_id = "s" + digest.hexdigest()[:12]
        if story_id not in taken:
            return story_id
        salt += 1


def stable_story_ids(labels: Sequence[Hashable] | np.ndarray, keys: Sequence[Hashable],
                     previous: Mapping[Hashable, str] | None = None) -> list[str]:
    """Story ids for cluster ``labels`` that stay the same across runs.

    Each cluster inherits the id that most of its previously labelled members
    (``previous``: key → story id) held; when two clusters claim the same old id
    (a story split), the one with more of its members keeps it, and the other
    falls back to its next most common old id. A cluster with no inheritable
    id gets ``"s" + sha256(smallest member key)[:12]``: deterministic, and
    unchanged when later members join (make keys sort in time order, e.g. a
    date prefix, and this is the earliest article).

    >>> ids = stable_story_ids([0, 0, 1], ["a", "b", "c"])
    >>> ids[0] == ids[1] != ids[2]
    True
    >>> stable_story_ids([5, 5, 7, 7], ["c", "d", "a", "b"], dict(zip("abc", ids)))[::2] == \
        [ids[2], ids[0]]
    True
    """
    if len(labels) != len(keys):
        raise ValueError(f"{len(labels)} labels for {len(keys)} keys")
    previous = previous or {}
    members: dict[Hashable, list[int]] = defaultdict(list)
    for index, label in enumerate(np.asarray(labels).tolist()):
        members[label].append(index)
    claims = []  # (-votes, story id, smallest key, label)
    smallest = {label: min(str(keys[i]) for i in idx) for label, idx in members.items()}
    for label, idx in members.items():
        votes = Counter(previous[keys[i]] for i in idx if keys[i] in previous)
        claims.extend((-v, story_id, smallest[label], label) for story_id, v in votes.items())
    assigned: dict[Hashable, str] = {}
    used: set[str] = set()
    for _, story_id, _, label in sorted(claims, key=lambda c: (c[0], c[1], c[2])):
        if label not in assigned and story_id not in used:
            assigned[label] = story_id
            used.add(story_id)
    taken = used | set(previous.values())
    for label in sorted(members, key=lambda lab: smallest[lab]):
        if label not in assigned:
            assigned[label] = _fresh_id(smallest[label], taken)
            taken.add(assigned[label])
    return [assigned[label] for label in np.asarray(labels).tolist()]
