"""storytrace.text.hashing gives scikit-learn's hashed counts exactly (the framing models
were trained on those), without importing scikit-learn."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.framing.linear import TOKEN_PATTERN
from storytrace.text.hashing import NgramHasher, hashed_counts, murmurhash3_32

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
sklearn_hash = pytest.importorskip("sklearn.feature_extraction")
sklearn_murmur = pytest.importorskip("sklearn.utils").murmurhash3_32

ALPHABET = "abcXYZ éüßİ漢字 \t\n\u00a0\u2003.,!?'’-0123456789\x1c"


def _texts(seed: int = 1, n: int = 200) -> list[str]:
    rng = random.Random(seed)
    texts = ["", " ", "a", "I", "Don't PANIC!! The U.S. said so.", "word " * 50]
    texts += ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 200)))
              for _ in range(n)]
    return texts


def _same(ours, ref) -> bool:
    return (type(ours) is type(ref) and ours.dtype == ref.dtype and ours.shape == ref.shape
            and np.array_equal(ours.indptr, ref.indptr)
            and np.array_equal(ours.indices, ref.indices)
            and np.array_equal(ours.data, ref.data))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=30))
def test_murmurhash_matches_sklearn(keys):
    assert murmurhash3_32(keys).tolist() == [sklearn_murmur(k, 0) for k in keys]


@pytest.mark.parametrize(("analyzer", "ngram_range", "n_features", "lowercase"), [
    ("word", (1, 2), 2**18, True), ("char_wb", (2, 5), 2**18, False),
    ("char_wb", (3, 5), 2**18, False), ("word", (1, 2), 2**13, True),
    ("char_wb", (2, 4), 2**13, False), ("char_wb", (1, 1), 7, True), ("word", (2, 3), 100, False),
])
def test_ngram_hasher_matches_hashing_vectorizer(analyzer, ngram_range, n_features, lowercase):
    kwargs = {"token_pattern": TOKEN_PATTERN} if analyzer == "word" else {}
    ref = sklearn_text.HashingVectorizer(
        analyzer=analyzer, ngram_range=ngram_range, n_features=n_features,
        lowercase=lowercase, alternate_sign=False, norm=None, **kwargs).transform(_texts())
    ours = NgramHasher(analyzer, ngram_range, n_features, lowercase, **kwargs).transform(
        _texts())
    assert _same(ours, ref)


def test_hashed_counts_matches_feature_hasher():
    rows = [t.split() for t in _texts(2)] + [[]]
    ref = sklearn_hash.FeatureHasher(n_features=2**18, input_type="string",
                                     alternate_sign=False).transform(rows)
    assert _same(hashed_counts(rows, 2**18), ref)
    with pytest.raises(ValueError):
        hashed_counts([], 16)


def test_callable_analyzer_matches_hashing_vectorizer():
    def analyzer(text: str) -> list[str]:
        return [w[:4] for w in text.split() if len(w) > 2]

    ref = sklearn_text.HashingVectorizer(analyzer=analyzer, n_features=2**12,
                                         alternate_sign=False, norm=None).transform(_texts(3))
    assert _same(NgramHasher(analyzer, n_features=2**12).transform(_texts(3)), ref)
