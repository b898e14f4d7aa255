"""Claims: the scorer without torch, kinds, many-to-one, reordering, details, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from storytrace.align import Aligner
from storytrace.diff import diff_versions
from storytrace.diff.claims import (
    KINDS,
    ClaimScorer,
    doc_features,
    match_claims,
)
from storytrace.diff.facts import Fact
from storytrace.eval.claims import read_labels, score_pairs
from storytrace.model import Article
from storytrace.text.doc import Doc

LABELS = Path(__file__).resolve().parents[1] / "bench" / "labels"


class FixedScorer:
    """A scorer whose probabilities are given: the matcher's rules without a model."""

    model = "fixed"
    weights: ClassVar[dict] = {"threshold": 0.5}
    threshold = 0.5

    def __init__(self, prob: list[list[float]]) -> None:
        self.prob = np.array(prob, dtype=float)

    def embed(self, sentences):
        return None

    def matrix(self, a, b, ea=None, eb=None):
        assert self.prob.shape == (len(a), len(b))
        return self.prob.copy()

    def states(self, sentences):
        return None


def listing(coef: list[float], intercept: float = 0.0, floor: float = 0.3) -> dict:
    """Listing weights over claims.LISTING_FEATURES (logit, counterpart, shared wording,
    restated words)."""
    from storytrace.diff.claims import LISTING_FEATURES

    return {"features": list(LISTING_FEATURES), "coef": coef, "intercept": intercept,
            "threshold": 0.5, "floor": floor}


class ListingScorer(FixedScorer):
    """A fixed scorer with listing weights."""

    def __init__(self, prob: list[list[float]], weights: dict) -> None:
        super().__init__(prob)
        self.weights = {"threshold": 0.5, "listing": weights}


def claims_of(a: str, b: str, prob: list[list[float]]):
    return match_claims(Doc(a), Doc(b), [], FixedScorer(prob))


def assert_offsets(found, a: str, b: str) -> None:
    data = json.loads(json.dumps(found.to_dict(a, b)))
    for c in data["pairs"]:
        assert a[c["a_start"]:c["a_end"]] == c["a_text"] and c["a_text"].strip()
        assert b[c["b_start"]:c["b_end"]] == c["b_text"] and c["b_text"].strip()
        assert c["kind"] in KINDS and 0 <= c["score"] <= 1
        for d in c["details"]:
            for side, text in (("a", a), ("b", b)):
                if d[side] is not None:
                    assert text[d[side]["start"]:d[side]["end"]] == d[side]["text"]
                    assert c[f"{side}_start"] <= d[side]["start"] < d[side]["end"] \
                        <= c[f"{side}_end"]
    for side, text in (("a_only", a), ("b_only", b)):
        for s in data[side]:
            assert text[s["start"]:s["end"]] == s["text"]


# --------------------------------------------------------------------------- scorer


