"""Fixtures for survey tests: a private copy of the shipped content to edit freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (
    "service-satisfaction",
    "young-person-consultation",
    "biannual-consultation",
    "service-intake",
    "service-exit",
)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the repository's surveys/ and consent/ folders, safe to edit."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "surveys", folder / "surveys")
    shutil.copytree(ROOT / "consent", folder / "consent")
    return folder
