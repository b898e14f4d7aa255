"""Same answers from this tree's text analysis as from another version's, function by function.

Run: .venv/bin/python bench/text_same.py --baseline OLD_SRC --generated corpus.jsonl
        [--shared ../shared] [--random 40000]

``OLD_SRC`` is a copy of another version's ``src`` (``git archive REV src | tar -x -C /tmp/old``,
then ``/tmp/old/src``). Each version runs in its own process (``PYTHONPATH``) over the same
texts: the first 1,500 of a ``bench/trace_scale.py`` corpus (``--generated``), the
FakeNewsNet texts under ``--shared``, and ``--random`` short random mixes of whitespace,
folds, combining marks, zero-width characters, sentence ends, quotes, capitals of three
scripts, abbreviations, credit and promotion wording. Per text it records what a ``Doc``
gives (words, offsets, stems, sentences, names, numbers), ``normalize`` (lower-cased),
``segment.sentences``, site boilerplate's ``block_keys``, ``counted_keys``,
``furniture_blocks`` and ``promo_blocks``, ``detect_language`` and the story sketch; it
aligns 400 linked pairs of the corpus (``--pairs``, a store of it, e.g. ``trace.db``) and
FakeNewsNet neighbours. Prints, per part, whether both versions agree and each one's CPU
seconds; exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import random
import sqlite3
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

PIECES = [" ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2003", "a", "B", "é", "’", "x", "…",
          "\u200b", "Σ", "İ", "e\u0301", ".", "-", "\u2013", "Mr", "Dr.", " A.", '"', "!", "?",
          "”", "Source: ", "according to", "Subscribe", "©", "K", "\u212a", "sign up",
          "All rights reserved", "Follow @x on Twitter", "Related stories", "via ", "h/t",
          "Originally published", "as reported by", "ſource", "\u03a2", "Ωmega", "Я", "(",
          "“", "U.S.", "...", "?!", "\r\n"]


def texts(generated: Path | None, shared: Path, n_random: int) -> list[str]:
    out = []
    if generated:
        with open(generated, encoding="utf-8") as f:
            out += [json.loads(line)["text"] for line in islice(f, 1500)]
    for path in sorted((shared / "data" / "fakenewsnet-v1-2018").rglob("*.json")):
        text = json.loads(path.read_text(encoding="utf-8")).get("text")
        if isinstance(text, str):
            out.append(text)
    rng = random.Random(1)
    out += ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
            for _ in range(n_random)]
    return out


def pairs(all_texts: list[str], generated: Path | None, store: Path | None
          ) -> list[tuple[str, str]]:
    out = []
    if generated and store:
        with open(generated, encoding="utf-8") as f:
            by_id = {r["id"]: r["text"] for r in map(json.loads, f)}
        con = sqlite3.connect(store)
        ids = dict(con.execute("SELECT seq, id FROM articles"))
        out += [(by_id[ids[a]], by_id[ids[b]]) for a, b in con.execute(
            "SELECT a_seq, b_seq FROM links ORDER BY a_seq, b_seq LIMIT 400")]
    long = [t for t in all_texts if len(t) > 500]
    return out + [(long[i], long[i + 1]) for i in range(0, len(long) - 1, 7)]


def run_one(args: argparse.Namespace) -> dict:
    """In a child process: each part's digest and CPU seconds with the importable src."""
    from storytrace.align import Aligner
    from storytrace.index.sketch import StorySketcher
    from storytrace.text import boilerplate as bp
    from storytrace.text.doc import Doc
    from storytrace.text.language import detect_language
    from storytrace.text.normalize import normalize
    from storytrace.text.segment import sentences

    data = texts(args.generated, args.shared, args.random)
    sketcher, aligner = StorySketcher(), Aligner(semantic=False)

    def doc(t: str) -> tuple:
        d = Doc(t)
        return (d.words, d.starts, d.ends, d.stems, d.sentences, d.sentence_tokens,
                d.sentence_spans, d.names, d.numbers)

    parts = {
        "Doc": doc,
        "normalize": lambda t: (lambda n: (n.text, n.starts, n.ends))(normalize(t, True)),
        "sentences": sentences,
        "block_keys": bp.block_keys,
        "counted_keys": lambda t: sorted(bp.counted_keys(t, "site")),
        "furniture_blocks": bp.furniture_blocks,
        "promo_blocks": bp.promo_blocks,
        "detect_language": detect_language,
        "sketch": lambda t: tuple(x.tobytes() for x in sketcher.sketch(t)),
    }
    out = {}
    for name, f in parts.items():
        t0 = time.process_time()
        found = [f(t) for t in data]
        out[name] = (hashlib.sha256(pickle.dumps(found)).hexdigest(),
                     time.process_time() - t0, len(data))
    todo = pairs(data, args.generated, args.pairs)
    t0 = time.process_time()
    found = [aligner.align(a, b, repeats=False).to_dict() for a, b in todo]
    out["align"] = (hashlib.sha256(pickle.dumps(found)).hexdigest(),
                    time.process_time() - t0, len(todo))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="another version's src/")
    ap.add_argument("--generated", type=Path, help="a bench/trace_scale.py corpus.jsonl")
    ap.add_argument("--pairs", type=Path, help="a trace store of that corpus (its links)")
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--random", type=int, default=40000)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        pickle.dump(run_one(args), sys.stdout.buffer)
        return
    here = Path(__file__).resolve().parents[1] / "src"
    results = []
    for src in (args.baseline.resolve(), here):
        env = os.environ | {"PYTHONPATH": str(src), "OMP_NUM_THREADS": "1"}
        proc = subprocess.run([sys.executable, __file__, "--child", *sys.argv[1:]], env=env,
                              capture_output=True, check=True)
        results.append(pickle.loads(proc.stdout))
    before, after = results
    same = True
    for name in before:
        equal = before[name][0] == after[name][0]
        same &= equal
        print(f"{name:17s} {before[name][2]:6d} inputs  {'same' if equal else 'DIFFER'}  "
              f"CPU s before {before[name][1]:6.2f}  after {after[name][1]:6.2f}")
    print("identical" if same else "DIFFERENT")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
