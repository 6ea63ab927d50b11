"""`feedback services ...`: manage the partnership's services."""

from __future__ import annotations

import click

from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.organisations import service as organisations


@click.group()
def services() -> None:
    """Add and list services."""


@services.command("add")
@click.argument("name")
@click.option(
    "--borough",
    "boroughs",
    multiple=True,
    required=True,
    help="Borough slug: hammersmith-fulham, kensington-chelsea or westminster. Repeatable.",
)
@reports_errors
def add(name: str, boroughs: tuple[str, ...]) -> None:
    """Add a service NAME in one or more boroughs."""
    created = run_with_session(
        load_settings(), lambda s: organisations.add_service(s, name, boroughs=boroughs)
    )
    click.echo(f"service {created.name!r} added ({', '.join(created.boroughs)})")


@services.command("list")
@reports_errors
def list_() -> None:
    """List services and their boroughs."""
    for row in run_with_session(load_settings(), organisations.list_services):
        click.echo(f"{row.name}\t{','.join(row.boroughs)}")
