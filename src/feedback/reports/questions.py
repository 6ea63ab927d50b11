"""A question's report from its protected release: plain functions, no SQL.

Percentages and means are computed from the shown figures only, so they can never say more
than the counts beside them; on a base below the threshold (or hidden) they show `c`.
"""

from __future__ import annotations

from collections.abc import Sequence

from feedback.reports.periods import ReportPeriod
from feedback.reports.release import BASE, Figure, Figures, Slice
from feedback.reports.schemas import AnswerLine, TrendPoint
from feedback.reports.suppression import NOT_APPLICABLE, SUPPRESSED
from feedback.responses.answers import TEXT_OPTION, scale_ends
from feedback.surveys.definition import (
    PREFER_NOT_TO_SAY,
    FreeText,
    MultipleChoice,
    Number,
    Question,
    Scale,
    SingleChoice,
    YesNo,
)


def _text(text: object) -> str:
    if isinstance(text, dict):
        return str(text.get("en") or next(iter(text.values()), ""))
    return "" if text is None else str(text)


def option_rows(question: Question, seen: Sequence[str]) -> list[tuple[str, str]]:
    """(option code, label) in the order the question offers them, then any other code the
    counters hold (an option a later edit removed), so every count is accounted for."""
    rows: list[tuple[str, str]] = []
    if isinstance(question, SingleChoice | MultipleChoice):
        rows = [(choice.code, _text(choice.text)) for choice in question.choices or []]
    elif isinstance(question, YesNo):
        rows = [("yes", "Yes"), ("no", "No")]
    elif isinstance(question, Scale):
        low, high = scale_ends(question)  # 0 is a real end (the 0 to 10 scales), not a gap
        rows = [(str(point), str(point)) for point in range(low, high + 1)]
        rows[0] = (rows[0][0], f"{low} {_text(question.low)}".strip())
        rows[-1] = (rows[-1][0], f"{high} {_text(question.high)}".strip())
    elif isinstance(question, FreeText):
        rows = [(TEXT_OPTION, "Answered (words are never shown here)")]
    known = {code for code, _ in rows}
    extra = sorted((code for code in set(seen) if code not in known), key=_numeric_first)
    rows.extend(
        (code, "Prefer not to say" if code == PREFER_NOT_TO_SAY else code) for code in extra
    )
    return rows


def _numeric_first(code: str) -> tuple[int, int, str]:
    return (0, int(code), "") if code.lstrip("-").isdigit() else (1, 0, code)


def is_additive(question: Question) -> bool:
    """One answer per person: the options add up to how many answered."""
    return not isinstance(question, MultipleChoice)


def percent(figure: Figure, base: Figure, threshold: int) -> str:
    """`x` when nobody answered (no base to divide by); `c` when the count is hidden or
    the base is hidden or below the threshold."""
    if base.count == 0:
        return NOT_APPLICABLE
    if figure.count is None or base.count is None or base.count < threshold:
        return SUPPRESSED
    return f"{round(100 * figure.count / base.count)}%"


def answer_lines(
    release: Figures,
    rows: Sequence[tuple[str, str]],
    period: ReportPeriod,
    slice_: Slice,
    threshold: int,
) -> tuple[Figure, list[AnswerLine]]:
    base = release.figure(BASE, period, slice_)
    lines = []
    for code, label in rows:
        figure = release.figure(code, period, slice_)
        lines.append(
            AnswerLine(
                option=code,
                label=label,
                count=figure.count,
                shown=figure.shown,
                percent=percent(figure, base, threshold),
            )
        )
    return base, lines


def mean_of(question: Question, lines: Sequence[AnswerLine], threshold: int) -> str | None:
    """Scale and number questions: the mean of the shown numeric answers, or `c` when any
    of them is hidden or they number fewer than the threshold."""
    if not isinstance(question, Scale | Number):
        return None
    numeric = [line for line in lines if line.option.lstrip("-").isdigit()]
    if any(line.count is None for line in numeric):
        return SUPPRESSED
    total = sum(line.count or 0 for line in numeric)
    if total < threshold:
        return SUPPRESSED
    return f"{sum(int(line.option) * (line.count or 0) for line in numeric) / total:.1f}"


def trend(
    release: Figures,
    rows: Sequence[tuple[str, str]],
    period: ReportPeriod,
    slice_: Slice,
    threshold: int,
) -> list[TrendPoint]:
    points = []
    for child in period.children():
        base, lines = answer_lines(release, rows, child, slice_, threshold)
        points.append(TrendPoint(period=child.name, base=base.shown, answers=lines))
    return points


__all__ = ["answer_lines", "is_additive", "mean_of", "option_rows", "percent", "trend"]
