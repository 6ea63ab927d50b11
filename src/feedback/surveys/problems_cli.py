"""How the CLI shows definition problems: every problem on its own line, then exit 1."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click

from feedback.surveys.errors import SurveyInvalid

P = ParamSpec("P")
T = TypeVar("T")


def reports_problems(function: Callable[P, T]) -> Callable[P, T]:
    """List every located problem of a SurveyInvalid (an author fixes them in one pass)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return function(*args, **kwargs)
        except SurveyInvalid as error:
            for problem in error.problems:
                click.echo(f"error: {problem}", err=True)
            click.echo(f"{len(error.problems)} problem(s); nothing was published.", err=True)
            sys.exit(1)

    return wrapper
