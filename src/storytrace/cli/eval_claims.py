"""`storytrace eval claims LABELS`: claims found against statement pairs labelled by hand.

Registered on the ``eval`` Typer app by :func:`register`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.cli.articles import FormatOption
from storytrace.cli.output import Format, fail, out, print_json


def eval_claims(
    labels: list[Path] = typer.Argument(..., help="Claims labels TSV(s): a, b, a_start, "
                                        "a_end, b_start, b_end, label (bench/labels/)."),
    lexical: bool = typer.Option(False, "--lexical", help="Do not use sentence embeddings."),
    threshold: float = typer.Option(None, "--threshold", help="Claim probability threshold "
                                    "(default: the model's)."),
    fmt: Format = FormatOption,
) -> None:
    """How many labelled parallel statements are found as claim pairs (each side no
    longer than 3x the statement), and how many claims match no labelled pair."""
    from storytrace.eval.claims import evaluate_claims

    try:
        results = [evaluate_claims(p, semantic=not lexical and "auto", threshold=threshold)
                   for p in labels]
    except (ValueError, OSError) as exc:
        raise fail(str(exc)) from None
    if fmt is Format.json:
        print_json(results if len(results) > 1 else results[0])
        return
    for r in results:
        out.print(f"{r['path']} ({r['model']}): found {r['found']}/{r['labelled']} labelled "
                  f"pairs; {r['false']} false of {r['claims']} claims "
                  f"(precision {r['precision']:.3f}; {r['related']} only related, precision "
                  f"on same facts {r['precision_same']:.3f}; mean score "
                  f"{r['mean_score']:.3f})"
                  + (f"; {r['unread']} of the false claims not read yet (no labelled pair)"
                     if r["reads_shown"] and r["unread"] else ""))
        for pair in r["pairs"]:
            if len(r["pairs"]) > 1:
                out.print(f"  {Path(pair['a']).name} ~ {Path(pair['b']).name}: found "
                          f"{pair['found']}/{pair['labelled']}; {pair['false']} false, "
                          f"{pair['related']} only related, of {pair['claims']} claims",
                          markup=False)
            for m in pair["missed"]:
                out.print(f"  missed: {m['a'][:70]!r} ~ {m['b'][:70]!r}", markup=False)
            unread = {(tuple(u["a_span"]), tuple(u["b_span"])) for u in pair["unread_claims"]}
            for f in pair["false_claims"]:
                tag = "unread" if r["reads_shown"] and \
                    (tuple(f["a_span"]), tuple(f["b_span"])) in unread else "false: "
                out.print(f"  {tag} {f['a'][:70]!r} ~ {f['b'][:70]!r}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``claims`` to the ``eval`` app."""
    app.command("claims")(eval_claims)
