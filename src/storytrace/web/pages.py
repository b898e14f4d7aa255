"""HTML pages of the web UI (the compare and story pages come from :mod:`storytrace.report`).

Pages are plain HTML with forms, so everything works without the script; every
value from the store or the request goes through :func:`esc`, and links to
articles are built with URL-quoted ids.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from storytrace.engines.local import ArticleMatches
from storytrace.model import Article
from storytrace.report.html import document, esc, pct, short
from storytrace.report.marks import Mark, highlight, span_of
from storytrace.report.parts import chip, legend, link_line, meta_line, when


def article_href(ident: str) -> str:
    return "/articles/" + quote(ident, safe="")


def compare_href(a: str, b: str) -> str:
    return "/compare?" + urlencode({"a": a, "b": b})


def story_href(ident: str) -> str:
    return "/stories/" + quote(ident, safe="")


def nav(query: str = "") -> str:
    return ('<nav class="topnav" aria-label="main"><a class="brand" href="/">storytrace</a>'
            '<a href="/stories">Stories</a><a href="/trace">Paste an article</a>'
            '<a href="/api/docs">API</a>'
            '<form action="/search" method="get" role="search">'
            f'<input type="search" name="q" value="{esc(query)}" aria-label="search articles" '
            'placeholder="title, text or outlet"><button type="submit">Search</button></form>'
            "</nav>")


def home(counts: dict) -> str:
    body = (
        "<h1>Trace how a news story travels</h1>"
        f'<p class="card">{counts["articles"]:,} articles in this store · '
        f'{counts["indexed"]:,} indexed by <code>storytrace trace</code> · '
        f'<a href="/stories">{counts["stories"]:,} stories</a></p>'
        '<section class="block"><h2>Search the articles</h2>'
        '<form action="/search" method="get" class="row" role="search">'
        '<input type="search" name="q" aria-label="search" placeholder="words from a title, '
        'the text, or an outlet"><button type="submit">Search</button></form>'
        '<p class="muted">Pick two results to see them side by side.</p></section>'
        '<section class="block"><h2>Who printed this?</h2><p>Paste a press release or an '
        'article to see which stored articles reuse its text, or which it reuses.</p>'
        '<p><a href="/trace">Paste an article</a></p></section>')
    return document("storytrace", body, nav=nav())


def search_page(query: str, total: int, items: list[dict], offset: int, limit: int) -> str:
    rows = []
    for k, item in enumerate(items):
        ident = item["id"]
        rows.append(
            f'<tr><td><input type="radio" name="a" value="{esc(ident)}" aria-label="as A"'
            f'{" checked" if k == 0 else ""}></td>'
            f'<td><input type="radio" name="b" value="{esc(ident)}" aria-label="as B"'
            f'{" checked" if k == 1 else ""}></td>'
            f'<td><a href="{esc(article_href(ident))}">{esc(item["title"] or "(untitled)")}</a>'
            f'<div class="meta"><code class="id">{esc(ident)}</code></div></td>'
            f'<td>{esc(item["outlet"] or "?")}</td>'
            f'<td class="nw">{esc(when(item["published"]))}</td>'
            f'<td class="opt">{item["chars"]:,}</td></tr>')
    pager = []
    if offset > 0:
        prev = "/search?" + urlencode({"q": query, "offset": max(0, offset - limit)})
        pager.append(f'<a href="{esc(prev)}">← previous</a>')
    if offset + limit < total:
        nxt = "/search?" + urlencode({"q": query, "offset": offset + limit})
        pager.append(f'<a href="{esc(nxt)}">next →</a>')
    table = (
        '<form action="/compare" method="get" class="results">'
        '<table class="list"><thead><tr><th>A</th><th>B</th><th>title</th><th>outlet</th>'
        '<th>published</th><th class="opt">chars</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
        '<p><button type="submit">Compare A and B side by side</button></p></form>'
        if rows else '<p class="muted">No article matches.</p>')
    heading = f"“{esc(short(query, 80))}”" if query else "all articles"
    body = (f"<h1>Search: {heading} <span class=\"muted\">({total:,})</span></h1>"
            f'<section class="block">{table}<p class="row">{" ".join(pager)}</p></section>')
    return document(f"storytrace · search {short(query, 40)}", body, nav=nav(query))


def article_page(article: Article, story: str | None, attributions: list[dict]) -> str:
    marks = []
    items = []
    for i, att in enumerate(attributions, 1):
        src = span_of(att.get("source"), len(article.text))
        cue = span_of(att.get("cue"), len(article.text))
        token = f"a-s{i}"
        if src:
            marks.append(Mark(*src, token, "src", "credit", "credited source"))
            means = span_of(att.get("refers_to"), len(article.text))
            named = f" ({esc(article.text[slice(*means)])})" if means else ""
            items.append(f'<li><a class="jump" href="#{token}">{esc(article.text[slice(*src)])}'
                         f'</a>{named} {chip(att.get("source_type") or "unknown")}</li>')
        if cue:
            marks.append(Mark(*cue, token, "cue", "credit", "credit cue"))
    head = article.to_dict()
    links = [f'<a href="/articles/{esc(quote(article.id, safe=""))}/reuse">who shares text with '
             "this article?</a>"]
    if story:
        links.append(f'<a href="{esc(story_href(story))}">its story</a>')
    body = (f'<h1>{esc(article.title or "(untitled)")}</h1>'
            f'<p class="meta">{meta_line(head)} · {len(article.text):,} chars</p>'
            f'<p class="row">{" · ".join(links)}</p>{legend({"credit"} if marks else set(), set())}'
            f'<div class="cols"><section class="pane" id="pane-a">'
            f'<div class="text">{highlight(article.text, marks)}</div></section>'
            f'<section class="block"><h2>Credited sources ({len(items)})</h2>'
            f'<ol class="items">{"".join(items)}</ol></section></div>')
    return document(f"storytrace · {short(article.title or article.id, 60)}", body, nav=nav())


def related_section(total: int, related: list[dict]) -> str:
    """The links that join no story, each in the words the CLI prints, with both
    articles (linked) and a link to compare them."""
    if not total:
        return ""
    rows = []
    for x in related:
        arts = " ↔ ".join(f'<a href="{esc(article_href(x[s]))}">'
                          f'{esc(short(x[s + "_title"] or x[s], 70))}</a> '
                          f'<span class="muted">{esc(x[s + "_outlet"] or "")}</span>'
                          for s in ("a", "b"))
        rows.append(f'<li>{chip(x["kind"].replace("_", " "))} {arts} · '
                    f'<a href="{esc(compare_href(x["a"], x["b"]))}">compare</a>'
                    f'<div class="muted">{esc(link_line(x))}</div></li>')
    more = f"; first {len(related)}" if len(related) < total else ""
    return (f'<section class="block"><h2>Related, joined into no story '
            f'<span class="muted">({total:,}{more})</span></h2><p class="muted">Same event, '
            "a shared quotation, or a link too weak to join two stories.</p>"
            f'<ol class="items">{"".join(rows)}</ol></section>')


def stories_page(total: int, items: list[dict], offset: int, limit: int,
                 related: tuple[int, list[dict]] = (0, [])) -> str:
    rows = "".join(
        f'<tr><td><a href="{esc(story_href(s["story"]))}">'
        f'{esc(short(s["title"] or s["story"], 90))}</a>'
        f'<div class="meta"><code class="id">{esc(s["story"])}</code></div></td>'
        f'<td>{s["articles"]}</td><td>{s["outlets"]}</td>'
        f'<td>{esc(when(s["first_published"]))}</td></tr>' for s in items)
    pager = []
    if offset > 0:
        pager.append(f'<a href="/stories?offset={max(0, offset - limit)}">← previous</a>')
    if offset + limit < total:
        pager.append(f'<a href="/stories?offset={offset + limit}">next →</a>')
    table = ('<table class="list"><thead><tr><th>story</th><th>articles</th><th>outlets</th>'
             f'<th>first published</th></tr></thead><tbody>{rows}</tbody></table>' if rows else
             '<p class="muted">No stories yet: run <code>storytrace trace</code> on this '
             "store.</p>")
    body = (f'<h1>Stories <span class="muted">({total:,})</span></h1>'
            f'<section class="block">{table}<p class="row">{" ".join(pager)}</p></section>'
            + related_section(*related))
    return document("storytrace · stories", body, nav=nav())


def trace_form(error: str = "", text: str = "", title: str = "", outlet: str = "",
               max_bytes: int = 0) -> str:
    problem = f'<p class="card error" role="alert">{esc(error)}</p>' if error else ""
    body = (
        "<h1>Who printed this?</h1>"
        "<p>Paste an article or press release (or upload a .txt, .md or .html file). It is "
        "compared with every stored article; nothing is saved.</p>"
        f"{problem}"
        '<form class="stack block" action="/trace" method="post" enctype="multipart/form-data">'
        f'<label>Title <input type="text" name="title" value="{esc(title)}"></label>'
        f'<label>Outlet <input type="text" name="outlet" value="{esc(outlet)}"></label>'
        f'<label>Text <textarea name="text" rows="14">{esc(text)}</textarea></label>'
        '<label>or a file <input type="file" name="file" accept=".txt,.md,.html,.htm"></label>'
        f'<p class="muted">Up to {max_bytes // 1024:,} KB.</p>'
        '<p><button type="submit">Find reuse</button></p></form>')
    return document("storytrace · paste an article", body, nav=nav())


def trace_results(article: Article, report: ArticleMatches, *, stored: bool = False) -> str:
    """Matches of a pasted (or stored) article; the side-by-side form re-posts the text."""
    rows = []
    for k, m in enumerate(report.matches):
        a = m.article
        kinds = m.link.evidence.get("kinds", {})
        chips = " ".join(chip(f"{n} {kind}", f"k-{kind}") for kind, n in kinds.items()
                         if kind in ("verbatim", "edited", "paraphrase"))
        if m.link.kind == "shared_quote":
            chips += " " + chip("a shared quotation only")
        pick = (f'<input type="radio" name="id" value="{esc(a.id)}" aria-label="choose"'
                f'{" checked" if k == 0 else ""}>' if not stored else
                f'<a href="{esc(compare_href(article.id, a.id))}">side by side</a>')
        rows.append(
            f"<tr><td>{pick}</td>"
            f'<td><a href="{esc(article_href(a.id))}">{esc(a.title or "(untitled)")}</a>'
            f'<div class="meta">{esc(a.outlet or "outlet unknown")} · '
            f"{esc(when(a.published.isoformat() if a.published else None))}</div></td>"
            f"<td><b>{pct(m.coverage_checked)}</b></td>"
            f'<td><b>{pct(m.coverage_stored)}</b></td><td class="opt">{chips}</td></tr>')
    who = "this article" if stored else "the pasted text"
    mine = "this" if stored else "pasted"
    note = (f'<p class="muted">{report.searched:,} stored articles searched, '
            f"{report.candidates:,} shared an index bucket, {report.aligned:,} aligned."
            + (f" {report.not_searched:,} articles are not indexed yet: run "
               "<code>storytrace trace</code> to include them." if report.not_searched else "")
            + " Shared text alone does not say who copied whom: compare publication times "
            "and credits.</p>")
    if rows:
        table = ('<table class="list"><thead><tr><th></th><th>stored article</th>'
                 f'<th>of {mine}</th><th>of stored</th><th class="opt">passages</th></tr>'
                 f'</thead><tbody>{"".join(rows)}</tbody></table>'
                 f'<p class="muted">“of {mine}”: share of {esc(who)} found in the stored '
                 f"article; “of stored”: share of the stored article found in {esc(who)}.</p>")
        if not stored:
            table = ('<form action="/trace/compare" method="post" class="results">'
                     f'<input type="hidden" name="text" value="{esc(article.text)}">'
                     f'<input type="hidden" name="title" value="{esc(article.title)}">'
                     f'<input type="hidden" name="outlet" value="{esc(article.outlet)}">'
                     f"{table}<p><button type=\"submit\">Side by side with the chosen article"
                     "</button></p></form>")
    else:
        table = '<p class="muted">No stored article shares a passage with it.</p>'
    title = esc(short(article.title, 100)) or ("(untitled)" if stored else "Your pasted text")
    body = (f"<h1>Who shares text with {esc(who)}</h1>"
            f'<p class="card"><b>{title}</b> · {esc(article.outlet or "outlet unknown")} · '
            f"{len(article.text):,} chars</p>"
            f'<section class="block"><h2>Matches ({len(report.matches)})</h2>{table}{note}'
            "</section>")
    return document("storytrace · reuse", body, nav=nav())


def error_page(status: int, detail: str) -> str:
    body = (f"<h1>{status}</h1><p class=\"card error\" role=\"alert\">{esc(detail)}</p>"
            '<p><a href="/">Back to the start</a></p>')
    return document(f"storytrace · {status}", body, nav=nav())
