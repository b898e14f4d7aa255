"""A story's family tree: the most likely parent of each version, with the evidence.

Every pair of versions that share text gets a :class:`~storytrace.provenance.Direction`
(:func:`~storytrace.provenance.direction.decide`). The tree is then chosen as a whole,
as the maximum spanning arborescence (Chu-Liu/Edmonds, via networkx) of a graph with
one edge each way per pair, one edge from a virtual root to every version, and one
node per outside publisher the versions credit:

* ``u -> v`` weighs ``similarity_scale × similarity(u, v)`` (a version's parent is
  the version it differs from least, as in stemmatics), minus the pair's evidence
  that ``v`` came first (so time and credits act as near-hard constraints, and
  containment breaks ties of orientation), plus ``credit_bonus`` when ``v`` credits
  ``u`` itself, minus the weight of evidence that the two are siblings or that a
  third version lies between them (branching). Whole sentences on each side that the
  other lacks count as sibling evidence only beyond what a copy of that length may
  add when a third version that shares text with both shows no branching.
* ``root -> v`` ("no parent in the corpus": an original) weighs ``root_weight``, plus
  ``credited_bonus`` for each version that credits ``v``: the version others name
  is more often the original than a copy (unless a candidate parent shows evidence of
  coming before ``v``: being named by its copies says nothing of ``v``'s own source).
* ``source -> v`` for an outside publisher that ``v`` credits ("Source: US Herald")
  and that is not in the story: ``v`` may be a copy of a source that was not
  collected. Such sources become ``external`` nodes; a version whose parent is one
  has no parent in the corpus (``parent`` is None, ``source`` names the node).

Choosing the tree as a whole is what lets one firm piece of evidence orient the
rest: once a credit or a time fixes one edge, every other edge of the tree
follows, because each version has a single parent.

Each article's ``score`` is the smaller of two confidences: the margin of its
chosen parent (or none) over the best alternative, and the orientation of the
tree edges it touches (an edge whose direction rests on nothing makes both ends
uncertain). Stored links the tree does not use are kept as ``related`` edges with
the pair's own verdict, so a reuse link between two originals stays visible.

>>> from storytrace.model import Article
>>> body = " ".join(f"Line {i}: the council voted {i} times on the bridge plan." for i in
...                 range(30))
>>> a = Article(id="a", text=body, outlet="Eagle Rising")
>>> b = Article(id="b", text=body[:900] + "\\n\\nSource: Eagle Rising", outlet="Daily Post")
>>> c = Article(id="c", text=body[:700] + " Readers were angry.", outlet="Metro Dispatch")
>>> tree = family_tree([a, b, c])
>>> tree.parents()
{'a': None, 'b': 'a', 'c': 'b'}
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from storytrace.model import Article
from storytrace.provenance.direction import (
    BRANCHING_MIN,
    CREDIT_OWN,
    MIN_MARGIN,
    Direction,
    Profile,
    credit_copied,
    decide,
    names_match,
    own_sentences,
    profile,
    qualified,
    separate_weight,
    similarity,
)
from storytrace.provenance.tree_credits import credit_sentence, inherited, shared_source_weight

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "FamilyTree",
    "TreeEdge",
    "TreeNode",
    "TreeOptions",
    "family_tree",
    "to_dot",
    "to_gexf",
    "to_graphml",
    "to_json",
    "to_networkx",
]

_ROOT = "\x00root"
_TIE = 1e-6  # so a credited outside source wins a tie with "no parent"
_TEXT_CREDITS = frozenset(("credit_line", "as_reported", "via", "hat_tip", "wire_credit"))


@dataclass(frozen=True)
class TreeOptions:
    """Weights of the tree search (see the module docstring).

    similarity_scale : edge weight per unit of Dice similarity of 3-word phrases.
    min_similarity : pairs less similar than this are not parent candidates (unless
        a reuse link joins them).
    root_weight : weight of "no parent in the corpus".
    external_weight : weight of ``source -> v`` for an outside publisher (not in the
        corpus) that ``v`` credits in words of its own; ``external_copied`` when the
        credit is in words another version shares (it may have come with the text);
        ``fact_credit_discount`` less when the credit may be for one fact ("according to
        X") rather than for the text ("Source: X", "as reported by X", "via X"). An
        outside source never weighs less than "no parent" for the version crediting it.
    credit_bonus : added to ``u -> v`` when ``v`` credits ``u`` itself.
    credited_bonus : added to ``root -> u`` for each article (up to two) that credits ``u``
        itself: a version others name is more often the original. With
        ``credited_if_first``, only when no candidate parent of ``u`` has evidence (time,
        credit, slips) of coming before it: being named by one's copies says nothing of
        one's own source.
    containment_scale, containment_max : how containment asymmetry orients an edge of
        the tree (weight per unit of difference, and its cap); a single pairwise verdict
        weighs it less (:data:`~storytrace.provenance.direction.CONTAINMENT_MAX`).
    all_pairs : stories up to this many articles compare every pair; larger ones only
        the pairs joined by a link.
    spread_weight : weight of the log rumour centrality when the tree is rooted.
    copy_evidence_scale, copy_evidence_max : added to ``u -> v`` per unit of the text
        evidence that ``v`` copied ``u`` (copying slips, garbled readings, innovations
        shared with a third version; net of the other way), and its cap: a version with
        a copyist's slips against a stored version has a parent in the corpus, however
        much it reworded, cut or added (with ``copy_evidence_apart``, not counted where
        the pair has evidence of being siblings or of a version between them). Off by
        default (scale 0): on the tuning sets it raised cut-and-add copies' parent
        accuracy 0.90 -> 0.95 but cost make-bench provenance 7 of 722 roots (docs/results.md,
        "Family trees beyond our generator").
    held_containment : an outside source that ``v`` credits only in text it does not
        share with a stored candidate ``u`` (inserted text) weighs no more than "no
        parent" when at least this share of ``v``'s phrases is found in ``u`` and ``u``
        is the older of the two.
    unknown_margin : a version left with no parent whose likeliest stored candidate
        weighs within this margin of "no parent", with no evidence that the version came
        first, is marked ``unknown`` ("parent unknown", candidates ranked in its node)
        rather than declared an original.
    witnessed_share : sentences of its own a copy may have, as a share of its sentences,
        before "separate innovations" count against a pair that a third version has
        tested for branching and found none (:func:`_apart`); 0 keeps the pairwise rule.
    branching_private : a third version must hold this share of each side's private text
        (:func:`_private_share`) for the pair's branching evidence to count in the tree;
        below it, it is chance agreement of two rewordings. 0 (the default) counts all
        branching. Off: at 0.05, chosen on the tuning sets, it cost make-bench provenance
        held-out roots, 2 of 1419 set aside both ways (docs/results.md, "Fourth pass"),
        1 with ``branching_directed`` ("Fifth pass"), which must not fall.
    branching_directed : chance branching is set aside only for the edge that the pair's
        own text evidence (credits, copying slips, garbled readings, innovations: at
        least :data:`~storytrace.provenance.direction.MIN_MARGIN`) points along
        (:func:`_apart_each_way`): with nothing in the two texts to say which came first,
        dropping it would join two copies of a hidden source as readily as a copy and
        its source.
    inherited_credits : a credit both versions of a pair carry, each "in its own words" by
        the pairwise test, counts as passed on with the text when it stands in a sentence
        one reworded from the other (:mod:`~storytrace.provenance.tree_credits`): it is
        then no sign that the two are siblings, and a credited outside source weighs as
        one credited in shared words.
    branching_versions : ``branching_private`` applies to pairs each of which holds at
        least this share of the other's 3-word phrases (versions of one text), not to
        pairs that share a part only.
    """

    similarity_scale: float = 10.0
    min_similarity: float = 0.05
    root_weight: float = 2.5
    external_weight: float = 3.0
    external_copied: float = 1.5
    fact_credit_discount: float = 0.5
    credit_bonus: float = 3.0
    credited_bonus: float = 1.0
    credited_if_first: bool = True
    containment_scale: float = 10.0
    containment_max: float = 2.5
    all_pairs: int = 60
    spread_weight: float = 1.0
    copy_evidence_scale: float = 0.0
    copy_evidence_max: float = 2.5
    copy_evidence_apart: bool = True
    held_containment: float = 0.5
    unknown_margin: float = 1.0
    witnessed_share: float = 0.2
    branching_private: float = 0.0
    branching_versions: float = 0.25
    inherited_credits: bool = True
    branching_directed: bool = True


@dataclass
class TreeNode:
    """An article of the story, or an outside source that one of them credits."""

    id: str
    kind: str  # "article" or "external"
    label: str
    parent: str | None = None
    score: float = 0.0  # confidence in the parent (or in having none)
    reasons: list[str] = field(default_factory=list)
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str | None = None
    credits: list[dict] = field(default_factory=list)
    source: str | None = None  # the external node it was copied from, if not collected
    context: bool = False  # an article of another story, shown as a parent
    # "parent unknown": no parent named, but the evidence does not show it came first;
    # ``candidates`` ranks the likeliest parents with their evidence.
    unknown: bool = False
    candidates: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {"id": self.id, "kind": self.kind, "label": self.label, "parent": self.parent,
             "source": self.source, "score": round(self.score, 4), "reasons": self.reasons,
             "title": self.title, "outlet": self.outlet, "url": self.url,
             "published": self.published, "credits": self.credits, "context": self.context}
        if self.unknown:
            d |= {"unknown": True, "candidates": self.candidates}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TreeNode:
        return cls(d["id"], d["kind"], d["label"], d.get("parent"), d.get("score", 0.0),
                   list(d.get("reasons", ())), d.get("title", ""), d.get("outlet", ""),
                   d.get("url", ""), d.get("published"), list(d.get("credits", ())),
                   d.get("source"), bool(d.get("context", False)),
                   bool(d.get("unknown", False)), list(d.get("candidates", ())))


@dataclass
class TreeEdge:
    """``derived``: ``target`` was made from ``source`` (a tree edge); ``credited``:
    ``target`` credits the outside source ``source``; ``related``: a stored link the
    tree does not use, oriented by the pair's own verdict (``direction``)."""

    source: str
    target: str
    kind: str
    score: float
    direction: Direction | None = None
    link: str = ""  # for "related" edges: the stored link's kind (reuse, same_story)
    changes: dict[str, Any] | None = None  # what the copy changed (comparison.tree_changes)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"source": self.source, "target": self.target, "kind": self.kind,
                             "score": round(self.score, 4)}
        if self.link:
            d["link"] = self.link
        if self.direction is not None:
            d["direction"] = self.direction.to_dict()
        if self.changes is not None:
            d["changes"] = self.changes
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TreeEdge:
        direction = d.get("direction")
        return cls(d["source"], d["target"], d["kind"], d.get("score", 0.0),
                   Direction.from_dict(direction) if direction else None, d.get("link", ""),
                   d.get("changes"))


