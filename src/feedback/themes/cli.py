"""`feedback themes ...`: tagger quality on a labelled file, and re-tagging stored responses."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.crypto.master import load_master_keys
from feedback.themes.evaluation import Evaluation, evaluate, read_records

__all__ = ["themes"]


@click.group()
def themes() -> None:
    """Theme tagging: train, cross-validate and evaluate the tagger; re-tag responses."""


def _table(result: Evaluation) -> str:
    lines = [
        f"{'theme':<28} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
        *(
            f"{theme_id:<28} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f} {s.support:>8}"
            for theme_id, s in result.per_theme.items()
        ),
        "",
        f"records               {result.records} ({result.scored_records} scored for themes)",
        f"macro-F1              {result.macro_f1:.3f}   (target >= 0.78)",
        f"danger recall         {result.danger_recall:.3f}   (target >= 0.98)",
        f"danger precision      {result.danger_precision:.3f}   (target >= 0.6)",
        f"PII recall            {result.pii_recall:.3f}   (target >= 0.98, "
        f"{result.pii_spans} spans)",
        f"over-redaction        {result.over_redaction:.4f}   (non-personal words removed)",
        f"sentiment accuracy    {result.sentiment_accuracy:.3f}   (target >= 0.72)",
        f"non-English to review {result.non_english_sent_to_review}/{result.non_english_records}"
        f"   (English sent to review: {result.english_sent_to_review})",
    ]
    return "\n".join(lines)


@themes.command("evaluate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@reports_errors
def evaluate_command(file: Path, as_json: bool) -> None:
    """Score the tagger on FILE, a JSONL file of labelled feedback."""
    result = evaluate(read_records(file))
    click.echo(msgspec.json.encode(result).decode() if as_json else _table(result))


DEFAULT_DATA = (Path("../shared/data/training"), Path("../shared/data/feedback_dev.jsonl"))
_DATA_HELP = (
    "A labelled .jsonl file, or a folder of them; each file is one corpus (repeatable; "
    "default: ../shared/data/training and ../shared/data/feedback_dev.jsonl)."
)


def _data_option(command: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--data", "data", multiple=True, type=click.Path(path_type=Path), help=_DATA_HELP
    )(command)


def _progress(label: str, length: int) -> Any:
    return click.progressbar(length=length, label=label, file=sys.stderr)


def _fold_line(name: str, result: Evaluation, threshold: float) -> str:
    return (
        f"{name:<16} {result.macro_f1:>8.3f} {result.danger_recall:>8.3f} "
        f"{result.danger_precision:>8.3f} {result.pii_recall:>6.3f} "
        f"{result.sentiment_accuracy:>9.3f} {threshold:>9.3f}"
    )


@themes.command("train")
@_data_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the model (default: the one shipped in the package).",
)
@click.option("--seed", type=int, default=None, help="Random seed (default 17).")
@reports_errors
def train_command(data: tuple[Path, ...], out: Path | None, seed: int | None) -> None:
    """Train the theme, sentiment and danger models from labelled files."""
    from feedback.themes.learned import model_path
    from feedback.themes.training import SEED, data_digest, fits_needed, read_corpora, train

    paths = list(data) or list(DEFAULT_DATA)
    corpora = read_corpora(paths)
    with _progress("Training", fits_needed(corpora)) as bar:
        model, folds = train(
            corpora,
            seed=SEED if seed is None else seed,
            digest=data_digest(paths),
            progress=bar.update,
        )
    target = out or Path(str(model_path()))
    content = model.to_bytes()
    partial = target.with_suffix(".partial")
    partial.write_bytes(content)
    partial.replace(target)  # atomic: a process starting now reads the old or the new model
    click.echo(
        f"wrote {target} ({len(content) / 1e6:.2f} MB, {model.version}) from "
        f"{model.meta.records} records in {len(corpora)} file(s); thresholds from "
        f"{len(folds)} left-out splits; danger threshold {model.meta.danger_threshold:.3f}"
    )


@themes.command("cross-validate")
@_data_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@reports_errors
def cross_validate_command(data: tuple[Path, ...], as_json: bool) -> None:
    """Leave each labelled file out in turn, train on the rest and score on it."""
    from feedback.themes.crossval import cross_validate
    from feedback.themes.training import SEED, read_corpora, steps_per_fit

    corpora = read_corpora(list(data) or list(DEFAULT_DATA))
    length = max(len(corpora), 5 if len(corpora) < 3 else 0) * steps_per_fit()
    with _progress("Cross-validating", length) as bar:
        result = cross_validate(corpora, seed=SEED, progress=bar.update)
    if as_json:
        click.echo(msgspec.json.encode(result).decode())
        return
    for fold in result.folds:
        click.echo(f"== left out: {fold.corpus}")
        click.echo(_table(fold.evaluation))
        click.echo("")
    click.echo(
        f"{'left out':<16} {'macro-F1':>8} {'danger R':>8} {'danger P':>8} "
        f"{'PII R':>6} {'sentiment':>9} {'threshold':>9}"
    )
    for fold in result.folds:
        click.echo(_fold_line(fold.corpus, fold.evaluation, fold.danger_threshold))
    mean = result.mean
    click.echo(
        f"{'mean':<16} {mean['macro_f1']:>8.3f} {mean['danger_recall']:>8.3f} "
        f"{mean['danger_precision']:>8.3f} {mean['pii_recall']:>6.3f} "
        f"{mean['sentiment_accuracy']:>9.3f}"
    )
    click.echo(
        "targets: mean macro-F1 >= 0.78, danger recall >= 0.98 with precision >= 0.6, "
        "PII recall >= 0.98, sentiment >= 0.72; every file macro-F1 >= 0.70, danger recall >= 0.95"
    )


@themes.command("retag")
@click.option("--survey", "survey_slug", default=None, help="Only this survey's responses.")
@reports_errors
def retag_command(survey_slug: str | None) -> None:
    """Re-run tagging on stored responses (after a taxonomy change); human decisions stay."""
    from feedback.themes.retag import RetagSummary, response_ids, retag_responses

    settings = load_settings()
    master_keys = load_master_keys(settings)

    async def work(session: AsyncSession) -> RetagSummary:
        ids = await response_ids(session, survey_slug)
        with click.progressbar(length=len(ids), label="Re-tagging", file=sys.stderr) as bar:
            return await retag_responses(
                session,
                ids,
                master_keys=master_keys,
                suppression_threshold=settings.suppression_threshold,
                progress=bar.update,
            )

    summary = run_with_session(settings, work)
    click.echo(
        f"{summary.responses} responses re-tagged, {summary.changed} with changed tags, "
        f"{summary.unreadable} unreadable (period key destroyed)"
    )
    for theme_id in sorted(set(summary.added) | set(summary.removed)):
        click.echo(
            f"  {theme_id}: +{summary.added.get(theme_id, 0)} -{summary.removed.get(theme_id, 0)}"
        )
