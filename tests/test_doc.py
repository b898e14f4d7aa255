"""The Doc: one text analysed once, with spans into the text as given."""

from __future__ import annotations

import pytest

import storytrace.text.doc as doc_module
from storytrace.comparison import compare
from storytrace.model import Article
from storytrace.text.doc import Doc

TEXT = ("WASHINGTON — The U.S. Senate’s vote on Tuesday was 52–48.  Sen. Jane Doe said "
        "the bill “re-enters” debate in 2,500 towns.\n\nShe left at 5 p.m. on March 2.")


def test_every_span_points_into_the_text_as_given() -> None:
    doc = Doc(TEXT)
    assert len(doc.words) == len(doc.tokens) == len(doc.stems)
    for word, span in zip(doc.words, doc.tokens, strict=True):
        # the word is the normalised, lower-cased form of the characters it spans
        assert span.of(TEXT).lower().replace("’", "'").replace("–", "-") == word
    assert "senate's" in doc.words and "52-48" in doc.words and "re-enters" in doc.words
    assert [s.of(TEXT)[:12] for s in doc.sentences] == [
        "WASHINGTON —", "Sen. Jane Do", "She left at "]
    for (first, end), (start, stop) in zip(doc.sentence_tokens, doc.sentence_spans,
                                           strict=True):
        assert start <= doc.starts[first] and doc.ends[end - 1] <= stop


def test_names_and_numbers() -> None:
    doc = Doc(TEXT)
    names = [s.of(TEXT) for s in doc.names]
    assert "Jane Doe" in " ".join(names) and "U.S. Senate’s" in names
    assert "She" not in names  # a lone capitalised word opening a sentence
    assert [s.of(TEXT) for s in doc.numbers] == ["52–48", "2,500", "5", "2"]


def test_stems_read_joined_words_as_their_plain_form() -> None:
    a, b = Doc("They re-entered the U.S."), Doc("They reentered the US")
    assert a.stems == b.stems


@pytest.mark.parametrize("text", ["", "   ", "…", "\n\n", "—"])
def test_texts_without_words(text: str) -> None:
    doc = Doc(text)
    assert doc.words == () and doc.sentence_tokens == () and doc.names == ()
    assert doc.sentence_texts() == [] and doc.sentence_of() == []


def test_compare_analyses_each_text_once(monkeypatch) -> None:
    """The aligner and the facts diff read one Doc per text: each text is normalised and
    split into words once for the whole comparison."""
    calls: list[int] = []

    def counting(real):
        def count(text: str, *args, **kwargs):
            calls.append(len(text))
            return real(text, *args, **kwargs)
        return count

    # a Doc finds its words through in_place, or through normalize where that says None
    for name in ("normalize", "in_place"):
        monkeypatch.setattr(doc_module, name, counting(getattr(doc_module, name)))
    doc_module._shared.cache_clear()
    body = " ".join(f"Council member {i} voted against the bridge plan on Monday after a "
                    f"long debate about road repairs in district {i}." for i in range(6))
    a = Article(id="a", text=body)
    b = Article(id="b", text="In other news. " + body + " Officials said 4,000 protested.")
    from storytrace.align import Aligner

    result = compare(a, b, Aligner(semantic=False), details=("diff",))
    assert result.alignment.passages and result.details["diff"]
    # (other steps may analyse pieces of a text, such as one sentence, on their own)
    assert calls.count(len(a.text)) == 1 and calls.count(len(b.text)) == 1


def test_a_name_stops_at_the_end_of_its_sentence():
    doc = Doc("The mayor of New York met Angela Merkel. Both spoke. Mr. Smith left.")
    names = [s.of(doc.text) for s in doc.names]
    assert "Angela Merkel" in names and "Mr. Smith" in names
    assert not any("Both" in n for n in names)
