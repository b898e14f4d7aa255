"""Passage alignment: offsets, kinds, reordering, repeats, and the seed pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.align import Aligner
from storytrace.align.semantic import default_encoder
from storytrace.ingest import read_sources

P1 = ("The city council voted on Tuesday to approve a new budget that cuts funding for public "
      "libraries by twelve percent while raising police overtime pay across all districts.")
P2 = ("Residents packed the hall for more than four hours, and several speakers accused the "
      "mayor of breaking a campaign promise to protect neighbourhood services from any cuts.")
P3 = ("Meteorologists expect heavy snow across the northern valleys this weekend, with "
      "avalanche warnings issued for three mountain passes and several ski resorts closed.")
UNRELATED = ("The football club announced the signing of a young striker from Portugal, who "
             "scored nineteen goals last season and will wear the number nine shirt.")


@pytest.fixture(scope="module")
def lexical() -> Aligner:
    return Aligner(semantic=False)


def _texts(alignment, a, b):
    return [(a[p.a_start:p.a_end], b[p.b_start:p.b_end], p.kind) for p in alignment.passages]


def test_verbatim_copy_has_exact_offsets(lexical):
    a = f"{UNRELATED} {P1}"
    b = f"{P1} {P3}"
    passages = _texts(lexical.align(a, b), a, b)
    assert passages == [(P1[:-1], P1[:-1], "verbatim")]  # the final period is not a word


def test_light_edits_are_edited_not_verbatim(lexical):
    edited = P1.replace("Tuesday", "Wednesday").replace("twelve", "15").replace("all", "most")
    al = lexical.align(P1, edited)
    assert len(al.passages) == 1
    p = al.passages[0]
    assert p.kind == "edited"
    assert 0.6 <= p.score < 1.0
    assert al.coverage_a > 0.9 and al.coverage_b > 0.9


def test_a_passage_printed_twice_is_aligned_once(lexical):
    """B prints P1 twice: A's P1 aligns with one of them, and B's repeat is reported."""
    a = f"{UNRELATED} {P1}"
    b = f"{P1} {P3} {P2} {P1}"
    al = lexical.align(a, b)
    assert [x[0] for x in _texts(al, a, b)] == [P1[:-1]]
    assert len(al.repeats_b) == 1 and len(al.repeats_b[0].occurrences) == 2
    # Either direction gives one passage.
    assert len(lexical.align(b, a).passages) == 1


def test_reordered_paragraphs_become_separate_passages(lexical):
    a = f"{P1}\n\n{P2}\n\n{UNRELATED}"
    b = f"{P2}\n\n{P3}\n\n{P1}"
    found = _texts(lexical.align(a, b), a, b)
    assert sorted(x[0] for x in found) == sorted([P1[:-1], P2[:-1]])
    assert all(x[0] == x[1] for x in found)


def test_short_reused_sentence_is_found(lexical):
    # 12 words: too few for a passage from word runs alone, but the whole sentence is reused.
    short = "Officials said the bridge would stay closed until engineers finished inspections."
    a = f"{UNRELATED} {short} {P3}"
    b = f"{P2} {short.replace('Officials', 'Police officials')} {P1}"
    found = _texts(lexical.align(a, b), a, b)
    assert len(found) == 1
    assert found[0][0] == short[:-1]


def test_summary_pieces_join_into_one_passage(lexical):
    # The copy keeps P1 and P3 of a source that has P2 between them: one condensed passage.
    a = f"{P1} {P2} {P3}"
    b = f"{UNRELATED}\n\n{P1} {P3}"
    al = lexical.align(a, b)
    assert len(al.passages) == 1
    p = al.passages[0]
    assert (a[p.a_start:p.a_end], b[p.b_start:p.b_end]) == (a[:-1], f"{P1} {P3}"[:-1])


def test_unrelated_stray_phrase_is_not_joined(lexical):
    # A shared three-word phrase near a real passage must not stretch it.
    a = f"{P1} Meanwhile in the United States nothing else happened at all this week."
    b = f"{P1} {UNRELATED} Elsewhere in the United States markets were closed for the holiday."
    al = lexical.align(a, b)
    assert [(a[p.a_start:p.a_end]) for p in al.passages] == [P1[:-1]]


def test_recurring_phrase_does_not_stretch_the_other_side(lexical):
    # B's menu repeats phrases of the copied passage further on; those stray matches
    # reuse words already aligned in A and must not pull B's side over the menu.
    a = f"{UNRELATED} {P1}"
    b = (f"{P1} Menu: funding for public libraries, soups and salads, police overtime pay, "
         f"desserts, public libraries by twelve, drinks, overtime pay across all districts.")
    al = lexical.align(a, b)
    assert _texts(al, a, b) == [(P1[:-1], P1[:-1], "verbatim")]


def test_unrelated_texts_share_nothing(lexical):
    al = lexical.align(P1 + " " + P2, P3 + " " + UNRELATED)
    assert al.passages == []
    assert al.coverage_a == 0 and al.coverage_b == 0


def test_offsets_survive_unicode_normalisation(lexical):
    a = ("Intro\u00a0text.  It\u2019s a \u201cbig\u201d decision \u2014 the city\u2019s library "
         "budget for next year will be cut by twelve percent.")
    b = ("It's a \"big\" decision - the city's library budget for next year will be cut by "
         "twelve percent, he said.")
    al = lexical.align(a, b)
    assert len(al.passages) == 1
    p = al.passages[0]
    assert a[p.a_start:p.a_end].startswith("It\u2019s a \u201cbig")
    assert a[p.a_start:p.a_end].endswith("twelve percent")
    assert b[p.b_start:p.b_end] == b[: b.index(", he said")]
    assert p.kind == "verbatim"  # equal after normalisation


def test_repeats_inside_one_text(lexical):
    a = f"{P1}\n\n{P2}\n\n{P1}"
    al = lexical.align(a, P3)
    assert len(al.repeats_a) == 1
    (s1, e1), (s2, e2) = al.repeats_a[0].occurrences
    assert a[s1:e1] == a[s2:e2] and s1 < s2
    assert P1[:40] in a[s1:e1]
    assert al.repeats_b == []


@given(st.text(max_size=300), st.text(max_size=300))
@settings(max_examples=60, deadline=None)
def test_offsets_always_valid(a, b):
    al = Aligner(semantic=False, min_words=2).align(a + " " + b, b)
    for p in al.passages:
        assert 0 <= p.a_start <= p.a_end <= len(a) + 1 + len(b)
        assert 0 <= p.b_start <= p.b_end <= len(b)
        assert p.kind in ("verbatim", "edited", "paraphrase")
    assert 0 <= al.coverage_a <= 1 and 0 <= al.coverage_b <= 1


@pytest.fixture(scope="module")
def seeds(request):
    from tests.conftest import shared_path
    a, b = list(read_sources([shared_path("examples", "seeds")]))
    return a, b


def _aligned_a_text(al, a):
    return " ".join(a.text[p.a_start:p.a_end] for p in al.passages)


def test_seed_pair_lexical(seeds, lexical):
    a, b = seeds
    al = lexical.align(a, b)
    reused_a = _aligned_a_text(al, a)
    reused_b = " ".join(b.text[p.b_start:p.b_end] for p in al.passages)
    assert "rubbing against a woman" in reused_a and "rubbing against a woman" in reused_b
    for unrelated in ("Jerry Brown", "$115 million", "America first", "pack your bags"):
        assert unrelated not in reused_a + reused_b
    # The last paragraph of 000 is printed twice.
    assert len(al.repeats_a) == 1
    (s1, e1), (s2, e2) = al.repeats_a[0].occurrences
    assert a.text[s1:e1].startswith("Of course other sanctuary jurisdictions")
    assert a.text[s1:e1] == a.text[s2:e2]
    assert e2 == len(a.text) or a.text[e2:].strip() == "."


@pytest.mark.skipif(default_encoder() is None, reason="semantic extra not installed")
def test_seed_pair_semantic(seeds):
    a, b = seeds
    al = Aligner(semantic=True).align(a, b)
    reused_a = _aligned_a_text(al, a)
    assert "rubbing against a woman" in reused_a
    assert "alerting ICE agents" in reused_a
    assert "Jerry Brown" not in reused_a and "America first" not in reused_a


def test_align_many_matches_align_for_fresh_strings(lexical):
    # Strings built on the fly are freed between pairs, so their id()s get reused;
    # the batch cache must still tokenise each distinct text.
    texts = [P1, P2, P3, UNRELATED]
    pairs = ((f"{texts[i]} {texts[j]}", f"{texts[j]} x") for i in range(4) for j in range(4))
    expected = [lexical.align(f"{texts[i]} {texts[j]}", f"{texts[j]} x", repeats=False).to_dict()
                for i in range(4) for j in range(4)]
    assert [al.to_dict() for al in lexical.align_many(pairs)] == expected


def test_matched_words_count_in_the_shorter_side():
    # A ten-word sentence paired with a seven-word fragment is seven words of reuse, which
    # is below ``min_sentence_words``: a passage must be long enough in both texts.
    from storytrace.align.passages import matched_tokens
    from storytrace.align.seeds import Seed

    assert matched_tokens([Seed(0, 10, 0, 7, "sentence")]) == 7
    assert matched_tokens([Seed(0, 5, 20, 25, "ngram"), Seed(3, 8, 40, 45, "ngram")]) == 8


class _HashingEncoder:
    """A stand-in sentence model: unit-length bags of hashed words, counting what it reads."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def encode(self, sentences: list[str]):
        import zlib

        import numpy as np

        self.read += sentences
        out = np.zeros((len(sentences), 64), dtype=np.float32)
        for i, s in enumerate(sentences):
            for w in s.lower().split():
                out[i, zlib.crc32(w.encode()) % 64] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


