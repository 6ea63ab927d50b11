"""Charts drawn on the server as SVG: readable without JavaScript, each with a title and a
description for screen readers, and always shown beside the table that holds the figures.

Charts draw the protected figures only: a hidden count draws no bar and is labelled `c`,
and a hidden trend point breaks the line, so a chart never shows more than its table. A
hidden answer keeps its row (a dashed, empty outline: the question's shape with the gap
marked) and the chart says in words how many answers are hidden and why, so a small
service's chart is never a blank box.

Sizes: the SVG is drawn 340 units wide and never scaled up, so on a 375 px phone (343 px of
content) it is drawn at full size; text is 15 units, which stays at least 12 px down to a
272 px wide container. Labels wrap onto as many lines as they need and are never cut.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from html import escape

from feedback.reports.schemas import AnswerLine, TrendPoint
from feedback.reports.suppression import SUPPRESSED

WIDTH = 340
FONT = 15
LINE = 19  # one line of text
BAR = 18
PLOT_WIDTH = 270  # room after the bar for its percent
WRAP = 38  # characters per line at FONT in WIDTH (about 0.55 em a character)
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#505a5f")
TEXT = "#0b0c0c"
GAP = "#505a5f"


def _percent_value(text: str) -> float | None:
    return float(text.rstrip("%")) if text.endswith("%") else None


def wrap(text: str, width: int = WRAP) -> list[str]:
    """Whole words on each line; a word longer than a line is broken, never dropped."""
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def hidden_note(answers: Sequence[AnswerLine], threshold: int) -> str:
    """The words saying why bars are missing, or "" when every bar is drawn."""
    hidden = sum(1 for a in answers if a.shown == SUPPRESSED)
    notes = []
    if hidden:
        answer_word = "answer is" if len(answers) == 1 else "answers are"
        notes.append(
            f"{hidden} of {len(answers)} {answer_word} hidden because fewer than {threshold} "
            "people gave them, or showing them would let a number that small be worked out."
        )
    if any(a.shown != SUPPRESSED and _percent_value(a.percent) is None for a in answers):
        notes.append(f"No shares are drawn because fewer than {threshold} people answered.")
    return " ".join(notes)


def _svg_open(title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" class="chart" font-size="{FONT}" fill="{TEXT}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description)}</desc>",
    ]


def _text_lines(lines: Sequence[str], x: float, y: float, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    spans = "".join(
        f'<tspan x="{x:.0f}" dy="{0 if number == 0 else LINE}">{escape(line)}</tspan>'
        for number, line in enumerate(lines)
    )
    return f'<text x="{x:.0f}" y="{y:.0f}"{extra}>{spans}</text>'


def bar_chart(title: str, answers: Sequence[AnswerLine], *, threshold: int) -> str:
    """One row per answer: its label (wrapped) above a bar for its share of those who
    answered; a hidden answer is a dashed empty outline labelled `c`."""
    note = hidden_note(answers, threshold)
    summary = "; ".join(f"{a.label}: {a.shown} ({a.percent})" for a in answers)
    parts: list[str] = []
    y = 4
    for answer in answers:
        lines = wrap(answer.label)
        parts.append(_text_lines(lines, 0, y + FONT))
        y += LINE * len(lines) + 2
        parts.append(_bar(answer, y))
        y += BAR + 10
    if note:
        note_lines = wrap(note, WRAP + 4)
        parts.append(_text_lines(note_lines, 0, y + FONT, font_style="italic"))
        y += LINE * len(note_lines)
    description = f"{summary}. {note}" if note else summary
    return "".join([*_svg_open(title, description, y + 6), *parts, "</svg>"])


def _bar(answer: AnswerLine, y: int) -> str:
    """A drawn bar, or where its share is hidden a dashed empty outline saying so."""
    share = _percent_value(answer.percent)
    if share is None:
        outline = (
            f'<rect x="0.5" y="{y + 0.5}" width="{PLOT_WIDTH}" height="{BAR - 1}" fill="none" '
            f'stroke="{GAP}" stroke-dasharray="5 4"/>'
        )
        words = "c (hidden)" if answer.shown == SUPPRESSED else f"{answer.shown}, share hidden"
        return outline + f'<text x="8" y="{y + BAR - 4}">{escape(words)}</text>'
    width = round(PLOT_WIDTH * share / 100)
    bar = f'<rect x="0" y="{y}" width="{width}" height="{BAR}" fill="{COLOURS[0]}"/>'
    label = f'<text x="{width + 6}" y="{y + BAR - 4}">{escape(answer.percent)}</text>'
    return bar + label


def line_chart(title: str, points: Sequence[TrendPoint]) -> str:
    """One line per answer across the period's parts, as a share of those who answered;
    a hidden point breaks its line. The key sits under the plot, one wrapped line each."""
    if not points:
        return ""
    options = [(a.option, a.label) for a in points[0].answers]
    left, top, plot_h, right = 56, 10, 160, WIDTH - 10
    step = (right - left - 10) / max(len(points) - 1, 1)
    summary = " | ".join(
        f"{p.period}: " + ", ".join(f"{a.label} {a.percent}" for a in p.answers) for p in points
    )
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{right}" y2="{top + plot_h}" stroke="{GAP}"/>',
    ]
    for tick in (0, 50, 100):
        y = top + plot_h - plot_h * tick / 100
        parts.append(f'<text x="{left - 6}" y="{y + 5:.0f}" text-anchor="end">{tick}%</text>')
    every = _label_every(step, max(len(p.period) for p in points))
    for index, point in enumerate(points):
        if index % every == 0:
            parts.append(
                f'<text x="{left + index * step:.0f}" y="{top + plot_h + LINE}" '
                f'text-anchor="middle">{escape(point.period)}</text>'
            )
    y = top + plot_h + LINE + 10
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
        lines = wrap(label, WRAP - 3)
        parts.append(f'<rect x="0" y="{y + 4}" width="14" height="14" fill="{colour}"/>')
        parts.append(_text_lines(lines, 22, y + FONT))
        y += LINE * len(lines) + 4
    return "".join([*_svg_open(title, summary, y + 6), *parts, "</svg>"])


def _label_every(step: float, characters: int) -> int:
    """Label every n-th point so period names (about 0.55 em a character) never overlap."""
    needed = characters * FONT * 0.55 + 8
    every = 1
    while step * every < needed:
        every += 1
    return every


def _polyline(points: list[str], colour: str) -> str:
    if not points:
        return ""
    if len(points) == 1:
        x, y = points[0].split(",")
        return f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>'
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'


__all__ = ["bar_chart", "hidden_note", "line_chart", "wrap"]
