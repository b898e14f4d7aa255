"""Every input format, read from real files: what comes out is the article that went in."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import shared_path
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace import Article, IngestError, IngestOptions, Store, ingest, read_sources
from storytrace.cli import app
from storytrace.ingest import FieldMap
from storytrace.ingest.sources import detect_format, sniff

RECORDS = [
    {"id": "rec-1", "title": "Council approves bridge", "text": "The council voted on Tuesday.",
     "outlet": "Hereford Gazette", "url": "https://gazette.example/bridge",
     "published": "2021-03-04T10:15:00+01:00", "authors": ["Jane Doe", "Sam Lee"]},
    {"id": "rec-2", "headline": "Storm closes schools", "body": "Schools shut as the storm hit.",
     "publisher": "Valley News", "link": "https://www.valley.example/storm",
     "publish_date": "2020-01-02", "author": "By Ann Ray and Bo Li"},
    {"title": "No id given", "text": "An article without an id gets a content hash.",
     "url": "https://www.example.org/x", "published": 1474272304},
]


def articles_and_errors(results) -> tuple[list[Article], list[IngestError]]:
    results = list(results)
    return ([r for r in results if isinstance(r, Article)],
            [r for r in results if isinstance(r, IngestError)])


def check_records(arts: list[Article]) -> None:
    """The three RECORDS above, read back through any structured format."""
    assert [a.title for a in arts] == ["Council approves bridge", "Storm closes schools",
                                       "No id given"]
    a, b, c = arts
    assert a.id == "rec-1" and a.text == "The council voted on Tuesday."
    assert a.outlet == "Hereford Gazette" and a.url == "https://gazette.example/bridge"
    assert a.published == datetime(2021, 3, 4, 9, 15, tzinfo=UTC)
    assert a.published.utcoffset().total_seconds() == 3600
    assert a.authors == ["Jane Doe", "Sam Lee"]
    # aliases: headline, body, publisher, link, publish_date, author
    assert b.id == "rec-2" and b.text == "Schools shut as the storm hit."
    assert b.outlet == "Valley News" and b.url == "https://www.valley.example/storm"
    assert b.published == datetime(2020, 1, 2, tzinfo=UTC)
    assert b.authors == ["Ann Ray", "Bo Li"]
    # no id: content hash; no outlet: host of the url; epoch seconds
    assert c.id == c.content_hash and len(c.id) == 16
    assert c.outlet == "example.org"
    assert c.published == datetime(2016, 9, 19, 8, 5, 4, tzinfo=UTC)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# -- plain text: the two seeds --------------------------------------------------------


def test_seed_with_headline(seeds_dir):
    path = seeds_dir / "001_36f01ec5b307d8ad.txt"
    (art,) = list(read_sources([path]))
    assert isinstance(art, Article)
    assert art.title == "BOOM! NYPD Just DISOBEYED Liberal Mayor’s Order — He’s FINISHED!"
    assert art.text.startswith("Left-wing New York Mayor")
    content = path.read_text(encoding="utf-8")
    assert art.raw == content
    assert art.text == content[content.index("Left-wing"):].rstrip()
    assert art.source == str(path)


def test_seed_without_headline(seeds_dir):
    path = seeds_dir / "000_d761ffa0f73a1395.txt"
    (art,) = list(read_sources([path]))
    content = path.read_text(encoding="utf-8")
    assert art.title == ""
    assert art.text == content.strip()
    assert art.text.startswith("Throughout the campaign")


def test_markdown_title(tmp_path):
    path = tmp_path / "story.md"
    path.write_text("# Rates rise again\n\nThe bank raised rates.\n\nMore later.\n")
    (art,) = list(read_sources([path]))
    assert art.title == "Rates rise again"
    assert art.text == "The bank raised rates.\n\nMore later."


# -- FakeNewsNet JSON ------------------------------------------------------------------


def test_fakenewsnet_json_files():
    root = shared_path("data", "fakenewsnet-v1-2018")
    files = sorted(root.rglob("*.json"))
    assert len(files) == 422
    arts, errors = articles_and_errors(read_sources(files))
    assert len(arts) == 420
    assert sorted(Path(e.where).name for e in errors) == [
        "PolitiFact_Fake_24-Webpage.json", "PolitiFact_Fake_47-Webpage.json"]
    assert all(e.reason.startswith("missing text") for e in errors)
    assert all(a.published is None or a.published.tzinfo is not None for a in arts)

    by_name = {Path(a.source).name: a for a in arts}
    a = by_name["BuzzFeed_Fake_1-Webpage.json"]
    assert a.title == ("Proof The Mainstream Media Is Manipulating The Election By Taking "
                       "Bill Clinton Out Of Context")
    assert a.outlet == "AddictingInfo"  # meta_data.og.site_name
    assert a.published == datetime(2016, 9, 19, tzinfo=UTC)  # {"$date": 1474243200000}
    assert a.published.tzinfo is not None
    assert a.authors == ["Wendy Gittleson"]
    assert a.url.startswith("http://www.addictinginfo.org/2016/09/19/proof-the-mainstream")
    assert a.text.startswith("I woke up this morning to find a variation of this headline")


def test_fakenewsnet_into_store_and_again(tmp_path):
    root = shared_path("data", "fakenewsnet-v1-2018")
    files = sorted(root.rglob("*.json"))
    ids = {a.id for a in read_sources(files) if isinstance(a, Article)}
    with Store(tmp_path / "fnn.db") as store:
        first = ingest(files, store)
        assert first.read == 422 and first.rejected == 2
        # a few files in the data set hold the same article twice
        assert first.added == len(ids) and first.added + first.unchanged == 420
        second = ingest(files, store)
        assert second.added == 0 and second.unchanged == 420 and second.rejected == 2
        assert len(store) == len(ids)


# -- HTML -------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Council Approves New Bridge Over River Wye | Hereford Gazette</title>
<meta property="og:site_name" content="Hereford Gazette">
<meta property="og:title" content="Council Approves New Bridge Over River Wye">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2021-03-04T10:15:00+00:00">
<link rel="canonical" href="https://www.herefordgazette.example/news/bridge">
</head><body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather Forecasts</a></li></ul></nav>
<main><article>
<h1>Council Approves New Bridge Over River Wye</h1>
<p>The county council voted on Tuesday to approve construction of a new pedestrian bridge over
the River Wye, ending a decade of debate about how to connect the two halves of the city.</p>
<p>Councillors backed the plan by 32 votes to 11 after a three-hour meeting in which residents
from both banks of the river spoke for and against the proposal.</p>
<p>The bridge, which is expected to cost about 14 million pounds, will be paid for in part by a
government grant awarded last year to improve walking and cycling routes.</p>
</article></main>
<footer><p>Copyright 2021 Hereford Gazette Media Group. All rights reserved.</p>
<p>Privacy policy | Cookie settings | Contact us</p></footer>
</body></html>
"""


