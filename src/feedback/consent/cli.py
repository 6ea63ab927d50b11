"""`feedback consent ...`: validate, publish and list consent notices."""

from __future__ import annotations

from pathlib import Path

import click

from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.consent import service
from feedback.surveys.problems_cli import reports_problems

CONSENT_DIR = Path("consent")


def notice_folders(paths: tuple[Path, ...]) -> list[Path]:
    """The given folders, or every notice folder in ./consent."""
    if paths:
        return list(paths)
    return sorted(p for p in CONSENT_DIR.iterdir() if p.is_dir()) if CONSENT_DIR.is_dir() else []


@click.group()
def consent() -> None:
    """Validate, publish and list consent notices (a folder per notice, a file per language)."""


@consent.command("validate")
@click.argument("folders", nargs=-1, type=click.Path(path_type=Path))
@reports_errors
@reports_problems
def validate(folders: tuple[Path, ...]) -> None:
    """Check notice folders (default: every folder in ./consent)."""
    for notice in service.validate_notices(notice_folders(folders)):
        click.echo(f"ok: {notice.slug} ({notice.audience}; {', '.join(sorted(notice.languages))})")


@consent.command("publish")
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@reports_errors
@reports_problems
def publish(folders: tuple[Path, ...]) -> None:
    """Publish notice folders as new immutable versions (all of them, or none)."""
    outcomes = run_with_session(
        load_settings(), lambda s: service.publish_notices(s, list(folders))
    )
    for outcome in outcomes:
        if outcome.status == "unchanged":
            click.echo(f"{outcome.slug}: unchanged, still version {outcome.version}")
        else:
            click.echo(f"{outcome.slug}: published version {outcome.version}")


@consent.command("list")
@reports_errors
def list_() -> None:
    """List published consent notices with their latest version."""
    for row in run_with_session(load_settings(), service.list_notices):
        click.echo(f"{row.slug}\tv{row.latest_version}\t{row.audience}\t{','.join(row.languages)}")
