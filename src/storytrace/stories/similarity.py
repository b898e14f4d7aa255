"""Same-story similarity of two news articles: how likely they report the same story.

The score comes from a small logistic model over similarity features of the two
whole articles:

* ``word_cosine``: cosine of sublinear term-frequency vectors of content-word
  stems (words of four letters or more that are not English stop words; each
  CJK character counts as a word). Words are hashed, so nothing is fitted on a
  corpus and a pair's features depend on that pair alone.
* ``bigram_cosine``: the same over pairs of consecutive content words (phrases
  that a rewrite keeps).
* ``char_cosine``: the same over character 4- and 5-grams of those words, which
  also matches inflected forms, compounds and names across languages.
* ``entity_containment`` and ``entity_jaccard``: overlap of capitalised words that
  do not start a sentence (names, places; all nouns in German).
* ``number_jaccard``: overlap of the numbers written in each (dates included).
* ``title_word_cosine`` and ``title_char_cosine``: the word and character cosines
  of the titles (the first line when the text starts with one, else the first
  sentence); ``title_body_cosine``: the larger character cosine of one title
  with the other text.
* ``length_ratio``: shorter / longer, in characters.
* ``same_language``: cosine of the two texts' profiles of short words (function
  words in most languages). Lexical overlap means less across languages, so
  every other feature enters the model twice, times ``same_language`` and times
  ``1 - same_language``.
* with the ``semantic`` extra, cosines of all-MiniLM-L6-v2 embeddings: of the
  leads (``embedding_lead``), of the titles (``embedding_title``), of the mean
  sentence embedding (``embedding_mean``), and the mean best-match cosine of each
  text's sentences in the other (``embedding_align``).

The weights are JSON files in ``storytrace/data`` (``story_similarity_lexical.json``
and ``story_similarity_semantic.json``), written by ``bench/train_story_similarity.py``
from SemEval-2022 Task 8 pairs plus synthetic near-duplicates (a text with
itself, with its first half, with most of its sentences: target 1, so copies
score near 1 even though no SemEval pair is a copy); each records its data,
command and cross-validated scores. The weights are not constrained in sign, so
the score is not guaranteed to rise with every single feature.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from storytrace.align.semantic import (
    SemanticUnavailable,
    choose_model,
    default_encoder,
    model_encoder,
)
from storytrace.text.doc import Doc
from storytrace.text.segment import sentences
from storytrace.text.words import STOPWORDS, WORD, stem

if TYPE_CHECKING:
    from scipy import sparse

    from storytrace.text.hashing import NgramHasher

__all__ = [
    "CHECK_FEATURES",
    "EMBEDDING_FEATURES",
    "LEXICAL_FEATURES",
    "SentenceCheck",
    "StorySimilarity",
    "content_words",
    "entity_words",
    "fit_weights",
    "load_weights",
    "model_features",
    "shared_entities",
]

LEXICAL_FEATURES = (
    "word_cosine", "bigram_cosine", "char_cosine", "entity_containment", "entity_jaccard",
    "number_jaccard", "title_word_cosine", "title_char_cosine", "title_body_cosine",
    "length_ratio", "same_language", "lead_word_cosine", "lead_entity_containment",
    "sketch_cosine",
)
EMBEDDING_FEATURES = ("embedding_lead", "embedding_title", "embedding_mean", "embedding_align")
#: The sentence check's features (:class:`SentenceCheck`): no title, since a rewrite for
#: another audience often gives the story a new one ("BOOM! NYPD Just DISOBEYED ...").
CHECK_FEATURES = ("embedding_mean", "embedding_lead", "embedding_align", "sentence_share")
#: The cosine from which a sentence's closest sentence in the other text is its
#: counterpart (all-MiniLM-L6-v2; on SemEval-2022's English pairs the share of such
#: sentences separates same-story pairs best at 0.6 of 0.6, 0.7, 0.8: AUC 0.88).
COUNTERPART_COSINE = 0.6
# Context features enter the model as they are; every other feature enters twice,
# times same_language and times cross_language (= 1 - same_language), so that its
# weight can differ between same-language and cross-language pairs.
CONTEXT_FEATURES = ("same_language", "length_ratio")

LEAD_WORDS = 200  # words of the lead that is embedded as one passage
LEAD_SENTENCES = 3  # sentences of the lead (the title counts as one) for the event features
SKETCH_MAX_DF = 200  # as trace's default max_bucket: sketch terms in more sketches are dropped
MAX_SENTENCES = 24  # sentences embedded per text: enough for the story, bounded cost
MIN_SENTENCE_CHARS = 20  # shorter "sentences" (datelines, bylines) are not embedded
_HASH_FEATURES = 1 << 20

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])")
_MONTHS = {m: i for i, names in enumerate((
    "january jan januar janvier enero gennaio", "february feb februar fevrier febrero febbraio",
    "march mar märz mars marzo", "april apr avril abril aprile",
    "may mai mayo maggio", "june jun juni juin junio giugno",
    "july jul juli juillet julio luglio", "august aug août agosto",
    "september sep sept septembre septiembre settembre",
    "october oct oktober octobre octubre ottobre",
    "november nov novembre noviembre", "december dec dezember décembre diciembre dicembre",
), start=1) for m in names.split()}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = (  # (pattern, which groups are (year, month, day))
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), (1, 2, 3)),
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"), (3, 2, 1)),
    (re.compile(rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?({_MONTH})\.?(?:\s+(?:de\s+)?(\d{{4}}))?\b",
                re.IGNORECASE), (3, 2, 1)),
    (re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?",
                re.IGNORECASE), (3, 1, 2)),
)


class Encoder(Protocol):
    """Anything that embeds strings as unit-length rows (like ``SentenceEncoder``)."""

    def encode(self, sentences: list[str]) -> np.ndarray: ...


def model_features(base: Sequence[str]) -> tuple[str, ...]:
    """Model columns for base features: context features, then each similarity feature
    times ``same_language`` and times ``cross_language``.

    >>> model_features(("word_cosine", "same_language"))
    ('same_language', 'word_cosine*same_language', 'word_cosine*cross_language')
    """
    return (*(n for n in base if n in CONTEXT_FEATURES),
            *(f"{n}*{side}" for n in base if n not in CONTEXT_FEATURES
              for side in ("same_language", "cross_language")))


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    return stem(word)


def _cjk_spaced(text: str) -> str:
    return _CJK.sub(r" \1 ", text)


def _content_words(text: str) -> list[str]:
    """Lower-cased content words: 4+ characters and not a stop word, or a CJK character."""
    return [w for w in _WORD.findall(_cjk_spaced(text.lower()))
            if (len(w) >= 4 and not w.isdigit() and w not in STOPWORDS) or _CJK.match(w)]


content_words = _content_words


def _short_words(text: str) -> list[str]:
    """Words of at most three letters: mostly function words, so they tell the language."""
    return [w for w in _WORD.findall(_cjk_spaced(text.lower())) if len(w) <= 3
            and not w.isdigit()]


def title_of(text: str) -> str:
    """The title: the first line if the text opens with a short one, else the first sentence.

    Some sources join title and body with two spaces instead of a line break.

    >>> title_of("Floods hit Valencia\\nHeavy rain fell on Tuesday.")
    'Floods hit Valencia'
    >>> title_of("Heavy rain fell on Tuesday. Roads closed.")
    'Heavy rain fell on Tuesday.'
    """
    body = text.strip()
    head = body[:300]
    for separator in ("\n", "  "):
        if separator in head:
            return head.split(separator, 1)[0].strip()
    first = sentences(body[:1000])
    return first[0].of(body[:1000])[:300] if first else head


def entity_spans(text: str) -> list[str]:
    """The names in the text (:attr:`storytrace.text.doc.Doc.names`: runs of capitalised
    words within a sentence, without leading stop words, a lone sentence opener left out),
    as written.

    >>> entity_spans("The mayor of New York met Angela Merkel. Both spoke.")
    ['New York', 'Angela Merkel']
    """
    doc = Doc.of(text)
    return [s.of(doc.text) for s in doc.names]


def entity_words(text: str) -> set[str]:
    """The words of the text's names (:func:`entity_spans`), lower-cased, stop words out.

    >>> sorted(entity_words("Rescuers reached Valencia. The Bank of England met."))
    ['bank', 'england', 'valencia']
    """
    doc = Doc.of(text)
    out: set[str] = set()
    for span in doc.names:
        out.update(w.lower() for w in WORD.findall(span.of(doc.text)))
    return out - STOPWORDS


def shared_entities(a: str, b: str) -> list[str]:
    """The names found in both texts as written in ``a``: whole names first, then the
    words of names found in both but not inside a shared whole name.

    >>> shared_entities("Rescuers said Maria Catala met Pedro Ruiz in Valencia.",
    ...                 "Police said Maria Catala and Ruiz spoke.")
    ['Maria Catala', 'Ruiz']
    """
    spans_a = entity_spans(a)
    spans_b = {s.lower() for s in entity_spans(b)}
    words_b = entity_words(b)
    shared = {s for s in spans_a if s.lower() in spans_b}
    covered = {w.lower() for s in shared for w in WORD.findall(s)}
    shared |= {w for s in spans_a for w in WORD.findall(s)
               if w.lower() in words_b and w.lower() not in covered}
    return sorted(shared, key=lambda s: (-len(s.split()), s.lower(), s))


def numbers_of(text: str) -> set[str]:
    """The numbers of the text (:attr:`storytrace.text.doc.Doc.numbers`), without
    thousands separators or decimal marks.

    >>> sorted(numbers_of("About 15,000 people; 3.5 percent; on 24 April 2020"))
    ['15000', '2020', '24', '35']
    """
    doc = Doc.of(text)
    return {span.of(doc.text).replace(",", "").replace(".", "") for span in doc.numbers}


def dates_of(text: str) -> set[str]:
    """Calendar dates as ``YYYY-MM-DD`` (``--MM-DD`` when the year is not given).

    >>> sorted(dates_of("On 24 April 2020 and on April 25, and 2021-03-01."))
    ['--04-25', '2020-04-24', '2021-03-01']
    """
    found = set()
    for pattern, (yg, mg, dg) in _DATES:
        for m in pattern.finditer(text):
            month_text = m.group(mg)
            month = _MONTHS.get(month_text.lower()) if month_text.isalpha() else int(month_text)
            day, year = int(m.group(dg)), m.group(yg)
            if month and 1 <= month <= 12 and 1 <= day <= 31:
                found.add(f"{year or '-'}-{month:02d}-{day:02d}")
    return found


def _bigrams(words: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in pairwise(words)]


def _sublinear_l2(m: sparse.csr_matrix) -> sparse.csr_matrix:
    from scipy import sparse

    m = m.astype(np.float64)
    m.data = 1.0 + np.log(m.data)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


@lru_cache(maxsize=1)
def _hashers() -> dict[str, NgramHasher]:
    """The word, bigram, char and short-word hashers: scikit-learn's
    ``HashingVectorizer(alternate_sign=False, norm=None)`` counts, without loading it."""
    from storytrace.text.hashing import NgramHasher

    return {
        "word": NgramHasher(lambda t: [_stem(w) for w in _content_words(t)],
                            n_features=_HASH_FEATURES),
        "bigram": NgramHasher(lambda t: _bigrams([_stem(w) for w in _content_words(t)]),
                              n_features=_HASH_FEATURES),
        "char": NgramHasher("char_wb", (4, 5), _HASH_FEATURES, lowercase=False),
        "short": NgramHasher(_short_words, n_features=_HASH_FEATURES),
    }


@dataclass
class _Docs:
    """Unique texts prepared once, however many pairs they are in."""

    titles: list[str]
    words: sparse.csr_matrix  # unit rows, sublinear tf of content stems
    bigrams: sparse.csr_matrix  # unit rows, sublinear tf of content stem bigrams
    chars: sparse.csr_matrix  # unit rows, char 4-5-grams of content words
    title_words: sparse.csr_matrix
    title_chars: sparse.csr_matrix
    short: sparse.csr_matrix  # unit rows, counts of short words (language profile)
    entities: list[set[str]]
    numbers: list[set[str]]
    lead_words: sparse.csr_matrix  # unit rows, sublinear tf of the lead's content stems
    lead_entities: list[set[str]]  # name words of the lead
    lengths: np.ndarray
    embeddings: dict[str, Any] | None  # lead, title (unit rows), mean, sentence blocks


def _vectors(texts: Sequence[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    hashers = _hashers()
    words = _sublinear_l2(hashers["word"].transform(texts))
    chars = _sublinear_l2(hashers["char"].transform([" ".join(_content_words(t))
                                                     for t in texts]))
    return words, chars


def _embed(texts: Sequence[str], titles: Sequence[str], encoder: Encoder) -> dict[str, Any]:
    """Lead, title and per-sentence embeddings, from one ``encode`` call for all texts."""
    strings: list[str] = []
    blocks: list[tuple[int, int]] = []
    for text in texts:
        chosen = [s.of(text) for s in sentences(text) if len(s) >= MIN_SENTENCE_CHARS]
        chosen = chosen[:MAX_SENTENCES] or [text[:500] or " "]
        blocks.append((len(strings), len(strings) + len(chosen)))
        strings.extend(chosen)
    n_sentences = len(strings)
    strings.extend(" ".join(t.split()[:LEAD_WORDS]) or " " for t in texts)
    strings.extend(t or " " for t in titles)
    e = np.asarray(encoder.encode(strings), dtype=np.float64)
    sent = e[:n_sentences]
    mean = np.vstack([sent[s:t].mean(axis=0) for s, t in blocks])
    mean /= np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)
    n = len(texts)
    return {"lead": e[n_sentences:n_sentences + n], "title": e[n_sentences + n:],
            "mean": mean, "sentences": [sent[s:t] for s, t in blocks]}


def lead_of(text: str) -> str:
    """The lead: the first :data:`LEAD_SENTENCES` sentences (a title line counts as one),
    where a report says what happened, to whom, where and when.

    >>> lead_of("Floods hit Valencia\\nTwelve died on Tuesday. Rain fell. Roads shut. More.")
    'Floods hit Valencia\\nTwelve died on Tuesday. Rain fell.'
    """
    spans = Doc.of(text).sentence_spans
    return text[: spans[min(LEAD_SENTENCES, len(spans)) - 1][1]] if spans else text


def _sketch_cosines(texts: Sequence[str], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The story-sketch cosine of each pair, the texts given being the corpus (IDF over
    their sketches, terms in more than :data:`SKETCH_MAX_DF` dropped), as ``trace``
    computes it over its store; rounded as ``trace`` rounds it."""
    from storytrace.index.sketch import StorySketcher, _tfidf_rows

    m = _tfidf_rows(StorySketcher().sketch_many(texts), SKETCH_MAX_DF).tocsr()
    return np.round(_rowdot(m, i, j), 4)


