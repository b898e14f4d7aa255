"""`storytrace ingest`, `ls` and `show` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace import Store, __version__
from storytrace.cli import app
from storytrace.store.schema import SCHEMA_VERSION

runner = CliRunner()

MARKUP_TEXT = ("Markup must stay literal: [bold red]x[/] and [link=javascript:alert(1)]click[/link]"
               " and :smile: and [/] unbalanced.")
RECORDS = [
    {"id": "aaa111", "title": "First [i]story[/i]", "text": MARKUP_TEXT,
     "outlet": "Outlet [b]A[/b]", "url": "https://a.example/1",
     "published": "2021-01-02T03:04:05Z", "authors": ["Ann"]},
    {"id": "aaa222", "title": "Second story", "text": "Second body.\n\nWith two paragraphs.",
     "outlet": "Outlet B"},
    {"id": "bbb333", "text": "Untitled body text that is long enough to be cut in the listing "
                             "because it goes on and on for a while."},
]


def invoke(*args: str, input: str | bytes | None = None):
    return runner.invoke(app, list(args), input=input)


@pytest.fixture
def db(tmp_path) -> Path:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    path = tmp_path / "cli.db"
    result = invoke("ingest", str(feed), "--db", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (f"read 3 records: 3 added, 0 already stored, 0 rejected "
                                     f"(3 articles in {path})")
    return path


# -- help and version -----------------------------------------------------------------


def test_root_help_lists_the_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    for name in ("ingest", "ls", "show"):
        assert name in result.stdout
    assert "Usage" in result.stdout


def test_no_arguments_shows_help():
    result = invoke()
    assert "Usage" in result.output and "ingest" in result.output


@pytest.mark.parametrize(("command", "expected"), [
    ("ingest", ["--input-format", "--field", "--max-bytes", "--max-chars", "--db", "--format"]),
    ("ls", ["--limit", "--offset", "--outlet", "--db", "--format"]),
    ("show", ["--raw", "--db", "--format", "article", "unique prefix"]),
])
def test_subcommand_help(command, expected):
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    for option in expected:
        assert option in result.stdout, option


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.strip() == __version__


# -- ingest output ---------------------------------------------------------------------


def test_ingest_json_summary(tmp_path, db):
    feed = tmp_path / "more.jsonl"
    feed.write_text(json.dumps(RECORDS[0]) + "\n{bad\n" + json.dumps({"text": "New."}) + "\n")
    result = invoke("ingest", str(feed), "--db", str(db), "--format", "json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary == {"read": 3, "added": 1, "unchanged": 1, "rejected": 1,
                       "errors": [{"where": f"{feed}:2",
                                   "reason": "invalid JSON (Expecting property name enclosed in "
                                             "double quotes at column 2)"}],
                       "db": str(db), "stored": 4}
    assert result.stderr.strip() == (f"error: {feed}:2: invalid JSON (Expecting property name "
                                     f"enclosed in double quotes at column 2)")


# -- ls -------------------------------------------------------------------------------------


def test_ls_text(db):
    result = invoke("ls", "--db", str(db))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for expected in ("aaa111", "aaa222", "bbb333", "2021-01-02", "Outlet [b]A[/b]",
                     "First [i]story[/i]", "Second story", "Untitled body text", "3 of 3 articles"):
        assert expected in out, expected
    assert out.index("aaa111") < out.index("aaa222") < out.index("bbb333")


def test_ls_json(db):
    result = invoke("ls", "--db", str(db), "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == ["aaa111", "aaa222", "bbb333"]
    first = rows[0]
    assert {"id", "title", "outlet", "url", "published", "authors", "source", "extra",
            "chars"} <= set(first)
    assert "text" not in first and "raw" not in first
    assert first["chars"] == len(MARKUP_TEXT)
    assert first["published"] == "2021-01-02T03:04:05+00:00"
    assert first["authors"] == ["Ann"]


def test_ls_limit_offset_outlet(db):
    rows = json.loads(invoke("ls", "--db", str(db), "-f", "json", "--limit", "1",
                             "--offset", "1").stdout)
    assert [r["id"] for r in rows] == ["aaa222"]
    rows = json.loads(invoke("ls", "--db", str(db), "-f", "json", "--outlet", "Outlet B").stdout)
    assert [r["id"] for r in rows] == ["aaa222"]
    result = invoke("ls", "--db", str(db), "--limit", "2")
    assert "2 of 3 articles" in result.stdout


def test_ls_missing_db(tmp_path):
    missing = tmp_path / "nothing.db"
    for fmt in ("text", "json"):
        result = invoke("ls", "--db", str(missing), "--format", fmt)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.strip() == (f"error: no store at {missing} (run `storytrace ingest` "
                                         f"first or pass --db)")
    assert not missing.exists()  # looking must not create an empty store


# -- show --------------------------------------------------------------------------------


def test_show_text(db):
    result = invoke("show", "aaa222", "--db", str(db))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Second story"
    assert "       id: aaa222" in lines
    assert "   outlet: Outlet B" in lines
    assert "published: unknown" in lines
    assert result.stdout.rstrip().endswith("Second body.\n\nWith two paragraphs.")


def test_show_json_with_prefix(db):
    result = invoke("show", "bbb", "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "bbb333"
    assert data["text"] == RECORDS[2]["text"]
    assert {"id", "title", "text", "outlet", "url", "published", "authors", "source",
            "extra"} <= set(data)
    assert "raw" not in data


def test_show_raw(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("A headline\n\nThe body.\n")
    db = tmp_path / "raw.db"
    assert invoke("ingest", str(page), "--db", str(db)).exit_code == 0
    with Store(db) as store:
        (a,) = store.articles()
    data = json.loads(invoke("show", a.id[:6], "--db", str(db), "-f", "json", "--raw").stdout)
    assert data["raw"] == "A headline\n\nThe body.\n"
    assert data["text"] == "The body."


def test_show_unknown_and_ambiguous(db):
    result = invoke("show", "zzz", "--db", str(db))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: no article with id 'zzz' in {db}"
    result = invoke("show", "aaa", "--db", str(db))
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: id prefix 'aaa' is ambiguous: aaa111, aaa222"
    result = invoke("show", "a%", "--db", str(db))
    assert result.exit_code == 2 and "no article with id 'a%'" in result.stderr


def test_show_missing_db(tmp_path):
    result = invoke("show", "abc", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and result.stderr.startswith("error: no store at")


def test_markup_in_article_text_is_printed_literally(db):
    result = invoke("show", "aaa111", "--db", str(db))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert MARKUP_TEXT in out
    assert "First [i]story[/i]" in out and "Outlet [b]A[/b]" in out
    assert "\x1b[" not in out  # no styling codes smuggled in
    assert "😄" not in out  # :smile: not turned into an emoji
    listing = invoke("ls", "--db", str(db)).stdout
    assert "First [i]story[/i]" in listing and "Outlet [b]A[/b]" in listing


def test_markup_in_error_messages_is_literal(tmp_path):
    weird = tmp_path / "[bold]x[red].jsonl"
    weird.write_text("{broken\n")
    result = invoke("ingest", str(weird), "--db", str(tmp_path / "w.db"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {weird}:1: invalid JSON")


def test_unusable_db_is_one_error_line_not_a_traceback(tmp_path):
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("These are notes, not an SQLite file.\n" * 50)
    for args in (["ingest", str(not_a_db)], ["ls"], ["show", "abc"]):
        result = invoke(*args, "--db", str(not_a_db))
        assert result.exit_code == 2, args
        assert result.stderr.strip() == (f"error: cannot open store {not_a_db}: "
                                         "file is not a database")
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not_a_db.read_text().startswith("These are notes")  # left as it was
    nowhere = tmp_path / "no" / "such" / "dir" / "s.db"
    result = invoke("ingest", str(not_a_db), "--db", str(nowhere))
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: cannot open store {nowhere}: "
                                     "unable to open database file")


def test_db_from_a_newer_version_is_refused(tmp_path, db):
    with Store(db) as store:
        store.db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    result = invoke("ls", "--db", str(db))
    assert result.exit_code == 2
    assert f"written by a newer storytrace (schema 99 > {SCHEMA_VERSION})" in result.stderr


def test_show_json_says_where_the_text_starts_in_the_file(tmp_path, seeds_dir):
    """A .txt article's spans count from its body; `show` says where that body starts in
    the file, so a span can be checked by opening the file."""
    db = tmp_path / "s.db"
    seed = sorted(seeds_dir.glob("*.txt"))[1]
    assert runner.invoke(app, ["ingest", str(seed), "--db", str(db)]).exit_code == 0
    ident = json.loads(runner.invoke(app, ["ls", "--db", str(db), "--format", "json"])
                       .stdout)[0]["id"]
    shown = json.loads(runner.invoke(app, ["show", ident, "--db", str(db),
                                           "--format", "json"]).stdout)
    raw = seed.read_text(encoding="utf-8")
    offset = shown["text_offset"]
    assert offset > 0 and raw[offset:offset + 40] == shown["text"][:40]
    assert raw[shown["title_offset"]:].startswith(shown["title"])
