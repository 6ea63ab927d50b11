"""`feedback themes ...`: tagger quality on a labelled file, and re-tagging stored responses."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.cli import load_settings, reports_errors, run_with_session
from feedback.crypto.master import load_master_keys
from feedback.themes.evaluation import Evaluation, evaluate, read_records

__all__ = ["themes"]


@click.group()
def themes() -> None:
    """Theme tagging: evaluate the tagger on labelled feedback."""


def _table(result: Evaluation) -> str:
    lines = [
        f"{'theme':<28} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
        *(
            f"{theme_id:<28} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f} {s.support:>8}"
            for theme_id, s in result.per_theme.items()
        ),
        "",
        f"records               {result.records} ({result.scored_records} scored for themes)",
        f"macro-F1              {result.macro_f1:.3f}   (target >= 0.75)",
        f"danger recall         {result.danger_recall:.3f}   (target 1.0)",
        f"danger precision      {result.danger_precision:.3f}   (target >= 0.8)",
        f"PII recall            {result.pii_recall:.3f}   (target >= 0.95, "
        f"{result.pii_spans} spans)",
        f"sentiment accuracy    {result.sentiment_accuracy:.3f}",
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
