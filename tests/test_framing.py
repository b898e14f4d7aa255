"""Framing signals (storytrace.framing) and their evaluation (storytrace.eval.framing).

Nothing here retrains the shipped models; the evaluations run on small slices of
../shared/data that the models did not see.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import shared_path
from typer.testing import CliRunner

from storytrace.cli.eval_framing import register
from storytrace.eval.framing import (
    evaluate_clickbait,
    evaluate_hyperpartisan,
    evaluate_propaganda,
    held_out,
    read_chakraborty,
    read_hyperpartisan,
    read_ptc,
    read_webis,
    si_score,
    text_key,
)
from storytrace.framing import Framing, Signal, analyze_article, analyze_framing, framing_delta
from storytrace.framing.clickbait import ClickbaitModel, typography
from storytrace.framing.emphasis import caps_spans, exclamation_spans
from storytrace.framing.hyperpartisan import (
    STYLE_FEATURES,
    HyperpartisanModel,
    fit_hyperpartisan,
    style_features,
)
from storytrace.framing.linear import bundled, read_npz
from storytrace.framing.opinion import opinion_score
from storytrace.ingest.plaintext import text_article
from storytrace.model import Article

SEED_001 = "001_36f01ec5b307d8ad.txt"
SEED_000 = "000_d761ffa0f73a1395.txt"


def seed(seeds_dir: Path, name: str) -> Article:
    return text_article((seeds_dir / name).read_text(encoding="utf-8"), name)


def check_offsets(framing: Framing, title: str, text: str) -> None:
    fields = {"title": title, "text": text}
    for s in framing.signals:
        value = fields[s.field]
        assert 0 <= s.start < s.end <= len(value), s
        assert value[s.start : s.end] == s.text, s
        assert 0.0 <= s.score <= 1.0, s


# --------------------------------------------------------------------------- seeds

def test_seed_001_headline_is_clickbait_and_a_plain_headline_is_not(seeds_dir):
    article = seed(seeds_dir, SEED_001)
    assert article.title.startswith("BOOM!")  # ingest takes the first line as the title
    headline = analyze_article(article).headline_clickbait
    assert headline is not None and headline.is_clickbait and headline.score >= 0.5
    plain = analyze_framing("The city council approved the budget on Tuesday.",
                            title="City council approves 2018 budget after long debate")
    assert plain.headline_clickbait is not None
    assert not plain.headline_clickbait.is_clickbait
    assert plain.headline_clickbait.score < 0.5


def test_seed_001_loaded_language_is_flagged_with_offsets(seeds_dir):
    article = seed(seeds_dir, SEED_001)
    framing = analyze_article(article)
    loaded = framing.of_kind("loaded_language", "name_calling", "propaganda")
    found = {article.text[s.start : s.end] for s in loaded if s.field == "text"}
    assert "Leftists" in found
    assert "brought to heel" in found
    check_offsets(framing, article.title, article.text)
    assert any(s.kind == "caps" and s.text == "DISOBEYED" for s in framing.signals)
    assert not any(s.kind == "caps" and s.text == "NYPD" for s in framing.signals)
    opinions = {s.text for s in framing.of_kind("opinion")}
    assert any(t.startswith("Yeah, it’s nice") for t in opinions)
    assert not any(t.startswith("After a judge released him") for t in opinions)


def test_framing_delta_of_the_seeds(seeds_dir):
    a = analyze_article(seed(seeds_dir, SEED_000))
    b = analyze_article(seed(seeds_dir, SEED_001))
    delta = framing_delta(a, b)
    assert delta["summary"].startswith("clickbait headline, ")
    assert "name-calling span" in delta["summary"] and "opinion sentence" in delta["summary"]
    assert delta["headline"]["became_clickbait"] is True
    assert delta["added"]["name_calling"] >= 1
    json.dumps(delta)
    same = framing_delta(b, b)
    assert same["summary"] == "no new framing signals" and same["added"] == {}


def test_framing_to_dict_is_json_ready(seeds_dir):
    d = analyze_article(seed(seeds_dir, SEED_001)).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert set(d) == {"signals", "headline_clickbait", "hyperpartisan", "counts"}
    assert set(d["signals"][0]) >= {"kind", "field", "start", "end", "score", "label",
                                    "evidence"}
    assert set(d["headline_clickbait"]) >= {"score", "is_clickbait"}
    assert 0.0 <= d["hyperpartisan"]["score"] <= 1.0
    assert d["counts"]["caps"] == 3


# --------------------------------------------------------------------------- offsets

@pytest.mark.parametrize("title, text", [
    ("", ""),
    ("WOW!!", ""),
    ("", "Just one line with no end"),
    ("Ünïcode “quotes” — OUTRAGE!", "Café owners are FURIOUS!\r\nThey’re “all” thugs.\n\n\nEnd."),
    ("A\tB", "\u00a0Leftists\u00a0must be brought\nto heel!!! RIGHT NOW."),
])
def test_offsets_slice_the_original_fields(title, text):
    framing = analyze_framing(text, title or None)
    check_offsets(framing, title, text)
    assert (framing.headline_clickbait is None) == (not title)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(alphabet="AbCz!?’“” \n.,", max_size=30),
       text=st.text(alphabet="AbCDEFGHIz lefTists!?.,’“”\n\r\t\u00a0", max_size=200))
def test_offsets_slice_the_original_fields_for_any_text(title, text):
    check_offsets(analyze_framing(text, title or None), title, text)


def test_analyze_framing_rejects_non_strings():
    with pytest.raises(TypeError):
        analyze_framing(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rules

def test_caps_and_exclamations():
    t = 'The NYPD and ICE told US officials. He is FINISHED! She said “Stop!” today.'
    assert [t[s:e] for s, e, _, _ in caps_spans(t)] == ["FINISHED"]
    assert [t[s:e] for s, e, _, _ in exclamation_spans(t)] == ["He is FINISHED!"]
    run = "They are TOTALLY, COMPLETELY wrong"
    assert [run[s:e] for s, e, _, _ in caps_spans(run)] == ["TOTALLY, COMPLETELY"]


def test_typography_rule_and_decision():
    assert typography("Mayor signs law")[0] == 0.0
    assert typography("Mayor signs LAW")[0] < 0.5  # one shouted word is not enough
    assert typography("Mayor signs LAW!")[0] >= 0.5
    model = ClickbaitModel.default()
    heads = ["17 Things Only 90s Kids Will Understand", "Parliament passes budget bill"]
    assert list(model.decide(heads) >= 0.5) == [True, False]
    strength = model.strength(heads)
    assert strength[0] > strength[1] and ((0 <= strength) & (strength <= 1)).all()


def test_opinion_heuristic():
    score, cues = opinion_score("Yeah, it’s nice, but you should pack your bags.")
    assert score > 0.5 and "obligation" in cues and "addresses reader" in cues
    assert opinion_score("The court released him on March 2, police said.")[0] < 0.5
    # a quoted opinion is reported speech, and "US" is not "us"
    assert opinion_score('“We must act,” the mayor told reporters.')[0] < 0.5
    assert "first person" not in opinion_score("He re-entered the US in 2016.")[1]


# --------------------------------------------------------------------------- measures

def test_si_score_hand_computed():
    assert si_score({"1": [(0, 10)]}, {"1": [(5, 15)]}) == {
        "precision": 0.5, "recall": 0.5, "f1": 0.5, "predicted": 1, "gold": 1}
    # two predictions inside one gold span: P = (4/4 + 2/2) / 2, R = (4/8 + 2/8) / 1
    r = si_score({"1": [(0, 4), (6, 8)]}, {"1": [(0, 8)]})
    assert (r["precision"], r["recall"], r["f1"]) == (1.0, 0.75, 0.8571)
    # overlapping gold spans are merged first, as the official scorer does
    assert si_score({"1": [(0, 10)]}, {"1": [(0, 5), (3, 10)]})["f1"] == 1.0
    # micro-averaged over articles; an article with no prediction still counts its gold
    r = si_score({"a": [(0, 2)]}, {"a": [(0, 2)], "b": [(0, 4)]})
    assert (r["precision"], r["recall"], r["f1"]) == (1.0, 0.5, 0.6667)
    assert si_score({}, {"a": [(0, 4)]})["f1"] == 0.0
    assert si_score({}, {})["f1"] == 1.0


def test_split_is_deterministic_and_about_a_fifth():
    keys = [f"headline {i}" for i in range(2000)]
    share = sum(map(held_out, keys)) / len(keys)
    assert 0.17 < share < 0.23
    assert [held_out(k) for k in keys[:50]] == [held_out(k) for k in keys[:50]]
    assert text_key("  Hello   WORLD ") == "hello world"


def test_bundled_models_load_without_pickle_and_record_their_training():
    total = 0
    for name in ("clickbait", "hyperpartisan", "propaganda"):
        path = Path(__file__).resolve().parents[1] / "src/storytrace/data" / f"framing_{name}.npz"
        total += path.stat().st_size
        _, meta = read_npz(path.read_bytes())  # np.load(allow_pickle=False)
        assert meta["training"]["command"].startswith("python bench/train_framing.py")
        assert meta["training"]["data"] and meta["training"]["split"]
        assert meta["scores"]
        assert bundled(name)[1]["model"] == name
    assert total < 5_000_000



def test_hyperpartisan_style_numbers_see_what_ngrams_cannot():
    # The same words on one line or one a line hash to identical n-gram rows; only the
    # style block (line breaks, title and paragraph sizes) can tell the two apart.
    words = ["budget", "senate", "vote", "tax", "plan", "deal", "court", "law"]
    texts, labels = [], []
    for i in range(12):
        picked = [words[(i + j) % len(words)] for j in range(6)]
        texts += ["\n".join(picked), " ".join(picked)]
        labels += [1, 0]
    model = HyperpartisanModel(*fit_hyperpartisan(texts, labels))
    probe = ["court", "law", "tax", "vote", "deal", "plan"]
    broken, flat = "\n".join(probe), " ".join(probe)
    assert (model.hasher.transform([broken]) != model.hasher.transform([flat])).nnz == 0
    p_broken, p_flat = model.score([broken, flat])
    assert p_broken > 0.5 > p_flat


def test_hyperpartisan_style_features():
    f = dict(zip(STYLE_FEATURES, style_features('Is THIS news?\nWe said "no way". I agree!'),
                 strict=True))
    assert f["title_has_question"] == 1.0 and f["title_has_exclamation"] == 0.0
    assert f["quoted_char_share"] == pytest.approx(len('"no way"') / 40)
    assert f["first_person_rate"] == pytest.approx(2 / 9)
    assert f["shouted_word_share"] == pytest.approx(1 / 9)
    assert f["exclamations_per_sentence"] == pytest.approx(1 / 3)
    assert not style_features("").any()  # no division by zero on empty text
    meta = bundled("hyperpartisan")[1]
    assert meta["features"]["style"]["names"] == list(STYLE_FEATURES)

# --------------------------------------------------------------------------- evaluations

def _chakraborty_slice(folder: Path, n: int = 40) -> Path:
    headlines = read_chakraborty(shared_path("data", "clickbait-chakraborty"))
    folder.mkdir()
    for name, label in (("clickbait_data", 1), ("non_clickbait_data", 0)):
        keep = [h.text for h in headlines if h.label == label and held_out(text_key(h.text))][:n]
        with gzip.open(folder / f"{name}.gz", "wt", encoding="utf-8") as f:
            f.write("\n\n".join(keep) + "\n")
    return folder


def test_evaluate_clickbait_on_held_out_slices(tmp_path):
    result = evaluate_clickbait(_chakraborty_slice(tmp_path / "chak"))
    assert result["dataset"] == "chakraborty" and result["n"] == 80
    assert result["skipped_trained"] == 0 and result["accuracy"] >= 0.9
    assert set(result["model_only"]) == {"accuracy", "precision", "recall", "f1"}

    posts = json.loads(shared_path("data", "webis-clickbait17", "train.json").read_text())
    held = [p for p in posts if held_out(text_key(p["post_text"]))][:60]
    trained = [p for p in posts if not held_out(text_key(p["post_text"]))][:20]
    path = tmp_path / "webis.json"
    path.write_text(json.dumps(held + trained))
    result = evaluate_clickbait(path)
    assert result["dataset"] == "webis" and result["n"] == 60
    assert result["skipped_trained"] == 20
    assert 0.0 <= result["mse"] < 0.08 and 0.0 <= result["f1"] <= 1.0

    path.write_text(json.dumps(trained))
    with pytest.raises(ValueError, match="nothing held out"):
        evaluate_clickbait(path)


def _hyperpartisan_slice(folder: Path, per_class: int = 5) -> Path:
    source = shared_path("data", "hyperpartisan-semeval2019")
    items = read_hyperpartisan(source)
    keep = [a for a in items if a.label][:per_class] + [a for a in items if not a.label][
        :per_class]
    folder.mkdir()
    body = "".join(f'<article id="{a.id}" title="{a.title.replace("&", "&amp;")}">'
                   f"<p>{a.text[:1500].replace('&', '&amp;').replace('<', '&lt;')}</p>"
                   f"</article>\n" for a in keep)
    (folder / "articles.xml").write_text(f"<articles>\n{body}</articles>\n", encoding="utf-8")
    truth = "".join(f'<article id="{a.id}" hyperpartisan="{str(bool(a.label)).lower()}"/>\n'
                    for a in keep)
    (folder / "ground-truth.xml").write_text(f"<articles>\n{truth}</articles>\n")
    return folder


def test_evaluate_hyperpartisan_cross_validates_a_slice(tmp_path):
    result = evaluate_hyperpartisan(_hyperpartisan_slice(tmp_path / "hp"), folds=2)
    assert result["articles"] == 10 and result["hyperpartisan"] == 5
    assert len(result["fold_accuracy"]) == 2 and 0.0 <= result["accuracy"] <= 1.0
    with pytest.raises(ValueError, match="at least 6 articles of each class"):
        evaluate_hyperpartisan(tmp_path / "hp", folds=6)


def _ptc_slice(folder: Path, ids: list[str]) -> Path:
    source = shared_path("data", "ptc-semeval2020-task11")
    (folder / "articles").mkdir(parents=True)
    (folder / "labels-SI").mkdir()
    for aid in ids:
        shutil.copy(source / "articles" / f"article{aid}.txt", folder / "articles")
        labels = source / "labels-SI" / f"article{aid}.task1-SI.labels"
        if labels.exists():
            shutil.copy(labels, folder / "labels-SI")
    return folder


def test_evaluate_propaganda_on_held_out_articles(tmp_path):
    source = shared_path("data", "ptc-semeval2020-task11")
    ids = sorted(p.stem[len("article"):] for p in (source / "articles").glob("article*.txt"))
    held = [i for i in ids if held_out(i)][:4]
    result = evaluate_propaganda(_ptc_slice(tmp_path / "ptc", held))
    assert result["n"] == 4 and result["skipped_trained"] == 0
    assert 0.0 < result["f1"] <= 1.0 and result["gold"] > 0
    assert set(result["model_only"]) == set(result["with_lexicon"])
    trained = [i for i in ids if not held_out(i)][:2]
    with pytest.raises(ValueError, match="nothing held out"):
        evaluate_propaganda(_ptc_slice(tmp_path / "seen", trained))


# --------------------------------------------------------------------------- bad input

def test_bad_input_errors_name_the_file_and_reason(tmp_path):
    with pytest.raises(ValueError, match=r"^.*empty: no clickbait_data\.gz"):
        (tmp_path / "empty").mkdir()
        read_chakraborty(tmp_path / "empty")
    bad = tmp_path / "bad.json"
    bad.write_text('[{"post_text": "x", "truth_mean": 0.2}, {"post_text": "y"}]')
    with pytest.raises(ValueError, match=r"bad\.json: item 2: truth_mean"):
        read_webis(bad)
    bad.write_text("[{")
    with pytest.raises(ValueError, match=r"bad\.json: invalid JSON"):
        read_webis(bad)

    ptc = tmp_path / "ptc"
    (ptc / "articles").mkdir(parents=True)
    (ptc / "labels-SI").mkdir()
    (ptc / "articles" / "article1.txt").write_text("Title\n\nBody text.")
    labels = ptc / "labels-SI" / "article1.task1-SI.labels"
    labels.write_text("1\t0\t5\n1\t3\n")
    with pytest.raises(ValueError, match=r"article1\.task1-SI\.labels:2: expected 3"):
        read_ptc(ptc)
    labels.write_text("1\t0\t500\n")
    with pytest.raises(ValueError, match=r"labels:1: span 0-500 outside the article"):
        read_ptc(ptc)
    with pytest.raises(ValueError, match="expected articles/ and labels-SI/"):
        read_ptc(tmp_path)

    hp = tmp_path / "hp"
    hp.mkdir()
    (hp / "articles.xml").write_text('<articles><article id="1" title="T"><p>A&nbsp;b</p>'
                                     '</article><article id="2"><p>c</p></article></articles>')
    (hp / "ground-truth.xml").write_text('<articles><article id="1" hyperpartisan="true"/>'
                                         '</articles>')
    with pytest.raises(ValueError, match=r"articles\.xml: article 2 has no label"):
        read_hyperpartisan(hp)
    (hp / "ground-truth.xml").write_text('<articles><article id="1" hyperpartisan="true"/>'
                                         '<article id="2" hyperpartisan="false"/></articles>')
    items = read_hyperpartisan(hp)  # the undefined &nbsp; is recovered, not fatal
    assert [a.id for a in items] == ["1", "2"] and items[0].title == "T"


def test_cli_commands_and_one_line_errors(tmp_path):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    folder = _chakraborty_slice(tmp_path / "chak", n=10)
    result = runner.invoke(app, ["clickbait", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["n"] == 20
    result = runner.invoke(app, ["clickbait", str(folder)])
    assert result.exit_code == 0 and "accuracy" in result.stdout
    for command in ("clickbait", "hyperpartisan", "propaganda"):
        result = runner.invoke(app, [command, str(tmp_path / "missing")])
        assert result.exit_code == 2, (command, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "missing" in lines[0]
        assert "Traceback" not in result.output


def test_signal_to_dict_round_trips():
    s = Signal("caps", "title", 0, 4, 0.8, "caps", "word in capitals", "BOOM")
    assert s.to_dict() == {"kind": "caps", "field": "title", "start": 0, "end": 4,
                           "score": 0.8, "label": "caps", "evidence": "word in capitals",
                           "text": "BOOM"}


def test_a_dateline_is_not_shouting_but_a_headline_still_can_be():
    """'NEW YORK –' opening a paragraph is a dateline (POLITICO, FakeNewsNet), not shouted
    capitals; in a headline, capitals before a dash still count."""
    from storytrace.framing.analyze import analyze_framing as analyze

    text = ("NEW YORK – All politics is geopolitical this year.\n\n"
            "ROCKFORD, Illinois – During a radio interview this morning, he was FURIOUS.")
    caps = [s.text for s in analyze(text).signals if s.kind == "caps"]
    assert caps == ["FURIOUS"]
    headline = [s.text for s in analyze(text, title="BREAKING – Mayor quits").signals
                if s.kind == "caps" and s.field == "title"]
    assert headline == ["BREAKING"]


def test_a_very_long_run_of_capitals_is_one_span_counted_once():
    """Two megabytes of shouted words are one span (counting the run as it grew was
    quadratic: minutes for this input); a hang guard far above the normal time."""
    from tests.conftest import hang_guard

    from storytrace.framing.emphasis import caps_spans

    text = "SHARES " * 300_000
    with hang_guard(120, "caps_spans on 2 MB of capitals"):
        spans = caps_spans(text, body=True)
    assert spans == [(0, len(text) - 1, 1.0, "300000 words in capitals")]
