"""Each article's language is detected at ingest and stored; English-only components
(the same-story model, framing) say so for other languages instead of guessing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from storytrace import compare
from storytrace.engines.core import TraceOptions
from storytrace.engines.story_links import same_story_links
from storytrace.model import Article
from storytrace.pipeline import ingest
from storytrace.store import Store
from storytrace.text.language import detect_language

EN = ("The city council voted on Tuesday to close the old river bridge for two years of "
      "repairs, after engineers found cracks in three of its steel supports, officials said.")
DE = ("Der Stadtrat hat am Dienstag beschlossen, die alte Brücke für zwei Jahre zu schließen, "
      "nachdem Ingenieure Risse in drei ihrer Stahlträger gefunden hatten, sagte die Stadt.")


def test_ingest_stores_each_articles_language(tmp_path: Path):
    rows = [{"id": "en", "text": EN}, {"id": "de", "text": DE}, {"id": "short", "text": "Hi."}]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    with Store(tmp_path / "s.db") as store:
        assert ingest([tmp_path / "a.jsonl"], store).added == 3
    with Store(tmp_path / "s.db") as store:  # kept across reopening
        assert {i: store.get(i).language for i in ("en", "de", "short")} == {
            "en": "en", "de": "de", "short": ""}


def test_compare_names_the_languages_and_does_not_guess_framing():
    result = compare(Article(text=EN + " " + EN), Article(text=DE + " " + DE), semantic=False)
    assert result.details["language"] == {"a": "en", "b": "de"}
    framing = result.details["framing"]
    assert "a" in framing and "b" not in framing and "delta" not in framing
    assert "B is in de" in framing["note"]
    english = compare(Article(text=EN), Article(text=EN + " More."), semantic=False)
    assert {"a", "b", "delta"} <= set(english.details["framing"])


class _AlwaysSame:
    """A same-story model that calls every pair the same story (to see what is scored)."""

    model = "stub"

    def __init__(self) -> None:
        self.scored: list[tuple[str, str]] = []

    def probabilities(self, pairs, sketch_cosine=None):
        self.scored += pairs
        return np.ones(len(pairs))

    def feature_values(self, pairs, sketch_cosine):
        return [{} for _ in pairs]


def test_the_same_story_model_reads_only_english():
    from storytrace.align import Aligner

    names = " Berlin Stadtrat Müller Schmidt sagte."
    arts = {1: Article(id="1", text=DE + names, language=detect_language(DE + names)),
            2: Article(id="2", text=DE + " Heute." + names, language="de"),
            3: Article(id="3", text=EN + " Berlin Stadtrat Müller Schmidt.", language="en"),
            4: Article(id="4", text=EN + " Again: Berlin Stadtrat Müller Schmidt.",
                       language="")}
    model = _AlwaysSame()
    links = same_story_links([(1, 2), (3, 4), (1, 3)], arts, {(1, 2): .5, (3, 4): .5,
                                                              (1, 3): .5},
                             model, Aligner(semantic=False), TraceOptions())
    assert arts[1].language == "de"
    assert len(model.scored) == 1  # only the English pair (unknown counts as English)
    assert {(x.a_seq, x.b_seq) for x in links} == {(3, 4)}


def test_plain_english_is_told_without_loading_the_model():
    """Most English news is told by its function words; the language model (about 0.6
    CPU-s to load) is read only for other texts."""
    import subprocess
    import sys

    code = ("import sys; from storytrace.text.language import detect_language as d; "
            "print(d('The city council voted on Tuesday to close the old bridge for two years "
            "of repairs after the engineers said that it was not safe for cars.'), "
            "'py3langid' in sys.modules); "
            "print(d('Der Stadtrat hat am Dienstag beschlossen, die alte Brücke für zwei Jahre "
            "zu schließen, nachdem Ingenieure Risse in drei ihrer Stahlträger gefunden hatten, "
            "sagte die Stadt.'), 'py3langid' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["en", "False", "de", "True"]