def test_html_page(tmp_path):
    path = tmp_path / "bridge.html"
    path.write_text(PAGE, encoding="utf-8")
    (art,) = list(read_sources([path]))
    assert isinstance(art, Article)
    assert art.title == "Council Approves New Bridge Over River Wye"
    assert art.outlet == "Hereford Gazette"
    assert art.authors == ["Jane Doe"]
    assert art.published == datetime(2021, 3, 4, 10, 15, tzinfo=UTC)
    assert art.url == "https://www.herefordgazette.example/news/bridge"
    assert art.text.startswith("The county council voted on Tuesday")
    assert "improve walking and cycling routes." in art.text
    for boilerplate in ("Home", "Sport", "Weather Forecasts", "Copyright", "Privacy policy",
                        "Cookie settings"):
        assert boilerplate not in art.text
    assert art.raw == PAGE


def test_html_sniffed_without_suffix(tmp_path):
    path = tmp_path / "page"
    path.write_text(PAGE, encoding="utf-8")
    (art,) = list(read_sources([path]))
    assert art.outlet == "Hereford Gazette"


# -- WARC ------------------------------------------------------------------------------


def _html(i: int) -> bytes:
    return (f"<html><head><title>Story {i}</title>"
            f'<meta property="og:site_name" content="Site {i}"></head><body>'
            f"<nav><a href='/'>Home</a> <a href='/w'>World</a></nav><article>"
            f"<h1>Story number {i} headline</h1>"
            f"<p>This is the first paragraph of story number {i}, about the municipal budget "
            f"and the long vote that took place in the council chamber on Monday night.</p>"
            f"<p>The second paragraph of story {i} quotes officials who said that the plan "
            f"would go ahead next year as expected, despite the objections.</p>"
            f"</article><footer>Copyright footer</footer></body></html>").encode()


