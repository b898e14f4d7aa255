"""Small pieces shared by the compare and trace pages: article metadata, chips, the legend."""

from __future__ import annotations

from storytrace.report.html import esc, safe_href, short

# Layers the legend can show or hide, in the order shown, with their legend sample class.
LAYERS = {
    "passage": ("reused passage", None),
    "claim": ("statement both report (click for the other's)", "claim"),
    "repeat": ("printed twice in one text", "rep"),
    "credit": ("credited source", "src"),
    "new": ("new sentence (no counterpart)", "new"),
    "fact": ("changed fact", "fact"),
    "framing": ("framing signal (loaded words, shouting, opinion)", "sig"),
    "aside": ("set aside as site boilerplate (not compared)", "aside"),
}
KIND_CLASSES = {"verbatim": "k-verbatim", "edited": "k-edited", "paraphrase": "k-paraphrase"}


def kind_class(kind: object) -> str:
    """CSS class of a passage kind (unknown kinds share one neutral colour)."""
    return KIND_CLASSES.get(kind if isinstance(kind, str) else "", "k-other")


def chip(text: object, cls: str = "") -> str:
    return f'<span class="chip {cls}">{esc(text)}</span>'


def when(value: object) -> str:
    """An ISO time as ``2017-03-02 14:05`` (or ``time unknown``), unescaped."""
    if not isinstance(value, str) or not value:
        return "time unknown"
    return value[:16].replace("T", " ")


def meta_line(head: dict) -> str:
    """Outlet · time · id · url of one article, escaped; the url is a link only if http(s)."""
    bits = [esc(head.get("outlet") or "outlet unknown"), esc(when(head.get("published")))]
    if head.get("id"):
        bits.append(f'<code class="id">{esc(head["id"])}</code>')
    url = head.get("url")
    if url:
        href = safe_href(url)
        bits.append(f'<a href="{href}" rel="noopener noreferrer nofollow" '
                    f'target="_blank">{esc(short(url, 60))}</a>' if href
                    else f'<span class="url">{esc(short(url, 60))}</span>')
    return " · ".join(bits)


def legend(layers: set[str], kinds: set[str]) -> str:
    """Colour key with a checkbox per layer present (the script shows and hides layers)."""
    items = []
    for layer, (label, cls) in LAYERS.items():
        if layer not in layers:
            continue
        if layer == "passage":
            sample = " ".join(chip(k, kind_class(k)) for k in sorted(kinds))
        else:
            sample = f'<span class="seg {cls}">{esc(label)}</span>'
            label = ""
        items.append(f'<label class="layer"><input type="checkbox" checked '
                     f'data-layer="{layer}"> {sample} {esc(label)}</label>')
    if not items:
        return ""
    return f'<div class="legend" role="group" aria-label="highlights">{"".join(items)}</div>'


def link_line(link: dict) -> str:
    """One link (``{a, b, kind, score, coverage_a, coverage_b, evidence}``, as
    ``Story.to_dict`` gives it) in words."""
    pair = f"{link['a'][:16]} ↔ {link['b'][:16]}"
    ev = link.get("evidence") or {}
    if link["kind"] in ("same_story", "same_event"):
        names = ", ".join(ev.get("shared_entities", [])[:5])
        check = ev.get("sentence_check") or {}
        why = str(ev.get("why") or "").split(":")[0] if link["kind"] == "same_event" else ""
        return (f"{link['kind'].replace('_', ' ')} {pair}: score {link['score']:.2f}"
                + (f", sentence check {check['probability']:.2f}" if "probability" in check
                   else "") + (f" (shared: {names})" if names else "")
                + (f" — {why}" if why else ""))
    if link["kind"] == "shared_quote":
        quotes = [q for q in ev.get("quotes") or [] if isinstance(q, dict) and q.get("text")]
        text = quotes[0]["text"] if quotes else ""
        text = text if len(text) <= 80 else text[:80].rsplit(" ", 1)[0] + " …"
        said = (f": “{text}”"
                + (f" ({quotes[0]['speaker']})" if quotes[0].get("speaker") else "")
                if quotes else "")
        return (f"shared quote {pair}: only a third party's quotation (no copying, no "
                f"direction){said}")
    n = ev.get("passages", 0)
    return (f"reuse {pair}: covers {link['coverage_a']:.0%} / {link['coverage_b']:.0%} "
            f"({n} passage{'' if n == 1 else 's'})")
