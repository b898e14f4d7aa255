"""Facts diff: normalisers, fact and entity rules, offsets, and the seed pair's targets."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from storytrace.align import Aligner
from storytrace.comparison import compare
from storytrace.diff import (
    diff_versions,
    extract_entities,
    extract_facts,
    link_entities,
    normalize_age,
    normalize_date,
    normalize_money,
    normalize_number,
    normalize_quote,
    normalize_time,
    parse_number,
)
from storytrace.diff import entities as entities_module
from storytrace.diff.entities import acronym_definitions, canonical_name
from storytrace.diff.normalize import dates_match
from storytrace.ingest import read_sources
from storytrace.model import Article

LEXICAL = Aligner(semantic=False)

# ----------------------------------------------------------------------- normalisers


@pytest.mark.parametrize(("a", "b"), [
    ("a 51-year-old", "51"), ("51-year-old", "aged 51"), ("51 years old", "51"),
    ("fifty-one-year-old", "51"), ("an 8-year-old", "eight"),
])
def test_ages_written_differently_agree(a, b):
    assert normalize_age(a) == normalize_age(b) is not None


def test_age_rejects_non_ages():
    assert normalize_age("500") is None
    assert normalize_age("several") is None


@pytest.mark.parametrize(("a", "b"), [
    ("$115 million", "115 million dollars"), ("$115m", "$115,000,000"),
    ("£3.5bn", "3.5 billion pounds"), ("a million dollars", "$1 million"),
    ("US$20", "twenty dollars"),
])
def test_money_written_differently_agrees(a, b):
    assert normalize_money(a) == normalize_money(b) is not None


def test_money_keeps_currency_apart():
    assert normalize_money("$5") != normalize_money("€5")
    assert normalize_money("5 apples") is None


@pytest.mark.parametrize(("a", "b"), [
    ("March 2", "2 March"), ("March 2nd", "2nd of March"), ("Feb. 14", "14 February"),
    ("March 2, 2017", "2 March 2017"), ("Sept. 3", "September 3"),
])
def test_dates_written_differently_agree(a, b):
    assert normalize_date(a) == normalize_date(b) is not None


def test_dates_partial_and_matching():
    assert normalize_date("March 2") == "--03-02"
    assert normalize_date("February") == "--02"
    assert normalize_date("2014") == "2014"
    assert normalize_date("Tuesday") == "tuesday"
    assert normalize_date("March 32") is None
    assert dates_match("--03-02", "2017-03-02")  # the year left out
    assert not dates_match("--03-02", "--03-15")
    assert not dates_match("2016-03-02", "2017-03-02")
    assert not dates_match("--03", "--03-02")  # a month is not a day in it


@pytest.mark.parametrize(("words", "value"), [
    ("twelve", 12), ("twenty-one", 21), ("one hundred and five", 105),
    ("two thousand", 2000), ("twelve hundred", 1200), ("a dozen", 12), ("two dozen", 24),
    ("3.5 million", 3_500_000), ("1,200", 1200), ("forty two", 42),
])
def test_numbers_as_words(words, value):
    assert parse_number(words) == value


def test_number_normaliser():
    assert normalize_number("twelve") == normalize_number("12") == "12"
    assert normalize_number("lots") is None


def test_times_and_quotes():
    assert normalize_time("10 a.m.") == normalize_time("10:00") == "10:00"
    assert normalize_time("3:30 PM") == "15:30"
    assert normalize_time("noon") == "12:00"
    assert normalize_quote("“Collusion.”") == normalize_quote('"collusion"') == "collusion"
    assert normalize_quote("“they’re all criminals”") == "they're all criminals"


# ---------------------------------------------------------------------------- facts


def kinds(text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, f.text, f.value) for f in extract_facts(text)]


def test_facts_kinds_and_values():
    t = ("On March 15, Milton Chimborazo, 35, was one of 12 men charged; the city paid "
         "$115 million, 40% more than in 2014, at 10 a.m. He said: “We are done.”")
    assert kinds(t) == [
        ("date", "March 15", "--03-15"), ("age", "35", "35"), ("number", "12", "12"),
        ("money", "$115 million", "USD 115000000"), ("percent", "40%", "40%"),
        ("date", "2014", "2014"), ("time", "10 a.m.", "10:00"),
        ("quote", "“We are done.”", "we are done"),
    ]


def test_age_after_a_name_only():
    assert kinds("Gonzalez, 51, left.")[0][0] == "age"
    assert extract_facts("Gonzalez, 51, left.")[0].about == "Gonzalez"
    assert kinds("In rooms 12, 13, and 14.")[0][0] == "number"  # not after a name


def test_not_every_number_is_a_fact():
    assert kinds("2000 people came.") == [("number", "2000", "2000")]  # a count, not a year
    assert kinds("They may come. One of them left.") == []  # the verb; "one of"
    assert kinds("It was two dozen.") == [("number", "two dozen", "24")]


def test_number_unit_is_the_counted_noun():
    facts = extract_facts("Judges go to 12 major cities and two men stay.")
    assert [(f.text, f.about) for f in facts] == [("12", "cities"), ("two", "men")]


# ------------------------------------------------------------------------- entities


def ents(text: str) -> list[tuple[str, str]]:
    return [(e.kind, e.text) for e in extract_entities(text, spacy=False)]


def test_titles_are_split_from_names():
    assert ents("It was signed by California Governor Jerry Brown yesterday.") == [
        ("place", "California"), ("person", "Jerry Brown")]
    assert ents("Then Mr. Smith said no.") == [("person", "Smith")]
    assert ents("Mayors and Governors met the President.") == []


def test_honorific_particles_and_possessives():
    assert ents("Critics of Mayor Bill de Blasio’s plan spoke.") == [
        ("person", "Bill de Blasio")]
    assert ents("Critics say de Blasio’s plan failed.") == [("entity", "de Blasio")]


def test_sentence_openers_are_not_names():
    assert ents("However, the plan failed. Yeah, it did. Actually, no.") == []
    # ... but a name that opens a sentence is kept when it is seen as a name elsewhere
    assert ents("Gonzalez left. Police saw David Gonzalez.") == [
        ("entity", "Gonzalez"), ("person", "David Gonzalez")]


def test_organisations_places_groups():
    assert ents("The Department of Justice and the NYPD met in New York City.") == [
        ("org", "Department of Justice"), ("org", "NYPD"), ("place", "New York City")]
    assert ents("Reporters at the New York Daily News asked Democrats.") == [
        ("org", "New York Daily News"), ("group", "Democrats")]
    assert ents("Officers flew to the U.S. from Mexico.") == [
        ("place", "U.S."), ("place", "Mexico")]


def test_month_names_belong_to_dates():
    assert ents("Officials met David Smith in March.") == [("person", "David Smith")]


def test_capitals_for_emphasis_are_not_organisations():
    assert ents("This is HUGE news, they said.") == [("entity", "HUGE")]
    assert ents("Critics said DONT BELIEVE REPUBLICANS today.") == []


def test_linking_acronyms_surnames_and_aliases():
    ta = ("Agents of United States Immigration and Customs Enforcement (ICE) met "
          "Officer David Gonzalez in the United States.")
    tb = "Immigration and Customs Enforcement told Gonzalez that the US and ICE agree."
    a, b = extract_entities(ta, spacy=False), extract_entities(tb, spacy=False)
    (la, lb), info = link_entities([a, b], acronym_definitions(ta, a))
    values = {m.text: m.value for m in la + lb}
    ice = values["ICE"]
    assert values["Immigration and Customs Enforcement"] == ice
    assert values["United States Immigration and Customs Enforcement"] == ice
    assert values["Gonzalez"] == values["David Gonzalez"] == "person:david gonzalez"
    assert values["US"] == values["United States"] == "place:united states"
    assert info[ice]["name"] == "United States Immigration and Customs Enforcement (ICE)"


def test_surname_shared_by_two_people_is_not_linked():
    t = "Mary Smith met John Smith. Smith left."
    (linked,), _ = link_entities([extract_entities(t, spacy=False)])
    assert len({m.value for m in linked}) == 3


def test_canonical_names():
    assert canonical_name("the U.S.") == canonical_name("United States") == "united states"
    assert canonical_name("NYC") == "new york city"


@dataclass
class FakeEnt:
    start_char: int
    end_char: int
    label_: str


class FakeNLP:
    """Stands in for a spaCy pipeline: a Doc-like object with ``ents``."""

    def __call__(self, text):
        found = []
        for name, label in (("Cher", "PERSON"), ("Acme Widgets", "ORG"), ("eBay", "ORG"),
                            ("42", "CARDINAL")):
            i = text.find(name)
            if i >= 0:
                found.append(FakeEnt(i, i + len(name), label))

        class Doc:
            ents = found
        return Doc()


def test_spacy_entities_classify_and_add(monkeypatch):
    text = "Yesterday the singer Cher visited Acme Widgets and eBay with 42 fans."
    assert ents(text) == [("entity", "Cher"), ("entity", "Acme Widgets")]
    monkeypatch.setattr(entities_module, "spacy_pipeline", lambda: FakeNLP())
    got = extract_entities(text, spacy="auto")
    assert [(e.kind, e.text, e.source) for e in got] == [
        ("person", "Cher", "rules+spacy"), ("org", "Acme Widgets", "rules+spacy"),
        ("org", "eBay", "spacy")]
    assert all(text[e.start:e.end] == e.text for e in got)
    assert ents(text) == [("entity", "Cher"), ("entity", "Acme Widgets")]  # spacy=False


def test_spacy_pipeline_absent_or_official():
    nlp = entities_module.spacy_pipeline()
    assert nlp is None or nlp.meta["author"].lower() == "explosion"


# -------------------------------------------------------------------------- the diff


def diff(x: str, y: str):
    return diff_versions(Article(text=x), Article(text=y), aligner=LEXICAL, spacy=False)


def test_changed_number_age_person_and_quote():
    d = diff("The Department of Justice is sending immigration judges to 12 major cities to "
             "handle deportation cases. Police said Gonzalez, 51, was arrested in Brooklyn. "
             "Mayor Bill de Blasio signed the sanctuary law on Monday after a long debate. "
             "The mayor told reporters: “we will not cooperate with ICE under any "
             "circumstances.”",
             "The Department of Justice is sending immigration judges to 15 major cities to "
             "handle deportation cases. Police said Gonzalez, 52, was arrested in Brooklyn. "
             "Governor Andrew Cuomo signed the sanctuary law on Monday after a long debate. "
             "The mayor told reporters: “we won't cooperate with ICE under any circumstances "
             "at all.”")
    changed = {(a.kind, a.text, b.text) for a, b, _ in d.changed}
    assert changed == {
        ("number", "12", "15"), ("age", "51", "52"),
        ("person", "Bill de Blasio", "Andrew Cuomo"),
        ("quote", "“we will not cooperate with ICE under any circumstances.”",
         "“we won't cooperate with ICE under any circumstances at all.”"),
    }
    assert not d.a_new and not d.b_new
    assert d.summary()["changed"][0] == "number (cities): A “12” → B “15”"


def test_changed_day_inside_a_date():
    d = diff("Schneiderman said in a September 13 CNN interview that his office is looking.",
             "Schneiderman said in a September 20 CNN interview that his office is looking.")
    assert d.summary()["changed"] == ["date: A “September 13” → B “September 20”"]


def test_matching_after_normalisation_and_quote_marks_dropped():
    d = diff("Governor Jerry Brown signed a budget cutting $115 million on March 2, 2017, "
             "and it was “a disgrace” to them.",
             "Governor Jerry Brown signed a budget cutting 115 million dollars on 2 March, and "
             "it was a disgrace to them.")
    matching = d.summary()["matching"]
    assert "money $115 million: A “$115 million” = B “115 million dollars”" in matching
    assert "date March 2, 2017: A “March 2, 2017” = B “2 March”" in matching
    (a, b, note), = d.changed
    assert (a.text, b.text, note) == ("“a disgrace”", "a disgrace", "quotation marks dropped")


def test_new_sentence_and_its_new_facts():
    d = diff("The mayor signed the law.",
             "The mayor signed the law. In 2014, Sessions met 12 judges in Chicago.")
    assert [s.text for s in d.b_new] == ["In 2014, Sessions met 12 judges in Chicago."]
    assert d.summary()["b_adds"] == [
        "“In 2014, Sessions met 12 judges in Chicago.” — new: date 2014; entity Sessions; "
        "number 12 (judges); place Chicago"]


def test_empty_versions():
    d = diff("", "Something happened here.")
    assert d.a_sentences == [] and [s.text for s in d.b_new] == ["Something happened here."]
    json.dumps(d.to_dict())


def assert_offsets(d) -> None:
    """Every reported span slices its article's original text (and counterparts theirs)."""
    data = d.to_dict()
    for side, other in (("a", "b"), ("b", "a")):
        text = getattr(d, side).text
        other_text = getattr(d, other).text
        for f in data[side]["facts"]:
            assert text[f["start"]:f["end"]] == f["text"]
            if "about_span" in f:
                s, e = f["about_span"]
                assert text[s:e]
            if "counterpart" in f:
                c = f["counterpart"]
                assert other_text[c["start"]:c["end"]] == c["text"]
        for s in data[side]["new_sentences"]:
            assert text[s["start"]:s["end"]] == s["text"]
            for f in s["facts"]:
                assert text[f["start"]:f["end"]] == f["text"]
    for p in data["sentence_pairs"]:
        assert d.a.text[p["a_start"]:p["a_end"]].strip()
        assert d.b.text[p["b_start"]:p["b_end"]].strip()
    for c in data["changed"]:
        assert d.a.text[c["a"]["start"]:c["a"]["end"]] == c["a"]["text"]
        assert d.b.text[c["b"]["start"]:c["b"]["end"]] == c["b"]["text"]


