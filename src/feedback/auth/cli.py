"""`feedback users ...` and `feedback tokens ...`: staff accounts from the command line."""

from __future__ import annotations

import sys

import click

from feedback.auth import accounts
from feedback.auth.models import ROLES
from feedback.cli import load_settings, reports_errors, run_with_session


@click.group()
def users() -> None:
    """Create staff accounts."""


@users.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--email", required=True)
@click.option(
    "--service",
    "services",
    multiple=True,
    help="Service name (repeatable); scopes a service manager.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@reports_errors
def create(role: str, email: str, services: tuple[str, ...], password_stdin: bool) -> None:
    """Create a staff account; asks for the password unless --password-stdin is given."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    created = run_with_session(
        load_settings(),
        lambda s: accounts.create_user(
            s, email=email, role=role, password=password, service_names=services
        ),
    )
    scope = f" for {', '.join(created.services)}" if created.services else ""
    click.echo(f"created {created.role} {created.email}{scope}")
    click.echo("They set up two-factor sign-in at their first sign-in.")


@click.group()
def tokens() -> None:
    """Create and revoke API bearer tokens."""


@tokens.command("create")
@click.option("--email", required=True)
@reports_errors
def create_token(email: str) -> None:
    """Print a new API bearer token for an account; it is shown this once only."""
    token = run_with_session(load_settings(), lambda s: accounts.create_api_token(s, email=email))
    click.echo(token)


@tokens.command("revoke")
@click.option("--email", required=True)
@reports_errors
def revoke_tokens(email: str) -> None:
    """Revoke every API token of an account."""
    count = run_with_session(load_settings(), lambda s: accounts.revoke_api_tokens(s, email=email))
    click.echo(f"revoked {count} token(s) for {email}")
