"""The claim ledger of a story: each statement across all its versions.

``trace --changes`` matches the statements of every family-tree edge, parent against
child (:func:`storytrace.diff.claims.match_claims`, stored with the edge as its facts
diff's ``claims``). The ledger chains those matches through the tree: a statement of
the root matched in its copy, and that copy's statement matched in the copy's copy, is
one **entry** carried by the three versions. For each entry it says

* which versions carry it (``carriers``: article id → sentence spans in that article's
  text as given),
* where it first appears (``first``: the carrier nearest the tree's root; a statement a
  version adds, with no counterpart in its parent, starts its own entry there),
* how it passed along each edge (``steps``: the claim's kind and the details that changed
  inside it, numbers, names, qualifiers, clauses, with offsets in the parent and in the
  child), and which copies dropped it (``dropped_by``).

Sentences that two matches of one version share are one statement (a many-to-one
match makes one entry). The ledger is a pure function of the tree's order, its edges'
claims and the texts: no store, no model; the story page and the report build it from
what ``trace`` stored.

>>> texts = {"r": "Smith, a 51-year-old, was held. He faced misdemeanor charges.",
...          "c": "Smith, 51, was held. He faced charges.", "g": "Smith, 51, was held."}
>>> edge_rc = {"pairs": [
...     {"a_start": 0, "a_end": 31, "b_start": 0, "b_end": 20, "kind": "changed_detail",
...      "score": 0.9, "details": [{"kind": "number", "change": "changed",
...                                 "a": {"start": 9, "end": 20}, "b": {"start": 7, "end": 9}}]},
...     {"a_start": 32, "a_end": 61, "b_start": 21, "b_end": 38, "kind": "edited",
...      "score": 0.8, "details": [{"kind": "qualifier", "change": "only_a",
...                                 "a": {"start": 41, "end": 52}, "b": None}]}],
...     "a_only": [], "b_only": []}
>>> edge_cg = {"pairs": [{"a_start": 0, "a_end": 20, "b_start": 0, "b_end": 20,
...                       "kind": "copied", "score": 1.0, "details": []}],
...            "a_only": [{"start": 21, "end": 38}], "b_only": []}
>>> ledger = build_ledger(["r", "c", "g"], {"r": None, "c": "r", "g": "c"},
...                       {("r", "c"): edge_rc, ("c", "g"): edge_cg}, texts)
>>> [(list(e.carriers), e.first, e.dropped_by) for e in ledger.entries]
[(['r', 'c', 'g'], 'r', []), (['r', 'c'], 'r', ['g'])]
>>> [change_text(ch, texts, s) for e in ledger.entries for s in e.steps for ch in s.changes]
['number “51-year-old” → “51”', 'qualifier dropped: “misdemeanor”']
>>> ledger.marks(ledger.entries[1])
['first', 'changed', 'dropped']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

Span = tuple[int, int]
#: How a detail changed along an edge: the parent's claim side is "a", the child's "b".
CHANGE_NAMES = {"changed": "changed", "only_a": "dropped", "only_b": "added"}
#: The marks of a version in an entry's row (:meth:`Ledger.marks`).
MARKS = ("first", "same", "changed", "dropped", "")


@dataclass(frozen=True)
class Change:
    """One detail that changed inside a statement on one edge: ``kind`` (number, name,
    qualifier, clause), ``change`` (``changed``, ``dropped``: the parent has it and the
    copy not, ``added``) and its span in the parent's and the child's text."""

    kind: str
    change: str
    parent: Span | None
    child: Span | None


@dataclass(frozen=True)
class Step:
    """A statement passed from ``parent`` to ``child``: the claim's ``kind`` (copied,
    edited, paraphrased, changed_detail), its ``score``, its sides and its changes."""

    parent: str
    child: str
    kind: str
    score: float
    parent_span: Span
    child_span: Span
    changes: tuple[Change, ...] = ()


@dataclass
class Entry:
    """One statement of the story: ``carriers`` (article id → spans, in tree order),
    ``first`` (the version where it first appears), ``steps`` along the tree's edges
    and ``dropped_by`` (copies of a carrier that do not carry it)."""

    carriers: dict[str, list[Span]]
    first: str
    steps: list[Step] = field(default_factory=list)
    dropped_by: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether a detail changed on some edge."""
        return any(s.changes for s in self.steps)


