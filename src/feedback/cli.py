"""The `feedback` command: each verb reads Settings.from_env() and calls a service function.

A FeedbackError becomes one line on stderr and exit status 1; nothing else is caught, so a
real bug still shows its traceback to the operator at the terminal.
"""

from __future__ import annotations

import click

from feedback.auth.cli import tokens, users
from feedback.cli_support import load_settings, reports_errors
from feedback.consent.cli import consent
from feedback.consultations.cli import rounds, schools
from feedback.crypto.cli import keys
from feedback.links.cli import links_group
from feedback.organisations.cli import services
from feedback.sms.cli import sms
from feedback.surveys.cli import surveys
from feedback.themes.cli import themes


@click.group()
def main() -> None:
    """Survivor feedback and consultation platform."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@reports_errors
def serve(host: str, port: int) -> None:
    """Run the web service; on the embedded default, create keys and upgrade the schema first."""
    from feedback.serving import run_web

    run_web(load_settings(), host=host, port=port)


@main.command()
@reports_errors
def worker() -> None:
    """Run the background worker (arq on FEEDBACK_REDIS_URL)."""
    from feedback.worker import run_worker

    run_worker(load_settings())


@main.group()
def db() -> None:
    """Apply or roll back database migrations."""


@db.command("upgrade")
@click.argument("revision", default="head")
@reports_errors
def db_upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    from feedback.db.migrate import upgrade

    upgrade(load_settings(), revision)
    click.echo(f"database upgraded to {revision}")


@db.command("downgrade")
@click.argument("revision", default="-1")
@reports_errors
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (default: one step back; `base` empties it)."""
    from feedback.db.migrate import downgrade

    downgrade(load_settings(), revision)
    click.echo(f"database downgraded to {revision}")


def _register_domain_commands() -> None:
    for command in (
        users,
        tokens,
        services,
        keys,
        surveys,
        consent,
        links_group,
        themes,
        sms,
        rounds,
        schools,
    ):
        main.add_command(command)


_register_domain_commands()
