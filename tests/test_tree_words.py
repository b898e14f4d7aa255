"""How a family-tree node is put in words, in the CLI and the HTML report: a version whose
parent is unknown states no confidence and does not say "parent unknown" twice."""
from storytrace.cli.stories import format_tree
from storytrace.provenance.tree import FamilyTree, TreeEdge, TreeNode
from storytrace.report.trace import _parent_line

REASON = ("parent unknown: b is drawn as this version's copy (weight of the evidence between "
          "them: 10.00), but nothing shows which of the two came first")


def _tree() -> FamilyTree:
    nodes = {"a": TreeNode("a", "article", "Site A", score=0.0, reasons=[REASON]),
             "b": TreeNode("b", "article", "Site B", parent="a", score=0.5,
                           reasons=["closest version; no evidence of direction"])}
    nodes["a"].unknown = True
    return FamilyTree("s", nodes, [TreeEdge("a", "b", "derived", 0.5)])


def test_cli_unknown_parent_has_no_confidence_and_one_phrase():
    lines = format_tree(_tree())
    assert lines[0] == ("a  Site A  (parent unknown: b is drawn as this version's copy (weight "
                        "of the evidence between them: 10.00), but nothing shows which of the "
                        "two came first)")
    assert lines[0].count("parent unknown") == 1 and "unknown, 0.00" not in lines[0]
    assert lines[1] == "  b  Site B  (0.50: closest version; no evidence of direction)"


def test_cli_root_keeps_its_confidence():
    tree = _tree()
    tree.nodes["a"].unknown = False
    tree.nodes["a"].score = 0.9
    tree.nodes["a"].reasons = ["first"]
    assert format_tree(tree)[0] == "a  Site A  (no parent in the corpus, 0.90: first)"


def test_html_unknown_parent_has_no_confidence_and_one_phrase():
    tree = _tree().to_dict()
    html = _parent_line("a", tree, {"a": "x1", "b": "x2"},
                        [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}])
    assert html.count("parent unknown") == 1 and "confidence" not in html
    assert "drawn as this version&#x27;s copy" in html or "drawn as this version's copy" in html
    child = _parent_line("b", tree, {"a": "x1", "b": "x2"},
                         [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}])
    assert "confidence 0.50" in child and "made from" in child


def test_an_original_is_not_weighed_against_its_own_copy():
    """A text and its verbatim copy weeks later: the original has no parent, with the
    confidence of the tree's order, not the weight of the copy as its 'parent' (FakeNewsNet:
    a hoax template said 'no parent in the corpus, 0.05' while its copy came 79 days later)."""
    from datetime import UTC, datetime, timedelta

    from storytrace.model import Article
    from storytrace.provenance import family_tree
    from storytrace.provenance.tree import _descends_from

    text = " ".join(f"Sentence {w} of the story about the bridge and the river number {i}."
                    for i, w in enumerate("abcdefghijklmnopqrstu"))
    t0 = datetime(2016, 12, 22, 18, 31, tzinfo=UTC)
    original = Article(id="first", text=text, outlet="News Daily 12", published=t0)
    copy = Article(id="second", text=text, outlet="WBN 12 News",
                   published=t0 + timedelta(days=79))
    tree = family_tree([original, copy])
    assert tree.parents() == {"first": None, "second": "first"}
    assert tree.nodes["first"].score >= 0.5, tree.nodes["first"].reasons
    assert _descends_from(1, 0, {1: 0, 0: "\x00root"}) and not _descends_from(0, 1, {1: 0})
