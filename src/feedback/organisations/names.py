"""The one display name of each borough, used by every page, export and feed.

Slugs (`hammersmith-fulham`) are identifiers for URLs, filters and the API; people read
these names (each council's own spelling). The three boroughs are seeded by migration 0001
with the same names (a test holds the two together); responses from a service working in
more than one borough are counted under `multiple` (`responses.intake.rules`), which has no row.
"""

from __future__ import annotations

from collections.abc import Iterable

MULTIPLE = "multiple"
BOROUGH_NAMES = {
    "hammersmith-fulham": "Hammersmith & Fulham",
    "kensington-chelsea": "Kensington and Chelsea",
    "westminster": "Westminster",
    MULTIPLE: "More than one borough",
}


def borough_name(slug: str) -> str:
    """The name people read; an unknown slug is shown as given rather than hidden."""
    return BOROUGH_NAMES.get(slug, slug)


def borough_names(slugs: Iterable[str]) -> str:
    """Several boroughs as one phrase: "Hammersmith & Fulham, Westminster"."""
    return ", ".join(borough_name(slug) for slug in slugs)
