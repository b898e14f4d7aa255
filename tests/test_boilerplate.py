"""Site boilerplate: learnt from the corpus, set aside before alignment, reported, and
updated as the corpus grows; `compare` sets it aside with or without a corpus."""

from __future__ import annotations

import random

from storytrace.comparison import compare
from storytrace.engines.local import boilerplate_model, run_trace, trace_store
from storytrace.model import Article
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex
from storytrace.text.boilerplate import Boilerplate, block_keys, mask, promo_blocks, site_of

_rng = random.Random(5)
_VOCAB = [f"w{i}" for i in range(5000)]


def _body(words: int = 240) -> str:
    out = _rng.choices(_VOCAB, k=words)
    return " ".join(" ".join(out[i : i + 15]).capitalize() + "." for i in range(0, words, 15))


def _footer(outlet: str) -> str:
    return (f"\n\nSign up for the {outlet} newsletter to get our best stories in your inbox "
            f"every single morning before work. The views expressed in this article are the "
            f"writer's own and do not reflect those of {outlet} Media or its partners. "
            f"Support independent journalism that the mainstream media refuses to print and "
            f"help us keep the lights on this year. Follow {outlet} on every social network "
            f"where you read the news and share this story with your friends and family.")


def _site_articles(outlet: str, n: int, start: int = 0, words: int = 90) -> list[Article]:
    return [Article(id=f"{outlet[:3].lower()}{i}", text=_body(words) + _footer(outlet),
                    outlet=outlet) for i in range(start, start + n)]


def _sidebar(outlet: str) -> str:
    """A box of the site's own news teasers in mid-page: no promotion or small print, not
    at the page's edge, so only the learnt model knows it is the site's, not a story's."""
    return (f"\n\nThe harbour festival of {outlet} returns to the old town square this weekend "
            f"with music and food stalls. The city marathon route changes again after "
            f"residents on the east side complained about closed roads. The school board "
            f"meets on Thursday to discuss the new timetable for the autumn term. A local "
            f"bakery wins the regional bread prize for the third year running.\n\n")


def _sidebar_articles(outlet: str, n: int, start: int = 0) -> list[Article]:
    return [Article(id=f"{outlet[:3].lower()}{i}", text=_body(60) + _sidebar(outlet) + _body(60),
                    outlet=outlet) for i in range(start, start + n)]


def _reuse_pairs(store: Store) -> set[frozenset[str]]:
    index = CorpusIndex(store)
    ids = index.article_ids(index.all_seqs())
    return {frozenset((ids[x.a_seq], ids[x.b_seq])) for x in index.links() if x.kind == "reuse"}


def test_footers_shared_within_a_site_make_no_links_and_real_copies_still_do():
    source = Article(id="src", text=_body(300) + _footer("Daily Eagle"), outlet="Daily Eagle")
    copy = Article(id="cpy", text="Breaking. " + source.text.split("\n\n")[0] + _footer("Metro"),
                   outlet="Metro")
    store = Store(":memory:")
    store.add([*_site_articles("Daily Eagle", 6), *_site_articles("Metro", 5), source, copy])
    report = run_trace(store)
    assert _reuse_pairs(store) == {frozenset(("src", "cpy"))}
    # 4 footer sentences each; one ("Support independent journalism...") is the same text
    assert report.boilerplate_sites == 2 and report.boilerplate_blocks == 7
    link = CorpusIndex(store).links()[0]
    assert link.evidence["boilerplate_chars"][0] > 100  # what was set aside is said


def test_without_the_model_the_footers_link_everything():
    from dataclasses import replace

    from storytrace.engines.core import TraceOptions

    store = Store(":memory:")
    store.add(_sidebar_articles("Daily Eagle", 5))
    run_trace(store, replace(TraceOptions(), boilerplate=None, same_story=False))
    assert len(_reuse_pairs(store)) >= 6  # the false links the model exists to prevent
    # a footer of small print, at the end of every page, makes no link even then: it is no
    # copied article content (storytrace.provenance.content)
    footers = Store(":memory:")
    footers.add(_site_articles("Daily Eagle", 5))
    run_trace(footers, replace(TraceOptions(), boilerplate=None, same_story=False))
    assert _reuse_pairs(footers) == set()


def test_links_made_before_a_footer_was_known_are_verified_again():
    store = Store(":memory:")
    store.add(_sidebar_articles("Daily Eagle", 2))
    first = run_trace(store)
    assert first.boilerplate_blocks == 0 and _reuse_pairs(store) == {frozenset(("dai0", "dai1"))}
    store.add(_sidebar_articles("Daily Eagle", 3, start=2))  # now 5 pages print the box
    second = run_trace(store)
    assert second.boilerplate_blocks == 4 and second.relinked == 2
    assert _reuse_pairs(store) == set()
    result = trace_store(store)  # and a third run has nothing left to redo
    assert result.report.relinked == 0 and result.stories == []


