"""The web UI and JSON API through FastAPI's TestClient: endpoints, limits, ids, escaping."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
pytest.importorskip("httpx", reason="httpx (for TestClient) is not installed")

from fastapi.testclient import TestClient

from storytrace.engines.local import build_stories, run_trace
from storytrace.ingest import read_sources
from storytrace.model import Article
from storytrace.store import Store
from storytrace.web import create_app

PWN = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
WIRE = " ".join(f"Paragraph {i} of the council report says the bridge over the river will "
                f"close for repairs in week {i}, officials said." for i in range(12))


def build_store(path: Path, seeds_dir: Path) -> dict[str, str]:
    """Seeds, a wire story with one copy carrying XSS payloads, traced into stories."""
    seeds = [a for a in read_sources(sorted(seeds_dir.glob("*.txt")))]
    wire = Article(id="wire-1", title="Bridge to close", text=WIRE, outlet="Wire Service",
                   url="https://wire.example/bridge")
    evil = Article(id="evil-1", title=f"Bridge {PWN}", outlet=f"Daily {IMG}",
                   url="javascript:window.__pwned=1",
                   text=f"{PWN} {IMG} Local take. " + WIRE + " </textarea><!-- broken")
    with Store(path) as store:
        store.add([*seeds, wire, evil])
        run_trace(store)
        build_stories(store)
    return {"seed_a": seeds[0].id, "seed_b": seeds[1].id, "wire": wire.id, "evil": evil.id}


@pytest.fixture(scope="module")
def site(tmp_path_factory, request):
    seeds_dir = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seeds"
    if not seeds_dir.exists():
        pytest.skip(f"{seeds_dir} not found: ../shared is not beside the project")
    db = tmp_path_factory.mktemp("web") / "store.db"
    ids = build_store(db, seeds_dir)
    app = create_app(db, max_body=200_000, max_chars=50_000)
    client = TestClient(app, base_url="http://127.0.0.1")
    return client, ids, db


def _inert(html: str) -> None:
    body = html.split('id="st-data"')[0]  # the JSON data block is checked in test_report
    assert "<script>window" not in body and "<img" not in body
    assert 'href="javascript:' not in body.lower() and "<!-- broken" not in body
    assert body.count("<textarea") <= 1  # only the paste form's own


def test_pages_and_security_headers(site):
    client, ids, _ = site
    for url in ("/", "/search?q=bridge", "/stories", "/trace", f"/articles/{ids['wire']}"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'sha256-" in csp
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
    assert client.get("/api/articles").headers["content-security-policy"].startswith(
        "default-src 'none'")


def test_search_by_title_text_outlet_and_like_wildcards(site):
    client, ids, _ = site
    def found(q: str) -> list[str]:
        return [a["id"] for a in client.get("/api/articles", params={"q": q}).json()["items"]]
    assert ids["seed_b"] in found("DISOBEYED")  # title
    assert ids["seed_a"] in found("Chimborazo")  # text
    assert found("wire service") == [ids["wire"]]  # outlet, case-insensitive
    assert found("%") == [] and found("a_d") == []  # LIKE wildcards match themselves only
    page = client.get("/api/articles", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 4 and len(page["items"]) == 1
    assert client.get("/api/articles", params={"limit": 0}).status_code == 422
    html = client.get("/search", params={"q": PWN}).text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    _inert(html)


def test_article_story_and_compare(site):
    client, ids, _ = site
    art = client.get(f"/api/articles/{ids['evil']}").json()
    assert art["title"].endswith(PWN) and art["story"]
    stories = client.get("/api/stories").json()
    assert stories["total"] >= 2
    story = client.get(f"/api/stories/{art['story']}").json()
    assert {a["id"] for a in story["articles"]} == {ids["wire"], ids["evil"]}
    assert story["links"][0]["kind"] == "reuse"
    page = client.get(f"/stories/{art['story']}").text
    assert '<svg class="tree"' in page and page.count('class="node') >= 2
    _inert(page)
    cmp = client.get("/api/compare", params={"a": ids["wire"], "b": ids["evil"][:6]}).json()
    assert cmp["passages"] and cmp["coverage"]["a"] > 0.9 and "attributions" in cmp
    page = client.get("/compare", params={"a": ids["wire"], "b": ids["evil"]}).text
    assert 'id="a-p1"' in page and 'id="b-p1"' in page
    _inert(page)
    _inert(client.get(f"/articles/{ids['evil']}").text)


def test_stories_read_as_the_cli_reads_them(site):
    """One way to load a story: the web shows what `trace` prints, number for number."""
    from storytrace.engines.local import stored_stories

    client, _, db = site
    with Store(db, read_only=True) as store:
        stories = stored_stories(store)
    listed = client.get("/api/stories").json()
    assert listed["total"] == len(stories) >= 2
    assert [s["story"] for s in listed["items"]] == [s.id for s in stories]
    for item, story in zip(listed["items"], stories, strict=True):
        cli = story.to_dict()
        assert (item["articles"], item["outlets"]) == (len(cli["articles"]), len(cli["outlets"]))
        web = client.get(f"/api/stories/{story.id}").json()
        assert {key: web[key] for key in cli} == cli


@pytest.mark.parametrize("url,codes", [
    ("/api/articles/..%2F..%2Fetc%2Fpasswd", {400, 404}),
    ("/api/articles/..", {400, 404}),
    ("/api/articles/a%20b", {400}),
    ("/api/articles/%3Cscript%3E", {400}),
    ("/api/stories/..%5C..%5Cwindows", {400}),
    ("/api/compare?a=../../etc/passwd&b=x", {400}),
    ("/compare?a=%2Fetc%2Fpasswd&b=x", {400}),
    ("/articles/..%2F..%2Fstore.db", {400, 404}),
    ("/api/articles/nope", {404}),
    ("/api/stories/s-nope", {404}),
])
def test_bad_ids_and_traversal_are_refused(site, url, codes):
    client, _, _ = site
    r = client.get(url)
    assert r.status_code in codes, (url, r.status_code)
    assert "root:" not in r.text and "SQLite format" not in r.text
    if r.status_code == 400 and not url.startswith("/api"):
        assert "<html" in r.text and "/etc/passwd" not in r.text.split("<main>")[0]


def test_empty_or_overlong_id_is_a_400(site):
    client, _, _ = site
    assert client.get("/api/compare", params={"a": "", "b": "x"}).status_code == 400
    assert client.get(f"/api/articles/{'a' * 300}").status_code == 400


def test_paste_finds_the_stored_versions(site):
    client, ids, _ = site
    r = client.post("/api/trace", json={"text": "Press release. " + WIRE[:900],
                                        "title": "release"})
    assert r.status_code == 200
    data = r.json()
    got = {m["id"]: m for m in data["matches"]}
    assert {ids["wire"], ids["evil"]} <= set(got)
    assert got[ids["wire"]]["coverage_pasted"] > 0.9
    assert all(m["passages"] for m in data["matches"])
    unrelated = client.post("/api/trace", json={"text": "A short note about the weather in "
                                                        "Lisbon, sunny and warm all week."})
    assert unrelated.json()["matches"] == []
    stored = client.get(f"/api/articles/{ids['wire']}/reuse").json()
    assert [m["id"] for m in stored["matches"]] == [ids["evil"]]


def test_paste_form_upload_and_side_by_side(site):
    client, ids, _ = site
    r = client.post("/trace", data={"text": WIRE[:1200], "title": PWN, "outlet": IMG})
    assert r.status_code == 200 and "Matches (2)" in r.text
    _inert(r.text)
    page = "<html><head><title>Bridge</title></head><body><article><h1>Bridge</h1>" + \
        "".join(f"<p>{WIRE[i:i + 300]}</p>" for i in range(0, 1500, 300)) + \
        "</article></body></html>"
    up = client.post("/trace", files={"file": ("page.html", page.encode(), "text/html")})
    assert up.status_code == 200 and ids["wire"] in up.text
    side = client.post("/trace/compare", data={"text": WIRE[:1200], "id": ids["wire"]})
    assert side.status_code == 200 and 'id="b-p1"' in side.text
    assert client.post("/trace", data={"text": "  "}).status_code == 400
    binary = client.post("/trace", files={"file": ("x.txt", b"\x00\x01\x02" * 100)})
    assert binary.status_code == 400 and "binary" in binary.text


def test_body_and_text_limits_give_413(site):
    client, _, _ = site
    big = client.post("/api/trace", content=b"x" * 300_000,
                      headers={"content-type": "application/json"})
    assert big.status_code == 413 and "limit" in big.json()["detail"]

    def chunks():
        for _ in range(30):
            yield b"y" * 10_000

    streamed = client.post("/api/trace", content=chunks(),
                           headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    form = client.post("/trace", data={"text": "z " * 120_000})
    assert form.status_code == 413
    long_text = client.post("/api/trace", json={"text": "word " * 12_000})
    assert long_text.status_code == 413 and "characters" in long_text.json()["detail"]


def test_foreign_host_header_is_refused(site):
    client, _, _ = site
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_openapi_describes_the_api(site):
    client, _, _ = site
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/stories",
                 "/api/stories/{story_id}", "/api/compare", "/api/trace"):
        assert path in spec["paths"]
    assert not any(p.startswith("/stories") for p in spec["paths"])



def test_api_docs_work_offline(site):
    """/api/docs names no other host, and every file it loads comes from this server."""
    client, _, _ = site
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    assert not re.search(r"(?:https?:)?//", docs.text)  # no CDN, no external host at all
    csp = docs.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    assert "<script>" not in docs.text and "<style" not in docs.text and " style=" not in docs.text
    assets = re.findall(r'(?:src|href)="(/[^"]*)"', docs.text)
    assert {"/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui.css",
            "/api/docs/init.js", "/api/openapi.json"} <= set(assets)
    for url in assets:
        r = client.get(url)
        assert r.status_code == 200 and r.content, url
    assert "SwaggerUIBundle" in client.get("/api/docs/swagger-ui-bundle.js").text
    assert "/api/openapi.json" in client.get("/api/docs/init.js").text
    assert not any(p.startswith("/api/docs") for p in client.get("/api/openapi.json").json()[
        "paths"])


def test_the_store_is_never_written(site, tmp_path):
    client, ids, db = site
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    client.get("/")
    client.post("/api/trace", json={"text": WIRE})
    story = client.get(f"/api/articles/{ids['wire']}").json()["story"]
    assert client.get(f"/stories/{story}").status_code == 200
    with Store(db) as store:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert len(store) == 4
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_missing_store_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        create_app(tmp_path / "nope.db")


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        create_app(junk)


def test_serve_command_refuses_a_missing_store(tmp_path):
    import typer
    from typer.testing import CliRunner

    from storytrace.cli.serve import serve_cmd

    app = typer.Typer()
    app.command("serve")(serve_cmd)
    app.command("other")(lambda: None)
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no store" in result.output


@pytest.mark.parametrize("body", [b"{", b"[]", b'{"text": 5}', b'{"text": null}', b"\xff\xfe",
                                  b'{"text": "' + b"a" * 10 + b'"', b'{"text": ""}'])
def test_malformed_json_is_a_client_error_not_a_crash(site, body):
    client, _, _ = site
    r = client.post("/api/trace", content=body, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
    assert "detail" in r.json()


def test_reads_go_on_while_an_ingest_writes(tmp_path, site):
    """The server reads a store that another connection is writing to: no lock errors."""
    import threading

    _, ids, db = site
    live = tmp_path / "live.db"
    with sqlite3.connect(db) as src, sqlite3.connect(live) as dst:
        src.backup(dst)
    client = TestClient(create_app(live), base_url="http://127.0.0.1")
    stop = threading.Event()
    written = []

    def ingest():
        with Store(live) as store:
            n = 0
            while not stop.is_set() and n < 400:
                batch = [Article(id=f"new-{n + i}", title=f"Item {n + i}",
                                 text=f"Fresh item {n + i}. " + WIRE[: 200 + i]) for i in range(20)]
                store.add(batch)
                n += 20
                written.append(n)

    writer = threading.Thread(target=ingest)
    writer.start()
    try:
        codes = []
        for _ in range(40):
            codes.append(client.get("/api/articles", params={"q": "bridge"}).status_code)
            codes.append(client.get(f"/api/articles/{ids['wire']}").status_code)
    finally:
        stop.set()
        writer.join()
    assert set(codes) == {200}
    assert written and written[-1] > 0
    with Store(live) as store:
        assert len(store) == 4 + written[-1]


def test_side_by_side_pages_show_the_facts_diff_and_name_the_paste(site):
    """The paste check and web compare show what `storytrace compare` prints: a changed
    number is a changed fact, and the pasted text is called that, not by a hash."""
    client, ids, _ = site
    stored = client.get(f"/api/articles/{ids['seed_a']}").json()["text"]
    assert "Chimborazo, 35" in stored
    pasted = stored.replace("Chimborazo, 35", "Chimborazi, 45")
    side = client.post("/trace/compare", data={"text": pasted, "id": ids["seed_a"]})
    assert side.status_code == 200
    diff = side.text.split('id="diff"')[1].split("</section>")[0]
    assert "Changed facts (2)" in diff
    assert ">45</a>" in diff and ">35</a>" in diff  # the age
    assert ">Milton Chimborazi</a>" in diff and ">Milton Chimborazo</a>" in diff
    head = side.text.split('class="card head head-a"')[1].split("</div>")[0]
    assert "Your pasted text" in head
    assert not re.search(r"\b[0-9a-f]{16}\b", head)  # no hash id for the pasted text
    results = client.post("/trace", data={"text": pasted}).text
    assert "<b>Your pasted text</b>" in results
    page = client.get("/compare", params={"a": ids["seed_a"], "b": ids["seed_b"]}).text
    for section in ("direction", "credits", "diff", "framing"):
        assert f'id="{section}"' in page, section
    api = client.get("/api/compare", params={"a": ids["seed_a"], "b": ids["seed_b"]}).json()
    assert {"attributions", "direction", "diff", "framing"} <= set(api)


FIRE = ("Firefighters rescued Maria Lopez, a 34-year-old nurse from Albany, from a burning "
        "apartment on Elm Street late on Sunday night. "
        "The blaze started in a kitchen on the third floor and spread to two other flats. "
        "Twelve residents were taken to the county hospital with minor injuries. "
        "The fire chief said the building had no working smoke alarms at the time. "
        "Investigators expect to name the cause of the fire by the end of the week.")


def test_story_page_shows_the_claim_ledger_from_a_read_only_store(tmp_path):
    """`trace --changes` stores each edge's claims; the story page and the API show the
    story's claim ledger from them, and the store is not written."""
    from datetime import UTC, datetime

    from storytrace.engines.core import TraceOptions
    from storytrace.engines.local import trace_store

    day = lambda d: datetime(2024, 5, d, 9, tzinfo=UTC)  # noqa: E731
    copy = FIRE.replace("a 34-year-old nurse", "34,")
    grand = copy.replace("The fire chief said the building had no working smoke alarms at "
                         "the time. ", "")
    db = tmp_path / "ledger.db"
    with Store(db) as store:
        store.add([Article(id="fire-root", text=FIRE, title="Nurse rescued", outlet="Times",
                           published=day(1)),
                   Article(id="fire-copy", text=copy, title="Nurse saved", outlet="Post",
                           published=day(2)),
                   Article(id="fire-grand", text=grand, title="Nurse saved", outlet="Blog",
                           published=day(3))])
        result = trace_store(store, TraceOptions(changes=True))
    assert result.parents() == {"fire-root": None, "fire-copy": "fire-root",
                                "fire-grand": "fire-copy"}
    story = result.stories[0].id
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    client = TestClient(create_app(db), base_url="http://127.0.0.1")
    ledger = client.get(f"/api/stories/{story}").json()["ledger"]
    assert ledger["versions"] == ["fire-root", "fire-copy", "fire-grand"]
    first = ledger["entries"][0]
    assert first["first"] == "fire-root" and first["marks"] == ["first", "changed", "same"]
    (change,) = [c for s in first["steps"] for c in s["changes"]]
    assert (change["parent"]["text"], change["child"]["text"]) == ("a 34-year-old nurse", "34")
    assert FIRE[change["parent"]["start"]:change["parent"]["end"]] == "a 34-year-old nurse"
    chief = [e for e in ledger["entries"] if e["statement"]["text"].startswith("The fire chief")]
    assert [e["dropped_by"] for e in chief] == [["fire-grand"]]
    page = client.get(f"/stories/{story}").text
    section = page.split('aria-label="claim ledger"')[1].split("</section>")[0]
    assert "<h3>Claim ledger</h3>" in section and "dropped by 3" in section
    assert "wording “a 34-year-old nurse” → “34”" in section
    with Store(db) as store:
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_stories_page_lists_the_links_that_join_no_story(tmp_path):
    """Same-event links and shared quotations join no story: the stories page and API
    list them as the CLI does, with both articles linked and their titles escaped."""
    from storytrace.model import Link
    from storytrace.store.corpus import CorpusIndex

    arts = [Article(id=f"art{i}", text=f"Text number {i} of the test.",
                    title=f"Title {i}" + (PWN if i == 2 else ""), outlet=f"Outlet {i}")
            for i in range(4)]
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.add(arts)
        index = CorpusIndex(store)
        s0, s1, s2, s3 = (index.seqs_of([a.id for a in arts])[a.id] for a in arts)
        index.add_links([], [
            Link(s0, s1, "reuse", 0.9, 0.5, 0.5, {"passages": 1}),
            Link(s2, s3, "same_event", 0.7, 0, 0, {"why": "two reports of one site about "
                                                   "the same event: details"})])
        build_stories(store)
    client = TestClient(create_app(db), base_url="http://127.0.0.1")
    data = client.get("/api/stories").json()
    assert data["total"] == 1 and data["related_total"] == 1
    assert {data["related"][0]["a"], data["related"][0]["b"]} == {"art2", "art3"}
    html = client.get("/stories").text
    assert "Related, joined into no story" in html and "/compare?a=art2&amp;b=art3" in html
    assert "two reports of one site about the same event" in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    _inert(html)
