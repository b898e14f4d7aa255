"""HTML reports: highlighting from offsets, optional sections, and escaping of untrusted text.

The escaping tests look at the HTML itself (not a browser), so they fail if any
``esc()`` on article text, title, outlet or url is removed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.align import Aligner
from storytrace.comparison import compare
from storytrace.model import Article
from storytrace.report import render_compare_html, render_trace_html
from storytrace.report.html import json_script, safe_href
from storytrace.report.marks import Mark, highlight

PWN = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '"><svg onload=window.__pwned=1>'
JS_URL = "javascript:window.__pwned=1"
BROKEN = "</div></section><b><i>unclosed <!-- note <textarea></title><style>*{}</style>"


def _evil(prefix: str = "") -> Article:
    text = (f"{prefix}The mayor said {PWN} the city would not cooperate. {IMG} Officials "
            f"confirmed it. {BROKEN} More: {JS_URL} and {SVG} end of the article text here.")
    return Article(text=text, title=f"Title {PWN}{IMG}", outlet=f"Outlet {SVG}", url=JS_URL)


def _evil_result() -> tuple[dict, Article, Article]:
    a, b = _evil(), _evil("Breaking news. ")
    result = compare(a, b, Aligner(semantic=False)).to_dict()
    # Passages cutting straight through the payloads, and sections with untrusted strings.
    cut_a, cut_b = a.text.index("<script>") + 3, b.text.index("onerror")
    result["passages"].append({"a_start": cut_a, "a_end": cut_a + 20, "b_start": cut_b,
                               "b_end": cut_b + 9, "kind": "edited", "score": 0.7,
                               "evidence": IMG})
    result["attributions"] = {"a": [{"source": {"start": 4, "end": 9, "text": PWN},
                                     "cue": {"start": 10, "end": 14}, "content": None,
                                     "source_type": SVG, "kind": IMG, "score": 0.9}], "b": []}
    result["direction"] = {"source": "a", "copy": "b", "confidence": 0.6,
                           "evidence": [PWN, {"credit": IMG}]}
    result["framing"] = {"b": {"headline": {"clickbait": 0.9},
                               "signals": [{"kind": PWN, "start": 0, "end": 8, "score": 1},
                                           {"kind": "caps", "in": "title", "start": 6,
                                            "end": 14}]},
                         "delta": f"copy added {IMG}"}
    result["diff"] = {"new_sentences": {"b": [{"start": 0, "end": 14}]},
                      "changed_facts": [{"kind": PWN, "change": "altered",
                                         "a": {"start": 4, "end": 9, "value": IMG},
                                         "b": {"start": 19, "end": 24, "value": SVG}}],
                      "note": BROKEN}
    return result, a, b


def _without_data(page: str) -> str:
    """The page minus its JSON data block (checked separately)."""
    return re.sub(r'<script type="application/json" id="st-data">.*?</script>', "", page,
                  flags=re.S)


def _assert_inert(page: str) -> None:
    body = _without_data(page)
    lowered = body.lower()
    for raw in ("<script>window", "<img", "<svg onload", "onerror=\"", "<textarea", "<!--",
                "</div></section><b>", "<style>*{}"):
        assert raw not in lowered, raw
    assert 'href="javascript:' not in lowered and "href='javascript:" not in lowered
    # Exactly our two scripts: the JSON data and the report script.
    assert lowered.count("<script") == 1 and page.lower().count("<script") == 2
    assert page.count("</title>") == page.count("<title>") and page.count("<style>") == 1


def test_compare_escapes_text_title_outlet_url_and_extras():
    result, a, b = _evil_result()
    page = render_compare_html(result, a.text, b.text)
    _assert_inert(page)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "onerror=&quot;window.__pwned=1&quot;" in page
    assert "Outlet &quot;&gt;&lt;svg onload=window.__pwned=1&gt;" in page
    assert "javascript:window.__pwned=1" in page  # shown as text, not as a link
    assert "&lt;!-- note &lt;textarea&gt;&lt;/title&gt;" in page


def test_json_data_block_cannot_close_its_script():
    result, a, b = _evil_result()
    page = render_compare_html(result, a.text, b.text)
    block = re.search(r'<script type="application/json" id="st-data">(.*?)</script>', page,
                      flags=re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["a"]["title"] == a.title
    assert json_script({"x": "</script>&"}, "d").count("</script>") == 1


def test_trace_escapes_story_articles_tree_and_links():
    a, b = _evil(), _evil("Copy: ")
    story = {"story": f"s-{PWN}", "outlets": [a.outlet],
             "articles": [{"id": a.id, "title": a.title, "outlet": a.outlet,
                           "published": "2017-03-02T10:00:00+00:00"},
                          {"id": b.id, "title": b.title, "outlet": b.outlet, "published": None}],
             "first_published": "2017-03-02T10:00:00+00:00", "last_published": None,
             "links": [{"a": a.id, "b": b.id, "kind": "reuse", "score": 0.8, "coverage_a": 0.9,
                        "coverage_b": 0.7, "evidence": {"note": PWN}}],
             "tree": {"nodes": [{"id": a.id}, {"id": b.id}, {"id": "ext", "name": IMG}],
                      "edges": [{"parent": "ext", "child": a.id, "kind": "credit"},
                                {"parent": a.id, "child": b.id, "confidence": 0.7},
                                {"parent": SVG, "child": b.id}]}}
    page = render_trace_html([story], {a.id: a, b.id: b.to_dict()})
    _assert_inert(page)
    assert page.count('class="node') == 4  # two articles, two external sources
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in page


@pytest.mark.parametrize("url,ok", [("https://example.com/x?a=1&b=2", True),
                                    ("http://example.com", True), (JS_URL, False),
                                    ("JAVASCRIPT:alert(1)", False), ("java\nscript:x", False),
                                    ("data:text/html,<b>", False), ("//evil.com/x", False),
                                    ("https://", False), (None, False)])
def test_safe_href_allows_only_http(url, ok):
    assert (safe_href(url) is not None) is ok


def test_url_link_is_escaped_when_allowed():
    a = Article(text="Body text.", url='https://e.com/"><script>x()</script>')
    page = render_compare_html(compare(a, a, Aligner(semantic=False)).to_dict(), a.text, a.text)
    assert 'href="https://e.com/&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"' in page


def test_csp_allows_only_the_inline_script_and_style_by_hash():
    a = Article(text="Short text.")
    page = render_compare_html(compare(a, a, Aligner(semantic=False)).to_dict(), a.text, a.text)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    script = re.search(r"<script>(.*?)</script>", page, flags=re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", page, flags=re.S).group(1)
    for body in (script, style):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "http" not in csp
    assert "src=" not in page.replace('data-ann', '')  # nothing loaded from anywhere


def _visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab <>&\"'\n/é"), max_size=60),
       st.lists(st.tuples(st.integers(0, 70), st.integers(0, 70),
                          st.sampled_from(["passage", "repeat", "credit"])), max_size=6))
def test_highlight_keeps_every_character_once(text, spans):
    marks = [Mark(s, e, f"a-p{i}", "k-edited", layer) for i, (s, e, layer) in enumerate(spans)]
    out = highlight(text, marks)
    assert _visible(out) == text
    assert "<" not in re.sub(r"<(/?span)[^>]*>", "", out)


def test_highlight_marks_passages_on_both_sides_with_partner_tokens(seed_texts):
    a_text, b_text = (t.strip() for t in seed_texts)
    b_text = b_text.split("\n", 1)[1].strip()
    result = compare(Article(text=a_text), Article(text=b_text), Aligner(semantic=False))
    d = result.to_dict()
    page = render_compare_html(d, a_text, b_text)
    assert d["passages"], "the seeds share at least one passage"
    for i, p in enumerate(d["passages"], 1):
        for side in "ab":
            assert f'id="{side}-p{i}"' in page
            assert f'href="#{side}-p{i}"' in page
        pane_a = page.split('id="pane-a"')[1].split('id="pane-b"')[0]
        marked = "".join(re.findall(rf'data-ann="[^"]*\ba-p{i}\b[^"]*"[^>]*>([^<]*)<', pane_a))
        assert html.unescape(marked) == a_text[p["a_start"]:p["a_end"]]
    assert 'id="a-r1-0"' in page and 'id="a-r1-1"' in page  # the repeat in 000_


def test_optional_sections_render_when_present_and_are_skipped_when_absent():
    result, a, b = _evil_result()
    full = render_compare_html(result, a.text, b.text)
    for section in ("direction", "credits", "diff", "framing", "passages", "repeats"):
        assert f'id="{section}"' in full or section == "repeats"
    assert "A → B" in full and "clickbait" in full and 'id="b-t2"' in full
    bare = {k: result[k] for k in ("a", "b", "passages", "coverage")}
    page = render_compare_html(bare, a.text, b.text)
    for section in ("direction", "credits", "diff", "framing"):
        assert f'id="{section}"' not in page


def test_malformed_extras_drop_items_not_the_page():
    a = Article(text="Some text that is long enough to mark.")
    result = {"a": {"title": 5}, "b": None, "passages": [None, {"a_start": "x"},
                                                          {"a_start": 30, "a_end": 10,
                                                           "b_start": 0, "b_end": 3}],
              "coverage": {"a": float("nan")}, "repeats": {"a": [{"occurrences": [[0, 4]]}]},
              "attributions": {"a": [{"source": [1, 2, 3]}], "b": "nope"},
              "diff": {"changed_facts": [{"a": {"start": -5, "end": 99999}}, 7]},
              "framing": {"a": {"signals": [{"start": None}], "score": "high"}},
              "direction": {"label": "b->a"}}
    page = render_compare_html(result, a.text, a.text)
    assert "<html" in page and "B → A" in page
    assert "Direction unknown" in render_compare_html({"direction": "unknown"}, "", "")


def test_trace_without_tree_draws_links_and_timeline():
    arts = {i: Article(id=i, text=f"text {i}", outlet=f"Outlet {i}") for i in ("x", "y", "z")}
    story = {"story": "s-x", "articles": [
        {"id": "x", "title": "First", "outlet": "Outlet x", "published": "2017-03-01T09:00:00"},
        {"id": "y", "title": "Second", "outlet": "Outlet y", "published": "2017-03-02T09:00:00"},
        {"id": "z", "title": "", "outlet": "", "published": None}],
        "outlets": ["Outlet x", "Outlet y"], "first_published": "2017-03-01T09:00:00",
        "last_published": "2017-03-02T09:00:00",
        "links": [{"a": "x", "b": "y", "kind": "reuse", "score": 0.5, "coverage_a": 0.4,
                   "coverage_b": 0.6, "evidence": {}},
                  {"a": "y", "b": "z", "kind": "same_story", "score": 0.8, "coverage_a": 0,
                   "coverage_b": 0, "evidence": {}}]}
    page = render_trace_html([story], arts, compare_href=lambda a, b: f"/compare?a={a}&b={b}")
    assert page.count('class="node"') == 3 and "e-same" in page and "marker-end" not in page
    assert "60% reused" in page and 'class="strip"' in page
    assert 'href="/compare?a=x&amp;b=y"' in page
    assert "No stories" in render_trace_html([], {})


def test_extras_add_credits_direction_and_tree_only_when_missing(seed_texts):
    from storytrace.model import Story
    from storytrace.report.extras import comparison_dict, story_dict

    a = Article(id="a", text=seed_texts[0], outlet="Eagle")
    b = Article(id="b", text="Source: Eagle. " + seed_texts[0][:2000], outlet="Daily")
    d = comparison_dict(compare(a, b, Aligner(semantic=False)))
    assert d["attributions"]["b"] and d["passages"]
    assert "direction" not in d or d["direction"]["a"] == "a"
    page = render_compare_html(d, a.text, b.text)
    assert 'id="credits"' in page and ('id="direction"' in page) == ("direction" in d)
    story = story_dict(Story("s-a", [a, b], [], [1, 2]))
    assert set(story) >= {"story", "articles", "links"}
    if "tree" in story:
        assert {n["id"] for n in story["tree"]["nodes"]} >= {"a", "b"}
        assert '<svg class="tree"' in render_trace_html([story], {"a": a, "b": b})


def _cnn_story() -> tuple[dict, dict]:
    """Four CNN versions an hour apart, two sharing text, one tree edge and two related."""
    titles = ["Clinton, Trump meet world leaders for very different reasons",
              "Paul Ryan defends Donald Trump, dodges on Machado comment",
              "Trump campaign chair says racism did not exist before Obama",
              "NATO chief counterattacks against Donald Trump"]
    ids = ["c1", "c2", "c3", "c4"]
    articles = [{"id": i, "title": t, "outlet": "CNN", "published": f"2016-09-19T1{k}:00:00"}
                for k, (i, t) in enumerate(zip(ids, titles, strict=True))]
    articles.append({"id": "p1", "title": "", "outlet": "POLITICO",
                     "published": "2016-09-19T13:05:00"})
    story = {"story": "s-c1", "articles": articles, "outlets": ["CNN", "POLITICO"],
             "first_published": "2016-09-19T10:00:00", "last_published": "2016-09-19T13:05:00",
             "links": [{"a": "c1", "b": "c2", "kind": "reuse", "score": 0.9, "coverage_a": 0.31,
                        "coverage_b": 0.62, "evidence": {}},
                       {"a": "c3", "b": "c4", "kind": "same_story", "score": 0.8,
                        "coverage_a": 0.0, "coverage_b": 0.0, "evidence": {}}],
             "tree": {"nodes": [{"id": "c1", "parent": None, "score": 0.9},
                                {"id": "c2", "parent": "c1", "score": 0.8},
                                {"id": "c3", "parent": None, "score": 0.7},
                                {"id": "c4", "parent": None, "score": 0.7},
                                {"id": "p1", "parent": None, "score": 0.6}],
                      "edges": [{"source": "c1", "target": "c2", "kind": "derived",
                                 "score": 0.8},
                                {"source": "c3", "target": "c4", "kind": "related",
                                 "link": "same_story", "score": 0.5},
                                {"source": "c4", "target": "p1", "kind": "related",
                                 "link": "reuse", "score": 0.5}]}}
    return story, {a["id"]: Article(id=a["id"], text=f"text of {a['id']}") for a in articles}


def test_story_page_names_versions_by_title_and_outlet():
    story, arts = _cnn_story()
    page = render_trace_html([story], arts)
    # One story: its title is the page heading, not "Stories (1)".
    assert "Stories" not in page.split("<main>")[1].split("</h1>")[0]
    assert "<h1>Clinton, Trump meet world leaders for very different reasons</h1>" in page
    svg = page.split('<svg class="tree"')[1].split("</svg>")[0]
    boxes = re.findall(r'<g class="node">(.*?)</g></g>', svg)
    texts = [" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", b)) for b in boxes]
    assert len(texts) == 5 and all("CNN" in t for t in texts[:4])
    assert "Paul Ryan defends Donald" in texts[1] and "NATO chief" in texts[3]
    assert "(untitled)" in texts[4] and "POLITICO" in texts[4]
    # Long titles are cut at a word with an ellipsis, never mid-word.
    assert any(t.startswith("Clinton, Trump meet world") and "…" in t for t in texts)
    # The links table names both ends by title and outlet, never "CNN ↔ CNN".
    links = page.split("<h3>Links</h3>")[1]
    assert not re.search(r">CNN</a>", links)  # no end is named by its outlet alone
    assert "Paul Ryan defends" in links and "NATO chief counterattacks" in links
    # Two page-wide stories keep the list heading.
    two = render_trace_html([story, {**story, "story": "s-c2"}], arts)
    assert 'Stories <span class="muted">(2)</span>' in two


def test_same_story_links_show_no_coverage_and_reuse_links_do():
    story, arts = _cnn_story()
    links = render_trace_html([story], arts).split("<h3>Links</h3>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", links, flags=re.S)[1:]
    reuse = next(r for r in rows if ">reuse<" in r)
    same = next(r for r in rows if ">same story<" in r)
    assert "31% / 62%" in reuse
    assert "0% / 0%" not in same and "%" not in same.split("</td>")[3]


def test_tree_arrows_agree_with_the_timeline_parents():
    """Only parent edges are arrows; a version the timeline says has no parent in the
    corpus gets no arrow from another article."""
    story, arts = _cnn_story()
    page = render_trace_html([story], arts)
    svg = page.split('<svg class="tree"')[1].split("</svg>")[0]
    arrows = re.findall(r'<path class="edge ([^"]*)"[^>]*marker-end', svg)
    lines = re.findall(r'<path class="edge ([^"]*)"', svg)
    assert arrows == ["e-reuse"] and sorted(lines) == ["e-related", "e-related", "e-reuse"]
    timeline = page.split('<ol class="timeline">')[1]
    items = dict(re.findall(r'<li class="tl-item" id="(s0-n\d)">(.*?)</li>', timeline,
                            flags=re.S))
    assert "made from" in items["s0-n1"] and "Clinton, Trump meet" in items["s0-n1"]
    for n in ("s0-n0", "s0-n2", "s0-n3", "s0-n4"):
        assert "no parent in the corpus" in items[n]


def test_timeline_labels_never_overlap():
    story, arts = _cnn_story()
    # Three versions within minutes of each other, one a day later.
    for k, m in enumerate(story["articles"][:3]):
        m["published"] = f"2016-09-19T10:0{k}:00"
    story["articles"][3]["published"] = "2016-09-20T10:00:00"
    strip = render_trace_html([story], arts).split('<svg class="strip"')[1].split("</svg>")[0]
    labels = [(float(x), float(y)) for x, y in
              re.findall(r'<circle class="num" cx="([\d.]+)" cy="([\d.]+)" r="10"/>', strip)]
    assert len(labels) == 5
    for i, (x1, y1) in enumerate(labels):
        for x2, y2 in labels[i + 1:]:
            assert abs(x1 - x2) >= 20 or abs(y1 - y2) >= 20, labels
    numbers = re.findall(r'text-anchor="middle">(\d+)</text>', strip)
    assert sorted(numbers, key=int) == ["1", "2", "3", "4", "5"]


def _framed_result() -> tuple[dict, str, str]:
    a_text = "The mayor said the city would act. Critics slammed the plan on Monday."
    b_text = a_text + " Leftists are TERRIFIED!"
    head = {"id": "a", "title": "", "outlet": "Wire"}
    result = {
        "a": head, "b": {**head, "id": "b", "title": "BOOM! Mayor is FINISHED!"},
        "passages": [], "coverage": {"a": 1.0, "b": 0.7},
        "framing": {
            "a": {"signals": [{"kind": "loaded_language", "field": "text", "start": 42,
                               "end": 49, "score": 0.37}],
                  "headline_clickbait": None,
                  "hyperpartisan": {"score": 0.682, "is_hyperpartisan": True},
                  "counts": {"loaded_language": 3, "propaganda": 1}},
            "b": {"signals": [{"kind": "caps", "field": "title", "start": 0, "end": 4,
                               "score": 0.8}],
                  "headline_clickbait": {"score": 0.95, "is_clickbait": True,
                                         "strength": 0.4514, "model_score": 0.2327,
                                         "evidence": "typography: 2 words in capitals"},
                  "hyperpartisan": {"score": 0.9606, "is_hyperpartisan": True},
                  "counts": {"caps": 2, "exclamation": 1}},
            "delta": {"summary": "clickbait headline, 2 shouted capitals spans",
                      "added": {"caps": 2}, "removed": {"loaded_language": 1},
                      "added_signals": [{"kind": "caps", "text": "UNIQUE-SIGNAL-DUMP"}]}}}
    return result, a_text, b_text


def test_framing_scores_are_explained_and_counts_are_integers():
    result, a_text, b_text = _framed_result()
    page = render_compare_html(result, a_text, b_text)
    framing = page.split('id="framing"')[1].split("</section>")[0]
    text = _visible(framing)
    # Every clickbait number comes with what it is and its scale.
    for number, words in (("0.95", "0 (a plain news headline) to 1 (certain clickbait)"),
                          ("0.23", "the headline model alone"),
                          ("0.45", "estimated from crowd ratings"),
                          ("0.68", "0.5 or more counts as hyperpartisan")):
        assert number in text and words in text, number
    assert "the rule saw 2 words in capitals" in text
    assert "no headline to score" in text  # A has no title
    # Counts are integers, in words.
    assert "3 loaded language, 1 other propaganda" in text and "3.00" not in text
    assert "2 words in capitals, 1 exclamations" in text
    assert ".00" not in text.replace("0.95", "")  # no count shown as a float
    # The delta is its summary and counts, not a dump of every signal.
    assert "clickbait headline, 2 shouted capitals spans" in text
    assert "dropped: 1 loaded language" in text and "UNIQUE-SIGNAL-DUMP" not in text


def test_framing_marks_do_not_look_like_spelling_errors():
    from storytrace.report.assets import CSS

    rule = re.search(r"\.sig\{([^}]*)\}", CSS).group(1)
    assert "wavy" not in rule and "#d62828" not in rule and "red" not in rule
    result, a_text, b_text = _framed_result()
    page = render_compare_html(result, a_text, b_text)
    legend = page.split('class="legend"')[1].split("</div>")[0]
    assert 'class="seg sig"' in legend and "framing signal" in legend


def test_changed_facts_are_grouped_and_named():
    a_text = "Kathy Miller said the last 50 years were hard. In 50 years, nothing changed."
    b_text = a_text.replace("50", "40")
    changes = [{"kind": "number", "a": {"start": s, "end": s + 2, "text": "50",
                                        "value": "50", "about": "years"},
                "b": {"start": s, "end": s + 2, "text": "40", "value": "40",
                      "about": "years"}, "note": ""}
               for s in (a_text.index("50"), a_text.rindex("50"))]
    result = {"a": {"id": "your pasted text", "title": "", "name": "Your pasted text"},
              "b": {"id": "b", "title": "Stored"}, "passages": [],
              "diff": {"changed": changes, "summary": {"changed": ["UNIQUE-SUMMARY-LINE"]}}}
    page = render_compare_html(result, a_text, b_text)
    diff = _visible(page.split('id="diff"')[1].split("</section>")[0])
    assert "Changed facts (1)" in diff and "altered (×2)" in diff and "(years)" in diff
    assert "UNIQUE-SUMMARY-LINE" not in diff
    assert 'id="a-f1"' in page and 'id="a-f2"' in page and 'id="b-f2"' in page
    assert "Your pasted text" in page.split("<h2")[1] and "(untitled)" not in page


def test_set_aside_boilerplate_is_struck_through_listed_and_escaped():
    """What compare set aside (site boilerplate, promotion) is shown where it is, with its
    reason, and the reason and text are escaped like everything else."""
    from storytrace.model import Article

    promo = "Sign up for our <b>newsletter</b> to get the news first."
    body = " ".join(f"The council voted {i} times on the bridge plan." for i in range(12))
    a = Article(id="a", text=body + "\n\n" + promo)
    b = Article(id="b", text="Meanwhile. " + body + "\n\n" + promo)
    result = compare(a, b, Aligner(semantic=False)).to_dict()
    assert result["boilerplate"]["a"], "promotion is set aside without a corpus"
    result["boilerplate"]["b"].append({"start": 0, "end": 10, "reason": "<i>evil</i>"})
    page = render_compare_html(result, a.text, b.text)
    assert 'id="set-aside"' in page and "Set aside before comparing (3)" in page
    assert 'data-layer="aside"' in page  # the legend can hide the layer
    start = result["boilerplate"]["a"][0]["start"]
    assert f"{start}–{start + len(promo)}" in page or "promotion" in page
    assert "&lt;i&gt;evil&lt;/i&gt;" in page and "<i>evil</i>" not in _without_data(page)
    assert "&lt;b&gt;newsletter&lt;/b&gt;" in page


def test_shared_statements_are_linked_across_the_texts_and_escaped():
    a_text = "Gonzalez, a 51-year-old, faced <i>misdemeanor</i> charges on a train."
    b_text = "He faced charges, police said. Gonzalez is 51."
    result = {"a": {"id": "a"}, "b": {"id": "b"}, "passages": [],
              "diff": {"claims": {"pairs": [
                  {"a_start": 0, "a_end": len(a_text), "b_start": 0, "b_end": 30,
                   "kind": "changed_detail", "score": 0.81, "details": [
                       {"kind": "qualifier", "change": "only_a",
                        "a": {"start": 31, "end": 51, "text": "<i>misdemeanor</i>"},
                        "b": None}]},
                  {"a_start": 5, "a_end": 500, "b_start": 0, "b_end": 3, "kind": "x"},
                  "junk"],
                  "a_only": [], "b_only": [], "counts": {"claims": 1}}}}
    page = render_compare_html(result, a_text, b_text)
    assert "Shared statements (2)" in page  # the junk item is dropped, not the page
    assert 'id="a-c1"' in page and 'id="b-c1"' in page and 'data-layer="claim"' in page
    assert "qualifier only in A: “&lt;i&gt;misdemeanor&lt;/i&gt;”" in page
    assert "<i>misdemeanor</i>" not in _without_data(page)
    assert "with a changed detail" in page


def test_report_data_carries_the_summary_it_shows(seed_texts):
    """The page's JSON data holds the summary of everything the page shows, credits and
    direction included, not the one made before they were added."""
    from storytrace.comparison import summarize
    from storytrace.report.extras import comparison_dict

    a_text, b_text = seed_texts
    d = comparison_dict(compare(Article(id="a", text=a_text), Article(id="b", text=b_text),
                                Aligner(semantic=False)))
    assert "credits" in d["summary"] and d["summary"] == summarize(d)


def test_claim_ledger_section_escapes_article_text():
    """The story's claim ledger (issue 22 item 5): statements, marks in tree order, first
    appearance and the change old → new, every piece of article text escaped."""
    p_text = f"The mayor said {PWN} the city would not cooperate. {IMG} Rain fell."
    c_text = f"The mayor said {SVG} the city would not cooperate. Rain fell."
    old, new = p_text.index(PWN), c_text.index(SVG)
    claims = {"pairs": [
        {"a_start": 0, "a_end": p_text.index(IMG) - 1, "b_start": 0,
         "b_end": c_text.index(" Rain"), "kind": "edited", "score": 0.9, "details": [],
         "edits": [{"kind": "wording", "change": "changed",
                    "a": {"start": old, "end": old + len(PWN)},
                    "b": {"start": new, "end": new + len(SVG)}}]},
        {"a_start": p_text.index("Rain"), "a_end": len(p_text),
         "b_start": c_text.index("Rain"), "b_end": len(c_text), "kind": "copied",
         "score": 1.0}],
        "a_only": [{"start": p_text.index(IMG), "end": p_text.index(IMG) + len(IMG)}],
        "b_only": []}
    story = {"story": "s-l", "outlets": [IMG],
             "articles": [{"id": "p", "title": PWN, "outlet": IMG,
                           "published": "2017-03-02T10:00:00+00:00"},
                          {"id": "c", "title": "Copy", "outlet": "Daily Post",
                           "published": "2017-03-03T10:00:00+00:00"}],
             "first_published": "2017-03-02T10:00:00+00:00",
             "last_published": "2017-03-03T10:00:00+00:00", "links": [],
             "tree": {"nodes": [{"id": "p", "kind": "article", "parent": None},
                                {"id": "c", "kind": "article", "parent": "p"}],
                      "edges": [{"source": "p", "target": "c", "kind": "derived",
                                 "changes": {"claims": claims}}]}}
    page = render_trace_html([story], {"p": Article(id="p", text=p_text),
                                       "c": Article(id="c", text=c_text)})
    _assert_inert(page)
    ledger = page.split('aria-label="claim ledger"')[1].split("</section>")[0]
    assert "3 statements across 2 versions: 2 carried by two or more, 1 changed" in ledger
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in ledger
    assert ("wording “&lt;script&gt;window.__pwned=1&lt;/script&gt;” → "
            "“&quot;&gt;&lt;svg onload=window.__pwned=1&gt;”") in ledger
    assert ledger.count('class="lm lm-first"') == 4  # the legend's and the three rows'
    assert 'class="lm lm-changed"' in ledger and "1 statement only one version has" in ledger
    # A tree whose edges have no claims: the section says how to get them.
    bare = {**story, "tree": {**story["tree"], "edges": [
        {"source": "p", "target": "c", "kind": "derived"}]}}
    assert "run <code>storytrace trace --changes</code>" in render_trace_html(
        [bare], {"p": Article(id="p", text=p_text), "c": Article(id="c", text=c_text)})


def test_unknown_direction_says_which_way_it_leans_not_a_bare_confidence():
    page = render_compare_html({"direction": {"verdict": "unknown", "confidence": 0.59,
                                              "score": -0.3}}, "", "")
    assert "leans 0.59 toward A being the copy" in page
    assert "confidence 0.59" not in page
    decided = render_compare_html({"direction": {"verdict": "a->b", "confidence": 0.83,
                                                 "score": 2.0}}, "", "")
    assert "confidence 0.83" in decided and "leans" not in decided


def test_framing_delta_says_what_it_did_not_count():
    """The delta's quoted speech, set-aside signals and weak spans read as words, not as a
    dump of the JSON."""
    result, a_text, b_text = _framed_result()
    result["framing"]["delta"] |= {
        "quoted": {"added": {"loaded_language": 2}, "removed": {},
                   "added_signals": [{"kind": "loaded_language", "text": "QUOTED-DUMP"}],
                   "removed_signals": []},
        "set_aside": {"a": {"shared": 3}, "b": {"quoted": 2, "headline_repeat": 1}},
        "weak": {"below": 0.5, "added_signals": [{"kind": "propaganda", "text": "WEAK-DUMP"}],
                 "removed_signals": []}}
    page = render_compare_html(result, a_text, b_text)
    text = _visible(page.split('id="framing"')[1].split("</section>")[0])
    assert "B quotes that A lacks (a source's words, not counted as framing): 2 loaded" in text
    assert "A: 3 in text both print; B: 2 in quoted speech, 1 in the body's copy" in text
    assert "1 weak model span (model score below 0.50) not counted" in text
    for dump in ("QUOTED-DUMP", "WEAK-DUMP", "set_aside", "headline_repeat"):
        assert dump not in text
