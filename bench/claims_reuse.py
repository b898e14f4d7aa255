"""Do claims help passage alignment? PAN plagdet of the generated reuse set with and without them.

Run: .venv/bin/python bench/claims_reuse.py [--corpus build/reuse] [--semantic]

For each pair of the set (``storytrace make-bench reuse --out build/reuse``; made here if
missing) three detection sets are scored with the official PAN measures, by level:

* ``passages``: the aligner's passages (what ``eval align`` scores);
* ``+claims``: plus every claim pair (sentence ↔ sentence) no passage already covers;
* ``+claims merged``: the same, then detections that follow each other in both texts
  (within 2 sentences' worth of characters in the suspicious text and 1,500 in the
  source) joined into one, as a summary drops sentences between the ones it keeps.

A benchmark, not part of the product: it tells whether feeding claims to the aligner
would pay. Lexical by default (the semantic claim scorer needs the sentence model).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from storytrace.align import Aligner
from storytrace.diff.claims import ClaimScorer, match_claims
from storytrace.eval.pan import Annotation, read_pairs, read_truth, score_by_obfuscation
from storytrace.ingest.decode import decode
from storytrace.text.doc import Doc

ROOT = Path(__file__).resolve().parents[1]
SUSP_GAP, SRC_GAP = 300, 1500


def merged(found: list[Annotation]) -> list[Annotation]:
    """Detections of one pair joined when in order and close in both texts."""
    out: list[Annotation] = []
    for d in sorted(found, key=lambda d: (d.this_offset, d.source_offset)):
        if out:
            p = out[-1]
            p_end, p_src_end = p.this_offset + p.this_length, p.source_offset + p.source_length
            if (0 <= d.this_offset - p_end <= SUSP_GAP or d.this_offset < p_end) and \
                    -SRC_GAP <= d.source_offset - p_src_end <= SRC_GAP:
                end = max(p_end, d.this_offset + d.this_length)
                s0 = min(p.source_offset, d.source_offset)
                s1 = max(p_src_end, d.source_offset + d.source_length)
                out[-1] = Annotation(p.susp, p.src, p.this_offset, end - p.this_offset, s0,
                                     s1 - s0)
                continue
        out.append(d)
    return out


def detections(corpus: Path, aligner: Aligner, scorer: ClaimScorer,
               only: set[tuple[str, str]] | None = None) -> dict[str, list[Annotation]]:
    """The three detection sets of every pair of the set (those in ``only`` if given)."""
    sets: dict[str, list[Annotation]] = {"passages": [], "+claims": [], "+claims merged": []}
    for susp, src in read_pairs(corpus):
        if only is not None and (susp, src) not in only:
            continue
        a = Doc(decode((corpus / "susp" / susp).read_bytes()))
        b = Doc(decode((corpus / "src" / src).read_bytes()))
        passages = aligner.align(a, b, repeats=False).passages
        found = [Annotation(susp, src, p.a_start, p.a_end - p.a_start, p.b_start,
                            p.b_end - p.b_start) for p in passages]
        extra = [Annotation(susp, src, c.a_start, c.a_end - c.a_start, c.b_start,
                            c.b_end - c.b_start)
                 for c in match_claims(a, b, passages, scorer).claims
                 if not any(p.a_start < c.a_end and c.a_start < p.a_end for p in passages)]
        sets["passages"] += found
        sets["+claims"] += found + extra
        sets["+claims merged"] += merged(found + extra)
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "build" / "reuse")
    parser.add_argument("--semantic", action="store_true")
    args = parser.parse_args()
    if not (args.corpus / "pairs").is_file():
        from storytrace.eval.make_reuse import make_reuse_set
        from storytrace.ingest import read_sources
        from storytrace.model import Article

        texts = [r.text for r in read_sources([str(ROOT.parent / "shared" / "data" /
                                                   "fakenewsnet-v1-2018")])
                 if isinstance(r, Article)]
        make_reuse_set(texts, args.corpus)
    start = time.process_time()
    aligner = Aligner(semantic=args.semantic)
    scorer = ClaimScorer(semantic=args.semantic)
    cases = read_truth(args.corpus)
    sets = detections(args.corpus, aligner, scorer)
    print(f"{scorer.model} claims, {time.process_time() - start:.0f} CPU-s")
    levels = sorted(score_by_obfuscation(cases, sets["passages"]))
    print(f"{'level':<14}" + "".join(f"{k:>16}" for k in sets))
    for level in levels:
        row = [score_by_obfuscation(cases, d)[level].plagdet for d in sets.values()]
        print(f"{level:<14}" + "".join(f"{x:>16.4f}" for x in row))


if __name__ == "__main__":
    main()
