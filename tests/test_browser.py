"""The report and the web UI in a real browser: Playwright driving Debian's Chromium.

Needs ``/usr/bin/chromium`` (``scripts/install-browser.sh``) and the ``playwright`` Python
package; Playwright's own browser download is not used. Skipped, with the reason, when
either is missing. Screenshots (1280×800 and 400×800) go to ``build/test-artifacts/``.
With ``STORYTRACE_SCREENSHOTS=1`` the README's screenshots of the web UI's story and
compare pages (the demo seeds) are written to ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("STORYTRACE_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "build" / "test-artifacts"
SEEDS = ROOT.parent / "shared" / "examples" / "seeds"
WIDE, NARROW = {"width": 1280, "height": 800}, {"width": 400, "height": 800}
README_SHOTS = ROOT / "docs" / "screenshots"

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install playwright)")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: run scripts/install-browser.sh",
                allow_module_level=True)
if not SEEDS.exists():
    pytest.skip(f"{SEEDS} not found: ../shared is not beside the project",
                allow_module_level=True)

from storytrace.align import Aligner  # noqa: E402
from storytrace.comparison import compare  # noqa: E402
from storytrace.engines.local import build_stories, run_trace, trace_store  # noqa: E402
from storytrace.ingest import read_sources  # noqa: E402
from storytrace.model import Article  # noqa: E402
from storytrace.report import render_compare_html, render_trace_html  # noqa: E402
from storytrace.report.extras import comparison_dict, story_dict  # noqa: E402
from storytrace.report.html import document  # noqa: E402
from storytrace.store import Store  # noqa: E402

PWN = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
WIRE = " ".join(f"Paragraph {i} of the council report says the bridge over the river will "
                f"close for repairs in week {i}, officials said." for i in range(12))


def _evil() -> Article:
    return Article(id="evil-1", title=f"Bridge {PWN}{IMG}", outlet='Daily "><svg onload='
                   'window.__pwned=1>', url="javascript:window.__pwned=1",
                   text=f"{PWN} {IMG} Local take. " + WIRE + " </textarea><!-- broken")


def _wire() -> Article:
    return Article(id="wire-1", title="Bridge to close", text=WIRE, outlet="Wire Service",
                   url="https://wire.example/bridge")


def _compare_page(a: Article, b: Article) -> str:
    """The report as ``storytrace compare --format html`` makes it."""
    comparison = compare(a, b, Aligner(semantic=False))
    return render_compare_html(comparison_dict(comparison), a.text, b.text)


def _stories(articles: list[Article]) -> tuple[list[dict], dict[str, Article]]:
    """Stories as ``storytrace trace --html`` draws them."""
    with Store(":memory:") as store:
        store.add(articles)
        run_trace(store)
        stories = [story_dict(s, store) for s in build_stories(store)]
    return stories, {a.id: a for a in articles}


def _write(name: str, html: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


def _shots(page, name: str) -> None:
    """Screenshots at 1280×800 and 400×800, and no sideways scrolling on the narrow one."""
    for size, tag in ((WIDE, "1280x800"), (NARROW, "400x800")):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{tag}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways at {tag} ({overflow}px)"
    page.set_viewport_size(WIDE)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport=WIDE, java_script_enabled=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    pg.errors = errors
    yield pg
    context.close()
    assert not errors, errors


def _pwned(page) -> object:
    return page.evaluate("window.__pwned")


def _in_view(page, selector: str, container: str) -> bool:
    return page.evaluate(
        """([s, c]) => { const r = document.querySelector(s).getBoundingClientRect();
        const p = document.querySelector(c).getBoundingClientRect();
        return r.bottom > p.top && r.top < p.bottom && r.top >= 0 && r.bottom <= innerHeight; }""",
        [selector, container])


def test_seed_report_passages_link_to_each_other(page):
    a, b = read_sources(sorted(SEEDS.glob("*.txt")))
    page.goto(_write("seeds-compare.html", _compare_page(a, b)))
    passages = page.locator("#pane-a .seg.l-passage")
    assert passages.count() > 0 and page.locator("#pane-b .seg.l-passage").count() > 0
    token = passages.first.get_attribute("data-ann").split()[0]
    other = "b" + token[1:]
    assert token.startswith("a-p")
    _shots(page, "seeds-compare")
    passages.first.click()
    page.wait_for_selector(f'#pane-b [data-ann~="{other}"].flash', timeout=30_000)
    assert _in_view(page, f'#pane-b [data-ann~="{other}"]', "#pane-b")
    assert page.evaluate("document.querySelector('#pane-b').scrollTop") > 0
    assert "shown in B" in page.locator("#status").inner_text()
    page.screenshot(path=str(ARTIFACTS / "seeds-compare-clicked-1280x800.png"))
    # Back from B to A.
    page.locator(f'#pane-b [data-ann~="{other}"]').first.click()
    page.wait_for_selector(f'#pane-a [data-ann~="{token}"].flash', timeout=30_000)
    # The repeat in 000_: one occurrence leads to the next.
    page.locator('[data-ann~="a-r1-0"]').first.click()
    page.wait_for_selector('[data-ann~="a-r1-1"].flash', timeout=30_000)
    # A jump link in the passage table scrolls to and flashes its passage.
    page.locator(f'#passages a.jump[href="#{other}"]').click()
    page.wait_for_selector(f'[data-ann~="{other}"].flash', timeout=30_000)
    # The legend hides a layer.
    page.locator('input[data-layer="passage"]').uncheck()
    assert page.evaluate("document.body.classList.contains('hide-passage')")
    assert page.evaluate("getComputedStyle(document.querySelector('#pane-a .l-passage'))"
                         ".backgroundColor") == "rgba(0, 0, 0, 0)"
    # Narrow screen: the two texts stack.
    page.set_viewport_size(NARROW)
    top_b = page.evaluate("document.querySelector('#pane-b').getBoundingClientRect().top")
    bottom_a = page.evaluate("document.querySelector('#pane-a').getBoundingClientRect().bottom")
    assert top_b >= bottom_a
    assert _pwned(page) is None


def test_trace_report_draws_the_family_tree(page):
    seeds = list(read_sources(sorted(SEEDS.glob("*.txt"))))
    stories, articles = _stories([*seeds, _wire(), _evil()])
    assert len(stories) == 2
    page.goto(_write("trace-report.html", render_trace_html(stories, articles)))
    graphs = page.locator("svg.tree")
    assert graphs.count() == 2
    box = graphs.first.bounding_box()
    assert box and box["width"] > 150 and box["height"] > 50
    assert page.locator("svg.tree .node").count() >= 4
    assert page.locator("svg.tree .edge").count() >= 1
    texts = page.locator("svg.tree .node text").all_text_contents()
    assert any("Wire Service" in t for t in texts)
    _shots(page, "trace-report")
    node_link = page.locator("svg.tree a").first
    href = node_link.get_attribute("href")
    node_link.click()
    assert page.evaluate("location.hash") == href
    assert page.locator(href).is_visible()
    assert _pwned(page) is None


def test_injected_script_never_runs(page):
    evil, wire = _evil(), _wire()
    page.goto(_write("xss-compare.html", _compare_page(evil, wire)))
    assert _pwned(page) is None
    assert PWN in page.locator("#pane-a .text").inner_text()
    assert PWN in page.locator(".head-a .title").inner_text()
    assert page.locator("a[href^='javascript']").count() == 0
    page.locator("#pane-a .seg.l-passage").first.click()  # our own script does run
    page.wait_for_selector("#pane-b .seg.flash", timeout=30_000)
    stories, articles = _stories([wire, evil])
    page.goto(_write("xss-trace.html", render_trace_html(stories, articles)))
    assert _pwned(page) is None and page.locator("svg.tree .node").count() >= 2
    # Even markup that escaped escaping would not run: the CSP allows only our script.
    page.goto(_write("csp-check.html", document("csp", f"{PWN}{IMG}<p id=ok>ok</p>")))
    assert page.locator("#ok").is_visible() and _pwned(page) is None


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn", reason="uvicorn (web extra) is not installed")
    from storytrace.web import create_app

    db = tmp_path_factory.mktemp("browser") / "store.db"
    with Store(db) as store:
        store.add([*read_sources(sorted(SEEDS.glob("*.txt"))), _wire(), _evil()])
        trace_store(store)  # as `storytrace trace` does: links, stories, stored trees
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=0, log_level="warning",
                            access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180  # a hang guard, far above the usual second
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    port = srv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def test_web_ui_search_compare_story_and_paste(page, server):
    page.goto(server + "/")
    _shots(page, "web-home")
    page.fill("main input[name=q]", "bridge")
    page.click("main button[type=submit]")
    page.wait_for_url("**/search?q=bridge*")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 2
    _shots(page, "web-search")
    page.locator("input[name=a][value='wire-1']").check()
    page.locator("input[name=b][value='evil-1']").check()
    page.click("text=Compare A and B side by side")
    page.wait_for_url("**/compare?*")
    assert page.locator("#pane-a .seg.l-passage").count() > 0
    page.locator("#pane-a .seg.l-passage").first.click()
    page.wait_for_selector("#pane-b .seg.flash", timeout=30_000)
    _shots(page, "web-compare")

    page.click("nav >> text=Stories")
    page.locator("table.list a").first.click()
    page.wait_for_selector("svg.tree .node")
    _shots(page, "web-story")

    page.goto(server + "/articles/evil-1")
    assert PWN in page.locator("#pane-a .text").inner_text()
    _shots(page, "web-article")

    page.click("nav >> text=Paste an article")
    page.fill("textarea[name=text]", "PRESS RELEASE. " + WIRE[:1000])
    page.fill("input[name=title]", f"Release {PWN}")
    page.click("text=Find reuse")
    page.wait_for_selector("text=Matches (2)")
    assert page.locator("table.list tbody tr").count() == 2
    _shots(page, "web-paste-results")
    page.click("text=Side by side with the chosen article")
    page.wait_for_selector("#pane-b .seg.l-passage")
    assert _pwned(page) is None


def test_story_page_draws_the_stored_tree_over_a_read_only_store(page, server, monkeypatch):
    """The web holds the store query-only and builds no tree: it draws what trace stored."""
    import storytrace.engines.local as local

    def no_building(*_a, **_k):
        raise AssertionError("the web built a family tree that trace had stored")

    monkeypatch.setattr(local, "tree_for_story", no_building)
    page.goto(server + "/stories")
    page.locator("table.list a").first.click()
    page.wait_for_selector("svg.tree .node")
    assert page.locator("svg.tree .node").count() >= 2
    assert "no family tree" not in page.content()


def test_api_docs_render_offline(page, server):
    """Swagger UI draws the API from files this server serves, under its strict CSP."""
    elsewhere: list[str] = []
    refused: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((server, "data:"))
            else elsewhere.append(r.url))
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text
            else None)
    page.goto(server + "/api/docs")
    page.wait_for_selector(".opblock-summary", timeout=60_000)
    paths = page.locator(".opblock-summary-path").all_text_contents()
    assert "/api/trace" in paths and "/api/stories/{story_id}" in paths
    page.locator(".opblock-summary", has_text="/api/stories").first.click()
    page.locator("button.try-out__btn").first.click()
    page.locator("button.execute").first.click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=60_000)
    assert status.inner_text().strip() == "200"
    assert not elsewhere, elsewhere
    assert not refused, refused


def test_readme_screenshots_of_the_story_and_compare_pages(page, server):
    """The web UI on the demo seeds, as the README shows it; with STORYTRACE_SCREENSHOTS=1
    the pictures are written to docs/screenshots/ (story.png, compare.png)."""
    seed_a, seed_b = (a.id for a in read_sources(sorted(SEEDS.glob("*.txt"))))
    write = os.environ.get("STORYTRACE_SCREENSHOTS") == "1"
    if write:
        README_SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 1000})
    story = page.request.get(f"{server}/api/articles/{seed_a}").json()["story"]
    page.goto(f"{server}/stories/{story}")
    assert page.locator("h1").inner_text().startswith("BOOM! NYPD Just DISOBEYED")
    assert page.locator("svg.tree .node").count() == 4  # two seeds, two credited sources
    assert page.locator("svg.tree path[marker-end]").count() == 2  # from the sources only
    if write:
        page.screenshot(path=str(README_SHOTS / "story.png"), full_page=True)
    page.goto(f"{server}/compare?a={seed_a}&b={seed_b}")
    for section in ("#direction", "#passages", "#diff", "#framing"):
        assert page.locator(section).count() == 1, section
    assert page.locator("#pane-a .seg.l-passage").count() > 0
    assert "0.5 or more counts as clickbait" in page.locator("#framing").inner_text()
    if write:
        page.screenshot(path=str(README_SHOTS / "compare.png"))
    page.set_viewport_size(WIDE)


def test_claim_ledger_is_readable_at_400px(page):
    """The claim ledger of an 8-version chain with a long unbroken word: the page never
    scrolls sideways at 400 px, the table scrolls in its own box, and nothing runs."""
    sentences = ["Police held David Gonzalez, a 51-year-old man, on Monday.",
                 f"The report {PWN} cites https://example.com/{'x' * 160} as its source.",
                 "Officials declined to comment on the arrest or on the charges."]
    versions = [f"v{k}" for k in range(8)]
    parts = {v: [s.replace("a 51-year-old man", "51") if k >= 3 and i == 0 else s
                 for i, s in enumerate(sentences)] for k, v in enumerate(versions)}
    texts = {v: " ".join(p) for v, p in parts.items()}

    def spans(v: str) -> list[tuple[int, int]]:
        starts = [sum(len(s) + 1 for s in parts[v][:i]) for i in range(len(parts[v]))]
        return [(s, s + len(x)) for s, x in zip(starts, parts[v], strict=True)]

    edges = []
    for p, c in pairwise(versions):
        pairs = [{"a_start": a[0], "a_end": a[1], "b_start": b[0], "b_end": b[1],
                  "kind": "edited", "score": 0.9}
                 for a, b in zip(spans(p), spans(c), strict=True)]
        edges.append({"source": p, "target": c, "kind": "derived",
                      "changes": {"claims": {"pairs": pairs, "a_only": [], "b_only": []}}})
    story = {"story": "s-ledger", "outlets": ["Outlet"], "links": [],
             "first_published": None, "last_published": None,
             "articles": [{"id": v, "title": f"Version {v}", "outlet": "Outlet",
                           "published": None} for v in versions],
             "tree": {"nodes": [{"id": v, "kind": "article", "parent": p}
                                for v, p in zip(versions, [None, *versions], strict=False)],
                      "edges": edges}}
    arts = {v: Article(id=v, text=t) for v, t in texts.items()}
    page.goto(_write("ledger-report.html", render_trace_html([story], arts)))
    assert page.locator(".ledger tbody tr").count() == 3
    assert page.locator(".ledger tbody tr").first.locator(".lm").count() == 8
    _shots(page, "ledger-report")
    page.set_viewport_size(NARROW)
    box = page.evaluate("""() => { const b = document.querySelector('.ledger-scroll');
        return [b.getBoundingClientRect().right, b.scrollWidth, b.clientWidth]; }""")
    assert box[0] <= NARROW["width"] and box[1] >= box[2]
    assert _pwned(page) is None
