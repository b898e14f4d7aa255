"""A story's family tree as inline SVG, with a simple layered layout (no JS library).

Sources sit above their copies: in a provenance tree (``tree=True``) a node's layer
is the length of the longest path of parent → child arrows from a root to it, and
undirected "related" lines (versions that share text, neither the other's parent)
do not move it; with undirected links only (no tree yet) it is the breadth-first
distance from the earliest article.
Within a layer nodes are ordered by the mean position of their neighbours in the
layer above (one barycentre pass, enough for trees), and a layer wider than
:data:`MAX_PER_ROW` wraps onto several rows so the picture stays readable.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from storytrace.report.html import esc, pct, short
from storytrace.report.parts import when

MAX_PER_ROW = 4
NODE_W, NODE_H = 232, 88
TITLE_CHARS = 25  # bold characters that fit one line of a box
GAP_X, GAP_Y = 28, 54
PAD = 12
WIDE = 640  # px: a drawing wider than this is shown as an outline on a narrow screen
EDGE_CLASSES = {"reuse": "e-reuse", "derived": "e-reuse", "same_story": "e-same",
                "credit": "e-credit", "credited": "e-credit", "related": "e-related"}


@dataclass
class Node:
    """One box: an article of the story, or a credited source outside the corpus."""

    name: str  # outlet (or the external source's name)
    title: str  # the article's title (an external source has none)
    published: str | None
    coverage: float | None
    external: bool = False
    href: str = ""  # an in-page anchor ("#s0-n2") made by the renderer, not by the data
    ident: str = ""
    number: int = 0  # its place in the story's timeline (0: none)


@dataclass
class Edge:
    """``parent → child`` (``directed``) or a plain link between two articles."""

    parent: int
    child: int
    directed: bool
    kind: str = "reuse"
    label: str = ""


def layers(n: int, edges: list[Edge], order: list[int], tree: bool = False) -> list[int]:
    """The layer of each node (0 on top). ``order`` ranks nodes for breadth-first roots.

    With ``tree`` (or any directed edge) only directed edges set layers.

    >>> layers(3, [Edge(0, 1, True), Edge(1, 2, True), Edge(0, 2, True)], [0, 1, 2])
    [0, 1, 2]
    >>> layers(3, [Edge(2, 0, False), Edge(1, 2, False)], [1, 0, 2])
    [2, 0, 1]
    >>> layers(3, [Edge(2, 0, False), Edge(1, 2, False)], [1, 0, 2], tree=True)
    [0, 0, 0]
    """
    depth = [0] * n
    if tree or any(e.directed for e in edges):
        # Longest path by relaxation; n rounds at most, so a cycle in bad data cannot hang.
        for _ in range(n):
            changed = False
            for e in edges:
                if e.directed and depth[e.child] < depth[e.parent] + 1 <= n:
                    depth[e.child] = depth[e.parent] + 1
                    changed = True
            if not changed:
                break
        return depth
    nbrs: dict[int, list[int]] = {i: [] for i in range(n)}
    for e in edges:
        nbrs[e.parent].append(e.child)
        nbrs[e.child].append(e.parent)
    seen: set[int] = set()
    for root in order:
        if root in seen:
            continue
        seen.add(root)
        queue = deque([root])
        while queue:
            x = queue.popleft()
            for y in nbrs[x]:
                if y not in seen:
                    seen.add(y)
                    depth[y] = depth[x] + 1
                    queue.append(y)
    return depth


def layout(nodes: list[Node], edges: list[Edge], order: list[int], tree: bool = False
           ) -> tuple[dict[int, tuple[float, float]], float, float]:
    """Top-left corner of every node, and the drawing's width and height."""
    depth = layers(len(nodes), edges, order, tree)
    rank = {node: i for i, node in enumerate(order)}
    by_layer: dict[int, list[int]] = {}
    for node in sorted(range(len(nodes)), key=lambda x: rank.get(x, x)):
        by_layer.setdefault(depth[node], []).append(node)
    above: dict[int, list[int]] = {i: [] for i in range(len(nodes))}
    for e in edges:
        upper, lower = (e.parent, e.child) if depth[e.parent] <= depth[e.child] \
            else (e.child, e.parent)
        if depth[upper] < depth[lower]:
            above[lower].append(upper)
    pos: dict[int, tuple[float, float]] = {}
    col: dict[int, float] = {}
    rows: list[list[int]] = []
    for d in sorted(by_layer):
        members = by_layer[d]
        if d > 0:
            # Barycentre: under the mean column of the nodes above it; ties keep time order.
            members.sort(key=lambda x: (sum(col[p] for p in above[x]) / len(above[x])
                                        if above[x] else float("inf"), rank.get(x, x)))
        for start in range(0, len(members), MAX_PER_ROW):
            row = members[start : start + MAX_PER_ROW]
            rows.append(row)
            for i, node in enumerate(row):
                col[node] = i - (len(row) - 1) / 2
    widest = max(len(r) for r in rows)
    width = widest * NODE_W + (widest - 1) * GAP_X + 2 * PAD
    for r, row in enumerate(rows):
        left = (width - (len(row) * NODE_W + (len(row) - 1) * GAP_X)) / 2
        for i, node in enumerate(row):
            pos[node] = (left + i * (NODE_W + GAP_X), PAD + r * (NODE_H + GAP_Y))
    height = len(rows) * NODE_H + (len(rows) - 1) * GAP_Y + 2 * PAD
    return pos, width, height


