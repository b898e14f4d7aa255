"""Passage alignment: what one text reuses from another, with exact offsets."""

from storytrace.align.aligner import Aligner, Alignment, Repeat
from storytrace.align.passages import KINDS, Passage

__all__ = ["KINDS", "Aligner", "Alignment", "Passage", "Repeat"]
