"""What the generated reuse set's "summarised" level loses: its gold cases against what was reused.

Run: .venv/bin/python bench/claims_reuse_why.py [--corpus build/reuse] [--semantic]

``make-bench reuse`` (``storytrace.eval.make_reuse``) writes a summarised case as the whole
run of 2-6 source sentences it drew (source side) and the summary it wrote (suspicious side):
about half the sentences kept, each cut to its first clause (up to the first comma), lightly
edited. So the gold's source side also holds the dropped sentences and the cut-off rest of
each kept one, which no statement of the summary restates. This script makes the set again
with the same seed, recording which sentences each summary kept (it checks that the texts
are the ones in ``--corpus``), and scores, on the summarised cases only, with the official
PAN measures:

* ``oracle: kept clauses``: one detection per kept sentence, exactly the reused characters
  (the summary sentence ↔ the source clause it was cut from);
* ``oracle: kept clauses joined``: the same joined into one detection per case;
* ``oracle: kept sentences joined``: one detection, the summary ↔ the source from the first
  kept sentence's start to the last one's end (what a perfect sentence-level matcher that
  joins its pairs would report);
* the tool's detections (as ``bench/claims_reuse.py``): passages, + claims, + claims joined;

and, for the tool's detections, the share of the gold's characters found on each side, so
the loss reads as "the suspicious side is found, the source side is not" or otherwise.
A benchmark, not part of the product.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from storytrace.eval import make_reuse
from storytrace.eval.pan import Annotation, read_truth, score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def kept_sentences(corpus: Path) -> dict[str, list[tuple[int, int]]]:
    """For each summarised case (by suspicious document), the source spans of the sentences
    its summary kept: the set is made again in a temporary folder with the recorded choices,
    and each suspicious text is checked against ``corpus``."""
    import tempfile

    from storytrace.ingest import read_sources
    from storytrace.model import Article

    texts = [r.text for r in read_sources([str(ROOT.parent / "shared" / "data" /
                                               "fakenewsnet-v1-2018")])
             if isinstance(r, Article)]
    kept: list[list[int]] = []
    original = make_reuse.obfuscate

    def recording(passage: list[str], level: str, rng: random.Random, vocab: list[str]) -> str:
        if level == "summarised":
            state = rng.getstate()
            kept.append(sorted(rng.sample(range(len(passage)), max(1, (len(passage) + 1) // 2))))
            rng.setstate(state)
        return original(passage, level, rng, vocab)

    chosen: list[list[tuple[int, int]]] = []
    spans_of = make_reuse._sentences

    def remember(text: str) -> list[tuple[int, int]]:
        found = spans_of(text)
        chosen.append(found)
        return found

    with tempfile.TemporaryDirectory() as tmp:
        make_reuse.obfuscate, make_reuse._sentences = recording, remember
        try:
            make_reuse.make_reuse_set(texts, Path(tmp))
        finally:
            make_reuse.obfuscate, make_reuse._sentences = original, spans_of
        for name in sorted(p.name for p in (Path(tmp) / "susp").iterdir()):
            if (Path(tmp) / "susp" / name).read_bytes() != (corpus / "susp" / name).read_bytes():
                raise SystemExit(f"{corpus}: {name} differs from the set made again: "
                                 "is it the default make-bench reuse set (seed 13)?")
    cases = sorted((c for c in read_truth(corpus) if c.obfuscation == "summarised"),
                   key=lambda c: c.susp)
    if len(cases) != len(kept):
        raise SystemExit(f"{len(cases)} summarised cases but {len(kept)} summaries recorded")
    out = {}
    for case, keep in zip(cases, kept, strict=True):
        src_text = (corpus / "src" / case.src).read_bytes().decode("utf-8")
        run = [s for s in spans_of(src_text)
               if case.source_offset <= s[0] and s[1] <= case.source_end]
        out[case.susp] = [run[i] for i in keep]
    return out


def oracles(corpus: Path, cases: list[Annotation],
            kept: dict[str, list[tuple[int, int]]]) -> dict[str, list[Annotation]]:
    """The three oracle detection sets (see the module's description)."""
    sets: dict[str, list[Annotation]] = {"oracle: kept clauses": [],
                                         "oracle: kept clauses joined": [],
                                         "oracle: kept sentences joined": []}
    for case in cases:
        src_text = (corpus / "src" / case.src).read_bytes().decode("utf-8")
        sentences = kept[case.susp]
        clauses = [(s, s + len(src_text[s:e].split(",")[0].rstrip("."))) for s, e in sentences]
        summary = (corpus / "susp" / case.susp).read_bytes().decode("utf-8")[
            case.this_offset:case.this_end]
        pieces = _summary_sentences(summary, len(clauses), case.this_offset)
        for (t0, t1), (s0, s1) in zip(pieces, clauses, strict=True):
            sets["oracle: kept clauses"].append(Annotation(case.susp, case.src, t0, t1 - t0,
                                                           s0, s1 - s0))
        for name, spans in (("oracle: kept clauses joined", clauses),
                            ("oracle: kept sentences joined", sentences)):
            sets[name].append(Annotation(case.susp, case.src, case.this_offset,
                                         case.this_length, spans[0][0],
                                         spans[-1][1] - spans[0][0]))
    return sets


def _summary_sentences(summary: str, n: int, offset: int) -> list[tuple[int, int]]:
    """The summary cut into its ``n`` sentences (each ends with ". ", as written), as
    offsets into the suspicious text; the last takes the rest when the cuts disagree."""
    cuts = [k + 1 for k in range(len(summary) - 1) if summary[k] == "." and
            summary[k + 1] == " "]
    cuts = cuts[: n - 1] if len(cuts) >= n - 1 else [len(summary) * (k + 1) // n
                                                     for k in range(n - 1)]
    bounds = [0, *cuts, len(summary)]
    return [(offset + bounds[k], offset + bounds[k + 1]) for k in range(n)]


def sides(cases: list[Annotation], found: list[Annotation]) -> tuple[float, float, int]:
    """Mean share of each case's suspicious and source characters the detections cover,
    and how many cases any detection overlaps."""
    this = source = 0.0
    touched = 0
    for case in cases:
        hits = [d for d in found if d.susp == case.susp and d.this_offset < case.this_end
                and case.this_offset < d.this_end]
        touched += bool(hits)
        this += _covered([(d.this_offset, d.this_end) for d in hits],
                         case.this_offset, case.this_end) / case.this_length
        source += _covered([(d.source_offset, d.source_end) for d in hits],
                           case.source_offset, case.source_end) / case.source_length
    return this / len(cases), source / len(cases), touched


def _covered(spans: list[tuple[int, int]], lo: int, hi: int) -> int:
    marks = bytearray(hi - lo)
    for s, e in spans:
        for k in range(max(s, lo), min(e, hi)):
            marks[k - lo] = 1
    return sum(marks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "build" / "reuse")
    parser.add_argument("--semantic", action="store_true")
    parser.add_argument("--oracles-only", action="store_true",
                        help="skip the tool's detections")
    args = parser.parse_args()
    start = time.process_time()
    cases = [c for c in read_truth(args.corpus) if c.obfuscation == "summarised"]
    kept = kept_sentences(args.corpus)
    sets = oracles(args.corpus, cases, kept)
    if not args.oracles_only:
        from claims_reuse import detections
        from storytrace.align import Aligner
        from storytrace.diff.claims import ClaimScorer

        wanted = {(c.susp, c.src) for c in cases}
        found = detections(args.corpus, Aligner(semantic=args.semantic),
                           ClaimScorer(semantic=args.semantic), wanted)
        sets.update({f"tool: {k}": v for k, v in found.items()})
    kept_chars = sum(e - s for c in cases for s, e in kept[c.susp])
    print(f"{len(cases)} summarised cases; the kept source sentences are "
          f"{kept_chars / sum(c.source_length for c in cases):.1%} of the gold's source "
          f"characters ({time.process_time() - start:.0f} CPU-s)")
    print(f"{'detections':<34}{'plagdet':>9}{'recall':>8}{'prec':>7}{'gran':>6}"
          f"{'susp side':>11}{'src side':>10}{'cases hit':>11}")
    for name, found in sets.items():
        s = score(cases, found)
        this, source, touched = sides(cases, found)
        print(f"{name:<34}{s.plagdet:>9.4f}{s.recall:>8.4f}{s.precision:>7.4f}"
              f"{s.granularity:>6.2f}{this:>11.1%}{source:>10.1%}{touched:>11}")


if __name__ == "__main__":
    main()
