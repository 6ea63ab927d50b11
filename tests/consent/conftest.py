"""A private copy of the shipped content (tests/support/content.py)."""

from __future__ import annotations

from tests.support.content import content

__all__ = ["content"]
