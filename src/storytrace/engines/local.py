"""The local engine: `trace` in one process over the SQLite store, incrementally.

Each run signs only the articles not signed before, proposes candidate pairs in
which at least one article is new, verifies only pairs not verified before, and
re-clusters the stories, keeping story ids stable across runs. Killing a run
loses at most the batch in flight; the next run picks up where it stopped.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from storytrace.align import Aligner, Alignment, Passage
from storytrace.align.semantic import embedding_cache
from storytrace.engines.core import (
    STORY_KINDS,
    TraceOptions,
    TraceReport,
    bucket_pairs,
    cap_candidates,
    cluster_links,
    estimated_containment,
    stable_story_ids,
    story_tree,
    verify_link,
    without_boilerplate,
)
from storytrace.engines.story_links import gate_facts, same_story_links, story_gates
from storytrace.index import LSHIndex, MinHasher
from storytrace.index.minhash import shingle_count
from storytrace.index.sketch import StorySketcher, sketch_candidates
from storytrace.model import Article, Link, Story
from storytrace.store import Store
from storytrace.store.corpus import CorpusIndex
from storytrace.store.embeddings import EmbeddingStore
from storytrace.text.boilerplate import (
    Boilerplate,
    BoilerplateOptions,
    block_keys,
    boilerplate_spans,
    count_blocks,
    page_of,
    site_of,
)

if TYPE_CHECKING:
    from storytrace.provenance.tree import FamilyTree, TreeOptions

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class Verifier:
    """The plan's verify step (:func:`~storytrace.engines.core.verify_link`) over a chunk of
    candidate pairs, in this process or spread over ``workers`` processes.

    Alignment is most of a trace's work and each pair is independent, so the chunk is cut
    into slices that worker processes align; the links come back in the chunk's order, the
    same as with one process. Workers are started with ``spawn`` (a fork of a process that
    holds the sentence model's threads can hang) and build their aligner once.

    >>> with Verifier(TraceOptions(), workers=1) as v:
    ...     v.verify([], {}, {})
    []
    """

    def __init__(self, options: TraceOptions, workers: int = 1,
                 embeddings: str | None = None) -> None:
        self.options = options
        self.workers = max(1, int(workers))
        self.embeddings = embeddings  # a store whose embeddings the workers share
        self._aligner: Aligner | None = None
        self._pool = None

    def __enter__(self) -> Verifier:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def verify(self, chunk: list[tuple[int, int]], articles: dict[int, Article],
               aside: dict[int, int]) -> list[Link]:
        """The links among ``chunk``'s pairs (``articles`` with boilerplate blanked)."""
        if self.workers == 1 or len(chunk) < 2 * self.workers:
            if self._aligner is None:
                self._aligner = Aligner(semantic=self.options.semantic)
            return _verify_pairs(chunk, articles, aside, self._aligner, self.options)
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(self.options, self.embeddings))
        size = -(-len(chunk) // (4 * self.workers))
        slices = [chunk[k : k + size] for k in range(0, len(chunk), size)]
        jobs = [(part, {s: articles[s] for pair in part for s in pair},
                 {s: aside[s] for pair in part for s in pair if s in aside})
                for part in slices]
        return [link for links in self._pool.map(_verify_in_worker, jobs) for link in links]


def _verify_pairs(chunk: list[tuple[int, int]], articles: dict[int, Article],
                  aside: dict[int, int], aligner: Aligner, options: TraceOptions
                  ) -> list[Link]:
    return [link for a, b in chunk
            if (link := verify_link(a, b, articles[a], articles[b], aligner,
                                    options.verify, aside))]


_WORKER: dict[str, object] = {}


def _start_worker(options: TraceOptions, embeddings: str | None = None) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _WORKER["options"] = options
    _WORKER["aligner"] = aligner = Aligner(semantic=options.semantic)
    if embeddings and aligner.encoder is not None:
        aligner.encoder.cache = _WORKER["embeddings"] = EmbeddingStore(Store(embeddings))


def _verify_in_worker(job: tuple[list[tuple[int, int]], dict[int, Article], dict[int, int]]
                      ) -> list[Link]:
    chunk, articles, aside = job
    links = _verify_pairs(chunk, articles, aside, _WORKER["aligner"],  # type: ignore[arg-type]
                          _WORKER["options"])  # type: ignore[arg-type]
    if "embeddings" in _WORKER:
        _WORKER["embeddings"].flush()  # type: ignore[attr-defined]
    return links


def run_trace(store: Store, options: TraceOptions = TraceOptions(),
              progress: Progress | None = None, workers: int = 1) -> TraceReport:
    """Index new articles, find and verify candidate pairs, store the links.

    ``workers``: processes that align candidate pairs (:class:`Verifier`); the links are
    the same for any number.

    >>> from storytrace.store import Store
    >>> from storytrace.model import Article
    >>> body = " ".join(f"Item {i} of the council report on the bridge." for i in range(30))
    >>> store = Store(":memory:")
    >>> _ = store.add([Article(id="a", text=body), Article(id="b", text="Intro. " + body)])
    >>> report = run_trace(store)
    >>> report.signed, report.links_added
    (2, 1)
    """
    report = TraceReport()
    index = CorpusIndex(store)
    index.params(options.index_params())
    sketcher = StorySketcher()
    traced_through = index.traced_through()
    _sign_new(index, options, report, progress)

    model, relinked = None, []
    if options.boilerplate:
        model, relinked = _update_boilerplate(index, options.boilerplate)
        report.boilerplate_blocks = len(model)
        report.boilerplate_sites = len({site for site, _ in model.site_blocks
                                        if not site.startswith("*")})
        report.relinked = len(relinked)
    seqs, counts, sigs = index.all_signatures()
    if not len(seqs):
        return report
    # New: everything after the last finished run, so that articles a killed run
    # signed but did not verify are still paired with each other, and the articles
    # whose links rested on text that has become boilerplate.
    is_new = (seqs > traced_through) | np.isin(seqs, np.asarray(relinked, dtype=np.int64))
    if not is_new.any():
        # Nothing new, but an earlier run may have been stopped before verifying.
        is_new = np.ones(len(seqs), dtype=bool)
    todo = index.unchecked(_candidates(index, options, report, (seqs, counts, sigs), is_new))
    shared = store.path if options.semantic and store.path != ":memory:" else None
    with Verifier(options, workers, embeddings=shared) as verifier:
        for start in range(0, len(todo), 500):
            chunk = todo[start : start + 500]
            articles, aside = without_boilerplate(
                index.articles({s for pair in chunk for s in pair}), model, keep_titles=True)
            links = verifier.verify(chunk, articles, aside)
            index.add_links(chunk, links)
            report.verified += len(chunk)
            report.links_added += len(links)
            report.quote_links += sum(x.kind == "shared_quote" for x in links)
            if progress:
                progress("verify", report.verified, len(todo))
    if options.same_story:
        _find_same_story(index, sketcher, traced_through, options, report, progress, model,
                         relinked)
    index.set_traced_through(int(seqs.max()))
    return report


def _sign_new(index: CorpusIndex, options: TraceOptions, report: TraceReport,
              progress: Progress | None) -> None:
    """The plan's sign step: a MinHash signature and shingle count for each article not
    yet indexed, stored in batches."""
    hasher = MinHasher(num_perm=options.num_perm, shingle=options.shingle, seed=1)
    total = index.unindexed_count()
    for batch in index.unindexed(options.batch):
        texts = [a.text for _, a in batch]
        counts = [shingle_count(t, options.shingle) for t in texts]
        index.add_signatures([s for s, _ in batch], counts, hasher.sign_many(texts))
        report.signed += len(batch)
        if progress:
            progress("sign", report.signed, total)


def _candidates(index: CorpusIndex, options: TraceOptions, report: TraceReport,
                signed: tuple[np.ndarray, np.ndarray, np.ndarray], is_new: np.ndarray
                ) -> list[tuple[int, int]]:
    """The plan's candidates, containment and cap steps over every stored signature
    (``signed``: seqs, shingle counts, signatures): the pairs with a new article to
    verify, most similar first per article, counted in ``report``."""
    seqs, counts, sigs = signed
    lsh = LSHIndex(num_perm=options.num_perm, threshold=options.threshold, weights=(0.1, 0.9))
    rows, report.capped_buckets = bucket_pairs(lsh.band_hashes(sigs), is_new,
                                               options.max_bucket)
    report.candidates = len(rows)
    scored = []
    for i, j in rows:
        containment = estimated_containment(sigs[i], sigs[j], counts[i], counts[j])
        if containment >= options.min_containment:
            scored.append((int(seqs[i]), int(seqs[j]), containment))
    report.below_containment = report.candidates - len(scored)
    pairs, over = cap_candidates(scored, options.max_candidates)
    report.capped_articles = len(over)
    largest = sorted(over.items(), key=lambda x: (-x[1], x[0]))[:3]
    ids = index.article_ids([seq for seq, _ in largest])
    report.capped_examples = [[ids[seq], n] for seq, n in largest]
    return pairs


def boilerplate_model(store: Store, options: BoilerplateOptions = BoilerplateOptions()
                      ) -> Boilerplate | None:
    """The boilerplate `trace` has learnt from the store's articles (``None`` before any
    trace has counted them), for comparing two articles with the corpus's knowledge."""
    index = CorpusIndex(store)
    if not index.blocks_through():
        return None
    site, corpus = index.boilerplate(options.min_articles, options.corpus_min)
    return Boilerplate(frozenset(site), frozenset(corpus), options)


def boilerplate_report(store: Store, options: BoilerplateOptions = BoilerplateOptions(),
                       sites: list[str] | None = None, scan: int = 500) -> list[dict]:
    """What `trace` sets aside as boilerplate, site by site (largest first; corpus-wide
    blocks under site ``"*"``): each block's text, how many articles print it, and one of
    them with the block's offsets, so a person can check it (promotion counted over all
    sites under ``"*promo"``). ``sites``: only these;
    ``scan``: articles read per site to find the examples."""
    index = CorpusIndex(store)
    site_blocks, corpus_blocks = index.boilerplate(options.min_articles, options.corpus_min)
    wanted: dict[str, dict[int, int]] = {}
    for (site, key), n in site_blocks.items():
        wanted.setdefault(site, {})[key] = n
    if corpus_blocks:
        wanted["*"] = dict(corpus_blocks)
    rows = []
    for site in sorted(wanted, key=lambda x: (-len(wanted[x]), x)):
        if sites and site not in sites:
            continue
        keys = wanted[site]
        seqs = index.seqs_of_sites([site]) if not site.startswith("*") else index.all_seqs()
        found: dict[int, dict] = {}
        for start in range(0, min(len(seqs), scan), 100):
            for a in index.articles(seqs[start : start + 100]).values():
                for s, e, key in block_keys(a.text, options.min_words):
                    if key in keys and key not in found:
                        found[key] = {"text": a.text[s:e],
                                      "example": {"id": a.id, "start": s, "end": e}}
            if len(found) == len(keys):
                break
        rows += [{"site": site, "articles": keys[key]} | found.get(
            key, {"text": None, "example": None}) for key in sorted(keys, key=lambda k: -keys[k])]
    return rows


def _update_boilerplate(index: CorpusIndex, options: BoilerplateOptions
                        ) -> tuple[Boilerplate, list[int]]:
    """The boilerplate step: count the blocks of the articles not counted yet; the
    model; and the articles whose stored links may rest on text that has just become
    boilerplate (their links are dropped, and their pairs verified again as new)."""
    before = site_blocks, corpus_blocks = index.boilerplate(options.min_articles,
                                                            options.corpus_min)
    counted = False
    for batch in index.uncounted():
        rows = [(seq, site_of(a.outlet, a.url), page_of(a.url, a.id)) for seq, a in batch]
        counts = count_blocks([(a.text, site, page) for (_, a), (_, site, page)
                               in zip(batch, rows, strict=True)],
                              options.min_words, index.counted_pages(r[2] for r in rows))
        index.add_block_counts(rows, counts)
        counted = True
    if counted:
        site_blocks, corpus_blocks = index.boilerplate(options.min_articles,
                                                       options.corpus_min)
    model = Boilerplate(frozenset(site_blocks), frozenset(corpus_blocks), options)
    fresh = Boilerplate(frozenset(site_blocks.keys() - before[0].keys()),
                        frozenset(corpus_blocks.keys() - before[1].keys()), options)
    if not fresh:  # no block has become boilerplate: no stored link rests on one
        return model, []
    linked = {s for pair in index.linked() for s in pair}
    if not fresh.corpus_blocks:
        linked &= set(index.seqs_of_sites({site for site, _ in fresh.site_blocks}))
    relink = sorted(seq for seq, a in index.articles(linked).items()
                    if boilerplate_spans(a.text, site_of(a.outlet, a.url), fresh,
                                         options.min_words))
    if relink:
        index.forget_links(relink)
    return model, relink


def _find_same_story(index: CorpusIndex, sketcher: StorySketcher, traced_through: int,
                     options: TraceOptions, report: TraceReport,
                     progress: Progress | None, model: Boilerplate | None = None,
                     relinked: list[int] = ()) -> None:
    """Tier 2: same-story links between articles that share little wording."""
    from storytrace.stories import StorySimilarity

    # Sketched once the boilerplate is known, from the text without it (a sidebar of the
    # site's other headlines would make each page's nearest sketches its own site's);
    # an article printing text that has just become boilerplate is sketched again.
    missing = sorted({*index.unsketched(), *relinked})
    for start in range(0, len(missing), options.batch):
        articles, _ = without_boilerplate(
            index.articles(missing[start : start + options.batch]), model)
        index.add_sketches(list(articles), sketcher.sketch_many(
            [a.text for a in articles.values()]))
    seqs, sketches = index.all_sketches()
    if not len(seqs):
        return
    is_new = ((seqs > traced_through) | np.isin(seqs, np.asarray(missing, dtype=np.int64))
              | np.isin(seqs, np.asarray(relinked, dtype=np.int64)))
    if not is_new.any():
        is_new = np.ones(len(seqs), dtype=bool)
    found = sketch_candidates(sketches, is_new, k=options.story_k,
                              min_cosine=options.story_min_cosine, max_df=options.max_bucket)
    cosine = {(int(seqs[i]), int(seqs[j])): v for i, j, v in found}
    # A pair tier 1 found sharing only a quotation is scored all the same: two reports of
    # one story often quote one speaker (its link stays unless tier 2 says same story).
    linked = index.linked() - {(x.a_seq, x.b_seq) for x in index.links_touching(
        {s for pair in cosine for s in pair}, kind="shared_quote")}
    todo = index.unchecked([p for p in cosine if p not in linked], table="story_checked")
    report.story_candidates = len(todo)
    if not todo:
        return
    # The gates first, each article read once (a pair's gates read its two articles
    # alone): only the pairs they pass are fetched again, in chunks, and scored. The
    # stopped ones are checked all the same.
    facts: dict = {}
    members = sorted({s for pair in todo for s in pair})
    for start in range(0, len(members), options.batch):
        articles, _ = without_boilerplate(
            index.articles(members[start : start + options.batch]), model)
        facts.update(gate_facts(articles))
    gates = story_gates(todo, None, options, facts)
    index.add_links([p for p, why in gates.items() if why is not None], [],
                    table="story_checked")
    passed = [p for p, why in gates.items() if why is None]
    similarity = StorySimilarity(semantic=options.semantic)
    aligner = Aligner(semantic=options.semantic)
    for start in range(0, len(passed), 500):
        chunk = passed[start : start + 500]
        articles, aside = without_boilerplate(
            index.articles({s for pair in chunk for s in pair}), model)
        links = same_story_links(chunk, articles, cosine, similarity, aligner, options, aside,
                                 facts)
        index.add_links(chunk, links, table="story_checked")
        report.story_links_added += len(links)
        report.event_links += sum(x.kind == "same_event" for x in links)
        report.story_quote_links += sum(x.kind == "shared_quote" for x in links)
        if progress:
            progress("same story", min(start + 500, len(passed)), len(passed))


def build_stories(store: Store) -> list[Story]:
    """Cluster the linked articles into stories and store them with stable ids."""
    index = CorpusIndex(store)
    links = [x for x in index.links() if x.kind in STORY_KINDS]
    members = sorted({s for x in links for s in (x.a_seq, x.b_seq)})
    if not members:
        index.set_stories({})
        return []
    before = index.stories()
    # The stories of the last run are kept as starting groups (cluster_links): articles
    # unrelated to a story never split or merge it.
    labels = cluster_links(members, links, before)
    # An article whose only links were kept out of every story is in no story (it is
    # listed with loose_links), as the Spark engine's components never hold one article.
    sizes = Counter(labels)
    kept = [i for i, x in enumerate(labels) if sizes[x] > 1]
    members, labels = [members[i] for i in kept], [labels[i] for i in kept]
    ids = index.article_ids(members)
    story_ids = stable_story_ids(labels, [ids[s] for s in members],
                                 {ids[s]: story for s, story in before.items() if s in ids})
    index.set_stories(dict(zip(members, story_ids, strict=True)))
    return stored_stories(store)


def stored_stories(store: Store, only: list[str] | None = None) -> list[Story]:
    """The stories the last `trace` run stored, without clustering again (``only``: these
    story ids), largest first."""
    index = CorpusIndex(store)
    groups: dict[str, list[int]] = {}
    for seq, story in sorted(index.stories(only or None).items()):
        groups.setdefault(story, []).append(seq)
    if not groups:
        return []
    articles = index.articles([s for seqs in groups.values() for s in seqs])
    story_of = {seq: story for story, seqs in groups.items() for seq in seqs}
    inside: dict[str, list[Link]] = {}
    # one pass, in (a_seq, b_seq) order; a few stories read only the links around them
    for x in index.links_touching(story_of) if only else index.links():
        if x.kind in STORY_KINDS and story_of.get(x.a_seq, 0) == story_of.get(x.b_seq, 1):
            inside.setdefault(story_of[x.a_seq], []).append(x)
    stories = []
    for story, seqs in groups.items():
        stories.append(Story(story, [articles[s] for s in seqs], inside.get(story, []), seqs))
    stories.sort(key=lambda s: (-len(s.seqs), s.id))
    return stories


@lru_cache(maxsize=1)
def loose_links(store: Store, limit: int | None = None) -> tuple[int, list[dict]]:
    """The stored links that join no story: same-event links, shared quotations, and
    links a story kept out (one weak link does not join two groups). Returns how many
    there are and the first ``limit`` of them, same-story and same-event links first,
    strongest first, each as ``Story.to_dict`` writes a link, with both articles' titles
    and outlets (``a_title``, ``b_title``, ``a_outlet``, ``b_outlet``).

    >>> from storytrace.store import Store
    >>> with Store(":memory:") as store:
    ...     loose_links(store)
    (0, [])
    """
    index = CorpusIndex(store)
    story_of = index.stories()
    order = {"same_story": 0, "same_event": 1, "reuse": 2, "shared_quote": 3}
    loose = sorted((x for x in index.links()
                    if story_of.get(x.a_seq, -1) != story_of.get(x.b_seq, -2)),
                   key=lambda x: (order.get(x.kind, 4), -x.score, x.a_seq, x.b_seq))
    shown = loose[:limit] if limit else loose
    arts = index.articles({s for x in shown for s in (x.a_seq, x.b_seq)})
    return len(loose), [
        {"a": arts[x.a_seq].id, "b": arts[x.b_seq].id, "kind": x.kind, "score": x.score,
         "coverage_a": x.coverage_a, "coverage_b": x.coverage_b, "evidence": x.evidence,
         "a_title": arts[x.a_seq].title, "b_title": arts[x.b_seq].title,
         "a_outlet": arts[x.a_seq].outlet, "b_outlet": arts[x.b_seq].outlet}
        for x in shown]


@lru_cache(maxsize=1)
def tree_code_version() -> str:
    """A digest of the code and data that build family trees (the provenance package, the
    plan's steps and the bundled models): a stored tree made by others is built again.
    Read once per process (7.7 MB, read again for every story before)."""
    import hashlib
    from pathlib import Path

    import storytrace.provenance as provenance

    folder = Path(provenance.__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*folder.glob("*.py"), folder.parent / "engines" / "core.py",
                        *(folder.parent / "data").iterdir()]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def tree_fingerprint(story: Story, links: list[Link]) -> str:
    """What a story's family tree depends on: its id, its members, every link touching
    them (the tree looks one reuse link out of the story), and the code that builds it.

    >>> fp = tree_fingerprint(Story("s-a", [], [], [1, 2]), [Link(1, 2, "reuse", .5, .5, .5, {})])
    >>> len(fp), fp == tree_fingerprint(Story("s-a", [], [], [1, 3]), [])
    (32, False)
    """
    import hashlib
    import json

    key = [tree_code_version(), story.id, sorted(story.seqs),
           sorted((x.a_seq, x.b_seq, x.kind, x.score) for x in links)]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]