def test_lexical_scorer_needs_no_torch():
    code = ("import sys; from storytrace.diff.claims import ClaimScorer; "
            "s = ClaimScorer(semantic=False); "
            "p = s.matrix(['Police arrested David Gonzalez, 51, on Monday.'], "
            "['David Gonzalez, 51, was arrested by police on Monday.', 'Rain fell.']); "
            "assert s.model == 'lexical' and p.shape == (1, 2) and p[0, 0] > p[0, 1]; "
            "assert 'torch' not in sys.modules and 'sklearn' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_scorer_pairs_and_matrix_agree():
    scorer = ClaimScorer(semantic=False)
    a = ["The mayor signed the law in 2014.", "Rain is expected on Sunday."]
    b = ["In 2014 the mayor signed the law.", "Shares fell 3 percent."]
    m = scorer.matrix(a, b)
    assert np.allclose(np.diag(m), scorer.score(a, b))
    assert m[0, 0] > 0.5 > m[1, 1]
    assert scorer.predict(a, b).tolist() == [True, False]
    assert scorer.matrix([], b).shape == (0, 2)


def test_doc_features_numbers_and_names():
    x = doc_features(["Smith, 51, left Paris.", "No numbers here at all."],
                     ["Smith, 52, left.", "Nor here."], all_pairs=True)
    assert x.shape == (2, 2, 4)
    assert x[0, 0].tolist() == [1.0, 0.0, 0.0, 1.0]  # numbers conflict, names agree
    assert x[1, 1].tolist() == [0.0, 0.0, 0.0, 1.0]


def test_bundled_models_record_their_training():
    scorer = ClaimScorer(semantic=False)
    cv = scorer.weights["training"]["msrp_cv"]
    assert cv["folds"] == 10 and cv["accuracy"] > cv["always_paraphrase"]


# --------------------------------------------------------------------------- kinds


def test_kinds_copied_edited_paraphrased_changed():
    a = ("The city will not cooperate with federal immigration agents. "
         "Officials met the governor on Monday to discuss the budget. "
         "Police arrested 12 protesters outside City Hall. "
         "The storm knocked out power to thousands of homes.")
    b = ("The city will not cooperate with federal immigration agents. "
         "On Monday officials met the governor to talk about the budget. "
         "Police arrested 15 protesters outside City Hall. "
         "Thousands of households lost electricity when the tempest hit.")
    found = claims_of(a, b, np.eye(4).tolist())
    assert [c.kind for c in found.claims] == ["copied", "edited", "changed_detail",
                                              "paraphrased"]
    (number,) = found.claims[2].details
    assert (number.kind, number.change) == ("number", "changed")
    assert (number.a_text(a), number.b_text(b)) == ("12", "15")
    assert found.a_only == [] and found.b_only == []
    assert_offsets(found, a, b)


def test_below_threshold_is_what_each_version_adds():
    a = "The council approved the budget. A parade is planned for May."
    b = "The budget was approved by the council. Tickets sold out in minutes."
    found = claims_of(a, b, [[0.9, 0.1], [0.2, 0.3]])
    assert [(c.a_sentences, c.b_sentences) for c in found.claims] == [((0,), (0,))]
    assert [a[s:e] for s, e in found.a_only] == ["A parade is planned for May."]
    assert [b[s:e] for s, e in found.b_only] == ["Tickets sold out in minutes."]


# ----------------------------------------------------------- many-to-one, reordering


def test_adjacent_sentences_with_one_counterpart_are_one_side():
    a = ("Gonzalez had been deported before, but reentered the country. "
         "He faced charges for allegedly rubbing against a woman.")
    b = "He had been deported but re-entered and faced charges of rubbing against a woman."
    found = claims_of(a, b, [[0.8], [0.9]])
    (claim,) = found.claims
    assert claim.a_sentences == (0, 1) and claim.b_sentences == (0,)
    assert claim.a_text(a) == a and claim.score == pytest.approx(0.9)


def test_fragments_are_not_paired_by_the_scorer_alone():
    a = "Let the record show. The council approved the new budget on Monday."
    b = "From the Daily Mail. On Monday the council passed its budget."
    found = claims_of(a, b, [[0.99, 0.2], [0.2, 0.9]])
    # "From the Daily Mail." has two content words: no claim, whatever its score.
    assert [(c.a_sentences, c.b_sentences) for c in found.claims] == [((1,), (1,))]
    assert found.a_only == [(0, 20)]


def test_distant_sentences_with_one_counterpart_share_a_group():
    a = ("The NYPD notified ICE of the arrest. The weather was cold. "
         "The city did not honour the detainer.")
    b = "The police ignored the detainer but told ICE about the arrest."
    found = claims_of(a, b, [[0.8], [0.1], [0.7]])
    assert [(c.a_sentences, c.b_sentences) for c in found.claims] == [((0,), (0,)),
                                                                      ((2,), (0,))]
    assert found.claims[0].group == found.claims[1].group
    assert [a[s:e] for s, e in found.a_only] == ["The weather was cold."]


def test_reordered_statements_are_all_found():
    a = "First fact about the budget. Second fact about the school. Third fact on roads."
    b = "Third fact on roads. First fact about the budget. Second fact about the school."
    prob = [[0.1, 0.9, 0.1], [0.1, 0.1, 0.9], [0.9, 0.1, 0.1]]
    found = claims_of(a, b, prob)
    assert [(c.a_sentences, c.b_sentences) for c in found.claims] == [
        ((0,), (1,)), ((1,), (2,)), ((2,), (0,))]
    assert all(c.kind == "copied" for c in found.claims)


def test_a_passage_makes_a_claim_whatever_the_scorer_says():
    a = "Unrelated opening here. The mayor signed the sanctuary law in the spring of 2014."
    b = "The mayor signed the sanctuary law in the spring of 2014, the paper said."
    aligner = Aligner(semantic=False, min_words=5, min_sentence_words=5)
    passages = aligner.align(a, b).passages
    assert passages
    found = match_claims(Doc(a), Doc(b), passages, FixedScorer([[0.0], [0.0]]))
    (claim,) = found.claims
    assert claim.how == "passage" and claim.a_sentences == (1,)


# --------------------------------------------------------------------------- details


def test_changed_details_with_offsets():
    a = ("Police arrested David Gonzalez, 51, on March 2. He faced misdemeanor charges "
         "for allegedly rubbing against a woman on a train.")
    b = ("Gonzalez faced charges of allegedly rubbing against a woman. Officers detained "
         "David Gonzalez, 52, on March 2.")
    found = match_claims(Doc(a), Doc(b), [], ClaimScorer(semantic=False), threshold=0.3)
    by_a = {c.a_sentences: c for c in found.claims}
    age = by_a[(0,)]
    assert age.b_sentences == (1,) and age.kind == "changed_detail"
    assert [(d.kind, d.change, d.a_text(a), d.b_text(b)) for d in age.details] == [
        ("number", "changed", "51", "52")]
    charges = by_a[(1,)]
    assert [(d.kind, d.change, d.a_text(a)) for d in charges.details] == [
        ("qualifier", "only_a", "misdemeanor"), ("clause", "only_a", "on a train")]
    assert_offsets(found, a, b)


def test_hedges_in_reworded_claims():
    a = "The NYPD is supposedly alerting immigration officers about court dates."
    b = "Police tell federal deportation agents when defendants must appear before judges."
    (claim,) = claims_of(a, b, [[0.9]]).claims
    assert claim.kind == "paraphrased"
    assert [(d.kind, d.change, d.a_text(a)) for d in claim.details] == [
        ("name", "only_a", "NYPD"), ("qualifier", "only_a", "supposedly")]


# ----------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("a", "b"), [
    ("", ""), ("", "Something happened here."), ("...!!! ??", "— — —"),
    ("\u200b\u00a0 \n\n", "Text."), ("😀 " * 50, "Police said 😀 nothing."),
    ("a" * 5000, "b " * 3000),
])
def test_empty_and_garbage_input(a, b):
    found = match_claims(Doc(a), Doc(b), [], ClaimScorer(semantic=False))
    assert_offsets(found, a, b)
    assert all(c.a_start < c.a_end and c.b_start < c.b_end for c in found.claims)


