"""Offsets into the input as given: every span `compare` reports can be checked by opening
the input file and counting ``text_offset`` characters further (a text file's title line
is not part of the article's text; HTML offsets index the extracted text)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from typer.testing import CliRunner

from storytrace import Article, Store, read_sources
from storytrace.api import read_article
from storytrace.cli import app

runner = CliRunner()


def _one(path: Path) -> Article:
    (article,) = [r for r in read_sources([path]) if isinstance(r, Article)]
    return article


def _side_spans(node: object) -> Iterator[tuple[int, int, str | None, str]]:
    """Every ``{start, end}`` span under ``node`` (with its ``text`` when given, and the
    field it indexes), not descending into ``counterpart``, which points into the other
    article."""
    if isinstance(node, dict):
        if isinstance(node.get("start"), int) and isinstance(node.get("end"), int):
            yield node["start"], node["end"], node.get("text"), node.get("field", "text")
        for key, value in node.items():
            if key != "counterpart":
                yield from _side_spans(value)
    elif isinstance(node, list):
        for value in node:
            yield from _side_spans(value)


def test_text_file_offsets_count_from_the_file_after_text_offset(tmp_path):
    body = "The council voted on Tuesday.\r\n\r\nIt approved the bridge."
    for content, offset in (("Bridge approved\r\n\r\n" + body + "\r\n", 19),
                            ("# Bridge approved\n\n\n" + body, 20),
                            ("\n\n" + body + "\n", 2),
                            (body, 0)):
        path = tmp_path / "a.md"
        path.write_text(content, encoding="utf-8", newline="")
        article = _one(path)
        assert article.text == body
        assert article.text_offset == offset
        assert content[offset : offset + len(body)] == body


def test_text_offset_survives_the_store(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Bridge approved\n\nThe council voted on Tuesday.\n", encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        store.add([_one(path)])
        (stored,) = list(store.articles())
    assert stored.text_offset == 17


def test_records_index_their_text_field_and_html_its_extracted_text(tmp_path):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps({"title": "T", "text": "The council voted."}) + "\n")
    assert _one(jsonl).text_offset == 0
    page = tmp_path / "a.html"
    para = "The council voted on Tuesday to approve the bridge over the river. " * 4
    page.write_text(f"<html><head><title>Bridge</title></head><body><article><h1>Bridge"
                    f"</h1><p>{para}</p><p>It &amp; the mayor agreed.</p></article></body>"
                    "</html>", encoding="utf-8")
    assert _one(page).text_offset is None  # "&amp;" became "&": not a piece of the page


def test_every_compare_span_of_the_seeds_is_found_in_the_files(seeds_dir):
    files = sorted(seeds_dir.glob("*.txt"))
    result = runner.invoke(app, ["compare", *map(str, files), "--format", "json",
                                 "--lexical", "--db", "/nonexistent/none.db"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    checked = 0
    for side, path in zip("ab", files, strict=True):
        content = path.read_text(encoding="utf-8")
        article = read_article(path)
        text, base = article.text, out[side]["text_offset"]
        assert out[side]["chars"] == len(text)
        title, title_at = article.title, out[side]["title_offset"]

        def in_file(start: int, end: int, base: int = base, content: str = content,
                    text: str = text) -> str:
            assert 0 <= start <= end <= len(text)
            assert content[base + start : base + end] == text[start:end]
            return content[base + start : base + end]

        for p in out["passages"]:
            checked += bool(in_file(p[f"{side}_start"], p[f"{side}_end"]))
        for group in out["repeats"][side]:
            for start, end in group["occurrences"]:
                checked += bool(in_file(start, end))
        for section in ("attributions", "diff", "framing"):
            for start, end, shown, field in _side_spans(out[section][side]):
                if field == "title":
                    got = content[title_at + start : title_at + end]
                    assert got == title[start:end] and end <= len(title)
                else:
                    got = in_file(start, end)
                assert shown is None or shown == got
                checked += 1
    assert out["b"]["text_offset"] == 66  # seed 001's title line and the blank line after it
    assert checked > 50
