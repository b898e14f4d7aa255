"""`storytrace eval clickbait|hyperpartisan|propaganda`: the framing models on public data.

Call :func:`register` with the ``eval`` Typer app to add the three commands.
"""

from __future__ import annotations

from pathlib import Path

import typer

from storytrace.cli.articles import FormatOption
from storytrace.cli.output import Format, out, score_table, scored


def eval_clickbait(
    path: Path = typer.Argument(..., help="Chakraborty folder (clickbait_data.gz, "
                                "non_clickbait_data.gz) or Webis-17 JSON/JSONL file."),
    fmt: Format = FormatOption,
) -> None:
    """Clickbait: accuracy/F1 (Chakraborty) or MSE against truthMean, accuracy/F1 (Webis).

    Only items the shipped model was not trained on are scored (the held-out 20%
    of the ../shared files; all of a file kept apart).
    """
    from storytrace.eval.framing import evaluate_clickbait

    result = scored(lambda: evaluate_clickbait(path), fmt)
    if result is None:
        return
    out.print(f"{path}: {result['dataset']}, {result['n']} items scored "
              f"({result['skipped_trained']} skipped: seen in training)")
    if result["dataset"] == "chakraborty":
        rows = {"shipped": result, "model only": result["model_only"]}
        out.print(score_table(rows, ("accuracy", "precision", "recall", "f1")))
    else:
        out.print(score_table({"strength": result},
                         ("mse", "accuracy", "precision", "recall", "f1")))
        out.print(f"MSE of always predicting the mean: {result['mse_of_predicting_mean']}")


def eval_hyperpartisan(
    folder: Path = typer.Argument(..., help="Folder with articles*.xml and ground-truth*.xml."),
    fmt: Format = FormatOption,
    folds: int = typer.Option(5, min=2, help="Cross-validation folds."),
    seed: int = typer.Option(0, help="Seed of the fold shuffle."),
) -> None:
    """Hyperpartisan: accuracy, precision, recall and F1 under stratified k-fold CV."""
    from storytrace.eval.framing import evaluate_hyperpartisan

    result = scored(lambda: evaluate_hyperpartisan(folder, folds=folds, seed=seed), fmt)
    if result is None:
        return
    out.print(f"{folder}: {result['articles']} articles ({result['hyperpartisan']} "
              f"hyperpartisan), {folds}-fold CV, seed {seed}")
    out.print(score_table({"cross-validated": result}, ("accuracy", "precision", "recall", "f1")))


def eval_propaganda(
    folder: Path = typer.Argument(..., help="PTC folder: articles/ and labels-SI/."),
    fmt: Format = FormatOption,
) -> None:
    """Propaganda spans: SemEval-2020 Task 11 span-identification precision, recall, F1.

    Only articles the shipped tagger was not trained on are scored.
    """
    from storytrace.eval.framing import evaluate_propaganda

    result = scored(lambda: evaluate_propaganda(folder), fmt)
    if result is None:
        return
    out.print(f"{folder}: {result['n']} articles scored ({result['skipped_trained']} skipped: "
              f"seen in training)")
    rows = {"tagger + lexicon": result["with_lexicon"], "tagger only": result["model_only"]}
    out.print(score_table(rows, ("predicted", "gold", "precision", "recall", "f1")))


def register(eval_app: typer.Typer) -> None:
    """Add ``clickbait``, ``hyperpartisan`` and ``propaganda`` to the ``eval`` app."""
    eval_app.command("clickbait")(eval_clickbait)
    eval_app.command("hyperpartisan")(eval_hyperpartisan)
    eval_app.command("propaganda")(eval_propaganda)
