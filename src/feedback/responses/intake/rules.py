"""The rules every intake path applies, each written once here (or by the module that owns
it, and named here): which links may take a form, which borough a response is counted
under, which sealing key may seal it, and the order its rows are locked in.

The general path (`general.py`) runs them as SQLAlchemy expressions; the grouped
PostgreSQL path (`grouped.py`) sends hand-written statements to asyncpg, and takes the
same expressions rendered to PostgreSQL text below, so a rule changed here changes both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, case, func, literal, select
from sqlalchemy.dialects import postgresql

from feedback.crypto.sealing import key_is_live
from feedback.db.lock_order import COUNTER_ORDER
from feedback.links.service import batch_is_live
from feedback.organisations.models import Borough, service_boroughs

__all__ = [
    "COUNTER_ORDER",
    "MULTIPLE_BOROUGHS",
    "batch_is_live",
    "counted_borough",
    "in_lock_order",
    "key_is_live",
    "lock_order_sql",
    "postgresql_text",
]

MULTIPLE_BOROUGHS = "multiple"
_BOROUGHS = Borough.__table__


def counted_borough(service_id: ColumnElement[Any]) -> ScalarSelect[str]:
    """The borough a response is counted under: its service's only borough, else
    "multiple". A service across boroughs (or none yet) is not counted in one of them: its
    respondents may live in any of them, and a guess would put them in the wrong cell."""
    return (
        select(
            case((func.count() == 1, func.min(_BOROUGHS.c.slug)), else_=literal(MULTIPLE_BOROUGHS))
        )
        .select_from(
            service_boroughs.join(_BOROUGHS, _BOROUGHS.c.id == service_boroughs.c.borough_id)
        )
        .where(service_boroughs.c.service_id == service_id)
        .scalar_subquery()
    )


def in_lock_order(counted: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """One response's counter rows share one cell, so their lock order (db/lock_order.py,
    step 3) is question then option, in code-point order: Python's string order, which is
    PostgreSQL's "C" collation. Each pair once."""
    return sorted(set(counted))


_NUMBERS = frozenset({"survey_version_id", "service_id"})  # no collation on integers


def lock_order_sql(columns: Mapping[str, str]) -> str:
    """An ORDER BY list for rows of several cells in the lock order of db/lock_order.py
    (`COUNTER_ORDER`), strings in "C" order; `columns` maps each key to its SQL column,
    and keys it leaves out are left out (a response insert has no question or option)."""
    return ", ".join(
        columns[key] if key in _NUMBERS else f'{columns[key]} COLLATE "C"'
        for key in COUNTER_ORDER
        if key in columns
    )


def postgresql_text(expression: ColumnElement[Any] | ScalarSelect[Any]) -> str:
    """A rule expression as PostgreSQL text, for the grouped path's asyncpg statements: its
    placeholders are given as `literal_column("$4::timestamptz")` or column names, and its
    constants rendered inline."""
    return str(
        expression.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )
