"""Garbled readings: which of two versions reads worse where they differ by a few words."""

from __future__ import annotations

import json
import re
from importlib import resources

import numpy as np
import pytest

from storytrace.model import Article
from storytrace.provenance.direction import infer_direction, profile, readings_evidence
from storytrace.provenance.readings import WordModel, compare_readings, tokens

SOURCE = ("The city council voted on Tuesday to approve a new budget for the coming year. "
          "The mayor said the police would receive more money for overtime. "
          "Residents who attended the meeting said they were worried about the libraries.")


@pytest.fixture(scope="module")
def model() -> WordModel:
    return WordModel.default()


def test_swapped_and_stray_words_are_the_copys(model):
    copy = (SOURCE.replace("for the coming", "the for coming")
            .replace("said the police", "said the indeed police"))
    r = compare_readings(SOURCE, copy, model)
    assert (r.worse_in_a, r.worse_in_b) == (0, 2)
    shown = {copy[slice(*p.b)] for p in r.examples}
    assert shown == {"the for", "indeed"}
    assert all(p.worse == "b" and p.nats >= 2.0 for p in r.examples)
    assert {SOURCE[slice(*p.a)] for p in r.examples} == {"for the", ""}
    # The same comparison the other way round blames the other side.
    back = compare_readings(copy, SOURCE, model)
    assert (back.worse_in_a, back.worse_in_b) == (2, 0)


def test_rewording_that_reads_well_counts_for_neither(model):
    reworded = SOURCE.replace("on Tuesday", "on Wednesday").replace("coming year", "next year")
    r = compare_readings(SOURCE, reworded, model)
    assert (r.worse_in_a, r.worse_in_b) == (0, 0)
    assert compare_readings(SOURCE, SOURCE, model).examples == ()


def test_added_sentences_are_not_readings(model):
    longer = SOURCE.replace("coming year.", "coming year. Officials gave no further details "
                            "about how the money would be spent across the districts.")
    r = compare_readings(SOURCE, longer, model)
    assert (r.worse_in_a, r.worse_in_b) == (0, 0)


@pytest.mark.parametrize("text", ["", "\x00\x00", "😀 🎉 😀", "مرحبا بالعالم. שלום",
                                  "a\ud800b c\udfffd", "." * 500, "\n\n\n"])
def test_hostile_input_gives_valid_offsets(model, text):
    for a, b in ((text, SOURCE), (SOURCE, text), (text, text + " word")):
        r = compare_readings(a, b, model)
        for p in r.examples:
            assert 0 <= p.a[0] <= p.a[1] <= len(a) and 0 <= p.b[0] <= p.b[1] <= len(b)
    for word, (start, end) in tokens(text):
        assert 0 <= start <= end <= len(text)
        assert word in ("<s>", "</s>") or text[start:end].lower() == word


def test_direction_counts_garbled_readings_as_copy_evidence():
    copy_text = (SOURCE.replace("for the coming", "the for coming")
                 .replace("said the police", "said the indeed police")
                 .replace("voted on Tuesday", "voted on on Tuesday"))
    a = Article(id="a", text=SOURCE, title="Council approves a new budget for the year")
    b = Article(id="b", text=copy_text, title="Council approves a new the budget for year")
    ev = readings_evidence(profile(a), profile(b))
    assert ev.points == "a->b" and ev.weight > 0
    # Three in the text, two in the title.
    assert ev.value["a_garbled"] == 0 and ev.value["b_garbled"] == 5
    fields = {x["field"] for x in ev.value["examples"]}
    assert fields <= {"title", "text"} and len(ev.value["examples"]) == 3
    for x in ev.value["examples"]:
        text = b.title if x["field"] == "title" else b.text
        assert 0 <= x["b"][0] <= x["b"][1] <= len(text)
    # The reason quotes the clearest slip, with a word of context, and the source's wording.
    slip, original = re.findall(r'"([^"]*)"', ev.detail)[:2]
    assert slip in b.text + b.title and original in a.text + a.title
    assert slip != original
    assert readings_evidence(profile(b), profile(a)).points == "b->a"
    assert "readings" in [e.name for e in infer_direction(a, b).evidence if e.points == "a->b"]


def test_bundled_model_records_its_data():
    path = resources.files("storytrace") / "data" / "word_bigrams.npz"
    with resources.as_file(path) as p, np.load(p) as z:
        meta = json.loads(str(z["meta"]))
        assert len(z["bigram_keys"]) == meta["bigrams_kept"] > 100_000
        assert "fakenewsnet" not in " ".join(meta["corpora"]).lower()
    model = WordModel.default()
    assert model.surprise("prime", "minister") == 0  # seen together
    assert model.surprise("the", "for") > 100 > 1 > model.surprise("coming", "year")


def test_model_round_trips(tmp_path):
    m = WordModel.from_texts(["the cat sat on the mat. the cat sat down.",
                              "a dog sat on the mat."], min_bigram=2)
    m.save(tmp_path / "m.npz", "{}")
    again = WordModel.load(tmp_path / "m.npz")
    assert again == m
    assert m.surprise("cat", "sat") == 0 < m.surprise("sat", "cat")
