"""Same answers, less CPU: this tree's text functions against another version's, on real text.

Run: .venv/bin/python bench/same_output.py --baseline OLD_SRC [--shared ../shared]
        [--generated corpus.jsonl]

``OLD_SRC`` is a copy of the package's ``src`` from another version (e.g. ``git archive
2aa7472 src | tar -x -C /tmp/old``, then ``/tmp/old/src``). Each function is run on the same
inputs from both versions, its results compared for equality (floats bit for bit) and its
CPU seconds (``time.process_time``) summed per version: the lexical sentence similarity
(``align.similarity.lexical_similarity``) on FakeNewsNet pairs, each text with itself and the
seeds; site boilerplate's ``block_keys``, ``counted_keys``, ``promo_blocks`` and
``furniture_blocks`` on FakeNewsNet texts and titles, the seeds, generated texts (a
``bench/trace_scale.py`` corpus, ``--generated``), hand-made edge cases and glued fragments
of all of them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from pathlib import Path
from types import ModuleType

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from storytrace.align import similarity  # noqa: E402
from storytrace.text import boilerplate  # noqa: E402
from storytrace.text.doc import Doc  # noqa: E402

EDGES = ["Source: AP. The mayor left.", "ſource: me. Via Reuters. H/T Bob. Hat tip to x.",
         "As first reported by CNN, the bridge fell. ACCORDING TO police it was old.",
         "Subscribe to our newsletter now.\n\nSIGN UP today for free. © 2017 All rights "
         "reserved.", "Follow us on Twitter for more. Like us on Facebook please now.", "",
         "   ", "a b c d e. f g h i j!", "Originally published at X. Reprinted with "
         "permission from Y news site.", "U.S.-backed re-entry it’s here now. Another one."]


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _texts(shared: Path, generated: Path | None) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "examples" / "seeds")
                                                          .glob("*.txt"))]
    for p in sorted((shared / "data" / "fakenewsnet-v1-2018").rglob("*.json")):
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(d, dict) and d.get("text"):
            texts += [d["text"], d.get("title") or ""]
    if generated:
        with open(generated, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for _, line in zip(range(1500), f, strict=False)]
    return texts + EDGES


def _same(x: object, y: object) -> bool:
    if isinstance(x, np.ndarray):
        return isinstance(y, np.ndarray) and x.dtype == y.dtype and np.array_equal(x, y)
    return x == y


def _race(name: str, old: object, new: object, calls: list[tuple]) -> int:
    """Run both on every argument tuple; print CPU seconds; return how many differ."""
    spent, differ = [0.0, 0.0], 0
    for args in calls:
        start = time.process_time()
        x = old(*args)
        mid = time.process_time()
        y = new(*args)
        spent[0] += mid - start
        spent[1] += time.process_time() - mid
        differ += not _same(x, y)
    print(f"{name:<22} {len(calls):>6} calls  differ {differ:>3}  CPU s before {spent[0]:6.2f}"
          f"  after {spent[1]:6.2f}")
    return differ


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True, help="another version's src")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--generated", type=Path, help="a bench/trace_scale.py corpus.jsonl")
    args = ap.parse_args()
    base = args.baseline / "storytrace"
    old_sim = _load(base / "align" / "similarity.py", "old_similarity")
    old_bp = _load(base / "text" / "boilerplate.py", "old_boilerplate")
    texts = _texts(args.shared, args.generated)
    rng = random.Random(3)
    for _ in range(300):  # glued fragments
        a, b = rng.choice(texts), rng.choice(texts)
        texts.append(a[: rng.randrange(len(a) + 1)] + rng.choice([" ", "\n", ". ", ""])
                     + b[rng.randrange(len(b) + 1):])
    docs = [Doc(t) for t in texts[:400]]
    pairs = [(docs[0], docs[1]), (docs[1], docs[0])]
    pairs += [(rng.choice(docs), rng.choice(docs)) for _ in range(400)]
    pairs += [(d, d) for d in docs[::7]]
    print(f"{len(texts)} texts, {len(pairs)} sentence-matrix pairs")
    differ = _race("lexical_similarity", old_sim.lexical_similarity,
                   similarity.lexical_similarity, pairs)
    for name in ("block_keys", "counted_keys", "promo_blocks", "furniture_blocks"):
        calls = [(t, "site") if name == "counted_keys" else (t,) for t in texts]
        differ += _race(name, getattr(old_bp, name), getattr(boilerplate, name), calls)
    print("identical" if differ == 0 else f"{differ} results differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