class _FullMatrix(Aligner):
    """The aligner as it was: every sentence embedded, every pair's cosine computed."""

    def seed_similarity(self, a, b, bonus):
        return self.sentence_similarity(a, b) + bonus


def test_only_sentences_that_can_seed_are_embedded(seeds):
    from storytrace.align.aligner import _shared_run_bonus
    from storytrace.align.seeds import drop_shadowed, ngram_seeds, sentence_seeds
    from storytrace.text.doc import Doc

    a, b = (Doc.of(x) for x in seeds)
    pruned = Aligner(encoder=_HashingEncoder())
    full = _FullMatrix(encoder=_HashingEncoder())
    assert [p.to_dict() for p in pruned.passages(a, b)] == \
        [p.to_dict() for p in full.passages(a, b)]
    bonus = _shared_run_bonus(a, b, drop_shadowed(ngram_seeds(a, b, 3)))
    got = sentence_seeds(a, b, pruned.seed_similarity(a, b, bonus), pruned.sentence_threshold)
    want = sentence_seeds(a, b, full.seed_similarity(a, b, bonus), full.sentence_threshold)
    assert got == want and got
    total = len(a.sentence_texts()) + len(b.sentence_texts())
    assert len(full.encoder.read) == 2 * total  # passages, then the check above
    assert 0 < len(pruned.encoder.read) < total  # twice over, still fewer than once each


@pytest.mark.skipif(default_encoder() is None, reason="semantic extra not installed")
def test_the_encoder_reads_each_sentence_once(seeds):
    from storytrace.align.semantic import SentenceEncoder

    encoder = SentenceEncoder()
    a, b = seeds
    first = Aligner(encoder=encoder).align(a, b)
    read = encoder.embedded
    assert read > 0 and encoder.calls == 1  # one call per pair, both texts batched
    again = Aligner(encoder=encoder).align(a, b)
    assert encoder.embedded == read and encoder.calls == 1
    assert again.to_dict() == first.to_dict()
    whole = encoder.encode(a.text.split(". ")[:5])
    assert whole.shape == (5, 384) and np.allclose(np.linalg.norm(whole, axis=1), 1, atol=1e-5)
