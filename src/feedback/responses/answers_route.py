"""POST /s/answers: the question form's submission, the busiest request the service takes.

A plain ASGI handler inside the app rather than a route handler with injected values, a
request object and a response object: per request, that machinery cost more CPU than
storing the response does (bench/submit.py measures the route next to a minimal floor).
It is still a route of the app: the request log logs it, the before-send hook adds the
respondent safety headers, and anything raised here (an unavailable link, a refused
token, a wrong method) is rendered by the app's exception handlers, so a lost link gets
the same neutral page as everywhere else. The CSRF middleware cannot read an ASGI
handler's body, so the form's token is checked by the middleware's own rule (web/csrf.py),
and cookies are read from the scope (web/cookies.py).

The thank-you page differs between responses only in the receipt code, so it is rendered
once per survey version, language and danger flag and the code is put in per response.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import parse_qs

from litestar import Request
from litestar.datastructures import Cookie
from litestar.exceptions import ClientException, HTTPException, MethodNotAllowedException
from litestar.handlers import asgi
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE, HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import HTTPScope, Receive, Send
from sqlalchemy.exc import SQLAlchemyError

from feedback.db.engine import request_session
from feedback.outcomes.pairing import OutcomeStep, outcome_step, pairing_code_error
from feedback.responses import journey, submission
from feedback.responses.answers import read_answers
from feedback.responses.consent_gate import consent_needed
from feedback.responses.entry_cookie import COOKIE_NAME, EntryCookie
from feedback.responses.errors import NotStored
from feedback.responses.public_routes import questions_page, respondent_entry
from feedback.responses.schemas import Receipt
from feedback.responses.submission import AnswerEntry
from feedback.settings import Settings
from feedback.surveys.outcome_rules import INTAKE
from feedback.web.cookies import scope_cookies
from feedback.web.csrf import FORM_FIELD as CSRF_FIELD
from feedback.web.csrf import check_csrf

log = logging.getLogger(__name__)
PATH = "/s/answers"
_THANKS_HEADERS = [
    (b"content-type", b"text/html; charset=utf-8"),
    (b"clear-site-data", b'"cache", "cookies", "storage"'),
    # What `delete_cookie(COOKIE_NAME, path="/")` sends: the entry cookie goes with the page.
    (
        b"set-cookie",
        Cookie(key=COOKIE_NAME, path="/", expires=0, max_age=0).to_header(header="").encode(),
    ),
]
_RECEIPT_MARK = f"receipt-{secrets.token_hex(16)}"  # stands in for the code in a kept page
THANKS_PAGES_KEPT = 256
MAX_FORM_BYTES = 256 * 1024  # far above any survey's answers; more is not a person's form


@asgi(PATH, include_in_schema=False, copy_scope=False, opt={"exclude_from_csrf": True})
async def submit_answers(scope: HTTPScope, receive: Receive, send: Send) -> None:
    if scope["method"] != "POST":
        raise MethodNotAllowedException(headers={"allow": "POST"})
    app = scope["litestar_app"]
    cookies = scope_cookies(scope)
    form = parse_qs((await _body(receive)).decode(errors="replace"), keep_blank_values=True)
    check_csrf(app, scope, cookies, _first(form, CSRF_FIELD))
    state = app.state
    master_key: bytes = state.master_key
    master_keys: tuple[bytes, ...] = state.master_keys  # current first: codes, cookies of any key
    settings: Settings = state.settings
    async with request_session(state.sessions) as db:
        cookie, survey = await respondent_entry(
            db, master_keys, cookies.get(COOKIE_NAME), _first(form, "entry")
        )
        if await consent_needed(db, survey, cookie):  # a form posted past the consent page
            back = Redirect("/s", status_code=303)
            await back.to_asgi_response(None, Request(scope, receive))(scope, receive, send)
            return
        read = read_answers(survey.published.definition, form)
        nonce = _first(form, "form_nonce")
        outcome = outcome_step(survey.published, _first(form, "pairing_code"))
        code_error = await pairing_code_error(
            db,
            outcome,
            master_keys=master_keys,
            client=_client(scope),
            attempts_per_hour=settings.join_attempts_per_hour,
        )
        if read.errors or not nonce or code_error:
            page = questions_page(
                survey, cookie, read.answers, read.errors, nonce=nonce, master_key=master_key
            )
            _keep_pairing_code(page, outcome, code_error)
            await page.to_asgi_response(None, Request(scope, receive))(scope, receive, send)
            return
        try:
            receipt = await submission.submit_answers(
                db,
                AnswerEntry(
                    kind=cookie.kind,
                    digest=cookie.digest,
                    form_nonce=nonce,
                    language=cookie.language,
                ),
                survey,
                read.answers,
                outcome=outcome,
                master_keys=master_keys,
                period_kind=settings.key_period,
                queue=state.queue,
                intake=state.intake,
            )
        except (NotStored, SQLAlchemyError, OSError) as error:
            page = not_stored_page(survey, cookie, read.answers, nonce, master_key, error)
            await page.to_asgi_response(None, Request(scope, receive))(scope, receive, send)
            return
    body = thanks_page(scope, survey, cookie, receipt).encode()
    headers = [*_THANKS_HEADERS, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _keep_pairing_code(page: Template, outcome: OutcomeStep | None, error: str) -> None:
    """An exit form shown again keeps the pairing code typed, and says if it did not match."""
    if outcome is None:
        return
    page.context["pairing_code"] = outcome.pairing_code
    if error:
        page.status_code = 400
        page.context["pairing_error"] = error
        page.context["errors"] = [("pairing_code", "Code", error), *page.context["errors"]]


def _client(scope: HTTPScope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def not_stored_page(
    survey: journey.SurveyForRespondent,
    cookie: EntryCookie,
    answers: dict[str, Any],
    nonce: str,
    master_key: bytes,
    error: Exception,
) -> Template:
    """The form again, answers kept and the same form nonce, saying they were not stored:
    sending it again stores it once (503: the service, not the respondent, failed). Only
    the error's kind is logged, never its statement or values."""
    log.warning("answers not stored: %s", type(error).__name__)
    page = questions_page(survey, cookie, answers, {}, nonce=nonce, master_key=master_key)
    page.status_code = HTTP_503_SERVICE_UNAVAILABLE
    page.context["errors"] = [("submit", "Not stored", NotStored().message)]
    return page


