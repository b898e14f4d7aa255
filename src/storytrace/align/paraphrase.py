"""Sentence-level paraphrase (reuse) classifier: is sentence B a rewrite of sentence A?

A small logistic regression over lexical similarity features (character and word
edit similarities, word n-gram overlaps, BLEU, numbers and names that agree) plus,
when the semantic extra is installed, the cosine of the two sentence embeddings.
Its weights are plain JSON bundled in ``storytrace/data`` (``paraphrase_lexical.json``
and ``paraphrase_semantic.json``, written by ``bench/train_paraphrase.py``, which
also records the data, command and scores); scikit-learn is not needed here.

Every feature exists in two forms that give identical numbers: for aligned pairs
(``a[i]`` with ``b[i]``) and for all pairs at once (``a[i]`` with every ``b[j]``),
the latter computed with vectorised rapidfuzz ``cdist`` calls and sparse matrix
products so two whole articles are scored in milliseconds. All features are
symmetric, so ``matrix(a, b)`` equals ``matrix(b, a).T``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, Levenshtein

from storytrace.align.semantic import (
    choose_model,
    model_encoder,
)
from storytrace.text.normalize import normalize
from storytrace.text.words import STOPWORDS, WORD, plain_word, stem

if TYPE_CHECKING:
    from scipy import sparse

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_N = 4  # longest word n-gram compared

LEXICAL_FEATURES = (
    "ratio",  # rapidfuzz fuzz.ratio of the lower-cased normalised sentences, 0..1
    "token_sort_ratio",  # the same with each sentence's words sorted
    "word_lcs",  # 2·LCS / (|a| + |b|) over stem sequences (ROUGE-L F1)
    "word_edit",  # 1 - word-level Levenshtein distance / longer length (TER-like)
    # Dice of the stem n-gram sets, and shared n-grams / the smaller set, for n = 1..4
    "dice_1", "containment_1", "dice_2", "containment_2", "dice_3", "containment_3", "dice_4",
    "bleu",  # BLEU-4 on n-gram sets (smoothed), averaged over both directions
    "content_dice",  # Dice of the content-word stem sets (no stop words)
    "char3_cosine",  # cosine of character (UTF-8 byte) trigram count vectors
    "numbers",  # Jaccard of the numbers written in each (1 when neither has any)
    "names",  # Jaccard of capitalised non-initial words (1 when neither has any)
    "length_ratio",  # shorter / longer, in words
)
SEMANTIC_FEATURES = (*LEXICAL_FEATURES, "embedding_cosine")


class Encoder(Protocol):
    """Anything that embeds sentences as unit-length rows (like ``SentenceEncoder``)."""

    def encode(self, sentences: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class _Sentences:
    """Sentences prepared for feature computation."""

    texts: list[str]  # lower-cased, normalised
    sorted_texts: list[str]  # their words, sorted
    stem_ids: list[list[int]]  # stem sequence, as ids shared by both sides
    grams: list[sparse.csr_matrix]  # binary n-gram sets, n = 1..MAX_N
    content: sparse.csr_matrix  # binary content-stem sets
    char3: sparse.csr_matrix  # character (UTF-8 byte) trigram counts
    numbers: sparse.csr_matrix  # binary sets of numbers
    names: sparse.csr_matrix  # binary sets of capitalised words
    lengths: np.ndarray  # words per sentence
    embeddings: np.ndarray | None  # unit-length rows, or None


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """The stem :class:`~storytrace.text.doc.Doc` gives a word, cached."""
    return stem(plain_word(word))


def _plain(s: str) -> str:
    """``normalize(s).text``, with a fast path for ASCII (where it only folds whitespace)."""
    return " ".join(s.split()) if s.isascii() else normalize(s).text


def _rows(bags: Sequence[set]) -> sparse.csr_matrix:
    """One binary sparse row per set, one column per distinct item."""
    from scipy import sparse

    vocab: dict = {}
    indptr, indices = [0], []
    for bag in bags:
        indices.extend([vocab.setdefault(item, len(vocab)) for item in bag])
        indptr.append(len(indices))
    return sparse.csr_matrix((np.ones(len(indices)), indices, indptr),
                             shape=(len(bags), max(len(vocab), 1)))


def _sequence_grams(sequences: Sequence[Sequence[int]] | Sequence[bytes], n_max: int,
                    binary: bool) -> list[sparse.csr_matrix]:
    """Sparse rows of the n-grams (n = 1..n_max) of integer sequences, vectorised.

    An n-gram's code is the dense id of its (n-1)-gram prefix times the alphabet size
    plus its last item, so codes stay small; n-grams across two sequences are dropped.
    Rows hold counts, or ones with ``binary``.
    """
    from scipy import sparse

    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    if sequences and isinstance(sequences[0], bytes):
        flat = np.frombuffer(b"".join(sequences), dtype=np.uint8).astype(np.int64)
    else:
        flat = np.fromiter((x for s in sequences for x in s), dtype=np.int64,
                           count=int(lengths.sum()))
    row = np.repeat(np.arange(len(sequences)), lengths)
    size = int(flat.max(initial=0)) + 1
    code, out = flat, []
    for n in range(1, n_max + 1):
        if n > 1:
            code = code[:-1] * size + flat[n - 1:]
        valid = row[: len(code)] == row[n - 1:]
        columns, dense = np.unique(code, return_inverse=True)
        m = sparse.csr_matrix((np.ones(int(valid.sum())), (row[: len(code)][valid],
                                                           dense[valid])),
                              shape=(len(sequences), max(len(columns), 1)))
        m.sum_duplicates()  # duplicates add up: counts
        if binary:
            m.data[:] = 1.0
        out.append(m)
        code = dense
    return out


def _prepare(a: Sequence[str], b: Sequence[str], encoder: Encoder | None
             ) -> tuple[_Sentences, _Sentences]:
    """Tokenise both sides with shared vocabularies (so their sparse rows are comparable)."""
    plains = [_plain(s) for s in (*a, *b)]
    texts, words, stems, names, numbers = [], [], [], [], []
    for plain in plains:
        cased = WORD.findall(plain)
        lower = [w.lower() for w in cased]
        texts.append(plain.lower())
        words.append(lower)
        stems.append([_stem(w) for w in lower])
        names.append({w.lower() for w in cased[1:] if w[0].isupper()} - STOPWORDS)
        numbers.append({n.replace(",", "") for n in _NUMBER.findall(plain)})
    ids: dict[str, int] = {}
    stem_ids = [[ids.setdefault(st, len(ids)) for st in ss] for ss in stems]
    matrices = _sequence_grams(stem_ids, MAX_N, binary=True)
    matrices.append(_rows([{st for st, w in zip(ss, ws, strict=True) if w not in STOPWORDS}
                           for ss, ws in zip(stems, words, strict=True)]))
    sorted_texts = [" ".join(sorted(ws)) for ws in words]
    utf8 = [f" {' '.join(ws)} ".encode() for ws in words]
    matrices.append(_sequence_grams(utf8, 3, binary=False)[2])  # byte trigram counts
    matrices.append(_rows(numbers))
    matrices.append(_rows(names))
    lengths = np.array([len(s) for s in stem_ids], dtype=np.float64)
    na = len(a)
    embeddings = None
    if encoder is not None:  # one call per side, so callers can cache per sentence list
        embeddings = np.vstack([
            np.asarray(encoder.encode(part), dtype=np.float64).reshape(len(part), -1)
            for part in (plains[:na], plains[na:])])

    def side(rows: slice) -> _Sentences:
        *grams, content, char3, nums, nams = (m[rows] for m in matrices)
        return _Sentences(texts[rows], sorted_texts[rows], stem_ids[rows], grams, content,
                          char3, nums, nams, lengths[rows],
                          None if embeddings is None else embeddings[rows])

    return side(slice(0, na)), side(slice(na, len(texts)))


def _overlap(x: sparse.csr_matrix, y: sparse.csr_matrix, pairwise: bool) -> np.ndarray:
    """Dot products of rows: ``x[i]·y[i]`` (pairwise) or ``x[i]·y[j]`` for all i, j."""
    if pairwise:
        return np.asarray(x.multiply(y).sum(axis=1), dtype=np.float64).ravel()
    return (x @ y.T).toarray()


def _sizes(x: sparse.csr_matrix, y: sparse.csr_matrix, pairwise: bool,
           squared: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Row sums (or sums of squares) shaped to broadcast against :func:`_overlap`."""
    sx = np.asarray((x.multiply(x) if squared else x).sum(axis=1), dtype=np.float64).ravel()
    sy = np.asarray((y.multiply(y) if squared else y).sum(axis=1), dtype=np.float64).ravel()
    return (sx, sy) if pairwise else (sx[:, None], sy[None, :])