def test_offsets_slice_original_text_with_odd_characters():
    d = diff("  Gonzalez,\u00a0a 51-year-old, met Mayor Bill de\u00a0Blasio’s aide on March\u00a02."
             "\n\nHe said: “It’s over.” $5\u00a0million was paid.",
             "David Gonzalez, 51, met the aide on 2 March. He said: \"It's over.\"")
    assert_offsets(d)
    assert {f.fact.kind for f in d.a_facts} >= {"age", "person", "date", "quote", "money"}


# --------------------------------------------------------------------------- seeds


# "default" uses sentence embeddings when the semantic extra is installed (loading the model
# takes seconds); "lexical" is the tool without them.
@pytest.fixture(scope="module", ids=["default", "lexical"],
                params=[pytest.param("auto", marks=pytest.mark.slow), False])
def seed_diff(request):
    from tests.conftest import shared_path

    seeds = shared_path("examples", "seeds")
    a = next(iter(read_sources([str(seeds / "000_d761ffa0f73a1395.txt")])))
    b = next(iter(read_sources([str(seeds / "001_36f01ec5b307d8ad.txt")])))
    aligner = Aligner(semantic=request.param)
    if request.param is False:  # the comparison computed beforehand, as `compare` does
        return diff_versions(a, b, compare(a, b, aligner), aligner=aligner)
    return diff_versions(a, b, aligner=aligner)