def test_credit_lines_stay_evidence_however_often_they_recur():
    text = "Source: Daily Eagle\n\nAs reported by the Daily Eagle, the bridge closed today."
    assert block_keys(text) == []
    store = Store(":memory:")
    store.add([Article(id=f"a{i}", text=_body() + "\n\nSource: Associated Press wire service",
                       outlet="Metro") for i in range(5)])
    run_trace(store)
    assert len(boilerplate_model(store)) == 0


def test_boilerplate_spans_are_offsets_into_the_original_text():
    page = _site_articles("Daily Eagle", 1)[0]
    footer = _footer("Daily Eagle")
    blocks = block_keys(footer)
    model = Boilerplate(frozenset(("daily eagle", key) for _, _, key in blocks))
    spans = model.spans(page.text, site_of(page.outlet, page.url))
    assert len(spans) == len(blocks) == 4
    assert [page.text[s:e] for s, e in spans] == [footer[s:e] for s, e, _ in blocks]
    masked, aside = model.mask(page.text, "daily eagle")
    assert len(masked) == len(page.text) and aside == sum(e - s for s, e in spans)
    assert masked.rstrip() == page.text.split("\n\n")[0]


def test_compare_sets_aside_promotion_and_what_one_site_prints_at_the_same_place():
    body_a, body_b = _body(), _body()
    header = "Eagle Rising brings you the news the mainstream media will not report today, free."
    a = Article(id="a", text=header + "\n\n" + body_a + _footer("Eagle Rising"),
                outlet="Eagle Rising")
    b = Article(id="b", text=header + "\n\n" + body_b + _footer("Eagle Rising"),
                outlet="Eagle Rising")
    c = compare(a, b)
    assert c.alignment.passages == []
    reasons = {x["reason"] for x in c.boilerplate["a"]}
    assert reasons == {"promotion or small print", "printed by both at the start (same site)",
                       "printed by both at the end (same site)"}
    for side, art in (("a", a), ("b", b)):
        for x in c.boilerplate[side]:
            assert art.text[x["start"]:x["end"]].strip()
    # the same two texts from two different sites: the header is shared text
    other = compare(a, Article(id="b2", text=b.text, outlet="Metro"))
    assert other.alignment.passages[0].a_start == 0  # the header is shared text again
    assert {x["reason"] for x in other.to_dict()["boilerplate"]["b"]} == {
        "promotion or small print"}


def test_compare_uses_what_the_store_learnt():
    store = Store(":memory:")
    pages = _site_articles("Daily Eagle", 4)
    store.add(pages)
    run_trace(store)
    model = boilerplate_model(store)
    plain = compare(Article(text=_body() + _footer("Daily Eagle"), outlet="Daily Eagle"),
                    Article(text=_body() + _footer("Daily Eagle"), outlet="Daily Eagle"),
                    boilerplate=model)
    assert plain.alignment.passages == []
    assert {x["reason"] for x in plain.boilerplate["b"]} == {"site boilerplate"}


def test_promo_blocks_and_mask():
    t = "The council met. Subscribe to our newsletter for more stories like this one."
    assert [t[s:e] for s, e in promo_blocks(t)] == [
        "Subscribe to our newsletter for more stories like this one."]
    assert mask("ab\ncd", [(0, 5)]) == "  \n  "


def test_hollow_pages_get_no_same_story_links():
    """Pages that are nothing but a site's sidebar (scraped as articles) share their
    site's headline lists: with the sidebar set aside nothing is left to link."""
    headlines = [f"Headline number {i} about the senator and the pardon fight today"
                 for i in range(10)]
    store = Store(":memory:")
    store.add([Article(id=f"p{i}", title="Senator fires back after pardon",
                       text="\n".join(headlines[i : i + 7]), outlet="conservativebyte.com",
                       url=f"http://conservativebyte.com/{i}") for i in range(4)])
    result = trace_store(store)
    assert result.stories == [] and result.report.boilerplate_blocks >= 6


def test_a_page_stored_twice_is_a_duplicate_not_boilerplate():
    page = _site_articles("Daily Eagle", 1)[0]
    store = Store(":memory:")
    store.add([Article(id=f"crawl{i}", text=page.text, outlet="Daily Eagle",
                       url=f"https://www.dailyeagle.example/story/{'/' * (i % 2)}")
               for i in range(4)])
    report = run_trace(store)
    assert report.boilerplate_blocks == 0  # one page (one URL) crawled four times
    assert len(_reuse_pairs(store)) == 6


