"""Claims: the statements two versions of a story have in common, and what changed in them.

Most news reuse is rewriting: two versions state the same facts in other words, so the
aligned passages (shared wording) miss most of what they share. A **claim** pairs a
statement of version A (a sentence, or adjacent sentences) with the statement of
version B that reports the same fact, whatever the wording and wherever it sits:

* **many-to-one**: two sentences of A that each restate part of one sentence of B are
  both matched to it (adjacent ones as one side, others as claims sharing a ``group``);
* **across reordering**: every sentence is scored against every sentence of the other
  version; order plays no part.

Each claim has a ``kind``: ``copied`` (same words), ``edited`` (most words kept),
``paraphrased`` (reworded), or ``changed_detail`` (same fact, but a number, date, amount,
age or name differs), a ``score`` (the probability that the two statements report the
same fact) and the ``details`` that differ inside it (numbers, names, qualifiers such as
"misdemeanor" or "allegedly", and dropped clauses such as "on a train"), each with
offsets. Statements of either version in no claim are what that version adds.

Whether two sentences report the same fact is decided by :class:`ClaimScorer`, a small
logistic model calibrated on news sentences (MSRP train, ``bench/train_claims.py``):
the lexical features of :mod:`storytrace.align.paraphrase`, numbers and names agreement,
and, with the semantic extra, the sentence embeddings (cosine, ``|u - v|`` and ``u * v``).
Which candidate pairs are listed as claims, and the score shown, come from the model's
``listing`` weights (semantic model): a calibrated probability that a reader finds the claim
right, from the pair's probability in context, how it was found, and how many plain words
(not names) each side restates of the other, so that a shared name alone makes no claim;
pairs under 0.5 are kept as ``possible``. Every offset indexes the article's text as given.

>>> from storytrace.text.doc import Doc
>>> a = Doc("Police arrested David Gonzalez, 51, on March 2. He faced misdemeanor charges "
...         "for allegedly rubbing against a woman on a train. The weather was fine.")
>>> b = Doc("Gonzalez faced charges of allegedly rubbing against a woman. Officers "
...         "detained David Gonzalez, 52, on March 2.")
>>> claims = match_claims(a, b, [], ClaimScorer(semantic=False)).claims
>>> [(c.kind, c.a_text(a.text)[:24], c.b_text(b.text)[:24]) for c in claims]
[('changed_detail', 'Police arrested David Go', 'Officers detained David '), \
('edited', 'He faced misdemeanor cha', 'Gonzalez faced charges o')]
>>> [(d.kind, d.change, d.a_text(a.text)) for d in claims[1].details]
[('qualifier', 'only_a', 'misdemeanor'), ('clause', 'only_a', 'on a train')]
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz.distance import Indel

from storytrace.align.paraphrase import LEXICAL_FEATURES, pair_features
from storytrace.align.semantic import (
    choose_model,
    model_encoder,
)
from storytrace.text.doc import Doc
from storytrace.text.words import STOPWORDS

if TYPE_CHECKING:
    from storytrace.align.paraphrase import Encoder
    from storytrace.align.passages import Passage
    from storytrace.diff.facts import Fact
    from storytrace.diff.token_align import SentenceStates

KINDS = ("copied", "edited", "paraphrased", "changed_detail")
DETAIL_KINDS = ("number", "name", "qualifier", "clause")
CHANGES = ("changed", "only_a", "only_b")
DOC_FEATURES = ("number_conflict", "number_one_side", "name_conflict", "name_cover")
LISTING_FEATURES = ("logit", "counterpart", "shared_wording", "restated")
POSSIBLE = 0.2  # calibrated score from which an unlisted candidate is kept as possible
#: how sure a pair known from shared wording is, whatever the scorer says
KNOWN_SCORE = {"passage": 0.99, "same text": 1.0, "contained": 0.99}
#: the known pairs whose listed score is at least :data:`KNOWN_SCORE`: the same words
CERTAIN = ("same text", "contained")
#: content words a sentence needs to count as printed inside a sentence of the other
#: version ("We did it in New York." inside "We did it in New York, it worked ...")
MIN_CONTAINED = 2
#: the listed score from which the model's second counterpart of a sentence whose first
#: shares its words is kept whatever else (chosen on the seeds and 8 FakeNewsNet pairs)
SURE_SECOND = 0.85
#: how strong each kind of evidence for a pair is (a second counterpart of a sentence
#: needs evidence at least as strong as its first, see :func:`one_counterpart`)
STRENGTH = {"same text": 3, "contained": 2, "passage": 2, "counterpart": 1, "scorer": 1}
LEXICAL_CLAIM_FEATURES = (*LEXICAL_FEATURES, *DOC_FEATURES)
EDITED = 0.6  # share of aligned words from which a claim is "edited" (as passages are)
COPIED = 0.95  # ... and "copied"
PASSAGE_COVER = 0.5  # share of a sentence's words inside one passage to count as reused
#: share of aligned words from which one name for another (a person, a place) is a
#: changed name: the rest of the statement is the same words
NAME_SWAP = EDITED
MAX_SIDE = 3.0  # a merged side is at most this many times the other side's length
#: share of aligned words from which a changed number or name makes a claim "the same fact
#: with a changed detail": under it the two share too little to say the rest is the same
#: (two events of one story, "said Thursday" ~ "took to Twitter on Monday"), and the
#: changes are listed under a "paraphrased" claim. On the 16 FakeNewsNet pairs reviewers
#: read and the seeds, the right ones align 0.49-0.95, the wrong one 0.30.
DETAIL_ALIGNED = 0.4
# Content words (not stop words) a sentence needs on each side of a claim the scorer alone
# finds: shorter ones ("From the Daily Mail:", "Let the record show.") state no fact, and
# their scores (trained on MSRP's whole news sentences) are unreliable.
MIN_CONTENT = 3
NUMERIC = ("money", "percent", "age", "date", "time", "number")
NAMES = ("person", "org", "place", "entity")
# Words that qualify a statement: hedges, negations, legal grades, quantities. Dropping
# or adding one changes what is claimed ("misdemeanor charges" → "charges").
QUALIFIERS = frozenset("""
allegedly reportedly supposedly apparently reputedly purportedly possibly probably
likely unlikely perhaps maybe seemingly suspected alleged claimed unconfirmed
not no never none nobody nothing neither nor without hardly barely rarely only
misdemeanor misdemeanour felony felonies violent nonviolent serious minor major
all every some many most few several almost nearly roughly approximately
illegal illegally undocumented criminal convicted accused charged
""".split())
# The qualifiers that change a claim whatever else is reworded: hedges, negations, grades.
HEDGES = frozenset("""
allegedly reportedly supposedly apparently reputedly purportedly possibly probably
likely unlikely perhaps maybe seemingly suspected alleged unconfirmed
not no never misdemeanor misdemeanour felony felonies violent nonviolent
""".split())


NEGATIONS = frozenset({"not", "no", "never"})

# ---------------------------------------------------------------------------- scorer


@lru_cache(maxsize=4096)
def _doc_sets(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Numbers and name words of one sentence, from its :class:`Doc` (digits only;
    name words lower-cased, stop words out)."""
    doc = Doc(text)  # not Doc.of: sentences must not push whole texts out of its cache
    numbers = {re.sub(r"[^\d.]", "", s.of(text)).strip(".") for s in doc.numbers}
    names = {w for s in doc.names for w in re.findall(r"\w+", s.of(text).lower())
             if w not in STOPWORDS}
    return frozenset(numbers - {""}), frozenset(names)


