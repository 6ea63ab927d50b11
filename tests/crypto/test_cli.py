"""`feedback keys init | rotate | list | rewrap | destroy PERIOD` through click's runner."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from feedback.cli import main
from feedback.crypto.master import load_master_keys, master_key_id
from feedback.crypto.models import KeyPeriod
from feedback.crypto.periods import next_period_label, period_label
from feedback.db.base import utc_now
from feedback.db.engine import create_engine, session_factory
from feedback.settings import Settings
from tests.conftest import Cli, run_blocking

CURRENT = period_label(utc_now(), "quarter")
NEXT = next_period_label(utc_now(), "quarter")


async def _periods(settings: Settings) -> list[KeyPeriod]:
    engine = create_engine(settings)
    try:
        async with session_factory(engine)() as session:
            return list(await session.scalars(select(KeyPeriod).order_by(KeyPeriod.id)))
    finally:
        await engine.dispose()


def periods(settings: Settings) -> list[KeyPeriod]:
    return run_blocking(_periods(settings))


def assert_no_key_material(output: str, settings: Settings) -> None:
    for key in load_master_keys(settings).keys:
        assert base64.urlsafe_b64encode(key).decode() not in output
    for row in periods(settings):
        assert base64.b64encode(row.public_key).decode() not in output
        assert row.public_key.hex() not in output


def test_init_makes_the_current_and_next_key_pairs(cli: Cli, settings: Settings) -> None:
    result = cli("keys", "init")
    assert result.exit_code == 0, result.output
    assert f"kept {settings.key_file}" in result.output
    assert f"created key pair for period {CURRENT}" in result.output
    assert f"created key pair for period {NEXT}" in result.output
    assert [row.label for row in periods(settings)] == [CURRENT, NEXT]
    assert_no_key_material(result.output, settings)


def test_init_again_keeps_everything(cli: Cli, settings: Settings) -> None:
    cli("keys", "init")
    result = cli("keys", "init")
    assert result.exit_code == 0
    assert f"period {CURRENT} already has a key pair" in result.output
    assert len(periods(settings)) == 2


def test_init_creates_a_missing_key_file(cli: Cli, settings: Settings) -> None:
    assert settings.key_file is not None
    moved = settings.data_dir / "elsewhere.key"
    result = cli("keys", "init", env={"FEEDBACK_KEY_FILE": str(moved)})
    assert result.exit_code == 0, result.output
    assert f"created {moved} (mode 600" in result.output
    assert moved.stat().st_mode & 0o777 == 0o600


def test_rotate_is_idempotent(cli: Cli, settings: Settings) -> None:
    first = cli("keys", "rotate")
    second = cli("keys", "rotate")
    assert first.exit_code == second.exit_code == 0
    assert "created key pair" in first.output and "created" not in second.output
    assert len(periods(settings)) == 2


def test_list_shows_periods_and_master_key_ids(cli: Cli, settings: Settings) -> None:
    assert "no key periods yet" in cli("keys", "list").output
    cli("keys", "init")
    result = cli("keys", "list")
    assert result.exit_code == 0
    current_id = load_master_keys(settings).current_id
    lines = result.output.splitlines()
    assert lines[1].split()[:3] == [NEXT, "upcoming", current_id]
    assert lines[2].split()[:3] == [CURRENT, "current", current_id]
    assert_no_key_material(result.output, settings)


def test_destroy_asks_and_refusal_changes_nothing(cli: Cli, settings: Settings) -> None:
    cli("keys", "init")
    result = cli("keys", "destroy", CURRENT, input="n\n")
    assert result.exit_code == 1
    assert "unreadable for good" in result.output
    assert all(row.destroyed_at is None for row in periods(settings))


def test_destroy_on_confirmation(cli: Cli, settings: Settings) -> None:
    cli("keys", "init")
    result = cli("keys", "destroy", NEXT, input="y\n")
    assert result.exit_code == 0, result.output
    assert f"destroyed the opening key of period {NEXT}" in result.output
    destroyed = [row for row in periods(settings) if row.destroyed_at is not None]
    assert [(row.label, row.private_key_wrapped) for row in destroyed] == [(NEXT, None)]
    assert "destroyed" in cli("keys", "list").output


def test_destroy_yes_skips_the_question(cli: Cli, settings: Settings) -> None:
    cli("keys", "init")
    result = cli("keys", "destroy", CURRENT, "--yes")
    assert result.exit_code == 0
    assert "fresh key pair" in result.output


def test_destroy_unknown_period_is_one_line_error(cli: Cli, settings: Settings) -> None:
    result = cli("keys", "destroy", "1999-Q1", "--yes")
    assert result.exit_code == 1
    assert "no key period '1999-Q1'" in result.stderr


def test_rewrap_moves_to_a_new_first_key_then_the_old_can_go(cli: Cli, settings: Settings) -> None:
    assert settings.key_file is not None
    cli("keys", "init")
    old_line = settings.key_file.read_text().strip()
    new_line = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    settings.key_file.write_text(f"{new_line}\n{old_line}\n")
    result = cli("keys", "rewrap")
    assert result.exit_code == 0, result.output
    new_id = master_key_id(base64.urlsafe_b64decode(new_line))
    assert f"under master key {new_id}: re-wrapped 2 period key(s)" in result.output
    assert_no_key_material(result.output + result.stderr, settings)
    settings.key_file.write_text(f"{new_line}\n")
    listed = cli("keys", "list").output
    assert "not configured" not in listed and new_id in listed
    assert all(row.master_key_id == new_id for row in periods(settings))


def test_rewrap_without_the_old_key_stops_with_one_line(cli: Cli, settings: Settings) -> None:
    assert settings.key_file is not None
    cli("keys", "init")
    settings.key_file.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    result = cli("keys", "rewrap")
    assert result.exit_code == 1
    assert "not configured" in result.stderr
    assert "(not configured)" in cli("keys", "list").output


def test_init_on_a_fresh_embedded_default_builds_the_schema_too(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    unset = dict.fromkeys(["FEEDBACK_DATABASE_URL", "FEEDBACK_KEY_FILE", "FEEDBACK_MASTER_KEY"])
    result = CliRunner().invoke(
        main, ["keys", "init"], env={"FEEDBACK_DATA_DIR": str(data_dir), **unset}
    )
    assert result.exit_code == 0, result.output
    assert f"created {data_dir / 'master.key'}" in result.output
    assert f"created key pair for period {CURRENT}" in result.output
    assert data_dir.stat().st_mode & 0o777 == 0o700
