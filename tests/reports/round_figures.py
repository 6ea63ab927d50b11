"""Consultation rounds over the planted year, and their progress figures read as the walk
tests' `Figure`s (issue 21): a round's responses are its report's, so each must equal the
release's figure for the round's months and the same slice, or be `c` exactly where it is."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from urllib.parse import parse_qs, urlparse

from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.clock import LONDON
from feedback.consultations import rounds
from tests.reports.attacker import RESPONDED, YEAR, Figure
from tests.support.reports import SLUG

# A month, a quarter and a half of the planted year: each a calendar period of the release.
ROUND_DATES = (
    (date(YEAR, 3, 1), date(YEAR, 3, 31)),
    (date(YEAR, 4, 1), date(YEAR, 6, 30)),
    (date(YEAR, 7, 1), date(YEAR, 12, 31)),
)
CHANNELS = ("web", "sms")


async def open_round_over(
    db: AsyncSession, opens_on: date, closes_on: date, services: Iterable[str]
) -> int:
    """A round of the planted survey opened on its first day (rounds open from today on)."""
    with clock.fixed(datetime.combine(opens_on, time(9), tzinfo=LONDON)):
        opened = await rounds.create_round(
            db,
            actor=None,
            title=f"Round from {opens_on}",
            purpose="To hear from you.",
            survey_slugs=[SLUG],
            opens_on=opens_on,
            closes_on=closes_on,
            service_names=list(services),
            channels=CHANNELS,
        )
    return opened.id


def figure_of(report_link: str) -> Figure:
    """The release figure a progress line links to: its report's period and one slice."""
    asked = {key: values[0] for key, values in parse_qs(urlparse(report_link).query).items()}
    if "service_id" in asked:
        slice_ = ("service", asked["service_id"])
    elif "channel" in asked:
        slice_ = ("channel", asked["channel"])
    else:
        slice_ = ("all", "")
    return Figure((RESPONDED,), asked["period"], slice_)


_LINE = re.compile(
    r'<th scope="row"><a href="([^"]+)">[^<]*</a></th><td class="numeric">([^<]*)</td>'
)


def page_round_figures(html: str) -> list[tuple[Figure, str]]:
    """Every responses figure of a round page's progress section."""
    section = html.split("<h2>Progress</h2>", 1)[1].split("<h2>", 1)[0].replace("&amp;", "&")
    return [(figure_of(link), shown) for link, shown in _LINE.findall(section)]


__all__ = ["ROUND_DATES", "figure_of", "open_round_over", "page_round_figures"]