def doc_features(a: Sequence[str], b: Sequence[str], all_pairs: bool = False) -> np.ndarray:
    """Numbers and names agreement (:data:`DOC_FEATURES`) of ``a[i]`` with ``b[i]``
    (``len(a) × 4``) or, with ``all_pairs``, of every pair (``len(a) × len(b) × 4``).

    >>> doc_features(["Smith, 51, left Paris."], ["Smith, 52, left."]).tolist()
    [[1.0, 0.0, 0.0, 1.0]]
    """
    sa, sb = [_doc_sets(s) for s in a], [_doc_sets(s) for s in b]

    def one(x: tuple[frozenset[str], frozenset[str]],
            y: tuple[frozenset[str], frozenset[str]]) -> list[float]:
        (nx, mx), (ny, my) = x, y
        small = min(len(mx), len(my))
        return [float(bool(nx) and bool(ny) and not nx & ny), float(bool(nx) != bool(ny)),
                float(bool(mx) and bool(my) and not mx & my),
                len(mx & my) / small if small else 1.0]

    if all_pairs:
        return np.array([[one(x, y) for y in sb] for x in sa]).reshape(len(a), len(b), 4)
    return np.array([one(x, y) for x, y in zip(sa, sb, strict=True)]).reshape(len(a), 4)


def load_claim_weights(name: str) -> dict[str, Any]:
    """The bundled claim model ``name`` (``"lexical"`` or ``"semantic"``): a dict with
    ``features``, ``coef`` (one weight per feature, on standardised values), ``mean``,
    ``scale``, ``intercept``, ``threshold`` and, for ``semantic``, ``abs_diff`` and
    ``product`` (one weight per embedding dimension, already divided by their scales)."""
    path = resources.files("storytrace") / "data" / f"claims_{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