@dataclass
class TraceResult:
    """What :func:`trace_store` gives: the run's report, the stories (largest first) and
    each story's family tree by story id (empty without ``trees``); ``ingest`` is set by
    callers that ingested first (:class:`storytrace.Tracer`)."""

    report: TraceReport
    stories: list[Story]
    trees: dict[str, FamilyTree] = field(default_factory=dict)
    ingest: Any = None

    def story_dicts(self) -> list[dict]:
        """Each story as ``--out`` writes it: ``Story.to_dict()`` plus its ``tree``."""
        return [s.to_dict() | ({"tree": self.trees[s.id].to_dict()} if s.id in self.trees
                               else {}) for s in self.stories]

    def parents(self) -> dict[str, str | None]:
        """Each traced article's parent in its family tree (``None``: no parent in the
        corpus)."""
        return {k: v for t in self.trees.values() for k, v in t.parents().items()}


def trace_store(store: Store, options: TraceOptions = TraceOptions(),
                progress: Progress | None = None,
                on_error: Callable[[str, Exception], None] | None = None,
                workers: int = 1) -> TraceResult:
    """The whole trace plan over a store: sign, candidates, verify, same story
    (:func:`run_trace`), cluster into stories with stable ids (:func:`build_stories`),
    family trees and, with ``options.changes``, what each copy changed
    (:func:`update_trees`). Everything is stored; a second run redoes only what changed.

    ``progress(stage, done, total)`` is called as each stage advances; ``on_error(story,
    exception)`` for a story whose tree fails (it keeps its links); ``workers``: processes
    that align candidate pairs (:class:`Verifier`).

    >>> from datetime import datetime, timezone
    >>> from storytrace.model import Article
    >>> body = " ".join(f"Item {i} of the council report on the bridge." for i in range(30))
    >>> day = lambda d: datetime(2024, 5, d, tzinfo=timezone.utc)
    >>> store = Store(":memory:")
    >>> _ = store.add([Article(id="a", text=body, published=day(1)),
    ...                Article(id="b", text="Intro. " + body, published=day(2))])
    >>> result = trace_store(store)
    >>> [len(s.articles) for s in result.stories], result.parents()
    ([2], {'a': None, 'b': 'a'})
    """
    with embedding_cache(EmbeddingStore(store) if options.semantic else None):
        report = run_trace(store, options, progress, workers)
        stories = build_stories(store)
        trees: dict[str, FamilyTree] = {}
        if options.trees:
            done = iter(range(1, len(stories) + 1))
            trees = update_trees(store, stories, changes=options.changes, on_error=on_error,
                                 progress=(lambda: progress("trees", next(done), len(stories)))
                                 if progress else None)
    return TraceResult(report, stories, trees)


