"""`storytrace compare`, `eval align` and `make-bench reuse` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from storytrace.cli import app
from storytrace.cli.compare import load_article
from storytrace.eval.pan import read_pairs, read_truth

runner = CliRunner()


def test_compare_seed_files_json(seeds_dir):
    a, b = sorted(seeds_dir.glob("*.txt"))
    result = runner.invoke(app, ["compare", str(a), str(b), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"a", "b", "passages", "coverage", "repeats"}
    assert data["b"]["title"].startswith("BOOM! NYPD")
    text_a = a.read_text(encoding="utf-8").strip()
    for p in data["passages"]:
        assert set(p) >= {"a_start", "a_end", "b_start", "b_end", "kind", "score"}
        assert 0 <= p["a_start"] < p["a_end"] <= len(text_a)
    assert len(data["repeats"]["a"]) == 1 and data["repeats"]["b"] == []
    assert 0 < data["coverage"]["a"] < 1
    # Credited sources (issue 5) and the facts diff (issue 6) come with offsets.
    text_b = b.read_text(encoding="utf-8")
    credited = {x["source"]["text"] for x in data["attributions"]["b"]
                if x["source"] and x["source_type"] == "outlet"}
    assert {"US Herald", "New York Daily News"} <= credited
    for x in data["attributions"]["b"]:
        if x["source"]:
            assert x["source"]["text"] in text_b
    assert data["diff"]["summary"]["a_adds"] and data["diff"]["summary"]["b_adds"]
    # Direction (issue 5): no times, no matching credit: "unknown", with its reasons.
    assert data["direction"]["verdict"] == "unknown" and data["direction"]["evidence"]
    # Framing (issue 6): 001's headline is clickbait, its loaded language flagged.
    framing = data["framing"]
    assert framing["b"]["headline_clickbait"]["is_clickbait"]
    loaded = {x["text"] for x in framing["b"]["signals"]
              if x["kind"] in ("loaded_language", "name_calling")}
    assert {"Leftists", "brought to heel"} <= loaded
    article_b = load_article(str(b), Path("unused.db"))
    for x in framing["b"]["signals"]:
        source = article_b.title if x["field"] == "title" else article_b.text
        assert source[x["start"]:x["end"]] == x["text"]


def test_compare_passages_only_and_text_output(seeds_dir):
    a, b = sorted(seeds_dir.glob("*.txt"))
    result = runner.invoke(app, ["compare", str(a), str(b), "--passages-only", "--lexical",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "diff" not in json.loads(result.stdout)
    text = runner.invoke(app, ["compare", str(a), str(b), "--lexical"])
    assert text.exit_code == 0, text.output
    assert "Credits: only B: the US Herald" in text.stdout
    assert "A adds (" in text.stdout or "Only in A (" in text.stdout


def test_compare_ids_from_store(tmp_path, seeds_dir):
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["ingest", str(seeds_dir), "--db", str(db)]).exit_code == 0
    ids = [r["id"] for r in json.loads(
        runner.invoke(app, ["ls", "--db", str(db), "--format", "json"]).stdout)]
    result = runner.invoke(app, ["compare", ids[0][:8], ids[1], "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "repeated in A" in result.stdout


def test_compare_unknown_reference_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["compare", "nope", "nada", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "neither a file nor an id" in result.output


def test_make_bench_and_eval_align(tmp_path, seeds_dir):
    from tests.conftest import shared_path

    src = shared_path("data", "fakenewsnet-v1-2018", "BuzzFeed")
    out = tmp_path / "reuse"
    made = runner.invoke(app, ["make-bench", "reuse", "--out", str(out), "--from", str(src),
                               "--pairs", "3", "--negatives", "2"])
    assert made.exit_code == 0, made.output
    assert len(read_pairs(out)) == 17
    assert len(read_truth(out)) == 15
    result = runner.invoke(app, ["eval", "align", str(out), "--lexical", "--by-obfuscation",
                                 "--format", "json", "--out", str(tmp_path / "det")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cases"] == 15
    assert data["by_obfuscation"]["none"]["plagdet"] > 0.9
    assert len(list((tmp_path / "det").glob("*.xml"))) == 17


def test_eval_align_rejects_non_pan_folder(tmp_path):
    result = runner.invoke(app, ["eval", "align", str(tmp_path)])
    assert result.exit_code == 2 and "pairs" in result.output


def test_compare_text_leads_with_the_summary_and_fits_a_screen(seeds_dir, tmp_path):
    """The text view opens with "In short" (what the two share, what each adds, who
    copied whom and why, credits, framing), shows the first few of each list, fits one
    screen for the seeds, and --full prints everything; the HTML report shows the same
    summary lines, from the same function."""
    from storytrace.api import read_article
    from storytrace.comparison import summarize, summary_lines

    a, b = sorted(seeds_dir.glob("*.txt"))
    short = runner.invoke(app, ["compare", str(a), str(b), "--lexical"])
    assert short.exit_code == 0, short.output
    lines = short.output.splitlines()
    assert lines[5] == "In short" and lines[6].startswith("  Shared: ")
    who = [x for x in lines[6:14] if x.startswith("  Who copied whom: unknown")]
    # Two rewrites of one report: only publication order and overlap point a way, so no
    # lean is stated (it stays in --full's evidence lines and the JSON).
    assert who and "nothing in the texts says which is the copy" in who[0], who
    assert "toward" not in who[0], who
    assert any(x.startswith("  Credits: only B: ") and "New York Daily News" in x
               for x in lines[6:14])
    assert len(lines) <= 60, len(lines)
    full = runner.invoke(app, ["compare", str(a), str(b), "--lexical", "--full"])
    assert full.exit_code == 0 and len(full.output.splitlines()) > len(lines)
    assert "Direction: unknown" in full.output  # the evidence, line by line
    html = tmp_path / "c.html"
    assert runner.invoke(app, ["compare", str(a), str(b), "--lexical", "--format", "html",
                               "--out", str(html)]).exit_code == 0
    page = html.read_text(encoding="utf-8")
    from storytrace.align import Aligner
    from storytrace.comparison import DETAILS, compare
    from storytrace.report.extras import comparison_dict

    result = comparison_dict(compare(read_article(a), read_article(b), Aligner(semantic=False),
                                     details=DETAILS))
    from storytrace.report.html import esc

    for line in summary_lines(summarize(result)):
        assert esc(line) in page
        assert line[:60] in short.output


def test_full_text_lists_the_possible_claims_json_keeps(seeds_dir):
    """Candidate statement pairs scored under 0.5 are not counted as shared statements;
    --full shows them apart, with their count and scores, as JSON's ``possible``."""
    import pytest

    from storytrace.align.semantic import default_encoder

    if default_encoder() is None:
        pytest.skip("the sentence model is not installed (the lexical claims list all pairs)")
    a, b = sorted(seeds_dir.glob("*.txt"))
    data = json.loads(runner.invoke(app, ["compare", str(a), str(b), "--format", "json"]).stdout)
    possible = data["diff"]["claims"]["possible"]
    assert possible and all(p["score"] < 0.5 for p in possible)
    full = runner.invoke(app, ["compare", str(a), str(b), "--full"]).output
    assert f"Possible pairs not counted, score under 0.5 ({len(possible)})" in full
    assert f"(score {possible[0]['score']:.2f})" in full
    short = runner.invoke(app, ["compare", str(a), str(b)]).output
    assert "Possible pairs" not in short


