"""Alignment speed: one `compare` of two ~1,000-word articles, and batch pairs per second.

Run: .venv/bin/python bench/align_speed.py [--pairs 300] [--semantic]
Articles are real FakeNewsNet texts (../shared) extended to ~1,000 words, each
paired with a lightly edited copy of part of another so the aligner has work to do.
Times are wall (perf_counter) and CPU (process_time, user+sys of this process); the
batch is timed from raw text (tokenising included) and from pre-tokenised texts. With
``--semantic`` the encoder forgets what it embedded before each timed part, so no part
reads another's embeddings.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time
from pathlib import Path

from storytrace.align import Aligner
from storytrace.eval.make_reuse import obfuscate
from storytrace.ingest import read_sources
from storytrace.model import Article
from storytrace.text.doc import Doc

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "fakenewsnet-v1-2018"


def make_pairs(n: int, seed: int = 1) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    texts = [r.text for r in read_sources([SHARED]) if isinstance(r, Article)
             and len(r.text.split()) > 300]
    pairs = []
    for _ in range(n):
        a_parts, b_parts = rng.sample(texts, 2), rng.sample(texts, 2)
        a = " ".join(" ".join(t.split()[:500]) for t in a_parts)
        sents = a.split(". ")
        start = rng.randrange(max(1, len(sents) - 8))
        reused = obfuscate([s + "." for s in sents[start:start + 8]], "light", rng, a.split())
        b = " ".join(b_parts[0].split()[:450]) + " " + reused + " " + " ".join(
            b_parts[1].split()[:350])
        pairs.append((a, b))
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=300)
    ap.add_argument("--semantic", action="store_true", help="Use sentence embeddings too.")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    args = ap.parse_args()
    aligner = Aligner(semantic="auto" if args.semantic else False)
    pairs = make_pairs(args.pairs)
    words = statistics.mean(len(a.split()) + len(b.split()) for a, b in pairs) / 2
    aligner.align(*pairs[0])  # warm-up (imports, model load)

    def fresh() -> None:
        if aligner.encoder is not None:
            aligner.encoder.forget()

    fresh()
    single, single_cpu = [], []
    for a, b in pairs[:50]:
        t, c = time.perf_counter(), time.process_time()
        aligner.align(a, b)
        single.append(time.perf_counter() - t)
        single_cpu.append(time.process_time() - c)
    fresh()
    t, c = time.perf_counter(), time.process_time()
    raw_found = sum(len(al.passages) for al in aligner.align_many(pairs))
    raw, raw_cpu = time.perf_counter() - t, time.process_time() - c
    tokenized = [(Doc(a), Doc(b)) for a, b in pairs]
    fresh()
    t, c = time.perf_counter(), time.process_time()
    found = sum(len(al.passages) for al in aligner.align_many(tokenized))
    batch, batch_cpu = time.perf_counter() - t, time.process_time() - c
    assert found == raw_found
    result = {
        "mean_words_per_article": round(words),
        "semantic": aligner.uses_embeddings,
        "compare_ms_median": round(1000 * statistics.median(single), 1),
        "compare_ms_p90": round(1000 * sorted(single)[int(0.9 * len(single))], 1),
        "compare_cpu_ms_median": round(1000 * statistics.median(single_cpu), 1),
        "batch_pairs": len(pairs),
        "batch_raw_wall_s": round(raw, 2),
        "batch_raw_cpu_s": round(raw_cpu, 2),
        "batch_raw_cpu_s_per_pair": round(raw_cpu / len(pairs), 4),
        "batch_pretokenised_cpu_s": round(batch_cpu, 2),
        "batch_pairs_per_s": round(len(pairs) / batch, 1),
        "batch_pairs_per_cpu_s": round(len(pairs) / batch_cpu, 1),
        "passages_found": found,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.format == "json":
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>24}: {v}")


if __name__ == "__main__":
    main()
