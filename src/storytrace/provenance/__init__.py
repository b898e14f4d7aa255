"""Provenance: which sources an article credits (attributions), with exact offsets."""

from storytrace.provenance.attribution import (
    KINDS,
    SOURCE_TYPES,
    Attribution,
    AttributionExtractor,
    classify_source,
    extract_attributions,
)

__all__ = [
    "KINDS",
    "SOURCE_TYPES",
    "Attribution",
    "AttributionExtractor",
    "classify_source",
    "extract_attributions",
]
