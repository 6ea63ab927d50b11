"""The one display name of each survey: the title of its latest published version.

Slugs (`service-satisfaction`) name surveys in URLs, files, the CLI and the API; people read
this title, on every page (`feedback.display_names` hands the map to the templates).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.surveys.models import Survey, SurveyVersion


async def survey_titles(session: AsyncSession) -> dict[str, str]:
    """slug -> title of the latest version, for every survey with one published."""
    latest = (
        select(SurveyVersion.survey_id, func.max(SurveyVersion.number).label("n"))
        .group_by(SurveyVersion.survey_id)
        .subquery()
    )
    rows = await session.execute(
        select(Survey.slug, SurveyVersion.title)
        .join(latest, latest.c.survey_id == Survey.id)
        .join(
            SurveyVersion,
            (SurveyVersion.survey_id == Survey.id) & (SurveyVersion.number == latest.c.n),
        )
    )
    return {slug: title or slug for slug, title in rows}
