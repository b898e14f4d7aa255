"""Word-level claim evidence (diff.token_align): greedy word alignment features, word
states from the sentence model, and the claim scorer that reads them."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.diff.token_align import (
    TOKEN_FEATURES,
    SentenceStates,
    token_features,
    token_matrix,
    weakest_words,
)


def states(vectors: list[list[float]], content: list[bool]) -> SentenceStates:
    words = np.array(vectors, dtype=float)
    words /= np.linalg.norm(words, axis=1, keepdims=True)
    spans = tuple((4 * i, 4 * i + 3) for i in range(len(words)))
    return SentenceStates(words.mean(axis=0), words, spans, np.array(content))


def test_features_of_a_restatement_and_of_a_partial_one():
    a = states([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [True, True, False])
    same = token_features(a, a)
    assert same.shape == (len(TOKEN_FEATURES),) and np.allclose(same, 1.0)
    # B restates A's first word only; its second word is unlike anything in A.
    b = states([[1, 0, 0], [-1, -1, -1]], [True, True])
    x = dict(zip(TOKEN_FEATURES, token_features(a, b), strict=True))
    assert x["aligned70_min_side"] == 0.5 and x["aligned70_max_side"] == 0.5
    assert x["weakest_min_side"] < 0 < x["bs_precision"] < 1
    # Symmetric in the sides where the name says min/max; precision and recall swap.
    y = dict(zip(TOKEN_FEATURES, token_features(b, a), strict=True))
    for name in TOKEN_FEATURES:
        if "side" in name or name in ("bs_f1", "bs_content_f1", "mutual_share"):
            assert x[name] == pytest.approx(y[name])
    assert (x["bs_precision"], x["bs_recall"]) == pytest.approx((y["bs_recall"],
                                                                  y["bs_precision"]))


def test_matrix_and_weakest_words():
    a = states([[1, 0, 0], [0, 1, 0]], [True, True])
    b = states([[1, 0.1, 0], [0, 0, 1]], [True, True])
    m = token_matrix([a, b], [b])
    assert m.shape == (2, 1, len(TOKEN_FEATURES))
    assert np.allclose(m[1, 0], token_features(b, b)) and np.allclose(m[0, 0],
                                                                     token_features(a, b))
    weak_a, weak_b = weakest_words(a, b)
    assert weak_a == [a.spans[1]] and weak_b == [b.spans[1]]
    empty = SentenceStates(np.zeros(3), np.zeros((0, 3)), (), np.zeros(0, dtype=bool))
    assert not token_features(empty, a).any()


@pytest.fixture(scope="module")
def encoder():
    from storytrace.align.semantic import default_encoder

    found = default_encoder()
    if found is None:
        pytest.skip("the semantic extra is not installed")
    return found


def test_word_states_from_the_sentence_model(encoder):
    from storytrace.diff.token_align import sentence_states, states_of

    sentences = ["The policy prohibited police from honoring ICE detainer requests.",
                 "Officers were barred from holding people for immigration agents.",
                 "Heavy rain is expected across the region on Sunday."]
    found = states_of(encoder, sentences)
    emb = encoder.encode(sentences)
    for s, st, e in zip(sentences, found, emb, strict=True):
        assert np.abs(st.embedding - e).max() < 1e-4  # the sentence model's embedding
        assert [s[i:j] for i, j in st.spans][:2] == s.split()[:2]
        assert np.allclose(np.linalg.norm(st.words, axis=1), 1.0)
    again = states_of(encoder, sentences)
    own_pass = sentence_states(encoder.model, sentences)  # without the encoder's states
    for x, y, z in zip(found, again, own_pass, strict=True):
        assert np.allclose(x.words, y.words, atol=1e-5)
        assert x.spans == z.spans and np.allclose(x.words, z.words, atol=1e-4)
    restated = token_features(found[0], found[1])[TOKEN_FEATURES.index("bs_content_f1")]
    unrelated = token_features(found[0], found[2])[TOKEN_FEATURES.index("bs_content_f1")]
    assert restated > unrelated
    static = states_of(encoder, sentences, "static")
    assert [s.spans for s in static] == [s.spans for s in found]
    with pytest.raises(ValueError, match="unknown word states"):
        states_of(encoder, sentences, "deep")
    with pytest.raises(ValueError, match="MiniLM"):
        states_of(object(), sentences)


def test_claim_scorer_reads_word_features(encoder):
    from storytrace.diff.claims import ClaimScorer

    scorer = ClaimScorer(semantic=True)
    if scorer.token is None:
        pytest.skip("the bundled semantic claim model has no word features")
    a = ["The mayor signed the law in 2014.", "Rain is expected on Sunday."]
    b = ["In 2014 the mayor signed the law.", "Shares fell 3 percent."]
    m = scorer.matrix(a, b)
    assert np.allclose(np.diag(m), scorer.score(a, b))
    assert m[0, 0] > 0.5 > m[1, 1]
    with pytest.raises(ValueError, match="MiniLM sentence encoder"):
        ClaimScorer(semantic=True, encoder=object())


def test_restated_words_leave_names_out(encoder):
    """Two sentences that share only a name restate none of each other's plain words;
    a restatement in other words restates some."""
    from storytrace.diff.token_align import restated_words, states_of

    x, y, z = states_of(encoder, [
        "This goes against everything that Mayor de Blasio has worked for.",
        "Left-wing New York Mayor Bill de Blasio is a huge proponent of illegal immigration.",
        "The mayor has always worked against deporting illegal immigrants."])
    assert [x.spans[k] for k in np.flatnonzero(x.content & ~x.plain)] == [(34, 39), (40, 42),
                                                                         (43, 49)]
    assert restated_words(x, y) == 0
    assert restated_words(y, z) >= 1


def test_states_are_kept_by_sentence(encoder):
    """A sentence read once is not read again, in any list and order, until
    clear_states; a list read after that asks the encoder for its sentences once."""
    from storytrace.diff.token_align import clear_states, states_of

    class Counting:
        model = encoder.model

        def __init__(self) -> None:
            self.asked: list[str] = []

        def read(self, sentences):
            self.asked += sentences
            return encoder.read(sentences)

    counting = Counting()
    one, two = "The council approved the budget.", "Rain fell all day."
    clear_states()
    first = states_of(counting, [one, two, one])
    assert counting.asked == [one, two]
    again = states_of(counting, [two, one])
    assert counting.asked == [one, two]
    assert again[0] is first[1] and again[1] is first[0] is first[2]
    clear_states()
    states_of(counting, [two])
    assert counting.asked == [one, two, two]
