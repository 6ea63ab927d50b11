"""The `feedback` command: each verb reads Settings.from_env() and calls a service function.

A FeedbackError becomes one line on stderr and exit status 1; nothing else is caught, so a
real bug still shows its traceback to the operator at the terminal.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import click

from feedback import clock
from feedback.errors import FeedbackError
from feedback.settings import Settings

P = ParamSpec("P")
T = TypeVar("T")


def reports_errors(function: Callable[P, T]) -> Callable[P, T]:
    """Turn a FeedbackError into one clear line and exit status 1."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return function(*args, **kwargs)
        except FeedbackError as error:
            click.echo(f"error: {error.message}", err=True)
            sys.exit(1)

    return wrapper


def load_settings() -> Settings:
    """The settings of this process; FEEDBACK_CLOCK_START sets its clock running from then."""
    try:
        settings = Settings.from_env()
    except FeedbackError as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(2)
    if settings.clock_start:
        clock.start_at(clock.parse_instant(settings.clock_start))
    return settings


def run_with_session(settings: Settings, work: Callable[[Any], Coroutine[Any, Any, T]]) -> T:
    """Run `work(session)` on a fresh engine, disposing of it afterwards."""
    from feedback.db.engine import create_engine, session_factory

    async def main() -> T:
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


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
    from feedback.auth.cli import tokens, users
    from feedback.consent.cli import consent
    from feedback.crypto.cli import keys
    from feedback.links.cli import links_group
    from feedback.organisations.cli import services
    from feedback.surveys.cli import surveys
    from feedback.themes.cli import themes

    for command in (users, tokens, services, keys, surveys, consent, links_group):
        main.add_command(command)
    main.add_command(themes)
    from feedback.sms.cli import sms

    main.add_command(sms)
    from feedback.consultations.cli import rounds, schools

    main.add_command(rounds)
    main.add_command(schools)


_register_domain_commands()