def _ratio(num: np.ndarray, den: np.ndarray, empty: float = 0.0) -> np.ndarray:
    """``num / den`` with ``empty`` where the denominator is 0."""
    num, den = np.broadcast_arrays(np.asarray(num, dtype=np.float64), den)
    out = np.full(num.shape, empty)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _jaccard(x: sparse.csr_matrix, y: sparse.csr_matrix, pairwise: bool) -> np.ndarray:
    o = _overlap(x, y, pairwise)
    sx, sy = _sizes(x, y, pairwise)
    return _ratio(o, sx + sy - o, empty=1.0)


def _feature_arrays(a: _Sentences, b: _Sentences, pairwise: bool
                    ) -> Iterator[tuple[str, np.ndarray]]:
    """Yield ``(name, values)`` per feature, 1-d (pairwise) or ``len(a) × len(b)``."""
    dist = process.cpdist if pairwise else process.cdist
    yield "ratio", dist(a.texts, b.texts, scorer=fuzz.ratio, dtype=np.float32, workers=-1) / 100
    yield "token_sort_ratio", dist(a.sorted_texts, b.sorted_texts, scorer=fuzz.ratio,
                                   dtype=np.float32, workers=-1) / 100
    yield "word_lcs", dist(a.stem_ids, b.stem_ids, scorer=Indel.normalized_similarity,
                           dtype=np.float32, workers=-1)
    yield "word_edit", dist(a.stem_ids, b.stem_ids, scorer=Levenshtein.normalized_similarity,
                            dtype=np.float32, workers=-1)
    la, lb = (a.lengths, b.lengths) if pairwise else (a.lengths[:, None], b.lengths[None, :])
    p_ab = p_ba = 1.0  # products of n-gram precisions of b against a, and of a against b
    for n, (x, y) in enumerate(zip(a.grams, b.grams, strict=True), start=1):
        o = _overlap(x, y, pairwise)
        sx, sy = _sizes(x, y, pairwise)
        yield f"dice_{n}", _ratio(2 * o, sx + sy)
        if n <= 3:
            yield f"containment_{n}", _ratio(o, np.minimum(sx, sy))
        smooth = 0 if n == 1 else 1  # add-one smoothing for n > 1 (Lin & Och 2004)
        p_ab = p_ab * _ratio(o + smooth, sy + smooth)
        p_ba = p_ba * _ratio(o + smooth, sx + smooth)
    brevity_ab = np.exp(np.minimum(0.0, 1 - _ratio(la, lb, empty=1.0)))
    brevity_ba = np.exp(np.minimum(0.0, 1 - _ratio(lb, la, empty=1.0)))
    yield "bleu", (p_ab ** (1 / MAX_N) * brevity_ab + p_ba ** (1 / MAX_N) * brevity_ba) / 2
    o = _overlap(a.content, b.content, pairwise)
    sx, sy = _sizes(a.content, b.content, pairwise)
    yield "content_dice", _ratio(2 * o, sx + sy)
    sx, sy = _sizes(a.char3, b.char3, pairwise, squared=True)
    yield "char3_cosine", _ratio(_overlap(a.char3, b.char3, pairwise), np.sqrt(sx * sy))
    yield "numbers", _jaccard(a.numbers, b.numbers, pairwise)
    yield "names", _jaccard(a.names, b.names, pairwise)
    yield "length_ratio", _ratio(np.minimum(la, lb), np.maximum(la, lb), empty=1.0)
    if a.embeddings is not None and b.embeddings is not None:
        ea, eb = a.embeddings, b.embeddings
        yield "embedding_cosine", (ea * eb).sum(axis=1) if pairwise else ea @ eb.T


