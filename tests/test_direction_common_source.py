"""Who copied whom, read against a common source the copy names, and the reason shown.

Small texts from the FakeNewsNet pairs a reviewer read (bench/labels/compare_review*.tsv):
ed3b/54ea (Right Wing News says 'From The Daily Caller:' before Eagle Rising's DCNF story),
b5f4/3487 (Freedom Daily quotes the Daily Mail 'courtesy of Louder With Crowder'),
9840/4d33 (two independent reports: no line decides).
"""

from __future__ import annotations

from datetime import UTC, datetime

from storytrace.comparison import compare, decisive_reason, summarize, verdict_words
from storytrace.model import Article
from storytrace.provenance.direction import credited_sources, infer_direction

DCNF = ("Former President Bill Clinton and his Clinton Health Access Initiative (CHAI) "
        "distributed watered-down AIDS drugs to sub-Saharan Africa, according to a draft "
        "congressional report obtained by The Daily Caller News Foundation. The congressional "
        "report was written by Rep. Marsha Blackburn, a Tennessee Republican. The CHAI "
        "program to help AIDS victims is considered one of the Clinton Foundation's most "
        "important contributions. The congressional report focused on Clinton's "
        "decade-long relationship with a top Indian pharmaceutical company, Ranbaxy. It also "
        "highlighted the work of Dinesh Thakur, a former Ranbaxy employee who became a "
        "whistleblower.")


def _pair(credit: str) -> tuple[Article, Article]:
    a = Article(id="ed3bc104", text=DCNF, outlet="Eagle Rising", url="http://eaglerising.com/36899/x",
                published=datetime(2016, 9, 21, 0, 8, tzinfo=UTC))
    b = Article(id="54ead977", text="This is just criminal and it is no surprise.\n\n"
                f"{credit}\n\n" + DCNF, outlet="John Hawkins' Right Wing News",
                url="http://rightwingnews.com/x", published=datetime(2016, 9, 21, 14, 10,
                                                                      tzinfo=UTC))
    return a, b


def test_a_copy_that_names_another_source_makes_the_verdict_unknown():
    a, b = _pair("From The Daily Caller:")
    d = infer_direction(a, b)
    assert d.verdict == "unknown"
    assert d.confidence < 0.5  # the copying halved: a common source is as likely
    first = d.evidence[0]
    assert first.name == "common_source" and first.value["source"] == "Daily Caller"
    assert "54ead977 says its text comes from The Daily Caller" in first.detail
    assert "a common source is as likely as 54ead977 copying ed3bc104" in first.detail
    assert b.text[first.value["start"]:first.value["end"]] == "From The Daily Caller"


def test_the_copy_naming_the_other_version_keeps_the_copying():
    a, b = _pair("From Eagle Rising:")
    d = infer_direction(a, b)
    assert d.verdict == "a->b"
    assert not any(e.name == "common_source" for e in d.evidence)


def test_compare_says_why_the_verdict_is_unknown():
    a, b = _pair("From The Daily Caller:")
    s = summarize(compare(a, b, details=("direction", "attributions")).to_dict())
    assert verdict_words(s["direction"]) == "unknown"
    assert s["direction"]["reason"].startswith(
        "common source: B says its text comes from The Daily Caller")
    assert "The Daily Caller" in s["credits"]["b"]


def test_daily_mail_credit_line_is_read_and_names_a_common_source():
    lead = ("A family is suing the police. The journalists over at the Daily Mail did some "
            "digging into the lawsuit, and here's what they found (courtesy of Louder With "
            "Crowder):\n\n")
    body = ("Ahmad Khan Rahami and his family sued the city of Elizabeth in 2011, claiming "
            "they were targeted by police because they are Muslims who own a chicken "
            "restaurant. The family said officers issued baseless tickets and summonses. "
            "The restaurant was ordered to close early after neighbours complained about "
            "noise and crowds late at night, and the family said it was singled out.")
    found = {(c.name, c.kind) for c in credited_sources(lead + body)}
    assert ("Daily Mail", "credit_line") in found
    assert ("Louder With Crowder", "via") in found
    source = Article(id="b", text="The suspect sued the police in 2011. " + body,
                     outlet="John Hawkins' Right Wing News",
                     published=datetime(2016, 9, 20, 19, 9, tzinfo=UTC))
    copy = Article(id="a", text=lead + body, outlet="Freedom Daily",
                   published=datetime(2016, 9, 20, 20, 47, tzinfo=UTC))
    d = infer_direction(copy, source)
    assert d.verdict == "unknown" and d.evidence[0].name == "common_source"
    assert "the Daily Mail" in d.evidence[0].detail


