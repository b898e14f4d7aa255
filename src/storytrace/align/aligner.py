"""The alignment engine: seed, extend, filter, refine — for a pair or a batch of pairs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from storytrace.align.extend import cluster, merge_nearby
from storytrace.align.passages import Passage, build_passage, matched_tokens
from storytrace.align.seeds import (
    Seed,
    drop_shadowed,
    ngram_seeds,
    sentence_seeds,
    trim_sentence,
)
from storytrace.align.semantic import SemanticUnavailable, SentenceEncoder, default_encoder
from storytrace.align.similarity import lexical_similarity
from storytrace.model import Article
from storytrace.text.doc import Doc


@dataclass(frozen=True)
class Repeat:
    """A passage printed more than once inside one text: each ``(start, end)`` occurrence."""

    occurrences: tuple[tuple[int, int], ...]
    score: float

    def to_dict(self) -> dict:
        return {"occurrences": [list(o) for o in self.occurrences], "score": self.score}


@dataclass
class Alignment:
    """Everything text A and text B share, with offsets into each."""

    passages: list[Passage]
    coverage_a: float
    coverage_b: float
    repeats_a: list[Repeat] = field(default_factory=list)
    repeats_b: list[Repeat] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "passages": [p.to_dict() for p in self.passages],
            "coverage": {"a": round(self.coverage_a, 4), "b": round(self.coverage_b, 4)},
            "repeats": {"a": [r.to_dict() for r in self.repeats_a],
                        "b": [r.to_dict() for r in self.repeats_b]},
        }


class Aligner:
    """Find every passage that one text reuses from another.

    Parameters
    ----------
    ngram : words per n-gram seed.
    max_gap : words of unmatched text tolerated inside one passage.
    min_words : fewest matched words (in each text) for a passage grown from n-grams alone.
    sentence_threshold : sentence similarity (plus a bonus for shared word runs)
        from which a sentence pair seeds a passage.
    edited_threshold : share of aligned words above which a passage is "edited"
        rather than "paraphrase".
    repeat_min_words : shortest passage reported as repeated inside one text.
    min_sentence_words : fewest words (in each text) for a passage backed by a similar
        sentence pair.
    semantic : sentence embeddings for paraphrase seeds: ``"auto"`` uses them
        when the semantic extra is installed, ``False`` never, ``True`` requires them.
    encoder : anything with ``encode(list[str]) -> ndarray`` of unit-length rows, in
        place of :func:`~storytrace.align.semantic.default_encoder` (with ``semantic``).

    >>> aligner = Aligner()
    >>> a = ("Budget talks stalled. The city will not cooperate with federal immigration "
    ...      "agents who ask for help locating people facing deportation orders.")
    >>> b = ("In other news, the city will not cooperate with federal immigration agents who "
    ...      "ask for help locating people facing deportation orders, he said.")
    >>> [(p.kind, a[p.a_start:p.a_end][:40]) for p in aligner.align(a, b).passages]
    [('verbatim', 'The city will not cooperate with federal')]
    """

    def __init__(self, ngram: int = 3, max_gap: int = 10, min_words: int = 15,
                 sentence_threshold: float = 0.65, edited_threshold: float = 0.6,
                 repeat_min_words: int = 12, min_sentence_words: int = 10,
                 semantic: bool | str = "auto", encoder: SentenceEncoder | None = None
                 ) -> None:
        self.ngram = ngram
        self.max_gap = max_gap
        self.min_words = min_words
        self.sentence_threshold = sentence_threshold
        self.edited_threshold = edited_threshold
        self.repeat_min_words = repeat_min_words
        self.min_sentence_words = min_sentence_words
        self.semantic = semantic
        self._encoder = None
        if semantic:
            self._encoder = encoder if encoder is not None else default_encoder()
            if self._encoder is None and semantic is True:
                raise SemanticUnavailable("semantic=True but the semantic extra is unavailable")

    @property
    def uses_embeddings(self) -> bool:
        return self._encoder is not None

    @property
    def encoder(self) -> SentenceEncoder | None:
        """The sentence encoder this aligner reads with (``None``: lexical only)."""
        return self._encoder

    def sentence_similarity(self, a: Doc, b: Doc) -> np.ndarray:
        """Lexical similarity, averaged with embedding cosine when embeddings are on."""
        lexical = lexical_similarity(a, b)
        if self._encoder is None or lexical.size == 0:
            return lexical
        ea = self._encoder.encode(a.sentence_texts())
        eb = self._encoder.encode(b.sentence_texts())
        return (lexical + ea @ eb.T) / 2

    def seed_similarity(self, a: Doc, b: Doc, bonus: np.ndarray) -> np.ndarray:
        """:meth:`sentence_similarity` plus ``bonus``, exact wherever the sum can reach
        ``sentence_threshold``: what :func:`sentence_seeds` reads.

        An embedding cosine is at most 1, so a pair whose lexical similarity stays below
        the threshold even with cosine 1 cannot seed, and a sentence in no pair that can
        is never embedded (on news pairs, about one sentence in ten needs the model).
        The cosine of such a pair counts as 0; every value that can reach the threshold,
        and so every seed, is the one the full matrix gives.
        """
        lexical = lexical_similarity(a, b)
        if self._encoder is None or lexical.size == 0:
            return lexical + bonus
        reach = (lexical + 1) / 2 + bonus >= self.sentence_threshold
        rows, cols = np.flatnonzero(reach.any(axis=1)), np.flatnonzero(reach.any(axis=0))
        cosine = np.zeros_like(lexical)
        if rows.size:
            texts_a, texts_b = a.sentence_texts(), b.sentence_texts()
            found = self._encoder.encode([texts_a[i] for i in rows]
                                         + [texts_b[j] for j in cols])
            cosine[np.ix_(rows, cols)] = found[:rows.size] @ found[rows.size:].T
        return (lexical + cosine) / 2 + bonus

    def align(self, a: str | Article | Doc, b: str | Article | Doc,
              repeats: bool = True) -> Alignment:
        """Align two texts (strings, Articles or pre-tokenised texts)."""
        ta, tb = Doc.of(a), Doc.of(b)
        passages = self.passages(ta, tb)
        return Alignment(
            passages=passages,
            coverage_a=coverage(len(ta.text), [(p.a_start, p.a_end) for p in passages]),
            coverage_b=coverage(len(tb.text), [(p.b_start, p.b_end) for p in passages]),
            repeats_a=self.repeats(ta) if repeats else [],
            repeats_b=self.repeats(tb) if repeats else [],
        )

    def align_many(self, pairs: Iterable[tuple[str | Article, str | Article]],
                   repeats: bool = False) -> Iterator[Alignment]:
        """Align many pairs, tokenising each distinct text once."""
        # Keyed by value, not id(): ids of freed objects are reused by new ones.
        cache: dict[str | tuple[str, str], Doc] = {}

        def cached(x: str | Article) -> Doc:
            key = ("article", x.id) if isinstance(x, Article) else x
            if key not in cache:
                cache[key] = Doc.of(x)
            return cache[key]

        for a, b in pairs:
            yield self.align(cached(a), cached(b), repeats=repeats)

    def passages(self, a: Doc, b: Doc) -> list[Passage]:
        seeds = drop_shadowed(ngram_seeds(a, b, self.ngram))
        # A sentence pair adds evidence only where shared word runs do not already
        # cover it; otherwise its whole-sentence extent would blur exact boundaries.
        covered_a = {i for s in seeds for i in range(s.a0, s.a1)}
        similarity = self.seed_similarity(a, b, _shared_run_bonus(a, b, seeds))
        # Sentence pairs already covered by word runs still vouch for those runs:
        # a short reused sentence is real reuse even below ``min_words``.
        vouched: list[Seed] = []
        runs = list(seeds)
        for s in sentence_seeds(a, b, similarity, self.sentence_threshold):
            if sum(i in covered_a for i in range(s.a0, s.a1)) < 0.5 * (s.a1 - s.a0):
                # a sentence's own words beyond the runs inside it are not reused
                seeds.append(trim_sentence(s, runs, self.max_gap))
            else:
                vouched.append(s)

        def supported(group: list[Seed]) -> bool:
            return any(s.kind == "sentence" or _inside_any(s, vouched) for s in group)

        def substantial(group: list[Seed]) -> bool:
            return supported(group) or matched_tokens(group) >= 2 * self.ngram

        passages = []
        for group in merge_nearby(cluster(seeds, self.max_gap), self.max_gap,
                                  substantial=substantial):
            matched = matched_tokens(group)
            if matched < (self.min_sentence_words if supported(group) else self.min_words):
                continue
            passages.append(build_passage(a, b, group, self.edited_threshold))
        return sorted(_drop_echoes(passages), key=lambda p: (p.a_start, p.b_start))

    def repeats(self, t: Doc) -> list[Repeat]:
        """Passages of at least ``repeat_min_words`` words printed twice or more in ``t``."""
        seeds = ngram_seeds(t, t, n=5, same_text=True)
        pairs: list[tuple[tuple[int, int], tuple[int, int]]] = []
        for group in cluster(seeds, max_gap=3):
            if matched_tokens(group) < self.repeat_min_words:
                continue
            first = t.char_span(min(s.b0 for s in group), max(s.b1 for s in group))
            second = t.char_span(min(s.a0 for s in group), max(s.a1 for s in group))
            pairs.append((first, second))
        return _group_occurrences(pairs, t.text)


def _shared_run_bonus(a: Doc, b: Doc, seeds: list[Seed]):
    """Extra sentence-pair similarity for words the pair shares in runs of n-grams.

    Two sentences that share a run such as "allegedly rubbing against a woman"
    are more likely one rewritten from the other than their bag of words says.
    Each shared-run word adds 0.02, up to 0.2.
    """
    bonus = np.zeros((len(a.sentence_tokens), len(b.sentence_tokens)))
    if not seeds or bonus.size == 0:
        return bonus
    sent_a, sent_b = np.asarray(a.sentence_of()), np.asarray(b.sentence_of())
    # every seed word's (sentence of a, sentence of b), seed after seed: np.add.at adds
    # 0.02 for each in this order, as a loop over them would (the same floats)
    rows = np.concatenate([sent_a[s.a0 : s.a1] for s in seeds])
    cols = np.concatenate([sent_b[s.b0 : s.b0 + s.a1 - s.a0] for s in seeds])
    np.add.at(bonus, (rows, cols), 0.02)
    return np.minimum(bonus, 0.2)


def _drop_echoes(passages: list[Passage], share: float = 0.8) -> list[Passage]:
    """Drop a passage whose text in one article mostly lies in a longer passage's.

    When one article prints a passage twice, the other article's copy aligns with
    both places; the second alignment is an echo, not more reuse (``repeats``
    reports the repetition). Longer passages win.
    """
    kept: list[Passage] = []
    for p in sorted(passages, key=lambda p: (-(p.a_end - p.a_start + p.b_end - p.b_start),
                                             p.a_start, p.b_start)):
        if not any(_inside(p.a_start, p.a_end, k.a_start, k.a_end, share)
                   or _inside(p.b_start, p.b_end, k.b_start, k.b_end, share) for k in kept):
            kept.append(p)
    return kept


def _inside(start: int, end: int, outer_start: int, outer_end: int, share: float) -> bool:
    """True when more than ``share`` of ``[start, end)`` lies in ``[outer_start, outer_end)``."""
    overlap = min(end, outer_end) - max(start, outer_start)
    return overlap > share * max(1, end - start)


def _inside_any(seed: Seed, sentences: list[Seed]) -> bool:
    """True when ``seed`` lies within one of the sentence pairs in both texts."""
    return any(v.a0 <= seed.a0 and seed.a1 <= v.a1 and v.b0 <= seed.b0 and seed.b1 <= v.b1
               for v in sentences)


def coverage(length: int, spans: list[tuple[int, int]]) -> float:
    """The share of a text of ``length`` characters that ``spans`` cover (overlaps once).

    >>> coverage(10, [(0, 4), (2, 6)])
    0.6
    """
    if length == 0:
        return 0.0
    covered, reach = 0, 0
    for s, e in sorted(spans):
        s = max(s, reach)
        if e > s:
            covered += e - s
            reach = e
    return covered / length


def _group_occurrences(pairs, text: str) -> list[Repeat]:
    """Merge pairwise repeats sharing an occurrence into one Repeat per passage."""
    groups: list[set[tuple[int, int]]] = []
    for first, second in pairs:
        for g in groups:
            if any(_overlaps(first, o) or _overlaps(second, o) for o in g):
                g.update((first, second))
                break
        else:
            groups.append({first, second})
    repeats = []
    for g in groups:
        occ = tuple(sorted(g))
        same = len({text[s:e] for s, e in occ}) == 1
        repeats.append(Repeat(occ, 1.0 if same else 0.9))
    return sorted(repeats, key=lambda r: r.occurrences[0])


def _overlaps(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


__all__ = ["Aligner", "Alignment", "Repeat", "Seed"]
