"""What every `feedback` verb shares: read the settings, report a FeedbackError as one line,
run a coroutine on a fresh database session.

The command group (`feedback.cli`) and each domain's `cli` module import these; this module
imports no command, so the group can import every domain's commands without a circle.
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

__all__ = ["load_settings", "reports_errors", "run_with_session"]

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
