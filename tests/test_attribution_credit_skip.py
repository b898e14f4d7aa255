"""`tagger_can_credit`: where it says no, skipping the learned tagger loses no credit.

A reader that keeps only attributions of some kinds (the family trees' credits read
``according_to``, ``reported``, ``via``... and recipients) may skip the tagger where
:func:`~storytrace.provenance.attribution.tagger_can_credit` is false. These tests run the
full extraction (rules and tagger) anyway and check that it then holds no attribution such
a reader keeps, on real news and on hand-made cases.
"""

from __future__ import annotations

import json

import pytest
from tests.conftest import shared_path

from storytrace.provenance.attribution import (
    KINDS,
    extract_attributions,
    rule_attributions,
    tagger_can_credit,
)
from storytrace.provenance.direction import _SOURCE_KINDS

KIND_SETS = [frozenset(_SOURCE_KINDS), *(frozenset([k]) for k in KINDS if k != "other"),
             frozenset(("quote", "told"))]


def kept(attributions, kinds: frozenset[str]) -> list:
    return [a for a in attributions if a.kind in kinds or a.recipient is not None]


def check(text: str) -> dict[frozenset[str], bool]:
    """Per kind set, whether the tagger may matter; asserts the claim where it may not."""
    rules, full = rule_attributions(text), extract_attributions(text)
    out = {}
    for kinds in KIND_SETS:
        out[kinds] = tagger_can_credit(text, rules, kinds)
        if not out[kinds]:
            assert kept(full, kinds) == kept(rules, kinds) == [], (kinds, text[:200])
    return out


@pytest.fixture(scope="module")
def news_texts() -> list[str]:
    root = shared_path("data", "fakenewsnet-v1-2018")
    texts = []
    for path in sorted(root.glob("*/*Content/*.json"))[::3]:
        text = json.loads(path.read_text(encoding="utf-8")).get("text") or ""
        if text.strip():
            texts.append(text)
    return texts


def test_real_news_skips_lose_no_credit(news_texts, seed_texts):
    texts = [*news_texts, *seed_texts]
    results = [check(t) for t in texts]
    skipped = sum(not r[frozenset(_SOURCE_KINDS)] for r in results)
    # Not vacuous: a good share of real articles can skip the tagger, and many cannot.
    assert len(texts) * 0.2 <= skipped <= len(texts) * 0.8, (skipped, len(texts))


@pytest.mark.parametrize("text", [
    "Smith wrote that the plant would close.",
    "The plant will close, according to the mayor.",
    "The plant will close via a vote, the mayor said.",
    "Smith told Reuters the plant would close.",
    "As first reported by the Gazette, the plant will close.",
    "She cited a memo that said the plant would close.",
])
def test_credit_words_or_credit_rules_keep_the_tagger(text):
    assert tagger_can_credit(text, rule_attributions(text), frozenset(_SOURCE_KINDS))
    check(text)


@pytest.mark.parametrize("text", [
    "Smith said the plant would close. \u201cWe tried,\u201d she said.",
    "The plant would close, officials said on Tuesday, and workers wanted answers.",
    "Donald Trump criticized the plan; he wants a new vote next week.",
    "UNREPORTEDLY, nothing was written here about the plant.",
])
def test_texts_without_credit_words_skip_and_lose_nothing(text):
    assert check(text)[frozenset(_SOURCE_KINDS)] is False


def test_quotes_widen_to_said_cues():
    text = "Smith said: \u201cThe plant will close.\u201d"
    assert not tagger_can_credit(text, [], frozenset(["reported"]))
    assert tagger_can_credit(text, [], frozenset(["quote"]))
    assert tagger_can_credit(text, [], frozenset(["other"]))