class ClaimScorer:
    """Probability that two news sentences report the same fact.

    Parameters
    ----------
    semantic : ``"auto"`` uses sentence embeddings when the semantic extra is installed,
        ``False`` never (the lexical model: no torch needed), ``True`` requires them.
    weights : a model dict as :func:`load_claim_weights` returns, instead of the bundled.
    encoder : anything with ``encode(list[str])`` giving unit-length rows.

    ``threshold`` is the probability from which :meth:`predict` says yes (chosen by
    cross-validation on MSRP train); :func:`match_claims` takes its own ``threshold``.

    >>> scorer = ClaimScorer(semantic=False)
    >>> scorer.model
    'lexical'
    >>> a = ["Police arrested David Gonzalez, 51, on Monday in Queens."]
    >>> b = ["David Gonzalez, 51, was arrested by police in Queens on Monday.",
    ...      "Heavy rain is expected across the region on Sunday."]
    >>> scorer.matrix(a, b).round(2).tolist()
    [[0.97, 0.01]]
    """

    def __init__(self, semantic: bool | str = "auto", *, weights: dict[str, Any] | None = None,
                 encoder: Encoder | None = None) -> None:
        if weights is None:
            which, encoder = choose_model(semantic, encoder)
            weights = load_claim_weights(which)
        if tuple(weights["features"]) != (*LEXICAL_CLAIM_FEATURES,
                                          *(("embedding_cosine",) if "product" in weights
                                            else ())):
            raise ValueError("claim model features do not match this version's features")
        self.semantic = "product" in weights
        self.encoder = model_encoder(self.semantic, encoder, "this claim model")
        self.weights = weights
        self.threshold = float(weights["threshold"])
        self._w = np.asarray(weights["coef"], dtype=np.float64) / np.asarray(
            weights["scale"], dtype=np.float64)
        self._b = float(weights["intercept"]) - float(
            self._w @ np.asarray(weights["mean"], dtype=np.float64))
        if self.semantic:
            self._abs = np.asarray(weights["abs_diff"], dtype=np.float64)
            self._prod = np.asarray(weights["product"], dtype=np.float64)
        self.token: dict[str, Any] | None = weights.get("token") if self.semantic else None
        if self.token is not None:
            from storytrace.diff.token_align import TOKEN_FEATURES

            if tuple(self.token["features"]) != TOKEN_FEATURES:
                raise ValueError("claim model word features do not match this version's")
            if not hasattr(getattr(self.encoder, "model", None), "tokenizer"):
                raise ValueError("this claim model's word features need the MiniLM sentence "
                                 "encoder (align.semantic.SentenceEncoder), not the one given")
            self._tw = np.asarray(self.token["coef"], dtype=np.float64) / np.asarray(
                self.token["scale"], dtype=np.float64)
            self._b -= float(self._tw @ np.asarray(self.token["mean"], dtype=np.float64))

    @property
    def model(self) -> str:
        """``"semantic"`` (lexical + embeddings) or ``"lexical"``."""
        return "semantic" if self.semantic else "lexical"

    def embed(self, sentences: Sequence[str]) -> np.ndarray | None:
        """Unit-length embeddings of ``sentences`` (one encoder call), or ``None`` when
        the model is lexical. Pass a whole text's sentences at once: the encoder keeps the
        last lists it read, so the aligner's call on the same list is not repeated."""
        if self.encoder is None:
            return None
        if not sentences:
            return np.zeros((0, 384))
        return np.asarray(self.encoder.encode(list(sentences)), dtype=np.float64)

    def states(self, sentences: Sequence[str]) -> list[SentenceStates] | None:
        """The sentences' word states for the model's word-level features
        (:mod:`storytrace.diff.token_align`), or ``None`` when it has none. Pass a whole
        text's sentences at once: the last lists read are kept."""
        if self.token is None:
            return None
        from storytrace.diff.token_align import states_of

        return states_of(self.encoder, sentences, self.token.get("states", "contextual"))

    def matrix(self, a: Sequence[str], b: Sequence[str], ea: np.ndarray | None = None,
               eb: np.ndarray | None = None, sa: Sequence[SentenceStates] | None = None,
               sb: Sequence[SentenceStates] | None = None) -> np.ndarray:
        """Probability for every pair ``(a[i], b[j])``: ``len(a) × len(b)``.

        ``ea``/``eb`` are the sentences' embeddings and ``sa``/``sb`` their word states
        when already computed (see :meth:`embed`, :meth:`states`); the model computes
        what it needs otherwise.
        """
        if not a or not b:
            return np.zeros((len(a), len(b)))
        x = np.concatenate([pair_features(a, b, all_pairs=True),
                            doc_features(a, b, all_pairs=True)], axis=2)
        z = self._b + x @ self._w[: x.shape[2]]
        if self.semantic:
            ea = self.embed(a) if ea is None else np.asarray(ea, dtype=np.float64)
            eb = self.embed(b) if eb is None else np.asarray(eb, dtype=np.float64)
            z = z + self._w[-1] * (ea @ eb.T) + (ea * self._prod) @ eb.T
            for i in range(len(a)):  # |u - v| one row at a time: memory stays len(b) × 384
                z[i] += np.abs(ea[i] - eb) @ self._abs
        if self.token is not None:
            from storytrace.diff.token_align import token_matrix

            sa = self.states(a) if sa is None else sa
            sb = self.states(b) if sb is None else sb
            z = z + token_matrix(sa, sb) @ self._tw
        return 1 / (1 + np.exp(-np.clip(z, -50, 50)))

    def score(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """Probability for each aligned pair ``(a[i], b[i])``."""
        if len(a) != len(b):
            raise ValueError(f"aligned pairs need equal lengths, got {len(a)} and {len(b)}")
        if not a:
            return np.zeros(0)
        ea, eb = self.embed(a), self.embed(b)
        sa, sb = self.states(a), self.states(b)
        return np.array([self.matrix([x], [y], None if ea is None else ea[i:i + 1],
                                     None if eb is None else eb[i:i + 1],
                                     None if sa is None else sa[i:i + 1],
                                     None if sb is None else sb[i:i + 1])[0, 0]
                         for i, (x, y) in enumerate(zip(a, b, strict=True))])

    def predict(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """Same-fact decisions (``score >= threshold``) for aligned pairs."""
        return self.score(a, b) >= self.threshold


# ---------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Detail:
    """Something that differs inside a claim: ``kind`` (:data:`DETAIL_KINDS`) and
    ``change`` (``changed``, ``only_a``: A states it and B does not, ``only_b``), with its
    span in A and/or B (``None`` on the side that lacks it)."""

    kind: str
    change: str
    a: tuple[int, int] | None = None
    b: tuple[int, int] | None = None

    def a_text(self, text: str) -> str:
        return text[self.a[0]:self.a[1]] if self.a else ""

    def b_text(self, text: str) -> str:
        return text[self.b[0]:self.b[1]] if self.b else ""

    def to_dict(self, text_a: str, text_b: str) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "change": self.change}
        for side, span, text in (("a", self.a, text_a), ("b", self.b, text_b)):
            d[side] = None if span is None else {"start": span[0], "end": span[1],
                                                 "text": text[span[0]:span[1]]}
        return d


@dataclass(frozen=True)
class Claim:
    """A statement of A (``a_start:a_end``) and one of B reporting the same fact.

    ``a_sentences``/``b_sentences`` are the sentence indices (of ``Doc.sentence_spans``)
    each side covers; ``group`` is shared by claims that share a statement (many-to-one);
    ``how`` says what matched them: ``passage`` (an aligned passage covers them),
    ``same text``, ``counterpart`` (the facts diff's sentence counterparts: similar and
    sharing a specific fact) or ``scorer``.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: str
    score: float
    how: str
    a_sentences: tuple[int, ...]
    b_sentences: tuple[int, ...]
    group: int = 0
    details: tuple[Detail, ...] = ()
    aligned: float = 0.0  # share of the two sides' words aligned word for word
    quoted: bool = False  # both sides are mostly quoted speech: a source's words both print

    def a_text(self, text: str) -> str:
        return text[self.a_start:self.a_end]

    def b_text(self, text: str) -> str:
        return text[self.b_start:self.b_end]

    def to_dict(self, text_a: str, text_b: str) -> dict[str, Any]:
        """JSON-ready; ``text_a``/``text_b`` are the two articles' texts."""
        return {"a_start": self.a_start, "a_end": self.a_end,
                "b_start": self.b_start, "b_end": self.b_end,
                "kind": self.kind, "score": round(self.score, 4), "how": self.how,
                "group": self.group, "quoted": self.quoted, "a_text": self.a_text(text_a),
                "b_text": self.b_text(text_b),
                "details": [d.to_dict(text_a, text_b) for d in self.details]}


@dataclass
class Claims:
    """Every claim of two versions, and the statements of each that are in none.

    ``possible`` are the sentence pairs that were candidates (the facts diff or a passage
    pairs them, or each is the other's most probable counterpart) but score under the
    threshold (those from :data:`POSSIBLE`, and known pairs whatever their score): not
    claims (their sentences stay in ``a_only``/``b_only``), kept with their score for a
    reader who wants every lead (JSON ``possible``)."""

    claims: list[Claim]
    a_only: list[tuple[int, int]]
    b_only: list[tuple[int, int]]
    method: dict[str, Any] = field(default_factory=dict)
    possible: list[Claim] = field(default_factory=list)

    def statements(self) -> dict[str, int]:
        """How many sentences of each version are in some claim (``a``, ``b``: a sentence
        with two counterparts counts once, so each version's statements are these and its
        ``a_only``/``b_only``) and how many are in two claims or more (``a_twice``,
        ``b_twice``)."""
        out = {}
        for side in ("a", "b"):
            seen = Counter(k for c in self.claims
                           for k in (c.a_sentences if side == "a" else c.b_sentences))
            out[side] = len(seen)
            out[f"{side}_twice"] = sum(1 for n in seen.values() if n > 1)
        return out

    def to_dict(self, text_a: str, text_b: str) -> dict[str, Any]:
        """``{pairs: [claim, ...], a_only: [span, ...], b_only: [...], possible: [...],
        counts, method}``; ``counts`` has ``claims`` (pairs), each kind's, and
        ``a_statements``/``b_statements`` and ``a_twice``/``b_twice`` (:meth:`statements`),
        and ``quoted``, the pairs whose two sides are mostly quoted speech."""
        def spans(xs: list[tuple[int, int]], text: str) -> list[dict[str, Any]]:
            return [{"start": s, "end": e, "text": text[s:e]} for s, e in xs]

        kinds = {k: sum(c.kind == k for c in self.claims) for k in KINDS}
        return {"pairs": [c.to_dict(text_a, text_b) for c in self.claims],
                "a_only": spans(self.a_only, text_a), "b_only": spans(self.b_only, text_b),
                "possible": [c.to_dict(text_a, text_b) for c in self.possible],
                "counts": {"claims": len(self.claims), **kinds,
                           "quoted": sum(c.quoted for c in self.claims),
                           **{k if "twice" in k else f"{k}_statements": n
                              for k, n in self.statements().items()},
                           "a_only": len(self.a_only), "b_only": len(self.b_only),
                           "possible": len(self.possible)},
                "method": self.method}


CONTEXT_FEATURES = ("logit", "logit_contrast", "tfidf", "row_best", "col_best")
HUB_K = 3  # neighbours whose mean a pair's contrast is measured against
SEMANTIC_CONTEXT = (*CONTEXT_FEATURES, "cosine", "cosine_contrast")


def claim_threshold(scorer: ClaimScorer) -> float:
    """The score from which :func:`match_claims` lists a pair as a claim: with the model's
    ``listing`` weights, its calibrated threshold (0.5: more likely right than wrong);
    else the model's ``claim_threshold`` (set on one labelled article pair), else its
    MSRP threshold."""
    if scorer.weights.get("listing"):
        return float(scorer.weights["listing"]["threshold"])
    return float(scorer.weights.get("claim_threshold", scorer.threshold))


def context_features(prob: np.ndarray, tfidf: np.ndarray,
                     cosine: np.ndarray | None = None) -> np.ndarray:
    """Features of every sentence pair of two articles, in the context of the others
    (:data:`CONTEXT_FEATURES`, plus the cosine ones with ``cosine``): ``n_a × n_b × k``.

    The scorer judges a pair alone; within two versions of one story, a statement's
    counterpart is the sentence that stands out from the rest of the other version:
    the pair's logit against its row's and column's best (:func:`_csls`), whether it is
    the best of its row or column, and the tf-idf cosine with weights from both texts
    (so the story's common words count little).

    >>> context_features(np.array([[0.9, 0.1], [0.2, 0.3]]), np.zeros((2, 2)))[0, 0]
    array([2.19722458, 1.99449202, 0.        , 1.        , 1.        ])
    """
    p = np.clip(prob, 1e-6, 1 - 1e-6)
    logit = np.log(p / (1 - p))
    row_best = (prob >= prob.max(axis=1, keepdims=True)).astype(float)
    col_best = (prob >= prob.max(axis=0, keepdims=True)).astype(float)
    out = [logit, _csls(logit), tfidf, row_best, col_best]
    if cosine is not None:
        out += [cosine, _csls(cosine)]
    return np.stack(out, axis=2)


def _csls(x: np.ndarray, k: int = HUB_K) -> np.ndarray:
    """``x`` less the mean of the ``k`` highest values of its row and of its column, as
    CSLS (Conneau et al. 2018) corrects hubs: a sentence close to many sentences of the
    other version (a general remark on the story) is nobody's counterpart for that.

    >>> _csls(np.array([[3.0, 1.0], [1.0, 1.0]]), k=1).tolist()
    [[0.0, -1.0], [-1.0, 0.0]]
    """
    kr, kc = min(k, x.shape[1]), min(k, x.shape[0])
    row = np.sort(x, axis=1)[:, -kr:].mean(axis=1, keepdims=True)
    col = np.sort(x, axis=0)[-kc:, :].mean(axis=0, keepdims=True)
    return x - (row + col) / 2


def claim_probabilities(doc_a: Doc, doc_b: Doc, scorer: ClaimScorer) -> np.ndarray:
    """Probability that sentence ``i`` of A and ``j`` of B report the same fact, for every
    pair: the scorer's, read in context by the model's ``context`` weights (fitted on the
    labelled seed pair by ``bench/train_claims.py``) when it has them."""
    from storytrace.align.similarity import lexical_similarity

    texts_a, texts_b = doc_a.sentence_texts(), doc_b.sentence_texts()
    ea, eb = scorer.embed(texts_a), scorer.embed(texts_b)
    prob = pair_matrix(texts_a, texts_b, scorer, ea, eb)
    context = scorer.weights.get("context")
    if context is None or prob.size == 0:
        return prob
    cosine = None if ea is None or eb is None else ea @ eb.T
    x = context_features(prob, lexical_similarity(doc_a, doc_b), cosine)
    coef = np.asarray(context["coef"], dtype=np.float64)
    if len(coef) != x.shape[2]:
        raise ValueError("claim model context weights do not match its features")
    return 1 / (1 + np.exp(-np.clip(x @ coef + float(context["intercept"]), -50, 50)))


def pair_matrix(texts_a: Sequence[str], texts_b: Sequence[str], scorer: ClaimScorer,
                ea: np.ndarray | None = None, eb: np.ndarray | None = None) -> np.ndarray:
    """The scorer's probability for every sentence pair; with the model's ``clauses``
    (context weights fitted so), the best of the pair's and of each clause of one
    sentence (:func:`clause_spans`) against the other sentence: a rewrite often restates
    one clause of a longer sentence ("..., promising to defy federal law and maintain New
    York's status as a sanctuary city." ~ "He claims that NYC will remain a sanctuary
    city."), which the scorer, trained on whole sentences, rates low as a whole."""
    prob = scorer.matrix(texts_a, texts_b, ea, eb)
    context = scorer.weights.get("context") or {}
    if not (context.get("clauses") or context.get("windows")) or prob.size == 0:
        return prob
    for flip, (mine, other) in enumerate(((texts_a, texts_b), (texts_b, texts_a))):
        parts = _parts(mine, bool(context.get("clauses")), bool(context.get("windows")))
        if not parts:
            continue
        texts = [t for _, t in parts]
        sub = scorer.matrix(other, texts) if flip else scorer.matrix(texts, other)
        for k, (members, _) in enumerate(parts):
            for i in members:
                if flip:
                    prob[:, i] = np.maximum(prob[:, i], sub[:, k])
                else:
                    prob[i] = np.maximum(prob[i], sub[k])
    return prob


def _parts(texts: Sequence[str], clauses: bool, windows: bool
           ) -> list[tuple[tuple[int, ...], str]]:
    """Pieces of a text scored against the other's sentences besides its sentences: each
    clause (:func:`clause_spans`) and, with ``windows``, each two adjacent sentences (a
    statement split over two), with the sentences each belongs to."""
    out = [((i,), t[s:e]) for i, t in enumerate(texts) for s, e in clause_spans(t)] \
        if clauses else []
    if windows:
        out += [((i, i + 1), f"{texts[i]} {texts[i + 1]}") for i in range(len(texts) - 1)]
    return out


#: where a sentence splits into clauses: a comma, semicolon, colon or dash, or before a
#: conjunction that opens a clause of its own
CLAUSE_BREAK = re.compile(r"\s*[,;:\u2013\u2014]\s+|\s+(?=(?:while|but|although|though|"
                          r"whereas|because)\s)", re.IGNORECASE)


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """The clauses of a sentence that are statements of their own (:data:`MIN_CONTENT`
    content words), as offsets into it; none when the sentence does not split.

    >>> s = "He tried to act tough, promising to keep New York a sanctuary city."
    >>> [s[a:b] for a, b in clause_spans(s)]
    ['He tried to act tough', 'promising to keep New York a sanctuary city.']
    """
    cuts = [(m.start(), m.end()) for m in CLAUSE_BREAK.finditer(sentence)]
    if not cuts:
        return []
    out, start = [], 0
    for cut_start, cut_end in [*cuts, (len(sentence), len(sentence))]:
        piece = sentence[start:cut_start]
        if sum(1 for w in re.findall(r"\w+", piece.lower()) if w not in STOPWORDS) \
                >= MIN_CONTENT:
            out.append((start, cut_start))
        start = cut_end
    return out


def match_claims(doc_a: Doc, doc_b: Doc, passages: Sequence[Passage], scorer: ClaimScorer,
                 *, facts_a: Sequence[Fact] | None = None,
                 facts_b: Sequence[Fact] | None = None, threshold: float | None = None,
                 counterparts: Iterable[tuple[int, int]] = ()) -> Claims:
    """Every claim the two texts share (see the module's description), in A's order.

    ``passages`` are the aligned passages of A and B; ``facts_a``/``facts_b`` the facts
    of each text (from :func:`storytrace.diff.core.diff_versions`; extracted here when
    not given) tell changed numbers and names; ``threshold`` overrides
    :func:`claim_threshold`; ``counterparts`` are sentence pairs ``(i, j)`` already known
    to correspond (the facts diff's sentence counterparts: a similar pair sharing a
    specific fact). The candidates are the pairs a passage covers, the same sentences,
    the counterparts, and each sentence's most probable counterpart from the model's
    floor (:func:`claim_candidates`). With the model's ``listing`` weights, a candidate
    is a claim when its calibrated score (:func:`listed_scores`) reaches the threshold,
    else it is ``possible``; without them, every known pair is a claim.

    >>> a = Doc("The city will not cooperate with ICE. Rain fell all day.")
    >>> b = Doc("Sunny skies are forecast. The city won't cooperate with ICE, it said.")
    >>> found = match_claims(a, b, [], ClaimScorer(semantic=False))
    >>> [(c.a_sentences, c.b_sentences, c.kind) for c in found.claims]
    [((0,), (1,), 'edited')]
    >>> found.a_only, found.b_only
    ([(38, 56)], [(0, 25)])
    """
    spans_a, spans_b = doc_a.sentence_spans, doc_b.sentence_spans
    threshold = claim_threshold(scorer) if threshold is None else threshold
    listing = scorer.weights.get("listing")
    method = {"model": scorer.model, "threshold": round(threshold, 4),
              "score": "calibrated" if listing else "model"}
    if not spans_a or not spans_b:
        return Claims([], list(spans_a), list(spans_b), method)
    floor = float(listing["floor"]) if listing else threshold
    prob, how, candidates = claim_candidates(doc_a, doc_b, passages, scorer, counterparts,
                                             floor)
    if listing:
        score = listed_scores(doc_a, doc_b, scorer, prob, how, sorted(candidates))
        for p in candidates:  # the same words: right whatever the model makes of them
            if how.get(p) in CERTAIN:
                score[p] = max(score[p], KNOWN_SCORE[how[p]])
        pairs = {p for p in candidates if score[p] >= threshold}
    else:  # a model without listing weights: every known pair, the scorer's from threshold
        score = {p: max(float(prob[p]), KNOWN_SCORE.get(how.get(p, ""), 0.0))
                 for p in candidates}
        pairs = candidates
    pairs, aside = one_counterpart(pairs, how, score, _restates(doc_a, doc_b, scorer))
    method["second_counterparts_set_aside"] = len(aside)
    facts = (_facts_or_extract(doc_a, facts_a), _facts_or_extract(doc_b, facts_b))
    claims = [_claim(doc_a, doc_b, side_a, side_b, score, how, group, facts)
              for group, (side_a, side_b) in _grouped(sorted(pairs), spans_a, spans_b)]
    possible = [_claim(doc_a, doc_b, (i,), (j,), score, how, -1, facts)
                for i, j in sorted(candidates - pairs - aside)
                if score[i, j] >= POSSIBLE or (i, j) in how]
    # A sentence that is only a credit line ("From Politico:") or a question states
    # nothing of its own: it is in neither "only" list (the credits list the credit).
    in_a = {i for c in claims for i in c.a_sentences} | no_statement(doc_a.text, spans_a)
    in_b = {j for c in claims for j in c.b_sentences} | no_statement(doc_b.text, spans_b)
    claims = quoted_claims(claims, doc_a.text, doc_b.text)
    claims.sort(key=lambda c: (c.a_start, c.b_start))
    return Claims(claims, [s for i, s in enumerate(spans_a) if i not in in_a],
                  [s for j, s in enumerate(spans_b) if j not in in_b], method, possible)


#: A claim side is quoted speech when this share of its letters and digits is inside
#: quotation marks (or an embedded post): the same quotation printed by both versions is a
#: source's words that both report, not one writer's words copied by the other.
QUOTED_SIDE = 0.6


def quoted_claims(claims: list[Claim], text_a: str, text_b: str) -> list[Claim]:
    r"""``claims`` with ``quoted`` set on those whose two sides are mostly quoted speech
    (:data:`QUOTED_SIDE`, :func:`storytrace.provenance.content.quoted_speech`), or whose
    one side is and whose other prints the same words (``aligned`` of an edited pair).

    >>> a = 'He spoke. "We did it in New York. It worked," Trump said.'
    >>> b = 'Trump was blunt: "We did it in New York. It worked."'
    >>> c = Claim(10, 57, 17, 52, "copied", 0.99, "same text", (1,), (1,))
    >>> quoted_claims([c], a, b)[0].quoted
    True
    """
    from storytrace.provenance.content import quoted_mask

    def counts(text: str) -> tuple[list[int], list[int]]:
        """Running counts of letters and digits, and of those inside quoted speech."""
        inside = quoted_mask(text)
        alnum = [ch.isalnum() for ch in text]
        return ([0, *accumulate(alnum)],
                [0, *accumulate(a and q for a, q in zip(alnum, inside, strict=True))])

    def quoted(table: tuple[list[int], list[int]], start: int, end: int) -> bool:
        letters = table[0][end] - table[0][start]
        return bool(letters) and table[1][end] - table[1][start] >= QUOTED_SIDE * letters

    if not claims:
        return claims
    ta, tb = counts(text_a), counts(text_b)
    out = []
    for c in claims:
        qa, qb = quoted(ta, c.a_start, c.a_end), quoted(tb, c.b_start, c.b_end)
        # A version may print the quotation as a block, without marks: the same words
        # quoted by the other are still the source's.
        out.append(replace(c, quoted=(qa and qb) or ((qa or qb) and c.aligned >= EDITED)))
    return out


def no_statement(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    r"""The indices of the sentence ``spans`` of ``text`` that state no fact: a credit line
    alone (:func:`credit_only`), or a question in the writer's words ("When is the first
    debate?" heading an explainer's section, "Do you see it?"): it asks, and what it
    insinuates is the framing's to count.

    >>> t = "The bill passed.\n\nWhen is the vote?\n\n“Why now?” she asked."
    >>> no_statement(t, [(0, 16), (18, 35), (37, 58)])
    {1}
    """
    asks = {k for k, (start, end) in enumerate(spans)
            if text[start:end].rstrip(" \t\n”’\"')").endswith("?")
            and not text[start:end].lstrip().startswith(("“", '"'))}
    return asks | credit_only(text, spans)


def credit_only(text: str, spans: Sequence[tuple[int, int]]) -> set[int]:
    r"""The indices of the sentence ``spans`` of ``text`` that hold no word outside a
    credit line (:func:`storytrace.provenance.direction.credit_lines`: "From Politico:").

    >>> t = "Lede here.\n\nFrom Politico:\n\nThe bill passed."
    >>> credit_only(t, [(0, 10), (12, 26), (28, 44)])
    {1}
    """
    from storytrace.provenance.direction import credit_lines

    credits = [(cue[0], src[1]) for cue, src, _, _ in credit_lines(text)]
    out = set()
    for k, (start, end) in enumerate(spans):
        inside = sorted(((max(s, start), min(e, end)) for s, e in credits
                         if s < end and e > start), reverse=True)
        rest = text[start:end]
        for s, e in inside:
            rest = rest[: s - start] + rest[e - start :]
        if inside and not any(ch.isalnum() for ch in rest):
            out.add(k)
    return out


def one_counterpart(pairs: Iterable[tuple[int, int]], how: dict[tuple[int, int], str],
                    score: dict[tuple[int, int], float],
                    restates: Callable[[str, int, int], bool]
                    ) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """The pairs kept as claims, and those set aside: a sentence whose counterpart shares
    its words (a passage, the same text, one printed inside the other) is accounted for,
    so a second counterpart the model alone proposes (``scorer`` or ``counterpart``) is
    set aside unless it restates the first (the other version says it twice: ``restates``
    ``("a" or "b", k, l)`` tells whether sentence ``k`` of that side restates ``l``) or
    its score is :data:`SURE_SECOND` or more.
    Pairs of shared words are always kept, and so are several model pairs of one
    sentence (one sentence of B stating what two of A state, each a part of it).

    >>> how = {(0, 0): "same text"}
    >>> score = {(0, 0): 1.0, (0, 1): 0.8, (1, 1): 0.7, (2, 1): 0.6}
    >>> kept, aside = one_counterpart(score, how, score, lambda side, k, l: False)
    >>> sorted(kept), sorted(aside)
    ([(0, 0), (1, 1), (2, 1)], [(0, 1)])
    """
    def strength(p: tuple[int, int]) -> int:
        return STRENGTH.get(how.get(p, "scorer"), 1)

    kept: set[tuple[int, int]] = set()
    aside: set[tuple[int, int]] = set()
    of_a: dict[int, list[int]] = {}  # each A sentence's B counterparts of shared words
    of_b: dict[int, list[int]] = {}
    for i, j in sorted(pairs, key=lambda p: (strength(p), score[p], p), reverse=True):
        if strength((i, j)) >= STRENGTH["passage"]:
            of_a.setdefault(i, []).append(j)
            of_b.setdefault(j, []).append(i)
        elif score[i, j] < SURE_SECOND and (
                (i in of_a and not any(restates("b", j, k) for k in of_a[i]))
                or (j in of_b and not any(restates("a", i, k) for k in of_b[j]))):
            aside.add((i, j))
            continue
        kept.add((i, j))
    return kept, aside


def _restates(doc_a: Doc, doc_b: Doc, scorer: ClaimScorer) -> Callable[[str, int, int], bool]:
    """Whether sentence ``k`` of one version (``"a"`` or ``"b"``) restates its sentence
    ``l``: the next or previous sentence (one statement split in two), or the scorer's
    probability at its threshold."""
    texts = {"a": doc_a.sentence_texts(), "b": doc_b.sentence_texts()}

    def restates(side: str, k: int, other: int) -> bool:
        if abs(k - other) == 1:
            return True
        return bool(scorer.matrix([texts[side][k]], [texts[side][other]])[0, 0]
                    >= scorer.threshold)

    return restates


def claim_candidates(doc_a: Doc, doc_b: Doc, passages: Sequence[Passage],
                     scorer: ClaimScorer, counterparts: Iterable[tuple[int, int]],
                     floor: float
                     ) -> tuple[np.ndarray, dict[tuple[int, int], str], set[tuple[int, int]]]:
    """The pair probabilities in context (:func:`claim_probabilities`), the known pairs
    with how they are known (passage, same text, counterpart), and the candidate pairs:
    the known ones, and each sentence's most probable counterpart (both ways, a pair of
    a passage or the same text counting as certain) from ``floor`` when both sentences
    are statements (:data:`MIN_CONTENT`)."""
    prob = claim_probabilities(doc_a, doc_b, scorer)
    how = _known_pairs(doc_a, doc_b, passages, prob, counterparts)
    known = prob.copy()
    for p, h in how.items():  # a passage or the same text: the pair is as good as certain
        known[p] = max(known[p], KNOWN_SCORE.get(h, known[p]))
    statement_a, statement_b = _statements(doc_a), _statements(doc_b)
    candidates = set(how) | {(i, j) for i, j in _best_pairs(known) if known[i, j] >= floor
                             and statement_a[i] and statement_b[j]}
    return prob, how, candidates


def _known_pairs(doc_a: Doc, doc_b: Doc, passages: Sequence[Passage], prob: np.ndarray,
                 counterparts: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Sentence pairs known to correspond whatever the scorer says, and how: ``passage``
    (an aligned passage covers them), ``same text``, ``counterpart`` (the facts diff's)."""
    how: dict[tuple[int, int], str] = {}
    for i, j in _passage_pairs(doc_a, doc_b, passages, prob):
        how[i, j] = "passage"
    texts_a, texts_b = doc_a.sentence_texts(), doc_b.sentence_texts()
    norm_b = {_norm(t): j for j, t in enumerate(texts_b)}
    for i, t in enumerate(texts_a):
        j = norm_b.get(_norm(t))
        if j is not None and _norm(t):
            how[i, j] = "same text"
    for i, j in contained_pairs(texts_a, texts_b):
        how.setdefault((i, j), "contained")
    for i, j in counterparts:
        if 0 <= i < len(texts_a) and 0 <= j < len(texts_b):
            how.setdefault((i, j), "counterpart")
    return how


def contained_pairs(texts_a: Sequence[str], texts_b: Sequence[str]
                    ) -> list[tuple[int, int]]:
    """Sentence pairs where one sentence's words, all of them in order, are a stretch of
    the other (case and punctuation aside): a statement one version prints alone and the
    other inside a longer sentence ("I would do stop-and-frisk." in "..., Trump responded,
    "I would do stop and frisk.""). The shorter needs :data:`MIN_CONTAINED` content words.

    >>> contained_pairs(["“I would do stop-and-frisk.", "I think you have to."],
    ...                 ['Asked about crime, Trump responded, "I would do stop and frisk.',
    ...                  "I think you have to."])
    [(0, 0)]
    """
    norm_a = [f" {_norm(t)} " for t in texts_a]
    norm_b = [f" {_norm(t)} " for t in texts_b]
    enough_a = [_content_words(t) >= MIN_CONTAINED for t in norm_a]
    enough_b = [_content_words(t) >= MIN_CONTAINED for t in norm_b]
    out = []
    for i, x in enumerate(norm_a):
        for j, y in enumerate(norm_b):
            if (len(x) < len(y) and enough_a[i] and x in y) \
                    or (len(y) < len(x) and enough_b[j] and y in x):
                out.append((i, j))
    return out


def _content_words(norm: str) -> int:
    return sum(1 for w in norm.split() if w not in STOPWORDS)


def _best_pairs(prob: np.ndarray) -> set[tuple[int, int]]:
    """Each sentence's most probable counterpart, both ways."""
    rows = {(i, int(prob[i].argmax())) for i in range(prob.shape[0])}
    return rows | {(int(prob[:, j].argmax()), j) for j in range(prob.shape[1])}


def listing_features(doc_a: Doc, doc_b: Doc, scorer: ClaimScorer, prob: np.ndarray,
                     how: dict[tuple[int, int], str], pairs: Sequence[tuple[int, int]]
                     ) -> np.ndarray:
    """:data:`LISTING_FEATURES` of sentence pairs (``len(pairs) × 4``): the pair's logit
    in context, whether the facts diff pairs them, whether they share wording (a passage
    or the same text), and how many plain words each restates of the other (at most 3;
    :func:`storytrace.diff.token_align.restated_words`, or shared non-name stems for a
    model without word states)."""
    from storytrace.diff.token_align import restated_words

    wanted_a = sorted({i for i, _ in pairs})
    wanted_b = sorted({j for _, j in pairs})
    row_a = {i: k for k, i in enumerate(wanted_a)}
    row_b = {j: k for k, j in enumerate(wanted_b)}
    texts_a, texts_b = doc_a.sentence_texts(), doc_b.sentence_texts()
    sa = scorer.states([texts_a[i] for i in wanted_a]) if pairs else None
    sb = scorer.states([texts_b[j] for j in wanted_b]) if pairs else None
    plain_a, plain_b = (None, None) if sa is not None else (_plain_stems(doc_a),
                                                            _plain_stems(doc_b))
    out = np.zeros((len(pairs), len(LISTING_FEATURES)))
    for k, (i, j) in enumerate(pairs):
        p = min(max(float(prob[i, j]), 1e-4), 1 - 1e-4)
        if sa is not None and sb is not None:
            restated = restated_words(sa[row_a[i]], sb[row_b[j]])
        else:
            restated = len(plain_a[i] & plain_b[j])
        out[k] = [np.log(p / (1 - p)), how.get((i, j)) == "counterpart",
                  how.get((i, j)) in ("passage", *CERTAIN), min(restated, 3)]
    return out


def listed_scores(doc_a: Doc, doc_b: Doc, scorer: ClaimScorer, prob: np.ndarray,
                  how: dict[tuple[int, int], str], pairs: Sequence[tuple[int, int]]
                  ) -> dict[tuple[int, int], float]:
    """The calibrated probability that each pair is a claim a reader finds right: the
    model's ``listing`` weights (``bench/train_claims.py``, fitted on labelled claims
    of article pairs) over :func:`listing_features`."""
    if not pairs:
        return {}
    listing = scorer.weights["listing"]
    if tuple(listing["features"]) != LISTING_FEATURES:
        raise ValueError("claim model listing weights do not match this version's features")
    z = listing_features(doc_a, doc_b, scorer, prob, how, pairs) @ np.asarray(
        listing["coef"], dtype=np.float64) + float(listing["intercept"])
    return dict(zip(pairs, (1 / (1 + np.exp(-np.clip(z, -50, 50)))).tolist(), strict=True))


def _plain_stems(doc: Doc) -> list[set[str]]:
    """Each sentence's stems of content words outside names."""
    in_name = {k for s in doc.names for k in range(bisect_left(doc.starts, s.start),
                                                   bisect_left(doc.starts, s.end))}
    return [{doc.stems[k] for k in range(first, stop) if k not in in_name
             and doc.words[k] not in STOPWORDS and any(ch.isalnum() for ch in doc.words[k])}
            for first, stop in doc.sentence_tokens]


def _statements(doc: Doc) -> list[bool]:
    """Whether each sentence has :data:`MIN_CONTENT` content words (a statement the scorer
    may pair on its own)."""
    return [sum(1 for w in doc.words[first:stop] if w not in STOPWORDS and
                any(ch.isalnum() for ch in w)) >= MIN_CONTENT
            for first, stop in doc.sentence_tokens]


def _norm(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


def _passage_pairs(doc_a: Doc, doc_b: Doc, passages: Sequence[Passage],
                   prob: np.ndarray) -> list[tuple[int, int]]:
    """Sentence pairs an aligned passage covers: each sentence with most of its words in
    a passage, with the most probable sentence of the passage's other side."""
    out = []
    for p in passages:
        in_a = _covered(doc_a, p.a_start, p.a_end)
        in_b = _covered(doc_b, p.b_start, p.b_end)
        if not in_a or not in_b:
            continue
        for i in in_a:
            out.append((i, max(in_b, key=lambda j, i=i: prob[i, j])))
        for j in in_b:
            out.append((max(in_a, key=lambda i, j=j: prob[i, j]), j))
    return out


def _covered(doc: Doc, start: int, end: int) -> list[int]:
    """Sentences with at least :data:`PASSAGE_COVER` of their words inside ``[start, end)``."""
    out = []
    for k, (first, stop) in enumerate(doc.sentence_tokens):
        if doc.starts[first] >= end or doc.ends[stop - 1] <= start:
            continue
        inside = sum(1 for i in range(first, stop) if start <= doc.starts[i] < end)
        if inside >= PASSAGE_COVER * (stop - first):
            out.append(k)
    return out


def _grouped(pairs: list[tuple[int, int]], spans_a: Sequence[tuple[int, int]],
             spans_b: Sequence[tuple[int, int]]
             ) -> list[tuple[int, tuple[tuple[int, ...], tuple[int, ...]]]]:
    """Claims from sentence pairs: ``(group, (A sentences, B sentences))``.

    Pairs that share a sentence form a group. Within a group, the sentences of one side
    that share one counterpart and follow each other become one side of one claim (as
    long as it stays within :data:`MAX_SIDE` times the counterpart's length); every
    other pair is a claim of its own.
    """
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for i, j in pairs:
        parent[find(("a", i))] = find(("b", j))
    components: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for i, j in pairs:
        components.setdefault(find(("a", i)), []).append((i, j))
    out = []
    for group, members in enumerate(sorted(components.values())):
        for side_a, side_b in _merge_runs(members, spans_a, spans_b):
            out.append((group, (side_a, side_b)))
    return out


def _merge_runs(members: list[tuple[int, int]], spans_a: Sequence[tuple[int, int]],
                spans_b: Sequence[tuple[int, int]]
                ) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Adjacent sentences of one side sharing a counterpart, joined (see :func:`_grouped`)."""
    def length(spans: Sequence[tuple[int, int]], ks: list[int]) -> int:
        return spans[ks[-1]][1] - spans[ks[0]][0]

    out: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    done: set[tuple[int, int]] = set()
    for flip in (False, True):  # A runs sharing a B sentence, then B runs sharing an A one
        by_other: dict[int, list[int]] = {}
        for i, j in (m for m in members if m not in done):
            by_other.setdefault(i if flip else j, []).append(j if flip else i)
        for other, ks in sorted(by_other.items()):
            ks = sorted(ks)
            own, far = (spans_b, spans_a) if flip else (spans_a, spans_b)
            run = [ks[0]]
            for k in [*ks[1:], None]:
                if k is not None and k == run[-1] + 1 and \
                        length(own, [*run, k]) <= MAX_SIDE * length(far, [other]):
                    run.append(k)
                    continue
                if len(run) > 1:
                    pairs = {(other, r) if flip else (r, other) for r in run}
                    done |= pairs
                    out.append(((other,), tuple(run)) if flip else (tuple(run), (other,)))
                run = [k] if k is not None else []
    out.extend(((i,), (j,)) for i, j in members if (i, j) not in done)
    return out


def _facts_or_extract(doc: Doc, facts: Sequence[Fact] | None) -> list[Fact]:
    """The numbers and names of a text: the given facts, or the rules' facts and the
    :class:`Doc`'s names (as ``entity``: the kind of a name is not told here)."""
    if facts is None:
        from storytrace.diff.facts import Fact, extract_facts

        found = [f for f in extract_facts(doc.text) if f.kind in NUMERIC]
        found += [Fact("entity", s.start, s.end, s.of(doc.text), s.of(doc.text).lower())
                  for s in doc.names]
        facts = found
    return sorted((f for f in facts if f.kind in NUMERIC or f.kind in NAMES),
                  key=lambda f: (f.start, f.end))


def _side(doc: Doc, spans: Sequence[tuple[int, int]], ks: tuple[int, ...]
          ) -> tuple[int, int, int, int]:
    """Character span and word range ``(start, end, first word, end word)`` of sentences."""
    start, end = spans[ks[0]][0], spans[ks[-1]][1]
    return start, end, bisect_left(doc.starts, start), bisect_left(doc.starts, end)


def _claim(doc_a: Doc, doc_b: Doc, side_a: tuple[int, ...], side_b: tuple[int, ...],
           scores: dict[tuple[int, int], float], hows: dict[tuple[int, int], str],
           group: int, facts: tuple[list[Fact], list[Fact]]) -> Claim:
    """One claim with its kind and details; its score is its best pair's, and ``how``
    the strongest evidence among its pairs."""
    score = float(max(scores[i, j] for i in side_a for j in side_b if (i, j) in scores))
    found = {hows.get((i, j), "scorer") for i in side_a for j in side_b}
    how = next(h for h in ("passage", "same text", "contained", "counterpart", "scorer")
               if h in found)
    a0, a1, wa0, wa1 = _side(doc_a, doc_a.sentence_spans, side_a)
    b0, b1, wb0, wb1 = _side(doc_b, doc_b.sentence_spans, side_b)
    stems_a, stems_b = doc_a.stems[wa0:wa1], doc_b.stems[wb0:wb1]
    aligned = Indel.normalized_similarity(stems_a, stems_b) if stems_a and stems_b else 0.0
    in_a = [f for f in facts[0] if a0 <= f.start and f.end <= a1]
    in_b = [f for f in facts[1] if b0 <= f.start and f.end <= b1]
    details = _fact_details(in_a, in_b, facts, names=aligned >= NAME_SWAP,
                            sides=(doc_a.text[a0:a1], doc_b.text[b0:b1]))
    taken = [d.a for d in details if d.a] + [d.b for d in details if d.b]
    if aligned >= 0.3:
        details += _word_details(doc_a, doc_b, (wa0, wa1), (wb0, wb1), taken)
    else:
        details += _hedge_details(doc_a, doc_b, (wa0, wa1), (wb0, wb1))
    if how in CERTAIN or aligned >= COPIED:
        kind = "copied"
    elif aligned >= DETAIL_ALIGNED and any(d.change == "changed" and d.kind in ("number",
                                                                             "name")
                                           for d in details):
        kind = "changed_detail"
    else:
        kind = "edited" if aligned >= EDITED else "paraphrased"
    details.sort(key=lambda d: (d.a or d.b or (0, 0), d.b or (0, 0)))
    return Claim(a0, a1, b0, b1, kind, score, how, side_a, side_b, group, tuple(details),
                 round(aligned, 4))


def _same(x: Fact, y: Fact) -> bool:
    """Two facts state the same value (names: the same entity, or a shared name word)."""
    from storytrace.diff.matching import same_fact

    if x.kind in NAMES and y.kind in NAMES:
        words = set(re.findall(r"\w+", x.text.lower())) - STOPWORDS
        return x.value == y.value or bool(words & set(re.findall(r"\w+", y.text.lower()))) \
            or _name_key(x.text) == _name_key(y.text)
    if {x.kind, y.kind} == {"age", "number"}:
        # an age that one side's reading took for a bare number ("Mohammad Sr., 53")
        return x.value == y.value
    return same_fact(x, y)


def _name_key(name: str) -> str:
    """A name as written whatever its spacing, case, a glued leading "The" or an
    acronym's plural "s": "TheDCNF" and "DCNF", "AIDs" and "AID", "U.S." and "US".

    >>> _name_key("TheDCNF"), _name_key("HIV/AIDs"), _name_key("Theodore")
    ('dcnf', 'hivaid', 'theodore')
    """
    name = re.sub(r"^[Tt]he(?=[A-Z])", "", name.strip())
    name = re.sub(r"(?<=[A-Z])s\b", "", name)
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _fact_details(in_a: list[Fact], in_b: list[Fact],
                  facts: tuple[list[Fact], list[Fact]], names: bool = True,
                  sides: tuple[str, str] = ("", "")) -> list[Detail]:
    """Numbers and names that differ between the two sides of a claim.

    A value one side states and the other does not, with one of the same kind the other
    side states alone, is ``changed`` (51 → 52). Names change only with ``names`` (the
    rest of the two sides is the same words): then a name neither text states elsewhere
    is paired with the next such name of the other side, in the order they come ("Bill
    Murray, from Rochester" → "Vin Diesel, from Rockford"); in a reworded pair another
    person is another part, not a changed one ("a challenge for Trump" and "Cardin and
    others compare"). A value one side alone states is ``only_a``/``only_b`` when the
    other text does not state it anywhere (an age told in the next sentence is not
    missing), nor is a name the other side's words hold in lower case ("this twitter
    user": ``sides``, the two sides' texts).
    """
    free_a = [f for f in in_a if not any(_same(f, g) for g in in_b)]
    free_b = [g for g in in_b if not any(_same(f, g) for f in in_a)]
    swappable = [g for g in free_b if g.kind in NAMES and
                 not any(_same(g, f) for f in facts[0])] if names else []
    out = []
    for f in list(free_a):
        category = "name" if f.kind in NAMES else "number"
        if f.kind in NAMES:
            if any(_same(f, g) for g in facts[1]):
                continue
            partner = next((g for g in swappable if g in free_b), None)
        else:
            partner = next((g for g in free_b if g.kind == f.kind), None)
        if partner is not None:
            free_a.remove(f)
            free_b.remove(partner)
            out.append(Detail(category, "changed", (f.start, f.end),
                              (partner.start, partner.end)))
    for side, free, other, words in (("a", free_a, facts[1], sides[1]),
                                     ("b", free_b, facts[0], sides[0])):
        for f in free:
            if any(_same(f, g) for g in other) or (
                    f.kind in NAMES and re.search(rf"\b{re.escape(f.text.lower())}\b",
                                                  words.lower())):
                continue
            category = "name" if f.kind in NAMES else "number"
            span = (f.start, f.end)
            out.append(Detail(category, f"only_{side}", span if side == "a" else None,
                              span if side == "b" else None))
    return out


def _word_details(doc_a: Doc, doc_b: Doc, wa: tuple[int, int], wb: tuple[int, int],
                  taken: list[tuple[int, int]]) -> list[Detail]:
    """Qualifiers and clauses one side of a claim has and the other lacks, from a word
    alignment of the two sides (for claims whose wording mostly agrees).

    An unaligned run of one side whose content words the other side does not use at
    all is a ``clause`` from three words on ("on a train"), else a ``qualifier`` when it
    is one (:data:`QUALIFIERS`: "misdemeanor", "allegedly"); a qualifier replaced by
    another is ``changed``. Words of a number or name detail are left to it.
    """
    from rapidfuzz.distance import Levenshtein

    sa, sb = doc_a.stems[wa[0]:wa[1]], doc_b.stems[wb[0]:wb[1]]
    used = (set(sa), set(sb))
    out = []
    for op in Levenshtein.opcodes(sa, sb):
        if op.tag == "equal":
            continue
        run_a = _run(doc_a, wa[0] + op.src_start, wa[0] + op.src_end, used[1], taken)
        run_b = _run(doc_b, wb[0] + op.dest_start, wb[0] + op.dest_end, used[0], taken)
        qa, qb = _qualifier(doc_a, run_a), _qualifier(doc_b, run_b)
        if qa and qb:
            out.append(Detail("qualifier", "changed", qa, qb))
            continue
        for doc, run, q, side in ((doc_a, run_a, qa, "a"), (doc_b, run_b, qb, "b")):
            other_run = run_b if side == "a" else run_a
            if len(run) >= 3 and not other_run:
                span = doc.char_span(run[0], run[-1] + 1)
            elif q and not (other_run and len(other_run) >= 3):
                span = q
            else:
                continue
            kind = "clause" if len(run) >= 3 and not q else "qualifier"
            out.append(Detail(kind, f"only_{side}", span if side == "a" else None,
                              span if side == "b" else None))
    return out


def _run(doc: Doc, first: int, end: int, other: set[str],
         taken: list[tuple[int, int]]) -> list[int]:
    """Words ``first..end-1`` trimmed to the stretch from the first to the last content
    word the other side does not use (none when there is no such word), leaving out
    words inside ``taken`` spans."""
    keep = [i for i in range(first, end)
            if not any(s <= doc.starts[i] < e for s, e in taken)]
    new = [i for i in keep if doc.words[i] not in STOPWORDS and doc.stems[i] not in other]
    if not new:
        return []
    return [i for i in keep if new[0] <= i <= new[-1]] if len(new) > 1 else \
        _with_phrase(doc, keep, new[0])


def _with_phrase(doc: Doc, keep: list[int], i: int) -> list[int]:
    """A lone new word with the stop words just before it in the run ("on a train")."""
    run = [i]
    while run[0] - 1 in keep and doc.words[run[0] - 1] in STOPWORDS:
        run.insert(0, run[0] - 1)
    return run


def _qualifier(doc: Doc, run: list[int]) -> tuple[int, int] | None:
    """The span of the qualifier in a short run (one or two content words), if any."""
    content = [i for i in run if doc.words[i] not in STOPWORDS or doc.words[i] in QUALIFIERS]
    if not content or len(content) > 2:
        return None
    q = [i for i in content if doc.words[i] in QUALIFIERS]
    return (doc.starts[q[0]], doc.ends[q[-1]]) if q else None


def _hedge_details(doc_a: Doc, doc_b: Doc, wa: tuple[int, int],
                   wb: tuple[int, int]) -> list[Detail]:
    """For reworded claims: hedges, negations and grades (:data:`HEDGES`) one side states
    and the other does not ("supposedly", "not", "misdemeanor")."""
    words_a, words_b = set(doc_a.words[wa[0]:wa[1]]), set(doc_b.words[wb[0]:wb[1]])
    out = []
    for doc, (first, end), other, side in ((doc_a, wa, words_b, "a"), (doc_b, wb, words_a, "b")):
        negated = any(w in NEGATIONS or w.endswith("n't") for w in other)
        for i in range(first, end):
            w = "not" if doc.words[i].endswith("n't") else doc.words[i]
            if w in HEDGES and w not in other and not (w in NEGATIONS and negated):
                span = (doc.starts[i], doc.ends[i])
                out.append(Detail("qualifier", f"only_{side}", span if side == "a" else None,
                                  span if side == "b" else None))
    return out
