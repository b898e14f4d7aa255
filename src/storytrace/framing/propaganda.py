"""Loaded language, name calling and other propaganda spans, with character offsets.

A three-stage linear model trained on the Propaganda Techniques Corpus (SemEval-2020
Task 11), plus the lexicon of :mod:`storytrace.framing.lexicon`:

1. **sentence model**: logistic regression over hashed word 1–2-grams and character
   3–5-grams of a sentence: does it hold any propaganda span?
2. **token tagger**: logistic regression (SGD) per token: is this token inside a
   span? Features: the word, its shape, prefixes/suffixes, its neighbours up to 3
   away and the two bigrams around it, whether it is inside quotes or in the first
   line, and (stacked, out-of-fold when training) the log-odds of its sentence, of
   the sentences around it and of the whole article from the sentence model. The
   sentence context helped most: in development runs the held-out span F1 at the
   best thresholds was 0.36 without it and 0.40 with it.
3. **spans**: runs of tokens with probability ≥ ``low`` that reach ``high`` somewhere
   (hysteresis), joined across gaps of up to 3 characters; ``low``/``high`` are
   chosen to maximise the task's span F1 out of fold on the training articles.

Each span then gets a technique label (``Loaded_Language``, ``Name_Calling,Labeling``,
``Doubt``, ...) from a multinomial logistic regression over the span's own words
and characters, trained on the corpus's technique spans.

>>> tagger = PropagandaTagger.default()
>>> t = "The council met on Tuesday. The corrupt, lying elites will stop at nothing to destroy us."
>>> [t[s.start : s.end] for s in tagger.spans(t)]
['The corrupt, lying elites will stop at nothing to destroy us']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from storytrace.framing.lexicon import lexicon_spans
from storytrace.framing.linear import TextHasher, bundled, hasher_from, sigmoid
from storytrace.text.hashing import hashed_counts
from storytrace.text.segment import sentences

if TYPE_CHECKING:
    from scipy import sparse

#: The token tagger's own tokens: words keep inner apostrophes only. Retrained on the shared
#: ``storytrace.text.words.TOKEN`` (which also joins dots and hyphens) it scored the same
#: held-out span F1 (0.4129 against 0.4128) but at precision 0.313 instead of 0.361, with
#: clause-long spans where this one flags the word ("Leftists" as name calling), and 0.4088
#: (precision 0.335) when its thresholds favoured precision; so this pattern stays.
TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
SENTENCE_BLOCKS: tuple[dict[str, Any], ...] = (
    {"analyzer": "word", "ngram_range": [1, 2], "n_features": 2**18, "lowercase": True},
    {"analyzer": "char_wb", "ngram_range": [3, 5], "n_features": 2**18, "lowercase": False},
)
TECHNIQUE_BLOCKS: tuple[dict[str, Any], ...] = (
    {"analyzer": "word", "ngram_range": [1, 2], "n_features": 2**13, "lowercase": True},
    {"analyzer": "char_wb", "ngram_range": [2, 4], "n_features": 2**13, "lowercase": False},
)
TOKEN_FEATURES = 2**18


def technique_input(span_text: str) -> str:
    """What the technique labeller reads: the span and a token for its length in words.

    Loaded language and name calling are a few words long, doubt or flag-waving a
    clause; the n-gram features alone lose that once normalised.

    >>> technique_input("corrupt elites")
    'corrupt elites __len2__'
    """
    return f"{span_text} __len{min(len(span_text.split()), 12)}__"
NUMERIC = ("in_quotes", "first_line", "sentence", "article", "previous", "next", "length")
LEXICON_SCORE = 0.5  # score of a lexicon-only span: as likely as not propaganda in itself


@dataclass(frozen=True)
class PropagandaSpan:
    """``[start, end)`` in the text, its score in [0, 1], technique and where it came from."""

    start: int
    end: int
    score: float
    technique: str
    source: str  # "model", "lexicon" or "model+lexicon"


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, token)``: words (with inner apostrophes) and single symbols.

    >>> [t for _, _, t in tokens("They’re “all” criminals!")]
    ['They’re', '“', 'all', '”', 'criminals', '!']
    """
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


