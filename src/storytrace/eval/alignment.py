"""`storytrace eval align`: run the aligner over a PAN text-alignment corpus and score it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from storytrace.align import Aligner
from storytrace.eval.pan import (
    Annotation,
    read_pairs,
    read_truth,
    score,
    score_by_obfuscation,
    write_detections,
)
from storytrace.ingest.decode import decode
from storytrace.text.doc import Doc


def detect(corpus: Path, aligner: Aligner, out_dir: Path | None = None,
           on_pair: Callable[[], None] | None = None) -> list[Annotation]:
    """Align every ``susp src`` pair of a PAN corpus; optionally write PAN XML detections."""
    detections: list[Annotation] = []
    cache: dict[Path, Doc] = {}  # a source document serves several pairs

    def text(path: Path) -> Doc:
        if path not in cache:
            cache[path] = Doc(decode(path.read_bytes()))
        return cache[path]

    for susp, src in read_pairs(corpus):
        found = [
            Annotation(susp, src, p.a_start, p.a_end - p.a_start, p.b_start, p.b_end - p.b_start)
            for p in aligner.align(text(corpus / "susp" / susp), text(corpus / "src" / src),
                                   repeats=False).passages
        ]
        detections += found
        if out_dir is not None:
            write_detections(out_dir, susp, src, found)
        if on_pair:
            on_pair()
    return detections


def evaluate(corpus: Path, aligner: Aligner, by_obfuscation: bool = False,
             out_dir: Path | None = None, on_pair: Callable[[], None] | None = None) -> dict:
    """PAN 2013 measures of the aligner on ``corpus`` (precision, recall, granularity, plagdet)."""
    corpus = Path(corpus)
    cases = read_truth(corpus)
    detections = detect(corpus, aligner, out_dir, on_pair)
    result = {"corpus": str(corpus), "pairs": len(read_pairs(corpus)),
              "semantic": aligner.uses_embeddings} | score(cases, detections).to_dict()
    if by_obfuscation:
        result["by_obfuscation"] = {k: v.to_dict()
                                    for k, v in score_by_obfuscation(cases, detections).items()}
    return result
