"""The trace page: a list of stories, each with its family tree, timeline and links."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from storytrace.report.graph import (
    WIDE,
    Edge,
    Node,
    layout,
    render_outline,
    render_svg,
)
from storytrace.report.graph import label as label_of
from storytrace.report.html import document, esc, num, pct, render_value, short
from storytrace.report.parts import chip, meta_line, when

Href = Callable[..., str]


def render_trace_html(stories: list[dict], articles: Mapping[str, Any], *, nav: str = "",
                      title: str = "storytrace · stories",
                      article_href: Href | None = None, compare_href: Href | None = None,
                      max_stories: int = 500, max_text_chars: int = 20_000) -> str:
    """One self-contained HTML page for ``trace``'s stories (``Story.to_dict()`` and extras).

    ``articles`` maps an article id to its ``Article`` or ``Article.to_dict()`` (text, url);
    ids missing from it are drawn from what the story itself says. ``article_href(id)`` and
    ``compare_href(a, b)`` (the web UI's routes; URL-encoded by the caller) add links.
    At most ``max_stories`` stories are drawn and ``max_text_chars`` of each text shown.
    """
    stories = [s for s in stories if isinstance(s, dict)]
    shown = stories[:max_stories]
    ctx = _Ctx(articles, article_href, compare_href, max_text_chars)
    toc, sections = [], []
    for i, story in enumerate(shown):
        members = _members(story)
        outlets = story.get("outlets") or sorted({m.get("outlet") for m in members
                                                  if m.get("outlet")})
        span = _time_span(story)
        toc.append(f'<li><a href="#story-{i}">{esc(short(_story_name(story, members), 80))}</a>'
                   f' <span class="muted">· {_many(len(members), "article")} · '
                   f'{_many(len(outlets), "outlet")}{esc(span)}</span></li>')
        sections.append(_story(i, story, members, outlets, span, ctx))
    more = (f'<p class="muted">{len(stories) - len(shown)} more stories not shown.</p>'
            if len(stories) > len(shown) else "")
    if len(stories) == 1:  # one story (the web UI's story page): its title is the heading
        members = _members(shown[0])
        outlets = shown[0].get("outlets") or sorted({m.get("outlet") for m in members
                                                     if m.get("outlet")})
        return document(title, _story(0, shown[0], members, outlets, _time_span(shown[0]),
                                      ctx, level=1),
                        nav=nav, data={"stories": shown})
    body = (f'<h1>Stories <span class="muted">({len(stories)})</span></h1>'
            + (f'<nav class="card toc" aria-label="stories"><ol>{"".join(toc)}</ol>{more}</nav>'
               if toc else '<p class="muted">No stories: no two articles were linked.</p>')
            + "".join(sections))
    return document(title, body, nav=nav,
                    data={"stories": shown})


class _Ctx:
    def __init__(self, articles: Mapping[str, Any], article_href: Href | None,
                 compare_href: Href | None, max_text_chars: int) -> None:
        self.articles = articles
        self.article_href = article_href
        self.compare_href = compare_href
        self.max_text_chars = max_text_chars

    def article(self, ident: object) -> dict:
        found = self.articles.get(ident) if isinstance(ident, str) else None
        if found is not None and hasattr(found, "to_dict"):
            found = found.to_dict()
        return found if isinstance(found, dict) else {}


def _members(story: dict) -> list[dict]:
    arts = story.get("articles")
    return [a for a in arts if isinstance(a, dict) and isinstance(a.get("id"), str)] \
        if isinstance(arts, list) else []


def _story_name(story: dict, members: list[dict]) -> str:
    titled = [m for m in members if m.get("title")]
    first = min(titled, key=lambda m: (m.get("published") or "~", m["id"])) if titled else None
    return f"{first['title']}" if first else f"story {story.get('story', '?')}"


def _time_span(story: dict) -> str:
    first, last = story.get("first_published"), story.get("last_published")
    if not first:
        return " · times unknown"
    return f" · {when(first)} to {when(last)}" if last and last != first else f" · {when(first)}"


def _many(n: int, word: str) -> str:
    """``3 articles``, ``1 outlet``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _name(member: dict, width: int = 60) -> str:
    """An article as people know it: its title (or id) and outlet; not escaped."""
    title = short(member.get("title"), width) or f"(untitled) {member.get('id', '?')}"
    return f"{title} — {member.get('outlet') or 'outlet unknown'}"


def _story(i: int, story: dict, members: list[dict], outlets: list, span: str,
           ctx: _Ctx, level: int = 2) -> str:
    order = sorted(range(len(members)),
                   key=lambda j: (members[j].get("published") or "~", members[j]["id"]))
    anchor = {members[j]["id"]: f"s{i}-n{j}" for j in range(len(members))}
    number = {members[j]["id"]: k for k, j in enumerate(order, 1)}
    coverage = _coverage(story)
    graph = _tree(i, story, members, order, anchor, coverage, number)
    rows = []
    for j in order:
        m = members[j]
        full = {**ctx.article(m["id"]), **{k: v for k, v in m.items() if v is not None}}
        text = full.get("text") if isinstance(full.get("text"), str) else ""
        cut = text[: ctx.max_text_chars]
        more = f"\n… ({len(text) - len(cut):,} more characters)" if len(text) > len(cut) else ""
        open_link = (f' · <a href="{esc(ctx.article_href(m["id"]))}">open</a>'
                     if ctx.article_href else "")
        why = _parent_line(m["id"], story.get("tree"), anchor, members)
        body = why + (f"<details><summary>text ({len(text):,} chars)</summary>"
                f'<div class="text">{esc(cut)}{esc(more)}</div></details>' if text else "")
        rows.append(f'<li class="tl-item" id="{anchor[m["id"]]}">'
                    f'<div class="tl-when"><span class="tl-n">{number[m["id"]]}</span> '
                    f'{esc(when(m.get("published")))}</div>'
                    f'<div><b>{esc(full.get("title") or "(untitled)")}</b>'
                    f'<div class="meta">{meta_line(full)}'
                    + (f" · {pct(coverage[m['id']])} reused" if m["id"] in coverage else "")
                    + f"{open_link}</div>{body}</div></li>")
    name = esc(story.get("story", "?"))
    heading = esc(short(_story_name(story, members), 120))
    tag = f"h{level}"
    return (f'<section class="block story" id="story-{i}"><{tag}>{heading}</{tag}>'
            f'<p class="meta">story <code class="id">{name}</code> · '
            f'{_many(len(members), "article")} · {_many(len(outlets), "outlet")}{esc(span)}'
            + (f" · {', '.join(esc(o) for o in outlets[:12])}" if outlets else "")
            + f"</p>{graph}<h3>Timeline</h3>{_timeline_strip(members, order, anchor)}"
            f'<ol class="timeline">{"".join(rows)}</ol>'
            f"{_ledger(story, members, anchor, number, ctx)}"
            f"{_links(story, members, anchor, ctx)}</section>")


def _parent_line(ident: str, tree: object, anchor: dict[str, str], members: list[dict]) -> str:
    """"Made from X (confidence, reasons)" for one article, from the tree's node for it."""
    if not isinstance(tree, dict) or not isinstance(tree.get("nodes"), list):
        return ""
    node = next((n for n in tree["nodes"] if isinstance(n, dict) and n.get("id") == ident), None)
    if node is None or "parent" not in node:
        return ""
    parent, conf = node.get("parent"), num(node.get("score"))
    names = {m["id"]: _name(m) for m in members}
    source = node.get("source")
    outside = next((n.get("label") or n.get("name") or source for n in tree["nodes"]
                    if isinstance(n, dict) and n.get("id") == source), source) \
        if isinstance(source, str) and source else None
    if isinstance(parent, str) and parent in anchor:
        head = f'made from <a href="#{anchor[parent]}">{esc(names[parent])}</a>'
    elif parent:
        head = f"made from {esc(short(parent, 60))}"
    elif outside:
        head = (f"no parent in the corpus: made from {esc(short(outside, 60))} "
                "(a credited source that is not in the corpus)")
    elif node.get("unknown"):
        head, conf = "parent unknown", None  # no confidence to state; the reasons say why
    else:
        head = "no parent in the corpus"
    reasons = node.get("reasons") if isinstance(node.get("reasons"), list) else []
    why = "; ".join(short(r.removeprefix("parent unknown: "), 200) for r in reasons[:6]
                    if isinstance(r, str))
    return (f'<div class="why">{head}' + (f" · confidence {conf:.2f}" if conf is not None
                                         else "")
            + (f'<div class="muted">{esc(why)}</div>' if why else "") + "</div>")


def _coverage(story: dict) -> dict[str, float]:
    """Each article's largest reused share over its links (the tree's coverage wins)."""
    best: dict[str, float] = {}
    for link in story.get("links") or []:
        if not isinstance(link, dict) or link.get("kind") == "same_story":
            continue
        for side in ("a", "b"):
            ident, cov = link.get(side), num(link.get(f"coverage_{side}"))
            if isinstance(ident, str) and cov is not None:
                best[ident] = max(best.get(ident, 0.0), cov)
    return best


def _tree(i: int, story: dict, members: list[dict], order: list[int], anchor: dict[str, str],
          coverage: dict[str, float], number: dict[str, int] | None = None) -> str:
    by_id = {m["id"]: j for j, m in enumerate(members)}
    nodes = [Node(m.get("outlet") or "", m.get("title") or "", m.get("published"),
                  coverage.get(m["id"]), href=f"#{anchor[m['id']]}", ident=m["id"],
                  number=(number or {}).get(m["id"], 0))
             for m in members]
    edges: list[Edge] = []
    tree = story.get("tree")
    is_tree = isinstance(tree, dict) and isinstance(tree.get("edges"), list)
    if is_tree:
        caption = ("Family tree: an arrow points from the version a text was taken from "
                   "(its parent) to the version that took it; a dotted arrow, from a source "
                   "it credits. A dashed line without an arrow joins versions that share "
                   "text or tell the same story where neither is the other's parent.")
        index = dict(by_id)
        for node in tree.get("nodes") or []:
            if not isinstance(node, dict):
                continue
            key = node.get("id") if isinstance(node.get("id"), str) else node.get("name")
            if not isinstance(key, str):
                continue
            if key in index and index[key] < len(members):
                cov = num(node.get("coverage"))
                if cov is not None:
                    nodes[index[key]].coverage = cov
                continue
            index[key] = len(nodes)
            nodes.append(Node(str(node.get("name") or node.get("label") or node.get("outlet")
                                  or key), str(node.get("title") or ""), node.get("published"),
                              num(node.get("coverage")), external=True, ident=key))
        for e in tree["edges"][:5000]:
            if not isinstance(e, dict):
                continue
            parent = e.get("parent", e.get("source", e.get("from")))
            child = e.get("child", e.get("target", e.get("to")))
            if not (isinstance(parent, str) and isinstance(child, str)) or parent == child:
                continue
            for key in (parent, child):
                if key not in index:  # an edge to a source the node list forgot
                    index[key] = len(nodes)
                    nodes.append(Node(key, "", None, None, external=True, ident=key))
            conf = num(e.get("confidence", e.get("score")))
            kind = str(e.get("kind") or "reuse")
            names = [label_of(nodes[index[x]]) for x in (parent, child)]
            if kind == "related":  # a link the tree did not use: no parent, so no arrow
                edges.append(Edge(index[parent], index[child], False, kind,
                                  f"{names[0]} — {names[1]}: related "
                                  f"({str(e.get('link') or 'link').replace('_', ' ')}), "
                                  "neither is the other's parent"))
                continue
            edges.append(Edge(index[parent], index[child], True, kind,
                              f"{names[0]} → {names[1]}"
                              + (f", confidence {conf:.2f}" if conf is not None else "")))
    else:
        caption = ("Links between the versions (no family tree yet): solid lines share "
                   "reused passages, dashed lines tell the same story in other words.")
        for link in story.get("links") or []:
            if not isinstance(link, dict) or link.get("a") not in by_id \
                    or link.get("b") not in by_id or link.get("a") == link.get("b"):
                continue
            kind = str(link.get("kind") or "reuse")
            label = (f"{kind}: reused {pct(link.get('coverage_a'))} / "
                     f"{pct(link.get('coverage_b'))}, score {pct(link.get('score'))}"
                     if kind == "reuse" else f"{kind.replace('_', ' ')}: score "
                     f"{pct(link.get('score'))}, no shared passage")
            edges.append(Edge(by_id[link["a"]], by_id[link["b"]], False, kind, label))
    svg = render_svg(nodes, edges, order, caption, key=f"s{i}", tree=is_tree)
    outline = render_outline(nodes, edges, order, tree=is_tree)
    external = [n for n in nodes if n.external]
    ext = (f'<p class="muted">Credited sources outside the corpus: '
           f'{", ".join(esc(short(n.name, 60)) for n in external)}</p>' if external else "")
    wide = " wide" if nodes and layout(nodes, edges, order, is_tree)[1] > WIDE else ""
    return (f'<figure class="graph{wide}"><div class="graph-scroll">{svg}</div>{outline}'
            f"<figcaption>{esc(caption)}</figcaption></figure>{ext}")


def _timeline_strip(members: list[dict], order: list[int], anchor: dict[str, str]) -> str:
    """Dated articles as numbered dots on one time axis (nothing when fewer than two are
    dated). Each number is the article's place in the timeline below; numbers that would
    touch are stacked above one another, so no two labels overlap."""
    number = {j: k for k, j in enumerate(order, 1)}
    dated = [(members[j]["published"], members[j], number[j]) for j in order
             if isinstance(members[j].get("published"), str)]
    if len(dated) < 2:
        return ""
    from datetime import datetime

    try:
        times = [datetime.fromisoformat(t).timestamp() for t, _, _ in dated]
    except ValueError:
        return ""
    lo, hi = min(times), max(times)
    width, left, right, gap = 800, 40, 40, 24  # gap: px between two labels' centres
    scale = (width - left - right) / (hi - lo) if hi > lo else 0
    xs = [left + (ts - lo) * scale if scale else width / 2 for ts in times]
    lanes: list[float] = []  # rightmost label x in each lane
    lane_of = []
    for x in xs:
        lane = next((k for k, last in enumerate(lanes) if x - last >= gap), len(lanes))
        if lane == len(lanes):
            lanes.append(x)
        lanes[lane] = x
        lane_of.append(lane)
    axis = 30 + 22 * len(lanes)
    marks = []
    for (t, m, n), x, lane in zip(dated, xs, lane_of, strict=True):
        y = axis - 24 - 22 * lane
        marks.append(f'<a href="#{anchor[m["id"]]}"><title>{n}. {esc(when(t))} · '
                     f'{esc(_name(m, 80))}</title>'
                     f'<line class="tick" x1="{x:.0f}" y1="{y + 9}" x2="{x:.0f}" '
                     f'y2="{axis}"/><circle class="dot" cx="{x:.0f}" cy="{axis}" r="4"/>'
                     f'<circle class="num" cx="{x:.0f}" cy="{y}" r="10"/>'
                     f'<text x="{x:.0f}" y="{y + 4}" text-anchor="middle">{n}</text></a>')
    height = axis + 22
    return (f'<svg class="strip" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="publication times: '
            f'the numbers are the articles of the timeline below">'
            f'<line class="axis" x1="{left}" y1="{axis}" x2="{width - right}" y2="{axis}"/>'
            f'<text x="{left}" y="{height - 4}" class="axis">{esc(when(dated[0][0]))}</text>'
            f'<text x="{width - right}" y="{height - 4}" text-anchor="end" class="axis">'
            f'{esc(when(dated[-1][0]))}</text>{"".join(marks)}</svg>')


def _links(story: dict, members: list[dict], anchor: dict[str, str], ctx: _Ctx) -> str:
    names = {m["id"]: m for m in members}
    rows = []
    for link in (story.get("links") or [])[:2000]:
        if not isinstance(link, dict) or link.get("a") not in anchor or \
                link.get("b") not in anchor:
            continue
        a, b = link["a"], link["b"]
        compare = (f' <a href="{esc(ctx.compare_href(a, b))}">side by side</a>'
                   if ctx.compare_href else "")
        evidence = link.get("evidence")
        ev = (f"<details><summary>evidence</summary>{render_value(evidence)}</details>"
              if evidence else "")
        kind = link.get("kind") or "?"
        # Coverage is the share of each text in shared passages: a reuse link's measure.
        # Same-story links share no passage, so 0% / 0% would only mislead.
        shared = (f"{pct(link.get('coverage_a'))} / {pct(link.get('coverage_b'))}"
                  if kind == "reuse" else
                  '<span class="muted" title="the same story in other words: no shared '
                  'passage">—</span>')
        rows.append(
            f'<tr><td>{_link_end(names[a], anchor[a])} ↔ '
            f'{_link_end(names[b], anchor[b])}{compare}</td>'
            f"<td>{chip(str(kind).replace('_', ' '), 'lk')}</td>"
            f'<td class="opt">{pct(link.get("score"))}</td>'
            f'<td class="nw">{shared}</td><td class="nw">{ev}</td></tr>')
    if not rows:
        return ""
    return ('<h3>Links</h3><table class="list"><thead><tr><th>articles</th><th>kind</th>'
            '<th class="opt">score</th><th title="share of each text (left / right) in '
            'passages the two share">text reused</th><th></th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            '<p class="muted">Reuse: the two share passages; text reused is the share of '
            "each (left / right) in them. Same story: no shared passage, the same events "
            "in other words. Score: how sure the link is (0–100%).</p>")


def _link_end(member: dict, anchor: str) -> str:
    title = short(member.get("title"), 50) or f"(untitled) {member.get('id', '?')}"
    return (f'<a href="#{anchor}">{esc(title)}</a> <span class="muted">'
            f"{esc(member.get('outlet') or 'outlet unknown')}</span>")


# ------------------------------------------------------------------------ claim ledger

_MARK_WORDS = {"first": "first appears here", "same": "carried as its parent had it",
               "changed": "carried, with a change on the way in",
               "dropped": "dropped (its parent had it)", "": "not carried"}
_LEDGER_ROWS = 300  # rows drawn per table; the page's JSON holds them all


def _ledger(story: dict, members: list[dict], anchor: dict[str, str],
            number: dict[str, int], ctx: _Ctx) -> str:
    """The story's claim ledger: each statement, the versions carrying it (marks in tree
    order, each the version's timeline number), where it first appears and what changed
    on the way. Read from ``story["ledger"]``, else made from the stored tree's claims."""
    from storytrace.diff.ledger import ledger_dict

    ledger = story.get("ledger")
    tree = story.get("tree")
    if ledger is None and isinstance(tree, dict):
        texts = {m["id"]: t for m in members
                 if isinstance(t := ctx.article(m["id"]).get("text") or m.get("text"), str)}
        ledger = ledger_dict(tree, texts)
    derived = isinstance(tree, dict) and any(
        isinstance(e, dict) and e.get("kind") == "derived" for e in tree.get("edges") or [])
    if not isinstance(ledger, dict):
        return ('<h3>Claim ledger</h3><p class="muted">No claim ledger: run '
                "<code>storytrace trace --changes</code> to match the statements along the "
                "family tree.</p>") if derived else ""
    if ledger.get("error"):
        return ('<h3>Claim ledger</h3><p class="muted">The stored claims do not fit the '
                f"texts ({esc(short(ledger['error'], 200))}): run "
                "<code>storytrace trace --changes</code> again.</p>")
    entries = [e for e in ledger.get("entries") or [] if isinstance(e, dict)]
    versions = [v for v in ledger.get("versions") or [] if isinstance(v, str)]
    names = {m["id"]: m for m in members}
    shared = [e for e in entries if len(e.get("carriers") or []) > 1]
    single = [e for e in entries if len(e.get("carriers") or []) <= 1]
    counts = ledger.get("counts") if isinstance(ledger.get("counts"), dict) else {}
    table = _ledger_table(shared, versions, names, anchor, number)
    rest = (f"<details><summary>{_many(len(single), 'statement')} only one version "
            f"has</summary>{_ledger_table(single, versions, names, anchor, number)}"
            "</details>") if single else ""
    missing = ledger.get("missing") or []
    return ('<section class="ledger" aria-label="claim ledger"><h3>Claim ledger</h3>'
            f'<p class="meta">{_many(len(entries), "statement")} across '
            f'{_many(len(versions), "version")}: {counts.get("shared", len(shared))} carried '
            f'by two or more, {counts.get("changed", 0)} changed on the way, '
            f'{counts.get("everywhere", 0)} carried by every version.'
            + (f" {len(missing)} tree edge(s) without matched statements (run "
               "<code>trace --changes</code> again)." if missing else "")
            + _related_note(ledger.get("related"), number) + "</p>"
            '<p class="muted">Each mark is a version, by its number in the timeline, in tree '
            'order (parents before their copies): <span class="lm lm-first">n</span> first '
            'appears, <span class="lm lm-same">n</span> carried as its parent had it, '
            '<span class="lm lm-changed">n</span> carried with a change, '
            '<span class="lm lm-dropped">n</span> dropped, <span class="lm">n</span> not '
            "carried.</p>"
            + (table if shared else '<p class="muted">No statement is carried by two '
               "versions.</p>") + rest + "</section>")


def _related_note(related: object, number: dict[str, int]) -> str:
    """A sentence naming the roots matched against an earlier version they were not
    copied from (their marks compare them with that version, not with a parent)."""
    pairs = [x for x in related or [] if isinstance(x, list) and len(x) == 2] \
        if isinstance(related, list) else []
    if not pairs:
        return ""
    said = ", ".join(f"{number.get(r, '?')} with {number.get(e, '?')}" for e, r in pairs)
    return (f" Versions not copied from an earlier one but sharing its statements are "
            f"matched with it ({esc(said)}): a statement both carry first appears in the "
            "earlier.")


def _ledger_table(entries: list[dict], versions: list[str], names: dict[str, dict],
                  anchor: dict[str, str], number: dict[str, int]) -> str:
    rows = []
    for e in entries[:_LEDGER_ROWS]:
        st = e.get("statement") if isinstance(e.get("statement"), dict) else {}
        marks = e.get("marks") if isinstance(e.get("marks"), list) else []
        cells = "".join(
            f'<span class="lm lm-{esc(m or "none")}" title="{esc(_version(v, names, number))}'
            f': {esc(_MARK_WORDS.get(m, m))}">{number.get(v, "?")}</span>'
            for v, m in zip(versions, marks, strict=False))
        first = e.get("first")
        first_cell = (f'<a href="#{anchor[first]}">{number.get(first, "?")}</a> '
                      f'<span class="muted">{esc(short(names[first].get("outlet"), 30))}</span>'
                      if first in anchor else esc(first))
        where = (f'{esc(first)} {st.get("start")}–{st.get("end")}'
                 if isinstance(first, str) else "")
        rows.append(f'<tr><td class="st"><span class="snip" title="{where}">'
                    f'{esc(short(st.get("text"), 300))}</span></td>'
                    f'<td class="marks">{cells}</td><td class="nw">{first_cell}</td>'
                    f"<td>{_ledger_changes(e, number)}</td></tr>")
    more = (f'<p class="muted">{len(entries) - _LEDGER_ROWS} more rows not drawn (the '
            "page's data holds them all).</p>" if len(entries) > _LEDGER_ROWS else "")
    return ('<div class="ledger-scroll"><table class="list ledger"><thead><tr>'
            "<th>statement</th><th>versions</th><th>first</th><th>changes along the way</th>"
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{more}')


def _ledger_changes(entry: dict, number: dict[str, int]) -> str:
    """What changed in a statement on each edge (old → new, escaped) and who dropped it."""
    items = []
    for s in entry.get("steps") or []:
        if not isinstance(s, dict):
            continue
        edge = f"{number.get(s.get('parent'), '?')} → {number.get(s.get('child'), '?')}"
        for c in s.get("changes") or []:
            if not isinstance(c, dict):
                continue
            old = (c.get("parent") or {}).get("text") if isinstance(c.get("parent"), dict) \
                else None
            new = (c.get("child") or {}).get("text") if isinstance(c.get("child"), dict) \
                else None
            what = (f"“{esc(short(old, 80))}” → “{esc(short(new, 80))}”" if old and new else
                    f"{esc(c.get('change'))}: “{esc(short(old or new, 80))}”")
            items.append(f"<li><b>{edge}</b> {esc(c.get('kind'))} {what}</li>")
    dropped = [number.get(v, "?") for v in entry.get("dropped_by") or []]
    if dropped:
        items.append(f"<li>dropped by {', '.join(str(n) for n in dropped)}</li>")
    if not items:
        return '<span class="muted">—</span>'
    shown = items[:8] + ([f'<li class="muted">… {len(items) - 8} more</li>']
                         if len(items) > 8 else [])
    return f'<ul class="items">{"".join(shown)}</ul>'


def _version(ident: object, names: dict[str, dict], number: dict[str, int]) -> str:
    """``3. Title — Outlet`` for a mark's tooltip (not escaped)."""
    member = names.get(ident) if isinstance(ident, str) else None
    return f"{number.get(ident, '?')}. {_name(member, 50)}" if member else str(ident)
