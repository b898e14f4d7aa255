"""What a version adds in its own voice: the framing delta leaves out text both versions
print and quoted speech (counted apart), and a body's copy of its headline counts once.

The texts are cut from the FakeNewsNet pairs a fact-checker read (session 16): the
Clinton Foundation AIDS story (ed3b/54ea), the Rahami lawsuit (b5f4/3487), Kathy Miller
(3706/59e3), CNNMoney on Trump and the press (9311/303d) and a photo credit (e1fe/e2b2).
"""

from __future__ import annotations

from storytrace.comparison import framing_words
from storytrace.framing import Framing, Signal, analyze_framing, framing_delta
from storytrace.framing.emphasis import caps_spans
from storytrace.framing.signals import voices


def _framing(text: str, *spans: tuple[str, str], title: str = "") -> Framing:
    """A framing of ``text`` with one signal per ``(kind, words)``, at the words' offsets."""
    signals = []
    for kind, words in spans:
        fld = "title" if title and words in title and words not in text else "text"
        at = (title if fld == "title" else text).index(words)
        signals.append(Signal(kind, fld, at, at + len(words), 0.5, kind, "", words))
    return Framing(signals=signals, fields={"title": title, "text": text})


FDA_A = ("The study found the firm had persistently poor quality control and attempted to "
         "cover it up through either faulty or fraudulent reporting to the FDA.\n\nIt is "
         "unclear at this juncture how many AIDS patients received the drugs.")
FDA_B = ("The study found the firm had persistently poor quality control and attempted to "
         "cover it up through either faulty or fraudulent reporting to the FDA. It is unclear "
         "at this juncture how many AIDS patients received the drugs. Corruption is rampant.")


def test_words_both_versions_print_are_not_added():
    # B's tagger flagged words A prints verbatim (A 3389 / B 3529): no difference
    a = _framing(FDA_A)
    b = _framing(FDA_B, ("loaded_language", "fraudulent reporting to the FDA. It is unclear at"),
                 ("propaganda", "Corruption is rampant"))
    delta = framing_delta(a, b)
    assert [s["text"] for s in delta["added_signals"]] == ["Corruption is rampant"]
    assert delta["added"] == {"propaganda": 1}
    assert delta["set_aside"]["b"] == {"shared": 1}


def test_a_short_span_is_judged_with_the_words_around_it():
    # 'drugs worldwide' alone is in many texts; B's sentence around it is B's own
    a = _framing("Ranbaxy was fined. Its generic drugs are sold worldwide.")
    b = _framing("Ranbaxy's drugs are banned in the US, but they are still selling and "
                 "distributing HIV/AIDs drugs worldwide.", ("loaded_language", "drugs worldwide"))
    assert voices(b, a) == ["own"]


LAWSUIT = ("The lawsuit says that the police had a ‘reckless disregard and deliberate "
           "indifference for plaintiff’s constitutional rights of liberty, due process and "
           "equal protection’. Effort and standards are a thing of the past.")


def test_quoted_speech_is_a_sources_words_counted_apart():
    a = _framing("The family sued the city in 2011, claiming religious persecution.")
    b = _framing(LAWSUIT, ("name_calling", "a ‘reckless disregard and deliberate indifference"
                                           " for plaintiff’s constitutional rights of"),
                 ("propaganda", "Effort and standards are a thing of the past"))
    delta = framing_delta(a, b)
    assert delta["added"] == {"propaganda": 1}
    assert delta["quoted"]["added"] == {"name_calling": 1}
    quoted = delta["quoted"]["added_signals"][0]
    assert LAWSUIT[quoted["start"]:quoted["end"]] == quoted["text"]  # offsets as before
    line = framing_words({"delta": delta})
    assert "B adds over A in its own words: 1 other propaganda span" in line
    assert "B quotes that A lacks: 1 name-calling span" in line


def test_a_quote_both_versions_print_is_in_neither():
    # Kathy Miller's words: A quotes them in its sentence, B as a block quote
    a = _framing("She said that “if you’re black and you haven’t been successful in the last 50 "
                 "years, it’s your own fault.” This perfectly illustrates it.")
    b = _framing("Miller skirted problems under the table:\n\nIf you’re black and you haven’t "
                 "been successful in the last 50 years, it’s your own fault.",
                 ("loaded_language", "If you’re black and you haven’t been successful"))
    delta = framing_delta(a, b)
    assert delta["added"] == {} and delta["quoted"]["added"] == {}


def test_scare_quotes_inside_the_writers_sentence_stay_the_writers():
    # CNNMoney's '"disaster"' is a source's one word; 'the Romney “landslide' is the
    # writer's sentence with one quoted word
    a = _framing("The rest of the story.")
    b = _framing('One aide called it a "disaster" for the campaign. Viewers were shocked to '
                 "find the Romney “landslide” was not to be.",
                 ("loaded_language", '"disaster'),
                 ("loaded_language", "Viewers were shocked to find the Romney “landslide"))
    assert voices(b, a) == ["quoted", "own"]


