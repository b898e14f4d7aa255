"""`storytrace eval ...` and `storytrace make-bench ...`: measure quality on public data."""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.cli.articles import FormatOption, StoryCheckOption, story_check_mode
from storytrace.cli.output import Format, err, fail, out, print_json, progress, score_table, scored

eval_app = typer.Typer(help="Evaluate storytrace on standard data sets.", no_args_is_help=True)
bench_app = typer.Typer(help="Generate evaluation sets from real articles.", no_args_is_help=True)

def _register_more() -> None:
    from storytrace.cli.eval_framing import register
    from storytrace.cli.families import make_families_cmd
    from storytrace.cli.provenance import eval_provenance_cmd, make_provenance_cmd

    eval_app.command("provenance")(eval_provenance_cmd)
    bench_app.command("provenance")(make_provenance_cmd)
    bench_app.command("families")(make_families_cmd)
    register(eval_app)
    from storytrace.cli.eval_claims import register as register_claims

    register_claims(eval_app)


_register_more()

LexicalOption = typer.Option(False, "--lexical", help="Do not use sentence embeddings.")


@eval_app.command("links")
def eval_links(
    labels: Path = typer.Argument(..., help="TSV a, b, label, note: pairs labelled by "
                                            "reading both articles (bench/labels/)."),
    db: Path = typer.Option(None, "--db", help="A traced store to score as it is."),
    corpus: list[str] = typer.Option(None, "--corpus", help="Articles to trace into a fresh "
                                     "in-memory store first (default: "
                                     "../shared/data/fakenewsnet-v1-2018)."),
    closed: bool = typer.Option(False, "--closed", help="The labels are complete (a "
                                "generated corpus): any other link is wrong."),
    story_check: bool | None = StoryCheckOption,
    fmt: Format = FormatOption,
) -> None:
    """Precision of trace's reuse and same-story links on pairs labelled by people, with
    what the wrong ones really were (boilerplate, a shared quote, another story...), and
    how many pairs of each label got linked."""
    from storytrace.engines.core import TraceOptions
    from storytrace.eval.links import RIGHT, read_labels, score_links
    from storytrace.store import Store
    from storytrace.store.corpus import CorpusIndex

    try:
        truth = read_labels(labels)
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    if db is not None and not db.is_file():
        raise fail(f"no store at {db}")
    with Store(db if db is not None else ":memory:") as store:
        if db is None:
            from storytrace.engines.local import trace_store
            from storytrace.pipeline import ingest

            with progress("tracing") as advance:
                ingest(corpus or ["../shared/data/fakenewsnet-v1-2018"], store,
                       on_record=advance)
                trace_store(store, TraceOptions(story_check=story_check_mode(story_check)),
                            progress=lambda *_: advance())
        index = CorpusIndex(store)
        ids = index.article_ids(index.all_seqs())
        links = [(ids[x.a_seq], ids[x.b_seq], x.kind) for x in index.links()]
    result = score_links(links, truth, closed) | {"labels": str(labels), "links": len(links)}
    if fmt is Format.json:
        print_json(result)
        return
    out.print(f"{len(links)} links scored against {len(truth)} labelled pairs ({labels})")
    for kind in ("reuse", "same_story", "shared_quote", "same_event"):
        r = result[kind]
        if kind == "same_event" and not r["labelled"]:
            continue
        low, high = r["interval"]
        wrong = ", ".join(f"{n} {label}" for label, n in sorted(r["labels"].items())
                          if label not in RIGHT[kind])
        out.print(f"{kind} links: precision {r['precision']:.3f} [{low:.3f}, {high:.3f}] "
                  f"({r['right']} of {r['labelled']} labelled)" + (f"; wrong: {wrong}"
                                                                   if wrong else ""))
    for label, n in result["linked"].items():
        out.print(f"  {label} pairs: {n['linked']} of {n['pairs']} linked "
                  f"({n['linked'] / n['pairs']:.0%}), {n['as_story']} joined into one story "
                  f"by a reuse or same-story link, {n['as_reuse']} as reuse")
    out.print(f"labelled pairs that deserved a link and got none: {result['missed']}; "
              f"links without a label: {result['unlabelled']}")