def _shape(word: str) -> str:
    if len(word) > 1 and word.isupper():
        return "XX"
    if word[:1].isupper():
        return "Xx"
    if word.isdigit():
        return "d"
    return "x" if word.isalpha() else "p"


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def token_rows(text: str, sents: Sequence[tuple[int, int]], p_sent: np.ndarray
               ) -> tuple[list[tuple[int, int, str]], list[list[str]], np.ndarray]:
    """Tokens of ``text``, their string features and numeric features (see NUMERIC).

    ``sents`` are the sentence ranges that cover every token and ``p_sent`` the
    sentence model's probability for each.
    """
    toks = tokens(text)
    n = len(toks)
    if n == 0:
        return toks, [], np.zeros((0, len(NUMERIC)))
    ends = np.array([e for _, e in sents])
    sid = np.minimum(np.searchsorted(ends, np.array([s for s, _, _ in toks]), side="right"),
                     len(sents) - 1)
    logit = _logit(p_sent)
    article = float(_logit(np.mean(p_sent)))
    low = [t.lower() for _, _, t in toks]
    first_line_end = text.find("\n") if "\n" in text else len(text)
    rows: list[list[str]] = []
    numeric = np.zeros((n, len(NUMERIC)))
    quote = False
    for k, (start, _, word) in enumerate(toks):
        j = sid[k]
        if word == '"':
            quote = not quote
        elif word in "“”":
            quote = word == "“"
        lw = low[k]
        f = [f"w={lw}", f"sh={_shape(word)}", f"p3={lw[:3]}", f"p4={lw[:4]}",
             f"s2={lw[-2:]}", f"s3={lw[-3:]}", f"s4={lw[-4:]}", f"pb={int(p_sent[j] * 10)}"]
        for d in (-3, -2, -1, 1, 2, 3):
            i = k + d
            f.append(f"w{d}={low[i] if 0 <= i < n and sid[i] == j else '<>'}")
        if k > 0:
            f.append(f"b-={low[k - 1]}|{lw}")
        if k < n - 1:
            f.append(f"b+={lw}|{low[k + 1]}")
        rows.append(f)
        numeric[k] = (quote, start < first_line_end, logit[j], article,
                      logit[j - 1] if j > 0 else 0.0,
                      logit[j + 1] if j + 1 < len(logit) else 0.0, min(len(word), 15) / 15)
    return toks, rows, numeric


def token_matrix(rows: list[list[str]], numeric: np.ndarray) -> sparse.csr_matrix:
    from scipy import sparse

    # scikit-learn's FeatureHasher(TOKEN_FEATURES, input_type="string",
    # alternate_sign=False), without loading scikit-learn.
    hashed = hashed_counts(rows, TOKEN_FEATURES) if rows else sparse.csr_matrix((0, TOKEN_FEATURES))
    return sparse.hstack([hashed, sparse.csr_matrix(numeric)], format="csr")


def hysteresis(toks: Sequence[tuple[int, int, str]], p: np.ndarray, high: float, low: float,
               gap: int = 3, text: str | None = None) -> list[tuple[int, int, float]]:
    """Runs of tokens with ``p >= low`` that reach ``high``: ``(start, end, max p)``.

    Runs separated by at most ``gap`` characters are one span, unless a line break
    (in ``text``, when given) lies between them.

    >>> toks = [(0, 3, "big"), (4, 7, "bad"), (8, 11, "cat")]
    >>> hysteresis(toks, np.array([0.3, 0.8, 0.1]), high=0.5, low=0.2)
    [(0, 7, 0.8)]
    """
    out: list[tuple[int, int, float]] = []
    cur: list[Any] | None = None
    for (start, end, _), q in zip(toks, p, strict=True):
        if q >= low:
            if cur is not None and start - cur[1] <= gap and (
                    text is None or "\n" not in text[cur[1] : start]):
                cur[1] = end
                cur[2] = max(cur[2], float(q))
                continue
            if cur is not None and cur[2] >= high:
                out.append((cur[0], cur[1], round(cur[2], 4)))
            cur = [start, end, float(q)]
    if cur is not None and cur[2] >= high:
        out.append((cur[0], cur[1], round(cur[2], 4)))
    return out


