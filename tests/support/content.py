"""A private copy of the shipped survey and consent content, for tests that edit it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the repository's surveys/ and consent/ folders, safe to edit."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "surveys", folder / "surveys")
    shutil.copytree(ROOT / "consent", folder / "consent")
    return folder
