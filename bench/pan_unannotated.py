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
from storytrace.eval.pan import (  # noqa: E402
    Annotation,
    _overlaps,
    _union_length,
    plagdet_score,
    read_truth,
    score,
)
from storytrace.ingest.decode import decode  # noqa: E402

WORD = re.compile(r"\w+")


def words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """(lower-cased word, start, end) for each word of ``text[start:end]``."""
    return [(m.group().lower(), m.start(), m.end())
            for m in WORD.finditer(text, start, end)]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path,
                        default=ROOT.parent / "shared/data/pan13-02-no-obfuscation")
    args = parser.parse_args()
    if not (args.corpus / "pairs").is_file():
        parser.error(f"{args.corpus}: not a PAN folder (no 'pairs' file)")

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
            texts[path] = decode(path.read_bytes())  # as detect() reads it
        return texts[path]

    def truth(d: Annotation) -> list[Annotation]:
        # Official is_overlapping: PAN's s ⊓ r is empty for the other cases.
        return [c for c in by_pair[(d.susp, d.src)] if _overlaps(c, d)]

    outside = sum(1 for d in detections if not truth(d))
    print(f"detections overlapping no case: {outside}")
    if not detections:
        return
    for min_words in (8, 12, 20):
        precisions = []
        for d in detections:
            susp, src = text(args.corpus / "susp" / d.susp), text(args.corpus / "src" / d.src)
            hits = truth(d)
            runs_susp, runs_src = identical_runs(susp, src, d, min_words)
            shared_a = _union_length(
                [(c.this_offset, c.this_offset + c.this_length) for c in hits] + runs_susp,
                d.this_offset, d.this_offset + d.this_length)
            shared_b = _union_length(
                [(c.source_offset, c.source_offset + c.source_length) for c in hits] + runs_src,
                d.source_offset, d.source_offset + d.source_length)
            precisions.append((shared_a + shared_b) / (d.this_length + d.source_length))
        precision = sum(precisions) / len(precisions)
        plagdet = plagdet_score(official.recall, precision, official.granularity)
        print(f"identical runs of >= {min_words:2d} words counted as shared: "
              f"precision {precision:.4f}  plagdet {plagdet:.4f}")


if __name__ == "__main__":
    main()
