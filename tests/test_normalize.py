"""Normalisation keeps an exact map back to the original text; segmentation reports offsets."""

from __future__ import annotations

import re
import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.text.normalize import _DROP, _FOLD, normalize
from storytrace.text.segment import sentences, words
from storytrace.text.words import JOINERS

# -- unit tests ---------------------------------------------------------------


def test_curly_quotes_dashes_and_whitespace_runs():
    original = "“It’s  done” \u2014 he\u00a0said…\n\n\tNext"
    n = normalize(original)
    assert n.text == "\"It's done\" \u2014 he said... Next"  # an em dash separates words
    # "done" in the normalised text maps back to "done" in the original
    i = n.text.index("done")
    s, e = n.to_original(i, i + 4)
    assert original[s:e] == "done"
    # the single space after "said..." covers the whole whitespace run "\n\n\t"
    j = n.text.index(" Next")
    s, e = n.to_original(j, j + 1)
    assert original[s:e] == "\n\n\t"
    # the three dots come from one ellipsis character
    k = n.text.index("...")
    assert n.to_original(k, k + 3) == (original.index("…"), original.index("…") + 1)
    assert n.to_original(k + 1, k + 2) == (original.index("…"), original.index("…") + 1)


def test_zero_width_and_soft_hyphen_are_dropped_but_offsets_stay_exact():
    original = "co\u00adop\u200berative \ufeffvote"
    n = normalize(original)
    assert n.text == "cooperative vote"
    i = n.text.index("vote")
    assert n.to_original(i, i + 4) == (original.index("vote"), len(original))
    assert n.to_original(0, len("cooperative")) == (0, original.index(" "))


def test_combining_marks_are_composed_and_map_to_the_whole_cluster():
    original = "Cafe\u0301 ole\u0301"  # decomposed é
    n = normalize(original)
    assert n.text == "Café olé"
    assert unicodedata.is_normalized("NFC", n.text)
    assert n.to_original(3, 4) == (3, 5)  # "é" <- "e" + combining acute
    assert n.to_original(0, 4) == (0, 5)
    assert n.to_original(5, 8) == (6, 10)


def test_combining_mark_after_whitespace_stays_apart_from_it():
    # a stray mark must not glue onto the space and make it a second, non-collapsible one
    n = normalize("a  \u0301b")
    assert n.text == "a \u0301b"
    assert n.to_original(1, 2) == (1, 3)
    assert n.to_original(2, 3) == (3, 4)
    assert normalize(" \u0301x").text == "\u0301x"
    assert normalize("x \u0301").text == "x \u0301"


def test_leading_and_trailing_whitespace_dropped():
    original = " \n\t Hello   world \u3000 "
    n = normalize(original)
    assert n.text == "Hello world"
    assert n.to_original(0, len(n.text)) == (4, original.index("d") + 1)


def test_lower_keeps_offsets_exact_when_length_changes():
    original = "İstanbul and DİYARBAKIR"
    assert len("İ".lower()) == 2  # the premise of the test
    n = normalize(original, lower=True)
    assert n.text == original.lower()
    assert len(n.text) == len(original) + 2
    # both characters of the lowered "İ" map to the one original character
    assert n.to_original(0, 1) == (0, 1)
    assert n.to_original(1, 2) == (0, 1)
    assert n.to_original(0, 2) == (0, 1)
    # and everything after it is shifted back correctly
    i = n.text.index("and")
    assert original[slice(*n.to_original(i, i + 3))] == "and"
    j = n.text.index("diyarbakir".replace("i", "i̇", 1))
    s, e = n.to_original(j, len(n.text))
    assert original[s:e] == "DİYARBAKIR"


def test_lower_on_ascii_fast_path():
    n = normalize("Hello  WORLD", lower=True)
    assert n.text == "hello world"
    assert n.to_original(6, 11) == (7, 12)


def test_empty_and_whitespace_only():
    for original in ("", "   ", "\u200b\u200b", " \u200b\n"):
        n = normalize(original)
        assert n.text == ""
        assert n.to_original(0, 0) == (len(original), len(original))