# ------------------------------------------------------------------ in the facts diff


def test_facts_diff_carries_claims():
    a = Article(id="a", text="Gonzalez, a 51-year-old, was arrested on March 2 in Queens. "
                             "He faced burglary charges.")
    b = Article(id="b", text="David Gonzalez, 51, was arrested on 2 March, police said.")
    d = diff_versions(a, b, aligner=Aligner(semantic=False), spacy=False)
    data = json.loads(json.dumps(d.to_dict()))["claims"]
    assert set(data) == {"pairs", "a_only", "b_only", "possible", "counts", "method"}
    assert data["counts"]["claims"] == len(data["pairs"]) >= 1
    first = data["pairs"][0]
    assert set(first) == {"a_start", "a_end", "b_start", "b_end", "kind", "score", "how",
                          "group", "quoted", "a_text", "b_text", "details"}
    assert first["a_text"].startswith("Gonzalez, a 51-year-old")
    assert data["method"]["model"] == "lexical"
    assert diff_versions(a, b, aligner=Aligner(semantic=False), spacy=False,
                         claims=False).to_dict()["claims"] is None


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize("name", ["claims_seeds.tsv", "claims_heavy.tsv", "claims_real.tsv",
                                  "claims_fragments.tsv"])
def test_labels_point_at_their_statements(name):
    from tests.conftest import shared_path

    from storytrace.api import read_article

    shared_path("examples", "seeds")  # skips without ../shared
    if name in ("claims_real.tsv", "claims_fragments.tsv"):
        shared_path("data", "fakenewsnet-v1-2018")
    labels = read_labels(LABELS / name)
    rows = [line.split("\t") for line in (LABELS / name).read_text().splitlines()
            if line and not line.startswith("#")][1:]
    assert len(labels) == len(rows) and sum(x.label == "same" for x in labels) >= 6
    for x, row in zip(labels, rows, strict=True):
        a, b = read_article(x.a), read_article(x.b)
        assert " ".join(a.text[slice(*x.a_span)].split()) == row[7]
        assert " ".join(b.text[slice(*x.b_span)].split()) == row[8]


def test_score_pairs_counts_found_and_false():
    from storytrace.eval.claims import LabelledPair

    lab = [LabelledPair(Path("a"), Path("b"), (0, 10), (0, 10), "same"),
           LabelledPair(Path("a"), Path("b"), (20, 30), (20, 30), "related")]
    r = score_pairs([((0, 12), (2, 9)), ((0, 40), (0, 9)), ((21, 25), (22, 28)),
                     ((50, 60), (50, 60))], lab)
    assert (r["found"], r["claims"], r["false"]) == (1, 4, 1)
    r = score_pairs([((0, 31), (0, 10))], lab)  # longer than 3x the statement
    assert r["found"] == 0 and r["false"] == 0