def tree_for_story(store: Store, story: Story, *, ignore_times: bool = False,
                   options: TreeOptions | None = None, around: list[Link] | None = None
                   ) -> FamilyTree:
    """The family tree of a stored story (:func:`~storytrace.engines.core.story_tree` over
    the links and articles the store holds around it; ``around``: those links, where the
    caller has read them already)."""
    index = CorpusIndex(store)
    if around is None:
        around = index.links_touching(story.seqs, kind="reuse")
    far = {s for x in around if x.kind == "reuse" for s in (x.a_seq, x.b_seq)} - set(story.seqs)
    return story_tree(story, around, index.articles(far), ignore_times=ignore_times,
                      options=options)


def update_trees(store: Store, stories: list[Story], *, changes: bool = False,
                 progress: Callable[[], None] | None = None,
                 on_error: Callable[[str, Exception], None] | None = None) -> dict:
    """The family tree of each story, built and stored where the story is new or its
    members or links changed since its tree was stored (the trees stage of ``trace``).

    ``changes``: also what each copy changed along each edge (one compare per edge;
    a stored tree without them is built again). Returns ``story id -> FamilyTree``;
    a story whose tree fails is left out and reported to ``on_error``.
    """
    from storytrace.provenance.tree import FamilyTree

    index = CorpusIndex(store)
    known = index.tree_fingerprints()
    stored = index.trees([s.id for s in stories if s.id in known])
    trees: dict[str, FamilyTree] = {}
    built: list[tuple[str, str, bool, dict]] = []
    aligner = None
    for story in stories:
        around = index.links_touching(story.seqs)
        fingerprint = tree_fingerprint(story, around)
        have = known.get(story.id)
        if have and have[0] == fingerprint and (have[1] or not changes):
            trees[story.id] = FamilyTree.from_dict(stored[story.id])
        else:
            try:
                tree = tree_for_story(store, story, around=around)
                if changes:
                    if aligner is None:
                        aligner = Aligner()
                    add_changes(tree, story, aligner)
            except (ValueError, RuntimeError) as exc:
                if on_error:
                    on_error(story.id, exc)
            else:
                trees[story.id] = tree
                built.append((story.id, fingerprint, changes, tree.to_dict()))
        if len(built) >= 200:
            index.set_trees(built)
            built = []
        if progress:
            progress()
    index.set_trees(built)
    return trees