def test_to_original_rejects_out_of_range_spans():
    n = normalize("abc")
    for span in ((-1, 1), (2, 1), (0, 4)):
        with pytest.raises(ValueError, match="outside text"):
            n.to_original(*span)


def test_backtick_is_treated_the_same_in_ascii_and_unicode_text():
    # ASCII text takes a fast path; a single non-ASCII character elsewhere in the
    # article must not change how the ASCII part is normalised.
    assert normalize("say `hi` now").text == "say `hi` now"
    assert normalize("say `hi` now é").text == "say `hi` now é"


# -- property tests -------------------------------------------------------------

_TRICKY = [
    *"aAzZ09 .,;:!?'\"-",
    *["\u0301", "\u0308", "\u0327", "\u20dd"],  # combining marks
    *["\u2018", "\u2019", "\u201c", "\u201d", "\u00ab", "\u00bb", "\u2032", "\u0060"],
    *["\u2010", "\u2013", "\u2014", "\u2212", "\u2026"],  # dashes, ellipsis
    *["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"],  # invisible
    *["\u00a0", "\u2009", "\u3000", "\t", "\n", "\r", "\x0b", "\x1c", "\u2028"],  # spaces
    *["😀", "👍🏽", "🇫🇷", "é", "İ", "ß", "ﬁ", "Σ", "ǅ", "ı", "ŉ"],
]
tricky_text = st.lists(
    st.one_of(st.sampled_from(_TRICKY), st.characters(codec="utf-8")), max_size=80
).map("".join)
any_text = st.one_of(tricky_text, st.text(max_size=80))


def _check_map(original: str, lower: bool) -> None:
    n = normalize(original, lower=lower)
    assert n.original == original
    assert len(n.starts) == len(n.ends) == len(n.text)
    for i, c in enumerate(n.text):
        s, e = n.starts[i], n.ends[i]
        assert 0 <= s < e <= len(original)
        piece = original[s:e]
        if c == " ":
            # a space stands for a run of whitespace (and dropped invisibles)
            assert all(ch.isspace() or ch in _DROP for ch in piece)
            assert piece[0].isspace() and piece[-1].isspace()
        else:
            # the character comes from its original cluster, composed/folded/lowered
            folded = "".join(_FOLD.get(ch, ch) for ch in unicodedata.normalize("NFC", piece))
            if lower:
                folded = folded.lower()
            assert c in folded, (c, piece)
        if i:
            same = (s, e) == (n.starts[i - 1], n.ends[i - 1])
            assert same or s >= n.ends[i - 1]  # non-decreasing, never overlapping
            assert s >= n.starts[i - 1] and e >= n.ends[i - 1]
    # no leading/trailing space, no double spaces, nothing invisible left
    assert n.text == n.text.strip(" ")
    assert "  " not in n.text
    assert not set(n.text) & _DROP


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_every_normalised_char_maps_into_the_original(original):
    _check_map(original, lower=False)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_mapping_stays_exact_with_lower(original):
    _check_map(original, lower=True)


@settings(max_examples=300, deadline=None)
@given(any_text, st.data())
def test_to_original_of_any_span_is_a_valid_original_span(original, data):
    n = normalize(original)
    start = data.draw(st.integers(0, len(n.text)))
    end = data.draw(st.integers(start, len(n.text)))
    s, e = n.to_original(start, end)
    assert 0 <= s <= e <= len(original)
    if start < end:
        # the original span covers the first and last normalised characters' sources
        assert s == n.starts[start] and e == n.ends[end - 1]
        # and, normalised again, contains the normalised span's text
        assert n.text[start:end].strip() in normalize(original[s:e]).text


_ASCII_WORD = st.text(
    alphabet=[c for c in string.printable if not c.isspace()], min_size=1, max_size=12
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ASCII_WORD, max_size=20))
def test_ascii_with_single_spaces_is_identity(parts):
    original = " ".join(parts)
    n = normalize(original)
    assert n.text == original
    assert n.starts == tuple(range(len(original)))
    assert n.ends == tuple(range(1, len(original) + 1))
    # with a non-ASCII word added, the ASCII part is normalised the same way
    assert normalize(original + " é").text == (original + " é").lstrip()


