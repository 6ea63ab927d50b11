"""`feedback themes retag` through click's runner: a summary line, clear errors."""

from __future__ import annotations

from tests.conftest import Cli


def test_retag_prints_a_summary(cli: Cli) -> None:
    result = cli("themes", "retag")
    assert result.exit_code == 0, result.output
    assert "0 responses re-tagged, 0 with changed tags" in result.output


def test_retag_names_an_unknown_survey(cli: Cli) -> None:
    result = cli("themes", "retag", "--survey", "no-such-survey")
    assert result.exit_code == 1
    assert "--survey: no survey 'no-such-survey'" in result.output