def merge_spans(spans: Sequence[PropagandaSpan]) -> list[PropagandaSpan]:
    """Overlapping spans joined (the task's submissions may not overlap)."""
    out: list[PropagandaSpan] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and s.start < out[-1].end:
            last = out[-1]
            source = last.source if last.source == s.source else "model+lexicon"
            keep = last if last.score >= s.score else s
            out[-1] = PropagandaSpan(last.start, max(last.end, s.end), max(last.score, s.score),
                                     keep.technique, source)
        else:
            out.append(s)
    return out


class PropagandaTagger:
    """Text → propaganda spans (see the module docstring for the model)."""

    def __init__(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self.meta = meta
        self.sentence_hasher: TextHasher = hasher_from(arrays, meta, "sentence")
        self.sentence_coef = arrays["sentence.coef"]
        self.sentence_intercept = float(arrays["sentence.intercept"][0])
        self.token_coef = arrays["token.coef"]
        self.token_intercept = float(arrays["token.intercept"][0])
        self.high = float(meta["token"]["high"])
        self.low = float(meta["token"]["low"])
        self.technique_hasher: TextHasher = hasher_from(arrays, meta, "technique")
        self.technique_coef = arrays["technique.coef"]
        self.technique_intercept = arrays["technique.intercept"]
        self.techniques: list[str] = list(meta["technique"]["classes"])

    @classmethod
    def default(cls) -> PropagandaTagger:
        return _default()

    def sentence_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Probability that each sentence holds a propaganda span."""
        if not texts:
            return np.zeros(0)
        x = self.sentence_hasher.transform(list(texts))
        return sigmoid(x @ self.sentence_coef + self.sentence_intercept)

    def token_scores(self, text: str) -> tuple[list[tuple[int, int, str]], np.ndarray,
                                                list[tuple[int, int]], np.ndarray]:
        """Tokens and their probabilities, sentences and theirs."""
        sents = [(s.start, s.end) for s in sentences(text)]
        p_sent = self.sentence_scores([text[s:e] for s, e in sents])
        toks, rows, numeric = token_rows(text, sents, p_sent)
        if not toks:
            return toks, np.zeros(0), sents, p_sent
        z = token_matrix(rows, numeric) @ self.token_coef + self.token_intercept
        return toks, sigmoid(z), sents, p_sent

    def techniques_of(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Most likely technique of each span text, and its probability."""
        if not texts:
            return []
        z = self.technique_hasher.transform([technique_input(t) for t in texts])
        z = z @ self.technique_coef.T
        z = z + self.technique_intercept
        z = np.exp(z - z.max(axis=1, keepdims=True))
        p = z / z.sum(axis=1, keepdims=True)
        return [(self.techniques[int(k)], float(p[i, k])) for i, k in enumerate(p.argmax(1))]

    def tag(self, text: str, *, lexicon: bool = True
            ) -> tuple[list[PropagandaSpan], list[tuple[int, int]], np.ndarray]:
        """Spans (as :meth:`spans`), and the sentences with their propaganda scores."""
        toks, p, sents, p_sent = self.token_scores(text)
        found = hysteresis(toks, p, self.high, self.low, text=text) if len(toks) else []
        labels = self.techniques_of([text[s:e] for s, e, _ in found])
        out = [PropagandaSpan(s, e, q, label, "model")
               for (s, e, q), (label, _) in zip(found, labels, strict=True)]
        if lexicon:
            out += [PropagandaSpan(s, e, LEXICON_SCORE, k, "lexicon")
                    for s, e, k in lexicon_spans(text)]
        return merge_spans(out), sents, p_sent

    def spans(self, text: str, *, lexicon: bool = True) -> list[PropagandaSpan]:
        """Non-overlapping propaganda spans of ``text``, model and (optionally) lexicon."""
        return self.tag(text, lexicon=lexicon)[0]


@lru_cache(maxsize=1)
def _default() -> PropagandaTagger:
    return PropagandaTagger(*bundled("propaganda"))
