"""Bad input never stops a batch.

Every case ingests a good batch first, then a batch holding the bad input plus a
good file into the same store, through the CLI, and checks: one ``error:`` line per
rejection on stderr naming the file (or record) and the reason, the rest of the
batch stored, exit code 1 when anything was rejected (0 otherwise), and nothing
stored earlier lost or duplicated.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace import Article, Store, read_sources
from storytrace.cli import app

runner = CliRunner()


def record(i: int, **extra) -> dict:
    return {"id": f"r{i}", "title": f"Title {i}",
            "text": f"Article number {i} says something newsworthy. " * 3, **extra}


def jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@dataclass
class Outcome:
    exit_code: int
    errors: list[str]  # the stderr lines, without "error: "
    stdout: str
    before: dict[str, Article]
    after: dict[str, Article]

    @property
    def new(self) -> dict[str, Article]:
        return {k: v for k, v in self.after.items() if k not in self.before}


@pytest.fixture
def batch(tmp_path):
    """``batch(*bad_paths, args=[...])`` runs the scenario described in the module docstring."""
    db = tmp_path / "store.db"
    good_first = jsonl(tmp_path / "first.jsonl", [record(i) for i in range(3)])
    good_after = jsonl(tmp_path / "after.jsonl", [record(i) for i in range(100, 102)])
    result = runner.invoke(app, ["ingest", str(good_first), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        before = {a.id: a for a in store.articles()}
    assert set(before) == {"r0", "r1", "r2"}

    def run(*paths: str | Path, args: tuple[str, ...] = ()) -> Outcome:
        result = runner.invoke(app, ["ingest", *map(str, paths), str(good_after), "--db", str(db),
                                     *args])
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert all(ln.startswith("error: ") for ln in lines), lines
        with Store(db) as store:
            rows = list(store.articles())
            assert len(store) == len(rows)
        ids = [a.id for a in rows]
        assert len(ids) == len(set(ids)), "duplicates stored"
        after = {a.id: a for a in rows}
        for k, a in before.items():  # nothing stored earlier lost or changed
            assert after[k] == a
        assert {"r100", "r101"} <= set(after), "the good file in the same batch was not stored"
        return Outcome(result.exit_code, [ln.removeprefix("error: ") for ln in lines],
                       result.stdout, before, after)

    return run


def assert_one_error(out: Outcome, where: str | Path, reason: str) -> None:
    """Exactly one rejection: ``<where>: ...<reason>...``, and exit code 1."""
    assert out.exit_code == 1
    assert len(out.errors) == 1, out.errors
    (line,) = out.errors
    assert line.startswith(f"{where}: "), line
    assert reason in line[len(str(where)) + 2 :], line
    assert "\n" not in line


# -- whole files ------------------------------------------------------------------------


def test_empty_file(tmp_path, batch):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    out = batch(path)
    assert_one_error(out, path, "empty file")
    assert set(out.new) == {"r100", "r101"}


def test_whitespace_only_file(tmp_path, batch):
    path = tmp_path / "blank.md"
    path.write_text("  \n\t\r\n   \n")
    assert_one_error(batch(path), path, "empty file")


def test_whitespace_only_json_string_text(tmp_path, batch):
    path = jsonl(tmp_path / "ws.jsonl", [{"title": "T", "text": " \n\t "}])
    assert_one_error(batch(path), f"{path}:1", "missing text")


def test_binary_junk(tmp_path, batch):
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(5000))
    path = tmp_path / "junk.txt"
    path.write_bytes(junk[:100] + b"\x00\x00\x00" + junk[100:])
    out = batch(path)
    assert_one_error(out, path, "binary content, not text")
    assert set(out.new) == {"r100", "r101"}


def test_binary_junk_without_suffix_and_in_json(tmp_path, batch):
    rng = random.Random(8)
    a = tmp_path / "blob"
    a.write_bytes(b"\x00" + bytes(rng.randrange(256) for _ in range(3000)))
    b = tmp_path / "blob.json"
    b.write_bytes(b"\x00\x01\x02" * 500)
    out = batch(a, b)
    assert out.exit_code == 1
    assert sorted(out.errors) == sorted([f"{a}: binary content, not text",
                                         f"{b}: binary content, not text"])


def test_latin1_text_is_decoded(tmp_path, batch):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Un café à Paris\n\nLe café était déjà célèbre, même en été.\n"
                     .encode("latin-1"))
    out = batch(path)
    assert out.exit_code == 0 and out.errors == []
    (art,) = [a for a in out.new.values() if a.source == str(path)]
    assert art.title == "Un café à Paris"
    assert art.text == "Le café était déjà célèbre, même en été."


def test_cp1252_csv_is_decoded(tmp_path, batch):
    path = tmp_path / "win.csv"
    path.write_bytes("title,text\r\n“Quoted” title,It’s 5 € — naïve.\r\n".encode("cp1252"))
    out = batch(path)
    assert out.exit_code == 0 and out.errors == []
    (art,) = [a for a in out.new.values() if a.source.startswith(str(path))]
    assert (art.title, art.text) == ("“Quoted” title", "It’s 5 € — naïve.")


def test_utf8_with_a_few_bad_bytes_keeps_the_rest(tmp_path, batch):
    path = tmp_path / "damaged.txt"
    path.write_bytes("Headline\n\nLe café est bon, voilà. ".encode() + b"\xff\xfe bad \x81 "
                     + "Déjà vu à Zürich.".encode())
    out = batch(path)
    assert out.exit_code == 0 and out.errors == []
    (art,) = [a for a in out.new.values() if a.source == str(path)]
    assert art.text.startswith("Le café est bon, voilà. ")
    assert art.text.endswith("Déjà vu à Zürich.")
    assert "\ufffd" in art.text  # the undecodable bytes are replaced, nothing else changes
    assert "\ufffd" not in art.text.replace("\ufffd\ufffd bad \ufffd", "")


def test_lone_surrogate_escape_in_json_does_not_sink_the_batch(tmp_path, batch):
    path = tmp_path / "surrogate.jsonl"
    path.write_text('{"id": "s1", "title": "bad \\udfff title", "text": "lone \\ud800 here"}\n'
                    '{"id": "s2", "text": "a real pair \\ud83d\\ude00 is fine"}\n')
    out = batch(path)
    assert out.exit_code == 0 and out.errors == []
    assert out.after["s1"].text == "lone \ufffd here"
    assert out.after["s1"].title == "bad \ufffd title"
    assert out.after["s2"].text == "a real pair 😀 is fine"


def test_nonexistent_path(tmp_path, batch):
    missing = tmp_path / "no" / "such.jsonl"
    out = batch(missing)
    assert_one_error(out, missing, "no such file or directory")
    assert set(out.new) == {"r100", "r101"}


def test_oversize_file_with_max_bytes(tmp_path, batch):
    big = tmp_path / "big.json"
    big.write_text(json.dumps([record(i) for i in range(200, 230)]))
    small = tmp_path / "small.txt"
    small.write_text("Small one\n\nShort body.\n")
    out = batch(big, small, args=("--max-bytes", "1000"))
    size = big.stat().st_size
    assert_one_error(out, big, f"file too large ({size:,} bytes > cap 1,000; raise --max-bytes)")
    assert not any(k.startswith("r2") for k in out.new)
    assert any(a.source == str(small) for a in out.new.values())


def test_oversize_jsonl_line_with_max_bytes(tmp_path, batch):
    path = jsonl(tmp_path / "lines.jsonl",
                 [record(300), record(301, text="long " * 400), record(302)])
    out = batch(path, args=("--max-bytes", "1000"))
    assert_one_error(out, f"{path}:2", "line too large")
    assert {"r300", "r302"} <= set(out.new) and "r301" not in out.after


def test_overlong_text_with_max_chars(tmp_path, batch):
    path = jsonl(tmp_path / "long.jsonl",
                 [record(400, text="short"), record(401, text="x" * 5000), record(402)])
    out = batch(path, args=("--max-chars", "1000"))
    assert_one_error(out, f"{path}:2", "text too long (5,000 chars > cap 1,000; raise --max-chars)")
    assert {"r400", "r402"} <= set(out.new) and "r401" not in out.after


# -- broken records ---------------------------------------------------------------------


def test_jsonl_with_broken_lines(tmp_path, batch):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([
        json.dumps(record(500)),
        '{"id": "r501", "text": "unterminated',
        json.dumps(record(502)),
        "[1, 2, 3]",
        '"just a string"',
        json.dumps({"id": "r505", "title": "no text here"}),
        "not json at all",
        json.dumps(record(507)),
    ]) + "\n")
    out = batch(path)
    assert out.exit_code == 1
    assert len(out.errors) == 5
    errors = dict(line.split(": ", 1) for line in out.errors)
    assert set(errors) == {f"{path}:{n}" for n in (2, 4, 5, 6, 7)}
    assert errors[f"{path}:2"].startswith("invalid JSON (")
    assert errors[f"{path}:4"] == "expected an object, got list"
    assert errors[f"{path}:5"] == "expected an object, got str"
    assert errors[f"{path}:6"].startswith("missing text (looked for text, body")
    assert errors[f"{path}:7"].startswith("invalid JSON (Expecting value")
    assert {"r500", "r502", "r507"} <= set(out.new)
    assert not {"r501", "r505"} & set(out.after)


def test_json_list_records_missing_text(tmp_path, batch):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([record(600), {"id": "r601", "title": "no text"}, record(602),
                                {"id": "r603", "text": ["not", "a", "string"]}, 42]))
    out = batch(path)
    assert out.exit_code == 1
    assert sorted(out.errors) == sorted([
        f"{path}[2]: missing text (looked for text, body, content, maintext, article, story)",
        f"{path}[4]: missing text (looked for text, body, content, maintext, article, story)",
        f"{path}[5]: expected an object, got int",
    ])
    assert {"r600", "r602"} <= set(out.new)


def test_invalid_json_document(tmp_path, batch):
    path = tmp_path / "broken.json"
    path.write_text('[{"text": "a"}, {"text": ')
    assert_one_error(batch(path), path, "invalid JSON (Expecting value at line 1)")


def test_csv_missing_text_column(tmp_path, batch):
    path = tmp_path / "notext.csv"
    path.write_text("title,summary\nFirst,one\nSecond,two\n")
    out = batch(path)
    assert out.exit_code == 1
    assert out.errors == [
        f"{path}:row {n}: missing text (looked for text, body, content, maintext, article, story)"
        for n in (2, 3)
    ]


def test_csv_with_header_only_and_ragged_rows(tmp_path, batch):
    header_only = tmp_path / "header.csv"
    header_only.write_text("title,text\n")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("title,text\nA,Body A.,extra,cells\nB\nC,Body C.\n")
    out = batch(header_only, ragged)
    assert out.exit_code == 1
    # the row without a text cell is rejected; extra cells are ignored
    assert out.errors == [f"{ragged}:row 3: missing text (looked for text, body, content, "
                          f"maintext, article, story)"]
    texts = {a.text for a in out.new.values()}
    assert {"Body A.", "Body C."} <= texts


@pytest.mark.parametrize("bad", ["not a date at all", "2021-13-45", "99/99/9999", "yesterday-ish",
                                 {"$date": "garbage"}, True])
def test_bad_date_keeps_the_article_without_a_date(tmp_path, batch, bad):
    path = jsonl(tmp_path / "dates.jsonl", [record(700, published=bad),
                                             record(701, published="2021-02-03T04:05:06Z")])
    out = batch(path)
    assert out.exit_code == 0 and out.errors == []
    art = out.after["r700"]
    assert art.published is None
    assert art.extra["bad_published"] == (bad if isinstance(bad, str) else str(bad))
    assert out.after["r701"].published.isoformat() == "2021-02-03T04:05:06+00:00"
    assert "bad_published" not in out.after["r701"].extra


# -- truncated compressed files and archives -----------------------------------------------


def test_truncated_jsonl_gz(tmp_path, batch):
    data = gzip.compress("".join(json.dumps(record(i)) + "\n"
                                 for i in range(800, 1000)).encode(), mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    out = batch(path)
    assert_one_error(out, path, "truncated or corrupt gzip")
    got = sorted(int(k[1:]) for k in out.new if 800 <= int(k[1:]) < 1000)
    # the lines before the cut, in order, without a gap, and not all of them
    assert got and got == list(range(800, 800 + len(got))) and len(got) < 200


def test_gzip_header_only(tmp_path, batch):
    path = tmp_path / "stub.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "x"}\n')[:12])
    assert_one_error(batch(path), path, "gzip")


def _page(i: int) -> bytes:
    return (f"<html><head><title>Page {i}</title></head><body><article>"
            f"<h1>Headline of page {i}</h1>"
            f"<p>Paragraph one of page {i} reports on the council meeting in detail, with "
            f"the figures that were presented to members by the finance officer.</p>"
            f"<p>Paragraph two of page {i} adds reactions from residents and the opposition, "
            f"who said they would keep campaigning against the plan.</p>"
            f"</article></body></html>").encode()


def make_warc(path: Path, n: int) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=path.name.endswith(".gz"))
    for i in range(n):
        url = f"https://site.example/page/{i}"
        w.write_record(w.create_warc_record(
            url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
            http_headers=StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)))
        w.write_record(w.create_warc_record(
            url, "response", payload=io.BytesIO(_page(i)),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                          protocol="HTTP/1.1")))
    return buf.getvalue()


@pytest.mark.parametrize("name", ["cut.warc.gz", "cut.warc"])
def test_truncated_warc(tmp_path, batch, name):
    path = tmp_path / name
    data = make_warc(path, 20)
    path.write_bytes(data[: len(data) // 2])
    out = batch(path)
    assert out.exit_code == 1
    assert len(out.errors) == 1, out.errors
    assert re.fullmatch(rf"{re.escape(str(path))}:record \d+: truncated or corrupt WARC \(.+\)",
                        out.errors[0]), out.errors
    urls = sorted((a.url for a in out.new.values() if a.url), key=lambda u: int(u.rsplit("/")[-1]))
    n = len(urls)
    assert 5 <= n < 20
    assert urls == [f"https://site.example/page/{i}" for i in range(n)]
    # no article was made from a record cut in half
    assert all(a.text.endswith("against the plan.") for a in out.new.values() if a.url)


@pytest.mark.parametrize("name", ["every.warc", "every.warc.gz"])
def test_warc_cut_anywhere_gives_one_error_and_whole_records(tmp_path, name):
    full = make_warc(tmp_path / name, 4)
    complete = [a.url for a in read_sources([_write(tmp_path / name, full)])]
    assert len(complete) == 4
    for cut in range(1, len(full), max(1, len(full) // 150)):
        path = _write(tmp_path / name, full[:cut])
        results = list(read_sources([path]))
        arts = [r for r in results if isinstance(r, Article)]
        errors = [r for r in results if not isinstance(r, Article)]
        assert [a.url for a in arts] == complete[: len(arts)]
        assert all(a.text.endswith("against the plan.") for a in arts), cut
        assert len(errors) <= 1, (cut, errors)
        if not errors:
            # no error only when the cut fell exactly between two records (for .gz: two
            # gzip members; a cut inside one makes gzip.decompress raise here)
            if name.endswith(".gz"):
                whole, kept = gzip.decompress(full), gzip.decompress(full[:cut])
                rest = whole[len(kept):]
            else:
                rest = full[cut:]
            assert rest.lstrip(b"\r\n").startswith(b"WARC/1.0"), f"cut at {cut} unnoticed"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_corrupt_warc_header(tmp_path, batch):
    path = tmp_path / "bad.warc"
    good = make_warc(path, 2)
    path.write_bytes(good + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: banana\r\n\r\n"
                     + b"x" * 50)
    out = batch(path)
    assert out.exit_code == 1 and len(out.errors) == 1
    assert out.errors[0].startswith(f"{path}:record 5: truncated or corrupt WARC")
    assert sum(1 for a in out.new.values() if a.url) == 2


def test_stdin_garbage(tmp_path, batch):
    db = tmp_path / "store.db"
    result = runner.invoke(app, ["ingest", "-", "--db", str(db)], input=b"\x00\xff" * 100)
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: <stdin>: binary content, not text"
    result = runner.invoke(app, ["ingest", "-", "--db", str(db)], input=b" \n ")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: <stdin>: empty input"
    with Store(db) as store:
        assert {a.id for a in store.articles()} == {"r0", "r1", "r2"}


def test_many_bad_inputs_in_one_batch(tmp_path, batch):
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "j.bin"
    junk.write_bytes(b"\x00\x01" * 100)
    lines = tmp_path / "l.jsonl"
    lines.write_text(json.dumps(record(900)) + "\n{oops\n")
    missing = tmp_path / "missing.txt"
    out = batch(empty, junk, lines, missing)
    assert out.exit_code == 1
    assert sorted(e.split(": ", 1)[0] for e in out.errors) == sorted(
        [str(empty), str(junk), f"{lines}:2", str(missing)])
    assert "r900" in out.new
    assert "4 rejected" in out.stdout


def test_exit_code_zero_when_nothing_rejected(tmp_path, batch):
    path = jsonl(tmp_path / "ok.jsonl", [record(0), record(1)])  # both already stored
    out = batch(path)
    assert out.exit_code == 0 and out.errors == []
    assert "already stored" in out.stdout and "0 rejected" in out.stdout


def test_gzip_that_inflates_past_max_bytes(tmp_path, batch):
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip.compress(json.dumps([{"text": "x" + " " * 3_000_000}]).encode()))
    assert path.stat().st_size < 20_000  # small on disk, 3 MB once decompressed
    out = batch(path, args=("--max-bytes", "100000"))
    assert_one_error(out, path, "file too large (> cap 100,000 bytes once decompressed")


def test_gzip_on_stdin_that_inflates_past_max_bytes(tmp_path):
    data = gzip.compress(b'{"text": "' + b"y" * 500_000 + b'"}\n')
    result = runner.invoke(app, ["ingest", "-", "--db", str(tmp_path / "s.db"),
                                 "--max-bytes", "10000"], input=data)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: <stdin>: input too large (> cap 10,000 bytes once "
                                     "decompressed)")


def test_long_jsonl_line_is_skipped_without_being_held(tmp_path):
    """A line over the cap is reported with its real size and never read whole."""
    from storytrace.ingest.fields import FieldMap
    from storytrace.ingest.records import jsonl_articles

    class Spy(io.BytesIO):
        biggest = 0

        def readline(self, size=-1):
            line = super().readline(size)
            Spy.biggest = max(Spy.biggest, len(line))
            return line

    long_line = json.dumps({"text": "z" * 5_000_000}).encode() + b"\n"
    data = json.dumps(record(1)).encode() + b"\n" + long_line + json.dumps(record(2)).encode()
    results = list(jsonl_articles(Spy(data), "feed.jsonl", FieldMap(), 1000))
    assert [getattr(r, "id", None) for r in results] == ["r1", None, "r2"]
    assert str(results[1]) == f"feed.jsonl:2: line too large ({len(long_line):,} bytes > cap 1,000)"
    assert Spy.biggest <= 2**20  # read in pieces, not as one 5 MB line