@bench_app.command("boilerplate")
def make_boilerplate_cmd(
    out_dir: Path = typer.Option(..., "--out", help="Folder for corpus.jsonl and LABELS.tsv."),
    semeval: Path = typer.Option(Path("../shared/data/semeval2022-task8/training_set.csv"),
                                 help="SemEval-2022 Task 8 CSV with the article texts."),
    outlets: int = typer.Option(10, min=2, help="Sites the articles are spread over."),
    copies: int = typer.Option(40, min=0, help="Planted copies (lightly edited)."),
    seed: int = typer.Option(7, help="Random seed (same seed and data, same set)."),
) -> None:
    """Build a real-news corpus whose sites print their own boilerplate, with planted
    copies and labelled pairs, to check that boilerplate makes no link
    (`storytrace eval links DIR/LABELS.tsv --corpus DIR/corpus.jsonl --closed`)."""
    from storytrace.eval.make_boilerplate import make_boilerplate_set

    if not semeval.is_file():
        raise fail(f"{semeval}: no such file")
    try:
        counts = make_boilerplate_set(semeval, out_dir, outlets=outlets, copies=copies,
                                      seed=seed)
    except (ValueError, KeyError) as exc:
        raise fail(f"{semeval}: {exc}") from None
    out.print(f"wrote {counts['articles']} articles on {counts['outlets']} sites to {out_dir}: "
              f"{counts.get('reuse', 0)} planted copies, {counts.get('same_story', 0)} "
              f"same-story and {counts.get('unrelated', 0)} unrelated labelled pairs")


@eval_app.command("align")
def eval_align(
    corpus: Path = typer.Argument(..., help="PAN folder: pairs, src/, susp/, truth."),
    fmt: Format = FormatOption,
    by_obfuscation: bool = typer.Option(False, "--by-obfuscation",
                                        help="Also score each obfuscation type."),
    out_dir: Path = typer.Option(None, "--out", help="Write detections as PAN XML here."),
    lexical: bool = LexicalOption,
) -> None:
    """PAN 2013 character-level precision, recall, granularity and plagdet."""
    from storytrace.align import Aligner
    from storytrace.eval.alignment import evaluate
    from storytrace.eval.pan import read_pairs

    if not (corpus / "pairs").is_file():
        raise fail(f"{corpus}: no 'pairs' file (expected a PAN text-alignment folder)")
    aligner = Aligner(semantic=not lexical and "auto")

    def measure() -> dict:
        with progress("aligning pairs", total=len(read_pairs(corpus))) as advance:
            return evaluate(corpus, aligner, by_obfuscation, out_dir, on_pair=advance)

    result = scored(measure, fmt, ())
    if result is None:
        return
    rows = {"all": result} | result.get("by_obfuscation", {})
    out.print(f"{result['corpus']}: {result['pairs']} pairs, "
              f"{'lexical + embeddings' if result['semantic'] else 'lexical only'}")
    out.print(score_table(rows, ("cases", "detections", "precision", "recall", "granularity",
                                  "plagdet")))


@eval_app.command("paraphrase")
def eval_paraphrase(
    path: Path = typer.Argument(..., help="MSRP TSV, or mt-metrics PAN pairs (e.g. .../pan-test)."),
    fmt: Format = FormatOption,
    lexical: bool = LexicalOption,
) -> None:
    """Accuracy and F1 of the sentence-level reuse decision."""
    from storytrace.align.paraphrase import ParaphraseScorer
    from storytrace.eval.paraphrase import evaluate

    result = scored(lambda: evaluate(path, ParaphraseScorer(semantic=not lexical and "auto")),
                    fmt)
    if result is None:
        return
    out.print(score_table({str(path): result}, tuple(
        k for k in ("n", "accuracy", "precision", "recall", "f1") if k in result)))
    out.print(f"model: {result.get('model', '?')}")