@dataclass
class FamilyTree:
    """The derivation tree of one story: article and external nodes, derived and
    credited edges."""

    story: str
    nodes: dict[str, TreeNode]
    edges: list[TreeEdge]

    def parents(self) -> dict[str, str | None]:
        """Each article's parent article id (``None``: no parent in the corpus), for the
        story's own articles (not context articles of other stories)."""
        return {k: n.parent for k, n in self.nodes.items()
                if n.kind == "article" and not n.context}

    def roots(self) -> list[str]:
        return [k for k, p in self.parents().items() if p is None]

    def to_dict(self) -> dict[str, Any]:
        return {"story": self.story, "nodes": [n.to_dict() for n in self.nodes.values()],
                "edges": [e.to_dict() for e in self.edges]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FamilyTree:
        """The tree back from :meth:`to_dict` (as ``trace`` stores it; scores rounded).

        >>> t = FamilyTree("s", {"a": TreeNode("a", "article", "A")}, [])
        >>> FamilyTree.from_dict(t.to_dict()).to_dict() == t.to_dict()
        True
        """
        nodes = [TreeNode.from_dict(n) for n in d.get("nodes", ())]
        return cls(d["story"], {n.id: n for n in nodes},
                   [TreeEdge.from_dict(e) for e in d.get("edges", ())])


# ------------------------------------------------------------------------- building


def _link_pairs(links: Iterable[Any] | None, index: dict[str, int],
                seqs: Sequence[int] | None) -> tuple[dict[tuple[int, int], str], dict]:
    """Index pairs joined by a link (``pair -> "reuse"`` or ``"same_story"``), and any
    comparison given for them.

    ``links`` may hold :class:`storytrace.comparison.Comparison` objects, ``(id, id)``
    pairs, or :class:`storytrace.store.corpus.Link` objects (with ``seqs``, the
    story's article seqs in the order of the articles).
    """
    pairs: dict[tuple[int, int], str] = {}
    comparisons: dict[tuple[int, int], Any] = {}
    by_seq = {s: k for k, s in enumerate(seqs)} if seqs is not None else {}
    for x in links or ():
        comparison = None
        kind = "reuse"
        if hasattr(x, "a_seq"):
            kind = getattr(x, "kind", "reuse")
            i, j = by_seq.get(x.a_seq), by_seq.get(x.b_seq)
        elif hasattr(x, "alignment"):
            i, j, comparison = index.get(x.a.id), index.get(x.b.id), x
        else:
            i, j = index.get(x[0]), index.get(x[1])
        if i is None or j is None or i == j:
            continue
        if i > j:
            i, j = j, i
            if comparison is not None:
                comparison = _Swapped(comparison)
        if pairs.get((i, j)) != "reuse":
            pairs[(i, j)] = kind
        if comparison is not None:
            comparisons[(i, j)] = comparison
    return pairs, comparisons


class _Swapped:
    """A comparison seen with its two articles swapped (coverage only)."""

    def __init__(self, c: Any) -> None:
        from storytrace.align import Alignment

        al = c.alignment
        self.alignment = Alignment([], al.coverage_b, al.coverage_a)


def _outside_sources(profiles: Sequence[Profile], near: dict[int, list[int]],
                     inherited_credits: bool = False) -> dict[str, dict]:
    """Publishers credited in the story that are none of its articles: ``key -> {name,
    targets: {article index: whether the credit is in words another article shares}}``.

    A credit in shared words may have come with the text from another version; one in
    words of its own was written by the article itself. With ``inherited_credits``, a
    credit standing in a sentence another version has reworded, carrying the same credit,
    counts as shared words too (:func:`~storytrace.provenance.tree_credits.inherited`).
    """
    out: dict[str, dict] = {}
    for k, p in enumerate(profiles):
        for c in p.credits:
            if not c.names_publisher or any(names_match(c, q) for q in profiles):
                continue
            # Only versions that share text with it can have passed the credit on.
            copied = any(credit_copied(p.article.text, c, profiles[q]) or (
                inherited_credits and inherited(p, [c], profiles[q], [
                    x for x in profiles[q].credits if x.key == c.key])) for q in near[k])
            entry = out.setdefault(c.key or c.name.lower(), {"name": c.name, "targets": {},
                                                             "text_credit": {}, "credits": {}})
            entry["credits"].setdefault(k, []).append(c)
            entry["targets"][k] = entry["targets"].get(k, True) and copied
            # "Source: X", "as reported by X", "via X" say where the text came from;
            # "according to X" may credit one fact only.
            entry["text_credit"][k] = entry["text_credit"].get(k, False) or (
                c.kind in _TEXT_CREDITS)
    return out


def _order_score(d: Direction, options: TreeOptions) -> float:
    """The pair's net evidence for ``a -> b``, with containment weighed as the tree weighs
    it (more than a single verdict may: inside a tree it only breaks ties of orientation)."""
    score = d.score
    for e in d.evidence:
        if e.name == "containment" and "diff" in e.value:
            signed = {"a->b": e.weight, "b->a": -e.weight}.get(e.points, 0.0)
            tree = max(-options.containment_max,
                       min(options.containment_max, options.containment_scale * e.value["diff"]))
            score += tree - signed
    return score


_COPY_EVIDENCE = frozenset(("slips", "readings", "innovations"))


_SIDES = {"slips": ("a_slips", "b_slips"), "readings": ("a_garbled", "b_garbled")}


def _copy_evidence(d: Direction) -> float:
    """The pair's text evidence that ``b`` copied ``a`` (negative: ``a`` copied ``b``):
    innovations shared with a third version, and copying slips or garbled readings where
    they are (nearly) all on one side. Two copies of a common source each have slips of
    their own; a copy has the slips its source lacks, and its source few of its own."""
    total = 0.0
    for e in d.evidence:
        if e.name not in _COPY_EVIDENCE or e.points not in ("a->b", "b->a"):
            continue
        if e.name in _SIDES:
            a, b = (int(e.value.get(x, 0)) for x in _SIDES[e.name])
            if 3 * min(a, b) > max(a, b):
                continue
        total += e.weight if e.points == "a->b" else -e.weight
    return total


def _private_share(pa: Profile, pb: Profile, others: Sequence[Profile]) -> float:
    """How much a third version shares of each side's private text, at most over the
    third versions: the smaller of the shares of ``a``'s phrases that ``b`` lacks and of
    ``b``'s that ``a`` lacks which it holds (:data:`BRANCHING_MIN` phrases each way needed).

    Branching (:func:`~storytrace.provenance.direction._branching_item`) weighs what a
    third version shares with each beyond the other against what the two share. Copies
    that reword heavily share little, and two copies that reword the same text agree by
    chance here and there (the same word dropped, a swap undone): a few phrases that,
    against the little the two share, look like branching. Against each side's private
    text, which grows with the rewording, chance agreement stays small, while a third
    version that really branches off between them holds a good part of both.
    """
    a_only, b_only = pa.shingles - pb.shingles, pb.shingles - pa.shingles
    best = 0.0
    for w in others:
        ga, gb = len(a_only & w.shingles), len(b_only & w.shingles)
        if min(ga, gb) >= BRANCHING_MIN:
            best = max(best, min(ga / len(a_only), gb / len(b_only)))
    return best


_TEXT_ORDER = frozenset(("slips", "readings", "innovations", "credit"))


def _text_order(d: Direction) -> float:
    """The pair's net text evidence for ``a -> b`` (credits, copying slips, garbled
    readings, innovations shared with a third version): not time, not containment."""
    return sum(e.weight if e.points == "a->b" else -e.weight for e in d.evidence
               if e.name in _TEXT_ORDER and e.points in ("a->b", "b->a"))


def _apart(d: Direction, pa: Profile, pb: Profile, witnessed: bool,
           options: TreeOptions, eased: dict[tuple[str, str], str] | None = None,
           others: Sequence[Profile] = ()) -> float:
    """The weight of the pair's evidence that neither copied the other directly: siblings
    (a common source) or a third version between them (branching).

    "Separate innovations" (whole sentences on each side that the other lacks) are what
    two copies of one hidden source show, but also what a copy shows that cut some of
    its source's sentences and added some of its own. When a third version shares text
    with both (``witnessed``) and still shows no branching (it would, for copies of a
    hidden source: it holds text each of them lost), a copy may have
    ``options.witnessed_share`` of its sentences of its own, in proportion to its length,
    before the pair counts as siblings; ``eased`` then gets, under the pair's ids, the
    reason to show on the edge if the tree draws it.

    Between versions of one text (each holding ``options.branching_versions`` of the
    other's phrases), branching counts only when a third version among ``others`` holds
    at least ``options.branching_private`` of each side's private text
    (:func:`_private_share`): below that, it is chance agreement of two rewordings, and
    weighs nothing. Pairs that share less (a part reused) keep it as it stands. Such a
    third version does not ease separate innovations either: one that descends from
    either side shows only chance agreement with the other, whether the two are a copy
    and its source or copies of a hidden source, so it has not tested the pair.
    """
    branching = tested = any(e.name == "branching" and e.weight > 0 for e in d.evidence)
    why: list[str] = []
    shared = len(pa.shingles & pb.shingles)
    versions = shared >= options.branching_versions * max(len(pa.shingles), len(pb.shingles), 1)
    if branching and options.branching_private and others and versions:
        share = _private_share(pa, pb, others)
        if share < options.branching_private:
            branching = False
            why.append(f"the text a third version shares with each of {pa.id} and {pb.id} "
                       f"beyond the other is at most {share:.0%} of what each holds alone: "
                       f"chance agreement of rewordings, not a sign of branching")
    apart = 0.0
    for e in d.evidence:
        if e.points != "siblings" and e.name != "branching":
            continue
        if e.name == "branching" and not branching:
            continue
        weight = e.weight
        if e.name == "shared_source" and options.inherited_credits:
            weight = shared_source_weight(e, pa, pb, others)
            if weight < e.weight:
                why.append(f"the credit of {e.value.get('source')} that both carry stands in "
                           f"a sentence {pa.id} and {pb.id} share (reworded): it came with the "
                           f"text, not written by each on its own")
        if e.name == "separate" and witnessed and not tested and options.witnessed_share:
            own_a, own_b = own_sentences(pa, pb), own_sentences(pb, pa)
            (na, _), (nb, _) = own_a, own_b
            allowed, weight = separate_weight(own_a, own_b, options.witnessed_share)
            if weight < e.weight:
                why.append(
                    f"{pa.id} has {na} sentence(s) {pb.id} lacks and {pb.id} {nb} that {pa.id} "
                    f"lacks: within the {allowed} a copy of that length may add, since a third "
                    f"version that shares text with both shows no branching (copies of a "
                    f"version not in the corpus would)")
        apart = max(apart, weight)
    if why and eased is not None:
        eased[(pa.id, pb.id)] = eased[(pb.id, pa.id)] = "; ".join(why)
    return apart


def _apart_each_way(d: Direction, pa: Profile, pb: Profile, witnessed: bool,
                    options: TreeOptions, eased: dict[tuple[str, str], str],
                    others: Sequence[Profile]) -> tuple[float, float]:
    """:func:`_apart` for the edge ``a -> b`` and for ``b -> a``: the same both ways,
    unless ``options.branching_directed``: then branching set aside as chance agreement
    (``options.branching_private``) is set aside only for the edge the pair's own text
    evidence points along (:func:`_text_order`, at least :data:`MIN_MARGIN`); the other
    edge, and a pair whose text says nothing of its order, keep it."""
    if not (options.branching_directed and options.branching_private):
        apart = _apart(d, pa, pb, witnessed, options, eased, others)
        return apart, apart
    why: dict[tuple[str, str], str] = {}
    kept = _apart(d, pa, pb, witnessed, replace(options, branching_private=0.0), why, others)
    text = _text_order(d)
    if abs(text) < MIN_MARGIN:
        eased.update(why)
        return kept, kept
    dropped = _apart(d, pa, pb, witnessed, options, why_dropped := {}, others)
    along, back = ((pa.id, pb.id), (pb.id, pa.id)) if text > 0 else (
        (pb.id, pa.id), (pa.id, pb.id))
    for key, reasons in ((along, why_dropped), (back, why)):
        if key in reasons:
            eased[key] = reasons[key]
    return (dropped, kept) if text > 0 else (kept, dropped)


def _explain_eased(tree: FamilyTree, eased: dict[tuple[str, str], str]) -> None:
    """Say on each drawn edge whose separate innovations a witness explained away why
    they did not count (:func:`_apart`)."""
    for node in tree.nodes.values():
        if node.parent is not None and (node.parent, node.id) in eased:
            node.reasons.append(eased[(node.parent, node.id)])


def _capped(x: float, options: TreeOptions) -> float:
    return options.copy_evidence_scale * min(options.copy_evidence_max, max(0.0, x))


def _held_elsewhere(k: int, credits: Sequence[Any], profiles: Sequence[Profile],
                    near: Sequence[int], orders: dict[tuple[int, int], float],
                    options: TreeOptions) -> bool:
    """Whether version ``k`` credits an outside source only inside text it added to a
    stored version: some candidate ``u`` older than ``k`` (by the pair's evidence) holds
    at least ``options.held_containment`` of ``k``'s phrases, and every credit stands in
    a sentence of its own content (eight words or more besides the name) that ``u``
    lacks: a sentence taken from elsewhere, crediting its own source, not a credit line
    ("Source: X", "X reported it first") or a credit put before copied text."""
    from storytrace.provenance.direction import _shingles

    own = profiles[k].shingles
    text = profiles[k].article.text
    sentences = [credit_sentence(text, c) for c in credits]
    if not own or any(len(s.split()) < 8 for s in sentences):
        return False
    for u in near:
        order = orders.get((min(u, k), max(u, k)))
        if order is None or (order if u < k else -order) <= 0:
            continue
        theirs = profiles[u].shingles
        if len(own & theirs) < options.held_containment * len(own):
            continue
        if all(len(_shingles(s) & theirs) < 0.25 * max(1, len(_shingles(s)))
               for s in sentences):
            return True
    return False


def _no_parent(k: int, credited: int, near: Sequence[int],
               directions: dict[tuple[int, int], Direction], options: TreeOptions) -> float:
    """The weight of "no parent in the corpus" for version ``k``, which ``credited`` other
    versions credit: an article that others credit is more often the original than a
    copy, unless (``options.credited_if_first``) a candidate parent has evidence of coming
    before it: being credited by one's copies says nothing of one's own source."""
    named = min(2, credited)
    if named and options.credited_if_first and any(
            directions[(min(u, k), max(u, k))].score * (1 if u < k else -1) >= MIN_MARGIN
            for u in near if (min(u, k), max(u, k)) in directions):
        named = 0
    return options.root_weight + options.credited_bonus * named


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


@dataclass
class _Evidence:
    """What the tree search weighs, pair by pair: each candidate pair's verdict
    (``directions``) and its net order evidence as the tree weighs it (``orders``), how
    many versions credit each one (``credited_by``), and the separate innovations a
    witness explained away (``eased``, reasons to show on drawn edges)."""

    directions: dict[tuple[int, int], Direction] = field(default_factory=dict)
    orders: dict[tuple[int, int], float] = field(default_factory=dict)
    credited_by: dict[int, int] = field(default_factory=dict)
    eased: dict[tuple[str, str], str] = field(default_factory=dict)


def _candidate_pairs(profiles: Sequence[Profile], linked: dict[tuple[int, int], str],
                     options: TreeOptions
                     ) -> tuple[dict[tuple[int, int], float], list[tuple[int, int]],
                                dict[int, list[int]]]:
    """The pairs compared (every pair in a small story, else the linked ones) with their
    similarity, those similar enough (or linked) to be parent candidates, and each
    version's candidates (``near``)."""
    n = len(profiles)
    pairs = ({(i, j) for i in range(n) for j in range(i + 1, n)}
             if n <= options.all_pairs else linked)
    sims = {(i, j): similarity(profiles[i], profiles[j]) for i, j in sorted(pairs)}
    candidates = [p for p, s in sims.items() if s >= options.min_similarity or p in linked]
    near: dict[int, list[int]] = {k: [] for k in range(n)}
    for i, j in candidates:
        near[i].append(j)
        near[j].append(i)
    return sims, candidates, near


def _pair_edges(graph: nx.DiGraph, profiles: Sequence[Profile],
                sims: dict[tuple[int, int], float], candidates: Sequence[tuple[int, int]],
                near: dict[int, list[int]], comparisons: dict, options: TreeOptions
                ) -> _Evidence:
    """Decide each candidate pair (with the versions near either as third articles) and
    add its two edges, ``i -> j`` and ``j -> i``, to ``graph``."""
    ev = _Evidence(credited_by=dict.fromkeys(range(len(profiles)), 0))
    for i, j in candidates:
        others = [profiles[k] for k in sorted(set(near[i]) | set(near[j]) - {i, j})]
        d = decide(profiles[i], profiles[j], others, comparisons.get((i, j)))
        ev.directions[(i, j)] = d
        base = options.similarity_scale * sims[(i, j)]
        # Siblings, or a third version between them: not a direct copy either way.
        apart_ij, apart_ji = _apart_each_way(d, profiles[i], profiles[j], bool(
            (set(near[i]) & set(near[j])) - {i, j}), options, ev.eased, others)
        apart = max(apart_ij, apart_ji)
        order = ev.orders[(i, j)] = _order_score(d, options)
        copying = _copy_evidence(d) if apart == 0 or not options.copy_evidence_apart else 0.0
        w_ij = base - apart_ij - max(0.0, -order) + _capped(copying, options)
        w_ji = base - apart_ji - max(0.0, order) + _capped(-copying, options)
        for e in d.evidence:
            if e.name == "credit" and e.weight >= CREDIT_OWN:
                if e.points == "a->b":
                    w_ij += options.credit_bonus
                    ev.credited_by[i] += 1
                elif e.points == "b->a":
                    w_ji += options.credit_bonus
                    ev.credited_by[j] += 1
        graph.add_edge(i, j, weight=w_ij)
        graph.add_edge(j, i, weight=w_ji)
    return ev


def _root_edges(graph: nx.DiGraph, profiles: Sequence[Profile], near: dict[int, list[int]],
                ev: _Evidence, options: TreeOptions) -> dict[str, dict]:
    """Add to ``graph`` each version's "no parent in the corpus" edge, and a node for each
    outside publisher the versions credit with its edges to them; the outside sources."""
    no_parent = {k: _no_parent(k, ev.credited_by[k], near[k], ev.directions, options)
                 for k in range(len(profiles))}
    for k, weight in no_parent.items():
        graph.add_edge(_ROOT, k, weight=weight)
    outside = _outside_sources(profiles, near, options.inherited_credits)
    for key, entry in outside.items():
        # An outside source credited in the story is a candidate parent that was not
        # collected; it hangs from the virtual root at no cost.
        graph.add_edge(_ROOT, ("external", key), weight=0.0)
        for k, copied in entry["targets"].items():
            weight = options.external_copied if copied else options.external_weight
            if not entry["text_credit"][k]:
                weight -= options.fact_credit_discount
            if _held_elsewhere(k, entry["credits"][k], profiles, near[k], ev.orders, options):
                weight = -math.inf  # the credit came in with text added to a stored copy
            # Weak or strong, a credited source that was not collected is a better "no
            # parent in the corpus" than none at all: it never loses to the bare root.
            weight = max(weight, no_parent[k] + _TIE)
            graph.add_edge(("external", key), k, weight=weight)
    return outside


def _orientation(parent_of: dict, rooting: _Rooting) -> dict[int, float]:
    """How sure each version's tree edges are of their orientation.

    The tree's shape fixed, an edge turns round when the root lies on its child's side,
    so its margin is the best rooting's over the best with the root there. An edge whose
    direction rests on no evidence (of its own or of the tree) makes both its ends
    uncertain."""
    orient: dict[int, float] = {}
    for v, u in parent_of.items():
        if isinstance(u, int) and isinstance(v, int):
            sure = _sigmoid(rooting.margin[v])
            for k in (u, v):
                orient[k] = min(orient.get(k, 1.0), sure)
    for k, margin in rooting.margin.items():
        if rooting.root_of[k] == k:
            orient[k] = min(orient.get(k, 1.0), _sigmoid(margin))
    return orient


def _related_edges(tree: FamilyTree, arts: Sequence[Article], members: int,
                   profiles: Sequence[Profile], linked: dict[tuple[int, int], str],
                   directions: dict[tuple[int, int], Direction], comparisons: dict) -> None:
    """Keep visible the stored links that the tree does not use, each with the pair's own
    verdict."""
    used = {(e.source, e.target) for e in tree.edges} | {(e.target, e.source) for e in tree.edges}
    for (i, j), kind in sorted(linked.items()):
        if i >= members or j >= members or (arts[i].id, arts[j].id) in used:
            continue
        d = directions.get((i, j)) or decide(profiles[i], profiles[j], [], comparisons.get((i, j)))
        source, target = (d.b, d.a) if d.verdict == "b->a" else (d.a, d.b)
        tree.edges.append(TreeEdge(source, target, "related", d.confidence,
                                   d if source == d.a else d.reversed(), link=kind))


def family_tree(articles: Sequence[Article], links: Iterable[Any] | None = None, *,
                story: str = "", seqs: Sequence[int] | None = None,
                context: Sequence[Article] = (), ignore_times: bool = False,
                options: TreeOptions = TreeOptions()) -> FamilyTree:
    """The most likely parent of each article of one story, as a :class:`FamilyTree`.

    Parameters
    ----------
    articles : the story's articles.
    links : reuse links among them: :class:`~storytrace.store.corpus.Link` objects
        (give ``seqs`` too), :class:`~storytrace.comparison.Comparison` objects, or
        ``(id, id)`` pairs. Small stories compare every pair anyway; in stories of
        more than ``options.all_pairs`` articles only linked pairs are candidates.
    story : the story id, kept on the tree.
    seqs : the store seqs of ``articles`` and then of ``context``, in order (for
        ``Link`` objects).
    context : articles outside the story that share text with it (another story may
        hold a version's parent); they may be chosen as parents, and appear in the
        tree only then, marked ``context`` (their own parents are their story's).
    ignore_times : decide as if no article had a publication time.
    """
    import networkx as nx

    members = list({a.id: a for a in reversed(articles)}.values())[::-1]  # one per id
    member_ids = {a.id for a in members}
    extra = [a for a in context if a.id not in member_ids]
    arts = [replace(a, published=None) if ignore_times else a for a in [*members, *extra]]
    profiles = [profile(a) for a in arts]
    linked, comparisons = _link_pairs(links, {a.id: k for k, a in enumerate(arts)}, seqs)
    sims, candidates, near = _candidate_pairs(profiles, linked, options)
    graph = nx.DiGraph()
    graph.add_node(_ROOT)
    ev = _pair_edges(graph, profiles, sims, candidates, near, comparisons, options)
    outside = _root_edges(graph, profiles, near, ev, options)
    arborescence = nx.maximum_spanning_arborescence(graph, attr="weight", preserve_attrs=True)
    parent_of = {v: u for u, v in arborescence.edges()}
    rooting = _reroot(parent_of, graph, options, [a.id for a in arts])
    tree = _assemble(story, arts, len(members), profiles, graph, parent_of, ev.directions,
                     outside, _orientation(parent_of, rooting), ev.credited_by, rooting)
    _mark_unknown(tree, arts, len(members), graph, parent_of, ev.directions, ev.orders,
                  options, rooting)
    _explain_eased(tree, ev.eased)
    _related_edges(tree, arts, len(members), profiles, linked, ev.directions, comparisons)
    return tree


@dataclass
class _Rooting:
    """What :func:`_reroot` decided: each rerooted version's margin (log-odds that the
    original is on its parent's side of the edge to it, or for a root, over the next
    best root), and the reasons given to each root."""

    margin: dict[int, float] = field(default_factory=dict)
    reasons: dict[int, list[str]] = field(default_factory=dict)
    root_of: dict[int, int] = field(default_factory=dict)


def _reroot(parent_of: dict, graph: nx.DiGraph, options: TreeOptions,
            names: Sequence[str]) -> _Rooting:
    """Choose the root of each group of versions joined by tree edges, keeping the tree's
    undirected shape, and rewrite ``parent_of`` to match.

    A root ``r`` scores the weights of the edges oriented away from it, its own weight
    as a version with no parent in the corpus (or as a copy of an outside source), and
    ``spread_weight`` times the log of its rumour centrality (Shah and Zaman, 2011):
    the number of orders in which the versions could have been made one from another
    starting at ``r``, ``n! / prod(subtree sizes)``. Copies are made from versions that
    exist already, so the original has had the longest time to be copied: it tends to
    be the centre of the tree. Moving the root across an edge multiplies the likelihood
    by the ratio of the sizes of the two sides; time and credits outweigh it.
    """
    out = _Rooting()
    adj: dict[int, list[int]] = {}
    for v, u in parent_of.items():
        if isinstance(u, int) and isinstance(v, int):
            adj.setdefault(u, []).append(v)
            adj.setdefault(v, []).append(u)

    def top(k: int) -> tuple[float, Any]:
        """The best parent of ``k`` that is not a version: none, or an outside source."""
        return max(((graph[u][k]["weight"], u) for u in graph.predecessors(k)
                    if not isinstance(u, int)), key=lambda x: x[0])

    starts = [v for v, u in parent_of.items()
              if isinstance(v, int) and not isinstance(u, int) and v in adj]
    for r0 in starts:
        order, up = _breadth_first(adj, r0)
        n = len(order)
        size = dict.fromkeys(order, 1)
        for k in reversed(order[1:]):
            size[up[k]] += size[k]
        score, spread = {r0: 0.0}, {r0: 0.0}
        for c in order[1:]:
            p = up[c]
            spread[c] = spread[p] + options.spread_weight * math.log(size[c] / (n - size[c]))
            score[c] = (score[p] - graph[p][c]["weight"] + graph[c][p]["weight"]
                        - top(p)[0] + top(c)[0] + spread[c] - spread[p])
        best = max(order, key=lambda k: (round(score[k], 9), k == r0))
        if best != r0:  # turn the path from the old root to the new one around
            path = [best]
            while path[-1] != r0:
                path.append(up[path[-1]])
            for child, parent in zip(path[1:], path[:-1], strict=True):
                parent_of[child] = parent
            parent_of[best] = top(best)[1]
        # Each edge would turn round if the root lay on its child's side: its margin is
        # the best root's score over the best score on that side.
        queue, above = _breadth_first(adj, best)
        below: dict[int, list[int]] = {}
        for m in queue[1:]:
            below.setdefault(above[m], []).append(m)
        side_best = dict(score)
        for k in reversed(queue):
            for m in below.get(k, ()):
                side_best[k] = max(side_best[k], side_best[m])
        for k in queue[1:]:
            out.margin[k] = score[best] - side_best[k]
        out.root_of.update(dict.fromkeys(queue, best))
        runner = max(order[1:] if best == r0 else [k for k in order if k != best],
                     key=lambda k: score[k])
        out.margin[best] = score[best] - score[runner]
        centre = max(order, key=lambda k: spread[k])
        why = (f"of the {n} versions joined by tree edges, rooting at this one fits the "
               f"evidence best: {out.margin[best]:.2f} log-odds over rooting at "
               f"{names[runner]}")
        if spread[best] > spread[runner]:
            why += (f", of which {spread[best] - spread[runner]:.2f} because it is nearer the "
                    f"centre of the tree (more ways for the copies to have spread from it)")
        elif centre != best:
            why += f" (the centre of the tree is {names[centre]}, but other evidence outweighs)"
        out.reasons[best] = [why]
    return out


def _breadth_first(adj: dict[int, list[int]], root: int) -> tuple[list[int], dict[int, int]]:
    """The versions reachable from ``root`` in breadth-first order, and each one's
    neighbour towards ``root`` (``-1`` for the root itself)."""
    order, up = [root], {root: -1}
    for k in order:
        for m in adj[k]:
            if m not in up:
                up[m] = k
                order.append(m)
    return order, up


def _why_no_parent(k: int, best: tuple[float, str, Any], root_weight: float,
                   parent_of: dict) -> str:
    """Why version ``k`` has no parent although ``best`` (weight, name, node) was the
    likeliest candidate: its evidence was too weak, or the tree as a whole made it one
    of ``k``'s copies (the weights in brackets)."""
    w, name, u = best
    weights = (f"(weight of the evidence for {name}: {w:.2f}; naming a parent takes more "
               f"than {root_weight:.2f})" if w <= root_weight else
               f"(weight of the evidence for {name}: {w:.2f}, above the {root_weight:.2f} "
               "that naming a parent takes)")
    if w <= root_weight:
        return (f"the likeliest parent, {name}, was not named: the text it shares and the "
                f"evidence that it came first are too weak to name it the parent {weights}")
    up, seen = u, set()
    while isinstance(up, int) and up not in seen and up != k:
        seen.add(up)
        up = parent_of.get(up)
    if up == k:
        return (f"the likeliest parent, {name}, was not named: in the tree as a whole it is "
                f"one of this version's copies (directly or through others), so this "
                f"version is taken as the original {weights}")
    return (f"the likeliest parent, {name}, was not named: the tree as a whole fits the "
            f"evidence better with this version as the original {weights}")


def _mark_unknown(tree: FamilyTree, arts: Sequence[Article], members: int, graph: nx.DiGraph,
                  parent_of: dict, directions: dict, orders: dict[tuple[int, int], float],
                  options: TreeOptions, rooting: _Rooting) -> None:
    """Mark "parent unknown" the versions left with no parent whose likeliest stored
    candidate weighs within ``options.unknown_margin`` of "no parent", is not one of their
    copies in the tree (unless the tree's rooting at the version wins by less than that
    margin too), and has no evidence (time, credit, text) that the version came first;
    rank their candidates, with the evidence, in the node."""
    for k in range(members):
        if parent_of.get(k, _ROOT) != _ROOT:
            continue
        weights = {u: graph[u][k]["weight"] for u in graph.predecessors(k) if isinstance(u, int)}
        if not weights:
            continue
        best = max(weights, key=lambda u: (weights[u], -u))
        up, seen = parent_of.get(best), {best}
        while isinstance(up, int) and up not in seen and up != k:
            seen.add(up)
            up = parent_of.get(up)
        first = orders.get((min(k, best), max(k, best)), 0.0) * (1 if k < best else -1)
        undecided_root = rooting.root_of.get(k) == k and rooting.margin.get(
            k, math.inf) < options.unknown_margin
        if ((up == k and not undecided_root) or first >= MIN_MARGIN
                or weights[best] < graph[_ROOT][k]["weight"] - options.unknown_margin):
            continue
        node = tree.nodes[arts[k].id]
        node.unknown = True
        for u in sorted(weights, key=lambda u: (-weights[u], u))[:3]:
            d = directions[(min(u, k), max(u, k))]
            d = d if d.a == arts[u].id else d.reversed()
            node.candidates.append({
                "id": arts[u].id, "weight": round(weights[u], 3), "verdict": d.verdict,
                "confidence": round(d.confidence, 4),
                "evidence": [e.detail for e in d.evidence if e.weight > 0][:4]})
        node.reasons.insert(0, _unknown_reason(node.candidates, graph[_ROOT][k]["weight"],
                                               own_copy=up == k))


def _unknown_reason(candidates: list[dict], root_weight: float, *, own_copy: bool) -> str:
    """Why a version's parent is unknown, in words: its likeliest parent is drawn as its
    own copy with nothing to show which came first (two versions of one text), or the
    candidates' evidence is too close to what naming a parent takes.

    >>> _unknown_reason([{"id": "x", "weight": 10.0}], 2.5, own_copy=True).split(" (")[0]
    "parent unknown: x is drawn as this version's copy"
    """
    if own_copy:
        best = candidates[0]
        return (f"parent unknown: {best['id']} is drawn as this version's copy (weight of the "
                f"evidence between them: {best['weight']:.2f}), but nothing shows which of "
                "the two came first")
    names = ", ".join(f"{c['id']} {c['weight']:.2f}" for c in candidates)
    return (f"parent unknown: the evidence for the likeliest parents (weights: {names}) is "
            f"too close to the {root_weight:.2f} that naming a parent takes, and nothing "
            "shows this version came first")


def _descends_from(u: Any, k: int, parent_of: dict) -> bool:
    """Whether version ``u`` hangs, directly or through others, from version ``k``."""
    seen = set()
    while isinstance(u, int) and u not in seen:
        seen.add(u)
        u = parent_of.get(u)
        if u == k:
            return True
    return False


def _name(u: Any, arts: Sequence[Article], outside: dict) -> str:
    return outside[u[1]]["name"] if isinstance(u, tuple) else arts[u].id


def _root_reasons(k: int, weights: dict, arts: Sequence[Article], outside: dict,
                  parent_of: dict, credited_by: dict[int, int], rooting: _Rooting
                  ) -> list[str]:
    """Why article ``k`` has no parent in the corpus: its likeliest parent and why it was
    not named, who credits it, and what rooted the tree there."""
    alternatives = sorted(((w, _name(u, arts, outside), u) for u, w in weights.items()
                           if u != _ROOT), key=lambda x: x[:2], reverse=True)
    reasons = [_why_no_parent(k, alternatives[0], weights[_ROOT], parent_of) if alternatives
               else "no candidate parent: no other version shares enough text"]
    if credited_by.get(k):
        reasons.append(f"{credited_by[k]} other version(s) credit it")
    return reasons + rooting.reasons.get(k, [])


def _assemble(story: str, arts: Sequence[Article], members: int,
              profiles: Sequence[Profile], graph: nx.DiGraph, parent_of: dict,
              directions: dict, outside: dict, orient: dict[int, float],
              credited_by: dict[int, int], rooting: _Rooting) -> FamilyTree:
    nodes: dict[str, TreeNode] = {}
    edges: list[TreeEdge] = []

    def article_node(k: int) -> TreeNode:
        a = arts[k]
        return TreeNode(a.id, "article", a.outlet or a.title[:60] or a.id, title=a.title,
                        outlet=a.outlet, url=a.url,
                        published=a.published.isoformat() if a.published else None,
                        credits=[c.to_dict() for c in profiles[k].credits],
                        context=k >= members)

    def external_node(key: str) -> str:
        node_id = "external:" + key
        if node_id not in nodes:
            nodes[node_id] = TreeNode(node_id, "external", outside[key]["name"])
        return node_id

    for k in range(members):
        nodes[arts[k].id] = article_node(k)
    for k in range(members):
        a, node = arts[k], nodes[arts[k].id]
        chosen = parent_of.get(k, _ROOT)
        weights = {u: graph[u][k]["weight"] for u in graph.predecessors(k)}
        # A version with no parent is not weighed against its own copies: that it came
        # before them is the rooting's call, which ``orient`` holds.
        best_other = max((w for u, w in weights.items() if u != chosen and not (
            chosen == _ROOT and _descends_from(u, k, parent_of))), default=-math.inf)
        node.score = min(_sigmoid(weights[chosen] - best_other), orient.get(k, 1.0))
        if chosen == _ROOT:
            node.reasons += _root_reasons(k, weights, arts, outside, parent_of,
                                          credited_by, rooting)
            continue
        if isinstance(chosen, tuple):  # an outside source that was not collected
            node.source = external_node(chosen[1])
            copied = outside[chosen[1]]["targets"][k]
            node.reasons.append(
                f"credits {outside[chosen[1]]['name']} (not in the corpus)"
                + (" in words another version shares: it may have come with the text"
                   if copied else " in words of its own"))
            edges.append(TreeEdge(node.source, a.id, "derived", node.score))
            continue
        if chosen >= members and arts[chosen].id not in nodes:
            nodes[arts[chosen].id] = article_node(chosen)
            nodes[arts[chosen].id].reasons.append("in another story (its parent is given there)")
        node.parent = arts[chosen].id
        d = directions[(min(chosen, k), max(chosen, k))]
        d = d if d.a == node.parent else d.reversed()
        # Each item said as it stands to the tree's choice (parent first), which may
        # differ from the pair's own verdict.
        node.reasons = [e.detail for e in qualified(d.evidence, "a->b")
                        if e.weight > 0 or e.name == "shared_quote"] or [
            "closest version; no evidence of direction"]
        if d.verdict != "a->b":
            alone = {"b->a": f"points the other way, {a.id} as the source of {node.parent}",
                     "siblings": "looks like two copies of a common source"
                                 + (f" ({d.via})" if d.via else ""),
                     }.get(d.verdict, "does not say which is the copy")
            why = (f"pairwise verdict alone: {d.verdict}: the pair on its own {alone} "
                   f"(confidence {d.confidence:.2f})")
            root = rooting.root_of.get(k)
            if root is not None and k in rooting.margin:
                why += (f"; the tree as a whole decides: rooted at {arts[root].id}, "
                        f"{rooting.margin[k]:.2f} log-odds against the original being on "
                        f"this version's side of the edge")
            node.reasons.append(why)
        edges.append(TreeEdge(node.parent, a.id, "derived", node.score, d))
    for key, entry in outside.items():
        for k, copied in entry["targets"].items():
            if k >= members or copied or nodes[arts[k].id].source == "external:" + key:
                continue  # credits passed on with the text are not drawn again
            edges.append(TreeEdge(external_node(key), arts[k].id, "credited", 1.0))
    return FamilyTree(story, nodes, edges)


# -------------------------------------------------------------------------- export


def _trees(trees: FamilyTree | Iterable[FamilyTree]) -> list[FamilyTree]:
    return [trees] if isinstance(trees, FamilyTree) else list(trees)


def to_networkx(trees: FamilyTree | Iterable[FamilyTree]) -> nx.DiGraph:
    """One directed graph of one or more trees, with scalar attributes only (what GraphML
    and GEXF can hold): lists and dicts become JSON strings, ``None`` an empty string.

    An external source credited in several stories is one node (``story`` lists them).
    """
    import networkx as nx

    g = nx.DiGraph()
    for tree in _trees(trees):
        for node in tree.nodes.values():
            attrs = {k: _scalar(v) for k, v in node.to_dict().items() if k != "id"}
            attrs["story"] = tree.story
            if node.id in g:
                stories = g.nodes[node.id]["story"].split(",")
                if tree.story not in stories:
                    g.nodes[node.id]["story"] = ",".join([*stories, tree.story])
                continue
            g.add_node(node.id, **attrs)
        for e in tree.edges:
            attrs = {"kind": e.kind, "score": round(e.score, 4), "story": tree.story}
            if e.direction is not None:
                attrs["verdict"] = e.direction.verdict
                attrs["confidence"] = round(e.direction.confidence, 4)
                attrs["evidence"] = json.dumps([x.to_dict() for x in e.direction.evidence],
                                               ensure_ascii=False)
            if e.link:
                attrs["link"] = e.link
            g.add_edge(e.source, e.target, **attrs)
    return g


def _scalar(v: Any) -> str | int | float | bool:
    if v is None:
        return ""
    if isinstance(v, (str, int, float, bool)):
        return v
    return json.dumps(v, ensure_ascii=False)


def to_graphml(trees: FamilyTree | Iterable[FamilyTree]) -> str:
    """GraphML text (networkx's writer)."""
    import networkx as nx

    return "\n".join(nx.generate_graphml(to_networkx(trees))) + "\n"


def to_gexf(trees: FamilyTree | Iterable[FamilyTree]) -> str:
    """GEXF 1.2 text (networkx's writer), for Gephi."""
    import networkx as nx

    return "\n".join(nx.generate_gexf(to_networkx(trees))) + "\n"


def to_json(trees: FamilyTree | Iterable[FamilyTree]) -> str:
    """``{"trees": [...]}`` with every node, edge, direction and evidence item."""
    return json.dumps({"trees": [t.to_dict() for t in _trees(trees)]}, ensure_ascii=False,
                      indent=2) + "\n"


def _dot_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def to_dot(trees: FamilyTree | Iterable[FamilyTree]) -> str:
    """Graphviz DOT text: one cluster per story, external sources as ellipses, credited
    edges dashed, each derived edge labelled with its score.

    >>> t = FamilyTree("s1", {"a": TreeNode("a", "article", "Eagle Rising"),
    ...                       "b": TreeNode("b", "article", 'The "Post"', parent="a")},
    ...                [TreeEdge("a", "b", "derived", 0.93)])
    >>> print(to_dot(t))
    digraph storytrace {
      rankdir=LR;
      subgraph "cluster_s1" {
        label="story s1";
        "a" [label="Eagle Rising", shape=box];
        "b" [label="The \\"Post\\"", shape=box];
      }
      "a" -> "b" [label="0.93"];
    }
    <BLANKLINE>
    """
    lines = ["digraph storytrace {", "  rankdir=LR;"]
    edges: list[str] = []
    declared: set[str] = set()
    for tree in _trees(trees):
        lines.append(f"  subgraph {_dot_str('cluster_' + tree.story)} {{")
        lines.append(f"    label={_dot_str('story ' + tree.story)};")
        for node in tree.nodes.values():
            if node.id in declared:
                continue
            declared.add(node.id)
            shape = "box" if node.kind == "article" else "ellipse, style=dashed"
            lines.append(f"    {_dot_str(node.id)} [label={_dot_str(node.label)}, "
                         f"shape={shape}];")
        lines.append("  }")
        for e in tree.edges:
            style = f"label={_dot_str(f'{e.score:.2f}')}" if e.kind == "derived" else \
                "style=dashed, label=\"credited\""
            edges.append(f"  {_dot_str(e.source)} -> {_dot_str(e.target)} [{style}];")
    return "\n".join([*lines, *edges, "}"]) + "\n"
