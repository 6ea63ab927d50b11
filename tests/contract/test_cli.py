"""The CLI verbs of the public contract (shared/DESIGN.md) answer `--help`."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback.settings import Settings
from tests.conftest import Cli


@pytest.mark.parametrize("command", ["serve", "worker", "db", "users", "tokens", "services"])
def test_help_works_for_every_command(tmp_path: Path, command: str) -> None:
    result = Cli(Settings(data_dir=tmp_path))(command, "--help")

    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout and command in result.stdout
