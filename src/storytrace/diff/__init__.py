"""What each version of a story states differently: new sentences and changed facts.

>>> from storytrace.diff import diff_versions
>>> # diff = diff_versions(article_a, article_b)    # or (a, b, comparison)
>>> # diff.summary()["b_adds"], diff.to_dict()
"""

from storytrace.diff.core import FactsDiff, FactStatus, NewSentence, diff_versions
from storytrace.diff.counterparts import SentenceLink
from storytrace.diff.entities import extract_entities
from storytrace.diff.facts import FACT_KINDS, Fact, extract_facts
from storytrace.diff.linking import link_entities
from storytrace.diff.normalize import (
    normalize_age,
    normalize_date,
    normalize_money,
    normalize_number,
    normalize_quote,
    normalize_time,
    parse_number,
)

__all__ = [
    "FACT_KINDS",
    "Fact",
    "FactStatus",
    "FactsDiff",
    "NewSentence",
    "SentenceLink",
    "diff_versions",
    "extract_entities",
    "extract_facts",
    "link_entities",
    "normalize_age",
    "normalize_date",
    "normalize_money",
    "normalize_number",
    "normalize_quote",
    "normalize_time",
    "parse_number",
]
