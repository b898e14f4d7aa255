"""A text prepared for alignment: normalised words with original offsets and sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.text.normalize import normalize
from storytrace.text.segment import sentences
from storytrace.text.words import STOPWORDS, stem

_WORD = re.compile(r"\w+(?:['.-]\w+)*")


@dataclass(frozen=True)
class TokenizedText:
    """Words of a text (lower-cased, normalised) with their original character spans.

    ``sentences`` holds ``(first_token, end_token)`` index ranges, one per sentence.
    """

    text: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    sentences: tuple[tuple[int, int], ...]

    def __len__(self) -> int:
        return len(self.words)

    def char_span(self, first: int, end: int) -> tuple[int, int]:
        """Original character span covering tokens ``first .. end-1``."""
        return self.starts[first], self.ends[end - 1]

    def is_content(self, i: int) -> bool:
        return self.words[i] not in STOPWORDS

    def sentence_texts(self) -> list[str]:
        """The original text of every sentence."""
        return [self.text[slice(*self.char_span(first, end))] for first, end in self.sentences]

    def sentence_of(self) -> list[int]:
        """For every token, the index of its sentence."""
        out = [0] * len(self.words)
        for s, (first, end) in enumerate(self.sentences):
            for i in range(first, end):
                out[i] = s
        return out


def tokenize(text: str) -> TokenizedText:
    """Tokenise ``text`` for alignment.

    >>> t = tokenize("It’s  here. Two words")
    >>> t.words, t.char_span(0, 2), t.sentences
    (("it's", 'here', 'two', 'words'), (0, 10), ((0, 2), (2, 4)))
    """
    norm = normalize(text, lower=True)
    words, starts, ends = [], [], []
    for m in _WORD.finditer(norm.text):
        s, e = norm.to_original(m.start(), m.end())
        words.append(m.group())
        starts.append(s)
        ends.append(e)
    sent_ranges = []
    i = 0
    for span in sentences(text):
        first = i
        while i < len(starts) and starts[i] < span.end:
            i += 1
        if i > first:
            sent_ranges.append((first, i))
    if i < len(starts):  # words after the last sentence span (should not happen)
        sent_ranges.append((i, len(starts)))
    # "re-entered" and "reentered", "U.S." and "US" should match.
    stems = tuple(stem(w.replace("-", "").replace(".", "").replace("'", "")) for w in words)
    return TokenizedText(text, tuple(words), stems, tuple(starts),
                         tuple(ends), tuple(sent_ranges))