def test_no_line_that_decides_nothing_is_named_strongest():
    direction = {"verdict": "unknown", "confidence": 0.5, "score": 0.0, "evidence": [
        {"name": "credit", "points": "none", "weight": 0.0,
         "detail": "4d33 credits Egypt's state news agency: none of the credits names the "
                   "other article"},
        {"name": "time", "points": "none", "weight": 0.0,
         "detail": "published at the same time (same day)"}]}
    assert decisive_reason(direction) == "nothing decides: no evidence points either way"
    direction["evidence"].append({"name": "containment", "points": "b->a", "weight": 0.4,
                                  "detail": "x is more contained"})
    # Order and overlap alone (held-out reading, session 17: 4 of 6 such leans misleading).
    assert decisive_reason(direction).startswith("nothing in the texts says which is the copy")
    assert verdict_words(direction) == "unknown"
    direction["evidence"].append({"name": "slips", "points": "b->a", "weight": 0.5,
                                  "detail": "x has a copying slip"})
    direction["score"], direction["confidence"] = -0.9, 0.71
    assert decisive_reason(direction) == "nothing decides; strongest: slips: x has a copying slip"
    assert verdict_words(direction).startswith("unknown (the evidence leans 0.71 toward")


def test_the_earlier_version_naming_a_third_publisher_makes_the_verdict_unknown():
    """b5f4/7039 (held-out reading, session 17): Freedom Daily, the earlier, prints the
    Daily Mail's findings after 'The journalists over at the Daily Mail ... here's what they
    found:'; Eagle Rising, 2 hours later, has the same facts. Publication order made
    'A was copied by B (0.65)'; Eagle Rising may have them from the Daily Mail as well."""
    early = Article(id="b5f474dd", text="The journalists over at the Daily Mail did some "
                    "digging, and here's what they found:\n\n" + DCNF,
                    outlet="Freedom Daily", url="http://freedomdaily.com/x",
                    published=datetime(2016, 9, 19, 20, 47, tzinfo=UTC))
    late = Article(id="70390541", text="A new report is out.\n\n" + DCNF, outlet="Eagle Rising",
                   url="http://eaglerising.com/x",
                   published=datetime(2016, 9, 19, 23, 5, tzinfo=UTC))
    d = compare(early, late, details=("direction",)).details["direction"]
    assert d["verdict"] == "unknown", d
    first = d["evidence"][0]
    assert first["name"] == "common_source" and first["value"]["side"] == "b5f474dd", first
    assert "70390541 may have it from there as well as from b5f474dd" in first["detail"]
    # Without the credit, publication order still leans the same way, as before.
    plain = Article(id="b5f474dd", text="A report is out.\n\n" + DCNF, outlet="Freedom Daily",
                    url="http://freedomdaily.com/x", published=early.published)
    assert compare(plain, late, details=("direction",)).details["direction"]["verdict"] == "a->b"


def test_two_reports_that_share_no_text_get_no_direction():
    """Held-out reading (session 17, e31e/84a4): two Charlotte reports that share no
    passage got 'B was copied by A (confidence 0.89)' from publication order and one word
    capitalised differently; with nothing copied there is nothing to orient."""
    a = Article(id="a", text="Protesters marched through uptown Charlotte on Wednesday night "
                "after the police shooting of Keith Lamont Scott. One man was critically "
                "wounded. The Governor declared a state of emergency.", outlet="Right Wing "
                "News", published=datetime(2016, 9, 22, 12, tzinfo=UTC))
    b = Article(id="b", text="North Carolina governor Pat McCrory declared a state of "
                "emergency in Charlotte, where a second night of unrest left a protester on "
                "life support.", outlet="CNN", published=datetime(2016, 9, 21, 23, tzinfo=UTC))
    d = compare(a, b, details=("direction",)).details["direction"]
    assert d["verdict"] == "unknown" and d["evidence"][0]["name"] == "nothing_shared", d
    assert verdict_words(d) == "unknown"
    assert decisive_reason(d).startswith("nothing shared: a and b share no passage of text")
