"""Attribution extraction (storytrace.provenance) and its PolNeAR evaluation."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import count_operations, hang_guard

from storytrace.eval.attribution import evaluate_attribution, read_ann, read_brat, score_spans
from storytrace.model import Span
from storytrace.provenance import (
    Attribution,
    AttributionExtractor,
    classify_source,
    extract_attributions,
)
from storytrace.provenance.attribution import rule_attributions, tokenize


def find(text: str, kind: str | None = None, source: str | None = None) -> Attribution:
    """The first attribution of ``text`` with that kind and/or source text."""
    found = extract_attributions(text)
    for a in found:
        if kind is not None and a.kind != kind:
            continue
        if source is not None and (a.source is None or a.source.of(text) != source):
            continue
        return a
    raise AssertionError(f"no {kind} attribution with source {source!r} in {text!r}: "
                         f"{[a.to_dict(text) for a in found]}")


def check_offsets(text: str, found: list[Attribution]) -> None:
    for a in found:
        for s in a.spans():
            assert 0 <= s.start < s.end <= len(text)
        assert 0.0 <= a.score <= 1.0


# ------------------------------------------------------------------ pattern families


def test_seed_according_to_new_york_daily_news() -> None:
    t = "The claim was false, according to the New York Daily News."
    a = find(t, "according_to")
    assert a.source.of(t) == "New York Daily News"
    assert (a.source.start, a.source.end) == (38, 57)
    assert a.cue.of(t) == "according to"
    assert a.source_type == "outlet"


@pytest.mark.parametrize(("text", "kind", "source", "cue", "stype"), [
    ("Fox News reported that the senator resigned.", "reported", "Fox News", "reported",
     "outlet"),
    ("Politico reports the bill has stalled.", "reported", "Politico", "reports", "outlet"),
    ("The Washington Post wrote that the plan was dead.", "reported", "Washington Post",
     "wrote", "outlet"),
    ("Mayor Bill de Blasio announced a new curfew on Monday.", "said", "Mayor Bill de Blasio",
     "announced", "person"),
    ("The Pentagon confirmed the strike.", "said", "The Pentagon", "confirmed",
     "organisation"),
    ("Ms. Lee stated that the vote was fair.", "said", "Ms. Lee", "stated", "person"),
    ("Jones claimed the election was rigged.", "said", "Jones", "claimed", "person"),
])
def test_subject_verb_credits(text: str, kind: str, source: str, cue: str, stype: str) -> None:
    a = find(text, kind, source)
    assert a.cue.of(text) == cue
    assert a.source_type == stype


def test_as_reported_by() -> None:
    t = "As reported by The Hill, the vote failed."
    a = find(t, "as_reported")
    assert a.source.of(t) == "The Hill" and a.source_type == "outlet"
    assert "reported" in a.cue.of(t)
    assert a.content.of(t) == "the vote failed"


def test_citing() -> None:
    t = "The paper said, citing two officials, that talks broke down."
    a = find(t, "citing")
    assert a.source.of(t) == "two officials" and a.source_type == "anonymous"


def test_credit_line_via_and_hat_tip() -> None:
    t = "Trump spoke in Ohio.\nSource: Washington Post\n"
    a = find(t, "credit_line")
    assert a.source.of(t) == "Washington Post" and a.cue.of(t) == "Source"
    assert a.source_type == "outlet"
    t = "The video spread fast (via BuzzFeed News)."
    a = find(t, "via")
    assert a.source.of(t) == "BuzzFeed News" and a.source_type == "outlet"
    for t in ("Great catch. h/t The Hill", "Great catch. Hat tip to The Hill."):
        a = find(t, "hat_tip")
        assert a.source.of(t) == "The Hill" and a.source_type == "outlet"


@pytest.mark.parametrize(("text", "source"), [
    ("WASHINGTON (AP) — The Senate voted on Tuesday.", "AP"),
    ("LONDON (Reuters) - Shares fell sharply.", "Reuters"),
    ("The talks ended without a deal.\n— Reuters", "Reuters"),
    ("Shares fell. The Associated Press contributed to this report.", "Associated Press"),
    ("It rained. AFP contributed reporting.", "AFP"),
    ("It rained. UPI contributed to this report.", "UPI"),
    ("Prices rose.\nBy Bloomberg News", "Bloomberg News"),
])
def test_wire_credits(text: str, source: str) -> None:
    a = find(text, "wire_credit", source)
    assert a.source_type == "wire"


def test_told_outlet_is_the_recipient() -> None:
    t = "Smith told Reuters the plant would close."
    a = find(t, "told")
    assert a.source.of(t) == "Smith" and a.source_type == "person"
    assert a.recipient.of(t) == "Reuters"
    t = "Sources told CNN that the deal was off."
    a = find(t, "told")
    assert a.source.of(t) == "Sources" and a.source_type == "anonymous"
    assert a.recipient.of(t) == "CNN"


@pytest.mark.parametrize(("text", "source", "quote"), [
    ('"We will win," Smith said.', "Smith", '"We will win,"'),
    ("“We are not leaving,” said Sen. Ted Cruz.", "Sen. Ted Cruz", "“We are not leaving,”"),
    # An apposition stays with its name, as in the PolNeAR annotation the tagger learned.
    ('"It is over", said Jane Doe, a spokeswoman.', "Jane Doe, a spokeswoman", '"It is over"'),
    ("Mrs. Clinton said: “I am ready.”", "Mrs. Clinton", "“I am ready.”"),
    ("‘No comment,’ Jones said.", "Jones", "‘No comment,’"),
])
def test_quotes_with_speakers(text: str, source: str, quote: str) -> None:
    a = find(text, "quote", source)
    assert a.content.of(text) == quote
    assert a.source_type == "person"
    assert a.cue.of(text).startswith("said")


@pytest.mark.parametrize(("text", "source"), [
    ("Officials said the bridge was unsafe.", "Officials"),
    ("A source said the meeting was cancelled.", "A source"),
    ("Administration officials say the plan is dead.", "Administration officials"),
])
def test_anonymous_sources(text: str, source: str) -> None:
    a = find(text, source=source)
    assert a.source_type == "anonymous"


def test_pronoun_source() -> None:
    t = "He said the plan was dead."
    a = find(t, source="He")
    assert a.cue.of(t) == "said" and a.source_type == "person"


def test_plain_sentence_has_no_attribution() -> None:
    for t in ("The cat sat on the mat and purred.",
              "Heavy rain is expected across the region on Sunday.",
              ""):
        assert extract_attributions(t) == []
        assert rule_attributions(t) == []


def test_learned_tagger_finds_long_tail_cue() -> None:
    t = "Senator Warren criticized the merger in a letter on Friday."
    found = extract_attributions(t)
    assert any(a.source is not None and a.source.of(t) == "Senator Warren"
               and a.cue is not None and "criticized" in a.cue.of(t) for a in found)


def test_tagger_features_and_model_size() -> None:
    from importlib import resources

    from storytrace.provenance.attribution import MODEL_NAME, token_features

    words = "Hillary Clinton reported Trump was wrong .".split()
    feats = token_features(words, {"hillary", "clinton", "report", "trump"}, {"reported": 0.5})
    # A name's tokens see the verb just after the name; an inflection sees its stem.
    assert "ar=<unk>" in feats[0] and "ar=<unk>" in feats[1]
    assert "st=~report" in feats[2] and "st-1=~report" in feats[3]
    # Word clusters: a token and its neighbours carry their cluster ids ("?" if none).
    feats = token_features(words, set(), {}, {"reported": "3/41", "trump": "5/7"})
    assert "cl=3/41" in feats[2] and "cl-1=?" in feats[2] and "cl+1=5/7" in feats[2]
    assert not any(f.startswith("cl") for f in token_features(words, set(), {})[2])
    model = Path(str(resources.files("storytrace") / "data" / MODEL_NAME))
    assert model.stat().st_size < 3_000_000


def test_clean_source_keeps_appositive_closing_comma() -> None:
    from storytrace.provenance.attribution import _clean_source

    t = "Gary Emineth, a former state party chairman, said no. Smith, 40 said no."
    # PolNeAR's convention: the appositive's closing comma belongs to the source ...
    assert _clean_source(t, Span(0, 43)).of(t) == "Gary Emineth, a former state party chairman,"
    assert _clean_source(t, Span(0, 44)).of(t) == "Gary Emineth, a former state party chairman,"
    # ... but a plain name followed by a comma does not take it.
    assert _clean_source(t, Span(0, 13)).of(t) == "Gary Emineth"


def test_quoted_content_runs_to_its_closing_mark() -> None:
    from storytrace.provenance.attribution import _close_quote

    t = "‘No comment,’ Jones said. “Yes” and no."
    assert _close_quote(t, Span(0, 11)).of(t) == "‘No comment,’"
    assert _close_quote(t, Span(26, 31)).of(t) == "“Yes”"  # already closed
    assert _close_quote(t, Span(14, 19)).of(t) == "Jones"  # not a quotation


def test_stage_source_bias_moves_only_sources() -> None:
    import numpy as np

    from storytrace.provenance.attribution import Stage

    # One token: "O" scores 1, "B-S" 0.5; a Source bias of +1 makes it a source.
    w = np.array([[1.0, 0.5, 0, 0, 0, 0, 0]])
    plain = Stage(["b"], w, np.zeros((8, 7)))
    biased = Stage.from_dict(Stage(["b"], w, np.zeros((8, 7)), s_bias=1.0).to_dict())
    assert plain.decode([["b"]])[0] == [0]
    assert biased.decode([["b"]])[0] == [1]


def test_rules_only_extractor_and_to_dict() -> None:
    t = "Politico reported that the talks failed."
    (a,) = AttributionExtractor(use_tagger=False).extract(t)
    d = a.to_dict(t)
    assert d["source"] == {"start": 0, "end": 8, "text": "Politico"}
    assert d["cue"]["text"] == "reported" and d["kind"] == "reported"
    assert d["content"]["text"] == "that the talks failed"
    assert Attribution(None, None, None).to_dict()["source"] is None


# ------------------------------------------------------------------- source typing


@pytest.mark.parametrize(("name", "stype"), [
    ("New York Times", "outlet"), ("the Washington Post", "outlet"), ("The Hill", "outlet"),
    ("Breitbart", "outlet"), ("CNN", "outlet"), ("Politico", "outlet"),
    ("New York Daily News", "outlet"), ("the Springfield Gazette", "outlet"),
    ("KXAN-TV", "outlet"), ("dailykos.com", "outlet"), ("the newspaper", "outlet"),
    ("AP", "wire"), ("Reuters", "wire"), ("Associated Press", "wire"), ("AFP", "wire"),
    ("Bloomberg", "wire"), ("UPI", "wire"),
    ("Mr. Trump", "person"), ("Donald Trump", "person"), ("Sen. Ted Cruz", "person"),
    ("campaign manager Robby Mook", "person"), ("she", "person"),
    ("officials", "anonymous"), ("a source familiar with the talks", "anonymous"),
    ("senior administration officials", "anonymous"),
    ("the Justice Department", "organisation"), ("the FBI", "organisation"),
    ("a new report", "document"), ("the poll", "document"), ("it", "unknown"),
])
def test_classify_source(name: str, stype: str) -> None:
    assert classify_source(name) == stype


# ------------------------------------------------------------------- hostile input


# Each hostile text is a unit repeated ``copies`` times. The whole text must come back
# valid, under a hang guard only (a quadratic pass over a million characters would never
# end), and the learned tagger must read no more than its cap. The work must grow
# linearly: the operations on 2k copies of the unit are about twice those on k copies
# (k chosen for about a million operations; four times as many if quadratic).
HOSTILE = [  # (unit, copies, k)
    ('"', 1_000_000, 200_000),  # a million straight quotes
    ("“", 500_000, 100_000),  # with as many ”: a million curly quotes, none closing early
    ('"unbalanced ', 10_000, 500),  # quotes that never pair the way a reader expects
    ("according to ", 10_000, 500),
    ("Smith said ", 10_000, 500),
    ("\x00 said \x00 told \U0001F600 “hi,” 😀 said Bob.\n", 2_000, 1_000),  # NUL, emoji
    ("\ud800 lone surrogate said “x” \udfff ", 1_000, 150),
    ("A", 1_000_000, 100_000),
    ("Aa ", 200_000, 1_000),
]


def _hostile(unit: str, copies: int) -> str:
    return unit * copies + ("”" * copies if unit == "“" else "")


@pytest.mark.parametrize(("unit", "copies", "k"), HOSTILE,
                         ids=[f"text{i}" for i in range(len(HOSTILE))])
def test_hostile_input_is_bounded_and_valid(unit: str, copies: int, k: int,
                                            monkeypatch) -> None:
    from storytrace.provenance import attribution
    from storytrace.provenance.tagging import MAX_TAGGED_TOTAL

    extract_attributions("Warm-up, Smith said.")  # the tagger loaded before counting
    attribution._extracted.cache_clear()  # count the tagging, not a cached copy
    _, ops_small = count_operations(extract_attributions, _hostile(unit, k))
    _, ops_large = count_operations(extract_attributions, _hostile(unit, 2 * k))
    assert ops_large <= 2.25 * ops_small + 1_000, (ops_small, ops_large)

    tagged = []
    tag_tokens = attribution.Tagger.tag_tokens
    monkeypatch.setattr(attribution.Tagger, "tag_tokens",
                        lambda self, words: tagged.append(len(words)) or tag_tokens(self, words))
    text = _hostile(unit, copies)
    with hang_guard(300, "extract_attributions on a hostile text"):
        found = extract_attributions(text)
    check_offsets(text, found)
    assert sum(tagged) <= MAX_TAGGED_TOTAL


def test_unicode_offsets_are_code_points() -> None:
    t = "😀😀 “Nope,” said Zoë Ångström. 🇺🇸"
    a = find(t, "quote")
    assert a.source.of(t) == "Zoë Ångström"
    assert t[a.content.start : a.content.end] == "“Nope,”"


def test_tokenize_offsets() -> None:
    t = "Mr. Cook’s aide said: “No.”"
    assert [t[s:e] for s, e in tokenize(t)][:4] == ["Mr", ".", "Cook’s", "aide"]


# ------------------------------------------------------------------- brat + scores


def write_split(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    text = "Smith said the plan failed. The plan, he said, “was doomed” he added.\n"
    (root / "text" / "doc.txt").write_text(text, encoding="utf-8")
    ann = (
        "T1\tSource 0 5\tSmith\n"
        "T2\tCue 6 10\tsaid\n"
        "T3\tContent 11 26\tthe plan failed\n"
        "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
        "T4\tContent 28 36;47 59\tThe plan “was doomed”\n"
        "T5\tSource 38 40\the\n"
        "T6\tCue 41 45\tsaid\n"
        "E2\tAttribution:T6 Content:T4 Cue:T6 Source:T5\n"
        "T7\tSource x y\tbroken\n"
        "#1\tAnnotatorNotes T1\tfine\n"
    )
    (root / "attributions" / "doc_ab12.ann").write_text(ann, encoding="utf-8")
    (root / "attributions" / "doc_zz99.ann").write_text("T1\tSource 0 2\tSm\n")
    return root


def test_read_brat_discontinuous_and_malformed(tmp_path: Path) -> None:
    errors: list[str] = []
    docs = read_brat(write_split(tmp_path / "split"), on_error=errors.append)
    text, anns = docs["doc"]
    by_id = {a.id: a for a in anns}
    assert set(by_id) == {"T1", "T2", "T3", "T4", "T5", "T6"}  # first annotator's file
    content = by_id["T4"]
    assert [f.of(text) for f in content.fragments] == ["The plan", "“was doomed”"]
    assert (content.start, content.end) == (28, 59)
    assert by_id["T5"].event == "E2" and by_id["T1"].event == "E1"
    assert len(errors) == 1
    assert "doc_ab12.ann:9:" in errors[0] and "\n" not in errors[0]


def test_read_ann_skips_bad_offsets_and_continuation_lines(tmp_path: Path) -> None:
    p = tmp_path / "a.ann"
    p.write_text("T1\tContent 0 9;10 13\tfirst par\n\nend\nT2\tCue 0 99\tx\nnonsense\n")
    errors: list[str] = []
    anns = read_ann(p, "first par\nend", on_error=errors.append)
    assert [a.id for a in anns] == ["T1"]
    assert len(errors) == 2
    assert errors[0].startswith(f"{p}:4:") and errors[1].startswith(f"{p}:5:")


def test_score_spans_hand_computed() -> None:
    t = "Officials said the plan failed, he said."
    gold = [Span(0, 9), Span(32, 34)]
    pred = [Span(0, 14), Span(32, 34), Span(15, 23), Span(15, 23)]  # duplicate counted once
    s = score_spans([(t, gold, pred)])
    # exact: 1 of 3 predictions, 1 of 2 gold spans
    assert s["exact"]["precision"] == pytest.approx(1 / 3)
    assert s["exact"]["recall"] == pytest.approx(1 / 2)
    assert s["exact"]["f1"] == pytest.approx(0.4)
    # overlap: (0,14) and (32,34) touch gold; both gold spans are touched
    assert s["overlap"]["precision"] == pytest.approx(2 / 3)
    assert s["overlap"]["recall"] == 1.0
    # tokens: predicted {Officials, said, he, the, plan} ∩ gold {Officials, he} = 2
    assert s["token"]["precision"] == pytest.approx(2 / 5)
    assert s["token"]["recall"] == 1.0
    empty = score_spans([(t, [], [])])
    assert empty["overlap"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_evaluate_attribution_on_tiny_split(tmp_path: Path) -> None:
    root = write_split(tmp_path / "split")
    text = (root / "text" / "doc.txt").read_text()

    def fake(t: str) -> list[Attribution]:
        assert t == text
        return [Attribution(Span(0, 5), Span(6, 10), Span(11, 20)),  # source, cue exact
                Attribution(Span(38, 40), Span(41, 50), None),  # cue overlaps only
                Attribution(None, Span(60, 65), Span(47, 59))]  # cue wrong, content fragment

    errors: list[str] = []
    r = evaluate_attribution(root, fake, on_error=errors.append)
    assert r["documents"] == 1 and len(errors) == 1
    assert r["Source"]["exact"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    cue = r["Cue"]
    assert cue["exact"]["precision"] == pytest.approx(1 / 3)
    assert cue["exact"]["recall"] == pytest.approx(1 / 2)
    assert cue["overlap"]["precision"] == pytest.approx(2 / 3)
    assert cue["overlap"]["recall"] == 1.0
    content = r["Content"]  # gold: (11,26), (28,36), (47,59)
    assert content["exact"]["precision"] == pytest.approx(1 / 2)
    assert content["exact"]["recall"] == pytest.approx(1 / 3)
    assert content["overlap"]["precision"] == 1.0
    assert content["overlap"]["recall"] == pytest.approx(2 / 3)


def test_viterbi_many_gives_each_windows_own_path():
    """The batched decoder gives every window the path the one-window decoder gives,
    ties included (rounded scores tie often), windows of length 0 and 1 included."""
    import numpy as np

    from storytrace.provenance.tagging import viterbi, viterbi_many

    rng = np.random.default_rng(1)
    for _ in range(200):
        emissions = [rng.normal(size=(int(rng.integers(0, 30)), 7)).round(int(rng.integers(0, 3)))
                     for _ in range(int(rng.integers(0, 6)))]
        transitions = rng.normal(size=(8, 7)).round(1)
        assert viterbi_many(emissions, transitions) == [viterbi(e, transitions)
                                                        for e in emissions]
