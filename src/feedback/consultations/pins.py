"""Which open round a new link batch belongs to. Issuing links is unchanged for services;
a batch for a survey and service taking part in an open round simply joins that round: it
answers the round's pinned survey version and stops working when the round closes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.clock import LONDON
from feedback.consultations.models import (
    ConsultationRound,
    round_services,
    round_survey_versions,
)
from feedback.surveys.models import SurveyVersion


def round_closes_at(closes_on: date) -> datetime:
    """A round accepts responses all of its closing day in London."""
    return datetime.combine(closes_on + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)


class RoundPin(msgspec.Struct, frozen=True):
    round_id: int
    survey_version_id: int
    closes_at: datetime

    def cut(self, expires_at: datetime | None) -> datetime:
        """A batch of the round never outlives the round."""
        return self.closes_at if expires_at is None else min(expires_at, self.closes_at)


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
    return RoundPin(round_id, version_id, round_closes_at(closes_on))