def add_changes(tree: object, story: Story, aligner: Aligner) -> None:
    """Put what each copy changed (``comparison.tree_changes``) on ``tree``'s edges."""
    from storytrace.comparison import tree_changes

    found = tree_changes(tree, {a.id: a for a in story.articles}, aligner)
    for edge in tree.edges:
        edge.changes = found.get((edge.source, edge.target))


# =========================================================================================
# One article against the store: the links a trace of it would make, nothing stored.
# The web's paste check runs this; it calls the plan's own steps (bucket_pairs,
# estimated_containment, cap_candidates, without_boilerplate, verify_link) with trace's
# options, so it links exactly what `trace` would (reuse tier only).
# =========================================================================================


@dataclass
class ArticleMatch:
    """A stored article that a trace of the checked article would link it to.

    ``link`` is the link as trace would store it (``a_seq < b_seq``; a checked article
    that is not stored takes the next seq); ``passages`` and the coverages are turned
    to the checked article's side: ``a`` is the checked article, ``b`` the stored one.
    """

    article: Article
    link: Link
    passages: list[Passage]
    containment: float
    coverage_checked: float
    coverage_stored: float

    def to_dict(self) -> dict:
        """The match as the web API gives it (the checked article is the pasted one)."""
        a = self.article
        return {"id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url,
                "published": a.published.isoformat() if a.published else None,
                "kind": self.link.kind,
                "coverage_pasted": round(self.coverage_checked, 4),
                "coverage_stored": round(self.coverage_stored, 4),
                "estimated_containment": round(self.containment, 4),
                "evidence": self.link.evidence,
                "passages": [p.to_dict() for p in self.passages]}


