"""Shared fixtures: paths to ../shared data (skipped with a reason when absent)."""

from __future__ import annotations

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
