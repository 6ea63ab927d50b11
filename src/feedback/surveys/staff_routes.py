"""Console pages for surveys: list, versions, a version's questions, a respondent-eye
preview that submits nothing, the diff between versions, and (lead) publish by upload."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.roles import Role
from feedback.auth.schemas import Staff
from feedback.errors import FeedbackError
from feedback.responses import journey
from feedback.responses.form_view import build_form
from feedback.surveys import drafts, service
from feedback.surveys.core import load_core
from feedback.surveys.definition import question_type
from feedback.surveys.errors import SurveyInvalid
from feedback.surveys.publishing import CONTENT_ROOT, SurveySource, prepare
from feedback.surveys.schemas import ValidationReport
from feedback.web.guards import requires_role

MAX_UPLOAD_BYTES = 200_000


class SurveysPages(Controller):
    path = "/surveys"

    @get("/", media_type=MediaType.HTML)
    async def surveys(self, db: AsyncSession, staff: Staff) -> Template:
        return Template(
            "staff/surveys.html",
            context={
                "staff": staff,
                "surveys": await service.list_surveys(db),
                "problems": None,
                "checking": False,
                "checked": None,
            },
        )

    @post("/", media_type=MediaType.HTML, guards=[requires_role(Role.LEAD)])
    async def publish(
        self,
        db: AsyncSession,
        staff: Staff,
        data: Annotated[UploadFile, Body(media_type=RequestEncodingType.MULTI_PART)],
        request: Request[Any, Any, Any],
    ) -> Template | Redirect:
        """The same rules and errors as `feedback surveys validate` for an uploaded file. With
        the "check" button that is all; to publish, a file that meets every rule is opened as
        a draft and the lead is taken to the page that says what publishing will do (it cannot
        be undone), the same confirmation a survey written in the browser goes through."""
        content = await data.read(MAX_UPLOAD_BYTES + 1)
        checking = (await request.form()).get("action") == "check"
        problems: list[str] | None = None
        checked = None
        if len(content) > MAX_UPLOAD_BYTES:
            problems = [f"{data.filename}: larger than {MAX_UPLOAD_BYTES // 1000} KB"]
        else:
            try:
                checked = await asyncio.to_thread(_check_upload, content, data.filename)
                if not checking:
                    draft_id = await drafts.create_from_upload(
                        db, content, filename=data.filename, actor_id=staff.id
                    )
                    return Redirect(f"/staff/surveys/drafts/{draft_id}/publish", status_code=303)
            except SurveyInvalid as invalid:
                problems = [str(problem) for problem in invalid.problems]
            except FeedbackError as error:
                problems = [error.message]
        return Template(
            "staff/surveys.html",
            status_code=400 if problems else 200,
            context={
                "staff": staff,
                "surveys": await service.list_surveys(db),
                "problems": problems,
                "checking": checking,
                "checked": checked if checking else None,
            },
        )

    @get("/core-data-set", media_type=MediaType.HTML)
    async def core_data_set(self, staff: Staff) -> Template:
        """The core data set, read-only: it is read from surveys/core.yaml and changes in git."""
        core = load_core(CONTENT_ROOT / "surveys" / "core.yaml")
        return Template(
            "staff/survey_core.html",
            context={
                "staff": staff,
                "core": core,
                "question_type": question_type,
                "in_language": journey.in_language,
            },
        )

    @get("/{slug:str}", media_type=MediaType.HTML)
    async def versions(
        self,
        db: AsyncSession,
        staff: Staff,
        slug: str,
        old: int | None = None,
        new: int | None = None,
    ) -> Template:
        versions = await service.list_versions(db, slug)
        diff = await service.diff_versions(db, slug, old, new) if old and new else None
        return Template(
            "staff/survey_versions.html",
            context={"staff": staff, "slug": slug, "versions": versions, "diff": diff},
        )

    @get("/{slug:str}/{number:int}", media_type=MediaType.HTML)
    async def version(self, db: AsyncSession, staff: Staff, slug: str, number: int) -> Template:
        detail = await service.get_version(db, slug, number)
        rows = [
            (section_index, question, question_type(question))
            for section_index, section in enumerate(detail.survey.definition.sections)
            for question in section.questions
        ]
        return Template(
            "staff/survey_version.html",
            context={
                "staff": staff,
                "detail": detail,
                "rows": rows,
                "in_language": journey.in_language,
            },
        )

    @get("/{slug:str}/{number:int}/preview", media_type=MediaType.HTML)
    async def preview(
        self, db: AsyncSession, slug: str, number: int, page: str = "questions", lang: str = "en"
    ) -> Template:
        """The respondent's page, exactly, with a preview banner and a form that posts nowhere."""
        version_id = await service.version_id(db, slug, number)
        survey = await journey.survey_for_respondent(db, version_id)
        language = lang if lang in journey.languages_of(survey) else "en"
        context: dict[str, Any] = journey.page_context(survey, language) | {"preview": True}
        if page == "consent" and survey.notice is not None:
            context["notice"] = journey.notice_text(survey, language)
            return Template("public/consent.html", context=context)
        context |= {
            "sections": build_form(survey, language, {}, {}),
            "errors": [],
            "intro": journey.in_language(survey.published.definition.intro, language),
            "form_nonce": "",
            "entry": "",
        }
        return Template("public/questions.html", context=context)


def _check_upload(content: bytes, filename: str) -> ValidationReport:
    """Every publishing rule for one uploaded file, storing nothing."""
    name = filename or "(uploaded)"
    item = prepare([SurveySource.from_bytes(content, content_root=CONTENT_ROOT, file=name)])[0]
    slug = item.checked.published.definition.slug
    return ValidationReport(item.file, slug, item.checked.warnings)