def _prepare(texts: Sequence[str], encoder: Encoder | None) -> _Docs:
    titles = [title_of(t) for t in texts]
    leads = [lead_of(t) for t in texts]
    words, chars = _vectors(texts)
    title_words, title_chars = _vectors(titles)
    return _Docs(
        lead_words=_sublinear_l2(_hashers()["word"].transform(leads)),
        lead_entities=[entity_words(t) for t in leads],
        titles=titles, words=words, bigrams=_sublinear_l2(_hashers()["bigram"].transform(texts)),
        chars=chars, title_words=title_words,
        title_chars=title_chars,
        short=_sublinear_l2(_hashers()["short"].transform(texts)),
        entities=[entity_words(t) for t in texts], numbers=[numbers_of(t) for t in texts],
        lengths=np.array([len(t) for t in texts], dtype=np.float64),
        embeddings=None if encoder is None else _embed(texts, titles, encoder))


def _rowdot(m: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(m[i].multiply(m[j]).sum(axis=1), dtype=np.float64).ravel()


def _crossdot(m: sparse.csr_matrix, n: sparse.csr_matrix, i: np.ndarray, j: np.ndarray
              ) -> np.ndarray:
    return np.asarray(m[i].multiply(n[j]).sum(axis=1), dtype=np.float64).ravel()


def _set_overlaps(sets: list[set[str]], i: np.ndarray, j: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Jaccard and containment (shared / smaller set) of each pair; 0 when either is empty."""
    jac, cont = np.zeros(len(i)), np.zeros(len(i))
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        x, y = sets[a], sets[b]
        if x and y:
            shared = len(x & y)
            jac[k] = shared / len(x | y)
            cont[k] = shared / min(len(x), len(y))
    return jac, cont


def _base_features(d: _Docs, i: np.ndarray, j: np.ndarray,
                   sketch_cosine: np.ndarray) -> dict[str, np.ndarray]:
    entity_jaccard, entity_containment = _set_overlaps(d.entities, i, j)
    _, lead_entity_containment = _set_overlaps(d.lead_entities, i, j)
    number_jaccard, _ = _set_overlaps(d.numbers, i, j)
    li, lj = d.lengths[i], d.lengths[j]
    out = {
        "word_cosine": _rowdot(d.words, i, j),
        "bigram_cosine": _rowdot(d.bigrams, i, j),
        "char_cosine": _rowdot(d.chars, i, j),
        "entity_containment": entity_containment,
        "entity_jaccard": entity_jaccard,
        "number_jaccard": number_jaccard,
        "title_word_cosine": _rowdot(d.title_words, i, j),
        "title_char_cosine": _rowdot(d.title_chars, i, j),
        "title_body_cosine": np.maximum(_crossdot(d.title_chars, d.chars, i, j),
                                        _crossdot(d.title_chars, d.chars, j, i)),
        "length_ratio": np.minimum(li, lj) / np.maximum(np.maximum(li, lj), 1.0),
        "same_language": _rowdot(d.short, i, j),
        "lead_word_cosine": _rowdot(d.lead_words, i, j),
        "lead_entity_containment": lead_entity_containment,
        "sketch_cosine": np.asarray(sketch_cosine, dtype=np.float64),
    }
    if d.embeddings is not None:
        out.update(_embedding_features(d.embeddings, i, j))
    return out


def _embedding_features(e: dict[str, Any], i: np.ndarray, j: np.ndarray
                        ) -> dict[str, np.ndarray]:
    """The :data:`EMBEDDING_FEATURES` of each pair, from :func:`_embed`'s output, and
    ``sentence_share`` (the sentence check's: of the embedded sentences of the text with
    fewer, the share whose closest sentence in the other has cosine at least
    :data:`COUNTERPART_COSINE`, i.e. that have a counterpart there)."""
    align, share = np.zeros(len(i)), np.zeros(len(i))
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        sim = e["sentences"][a] @ e["sentences"][b].T
        rows, cols = sim.max(axis=1), sim.max(axis=0)
        align[k] = (rows.mean() + cols.mean()) / 2
        share[k] = float(((rows if len(rows) <= len(cols) else cols)
                          >= COUNTERPART_COSINE).mean())
    return {"embedding_lead": (e["lead"][i] * e["lead"][j]).sum(axis=1),
            "embedding_title": (e["title"][i] * e["title"][j]).sum(axis=1),
            "embedding_mean": (e["mean"][i] * e["mean"][j]).sum(axis=1),
            "embedding_align": align, "sentence_share": share}


class SentenceCheck:
    """The sentence model's second opinion on a pair the lexical model calls the same story.

    On long political news, pairs about one broad event (two stories of one debate)
    share names and words as much as two reports of one story do; what they say, sentence
    by sentence, differs more. The check is a logistic model over the
    :data:`CHECK_FEATURES` of all-MiniLM-L6-v2 (``story_similarity_check.json``, trained
    on SemEval-2022's English pairs by ``bench/train_story_similarity.py``): the
    probability that the pair is the same story (Overall <= 1.5) from the embeddings of
    the leads, of the whole texts (mean sentence) and of their sentences (how closely
    they align, and the share of the shorter text's sentences that have a counterpart
    in the other). It costs the encoder's time on each text (about a second per pair of
    long articles on 2 CPU cores), so ``trace`` asks it only about the pairs the lexical
    model already links.

    Raises :class:`~storytrace.align.semantic.SemanticUnavailable` when no encoder is
    given and the semantic extra is not installed.
    """

    def __init__(self, encoder: Encoder | None = None, weights: dict[str, Any] | None = None
                 ) -> None:
        if encoder is None:
            encoder = default_encoder()
            if encoder is None:
                raise SemanticUnavailable("the sentence check needs the semantic extra")
        self.encoder = encoder
        self.weights = weights or load_weights("check")
        self.feature_names = tuple(self.weights["features"])
        self._mean = np.asarray(self.weights["scaler"]["mean"], dtype=np.float64)
        self._scale = np.asarray(self.weights["scaler"]["scale"], dtype=np.float64)
        self._coef = np.asarray(self.weights["logistic_regression"]["coef"], dtype=np.float64)
        self._intercept = float(self.weights["logistic_regression"]["intercept"])

    def features(self, pairs: Iterable[tuple[str, str]]) -> np.ndarray:
        """The check's feature values, one row per pair (each distinct text embedded once)."""
        index: dict[str, int] = {}
        i, j = [], []
        for a, b in pairs:
            i.append(index.setdefault(a, len(index)))
            j.append(index.setdefault(b, len(index)))
        if not i:
            return np.zeros((0, len(self.feature_names)))
        texts = list(index)
        found = _embedding_features(_embed(texts, [title_of(t) for t in texts], self.encoder),
                                    np.array(i), np.array(j))
        return np.column_stack([found[name] for name in self.feature_names])

    def probability_features(self, x: np.ndarray) -> np.ndarray:
        """The probability that each pair is the same story, from its feature row (as
        :meth:`features` returns)."""
        if not len(x):
            return np.zeros(0)
        z = (np.asarray(x, dtype=np.float64) - self._mean) / self._scale @ self._coef
        return 1.0 / (1.0 + np.exp(-np.clip(z + self._intercept, -50, 50)))

    def probabilities(self, pairs: Iterable[tuple[str, str]]) -> np.ndarray:
        """The probability that each pair is the same story, by the sentence model."""
        return self.probability_features(self.features(pairs))


def load_weights(name: str) -> dict[str, Any]:
    """The bundled model ``name`` (``"lexical"``, ``"semantic"`` or ``"check"``) as a dict."""
    path = resources.files("storytrace") / "data" / f"story_similarity_{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def fit_weights(x: np.ndarray, target: np.ndarray, feature_names: Sequence[str], *,
                c: float = 1.0) -> dict[str, Any]:
    """Fit the logistic model on features ``x`` and soft targets in [0, 1].

    Minimises ``C · Σ cross-entropy(target, σ(w·z + b)) + ½‖w‖²`` over standardised
    features ``z``: scikit-learn's L2 logistic regression, with soft labels.
    Returns the model dict that :class:`StorySimilarity` reads (training
    provenance is the caller's to add).

    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((40, 2))
    >>> w = fit_weights(x, x[:, 0], ["a", "b"])
    >>> w["features"], w["logistic_regression"]["coef"][0] > 0
    (['a', 'b'], True)
    """
    from scipy.optimize import minimize

    x = np.asarray(x, dtype=np.float64)
    target = np.clip(np.asarray(target, dtype=np.float64), 0.0, 1.0)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        u = z @ w + b
        value = c * float(np.sum(np.logaddexp(0.0, u) - target * u)) + 0.5 * float(w @ w)
        residual = c * (1.0 / (1.0 + np.exp(-u)) - target)
        return value, np.r_[z.T @ residual + w, residual.sum()]

    result = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B",
                      options={"maxiter": 10000})
    return {
        "features": list(feature_names),
        "scaler": {"mean": mean.tolist(), "scale": scale.tolist()},
        "logistic_regression": {"coef": result.x[:-1].tolist(),
                                "intercept": float(result.x[-1]), "C": c},
    }