@dataclass
class Ledger:
    """Every statement of a story's versions (``entries``, in order of first appearance),
    the versions in tree order (``order``) with their ``parents``, the edges whose
    claims were read (``edges``), those of them that join a later root to an earlier
    version it shares text with but was not copied from (``related``), and the tree
    edges that had none (``missing``: traced without ``--changes``)."""

    order: list[str]
    parents: dict[str, str | None]
    entries: list[Entry]
    edges: list[tuple[str, str]]
    missing: list[tuple[str, str]] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)

    def marks(self, entry: Entry) -> list[str]:
        """One mark per version in tree order (:data:`MARKS`): ``first`` appearance,
        ``same`` (carried as its parent had it), ``changed`` (a detail changed on some
        step into it), ``dropped`` (its parent carries it, it does not), else ``""``."""
        changed = {s.child for s in entry.steps if s.changes}
        out = []
        for v in self.order:
            if v == entry.first:
                out.append("first")
            elif v in entry.carriers:
                out.append("changed" if v in changed else "same")
            else:
                out.append("dropped" if v in entry.dropped_by else "")
        return out

    def to_dict(self, texts: Mapping[str, str]) -> dict[str, Any]:
        """JSON-ready: ``versions`` (tree order), ``entries`` (each with its
        ``statement`` as the first version words it, ``carriers`` with spans, ``marks``,
        ``steps`` with each change's text and offsets, ``dropped_by``), ``counts`` and
        the ``missing`` edges."""
        entries = []
        for e in self.entries:
            entries.append({
                "statement": _spans_dict(e.first, e.carriers[e.first], texts),
                "first": e.first,
                "carriers": [{"id": k, "spans": [{"start": s, "end": t} for s, t in v]}
                             for k, v in e.carriers.items()],
                "marks": self.marks(e),
                "steps": [_step_dict(s, texts) for s in e.steps],
                "dropped_by": e.dropped_by})
        return {"versions": self.order, "parents": self.parents, "entries": entries,
                "counts": self.counts(), "edges": [list(x) for x in self.edges],
                "related": [list(x) for x in self.related],
                "missing": [list(x) for x in self.missing]}

    def counts(self) -> dict[str, int]:
        """Entries in all; carried by two versions or more; with a changed detail;
        carried by every version."""
        return {"entries": len(self.entries),
                "shared": sum(len(e.carriers) > 1 for e in self.entries),
                "changed": sum(e.changed for e in self.entries),
                "everywhere": sum(len(e.carriers) == len(self.order) > 1
                                  for e in self.entries)}


def _spans_dict(article: str, spans: Sequence[Span], texts: Mapping[str, str]
                ) -> dict[str, Any]:
    text = texts[article]
    return {"id": article, "start": spans[0][0], "end": spans[-1][1],
            "text": " … ".join(text[s:t].strip() for s, t in spans)}


def _step_dict(s: Step, texts: Mapping[str, str]) -> dict[str, Any]:
    def side(article: str, span: Span | None) -> dict[str, Any] | None:
        return None if span is None else {"start": span[0], "end": span[1],
                                          "text": texts[article][span[0]:span[1]]}

    return {"parent": s.parent, "child": s.child, "kind": s.kind, "score": round(s.score, 4),
            "parent_span": list(s.parent_span), "child_span": list(s.child_span),
            "changes": [{"kind": c.kind, "change": c.change,
                         "parent": side(s.parent, c.parent), "child": side(s.child, c.child)}
                        for c in s.changes]}


def change_text(c: Change, texts: Mapping[str, str], step: Step) -> str:
    """One change as a reader sees it: ``number “51-year-old” → “51”``,
    ``qualifier dropped: “misdemeanor”``."""
    old = texts[step.parent][c.parent[0]:c.parent[1]] if c.parent else ""
    new = texts[step.child][c.child[0]:c.child[1]] if c.child else ""
    if old and new:
        return f"{c.kind} “{old}” → “{new}”"
    return f"{c.kind} {c.change}: “{old or new}”"


# ---------------------------------------------------------------------------- building


