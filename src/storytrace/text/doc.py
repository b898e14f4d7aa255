"""`Doc`: one text analysed once, shared by every component that reads it.

As in spaCy, a text is analysed into a :class:`Doc` once, and every component (the
aligner, the facts diff, attribution, direction, framing) reads its words and sentences
from it instead of splitting the text again. Each analysis is computed on first use
and kept. Everything a ``Doc`` reports is an offset into ``Doc.text``, the text exactly
as given: ``doc.text[s.start:s.end]`` is what span ``s`` covers.

One definition of each thing lives here and in :mod:`storytrace.text.words`:

- a **word** is :data:`~storytrace.text.words.WORD` matched on the normalised text
  (letters and digits, keeping inner apostrophes, dots and hyphens: "it's", "U.S.",
  "re-entered"), lower-cased;
- a **sentence** is :func:`storytrace.text.segment.sentences`;
- a **name** is a run of capitalised words that does not start its sentence, or that
  is followed by another capitalised word ("Mr. Smith", "New York Daily News");
- a **number** is a word with a digit in it.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from storytrace.model import Span
from storytrace.text.normalize import NormalizedText, in_place, normalize
from storytrace.text.segment import sentences as split_sentences
from storytrace.text.words import STOPWORDS, WORD, plain_word, stem

if TYPE_CHECKING:
    from storytrace.model import Article


class Doc:
    """A text with its words, sentences, names and numbers, each computed once.

    ``words``, ``stems``, ``starts`` and ``ends`` are parallel tuples, one entry per
    word: its lower-cased normalised form, its stem, and its original character span.
    ``sentence_tokens`` holds one ``(first word, end word)`` range per sentence that has
    words; ``sentences`` the sentences as :class:`~storytrace.model.Span` s.

    >>> doc = Doc("Mr. Smith’s firm paid $5,000. He left the U.S. on March 2.")
    >>> doc.words[:4]
    ('mr', "smith's", 'firm', 'paid')
    >>> [s.of(doc.text) for s in doc.sentences]
    ['Mr. Smith’s firm paid $5,000.', 'He left the U.S. on March 2.']
    >>> [s.of(doc.text) for s in doc.names], [s.of(doc.text) for s in doc.numbers]
    (['Mr. Smith’s', 'U.S', 'March'], ['5,000', '2'])
    >>> doc.char_span(*doc.sentence_tokens[1])
    (30, 57)
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @classmethod
    def of(cls, x: Doc | Article | str) -> Doc:
        """``x`` as a ``Doc``, shared: the components that read one text in turn (the
        aligner, the facts diff, direction, framing) get one ``Doc`` of it, analysed once.

        A ``Doc`` is returned as it is; for a text or an article's text, the ``Doc`` of
        that text made for the last few texts asked for is reused.

        >>> Doc.of("Same text.") is Doc.of("Same text.")
        True
        """
        if isinstance(x, Doc):
            return x
        return _shared(x if isinstance(x, str) else x.text)

    def __len__(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        head = self.text[:40] + ("…" if len(self.text) > 40 else "")
        return f"Doc({head!r}, {len(self.text)} chars)"

    # -- words -------------------------------------------------------------
    @cached_property
    def normalized(self) -> NormalizedText:
        """The lower-cased normalised text, with its map back to ``text``."""
        return normalize(self.text, lower=True)

    @cached_property
    def _word_table(self) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
        folded = in_place(self.text, lower=True)
        if folded is not None:  # the same words, found without the offset map
            spans = [m.span() for m in WORD.finditer(folded)]
            if not spans:
                return (), (), ()
            starts, ends = zip(*spans, strict=True)
            return tuple(folded[s:e] for s, e in spans), starts, ends
        norm = self.normalized
        words, starts, ends = [], [], []
        for m in WORD.finditer(norm.text):
            s, e = norm.to_original(m.start(), m.end())
            words.append(m.group())
            starts.append(s)
            ends.append(e)
        return tuple(words), tuple(starts), tuple(ends)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """Every word, lower-cased and normalised ("it’s" reads "it's")."""
        return self._word_table[0]

    @cached_property
    def starts(self) -> tuple[int, ...]:
        """Where each word starts in ``text``."""
        return self._word_table[1]

    @cached_property
    def ends(self) -> tuple[int, ...]:
        """Where each word ends in ``text``."""
        return self._word_table[2]

    @cached_property
    def stems(self) -> tuple[str, ...]:
        """Each word without inner punctuation, stemmed: "re-entered" and "reentered",
        "U.S." and "US" read the same."""
        return tuple(map(_stem_of, self.words))

    @cached_property
    def tokens(self) -> tuple[Span, ...]:
        """Each word as a span of ``text``."""
        return tuple(Span(s, e) for s, e in zip(self.starts, self.ends, strict=True))

    def char_span(self, first: int, end: int) -> tuple[int, int]:
        """Original character span covering words ``first .. end-1``."""
        return self.starts[first], self.ends[end - 1]

    def is_content(self, i: int) -> bool:
        """Whether word ``i`` is not a stop word."""
        return self.words[i] not in STOPWORDS

    # -- sentences -----------------------------------------------------------
    @cached_property
    def _sentence_table(self) -> tuple[tuple[Span, ...], tuple[tuple[int, int], ...],
                                       tuple[tuple[int, int], ...]]:
        spans, ranges, chars = [], [], []
        starts, i = self.starts, 0
        for span in split_sentences(self.text):
            spans.append(span)
            first = i
            i = bisect_left(starts, span.end, i)  # past the words starting before its end
            if i > first:
                ranges.append((first, i))
                chars.append((min(span.start, starts[first]), span.end))
        if i < len(starts):  # words after the last sentence span (should not happen)
            ranges.append((i, len(starts)))
            chars.append(self.char_span(i, len(starts)))
        return tuple(spans), tuple(ranges), tuple(chars)

    @property
    def sentences(self) -> tuple[Span, ...]:
        """Every sentence, trimmed of surrounding whitespace."""
        return self._sentence_table[0]

    @property
    def sentence_tokens(self) -> tuple[tuple[int, int], ...]:
        """``(first word, end word)`` of each sentence that has words."""
        return self._sentence_table[1]

    @property
    def sentence_spans(self) -> tuple[tuple[int, int], ...]:
        """Character span of each sentence that has words, one per ``sentence_tokens``
        (a sentence is widened to its first word, should it start before the sentence)."""
        return self._sentence_table[2]

    def sentence_texts(self) -> list[str]:
        """The original text of each sentence that has words (one per ``sentence_tokens``)."""
        return [self.text[slice(*self.char_span(first, end))]
                for first, end in self.sentence_tokens]

    def sentence_of(self) -> list[int]:
        """For every word, the index of its sentence in ``sentence_tokens``."""
        out = [0] * len(self.words)
        for s, (first, end) in enumerate(self.sentence_tokens):
            for i in range(first, end):
                out[i] = s
        return out

    # -- names and numbers ---------------------------------------------------
    @cached_property
    def names(self) -> tuple[Span, ...]:
        """Runs of capitalised words, without leading stop words ("The"), except a lone
        capitalised word opening a sentence."""
        openers = {first for first, _ in self.sentence_tokens}
        out: list[Span] = []
        text, n = self.text, len(self.words)
        capital = [text[s].isupper() for s in self.starts]
        end = 0
        for i in (k for k, c in enumerate(capital) if c):  # each capitalised word in turn
            if i < end:
                continue  # inside the name just found
            j = i + 1  # a name never runs into the next sentence ("Merkel. Both")
            while (j < n and j not in openers and capital[j]
                   and self._adjacent(j - 1, j)):
                j += 1
            end = j
            while i < j and self.words[i] in STOPWORDS:  # "The", "In": not a name's
                i += 1
            if i < j and (j - i > 1 or i not in openers):
                out.append(Span(self.starts[i], self.ends[j - 1]))
        return tuple(out)

    @cached_property
    def numbers(self) -> tuple[Span, ...]:
        """Words with a digit in them ("5,000" is one number: "5", "000" joined by a comma)."""
        out: list[Span] = []
        for k, w in enumerate(self.words):
            if not any(c.isdigit() for c in w):
                continue
            s, e = self.starts[k], self.ends[k]
            if out and self.text[out[-1].end:s] == "," and len(w) == 3 and w.isdigit():
                out[-1] = Span(out[-1].start, e)
            else:
                out.append(Span(s, e))
        return tuple(out)

    def _adjacent(self, i: int, j: int) -> bool:
        between = self.text[self.ends[i]:self.starts[j]]
        return between in (" ", ". ") or (between.isspace() and "\n" not in between)


@lru_cache(maxsize=32)
def _shared(text: str) -> Doc:
    return Doc(text)


@lru_cache(maxsize=1 << 16)
def _stem_of(word: str) -> str:
    """``stem(plain_word(word))``, remembered: news repeats its words (Zipf), so most
    words of a text were stemmed before."""
    return stem(plain_word(word))