class StorySimilarity:
    """Score in [0, 1] that two articles report the same story.

    Parameters
    ----------
    semantic : ``"auto"`` adds sentence embeddings when the semantic extra is
        installed, ``False`` never does, ``True`` requires them.
    weights : a model dict (as in ``storytrace/data/story_similarity_*.json``) to
        use instead of the bundled one; its feature list decides whether
        embeddings are needed.
    encoder : anything with ``encode(list[str]) -> ndarray`` of unit-length rows,
        in place of :func:`storytrace.align.semantic.default_encoder`.

    Attributes: ``model`` (``"lexical"`` or ``"semantic"``), ``feature_names``
    and ``weights`` (the model dict, with its training provenance).

    Examples
    --------
    >>> sim = StorySimilarity(semantic=False)
    >>> a = "Floods kill 12 in Valencia\\nFlash floods killed 12 people in Valencia on Tuesday."
    >>> b = "Valencia floods: 12 dead\\nTwelve people died when flash floods hit Valencia."
    >>> c = "Apple unveils new iPhone\\nApple showed its new phone in Cupertino on Monday."
    >>> bool(sim.score(a, b) > sim.score(a, c))
    True
    >>> sorted(sim.explain(a, b)["shared_entities"])
    ['Valencia']
    """

    def __init__(self, semantic: bool | str = "auto", *, weights: dict[str, Any] | None = None,
                 encoder: Encoder | None = None) -> None:
        if semantic not in ("auto", True, False):
            raise ValueError(f"semantic must be 'auto', True or False, not {semantic!r}")
        if weights is None:
            which, encoder = choose_model(semantic, encoder)
            weights = load_weights(which)
        names = tuple(weights["features"])
        self.base_features = tuple(dict.fromkeys(n.split("*")[0] for n in names))
        if names != model_features(self.base_features) or not set(self.base_features) <= {
                *LEXICAL_FEATURES, *EMBEDDING_FEATURES}:
            raise ValueError(f"model features {names} do not match this version's features")
        self.semantic = any(n in EMBEDDING_FEATURES for n in self.base_features)
        self.encoder = model_encoder(self.semantic, encoder)
        self.weights = weights
        self.feature_names = names
        self._mean = np.asarray(weights["scaler"]["mean"], dtype=np.float64)
        self._scale = np.asarray(weights["scaler"]["scale"], dtype=np.float64)
        self._coef = np.asarray(weights["logistic_regression"]["coef"], dtype=np.float64)
        self._intercept = float(weights["logistic_regression"]["intercept"])

    @property
    def model(self) -> str:
        """``"semantic"`` (lexical + embeddings) or ``"lexical"``."""
        return "semantic" if self.semantic else "lexical"

    def _base(self, pairs: Iterable[tuple[str, str]], sketch_cosine: Sequence[float] | None
              ) -> tuple[_Docs, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Each distinct text prepared once, the pairs as row indices, the base features.

        ``sketch_cosine``: each pair's story-sketch cosine over the corpus (``trace`` has
        it from its candidates); ``None`` computes it with the texts given as the corpus.
        """
        index: dict[str, int] = {}
        i, j = [], []
        for a, b in pairs:
            i.append(index.setdefault(a, len(index)))
            j.append(index.setdefault(b, len(index)))
        texts = list(index)
        docs = _prepare(texts, self.encoder)
        ii, jj = np.array(i, dtype=np.int64), np.array(j, dtype=np.int64)
        if sketch_cosine is None:
            sketch_cosine = (_sketch_cosines(texts, ii, jj) if "sketch_cosine"
                             in self.base_features else np.zeros(len(ii)))
        elif len(sketch_cosine) != len(ii):
            raise ValueError(f"{len(sketch_cosine)} sketch cosines for {len(ii)} pairs")
        return docs, ii, jj, _base_features(docs, ii, jj, np.asarray(sketch_cosine))

    def _matrix(self, base: dict[str, np.ndarray]) -> np.ndarray:
        columns = []
        for name in self.feature_names:
            if name.endswith("*same_language"):
                columns.append(base[name.split("*")[0]] * base["same_language"])
            elif name.endswith("*cross_language"):
                columns.append(base[name.split("*")[0]] * (1.0 - base["same_language"]))
            else:
                columns.append(base[name])
        return np.column_stack(columns) if columns else np.zeros((0, 0))

    def features(self, pairs: Iterable[tuple[str, str]],
                 sketch_cosine: Sequence[float] | None = None) -> np.ndarray:
        """Model feature values (columns as in ``feature_names``), one row per pair
        (``sketch_cosine``: as for :meth:`score_pairs`).

        >>> x = StorySimilarity(semantic=False).features([("Rain in Oslo.", "Rain in Oslo.")])
        >>> round(float(x[0, 0]), 6)
        1.0
        """
        pairs = list(pairs)
        if not pairs:
            return np.zeros((0, len(self.feature_names)))
        return self._matrix(self._base(pairs, sketch_cosine)[3])

    def predict_features(self, x: np.ndarray) -> np.ndarray:
        """Scores for precomputed feature rows (as :meth:`features` returns)."""
        z = (np.asarray(x, dtype=np.float64) - self._mean) / self._scale @ self._coef
        return 1.0 / (1.0 + np.exp(-np.clip(z + self._intercept, -50, 50)))

    def probability_features(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities that each pair reports the same story (SemEval-2022
        Overall of at most 1.5, "very similar"), from feature rows: the score's logit
        rescaled by the model's ``calibration`` (fitted on out-of-fold scores); the score
        itself for a model without one."""
        score = self.predict_features(x)
        cal = self.weights.get("calibration")
        if not cal:
            return score
        logit = np.log(np.clip(score, 1e-9, 1.0)) - np.log(np.clip(1.0 - score, 1e-9, 1.0))
        z = cal["slope"] * logit + cal["intercept"]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))

    def probabilities(self, pairs: Iterable[tuple[str, str]],
                      sketch_cosine: Sequence[float] | None = None) -> np.ndarray:
        """Calibrated same-story probabilities (:meth:`probability_features`) of pairs."""
        pairs = list(pairs)
        if not pairs:
            return np.zeros(0)
        return self.probability_features(self.features(pairs, sketch_cosine))

    def score_pairs(self, pairs: Iterable[tuple[str, str]],
                    sketch_cosine: Sequence[float] | None = None) -> np.ndarray:
        """Same-story scores for ``(text_a, text_b)`` pairs; each distinct text is prepared once.

        ``sketch_cosine``: each pair's story-sketch cosine over the corpus, which weighs
        shared names and key words by their rarity there (``trace`` passes its own);
        ``None``: computed with the texts given as the corpus.

        >>> StorySimilarity(semantic=False).score_pairs([]).shape
        (0,)
        """
        pairs = list(pairs)
        if not pairs:
            return np.zeros(0)
        return self.predict_features(self.features(pairs, sketch_cosine))

    def score(self, a: str, b: str) -> float:
        """Same-story score of two texts, in [0, 1]."""
        return float(self.score_pairs([(a, b)])[0])

    def feature_values(self, pairs: Sequence[tuple[str, str]],
                       sketch_cosine: Sequence[float]) -> list[dict[str, float]]:
        """Every base feature of each pair by name (as :meth:`explain` gives them), all
        pairs prepared at once (``sketch_cosine``: as for :meth:`score_pairs`)."""
        if not pairs:
            return []
        found = self._base(list(pairs), sketch_cosine)[3]
        return [{k: float(v[n]) for k, v in found.items()} for n in range(len(pairs))]

    def explain(self, a: str, b: str, sketch_cosine: float | None = None) -> dict[str, Any]:
        """The score and the evidence for it (``sketch_cosine``: as for :meth:`score_pairs`).

        Returns a dict: ``score``; ``probability`` (:meth:`probability_features`);
        ``features`` (every base feature value by name); ``contributions`` (each model
        column's share of the linear score, largest magnitude first); ``titles``;
        ``shared_entities`` (capitalised names found in both, multi-word runs first);
        ``shared_numbers`` and ``shared_dates``; ``tfidf_cosine`` (the word cosine);
        and, for the semantic model, ``embedding_cosine`` (the lead embeddings').
        """
        docs, i, j, found = self._base([(a, b)], None if sketch_cosine is None
                                       else [sketch_cosine])
        base = {k: float(v[0]) for k, v in found.items()}
        x = self._matrix({k: np.array([v]) for k, v in base.items()})
        terms = ((x[0] - self._mean) / self._scale) * self._coef
        order = np.argsort(-np.abs(terms))
        out: dict[str, Any] = {
            "score": float(self.predict_features(x)[0]),
            "probability": float(self.probability_features(x)[0]),
            "model": self.model,
            "features": base,
            "contributions": {self.feature_names[k]: round(float(terms[k]), 4) for k in order},
            "titles": (docs.titles[int(i[0])], docs.titles[int(j[0])]),
            "shared_entities": shared_entities(a, b),
            "shared_numbers": sorted(numbers_of(a) & numbers_of(b), key=lambda s: (len(s), s)),
            "shared_dates": sorted(dates_of(a) & dates_of(b)),
            "tfidf_cosine": base["word_cosine"],
        }
        if self.semantic:
            out["embedding_cosine"] = base["embedding_lead"]
        return out
