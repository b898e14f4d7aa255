"""A copy that cut some of its source's sentences and added some of its own keeps its
parent when a third version tests the pair for branching and finds none (issue 25);
with no third version, the pair's separate innovations still count against it."""

from __future__ import annotations

import random

from storytrace.model import Article
from storytrace.provenance import family_tree
from storytrace.provenance.direction import decide, profile
from storytrace.provenance.tree import TreeOptions

_SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "qui", "bel", "dor", "fen", "gal", "hu",
              "jin", "nor", "pel", "sar"]


def _sentences(rng: random.Random, n: int, first: str) -> list[str]:
    """``n`` sentences of 14 words that share no content word with one another."""
    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(3))
    return [" ".join([first] + [word() for _ in range(13)]) + "." for _ in range(n)]


def _swapped(sentence: str) -> str:
    """Every third pair of words swapped: the same words, few 3-word phrases left."""
    words = sentence.split(" ")
    for k in range(1, len(words) - 2, 3):
        words[k], words[k + 1] = words[k + 1], words[k]
    return " ".join(words)


def _family() -> tuple[Article, Article, Article]:
    """A source of 24 sentences; a copy that drops four, rewords every other one and adds
    four of its own; a third version that drops two other sentences of the source."""
    rng = random.Random(7)
    source, added = _sentences(rng, 24, "The"), _sentences(rng, 4, "A")
    kept = [_swapped(s) if k % 2 else s for k, s in enumerate(source)
            if k not in (2, 7, 12, 17)]
    copy = kept[:5] + added[:2] + kept[5:12] + added[2:] + kept[12:]
    third = [s for k, s in enumerate(source) if k not in (0, 23)]
    return (Article(id="root", text=" ".join(source)), Article(id="copy", text=" ".join(copy)),
            Article(id="third", text=" ".join(third)))


def test_the_pair_alone_looks_like_siblings():
    root, copy, third = _family()
    d = decide(profile(root), profile(copy), [profile(third)])
    separate = next(e for e in d.evidence if e.name == "separate")
    assert separate.points == "siblings" and separate.value == {"a_only_sentences": 4,
                                                                "b_only_sentences": 4}
    assert not any(e.name == "branching" for e in d.evidence)


def test_a_witness_without_branching_keeps_the_cut_and_add_copy_attached():
    root, copy, third = _family()
    tree = family_tree([root, copy, third], ignore_times=True)
    assert tree.parents() == {"root": None, "copy": "root", "third": "root"}, \
        tree.nodes["copy"].reasons
    # The edge says why the separate innovations did not count.
    assert any("third version that shares text with both shows no branching" in r
               for r in tree.nodes["copy"].reasons), tree.nodes["copy"].reasons
    # The rule is what attaches it: with it off the copy is drawn as an original.
    off = family_tree([root, copy, third], ignore_times=True,
                      options=TreeOptions(witnessed_share=0))
    assert off.parents()["copy"] is None


def test_without_a_witness_separate_innovations_still_count():
    root, copy, _ = _family()
    tree = family_tree([root, copy], ignore_times=True)
    assert tree.parents() == {"root": None, "copy": None}
    assert not any("shows no branching" in r for n in tree.nodes.values() for r in n.reasons)
