"""Passages: what was reused, where, and how (verbatim, edited or paraphrased)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rapidfuzz.distance import Indel

from storytrace.align.seeds import Seed
from storytrace.text.doc import Doc

KINDS = ("verbatim", "edited", "paraphrase")


@dataclass(frozen=True)
class Passage:
    """A reused passage: ``a.text[a_start:a_end]`` corresponds to ``b.text[b_start:b_end]``.

    ``score`` is the share of aligned words for verbatim/edited passages and the
    sentence similarity for paraphrases (0–1). ``evidence`` names what the
    passage was grown from.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: str
    score: float
    evidence: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def build_passage(a: Doc, b: Doc, seeds: list[Seed],
                  edited_threshold: float) -> Passage:
    """Turn a cluster of seeds into a passage with exact character offsets."""
    a0, a1 = min(s.a0 for s in seeds), max(s.a1 for s in seeds)
    b0, b1 = min(s.b0 for s in seeds), max(s.b1 for s in seeds)
    # Extend over matching words that were too few to form an n-gram seed.
    while a0 > 0 and b0 > 0 and a.stems[a0 - 1] == b.stems[b0 - 1]:
        a0, b0 = a0 - 1, b0 - 1
    while a1 < len(a) and b1 < len(b) and a.stems[a1] == b.stems[b1]:
        a1, b1 = a1 + 1, b1 + 1
    words_a, words_b = a.words[a0:a1], b.words[b0:b1]
    equal = sum(op.src_end - op.src_start
                for op in Indel.opcodes(words_a, words_b) if op.tag == "equal")
    share = 2 * equal / (len(words_a) + len(words_b))
    sentence_scores = [s.score for s in seeds if s.kind == "sentence"]
    n_ngram = sum(1 for s in seeds if s.kind == "ngram")
    evidence = ", ".join(p for p in (
        f"{n_ngram} shared word runs" if n_ngram else "",
        f"{len(sentence_scores)} similar sentences" if sentence_scores else "") if p)
    if words_a == words_b:
        kind, score = "verbatim", 1.0
    elif share >= edited_threshold:
        kind, score = "edited", share
    else:
        kind = "paraphrase"
        score = max(share, sum(sentence_scores) / len(sentence_scores)) if sentence_scores \
            else share
    (as_, ae), (bs, be) = a.char_span(a0, a1), b.char_span(b0, b1)
    return Passage(as_, ae, bs, be, kind, round(score, 4), evidence)


def matched_tokens(seeds: list[Seed]) -> int:
    """Distinct tokens the seeds cover, in whichever text they cover fewer.

    A sentence pair of ten words against a fragment of seven is seven words of reuse:
    the passage must be long enough in both texts.
    """
    in_a = {i for s in seeds for i in range(s.a0, s.a1)}
    in_b = {j for s in seeds for j in range(s.b0, s.b1)}
    return min(len(in_a), len(in_b))