def build_ledger(order: Sequence[str], parents: Mapping[str, str | None],
                 edge_claims: Mapping[tuple[str, str], Mapping[str, Any]],
                 texts: Mapping[str, str], missing: Sequence[tuple[str, str]] = (),
                 related: Sequence[tuple[str, str]] = ()) -> Ledger:
    """The ledger of one story (see the module's description).

    ``order``: the versions in tree order (parents before their copies); ``parents``:
    each version's parent (``None`` for a root); ``edge_claims``: ``(parent, child) →
    claims`` as :meth:`storytrace.diff.claims.Claims.to_dict` gives them (``pairs`` with
    ``a_start``..``b_end``, ``kind``, ``score``, ``details``, optionally ``edits``;
    ``a_only``; ``b_only``), the parent being side A; ``texts``: each version's text,
    which every span indexes; ``related``: those of the ``edge_claims`` keys that join
    a root to an earlier version it was not copied from (a statement both carry is one
    entry, first appearing in the earlier; a statement the root lacks is not one it
    dropped). Raises ``ValueError`` naming the edge and the span when a
    span is not in its text.

    Entries pass down the tree: a sentence of a copy carries the entries of the parent
    sentences its claims match (a sentence restating two of its parent's carries both),
    and starts an entry of its own when it matches none. A match much weaker than the
    sentence's best (:data:`WEAK`) or scored near 0 (:data:`FLOOR`) is not followed, nor a
    sentence of a claim's side that the claim itself reports as a clause the other side
    lacks.
    """
    pos = {k: i for i, k in enumerate(order)}
    units = {k: _pieces(v, texts[k]) for k, v in _claim_sides(edge_claims, pos, texts).items()}
    into = {c: (p, claims) for (p, c), claims in edge_claims.items()}
    carried: dict[tuple[str, int], set[int]] = {}
    entries: list[Entry] = []
    for v in sorted(units, key=pos.__getitem__):
        if v in into:
            p, claims = into[v]
            for pair, kept_a, kept_b in _followed(claims, units[p], units[v],
                                                  (texts[p], texts[v])):
                by_entry: dict[int, list[int]] = {}  # entry -> its sentences in kept_a
                for k, i in enumerate(kept_a):
                    for e in carried.get((p, i), ()):
                        by_entry.setdefault(e, []).append(k)
                # a pair restating several sentences as several: each of the copy's
                # carries the entries of the parent's at the same place in the pair
                facing = [[k for k in range(len(kept_a)) if _facing(k, n, len(kept_a),
                                                                     len(kept_b))]
                          for n in range(len(kept_b))]
                for n, j in enumerate(kept_b):
                    carried.setdefault((v, j), set()).update(
                        e for e, ks in by_entry.items() if set(ks) & set(facing[n]))
                for e, ks in sorted(by_entry.items()):
                    own = [units[v][j] for n, j in enumerate(kept_b) if set(ks) & set(facing[n])]
                    entries[e].steps.append(_step(
                        p, v, pair, [units[p][kept_a[k]] for k in ks],
                        [units[v][j] for j in kept_b], own))
        for j, span in enumerate(units[v]):
            if not carried.get((v, j)):
                entries.append(Entry({}, v))
                carried[(v, j)] = {len(entries) - 1}
            for e in sorted(carried[(v, j)]):
                entries[e].carriers.setdefault(v, []).append(span)
    for e in entries:
        e.carriers = {k: e.carriers[k] for k in sorted(e.carriers, key=pos.__getitem__)}
        e.dropped_by = [c for (p, c) in edge_claims if p in e.carriers and c not in e.carriers
                        and (p, c) not in related]
    entries.sort(key=lambda e: (pos[e.first], e.carriers[e.first][0]))
    return Ledger(list(order), {k: parents.get(k) for k in order}, entries,
                  list(edge_claims), list(missing), [x for x in related if x in edge_claims])


#: A match is not followed when its score is this much below the best match of the
#: copy's sentence (a facts-diff counterpart at 0.14 beside a copied sentence at 1.0).
WEAK = 0.5
#: Nor when its score is below this at all: a facts-diff counterpart the scorer rates
#: near 0 is a sentence sharing a name or a number, not the same statement (Eagle Rising's
#: "Blackburn said she delivered the report ..." at 0.001 against Political Insider's
#: "The most troubling revelations concern ...").
FLOOR = 0.05


