"""`storytrace graph`, `eval provenance` and `make-bench provenance`: who copied whom.

The commands are plain functions; ``cli/main.py`` and ``cli/evaluate.py`` register
them (``app.command("graph")(graph_cmd)``, ``eval_app.command("provenance")(...)``,
``bench_app.command("provenance")(...)``).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from storytrace.cli.articles import DbOption, FormatOption, open_store
from storytrace.cli.output import Format, err, fail, out, progress, scored

__all__ = ["GraphFormat", "eval_provenance_cmd", "graph_cmd",
           "make_provenance_cmd"]


class GraphFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    json = "json"
    dot = "dot"


#: each format's writer in storytrace.provenance.tree (imported when a command runs)
_WRITERS = {GraphFormat.graphml: "to_graphml", GraphFormat.gexf: "to_gexf",
            GraphFormat.json: "to_json", GraphFormat.dot: "to_dot"}


def graph_cmd(
    db: Path = DbOption,
    fmt: GraphFormat = typer.Option(GraphFormat.json, "--format", "-f",
                                    help="graphml, gexf (Gephi), json or dot (Graphviz)."),
    out_path: Path = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    story: list[str] = typer.Option(None, "--story",
                                    help="Only this story id (repeat for more)."),
    ignore_times: bool = typer.Option(False, "--ignore-times",
                                      help="Decide as if no article had a publication time."),
) -> None:
    """The family tree of each story in the store: who copied whom, with the evidence.

    Run `storytrace trace` first; this reads the stories it stored. Outside sources
    that articles credit are external nodes.
    """
    from storytrace.engines.local import stored_stories, tree_for_story
    from storytrace.provenance import tree as tree_module
    from storytrace.provenance.tree import FamilyTree
    from storytrace.store.corpus import CorpusIndex

    if not db.exists():
        raise fail(f"no store at {db} (run `storytrace ingest` and `storytrace trace` first)")
    with open_store(db) as store:
        stories = stored_stories(store, story or None)
        if not stories:
            raise fail(f"no stories in {db}" + (f" with id {', '.join(story)}" if story
                                                else "; run `storytrace trace` first"))
        # The trees `trace` stored, as they are; built here (not stored) only for a story
        # traced with --no-trees or by an older release, or to ignore times.
        stored = {} if ignore_times else CorpusIndex(store).trees([s.id for s in stories])
        missing = [s for s in stories if s.id not in stored]
        trees = []
        with progress("building trees", total=len(missing)) as advance:
            for s in stories:
                if s.id in stored:
                    trees.append(FamilyTree.from_dict(stored[s.id]))
                    continue
                trees.append(tree_for_story(store, s, ignore_times=ignore_times))
                advance()
    text = getattr(tree_module, _WRITERS[fmt])(trees)
    if out_path:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(text, encoding="utf-8")
        err.print(f"wrote {len(trees)} trees to {out_path}")
    else:
        sys.stdout.write(text)


_COLUMNS = {"derived": "copies", "roots": "roots", "parent_accuracy": "parent",
            "root_accuracy": "root", "edge_precision": "edge P", "edge_recall": "edge R",
            "reversed": "rev."}


def eval_provenance_cmd(
    corpus: Path = typer.Argument(..., help="JSONL: id, title, text, outlet, url, published."),
    truth: Path = typer.Argument(..., help="TSV lines child_id<TAB>parent_id."),
    fmt: Format = FormatOption,
    families: Path = typer.Option(None, "--families",
                                  help="TSV id, family, level, ... to score each level "
                                       "(default: FAMILIES.tsv beside TRUTH)."),
) -> None:
    """Parent accuracy, root accuracy and edge precision/recall of the family trees, with
    the corpus's times and with every time removed."""
    from storytrace.eval.provenance import CONFIDENT, evaluate_provenance

    for path in (corpus, truth, *([families] if families else [])):
        if not path.is_file():
            raise fail(f"{path}: no such file")

    def measure() -> dict:
        with progress("tracing") as advance:
            return evaluate_provenance(corpus, truth, families, progress=lambda *_: advance())

    result = scored(measure, fmt)
    if result is None:
        return
    out.print(f"{result['corpus']}: {result['articles']} articles "
              f"({result['with_time']} with a time), {result['stories']} stories; "
              "parent and root accuracy, edge precision and recall")
    for mode, heading in (("with_times", "with the corpus's times"),
                          ("without_times", "with every time removed")):
        out.print(Text(heading, style="bold"))
        table = Table(show_edge=False)
        table.add_column("", no_wrap=True)
        for heading in _COLUMNS.values():
            table.add_column(heading, justify="right")
        for name, row in result[mode].items():
            table.add_row(name.replace("original ", "orig. "),
                          *(f"{row[c]:.4f}" if isinstance(row[c], float) else str(row[c])
                            for c in _COLUMNS))
        out.print(table)
        sure = result[mode]["all"]
        out.print(f"confident edges (score >= {CONFIDENT}): {sure['confident_share']:.0%} of "
                  f"articles, edge precision {sure['confident_edge_precision']:.4f}, recall "
                  f"{sure['confident_edge_recall']:.4f}")
        v = sure["direction"]
        out.print(f"pairwise verdicts on the {v['pairs']} true parent-child pairs: right "
                  f"{v['right']:.4f}, wrong {v['wrong']:.4f}, unknown {v['unknown']:.4f}, "
                  f"siblings {v['siblings']:.4f}")


def make_provenance_cmd(
    out_dir: Path = typer.Option(..., "--out", help="Folder for corpus.jsonl, TRUTH.tsv and "
                                                    "FAMILIES.tsv."),
    sources: list[str] = typer.Option(None, "--from", help="Articles to draw from (any ingest "
                                      "format); default ../shared/data/fakenewsnet-v1-2018."),
    families: int = typer.Option(300, help="Families to build (spread evenly over levels)."),
    seed: int = typer.Option(7, help="Random seed (same seed and sources, same set)."),
    level: list[str] = typer.Option(None, "--level", help="easy, medium or hard (repeat; "
                                                          "default all three)."),
) -> None:
    """Build a provenance set: families of 2-6 versions copied from real articles."""
    from storytrace.eval.make_provenance import LEVELS, make_provenance_set
    from storytrace.ingest import read_sources
    from storytrace.model import Article

    levels = tuple(level or LEVELS)
    unknown = [x for x in levels if x not in LEVELS]
    if unknown:
        raise fail(f"unknown level {unknown[0]!r}; use {', '.join(LEVELS)}")
    if families < 1:
        raise fail("--families must be at least 1")
    sources = sources or ["../shared/data/fakenewsnet-v1-2018"]
    articles = [r for r in read_sources(sources) if isinstance(r, Article)]
    try:
        counts = make_provenance_set(articles, out_dir, families, seed, levels)
    except ValueError as exc:
        raise fail(str(exc)) from None
    out.print(f"wrote {counts['articles']} articles in {counts['families']} families to "
              f"{out_dir}: {counts['derived']} copies, {counts['roots']} roots "
              f"({counts['hidden_roots']} families whose original is left out)")