def facts(statuses, kind, text=None):
    return [s for s in statuses if s.fact.kind == kind and (text is None or s.fact.text == text)]


def new_sentence(new, fragment):
    found = [s for s in new if fragment in " ".join(s.text.split())]  # text has no-break spaces
    assert found, f"no new sentence contains {fragment!r}"
    return found[0]


def test_seed_000_adds(seed_diff):
    d = seed_diff
    s = new_sentence(d.a_new, "Milton Chimborazo, 35, who had faced burglary charges")
    assert {(f.kind, f.text) for f in s.facts} >= {("person", "Milton Chimborazo"),
                                                   ("age", "35")}
    (age,) = facts(d.a_facts, "age", "35")
    assert age.status == "only" and age.fact.about == "Milton Chimborazo"
    for day in ("March 2", "March 15"):
        (date,) = facts(d.a_facts, "date", day)
        assert date.status == "only"
        assert any(day in s.text for s in d.a_new)
    s = new_sentence(d.a_new, "sending immigration judges to 12 major cities")
    assert {(f.kind, f.text) for f in s.facts} >= {("org", "Department of Justice"),
                                                   ("number", "12")}
    (money,) = facts(d.a_facts, "money")
    assert (money.fact.value, money.status) == ("USD 115000000", "only")
    s = new_sentence(d.a_new, "$115 million")
    assert "budget" in s.text and money.fact in s.facts
    assert any("California Governor Jerry Brown" in s.text for s in d.a_new)
    adds = " ".join(d.summary()["a_adds"])
    for needle in ("person Milton Chimborazo", "age 35 (Milton Chimborazo)", "date March 2",
                   "date March 15", "org Department of Justice", "number 12 (cities)",
                   "money $115 million"):
        assert needle in adds


