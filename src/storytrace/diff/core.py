"""The facts diff: what each version of a story states that the other does not.

:func:`diff_versions` takes two articles (and, if already computed, their
:class:`~storytrace.comparison.Comparison`) and reports, for each version:

* **new sentences**: sentences with no counterpart in the other version (see
  :mod:`storytrace.diff.counterparts`);
* **facts**: every number, age, amount of money, date, time, person, organisation, place
  and quote, each marked ``matching`` (the other version states the same value),
  ``changed`` (the other version states a different value for the same thing: a person's
  age, a number in the counterpart sentence, a quote's wording) or ``only`` (this version
  alone states it), with offsets into this version and the counterpart's offsets into
  the other.

Everything is an offset into ``Article.text`` as given (the title is not part of it).
"""

from __future__ import annotations

import copy as _copy
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from storytrace.align import Aligner
from storytrace.diff.claims import Claims, ClaimScorer, match_claims, no_statement
from storytrace.diff.counterparts import (
    LEXICAL,
    SEMANTIC,
    SentenceLink,
    link_sentences,
)
from storytrace.diff.entities import (
    acronym_definitions,
    capitalised_words,
    extract_entities,
    spacy_pipeline,
)
from storytrace.diff.facts import ENTITY_KINDS, Fact, extract_facts
from storytrace.diff.linking import link_entities
from storytrace.diff.matching import STATUSES, FactStatus, Side, match_facts
from storytrace.model import Article
from storytrace.provenance import extract_attributions
from storytrace.text.doc import Doc
from storytrace.text.words import STOPWORDS

if TYPE_CHECKING:
    from storytrace.comparison import Comparison

ANCHOR_MAX_SENTENCES = 2  # a fact in more sentences than this is too common to pair them
SNIPPET = 140  # characters of a sentence shown in the summary


@dataclass(frozen=True)
class NewSentence:
    """A sentence with no counterpart in the other version: ``text[start:end]``.

    ``score`` is its similarity to the most similar sentence of the other version;
    ``facts`` the facts in it that the other version does not state at all.
    """

    start: int
    end: int
    text: str
    score: float
    facts: tuple[Fact, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "score": round(self.score, 4), "facts": [f.to_dict() for f in self.facts]}