def test_direction_evidence_names_the_sides_not_the_ids():
    """The direction's evidence reads with A and B, in the CLI's --full and the HTML."""
    from storytrace.report.compare import _evidence

    items = [{"name": "time", "points": "a->b", "weight": 3.0,
              "detail": "ed3bc104775d8ab0 was published 14.0 hours before 54ead977d778e96a"}]
    html = _evidence(items, {"ed3bc104775d8ab0": "A", "54ead977d778e96a": "B"})
    assert "A was published 14.0 hours before B" in html and "ed3bc1" not in html


def test_summary_says_how_much_of_the_reused_text_is_quoted_speech():
    """Two reports that print the same long quotation: the summary says the reused text is
    mostly quoted speech (FakeNewsNet: Kathy Miller's remarks read as 'copied' prose)."""
    from storytrace.comparison import compare, summarize, summary_lines
    from storytrace.model import Article

    quote = ("“If you are not successful in the last fifty years it is your own fault, you "
             "had every opportunity and every school and every benefit the others had,” ")
    a = Article(id="a", text="A county chair resigned on Thursday. Earlier she said: "
                + quote + "Miller told the Guardian in an interview at her office.")
    b = Article(id="b", text="The Ohio official quit after a storm of criticism. She had said "
                + quote + "Miller said, before she apologised to voters.")
    d = compare(a, b).to_dict()
    assert d["quoted"]["a"] > 0.5 and d["quoted"]["b"] > 0.5
    shared = summary_lines(summarize(d))[0]
    assert "of it quoted speech)" in shared, shared


def test_quoted_share_reads_quoted_speech_as_claims_and_framing_do():
    """One definition of quoted speech: an opening mark that nothing closes or reopens
    counts to its sentence's end, for the comparison's quoted share as for claims and
    framing (`provenance.content.quoted_speech`); read as running to the paragraph's end,
    the reused prose after it was counted as somebody's words."""
    from storytrace.comparison import compare
    from storytrace.model import Article

    text = ("Officials met on Monday. “We will rebuild the bridge. The council voted to "
            "close the road for six weeks while crews replace the deck and the railings, "
            "and buses will run on the old route through the market square until March.")
    a, b = Article(id="a", text=text), Article(id="b", text=text)
    quoted = compare(a, b).quoted()
    assert 0 < quoted["a"] < 0.3, quoted