def test_only_links_resting_on_new_boilerplate_are_verified_again():
    """When a site's new pages make one of its footers boilerplate, a linked pair of that
    site that does not print the footer keeps its link (a navigation list it prints is
    set aside anyway and is no new boilerplate); a run with nothing new redoes nothing."""
    related = "\n\nRelated stories:\n- Mayor resigns over bridge\n- Dam fails after storm"
    source = _body(200)
    store = Store(":memory:")
    store.add([Article(id="src", text=source + related, outlet="Daily Eagle"),
               Article(id="cpy", text="Update. " + source + related, outlet="Daily Eagle")])
    assert run_trace(store).links_added == 1
    store.add(_site_articles("Daily Eagle", 3, start=10))  # the footer becomes boilerplate
    second = run_trace(store)
    assert second.boilerplate_blocks == 4 and second.relinked == 0
    third = run_trace(store)
    assert third.relinked == 0 and third.verified == 0
    assert frozenset(("src", "cpy")) in _reuse_pairs(store)


def test_hostile_text_gives_valid_spans_in_linear_work():
    """Empty, NUL, lone surrogates, a huge sidebar of 200,000 headings, a malformed URL:
    valid spans into the text, and no step that rescans the rest of the text per line
    (a hang guard far above the fraction of a second this takes)."""
    from tests.conftest import hang_guard

    from storytrace.text.boilerplate import navigation_blocks, page_of

    texts = ["", "\x00" * 1000, "abc \ud800 def " * 50, "." * 200_000, "\n" * 200_000,
             "<script>alert(1)</script> " * 1000, "Related stories:\n- x\n" * 200_000]
    with hang_guard(120, "boilerplate spans of hostile text"):
        for text in texts:
            for spans in (navigation_blocks(text), promo_blocks(text),
                          [(s, e) for s, e, _ in block_keys(text)]):
                assert all(0 <= s <= e <= len(text) for s, e in spans)
            assert len(mask(text, navigation_blocks(text))) == len(text)
    assert navigation_blocks(texts[-1]) == [(0, len(texts[-1]))]
    assert page_of("http://[bad", "1") == page_of("http://[bad", "2")  # no ValueError


def test_compare_sets_aside_share_widgets_but_keeps_credit_lines():
    """Without a corpus, compare sets aside a page's sharing widgets and 'Story Continued
    Below' (they made statements of their own on FakeNewsNet), never a credit line."""
    from storytrace.comparison import compare
    from storytrace.model import Article

    body = ("The city council approved the new budget on Monday after a long debate about "
            "roads, bridges and the library in the north district. ")
    a = Article(id="a", text="196 SHARES Facebook Twitter\n\nFrom The Daily Caller:\n\n" + body
                + "\n\nStory Continued Below\n\nAnd LIKE this page for the latest news.")
    b = Article(id="b", text=body + "\n\nShare this on Facebook: Facebook")
    aside = compare(a, b, details=()).to_dict()["boilerplate"]
    set_aside = [a.text[x["start"]:x["end"]] for x in aside["a"]]
    assert set_aside == ["196 SHARES Facebook Twitter", "Story Continued Below",
                         "And LIKE this page for the latest news."]
    assert [b.text[x["start"]:x["end"]] for x in aside["b"]] == ["Share this on Facebook: Facebook"]
    assert all(x["reason"] == "promotion or small print" for x in aside["a"] + aside["b"])


def test_calls_to_buy_or_sign_are_page_furniture_but_buying_in_a_story_is_not():
    """A shop's 'Buy Now' ending a book ad (Right Wing News, FakeNewsNet c7defcdcd9b4e73a)
    and a petition's 'Add your name to millions demanding ...' (3706ae10ab5fc1ba) were
    counted as statements of the article."""
    from storytrace.text.boilerplate import page_furniture

    ad = ("Hawkins provides advice everyone can benefit from in short, digestible chapters. "
          "Buy Now\n\nFox News reported that the aide said so.")
    petition = ("Watch it here.\n\nAdd your name to millions demanding that Congress take "
                "action on the President’s crimes. IMPEACH DONALD TRUMP!")
    story = "Analysts say people who buy now may regret it when prices fall next year."
    assert [ad[s:e] for s, e in page_furniture(ad)] == ["Buy Now"]
    assert any(petition[s:e].startswith("Add your name") for s, e in page_furniture(petition))
    assert page_furniture(story) == []


def test_a_photo_caption_run_into_the_headline_is_page_furniture():
    """POLITICO pages scraped in FakeNewsNet open with the photo's caption, its agency's
    credit and the headline on one line; the caption was read as a statement and paired
    with the other article's lede, and "Getty Everything" as a name."""
    from storytrace.text.boilerplate import page_furniture

    text = ('Lester Holt, who anchors "NBC Nightly News," will be the moderator for the first '
            "debate. | Getty Everything you need to know about the debate\n\nThe debate will "
            "be held at Hofstra University. A reader wrote: the vote | not the poll | counts."
            "\n\nGov. Chris Christie greets residents in Camden, N.J. | AP Photo/Mel Evans "
            "Christie among the most unpopular governors")
    spans = [text[s:e] for s, e in page_furniture(text)]
    assert spans == ['Lester Holt, who anchors "NBC Nightly News," will be the moderator for '
                     "the first debate. | Getty",
                     "Gov. Chris Christie greets residents in Camden, N.J. | AP Photo/Mel Evans"]
