"""Provenance: which sources an article credits (attributions, with exact offsets), who
copied whom between two versions (direction), and each story's family tree."""

from storytrace.provenance.attribution import (
    KINDS,
    SOURCE_TYPES,
    Attribution,
    AttributionExtractor,
    classify_source,
    extract_attributions,
)
from storytrace.provenance.direction import (
    Credit,
    Direction,
    Evidence,
    credited_sources,
    infer_direction,
)
from storytrace.provenance.tree import (
    FamilyTree,
    TreeEdge,
    TreeNode,
    TreeOptions,
    family_tree,
    to_dot,
    to_gexf,
    to_graphml,
    to_json,
    to_networkx,
)

__all__ = [
    "KINDS",
    "SOURCE_TYPES",
    "Attribution",
    "AttributionExtractor",
    "Credit",
    "Direction",
    "Evidence",
    "FamilyTree",
    "TreeEdge",
    "TreeNode",
    "TreeOptions",
    "classify_source",
    "credited_sources",
    "extract_attributions",
    "family_tree",
    "infer_direction",
    "to_dot",
    "to_gexf",
    "to_graphml",
    "to_json",
    "to_networkx",
]
