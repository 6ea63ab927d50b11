"""Fixtures for survey tests: a private copy of the shipped content to edit freely
(tests/support/content.py, shared with the consent tests)."""

from __future__ import annotations

from pathlib import Path

from tests.support.content import content

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (
    "service-satisfaction",
    "young-person-consultation",
    "biannual-consultation",
    "service-intake",
    "service-exit",
)

__all__ = ["ROOT", "SHIPPED", "content"]
