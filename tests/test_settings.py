from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.errors import SettingsInvalid
from feedback.settings import Settings


def test_no_configuration_means_sqlite_under_var() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite+aiosqlite:///var/feedback.db"
    assert settings.redis_url is None
    assert settings.key_file == Path("var/master.key")
    assert settings.suppression_threshold == 5


def test_data_dir_moves_database_and_key_file() -> None:
    settings = Settings.from_env({"FEEDBACK_DATA_DIR": "/srv/feedback"})
    assert settings.database_url == "sqlite+aiosqlite:////srv/feedback/feedback.db"
    assert settings.key_file == Path("/srv/feedback/master.key")


def test_plain_postgresql_url_gets_the_async_driver() -> None:
    settings = Settings.from_env({"FEEDBACK_DATABASE_URL": "postgresql://u@db/feedback"})
    assert settings.database_url == "postgresql+asyncpg://u@db/feedback"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("FEEDBACK_SUPPRESSION_THRESHOLD", "2", "between 3 and 100"),
        ("FEEDBACK_SUPPRESSION_THRESHOLD", "five", "whole number"),
        ("FEEDBACK_DATABASE_URL", "mysql://x", "must start with"),
        ("FEEDBACK_REDIS_URL", "http://localhost", "redis://"),
        ("FEEDBACK_PUBLIC_BASE_URL", "example.org", "absolute"),
        ("FEEDBACK_SESSION_IDLE_MINUTES", "0", "between 1 and 1440"),
        ("FEEDBACK_LOG_LEVEL", "LOUD", "one of"),
        ("FEEDBACK_MASTER_KEY", "c2hvcnQga2V5", "32 bytes"),
        ("FEEDBACK_EXIT_SITES", "http://evil.example", "https://"),
        ("FEEDBACK_EXIT_SITES", " , ", "at least one"),
        ("FEEDBACK_RESPONDENT_TITLE", "x" * 61, "1 to 60"),
        ("FEEDBACK_CARD_HELP_LINE", "x" * 201, "1 to 200"),
        ("FEEDBACK_JOIN_ATTEMPTS_PER_HOUR", "0", "between 1"),
        ("FEEDBACK_KEY_PERIOD", "fortnight", "one of"),
    ],
)
def test_bad_value_names_the_variable_and_the_problem(name: str, value: str, words: str) -> None:
    with pytest.raises(SettingsInvalid) as caught:
        Settings.from_env({name: value})
    assert caught.value.message.startswith(f"{name}: ")
    assert words in caught.value.message
    assert "\n" not in caught.value.message


def test_rounding_to_five_is_refused_with_the_reason() -> None:
    with pytest.raises(SettingsInvalid) as caught:
        Settings.from_env({"FEEDBACK_REPORT_ROUNDING": "ROUND5"})
    assert caught.value.message.startswith("FEEDBACK_REPORT_ROUNDING: round5 was removed")
    assert "combined" in caught.value.message and "use suppress" in caught.value.message
    with pytest.raises(SettingsInvalid, match="round5 was removed"):
        Settings(report_rounding="round5")  # built directly, as tests and tools do


def test_suppress_is_still_accepted_and_the_default() -> None:
    assert (
        Settings.from_env({"FEEDBACK_REPORT_ROUNDING": " Suppress "}).report_rounding == "suppress"
    )
    assert Settings.from_env({}).report_rounding == "suppress"
    with pytest.raises(SettingsInvalid, match="must be suppress"):
        Settings.from_env({"FEEDBACK_REPORT_ROUNDING": "round10"})


def test_a_bad_master_key_is_not_echoed_back() -> None:
    with pytest.raises(SettingsInvalid) as caught:
        Settings.from_env({"FEEDBACK_MASTER_KEY": "c2hvcnQga2V5"})
    assert "c2hvcnQga2V5" not in caught.value.message


def test_exit_sites_allow_plain_http_only_on_loopback() -> None:
    settings = Settings.from_env(
        {"FEEDBACK_EXIT_SITES": "https://www.bbc.co.uk/weather, http://127.0.0.1:9/x"}
    )
    assert settings.exit_sites == ("https://www.bbc.co.uk/weather", "http://127.0.0.1:9/x")


def test_https_public_url_turns_on_secure_cookies() -> None:
    assert Settings.from_env(
        {"FEEDBACK_PUBLIC_BASE_URL": "https://feedback.example.org/"}
    ).secure_cookies
    assert not Settings.from_env({}).secure_cookies


def test_the_embedded_default_public_url_follows_where_the_server_listens() -> None:
    assert Settings.from_env({}).serving_on("127.0.0.1", 8931).public_base_url == (
        "http://127.0.0.1:8931"
    )
    assert Settings.from_env({}).serving_on("::1", 8931).public_base_url == "http://[::1]:8931"
    # Listening on every address says nothing about the address people use.
    assert Settings.from_env({}).serving_on("0.0.0.0", 8931).public_base_url == (
        "http://127.0.0.1:8000"
    )
    chosen = Settings.from_env({"FEEDBACK_PUBLIC_BASE_URL": "http://127.0.0.1:8000"})
    assert chosen.serving_on("127.0.0.1", 8931).public_base_url == "http://127.0.0.1:8000"


@given(st.text(max_size=30))
def test_any_threshold_text_is_accepted_or_named(raw: str) -> None:
    try:
        settings = Settings.from_env({"FEEDBACK_SUPPRESSION_THRESHOLD": raw})
    except SettingsInvalid as error:
        assert error.message.startswith("FEEDBACK_SUPPRESSION_THRESHOLD: ")
    else:
        assert settings.suppression_threshold >= 3
