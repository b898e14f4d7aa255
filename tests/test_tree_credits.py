"""With ``TreeOptions.inherited_credits``, a credit that two versions carry in a sentence
one reworded from the other is read as passed on with the text, not as two versions
naming their source each on its own (docs/results.md, issue 25's fifth pass). A copy
that rewords the words around "told ABC News" used to look like a sibling of its source
and hang from ABC News; credits written in different sentences still count as two
versions naming one source."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from storytrace.model import Article
from storytrace.provenance import family_tree
from storytrace.provenance.direction import SHARED_SOURCE, decide, profile
from storytrace.provenance.tree import TreeOptions
from storytrace.provenance.tree_credits import carrier_words, inherited, shared_source_weight

_T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
_ON = TreeOptions()  # inherited_credits is on by default
_LETTERS = "bcdfgklmnprstvz"
_CREDIT = ("A professor who wrote a book about polarization told ABC News he believes the "
           "attacks help the campaign.")
_REWORDED = ("A professor who has wrote the book on polarization now told ABC News that he "
             "believes attacks help the campaign.")
_OTHER = "The mayor said on Tuesday that the new bridge would open in May, ABC News reported."


def _sentences(rng: random.Random, n: int) -> list[str]:
    """``n`` sentences of 14 made-up words (no word shared between sentences, by chance)."""
    return ["The " + " ".join("".join(rng.choice(_LETTERS) + rng.choice("aeiou")
                                      for _ in range(4)) for _ in range(13)) + "."
            for _ in range(n)]


def _swapped(sentence: str) -> str:
    """Words 2-3, 5-6, ... swapped: the same words, few of the 3-word phrases left."""
    words = sentence.split(" ")
    for k in range(1, len(words) - 2, 3):
        words[k], words[k + 1] = words[k + 1], words[k]
    return " ".join(words)


def _pair(copy_credit: str) -> tuple[Article, Article]:
    """A source of 16 sentences, one crediting ABC News, and a copy 5 hours later that
    drops one sentence, rewords every other one and carries ``copy_credit`` in place of
    the credit's sentence."""
    source = _sentences(random.Random(5), 16)
    source[6] = _CREDIT
    copy = [_swapped(s) if k % 2 else s for k, s in enumerate(source) if k != 3]
    copy[5] = copy_credit
    return (Article(id="source", text=" ".join(source), outlet="Old Glory Herald",
                    published=_T0),
            Article(id="copy", text=" ".join(copy), outlet="Patriot Pulse",
                    published=_T0 + timedelta(hours=5)))


def _shared_source(a: Article, b: Article):
    d = decide(profile(a), profile(b), [])
    return next(e for e in d.evidence if e.name == "shared_source")


def test_a_reworded_credit_reads_as_two_credits_to_the_pair():
    source, copy = _pair(_REWORDED)
    e = _shared_source(source, copy)
    assert e.points == "siblings" and e.weight == SHARED_SOURCE and not e.value["copied"]
    pa, pb = profile(source), profile(copy)
    assert inherited(pa, pa.credits, pb, pb.credits)
    assert shared_source_weight(e, pa, pb, []) < e.weight


def test_the_reworded_copy_keeps_its_source():
    source, copy = _pair(_REWORDED)
    on = family_tree([source, copy], options=_ON)
    assert on.parents() == {"source": None, "copy": "source"}, on.nodes["copy"].reasons
    assert any("came with the text" in r for r in on.nodes["copy"].reasons)
    # Without the rule the copy reads as naming ABC News on its own, and hangs from it.
    off = family_tree([source, copy], options=TreeOptions(inherited_credits=False))
    assert off.parents()["copy"] is None
    assert off.nodes["copy"].source == "external:abcnews"


def test_credits_in_different_sentences_still_count():
    source, copy = _pair(_OTHER)
    e = _shared_source(source, copy)
    pa, pb = profile(source), profile(copy)
    assert not inherited(pa, pa.credits, pb, pb.credits)
    assert shared_source_weight(e, pa, pb, []) == e.weight


def test_a_bare_credit_line_is_not_a_sentence_of_its_own():
    text = "The council met on Tuesday.\n\nSource: ABC News"
    c = profile(Article(id="x", text=text)).credits[0]
    assert len(carrier_words(text, c)) < 2
