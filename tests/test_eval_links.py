"""`storytrace eval links`: precision of a run's links against labelled pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.eval.links import read_labels, score_links

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_the_shipped_labels_read_and_cover_every_kind():
    labels = read_labels(ROOT / "bench" / "labels" / "fakenewsnet_links.tsv")
    assert len(labels) >= 150
    assert {"reuse", "boilerplate", "shared_quote", "same_story", "same_event",
            "unrelated"} <= set(labels.values())


def test_bad_label_files_are_named_with_their_line(tmp_path: Path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\tlabel\tnote\nx\ty\tcopied\toops\n")
    with pytest.raises(ValueError, match=r"bad\.tsv:2"):
        read_labels(bad)
    headless = tmp_path / "headless.tsv"
    headless.write_text("x\ty\treuse\n")
    with pytest.raises(ValueError, match="header"):
        read_labels(headless)
    result = runner.invoke(app, ["eval", "links", str(bad), "--db", str(tmp_path / "no.db")])
    assert result.exit_code == 2 and "bad.tsv:2" in result.stderr


def test_scores_a_traced_store(tmp_path: Path):
    body = " ".join(f"Line {i}: the council voted {i} times on the bridge plan." for i in range(30))
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.jsonl").write_text(
        json.dumps({"id": "src", "text": body, "outlet": "Wire"}) + "\n"
        + json.dumps({"id": "cpy", "text": "Intro. " + body, "outlet": "Post"}) + "\n")
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["trace", str(folder), "--db", str(db)]).exit_code == 0
    labels = tmp_path / "l.tsv"
    labels.write_text("a\tb\tlabel\tnote\ncpy\tsrc\treuse\tcopy\nsrc\tzzz\treuse\tmissed\n")
    result = runner.invoke(app, ["eval", "links", str(labels), "--db", str(db),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    assert scored["reuse"] == {"labelled": 1, "right": 1, "precision": 1.0,
                               "interval": [0.2065, 1.0], "labels": {"reuse": 1}}
    assert scored["missed"] == 1 and scored["unlabelled"] == 0


def test_score_links_counts_wrong_kinds_and_unlabelled():
    labels = {frozenset(("a", "b")): "shared_quote", frozenset(("c", "d")): "same_story"}
    r = score_links([("a", "b", "reuse"), ("c", "d", "same_story"), ("e", "f", "reuse")], labels)
    assert r["reuse"]["precision"] == 0.0 and r["reuse"]["labels"] == {"shared_quote": 1}
    assert r["same_story"]["precision"] == 1.0 and r["unlabelled"] == 1
    assert r["wrong"] == [["a", "b", "reuse", "shared_quote"]]
    closed = score_links([("a", "b", "shared_quote"), ("e", "f", "reuse")], labels, closed=True)
    assert closed["wrong"] == [["e", "f", "reuse", "unrelated"]]


def test_boilerplate_bench_makes_no_false_links(tmp_path: Path):
    """A small `make-bench boilerplate` set: sites print their boilerplate on most pages,
    yet trace links only the planted copies (and SemEval same-story pairs), never two
    articles that share only a site's furniture."""
    from tests.conftest import shared_path

    from storytrace.eval.make_boilerplate import make_boilerplate_set

    csv_path = shared_path("data", "semeval2022-task8", "training_set.csv")
    counts = make_boilerplate_set(csv_path, tmp_path / "set", outlets=4, copies=6, seed=3,
                                  pairs=24)
    assert counts["reuse"] == 6 and counts["outlets"] == 4
    result = runner.invoke(app, ["eval", "links", str(tmp_path / "set" / "LABELS.tsv"),
                                 "--corpus", str(tmp_path / "set" / "corpus.jsonl"),
                                 "--closed", "--format", "json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    assert scored["linked"]["reuse"]["as_reuse"] == 6  # every planted copy
    assert scored["reuse"]["labels"].get("unrelated", 0) == 0  # no furniture-only link
    assert scored["linked"].get("unrelated", {}).get("linked", 0) == 0


def test_story_mixing_names_the_links_that_join_unrelated_parts():
    from storytrace.eval.links import story_mixing

    labels = {frozenset(("a", "b")): "same_story", frozenset(("b", "c")): "unrelated",
              frozenset(("d", "e")): "reuse", frozenset(("x", "y")): "same_story"}
    stories = {"s1": ["a", "b", "c"], "s2": ["d", "e", "f"], "s3": ["x"], "s4": ["y"]}
    links = [("a", "b", "same_story", 0.9), ("b", "c", "same_story", 0.55),
             ("d", "e", "reuse", 1.4), ("e", "f", "same_story", 0.7)]
    r = story_mixing(stories, links, labels)
    assert (r["stories"], r["mixed"], r["largest"]) == (2, 2, [3, 3, 1, 1])
    first = r["stories_detail"][0]
    assert first["parts"] == [["a", "b"], ["c"]]
    assert first["joins"] == [["b", "c", "same_story", 0.55, "unrelated"]]
    assert r["together"]["same_story"] == {"pairs": 2, "together": 1}
    assert r["together"]["unrelated"] == {"pairs": 1, "together": 1}
    # A pair known to be related (SemEval 1.5 < Overall < 3) joins the parts: not mixed.
    assert story_mixing(stories, links, labels, [("e", "f")])["mixed"] == 1


def test_same_event_links_are_scored_and_join_no_story():
    """A same-event link is right for another story of the event (or better), wrong for
    unrelated articles; the pairs it covers count as linked, not as joined into a story."""
    from storytrace.eval.links import score_links

    labels = {frozenset(("a", "b")): "same_event", frozenset(("c", "d")): "unrelated",
              frozenset(("e", "f")): "same_story"}
    r = score_links([("a", "b", "same_event"), ("c", "d", "same_event"),
                     ("e", "f", "same_story")], labels)
    assert (r["same_event"]["right"], r["same_event"]["labelled"]) == (1, 2)
    assert ["c", "d", "same_event", "unrelated"] in r["wrong"]
    assert r["linked"]["same_event"] == {"pairs": 1, "linked": 1, "as_reuse": 0, "as_story": 0}
    assert r["linked"]["same_story"]["as_story"] == 1
