"""The steps of `trace` as plain functions over plain data, shared by every engine.

The local engine calls them in one process over the SQLite store; the Spark
engine calls the very same functions inside its map and reduce steps. Nothing
here touches a store, a file or a cluster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from storytrace.align import Aligner, Alignment


@dataclass(frozen=True)
class VerifyOptions:
    """When an aligned pair counts as reuse.

    min_chars : reused characters (in the shorter text) for a reuse link.
    min_coverage : share of the shorter text that must be reused.
    """

    min_chars: int = 150
    min_coverage: float = 0.03


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
    passages = alignment.passages
    if not passages:
        return None
    shorter_is_a = len_a <= len_b
    reused = sum((p.a_end - p.a_start) if shorter_is_a else (p.b_end - p.b_start)
                 for p in passages)
    coverage = alignment.coverage_a if shorter_is_a else alignment.coverage_b
    if reused < options.min_chars or coverage < options.min_coverage:
        return None
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

    Nested lists of articles and links become JSON strings, so every engine
    writes the same six columns whatever the evidence holds.

    >>> row = story_record({"story": "s-a", "articles": [{"id": "a"}], "outlets": ["x"],
    ...                     "first_published": None, "last_published": None, "links": []})
    >>> row["articles"], row["links"], row["outlets"]
    ('[{"id": "a"}]', '[]', ['x'])
    """
    return {"story": story["story"], "articles": json.dumps(story["articles"]),
            "outlets": story["outlets"], "first_published": story["first_published"],
            "last_published": story["last_published"], "links": json.dumps(story["links"])}


def story_line(story: dict) -> str:
    """One story (``Story.to_dict()``) as a JSON Lines record, without the newline."""
    return json.dumps(story, ensure_ascii=False)


def same_story_links(pairs: list[tuple[int, int]], articles: dict, cosine: dict,
                     similarity: Any, aligner: Aligner, options: Any) -> list:
    """Tier 2's decision on candidate pairs: the same-story (or reuse) links among them.

    ``pairs``: ``(a_seq, b_seq)`` candidates; ``articles``: seq -> Article (title and
    text are read); ``cosine``: each pair's sketch cosine; ``similarity``: a
    :class:`~storytrace.stories.StorySimilarity`; ``options``: the
    :class:`~storytrace.engines.local.TraceOptions`. A pair's link depends on that
    pair alone, however the pairs are batched (each engine batches its own way).
    """
    from storytrace.engines.local import story_text, verify_link
    from storytrace.store.corpus import Link
    from storytrace.stories.similarity import entity_words

    names = {seq: entity_words(story_text(a)) for seq, a in articles.items()}
    # Reports of one story name the same people and places: 95% of SemEval's
    # "very similar" English pairs share two or more names, 42% of unrelated
    # ones do. Pairs that don't are not scored at all, which also keeps the
    # model's cost off the many weak candidates of a large corpus.
    named = [(a, b) for a, b in pairs if len(names[a] & names[b]) >= options.story_min_names]
    texts = [(story_text(articles[a]), story_text(articles[b])) for a, b in named]
    scores = similarity.score_pairs(texts) if texts else np.zeros(0)
    links = []
    for (a, b), pair, score in zip(named, texts, scores.tolist(), strict=True):
        if score < options.story_min_score:
            continue
        explained = similarity.explain(*pair)
        evidence = {"same_story_score": round(score, 4), "model": similarity.model,
                    "sketch_cosine": cosine[(a, b)],
                    "shared_entities": explained["shared_entities"][:20],
                    "features": {k: round(v, 4) for k, v in explained["features"].items()}}
        # Two versions of one story may still share a passage that MinHash
        # missed (too small a part of either): align them before settling.
        reuse = verify_link(a, b, articles[a], articles[b], aligner, options.verify)
        if reuse is not None:
            reuse.evidence["same_story"] = evidence
            links.append(reuse)
        else:
            links.append(Link(a, b, "same_story", round(score, 4), 0.0, 0.0, evidence))
    return links
