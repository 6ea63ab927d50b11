"""SVG charts say no more than their tables; periods parse and nest as a year tree."""

from __future__ import annotations

import pytest

from feedback.errors import InvalidInput
from feedback.reports.charts import bar_chart, line_chart
from feedback.reports.periods import Period, parse_period
from feedback.reports.schemas import AnswerLine, TrendPoint

ANSWERS = [
    AnswerLine(option="yes", label="Yes", count=12, shown="12", percent="80%"),
    AnswerLine(option="no", label="No", count=None, shown="c", percent="c"),
]


def test_a_bar_chart_has_a_text_alternative_and_draws_no_bar_for_a_hidden_count() -> None:
    svg = bar_chart("Had to repeat their story", ANSWERS)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Had to repeat their story</title>" in svg
    assert "<desc>Yes: 12 (80%); No: c (c)</desc>" in svg
    assert svg.count("<rect") == 1


def test_a_hidden_trend_point_breaks_the_line() -> None:
    points = [
        TrendPoint(period=f"2026-0{m}", base="15", answers=[ANSWERS[0] if m != 2 else ANSWERS[1]])
        for m in (1, 2, 3)
    ]
    svg = line_chart("Trend", points)
    assert "<polyline" not in svg  # the only line has its middle point hidden
    assert svg.count("<circle") == 2
    assert "<desc>2026-01: Yes 80% | 2026-02: No c | 2026-03: Yes 80%</desc>" in svg


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2026-03", Period(2026, "month", 3)),
        ("2026-q2", Period(2026, "quarter", 2)),
        ("2026-H2", Period(2026, "half", 2)),
        ("2026", Period(2026, "year", 1)),
    ],
)
def test_periods_parse(text: str, period: Period) -> None:
    assert parse_period(text) == period


def test_a_bad_period_names_the_forms_it_accepts() -> None:
    with pytest.raises(InvalidInput, match="2026-Q1"):
        parse_period("2026-Q5")


def test_a_periods_parts_make_its_trend() -> None:
    assert [p.name for p in parse_period("2026").children()] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]
    assert [p.name for p in parse_period("2026-H2").children()] == ["2026-Q3", "2026-Q4"]
    assert [p.name for p in parse_period("2026-Q2").children()] == ["2026-04", "2026-05", "2026-06"]
    assert parse_period("2026-05").children() == ()


def test_the_rounding_setting_accepts_suppress_or_round5_only() -> None:
    from feedback.errors import SettingsInvalid
    from feedback.settings import Settings

    assert Settings.from_env({"FEEDBACK_REPORT_ROUNDING": "ROUND5"}).report_rounding == "round5"
    assert Settings.from_env({}).report_rounding == "suppress"
    with pytest.raises(SettingsInvalid, match="FEEDBACK_REPORT_ROUNDING"):
        Settings.from_env({"FEEDBACK_REPORT_ROUNDING": "round10"})