@dataclass
class ArticleMatches:
    """What :func:`match_article` found, and how much it looked at."""

    matches: list[ArticleMatch] = field(default_factory=list)
    searched: int = 0  # stored articles whose signatures were compared
    not_searched: int = 0  # articles not signed by trace, beyond the on-the-fly cap
    candidates: int = 0  # stored articles sharing an LSH bucket with the checked one
    capped_buckets: int = 0  # buckets over max_bucket (they give no candidates)
    aligned: int = 0  # candidates verified (the rest: below containment or the cap)

    def to_dict(self) -> dict:
        return {"matches": [m.to_dict() for m in self.matches], "searched": self.searched,
                "not_searched": self.not_searched, "candidates": self.candidates,
                "capped_buckets": self.capped_buckets, "aligned": self.aligned}


class _RecordingAligner(Aligner):
    """An aligner that keeps its last alignment, so the passages behind a link that
    :func:`~storytrace.engines.core.verify_link` made can be shown without aligning twice."""

    last: Alignment | None = None

    def align(self, a: Any, b: Any, repeats: bool = True) -> Alignment:
        self.last = super().align(a, b, repeats=repeats)
        return self.last


def match_article(store: Store, article: Article, options: TraceOptions = TraceOptions(), *,
                  max_unsigned: int = 5000) -> ArticleMatches:
    """The reuse links a trace of ``article`` would make with the stored articles, best
    first, without storing anything (the churnalism check).

    The store's own index parameters are used (``options``' where it was never traced);
    articles stored since the last trace are signed on the fly, at most ``max_unsigned``.
    An article stored under ``article.id`` is checked as itself (never against itself).
    Boilerplate is what the store has learnt (the checked article's blocks are not
    counted). ``options.max_candidates`` bounds the pairs aligned.

    >>> body = " ".join(f"Item {i} of the council report on the bridge." for i in range(30))
    >>> store = Store(":memory:")
    >>> _ = store.add([Article(id="a", text=body), Article(id="b", text="Other news.")])
    >>> found = match_article(store, Article(text="Press release. " + body))
    >>> [m.article.id for m in found.matches], found.matches[0].coverage_stored > 0.99
    (['a'], True)
    """
    index = CorpusIndex(store)
    params = index.stored_params() or options.index_params()
    options = replace(options, num_perm=params["num_perm"], shingle=params["shingle"])
    hasher = MinHasher(num_perm=options.num_perm, shingle=options.shingle,
                       seed=params.get("seed", 1), scheme=params.get("scheme", "oph"))
    own = index.seqs_of([article.id]).get(article.id)
    seq = own if own is not None else index.last_seq() + 1
    report = ArticleMatches()
    seqs, counts, sigs = _searchable(index, hasher, options, max_unsigned, own, report)
    sigs = np.vstack([sigs, hasher.sign(article.text)[None, :]])
    counts = np.append(counts, shingle_count(article.text, options.shingle))
    is_new = np.zeros(len(sigs), dtype=bool)
    is_new[-1] = True
    lsh = LSHIndex(num_perm=options.num_perm, threshold=options.threshold, weights=(0.1, 0.9))
    rows, report.capped_buckets = bucket_pairs(lsh.band_hashes(sigs), is_new,
                                               options.max_bucket)
    report.candidates = len(rows)
    scored = []
    for i, _ in rows:  # the checked article is the last row, so always the second
        containment = estimated_containment(sigs[i], sigs[-1], counts[i], counts[-1])
        if containment >= options.min_containment:
            scored.append((min(int(seqs[i]), seq), max(int(seqs[i]), seq), containment))
    pairs, _ = cap_candidates(scored, options.max_candidates)
    containment_of = {(a, b): c for a, b, c in scored}
    report.matches = _verified(index, article, seq, pairs, containment_of, options)
    report.aligned = len(pairs)
    return report