def render_svg(nodes: list[Node], edges: list[Edge], order: list[int], caption: str,
               key: str = "g", tree: bool = False) -> str:
    """The graph as an ``<svg>`` element; every label is escaped.

    ``key`` prefixes the element ids inside (arrow marker, clip paths): one per graph
    on a page, made by the caller (``s0``, ``s1`` ...), never from data.
    """
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,20}", key):
        raise ValueError(f"bad graph key {key!r}")
    if not nodes:
        return ""
    pos, width, height = layout(nodes, edges, order, tree)
    parts = [f'<svg class="tree" '
             f'xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{esc(caption)}">',
             f'<defs><marker id="{key}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
             'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
             '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>']
    ports = _ports(edges, pos)
    for k, e in enumerate(edges):
        parts.append(_edge(e, pos, key, ports[k]))
    for i, node in enumerate(nodes):
        parts.append(_node(node, *pos[i], f"{key}-c{i}"))
    parts.append("</svg>")
    return "".join(parts)


def _ports(edges: list[Edge], pos: dict[int, tuple[float, float]]
           ) -> list[tuple[float, float]]:
    """Where each edge leaves its parent and meets its child (x): edges that meet one side
    of a box are spread along it in the order of their other ends, so two lines never
    share an end point (an undirected line would seem to end in another's arrowhead)."""
    sides: dict[tuple[int, str], list[tuple[float, int, int]]] = {}
    for k, e in enumerate(edges):
        (x1, y1), (x2, y2) = pos[e.parent], pos[e.child]
        same_row = abs(y1 - y2) < 1
        for node, other_x, side in ((e.parent, x2, "bottom" if same_row or y1 < y2 else "top"),
                                    (e.child, x1, "bottom" if same_row or y2 < y1 else "top")):
            sides.setdefault((node, side), []).append((other_x, k, node))
    found: dict[tuple[int, int], float] = {}
    for (node, _), ends in sides.items():
        ends.sort()
        step = min(0.2, 0.7 / len(ends))
        for i, (_, k, _) in enumerate(ends):
            found[(k, node)] = pos[node][0] + NODE_W * (0.5 + (i - (len(ends) - 1) / 2) * step)
    return [(found[(k, e.parent)], found[(k, e.child)]) for k, e in enumerate(edges)]


def _edge(e: Edge, pos: dict[int, tuple[float, float]], key: str,
          ports: tuple[float, float] | None = None) -> str:
    (x1, y1), (x2, y2) = pos[e.parent], pos[e.child]
    px, cx = ports or (x1 + NODE_W / 2, x2 + NODE_W / 2)
    cls = EDGE_CLASSES.get(e.kind, "e-other")
    if abs(y1 - y2) < 1:  # same row: an arc below both boxes
        ax, bx, y = px, cx, y1 + NODE_H
        path = f"M{ax:.0f},{y:.0f} Q{(ax + bx) / 2:.0f},{y + GAP_Y * 0.8:.0f} {bx:.0f},{y:.0f}"
    else:
        if y1 > y2 and not e.directed:
            (x1, y1), (x2, y2), (px, cx) = (x2, y2), (x1, y1), (cx, px)
        sx, sy = px, (y1 + NODE_H) if y1 < y2 else y1
        tx, ty = cx, y2 if y1 < y2 else (y2 + NODE_H)
        mid = (sy + ty) / 2
        path = f"M{sx:.0f},{sy:.0f} C{sx:.0f},{mid:.0f} {tx:.0f},{mid:.0f} {tx:.0f},{ty:.0f}"
    marker = f' marker-end="url(#{key}-arrow)"' if e.directed else ""
    tip = f"<title>{esc(e.label)}</title>" if e.label else ""
    return f'<path class="edge {cls}" d="{path}"{marker}>{tip}</path>'


def wrap(text: object, width: int, lines: int = 2) -> list[str]:
    """``text`` on at most ``lines`` lines of ``width`` characters, cut at a word with "…".

    >>> wrap("Trump camp: Donald Trump is guilty of answering the question asked", 25)
    ['Trump camp: Donald Trump', 'is guilty of answering…']
    >>> wrap("Supercalifragilisticexpialidocious", 10, 1)
    ['Supercali…']
    """
    words = " ".join(str(text or "").split()).split(" ")
    out: list[str] = []
    line = ""
    for k, word in enumerate(words):
        if not word:
            continue
        joined = f"{line} {word}" if line else word
        if len(joined) <= width:
            line = joined
            continue
        if line and len(out) < lines - 1:
            out.append(line)
            line = word if len(word) <= width else word[: width - 1] + "…"
            if len(word) > width:
                return [*out, line]
            continue
        rest = " ".join(words[k:])
        tail = f"{line} {rest}" if line else rest
        return [*out, short(tail, width) if not line else _cut(line, width)]
    return [*out, line] if line else out