def _followed(claims: Mapping[str, Any], parent_units: list[Span], child_units: list[Span],
              texts: tuple[str, str]) -> list[tuple[Mapping[str, Any], list[int], list[int]]]:
    """The pairs of one edge worth following, each with the parent's and the child's
    sentences (unit indices) it carries over: not a sentence the claim reports as a clause
    the other side lacks, nor one that shares no content word with the other side of the
    claim (an aligned passage or the scorer pairing "From The Daily Caller:" with "The
    Department of Justice further levied a $500 million fine")."""
    pairs = [x for x in claims.get("pairs") or () if isinstance(x, Mapping)]
    found = []
    for pair in pairs:
        sides = ((pair["a_start"], pair["a_end"]), (pair["b_start"], pair["b_end"]))
        other = [_stems(t[s:e]) for t, (s, e) in zip(texts[::-1], sides[::-1], strict=True)]
        a = [i for i in _inside(parent_units, sides[0])
             if not _lacked(parent_units[i], pair, "a")
             and _stems(texts[0][slice(*parent_units[i])]) & other[0]]
        b = [j for j in _inside(child_units, sides[1])
             if not _lacked(child_units[j], pair, "b")
             and _stems(texts[1][slice(*child_units[j])]) & other[1]]
        found.append((pair, a, b))
    best: dict[int, float] = {}
    for pair, _, b in found:
        for j in b:
            best[j] = max(best.get(j, 0.0), float(pair.get("score") or 0.0))
    return [(pair, a, b) for pair, a, b in found if a and b
            and float(pair.get("score") or 0.0) >= max(FLOOR, max(best[j] for j in b) - WEAK)]


def _stems(text: str) -> set[str]:
    """The content words of ``text``, stemmed (no stop words; numbers kept).

    >>> sorted(_stems("From The Daily Caller:")), sorted(_stems("It is not true."))
    (['call', 'daily'], ['true'])
    """
    from storytrace.text.words import STOPWORDS, WORD, plain_word, stem

    words = (w.lower() for w in WORD.findall(text))
    return {stem(plain_word(w)) for w in words if w not in STOPWORDS}


def _facing(k: int, n: int, len_a: int, len_b: int) -> bool:
    """Whether sentence ``k`` of ``len_a`` on a pair's parent side and sentence ``n`` of
    ``len_b`` on its child side sit at overlapping places (shares of the pair).

    >>> [[_facing(k, n, 2, 2) for n in range(2)] for k in range(2)]
    [[True, False], [False, True]]
    >>> [_facing(k, 0, 2, 1) for k in range(2)], [_facing(0, n, 1, 3) for n in range(3)]
    ([True, True], [True, True, True])
    """
    return k * len_b < (n + 1) * len_a and n * len_a < (k + 1) * len_b


def _inside(units: list[Span], span: Span) -> list[int]:
    """Indices of the units inside ``span`` (units never straddle a claim's side)."""
    return [i for i, (s, e) in enumerate(units) if span[0] <= s and e <= span[1]]


def _lacked(unit: Span, pair: Mapping[str, Any], side: str) -> bool:
    """Whether the claim reports most of ``unit`` as a clause only its ``side`` has."""
    for d in pair.get("details") or ():
        at = d.get(side) if isinstance(d, Mapping) else None
        if d.get("kind") == "clause" and d.get("change") == f"only_{side}" and \
                isinstance(at, Mapping):
            inside = min(unit[1], at["end"]) - max(unit[0], at["start"])
            if inside >= 0.5 * (unit[1] - unit[0]):
                return True
    return False


def _step(p: str, c: str, pair: Mapping[str, Any], kept_a: list[Span],
          kept_b: list[Span], own_b: list[Span]) -> Step:
    """The pair as a step of one entry, whose sentences in the parent are ``kept_a``,
    with the changes that fall in them: those with a side in the parent inside
    ``kept_a`` (and their child side inside ``kept_b``, the sentences the pair carries
    over), those only the child has inside ``own_b`` (the sentences of ``kept_b`` facing
    the entry's)."""
    def within(span: Span | None, units: list[Span]) -> bool:
        return span is None or any(s <= span[0] and span[1] <= e for s, e in units)

    changes = [x for x in _changes([*(pair.get("details") or ()), *(pair.get("edits") or ())])
               if within(x.parent, kept_a)
               and within(x.child, kept_b if x.parent else own_b)]
    changes.sort(key=lambda x: (x.parent or x.child or (0, 0)))
    return Step(p, c, str(pair.get("kind") or ""), float(pair.get("score") or 0.0),
                (pair["a_start"], pair["a_end"]), (pair["b_start"], pair["b_end"]),
                tuple(changes))


