"""`feedback surveys ...`: validate, publish, list and compare survey definitions."""

from __future__ import annotations

from pathlib import Path

import click
import msgspec

from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.surveys import service
from feedback.surveys.core import CORE_FILE_NAME
from feedback.surveys.problems_cli import reports_problems

SURVEYS_DIR = Path("surveys")


def survey_files(paths: tuple[Path, ...]) -> list[Path]:
    """The given files, or every survey file in ./surveys (the core data set is not one)."""
    if paths:
        return list(paths)
    return [p for p in sorted(SURVEYS_DIR.glob("*.yaml")) if p.name != CORE_FILE_NAME]


@click.group()
def surveys() -> None:
    """Validate, publish, list and compare survey definitions."""


@surveys.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@reports_errors
@reports_problems
def validate(paths: tuple[Path, ...]) -> None:
    """Check survey files (default: every file in ./surveys) without publishing anything."""
    files = survey_files(paths)
    if not files:
        raise click.UsageError("no survey files given and none in ./surveys")
    for report in service.validate_surveys(files):
        click.echo(f"ok: {report.file} ({report.slug})")
        for warning in report.warnings:
            click.echo(f"  note: {warning}")


@surveys.command("publish")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@reports_errors
@reports_problems
def publish(paths: tuple[Path, ...]) -> None:
    """Publish survey files as new immutable versions (all of them, or none)."""
    outcomes = run_with_session(load_settings(), lambda s: service.publish_surveys(s, list(paths)))
    for outcome in outcomes:
        notice = outcome.consent
        if notice.status == "published":
            click.echo(f"consent notice {notice.slug}: published version {notice.version}")
        if outcome.status == "unchanged":
            click.echo(
                f"{outcome.slug}: unchanged, still version {outcome.version} "
                f"(sha256 {outcome.content_hash[:12]}); nothing published"
            )
        else:
            click.echo(
                f"{outcome.slug}: published version {outcome.version} "
                f"(sha256 {outcome.content_hash[:12]}, consent notice {notice.slug} "
                f"v{notice.version})"
            )


@surveys.command("list")
@reports_errors
def list_() -> None:
    """List published surveys with their latest version."""
    rows = run_with_session(load_settings(), service.list_surveys)
    if not rows:
        click.echo("no surveys published yet")
    for row in rows:
        day = row.published_at.date().isoformat()
        click.echo(f"{row.slug}\tv{row.latest_version}\t{row.kind}\t{day}\t{row.title}")


@surveys.command("versions")
@click.argument("slug")
@reports_errors
def versions(slug: str) -> None:
    """List every version of a survey."""
    rows = run_with_session(load_settings(), lambda s: service.list_versions(s, slug))
    for row in rows:
        click.echo(
            f"v{row.version}\t{row.published_at.isoformat(timespec='seconds')}\t"
            f"{row.content_hash}\tconsent {row.consent_slug} v{row.consent_version}"
        )


@surveys.command("show")
@click.argument("slug")
@click.argument("version", type=click.IntRange(min=1))
@reports_errors
def show(slug: str, version: int) -> None:
    """Print a published version's full definition as JSON."""
    detail = run_with_session(load_settings(), lambda s: service.get_version(s, slug, version))
    click.echo(msgspec.json.format(msgspec.json.encode(detail), indent=2))


@surveys.command("diff")
@click.argument("slug")
@click.argument("old", type=click.IntRange(min=1))
@click.argument("new", type=click.IntRange(min=1))
@reports_errors
def diff(slug: str, old: int, new: int) -> None:
    """Show what changed in SLUG from version OLD to version NEW."""
    result = run_with_session(load_settings(), lambda s: service.diff_versions(s, slug, old, new))
    click.echo(f"{slug}: version {old} → version {new}")
    if not result.changes:
        click.echo("no differences")
    for line in result.changes:
        click.echo(line)
