"""Charts drawn on the server as SVG: readable without JavaScript, each with a title and a
description for screen readers, and always shown beside the table that holds the figures.

Charts draw the protected figures only: a hidden count draws no bar and is labelled `c`,
and a hidden trend point breaks the line, so a chart never shows more than its table.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from feedback.reports.schemas import AnswerLine, TrendPoint

BAR_HEIGHT = 22
LABEL_WIDTH = 220
PLOT_WIDTH = 320
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#505a5f")


def _percent_value(text: str) -> float | None:
    return float(text.rstrip("%")) if text.endswith("%") else None


def bar_chart(title: str, answers: Sequence[AnswerLine]) -> str:
    """Horizontal bars, one per answer, as a share of those who answered."""
    height = BAR_HEIGHT * len(answers) + 10
    width = LABEL_WIDTH + PLOT_WIDTH + 60
    summary = "; ".join(f"{a.label}: {a.shown} ({a.percent})" for a in answers)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="chart">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(summary)}</desc>",
    ]
    for index, answer in enumerate(answers):
        y = index * BAR_HEIGHT + 5
        share = _percent_value(answer.percent)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(answer.label[:34])}</text>"
        )
        if share is not None:
            bar = round(PLOT_WIDTH * share / 100)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{bar}" height="{BAR_HEIGHT - 6}" '
                f'fill="{COLOURS[0]}"/>'
            )
            label = answer.percent
        else:
            bar, label = 0, answer.percent
        parts.append(
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{y + 15}" font-size="12">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, points: Sequence[TrendPoint]) -> str:
    """One line per answer across the period's parts, as a share of those who answered;
    a hidden point breaks its line."""
    if not points:
        return ""
    options = [(a.option, a.label) for a in points[0].answers]
    width, height, left, top, plot_h = 620, 240, 48, 10, 180
    right = width - 180  # room for the key on the right
    step = (right - left - 20) / max(len(points) - 1, 1)
    summary = " | ".join(
        f"{p.period}: " + ", ".join(f"{a.label} {a.percent}" for a in p.answers) for p in points
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="chart">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(summary)}</desc>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{right}" y2="{top + plot_h}" '
        'stroke="#505a5f"/>',
    ]
    for tick in (0, 50, 100):
        y = top + plot_h - plot_h * tick / 100
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.0f}" text-anchor="end" font-size="11">{tick}%</text>'
        )
    for index, point in enumerate(points):
        x = left + index * step
        parts.append(
            f'<text x="{x:.0f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="11">'
            f"{escape(point.period)}</text>"
        )
    for number, (option, label) in enumerate(options):
        colour = COLOURS[number % len(COLOURS)]
        segment: list[str] = []
        for index, point in enumerate(points):
            line = next((a for a in point.answers if a.option == option), None)
            share = _percent_value(line.percent) if line else None
            if share is None:
                parts.append(_polyline(segment, colour))
                segment = []
                continue
            segment.append(f"{left + index * step:.0f},{top + plot_h - plot_h * share / 100:.0f}")
        parts.append(_polyline(segment, colour))
        parts.append(
            f'<text x="{right + 16}" y="{top + 12 + 13 * number}" font-size="11" '
            f'fill="{colour}">{escape(label[:24])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _polyline(points: list[str], colour: str) -> str:
    if not points:
        return ""
    if len(points) == 1:
        x, y = points[0].split(",")
        return f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>'
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'


__all__ = ["bar_chart", "line_chart"]
