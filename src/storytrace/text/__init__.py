"""Text utilities that keep every result anchored to original offsets."""

from storytrace.text.normalize import NormalizedText, normalize
from storytrace.text.segment import sentences, words

__all__ = ["NormalizedText", "normalize", "sentences", "words"]
