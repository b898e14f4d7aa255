"""Start-up stays light: heavy libraries load only inside the functions that need them.

Each check runs a fresh interpreter and looks at ``sys.modules`` (never at elapsed
time): ``storytrace --help`` and ``import storytrace, storytrace.cli`` load none of
the heavy libraries, and ``compare --lexical`` loads no sentence model.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

HEAVY = ("sklearn", "torch", "sentence_transformers", "trafilatura", "pyspark", "scipy",
         "networkx", "fastapi", "pandas")
MARK = "STARTUP-MODULES:"

# Runs the command line in-process, then reports which top-level modules are loaded.
_DRIVER = textwrap.dedent(f"""
    import json, sys
    args = json.loads(sys.argv[1])
    code = 0
    if args is not None:
        sys.argv = ["storytrace", *args]
        from storytrace.cli import main
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
    else:
        import storytrace, storytrace.cli
    loaded = sorted({{name.partition(".")[0] for name in sys.modules}})
    ours = sorted({{name.split(".")[1] for name in sys.modules if name.startswith("storytrace.")}})
    print("{MARK}" + json.dumps({{"code": code, "modules": loaded, "ours": ours}}),
          file=sys.stderr)
""")


def _report(args: list[str] | None) -> dict:
    proc = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps(args)],
                          capture_output=True, text=True, timeout=300, check=False)
    lines = [x for x in proc.stderr.splitlines() if x.startswith(MARK)]
    assert lines, proc.stderr[-2000:]
    report = json.loads(lines[-1][len(MARK):])
    assert report["code"] == 0, proc.stderr[-2000:]
    return report


def _loaded(args: list[str] | None) -> set[str]:
    return set(_report(args)["modules"])


def test_help_loads_no_heavy_library():
    assert sorted(set(HEAVY) & _loaded(["--help"])) == []


def test_help_builds_the_command_line_without_the_engines():
    """The commands import what they run when they run: `--help` reads no aligner,
    comparison, provenance, engine or report module (0.5 CPU-s of imports before)."""
    report = _report(["--help"])
    assert sorted({"align", "comparison", "provenance", "engines", "report", "diff",
                   "framing", "index", "stories"} & set(report["ours"])) == []


def test_import_loads_no_heavy_library():
    assert sorted(set(HEAVY) & _loaded(None)) == []


def test_lexical_compare_loads_no_sentence_model(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    body = ("The city council voted on Monday to close the old bridge for repairs, "
            "officials said. The work will take six months and cost $4 million.")
    a.write_text("Bridge closes\n\n" + body, encoding="utf-8")
    b.write_text("Council shuts bridge\n\n" + body + " Residents protested.", encoding="utf-8")
    loaded = _loaded(["compare", str(a), str(b), "--lexical"])
    # scikit-learn too: framing hashes its features without it (about a CPU-second).
    assert sorted({"torch", "sentence_transformers", "transformers", "sklearn"} & loaded) == []


def test_default_compare_loads_torch_only(tmp_path):
    """With the semantic extra, the model runs on torch alone (storytrace.align.minilm):
    sentence-transformers, transformers and scikit-learn cost ~5 CPU-s to import."""
    from storytrace.align.semantic import default_encoder

    if default_encoder() is None:
        pytest.skip("semantic extra unavailable")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The mayor said the bridge will close on Monday for six months.",
                 encoding="utf-8")
    b.write_text("The bridge will close on Monday for six months, the mayor said.",
                 encoding="utf-8")
    loaded = _loaded(["compare", str(a), str(b)])
    assert "torch" in loaded
    assert sorted({"sentence_transformers", "transformers", "sklearn"} & loaded) == []