def _claim_sides(edge_claims: Mapping[tuple[str, str], Mapping[str, Any]],
                 pos: Mapping[str, int], texts: Mapping[str, str]) -> dict[str, list[Span]]:
    """Every span the edges' claims name, by article, checked against the texts."""
    out: dict[str, list[Span]] = {}
    for (p, c), claims in edge_claims.items():
        where = f"edge {p} → {c}"
        for k in (p, c):
            if k not in pos or not isinstance(texts.get(k), str):
                raise ValueError(f"{where}: version {k} is not in the tree's order or has "
                                 "no text")
        lists = [claims.get(k) or [] for k in ("pairs", "a_only", "b_only")]
        if not all(isinstance(x, list) and all(isinstance(y, Mapping) for y in x)
                   for x in lists):
            raise ValueError(f"{where}: claims are not lists of records")
        pairs, a_only, b_only = lists
        found = [(p, (x.get("a_start"), x.get("a_end"))) for x in pairs]
        found += [(c, (x.get("b_start"), x.get("b_end"))) for x in pairs]
        found += [(p, (x.get("start"), x.get("end"))) for x in a_only]
        found += [(c, (x.get("start"), x.get("end"))) for x in b_only]
        for k, (s, e) in found:
            if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(texts[k])):
                raise ValueError(f"{where}: span {s}-{e} is not in version {k}'s text "
                                 f"({len(texts[k])} characters)")
            out.setdefault(k, []).append((s, e))
    return out


def _pieces(spans: list[Span], text: str) -> list[Span]:
    """The finest pieces the spans cut ``text`` into (each claim side being whole
    sentences, each piece is one sentence or more), leaving out what no span covers and
    the space between two sentences.

    >>> _pieces([(0, 20), (0, 9), (10, 20), (25, 30)], "Rain fell. Sun came.  Wind.")
    [(0, 9), (10, 20), (25, 30)]
    """
    cuts = sorted({x for s in spans for x in s})
    covered = [(s, e) for s, e in pairwise(cuts)
               if any(a <= s and e <= b for a, b in spans)]
    return [(s, e) for s, e in covered if any(ch.isalnum() for ch in text[s:e])]


def _changes(details: Sequence[Mapping[str, Any]]) -> tuple[Change, ...]:
    def span(x: object) -> Span | None:
        return (x["start"], x["end"]) if isinstance(x, Mapping) else None

    return tuple(Change(str(d.get("kind") or "detail"),
                        CHANGE_NAMES.get(str(d.get("change")), str(d.get("change"))),
                        span(d.get("a")), span(d.get("b"))) for d in details)


def _depths(order: Sequence[str], parents: Mapping[str, str | None]) -> dict[str, int]:
    """Each version's distance from its root (``order`` lists parents first)."""
    depth: dict[str, int] = {}
    for k in order:
        p = parents.get(k)
        depth[k] = depth.get(p, -1) + 1 if p in depth else 0
    return depth


def tree_order(tree: Mapping[str, Any]) -> tuple[list[str], dict[str, str | None]]:
    """The story's own versions of a stored family tree (``FamilyTree.to_dict()``) in
    tree order (each root, then its copies depth first, earliest published first) and
    each one's parent among them (``None`` for a root)."""
    nodes = {n["id"]: n for n in tree.get("nodes") or ()
             if isinstance(n, Mapping) and n.get("kind") == "article" and not n.get("context")
             and isinstance(n.get("id"), str)}
    parents = {k: (n.get("parent") if n.get("parent") in nodes else None)
               for k, n in nodes.items()}
    children: dict[str | None, list[str]] = {}
    for k, p in parents.items():
        children.setdefault(p, []).append(k)
    order: list[str] = []
    stack = sorted(children.get(None, []), key=lambda k: _when(nodes[k], k), reverse=True)
    while stack:
        k = stack.pop()
        if k in order:  # a cycle in a damaged tree: each version once
            continue
        order.append(k)
        stack += sorted(children.get(k, []), key=lambda c: _when(nodes[c], c), reverse=True)
    order += [k for k in nodes if k not in order]
    return order, {k: (parents[k] if parents[k] in order[:order.index(k)] else None)
                   for k in order}


def _when(node: Mapping[str, Any], k: str) -> tuple[str, str]:
    return str(node.get("published") or "~"), k


