"""Same-story similarity, the trace plan's story clustering and stable ids, their evaluations."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from storytrace.align.semantic import default_encoder
from storytrace.engines.core import cluster_links, stable_story_ids
from storytrace.eval.clusters import (
    bcubed,
    evaluate_clusters,
    read_clusters,
    scores,
    trace_labels,
)
from storytrace.eval.similarity import (
    cross_validate,
    evaluate_similarity,
    groups_of,
    read_pairs,
)
from storytrace.model import Link
from storytrace.stories import StorySimilarity
from storytrace.stories.similarity import dates_of, entity_spans, title_of

FLOOD_A = (
    "Flash floods kill 12 in Valencia\n"
    "Flash floods killed at least 12 people in the Spanish city of Valencia on Tuesday, "
    "regional president Carlos Mazón said. Emergency services rescued 200 residents trapped "
    "in cars and houses after 300 litres of rain fell in eight hours on 29 October 2024."
)
FLOOD_B = (
    "Valencia floods: death toll rises to 12\n"
    "At least 12 people have died after torrential rain caused flash floods in Valencia, "
    "Carlos Mazón told reporters. Rescue teams pulled 200 people from flooded homes and "
    "vehicles; 300 litres of rain fell in a few hours on October 29, 2024."
)
PHONE = (
    "Apple unveils new iPhone with bigger battery\n"
    "Apple on Monday showed its new iPhone in Cupertino, promising a battery that lasts a "
    "full day and a faster chip. Tim Cook said preorders open on Friday at $799."
)
MARKETS = (
    "Stocks slip as investors await Fed decision\n"
    "Shares in Europe and Asia fell on Wednesday as traders waited for the Federal Reserve's "
    "interest-rate decision, with bank stocks leading the losses."
)


@pytest.fixture(scope="module")
def lexical() -> StorySimilarity:
    return StorySimilarity(semantic=False)


# --- similarity ---------------------------------------------------------------------------

def test_same_story_scores_above_unrelated(lexical: StorySimilarity) -> None:
    same = lexical.score(FLOOD_A, FLOOD_B)
    unrelated = [lexical.score(FLOOD_A, PHONE), lexical.score(FLOOD_B, MARKETS),
                 lexical.score(PHONE, MARKETS)]
    assert 0.0 <= min(unrelated) and same <= 1.0
    assert same > max(unrelated) + 0.2
    assert lexical.score(FLOOD_A, FLOOD_B) == pytest.approx(lexical.score(FLOOD_B, FLOOD_A))


def test_copies_score_at_least_as_high_as_rewrites(lexical: StorySimilarity) -> None:
    # Copies are the bulk of reuse, though no training pair from SemEval is one.
    rewrite = lexical.score(FLOOD_A, FLOOD_B)
    assert lexical.score(FLOOD_A, FLOOD_A) >= max(rewrite, 0.9)
    assert lexical.score(FLOOD_A, FLOOD_A[: len(FLOOD_A) // 2]) >= 0.8


def test_score_pairs_matches_score_and_features_shape(lexical: StorySimilarity) -> None:
    pairs = [(FLOOD_A, FLOOD_B), (FLOOD_A, PHONE), (PHONE, PHONE)]
    # Given each pair's sketch cosine (trace has it from the corpus), a pair's score is
    # its own however the pairs are batched; without, the texts of the call are the corpus.
    cosines = [0.4, 0.1, 1.0]
    batch = lexical.score_pairs(pairs, cosines)
    assert batch.shape == (3,)
    assert batch.tolist() == pytest.approx(
        [lexical.score_pairs([pair], [c])[0] for pair, c in zip(pairs, cosines, strict=True)])
    assert lexical.score(*pairs[0]) == pytest.approx(lexical.score_pairs(pairs[:1])[0])
    x = lexical.features(pairs)
    assert x.shape == (3, len(lexical.feature_names))
    assert lexical.model == "lexical"
    same = lexical.feature_names.index("same_language")
    assert x[2, same] == pytest.approx(1.0)  # a text with itself
    assert lexical.explain(PHONE, PHONE)["features"]["word_cosine"] == pytest.approx(1.0)


def test_explain_gives_evidence(lexical: StorySimilarity) -> None:
    e = lexical.explain(FLOOD_A, FLOOD_B)
    assert e["score"] == pytest.approx(lexical.score(FLOOD_A, FLOOD_B))
    assert "Carlos Mazón" in e["shared_entities"] and "Valencia" in e["shared_entities"]
    assert {"12", "200", "300", "2024"} <= set(e["shared_numbers"])
    assert e["shared_dates"] == ["2024-10-29"]
    assert e["titles"][0] == "Flash floods kill 12 in Valencia"
    assert 0 < e["tfidf_cosine"] < 1
    assert set(e["contributions"]) == set(lexical.feature_names)
    assert lexical.explain(FLOOD_A, PHONE)["shared_entities"] == []


def test_text_helpers() -> None:
    assert title_of("One  Two three. Four.") == "One"  # title joined by two spaces
    assert entity_spans("Yesterday the Bank of England met. Rishi Sunak spoke.") == [
        "Bank", "England", "Rishi Sunak"]
    assert dates_of("am 24. April 2020 und 3/5/2021") == {"2020-04-24", "2021-05-03"}


def test_semantic_true_without_extra_raises_or_works() -> None:
    if default_encoder() is None:
        from storytrace.align.semantic import SemanticUnavailable

        with pytest.raises(SemanticUnavailable):
            StorySimilarity(semantic=True)
    else:
        assert StorySimilarity(semantic=True).model == "semantic"


def test_semantic_model_ranks_paraphrased_story_first() -> None:
    if default_encoder() is None:
        pytest.skip("semantic extra not installed")
    sim = StorySimilarity(semantic=True)
    e = sim.explain(FLOOD_A, FLOOD_B)
    assert e["model"] == "semantic" and e["embedding_cosine"] > 0.5
    assert e["score"] > sim.score(FLOOD_A, PHONE) + 0.2


def test_bad_weights_rejected() -> None:
    with pytest.raises(ValueError, match="do not match"):
        StorySimilarity(weights={"features": ["nonsense"], "scaler": {"mean": [0], "scale": [1]},
                                 "logistic_regression": {"coef": [1], "intercept": 0}})
    with pytest.raises(ValueError, match="semantic must be"):
        StorySimilarity(semantic="yes")


# --- clustering: the trace plan's one path ---------------------------------------------

def _link(a: int, b: int, score: float = 0.9, kind: str = "reuse") -> Link:
    return Link(a, b, kind, score, score, score, {})


def test_a_weakly_linked_bridge_does_not_merge_two_stories() -> None:
    """Louvain, not connected components: one article linked to two stories joins one."""
    one, two, bridge = [1, 2, 3, 4], [5, 6, 7, 8], 9
    links = [_link(a, b) for group in (one, two) for i, a in enumerate(group)
             for b in group[i + 1:]]
    links += [_link(4, bridge, 0.3), _link(5, bridge, 0.2)]
    labels = dict(zip([*one, *two, bridge], cluster_links([*one, *two, bridge], links),
                      strict=True))
    assert len({labels[s] for s in one}) == 1 and len({labels[s] for s in two}) == 1
    assert labels[1] != labels[5] and labels[bridge] == labels[4]
    import networkx as nx  # connected components would have made one story of all nine

    assert nx.is_connected(nx.Graph([(x.a_seq, x.b_seq) for x in links]))


def test_same_story_links_weigh_half_a_reuse_link() -> None:
    links = [_link(1, 2), _link(2, 3, 0.9, "same_story"), _link(3, 4), _link(1, 4, 0.2),
             _link(2, 4, 0.2)]
    labels = cluster_links([1, 2, 3, 4], links)
    assert labels[0] == labels[1] and labels[2] == labels[3]


def test_stable_story_ids_survive_relabelling_and_new_members() -> None:
    keys = ["2024-01-01/a", "2024-01-01/b", "2024-01-02/c", "2024-01-02/d"]
    first = stable_story_ids([0, 0, 1, 1], keys, {})
    assert first == ["s-2024-01-01/a"] * 2 + ["s-2024-01-02/c"] * 2
    previous = dict(zip(keys, first, strict=True))
    # Same grouping, other label numbers, a new member in each story and a new story.
    keys2 = [*keys, "2024-01-03/e", "2024-01-03/f", "2024-01-04/g"]
    second = stable_story_ids([7, 7, 3, 3, 3, 7, 9], keys2, previous)
    assert second[:4] == first and second[4] == first[2] and second[5] == first[0]
    assert second[6] == "s-2024-01-04/g"
    assert stable_story_ids([7, 7, 3, 3, 3, 7, 9], keys2, previous) == second


def test_stable_story_ids_split_and_merge() -> None:
    keys = list("abcdef")
    first = stable_story_ids([0, 0, 0, 0, 1, 1], keys, {})
    previous = dict(zip(keys, first, strict=True))
    # A split: the part holding most of the story keeps its id, the other gets a fresh one.
    assert stable_story_ids([0, 0, 0, 2, 1, 1], keys, previous) == [
        "s-a", "s-a", "s-a", "s-d", "s-e", "s-e"]
    # A merge: the merged story keeps the id most of its members had.
    assert set(stable_story_ids([0] * 6, keys, previous)) == {"s-a"}
    # A fresh id that an old story still holds is told apart by the label.
    assert stable_story_ids([0, 1], ["a", "b"], {"b": "s-a"}) == ["s-a-0", "s-a"]


# --- evaluation ---------------------------------------------------------------------------

def test_bcubed_hand_computed() -> None:
    # gold {0,1,2,3} {4}; predicted {0,1} {2,3,4}.
    # precision per item: 1, 1, 2/3, 2/3, 1/3 -> 11/15; recall: 1/2, 1/2, 1/2, 1/2, 1 -> 3/5
    p, r, f = bcubed(["x", "x", "x", "x", "y"], [0, 0, 1, 1, 1])
    assert p == pytest.approx(11 / 15)
    assert r == pytest.approx(3 / 5)
    assert f == pytest.approx(2 * (11 / 15) * (3 / 5) / (11 / 15 + 3 / 5))
    assert bcubed([1, 1, 2], [1, 1, 2]) == (1.0, 1.0, 1.0)
    s = scores([1, 1, 2, 2], [1, 2, 3, 4])
    assert s["bcubed_precision"] == 1.0 and s["bcubed_recall"] == 0.5


def _story(seed: int) -> str:
    import random

    words = random.Random(seed).choices([f"w{i}" for i in range(3000)], k=240)
    return " ".join(" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, 240, 12))


def test_evaluate_clusters_scores_the_stories_trace_makes(tmp_path: Path) -> None:
    path = tmp_path / "tiny.jsonl"
    one, two = _story(1), _story(2)
    rows = [{"text": t, "cluster": 1} for t in (one, "Breaking. " + one, one + " More soon.")]
    rows += [{"text": t, "cluster": "two"} for t in (two, "Update: " + two)]
    rows += [{"text": "A short note on the weather, sunny all week.", "cluster": 3}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    r = evaluate_clusters(path)
    assert r["items"] == 6 and r["gold_clusters"] == 3 and r["predicted_clusters"] == 3
    assert r["in_stories"] == 5 and r["clusterer"] == "trace" and r["semantic"] is False
    assert r["nmi"] == r["ari"] == r["bcubed_f1"] == 1.0
    labels = trace_labels([row["text"] for row in rows])
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4]
    assert labels[5] == "single-5"
    one_story = evaluate_clusters(path, clusterer=lambda texts: [0] * len(texts))
    assert one_story["bcubed_recall"] == 1.0 and one_story["clusterer"] == "<lambda>"


def test_read_clusters_reports_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "a", "cluster": 1}\n{"text": "b"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl, line 2: expected an object"):
        read_clusters(path)
    path.write_text('{"text": "a", "cluster": 1}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: not JSON"):
        read_clusters(path)


def _write_pairs(path: Path, rows: list[list[object]], header: list[str] | None = None) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header or ["pair_id", "lang1", "lang2", "text1", "text2", "Overall"])
        w.writerows(rows)


TINY_ROWS = [
    ["10_11", "en", "en", FLOOD_A, FLOOD_B, 1.0],
    ["12_13", "en", "en", FLOOD_A, PHONE, 4.0],
    ["14_15", "en", "en", PHONE, MARKETS, 3.5],
    ["16_17", "de", "de", "Flut in Valencia: 12 Tote\nIn Valencia starben 12 Menschen.",
     "Valencia: Flut tötet 12\nZwölf Menschen starben in Valencia.", 1.5],
    ["16de_17", "de", "en", "Flut in Valencia: 12 Tote", "Valencia floods kill 12", 1.0],
    ["18_19", "en", "en", MARKETS, "Stocks fall ahead of Fed\nShares fell before the Fed.", 2.0],
]


def test_evaluate_similarity_on_tiny_csv(tmp_path: Path, lexical: StorySimilarity) -> None:
    path = tmp_path / "pairs.csv"
    _write_pairs(path, TINY_ROWS)
    r = evaluate_similarity(path, lexical, folds=0)
    shipped = r["shipped_model"]
    assert r["pairs"] == 6 and r["model"] == "lexical" and r["cross_validated"] is None
    assert shipped["official"]["pairs"] == 5 and shipped["english"]["pairs"] == 4
    assert shipped["all"]["pairs"] == 6
    assert shipped["english"]["pearson"] > 0.8
    # A scorer with score_pairs only is scored too, without cross-validation.

    class Constant:
        def score_pairs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
            return np.arange(len(pairs), dtype=float)

    assert evaluate_similarity(path, Constant())["shipped_model"]["all"]["pairs"] == 6


def test_cross_validation_groups_shared_articles(tmp_path: Path,
                                                 lexical: StorySimilarity) -> None:
    path = tmp_path / "pairs.csv"
    _write_pairs(path, TINY_ROWS)
    pairs = read_pairs(path)
    groups = groups_of(pairs)
    # FLOOD_A is in rows 0 and 1, PHONE in 1 and 2, MARKETS in 2 and 5; 16_17 and 16de_17
    # share article 16: so two groups.
    assert groups.tolist() == [0, 0, 0, 1, 1, 0]
    cv = cross_validate(pairs, lexical, folds=5)
    assert cv["folds"] == 5 and len(cv["predictions"]) == 6
    assert cv["official"]["pairs"] == 5 and cv["near_duplicates"] == 18
    assert cross_validate(pairs, lexical, augment=False)["near_duplicates"] == 0
    with pytest.raises(ValueError, match="scorer"):
        cross_validate(pairs, features=np.zeros((6, 2)))
    with pytest.raises(ValueError, match="two independent groups"):
        cross_validate(pairs[:3], lexical)


def test_read_pairs_reports_malformed_rows(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    _write_pairs(path, [TINY_ROWS[0], ["20_21", "en", "en", "a\nb", "c", "very"]])
    with pytest.raises(ValueError) as e:
        read_pairs(path)
    message = str(e.value)
    assert "\n" not in message and "row 2 (line" in message and "20_21" in message
    _write_pairs(path, [TINY_ROWS[0], ["20_21", "en", "en", "a", "c", 2, "extra"]])
    with pytest.raises(ValueError, match=r"row 2 .*more than the header"):
        read_pairs(path)
    _write_pairs(path, [["20_21", "en", "en", "a"]])
    with pytest.raises(ValueError, match=r"row 1 .*fewer fields"):
        read_pairs(path)
    _write_pairs(path, [["1_2", "a", "b", 1]], header=["pair_id", "text1", "text2", "score"])
    with pytest.raises(ValueError, match="missing column"):
        read_pairs(path)
