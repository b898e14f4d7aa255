"""Bounded time: `compare` of two ~200 KB articles, and pathological 200 KB texts.

    python bench/large_pair.py                 # default: 200,000 characters per text
    python bench/large_pair.py --chars 400000 --format json

Pairs (one text A, one text B), each generated from a Zipf vocabulary like
bench/trace_scale.py:

* ``identical``: B is A;
* ``edited``: B is A with 5% of its words replaced;
* ``excerpt``: B is new text with a third of A's sentences inside it;
* ``unrelated``: B is another draw from the same vocabulary.

Each pair is aligned with the lexical aligner (``Aligner(semantic=False)``, as
`trace` uses it) and, unless ``--no-semantic``, with the default aligner that
`storytrace compare` uses (sentence embeddings when the semantic extra is
installed). Then single texts that stress one stage each are tokenised (the
step that segments and normalises): a run of dots, a run of initials
("A. B. C."), a base letter with 200,000 combining marks, a single 200 KB word,
zero-width characters, emoji. Each case runs in its own process with a time
cap (``--cap``, 60 s) so a quadratic case is reported as over the cap rather
than hanging the benchmark. Doubling ``--chars`` and comparing tells linear
(x2) from quadratic (x4).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

_FUNCTION = ("the of and to a in that is for on was with he it as his at by from they be this "
             "have an has are but not were which had who said would their been its will she "
             "her after more also when about than over into two new").split()
PAIRS = ("identical", "edited", "excerpt", "unrelated")
TEXTS = ("dots", "initials", "combining", "one_word", "zero_width", "emoji")


class _Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        syllables = "ba de ki lo mu na pe ri so tu va ze an en in or st tr ch sh".split()
        vocab: set[str] = set()
        while len(vocab) < 20000:
            vocab.add("".join(self.rng.choice(syllables)
                              for _ in range(self.rng.choice((2, 3, 3, 4)))))
        self.words = _FUNCTION + sorted(vocab)
        self.cum, total = [], 0.0
        for rank in range(1, len(self.words) + 1):
            total += 1.0 / rank
            self.cum.append(total)

    def sentences(self, chars: int) -> list[str]:
        out, n = [], 0
        while n < chars:
            k = self.rng.randint(12, 28)
            s = " ".join(self.rng.choices(self.words, cum_weights=self.cum, k=k))
            out.append(s[0].upper() + s[1:] + ".")
            n += len(out[-1]) + 1
        return out

    def edit(self, sentences: list[str], share: float) -> list[str]:
        return [" ".join(self.rng.choice(self.words[60:]) if self.rng.random() < share else w
                         for w in s.split()) for s in sentences]


def _join(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def article_pair(chars: int = 200_000, kind: str = "edited", seed: int = 1) -> tuple[str, str]:
    """Two texts of about ``chars`` characters each, related as ``kind`` says."""
    w = _Writer(seed)
    a = w.sentences(chars)
    if kind == "identical":
        b = a
    elif kind == "edited":
        b = w.edit(a, 0.05)
    elif kind == "excerpt":
        third = len(a) // 3
        b = w.sentences(chars // 3) + a[third : 2 * third] + w.sentences(chars // 3)
    elif kind == "unrelated":
        b = w.sentences(chars)
    else:
        raise ValueError(f"unknown pair kind {kind!r}")
    return _join(a), _join(b)


def stress_text(kind: str, chars: int = 200_000) -> str:
    """One text of ``chars`` characters built to stress a single stage."""
    texts = {
        "dots": "." * chars,
        "initials": ("A. B. C. D. " * (chars // 12 + 1))[:chars],
        "combining": "a" + "\u0301\u0323" * (chars // 2),
        "one_word": "x" * chars,
        "zero_width": ("word\u200b" * (chars // 5 + 1))[:chars],
        "emoji": ("👨\u200d👩\u200d👧 news " * (chars // 12 + 1))[:chars],
    }
    return texts[kind]


_CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
from large_pair import article_pair, stress_text
from storytrace.align import Aligner
from storytrace.text.doc import Doc
kind, chars, mode = {kind!r}, {chars}, {mode!r}
if mode == "text":
    t = stress_text(kind, chars)
    start = time.perf_counter()
    tokens = Doc(t)
    print(json.dumps({{"seconds": time.perf_counter() - start, "words": len(tokens)}}))
else:
    aligner = Aligner(semantic="auto" if mode == "default" else False)
    aligner.align("warm up the model and imports", "warm up the model and imports")
    a, b = article_pair(chars, kind)
    start = time.perf_counter()
    result = aligner.align(a, b)
    print(json.dumps({{"seconds": time.perf_counter() - start, "passages": len(result.passages),
                      "coverage_b": round(result.coverage_b, 3),
                      "embeddings": aligner.uses_embeddings}}))
"""


def run_case(kind: str, chars: int, mode: str, cap: float) -> dict:
    """Time one case in a fresh process; ``{"over_cap": cap}`` if it ran past ``cap``."""
    code = _CHILD.format(bench=str(Path(__file__).resolve().parent), kind=kind, chars=chars,
                         mode=mode)
    start = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=cap + 60)  # + imports and generation
    except subprocess.TimeoutExpired:
        return {"over_cap": cap}
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1:]}
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["seconds"] > cap:
        result["over_cap"] = cap
    result["process_s"] = round(time.perf_counter() - start, 1)
    result["seconds"] = round(result["seconds"], 2)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=200_000)
    ap.add_argument("--cap", type=float, default=60.0, help="seconds allowed per case")
    ap.add_argument("--no-semantic", action="store_true",
                    help="skip the default (embedding) aligner")
    ap.add_argument("--only", choices=("pairs", "texts"), help="run one group")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    args = ap.parse_args()
    rows = []
    if args.only != "texts":
        modes = ["lexical"] + ([] if args.no_semantic else ["default"])
        for mode in modes:
            for kind in PAIRS:
                rows.append({"case": f"pair {kind}", "aligner": mode} |
                            run_case(kind, args.chars, mode, args.cap))
                _show(rows[-1], args.format)
    if args.only != "pairs":
        for kind in TEXTS:
            rows.append({"case": f"tokenize {kind}"} | run_case(kind, args.chars, "text", args.cap))
            _show(rows[-1], args.format)
    if args.format == "json":
        print(json.dumps({"chars": args.chars, "cases": rows}, indent=2))


def _show(row: dict, fmt: str) -> None:
    if fmt == "text":
        print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
