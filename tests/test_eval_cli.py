"""`storytrace eval attribution | similarity | clusters` on small files, and their bad input."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from storytrace.cli import app

runner = CliRunner()


def test_eval_attribution_scores_a_brat_folder(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    text = 'The mayor said the bridge would reopen in May, according to Reuters.'
    (tmp_path / "text" / "a.txt").write_text(text)
    (tmp_path / "attributions" / "a_x.ann").write_text(
        "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\n"
        "T3\tContent 15 45\tthe bridge would reopen in May\n")
    result = runner.invoke(app, ["eval", "attribution", str(tmp_path), "--format", "json",
                                 "--lexical"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["documents"] == 1 and scores["tagger"] == "word features"
    assert scores["Source"]["overlap"]["recall"] == 1.0
    # Without --lexical the contextual tagger reads it when the semantic extra is there. It
    # tags flat spans, so here it reads "The mayor said" as part of what Reuters reported
    # (PolNeAR nests such credits); a single credit is read whole.
    from storytrace.align.semantic import default_encoder

    if default_encoder() is not None:
        text = "The mayor said the bridge would reopen in May."
        (tmp_path / "text" / "a.txt").write_text(text)
        result = runner.invoke(app, ["eval", "attribution", str(tmp_path), "--format", "json"])
        scores = json.loads(result.output)
        assert scores["tagger"] == "contextual"
        for role in ("Source", "Cue", "Content"):
            assert scores[role]["exact"]["f1"] == 1.0, (role, scores[role])


def test_eval_attribution_missing_folder_fails_cleanly(tmp_path):
    result = runner.invoke(app, ["eval", "attribution", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def _semeval(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["pair_id", "lang1", "lang2", "text1", "text2", "Overall"])
        w.writerows(rows)


def test_eval_similarity_reports_pearson(tmp_path):
    p = tmp_path / "pairs.csv"
    _semeval(p, [("1_2", "en", "en", "Floods hit Valencia. 12 dead in Valencia.",
                  "Valencia floods kill 12.", 1),
                 ("3_4", "en", "en", "Floods hit Valencia.", "Apple shows a new phone.", 4),
                 ("5_6", "en", "en", "Valencia counts its flood dead.",
                  "Apple phone sales in Valencia.", 3)])
    result = runner.invoke(app, ["eval", "similarity", str(p), "--lexical", "--folds", "0",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["shipped_model"]["english"]["pairs"] == 3
    assert report["shipped_model"]["english"]["pearson"] > 0.5


def test_eval_similarity_bad_csv_fails_cleanly(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("a,b\n1,2\n")
    result = runner.invoke(app, ["eval", "similarity", str(p), "--lexical"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_eval_clusters_scores_gold_clusters(tmp_path):
    p = tmp_path / "c.jsonl"
    flood = ("Floods in Valencia killed at least 62 people on Tuesday after a year's rain "
             "fell in eight hours, regional officials said, as rescuers searched cars swept "
             "into ravines and the army was sent to clear roads in the towns south of the city.")
    phone = ("Apple unveiled a thinner iPhone at its September event in Cupertino on Monday, "
             "with a faster chip, a new camera and a price that starts at 799 dollars, and said "
             "it would ship in 40 countries next week while analysts expected slower sales.")
    rows = [flood, "Breaking: " + flood, phone, phone.replace("Monday", "Tuesday")]
    p.write_text("".join(json.dumps({"text": t, "cluster": i // 2}) + "\n"
                         for i, t in enumerate(rows)))
    result = runner.invoke(app, ["eval", "clusters", str(p), "--lexical", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["nmi"] == 1.0 and report["bcubed_f1"] == 1.0


def test_eval_clusters_bad_line_fails_cleanly(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text('{"text": "a", "cluster": 1}\nnot json\n')
    result = runner.invoke(app, ["eval", "clusters", str(p), "--lexical"])
    assert result.exit_code != 0
    assert "line 2" in result.output or "c.jsonl" in result.output
