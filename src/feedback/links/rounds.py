"""Which open round a new link batch joins. Issuing links is unchanged for services; a batch
for a survey and service taking part in an open round simply joins that round: it answers
the round's pinned survey version and stops working when the round closes.

The rule belongs to links (it decides what a new batch is); it reads the rounds' tables, and
nothing else of consultations, which sits above links and issues its class codes through them.
"""

from __future__ import annotations

from datetime import date

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.consultations.models import (
    ConsultationRound,
    round_services,
    round_survey_versions,
)
from feedback.surveys.models import SurveyVersion


class RoundPin(msgspec.Struct, frozen=True):
    round_id: int
    survey_version_id: int
    closes_on: date


async def round_pin(
    session: AsyncSession, *, survey_id: int, service_id: int, channel: str
) -> RoundPin | None:
    """The open round that includes this service, channel and a version of this survey."""
    today = clock.today_london()
    row = (
        await session.execute(
            select(ConsultationRound.id, SurveyVersion.id, ConsultationRound.closes_on)
            .join(round_services, round_services.c.round_id == ConsultationRound.id)
            .join(round_survey_versions, round_survey_versions.c.round_id == ConsultationRound.id)
            .join(SurveyVersion, SurveyVersion.id == round_survey_versions.c.survey_version_id)
            .where(
                round_services.c.service_id == service_id,
                SurveyVersion.survey_id == survey_id,
                ConsultationRound.closed_at.is_(None),
                ConsultationRound.opens_on <= today,
                ConsultationRound.closes_on >= today,
                ConsultationRound.channels.contains(channel),
            )
            .order_by(ConsultationRound.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    round_id, version_id, closes_on = row
    return RoundPin(round_id, version_id, closes_on)
