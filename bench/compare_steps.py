"""Where one `storytrace compare` of the seeds spends its CPU: seconds per step, in process.

Run: .venv/bin/python bench/compare_steps.py [--shared ../shared] [--lexical] [--torch-first]

Each step is a storytrace function wrapped with ``time.process_time`` (user+sys of this
process; the steps nest, so a step's time includes the steps it calls). The total is the
process's whole CPU time from ``resource.getrusage``, imports and start-up included, and the
peak RSS is its ``ru_maxrss``. ``--torch-first`` imports torch before anything else, as a
caller that loads torch before the sentence encoder sets ``OMP_WAIT_POLICY`` would.
"""

from __future__ import annotations

import time

START = time.process_time()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import importlib  # noqa: E402
import io  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEEDS = ("examples/seeds/000_d761ffa0f73a1395.txt", "examples/seeds/001_36f01ec5b307d8ad.txt")
#: (module, attribute path): the steps timed.
STEPS = [("storytrace.align.semantic", "SentenceEncoder.__init__"),
         ("storytrace.align.semantic", "SentenceEncoder.encode"),
         ("storytrace.align.aligner", "Aligner.align"),
         ("storytrace.provenance.contextual", "ContextualTagger.tag"),
         ("storytrace.provenance.attribution", "Tagger.tag"),
         ("storytrace.diff.claims", "match_claims"),
         ("storytrace.provenance.direction", "infer_direction"),
         ("storytrace.comparison", "_framing"),
         ("storytrace.comparison", "attributions_of")]


def _timed(spent: dict[str, float], name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start
    return wrapper


def _wrap(spent: dict[str, float], module: str, path: str) -> None:
    """Replace ``module.path`` with a timed wrapper, also where it was imported by name."""
    owner: Any = importlib.import_module(module)
    *parents, attr = path.split(".")
    for p in parents:
        owner = getattr(owner, p)
    original = getattr(owner, attr)
    wrapped = _timed(spent, path, original)
    setattr(owner, attr, wrapped)
    if not parents:  # a function: callers that imported it by name see the wrapper too
        for mod in list(sys.modules.values()):
            if getattr(mod, "__name__", "").startswith("storytrace") and \
                    getattr(mod, attr, None) is original:
                setattr(mod, attr, wrapped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--lexical", action="store_true", help="compare --lexical")
    parser.add_argument("--torch-first", action="store_true",
                        help="import torch before storytrace")
    args = parser.parse_args()
    seeds = [str(args.shared / s) for s in SEEDS]
    if args.torch_first:
        import torch  # noqa: F401
    spent: dict[str, float] = {}
    for module, path in STEPS:
        _wrap(spent, module, path)
    from storytrace.cli.main import main as cli

    sys.argv = ["storytrace", "compare", *seeds, *(["--lexical"] if args.lexical else [])]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        cli()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"compare{' --lexical' if args.lexical else ''} of the seeds: "
          f"{usage.ru_utime + usage.ru_stime:.2f} CPU-s in all, "
          f"peak RSS {usage.ru_maxrss / 1024:.0f} MiB (before main: {START:.2f})")
    print(f"torch imported: {'torch' in sys.modules}")
    for name, seconds in spent.items():
        print(f"  {name:<32} {seconds:6.2f}")


if __name__ == "__main__":
    main()
