"""`storytrace trace [SRC...]`: index the corpus, find reuse, group articles into stories."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.text import Text

from storytrace.cli.articles import (
    DbOption,
    FormatOption,
    StoryCheckOption,
    open_store,
    story_check_mode,
)
from storytrace.cli.output import (
    Format,
    err,
    fail,
    ingest_with_progress,
    out,
    print_json,
    progress,
)

if TYPE_CHECKING:  # the engines are imported when a command runs: `--help` stays cheap
    from storytrace.engines.core import TraceOptions, TraceReport
    from storytrace.model import Story
    from storytrace.store import Store

SemanticOption = typer.Option(False, "--semantic",
                              help="Sentence embeddings in alignment (finds paraphrased "
                                   "passages; slower). Each sentence is embedded once: "
                                   "the store keeps its embedding for later runs.")
TreesOption = typer.Option(True, "--trees/--no-trees",
                           help="Infer and store each story's family tree (who copied "
                                "whom); a later run rebuilds only the trees of stories "
                                "that changed. `graph`, --html and the web read them.")
ChangesOption = typer.Option(False, "--changes",
                             help="Along each family-tree edge, what the copy changed: "
                                  "the facts diff and the framing it adds (one full "
                                  "compare per edge, about 0.1-0.3 s each); stored with "
                                  "the trees.")
WorkersOption = typer.Option(1, "--workers", "-j", min=1,
                             help="Processes that align candidate pairs (local engine): "
                                  "alignment is most of the work, and the links are the "
                                  "same for any number.")
SameStoryOption = typer.Option(True, "--same-story/--no-same-story",
                               help="Also link reports of one story that share little "
                                    "wording (tier 2).")


def trace_cmd(
    sources: list[str] = typer.Argument(None, help="Files or directories to ingest first "
                                                   "(optional: the store is traced as it is)."),
    db: Path = DbOption,
    fmt: Format = FormatOption,
    out_path: Path = typer.Option(None, "--out", "-o",
                                  help="Write one story per line: .jsonl, or .parquet "
                                       "(needs pyarrow)."),
    threshold: float = typer.Option(0.2, help="Jaccard similarity the LSH index is tuned for."),
    min_containment: float = typer.Option(0.1, help="Estimated containment below which a "
                                                    "candidate pair is not aligned."),
    max_bucket: int = typer.Option(200, help="LSH buckets larger than this give no candidates."),
    max_candidates: int = typer.Option(200, help="Most candidate pairs aligned per article "
                                                 "(the most similar first)."),
    limit: int = typer.Option(20, help="Stories printed in text output (0 for all)."),
    reindex: bool = typer.Option(False, help="Drop signatures, links and stories; rebuild."),
    same_story: bool = SameStoryOption,
    story_min_score: float = typer.Option(0.5, help="Same-story probability needed for a "
                                                    "link (calibrated on SemEval-2022)."),
    story_check: bool | None = StoryCheckOption,
    semantic: bool = SemanticOption,
    trees: bool = TreesOption,
    changes: bool = ChangesOption,
    html_path: Path = typer.Option(None, "--html",
                                   help="Also write the stories, with their family trees, as "
                                        "one self-contained HTML report."),
    engine: str = typer.Option("local", help="local (the SQLite store, incremental) or spark "
                                             "(reads SRC itself; needs storytrace[spark])."),
    master: str = typer.Option("local[*]", help="Spark master URL, with --engine spark."),
    workers: int = WorkersOption,
) -> None:
    """Find which stored articles reuse each other's text or tell the same story, and group
    them into stories.

    Incremental: a second run signs and verifies only what is new, and story ids
    stay the same where the stories do.
    """
    options = _options(threshold=threshold, min_containment=min_containment,
                       max_bucket=max_bucket, max_candidates=max_candidates,
                       same_story=same_story, semantic=semantic,
                       story_check=story_check_mode(story_check, engine),
                       story_min_score=story_min_score, trees=trees, changes=changes)
    if out_path and out_path.suffix not in (".jsonl", ".parquet"):
        raise fail("--out must end in .jsonl or .parquet")
    if engine not in ("local", "spark"):
        raise fail(f"--engine must be local or spark, not {engine!r}")
    if engine == "spark":
        from storytrace.cli.spark import trace_spark

        if html_path or reindex or changes:
            raise fail("--html, --reindex and --changes work with --engine local only")
        raise typer.Exit(trace_spark(sources or [], options=options,
                                     out_path=str(out_path) if out_path else None,
                                     fmt=fmt.value, limit=limit, master=master))
    from storytrace.align.semantic import SemanticUnavailable
    from storytrace.engines.local import loose_links, trace_store
    from storytrace.store.corpus import CorpusIndex

    rejected = 0
    with open_store(db) as store:
        if sources:
            rejected = ingest_with_progress(sources, store)
        if reindex:
            CorpusIndex(store).reset()
        try:
            with progress("tracing") as advance:
                result = trace_store(store, options, progress=lambda *_: advance(),
                                     on_error=lambda story, exc: err.print(
                                         f"warning: story {story}: no family tree ({exc})"),
                                     workers=workers)
        except (ValueError, SemanticUnavailable) as exc:
            raise fail(str(exc)) from None
        report, stories, tree_of = result.report, result.stories, result.trees
        if html_path:
            _write_html(html_path, stories, tree_of, store)
        total = len(store)
        loose = loose_links(store, limit)
    _report(options, report, stories, tree_of, db=db, total=total, fmt=fmt, limit=limit,
            out_path=out_path, loose=loose)
    if rejected:
        err.print(f"{rejected} input record(s) rejected (errors above); everything else was "
                  f"stored and traced: {total} articles in {db}")
    raise typer.Exit(1 if rejected else 0)


def _report(options: TraceOptions, report: TraceReport, stories: list[Story], tree_of: dict,
            *, db: Path, total: int, fmt: Format, limit: int, out_path: Path | None,
            loose: tuple[int, list] = (0, [])) -> None:
    """What a trace run found: cap notes, the ``--out`` file, then text or JSON (with
    ``loose``, the links that join no story: how many, and the first ones)."""
    from storytrace.cli.stories import print_cap_notes, print_loose

    related = loose[1]
    print_cap_notes(report, options)
    if out_path:
        _write(out_path, [_story_row(s, tree_of) for s in stories])
    if fmt is Format.json:
        print_json({"db": str(db), "articles": total, "report": report.to_dict(),
                    "stories_total": len(stories),
                    "stories": [_story_row(s, tree_of) for s in stories[: limit or None]],
                    "related_total": loose[0], "related": related})
    else:
        _print(report.to_dict(), total, stories, limit, tree_of)
        print_loose(loose[0], related)


def _options(**params: Any) -> TraceOptions:
    """The trace options of the command line, or a one-line error naming the flag."""
    from storytrace.align.semantic import default_encoder
    from storytrace.engines.core import TraceOptions

    options = TraceOptions(**params)
    for name, what in options.problems()[:1]:
        raise fail(f"--{name.replace('_', '-')} {what}"
                   + (" (drop --no-trees)" if name == "changes" else ""))
    if (options.semantic or options.story_check is True) and default_encoder() is None:
        raise fail("--semantic and --story-check need the sentence model: pip install "
                   "torch==2.13.0 'storytrace[semantic]'")
    return options


def _write_html(path: Path, stories: list[Story], tree_of: dict, store: Store) -> None:
    """The stories with their family trees as one self-contained HTML report."""
    from storytrace.report import render_trace_html
    from storytrace.report.extras import story_dict

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_trace_html(
        [_story_row(s, tree_of) if s.id in tree_of else story_dict(s, store)
         for s in stories],
        {a.id: a for s in stories for a in s.articles}), encoding="utf-8")
    err.print(f"wrote {path.resolve()}")


def _story_row(story: Story, tree_of: dict) -> dict:
    """One story as JSON, with its family tree and, where the tree's edges have their
    claims (``--changes``), its claim ledger (:mod:`storytrace.diff.ledger`)."""
    from storytrace.diff.ledger import ledger_dict

    row = story.to_dict()
    if story.id in tree_of:
        row["tree"] = tree_of[story.id].to_dict()
        ledger = ledger_dict(row["tree"], {a.id: a.text for a in story.articles})
        if ledger is not None:
            row["ledger"] = ledger
    return row


def _write(path: Path, rows: list[dict]) -> None:
    from storytrace.engines.core import story_line, story_record

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise fail("--out .parquet needs pyarrow (pip install pyarrow)") from None
        pq.write_table(pa.Table.from_pylist([story_record(r) for r in rows]), path)
        return
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(story_line(r) + "\n")


def _print(report: dict, total: int, stories: list[Story], limit: int, tree_of: dict) -> None:
    from storytrace.cli.stories import print_story

    out.print(f"{total} articles · {report['signed']} newly indexed · "
              f"{report['verified']} candidate pairs aligned · "
              f"{report['links_added'] - report.get('quote_links', 0)} new reuse links, "
              f"{report.get('quote_links', 0)} sharing only a quotation · "
              f"{report.get('story_candidates', 0)} same-story candidates, "
              f"{report.get('story_links_added', 0)} linked"
              + (f" ({report['event_links']} of them the same event only, joining no story)"
                 if report.get("event_links") else "")
              + (f" ({report['story_quote_links']} of them sharing only a quotation)"
                 if report.get("story_quote_links") else "")
              + f" · {len(stories)} stories with 2+ articles")
    for story in stories[: limit or None]:
        print_story(_story_row(story, tree_of))


def boilerplate_cmd(
    db: Path = DbOption,
    fmt: Format = FormatOption,
    site: list[str] = typer.Option(None, "--site", help="Only this site: an outlet name as "
                                   "stored, lower-cased, or a domain (repeat for more)."),
    limit: int = typer.Option(40, help="Blocks printed in text output (0 for all)."),
) -> None:
    """What `trace` sets aside as site boilerplate: text an outlet prints on many of its
    pages (newsletter pitches, disclaimers, footers, related-story lists), which is not
    reuse, not evidence of copying and not a sign of one story. Each block with how many
    articles print it and one of them, with offsets."""
    from storytrace.engines.local import boilerplate_report

    if not db.exists():
        raise fail(f"no store at {db} (run `storytrace ingest` and `storytrace trace` first)")
    with open_store(db) as store:
        rows = boilerplate_report(store, sites=[s.lower() for s in site] if site else None)
    if fmt is Format.json:
        print_json({"db": str(db), "blocks": rows})
        return
    if not rows:
        out.print("No boilerplate found (run `storytrace trace` first; a block counts once "
                  "3 articles of one site print it).")
        return
    shown = rows[: limit or None]
    for r in shown:
        where = (f"{r['example']['id']} {r['example']['start']}-{r['example']['end']}"
                 if r["example"] else "no example read")
        text = " ".join((r["text"] or "").split())
        out.print(Text(f"{r['site'] if r['site'] != '*' else '(every site)'} · "
                       f"{r['articles']} articles · {where}: {text[:110]}"))
    if len(rows) > len(shown):
        out.print(f"… {len(rows) - len(shown)} more (--limit 0 for all)")
