"""Corrupt readings: where two versions word a place differently, which reading is garbled.

Textual critics call the words one version has at a place its *reading*. A copyist
who drops a word, swaps two, or lets a stray word in leaves a reading that reads
worse than the one copied, and the slip is passed on to the copy's own copies. So
at each place where two versions differ by a word left out or let in, or by words
in another order, the reading that is much less likely English is probably the
copy's. A word replaced by another is how writers reword on purpose, so such places
are not judged.

"Reads worse" is judged by a word bigram model (:class:`WordModel`) counted from
about 2 million words of public English news text (``bench/train_word_model.py``
lists the sets and builds it). A reading is surprising when it puts together two
words that are common on their own but were never seen side by side ("the for",
"said the indeed"): the expected count of that pair, were the words independent, is
the reading's surprise in nats (the log-probability of never seeing it). Rare but
good wording ("the coming year") is hardly surprising, because rare words are
expected together rarely. A place, with one word of context on each side, votes
for the side whose reading is at least :data:`MARGIN` less surprising.

Known limits: a doubled rare word, or a swap of two rare words, goes unnoticed; a
word added or dropped on purpose between two words seldom paired counts as a slip.
On human rewrites the votes are noise: 3.4% of the 5,000 PAN-PC-10 paraphrase pairs
get one, split evenly between the two sides (``bench/readings_votes.py``).

Words and sentences are the text's :class:`~storytrace.text.doc.Doc` (the shared
:data:`storytrace.text.words.WORD`, normalised and lower-cased, so "U.S" and
"re-entered" are one word each and "it’s" reads "it's"; sentences end where every
component's do, not after "Mr." or "U.S."), with spans into the text as given; the
bundled counts were made with the same words.

>>> model = WordModel.default()
>>> a = "The mayor said the bridge will close for repairs in May."
>>> b = "The mayor the said the bridge will close for the repairs in May."
>>> v = compare_readings(a, b, model)
>>> v.worse_in_a, v.worse_in_b, [(b[slice(*p.b)], round(p.nats)) for p in v.examples]
(0, 1, [('the', 12)])
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np
import xxhash
from rapidfuzz.distance import Levenshtein

from storytrace.text.doc import Doc

__all__ = ["MARGIN", "Place", "Readings", "WordModel", "compare_readings", "tokens"]

MARGIN = 1.0  # surprise (nats) by which one reading must exceed the other to vote
MAX_WORDS = 4  # longer differences are added or dropped text, not a reading
_START, _END = "<s>", "</s>"
_DATA = "word_bigrams.npz"


def _key(text: str) -> int:
    return xxhash.xxh64_intdigest(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class WordModel:
    """Word unigram and bigram counts (hashed, lower-cased), with sentence boundaries.

    A reading is judged by the word pairs it has that the model never saw although
    both words are common (:meth:`surprise`).
    """

    unigrams: dict[int, int]
    bigrams: dict[int, int]
    total: int

    @classmethod
    def from_texts(cls, texts, min_bigram: int = 2) -> WordModel:
        """Count a model from plain texts; bigrams seen fewer than ``min_bigram`` times
        are dropped (they are mostly names and typos, and would bloat the file)."""
        uni: dict[int, int] = {}
        bi: dict[int, int] = {}
        for text in texts:
            words = [w for w, _ in tokens(text)]
            for k, w in enumerate(words):
                uni[_key(w)] = uni.get(_key(w), 0) + 1
                if k:
                    pair = _key(words[k - 1] + " " + w)
                    bi[pair] = bi.get(pair, 0) + 1
        bi = {k: v for k, v in bi.items() if v >= min_bigram}
        return cls(uni, bi, sum(uni.values()))

    def save(self, path: Path, meta: str = "") -> None:
        ukeys = np.fromiter(self.unigrams, dtype=np.uint64, count=len(self.unigrams))
        bkeys = np.fromiter(self.bigrams, dtype=np.uint64, count=len(self.bigrams))
        np.savez_compressed(
            path, unigram_keys=ukeys,
            unigram_counts=np.fromiter(self.unigrams.values(), dtype=np.uint32),
            bigram_keys=bkeys,
            bigram_counts=np.fromiter(self.bigrams.values(), dtype=np.uint32),
            meta=np.array(meta))

    @classmethod
    def load(cls, path) -> WordModel:
        with np.load(path) as z:
            uni = dict(zip(z["unigram_keys"].tolist(), z["unigram_counts"].tolist(),
                           strict=True))
            bi = dict(zip(z["bigram_keys"].tolist(), z["bigram_counts"].tolist(), strict=True))
        return cls(uni, bi, sum(uni.values()))

    @staticmethod
    @lru_cache(maxsize=1)
    def default() -> WordModel:
        """The model shipped with the package (``data/word_bigrams.npz``)."""
        with resources.as_file(resources.files("storytrace") / "data" / _DATA) as path:
            return WordModel.load(path)

    def surprise(self, a: str, b: str) -> float:
        """How surprising it is never to have seen ``b`` after ``a``: the number of times
        the pair would be expected if the words were independent (``count(a) × count(b)
        / total``; the log-probability of seeing it 0 times is minus that), or 0 when
        the pair was seen. Two common words never seen together ("the the", "approve
        to") surprise a lot; a rare but good phrase ("the coming year") hardly."""
        if self.bigrams.get(_key(a + " " + b)):
            return 0.0
        return self.unigrams.get(_key(a), 0) * self.unigrams.get(_key(b), 0) / self.total

    def score(self, words: list[str]) -> float:
        """The summed surprise of a run of words (0 when every pair of them was seen)."""
        return sum(self.surprise(x, y) for x, y in pairwise(words))


def tokens(text: str) -> list[tuple[str, tuple[int, int]]]:
    """The words of ``text``'s :class:`~storytrace.text.doc.Doc` (normalised, lower-cased)
    with their character spans, and sentence boundary marks (``</s>``, ``<s>``, spanning
    from the sentence's last word to the next one's first) so a reading at a sentence's
    edge is judged as one."""
    doc = Doc.of(text)
    out: list[tuple[str, tuple[int, int]]] = [(_START, (0, 0))]
    for n, (first, end) in enumerate(doc.sentence_tokens):
        if n:
            brk = (doc.ends[first - 1], doc.starts[first])
            out += [(_END, brk), (_START, brk)]
        out += [(doc.words[k], (doc.starts[k], doc.ends[k])) for k in range(first, end)]
    out.append((_END, (len(text), len(text))))
    return out


@dataclass(frozen=True)
class Place:
    """A place where the versions read differently: ``a`` and ``b`` are the character
    spans of the two readings (empty where one side has nothing), ``worse`` the side
    whose reading is garbled (``"a"``, ``"b"``) and ``nats`` by how much more surprising
    it is. ``a_context`` and ``b_context`` add the word before and after, for showing."""

    a: tuple[int, int]
    b: tuple[int, int]
    worse: str
    nats: float
    a_context: tuple[int, int] = (0, 0)
    b_context: tuple[int, int] = (0, 0)

    def to_dict(self) -> dict:
        return {"a": list(self.a), "b": list(self.b), "worse": self.worse,
                "nats": round(self.nats, 2), "a_context": list(self.a_context),
                "b_context": list(self.b_context)}


@dataclass(frozen=True)
class Readings:
    """How many garbled readings each side has that the other reads well."""

    worse_in_a: int
    worse_in_b: int
    examples: tuple[Place, ...]  # the clearest few, most garbled first


def _span(toks, i: int, j: int) -> tuple[int, int]:
    """Character span of tokens ``i..j-1``, or an empty span where token ``i`` starts."""
    if i >= j:
        at = toks[i][1][0] if i < len(toks) else toks[-1][1][1]
        return (at, at)
    return (toks[i][1][0], toks[j - 1][1][1])


def _context(toks, i: int, j: int) -> tuple[int, int]:
    """Character span from the word before tokens ``i..j-1`` to the word after (a
    sentence mark stands for the edge of its sentence)."""
    before, after = toks[i - 1], toks[j]
    start = before[1][1] if before[0] in (_START, _END) else before[1][0]
    end = after[1][0] if after[0] in (_START, _END) else after[1][1]
    return (start, max(start, end))


def _differences(wa: list[str], wb: list[str]):
    """Token ranges ``(i, j, k, m)``: ``wa[i:j]`` and ``wb[k:m]`` differ between two
    stretches the versions share. Edits one shared word apart are one place: a swap
    of two words is a deletion and an insertion around the word that stayed."""
    run = None
    for op in Levenshtein.opcodes(wa, wb):
        if op.tag == "equal":
            if run and op.src_end - op.src_start > 1:
                yield tuple(run)
                run = None
        elif run is None:
            run = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            run[1], run[3] = op.src_end, op.dest_end
    if run:
        yield tuple(run)


def _slip_shaped(x: list[str], y: list[str]) -> bool:
    """A difference a copyist makes by accident: a word left out or let in, or words
    put in another order. A word replaced by another is how writers reword on purpose,
    so replacements are not judged."""
    return ((not x or not y) and len(x) + len(y) == 1) or sorted(x) == sorted(y)


def compare_readings(a: str, b: str, model: WordModel | None = None,
                     margin: float = MARGIN, keep: int = 3) -> Readings:
    """Count the places where ``a`` or ``b`` reads clearly worse than the other."""
    model = model or WordModel.default()
    ta, tb = tokens(a), tokens(b)
    wa, wb = [w for w, _ in ta], [w for w, _ in tb]
    worse = {"a": 0, "b": 0}
    places = []
    for i, j, k, m in _differences(wa, wb):
        if max(j - i, m - k) > MAX_WORDS or i == 0 or k == 0 or j >= len(wa) or m >= len(wb):
            continue
        if not _slip_shaped(wa[i:j], wb[k:m]):
            continue
        diff = model.score(wb[k - 1 : m + 1]) - model.score(wa[i - 1 : j + 1])
        if abs(diff) < margin:
            continue
        side = "b" if diff > 0 else "a"
        worse[side] += 1
        places.append(Place(_span(ta, i, j), _span(tb, k, m), side, abs(diff),
                            _context(ta, i, j), _context(tb, k, m)))
    places.sort(key=lambda p: -p.nats)
    return Readings(worse["a"], worse["b"], tuple(places[:keep]))