def test_score_pairs_tells_wrong_from_unread():
    """A claim read and labelled wrong is false; one overlapping no label is false and
    unread; one on a related pair only is counted apart from those on a same pair."""
    from storytrace.eval.claims import LabelledPair

    lab = [LabelledPair(Path("a"), Path("b"), (0, 10), (0, 10), "same"),
           LabelledPair(Path("a"), Path("b"), (20, 30), (20, 30), "related"),
           LabelledPair(Path("a"), Path("b"), (40, 50), (40, 50), "wrong")]
    r = score_pairs([((0, 10), (0, 10)), ((20, 30), (20, 30)), ((40, 50), (40, 50)),
                     ((60, 70), (60, 70))], lab)
    assert (r["claims"], r["false"], r["related"], r["unread"]) == (4, 2, 1, 1)
    assert r["unread_claims"] == [((60, 70), (60, 70))]


def test_bad_labels_are_refused(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("a\tb\ta_start\ta_end\tb_start\tb_end\tlabel\n"
                    "x.txt\ty.txt\t0\tten\t0\t5\tsame\n")
    with pytest.raises(ValueError, match="row 2"):
        read_labels(path)
    path.write_text("# nothing\n")
    with pytest.raises(ValueError, match="no labelled pairs"):
        read_labels(path)


def test_listing_shows_only_pairs_from_the_threshold():
    """With listing weights, a candidate under the calibrated threshold is not a claim
    (its sentences are what each version adds) but stays in ``possible`` with its score,
    a known counterpart included; the listed score is the calibrated one."""
    a = "The council approved the school budget. Rain fell on the city all day long."
    b = "The school budget was approved by the council. Storms hit the town for hours."
    scorer = ListingScorer([[0.9, 0.1], [0.1, 0.4]], listing([1.0, 0.0, 0.0, 0.0]))
    found = match_claims(Doc(a), Doc(b), [], scorer, counterparts=[(1, 1)])
    (claim,) = found.claims
    assert (claim.a_sentences, claim.b_sentences) == ((0,), (0,))
    assert claim.score == pytest.approx(0.9)
    (maybe,) = found.possible
    assert (maybe.a_sentences, maybe.b_sentences, maybe.how) == ((1,), (1,), "counterpart")
    assert maybe.score == pytest.approx(0.4)
    assert found.a_only == [Doc(a).sentence_spans[1]]
    data = found.to_dict(a, b)
    assert data["counts"]["possible"] == 1 and data["method"]["score"] == "calibrated"
    assert data["possible"][0]["a_text"] == "Rain fell on the city all day long."
    # a counterpart the weights trust is listed from the same probability
    trusted = ListingScorer([[0.9, 0.1], [0.1, 0.4]], listing([1.0, 2.0, 0.0, 0.0]))
    assert len(match_claims(Doc(a), Doc(b), [], trusted, counterparts=[(1, 1)]).claims) == 2


def test_a_shared_name_alone_is_not_restated():
    """Without word states, restated words are the shared stems outside names: two
    sentences that share only a name restate none, so weights that need restated words
    do not list them."""
    a = "Mayor Bill Smith has worked for this against everything."
    b = "Mayor Bill Smith is a huge proponent of illegal immigration."
    c = "Smith has worked hard for immigration reform for years."
    weights = listing([0.0, 0.0, 0.0, 2.0], intercept=-1.0)
    assert match_claims(Doc(a), Doc(b), [], ListingScorer([[0.99]], weights)).claims == []
    (claim,) = match_claims(Doc(a), Doc(c), [], ListingScorer([[0.99]], weights)).claims
    assert claim.score == pytest.approx(1 / (1 + np.exp(-1.0)))  # "worked": 2 * 1 - 1


def test_known_counterparts_are_claims():
    a = "The council met on Monday. It approved the new budget for schools."
    b = "Schools get more money in the budget the council approved."
    found = match_claims(Doc(a), Doc(b), [], FixedScorer([[0.0], [0.1]]),
                         counterparts=[(1, 0), (7, 7)])  # out-of-range pairs are ignored
    (claim,) = found.claims
    assert (claim.a_sentences, claim.how) == ((1,), "counterpart")


@pytest.mark.slow
def test_labelled_pairs_found_with_the_sentence_model():
    """Checks the shipped semantic model on the labels (context weights fitted on the
    heavy paraphrase, listing weights on it and the FakeNewsNet pairs of
    claims_real.tsv, so the seeds are held out)."""
    from tests.conftest import shared_path

    from storytrace.align.semantic import default_encoder
    from storytrace.eval.claims import evaluate_claims

    shared_path("examples", "seeds")
    if default_encoder() is None:
        pytest.skip("the semantic extra is not installed")
    heavy = evaluate_claims(LABELS / "claims_heavy.tsv")
    assert heavy["found"] >= 5 and heavy["false"] <= 1
    seeds = evaluate_claims(LABELS / "claims_seeds.tsv")  # held out by the listing weights
    assert seeds["found"] >= 9 and seeds["precision"] >= 0.85


class WordScorer(FixedScorer):
    """Probability 0.9 for two texts sharing the word "tough", else 0.1: a clause that
    holds the word scores high, its whole sentence is given low."""

    def __init__(self, clauses: bool) -> None:
        self.weights = {"threshold": 0.5, "context": {"clauses": clauses}}

    def matrix(self, a, b, ea=None, eb=None):
        return np.array([[0.9 if "tough" in x and "tough" in y and len(x) < 40 else 0.1
                          for y in b] for x in a]).reshape(len(a), len(b))


def test_pair_matrix_takes_the_best_clause_only_when_the_model_says_so():
    from storytrace.diff.claims import clause_spans, pair_matrix

    a = ["He has tried to act especially tough, promising to keep the city a haven.",
         "Rain fell on the parade route all afternoon."]
    b = ["He acts tough on crime."]
    assert a[0][slice(*clause_spans(a[0])[0])] == "He has tried to act especially tough"
    assert clause_spans(a[1]) == [] and clause_spans(b[0]) == []
    assert pair_matrix(a, b, WordScorer(False)).tolist() == [[0.1], [0.1]]
    assert pair_matrix(a, b, WordScorer(True)).tolist() == [[0.9], [0.1]]
    assert pair_matrix(b, a, WordScorer(True)).tolist() == [[0.9, 0.1]]


def test_shipped_semantic_model_has_no_runaway_weight():
    """MiniLM has output dimensions that are all but constant (about 1e-32 in every
    sentence): standardised in training, they got weights of 1e30-1e62 that multiply float
    noise. The trainer gives such dimensions no weight."""
    from storytrace.diff.claims import load_claim_weights

    w = load_claim_weights("semantic")
    assert max(abs(x) for x in (*w["abs_diff"], *w["product"])) < 100
    assert max(abs(x) for x in w["coef"]) < 100


def test_a_name_written_another_way_is_not_a_changed_detail():
    """Right Wing News writes Eagle Rising's "TheDCNF" as "the DCNF" and "HIV/AID" as
    "HIV/AIDs": the same names, so no name is dropped or added (the ledger showed them as
    changes); another name is still told."""
    a = ("Blackburn spoke in an interview with TheDCNF on Monday. Clinton gave HIV/AID drugs "
         "to patients in Kenya.")
    b = ("Blackburn spoke in an interview with the DCNF on Monday. Clinton gave HIV/AIDs drugs "
         "to patients in Uganda.")
    found = match_claims(Doc(a), Doc(b), [], ClaimScorer(semantic=False)).claims
    details = [(d.kind, d.change, d.a_text(a), d.b_text(b)) for c in found for d in c.details]
    assert len(found) == 2
    assert not [d for d in details if "DCNF" in d[2] + d[3] or "AID" in d[2] + d[3]]
    # the same words with one place for another: a changed name (session 16)
    assert ("name", "changed", "Kenya", "Uganda") in details


def test_pair_matrix_windows_credit_both_sentences_of_a_split_statement():
    from storytrace.diff.claims import pair_matrix

    class Joined(FixedScorer):
        """0.9 only when B's text holds both halves of the statement."""

        def __init__(self, windows: bool) -> None:
            self.weights = {"threshold": 0.5, "context": {"windows": windows}}

        def matrix(self, a, b, ea=None, eb=None):
            return np.array([[0.9 if "ready" in y and "cough" in y else 0.1 for y in b]
                             for _ in a]).reshape(len(a), len(b))

    a = ["She was ready with answers and facts, and she did not cough once."]
    b = ["She was so ready with answers.", "She did not cough.", "It rained."]
    assert pair_matrix(a, b, Joined(False)).tolist() == [[0.1, 0.1, 0.1]]
    assert pair_matrix(a, b, Joined(True)).tolist() == [[0.9, 0.9, 0.1]]


# ------------------------------------------------- session 16: the reviewer's real cases


class SameSideScorer(FixedScorer):
    """Given probabilities across the versions; ``same`` for two sentences of one version
    (whether one restates the other)."""

    def __init__(self, prob: list[list[float]], same: float, listing_weights: dict | None = None
                 ) -> None:
        super().__init__(prob)
        self.same = same
        if listing_weights is not None:
            self.weights = {"threshold": 0.5, "listing": listing_weights}

    def matrix(self, a, b, ea=None, eb=None):
        if self.prob.shape == (len(a), len(b)):
            return self.prob.copy()
        return np.full((len(a), len(b)), self.same)


def test_a_statement_printed_inside_a_longer_one_is_shared_not_added():
    """Politico/BuzzFeed on stop-and-frisk (FakeNewsNet 6de9/b936): A prints Trump's "I
    would do stop-and-frisk." alone, B inside the sentence that asks the question; B
    splits A's "We did it in New York, it worked incredibly well ..." in three. Neither
    is what one version adds, whatever the model makes of them."""
    a = ("“I would do stop-and-frisk. We did it in New York, it worked incredibly well and "
         "you have to be proactive about crime,” Trump told the questioner.")
    b = ('When asked by an audience member how he would stop violence, Trump responded, '
         '"I would do stop and frisk. We did it in New York. It worked incredibly well. '
         'And you have to be proactive about crime."')
    low = [[0.01] * 4, [0.01] * 4]
    found = match_claims(Doc(a), Doc(b), [], SameSideScorer(low, 0.0, listing(
        [1.0, 0.0, 0.0, 0.0])))
    assert found.a_only == [] and found.b_only == []
    assert [(c.a_sentences, c.b_sentences, c.how, c.kind) for c in found.claims] == [
        ((0,), (0,), "contained", "copied"), ((1,), (1, 2, 3), "contained", "copied")]
    assert_offsets(found, a, b)


def test_contained_needs_two_content_words():
    from storytrace.diff.claims import contained_pairs

    assert contained_pairs(["It worked.", "Ranbaxy pleaded guilty."],
                           ["It worked, he said.", "In 2013 Ranbaxy pleaded guilty."]) \
        == [(1, 1)]


def test_a_second_counterpart_the_model_alone_proposes_is_set_aside():
    """Eagle Rising / Right Wing News (ed3b/54ea): A's "It is unclear ... how many AIDS
    patients received the watered-down drugs." is printed word for word in B; pairing it
    also with B's "They distributed watered-down HIV/AIDS drugs ..." counted it twice
    and matched another fact. Where B says it twice (the two B sentences restate each
    other), both pairs stay, and A's statement still counts once."""
    a = "It is unclear at this juncture how many AIDS patients received the watered-down drugs."
    b = ("They distributed watered-down HIV/AIDS drugs to patients, sentencing them to death. "
         "The company pleaded guilty in 2013 to seven criminal counts. "
         "It is unclear at this juncture how many AIDS patients received the watered-down "
         "drugs.")
    prob = [[0.8, 0.0, 0.99]]
    found = match_claims(Doc(a), Doc(b), [], SameSideScorer(prob, 0.05))
    assert [(c.a_sentences, c.b_sentences, c.how) for c in found.claims] == [
        ((0,), (2,), "same text")]
    assert Doc(b).sentence_spans[0] in found.b_only
    assert found.method["second_counterparts_set_aside"] == 1
    assert not found.possible  # set aside: not offered as a lead under 0.5 either
    twice = match_claims(Doc(a), Doc(b), [], SameSideScorer(prob, 0.9))
    assert len(twice.claims) == 2 and Doc(b).sentence_spans[0] not in twice.b_only
    counts = twice.to_dict(a, b)["counts"]
    assert (counts["claims"], counts["a_statements"], counts["b_statements"]) == (2, 1, 2)
    assert (counts["a_twice"], counts["b_twice"]) == (1, 0)


def test_two_model_pairs_of_one_sentence_stay_many_to_one():
    """The seeds: B's "While the NYPD didn't comply ..." states what two A sentences
    state (the aide's note; the screenshots), neither restating the other: both pairs
    are the model's, so both stay."""
    a = ("An aide made a note in the booking system about the detainer. "
         "Both cases have screenshots that show the city ignored the requests.")
    b = "The police did not comply with the detainer, but an aide noted it in the system."
    found = match_claims(Doc(a), Doc(b), [], SameSideScorer([[0.8], [0.7]], 0.0))
    assert [(c.a_sentences, c.b_sentences) for c in found.claims] == [((0, 1), (0,))]


def test_another_person_in_a_reworded_pair_is_not_a_changed_name():
    """CNN / POLITICO on the UN week (9840/4d33): two reworded sentences with other people
    in them ("a challenge for Trump", "Cardin and others") were shown as the same fact
    with the name changed, Trump → Cardin, as if the outlets disagreed."""
    a = "The meetings could pose a challenge for Donald Trump given the record of the nominee."
    b = "If she wins, Senator Ben Cardin and others compare the clean-up to a repair mission."
    doc_a, doc_b = Doc(a), Doc(b)
    person = [Fact("person", *span, text, text.lower()) for span, text in (
        ((a.index("Donald Trump"), a.index("Donald Trump") + 12), "Donald Trump"),)]
    other = [Fact("person", b.index("Ben Cardin"), b.index("Ben Cardin") + 10, "Ben Cardin",
                  "ben cardin")]
    (claim,) = match_claims(doc_a, doc_b, [], FixedScorer([[0.9]]), facts_a=person,
                            facts_b=other).claims
    assert claim.kind == "paraphrased"
    assert {(d.change, d.a_text(a), d.b_text(b)) for d in claim.details
            if d.kind == "name"} == {("only_a", "Donald Trump", ""), ("only_b", "", "Ben Cardin")}


def test_a_template_with_names_swapped_says_so():
    """The hoax run twice (e1fe/e2b2): the same words with Bill Murray → Vin Diesel and
    Rochester, New Hampshire → Rockford, Illinois. Each swapped name is a changed detail,
    paired in the order they come, and the summary says the text is the same with
    names changed."""
    from storytrace.comparison import summarize, summary_lines

    a = ("During a radio interview in Rochester, New Hampshire this morning, Hollywood actor "
         "Bill Murray told a story about a burger. He said the burger was the best he had "
         "ever eaten.")
    b = ("During a radio interview in Rockford, Illinois this morning, Hollywood actor Vin "
         "Diesel told a story about a burger. He said the burger was the best he had ever "
         "eaten.")
    found = match_claims(Doc(a), Doc(b), [], FixedScorer([[0.99, 0.0], [0.0, 0.99]]))
    assert [c.kind for c in found.claims] == ["changed_detail", "copied"]
    swaps = [(d.a_text(a), d.b_text(b)) for c in found.claims for d in c.details]
    assert swaps == [("Rochester", "Rockford"), ("New Hampshire", "Illinois"),
                     ("Bill Murray", "Vin Diesel")]
    lines = summary_lines(summarize({"diff": {"claims": found.to_dict(a, b)}}))
    assert "The same text with names changed: Rochester → Rockford, New Hampshire → " \
        "Illinois, Bill Murray → Vin Diesel" in lines


def test_summary_counts_each_statement_once():
    """Eagle Rising / Right Wing News: 19 pairs but 17 statements of A; the summary said
    "19 statements report the same facts"."""
    from storytrace.comparison import summarize, summary_lines

    a = "It is unclear how many AIDS patients received the watered-down drugs."
    b = ("It is unclear how many AIDS patients received the watered-down drugs. "
         "The company pleaded guilty in 2013 to seven criminal counts. "
         "Nobody knows how many AIDS patients got the watered-down drugs.")
    found = match_claims(Doc(a), Doc(b), [], SameSideScorer([[0.99, 0.0, 0.9]], 0.9))
    (line,) = [x for x in summary_lines(summarize({"diff": {"claims": found.to_dict(a, b)}}))
               if x.startswith("Shared")]
    assert "1 statements of A and 2 of B report the same facts, in 2 pairs (1 statement of " \
        "A in two pairs or more" in line


def test_a_credit_line_is_no_statement_of_its_own():
    """'From Politico:' on its own line (AddictingInfo, FakeNewsNet 6de9ee224d2acd51, A
    336-350) was listed 'only in A': it credits, the credits list it, it states nothing."""
    from storytrace.diff.claims import ClaimScorer, match_claims
    from storytrace.text.doc import Doc

    a = Doc("Trump wants the policy everywhere.\n\nFrom Politico:\n\n"
            "Trump said he would do it nationwide.")
    b = Doc("Trump said he would do it nationwide. Critics objected at once.")
    found = match_claims(a, b, [], ClaimScorer(semantic=False))
    only_a = [a.text[s:e] for s, e in found.a_only]
    assert "From Politico:" not in only_a
    assert "Trump wants the policy everywhere." in only_a
    assert [b.text[s:e] for s, e in found.b_only] == ["Critics objected at once."]


def test_a_quotation_both_print_is_not_called_the_writers_words():
    """Trump's 'I think you have to.' printed by AddictingInfo and ABC (FakeNewsNet
    6de9/b936) was a 'copied' statement; it is a quotation both print (JSON ``quoted``,
    counted apart in the summary), including when one version prints it as a block
    without marks (3706/59e3, Kathy Miller's words)."""
    from storytrace.comparison import claims_words, compare, summarize
    from storytrace.model import Article

    a = Article(id="a", text="Trump was asked about crime in Chicago on Wednesday. "
                "“I think you have to. We did it in New York, it worked incredibly well,” "
                "Trump told the questioner. The policy was ended in 2013 by a judge.")
    b = Article(id="b", text="The candidate spoke in Cleveland on Wednesday night. He said:\n\n"
                "I think you have to. We did it in New York, it worked incredibly well.\n\n"
                "Critics said the policy targeted black and Latino residents.")
    result = compare(a, b, Aligner(semantic=False), details=("diff",)).to_dict()
    pairs = result["diff"]["claims"]["pairs"]
    quoted = [p["a_text"] for p in pairs if p["quoted"]]
    assert any("I think you have to" in t for t in quoted), pairs
    assert not any("Cleveland" in p["b_text"] and p["quoted"] for p in pairs)
    shared = summarize(result)["shared"]
    assert shared["claims_quoted"] == len(quoted)
    assert "quotation" in claims_words(shared)


def test_an_age_read_as_a_bare_number_on_one_side_is_the_same_number():
    """'his father Mohammad Sr, 53' and 'Mohammad Sr., 53' (FakeNewsNet b5f4/3487): the
    abbreviation's period made one '53' a bare number and the other an age, and the copied
    statement read 'number only in B: 53; number only in A: 53'."""
    from storytrace.diff.claims import ClaimScorer, match_claims
    from storytrace.text.doc import Doc

    a = Doc("Ahmad, 28, his father Mohammad Sr, 53, and his brother Mohammad, brought the "
            "lawsuit together.")
    b = Doc("Ahmad, 28, his father Mohammad Sr., 53, and his brother Mohammad, brought the "
            "lawsuit together.")
    found = match_claims(a, b, [], ClaimScorer(semantic=False))
    assert len(found.claims) == 1
    assert [d for d in found.claims[0].details if d.kind == "number"] == []


def test_a_name_the_other_side_writes_in_lower_case_is_not_only_in_one():
    """'this twitter user' and 'Twitter may have figured out the answer' (FakeNewsNet
    0c1b/c7de): the claim read 'name only in B: Twitter'."""
    from storytrace.diff.claims import _fact_details
    from storytrace.diff.facts import Fact

    twitter = Fact("org", 0, 7, "Twitter", "twitter")
    found = _fact_details([], [twitter], ([], [twitter]), sides=(
        "Well, this twitter user might have an answer.",
        "Twitter may have figured out the answer."))
    assert found == []
    found = _fact_details([], [twitter], ([], [twitter]), sides=(
        "Well, this user might have an answer.", "Twitter may have figured out the answer."))
    assert [(d.kind, d.change) for d in found] == [("name", "only_b")]


def test_questions_and_section_labels_are_not_statements_only_in_one_version():
    """Held-out reading (session 17): an explainer's FAQ headings ("When is the first
    general election presidential debate?"), POLITICO's closing "Authors:" and CNN's
    "Story highlights" label swelled "only in B: 37"."""
    from storytrace.comparison import compare
    from storytrace.model import Article

    a = Article(id="a", text="Story highlights Monday night marks the first of three debates"
                "\n\nThe debate will be held at Hofstra University on Monday.")
    b = Article(id="b", text="When is the first general election presidential debate?\n\n"
                "The debate will be held at Hofstra University on Monday.\n\nWhat time is "
                "the debate and how long is it?\n\nIt starts at 9 p.m. and runs 90 minutes."
                "\n\nAuthors:")
    d = compare(a, b, details=("diff",)).to_dict()["diff"]["claims"]
    only_b = [b.text[x["start"]:x["end"]] for x in d["b_only"]]
    assert only_b == ["It starts at 9 p.m. and runs 90 minutes."], only_b
    only_a = [a.text[x["start"]:x["end"]] for x in d["a_only"]]
    assert all("Story highlights" not in x for x in only_a), only_a


def test_two_events_of_one_story_are_no_changed_detail():
    """Held-out reading (session 17, d52b/2360): CNN's 'Donald Trump Jr. said Thursday he
    was surprised by the reaction to his tweet ...' and ABC's 'Donald Trump Jr. ... took to
    Twitter on Monday to publish a graphic ...' were one claim 'with a changed detail:
    Thursday -> Monday', a conflict the outlets do not have: they share too few words (0.30
    aligned) to say the rest of the statement is the same. The change is still listed."""
    from storytrace.comparison import compare
    from storytrace.model import Article

    a = Article(id="a", text="Boise, Idaho (CNN) Donald Trump Jr. said Thursday he was "
                "surprised by the reaction to his tweet comparing Syrian refugees to Skittles "
                'because he was "trying to point out things that have to be said."')
    b = Article(id="b", text="Donald Trump Jr., a son of the Republican presidential nominee, "
                "took to Twitter on Monday to publish a graphic that likened Syrian refugees "
                "to Skittles.")
    pairs = compare(a, b, details=("diff",)).to_dict()["diff"]["claims"]["pairs"]
    assert [p["kind"] for p in pairs] == ["paraphrased"], pairs
    assert "number:changed" in [x["kind"] + ":" + x["change"] for x in pairs[0]["details"]]
