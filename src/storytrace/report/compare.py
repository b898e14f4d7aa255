"""The compare page: two versions side by side, reused passages linked across them.

Each optional section (credited sources, changed facts, framing, direction) is
drawn when its key is in the result and left out otherwise; the shapes read are
documented in :mod:`storytrace.report`. Anything malformed in an optional
section drops that item, never the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from storytrace.provenance.direction import leaning
from storytrace.report.html import document, esc, num, pct, render_value, short
from storytrace.report.marks import Mark, highlight, span_of
from storytrace.report.parts import chip, kind_class, legend, meta_line

SIDES = ("a", "b")
OTHER = {"a": "b", "b": "a"}
_MAX_ITEMS = 2000  # per list: a pathological result cannot make the page unbounded


class _Page:
    """Marks per side (text and title) and the HTML sections, built up section by section."""

    def __init__(self, result: dict, texts: dict[str, str]) -> None:
        self.result = result
        self.texts = texts
        heads = {s: result.get(s) if isinstance(result.get(s), dict) else {} for s in SIDES}
        self.heads: dict[str, dict] = heads
        self.titles = {s: str(heads[s].get("title") or "") for s in SIDES}
        # What an untitled side is called ("name": e.g. "Your pasted text"), else "(untitled)".
        self.untitled = {s: str(heads[s].get("name") or "") for s in SIDES}
        self.marks: dict[str, list[Mark]] = {s: [] for s in SIDES}
        self.title_marks: dict[str, list[Mark]] = {s: [] for s in SIDES}
        self.sections: list[str] = []
        self.summary = ""  # "In short": the numbers the text view prints first
        self.direction = ""  # shown above the texts, not with the lists below them
        self.layers: set[str] = set()
        self.kinds: set[str] = set()

    def span(self, side: str, value: object) -> tuple[int, int] | None:
        return span_of(value, len(self.texts[side]))

    def snippet(self, side: str, start: int, end: int, width: int = 110) -> str:
        return esc(short(self.texts[side][start:end], width))

    def jump(self, token: str, label: str) -> str:
        return f'<a class="jump" href="#{token}">{esc(label)}</a>'


def render_compare_html(result: dict, a_text: str, b_text: str, *, nav: str = "") -> str:
    """One self-contained HTML page for a comparison (``Comparison.to_dict()`` and extras).

    ``a_text`` and ``b_text`` are the texts the offsets refer to. ``nav`` is trusted
    HTML put above the page (the web UI's navigation bar).
    """
    page = _Page(result if isinstance(result, dict) else {}, {"a": a_text, "b": b_text})
    _summary(page)
    _direction(page)
    _claims(page)
    _passages(page)
    _set_aside(page)
    _repeats(page)
    _attributions(page)
    _diff(page)
    _framing(page)
    return document(_page_title(page), _layout(page), nav=nav, data=page.result)


def _page_title(page: _Page) -> str:
    names = [short(page.titles[s] or page.untitled[s] or page.heads[s].get("id") or s.upper(),
                   40) for s in SIDES]
    return f"storytrace · {names[0]} ↔ {names[1]}"


def _layout(page: _Page) -> str:
    coverage = page.result.get("coverage") if isinstance(page.result.get("coverage"), dict) \
        else {}
    heads, panes = [], []
    for side in SIDES:
        label = side.upper()
        title = highlight(page.titles[side], page.title_marks[side]) or \
            esc(page.untitled[side]) or '<span class="muted">(untitled)</span>'
        cov = num(coverage.get(side))
        meter = (f'<div class="cov"><meter min="0" max="1" value="{cov:.4f}"></meter> '
                 f"{pct(cov)} of {label} is shared with {OTHER[side].upper()}</div>"
                 if cov is not None else "")
        heads.append(f'<div class="card head head-{side}"><span class="side">{label}</span> '
                     f'<h2 class="title">{title}</h2><div class="meta">'
                     f"{meta_line(page.heads[side])} · {len(page.texts[side]):,} chars</div>"
                     f"{meter}</div>")
        panes.append(f'<section class="pane" id="pane-{side}" aria-label="text {label}">'
                     f'<div class="pane-head"><span class="side">{label}</span> '
                     f'{esc(short(page.titles[side] or page.untitled[side], 80)) or "(untitled)"}'
                     "</div>"
                     f'<div class="text">{highlight(page.texts[side], page.marks[side])}</div>'
                     "</section>")
    body = [f'<h1>Compare two versions</h1><div class="heads">{"".join(heads)}</div>']
    body.append(page.summary)
    body.append(page.direction)
    body.append(legend(page.layers, page.kinds))
    body.append('<p class="hint">Click a highlighted passage to jump to its counterpart in '
                'the other text.</p><p id="status" class="status" aria-live="polite"></p>')
    body.append(f'<div class="cols">{"".join(panes)}</div>')
    body += page.sections
    return "\n".join(body)


# ------------------------------------------------------------------ sections


def _summary(page: _Page) -> None:
    """The summary ``storytrace compare`` prints first, from the same function."""
    from storytrace.comparison import summarize, summary_lines

    try:
        lines = summary_lines(summarize(page.result))
    except (KeyError, TypeError, ValueError, AttributeError):  # a malformed result
        return
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    page.summary = (f'<section class="block" id="summary"><h2>In short</h2>'
                    f'<ul class="items">{items}</ul></section>')


def _passages(page: _Page) -> None:
    passages = page.result.get("passages")
    if not isinstance(passages, list):
        return
    rows = []
    for i, p, spans in _spanned(page, passages):
        kind = p.get("kind") if isinstance(p.get("kind"), str) else "other"
        score = num(p.get("score"))
        label = f"passage {i}: {kind}" + (f", score {score:.2f}" if score is not None else "")
        for s in SIDES:
            page.marks[s].append(Mark(*spans[s], f"{s}-p{i}", kind_class(kind), "passage",
                                      label, focus=True))
        page.kinds.add(kind)
        rows.append(f"<tr><td>{i}</td><td>{chip(kind, kind_class(kind))}</td>"
                    f"<td>{'' if score is None else f'{score:.2f}'}</td>"
                    f"{_pair_cells(page, 'p', i, spans)}"
                    f'<td class="muted opt">{esc(p.get("evidence") or "")}</td></tr>')
    if rows:
        page.layers.add("passage")
    _pair_section(page, "passages", "Reused passages", rows, "evidence",
                  "No reused passages found.")


def _claims(page: _Page) -> None:
    """The statements both versions report (``diff.claims``), linked across the texts,
    with what changed inside each."""
    from storytrace.comparison import claim_change, claim_kind_words

    diff = page.result.get("diff")
    claims = diff.get("claims") if isinstance(diff, dict) else None
    pairs = claims.get("pairs") if isinstance(claims, dict) else None
    if not isinstance(pairs, list):
        return
    rows = []
    for i, c, spans in _spanned(page, pairs):
        words = claim_kind_words(c)
        for s in SIDES:
            page.marks[s].append(Mark(*spans[s], f"{s}-c{i}", "claim", "claim",
                                      f"statement {i}: {words}", focus=True))
        score = num(c.get("score"))
        changed = "; ".join(claim_change(d) for d in (c.get("details") or [])[:20]
                            if isinstance(d, dict))
        rows.append(f"<tr><td>{i}</td><td>{chip(words)}</td>"
                    f"<td>{'' if score is None else f'{score:.2f}'}</td>"
                    f"{_pair_cells(page, 'c', i, spans)}"
                    f'<td class="opt">{esc(changed)}</td></tr>')
    if rows:
        page.layers.add("claim")
    _pair_section(page, "claims", "Shared statements", rows, "changed inside",
                  "No statement of one is reported by the other.")


def _spanned(page: _Page, items: list) -> Iterator[tuple[int, dict, dict]]:
    """``(number, item, {side: span})`` for each item (a passage, a statement) with a valid
    span in both texts, numbered from 1 in list order; malformed items are skipped."""
    for i, x in enumerate(items[:_MAX_ITEMS], 1):
        if not isinstance(x, dict):
            continue
        spans = {s: page.span(s, (x.get(f"{s}_start"), x.get(f"{s}_end"))) for s in SIDES}
        if spans["a"] and spans["b"]:
            yield i, x, spans


def _pair_cells(page: _Page, letter: str, i: int, spans: dict) -> str:
    """The "in A" and "in B" cells of item ``i``: a jump to its mark and a snippet."""
    return "".join(
        f'<td>{page.jump(f"{s}-{letter}{i}", f"{s.upper()} {spans[s][0]}–{spans[s][1]}")}'
        f'<div class="snip">{page.snippet(s, *spans[s])}</div></td>' for s in SIDES)


def _pair_section(page: _Page, anchor: str, title: str, rows: list[str], last: str,
                  empty: str) -> None:
    """A section listing items that span both texts (#, kind, score, in A, in B, ``last``
    hidden on narrow screens), or ``empty`` when there is none."""
    body = ('<table class="list"><thead><tr><th>#</th><th>kind</th><th>score</th><th>in A</th>'
            f'<th>in B</th><th class="opt">{esc(last)}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            if rows else f'<p class="muted">{esc(empty)}</p>')
    page.sections.append(f'<section class="block" id="{anchor}"><h2>{esc(title)} '
                         f"({len(rows)})</h2>{body}</section>")


def _set_aside(page: _Page) -> None:
    """What was set aside before aligning (site boilerplate, promotion, a header or footer
    both print at the same place), struck through in the texts and listed with the reason."""
    aside = page.result.get("boilerplate")
    if not isinstance(aside, dict):
        return
    items = []
    for s in SIDES:
        found = aside.get(s) if isinstance(aside.get(s), list) else []
        for k, x in enumerate(found[:_MAX_ITEMS], 1):
            sp = page.span(s, (x.get("start"), x.get("end"))) if isinstance(x, dict) else None
            if not sp:
                continue
            reason = str(x.get("reason") or "boilerplate")
            token = f"{s}-b{k}"
            page.marks[s].append(Mark(*sp, token, "aside", "aside",
                                      f"set aside: {reason}", False))
            items.append(f"<li><b>{s.upper()}</b> {page.jump(token, f'{sp[0]}–{sp[1]}')} "
                         f"({esc(reason)}): "
                         f'<span class="snip">{page.snippet(s, *sp)}</span></li>')
    if items:
        page.layers.add("aside")
        page.sections.append(
            '<section class="block" id="set-aside"><h2>Set aside before comparing '
            f"({len(items)})</h2><p class=\"muted\">Text a site prints on many pages, or "
            "promotion and small print: not counted as shared, and not read for the direction "
            f'or the facts.</p><ul class="items">{"".join(items)}</ul></section>')


def _repeats(page: _Page) -> None:
    repeats = page.result.get("repeats")
    if not isinstance(repeats, dict):
        return
    items = []
    for s in SIDES:
        groups = repeats.get(s) if isinstance(repeats.get(s), list) else []
        for g, rep in enumerate(groups[:_MAX_ITEMS], 1):
            occ = rep.get("occurrences") if isinstance(rep, dict) else None
            spans = [sp for o in (occ if isinstance(occ, list) else [])[:50]
                     if (sp := page.span(s, o))]
            if len(spans) < 2:
                continue
            links = []
            for k, sp in enumerate(spans):
                token = f"{s}-r{g}-{k}"
                page.marks[s].append(Mark(*sp, token, "rep", "repeat",
                                          f"printed {len(spans)}× in {s.upper()} "
                                          f"(occurrence {k + 1}); click for the next", True))
                links.append(page.jump(token, f"{sp[0]}–{sp[1]}"))
            items.append(f"<li><b>{s.upper()}</b> prints this {len(spans)} times "
                         f'({", ".join(links)}): <span class="snip">'
                         f"{page.snippet(s, *spans[0])}</span></li>")
    if items:
        page.layers.add("repeat")
        page.sections.append('<section class="block" id="repeats"><h2>Printed twice</h2>'
                             f'<ul class="items">{"".join(items)}</ul></section>')


_TYPE_RANK = {"wire": 0, "outlet": 1, "document": 2, "organisation": 3, "person": 4,
              "anonymous": 5}


def _attributions(page: _Page) -> None:
    found = page.result.get("attributions")
    if not isinstance(found, dict):
        return
    cols = []
    for s in SIDES:
        rows: list[tuple[int, int, str]] = []
        for i, att in enumerate((found.get(s) or [])[:_MAX_ITEMS] if isinstance(
                found.get(s), list) else [], 1):
            if not isinstance(att, dict):
                continue
            src, cue = page.span(s, att.get("source")), page.span(s, att.get("cue"))
            content = page.span(s, att.get("content"))
            token = f"{s}-s{i}"
            if src:
                page.marks[s].append(Mark(*src, token, "src", "credit",
                                          f"credited source ({att.get('source_type', '?')})"))
            if cue:
                page.marks[s].append(Mark(*cue, token, "cue", "credit", "credit cue"))
            if not (src or cue):
                continue
            first = min(x[0] for x in (src, cue) if x)
            who = page.snippet(s, *src, 60) if src else '<span class="muted">(no source)</span>'
            who = f"<b>{who}</b>"
            ref = page.span(s, att.get("refers_to"))
            if src and ref:  # "He" shown by the name it stands for
                who = (f'<b>{page.snippet(s, *ref, 60)}</b> '
                       f'<span class="muted">(“{page.snippet(s, *src, 60)}”)</span>')
            rank = _TYPE_RANK.get(att.get("source_type"), len(_TYPE_RANK))
            rows.append((rank, first,
                f"<li>{page.jump(token, '↪')} {who} "
                f'{chip(att.get("source_type") or "unknown", "st")} '
                f'<span class="muted">{esc(att.get("kind") or "")}'
                f'{" · " + page.snippet(s, *cue, 40) if cue else ""} · character {first}</span>'
                + (f'<div class="snip">“{page.snippet(s, *content, 140)}”</div>' if content
                   else "") + "</li>"))
        # Outlets and wires first: they are what provenance is about; then text order.
        body = f'<ol class="items">{"".join(r for *_, r in sorted(rows))}</ol>' if rows else \
            '<p class="muted">none found</p>'
        cols.append(f"<div><h3>{s.upper()} credits ({len(rows)})</h3>{body}</div>")
    page.layers.add("credit")
    page.sections.append('<section class="block" id="credits"><h2>Credited sources</h2>'
                         f'<div class="two">{"".join(cols)}</div></section>')


def _diff(page: _Page) -> None:
    diff = page.result.get("diff")
    if not isinstance(diff, dict):
        return
    html = []
    new = _per_side(diff, ("new_sentences", "added", "new"))
    cols = []
    for s in SIDES:
        items = []
        for i, sent in enumerate(new.get(s, [])[:_MAX_ITEMS], 1):
            sp = page.span(s, sent)
            if not sp:
                continue
            token = f"{s}-n{i}"
            page.marks[s].append(Mark(*sp, token, "new", "new",
                                      f"new in {s.upper()}: no counterpart in "
                                      f"{OTHER[s].upper()}"))
            items.append(f"<li>{page.jump(token, f'{sp[0]}–{sp[1]}')} "
                         f'<span class="snip">{page.snippet(s, *sp, 160)}</span></li>')
        if items:
            page.layers.add("new")
        cols.append(f"<div><h3>New in {s.upper()} ({len(items)})</h3>"
                    + (f'<ul class="items">{"".join(items)}</ul>' if items
                       else '<p class="muted">nothing</p>') + "</div>")
    if new:
        html.append(f'<div class="two">{"".join(cols)}</div>')
    changes = next((diff[k] for k in ("changed_facts", "changed", "facts", "changes")
                    if isinstance(diff.get(k), list)), None)
    if changes is not None:  # first: a changed name or number matters more than new text
        html.insert(0, _fact_table(page, changes))
    # sentence_pairs and entities list every mention, and the summary repeats what is
    # shown here as text lines: too long to show, still in the JSON.
    extra = {k: v for k, v in diff.items() if k not in (
        "new_sentences", "added", "new", "changed_facts", "changed", "facts", "changes", "a",
        "b", "sentence_pairs", "entities", "summary")}
    if extra:
        html.append(f'<details><summary>More</summary>{render_value(extra)}</details>')
    if html:
        page.sections.append('<section class="block" id="diff"><h2>What changed</h2>'
                             f'{"".join(html)}</section>')


def _fact_table(page: _Page, changes: list) -> str:
    groups: dict[tuple, list] = {}  # one row per distinct change, with how often it occurs
    for i, ch in enumerate(changes[:_MAX_ITEMS], 1):
        if not isinstance(ch, dict):
            continue
        cells = []
        for s in SIDES:
            fact = ch.get(s)
            sp = page.span(s, fact) if isinstance(fact, dict) else None
            if sp:
                token = f"{s}-f{i}"
                shown = page.texts[s][sp[0]:sp[1]]
                page.marks[s].append(Mark(*sp, token, "fact", "fact",
                                          f"fact {i}: {ch.get('change') or 'changed'}", True))
                value = fact.get("value")
                # A normalised value says something only where it differs from the words
                # ("$5 million" is USD 5000000); an entity's cluster key says nothing.
                plain = value in (None, "") or str(value) == shown or ":" in str(value)
                cells.append(f"<td>{page.jump(token, short(shown, 80))}"
                             + ("" if plain else
                                f'<div class="muted">{esc(short(value, 60))}</div>') + "</td>")
            else:
                cells.append('<td class="muted">—</td>')
        sides = [ch[s] for s in SIDES if isinstance(ch.get(s), dict)]
        kind = ch.get("kind") or next((f["kind"] for f in sides if f.get("kind")), "")
        about = next((f["about"] for f in sides if isinstance(f.get("about"), str)
                      and f["about"]), "")
        change = ch.get("change") or ch.get("note") or \
            ("altered" if len(sides) == 2 else "added" if ch.get("b") else "removed")
        key = (str(kind), about, str(change), *(str(f.get("text") or f.get("value") or "")
                                           for f in (ch.get(x) for x in SIDES)
                                           if isinstance(f, dict)))
        if key in groups:
            groups[key][1] += 1
            continue
        groups[key] = [(f"<td>{esc(kind)}"
                      + (f' <span class="muted">({esc(short(about, 40))})</span>'
                         if about else "") + "</td>", "".join(cells), esc(change)), 1]
    if any(m.layer == "fact" for s in SIDES for m in page.marks[s]):
        page.layers.add("fact")
    rows = [f"<tr>{head}{cells}<td>{change}" + (f" (×{n})" if n > 1 else "") + "</td></tr>"
            for (head, cells, change), n in groups.values()]
    if not rows:
        return ('<h3>Changed facts (0)</h3><p class="muted">No name, number, date or quote '
                "differs between the passages the two share.</p>")
    return (f"<h3>Changed facts ({len(rows)})</h3>"
            '<p class="muted">Names, numbers, dates and quotes that differ between passages '
            "the two versions share; each is outlined in the texts above.</p>"
            '<table class="list"><thead><tr><th>fact</th><th>in A</th><th>in B</th>'
            f'<th>change</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _framing(page: _Page) -> None:
    framing = page.result.get("framing")
    if not isinstance(framing, dict):
        return
    cols = []
    for s in SIDES:
        f = framing.get(s)
        if not isinstance(f, dict):
            continue
        scores = _scores(f)
        signals = f.get("signals") if isinstance(f.get("signals"), list) else []
        items = []
        for i, sig in enumerate(signals[:_MAX_ITEMS], 1):
            if not isinstance(sig, dict):
                continue
            where = sig.get("in") or sig.get("field") or "text"
            kind = sig.get("kind") or sig.get("label") or "signal"
            tag = chip(str(kind).replace("_", " "), "sig-chip")
            score = num(sig.get("score"))
            label = f"{kind}" + (f" ({score:.2f})" if score is not None else "")
            if where in ("title", "headline"):
                sp = span_of(sig, len(page.titles[s]))
                if not sp:
                    continue
                page.title_marks[s].append(Mark(*sp, f"{s}-t{i}", "sig", "framing", label))
                shown = esc(short(page.titles[s][sp[0]:sp[1]], 80))
                items.append(f"<li>{tag} headline: “{shown}”"
                             f'{_score(score)}</li>')
                continue
            sp = page.span(s, sig)
            if not sp:
                continue
            token = f"{s}-g{i}"
            page.marks[s].append(Mark(*sp, token, "sig", "framing", label))
            items.append(f"<li>{tag} {page.jump(token, '↪')} "
                         f'“{page.snippet(s, *sp, 100)}”{_score(score)}</li>')
        if items:
            page.layers.add("framing")
        cols.append(f"<div><h3>{s.upper()}</h3>{scores}"
                    + (f'<h4>Signals ({len(items)})</h4><ul class="items">{"".join(items)}</ul>'
                       if items else '<p class="muted">no signals</p>') + "</div>")
    delta = framing.get("delta")
    extra = f'<div class="delta"><b>What B adds over A:</b> {_delta(delta)}</div>' \
        if delta else ""
    if isinstance(framing.get("note"), str):
        extra += f'<p class="muted">{esc(framing["note"])}</p>'
    if cols or extra:
        page.sections.append(
            '<section class="block" id="framing"><h2>Framing</h2>'
            '<p class="muted">How each version tells the story: signals are words and '
            "sentences marked in the texts above (loaded language, shouting, opinion); the "
            "number after each is how sure the detector is, from 0 (not at all) to 1 "
            f'(certain).</p><div class="two">{"".join(cols)}</div>{extra}</section>')


# Article-level framing scores: what each is, on what scale, and where 0.5 falls.
_CLICKBAIT = ("the headline's clickbait score, from 0 (a plain news headline) to 1 "
              "(certain clickbait); 0.5 or more counts as clickbait. It is the larger of "
              "the headline model below and a rule for shouting (words in capitals, "
              "exclamation marks)")
_MODEL = ("the headline model alone: the probability, 0 to 1, that the headline is "
          "clickbait, from a model trained on news and clickbait headlines")
_STRENGTH = ("how strongly readers would call the headline clickbait, 0 (not at all) to "
             "1 (very), estimated from crowd ratings of headlines")
_PARTISAN = ("the probability, 0 to 1, that the article takes a one-sided, extreme "
             "political stance, from a model trained on hand-labelled articles; 0.5 or "
             "more counts as hyperpartisan")
_KIND_NAMES = {"loaded_language": "loaded language", "name_calling": "name calling",
               "propaganda": "other propaganda", "opinion": "opinion sentences",
               "caps": "words in capitals", "exclamation": "exclamations"}


def _number(value: object) -> str:
    """An int as an int ("3"), any other finite number with two decimals ("0.45")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    number = num(value)
    return "?" if number is None else f"{number:.2f}"


def _score_row(name: str, value: float, help_text: str, verdict: str = "") -> str:
    meter = f' <meter min="0" max="1" value="{value:.4f}"></meter>' if 0 <= value <= 1 else ""
    return (f"<li><b>{esc(name)}: {_number(value)}</b>{meter}"
            + (f" {chip(verdict, 'verdict')}" if verdict else "")
            + f'<div class="help">{esc(help_text)}</div></li>')


def _counts(counts: dict) -> str:
    """Signal counts as integers in words: "3 loaded language, 1 other propaganda"."""
    parts = [f"{_number(n)} {_KIND_NAMES.get(k, str(k).replace('_', ' '))}"
             for k, n in counts.items() if isinstance(n, int) and not isinstance(n, bool)]
    return ", ".join(parts)


def _scores(f: dict) -> str:
    """Article-level numbers, each with what it is and its scale; counts as integers."""
    rows: list[str] = []
    head = f.get("headline_clickbait")
    if isinstance(head, dict) and num(head.get("score")) is not None:
        score = float(head["score"])
        why = str(head.get("evidence") or "")
        rows.append(_score_row("Headline clickbait", score, _CLICKBAIT + (
            f" (the rule saw {why.removeprefix('typography: ')})" if why else "") + ".",
            "clickbait" if head.get("is_clickbait", score >= 0.5) else "not clickbait"))
        if num(head.get("model_score")) is not None:
            rows.append(_score_row("headline model", float(head["model_score"]), _MODEL + "."))
        if num(head.get("strength")) is not None:
            rows.append(_score_row("clickbait strength", float(head["strength"]),
                                   _STRENGTH + "."))
    elif "headline_clickbait" in f:
        rows.append('<li><b>Headline clickbait:</b> <span class="muted">no headline to '
                    "score</span></li>")
    partisan = f.get("hyperpartisan")
    if isinstance(partisan, dict) and num(partisan.get("score")) is not None:
        score = float(partisan["score"])
        rows.append(_score_row("Hyperpartisan", score, _PARTISAN + ".",
                               "hyperpartisan" if partisan.get("is_hyperpartisan", score >= 0.5)
                               else "not hyperpartisan"))
    counts = f.get("counts")
    if isinstance(counts, dict) and _counts(counts):
        rows.append(f"<li><b>Signals found:</b> {esc(_counts(counts))}</li>")
    # Any other number (an older or newer result): shown plainly, ints as ints.
    for key, value in f.items():
        if key in ("signals", "headline_clickbait", "hyperpartisan", "counts"):
            continue
        pairs = [(key, value)] if num(value) is not None else [
            (f"{key} {k}", v) for k, v in value.items() if num(v) is not None] \
            if isinstance(value, dict) else []
        rows += [f"<li>{esc(str(k).replace('_', ' '))}: <b>{_number(v)}</b></li>"
                 for k, v in pairs[:20]]
    return f'<ul class="scores">{"".join(rows)}</ul>' if rows else ""


def _delta(delta: object) -> str:
    """The framing delta: its summary, and what was added and dropped as integer counts
    (the signals themselves are already listed and marked above)."""
    if not isinstance(delta, dict):
        return render_value(delta)
    parts = [esc(delta.get("summary") or "")]
    for key, word in (("added", "added"), ("removed", "dropped")):
        counts = delta.get(key)
        if isinstance(counts, dict) and _counts(counts):
            parts.append(f'<div class="muted">{word}: {esc(_counts(counts))}</div>')
    parts += _delta_apart(delta)
    rest = {k: v for k, v in delta.items() if k not in (
        "summary", "added", "removed", "added_signals", "removed_signals", "headline",
        "hyperpartisan", "quoted", "set_aside", "weak")}
    if rest:
        parts.append(render_value(rest))
    return "".join(parts)


def _delta_apart(delta: dict) -> list[str]:
    """What the delta did not count as a writer's own framing, in words: signals in
    quoted speech, signals in text both versions print, and weak model spans."""
    out: list[str] = []
    quoted = delta.get("quoted")
    if isinstance(quoted, dict):
        for key, word in (("added", "B quotes that A lacks"), ("removed", "A quotes that B lacks")):
            counts = quoted.get(key)
            if isinstance(counts, dict) and _counts(counts):
                out.append(f'<div class="muted">{word} (a source\'s words, not counted as '
                           f'framing): {esc(_counts(counts))}</div>')
    aside = delta.get("set_aside")
    if isinstance(aside, dict):
        said = [f"{side.upper()}: " + ", ".join(f"{_number(n)} {_VOICE_NAMES.get(k, k)}"
                                               for k, n in counts.items() if isinstance(n, int))
                for side, counts in sorted(aside.items()) if isinstance(counts, dict) and counts]
        if said:
            out.append('<div class="muted">signals set aside: ' + esc("; ".join(said))
                       + "</div>")
    weak = delta.get("weak")
    if isinstance(weak, dict):
        n = sum(len(weak.get(k) or []) for k in ("added_signals", "removed_signals"))
        if n:
            below = num(weak.get("below"))
            bar = f" (model score below {below:.2f})" if below is not None else ""
            out.append(f'<div class="muted">{_number(n)} weak model '
                       f'span{"s" if n != 1 else ""}{esc(bar)} not counted</div>')
    return out


# The delta's ``set_aside`` reasons, in words.
_VOICE_NAMES = {"quoted": "in quoted speech", "shared": "in text both print",
                "headline_repeat": "in the body's copy of its headline"}


def _score(score: float | None) -> str:
    return f' <span class="muted">{score:.2f}</span>' if score is not None else ""


def _direction(page: _Page) -> None:
    from storytrace.comparison import side_names, text_lean

    d = page.result.get("direction")
    if not isinstance(d, dict | str):
        return
    if isinstance(d, str):
        d = {"label": d}
    source, copy = _side_of(page, d.get("source")), _side_of(page, d.get("copy"))
    label = str(d.get("verdict") or d.get("label") or d.get("direction") or "").lower()
    for arrow in ("->", "→"):
        if not source and arrow in label:
            left, _, right = (x.strip() for x in label.partition(arrow))
            source, copy = _side_of(page, left), _side_of(page, right)
    if source and not copy:
        copy = OTHER[source]
    conf = num(d.get("confidence"))
    if source and copy and source != copy:
        verdict = (f"<b>{source.upper()} → {copy.upper()}</b>: {source.upper()} looks like the "
                   f"source and {copy.upper()} the copy")
    elif label == "siblings":
        via = d.get("via")
        verdict = ("<b>Siblings</b>: both look copied from a common source"
                   + (f" ({esc(short(via, 80))})" if via else ""))
    else:
        verdict = "<b>Direction unknown</b>: the evidence does not say who copied whom"
        score = num(d.get("score")) if text_lean(d) else None
        lean = leaning(conf, score) if conf is not None and score is not None else None
        if lean:
            verdict += f" · it {lean}"
        conf = None  # an unknown's confidence is its lean's, said above or not at all
    verdict += f" · confidence {conf:.2f}" if conf is not None else ""
    reason = d.get("reason") or d.get("explanation")
    more = (f'<div class="muted">{esc(reason)}</div>' if reason else "") + \
        _evidence(d.get("evidence"), side_names(page.result))
    page.direction = (f'<section class="block direction" id="direction"><h2>Who copied '
                      f"whom</h2><p>{verdict}</p>{more}</section>")


def _evidence(items: object, names: dict[str, str]) -> str:
    """Direction evidence: ``{name, points, weight, detail}`` items as one line each, the
    articles named by their sides ("A", "B")."""
    if not items:
        return ""
    if not isinstance(items, list) or not all(isinstance(e, dict) and "detail" in e
                                              for e in items):
        return f'<div class="evidence">{render_value(items)}</div>'
    from storytrace.comparison import by_side

    lines = []
    for e in items[:50]:
        weight = num(e.get("weight"))
        points = e.get("points") if e.get("points") not in (None, "none") else ""
        tail = ", ".join(x for x in (str(points or ""),
                                     f"weight {weight:.1f}" if weight else "") if x)
        detail = by_side(str(e.get("detail")), names)
        lines.append(f"<li><b>{esc(e.get('name') or 'evidence')}</b>: {esc(detail)}"
                     + (f' <span class="muted">({esc(tail)})</span>' if tail else "") + "</li>")
    return f'<ul class="items evidence">{"".join(lines)}</ul>'


def _side_of(page: _Page, value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    v = value.strip()
    if v.lower() in SIDES:
        return v.lower()
    for s in SIDES:
        if v == page.heads[s].get("id"):
            return s
    return None


def _per_side(section: dict, keys: tuple[str, ...]) -> dict[str, list[Any]]:
    """``section[key][side]`` for the first key present, or ``section[side][key]``."""
    for key in keys:
        value = section.get(key)
        if isinstance(value, dict):
            return {s: value[s] for s in SIDES if isinstance(value.get(s), list)}
    out = {}
    for s in SIDES:
        side = section.get(s)
        if isinstance(side, dict):
            found = next((side[k] for k in keys if isinstance(side.get(k), list)), None)
            if found is not None:
                out[s] = found
    return out
