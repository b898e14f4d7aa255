"""Tier 2 reads a pair that tier 1 linked as a shared quotation, in both engines alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="the spark extra is not installed")
pytest.importorskip("pandas", reason="pyspark's applyInPandas needs pandas")
pytest.importorskip("pyarrow", reason="pyspark's applyInPandas needs pyarrow")

from tests.test_same_story import FLOOD_A, FLOOD_B, PHONE, QUOTE
from tests.test_spark import _local, _options

from storytrace.engines.spark import run_trace_spark


def test_a_shared_quote_pair_is_scored_by_tier_two_in_both_engines(spark, tmp_path: Path
                                                                   ) -> None:
    """Two reports of one story quoting one speaker (tier 1: a shared-quote link) and a
    third article quoting the same speaker in another story: both engines score the
    tier-1 pairs in tier 2 and give the same links, evidence and stories."""
    said = (f' "{QUOTE}," Mayor Maria Catala told reporters in Valencia on Wednesday, "and '
            'we will rebuild every bridge the river took from us before the winter comes."')
    records = [{"id": "a", "outlet": "El Diario", "text": FLOOD_A + said},
               {"id": "b", "outlet": "The Post", "text": FLOOD_B + said},
               {"id": "c", "outlet": "Tech Daily", "text": PHONE + said}]
    corpus = tmp_path / "quotes.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    options = _options(same_story=True)
    local_report, local_links, local_stories = _local([str(corpus)], tmp_path / "t.db", options)
    result = run_trace_spark([str(corpus)], options, spark=spark)
    report = result.report.to_dict()
    for key in ("links_added", "story_candidates", "story_links_added"):
        assert report[key] == local_report[key], key
    assert result.link_dicts() == local_links
    assert result.story_dicts() == local_stories
    quoted = {(x["a"], x["b"]): x for x in local_links}
    # the two reports of one story: tier 2 read them (without the sentence check a pair
    # sharing a quotation stays a shared quote, its same-story scores in the evidence)
    assert quoted["a", "b"]["kind"] == "shared_quote"
    assert quoted["a", "b"]["evidence"]["same_story"]["without_quotes"]["same_story_score"] > 0