def root_links(tree: Mapping[str, Any]) -> list[tuple[str, str, tuple[str, str]]]:
    """For each root of a stored tree but the first in tree order, the earlier version
    it shares text with (the ``related`` edge of a text-reuse link between them with the
    highest score), as ``(earlier, root, (edge source, edge target))``: two versions that
    neither copied from the other (say both quote one outside source) yet carry the same
    statements. ``trace --changes`` matches their claims so the ledger says where a
    statement first appears across roots. Articles linked only as the same story (no
    shared text) are other articles, not versions: their statements are not chained (on
    FakeNewsNet their matches were mostly loose paraphrases, "Fifteen" → "9").

    >>> tree = {"nodes": [{"id": k, "kind": "article", "parent": None, "published": k}
    ...                   for k in ("1", "2", "3")],
    ...         "edges": [{"source": "2", "target": "1", "kind": "related", "score": 0.5,
    ...                    "link": "reuse"},
    ...                   {"source": "1", "target": "3", "kind": "related", "score": 0.9,
    ...                    "link": "same_story"}]}
    >>> root_links(tree)
    [('1', '2', ('2', '1'))]
    """
    order, parents = tree_order(tree)
    pos = {k: i for i, k in enumerate(order)}
    best: dict[str, tuple[float, str, tuple[str, str]]] = {}
    for e in tree.get("edges") or ():
        if not isinstance(e, Mapping) or e.get("kind") != "related" \
                or e.get("link") != "reuse":
            continue
        ends = (e.get("source"), e.get("target"))
        if not all(k in pos for k in ends):
            continue
        earlier, root = sorted(ends, key=pos.__getitem__)
        score = float(e.get("score") or 0.0)
        if parents[root] is None and score > best.get(root, (-1.0, "", ("", "")))[0]:
            best[root] = (score, earlier, (ends[0], ends[1]))
    return [(best[k][1], k, best[k][2]) for k in order if k in best]


def tree_ledger(tree: Mapping[str, Any], texts: Mapping[str, str]) -> Ledger:
    """The ledger of a stored family tree: its ``derived`` edges between the story's
    versions, each with the claims ``trace --changes`` stored (``changes.claims``, as
    :func:`storytrace.comparison.edge_claims` keeps them with their word edits, else the
    facts diff's ``changes.diff.claims``), and the ``related`` edges of
    :func:`root_links` that have their claims (``changes.claims``, the earlier version
    being side A, named by ``changes.earlier``);
    derived edges without claims are listed as ``missing``. ``texts``: each version's text.

    >>> tree = {"nodes": [{"id": "r", "kind": "article", "parent": None},
    ...                   {"id": "c", "kind": "article", "parent": "r"}],
    ...         "edges": [{"source": "r", "target": "c", "kind": "derived"}]}
    >>> ledger = tree_ledger(tree, {"r": "Rain fell.", "c": "Rain fell."})
    >>> ledger.order, ledger.entries, ledger.missing
    (['r', 'c'], [], [('r', 'c')])
    """
    order, parents = tree_order(tree)
    edge_claims: dict[tuple[str, str], Mapping[str, Any]] = {}
    missing, related = [], []
    links = {ends: (earlier, root) for earlier, root, ends in root_links(tree)}
    for e in tree.get("edges") or ():
        if not isinstance(e, Mapping):
            continue
        p, c = e.get("source"), e.get("target")
        changes = e.get("changes") if isinstance(e.get("changes"), Mapping) else {}
        diff = changes.get("diff") if isinstance(changes.get("diff"), Mapping) else {}
        claims = changes.get("claims") or diff.get("claims")  # the compact form first
        has = isinstance(claims, Mapping) and c in texts and p in texts
        if e.get("kind") == "related" and (p, c) in links and has \
                and changes.get("earlier") == links[(p, c)][0]:
            edge_claims[links[(p, c)]] = claims
            related.append(links[(p, c)])
        elif e.get("kind") != "derived" or p not in parents or c not in parents \
                or parents[c] != p:
            continue
        elif has:
            edge_claims[(p, c)] = claims
        else:
            missing.append((p, c))
    return build_ledger(order, parents, edge_claims, texts, missing, related)


def ledger_dict(tree: object, texts: Mapping[str, str]) -> dict[str, Any] | None:
    """The ledger of a stored tree as JSON (:meth:`Ledger.to_dict`), or ``None`` when no
    edge of the tree has its claims (a story traced without ``--changes``, or one
    without a copy); ``{"error": ...}`` when the stored claims do not fit the texts."""
    if not isinstance(tree, Mapping):
        return None
    try:
        ledger = tree_ledger(tree, texts)
    except ValueError as exc:
        return {"error": str(exc)}
    if not ledger.edges:
        return None
    return ledger.to_dict(texts)
