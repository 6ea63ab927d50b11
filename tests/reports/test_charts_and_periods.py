"""SVG charts say no more than their tables; periods parse and nest as a year tree."""

from __future__ import annotations

import re

import pytest

from feedback.errors import InvalidInput
from feedback.reports.charts import bar_chart, hidden_note, line_chart
from feedback.reports.periods import Period, parse_period
from feedback.reports.schemas import AnswerLine, TrendPoint

ANSWERS = [
    AnswerLine(option="yes", label="Yes", count=12, shown="12", percent="80%"),
    AnswerLine(option="no", label="No", count=None, shown="c", percent="c"),
]


def test_a_bar_chart_has_a_text_alternative_and_draws_no_bar_for_a_hidden_count() -> None:
    svg = bar_chart("Had to repeat their story", ANSWERS, threshold=5)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Had to repeat their story</title>" in svg
    note = (
        "1 of 2 answers are hidden because fewer than 5 people gave them, or showing them "
        "would let a number that small be worked out."
    )
    assert f"<desc>Yes: 12 (80%); No: c (c). {note}</desc>" in svg
    assert svg.count('fill="#1d70b8"') == 1  # one drawn bar
    assert svg.count('stroke-dasharray="5 4"') == 1  # the hidden answer keeps its row
    assert ">c (hidden)<" in svg


def test_a_chart_of_a_small_service_says_what_is_hidden_in_words() -> None:
    answers = [AnswerLine(option="a", label="Often", count=7, shown="7", percent="c")] + [
        AnswerLine(option=f"o{n}", label=f"Option {n}", count=None, shown="c", percent="c")
        for n in range(5)
    ]
    svg = bar_chart("Felt safer", answers, threshold=7)
    text = re.sub(r"<[^>]+>", " ", svg.split("</desc>", 1)[1])
    assert "5 of 6 answers are hidden because fewer than 7 people gave" in " ".join(text.split())
    assert svg.count('stroke-dasharray="5 4"') == 6  # every share is hidden: small base
    assert ">7, share hidden<" in svg
    assert hidden_note(answers[:1], 5) == (
        "No shares are drawn because fewer than 5 people answered."
    )
    assert hidden_note(ANSWERS[:1], 5) == ""


def test_labels_wrap_whole_and_text_is_never_small() -> None:
    label = "Emotional and mental health support from someone who understood"
    answers = [AnswerLine(option="e", label=label, count=20, shown="20", percent="40%")]
    svg = bar_chart("Themes", answers, threshold=5)
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert " ".join(lines[: len(lines)]).startswith(label)  # every word, in order
    assert all(len(line) <= 38 for line in lines)
    assert len(re.findall(r"<tspan", svg)) >= 2
    points = [
        TrendPoint(period=f"2026-{m:02}", base="15", answers=[answers[0]]) for m in range(1, 13)
    ]
    trend = line_chart("Trend", points)
    assert label.split()[-1] in trend  # the key is wrapped, not cut at 24 characters
    for chart in (svg, trend):
        assert 'width="340"' in chart and 'font-size="15"' in chart
        sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', chart)]
        assert min(sizes) >= 12
    shown = re.findall(r'text-anchor="middle">(2026-\d\d)<', trend)
    assert 2 <= len(shown) < 12  # twelve month names do not fit side by side: some are skipped


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
