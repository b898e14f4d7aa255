"""The steps of `trace` as plain functions over plain data, shared by every engine.

The local engine calls them in one process over the SQLite store; the Spark
engine calls the very same functions inside its map and reduce steps. Nothing
here touches a store, a file or a cluster.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from storytrace.align import Aligner, Alignment
from storytrace.model import Article, Link, Story
from storytrace.text.boilerplate import Boilerplate, BoilerplateOptions, mask, site_of

if TYPE_CHECKING:
    from storytrace.provenance.tree import FamilyTree, TreeOptions


#: The kinds of link that make stories; a ``shared_quote`` link (two articles quoting the
#: same words of a third party, and sharing nothing else) is kept and shown, not clustered.
STORY_KINDS = ("reuse", "same_story")


@dataclass(frozen=True)
class VerifyOptions:
    """When an aligned pair counts as reuse.

    min_chars : reused characters (in the shorter text) for a reuse link.
    min_coverage : share of the shorter text that must be reused.
    min_paraphrase_coverage : share of the shorter text that must be reused when every
        passage is a paraphrase (no run of words in common): on real news a lone
        paraphrased sentence is two reports of one event far more often than a copy.
    """

    min_chars: int = 150
    min_coverage: float = 0.03
    min_paraphrase_coverage: float = 0.5


@dataclass(frozen=True)
class TraceOptions:
    """Settings of a `trace` run.

    num_perm, shingle : MinHash signature length and words per shingle (3: a copy
        with a fifth of its words changed keeps about half its 3-word shingles,
        but a fifth of its 5-word ones).
    threshold : Jaccard similarity the LSH banding is tuned for; low, because a
        rewrite may copy a small part of a long article.
    min_containment : estimated share of the smaller article's shingles found in
        the other, below which a candidate is not aligned.
    max_bucket : LSH buckets with more articles than this give no candidates.
    max_candidates : most candidate pairs aligned per article (those with the
        highest estimated containment first); the rest are reported, not aligned.
    verify : when an aligned pair counts as reuse.
    semantic : sentence embeddings in alignment and same-story scoring (slower;
        ``False`` by default here).
    same_story : also look for articles that tell the same story in other words
        (tier 2): each new article's ``story_k`` nearest story sketches with cosine
        at least ``story_min_cosine`` are scored by
        :class:`storytrace.stories.StorySimilarity`, and a calibrated probability of
        at least ``story_min_score`` that the two are the same story (SemEval-2022
        Task 8 Overall ≤ 1.5, "very similar") makes a ``same_story`` link; 0.5: more
        likely the same story than not. Only pairs that
        share ``story_min_names`` names (capitalised words inside sentences) and, when
        both publication dates are known, came out at most ``story_max_days`` apart
        (``None``: any time apart) are scored. ``story_check``: a pair so linked that
        shares no copied text must also pass the sentence model's check
        (:func:`sentence_check`; ``"auto"``: when the semantic extra is installed); a
        pair it does not confirm is a ``same_event`` link, joining no story, as is
        (check or not) a pair of two articles of one site. Off here
        and on Spark (each executor would load the model); the `trace` command turns
        it on (``"auto"``) with the local engine. On FakeNewsNet's hand labels it
        raises same-story precision from 0.09 to 0.62, 0.89 with the one-site rule
        (the seeds stay one story), at about 0.3 CPU-s per checked pair, and lowers
        the share of the boilerplate corpus's same-story pairs joined into one story
        from 62% to 45% (40% with the one-site rule); see docs/results.md.
    boilerplate : when recurring text is site boilerplate, blanked before every pair is
        aligned or scored (``None``: keep it).
    trees : each story's family tree (who copied whom), stored with it.
    changes : along each tree edge, what the copy changed (one compare per edge).
    """

    num_perm: int = 128
    shingle: int = 3
    threshold: float = 0.2
    min_containment: float = 0.1
    max_bucket: int = 200
    max_candidates: int = 200
    batch: int = 2000
    verify: VerifyOptions = field(default_factory=VerifyOptions)
    semantic: bool | str = False
    same_story: bool = True
    story_k: int = 5
    story_min_cosine: float = 0.2
    story_min_score: float = 0.5
    story_min_names: int = 2
    story_max_days: float | None = 14.0
    story_check: bool | str = False
    boilerplate: BoilerplateOptions | None = field(default_factory=BoilerplateOptions)
    trees: bool = True
    changes: bool = False

    def index_params(self) -> dict:
        return {"num_perm": self.num_perm, "shingle": self.shingle, "seed": 1,
                "scheme": "oph"}

    def problems(self) -> list[tuple[str, str]]:
        """What is wrong with these settings, as ``(field, what)``; empty when usable.

        >>> TraceOptions(threshold=1.5, trees=False, changes=True).problems()
        [('threshold', 'must be between 0 and 1'), ('changes', 'needs the family trees')]
        """
        checks = [("threshold", 0 < self.threshold < 1, "must be between 0 and 1"),
                  ("max_bucket", self.max_bucket >= 2, "must be at least 2"),
                  ("max_candidates", self.max_candidates >= 1, "must be at least 1"),
                  ("story_min_score", 0 < self.story_min_score <= 1, "must be in (0, 1]"),
                  ("changes", self.trees or not self.changes, "needs the family trees")]
        return [(name, what) for name, ok, what in checks if not ok]



@dataclass
class TraceReport:
    """What one run did: the counts of each step of the plan, as both engines report
    them (the Spark engine's report adds its own counts and stage times)."""

    signed: int = 0
    candidates: int = 0
    capped_buckets: int = 0
    below_containment: int = 0
    capped_articles: int = 0
    capped_examples: list = field(default_factory=list)  # [article id, candidates], largest first
    verified: int = 0
    links_added: int = 0
    story_candidates: int = 0
    story_links_added: int = 0  # every link the same-story step adds, of any kind
    event_links: int = 0  # of those: same_event (unconfirmed by the sentence check, or one site)
    story_quote_links: int = 0  # of those: shared_quote
    boilerplate_blocks: int = 0  # blocks of text that are boilerplate (site or corpus)
    boilerplate_sites: int = 0  # sites with boilerplate of their own
    relinked: int = 0  # articles whose links were verified again (new boilerplate)
    quote_links: int = 0  # of links_added: pairs that share only a third party's quotation

    def to_dict(self) -> dict:
        return asdict(self)


def reuse_evidence(alignment: Alignment, len_a: int, len_b: int,
                   options: VerifyOptions = VerifyOptions()) -> dict | None:
    """Summarise an alignment as reuse-link evidence, or ``None`` if it is not reuse.

    >>> aligner = Aligner(semantic=False)
    >>> s = ("The city council voted on Tuesday to approve a new budget that cuts funding "
    ...      "for public libraries by twelve percent while raising police overtime pay "
    ...      "across all districts, officials said.")
    >>> a, b = "Local news. " + s, s + " More to follow."
    >>> ev = reuse_evidence(aligner.align(a, b, repeats=False), len(a), len(b))
    >>> ev["passages"], ev["kinds"]
    (1, {'verbatim': 1})
    """
    summary = passage_summary(alignment, len_a, len_b)
    if summary is None:
        return None
    coverage = alignment.coverage_a if len_a <= len_b else alignment.coverage_b
    if summary["reused_chars"] < options.min_chars or coverage < options.min_coverage:
        return None
    if (all(p.kind == "paraphrase" for p in alignment.passages)
            and coverage < options.min_paraphrase_coverage):
        return None
    return summary


def passage_summary(alignment: Alignment, len_a: int, len_b: int) -> dict | None:
    """What an alignment shares, whatever its size: passages, their kinds, the reused
    characters of the shorter text and the longest passage's offsets (``None`` without
    passages)."""
    passages = alignment.passages
    if not passages:
        return None
    shorter_is_a = len_a <= len_b
    reused = sum((p.a_end - p.a_start) if shorter_is_a else (p.b_end - p.b_start)
                 for p in passages)
    kinds: dict[str, int] = {}
    for p in passages:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    longest = max(passages, key=lambda p: p.a_end - p.a_start)
    return {
        "passages": len(passages),
        "kinds": kinds,
        "reused_chars": reused,
        "longest": [longest.a_start, longest.a_end, longest.b_start, longest.b_end],
    }


def verify_pairs(pairs: list[tuple[str, str]], aligner: Aligner,
                 options: VerifyOptions = VerifyOptions()) -> list[tuple[Alignment, dict | None]]:
    """Align each ``(text_a, text_b)`` pair and decide whether it is reuse."""
    out = []
    for (a, b), alignment in zip(pairs, aligner.align_many(pairs), strict=True):
        out.append((alignment, reuse_evidence(alignment, len(a), len(b), options)))
    return out


def bucket_pairs(band_hashes: np.ndarray, is_new: np.ndarray, max_bucket: int = 200
                 ) -> tuple[np.ndarray, int]:
    """Pairs of rows that share an LSH bucket, with at least one new row in each pair.

    ``band_hashes`` is ``n × bands`` (each band's hash already salted by its band,
    as :meth:`storytrace.index.LSHIndex.band_hashes` makes them). Buckets with
    more than ``max_bucket`` members (boilerplate shared by thousands) give no
    pairs; their number is returned beside the ``m × 2`` array of row pairs
    (``i < j``, unique, sorted).

    >>> h = np.array([[1, 7], [1, 8], [2, 8], [3, 9]], dtype=np.uint64)
    >>> pairs, capped = bucket_pairs(h, np.array([False, False, True, True]))
    >>> pairs.tolist(), capped
    ([[1, 2]], 0)
    """
    n, bands = band_hashes.shape if band_hashes.ndim == 2 else (0, 0)
    if n < 2 or bands == 0:
        return np.zeros((0, 2), dtype=np.int64), 0
    flat = band_hashes.reshape(-1)
    rows = np.repeat(np.arange(n, dtype=np.int64), bands)
    order = np.argsort(flat, kind="stable")
    flat, rows = flat[order], rows[order]
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    sizes = np.diff(np.r_[starts, len(flat)])
    new_in_run = np.add.reduceat(is_new[rows].astype(np.int64), starts)
    wanted = (sizes >= 2) & (new_in_run > 0)
    capped = int(np.count_nonzero(wanted & (sizes > max_bucket)))
    found = []
    for start, size in zip(starts[wanted & (sizes <= max_bucket)],
                           sizes[wanted & (sizes <= max_bucket)], strict=True):
        members = np.unique(rows[start : start + size])
        i, j = np.triu_indices(len(members), k=1)
        a, b = members[i], members[j]
        keep = is_new[a] | is_new[b]
        found.append(a[keep] * n + b[keep])
    if not found:
        return np.zeros((0, 2), dtype=np.int64), capped
    codes = np.unique(np.concatenate(found))
    return np.stack([codes // n, codes % n], axis=1), capped


def cap_candidates(pairs: list[tuple[int, int, float]], max_per_article: int
                   ) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """Drop candidate pairs outside the ``max_per_article`` most contained of either article.

    ``pairs`` are ``(a, b, estimated containment)``. An article's candidates are
    ranked by containment (higher first, then by ``(a, b)``); a pair is kept when it
    ranks within the cap for both its articles. The rule needs no order of
    processing, so the Spark engine computes it with a window and gets the same
    pairs. Returns the kept ``(a, b)`` pairs in their given order and, for each
    article that had more candidates than the cap, how many it had.

    >>> cap_candidates([(1, 2, .9), (1, 3, .5), (1, 4, .7), (2, 3, .8)], 2)
    ([(1, 2), (1, 4), (2, 3)], {1: 3})
    """
    by_article: dict[int, list[tuple[float, int, int]]] = {}
    for a, b, c in pairs:
        by_article.setdefault(a, []).append((-c, a, b))
        by_article.setdefault(b, []).append((-c, a, b))
    over = {s: len(v) for s, v in by_article.items() if len(v) > max_per_article}
    if not over:
        return [(a, b) for a, b, _ in pairs], {}
    dropped = {(a, b) for s in over for _, a, b in sorted(by_article[s])[max_per_article:]}
    return [(a, b) for a, b, _ in pairs if (a, b) not in dropped], over


def estimated_containment(sig_a: np.ndarray, sig_b: np.ndarray, size_a: int, size_b: int
                          ) -> float:
    """Share of the smaller shingle set found in the larger, from two MinHash signatures.

    Jaccard ``J`` and set sizes give the intersection ``J (|A| + |B|) / (1 + J)``;
    a short article copied whole into a long one has a low Jaccard but a
    containment near 1, which is what reuse detection needs.

    >>> s = np.arange(128, dtype=np.uint32)
    >>> estimated_containment(s, s, 100, 400)
    1.0
    """
    j = float(np.mean(sig_a == sig_b))
    smaller = max(1, min(size_a, size_b))
    return min(1.0, j * (size_a + size_b) / (1 + j) / smaller)


def story_record(story: dict) -> dict:
    """One story (``Story.to_dict()``) as a flat row for Parquet output.

    Nested lists of articles and links, and the family tree, become JSON strings, so
    every engine writes the same seven columns whatever the evidence holds.

    >>> row = story_record({"story": "s-a", "articles": [{"id": "a"}], "outlets": ["x"],
    ...                     "first_published": None, "last_published": None, "links": []})
    >>> row["articles"], row["links"], row["outlets"]
    ('[{"id": "a"}]', '[]', ['x'])
    """
    return {"story": story["story"], "articles": json.dumps(story["articles"]),
            "outlets": story["outlets"], "first_published": story["first_published"],
            "last_published": story["last_published"], "links": json.dumps(story["links"]),
            "tree": json.dumps(story["tree"]) if story.get("tree") else None}


def story_line(story: dict) -> str:
    """One story (``Story.to_dict()``) as a JSON Lines record, without the newline."""
    return json.dumps(story, ensure_ascii=False)


def without_boilerplate(articles: dict[int, Article], model: Boilerplate | None, *,
                        keep_titles: bool = False
                        ) -> tuple[dict[int, Article], dict[int, int]]:
    """The boilerplate step before alignment: each article with its site's boilerplate
    blanked (offsets kept), and the characters set aside per article (where any).
    ``model`` ``None``: boilerplate is kept (an empty model still sets navigation lists
    aside). ``keep_titles`` (the verify step): a block that is the article's own headline
    (:func:`own_title`) stays, though the site's other pages print it in their lists of
    latest stories: a copy usually keeps the headline of what it copies.
    """
    if model is None:
        return articles, {}
    out: dict[int, Article] = {}
    aside: dict[int, int] = {}
    for seq, a in articles.items():
        spans = model.spans(a.text, site_of(a.outlet, a.url))
        if keep_titles:
            spans = [(s, e) for s, e in spans if not own_title(a.text[s:e], a.title)]
        n = sum(e - s for s, e in spans)
        out[seq] = replace(a, text=mask(a.text, spans)) if n else a
        if n:
            aside[seq] = n
    return out, aside


def same_site(a: Article, b: Article) -> bool:
    """Whether two articles come from one site (:func:`~storytrace.text.boilerplate.site_of`
    of their outlet and url; an article with neither has no site)."""
    return site_of(a.outlet, a.url) == site_of(b.outlet, b.url) != ""


def own_title(block: str, title: str) -> bool:
    """Whether a boilerplate ``block`` is (most of) the article's own ``title``: the
    block's words, at least half of the title's characters, run inside the title.

    >>> own_title(" Sensex likely to open flat ", "MarketBuzz: Sensex likely to open flat")
    True
    >>> own_title("Sign up for our newsletter", "MarketBuzz: Sensex likely to open flat")
    False
    """
    words, head = " ".join(block.split()).casefold(), " ".join(title.split()).casefold()
    return bool(words) and 2 * len(words) >= len(head) and words in head


def verify_link(a_seq: int, b_seq: int, a: Article, b: Article, aligner: Aligner,
                options: VerifyOptions = VerifyOptions(),
                set_aside: dict[int, int] | None = None) -> Link | None:
    """Align two stored articles and make a reuse :class:`Link` if they share enough.

    ``a`` and ``b`` come with their boilerplate already blanked (:func:`without_boilerplate`);
    ``set_aside`` (seq -> characters blanked) goes into the evidence. Of what they share,
    only copied article content counts towards a reuse link (:func:`copy_kind`): two
    articles that share only a third party's quotation get a ``shared_quote`` link, two
    that share only small print, credit lines or a few words of a paraphrase, none. A
    pair too small for a reuse link that shares a quotation of at least
    :data:`MIN_SHORT_QUOTE_CHARS` (one sentence of a speech, a tweet) and nothing else is
    a ``shared_quote`` pair too.
    """
    alignment = aligner.align(a, b, repeats=False)
    evidence = reuse_evidence(alignment, len(a.text), len(b.text), options)
    small = evidence is None
    if small:
        evidence = passage_summary(alignment, len(a.text), len(b.text))
        if evidence is None or evidence["reused_chars"] < MIN_SHORT_QUOTE_CHARS:
            return None
    if set_aside and (set_aside.get(a_seq) or set_aside.get(b_seq)):
        evidence["boilerplate_chars"] = [set_aside.get(a_seq, 0), set_aside.get(b_seq, 0)]
    kind = copy_kind(a, b, alignment, evidence, options)
    if kind is None or (small and (kind != "shared_quote"
                                   or evidence["quoted_chars"] < MIN_SHORT_QUOTE_CHARS)):
        return None
    return Link(a_seq, b_seq, kind, round(max(alignment.coverage_a, alignment.coverage_b), 4),
                round(alignment.coverage_a, 4), round(alignment.coverage_b, 4), evidence)


#: Shared quoted characters (in the shorter text) that make two articles sharing no copied
#: content a ``shared_quote`` pair rather than no pair at all.
MIN_QUOTE_CHARS = 40
#: Share of each text (small print aside) that aligned passages cover beyond which two
#: texts are two versions of one, a reuse link even if most of what they share is quoted.
VERSION_SHARE = 0.6
#: Shared quoted characters (in the shorter text) that make a ``shared_quote`` pair of two
#: articles sharing too little for a reuse link (about 15 words: a sentence of a speech).
MIN_SHORT_QUOTE_CHARS = 80


def copy_kind(a: Article, b: Article, alignment: Alignment, evidence: dict,
              options: VerifyOptions = VerifyOptions()) -> str | None:
    """What an aligned pair that passed :func:`reuse_evidence` is: ``"reuse"`` when the
    copied article content (:func:`storytrace.provenance.content.copied_content`: shared
    runs of words outside quoted speech in both texts and outside small print and credit
    lines) itself reaches ``min_chars`` and ``min_coverage`` of the shorter text (with
    the shared quotations, when a run of narrative between two of them is shared too;
    ``min_paraphrase_coverage`` when every passage is a paraphrase), or when the passages
    cover :data:`VERSION_SHARE` of each text, small print aside (two versions of one text);
    ``"shared_quote"`` when it does not and what they share is mostly a third party's
    quoted words (at least :data:`MIN_QUOTE_CHARS`); else ``None`` (no link). The counts,
    and the shared quotations, go into ``evidence``.
    """
    from storytrace.provenance.content import copied_content
    from storytrace.provenance.direction import shared_quotes

    shared = copied_content(a.text, b.text, alignment.passages, same_site=same_site(a, b))
    side = 0 if len(a.text) <= len(b.text) else 1
    content, quoted = shared["content"][side], shared["quoted"][side]
    evidence.update(content_chars=content, quoted_chars=quoted,
                    furniture_chars=shared["furniture"][side])
    shorter = max(1, min(len(a.text), len(b.text)))
    # the reporter's own words between two shared quotations, copied with them, make
    # the quotations copied content too (the passage's arrangement was reused)
    counted = content + (quoted if shared["bridges"] else 0)
    # a paraphrase shares a few phrases of the story it retells: as with the passages
    # themselves (reuse_evidence), their copied words must reach half the shorter text
    least = (options.min_paraphrase_coverage
             if all(p.kind == "paraphrase" for p in alignment.passages)
             else options.min_coverage)
    # two texts that are mostly each other, small print aside, are two versions of one
    # text, whatever share of it is quotation (a copy of a quote-laden excerpt)
    versions = min(
        _own_share(a.text, [(p.a_start, p.a_end) for p in alignment.passages],
                   shared["furniture"][0]),
        _own_share(b.text, [(p.b_start, p.b_end) for p in alignment.passages],
                   shared["furniture"][1]))
    # ... and share at least min_chars beyond small print (two pages of paywall forms
    # and market-report stubs are not two versions of one article)
    if versions >= VERSION_SHARE and (evidence["reused_chars"] - evidence["furniture_chars"]
                                      >= options.min_chars):
        evidence["versions"] = round(versions, 4)
        return "reuse"
    if counted >= options.min_chars and counted / shorter >= least:
        if shared["bridges"]:
            evidence["bridges"] = [list(x) for x in shared["bridges"][:5]]
        return "reuse"
    if quoted < max(MIN_QUOTE_CHARS, content):
        return None
    quotes = []
    for run in shared["quote_runs"][:5]:
        found = shared_quotes(a.text, b.text, [run])["quotes"]
        a0, a1, b0, b1 = run
        quotes.append(found[0] if found else {"text": a.text[a0:a1], "speaker": None,
                                              "a_start": a0, "a_end": a1,
                                              "b_start": b0, "b_end": b1})
    evidence["quotes"] = [{k: q[k] for k in ("text", "speaker", "a_start", "a_end",
                                             "b_start", "b_end")} for q in quotes]
    return "shared_quote"


def _own_share(text: str, spans: list[tuple[int, int]], furniture: int) -> float:
    """The share of what an article says (its characters that are neither white space
    nor blanked boilerplate) that ``spans`` cover, the ``furniture`` characters of small
    print inside them set aside: a passage that runs over a blanked sidebar covers none
    of it.

    >>> round(_own_share("ab   cd  ef", [(0, 7)], 0), 4), _own_share("ab cd ef", [(0, 5)], 5)
    (0.6667, 0.0)
    """
    own = len(text) - sum(map(str.isspace, text))
    if own <= 0:
        return 0.0
    covered, spanned, end = 0, 0, 0
    for s, e in sorted(spans):
        s = max(s, end)
        if e > s:
            spanned += e - s
            covered += (e - s) - sum(map(str.isspace, text[s:e]))
            end = e
    # small print is counted in characters of the passages, white space included; it is
    # set aside from both what is covered and what the article says
    aside = min(covered, furniture * covered / max(1, spanned))
    return (covered - aside) / max(1.0, own - aside)


#: Two groups of articles become one story when the strength of the links between them
#: reaches this times the geometric mean of their sizes (see :func:`cluster_links`).
STORY_MERGE = 0.5
#: Same-story links (no copy among them) that must join a group of two or more articles to
#: another group before the two can merge (see :func:`cluster_links`).
STORY_SUPPORT = 2


def link_strength(link: Link) -> float:
    """How strongly one link says its two articles belong to one story.

    A same-story link is the model's calibrated probability (its score, at most 1). A
    reuse link is copied text, firmer evidence: ``1`` plus half its coverage of the
    shorter text (a shared paragraph 1.0, a whole copy 1.5).

    >>> link_strength(Link(1, 2, "reuse", 0.2, 0.2, 0.1, {}))
    1.1
    >>> link_strength(Link(1, 2, "same_story", 0.9, 0.0, 0.0, {}))
    0.9
    """
    if link.kind == "same_story":
        return round(min(1.0, max(link.score, 1e-3)), 9)
    return round(1.0 + min(1.0, max(link.score, 0.0)) / 2, 9)


def cluster_links(members: list[int], links: list[Link],
                  previous: dict[int, str] | None = None) -> list[int]:
    """A story label (its smallest member) for each member, from the links among them.

    Agglomerative: every article starts alone, and two groups merge when the summed
    :func:`link_strength` of the links between groups ``A`` and ``B`` reaches
    :data:`STORY_MERGE` · √(|A|·|B|). Two single articles need one link; an article
    joins a story of up to four with one copy link, of up to three with one same-story
    link, a larger one with more; one link never joins two groups of four or more (nor
    of three, unless it is a whole copy). Between groups that only same-story links
    join, a group's size counts its texts: a copy family (a source and its copies) is
    one text, so an article joins a source and its copy with one same-story link of p
    >= 0.5, as it would join the source alone. A group that same-story links assembled (not
    one family of copies: its members are not all in one set that copy links connect)
    joins another by same-story links only when at least :data:`STORY_SUPPORT` of them
    join the two, so a chain of same-story links (A–B, B–C, C–D ...) stops at a pair
    and a hub article's spokes at one, however strong each link; a copy family (a
    source and its copies) is one text, so one same-story link to any of its members
    speaks for all. A weak bridge, a hub or a chain cannot glue unrelated stories
    together. Merges are tried in the order of how embedded their links are in dense
    groups (a bridge last, once the groups at its ends have formed), ties by the
    groups' smallest members, so each group's fate depends on its own links alone: the
    stories of one connected set of articles are the same whatever else the corpus
    holds (the Spark engine clusters each component apart and gets the local answer).

    ``previous`` (member -> story id of an earlier run): those stories are kept as they
    were, as starting groups (a story whose own links no longer connect it splits along
    them); new articles join them, or two of them merge, only by the same rule. So
    tracing articles unrelated to a story never splits or merges it.

    >>> strong = [Link(a, b, "reuse", 0.9, 0.9, 0.9, {}) for a, b in
    ...           [(1, 2), (1, 3), (2, 3), (4, 5), (4, 6), (5, 6)]]
    >>> cluster_links([1, 2, 3, 4, 5, 6], [*strong, Link(3, 4, "reuse", 0.4, 0.4, 0.2, {})])
    [1, 1, 1, 4, 4, 4]
    """
    strengths: dict[tuple[int, int], float] = {}
    for x in links:
        key = (min(x.a_seq, x.b_seq), max(x.a_seq, x.b_seq))
        if key[0] != key[1]:
            strengths[key] = max(strengths.get(key, 0.0), link_strength(x))
    groups = _starting_groups(members, strengths, previous or {})
    label: dict[int, int] = {}
    for group in _agglomerate(groups, strengths, STORY_MERGE):
        first = min(group)
        for node in group:
            label[node] = first
    return [label[m] for m in members]


def _starting_groups(members: list[int], strengths: dict[tuple[int, int], float],
                     previous: dict[int, str]) -> list[list[int]]:
    """Each earlier story (its members among ``members``), split where its own links no
    longer connect it; every other member alone."""
    by_story: dict[str, list[int]] = {}
    groups: list[list[int]] = []
    for m in members:
        if m in previous:
            by_story.setdefault(previous[m], []).append(m)
        else:
            groups.append([m])
    for old in by_story.values():
        groups.extend(connected(old, strengths))
    return groups


def connected(nodes: list[Hashable], links: Iterable[tuple[Hashable, Hashable]]
              ) -> list[list[Hashable]]:
    """``nodes`` split into the sets their ``links`` (pairs, e.g. the keys of a dict of
    strengths) among themselves connect, each set in the order of ``nodes``.

    >>> connected(["a", "b", "c", "d"], [("a", "c"), ("c", "x")])
    [['a', 'c'], ['b'], ['d']]
    """
    inside = set(nodes)
    parent = {m: m for m in nodes}

    def find(x: Hashable) -> Hashable:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        if a in inside and b in inside:
            parent[find(a)] = find(b)
    parts: dict[Hashable, list[Hashable]] = {}
    for m in nodes:
        parts.setdefault(find(m), []).append(m)
    return list(parts.values())


def _embedded(strengths: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """Each link's strength times how much its two articles' linked sets overlap (Jaccard of
    their closed neighbourhoods, as SCAN clustering weighs edges): a link inside a dense
    group keeps its strength, a lone bridge between two groups keeps little."""
    near: dict[int, set[int]] = {}
    for a, b in strengths:
        near.setdefault(a, {a}).add(b)
        near.setdefault(b, {b}).add(a)
    return {(a, b): w * len(near[a] & near[b]) / len(near[a] | near[b])
            for (a, b), w in strengths.items()}


def _agglomerate(groups: list[list[int]], strengths: dict[tuple[int, int], float],
                 threshold: float) -> list[list[int]]:
    """Merge groups while their links' strength / √(size · size) reaches ``threshold``,
    the pairs whose links are most embedded in dense groups (:func:`_embedded`) first, so
    a bridge is looked at once the groups at its ends have formed.

    A heap of candidate merges with lazy deletion: an entry whose groups changed since it
    was pushed is skipped; O(links · log links) for sparse link graphs.
    """
    import heapq

    where = {node: k for k, group in enumerate(groups) for node in group}
    members = [list(g) for g in groups]
    low = [min(g) for g in groups]
    version = [0] * len(groups)
    # a group is one family of copies when its members are all in one set that copy
    # links (reuse, strength above 1) connect; otherwise same-story links assembled it
    nodes = sorted(where)
    family = {m: min(part) for part in connected(
        nodes, {pair: w for pair, w in strengths.items() if w > 1.0}) for m in part}
    kin: list[int | None] = [family[g[0]] if len({family[m] for m in g}) == 1 else None
                             for g in groups]
    # a group's size for same-story links is its texts: a copy family counts once
    texts = [len({family[m] for m in g}) for g in groups]
    # between[g][h] = (summed strength, summed embedded strength, links, copy links) of
    # the links g–h
    between: list[dict[int, tuple[float, float, int, int]]] = [{} for _ in groups]
    for (a, b), embedded in _embedded(strengths).items():
        ga, gb = where.get(a), where.get(b)
        if ga is None or gb is None or ga == gb:
            continue
        w = strengths[a, b]
        between[ga][gb] = between[gb][ga] = _add(between[ga].get(gb, _NONE),
                                                 (w, embedded, 1, int(w > 1.0)))

    def entry(g: int, h: int) -> tuple:
        w, e, n, copies = between[g][h]
        # one same-story link to a copy family speaks for all its copies (one text);
        # copy links are weighed by articles, so a weak one does not bridge two families
        size = ((texts[g] * texts[h]) if not copies
                else (len(members[g]) * len(members[h]))) ** 0.5
        first, second = sorted((low[g], low[h]))
        # a group that same-story links assembled joins another by same-story links
        # only when two of them say so: one pairwise link (a chain's next step, a hub's
        # next spoke) is not enough, however strong; a copy family is one text
        corroborated = copies or n >= STORY_SUPPORT or None not in (kin[g], kin[h])
        strength = round(w / size, 9) if corroborated else 0.0
        return (-round(e / size, 9), first, second, strength, g, h, version[g], version[h])

    heap = [entry(g, h) for g in range(len(groups)) for h in between[g] if g < h]
    heapq.heapify(heap)
    while heap:
        _, _, _, strength, g, h, vg, vh = heapq.heappop(heap)
        if (not (members[g] and members[h]) or version[g] != vg or version[h] != vh
                or strength < threshold):
            continue
        if len(members[g]) < len(members[h]):
            g, h = h, g
        members[g] += members[h]
        members[h] = []
        kin[g] = kin[g] if kin[g] == kin[h] else None
        texts[g] = len({family[m] for m in members[g]})
        low[g] = min(low[g], low[h])
        version[g] += 1
        del between[g][h]
        for n, totals in between[h].items():
            if n == g:
                continue
            between[g][n] = between[n][g] = _add(between[g].get(n, _NONE), totals)
            del between[n][h]
        between[h] = {}
        for n in between[g]:
            heapq.heappush(heap, entry(g, n))
    return [m for m in members if m]


_NONE = (0.0, 0.0, 0, 0)


def _add(x: tuple[float, float, int, int], y: tuple[float, float, int, int]
         ) -> tuple[float, float, int, int]:
    return (x[0] + y[0], x[1] + y[1], x[2] + y[2], x[3] + y[3])


def stable_story_ids(labels: list[int], keys: list[str], previous: dict[str, str]
                     ) -> list[str]:
    """Story ids that survive re-clustering.

    A cluster keeps the id most of its previously labelled members had (each old
    id goes to one cluster only, the one holding most of its members); other
    clusters get ``s-`` plus the smallest member key, which is stable too.

    >>> stable_story_ids([0, 0, 1], ["a", "b", "c"], {})
    ['s-a', 's-a', 's-c']
    >>> stable_story_ids([0, 0, 0, 1], ["x", "a", "b", "c"], {"a": "s-a", "b": "s-a"})
    ['s-a', 's-a', 's-a', 's-c']
    """
    clusters: dict[int, list[str]] = {}
    for label, key in zip(labels, keys, strict=True):
        clusters.setdefault(label, []).append(key)
    votes = []
    for label, members in clusters.items():
        counts: dict[str, int] = {}
        for key in members:
            if key in previous:
                counts[previous[key]] = counts.get(previous[key], 0) + 1
        votes += [(-n, old, label) for old, n in counts.items()]
    named: dict[int, str] = {}
    taken: set[str] = set()
    for _, old, label in sorted(votes):
        if label not in named and old not in taken:
            named[label] = old
            taken.add(old)
    for label, members in clusters.items():
        if label not in named:
            fresh = f"s-{min(members)}"
            named[label] = fresh if fresh not in taken else f"{fresh}-{label}"
    return [named[label] for label in labels]


def story_tree(story: Story, around: list[Link], articles: dict[int, Article], *,
               ignore_times: bool = False, options: TreeOptions | None = None) -> FamilyTree:
    """The trees stage: the family tree of one story (who copied whom, with the evidence).

    ``around``: the links with an end in the story (any order; the story's own links
    come from ``story.links``). A reuse link that leaves the story brings the article
    at its far end in as a candidate parent (``articles``: seq -> Article for those),
    since story clustering may cut a family of versions in two.
    """
    from storytrace.provenance.tree import TreeOptions, family_tree

    inside = set(story.seqs)
    crossing = sorted((x for x in around
                       if x.kind == "reuse" and (x.a_seq in inside) != (x.b_seq in inside)),
                      key=lambda x: (x.a_seq, x.b_seq))
    outer = sorted({s for x in crossing for s in (x.a_seq, x.b_seq)} - inside)
    outer = [s for s in outer if s in articles]
    return family_tree(story.articles, [*story.links, *crossing], story=story.id,
                       seqs=[*story.seqs, *outer], context=[articles[s] for s in outer],
                       ignore_times=ignore_times, options=options or TreeOptions())