# -- segmentation -------------------------------------------------------------------


def _of(text: str, spans) -> list[str]:
    return [s.of(text) for s in spans]


def test_sentences_keep_abbreviations_and_initials_together():
    t = "Mr. Smith went to Washington. He met Dr. Jones at 5 p.m. on Friday. It was fine."
    assert _of(t, sentences(t)) == [
        "Mr. Smith went to Washington.", "He met Dr. Jones at 5 p.m. on Friday.", "It was fine."
    ]
    t = "Gov. Newsom spoke. J. R. Smith wrote it. The U.S. economy grew 2.5 percent."
    assert _of(t, sentences(t)) == [
        "Gov. Newsom spoke.", "J. R. Smith wrote it.", "The U.S. economy grew 2.5 percent."
    ]


def test_sentences_include_closing_quotes_and_brackets():
    t = 'He said "Stop!" Then he left. “We lost.” (This is bracketed.) She asked: “Why?”'
    assert _of(t, sentences(t)) == [
        'He said "Stop!"', "Then he left.", "“We lost.”", "(This is bracketed.)",
        "She asked: “Why?”",
    ]


def test_sentences_break_at_line_breaks_and_trim():
    t = "  Headline without stop\n\n  Body starts here. Ends here!  \nLast"
    spans = sentences(t)
    assert _of(t, spans) == ["Headline without stop", "Body starts here.", "Ends here!", "Last"]
    assert spans[1].start == t.index("Body")


def test_sentences_of_empty_text():
    assert sentences("") == []
    assert sentences(" \n\t ") == []
    assert _of("One", sentences("One")) == ["One"]


def test_words_keep_inner_apostrophes_dots_and_hyphens():
    t = "Don’t stop—it’s 3.5% of U.S. GDP, the co-founder said."
    assert _of(t, words(t)) == [
        "Don’t", "stop", "it’s", "3.5", "of", "U.S", "GDP", "the", "co-founder", "said"
    ]
    spans = words(t)
    assert spans[0].start == 0 and spans[-1].end == len(t) - 1


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_sentence_spans_cover_all_non_space_text_in_order(text):
    spans = sentences(text)
    pos = 0
    for sp in spans:
        assert pos <= sp.start < sp.end <= len(text)
        assert text[pos : sp.start].strip() == ""  # only whitespace between sentences
        piece = sp.of(text)
        assert piece == piece.strip()
        pos = sp.end
    assert text[pos:].strip() == ""


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_word_spans_are_ordered_words(text):
    spans = words(text)
    pos = 0
    for sp in spans:
        assert pos <= sp.start < sp.end <= len(text)
        # runs of \w joined by single joiners (apostrophes, dots, hyphens, look-alikes)
        assert re.fullmatch(rf"\w+(?:[{re.escape(JOINERS)}]\w+)*", sp.of(text))
        pos = sp.end


def test_the_run_at_a_time_path_matches_the_character_at_a_time_one():
    """normalize takes a whole-run path for text whose characters fold one to one (most
    news; "…" spelled out); it must give what the character-at-a-time path gives, text
    and offsets, on any mix of spaces, folds, marks, drops, sigmas and case changes."""
    import random

    from storytrace.text.normalize import _by_clusters, _one_to_one

    alphabet = [*"ab AZ.,'\"\t\n\r\x0b\x0c\x1c",
        "\u00a0", "\u2003", "\u3000", "\u2019", "\u201c", "\u2013", "\u2014", "\u2026",
        "\u2026", "\u200b", "\u00ad", "\u0301", "é", "É", "Σ", "σ", "ς", "İ", "ß", "ﬁ",
        "\u212b", "\u2126", "ǅ", "\ufeff", "\u2028", "\u0085", "日", "😀", "\u0345"]
    rng = random.Random(7)
    fast = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        for lower in (False, True):
            got, want = normalize(text, lower), _by_clusters(text, lower)
            assert (got.text, got.starts, got.ends) == (want.text, want.starts, want.ends), \
                (text, lower)
            fast += _one_to_one(text, lower) is not None
    assert 500 < fast < 5500  # both paths were exercised
