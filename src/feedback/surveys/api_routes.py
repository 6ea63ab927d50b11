"""Staff API for surveys: list surveys and versions, read a version, compare, and (lead
only) publish a definition under the same rules as `feedback surveys publish`."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.surveys import service
from feedback.surveys.publishing import CONTENT_ROOT
from feedback.surveys.schemas import (
    PublishOutcome,
    SurveyDiff,
    SurveySummary,
    SurveyVersionDetail,
    SurveyVersionOut,
)
from feedback.web.guards import requires_role


class SurveyDocument(msgspec.Struct, frozen=True):
    """A survey definition as the YAML text of a file in `surveys/`."""

    definition: str


class SurveysApi(Controller):
    path = "/surveys"
    tags = ["surveys"]

    @get("/")
    async def surveys(self, db: AsyncSession) -> list[SurveySummary]:
        return await service.list_surveys(db)

    @get("/{slug:str}/versions")
    async def versions(self, db: AsyncSession, slug: str) -> list[SurveyVersionOut]:
        return await service.list_versions(db, slug)

    @get("/{slug:str}/versions/{number:int}")
    async def version(self, db: AsyncSession, slug: str, number: int) -> SurveyVersionDetail:
        return await service.get_version(db, slug, number)

    @get("/{slug:str}/diff")
    async def diff(
        self,
        db: AsyncSession,
        slug: str,
        old: int = Parameter(ge=1),
        new: int = Parameter(ge=1),
    ) -> SurveyDiff:
        """`?old=1&new=2`: what changed from one version to another."""
        return await service.diff_versions(db, slug, old, new)

    @post("/", guards=[requires_role(Role.LEAD)])
    async def publish(
        self, db: AsyncSession, staff: Staff, data: SurveyDocument
    ) -> Response[PublishOutcome]:
        """201 with the new version, or 200 when the content is unchanged."""
        outcome = await service.publish_survey_document(
            db, data.definition.encode(), content_root=CONTENT_ROOT, actor_id=staff.id
        )
        return Response(outcome, status_code=201 if outcome.status == "published" else 200)
