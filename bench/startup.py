"""Start-up cost: CPU seconds, wall time and peak RSS of whole `storytrace` processes.

Run: .venv/bin/python bench/startup.py [--shared ../shared] [--runs 3] [--baseline SRC]

With ``--baseline SRC`` (a copy of the package's ``src`` folder from another version)
each storytrace case also runs with that copy first on PYTHONPATH, interleaved with
the working tree's, so before and after are measured in one sitting.

Each case runs as a child process; its CPU time is the user+sys that os.wait4
reports for it, its peak RSS the ru_maxrss there. The cases are interleaved
(one run of each, then the next round) and the medians printed, so a busy
machine weighs on every case alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = ("examples/seeds/000_d761ffa0f73a1395.txt", "examples/seeds/001_36f01ec5b307d8ad.txt")


def run_once(argv: list[str], env: dict[str, str] | None = None
             ) -> tuple[float, float, float]:
    """(CPU seconds user+sys, wall seconds, peak RSS in MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}:\n{stderr[-2000:]}")
    # ru_maxrss is in KiB on Linux.
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                        help="the shared data folder (default ../shared next to the repo)")
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another version's src folder, measured beside this one")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    seed0, seed1 = (str(args.shared / s) for s in SEEDS)
    for seed in (seed0, seed1):
        if not Path(seed).is_file():
            parser.error(f"no seed file at {seed} (see --shared)")
    bindir = Path(sys.executable).parent
    exe = str(bindir / "storytrace")
    if not Path(exe).exists():
        exe_argv = [sys.executable, "-m", "storytrace"]
    else:
        exe_argv = [exe]
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "storytrace --help": [*exe_argv, "--help"],
        "compare --lexical": [*exe_argv, "compare", seed0, seed1, "--lexical"],
        "compare (default)": [*exe_argv, "compare", seed0, seed1],
        "compare --format json": [*exe_argv, "compare", seed0, seed1, "--format", "json"],
    }
    envs: dict[str, dict[str, str] | None] = {name: None for name in cases}
    if args.baseline is not None:
        if not (args.baseline / "storytrace" / "__init__.py").is_file():
            parser.error(f"no storytrace package under {args.baseline}")
        env = dict(os.environ, PYTHONPATH=str(args.baseline.resolve()))
        for name in [n for n in cases if n != "python -c pass"]:
            cases[f"{name} [baseline]"] = cases[name]
            envs[f"{name} [baseline]"] = env
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, argv in cases.items():
            results[name].append(run_once(argv, envs[name]))
    print(f"medians of {args.runs} interleaved runs ({os.cpu_count()} CPUs)")
    print(f"{'case':<36} {'CPU s':>7} {'wall s':>7} {'RSS MiB':>8}")
    for name, rows in results.items():
        cpu, wall, rss = (statistics.median(col) for col in zip(*rows, strict=True))
        print(f"{name:<36} {cpu:>7.2f} {wall:>7.2f} {rss:>8.0f}")


if __name__ == "__main__":
    main()
