"""`feedback keys ...`: master keys and the sealing/opening key pair of each period.

Nothing here prints key material: only period labels, statuses, counts and master key ids.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.crypto import service
from feedback.crypto.schemas import KeysRotated

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


@click.group()
def keys() -> None:
    """Create, list, re-wrap and destroy key material."""


@keys.command("init")
@reports_errors
def init() -> None:
    """Create the master key file (unless FEEDBACK_MASTER_KEY is set) and this period's keys.

    Safe to run again: existing keys are kept and only what is missing is created. On the
    embedded SQLite default the schema is upgraded first, as `feedback serve` does.
    """
    settings = load_settings()
    if settings.is_sqlite:  # the embedded default: like `feedback serve`, bring the schema up
        from feedback.db.migrate import upgrade

        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        upgrade(settings)
    done = run_with_session(settings, lambda s: service.init_keys(s, settings=settings))
    current = done.master_key_ids[0]
    if done.master_key_source == "environment":
        click.echo(
            f"master keys from FEEDBACK_MASTER_KEY: {len(done.master_key_ids)} (current {current})"
        )
    elif done.key_file_created:
        click.echo(
            f"created {done.key_file} (mode 600, master key {current}); back it up somewhere safe"
        )
    else:
        click.echo(
            f"kept {done.key_file}: {len(done.master_key_ids)} master key(s), current {current}"
        )
    _echo_periods(done.periods)


@keys.command("rotate")
@reports_errors
def rotate() -> None:
    """Create key pairs for the current and the next period where they are missing."""
    settings = load_settings()
    _echo_periods(run_with_session(settings, lambda s: service.rotate_keys(s, settings=settings)))


def _echo_periods(done: KeysRotated) -> None:
    for label in done.created:
        click.echo(
            f"created key pair for period {label} (wrapped by master key {done.master_key_id})"
        )
    for label in done.existing:
        click.echo(f"period {label} already has a key pair")


@keys.command("list")
@reports_errors
def list_() -> None:
    """List key periods: status, which master key wraps each, when made and destroyed."""
    settings = load_settings()
    rows = run_with_session(settings, lambda s: service.list_key_periods(s, settings=settings))
    if not rows:
        click.echo("no key periods yet; run `feedback keys init`")
        return
    click.echo(f"{'period':<10} {'status':<10} {'master key':<24} {'created':<11} destroyed")
    for row in rows:
        master = row.master_key_id or "-"
        if row.master_key_id and not row.master_key_configured:
            master += " (not configured)"
        destroyed = f"{row.destroyed_at:%Y-%m-%d}" if row.destroyed_at else "-"
        click.echo(
            f"{row.label:<10} {row.status:<10} {master:<24} {row.created_at:%Y-%m-%d}  {destroyed}"
        )


@keys.command("rewrap")
@reports_errors
def rewrap() -> None:
    """Re-wrap every private key and TOTP secret under the current (first) master key.

    Run it after putting a new master key first; remove the old key only once this is done.
    """
    settings = load_settings()
    total = run_with_session(settings, service.count_wrapped_secrets)
    bar: ProgressBar[int]
    with click.progressbar(length=total, label="re-wrapping", file=sys.stderr) as bar:
        done = run_with_session(
            settings, lambda s: service.rewrap_keys(s, settings=settings, progress=bar.update)
        )
    click.echo(
        f"under master key {done.master_key_id}: re-wrapped {done.periods_rewrapped} period "
        f"key(s) ({done.periods_already_current} already current) and "
        f"{done.secrets_rewrapped} two-factor secret(s) ({done.secrets_already_current} "
        "already current)"
    )
    if done.secrets_unreadable:
        click.echo(
            f"warning: {done.secrets_unreadable} two-factor secret(s) open with no "
            "configured master key; those people must set up two-factor sign-in again",
            err=True,
        )


@keys.command("destroy")
@click.argument("period")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def destroy(period: str, yes: bool) -> None:
    """Destroy PERIOD's opening key: its responses can never be read again (counters stay)."""
    settings = load_settings()
    if not yes:
        click.confirm(
            f"Destroy the opening key of period {period}? Every response sealed in it becomes "
            "unreadable for good; counts and reports are kept.",
            abort=True,
        )
    done = run_with_session(
        settings, lambda s: service.destroy_period(s, period, settings=settings)
    )
    if done.already_destroyed:
        click.echo(f"period {period} was already destroyed on {done.destroyed_at:%Y-%m-%d}")
        return
    click.echo(f"destroyed the opening key of period {period}; its responses can no longer be read")
    if done.replaced:
        click.echo(f"period {period} has a fresh key pair for responses from now on")
