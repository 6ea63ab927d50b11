"""A partnership ready for a consultation: both surveys published, three services, this
period's keys, the lead and a school coordinator, one school."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.schemas import Staff
from feedback.clock import LONDON
from feedback.consultations import class_sessions, rounds, schools
from feedback.consultations.schemas import ClassSessionOut, RoundOut, SchoolOut
from feedback.crypto.service import rotate_keys
from feedback.settings import Settings
from feedback.surveys.service import publish_surveys
from tests.factories import create_service, create_staff

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("Advocacy Service", "Outreach Service", "Schools Programme")


# Consultation tests happen on a winter morning: a 30-day round opened then runs into January,
# across New Year (issue 14), whatever the real date is.
WINTER_MORNING = datetime(2026, 12, 2, 9, 30, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _winter_clock() -> Iterator[None]:
    with clock.fixed(WINTER_MORNING, running=True):
        yield


@pytest.fixture(scope="package")
def live_server_env() -> dict[str, str]:
    """The browser journey's server starts on the same winter morning."""
    return {"FEEDBACK_CLOCK_START": WINTER_MORNING.isoformat()}


def today() -> date:
    return clock.today_london()


class People:
    def __init__(self, lead: Staff, coordinator: Staff, other_coordinator: Staff) -> None:
        self.lead = lead
        self.coordinator = coordinator
        self.other_coordinator = other_coordinator


@pytest.fixture
async def people(db: AsyncSession, settings: Settings) -> People:
    await publish_surveys(
        db,
        [
            ROOT / "surveys" / "service-satisfaction.yaml",
            ROOT / "surveys" / "young-person-consultation.yaml",
        ],
    )
    for name in SERVICES:
        await create_service(db, name)
    await rotate_keys(db, settings=settings)
    made = []
    for role, email in (
        ("lead", "lead@example.org"),
        ("school_coordinator", "coordinator@example.org"),
        ("school_coordinator", "other@example.org"),
    ):
        out = await create_staff(db, role=role, email=email)
        made.append(Staff(out.id, out.email, out.role, (), True))
    return People(*made)


async def add_school(
    db: AsyncSession, people: People, name: str = "Hillside Academy", consent: bool = False
) -> SchoolOut:
    return await schools.add_school(
        db,
        actor=people.lead,
        name=name,
        borough="westminster",
        service_name="Schools Programme",
        consent_for_under_13=consent,
        coordinator_emails=[people.coordinator.email],
    )


async def open_round(
    db: AsyncSession,
    people: People,
    *school_names: str,
    young_free_text: bool = False,
    dates: tuple[date, date] | None = None,
) -> RoundOut:
    """A round open from today for 30 days, or over `dates` (opening and closing day)."""
    opens_on, closes_on = dates or (today(), today() + timedelta(days=30))
    return await rounds.create_round(
        db,
        actor=people.lead,
        title="Spring consultation",
        purpose="To hear what people think of services, so we can change them.",
        survey_slugs=["service-satisfaction", "young-person-consultation"],
        opens_on=opens_on,
        closes_on=closes_on,
        service_names=["Advocacy Service", "Outreach Service"],
        school_names=list(school_names),
        channels=["web", "sms", "class"],
        young_free_text=young_free_text,
    )


async def session_with_letter(
    db: AsyncSession, people: People, school_id: int, round_id: int, letter_sent_on: date
) -> ClassSessionOut:
    """A planned Year 7 class session of 20 whose parents' letter went out on that day."""
    draft = await class_sessions.create_class_session(
        db,
        actor=people.coordinator,
        school_id=school_id,
        round_id=round_id,
        year_group="Year 7",
        age_band="11-12",
        class_size=20,
    )
    return await class_sessions.record_letter(
        db, draft.id, actor=people.coordinator, sent_on=letter_sent_on, notice_hours=24
    )


# Browser fixtures for the e2e test in this package (Chromium against `feedback serve`).
from tests.support.browser import (  # noqa: E402, F401
    axe_page,
    browser,
    browser_page,
    exit_site,
    live_server,
    new_page,
)
