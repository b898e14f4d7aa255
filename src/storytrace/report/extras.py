"""Result dicts for the report with what provenance can add, where compare/trace do not yet.

``comparison_dict`` is ``Comparison.to_dict()`` plus credited sources and, when the
two share passages, the direction; ``story_dict`` is ``Story.to_dict()`` plus the
family tree. Keys the result already has are left alone, so once ``compare`` and
``trace`` add them themselves these functions change nothing. Used by the web UI
and meant for the CLI's ``--format html`` / ``--html``.
"""

from __future__ import annotations

import logging
from typing import Any

from storytrace.comparison import Comparison, summarize
from storytrace.model import Story
from storytrace.provenance.credits import extract_credits

log = logging.getLogger(__name__)


def comparison_dict(comparison: Comparison) -> dict:
    """``comparison.to_dict()`` with ``attributions`` and ``direction`` added if missing,
    and its ``summary`` made again so that it counts them."""
    result = comparison.to_dict()
    a, b = comparison.a, comparison.b
    result.setdefault("attributions", {
        side: [x.to_dict(art.text) for x in extract_credits(art.text)]
        for side, art in (("a", a), ("b", b))})
    if "direction" not in result and comparison.alignment.passages:
        try:
            from storytrace.provenance.direction import infer_direction
        except ImportError:  # a storytrace without direction: the page has no such section
            infer_direction = None
        try:
            if infer_direction is not None:
                result["direction"] = infer_direction(a, b, comparison).to_dict()
        except Exception:  # a report without the direction beats no report
            log.exception("direction failed for %s and %s", a.id, b.id)
    result["summary"] = summarize(result)
    return result


def story_dict(story: Story, store: Any = None) -> dict:
    """``story.to_dict()`` with the family ``tree`` added if missing: the one ``trace``
    stored, else built here and not stored (``store`` optional; it is only read)."""
    data = story.to_dict()
    if "tree" in data:
        return data
    if store is not None:
        from storytrace.store.corpus import CorpusIndex

        stored = CorpusIndex(store).trees([story.id])
        if story.id in stored:
            data["tree"] = stored[story.id]
            return data
    from storytrace.engines.local import tree_for_story

    try:
        data["tree"] = tree_for_story(store, story).to_dict()
    except Exception:  # the links are drawn instead
        log.exception("family tree failed for story %s", story.id)
    return data