def test_seed_001_adds(seed_diff):
    d = seed_diff
    s = new_sentence(d.b_new, "In 2014,")
    assert "signed a law" in s.text
    assert [(f.kind, f.value) for f in s.facts] == [("date", "2014")]
    new_sentence(d.b_new, "After a judge released him, he was immediately picked up by ICE.")
    new_sentence(d.b_new, "they’re all criminals")
    adds = d.summary()["b_adds"]
    assert any("date 2014" in line for line in adds)
    assert any("they’re all criminals" in line for line in adds)


def test_seed_gonzalez_age_matches(seed_diff):
    d = seed_diff
    (a_age,) = facts(d.a_facts, "age", "51-year-old")
    (b_age,) = facts(d.b_facts, "age", "51")
    assert a_age.status == b_age.status == "matching"
    assert a_age.counterpart == b_age.fact and b_age.counterpart == a_age.fact
    assert a_age.fact.subject == b_age.fact.subject == "person:david gonzalez"
    matching = d.summary()["matching"]
    assert "age 51 (David Gonzalez): A “51-year-old” = B “51”" in matching
    assert "person David Gonzalez" in matching


def test_seed_diff_is_honest_and_json_safe(seed_diff):
    d = seed_diff
    assert_offsets(d)
    data = json.loads(json.dumps(d.to_dict(), ensure_ascii=False))
    assert set(data["summary"]) >= {"a_adds", "b_adds", "changed", "matching", "counts"}
    # Both versions name ICE, the NYPD and de Blasio: none of them is "new".
    matching = data["summary"]["matching"]
    for name in ("NYPD", "ICE", "Bill de Blasio", "Trump"):
        assert any(name in line for line in matching)
    # The reused passages' sentences have counterparts.
    assert any(p["how"] == "passage" for p in data["sentence_pairs"])
    # Quotes carry their speaker when the attribution extractor names one.
    (quote,) = facts(d.a_facts, "quote", "“notified ICE”")
    assert (quote.status, quote.fact.about) == ("only", "An administrative aide")
    (collusion,) = facts(d.a_facts, "quote", "“collusion”")
    assert collusion.status == "matching" and collusion.counterpart.text == "“collusion.”"
    # The paragraph 000 prints twice is listed once, marked (×2).
    assert sum("setting up a showdown" in line for line in data["summary"]["a_adds"]) == 1


