"""How `trace` prints stories as text, whichever engine made them: one story with its
articles, links and family tree, and the notes on what the candidate caps held back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from storytrace.cli.output import err, out
from storytrace.engines.core import TraceOptions
from storytrace.report.parts import link_line

if TYPE_CHECKING:
    from storytrace.provenance.tree import FamilyTree


def print_cap_notes(report: Any, options: TraceOptions, largest: str = "") -> None:
    """The notes on what the caps held back: LSH buckets over ``max_bucket`` (``largest``
    names the biggest, where the engine keeps them) and articles over ``max_candidates``.

    ``report`` is either engine's report (both count ``capped_buckets``,
    ``capped_articles`` and list ``capped_examples``).
    """
    if report.capped_buckets:
        err.print(f"note: {report.capped_buckets} LSH buckets held more than "
                  f"{options.max_bucket} articles (shared boilerplate?) and gave no candidates"
                  + (f"; largest: {largest}" if largest else ""))
    if getattr(report, "boilerplate_blocks", 0):
        err.print(f"note: set aside the site boilerplate of {report.boilerplate_sites} sites "
                  f"({report.boilerplate_blocks} blocks of text printed on many pages) before "
                  "aligning; `storytrace boilerplate` lists it")
    if report.capped_articles:
        examples = ", ".join(f"{id_} ({n})" for id_, n in report.capped_examples)
        err.print(f"note: {report.capped_articles} articles had more than "
                  f"{options.max_candidates} candidate pairs, e.g. {examples}; the "
                  f"{options.max_candidates} most similar of each were aligned "
                  "(raise --max-candidates)")


def print_story(d: dict) -> None:
    """One story (``Story.to_dict()``, as either engine gives it) as text: its articles
    and links, then its family tree and what each copy changed, where ``d`` holds them."""
    span = ""
    if d["first_published"]:
        span = f" · {d['first_published'][:10]} to {d['last_published'][:10]}"
    out.print()
    n = len(d["outlets"])
    k = len(d["articles"])
    out.print(Text(f"story {d['story']}: {k} article{'' if k == 1 else 's'} · "
                   f"{n} outlet{'' if n == 1 else 's'}{span}", style="bold"))
    for a in d["articles"]:
        when = (a["published"] or "no date")[:10]
        out.print(Text(f"  {a['id'][:16]}  {when:<10}  {a['outlet'] or '?':<20.20} "
                       f"{(a['title'] or '(untitled)')[:70]}"))
    for link in d["links"]:
        out.print(Text("  " + link_line(link)))
    if d.get("tree"):
        from storytrace.provenance.tree import FamilyTree

        tree = FamilyTree.from_dict(d["tree"])
        out.print(Text("  family tree:"))
        for line in format_tree(tree):
            out.print(Text("    " + line))
        for edge in tree.edges:
            if edge.changes and "diff" in edge.changes:  # not a related edge's claims
                counts = edge.changes["diff"]["summary"]["counts"]
                out.print(Text(f"    {edge.source[:16]} → {edge.target[:16]}: "
                               f"{counts['b_new_sentences']} new sentence(s), "
                               f"{counts['a_new_sentences']} dropped; framing added: "
                               f"{edge.changes['framing']['delta']['summary']}"))
    print_ledger(d.get("ledger"))


def print_loose(total: int, rows: list[dict]) -> None:
    """The links that join no story (``engines.local.loose_links``): each in words, with
    both articles' outlets and titles."""
    if not total:
        return
    out.print()
    out.print(Text(f"Related, joined into no story: {total} link{'' if total == 1 else 's'} "
                   "(same event, a shared quotation, or a link too weak to join two stories)"
                   + (f"; first {len(rows)}" if len(rows) < total else ""), style="bold"))
    for link in rows:
        out.print(Text("  " + link_line(link)))
        for side in ("a", "b"):
            out.print(Text(f"      {link[side][:16]}  {(link[side + '_outlet'] or '?')[:20]:<20} "
                           f"{(link[side + '_title'] or '(untitled)')[:70]}"))


