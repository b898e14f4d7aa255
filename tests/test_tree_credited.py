"""A version its own copy credits is not made an original by that credit when an older
version is a candidate parent (issue 25): being named by one's copies says nothing of
one's own source."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from tests.test_tree_witness import _sentences, _swapped

from storytrace.model import Article
from storytrace.provenance import family_tree
from storytrace.provenance.tree import TreeOptions


def _when(day: int, hour: int) -> datetime:
    return datetime(2017, 3, day, hour, tzinfo=UTC)


def _chain() -> list[Article]:
    """``a``; ``b``, six hours later, reworded (three sentences in four); ``c``, a day
    later, copies ``b`` and credits it by its outlet."""
    source = _sentences(random.Random(11), 20, "The")
    reworded = [s if k % 4 == 0 else _swapped(s) for k, s in enumerate(source)]
    return [Article(id="a", text=" ".join(source), outlet="Eagle Rising", published=_when(3, 8)),
            Article(id="b", text=" ".join(reworded), outlet="Patriot Pulse",
                    published=_when(3, 14)),
            Article(id="c", text=" ".join(reworded[:-2]) + "\n\nSource: Patriot Pulse",
                    outlet="Metro Dispatch", published=_when(4, 9))]


def test_a_credited_copy_keeps_its_older_parent():
    tree = family_tree(_chain())
    assert tree.parents() == {"a": None, "b": "a", "c": "b"}, tree.nodes["b"].reasons


def test_the_old_bonus_made_it_a_candidate_original():
    # With the bonus counted whatever the candidates, "no parent" (2.5 + 1 for the
    # credit) outweighs the reworded parent: the case this rule is for.
    tree = family_tree(_chain(), options=TreeOptions(credited_if_first=False))
    assert tree.parents()["b"] is None and tree.nodes["b"].unknown


def test_a_credited_original_keeps_the_bonus_without_times():
    a, b, c = (Article(id=x.id, text=x.text, outlet=x.outlet) for x in _chain())
    tree = family_tree([a, b, c], ignore_times=True)
    # Without times nothing shows a version older than b: its credit still counts for it
    # as an original ("no parent" weighs 2.5 + 1).
    assert tree.parents()["b"] is None and tree.parents()["c"] == "b"
    assert "above the 3.50 that naming a parent takes" in tree.nodes["b"].reasons[0], \
        tree.nodes["b"].reasons