def test_comparison_in_either_order():
    a = Article(text="Gonzalez, 51, was arrested in Brooklyn on Monday. He faced charges.")
    b = Article(text="David Gonzalez, 51, was arrested in Brooklyn on Monday, police said.")
    forward = diff_versions(a, b, compare(a, b, LEXICAL), aligner=LEXICAL, spacy=False)
    swapped = diff_versions(a, b, compare(b, a, LEXICAL), aligner=LEXICAL, spacy=False)
    assert forward.summary() == swapped.summary()
    assert_offsets(swapped)


def test_same_words_are_the_same_text_whatever_quotes_and_spacing():
    import numpy as np

    from storytrace.diff.counterparts import LEXICAL, link_sentences
    from storytrace.text.doc import Doc

    a = Doc("Police said it’s over. The mayor said: “No comment.”")
    b = Doc('The mayor  said: "no comment." Police said it\'s over!')
    spans_a, spans_b = a.sentence_spans, b.sentence_spans
    assert len(spans_a) == len(spans_b) == 2
    sim = np.zeros((2, 2))  # no similarity and no passage: only the words can link them
    links_a, links_b = link_sentences(a, b, spans_a, spans_b, sim, [], [set()] * 2,
                                      [set()] * 2, LEXICAL)
    assert [(x.counterpart, x.how) for x in links_a] == [(1, "same text"), (0, "same text")]
    assert [(x.counterpart, x.how) for x in links_b] == [(1, "same text"), (0, "same text")]
    # One word more is another text.
    c = Doc("A storm hit the coast. The mayor said: no comment at all.")
    links_c, _ = link_sentences(a, c, spans_a, c.sentence_spans, sim, [], [set()] * 2,
                                [set()] * 2, LEXICAL)
    assert [x.counterpart for x in links_c] == [None, None]
