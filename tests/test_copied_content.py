"""A reuse link needs copied article content: shared quotations, small print, credit lines,
a site's header and a paraphrase's stock phrases do not make one (issue 21)."""

from __future__ import annotations

import random

import pytest

from storytrace.align import Aligner
from storytrace.engines.core import verify_link
from storytrace.model import Article
from storytrace.provenance.content import copied_content
from storytrace.text.boilerplate import furniture_blocks

_rng = random.Random(11)
_VOCAB = [f"w{i}" for i in range(5000)]
_ALIGNER = Aligner(semantic=False)


def _words(n: int) -> str:
    out = _rng.choices(_VOCAB, k=n)
    return " ".join(" ".join(out[i : i + 15]).capitalize() + "." for i in range(0, n, 15))


_SPEECH = ("We will rebuild every bridge in this state before the winter comes, whatever it "
           "costs, and we will not ask the families who live beside the river to pay for a "
           "single mile of it. I have told the council that the money is there and that I "
           "expect the work to start in the spring")


def _link(a: Article, b: Article):
    return verify_link(1, 2, a, b, _ALIGNER)


def _reports(a_middle: str, b_middle: str) -> tuple[Article, Article]:
    """Two reports of two outlets, each with its own text around ``a_middle``/``b_middle``."""
    return (Article(id="a", outlet="Daily One", text=f"{_words(120)}\n\n{a_middle}\n\n"
                    f"{_words(90)}"),
            Article(id="b", outlet="Other Paper", text=f"{_words(100)}\n\n{b_middle}\n\n"
                    f"{_words(80)}"))


_FIRST, _REST = _SPEECH.split(". ", 1)


@pytest.mark.parametrize("a_middle, b_middle", [
    # the speech tag cuts the quotation in two in one report and not in the other, so
    # neither passage is 75% inside quotation marks in both: still only quoted speech
    (f"The governor spoke at noon. “{_SPEECH},” Governor Lee said.",
     f"“{_FIRST},” Lee told reporters at the capitol on Tuesday. “{_REST}.”"),
    # no quotation marks around it in one text: the 0.75 in-quote share in both texts
    # fails, yet the words are still the governor's, not either reporter's
    (f"The governor's remarks, as delivered:\n\n{_SPEECH}.",
     f"“{_FIRST},” Lee told reporters. “{_REST}.”"),
], ids=["speech-tag-inside", "printed-as-delivered"])
def test_two_reports_quoting_one_speech_get_a_shared_quote_not_a_copy(a_middle: str,
                                                                      b_middle: str):
    a, b = _reports(a_middle, b_middle)
    link = _link(a, b)
    assert link is not None and link.kind == "shared_quote"
    assert link.evidence["content_chars"] == 0 and link.evidence["quoted_chars"] >= 150
    quote = link.evidence["quotes"][0]
    assert a.text[quote["a_start"] : quote["a_end"]] == quote["text"]
    assert "rebuild every bridge" in quote["text"]


def test_a_copy_that_carries_quotations_is_still_a_copy():
    story = (f"{_words(150)} “{_SPEECH},” Governor Lee said. {_words(120)}")
    a = Article(id="a", outlet="Daily One", text=story)
    b = Article(id="b", outlet="Other Paper", text="Reposted from Daily One. " + story)
    link = _link(a, b)
    assert link is not None and link.kind == "reuse"
    assert link.evidence["content_chars"] > 0.6 * len(story)


def test_the_reporters_words_between_two_shared_quotations_make_them_copied():
    first, rest = _SPEECH.split(". ", 1)
    passage = (f"“{first},” the governor told reporters after the vote. And what exactly, a "
               f"reporter asked next, would the state do about the northern bridges? “{rest},”"
               f" she answered.")
    a = Article(id="a", outlet="Daily One", text=f"{_words(100)}\n\n{passage}\n\n{_words(60)}")
    b = Article(id="b", outlet="Daily One", text=f"{_words(90)}\n\n{passage}\n\n{_words(70)}")
    link = _link(a, b)
    assert link is not None and link.kind == "reuse" and link.evidence["bridges"]