def make_warc(path: Path, n: int = 3) -> Path:
    """A WARC with, per story, a request, an HTML response and an image response,
    plus a warcinfo record, a 404 HTML page and a metadata record."""
    gz = path.name.endswith(".gz")
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=gz)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        for i in range(n):
            url = f"https://news{i}.example/story/{i}"
            w.write_record(w.create_warc_record(
                url, "request", payload=io.BytesIO(b"GET /story HTTP/1.1\r\nHost: x\r\n\r\n"),
                http_headers=StatusAndHeaders("GET /story HTTP/1.1", [("Host", "x")],
                                              is_http_request=True)))
            w.write_record(w.create_warc_record(
                url, "response", payload=io.BytesIO(_html(i)),
                http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")],
                    protocol="HTTP/1.1")))
            w.write_record(w.create_warc_record(
                url + "/photo.png", "response",
                payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "image/png")],
                                              protocol="HTTP/1.1")))
        w.write_record(w.create_warc_record(
            "https://gone.example/", "response", payload=io.BytesIO(_html(99)),
            http_headers=StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")],
                                          protocol="HTTP/1.1")))
        w.write_record(w.create_warc_record(
            "https://news0.example/story/0", "metadata", payload=io.BytesIO(b"outlinks: 3"),
            warc_content_type="text/plain"))
    return path


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_only(tmp_path, name):
    path = make_warc(tmp_path / name, n=3)
    if name.endswith(".gz"):
        assert path.read_bytes()[:2] == b"\x1f\x8b"
    arts, errors = articles_and_errors(read_sources([path]))
    assert errors == []
    assert [a.url for a in arts] == [f"https://news{i}.example/story/{i}" for i in range(3)]
    for i, a in enumerate(arts):
        assert a.title == f"Story number {i} headline"
        assert a.outlet == f"Site {i}"
        assert a.text.startswith(f"This is the first paragraph of story number {i}")
        assert "Copyright footer" not in a.text and "World" not in a.text
        assert a.source.startswith(f"{path}:record ")
        assert a.source.endswith(f"<{a.url}>")
        assert datetime.fromisoformat(a.extra["crawled"]).tzinfo is not None


def test_whole_file_gzipped_warc(tmp_path):
    plain = make_warc(tmp_path / "crawl.warc", n=2)
    gz = tmp_path / "whole.warc.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))  # one gzip member, not one per record
    arts, errors = articles_and_errors(read_sources([gz]))
    assert errors == []
    assert [a.url for a in arts] == [f"https://news{i}.example/story/{i}" for i in range(2)]


# -- JSON, JSONL, CSV, TSV, gzip ------------------------------------------------------


def test_jsonl(tmp_path):
    path = write_jsonl(tmp_path / "feed.jsonl", RECORDS)
    arts, errors = articles_and_errors(read_sources([path]))
    assert errors == []
    check_records(arts)
    assert [a.source for a in arts] == [f"{path}:{n}" for n in (1, 2, 3)]


def test_jsonl_blank_lines_and_crlf(tmp_path):
    path = tmp_path / "feed.ndjson"
    path.write_bytes(b"\r\n".join(json.dumps(r).encode() for r in RECORDS[:2]) + b"\r\n\r\n\n")
    arts, errors = articles_and_errors(read_sources([path]))
    assert errors == [] and [a.id for a in arts] == ["rec-1", "rec-2"]


def test_json_list_and_single_object(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps(RECORDS))
    arts, errors = articles_and_errors(read_sources([path]))
    assert errors == []
    check_records(arts)
    assert [a.source for a in arts] == [f"{path}[{n}]" for n in (1, 2, 3)]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(RECORDS[0], indent=2))
    (art,) = list(read_sources([one]))
    assert art.id == "rec-1" and art.source == str(one)


def _write_table(path: Path, delimiter: str) -> Path:
    fields = ["id", "title", "headline", "text", "body", "outlet", "publisher", "url", "link",
              "published", "publish_date", "authors", "author"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, delimiter=delimiter)
        writer.writeheader()
        for r in RECORDS:
            row = {k: (repr(v) if isinstance(v, list) else v) for k, v in r.items()}
            writer.writerow(row)
    return path


@pytest.mark.parametrize(("name", "delimiter"), [("feed.csv", ","), ("feed.tsv", "\t")])
def test_csv_and_tsv(tmp_path, name, delimiter):
    path = _write_table(tmp_path / name, delimiter)
    arts, errors = articles_and_errors(read_sources([path]))
    assert errors == []
    check_records(arts)
    assert [a.source for a in arts] == [f"{path}:row {n}" for n in (2, 3, 4)]


def test_csv_with_multiline_quoted_text(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('title,text\r\nT,"Line one, with comma.\n\nLine ""two""."\r\n')
    (art,) = list(read_sources([path]))
    assert art.text == 'Line one, with comma.\n\nLine "two".'


def test_gzipped_jsonl_and_csv(tmp_path):
    gz = tmp_path / "feed.jsonl.gz"
    gz.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in RECORDS).encode()))
    arts, errors = articles_and_errors(read_sources([gz]))
    assert errors == []
    check_records(arts)
    plain = _write_table(tmp_path / "t.csv", ",")
    gz_csv = tmp_path / "t.csv.gz"
    gz_csv.write_bytes(gzip.compress(plain.read_bytes()))
    arts, errors = articles_and_errors(read_sources([gz_csv]))
    assert errors == []
    check_records(arts)


def test_directory_is_recursive_and_skips_hidden(tmp_path):
    root = tmp_path / "corpus"
    (root / "a" / "b").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "a" / "b" / "deep.txt").write_text("Deep headline\n\nDeep body text.\n")
    write_jsonl(root / "a" / "feed.jsonl", RECORDS[:2])
    (root / "top.md").write_text("Top body only, no headline here.\n")
    (root / ".hidden.txt").write_text("Hidden\n\nShould not be read.\n")
    (root / ".git" / "notes.txt").write_text("Git\n\nShould not be read either.\n")
    arts, errors = articles_and_errors(read_sources([root]))
    assert errors == []
    assert sorted(a.text for a in arts) == sorted([
        "Deep body text.", "The council voted on Tuesday.", "Schools shut as the storm hit.",
        "Top body only, no headline here."])
    assert not any("Should not be read" in a.text for a in arts)


def test_field_mapping(tmp_path):
    path = write_jsonl(tmp_path / "custom.jsonl", [
        {"body": "Mapped body text.", "text": "not this one", "hed": "Mapped title",
         "when": "2019-05-06T07:08:09Z", "site": "Mapped Outlet"}])
    fields = FieldMap.parse(["text=body", "title=hed", "published=when", "outlet=site"])
    (art,) = list(read_sources([path], IngestOptions(fields=fields)))
    assert art.text == "Mapped body text."
    assert art.title == "Mapped title"
    assert art.outlet == "Mapped Outlet"
    assert art.published == datetime(2019, 5, 6, 7, 8, 9, tzinfo=UTC)
    # without the mapping, the default field "text" wins
    (plain,) = list(read_sources([path]))
    assert plain.text == "not this one"
    with pytest.raises(ValueError, match="bad field mapping"):
        FieldMap.parse(["colour=red"])
    with pytest.raises(ValueError, match="bad field mapping"):
        FieldMap.parse(["text"])


def test_nested_field_paths(tmp_path):
    path = write_jsonl(tmp_path / "nested.jsonl", [
        {"content": {"body": "Nested body."}, "meta": {"site": "Nested Site"}}])
    fields = FieldMap.parse(["text=content.body", "outlet=meta.site"])
    (art,) = list(read_sources([path], IngestOptions(fields=fields)))
    assert (art.text, art.outlet) == ("Nested body.", "Nested Site")


