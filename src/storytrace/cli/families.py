"""`storytrace make-bench families`: family benchmarks with other edit models."""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.cli.output import fail, out


def make_families_cmd(
    out_dir: Path = typer.Option(..., "--out", help="Folder for corpus.jsonl, TRUTH.tsv and "
                                                    "FAMILIES.tsv."),
    model: str = typer.Option("cutadd", "--model", help="Edit model: cutadd (drop and add "
                              "sentences, light slips) or rewrite (heavy rewording, "
                              "sentences moved)."),
    sources: list[str] = typer.Option(None, "--from", help="Articles to root families in; "
                                      "default ../shared/data/fakenewsnet-v1-2018."),
    outside: Path = typer.Option(Path("../shared/data/semeval2022-task8/training_set.csv"),
                                 help="SemEval-2022 Task 8 CSV: sentences copies insert."),
    families: int = typer.Option(60, help="Families to build."),
    unrelated: int = typer.Option(100, help="Unrelated real articles mixed in."),
    seed: int = typer.Option(1, help="Random seed (same seed and sources, same set)."),
) -> None:
    """Build a family set scored by `storytrace eval provenance`, made independently of
    `make-bench provenance` (see storytrace.eval.make_families)."""
    from storytrace.eval.make_families import MODELS, make_families_set, outside_sentences
    from storytrace.ingest import read_sources
    from storytrace.model import Article

    if model not in MODELS:
        raise fail(f"unknown model {model!r}; use {', '.join(MODELS)}")
    if families < 1 or unrelated < 0:
        raise fail("--families must be at least 1 and --unrelated at least 0")
    if not outside.is_file():
        raise fail(f"{outside}: no such file")
    articles = [r for r in read_sources(sources or ["../shared/data/fakenewsnet-v1-2018"])
                if isinstance(r, Article)]
    try:
        counts = make_families_set(articles, out_dir, model=model, families=families,
                                   unrelated=unrelated, seed=seed,
                                   outside=outside_sentences(outside))
    except ValueError as exc:
        raise fail(str(exc)) from None
    out.print(f"wrote {counts['articles']} articles to {out_dir}: {counts['families']} "
              f"{model} families, {counts['derived']} copies ({counts['credited']} credit "
              f"their parent), {counts['roots']} roots, {counts['untimed']} without a time")
