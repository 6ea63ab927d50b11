"""`feedback users` and `tokens` through click's runner: exit codes, one-line errors,
and nothing created when a command is refused."""

from __future__ import annotations

import asyncio

from click.testing import Result

from feedback.auth.accounts import staff_for_token
from feedback.auth.models import ApiToken, StaffUser
from feedback.db.engine import create_engine, session_factory
from feedback.settings import Settings
from tests.conftest import Cli
from tests.factories import PASSWORD
from tests.support.cli import assert_one_line_error, count

EMAIL = "lead@example.org"


def create_user(cli: Cli, *args: str, password: str = PASSWORD) -> Result:
    return cli("users", "create", *args, "--password-stdin", input=password + "\n")


def test_users_create_makes_a_lead(cli: Cli, settings: Settings) -> None:
    result = create_user(cli, "--role", "lead", "--email", EMAIL)

    assert result.exit_code == 0, result.output
    assert f"created lead {EMAIL}" in result.stdout
    assert PASSWORD not in result.output
    assert count(settings, StaffUser) == 1


def test_tokens_create_prints_a_token_that_works(cli: Cli, settings: Settings) -> None:
    create_user(cli, "--role", "lead", "--email", EMAIL)

    result = cli("tokens", "create", "--email", EMAIL)

    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "\n" not in token and token.startswith("fbk_")

    async def who() -> str:
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                return (await staff_for_token(session, token)).email
        finally:
            await engine.dispose()

    assert asyncio.run(who()) == EMAIL


def test_tokens_create_for_an_unknown_account_fails_and_creates_nothing(
    cli: Cli, settings: Settings
) -> None:
    message = assert_one_line_error(cli("tokens", "create", "--email", "nobody@example.org"))

    assert "nobody@example.org" in message
    assert count(settings, ApiToken) == 0


def test_service_manager_is_scoped_to_the_named_service(cli: Cli, settings: Settings) -> None:
    cli("services", "add", "Advocacy Service", "--borough", "westminster")

    result = create_user(
        cli,
        "--role",
        "service_manager",
        "--email",
        "manager@example.org",
        "--service",
        "Advocacy Service",
    )

    assert result.exit_code == 0, result.output
    assert "for Advocacy Service" in result.stdout


def test_unknown_role_is_a_usage_error_and_creates_nothing(cli: Cli, settings: Settings) -> None:
    result = create_user(cli, "--role", "admin", "--email", EMAIL)

    assert result.exit_code == 2
    assert "--role" in result.stderr and "admin" in result.stderr
    assert count(settings, StaffUser) == 0


def test_service_manager_without_a_service_fails_and_creates_nothing(
    cli: Cli, settings: Settings
) -> None:
    message = assert_one_line_error(
        create_user(cli, "--role", "service_manager", "--email", "manager@example.org")
    )

    assert "--service" in message
    assert count(settings, StaffUser) == 0


def test_service_manager_with_an_unknown_service_fails_and_creates_nothing(
    cli: Cli, settings: Settings
) -> None:
    message = assert_one_line_error(
        create_user(
            cli,
            "--role",
            "service_manager",
            "--email",
            "manager@example.org",
            "--service",
            "No Such Service",
        )
    )

    assert "No Such Service" in message
    assert count(settings, StaffUser) == 0


def test_short_password_fails_and_creates_nothing(cli: Cli, settings: Settings) -> None:
    message = assert_one_line_error(
        create_user(cli, "--role", "lead", "--email", EMAIL, password="short")
    )

    assert "password" in message and "12" in message
    assert "short" not in message.replace("password", "")
    assert count(settings, StaffUser) == 0


def test_duplicate_email_fails_and_keeps_one_account(cli: Cli, settings: Settings) -> None:
    create_user(cli, "--role", "lead", "--email", EMAIL)

    message = assert_one_line_error(create_user(cli, "--role", "analyst", "--email", EMAIL.upper()))

    assert EMAIL in message and "exists" in message
    assert count(settings, StaffUser) == 1
