"""A published survey with two services, a lead, a manager of "Own Service" and a manager of
"Other Service", as the `Staff` principals services receive; and a draft builder."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.actions.schemas import RecordInput
from feedback.auth.schemas import Staff
from tests.factories import create_staff
from tests.support.reports import SLUG, service_id, survey_version_id
from tests.support.responses import link_token, survey_ready

__all__ = [
    "SLUG",
    "People",
    "draft_input",
    "link_token",
    "survey_ready",
    "survey_version_id",
]


class People(msgspec.Struct, frozen=True):
    lead: Staff
    own_manager: Staff
    other_manager: Staff
    own: int
    other: int


@pytest.fixture
async def people(db: AsyncSession, survey_version_id: int) -> People:
    own, other = await service_id(db, "Own Service"), await service_id(db, "Other Service")
    lead = await create_staff(db, role="lead", email="lead@example.org")
    mine = await create_staff(
        db, role="service_manager", email="own@example.org", services=["Own Service"]
    )
    theirs = await create_staff(
        db, role="service_manager", email="other@example.org", services=["Other Service"]
    )
    return People(
        lead=Staff(lead.id, lead.email, "lead", (), True),
        own_manager=Staff(mine.id, mine.email, "service_manager", (own,), True),
        other_manager=Staff(theirs.id, theirs.email, "service_manager", (other,), True),
        own=own,
        other=other,
    )


def draft_input(service: int, **changes: Any) -> RecordInput:
    fields: dict[str, Any] = {
        "title": "Evening appointments",
        "service_id": service,
        "you_said": "It was hard to get an appointment after work.",
        "we_did": "We now open until 8pm on Tuesdays and Thursdays.",
        "survey_slug": SLUG,
        "period": "2026-Q1",
        "question_ids": ["felt_believed"],
        "theme_ids": ["availability"],
    }
    return RecordInput(**(fields | changes))
