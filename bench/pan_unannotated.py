"""How much of the aligner's PAN13 precision loss is text the two documents share word for word.

Run: .venv/bin/python bench/pan_unannotated.py [../shared/data/pan13-02-no-obfuscation]

The folder's truth was re-anchored after the corpus was ASCII-folded (see its README.txt):
each case was cut to the common text within 60 characters of the published offsets, and
cases with no common text there were dropped. Text the two documents share beyond those
bounds is therefore unannotated, and a verbatim aligner that reports it loses precision.

For every detection of the lexical aligner this script finds, inside the detected spans,
the runs of at least K consecutive words that are identical in both documents (lower-cased
words, ``difflib`` matching blocks). It prints the official PAN measures, then precision
and plagdet again with those identical runs counted as shared text, for several K. A run
of 12 identical words at matching places in a verbatim-reuse corpus is not a coincidence,
so the gap between the two precisions is a limit of the truth, not of the aligner.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storytrace.align import Aligner  # noqa: E402
from storytrace.eval.alignment import detect  # noqa: E402
from storytrace.eval.pan import Annotation, read_truth, score  # noqa: E402

WORD = re.compile(r"\w+")


def words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """(lower-cased word, start, end) for each word of ``text[start:end]``."""
    return [(m.group().lower(), m.start(), m.end())
            for m in WORD.finditer(text, start, end)]


def chars(intervals: list[tuple[int, int]], start: int, end: int) -> set[int]:
    """Character positions of ``intervals`` that fall in ``[start, end)``."""
    out: set[int] = set()
    for lo, hi in intervals:
        out.update(range(max(lo, start), min(hi, end)))
    return out


def identical_runs(susp: str, src: str, d: Annotation,
                   min_words: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character intervals, in each document, of word runs the detection's spans share."""
    ws = words(susp, d.this_offset, d.this_offset + d.this_length)
    wr = words(src, d.source_offset, d.source_offset + d.source_length)
    matcher = difflib.SequenceMatcher(None, [w[0] for w in ws], [w[0] for w in wr],
                                      autojunk=False)
    in_susp, in_src = [], []
    for block in matcher.get_matching_blocks():
        if block.size >= min_words:
            in_susp.append((ws[block.a][1], ws[block.a + block.size - 1][2]))
            in_src.append((wr[block.b][1], wr[block.b + block.size - 1][2]))
    return in_susp, in_src


def overlapping_cases(d: Annotation, cases: list[Annotation]) -> list[Annotation]:
    """Cases that overlap the detection in both documents (PAN's s ⊓ r is empty otherwise)."""
    def meets(a0: int, a1: int, b0: int, b1: int) -> bool:
        return a0 < b1 and b0 < a1
    return [c for c in cases
            if meets(c.this_offset, c.this_offset + c.this_length,
                     d.this_offset, d.this_offset + d.this_length)
            and meets(c.source_offset, c.source_offset + c.source_length,
                      d.source_offset, d.source_offset + d.source_length)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path,
                        default=ROOT.parent / "shared/data/pan13-02-no-obfuscation")
    args = parser.parse_args()

    cases = read_truth(args.corpus)
    detections = detect(args.corpus, Aligner(semantic=False))
    official = score(cases, detections)
    print(f"{len(cases)} cases, {len(detections)} detections (lexical aligner, defaults)")
    print(f"official: precision {official.precision:.4f}  recall {official.recall:.4f}  "
          f"plagdet {official.plagdet:.4f}")

    by_pair: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    for case in cases:
        by_pair[(case.susp, case.src)].append(case)
    texts: dict[Path, str] = {}

    def text(path: Path) -> str:
        if path not in texts:
            texts[path] = path.read_text(encoding="utf-8")
        return texts[path]

    outside = sum(1 for d in detections
                  if not overlapping_cases(d, by_pair[(d.susp, d.src)]))
    print(f"detections overlapping no case: {outside}")
    recall = official.recall
    for min_words in (8, 12, 20):
        precisions = []
        for d in detections:
            susp, src = text(args.corpus / "susp" / d.susp), text(args.corpus / "src" / d.src)
            truth = overlapping_cases(d, by_pair[(d.susp, d.src)])
            runs_susp, runs_src = identical_runs(susp, src, d, min_words)
            a0, a1 = d.this_offset, d.this_offset + d.this_length
            b0, b1 = d.source_offset, d.source_offset + d.source_length
            shared_a = chars([(c.this_offset, c.this_offset + c.this_length) for c in truth]
                             + runs_susp, a0, a1)
            shared_b = chars([(c.source_offset, c.source_offset + c.source_length)
                              for c in truth] + runs_src, b0, b1)
            precisions.append((len(shared_a) + len(shared_b)) / (d.this_length + d.source_length))
        precision = sum(precisions) / len(precisions)
        plagdet = 2 * precision * recall / (precision + recall)  # granularity is 1.0
        print(f"identical runs of >= {min_words:2d} words counted as shared: "
              f"precision {precision:.4f}  plagdet {plagdet:.4f}")


if __name__ == "__main__":
    main()