@bench_app.command("reuse")
def make_reuse(
    out_dir: Path = typer.Option(..., "--out", help="Folder to write the PAN-format set to."),
    sources: list[str] = typer.Option(None, "--from", help="Articles to draw from (any ingest "
                                      "format); default ../shared/data/fakenewsnet-v1-2018."),
    pairs: int = typer.Option(40, help="Pairs per obfuscation level."),
    negatives: int = typer.Option(40, help="Pairs with no reuse."),
    seed: int = typer.Option(13, help="Random seed (same seed, same set)."),
) -> None:
    """Build a PAN-format reuse set: none / light / reordered / heavy / summarised."""
    from storytrace.eval.make_reuse import make_reuse_set
    from storytrace.ingest import read_sources
    from storytrace.model import Article

    sources = sources or ["../shared/data/fakenewsnet-v1-2018"]
    texts = [r.text for r in read_sources(sources) if isinstance(r, Article)]
    try:
        counts = make_reuse_set(texts, out_dir, pairs, negatives, seed)
    except ValueError as exc:
        raise fail(str(exc)) from None
    out.print(f"wrote {sum(counts.values())} pairs to {out_dir}: "
              + ", ".join(f"{k} {v}" for k, v in counts.items()))


@eval_app.command("attribution")
def eval_attribution(
    corpus: Path = typer.Argument(..., help="PolNeAR brat folder: text/ and attributions/."),
    fmt: Format = FormatOption,
    rules_only: bool = typer.Option(False, "--rules-only",
                                    help="Do not use the trained span tagger."),
    lexical: bool = typer.Option(False, "--lexical",
                                 help="Use the word-feature tagger, not the contextual one "
                                      "(which needs the semantic extra)."),
) -> None:
    """Precision, recall and F1 of Source, Cue and Content spans (exact, overlap, token)."""
    from storytrace.eval.attribution import evaluate_attribution
    from storytrace.provenance.attribution import AttributionExtractor

    skipped: list[str] = []
    extractor = AttributionExtractor(use_tagger=not rules_only, semantic=not lexical and "auto")
    tagger = extractor.learned.name if extractor.learned is not None else "none"

    def measure() -> dict:
        result = evaluate_attribution(corpus, extract=extractor.extract,
                                      on_error=skipped.append) | {"tagger": tagger}
        for message in skipped:
            err.print(f"skipped: {message}")
        return result

    result = scored(measure, fmt)
    if result is None:
        return
    out.print(f"{corpus}: {result.get('documents', '?')} documents, "
              f"rules + tagger: {result['tagger']}")
    for mode in ("exact", "overlap", "token"):
        rows = {role: result[role][mode] for role in ("Source", "Cue", "Content")}
        out.print(f"{mode} match")
        out.print(score_table(rows, ("precision", "recall", "f1")))


@eval_app.command("similarity")
def eval_similarity(
    path: Path = typer.Argument(..., help="SemEval-2022 Task 8 CSV (text1, text2, Overall)."),
    fmt: Format = FormatOption,
    lexical: bool = LexicalOption,
    folds: int = typer.Option(5, help="Folds for the grouped cross-validation (0: skip)."),
) -> None:
    """Pearson of the same-story score against -Overall (official-id and English pairs)."""
    from storytrace.eval.similarity import evaluate_similarity
    from storytrace.stories import StorySimilarity

    result = scored(lambda: evaluate_similarity(
        path, StorySimilarity(semantic=not lexical and "auto"), folds=folds), fmt,
        (ValueError, OSError, KeyError))
    if result is None:
        return
    out.print(f"{path}: {result['pairs']} pairs, model {result['model']}")
    for name in ("cross_validated", "shipped_model"):
        if result.get(name):
            rows = {subset: result[name][subset] for subset in ("official", "english", "all")
                    if subset in result[name]}
            out.print(name.replace('_', ' '))
            out.print(score_table(rows, ("pairs", "pearson")))
    out.print("cross validated is the honest figure; the shipped model was trained on this file.")


@eval_app.command("clusters")
def eval_clusters(
    path: Path = typer.Argument(..., help="JSON lines with 'text' and gold 'cluster'."),
    fmt: Format = FormatOption,
    lexical: bool = LexicalOption,
) -> None:
    """Adjusted Rand index, NMI and B-cubed precision/recall/F1 of the stories `trace` makes."""
    from storytrace.eval.clusters import evaluate_clusters

    result = scored(lambda: evaluate_clusters(path, semantic=not lexical and "auto"), fmt)
    if result is None:
        return
    out.print(f"{path}: {result['items']} items, {result['gold_clusters']} gold clusters, "
              f"{result['predicted_clusters']} predicted ({result['in_stories']} items in "
              "stories of two or more)")
    out.print(score_table({"clusters": result}, (
        "ari", "nmi", "bcubed_precision", "bcubed_recall", "bcubed_f1")))
