"""With ``TreeOptions.branching_private`` (off by default: docs/results.md, issue 25's
fourth and fifth passes; with ``branching_directed``, the default form), branching that is
chance agreement of rewordings does not cut a copy from its source: a copy of the copy
that happens to undo a few of its source's rewordings shares a few phrases with the
grandparent that the copy lacks. Against what the source
and the copy share that looks like branching; against what each holds alone it is
chance, and the tree keeps the copy attached. A third version that really branches off
between two versions holds a good part of each one's private text, and still counts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from storytrace.model import Article
from storytrace.provenance import family_tree
from storytrace.provenance.direction import decide, profile
from storytrace.provenance.tree import TreeOptions, _apart, _private_share

_T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
_ON = TreeOptions(branching_private=0.05, branching_directed=False)  # set aside both ways
_LETTERS = "bcdfgklmnprstvz"


def _sentences(rng: random.Random, n: int, first: str) -> list[str]:
    """``n`` sentences of 14 made-up words (no word shared between sentences, by chance)."""
    return [first + " " + " ".join(
        "".join(rng.choice(_LETTERS) + rng.choice("aeiou") for _ in range(4))
        for _ in range(13)) + "." for _ in range(n)]


def _swapped(sentence: str) -> str:
    """Words 2-3, 5-6, ... swapped: the same words, few of the 3-word phrases left."""
    words = sentence.split(" ")
    for k in range(1, len(words) - 2, 3):
        words[k], words[k + 1] = words[k + 1], words[k]
    return " ".join(words)


def _unswap(sentence: str) -> str:
    """The second and third words swapped back: one reworded spot undone by chance."""
    words = sentence.split(" ")
    words[1], words[2] = words[2], words[1]
    return " ".join(words)


def _chain() -> tuple[Article, Article, Article]:
    """A source of 24 sentences; a copy that drops two and rewords two of every three;
    a copy of the copy that drops two of its sentences and undoes the rewording at one
    spot in each of four sentences."""
    rng = random.Random(7)
    source = _sentences(rng, 24, "The")
    copy = [_swapped(s) if k % 3 else s for k, s in enumerate(source) if k not in (2, 7)]
    reworded = [i for i, s in enumerate(copy) if s not in source][:4]
    third = [_unswap(s) if i in reworded else s for i, s in enumerate(copy)]
    third = [s for k, s in enumerate(third) if k not in (0, 10)]
    return tuple(Article(id=name, text=" ".join(text), published=_T0 + timedelta(hours=5 * k))
                 for k, (name, text) in enumerate((("root", source), ("copy", copy),
                                                   ("third", third))))


def test_chance_agreement_reads_as_branching_to_the_pair():
    root, copy, third = _chain()
    d = decide(profile(root), profile(copy), [profile(third)])
    branching = next(e for e in d.evidence if e.name == "branching")
    assert branching.points == "siblings" and branching.weight > 0
    # A few phrases, but a small part of what each side holds alone.
    assert _private_share(profile(root), profile(copy), [profile(third)]) < 0.05


def test_chance_branching_does_not_cut_the_copy_from_its_source():
    root, copy, third = _chain()
    tree = family_tree([root, copy, third], options=_ON)
    assert tree.parents() == {"root": None, "copy": "root", "third": "copy"}, \
        tree.nodes["copy"].reasons
    assert any("chance agreement of rewordings" in r for r in tree.nodes["copy"].reasons)
    # The rule is what attaches it: counting every branching (the default), the copy is
    # an original.
    off = family_tree([root, copy, third])
    assert off.parents()["copy"] is None


def test_a_third_version_that_branches_off_still_counts():
    """Two copies of a source that is not in the corpus, each dropping other sentences,
    and a third copy of it: the third holds much of each one's private text."""
    rng = random.Random(11)
    hidden = _sentences(rng, 24, "The")
    a = [s for k, s in enumerate(hidden) if k not in (2, 7, 12)]
    b = [_swapped(s) if k % 3 == 0 else s for k, s in enumerate(hidden) if k not in (15, 18, 21)]
    w = [s for k, s in enumerate(hidden) if k not in (0, 23)]
    pa, pb, pw = (profile(Article(id=i, text=" ".join(t))) for i, t in
                  (("a", a), ("b", b), ("w", w)))
    assert _private_share(pa, pb, [pw]) >= 0.2
    d = decide(pa, pb, [pw])
    assert any(e.name == "branching" and e.weight > 0 for e in d.evidence)
    assert _apart(d, pa, pb, True, _ON, None, [pw]) > 0


_DIRECTED = TreeOptions(branching_private=0.05)  # branching_directed is the default form


def _without_times(*articles: Article) -> list[Article]:
    return [Article(id=a.id, text=a.text) for a in articles]


def _slipped_source(root: Article) -> Article:
    """The source with three words capitalised, as names, in sentences its copy keeps
    word for word: the copy (and its copy) write them in lower case, a copyist's slip
    that says which of the two came first."""
    words = root.text.split(" ")
    for k in (45, 87, 129):  # inside sentences 3, 6 and 9, which the copy does not reword
        words[k] = words[k].capitalize()
    return Article(id=root.id, text=" ".join(words), published=root.published)


def test_directed_chance_branching_needs_the_pair_text_to_say_which_came_first():
    """With ``branching_directed`` the chance branching is set aside only for the edge the
    pair's own text evidence points along. Without times and without any such evidence,
    setting it aside both ways lets the source hang from its copy (a root lost, as two
    copies of a hidden source would be joined); kept, the two stay apart."""
    root, copy, third = _without_times(*_chain())
    both_ways = family_tree([root, copy, third], options=_ON)
    assert both_ways.parents()["root"] == "copy"
    directed = family_tree([root, copy, third], options=_DIRECTED)
    assert directed.parents()["root"] is None and directed.parents()["copy"] is None


def test_directed_chance_branching_follows_the_copyist_slips():
    root, copy, third = _chain()
    root = _slipped_source(root)
    for arts in ([root, copy, third], _without_times(root, copy, third)):
        tree = family_tree(arts, options=_DIRECTED)
        assert tree.parents() == {"root": None, "copy": "root", "third": "copy"}
        assert any("chance agreement of rewordings" in r for r in tree.nodes["copy"].reasons)
