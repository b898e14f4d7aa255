"""The story's claim ledger (issue 22 item 5): statements chained along the family tree."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storytrace.align import Aligner
from storytrace.comparison import tree_changes
from storytrace.diff.ledger import build_ledger, change_text, ledger_dict, tree_ledger
from storytrace.model import Article
from storytrace.provenance.tree import FamilyTree, TreeEdge, TreeNode

ROOT = ("Immigration agents arrested David Gonzalez, a 51-year-old man from Queens, outside a "
        "Brooklyn courthouse on Tuesday morning. "
        "Gonzalez had appeared before a judge on misdemeanor charges of fare evasion. "
        "The city council passed a law last year that limits cooperation with federal agents. "
        "His lawyer said the arrest would frighten witnesses away from the courts. "
        "A spokesman for the agency declined to comment on the case.")
ADDED = "Advocates planned a rally outside the courthouse on Friday afternoon."
# The copy writes "51" for "a 51-year-old man" and adds a sentence; its copy drops one.
COPY = ROOT.replace("a 51-year-old man from Queens", "51, from Queens") + " " + ADDED
LAWYER = "His lawyer said the arrest would frighten witnesses away from the courts."
GRAND = COPY.replace(LAWYER + " ", "")


def chain() -> tuple[FamilyTree, dict[str, Article]]:
    """root → copy → grand, with what `trace --changes` stores on each edge."""
    arts = {k: Article(id=k, text=t) for k, t in (("root", ROOT), ("copy", COPY),
                                                  ("grand", GRAND))}
    tree = FamilyTree("s", {"root": TreeNode("root", "article", "R"),
                            "copy": TreeNode("copy", "article", "C", parent="root"),
                            "grand": TreeNode("grand", "article", "G", parent="copy")},
                      [TreeEdge("root", "copy", "derived", 0.9),
                       TreeEdge("copy", "grand", "derived", 0.9)])
    found = tree_changes(tree, arts, Aligner(semantic=False))
    for e in tree.edges:
        e.changes = found[(e.source, e.target)]
    return tree, arts


def sentence(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, text.index(".", start) + 1


def test_ledger_of_a_three_version_chain() -> None:
    tree, arts = chain()
    texts = {k: a.text for k, a in arts.items()}
    ledger = tree_ledger(tree.to_dict(), texts)
    assert ledger.order == ["root", "copy", "grand"] and ledger.missing == []
    by_first = {(e.first, texts[e.first][slice(*e.carriers[e.first][0])][:20]): e
                for e in ledger.entries}
    # Five statements of the root, one the copy adds; each once.
    assert len(ledger.entries) == 6 and len(by_first) == 6
    assert [e.first for e in ledger.entries] == ["root"] * 5 + ["copy"]
    arrest = ledger.entries[0]
    assert arrest.carriers == {k: [sentence(texts[k], "Immigration agents")]
                               for k in ("root", "copy", "grand")}
    assert ledger.marks(arrest) == ["first", "changed", "same"]
    # The detail that changed on root → copy, with offsets into both texts.
    (step,) = [s for s in arrest.steps if s.changes]
    assert (step.parent, step.child) == ("root", "copy")
    (change,) = step.changes
    assert change.kind == "wording" and change.change == "changed"
    assert texts["root"][slice(*change.parent)] == "a 51-year-old man"
    assert texts["copy"][slice(*change.child)] == "51"
    assert change.parent == (ROOT.index("a 51-year-old"), ROOT.index(" from Queens"))
    assert change_text(change, texts, step) == "wording “a 51-year-old man” → “51”"
    # The sentence the copy of the copy drops: carried by root and copy only.
    lawyer = next(e for e in ledger.entries if "root" in e.carriers
                  and texts["root"][slice(*e.carriers["root"][0])] == LAWYER)
    assert list(lawyer.carriers) == ["root", "copy"] and lawyer.dropped_by == ["grand"]
    assert ledger.marks(lawyer) == ["first", "same", "dropped"]
    # The sentence the copy adds starts its own entry there, and the grand copy keeps it.
    added = ledger.entries[-1]
    assert added.carriers == {k: [sentence(texts[k], "Advocates")] for k in ("copy", "grand")}
    assert ledger.marks(added) == ["", "first", "same"]
    assert ledger.counts() == {"entries": 6, "shared": 6, "changed": 1, "everywhere": 4}
    as_json = ledger_dict(tree.to_dict(), texts)
    assert as_json is not None and as_json["entries"][0]["statement"]["text"].startswith(
        "Immigration agents arrested David Gonzalez, a 51-year-old man")
    (moved,) = [c for s in as_json["entries"][0]["steps"] for c in s["changes"]]
    assert (moved["parent"]["text"], moved["child"]["text"]) == ("a 51-year-old man", "51")


def test_many_to_one_and_weak_matches() -> None:
    """A copy sentence restating two of its parent's carries both entries; a match far
    weaker than the sentence's best is not followed."""
    texts = {"p": "Rain fell. Wind blew. Snow came.", "c": "Rain fell and wind blew. Snow."}
    claims = {"pairs": [
        {"a_start": 0, "a_end": 10, "b_start": 0, "b_end": 24, "kind": "edited", "score": 0.9},
        {"a_start": 11, "a_end": 21, "b_start": 0, "b_end": 24, "kind": "edited", "score": 0.8},
        {"a_start": 22, "a_end": 32, "b_start": 25, "b_end": 30, "kind": "paraphrased",
         "score": 0.2},
        {"a_start": 22, "a_end": 32, "b_start": 0, "b_end": 24, "kind": "paraphrased",
         "score": 0.1}],
        "a_only": [], "b_only": []}
    ledger = build_ledger(["p", "c"], {"p": None, "c": "p"}, {("p", "c"): claims}, texts)
    got = [(e.first, e.carriers) for e in ledger.entries]
    assert got == [("p", {"p": [(0, 10)], "c": [(0, 24)]}),
                   ("p", {"p": [(11, 21)], "c": [(0, 24)]}),
                   ("p", {"p": [(22, 32)], "c": [(25, 30)]})]
    # a sentence sharing no content word with the claim's other side is not followed
    texts_sun = {"p": texts["p"], "c": texts["c"].replace("Snow.", "Sun. ")}
    got = build_ledger(["p", "c"], {"p": None, "c": "p"}, {("p", "c"): claims}, texts_sun)
    assert [(e.first, e.carriers) for e in got.entries][2:] == [
        ("p", {"p": [(22, 32)]}), ("c", {"c": [(25, 30)]})]
    # a lone match the scorer rates near 0 (a facts-diff counterpart) is not followed
    claims["pairs"][2]["score"] = 0.01
    ledger = build_ledger(["p", "c"], {"p": None, "c": "p"}, {("p", "c"): claims}, texts)
    assert [(e.first, e.carriers) for e in ledger.entries][2:] == [
        ("p", {"p": [(22, 32)]}), ("c", {"c": [(25, 30)]})]


