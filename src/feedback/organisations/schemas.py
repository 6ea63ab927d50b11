"""What the outside sees of boroughs and services."""

from __future__ import annotations

import msgspec


class BoroughOut(msgspec.Struct, frozen=True):
    slug: str
    name: str


class ServiceOut(msgspec.Struct, frozen=True):
    id: int
    name: str
    boroughs: list[str]
    retired: bool = False
