"""MinHash signing speed, ours against rensa, gaoya and datasketch at their fastest documented
paths, and LSH recall of planted near-duplicates.

Run: .venv/bin/python bench/minhash_speed.py [--gen-n 2000] [--words 600] [--perm 128]
     [--shingle 5] [--seed 1] [--repeat 5] [--recall-n 20000] [--baseline OLD_minhash.py]
     [--fnn-copies 4] [--tables raw_text,ready_shingles,ready_hashes] [--only ours,rensa]
     [--format text|json]

Two corpora: the FakeNewsNet article texts (real news, ``--fnn``; its 422 texts
``--fnn-copies`` times over, so that a run lasts long enough to time) and generated news-like
prose (Zipf words, names, accents, curly quotes, apostrophes, dashes; ``make_corpus``). Three
tables per corpus, every row signing the whole corpus into ``--perm`` slots of word
``--shingle``-grams:

* raw text: each signer starts from the ``str`` texts. Peers without a tokeniser (rensa,
  datasketch) get the fastest Python tokenisation we know, counted in their time:
  ``re.findall(r"\\w+", text.lower())`` and ``map(" ".join, zip(...))`` for the n-grams
  (the "python tokenise" row times that alone). gaoya tokenises in Rust (its ``word``
  analyzer, which splits at non-alphanumerics, lower-cased, ``ngram_range=(k, k)``) through
  ``bulk_hash_docs``.
* ready shingles: everyone gets the same prebuilt per-document lists of n-gram strings (bytes
  for datasketch); ours through ``MinHasher.sign_shingles``.
* ready hashes: everyone gets the same flat ``uint64`` array of xxh3-64 n-gram hashes with
  document offsets; ours through ``MinHasher.sign_hashes``, rensa through
  ``digest_matrix_from_flat_token_hashes``, datasketch through ``MinHash.bulk`` with an
  identity ``hashfunc`` (the low 32 bits, as its affine32 scheme takes).

Each row runs in its own forked worker that prepares its inputs untimed, signs once untimed
(warm-up), then signs once per repeat when the parent asks: the parent rotates the order of
the rows every repeat, so load from other processes hits them alike and no row is timed alone.
Reported: medians of wall and CPU seconds (``time.process_time``: user + sys of the worker,
all threads; every worker is pinned to the same single CPU and thread pools are capped at 1)
and the worker's peak RSS. Ratios use CPU seconds.
"""

from __future__ import annotations

import os

# One core for everyone, set before numpy, rensa and gaoya start their thread pools.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"

import argparse
import glob
import importlib.util
import itertools
import json
import multiprocessing as mp
import platform
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storytrace.index import LSHIndex, MinHasher, jaccard

TOKEN = re.compile(r"\w+")
LEVELS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
FNN = "/work/shared/data/fakenewsnet-v1-2018"
_CONS = "b c d f g h k l m n p r s t v w y z b c d l m n r s t br ch st th tr".split()
_VOWELS = "a e i o u a e i o u ea ou".split()


# --- corpora ------------------------------------------------------------------------------------

def fakenewsnet_texts(root: str) -> list[str]:
    """The ``text`` field of every FakeNewsNet article JSON under ``root``, in path order."""
    texts = []
    for path in sorted(glob.glob(os.path.join(root, "*", "*", "*.json"))):
        with open(path, encoding="utf-8") as f:
            texts.append(json.load(f).get("text") or "")
    return texts


def make_vocab(size: int, rng: np.random.Generator) -> list[str]:
    """Pseudo-words whose length grows with rank, as in real text (short words are frequent)."""
    seen: set[str] = set()
    vocab: list[str] = []
    while len(vocab) < size:
        rank = len(vocab)
        syllables = 1 + int(np.log10(rank + 2) * 0.5 + rng.random() * 0.9)
        w = "".join(rng.choice(_CONS) + rng.choice(_VOWELS) for _ in range(syllables))
        if rank < 12:
            w = w[:3] if rank % 3 else w[:2]
        elif rng.random() < 0.3:
            w += rng.choice(["s", "n", "d", "ng", "ly", "ed", "er"])
        if rng.random() < 0.01:
            i = int(rng.integers(len(w)))
            w = w[:i] + rng.choice(["é", "ü", "ñ", "ø"]) + w[i + 1 :]
        if rank > 200 and rng.random() < 0.08:
            w = w.capitalize()  # names and places
        if w not in seen:
            seen.add(w)
            vocab.append(w)
    return vocab