def _cut(line: str, width: int) -> str:
    """A full line with "…" added, dropping its last word if the mark does not fit."""
    if len(line) + 1 > width:
        line = line[: width - 1].rsplit(" ", 1)[0] if " " in line[: width - 1] else \
            line[: width - 1]
    return line.rstrip(" ,;:–—-") + "…"


def _lines(node: Node, width: int = TITLE_CHARS) -> list[tuple[str, str]]:
    """What a box says, as ``(line, css class)``: the title on up to two lines (an
    untitled article: its id), the outlet and date, how much is reused.

    ``width`` is in bold characters: 25 fit the box.
    """
    if node.external:
        return [*((x, "n1") for x in wrap(node.name or node.ident or "?", width)),
                ("credited source,", "n2"), ("not in the corpus", "n3")]
    title = [(x, "n1") for x in wrap(node.title, width)] or \
        [("(untitled)", "n1"), (short(node.ident, width + 4), "n2")]
    day = when(node.published)[:10] if node.published else "no date"
    tag = f"#{node.number} · " if node.number else ""  # its number in the timeline
    # 31 normal-weight characters fit the box.
    who = f"{tag}{short(node.name or 'outlet unknown', 28 - len(tag) - len(day))} · {day}"
    cov = "no reused passage" if node.coverage is None else f"{pct(node.coverage)} reused"
    return [*title, (who, "n2"), (cov, "n3")]


def label(node: Node) -> str:
    """One line naming a node: title (or id) · outlet, for outlines, tooltips and tables."""
    if node.external:
        return f"{short(node.name or node.ident, 80)} (credited source, not in the corpus)"
    return f"{short(node.title, 90) or '(untitled) ' + node.ident} · " \
        f"{node.name or 'outlet unknown'}"


def render_outline(nodes: list[Node], edges: list[Edge], order: list[int],
                   tree: bool = False) -> str:
    """The same graph as nested lists (each node under its first parent): readable on a
    narrow screen and by a screen reader."""
    if not nodes:
        return ""
    depth = layers(len(nodes), edges, order, tree)
    parent: dict[int, int] = {}
    for e in edges:
        if tree and not e.directed:
            continue
        up, down = (e.parent, e.child) if e.directed or depth[e.parent] <= depth[e.child] \
            else (e.child, e.parent)
        if depth[up] < depth[down] and down not in parent:
            parent[down] = up
    kids: dict[int, list[int]] = {}
    for child, up in parent.items():
        kids.setdefault(up, []).append(child)
    rank = {node: i for i, node in enumerate(order)}

    def item(i: int, seen: frozenset[int]) -> str:
        node = nodes[i]
        extra = [] if node.external else [
            when(node.published),
            "no reused passage" if node.coverage is None else f"{pct(node.coverage)} reused"]
        text = esc(label(node)) + "".join(f" · {esc(x)}" for x in extra)
        head = f'<a href="{esc(node.href)}">{text}</a>' if node.href else text
        sub = [item(k, seen | {i}) for k in sorted(kids.get(i, []), key=lambda x:
                                                     rank.get(x, x)) if k not in seen]
        return f"<li>{head}{'<ul>' + ''.join(sub) + '</ul>' if sub else ''}</li>"

    roots = sorted((i for i in range(len(nodes)) if i not in parent),
                   key=lambda x: (not nodes[x].external, rank.get(x, x)))
    return f'<ul class="outline">{"".join(item(r, frozenset()) for r in roots)}</ul>'


def _node(node: Node, x: float, y: float, clip: str) -> str:
    lines = _lines(node)
    tip = " · ".join(t for t in (label(node), node.ident) if t)
    top = y + 23 + (4 - len(lines)) * 8.5  # three lines sit lower than four
    text = "".join(
        f'<text x="{x + 10:.0f}" y="{top + 17 * k:.0f}" class="{cls}">{esc(line)}</text>'
        for k, (line, cls) in enumerate(lines) if line)
    # Labels are cut to fit, but a run of wide letters could still overrun: clip to the box.
    box = (f'<g class="node{" ext" if node.external else ""}"><title>{esc(short(tip, 200))}'
           f'</title><clipPath id="{clip}"><rect x="{x + 4:.0f}" y="{y:.0f}" '
           f'width="{NODE_W - 8}" height="{NODE_H}"/></clipPath>'
           f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="8"/>'
           f'<g clip-path="url(#{clip})">{text}</g></g>')
    return f'<a href="{esc(node.href)}">{box}</a>' if node.href else box