def _searchable(index: CorpusIndex, hasher: MinHasher, options: TraceOptions,
                max_unsigned: int, own: int | None, report: ArticleMatches
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(seqs, shingle counts, signatures)`` of the stored articles to search: those
    trace signed, and up to ``max_unsigned`` more signed here; ``own`` left out."""
    seqs, counts, sigs = index.all_signatures(cached=True)
    if not len(seqs):
        sigs = np.zeros((0, options.num_perm), np.uint32)
    unsigned = next(index.unindexed(max_unsigned), []) if max_unsigned > 0 else []
    report.not_searched = index.unindexed_count() - len(unsigned)
    if unsigned:
        texts = [a.text for _, a in unsigned]
        seqs = np.concatenate([seqs, np.array([s for s, _ in unsigned], np.int64)])
        counts = np.concatenate([counts, np.array(
            [shingle_count(t, options.shingle) for t in texts], np.int64)])
        sigs = np.vstack([sigs, hasher.sign_many(texts)])
    if own is not None:
        keep = seqs != own
        seqs, counts, sigs = seqs[keep], counts[keep], sigs[keep]
    report.searched = len(seqs)
    return seqs, counts, sigs


def _verified(index: CorpusIndex, article: Article, seq: int, pairs: list[tuple[int, int]],
              containment: dict[tuple[int, int], float], options: TraceOptions
              ) -> list[ArticleMatch]:
    """The verify step over the checked article's candidate pairs: its matches, most
    shared first."""
    if not pairs:
        return []
    stored = index.articles({s for pair in pairs for s in pair if s != seq})
    model = None
    if options.boilerplate:  # an empty model still sets navigation lists aside
        model = boilerplate_model(index.store, options.boilerplate) or Boilerplate(
            frozenset(), frozenset(), options.boilerplate)
    masked, aside = without_boilerplate(stored | {seq: article}, model, keep_titles=True)
    aligner = _RecordingAligner(semantic=options.semantic)
    found = []
    for a, b in pairs:
        link = verify_link(a, b, masked[a], masked[b], aligner, options.verify, aside)
        if link is None:
            continue
        checked_is_a = a == seq
        passages = aligner.last.passages if checked_is_a else [
            replace(p, a_start=p.b_start, a_end=p.b_end, b_start=p.a_start, b_end=p.a_end)
            for p in aligner.last.passages]
        mine, theirs = ((link.coverage_a, link.coverage_b) if checked_is_a
                        else (link.coverage_b, link.coverage_a))
        found.append(ArticleMatch(stored[b if checked_is_a else a], link, passages,
                                  containment[(a, b)], mine, theirs))
    found.sort(key=lambda m: (-max(m.coverage_checked, m.coverage_stored), m.article.id))
    return found