def decorate(words: list[str], rng: np.random.Generator) -> str:
    """Join words into sentences with news-style punctuation."""
    out = list(words)
    i = 0
    while i < len(out):
        length = int(rng.integers(8, 32))
        out[i] = out[i][:1].upper() + out[i][1:]
        end = min(i + length, len(out)) - 1
        out[end] += "."
        if length > 14:
            out[i + length // 2 - 1 if i + length // 2 - 1 < end else i] += ","
        r = rng.random()
        if r < 0.15 and end - i > 3:
            out[i + 1] = "“" + out[i + 1]
            out[end] = out[end][:-1] + ",” said " + str(int(rng.integers(2, 99))) + "."
        elif r < 0.25:
            out[i] += "’s"
        elif r < 0.3 and end - i > 4:
            out[i + 2] += " —"
        i = end + 1
    return " ".join(out)


def make_corpus(n: int, n_words: int, pairs: int, k: int,
                seed: int) -> tuple[list[str], list[tuple[int, int, float]]]:
    """Documents plus planted pairs ``(a, b, target_jaccard)``; copies are the last documents."""
    rng = np.random.default_rng(seed)
    vocab = np.array(make_vocab(50_000, rng), dtype=object)
    weights = np.arange(1, len(vocab) + 1, dtype=float) ** -1.07
    weights /= weights.sum()
    pairs = min(pairs, n // 2)
    base = n - pairs
    ids = rng.choice(len(vocab), size=(base, n_words), p=weights)
    # Each document's punctuation comes from its own generator, so a planted copy gets the
    # same decoration and differs only in the replaced words.
    texts = [decorate(list(vocab[row]), np.random.default_rng([seed, i]))
             for i, row in enumerate(ids)]
    planted = []
    for i in range(pairs):
        target = LEVELS[i % len(LEVELS)]
        # Scattered replacements: a shingle survives when none of its k words is replaced, so
        # a fraction s = (1-q)**k survives and J = s / (2 - s).
        q = 1 - (2 * target / (1 + target)) ** (1 / k)
        row = ids[i].copy()
        hit = rng.random(n_words) < q
        row[hit] = rng.integers(2_000, len(vocab), int(hit.sum()))
        texts.append(decorate(list(vocab[row]), np.random.default_rng([seed, i])))
        planted.append((i, base + i, target))
    return texts, planted


def true_jaccard(a: str, b: str, k: int) -> float:
    """Exact Jaccard similarity of the word k-gram sets (``\\w+`` words, lower-cased)."""
    def shingles(text: str) -> set[tuple[str, ...]]:
        w = TOKEN.findall(text.lower())
        return {tuple(w[i : i + k]) for i in range(max(len(w) - k + 1, 1))}

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def py_shingles(text: str, k: int) -> list[str]:
    """The fastest Python word k-grams we know: ``\\w+`` words of the lower-cased text; a text
    of fewer than ``k`` words is one shingle, a text without words none (as ours)."""
    w = TOKEN.findall(text.lower())
    if len(w) < k:
        return [" ".join(w)] if w else []
    return list(map(" ".join, zip(*[w[i:] for i in range(k)], strict=False)))


# --- the rows -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One signer: ``setup(texts)`` prepares its inputs (untimed) and returns the timed call."""

    name: str
    includes: str
    setup: Callable[[Sequence[str]], Callable[[], object]]


def load_baseline(path: str) -> type[MinHasher]:
    """``MinHasher`` from another copy of minhash.py (e.g. the commit before an optimisation)."""
    spec = importlib.util.spec_from_file_location("minhash_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MinHasher


def raw_rows(perm: int, k: int, seed: int, baseline: str | None) -> list[Row]:
    """Signers from raw ``str`` texts; what each includes is in its ``includes``."""
    ours = "UTF-8, WORD words (joiners), lower-case, k-gram hashes, OPH signature (numpy)"

    def mine(cls: type[MinHasher] = MinHasher, scheme: str = "oph") -> Callable:
        def setup(texts: Sequence[str]) -> Callable[[], object]:
            mh = cls(num_perm=perm, shingle=k, seed=seed, scheme=scheme)
            return lambda: mh.sign_many(texts)
        return setup

    def gaoya(texts: Sequence[str]) -> Callable[[], object]:
        from gaoya.gaoya import minhash as gm
        index = gm.MinHash32StringIntIndexVec(0.5, perm // 4, 4, None, "word", True, (k, k))
        return lambda: index.bulk_hash_docs(list(texts))

    def rensa(method: str) -> Callable:
        def setup(texts: Sequence[str]) -> Callable[[], object]:
            from rensa import RMinHash
            fn = getattr(RMinHash, method)
            return lambda: fn([py_shingles(t, k) for t in texts], perm, seed)
        return setup

    def datasketch(texts: Sequence[str]) -> Callable[[], object]:
        from datasketch import MinHash
        return lambda: MinHash.bulk(
            ([s.encode() for s in py_shingles(t, k)] for t in texts), num_perm=perm, seed=seed)

    def tokenise(texts: Sequence[str]) -> Callable[[], object]:
        return lambda: [py_shingles(t, k) for t in texts]

    def xxh3(texts: Sequence[str]) -> Callable[[], object]:
        from xxhash import xxh3_64_intdigest
        return lambda: [xxh3_64_intdigest(t.encode()) for t in texts]

    py = "python tokenise (re \\w+, lower, join k-grams) + "
    rows = [Row("ours", ours, mine())]
    if baseline:
        rows.append(Row("ours_baseline", f"as ours, minhash.py from {baseline}",
                        mine(load_baseline(baseline))))
    return [
        *rows,
        Row("ours_classic", ours.replace("OPH", f"{perm} hash functions"), mine(scheme="classic")),
        Row("gaoya", "Rust: words split at non-alphanumerics, lower-case, k-grams, 32-bit "
            "MinHash; bulk_hash_docs", gaoya),
        Row("rensa", py + "R-MinHash digest_matrix_from_token_sets",
            rensa("digest_matrix_from_token_sets")),
        Row("rensa_rho", py + "rho (samples token positions: not full-set MinHash)",
            rensa("digest_matrix_from_token_sets_rho")),
        Row("datasketch", py + "encode, MinHash.bulk (sha1, affine32)", datasketch),
        Row("python_tokenise", "only the python tokenising the peers above include", tokenise),
        Row("xxh3_raw", "reference: xxh3-64 of each whole text, no words", xxh3),
    ]


def shingle_rows(perm: int, k: int, seed: int, baseline: str | None) -> list[Row]:
    """Signers given the same prebuilt per-document lists of k-gram strings."""
    def ours(cls: type[MinHasher] = MinHasher) -> Callable:
        def setup(texts: Sequence[str]) -> Callable[[], object]:
            mh = cls(num_perm=perm, shingle=k, seed=seed)
            sets = [py_shingles(t, k) for t in texts]
            return lambda: mh.sign_shingles(sets)
        return setup

    def rensa(method: str, as_bytes: bool = False) -> Callable:
        def setup(texts: Sequence[str]) -> Callable[[], object]:
            from rensa import RMinHash
            fn = getattr(RMinHash, method)
            sets = [py_shingles(t, k) for t in texts]
            if as_bytes:
                sets = [[s.encode() for s in sh] for sh in sets]  # type: ignore[misc]
            return lambda: fn(sets, perm, seed)
        return setup

    def datasketch(texts: Sequence[str]) -> Callable[[], object]:
        from datasketch import MinHash
        sets = [[s.encode() for s in py_shingles(t, k)] for t in texts]
        return lambda: MinHash.bulk(sets, num_perm=perm, seed=seed)

    def gaoya(texts: Sequence[str]) -> Callable[[], object]:
        from gaoya.gaoya import minhash as gm
        sets = [py_shingles(t, k) for t in texts]
        ids = list(range(len(sets)))

        def run() -> object:
            index = gm.MinHash32StringIntIndexVec(0.5, perm // 4, 4, None, "word", True, (k, k))
            index.par_bulk_insert_tokens(ids, sets)
            return index
        return run

    mine = [Row("ours", "hash strings (numpy, 8 bytes a step), OPH; MinHasher.sign_shingles",
                ours())]
    old = load_baseline(baseline) if baseline else None
    if old is not None and hasattr(old, "sign_shingles"):
        mine.append(Row("ours_baseline", f"as ours, minhash.py from {baseline}", ours(old)))
    return [
        *mine,
        Row("rensa", "R-MinHash digest_matrix_from_token_sets (str)",
            rensa("digest_matrix_from_token_sets")),
        Row("rensa_bytes", "R-MinHash digest_matrix_from_token_byte_sets (bytes)",
            rensa("digest_matrix_from_token_byte_sets", as_bytes=True)),
        Row("rensa_rho", "rho digest_matrix_from_token_sets_rho (samples positions)",
            rensa("digest_matrix_from_token_sets_rho")),
        Row("gaoya", "par_bulk_insert_tokens: hash, sign AND insert into its LSH index "
            "(no sign-only token API)", gaoya),
        Row("datasketch", "MinHash.bulk on bytes (sha1, affine32)", datasketch),
    ]


def flat_hashes(texts: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """xxh3-64 of every k-gram string, flat, with ``len(texts) + 1`` document offsets."""
    from xxhash import xxh3_64_intdigest
    sets = [py_shingles(t, k) for t in texts]
    offsets = np.zeros(len(sets) + 1, dtype=np.uint64)
    np.cumsum([len(s) for s in sets], out=offsets[1:])
    flat = np.fromiter((xxh3_64_intdigest(s.encode()) for sh in sets for s in sh),
                       dtype=np.uint64, count=int(offsets[-1]))
    return flat, offsets


def hash_rows(perm: int, k: int, seed: int, baseline: str | None) -> list[Row]:
    """Signers given the same flat uint64 k-gram hashes and document offsets."""
    def ours(cls: type[MinHasher] = MinHasher) -> Callable:
        def setup(texts: Sequence[str]) -> Callable[[], object]:
            mh = cls(num_perm=perm, shingle=k, seed=seed)
            flat, offsets = flat_hashes(texts, k)
            return lambda: mh.sign_hashes(flat, offsets.astype(np.int64))
        return setup

    def rensa(texts: Sequence[str]) -> Callable[[], object]:
        from rensa import RMinHash
        flat, offsets = flat_hashes(texts, k)
        return lambda: RMinHash.digest_matrix_from_flat_token_hashes(flat, offsets, perm, seed)

    def datasketch(texts: Sequence[str]) -> Callable[[], object]:
        from datasketch import MinHash
        flat, offsets = flat_hashes(texts, k)
        low = (flat & np.uint64(0xFFFFFFFF)).tolist()
        bounds = offsets.tolist()
        sets = [low[a:b] for a, b in itertools.pairwise(bounds)]
        return lambda: MinHash.bulk(sets, num_perm=perm, seed=seed, hashfunc=int)

    mine = [Row("ours", "OPH on the given hashes; MinHasher.sign_hashes(flat, offsets)", ours())]
    old = load_baseline(baseline) if baseline else None
    if old is not None and hasattr(old, "sign_hashes"):
        mine.append(Row("ours_baseline", f"as ours, minhash.py from {baseline}", ours(old)))
    return [
        *mine,
        Row("rensa", "R-MinHash digest_matrix_from_flat_token_hashes", rensa),
        Row("datasketch", "MinHash.bulk, hashfunc=int on the low 32 bits (affine32)",
            datasketch),
    ]


# --- timing -------------------------------------------------------------------------------------

def _status_mb(field: str) -> float:
    """A ``VmRSS``/``VmHWM`` figure of this process in MB (Linux), NaN elsewhere."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _worker(conn: mp.connection.Connection, row: Row, texts: Sequence[str]) -> None:
    """Prepare a row's inputs, warm it up, then time one run per "run" message."""
    fn = row.setup(texts)
    inputs_mb = _status_mb("VmRSS")
    fn()  # warm-up: imports, caches, lazy tables
    conn.send(inputs_mb)
    while conn.recv() == "run":
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        conn.send((time.perf_counter() - wall, time.process_time() - cpu))
    conn.send(_status_mb("VmHWM"))


def interleaved(rows: Sequence[Row], texts: Sequence[str], repeat: int) -> dict[str, dict]:
    """Median wall and CPU seconds of each row over ``repeat`` runs, one worker per row; the
    order of the rows rotates every repeat so that no row is timed alone or always first."""
    ctx = mp.get_context("fork")
    pipes, procs, inputs = [], [], []
    for row in rows:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, row, texts), daemon=True)
        proc.start()
        inputs.append(parent.recv())  # one at a time: setups do not overlap either
        pipes.append(parent)
        procs.append(proc)
    runs: list[list[tuple[float, float]]] = [[] for _ in rows]
    for rep in range(repeat):
        for i in [(rep + j) % len(rows) for j in range(len(rows))]:
            pipes[i].send("run")
            runs[i].append(pipes[i].recv())
    out = {}
    for i, row in enumerate(rows):
        pipes[i].send("stop")
        peak = pipes[i].recv()
        procs[i].join()
        out[row.name] = {
            "includes": row.includes,
            "wall_s": statistics.median(w for w, _ in runs[i]),
            "cpu_s": statistics.median(c for _, c in runs[i]),
            "cpu_s_runs": [round(c, 4) for _, c in runs[i]],
            "peak_rss_mb": round(peak, 1),
            "inputs_rss_mb": round(inputs[i], 1),
        }
    return out


def speed_tables(texts: Sequence[str], args: argparse.Namespace) -> dict[str, dict]:
    """The three tables (raw text, ready shingles, ready hashes) for one corpus."""
    tables = {}
    for name, rows in (("raw_text", raw_rows), ("ready_shingles", shingle_rows),
                       ("ready_hashes", hash_rows)):
        if name not in args.tables.split(","):
            continue
        picked = [r for r in rows(args.perm, args.shingle, args.seed, args.baseline)
                  if not args.only or r.name in args.only.split(",")]
        result = interleaved(picked, texts, args.repeat)
        mb = sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) / 1e6
        ours = result.get("ours", {}).get("cpu_s")
        for r in result.values():
            r["docs_per_cpu_s"] = round(len(texts) / r["cpu_s"])
            r["mb_per_cpu_s"] = round(mb / r["cpu_s"], 2)
            r["cpu_s_vs_ours"] = round(r["cpu_s"] / ours, 2) if ours else None
        tables[name] = result
    return tables


def recall(n: int, args: argparse.Namespace) -> dict[str, object]:
    """LSH recall of planted near-duplicate pairs in ``n`` generated documents (untimed)."""
    texts, planted = make_corpus(n, args.words, args.pairs, args.shingle, args.seed)
    sigs = MinHasher(num_perm=args.perm, shingle=args.shingle, seed=args.seed).sign_many(texts)
    truth = [(a, b, true_jaccard(texts[a], texts[b], args.shingle)) for a, b, _ in planted]
    est_err = [abs(jaccard(sigs[a], sigs[b]) - j) for a, b, j in truth]
    out: dict[str, object] = {
        "docs": n, "planted_pairs": len(truth),
        "estimate_mean_abs_error": round(float(np.mean(est_err)), 4),
        "estimate_max_abs_error": round(float(np.max(est_err)), 4),
    }
    w = args.fn_weight
    for label, index in (("lsh", LSHIndex(num_perm=args.perm, threshold=args.threshold,
                                          weights=(1 - w, w))),
                         ("lsh_equal_weights", LSHIndex(num_perm=args.perm,
                                                        threshold=args.threshold))):
        index.add_many([str(i) for i in range(len(texts))], sigs)
        found = {(int(a), int(b)) for a, b in index.candidate_index_pairs()}
        want = [(a, b) for a, b, j in truth if j >= 0.6]
        out[label] = {
            "bands": index.bands, "rows": index.rows,
            "recall_j_ge_0.6": round(sum(p in found for p in want) / max(len(want), 1), 4),
            "pairs_j_ge_0.6": len(want), "candidates": len(found),
            "candidates_not_planted": len(found - {(a, b) for a, b, _ in truth}),
        }
    return out


def print_tables(corpus: str, meta: dict, tables: dict[str, dict]) -> None:
    """Markdown tables, one per kind of input."""
    for name, rows in tables.items():
        print(f"\n### {corpus}: {meta['docs']} docs, {meta['mb']:.2f} MB, {name}\n")
        print("| signer | includes | CPU s | wall s | docs/CPU-s | MB/CPU-s | CPU vs ours "
              "| peak RSS MB (inputs) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for key, r in rows.items():
            vs = f"{r['cpu_s_vs_ours']:.2f}×" if r["cpu_s_vs_ours"] else ""
            print(f"| {key} | {r['includes']} | {r['cpu_s']:.3f} | {r['wall_s']:.3f} "
                  f"| {r['docs_per_cpu_s']:,} | {r['mb_per_cpu_s']:.1f} | {vs} "
                  f"| {r['peak_rss_mb']:.0f} ({r['inputs_rss_mb']:.0f}) |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fnn", default=FNN, help="FakeNewsNet root ('' to skip)")
    ap.add_argument("--fnn-copies", type=int, default=4,
                    help="sign the FakeNewsNet texts this many times over per run (longer runs)")
    ap.add_argument("--gen-n", type=int, default=2000, help="generated documents timed")
    ap.add_argument("--words", type=int, default=600, help="words per generated document")
    ap.add_argument("--perm", type=int, default=128, help="signature length")
    ap.add_argument("--shingle", type=int, default=5, help="words per shingle")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5, help="interleaved runs per row (median)")
    ap.add_argument("--only", default="", help="comma-separated row names to run")
    ap.add_argument("--tables", default="raw_text,ready_shingles,ready_hashes",
                    help="comma-separated tables to run")
    ap.add_argument("--baseline", default=None, help="another minhash.py for a before row")
    ap.add_argument("--recall-n", type=int, default=20_000, help="docs for LSH recall (0: skip)")
    ap.add_argument("--pairs", type=int, default=1200, help="planted near-duplicate pairs")
    ap.add_argument("--threshold", type=float, default=0.5, help="LSH Jaccard threshold")
    ap.add_argument("--fn-weight", type=float, default=0.9,
                    help="LSH false-negative weight (false positives get 1 - this)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    args = ap.parse_args()
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    corpora = {}
    if args.fnn and Path(args.fnn).is_dir():
        corpora["fakenewsnet"] = fakenewsnet_texts(args.fnn) * args.fnn_copies
    if args.gen_n:
        corpora["generated"] = make_corpus(args.gen_n, args.words, args.gen_n // 10,
                                           args.shingle, args.seed)[0]
    result: dict[str, object] = {
        "num_perm": args.perm, "shingle": args.shingle, "repeat": args.repeat,
        "load_average": os.getloadavg(), "python": platform.python_version(),
        "numpy": np.__version__, "corpora": {},
    }
    for name, texts in corpora.items():
        meta = {"docs": len(texts),
                "mb": sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) / 1e6}
        tables = speed_tables(texts, args)
        result["corpora"][name] = {**meta, "tables": tables}  # type: ignore[index]
        if args.format == "text":
            print_tables(name, meta, tables)
    if args.recall_n:
        result["recall"] = recall(args.recall_n, args)
        if args.format == "text":
            print("\nrecall:", json.dumps(result["recall"]))
    result["load_average_end"] = os.getloadavg()
    if args.format == "json":
        print(json.dumps(result))
    else:
        print(f"\nload average at start {result['load_average']}, "
              f"at end {result['load_average_end']}")


if __name__ == "__main__":
    main()