def pair_features(a: Sequence[str], b: Sequence[str], encoder: Encoder | None = None,
                  all_pairs: bool = False) -> np.ndarray:
    """Feature values (columns as in :data:`LEXICAL_FEATURES`, plus ``embedding_cosine``
    last when an ``encoder`` is given) for ``a[i]`` with ``b[i]``: ``len(a) × F``; or,
    with ``all_pairs``, for every ``a[i]`` with every ``b[j]``: ``len(a) × len(b) × F``.

    >>> x = pair_features(["The cat sat on the mat."], ["The cat sat on a mat."])
    >>> x.shape, float(x[0, LEXICAL_FEATURES.index("dice_1")])
    ((1, 17), 0.9090909090909091)
    """
    if not all_pairs and len(a) != len(b):
        raise ValueError(f"aligned pairs need equal lengths, got {len(a)} and {len(b)}")
    pa, pb = _prepare(a, b, encoder)
    names = SEMANTIC_FEATURES if encoder is not None else LEXICAL_FEATURES
    shape = (len(a),) if not all_pairs else (len(a), len(b))
    out = np.zeros((*shape, len(names)))
    for k, (name, values) in enumerate(_feature_arrays(pa, pb, pairwise=not all_pairs)):
        assert name == names[k], (name, names[k])
        out[..., k] = values
    return out


