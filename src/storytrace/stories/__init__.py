"""Stories: whether two articles report the same story (the same-story model).

Grouping articles into stories is one step of the trace plan
(:func:`storytrace.engines.core.cluster_links` and
:func:`~storytrace.engines.core.stable_story_ids`), the same for every engine and for
``storytrace eval clusters``.
"""

from storytrace.stories.similarity import StorySimilarity

__all__ = ["StorySimilarity"]
