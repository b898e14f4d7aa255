"""Stories: which articles report the same story (pair similarity and clustering)."""

from storytrace.stories.cluster import (
    average_linkage,
    cluster_edges,
    cluster_stories,
    stable_story_ids,
    story_vectors,
)
from storytrace.stories.similarity import StorySimilarity

__all__ = [
    "StorySimilarity",
    "average_linkage",
    "cluster_edges",
    "cluster_stories",
    "stable_story_ids",
    "story_vectors",
]