def print_ledger(ledger: object, limit: int = 5) -> None:
    """The story's claim ledger in a few lines: its counts, then the statements whose
    details changed along the tree (at most ``limit``), each change as old → new."""
    if not isinstance(ledger, dict):
        return
    if ledger.get("error"):
        out.print(Text(f"  claim ledger: not shown ({ledger['error']})"))
        return
    c = ledger.get("counts") or {}
    out.print(Text(f"  claim ledger: {c.get('entries', 0)} statements, {c.get('shared', 0)} "
                   f"carried by two versions or more, {c.get('everywhere', 0)} by all, "
                   f"{c.get('changed', 0)} changed on the way"))
    changed = [e for e in ledger.get("entries") or []
               if any(s.get("changes") for s in e.get("steps") or [])]
    for e in changed[:limit]:
        text = " ".join(str(e["statement"]["text"]).split())
        out.print(Text(f"    “{text[:80]}{'…' * (len(text) > 80)}” (first in "
                       f"{str(e['first'])[:16]})"))
        for s in e["steps"]:
            for ch in s["changes"]:
                old, new = (ch.get(k) or {} for k in ("parent", "child"))
                what = (f"“{old['text']}” → “{new['text']}”" if old and new
                        else f"{ch['change']}: “{(old or new).get('text', '')}”")
                out.print(Text(f"      {str(s['parent'])[:16]} → {str(s['child'])[:16]}: "
                               f"{ch['kind']} {what}"))
    if len(changed) > limit:
        out.print(Text(f"    … {len(changed) - limit} more changed statements (-f json)"))


def format_tree(tree: FamilyTree) -> list[str]:
    """Text lines of a tree, each copy indented under its parent, with its score and the
    first reason (for `trace`'s text output).

    >>> from storytrace.provenance.tree import FamilyTree, TreeNode, TreeEdge
    >>> t = FamilyTree("s", {"a": TreeNode("a", "article", "Eagle Rising", score=0.9,
    ...                                    reasons=["first"]),
    ...                      "b": TreeNode("b", "article", "Daily Post", parent="a", score=0.8,
    ...                                    reasons=["b credits Eagle Rising"])},
    ...                [TreeEdge("a", "b", "derived", 0.8)])
    >>> print("\\n".join(format_tree(t)))
    a  Eagle Rising  (no parent in the corpus, 0.90: first)
      b  Daily Post  (0.80: b credits Eagle Rising)
    """
    nodes = tree.nodes
    children: dict[str | None, list[str]] = {}
    for k, n in nodes.items():
        if n.kind == "article" and not n.context:
            children.setdefault(n.parent if n.parent in nodes else None, []).append(k)
    lines: list[str] = []

    def walk(k: str, depth: int) -> None:
        n = nodes[k]
        reason = f": {n.reasons[0]}" if n.reasons else ""
        if n.parent is None and n.unknown and not n.source:
            # no confidence to state: the reason says why no parent is named
            status = "parent unknown"
            reason = reason.replace(": parent unknown: ", ": ", 1)
        elif n.parent is None:
            origin = (f"copied from {nodes[n.source].label}, not in the corpus" if n.source
                      else "no parent in the corpus")
            status = f"{origin}, {n.score:.2f}"
        else:
            status = f"{n.score:.2f}"
        label = "(untitled)" if n.label == k else n.label[:30]  # a node without a title
        lines.append(f"{'  ' * depth}{k[:16]}  {label}  ({status}{reason})")
        for c in sorted(children.get(k, [])):
            walk(c, depth + 1)

    for k, n in nodes.items():  # copies of articles in other stories hang from those
        if n.context and k in children:
            lines.append(f"{k[:16]}  {n.label[:30]}  (in another story)")
            for c in sorted(children[k]):
                walk(c, 1)
    for k in sorted(children.get(None, [])):
        walk(k, 0)
    return lines
