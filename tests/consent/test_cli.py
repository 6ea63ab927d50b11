"""`feedback consent ...` through click's runner: notices publish once and are listed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli


def test_consent_notices_publish_and_list(cli: Cli, content: Path) -> None:
    folders = [str(content / "consent" / name) for name in ("adult", "young-person", "child")]
    assert cli("consent", "publish", *folders).exit_code == 0
    again = cli("consent", "publish", *folders)
    assert "adult: unchanged, still version 1" in again.output
    listed = cli("consent", "list").output
    assert "adult\tv1\tadult\tar,en,pl" in listed
    assert "young-person\tv1\tyoung_person\ten" in listed
