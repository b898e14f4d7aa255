"""Family benchmarks made independently of make-bench provenance (issue 25), and the tree
behaviour they asked for: cut-and-add copies keep their parent, a credit to the parent's
outlet points at the stored parent, an outside credit in added text does not outrank it,
and "parent unknown" when the tree cannot decide."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from tests.conftest import shared_path

from storytrace.eval.make_families import Doc, cutadd_copy, make_families_set, rewrite_copy
from storytrace.eval.provenance import read_corpus, read_truth
from storytrace.ingest import read_sources
from storytrace.model import Article
from storytrace.provenance import family_tree
from storytrace.provenance.direction import profile, separate_evidence
from storytrace.provenance.tree import FamilyTree

TOPICS = ["council", "bridge", "budget", "harbour", "school", "hospital", "railway", "museum",
          "library", "stadium", "market", "airport", "tunnel", "reservoir", "park", "court"]
SENTENCES = [f"The {t} plan drew {n} complaints from residents of the {t} district before "
             f"officials agreed to review the {t} contract on Tuesday."
             for n, t in enumerate(TOPICS, start=3)]
OUTSIDE = [f"Elsewhere, a {w} festival in the mountains attracted thousands of visitors who "
           f"came for music, food and {w} exhibitions over the long weekend."
           for w in ("jazz", "kite", "film", "chess", "cider", "lantern", "poetry", "robot")]


def when(day: int, hour: int = 12) -> datetime:
    return datetime(2017, 3, day, hour, tzinfo=UTC)


@pytest.fixture(scope="module")
def fakenews() -> list[Article]:
    path = shared_path("data", "fakenewsnet-v1-2018")
    return [r for r in read_sources([str(path)]) if isinstance(r, Article)]


# -- generators ---------------------------------------------------------------------


@pytest.mark.parametrize("model", ["cutadd", "rewrite"])
def test_family_sets_are_deterministic_and_consistent(tmp_path, fakenews, model):
    a, b = tmp_path / "a", tmp_path / "b"
    outside = OUTSIDE * 10
    counts = make_families_set(fakenews, a, model=model, families=4, unrelated=3, seed=5,
                               outside=outside)
    make_families_set(fakenews, b, model=model, families=4, unrelated=3, seed=5,
                      outside=outside)
    for name in ("corpus.jsonl", "TRUTH.tsv", "FAMILIES.tsv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    articles = {x.id: x for x in read_corpus(a / "corpus.jsonl")}
    truth = read_truth(a / "TRUTH.tsv")
    assert counts["articles"] == len(articles) == counts["derived"] + counts["roots"]
    assert counts["roots"] == 4 + 3 and 8 <= counts["derived"] <= 20
    rows = [line.split("\t") for line in (a / "FAMILIES.tsv").read_text().splitlines()[1:]]
    family = {r[0]: r[1] for r in rows}
    assert {r[2] for r in rows} == {model, "unrelated"}
    assert all(int(r[3]) <= 4 for r in rows)
    for child, parent in truth.items():
        assert family[child] == family[parent]
        tc, tp = articles[child].published, articles[parent].published
        if tc and tp and tc.time() != tc.time().min and tp.time() != tp.time().min:
            assert tp < tc
    # Unrelated articles are real articles, untouched, and nobody's parent.
    unrelated = [r[0] for r in rows if r[2] == "unrelated"]
    assert not set(unrelated) & (set(truth) | set(truth.values()))
    # Copies insert sentences from outside the corpus.
    assert any(s in x.text for x in articles.values() for s in OUTSIDE)


def _root_doc() -> Doc:
    sents = [(s, " ") for s in SENTENCES]
    return Doc(0, None, "Residents fight city plans", sents, "Eagle Rising", "eaglerising.com",
               when(3))


def test_the_two_edit_models_differ():
    root = _root_doc()
    vocab = sorted({w for s in SENTENCES for w in s.split()})
    cut, _, info = cutadd_copy(root, random.Random(4), list(OUTSIDE), vocab)
    re_, _, _ = rewrite_copy(root, random.Random(4), list(OUTSIDE), vocab)
    # A cut-and-add copy drops sentences and always adds outside ones.
    assert info["added"] >= 1 and sum(s in OUTSIDE for s, _ in cut) == info["added"]
    kept = [s for s, _ in cut if s not in OUTSIDE and not s.startswith(("Source", "As "))]
    assert len(kept) < len(SENTENCES)
    # A rewrite keeps most sentences but changes many of their words.
    changed = sum(s not in SENTENCES for s, _ in re_)
    assert changed >= len(SENTENCES) // 2


# -- tree behaviour -----------------------------------------------------------------


def _copy(root: Article, id_: str, outlet: str, seed: int, text_edit=None,
          published: datetime | None = None) -> Article:
    """A cut-and-add copy of ``root``: four sentences dropped, three outside ones added."""
    rng = random.Random(seed)
    sents = [s for s in SENTENCES if s in root.text]
    for k in sorted(rng.sample(range(len(sents)), 4), reverse=True):
        del sents[k]
    for s in OUTSIDE[seed % 4 : seed % 4 + 3]:
        sents.insert(rng.randrange(1, len(sents)), s)
    text = " ".join(sents)
    return Article(id=id_, text=text_edit(text) if text_edit else text, outlet=outlet,
                   published=published)


def _slipped(text: str) -> str:
    """Copying slips: names put in lower case, a word doubled."""
    return (text.replace("The council", "The council council").replace("Tuesday", "tuesday", 3))


def test_cut_and_add_copy_keeps_its_parent_with_and_without_times():
    root = Article(id="root", text=" ".join(SENTENCES), outlet="Eagle Rising",
                   published=when(3, 8))
    copy = _copy(root, "copy", "Patriot Pulse", 1, _slipped, published=when(3, 14))
    for ignore in (False, True):
        tree = family_tree([copy, root], ignore_times=ignore)
        assert tree.parents() == {"copy": "root", "root": None}, tree.nodes["copy"].reasons


@pytest.mark.parametrize("credit", ["\n\nSource: Eagle Rising", "As reported by Eagle Rising:\n\n",
                                    ", according to Eagle Rising.", "\n\nSource: eaglerising.com",
                                    "From Eagle Rising:\n\n"])
def test_parent_outlet_credit_in_any_form_points_at_the_stored_parent(credit):
    root = Article(id="root", text=" ".join(SENTENCES), outlet="Eagle Rising",
                   url="https://eaglerising.com/story")
    copy = _copy(root, "copy", "Patriot Pulse", 2)
    if credit.startswith(("As", "From")):
        text = credit + copy.text
    elif credit.startswith(","):
        text = copy.text.replace(" on Tuesday.", " on Tuesday" + credit, 1)
    else:
        text = copy.text + credit
    copy = Article(id="copy", text=text, outlet="Patriot Pulse")
    tree = family_tree([root, copy], ignore_times=True)
    assert tree.parents()["copy"] == "root"
    assert tree.nodes["copy"].source is None
    assert not [n for n in tree.nodes.values() if n.kind == "external"
                and any(e.source == n.id and e.kind == "derived" for e in tree.edges)]


def test_outside_credit_in_added_text_does_not_outrank_the_stored_parent():
    root = Article(id="root", text=" ".join(SENTENCES), outlet="Eagle Rising",
                   published=when(3, 8))
    copy = _copy(root, "copy", "Patriot Pulse", 3, published=when(3, 15))
    added = "The festival was the largest in a decade, according to the Associated Press."
    copy = Article(id="copy", text=copy.text + " " + added, outlet="Patriot Pulse",
                   published=copy.published)
    tree = family_tree([root, copy])
    assert tree.parents()["copy"] == "root"
    assert tree.nodes["copy"].source is None
    # The credit is still shown, as a credit of the copy, not as its source.
    assert any(e.kind == "credited" and e.target == "copy" for e in tree.edges)
    # Without times, the copy's slips give the order: the stored parent still wins.
    slipped = Article(id="copy", text=_slipped(copy.text), outlet="Patriot Pulse")
    tree = family_tree([root, slipped], ignore_times=True)
    assert tree.parents() == {"root": None, "copy": "root"}, tree.nodes["copy"].reasons
    assert tree.nodes["copy"].source is None


def test_reworded_sentences_are_not_innovations():
    a = Article(id="a", text=" ".join(SENTENCES))
    reworded = [s.replace("drew", "got").replace("residents", "locals")
                .replace("officials agreed", "city hall decided").replace(" before", " until")
                for s in SENTENCES]
    b = Article(id="b", text=" ".join(reworded))
    ev = separate_evidence(profile(a), profile(b))
    assert ev.value == {"a_only_sentences": 0, "b_only_sentences": 0} and ev.weight == 0


def test_parent_unknown_when_the_tree_cannot_decide():
    # Two versions that share part of their text, with no time, credit or copying slip
    # to tell which came first: neither is shown as a sure original.
    half = len(SENTENCES) // 2
    a = Article(id="a", text=" ".join(SENTENCES[: half + 3] + OUTSIDE[:4]))
    b = Article(id="b", text=" ".join(SENTENCES[half - 3 :] + OUTSIDE[4:]))
    tree = family_tree([a, b])
    unknown = [n for n in tree.nodes.values() if n.unknown]
    assert unknown, [n.reasons for n in tree.nodes.values()]
    node = unknown[0]
    assert node.parent is None and node.candidates
    assert node.candidates[0]["id"] in ("a", "b") and "verdict" in node.candidates[0]
    assert node.reasons[0].startswith("parent unknown")
    # Stored and read back, the state survives.
    back = FamilyTree.from_dict(json.loads(json.dumps(tree.to_dict())))
    assert back.nodes[node.id].unknown and back.nodes[node.id].candidates == node.candidates
    # With a time showing which came first, the earlier one is an original again.
    a2 = Article(id="a", text=a.text, published=when(3, 8))
    b2 = Article(id="b", text=b.text, published=when(4, 8))
    tree = family_tree([a2, b2])
    assert not tree.nodes["a"].unknown