def load_weights(name: str) -> dict[str, Any]:
    """The bundled model ``name`` (``"lexical"`` or ``"semantic"``) as a dict."""
    path = resources.files("storytrace") / "data" / f"paraphrase_{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


class ParaphraseScorer:
    """Probability that one sentence paraphrases (reuses) another.

    Parameters
    ----------
    semantic : ``"auto"`` adds sentence embeddings when the semantic extra is
        installed, ``False`` never does, ``True`` requires them.
    weights : a model dict (as in ``storytrace/data/paraphrase_*.json``) to use
        instead of the bundled one; it decides whether embeddings are needed.
    encoder : anything with ``encode(list[str]) -> ndarray`` of unit-length rows,
        in place of :func:`storytrace.align.semantic.default_encoder`.

    Attributes: ``model`` (``"lexical"`` or ``"semantic"``), ``threshold`` (the
    probability from which :meth:`predict` says yes, chosen by cross-validation),
    ``feature_names`` and ``weights`` (the model dict, with its training provenance).

    >>> scorer = ParaphraseScorer(semantic=False)
    >>> scorer.model
    'lexical'
    >>> a = ["The mayor said the city will not cooperate with federal immigration agents.",
    ...      "Heavy rain is expected across the region on Sunday."]
    >>> b = ["The city will not cooperate with federal immigration agents, the mayor said.",
    ...      "Shares of the carmaker fell 3 percent in early trading."]
    >>> scorer.predict(a, b).tolist()
    [True, False]
    >>> scorer.matrix(a, b).round(2)
    array([[1.  , 0.07],
           [0.08, 0.06]])
    """

    def __init__(self, semantic: bool | str = "auto", *, weights: dict[str, Any] | None = None,
                 encoder: Encoder | None = None) -> None:
        if weights is None:
            which, encoder = choose_model(semantic, encoder)
            weights = load_weights(which)
        names = tuple(weights["features"])
        if names not in (LEXICAL_FEATURES, SEMANTIC_FEATURES):
            raise ValueError(f"model features {names} do not match this version's features")
        self.semantic = names == SEMANTIC_FEATURES
        self.encoder = model_encoder(self.semantic, encoder)
        self.weights = weights
        self.feature_names = names
        self.threshold = float(weights["threshold"])
        self._mean = np.asarray(weights["scaler"]["mean"], dtype=np.float64)
        self._scale = np.asarray(weights["scaler"]["scale"], dtype=np.float64)
        self._coef = np.asarray(weights["logistic_regression"]["coef"], dtype=np.float64)
        self._intercept = float(weights["logistic_regression"]["intercept"])

    @property
    def model(self) -> str:
        """``"semantic"`` (lexical + embeddings) or ``"lexical"``."""
        return "semantic" if self.semantic else "lexical"

    def features(self, a: Sequence[str], b: Sequence[str], all_pairs: bool = False
                 ) -> np.ndarray:
        """Feature values for aligned pairs (``len(a) × F``); see :func:`pair_features`."""
        return pair_features(a, b, self.encoder, all_pairs)

    def _probability(self, z: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-np.clip(z, -50, 50)))

    def score(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """Probability of paraphrase for each aligned pair ``(a[i], b[i])``."""
        x = self.features(a, b)
        return self._probability((x - self._mean) / self._scale @ self._coef + self._intercept)

    def predict(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """Paraphrase decisions (``score >= threshold``) for aligned pairs."""
        return self.score(a, b) >= self.threshold

    def matrix(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """Probability of paraphrase for every pair: ``len(a) × len(b)``.

        Features are folded into the linear score one at a time, so memory stays
        at a few ``len(a) × len(b)`` arrays however many features there are.
        """
        if not a or not b:
            return np.zeros((len(a), len(b)))
        pa, pb = _prepare(a, b, self.encoder)
        z = np.full((len(a), len(b)), self._intercept)
        for k, (_, values) in enumerate(_feature_arrays(pa, pb, pairwise=False)):
            z += (values - self._mean[k]) * (self._coef[k] / self._scale[k])
        return self._probability(z)