def test_bad_claims_name_the_edge() -> None:
    texts = {"p": "Rain fell.", "c": "Rain fell."}
    bad = {"pairs": [{"a_start": 0, "a_end": 99, "b_start": 0, "b_end": 10}]}
    with pytest.raises(ValueError, match=r"edge p → c: span 0-99 is not in version p's text"):
        build_ledger(["p", "c"], {"p": None, "c": "p"}, {("p", "c"): bad}, texts)
    tree = {"nodes": [{"id": "p", "kind": "article"}, {"id": "c", "kind": "article",
                                                       "parent": "p"}],
            "edges": [{"source": "p", "target": "c", "kind": "derived",
                       "changes": {"claims": bad}}]}
    assert "edge p → c" in ledger_dict(tree, texts)["error"]
    tree["edges"][0].pop("changes")
    assert ledger_dict(tree, texts) is None  # traced without --changes: no ledger


def test_a_pair_of_two_sentences_gives_each_entry_its_own_changes() -> None:
    """A claim restating two parent sentences as two: each entry shows the changes inside
    its own sentence, not the other's (a detail only the copy has goes by position)."""
    texts = {"p": "Ann won 5 votes. Bob lost.", "c": "Ann won 6 votes. Bob lost badly."}
    claims = {"pairs": [{"a_start": 0, "a_end": 26, "b_start": 0, "b_end": 32,
                         "kind": "changed_detail", "score": 0.9, "details": [
                             {"kind": "number", "change": "changed",
                              "a": {"start": 8, "end": 9}, "b": {"start": 8, "end": 9}},
                             {"kind": "qualifier", "change": "only_b", "a": None,
                              "b": {"start": 26, "end": 31}}]},
                        {"a_start": 0, "a_end": 16, "b_start": 0, "b_end": 16,
                         "kind": "changed_detail", "score": 0.9, "details": []}],
              "a_only": [], "b_only": []}
    ledger = build_ledger(["p", "c"], {"p": None, "c": "p"}, {("p", "c"): claims}, texts)
    ann, bob = ledger.entries
    assert ann.carriers == {"p": [(0, 16)], "c": [(0, 16)]}
    assert bob.carriers == {"p": [(16, 26)], "c": [(16, 32)]}
    said = [[change_text(ch, texts, s) for s in e.steps for ch in s.changes]
            for e in (ann, bob)]
    assert said == [["number “5” → “6”"], ["qualifier added: “badly”"]]
    # one step without a change is enough for neither: a change on any step marks it
    assert ledger.marks(ann) == ["first", "changed"] and ledger.marks(bob) == ["first",
                                                                                "changed"]


def test_a_later_root_sharing_statements_with_an_earlier_one() -> None:
    """Two roots quoting one outside report: a statement both carry first appears in the
    earlier (published first), and the later root drops nothing it never copied."""
    quote = "The report said the drugs were watered down by the maker in India last year."
    early = Article(id="early", text=quote + " Shut the charity down now, readers say today.",
                    published=datetime(2016, 9, 20, 16, 40, tzinfo=UTC))
    late = Article(id="late", text="A new scandal broke this week at the charity. " + quote,
                   published=datetime(2016, 9, 21, 0, 8, tzinfo=UTC))
    arts = {a.id: a for a in (early, late)}
    tree = FamilyTree("s", {k: TreeNode(k, "article", k, published=a.published.isoformat())
                            for k, a in arts.items()},
                      [TreeEdge("late", "early", "related", 0.7, link="reuse")])
    found = tree_changes(tree, arts, Aligner(semantic=False))
    assert list(found) == [("late", "early")] and found[("late", "early")]["earlier"] == "early"
    tree.edges[0].changes = found[("late", "early")]
    texts = {k: a.text for k, a in arts.items()}
    ledger = tree_ledger(tree.to_dict(), texts)
    assert ledger.related == [("early", "late")] and ledger.missing == []
    shared = [e for e in ledger.entries if len(e.carriers) == 2]
    assert [(e.first, texts["late"][slice(*e.carriers["late"][0])]) for e in shared] == [
        ("early", quote)]
    assert all(e.dropped_by == [] for e in ledger.entries)
    assert ledger.marks(shared[0]) == ["first", "same"]
    assert [e.first for e in ledger.entries if len(e.carriers) == 1] == ["early", "late"]
