"""Two code counts for issue 20: signatures typed ``Any``, and functions over 80 lines.

Run: .venv/bin/python bench/code_counts.py [--rev REV] [--since 26ab7ea]

* ``Any`` signatures: functions and methods under ``src/storytrace`` with ``Any`` in a
  parameter or return annotation, all and public (no part of the qualified name starts
  with ``_``); then those where a parameter or the return is ``Any`` itself (or
  ``Any | None``), the kind the issue counted (43 at 26ab7ea, where this finds 41):
  ``dict[str, Any]`` for JSON is real typing, a bare ``Any`` usually dodges an import.
* Long functions: every function or method longer than 80 lines (``def`` to last line,
  docstring included); with ``--since REV``, each is marked ``added`` when it was absent
  then or no longer than 80 lines then.

Reads the working tree, or the tree of ``--rev`` through ``git show``.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = "src/storytrace"
LONG = 80


def sources(rev: str | None) -> dict[str, str]:
    """Path -> text of every .py file under src/storytrace, now or at ``rev``."""
    if rev is None:
        return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
                for p in sorted((ROOT / SRC).rglob("*.py"))}
    names = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, SRC], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout.split()
    return {n: subprocess.run(["git", "show", f"{rev}:{n}"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
            for n in names if n.endswith(".py")}


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.AST]]:
    """(qualified name, node) of every function and method, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = f"{prefix}{node.name}"
            if not isinstance(node, ast.ClassDef):
                yield name, node
            yield from functions(node, name + ".")
        else:
            yield from functions(node, prefix)


def mentions_any(node: ast.AST | None) -> bool:
    """Whether an annotation names ``Any`` (``typing.Any`` or ``"Any"`` in a string)."""
    if node is None:
        return False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id == "Any":
            return True
        if isinstance(sub, ast.Attribute) and sub.attr == "Any":
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) \
                and "Any" in sub.value.replace("AnyStr", ""):
            return True
    return False


def bare_any(node: ast.AST | None) -> bool:
    """Whether an annotation is ``Any`` itself or ``Any | None``."""
    if isinstance(node, ast.Name) or isinstance(node, ast.Constant):
        return getattr(node, "id", getattr(node, "value", None)) in ("Any", "Any | None")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        ends = (node.left, node.right)
        return any(bare_any(e) for e in ends) and any(
            isinstance(e, ast.Constant) and e.value is None for e in ends)
    return False


def any_signatures(files: dict[str, str], test=mentions_any) -> list[str]:
    """``path:line name`` of each function with an annotation that passes ``test``."""
    out = []
    for path, text in files.items():
        for name, fn in functions(ast.parse(text)):
            a = fn.args
            params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
            if test(fn.returns) or any(p is not None and test(p.annotation) for p in params):
                out.append(f"{path}:{fn.lineno} {name}")
    return out


def is_public(sig: str) -> bool:
    """Whether no part of the qualified name in ``path:line name`` starts with ``_``."""
    return not any(p.startswith("_") for p in sig.split()[1].split("."))


def long_functions(files: dict[str, str]) -> dict[str, int]:
    """``path name`` -> length in lines of each function over :data:`LONG` lines."""
    return {f"{path} {name}": fn.end_lineno - fn.lineno + 1
            for path, text in files.items() for name, fn in functions(ast.parse(text))
            if fn.end_lineno - fn.lineno + 1 > LONG}


def lengths(files: dict[str, str]) -> dict[str, int]:
    """``path name`` -> length in lines of every function."""
    return {f"{path} {name}": fn.end_lineno - fn.lineno + 1
            for path, text in files.items() for name, fn in functions(ast.parse(text))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="count this commit's tree, not the working tree")
    parser.add_argument("--since", help="mark long functions added since this commit")
    args = parser.parse_args()
    files = sources(args.rev)
    sigs = any_signatures(files)
    print(f"Any in signatures: {len(sigs)} functions ({sum(map(is_public, sigs))} public)")
    sigs = any_signatures(files, bare_any)
    print(f"a bare Any (or Any | None) in signatures: {len(sigs)} functions "
          f"({sum(map(is_public, sigs))} public)")
    for s in sigs:
        print("  ", s, "" if is_public(s) else "(private)")
    before = lengths(sources(args.since)) if args.since else {}
    long = long_functions(files)
    print(f"functions over {LONG} lines: {len(long)}")
    for key, n in sorted(long.items(), key=lambda kv: -kv[1]):
        mark = ""
        if args.since:
            then = before.get(key)
            mark = "added" if then is None or then <= LONG else f"was {then}"
        print(f"   {n:4d} {key} {mark}")


if __name__ == "__main__":
    main()
