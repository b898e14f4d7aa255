"""Cheaper code paths that must give the same answers as the plain ones they replace:
the lexical sentence similarity without scipy.sparse, and the ASCII path of the promotion
test in site boilerplate."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.align.similarity import MIN_CONTENT_WORDS, content_stems, lexical_similarity
from storytrace.text import boilerplate
from storytrace.text.doc import Doc


def _sparse_similarity(a: Doc, b: Doc) -> np.ndarray:
    """The scipy.sparse product lexical_similarity was written as (the reference)."""
    import math
    from collections import Counter

    from scipy import sparse

    bags = [Counter(content_stems(t, s, e)) for t in (a, b) for s, e in t.sentence_tokens]
    if not bags:
        return np.zeros((len(a.sentence_tokens), len(b.sentence_tokens)))
    vocab: dict[str, int] = {}
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(bags)
    rows, cols, vals = [], [], []
    for r, bag in enumerate(bags):
        if sum(bag.values()) < MIN_CONTENT_WORDS:
            continue
        weights = {}
        for w, c in bag.items():
            weights[vocab.setdefault(w, len(vocab))] = (1 + math.log(c)) * (
                math.log((n + 1) / (df[w] + 1)) + 1)
        norm = math.sqrt(sum(v * v for v in weights.values()))
        for col, v in weights.items():
            rows.append(r)
            cols.append(col)
            vals.append(v / norm)
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)))
    na = len(a.sentence_tokens)
    return (m[:na] @ m[na:].T).toarray()


def test_lexical_similarity_is_the_sparse_product_float_for_float(seed_texts) -> None:
    a, b = seed_texts
    pairs = [(a, b), (b, a), (a, a), (b, a[: len(a) // 2] + b), ("", a), ("Short one.", "")]
    for x, y in pairs:
        ours, ref = lexical_similarity(Doc(x), Doc(y)), _sparse_similarity(Doc(x), Doc(y))
        assert ours.shape == ref.shape and ours.dtype == ref.dtype
        assert np.array_equal(ours, ref)
    assert lexical_similarity(Doc(a), Doc(a)).max() > 0.99


_WORDS = st.sampled_from("the bridge Bridge closes closed mayor Mayor said city cities voted "
                         "vote plan plans police U.S. re-entered it's".split())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=12), min_size=1, max_size=8),
       st.lists(st.lists(_WORDS, min_size=1, max_size=12), min_size=1, max_size=8))
def test_lexical_similarity_matches_on_any_wording(xs, ys) -> None:
    a = Doc(". ".join(" ".join(s) for s in xs) + ".")
    b = Doc(". ".join(" ".join(s) for s in ys) + ".")
    assert np.array_equal(lexical_similarity(a, b), _sparse_similarity(a, b))


def test_compare_imports_no_scipy_for_the_lexical_similarity(seed_texts) -> None:
    a, b = seed_texts
    code = ("import sys; from storytrace.align.similarity import lexical_similarity; "
            "from storytrace.text.doc import Doc; "
            f"lexical_similarity(Doc({a[:2000]!r}), Doc({b[:2000]!r})); "
            "print('scipy.sparse' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


_BLOCKS = ["Sign up for our newsletter today.", "SIGN UP for our NEWSLETTER", "Subscribe",
           "Copyright 2017 ABC News.", "© 2017", "Follow us on Twitter.", "follow bob.smith on "
           "instagram", "Click Here", "clickhere", "Related Stories", "Article continues below",
           "Story Continued Below", "The bridge closes.", "Has no position in any stocks",
           "may not be republished", "ſubscribe now", "Privacy Policy", "privacy  policy",
           "auto-generated from a syndicated feed", "The views expressed are mine.", ""]


@pytest.mark.parametrize("block", _BLOCKS)
def test_ascii_promotion_test_gives_the_ignorecase_answer(block: str) -> None:
    assert boilerplate._promo(block) == (boilerplate._PROMO.search(block) is not None)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzSUBCRIPTONWLE .-'©"
                                             "ſK")), max_size=60))
def test_promotion_test_on_any_text(block: str) -> None:
    assert boilerplate._promo(block) == (boilerplate._PROMO.search(block) is not None)


def test_block_keys_hash_the_words_without_inner_punctuation() -> None:
    keys = [k for _, _, k in boilerplate.block_keys("Re-entered the U.S. it's said today. "
                                                    "Reentered the US, its said today!")]
    assert len(keys) == 2 and keys[0] == keys[1]