def thanks_page(
    scope: HTTPScope,
    survey: journey.SurveyForRespondent,
    cookie: EntryCookie,
    receipt: Receipt,
) -> str:
    """The thank-you page with this receipt's code. Survey versions never change, so each
    (version, language, danger) page is rendered once per app and kept."""
    state = scope["litestar_app"].state
    kept: dict[tuple[int, str, bool], str] = state.setdefault("thanks_pages", {})
    key = (survey.version_id, cookie.language, receipt.danger)
    page = kept.get(key)
    if page is None:
        page = kept[key] = _render_thanks(Request(scope), survey, cookie.language, receipt.danger)
        if len(kept) > THANKS_PAGES_KEPT:
            kept.pop(next(iter(kept)))
    return page.replace(_RECEIPT_MARK, receipt.code)


def _render_thanks(
    request: Request[Any, Any, Any],
    survey: journey.SurveyForRespondent,
    language: str,
    danger: bool,
) -> str:
    template = Template(
        "public/thanks.html",
        context=journey.page_context(survey, language)
        | {
            "receipt": Receipt(code=_RECEIPT_MARK, response_id="", danger=danger),
            "thanks": journey.in_language(survey.published.definition.thanks, language),
            "outcome_intake": survey.published.definition.kind == INTAKE,
        },
    )
    engine = request.app.template_engine
    assert engine is not None  # create_app configures the templates
    rendered: str = engine.get_template("public/thanks.html").render(
        **template.create_template_context(request)
    )
    return rendered


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the browser went away mid-form
            raise ClientException("the form did not arrive whole")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise HTTPException(status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _first(form: dict[str, list[str]], name: str) -> str:
    return next(iter(form.get(name, ())), "")
