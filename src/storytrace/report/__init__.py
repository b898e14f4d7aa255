"""Self-contained HTML reports: two versions side by side, and stories with their family trees.

``render_compare_html(result, a_text, b_text)`` and ``render_trace_html(stories, articles)``
each return one HTML document with its CSS and script inline and a strict
Content-Security-Policy (script and style allowed by SHA-256 hash, nothing remote), so the
file opens anywhere without a network. Article text and metadata are untrusted: the
highlighted text is built by cutting the raw text at span boundaries and escaping each
piece; data for scripts travels only as JSON in ``<script type="application/json">`` with
``<``, ``>`` and ``&`` written as ``\\u003c`` etc.; links are made only from http(s) URLs.

Shapes read
-----------
All offsets are ``[start, end)`` character offsets into that article's text (``a_text`` or
``b_text``), as everywhere in storytrace. Every key below except ``a``/``b`` is optional:
a section is drawn when its key is present and skipped when it is absent, and a malformed
item (bad offsets, wrong type) is dropped on its own.

Compare result (``Comparison.to_dict()``)::

    a, b        {id, title, outlet, url, published (ISO 8601 or null), chars, text_offset,
                 title_offset (where the text and the title start in the input file;
                 null: not a piece of it, as text extracted from HTML)}
    passages    [{a_start, a_end, b_start, b_end, kind: verbatim|edited|paraphrase, score,
                  evidence}]
    coverage    {a: 0..1, b: 0..1}
    repeats     {a: [{occurrences: [[start, end], ...], score}], b: [...]}
    attributions {a: [Attribution.to_dict(text)], b: [...]}
                each {source, cue, content, recipient: {start, end, text?} | null,
                      source_type, kind, score}
    diff        {new_sentences: {a: [{start, end, text?}], b: [...]},   (alias: added, new)
                 changed_facts: [{kind, change: added|removed|altered,   (alias: facts)
                                  a: {start, end, text, value} | null, b: ... | null}],
                 ...}   other keys are listed as they are under "More"
                also accepted: {a: {new_sentences: [...]}, b: {...}, changed_facts: [...]}
    framing     {a: {signals: [{kind, start, end, score?, in?: "text"|"title"}],
                     <name>: number | {<name>: number}, ...},   e.g. headline: {clickbait: .93}
                 b: {...}, delta?: str | dict}
                a signal with ``in: "title"`` has offsets into the title, not the text
    direction   {a, b (ids), verdict: "a->b"|"b->a"|"siblings"|"unknown",
                 source: "a"|"b"|article id|null, copy: ..., confidence?: 0..1, via?: str,
                 evidence?: [{name, points, weight, detail, value} | str], reason?: str}
                (``Direction.to_dict()``; ``label`` is read like ``verdict``), or just a
                verdict string; no source means "unknown"

Trace stories (``Story.to_dict()``)::

    story, articles [{id, title, outlet, published}], outlets, first_published,
    last_published, links [{a, b, kind: reuse|same_story, score, coverage_a, coverage_b,
                            evidence}]
    tree        {nodes: [{id, kind?: "article"|"external", label?|name?|outlet?, title?,
                          published?, coverage?, parent?, score?, reasons?: [str]}],
                 edges: [{source, target, kind?: derived|credited, score?|confidence?}]}
                (``FamilyTree.to_dict()``; ``parent``/``child`` and ``from``/``to`` work too)
                node ids are article ids; any other id is an external node (a credited
                source not in the corpus). Without a tree the links are drawn, undirected.

``articles`` for ``render_trace_html`` maps article id to ``Article`` or
``Article.to_dict()`` (for text and url). :mod:`storytrace.report.extras` adds credits,
direction and the tree to a result that lacks them.
"""

from storytrace.report.compare import render_compare_html
from storytrace.report.html import CSP, esc, safe_href
from storytrace.report.trace import render_trace_html

__all__ = ["CSP", "esc", "render_compare_html", "render_trace_html", "safe_href"]