@dataclass
class FactsDiff:
    """What versions A and B state differently. Offsets index ``a.text`` and ``b.text``."""

    a: Article
    b: Article
    a_sentences: list[SentenceLink]
    b_sentences: list[SentenceLink]
    a_facts: list[FactStatus]
    b_facts: list[FactStatus]
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    method: dict[str, Any] = field(default_factory=dict)
    claims: Claims | None = None  # statements both versions report (diff/claims.py)

    @property
    def a_new(self) -> list[NewSentence]:
        """Sentences of A with no counterpart in B."""
        return _new_sentences(self.a.text, self.a_sentences, self.a_facts)

    @property
    def b_new(self) -> list[NewSentence]:
        """Sentences of B with no counterpart in A."""
        return _new_sentences(self.b.text, self.b_sentences, self.b_facts)

    @property
    def changed(self) -> list[tuple[Fact, Fact, str]]:
        """``(fact in A, fact in B, note)`` for every changed fact."""
        out = [(s.fact, s.counterpart, s.note) for s in self.a_facts
               if s.status == "changed" and s.counterpart is not None]
        seen = {(a.start, a.end) for a, _, _ in out}
        for s in self.b_facts:  # changes only B's side found (a quote A left unquoted)
            if s.status == "changed" and s.counterpart is not None and \
                    (s.counterpart.start, s.counterpart.end) not in seen:
                out.append((s.counterpart, s.fact, s.note))
        return sorted(out, key=lambda x: (x[0].start, x[1].start))

    def sentence_pairs(self) -> list[dict[str, Any]]:
        """Every (A sentence, B sentence) counterpart pair, with how it was found."""
        pairs: dict[tuple[int, int], dict[str, Any]] = {}
        for links, other, flip in ((self.a_sentences, self.b_sentences, False),
                                   (self.b_sentences, self.a_sentences, True)):
            for link in links:
                if link.counterpart is None:
                    continue
                o = other[link.counterpart]
                x, y = (o, link) if flip else (link, o)
                pairs.setdefault((x.index, y.index), {
                    "a_start": x.start, "a_end": x.end, "b_start": y.start, "b_end": y.end,
                    "how": link.how, "score": link.score})
        return [pairs[k] for k in sorted(pairs)]

    def label(self, fact: Fact) -> str:
        """Readable form of a fact: ``person David Gonzalez``, ``age 51 (David Gonzalez)``."""
        if fact.kind in ENTITY_KINDS:
            name = self.entities.get(fact.value, {}).get("name", fact.text)
            return f"{fact.kind} {name}"
        if fact.kind == "quote":
            return f"quote {_shorten(fact.text, 90)}" + (f" ({fact.about})" if fact.about else "")
        if fact.kind == "age":
            return f"age {fact.value}" + (f" ({fact.about})" if fact.about else "")
        return f"{fact.kind} {fact.text}" + (f" ({fact.about})" if fact.about else "")

    def summary(self) -> dict[str, Any]:
        """A short account a person can read: what each adds, what changed, what matches."""
        changed = _counted(
            f"{a.kind}" + (f" ({a.about or b.about})" if a.about or b.about else "")
            + f": A {_quoted(a)} → B {_quoted(b)}" + (f" [{note}]" if note else "")
            for a, b, note in self.changed)
        return {
            "a_adds": self._adds(self.a.text, self.a_new, self.a_sentences, self.a_facts),
            "b_adds": self._adds(self.b.text, self.b_new, self.b_sentences, self.b_facts),
            "changed": changed,
            "matching": self._matching(),
            "counts": {
                "a_sentences": len(self.a_sentences), "a_new_sentences": len(self.a_new),
                "b_sentences": len(self.b_sentences), "b_new_sentences": len(self.b_new),
                **{f"{side}_facts_{status}": sum(s.status == status for s in facts)
                   for side, facts in (("a", self.a_facts), ("b", self.b_facts))
                   for status in STATUSES},
            },
        }

    def _adds(self, text: str, new: list[NewSentence], links: list[SentenceLink],
              facts: list[FactStatus]) -> list[str]:
        entries: dict[str, list] = {}  # sentence text → [position, count, new facts]
        for s in new:
            entry = entries.setdefault(" ".join(s.text.split()), [s.start, 0, []])
            entry[1] += 1  # a paragraph printed twice shows once, "(×2)"
            if entry[1] == 1:
                entry[2] = list(dict.fromkeys(self.label(f) for f in s.facts))
        lines = [(pos, f"“{_shorten(sentence, SNIPPET)}”" + (f" (×{count})" if count > 1 else "")
                  + (f" — new: {'; '.join(labels)}" if labels else ""))
                 for sentence, (pos, count, labels) in entries.items()]
        new_starts = {s.start for s in new}
        for st in facts:
            link = links[st.sentence]
            if st.status == "only" and link.start not in new_starts:
                snippet = _shorten(text[link.start:link.end], 100)
                lines.append((st.fact.start, f"{self.label(st.fact)} — in “{snippet}”"))
        return [line for _, line in sorted(lines)]

    def _matching(self) -> list[str]:
        out: dict[str, str] = {}
        for s in self.a_facts:
            if s.status != "matching" or s.counterpart is None:
                continue
            label = self.label(s.fact)
            if label in out:
                continue
            a, b = s.fact, s.counterpart
            differs = a.kind not in ENTITY_KINDS and " ".join(a.text.split()) != " ".join(
                b.text.split())
            out[label] = label + (f": A {_quoted(a)} = B {_quoted(b)}" if differs else "")
        return list(out.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: per version its new sentences and facts, the changes, a summary."""

        def side(x: Article, links: list[SentenceLink], new: list[NewSentence],
                 facts: list[FactStatus]) -> dict[str, Any]:
            return {"id": x.id, "sentences": len(links),
                    "new_sentences": [s.to_dict() for s in new],
                    "facts": [f.to_dict() for f in facts]}

        return {
            "summary": self.summary(),
            "a": side(self.a, self.a_sentences, self.a_new, self.a_facts),
            "b": side(self.b, self.b_sentences, self.b_new, self.b_facts),
            "changed": [{"kind": a.kind, "a": a.to_dict(), "b": b.to_dict(), "note": note}
                        for a, b, note in self.changed],
            "sentence_pairs": self.sentence_pairs(),
            "claims": None if self.claims is None else self.claims.to_dict(self.a.text,
                                                                           self.b.text),
            "entities": self.entities,
            "method": self.method,
        }


def diff_versions(a: Article, b: Article, comparison: Comparison | None = None, *,
                  aligner: Aligner | None = None, spacy: bool | str = "auto",
                  claims: bool = True, claim_scorer: ClaimScorer | None = None,
                  claim_threshold: float | None = None) -> FactsDiff:
    """The facts diff of two versions of a story.

    Parameters
    ----------
    a, b : the two versions.
    comparison : their :func:`storytrace.comparison.compare` result, if already computed
        (otherwise it is computed here with ``aligner``).
    aligner : supplies the sentence similarity (embeddings when it uses them).
    spacy : ``"auto"`` adds entities from an installed Explosion ``en_core_web_sm``;
        ``False`` keeps to the rules.
    claims : also match the statements both versions report (``FactsDiff.claims``, see
        :mod:`storytrace.diff.claims`), with ``claim_scorer`` (default: the bundled
        model, with embeddings when ``aligner`` uses them) and ``claim_threshold``.

    >>> a = Article(text="Gonzalez, a 51-year-old, was arrested on March 2 in Queens. "
    ...                  "He faced burglary charges.")
    >>> b = Article(text="David Gonzalez, 51, was arrested on 2 March, police said.")
    >>> d = diff_versions(a, b, aligner=Aligner(semantic=False), spacy=False)
    >>> d.summary()["matching"]  # doctest: +NORMALIZE_WHITESPACE
    ['person David Gonzalez', 'age 51 (David Gonzalez): A “51-year-old” = B “51”',
     'date March 2: A “March 2” = B “2 March”']
    >>> d.summary()["a_adds"]  # doctest: +NORMALIZE_WHITESPACE
    ['place Queens — in “Gonzalez, a 51-year-old, was arrested on March 2 in Queens.”',
     '“He faced burglary charges.”']
    """
    aligner = aligner or Aligner()
    remembered: dict[tuple[str, str], np.ndarray] = {}
    if comparison is None:  # what `compare` without details gives: the alignment
        passages = _remembering(aligner, remembered).align(a, b).passages
    else:
        passages = comparison.alignment.passages
    if (comparison is not None and comparison.a.id == b.id and comparison.b.id == a.id
            and a.id != b.id):
        passages = [replace(p, a_start=p.b_start, a_end=p.b_end, b_start=p.a_start,
                            b_end=p.a_end) for p in passages]
    ta, tb = Doc.of(a.text), Doc.of(b.text)
    spans_a, spans_b = ta.sentence_spans, tb.sentence_spans
    similarity = remembered.get((a.text, b.text))
    if similarity is None or similarity.shape != (len(spans_a), len(spans_b)):
        similarity = aligner.sentence_similarity(ta, tb)

    facts_a, facts_b, entities = _facts(a.text, b.text, spans_a, spans_b, spacy)
    sent_a = _sentences_of(facts_a, spans_a)
    sent_b = _sentences_of(facts_b, spans_b)
    thresholds = SEMANTIC if aligner.uses_embeddings else LEXICAL
    links_a, links_b = link_sentences(
        ta, tb, spans_a, spans_b, similarity, passages,
        _anchors(facts_a, sent_a, len(spans_a)), _anchors(facts_b, sent_b, len(spans_b)),
        thresholds)
    status_a, status_b = match_facts(Side(a.text, ta, facts_a, sent_a, links_a),
                                      Side(b.text, tb, facts_b, sent_b, links_b))
    method = {
        "similarity": "lexical+embeddings" if aligner.uses_embeddings else "lexical",
        "thresholds": {"high": thresholds.high, "low": thresholds.low},
        "entities": "rules+spacy" if spacy and spacy_pipeline() is not None else "rules",
    }
    found = None
    if claims:
        scorer = claim_scorer or _claim_scorer(aligner.uses_embeddings)
        known = [(k.index, k.counterpart) for k in links_a if k.counterpart is not None]
        known += [(k.counterpart, k.index) for k in links_b if k.counterpart is not None]
        found = match_claims(ta, tb, passages, scorer, facts_a=facts_a, facts_b=facts_b,
                             threshold=claim_threshold, counterparts=known)
        method["claims"] = found.method
    return FactsDiff(a, b, links_a, links_b, status_a, status_b, entities, method, found)


@lru_cache(maxsize=2)
def _claim_scorer(semantic: bool) -> ClaimScorer:
    """The bundled claim scorer, loaded once (with embeddings, the aligner's encoder)."""
    return ClaimScorer(semantic=semantic)


def _remembering(aligner: Aligner, memo: dict[tuple[str, str], np.ndarray]) -> Aligner:
    """A copy of ``aligner`` that keeps the sentence similarities it computes in ``memo``.

    Aligning already computes every sentence pair's similarity; keeping it spares the diff
    a second pass of the sentence encoder, the slow part when embeddings are on.
    """
    copy = _copy.copy(aligner)
    compute = aligner.sentence_similarity

    def sentence_similarity(ta: Doc, tb: Doc) -> np.ndarray:
        result = compute(ta, tb)
        memo[(ta.text, tb.text)] = result
        return result

    copy.sentence_similarity = sentence_similarity  # type: ignore[method-assign]
    return copy


# ------------------------------------------------------------------------- facts


def _facts(text_a: str, text_b: str, spans_a: Sequence[tuple[int, int]],
           spans_b: Sequence[tuple[int, int]], spacy: bool | str
           ) -> tuple[list[Fact], list[Fact], dict[str, dict[str, Any]]]:
    """All facts of both texts, entities linked across them and ages tied to their person."""
    known = capitalised_words([text_a, text_b])
    ents_a = extract_entities(text_a, spacy=spacy, known_caps=known)
    ents_b = extract_entities(text_b, spacy=spacy, known_caps=known)
    defs = acronym_definitions(text_a, ents_a) | acronym_definitions(text_b, ents_b)
    (ents_a, ents_b), info = link_entities([ents_a, ents_b], defs)
    out = []
    for text, ents, spans in ((text_a, ents_a, spans_a), (text_b, ents_b, spans_b)):
        facts = [_with_subject(f, ents, spans, info) if f.kind == "age" else f
                 for f in _with_speakers(text, extract_facts(text))]
        # Entities inside a quote are facts of their own too ("notified ICE").
        out.append(sorted(facts + ents, key=lambda f: (f.start, f.end, f.kind)))
    return out[0], out[1], info


def _with_speakers(text: str, facts: list[Fact]) -> list[Fact]:
    """Quotes with who said them, from the attribution extractor (where it finds a source)."""
    if not any(f.kind == "quote" for f in facts):
        return facts
    credits = [(a.source, a.content) for a in extract_attributions(text)
               if a.source is not None and a.content is not None
               and not set(a.source.of(text).lower().split()) <= STOPWORDS]  # "that", "they"
    out = []
    for f in facts:
        if f.kind == "quote":
            overlap = [(min(c.end, f.end) - max(c.start, f.start), -abs(s.start - f.start), s)
                       for s, c in credits if c.start < f.end and f.start < c.end]
            if overlap:
                speaker = max(overlap, key=lambda o: o[:2])[2]
                f = replace(f, about=speaker.of(text), about_span=(speaker.start, speaker.end))
        out.append(f)
    return out


def _with_subject(age: Fact, ents: list[Fact], spans: Sequence[tuple[int, int]],
                  info: dict[str, dict[str, Any]]) -> Fact:
    """The age with the person it belongs to: the name before ", 51," or the nearest one."""
    if age.about_span:
        s, e = age.about_span
        named = [m for m in ents if m.start < e and s < m.end]
        if named and named[-1].kind in ("org", "place", "group"):
            return replace(age, kind="number", about="", about_span=None)
    else:
        k = _sentences_of([age], spans)[0]
        lo, hi = spans[k] if k < len(spans) else (age.start, age.end)
        people = [m for m in ents if m.kind == "person" and lo <= m.start and m.end <= hi]
        before = [m for m in people if m.end <= age.start]
        after = [m for m in people if m.start >= age.end]
        named = before[-1:] or after[:1]
    if not named:
        return age
    person = named[-1]
    return replace(age, about=info.get(person.value, {}).get("name", person.text),
                   about_span=(person.start, person.end), subject=person.value)


def _sentences_of(facts: list[Fact], spans: Sequence[tuple[int, int]]) -> list[int]:
    """Index of the sentence each fact starts in."""
    starts = [s for s, _ in spans]
    return [max(bisect_right(starts, f.start) - 1, 0) for f in facts]


def _anchors(facts: list[Fact], sents: list[int], n: int) -> list[set[str]]:
    """Per sentence, the specific facts it states that at most two sentences state."""
    where: dict[str, set[int]] = {}
    for f, k in zip(facts, sents, strict=True):
        if f.kind not in ("group", "entity"):
            where.setdefault(f"{f.kind}:{f.value}", set()).add(k)
    out: list[set[str]] = [set() for _ in range(n)]
    for key, ks in where.items():
        if len(ks) <= ANCHOR_MAX_SENTENCES:
            for k in ks:
                out[k].add(key)
    return out


def _new_sentences(text: str, links: list[SentenceLink],
                   facts: list[FactStatus]) -> list[NewSentence]:
    """The sentences with no counterpart, but a credit line alone ("From Politico:") or a
    question (:func:`~storytrace.diff.claims.no_statement`): they state nothing."""
    silent = no_statement(text, [(link.start, link.end) for link in links])
    out = []
    for k, link in enumerate(links):
        if link.counterpart is not None or k in silent:
            continue
        only = tuple(s.fact for s in facts if s.sentence == link.index and s.status == "only")
        out.append(NewSentence(link.start, link.end, text[link.start:link.end], link.score,
                               only))
    return out


def _quoted(f: Fact) -> str:
    """A fact's words for a summary line: quotes keep their own quotation marks."""
    text = _shorten(f.text, 90)
    return text if f.kind == "quote" else f"“{text}”"


def _counted(lines: Iterable[str]) -> list[str]:
    """Lines in first-seen order, a repeated line once with "(×n)"."""
    counts = Counter(lines)
    return [line + (f" (×{n})" if n > 1 else "") for line, n in counts.items()]


def _shorten(s: str, width: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"
