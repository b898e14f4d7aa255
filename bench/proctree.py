"""CPU seconds and resident memory of a command's whole process tree, read from /proc.

Shared by the benchmarks that time other programs (a JVM and its Python workers, Spark
in local mode, a child benchmark process): ``measured`` runs a command, samples its
process tree every ``every`` seconds while it runs, and reports

* ``cpu_seen_s``: user+sys of every process seen in the tree, at its last sample;
* ``cpu_accounted_s``: the kernel's account of the children this process waited for
  (``RUSAGE_CHILDREN``), which also holds processes too short-lived to be sampled;
* ``wall_s`` and ``peak_rss_mb`` (the largest sum of the tree's resident memory seen);
* ``rc``, ``stdout`` and ``stderr`` (``stderr`` is ``None`` when merged into stdout).

The output is read while the command runs, so a chatty command cannot fill its pipe.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree(root: int) -> dict[int, tuple[float, int]]:
    """``pid -> (CPU seconds (utime+stime), RSS bytes)`` of ``root`` and all its
    descendants."""
    parents: dict[int, int] = {}
    stats: dict[int, tuple[float, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        pid = int(entry)
        parents[pid] = int(fields[1])
        stats[pid] = ((int(fields[11]) + int(fields[12])) / TICK, int(fields[21]) * PAGE)
    out, todo = {}, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        if pid in stats:
            out[pid] = stats[pid]
        todo += children.get(pid, [])
    return out


def measured(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
             merge_stderr: bool = False, timeout: float | None = None,
             every: float = 0.2) -> dict:
    """Run ``cmd`` to its end and measure it (see the module's docstring); on ``timeout``
    the command is killed and :class:`subprocess.TimeoutExpired` raised."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                            text=True)
    seen: dict[int, float] = {}
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            now = tree(proc.pid)
            for pid, (cpu, _) in now.items():
                seen[pid] = max(seen.get(pid, 0.0), cpu)
            peak = max(peak, sum(rss for _, rss in now.values()))
            done.wait(every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    finally:
        done.set()
        sampler.join()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu_seen_s": sum(seen.values()),
            "cpu_accounted_s": (after.ru_utime - before.ru_utime)
            + (after.ru_stime - before.ru_stime),
            "wall_s": wall, "peak_rss_mb": peak / 2**20, "rc": proc.returncode,
            "stdout": out, "stderr": err}
