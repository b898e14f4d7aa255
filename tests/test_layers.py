"""Layering rules checked on the source: SQL lives in the store layer only."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "storytrace"
SQL = re.compile(r"\.execute(?:many|script)?\(|\bPRAGMA\b|\bSELECT\b[^\n]*\bFROM\b"
                 r"|\b(?:INSERT|DELETE|UPDATE)\b[^\n]*\b(?:INTO|FROM|SET)\b")


def test_no_sql_outside_the_store_layer() -> None:
    found = [f"{path.relative_to(SRC)}:{n}: {line.strip()}"
             for path in sorted(SRC.rglob("*.py")) if "store" not in path.parts
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SQL.search(line)]
    assert found == []
