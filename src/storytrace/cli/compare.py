"""`storytrace compare A B`: what two versions of a story share.

The comparison's modules are imported when the command runs, not when the command line is
built, so that `storytrace --help` stays cheap."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from storytrace.cli.output import fail, out, print_json

if TYPE_CHECKING:
    from storytrace.comparison import Comparison
    from storytrace.model import Article


class CompareFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


def load_article(ref: str, db: Path) -> Article:
    """A file (any ingest format; its first article) or an id/prefix in the store."""
    if Path(ref).is_file() or ref == "-":
        from storytrace.api import read_article

        try:
            return read_article(Path(ref))
        except ValueError as exc:
            raise fail(str(exc)) from None
    if not db.exists():
        raise fail(f"{ref!r} is neither a file nor an id (no store at {db})")
    from storytrace.cli.articles import resolve_article
    from storytrace.store import Store

    with Store(db) as store:
        return resolve_article(store, ref)


def _corpus_boilerplate(db: Path):
    """The boilerplate the store at ``db`` has learnt, if there is a traced store."""
    if not db.is_file():
        return None
    from storytrace.engines.local import boilerplate_model
    from storytrace.store import Store

    with Store(db) as store:
        return boilerplate_model(store)


def compare_cmd(
    a: str = typer.Argument(..., help="First article: a file or an id in the store."),
    b: str = typer.Argument(..., help="Second article: a file or an id in the store."),
    db: Path = typer.Option(Path("storytrace.db"), "--db",
                            help="SQLite store: ids are looked up here, and the site "
                                 "boilerplate its `trace` learnt is set aside (without one, "
                                 "only promotion and small print are)."),
    fmt: CompareFormat = typer.Option(CompareFormat.text, "--format", "-f",
                                      help="text, json, or html (a self-contained report)."),
    out_path: Path = typer.Option(None, "--out", "-o",
                                  help="With --format html: the report file "
                                       "(default compare.html)."),
    lexical: bool = typer.Option(False, "--lexical", help="Do not use sentence embeddings."),
    passages_only: bool = typer.Option(False, "--passages-only",
                                       help="Only the aligned passages and repeats: no credited "
                                            "sources or facts diff."),
    full: bool = typer.Option(False, "--full",
                              help="Text format: every claim, passage, credit and added "
                                   "statement, not only the summary and the first few."),
) -> None:
    """Find every passage one article reuses from the other, with character offsets, the
    sources each credits, and what each adds or changes."""
    from storytrace.align import Aligner
    from storytrace.comparison import DETAILS, compare

    aligner = Aligner(semantic=not lexical and "auto")
    first, second = load_article(a, db), load_article(b, db)
    result = compare(first, second, aligner, details=() if passages_only else DETAILS,
                     boilerplate=_corpus_boilerplate(db))
    if fmt is CompareFormat.html:
        from storytrace.report import render_compare_html
        from storytrace.report.extras import comparison_dict

        path = out_path or Path("compare.html")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_compare_html(comparison_dict(result), result.a.text,
                                            result.b.text), encoding="utf-8")
        out.print(str(path.resolve()))
    elif fmt is CompareFormat.json:
        print_json(result.to_dict())
    else:
        print_comparison(result, full=full)


def _snippet(text: str, start: int, end: int, width: int = 160) -> str:
    s = " ".join(text[start:end].split())
    return s if len(s) <= width else s[: width // 2 - 2] + " … " + s[-(width // 2 - 2):]


SHOWN = 5  # items of each list the summary view shows (--full: all)



def print_comparison(c: Comparison, *, full: bool = False) -> None:
    """The summary first (what the two share, what each adds, who copied whom and why,
    credits, framing), then the claims, passages and additions: the first few of each,
    or all with ``full``."""
    from storytrace.comparison import summarize, summary_lines

    result = c.to_dict()
    summary = summarize(result)
    for label, art in (("A", c.a), ("B", c.b)):
        when = art.published.date().isoformat() if art.published else "date unknown"
        out.print(Text(f"{label}: {art.title or '(untitled)'}", style="bold"))
        out.print(Text(f"   {art.id} · {art.outlet or 'outlet unknown'} · {when} · "
                       f"{len(art.text)} chars"))
    out.print()
    out.print(Text("In short", style="bold"))
    for line in summary_lines(summary):
        out.print(Text(f"  {line}"))
    diff = result.get("diff") or {}
    claims = diff.get("claims") or {}
    if claims.get("pairs"):
        _print_claims(c, claims["pairs"], full)
    if full and claims.get("possible"):
        _print_claims(c, claims["possible"], full,
                      heading="Possible pairs not counted, score under 0.5")
    _print_passages(c, full)
    if claims:
        _print_only(c, claims, full)
    elif diff:
        _print_adds(diff, full)
    if full:
        _print_details(c)
    else:
        out.print()
        out.print(Text("(--full: every item, the direction's evidence, credits with offsets "
                       "and framing signals; --format json for all of it)", style="dim"))


def _print_claims(c: Comparison, pairs: list[dict], full: bool,
                  heading: str = "Shared statements") -> None:
    from storytrace.comparison import claim_change, claim_kind_words

    shown = pairs if full else pairs[:SHOWN]
    out.print()
    out.print(Text(f"{heading} ({len(pairs)}"
                   + ("" if full or len(pairs) <= SHOWN else f"; first {SHOWN}") + ")",
                   style="bold"))
    for n, p in enumerate(shown, 1):
        kind = claim_kind_words(p)
        out.print(Text(f"[{n}] {kind} (score {p['score']:.2f})", style="bold"))
        out.print(Text(f"  A {p['a_start']}-{p['a_end']}: "
                       f"{_snippet(c.a.text, p['a_start'], p['a_end'])}"))
        out.print(Text(f"  B {p['b_start']}-{p['b_end']}: "
                       f"{_snippet(c.b.text, p['b_start'], p['b_end'])}"))
        changes = [claim_change(d) for d in p.get("details") or []]
        if changes:
            out.print(Text("  changed: " + "; ".join(changes[: None if full else 3])))


def _print_passages(c: Comparison, full: bool) -> None:
    al = c.alignment
    out.print()
    if not al.passages:
        out.print("No reused passages found.")
        return
    shown = al.passages if full else al.passages[:SHOWN]
    out.print(Text(f"Reused passages ({len(al.passages)})", style="bold"))
    for n, p in enumerate(shown, 1):
        out.print(Text(f"[{n}] {p.kind} (score {p.score:.2f}; {p.evidence})", style="bold"))
        out.print(Text(f"  A {p.a_start}-{p.a_end}: {_snippet(c.a.text, p.a_start, p.a_end)}"))
        out.print(Text(f"  B {p.b_start}-{p.b_end}: {_snippet(c.b.text, p.b_start, p.b_end)}"))
    if not full:
        return
    for label, art, side in (("A", c.a, "a"), ("B", c.b, "b")):
        for x in c.boilerplate.get(side, []):
            out.print(Text(f"set aside in {label} {x['start']}-{x['end']} ({x['reason']}): "
                           f"{_snippet(art.text, x['start'], x['end'], width=100)}"))
    for label, art, repeats in (("A", c.a, al.repeats_a), ("B", c.b, al.repeats_b)):
        for r in repeats:
            spans = ", ".join(f"{s}-{e}" for s, e in r.occurrences)
            out.print(Text(f"repeated in {label} ({len(r.occurrences)}×: {spans}): "
                           f"{_snippet(art.text, *r.occurrences[0], width=100)}"))


def _print_only(c: Comparison, claims: dict, full: bool) -> None:
    for label, art, key in (("A", c.a, "a_only"), ("B", c.b, "b_only")):
        _print_list(f"Only in {label}", [
            f"{x['start']}-{x['end']}: {_snippet(art.text, x['start'], x['end'], width=140)}"
            for x in claims.get(key) or []], full)


def _print_adds(diff: dict, full: bool) -> None:
    summary = diff["summary"]
    for key, heading in (("a_adds", "A adds"), ("b_adds", "B adds"),
                         ("changed", "Changed"), ("matching", "Matching")):
        _print_list(heading, summary.get(key) or [], full)


def _print_list(heading: str, lines: list[str], full: bool) -> None:
    """A heading with its count, then the lines (the first :data:`SHOWN` unless ``full``)."""
    if not lines:
        return
    out.print()
    out.print(Text(f"{heading} ({len(lines)}"
                   + ("" if full or len(lines) <= SHOWN else f"; first {SHOWN}") + ")",
                   style="bold"))
    for line in lines if full else lines[:SHOWN]:
        out.print(Text(f"  {line}"))


def _print_details(c: Comparison) -> None:
    from storytrace.comparison import CREDIT_TYPES, by_side, verdict_words

    direction = c.details.get("direction")
    if direction:
        out.print()
        out.print(Text(f"Direction: {verdict_words(direction)}", style="bold"))
        names = {c.a.id: "A", c.b.id: "B"}
        for item in direction.get("evidence", []):
            out.print(Text(f"  {item['name']}: {by_side(item['detail'], names)}"))
    credits = c.details.get("attributions")
    if credits:
        for label in ("a", "b"):
            named = [x for x in credits[label] if x["source"] and x["source_type"] in
                     CREDIT_TYPES]
            if named:
                out.print()
                out.print(Text(f"{label.upper()} credits:", style="bold"))
                for x in named:
                    src, means = x["source"], x.get("refers_to")
                    name = (f"{src['text']} ({means['text']})" if isinstance(means, dict)
                            and means.get("text") else src["text"])
                    out.print(Text(f"  {name} ({x['source_type']}, {x['kind']}) "
                                   f"at {src['start']}-{src['end']}"))
    framing = c.details.get("framing")
    if framing:
        out.print()
        out.print(Text("Framing:", style="bold"))
        for label in ("a", "b"):
            f = framing.get(label)
            if f is None:
                continue
            head = f.get("headline_clickbait")
            bits = [f"clickbait headline {head['score']:.2f}" if head else "no headline",
                    f"hyperpartisan {f['hyperpartisan']['score']:.2f}"]
            loaded = [x for x in f["signals"] if x["kind"] in ("loaded_language", "name_calling")]
            if loaded:
                bits.append("loaded: " + ", ".join(f"“{x['text']}”" for x in loaded[:6]))
            out.print(Text(f"  {label.upper()}: " + "; ".join(bits)))
        if "delta" in framing:
            out.print(Text(f"  B adds over A: {framing['delta']['summary']}"))
        if "note" in framing:
            out.print(Text(f"  {framing['note']}"))