def test_a_body_that_repeats_its_headline_counts_it_once():
    title = "New York bomb Suspect SUED Police!"
    text = title + "\n\nThe suspect sued the police in 2011. How insane is this?"
    b = Framing(signals=[Signal("exclamation", "title", 0, 34, 0.6, text=title),
                         Signal("caps", "title", 22, 26, 0.8, text="SUED"),
                         Signal("exclamation", "text", 0, 34, 0.6, text=title),
                         Signal("caps", "text", 22, 26, 0.8, text="SUED")],
                fields={"title": title, "text": text})
    a = _framing("A man was arrested on Monday.")
    delta = framing_delta(a, b)
    assert delta["added"] == {"caps": 1, "exclamation": 1}
    assert {s["field"] for s in delta["added_signals"]} == {"title"}
    assert delta["set_aside"]["b"] == {"headline_repeat": 2}


def test_same_template_twice_adds_nothing():
    text = ("So then the one guy finds out that I’m not from there and offers to show me "
            "around. There are still places like this in America.")
    a = _framing(text, ("propaganda", "So then the one guy finds out that I’m not from there"))
    b = _framing(text.replace("guy", "man"), ("propaganda", "still places like this in America"))
    delta = framing_delta(a, b)
    assert delta["added"] == delta["removed"] == {}
    assert framing_words({"delta": delta}) == (
        "neither adds framing signals in its own words or in quotations")


def test_a_licence_tag_is_not_shouting():
    text = "Photo by David Shankbone / CC BY 2.0. Another by Jane Doe / CC BY-SA 4.0."
    assert caps_spans(text, body=True) == []
    shout = "They took it BY FORCE."
    assert [shout[s:e] for s, e, _, _ in caps_spans(shout)] == ["BY FORCE"]


def test_analyzed_framings_carry_their_texts():
    f = analyze_framing("Leftists must be brought to heel!", title="BOOM! He’s FINISHED!")
    assert f.fields == {"title": "BOOM! He’s FINISHED!",
                        "text": "Leftists must be brought to heel!"}
    assert "fields" not in f.to_dict()
    # the same article twice adds nothing, whatever the models flag
    delta = framing_delta(f, f)
    assert delta["added"] == delta["removed"] == delta["quoted"]["added"] == {}


def test_a_weak_model_span_is_listed_not_counted():
    # ABC's plain headline, tagged name calling at 0.37: kept with offsets under "weak"
    title = "Donald Trump Calls for Nationwide Stop-and-Frisk Policy, Then Rolls It Back"
    b = Framing(signals=[Signal("name_calling", "title", 0, len(title), 0.37, text=title),
                         Signal("loaded_language", "text", 0, 16, 0.69,
                                text="a grim portrait")],
                fields={"title": title, "text": "a grim portrait of black life"})
    delta = framing_delta(_framing("Trump spoke at a town hall on Wednesday."), b)
    assert delta["added"] == {"loaded_language": 1}
    (weak,) = delta["weak"]["added_signals"]
    assert (weak["field"], weak["start"], weak["end"], weak["voice"]) == (
        "title", 0, len(title), "own")


def test_a_quotation_opened_with_a_turned_mark_is_quoted():
    # B 1722: the lawsuit's words, opened with ’ instead of ‘
    text = ("The Elizabeth police department allegedly ’embarked on a course to harass, "
            "humiliate, retaliate against and force their business to close at 10pm’.")
    b = _framing(text, ("loaded_language", "humiliate"))
    assert voices(b, _framing("The family owned a chicken restaurant.")) == ["quoted"]


def test_a_sentence_of_the_writers_own_around_a_quote_stays_the_writers():
    # A 31-664: the writer's sneer, then Kathy Miller's words
    text = ("Trump’s Ohio chairwoman recently took it upon herself to prove to the world just "
            "how delusional the right-wing in America really is when Kathy Miller told "
            "reporters that racism didn’t exist until Obama. “I don’t think there was any "
            "racism until Obama got elected. We never had problems like this. Growing up as a "
            "kid, there was no racism, believe me. We were just all kids going to school and "
            "nobody ever talked about it at all.”")
    span = text[text.index("recently"):text.index("at all")]
    a = _framing("Miller resigned on Thursday.")
    assert voices(_framing(text, ("propaganda", span)), a) == ["own"]


def test_labels_and_abbreviations_in_capitals_are_not_shouting():
    text = ("CHAI continues to distribute the company’s HIV/AID drugs.\n\nUPDATE: Kathy "
            "Miller has resigned. This is OUTRAGEOUS!")
    assert [text[s:e] for s, e, _, _ in caps_spans(text, body=True)] == ["OUTRAGEOUS"]
