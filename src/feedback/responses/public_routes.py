"""The respondent's journey: enter by link or code, consent, answer, thank-you.

The link token is swapped at once for a session cookie and a redirect, so it never stays in
the address bar, the history or a log. Answers travel only in POST bodies.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consultations import pupils
from feedback.links import cards
from feedback.links import service as links
from feedback.links.errors import LinkUnavailable
from feedback.links.tokens import token_digest
from feedback.responses import journey
from feedback.responses.consent_gate import consent_needed
from feedback.responses.entry_cookie import COOKIE_NAME, EntryCookie, decode_entry, encode_entry
from feedback.responses.form_view import build_form
from feedback.settings import Settings
from feedback.surveys.outcome_rules import EXIT

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
HTML = MediaType.HTML
UNAVAILABLE = "/s/unavailable"


@dataclass
class ConsentForm:
    choice: str = ""


@dataclass
class CodeForm:
    code: str = ""


def _with_entry(response: Response[Any], master_key: bytes, entry: EntryCookie) -> Response[Any]:
    """A browser-session cookie (no expiry). Lax, not Strict: the first visit often comes
    from a link in another app, and the cookie must survive that redirect."""
    response.set_cookie(
        COOKIE_NAME,
        encode_entry(master_key, entry),
        path="/",
        httponly=True,
        samesite="lax",
        secure=False,
    )
    return response


def _secure(settings: Settings, response: Response[Any]) -> Response[Any]:
    for cookie in response.cookies:
        cookie.secure = settings.secure_cookies
    return response


async def _start_entry(
    db: AsyncSession, kind: str, digest: str, master_key: bytes, settings: Settings
) -> Response[Any]:
    entry = await links.redeem_digest(db, kind, digest)
    version_id = await pupils.version_for_entry(db, entry)
    cookie = EntryCookie(kind=kind, digest=digest, survey_version_id=version_id)
    return _secure(settings, _with_entry(Redirect("/s", status_code=303), master_key, cookie))


class RespondentPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/s/{token:str}", media_type=HTML)
    async def enter_by_link(
        self, token: str, db: AsyncSession, master_key: bytes, settings: Settings
    ) -> Response[Any]:
        try:
            return await _start_entry(db, "link", token_digest(token), master_key, settings)
        except LinkUnavailable:
            return Redirect(UNAVAILABLE, status_code=303)

    @get(UNAVAILABLE, media_type=HTML, sync_to_thread=False)
    def unavailable(self) -> Template:
        """Where a dead link or code lands: reached by a redirect, so the token leaves the
        address bar and the history entry exactly as it does for a good link."""
        return Template("public/error.html", status_code=404, context={"status": 404})

    @get("/join", media_type=HTML, sync_to_thread=False)
    def join_form(self) -> Template:
        return Template("public/join.html", context={"error": None, "code": ""})

    @post("/join", media_type=HTML)
    async def join_by_form(
        self,
        data: Annotated[CodeForm, FORM],
        db: AsyncSession,
        master_keys: tuple[bytes, ...],
        settings: Settings,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        try:
            return await self._join(data.code, db, master_keys, settings, request)
        except LinkUnavailable:
            return Template(
                "public/join.html",
                status_code=400,
                context={
                    "code": data.code,
                    "error": "That code did not work. It may be mistyped, or the session may be "
                    "full or closed. Check it with the person who gave it to you.",
                },
            )

    @get("/join/{code:str}", media_type=HTML)
    async def join_by_url(
        self,
        code: str,
        db: AsyncSession,
        master_keys: tuple[bytes, ...],
        settings: Settings,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        try:
            return await self._join(code, db, master_keys, settings, request)
        except LinkUnavailable:
            return Redirect(UNAVAILABLE, status_code=303)

    @staticmethod
    async def _join(
        code: str,
        db: AsyncSession,
        master_keys: tuple[bytes, ...],
        settings: Settings,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        client = request.client.host if request.client else "unknown"
        if cards.is_card_code(code):  # a printed card's code: its own single-use link
            digest = await cards.redeem_card(
                db,
                code,
                master_keys=master_keys,
                client=client,
                attempts_per_hour=settings.join_attempts_per_hour,
            )
            return await _start_entry(db, "link", digest, master_keys[0], settings)
        entry = await links.redeem_code(
            db,
            code,
            master_keys=master_keys,
            client=client,
            attempts_per_hour=settings.join_attempts_per_hour,
        )
        return await _start_entry(db, entry.kind, entry.digest, master_keys[0], settings)

    @get("/s", media_type=HTML)
    async def consent_page(
        self,
        db: AsyncSession,
        master_keys: tuple[bytes, ...],
        settings: Settings,
        request: Request[Any, Any, Any],
        lang: str | None = None,
    ) -> Response[Any]:
        cookie, survey = await respondent_entry(db, master_keys, request.cookies.get(COOKIE_NAME))
        cookie = self._language(cookie, survey, lang)
        if not await consent_needed(db, survey, cookie):
            return _secure(
                settings,
                _with_entry(Redirect("/s/questions", status_code=303), master_keys[0], cookie),
            )
        pupil = await pupils.class_entry(db, cookie.kind, cookie.digest)
        page = Template(
            "public/assent.html" if pupil else "public/consent.html",
            context=self._context(survey, cookie)
            | {
                "notice": journey.notice_text(survey, cookie.language),
                "purpose": await pupils.round_purpose(db, cookie.kind, cookie.digest),
            },
        )
        return _secure(settings, _with_entry(page, master_keys[0], cookie))

    @post("/s/consent", media_type=HTML)
    async def consent(
        self,
        data: Annotated[ConsentForm, FORM],
        db: AsyncSession,
        master_keys: tuple[bytes, ...],
        settings: Settings,
        request: Request[Any, Any, Any],
    ) -> Response[Any]:
        cookie, survey = await respondent_entry(db, master_keys, request.cookies.get(COOKIE_NAME))
        if data.choice != "agree":
            page: Response[Any] = Template(
                "public/declined.html", context=self._context(survey, cookie)
            )
            page.delete_cookie(COOKIE_NAME, path="/")
            return page
        agreed = EntryCookie(
            kind=cookie.kind,
            digest=cookie.digest,
            consented=True,
            survey_version_id=cookie.survey_version_id,
            language=cookie.language,
        )
        return _secure(
            settings, _with_entry(Redirect("/s/questions", status_code=303), master_keys[0], agreed)
        )

    @get("/s/questions", media_type=HTML)
    async def questions_page(
        self, db: AsyncSession, master_keys: tuple[bytes, ...], request: Request[Any, Any, Any]
    ) -> Response[Any]:
        cookie, survey = await respondent_entry(db, master_keys, request.cookies.get(COOKIE_NAME))
        if await consent_needed(db, survey, cookie):
            return Redirect("/s", status_code=303)
        return questions_page(survey, cookie, {}, {}, master_key=master_keys[0])

    @staticmethod
    def _language(
        cookie: EntryCookie, survey: journey.SurveyForRespondent, lang: str | None
    ) -> EntryCookie:
        if lang is None or lang not in journey.languages_of(survey):
            return cookie
        return EntryCookie(
            kind=cookie.kind,
            digest=cookie.digest,
            consented=cookie.consented,
            survey_version_id=cookie.survey_version_id,
            language=lang,
        )

    @staticmethod
    def _context(survey: journey.SurveyForRespondent, cookie: EntryCookie) -> dict[str, Any]:
        return journey.page_context(survey, cookie.language)


async def respondent_entry(
    db: AsyncSession,
    master_keys: Sequence[bytes],
    entry_cookie: str | None,
    carried: str = "",
) -> tuple[EntryCookie, journey.SurveyForRespondent]:
    """The entry from the session cookie's value, or from the signed copy the question
    form carries (so a form resubmitted after the thank-you page cleared cookies still
    finds its one response), signed under any configured master key."""
    cookie = decode_entry(master_keys, entry_cookie or carried)
    if cookie is None:
        raise LinkUnavailable()
    survey = await journey.survey_for_respondent(db, cookie.survey_version_id)
    return cookie, (await pupils.survey_for_entry(db, cookie.kind, cookie.digest, survey))[0]


def questions_page(
    survey: journey.SurveyForRespondent,
    cookie: EntryCookie,
    answers: dict[str, Any],
    errors: dict[str, str],
    *,
    master_key: bytes,
    nonce: str = "",
) -> Template:
    """The question form, blank or with the answers given and what is wrong with them."""
    sections = build_form(survey, cookie.language, answers, errors)
    error_list = [(q.field, q.label, q.error) for s in sections for q in s.questions if q.error]
    return Template(
        "public/questions.html",
        status_code=400 if errors else 200,
        context=journey.page_context(survey, cookie.language)
        | {
            "sections": sections,
            "errors": error_list,
            "intro": journey.in_language(survey.published.definition.intro, cookie.language),
            "form_nonce": nonce or secrets.token_urlsafe(16),
            "entry": encode_entry(master_key, cookie),
            "pairing": survey.published.definition.kind == EXIT,
        },
    )
