"""Outcome report and quarterly return as the pages, API and exports show them."""

from __future__ import annotations

import msgspec


class IndicatorFigure(msgspec.Struct, frozen=True, kw_only=True):
    """One indicator for one period and slice: `figure` is a percentage, a signed mean
    change, `c` (suppressed) or `x` (nobody answered); `n` is the base it is out of, a
    matched n when `matched`, shown (or `c`) exactly as the protected release shows it."""

    code: str
    label: str
    group: str
    figure: str
    n: str
    matched: bool


class OutcomeReport(msgspec.Struct, frozen=True, kw_only=True):
    survey: str
    version: int
    period: str
    period_label: str
    narrowed_by: str
    exit_responses: str
    matched_n: str
    threshold: int
    method: str
    legend: str
    indicators: list[IndicatorFigure]


class ReturnRow(msgspec.Struct, frozen=True, kw_only=True):
    """One service (or the partnership total, `service_id` None) in the quarterly return."""

    service: str
    service_id: int | None
    boroughs: list[str]
    exit_responses: str
    matched_n: str
    indicators: list[IndicatorFigure]


class Derivation(msgspec.Struct, frozen=True, kw_only=True):
    column: str
    label: str
    group: str
    item: str
    derived: str
    base: str


class QuarterlyReturn(msgspec.Struct, frozen=True, kw_only=True):
    survey: str
    version: int
    quarter: str
    quarter_label: str
    threshold: int
    method: str
    legend: str
    rows: list[ReturnRow]
    derivations: list[Derivation]


__all__ = ["Derivation", "IndicatorFigure", "OutcomeReport", "QuarterlyReturn", "ReturnRow"]
