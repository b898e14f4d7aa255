"""Property-based tests: every parser and `compare` on hostile input.

What must hold whatever the input (combining marks, right-to-left text, emoji,
zero-width characters, NUL, lone surrogates, control bytes, truncation):

* no exception escapes a parser: each record is an :class:`Article` or an
  :class:`IngestError` whose message is one line naming the record;
* every article ingest returns can be stored (``Store.add`` never raises);
* every span (aligned passage, repeat, brat annotation) slices the text it
  indexes: ``0 <= start <= end <= len(text)``;
* PAN XML gives valid annotations or one ``ValueError`` naming the file.

Example counts are small so the file runs in well under a minute; the atheris
targets under ``fuzz/`` run the same checks for as long as one likes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import count_operations, hang_guard

from storytrace.align import Aligner
from storytrace.comparison import compare
from storytrace.eval.attribution import read_ann
from storytrace.eval.pan import read_annotations
from storytrace.ingest import IngestError, IngestOptions, read_bytes
from storytrace.model import Article
from storytrace.store import Store

# STORYTRACE_FUZZ_SCALE=25 runs 25 times the examples, from a random start each time.
SCALE = int(os.environ.get("STORYTRACE_FUZZ_SCALE", "1"))
FUZZ = settings(max_examples=40 * SCALE, deadline=None, derandomize=SCALE == 1,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ALIGNER = Aligner(semantic=False)
_SURROGATE = re.compile("[\ud800-\udfff]")

# Pieces that break naive text handling, mixed with ordinary news words so that
# the aligner has something to match.
HOSTILE = [
    "e\u0301", "a\u0323\u0301\u0302", "\u0301", "\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u0631\u062d\u0628\u0627",
    "\u200f", "\u202e", "\u2066", "😀", "👨\u200d👩\u200d👧", "👍🏽", "🇫🇷", "\u200b", "\u200c",
    "\u200d", "\u2060", "\ufeff", "\u00ad", "\x00", "\ud800", "\udfff", "\udc80", "\r\n", "\r",
    "\u2028", "\u2029", "\u00a0", "\t", "\x0b", "\x1b[31m", "\ufffd", "\U0010ffff", "’", "“",
    "—", "…", "Mr.", "U.S.", "...", "!?", "\n\n", "ǅ", "İ", "ß", "ﬁ", "Ⅻ", "٣", "𝟗",
]
WORDS = ("the council said on Tuesday that the bridge will close for repairs after "
         "inspectors found cracks in two of its main supports").split()
piece = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(WORDS),
                  st.text(st.characters(exclude_categories=()), max_size=8))
hostile_text = st.lists(st.one_of(piece, st.just(" ")), max_size=120).map("".join)


def check_results(results: list, where: str, options: IngestOptions) -> list[Article]:
    """The invariants of every ingest result; returns the articles."""
    articles = []
    for r in results:
        assert isinstance(r, (Article, IngestError)), type(r)
        if isinstance(r, IngestError):
            message = str(r)
            assert message.startswith(where), message
            assert "\n" not in message and "\r" not in message, message
            continue
        assert r.text.strip() and len(r.text) <= options.max_chars
        assert r.source.startswith(where)
        articles.append(r)
    with Store(":memory:") as store:  # whatever a parser returns can be stored
        report = store.add(articles)
        assert len(report.added) + len(report.unchanged) + len(report.conflicts) == len(articles)
        # only a repeated id can be refused: parsers never return text SQLite cannot hold
        assert all(reason.startswith("id already stored") for _, reason in report.conflicts)
    return articles


def parse(data: bytes, fmt: str, **caps) -> list[Article]:
    options = IngestOptions(format=fmt, **caps)
    return check_results(list(read_bytes(data, "in", options)), "in", options)


# -- ingest parsers ---------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=3000),
       fmt=st.sampled_from(["auto", "text", "html", "json", "jsonl", "csv", "tsv", "warc"]))
def test_any_bytes_in_any_format(data, fmt):
    parse(data, fmt)


@FUZZ
@given(text=hostile_text, title=hostile_text)
def test_text_files_keep_their_characters(text, title):
    content = f"{title}\n\n{text}"
    for article in parse(content.encode("utf-8", "surrogatepass"), "text"):
        # decoding may replace bytes, but the body is always a slice of what was read
        decoded = article.raw if article.raw is not None else article.text
        assert article.text in decoded


@FUZZ
@given(records=st.lists(st.fixed_dictionaries(
    {"id": st.one_of(st.none(), hostile_text), "title": hostile_text, "text": hostile_text,
     "published": st.one_of(st.none(), hostile_text, st.integers(), st.floats())}),
    max_size=5), lines=st.booleans())
def test_json_records_round_trip(records, lines):
    def clean(r):
        return {k: v for k, v in r.items() if v is not None}

    if lines:
        data = "\n".join(json.dumps(clean(r)) for r in records).encode()
    else:
        data = json.dumps([clean(r) for r in records]).encode()
    # what JSON carries: escaped surrogate pairs join up, lone ones become U+FFFD
    wanted = {_SURROGATE.sub("\ufffd", json.loads(json.dumps(r["text"]))) for r in records}
    for article in parse(data, "jsonl" if lines else "json"):
        assert article.text in wanted


@FUZZ
@given(rows=st.lists(st.tuples(hostile_text, hostile_text), max_size=5),
       delimiter=st.sampled_from([",", "\t"]))
def test_csv_rows_round_trip(rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["title", "text"])
    rows = [(t.replace("\x00", ""), x.replace("\x00", "")) for t, x in rows]
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8", "replace")
    texts = {x.encode("utf-8", "replace").decode("utf-8") for _, x in rows}
    for article in parse(data, "tsv" if delimiter == "\t" else "csv"):
        assert article.text in texts


@settings(FUZZ, max_examples=25 * SCALE)
@given(body=hostile_text, title=hostile_text, junk=st.binary(max_size=200))
def test_html_pages(body, title, junk):
    page = (f"<html><head><title>{title}</title><meta charset=utf-8></head><body>"
            f"<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>")
    data = page.encode("utf-8", "surrogatepass")
    parse(data, "html")
    parse(data[: len(data) // 2] + junk, "html")


def _warc(bodies: list[bytes]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for i, body in enumerate(bodies):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://example.org/{i}", "response", payload=io.BytesIO(body),
            http_headers=headers))
    return out.getvalue()


@settings(FUZZ, max_examples=25 * SCALE)
@given(bodies=st.lists(hostile_text, min_size=1, max_size=3), cut=st.floats(0, 1),
       flip=st.integers(0, 10**6))
def test_warc_archives_whole_cut_and_damaged(bodies, cut, flip):
    pages = [f"<html><body><article><p>{b} {' '.join(WORDS)}</p></article></body></html>"
             .encode("utf-8", "surrogatepass") for b in bodies]
    data = _warc(pages)
    parse(data, "warc")
    parse(data[: int(len(data) * cut)], "warc")
    damaged = bytearray(data)
    damaged[flip % len(damaged)] ^= 0xFF
    parse(bytes(damaged), "warc")


def test_ten_megabyte_single_line_is_refused_quickly_with_a_clear_error():
    line = ("word " * 2_000_001)[:10_000_000]
    cases = {"text": line.encode(), "jsonl": json.dumps({"text": line}).encode(),
             "csv": f"text\n{line}\n".encode(), "html": f"<p>{line}</p>".encode()}
    list(read_bytes(b"warm-up", "small"))  # lazy imports done before counting
    for fmt, data in cases.items():
        # Quickly: no Python step per word or character of the 2 million words (the
        # parsers' C code reads them), counted in lines of Python run, not in seconds.
        with hang_guard(300, f"reading a 10 MB {fmt} line"):
            results, ops = count_operations(
                lambda data=data, fmt=fmt: list(read_bytes(data, "big",
                                                           IngestOptions(format=fmt))),
                also=("trafilatura", "htmldate", "charset_normalizer"))
        assert ops <= 100_000, (fmt, ops)
        assert len(results) == 1 and isinstance(results[0], IngestError), fmt
        assert "\n" not in str(results[0]) and str(results[0]).startswith("big")
    (error,) = read_bytes(cases["jsonl"], "big", IngestOptions(format="jsonl",
                                                                max_bytes=1_000_000))
    assert str(error) == "big: input too large (> cap 1,000,000 bytes)"


# -- store --------------------------------------------------------------------------------


@FUZZ
@given(id_=hostile_text, text=hostile_text, title=hostile_text, outlet=hostile_text,
       source=hostile_text)
def test_store_never_raises_on_any_unicode(id_, text, title, outlet, source):
    article = Article(id=id_, text=text or "x", title=title, outlet=outlet, source=source)
    with Store(":memory:") as store:
        report = store.add([article, Article(text="fine")])
        assert len(report.added) + len(report.unchanged) + len(report.conflicts) == 2
        assert len(store) == len(report.added)
        if report.added and article.id in report.added:
            assert store.get(article.id).text == article.text


# -- evaluation readers -------------------------------------------------------------------

attr_value = st.one_of(st.integers(-5, 10**9).map(str), hostile_text,
                       st.sampled_from(["1e3", " 7 ", "٣", "0x10", "1_000", "9" * 5000]))


@FUZZ
@given(features=st.lists(st.dictionaries(
    st.sampled_from(["name", "this_offset", "this_length", "source_reference",
                     "source_offset", "source_length", "obfuscation"]), attr_value),
    max_size=4), junk=st.binary(max_size=100), reference=st.booleans())
def test_pan_xml(features, junk, reference):
    from xml.sax.saxutils import quoteattr

    def attrs(d):
        if "name" not in d:
            d = {"name": "detected-plagiarism", **d}
        return " ".join(f"{k}={quoteattr(_xml_safe(v))}" for k, v in d.items())

    body = "".join(f"<feature {attrs(f)}/>" for f in features)
    root = '<document reference="s.txt">' if reference else "<document>"
    doc = f'<?xml version="1.0"?>{root}{body}</document>'
    with tempfile.TemporaryDirectory() as tmp:
        for data in (doc.encode(), doc.encode()[: len(doc) // 2] + junk, junk):
            path = Path(tmp) / "pair.xml"
            path.write_bytes(data)
            try:
                found = read_annotations(path)
            except ValueError as exc:
                assert str(path) in str(exc)
                continue
            for a in found:
                assert a.this_offset >= 0 and a.this_length >= 0
                assert a.source_offset >= 0 and a.source_length >= 0


def _xml_safe(value: str) -> str:
    return "".join(c for c in value if c in "\t\n\r" or (" " <= c <= "\ud7ff")
                   or ("\ue000" <= c <= "\ufffd") or c >= "\U00010000")


@FUZZ
@given(text=hostile_text, lines=st.lists(st.one_of(
    st.tuples(st.integers(-3, 400), st.integers(-3, 400), hostile_text).map(
        lambda t: f"T1\tSource {t[0]} {t[1]}\t{t[2]}"),
    st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
    .map(lambda t: f"T2\tCue {t[0]} {t[1]};{t[2]} {t[3]}\tx"),
    st.just("E1\tAttribution:T2 Source:T1 Cue:T2"),
    hostile_text), max_size=8))
def test_brat_spans_always_slice_the_text(text, lines):
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.ann"
        path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        found = read_ann(path, text, on_error=errors.append)
    for a in found:
        for span in a.fragments:
            assert 0 <= span.start <= span.end <= len(text)
    assert all("\n" not in e for e in errors)


# -- compare -----------------------------------------------------------------------------


def check_alignment(a: str, b: str) -> None:
    result = compare(Article(text=a), Article(text=b), ALIGNER)
    d = result.to_dict()
    json.dumps(d)  # JSON-ready, lone surrogates included (escaped)
    for p in result.alignment.passages:
        assert 0 <= p.a_start <= p.a_end <= len(a) and 0 <= p.b_start <= p.b_end <= len(b)
        assert a[p.a_start : p.a_end].strip() and b[p.b_start : p.b_end].strip()
        assert p.kind in ("verbatim", "edited", "paraphrase") and 0 <= p.score <= 1
    for text, repeats in ((a, result.alignment.repeats_a), (b, result.alignment.repeats_b)):
        for r in repeats:
            for s, e in r.occurrences:
                assert 0 <= s < e <= len(text)
    assert 0 <= result.alignment.coverage_a <= 1 and 0 <= result.alignment.coverage_b <= 1


@settings(FUZZ, max_examples=60 * SCALE)
@given(a=hostile_text, b=hostile_text, shared=hostile_text)
def test_compare_on_hostile_unicode(a, b, shared):
    check_alignment(a + " " + shared, shared + " " + b)


@FUZZ
@given(words=st.lists(st.sampled_from(WORDS + HOSTILE), min_size=20, max_size=80),
       noise=st.lists(st.sampled_from(HOSTILE), max_size=20))
def test_compare_finds_a_copy_through_invisible_noise(words, noise):
    a = " ".join(words)
    b = "Intro text here. " + " ".join(w + (noise[i % len(noise)] if noise else "")
                                       for i, w in enumerate(words))
    check_alignment(a, b)


def test_compare_of_two_200kb_articles_is_bounded():
    """Two generated 200 KB articles (one an edited copy) compare under a hang guard, and
    the work on 100 KB is about twice that on 50 KB (four times if it were quadratic)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        from large_pair import article_pair
    finally:
        sys.path.pop(0)
    ops = []
    for size in (50_000, 100_000):
        a, b = article_pair(size, "edited")
        ops.append(count_operations(compare, Article(text=a), Article(text=b), ALIGNER)[1])
    assert ops[1] <= 2.25 * ops[0], ops
    a, b = article_pair(200_000, "edited")
    with hang_guard(600, "comparing two 200 KB articles"):  # about 2 s here
        check_alignment(a, b)


PATHOLOGICAL = {"dots": ".", "initials": "A. B. C. D. ", "combining": "\u0301\u0323"}


def test_pathological_200kb_texts_tokenize_in_linear_work():
    """Texts that trip naive tokenizers: 200 KB of each takes seconds (hang guard), and
    100 KB twice the work of 50 KB, counted in lines of Python run."""
    from storytrace.text.doc import Doc

    def analyse(text: str) -> Doc:
        doc = Doc(text)
        return doc.sentence_tokens, doc.stems, doc.names, doc.numbers

    for name, unit in PATHOLOGICAL.items():
        ops = [count_operations(analyse, "a" + unit * (n // len(unit)))[1]
               for n in (50_000, 100_000)]
        assert ops[1] <= 2.25 * ops[0], (name, ops)
        with hang_guard(300, f"tokenizing 200 KB of {name}"):
            analyse("a" + unit * (200_000 // len(unit)))
