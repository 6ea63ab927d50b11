"""`feedback users ...` and `feedback tokens ...`: staff accounts from the command line."""

from __future__ import annotations

import sys

import click

from feedback.auth import accounts, password_links, roles
from feedback.auth.roles import ROLES
from feedback.cli_support import load_settings, reports_errors, run_with_session
from feedback.errors import InvalidInput
from feedback.settings import Settings


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
@click.option(
    "--invite",
    is_flag=True,
    help="Choose no password: print a one-time link for the person to set their own.",
)
@reports_errors
def create(
    role: str, email: str, services: tuple[str, ...], password_stdin: bool, invite: bool
) -> None:
    """Create a staff account; asks for the password unless --password-stdin or --invite."""
    settings = load_settings()
    _require_service_for_scoped_role(role, services)
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not invite:
        password = _prompt_for_password()
    created = run_with_session(
        settings,
        lambda s: accounts.create_user(
            s, email=email, role=role, password=password, service_names=services
        ),
    )
    scope = f" for {', '.join(created.services)}" if created.services else ""
    click.echo(f"created {created.role} {created.email}{scope}")
    if password is None:
        _echo_link(settings, created.email, "set")
    click.echo("They set up two-factor sign-in at their first sign-in.")


def _prompt_for_password() -> str:
    """Ask at the terminal; with none (a script, a pipe) say what works instead of aborting."""
    if not sys.stdin.isatty():
        raise InvalidInput(
            "no terminal to ask for a password: pipe it in with --password-stdin, "
            "or use --invite to print a one-time link for the person to set their own"
        )
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _require_service_for_scoped_role(role: str, services: tuple[str, ...]) -> None:
    """Name the command-line option, not the form field, before asking for a password."""
    if role in roles.SCOPED and not services:
        raise InvalidInput("--service: a service manager needs at least one service")


def _echo_link(settings: Settings, email: str, purpose: str) -> None:
    link = run_with_session(
        settings,
        lambda s: password_links.issue_password_link(
            s, email=email, purpose=purpose, base_url=settings.public_base_url
        ),
    )
    click.echo(f"one-time link (shown once, until {link.expires_at:%Y-%m-%d %H:%M} UTC):")
    click.echo(link.url)


@users.command("set-role")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--service", "services", multiple=True, help="Service name (repeatable).")
@reports_errors
def set_role(email: str, role: str, services: tuple[str, ...]) -> None:
    """Change an account's role and service scope."""
    changed = run_with_session(
        load_settings(),
        lambda s: accounts.change_role(s, email=email, role=role, service_names=services),
    )
    scope = f" for {', '.join(changed.services)}" if changed.services else ""
    click.echo(f"{changed.email} is now {changed.role}{scope}")


@users.command("disable")
@click.option("--email", required=True)
@reports_errors
def disable(email: str) -> None:
    """Disable an account: its sessions end and its tokens stop working."""
    run_with_session(load_settings(), lambda s: accounts.set_active(s, email=email, active=False))
    click.echo(f"disabled {email}")


@users.command("enable")
@click.option("--email", required=True)
@reports_errors
def enable(email: str) -> None:
    """Enable a disabled account again."""
    run_with_session(load_settings(), lambda s: accounts.set_active(s, email=email, active=True))
    click.echo(f"enabled {email}")


@users.command("reset-password")
@click.option("--email", required=True)
@reports_errors
def reset_password(email: str) -> None:
    """End the account's sessions, void its password and print a one-time link to set one."""
    _echo_link(load_settings(), email, "reset")


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
