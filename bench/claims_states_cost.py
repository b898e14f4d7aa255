"""What reading word states again costs the claims step in a batch (the generated reuse set).

Run: .venv/bin/python bench/claims_states_cost.py [--kept N] [--corpus build/reuse]

The semantic claim model's word features need each sentence's last-layer word states.
``diff.token_align.states_of`` keeps those of the last ``KEPT`` sentences (2,048), and the
sentence encoder (``align.semantic.SentenceEncoder``) keeps the word pieces of the last
``pieces_size`` sentences it embedded (512) while it keeps their embeddings far longer
(``memo_size``, 20,000): a sentence whose states neither keeps any more is read by the
model again, though its embedding is still known. This runs ``bench/claims_reuse.py``'s
detections (aligner + claims, every pair of the set) in one process and prints its CPU
seconds, peak memory and how many sentences the encoder read, with ``--kept N`` setting
``token_align.KEPT`` (``0``: the default; a number above the set's sentences: never read
twice, what keeping the states as long as the embeddings would give). Run it once per
setting, each in its own process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "build" / "reuse")
    parser.add_argument("--kept", type=int, default=0,
                        help="token_align.KEPT for this run (0: the default)")
    args = parser.parse_args()
    from claims_reuse import detections
    from storytrace.align import Aligner
    from storytrace.diff import token_align
    from storytrace.diff.claims import ClaimScorer

    if args.kept:
        token_align.KEPT = args.kept
    start = time.process_time()
    aligner, scorer = Aligner(semantic=True), ClaimScorer(semantic=True)
    found = detections(args.corpus, aligner, scorer)
    cpu = time.process_time() - start
    encoder = scorer.encoder
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"KEPT {token_align.KEPT}: {cpu:.1f} CPU-s, peak RSS {peak:.0f} MB; the encoder "
          f"read {encoder.embedded} sentences in {encoder.calls} calls; "
          f"{len(token_align._KEPT)} sentences' states kept at the end; "
          f"{sum(len(v) for v in found.values())} detections")


if __name__ == "__main__":
    main()