def test_small_print_and_credit_lines_are_not_copied_content():
    legal = ("Copyright © The Wire Service. All rights reserved. This material may not be "
             "published, broadcast, rewritten or redistributed. This article was originally "
             "published on the Wire Service site on January 1, 2020 at 08:18 pm. To access "
             "the full text of the article, click here. This story has not been edited by "
             "Wire staff and is auto-generated from a syndicated feed.")
    a = Article(id="a", outlet="Daily One", text=f"{_words(150)}\n\n{legal}")
    b = Article(id="b", outlet="Other Paper", text=f"{_words(140)}\n\n{legal}")
    assert _link(a, b) is None
    assert sum(e - s for s, e in furniture_blocks(legal)) > 0.9 * len(legal) - 10


def test_a_header_both_pages_of_one_site_start_with_is_furniture():
    header = ("Blog Archives Select Date December, 2015 November, 2015 October, 2015 "
              "September, 2015 August, 2015 July, 2015 June, 2015 May, 2015 April, 2015 "
              "March, 2015 February, 2015 January, 2015")
    a = Article(id="a", outlet="Capitol Pages", text=f"{header}\n\n{_words(200)}")
    b = Article(id="b", outlet="Capitol Pages", text=f"{header}\n\n{_words(180)}")
    assert _link(a, b) is None
    # on two sites the same block is no site's header: it stays content
    c = Article(id="c", outlet="Elsewhere", text=b.text)
    assert _link(a, c) is not None


def test_content_is_counted_in_shared_word_runs_with_offsets():
    a = "Intro words here. The quick brown fox jumps over the lazy dog near the river bank."
    b = "Other start. The quick brown fox jumps over the lazy dog near the river bank today."
    p = (a.index("The quick"), len(a), b.index("The quick"), len(b))
    out = copied_content(a, b, [p])
    assert out["content"][0] == len(a) - 1 - a.index("The quick")  # up to "bank"
    assert out["quoted"] == [0, 0] and out["quote_runs"] == []


def test_one_shared_quoted_sentence_is_a_shared_quote_however_short_the_pair():
    # 107 characters of quoted speech: too little for a reuse link (min_chars 150), yet
    # worth reporting as what the two share
    line = ("I don’t think it’s a good idea to get the moderator into essentially serving as "
            "the Encyclopedia Britannica")
    a, b = _reports(f"“{line},” Brown said on Sunday.", f"She put it bluntly: “{line}.”")
    link = _link(a, b)
    assert link is not None and link.kind == "shared_quote"
    assert link.evidence["reused_chars"] < 150 and link.evidence["content_chars"] == 0
    assert "Encyclopedia Britannica" in link.evidence["quotes"][0]["text"]
    # a shared phrase of the reporters' own is no relation at all
    a, b = _reports(f"{line}, Brown said on Sunday.", f"She put it bluntly: {line}.")
    assert _link(a, b) is None


def test_a_copy_of_a_quote_laden_excerpt_is_a_copy():
    # nearly all of both texts is the same three quotations with a few words between
    # them: two versions of one text, not two reporters quoting one speaker
    first, rest = _SPEECH.split(". ", 1)
    excerpt = (f"Story highlights Lee spoke in Dover\n\n“{first},” Lee said. “{rest}.” Asked "
               f"about the cost: “We have the money.”")
    a = Article(id="a", outlet="Daily One", text=excerpt)
    b = Article(id="b", outlet="Other Paper", text=excerpt.replace("Asked", "Then, asked"))
    link = _link(a, b)
    assert link is not None and link.kind == "reuse"
    assert link.evidence["content_chars"] < 150 and link.evidence["versions"] > 0.9
    # the same quotations inside two longer reports of one's own are a shared quote
    c, d = _reports(excerpt.split("\n\n")[1], excerpt.split("\n\n")[1].replace("Asked", "Then"))
    assert _link(c, d).kind == "shared_quote"


def test_an_unclosed_quotation_mark_quotes_no_more_than_its_sentence():
    # an edit moved the mark: without the bound the whole paragraph, the reporter's
    # narrative included, would count as somebody's speech
    story = _words(60)
    a = Article(id="a", outlet="Daily One", text=f"{_words(40)}\n\nHe said, “We won. {story}")
    b = Article(id="b", outlet="Other Paper", text=f"{_words(50)}\n\n“We won,” he said. {story}")
    link = _link(a, b)
    assert link is not None and link.kind == "reuse"
    assert link.evidence["content_chars"] > 0.9 * len(story)
