"""A partnership ready for a consultation: both surveys published, three services, this
period's keys, the lead and a school coordinator, one school."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.consultations import rounds, schools
from feedback.consultations.pins import LONDON
from feedback.consultations.schemas import RoundOut, SchoolOut
from feedback.crypto.service import rotate_keys
from feedback.settings import Settings
from feedback.surveys.service import publish_surveys
from tests.factories import create_service, create_staff

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("Advocacy Service", "Outreach Service", "Schools Programme")


def today() -> date:
    from datetime import datetime

    return datetime.now(LONDON).date()


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
    db: AsyncSession, people: People, *school_names: str, young_free_text: bool = False
) -> RoundOut:
    return await rounds.create_round(
        db,
        actor=people.lead,
        title="Spring consultation",
        purpose="To hear what people think of services, so we can change them.",
        survey_slugs=["service-satisfaction", "young-person-consultation"],
        opens_on=today(),
        closes_on=today() + timedelta(days=30),
        service_names=["Advocacy Service", "Outreach Service"],
        school_names=list(school_names),
        channels=["web", "sms", "class"],
        young_free_text=young_free_text,
    )


# Browser fixtures for the e2e test in this package (Chromium against `feedback serve`).
from tests.e2e.conftest import (  # noqa: E402, F401
    axe_page,
    browser,
    browser_page,
    exit_site,
    live_server,
    new_page,
)
