"""Entry point: assembles the subcommands into one `storytrace` app."""

from __future__ import annotations

import typer

from storytrace import __version__
from storytrace.cli.articles import ingest_cmd, ls_cmd, show_cmd
from storytrace.cli.compare import compare_cmd
from storytrace.cli.dedup import dedup_cmd
from storytrace.cli.evaluate import bench_app, eval_app
from storytrace.cli.provenance import graph_cmd
from storytrace.cli.serve import serve_cmd
from storytrace.cli.trace import boilerplate_cmd, trace_cmd

app = typer.Typer(
    name="storytrace",
    help="Trace how a news story travels: find versions, align reuse, infer who copied whom.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest_cmd)
app.command("ls")(ls_cmd)
app.command("show")(show_cmd)
app.command("compare")(compare_cmd)
app.command("trace")(trace_cmd)
app.command("graph")(graph_cmd)
app.command("boilerplate")(boilerplate_cmd)
app.command("dedup")(dedup_cmd)
app.command("serve")(serve_cmd)
app.add_typer(eval_app, name="eval")
app.add_typer(bench_app, name="make-bench")


def _version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Trace how a news story travels."""


def main() -> None:
    app()