def test_input_format_overrides_suffix(tmp_path):
    path = write_jsonl(tmp_path / "feed.txt", RECORDS)
    # by its suffix it is a text file: one article holding the JSON lines
    (as_text,) = list(read_sources([path]))
    assert as_text.text.startswith("{")
    arts, errors = articles_and_errors(read_sources([path], IngestOptions(format="jsonl")))
    assert errors == []
    check_records(arts)


def test_format_detection():
    assert detect_format("a.JSONL.gz", b"") == "jsonl"
    assert detect_format("a.warc.gz", b"") == "warc"
    assert detect_format("a.htm", b"") == "html"
    assert detect_format("noext", b"WARC/1.0\r\n") == "warc"
    assert sniff(b"  <!DOCTYPE html><html>") == "html"
    assert sniff(b'{"a": 1}\n{"a": 2}\n') == "jsonl"
    assert sniff(b'{\n  "a": 1\n}') == "json"
    assert sniff(b"[{}]") == "json"
    assert sniff(b"Just a headline\n\nand text") == "text"
    # a UTF-8 byte-order mark (Windows exports) does not hide the format
    assert sniff(b'\xef\xbb\xbf{"a": 1}\n{"a": 2}\n') == "jsonl"
    assert sniff(b"\xef\xbb\xbf<!DOCTYPE html><html>") == "html"


def test_bom_jsonl_on_stdin(tmp_path):
    db = tmp_path / "bom.db"
    data = b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
    result = invoke("ingest", "-", "--db", str(db), input=data)
    assert result.exit_code == 0, result.output
    check_records(_stored(db))


# -- through the CLI: stdin, --field, --input-format ---------------------------------

runner = CliRunner()


def invoke(*args: str, input: bytes | str | None = None):
    return runner.invoke(app, list(args), input=input)


def _stored(db: Path) -> list[Article]:
    with Store(db) as store:
        return list(store.articles())


def test_cli_stdin_jsonl(tmp_path):
    db = tmp_path / "s.db"
    data = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
    result = invoke("ingest", "-", "--db", str(db), input=data)
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stdout
    check_records(_stored(db))
    assert all(a.source.startswith("<stdin>") for a in _stored(db))


def test_cli_stdin_gzip_html_and_text(tmp_path):
    db = tmp_path / "s.db"
    result = invoke("ingest", "-", "--db", str(db), input=gzip.compress(PAGE.encode()))
    assert result.exit_code == 0, result.output
    result = invoke("ingest", "-", "--db", str(db),
                    input=b"Piped headline\n\nPiped body text.\n")
    assert result.exit_code == 0, result.output
    html, text = _stored(db)
    assert html.outlet == "Hereford Gazette"
    assert (text.title, text.text) == ("Piped headline", "Piped body text.")


def test_cli_stdin_subprocess(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "p.db"
    proc = subprocess.run(
        [sys.executable, "-c", "from storytrace.cli import main; main()", "ingest", "-",
         "--db", str(db), "--format", "json"],
        input=json.dumps(RECORDS).encode(), capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["added"] == 3 and summary["stored"] == 3 and summary["errors"] == []
    check_records(_stored(db))


def test_cli_field_and_input_format(tmp_path):
    db = tmp_path / "f.db"
    path = tmp_path / "export.dat"
    path.write_text("hed\tbody\nFirst\tFirst body.\nSecond\tSecond body.\n")
    result = invoke("ingest", str(path), "--db", str(db), "--input-format", "tsv",
                    "--field", "title=hed", "--field", "text=body")
    assert result.exit_code == 0, result.output
    assert [(a.title, a.text) for a in _stored(db)] == [("First", "First body."),
                                                        ("Second", "Second body.")]


def test_cli_rejects_bad_options(tmp_path):
    db = tmp_path / "x.db"
    result = invoke("ingest", "-", "--db", str(db), "--input-format", "pdf", input=b"x")
    assert result.exit_code == 2 and "error: --input-format must be one of" in result.stderr
    result = invoke("ingest", "-", "--db", str(db), "--field", "colour=red", input=b"x")
    assert result.exit_code == 2 and "error: bad field mapping 'colour=red'" in result.stderr
