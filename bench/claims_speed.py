"""CPU seconds of the claims step of a seed `compare` (benchmark, not a test).

Run: .venv/bin/python bench/claims_speed.py

For the lexical and the semantic model: the aligner runs once (it embeds the sentences when
semantic), then ``match_claims`` five times on the same two texts; the median CPU time
(``time.process_time``) of the claims step is printed. The claim scorer reads the
sentence embeddings the aligner computed (the encoder keeps the last lists it read); the
word states of the semantic model's word features (``diff.token_align``) are forgotten
before each run, so every run pays for the encoder pass that reads them.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from storytrace.align import Aligner
from storytrace.api import read_article
from storytrace.diff.claims import ClaimScorer, match_claims
from storytrace.diff.token_align import clear_states
from storytrace.text.doc import Doc

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "examples" / "seeds"


def main() -> None:
    a = read_article(SEEDS / "000_d761ffa0f73a1395.txt")
    b = read_article(SEEDS / "001_36f01ec5b307d8ad.txt")
    for semantic in (False, True):
        aligner = Aligner(semantic=semantic)
        start = time.process_time()
        passages = aligner.align(a, b).passages
        align = time.process_time() - start
        scorer = ClaimScorer(semantic=semantic)
        runs = []
        for _ in range(5):
            clear_states()
            start = time.process_time()
            match_claims(Doc.of(a.text), Doc.of(b.text), passages, scorer)
            runs.append(time.process_time() - start)
        words = "" if scorer.token is None else f" (word features: {scorer.token['states']})"
        print(f"{scorer.model}{words}: align {align:.3f} CPU-s (first call), claims median "
              f"{statistics.median(runs):.3f} CPU-s of {[round(r, 3) for r in runs]}")


if __name__ == "__main__":
    main()
