"""The Python API (`storytrace.compare`, `storytrace.trace`, `storytrace.Tracer`): the same
answers as the CLI, every kind of input, bad input named, and the README's doctest."""

from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import shared_path
from typer.testing import CliRunner

import storytrace
from storytrace.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _seeds() -> tuple[Path, Path]:
    seeds = shared_path("examples", "seeds")
    return seeds / "000_d761ffa0f73a1395.txt", seeds / "001_36f01ec5b307d8ad.txt"


def test_compare_gives_what_the_cli_prints_for_the_seeds():
    a, b = _seeds()
    api = storytrace.compare(a, b, semantic=False).to_dict()
    cli = runner.invoke(app, ["compare", str(a), str(b), "--lexical", "--format", "json"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == json.loads(json.dumps(api))
    assert {"passages", "attributions", "direction", "diff", "framing"} <= set(api)


def test_compare_takes_texts_articles_and_paths_alike():
    a, b = _seeds()
    from_paths = storytrace.compare(a, b, semantic=False, details=())
    texts = (from_paths.a.text, from_paths.b.text)
    from_texts = storytrace.compare(*texts, semantic=False, details=())
    from_articles = storytrace.compare(from_paths.a, from_paths.b, semantic=False, details=())
    spans = [[(p.a_start, p.a_end, p.b_start, p.b_end) for p in c.alignment.passages]
             for c in (from_paths, from_texts, from_articles)]
    assert spans[0] == spans[1] == spans[2] and spans[0]
    for p in from_texts.alignment.passages:  # offsets into the texts as given
        assert texts[0][p.a_start:p.a_end] and texts[1][p.b_start:p.b_end]
    assert from_texts.details == {}


def test_compare_names_a_bad_input(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty\.txt"):
        storytrace.compare(empty, "Some text.")
    with pytest.raises(TypeError, match="not int"):
        storytrace.compare(3, "Some text.")
    with pytest.raises(ValueError, match="unknown details"):
        storytrace.compare("A text.", "Another.", details=("nonsense",))


def test_trace_gives_the_cli_stories_and_trees(tmp_path: Path):
    body = " ".join(f"Line {i}: the council voted {i} times on the bridge plan." for i in range(30))
    folder = tmp_path / "news"
    folder.mkdir()
    rows = [{"id": "src", "text": body, "outlet": "Eagle Rising",
             "published": "2024-05-01T08:00:00+00:00"},
            {"id": "cpy", "text": body[:900] + "\n\nSource: Eagle Rising", "outlet": "Daily Post",
             "published": "2024-05-01T12:00:00+00:00"},
            {"id": "bad", "text": ""}]
    (folder / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = storytrace.trace([folder], db=tmp_path / "api.db", same_story=False)
    assert result.ingest.rejected == 1 and result.ingest.added == 2
    assert result.parents() == {"src": None, "cpy": "src"}
    cli = runner.invoke(app, ["trace", str(folder), "--db", str(tmp_path / "cli.db"),
                              "--no-same-story", "--format", "json", "--limit", "0"])
    assert cli.exit_code == 1  # one record rejected, the rest traced
    assert "everything else was stored and traced" in cli.stderr
    assert json.loads(cli.stdout)["stories"] == json.loads(json.dumps(result.story_dicts()))


def test_tracer_parameters_follow_scikit_learn():
    tracer = storytrace.Tracer(threshold=0.3)
    assert tracer.get_params()["threshold"] == 0.3
    assert tracer.set_params(max_bucket=50) is tracer and tracer.max_bucket == 50
    assert repr(tracer) == "Tracer(threshold=0.3, max_bucket=50)"
    with pytest.raises(ValueError, match="unknown parameters"):
        tracer.set_params(shingle=5)
    with pytest.raises(ValueError, match="threshold"):
        storytrace.Tracer(threshold=1.5).options()
    with pytest.raises(ValueError, match="changes needs"):
        storytrace.Tracer(trees=False, changes=True).options()


def test_import_storytrace_loads_no_heavy_library():
    code = ("import sys, storytrace; storytrace.Tracer; storytrace.Store; "
            "print(sorted(m for m in ('sklearn', 'torch', 'networkx', 'scipy', 'trafilatura') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_readme_python_example_runs(monkeypatch, tmp_path: Path):
    shared_path("examples", "seeds")
    monkeypatch.chdir(ROOT)  # the example reads ../shared as the quick start does
    failures, tried = doctest.testfile(str(ROOT / "README.md"), module_relative=False,
                                       globs={"tmp": str(tmp_path)},
                                       optionflags=doctest.ELLIPSIS)
    assert tried >= 5 and failures == 0


def test_api_module_doctests():
    import storytrace.api

    failures, tried = doctest.testmod(storytrace.api)
    assert tried >= 5 and failures == 0
