"""Shared fixtures: paths to ../shared data (skipped with a reason when absent)."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: ../shared is not beside the project")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return shared_path("examples", "seeds")


@pytest.fixture
def seed_texts(seeds_dir: Path) -> tuple[str, str]:
    a, b = sorted(seeds_dir.glob("*.txt"))
    return a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")


# --------------------------------------------------------------- work bounds, not timings
#
# No test asserts elapsed seconds: on a busy machine any wall-clock limit fails. A test
# that guards against slow code counts the work instead (``count_operations`` on n and
# 2n inputs, or calls of one function), and only a hang guard far above the normal
# running time (``hang_guard``) stops a run that would never end.

_PACKAGE = str(ROOT / "src" / "storytrace")


def count_operations(fn, *args, also: tuple[str, ...] = (), **kwargs):
    """``(fn(*args, **kwargs), n)``: n is the number of lines of storytrace's own Python
    code (and of the packages named in ``also``) that the call executed: a count of
    operations, the same on any machine.

    Work done inside C (a regular expression, numpy) counts as the one line that
    called it; compare counts on inputs of size n and 2n to see how the work grows.
    """
    import importlib

    import storytrace

    roots = (_PACKAGE, str(Path(storytrace.__file__).resolve().parent),
             *(str(Path(importlib.import_module(name).__file__).parent) for name in also))
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(roots) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        result = fn(*args, **kwargs)
    finally:
        sys.settrace(previous)
    return result, count


class HangGuardTripped(AssertionError):
    """Raised by :func:`hang_guard` when its block runs past the guard."""


@contextmanager
def hang_guard(seconds: float = 300.0, what: str = "the call"):
    """Fail instead of hanging when the block runs over ``seconds`` (SIGALRM, main thread).

    Not a timing assertion: the guard sits far above the normal running time (minutes
    for what takes seconds), so load cannot trip it, but a hang or a quadratic blow-up
    on a large input still ends in a failure. Regular expressions check for signals, so
    the guard also stops a backtracking pattern.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def trip(signum, frame):
        raise HangGuardTripped(f"{what} ran over the {seconds:.0f} s hang guard")

    previous = signal.signal(signal.SIGALRM, trip)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def spark():
    """A local Spark session (``local[2]``, 4 shuffle partitions) for one test module; the
    modules that use it skip themselves when pyspark or Java is missing."""
    from storytrace.engines.spark import spark_session

    session = spark_session("local[2]", partitions=4, app_name="storytrace-tests",
                            conf={"spark.ui.enabled": "false", "spark.driver.memory": "2g"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
