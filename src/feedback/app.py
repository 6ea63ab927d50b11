"""create_app(settings): wiring only. Three routers: public, staff (session) and api (token)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from feedback import display_names
from feedback.actions.api_routes import ActionsApi
from feedback.actions.public_routes import PublicRecordsApi, YouSaidWeDidPages
from feedback.actions.staff_routes import ActionsPages
from feedback.auth.account_routes import AccountPages, TokenPages
from feedback.auth.admin_routes import AdminPages
from feedback.auth.api_routes import AccountApi
from feedback.auth.set_password_routes import SetPasswordPage
from feedback.auth.staff_routes import SignInController
from feedback.console.keys_routes import KeyPages
from feedback.console.staff_routes import HomePage
from feedback.consultations.staff_routes import RoundsPages, SchoolsPages
from feedback.crypto.master import derive_key, load_master_keys
from feedback.db.engine import create_engine, session_factory
from feedback.links.api_routes import LinksApi
from feedback.links.staff_routes import LinksPages
from feedback.organisations.api_routes import OrganisationsApi
from feedback.organisations.staff_routes import ServicePages
from feedback.outcomes.api_routes import OutcomesApi
from feedback.outcomes.staff_routes import OutcomePages
from feedback.queue import InProcessQueue, build_queue
from feedback.reports.api_routes import ReportsApi
from feedback.reports.schemas import Disclosure
from feedback.reports.staff_routes import ReportsPages
from feedback.responses.answers_route import submit_answers
from feedback.responses.frame import frame_text
from feedback.responses.intake import group_intake_for
from feedback.responses.public_routes import RespondentPages
from feedback.responses.receipt_routes import ReceiptPages
from feedback.settings import Settings
from feedback.sms.api_routes import SmsInvitationsApi
from feedback.sms.public_routes import SmsStatusCallbacks, SmsWebhooks
from feedback.sms.staff_routes import SmsInvitationPages
from feedback.surveys.api_routes import SurveysApi
from feedback.surveys.draft_routes import DraftPages
from feedback.surveys.staff_routes import SurveysPages
from feedback.themes.api_routes import ThemeReviewApi
from feedback.themes.danger import load_danger_check
from feedback.themes.staff_routes import ThemeReviewPages
from feedback.web import dependencies as deps
from feedback.web.errors import API_ERRORS, PUBLIC_ERRORS, STAFF_ERRORS, UNMATCHED_ERRORS
from feedback.web.guards import require_api_token, require_staff_session
from feedback.web.health import health, ready
from feedback.web.middleware import add_safety_headers, log_request, request_log_middleware
from feedback.web.public_pages import SafetyPage, leave
from feedback.worker import FUNCTIONS

WEB_DIR = Path(__file__).parent / "web"
SWEEP_SECONDS = 300
REFRESH_SECONDS = 60  # stored report releases behind their data are recomputed this often


def public_router() -> Router:
    """Respondent pages, webhooks, published records, health: no sign-in."""
    static = create_static_files_router(path="/static", directories=[WEB_DIR / "static"])
    return Router(
        path="/",
        route_handlers=[
            health,
            ready,
            static,
            SafetyPage,
            leave,
            RespondentPages,
            submit_answers,
            ReceiptPages,
            YouSaidWeDidPages,
            PublicRecordsApi,
            SmsWebhooks,
            SmsStatusCallbacks,
        ],
        exception_handlers=PUBLIC_ERRORS,
    )


def staff_router() -> Router:
    """Console pages, every one under /staff (controller paths are relative to it), behind
    the staff session; its errors are answered as staff pages."""
    return Router(
        path="/staff",
        route_handlers=[
            SignInController,
            HomePage,
            LinksPages,
            SmsInvitationPages,
            SurveysPages,
            DraftPages,
            AdminPages,
            KeyPages,
            ServicePages,
            OutcomePages,
            ReportsPages,
            RoundsPages,
            SchoolsPages,
            ActionsPages,
            SetPasswordPage,
            AccountPages,
            TokenPages,
            ThemeReviewPages,
        ],
        guards=[require_staff_session],
        exception_handlers=STAFF_ERRORS,
        before_request=display_names.load_survey_titles,
        dependencies={
            "staff": Provide(deps.provide_staff, sync_to_thread=False),
            "session_view": Provide(deps.provide_session_view, sync_to_thread=False),
        },
    )


def api_router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=[
            AccountApi,
            OrganisationsApi,
            LinksApi,
            SurveysApi,
            SmsInvitationsApi,
            ReportsApi,
            OutcomesApi,
            ThemeReviewApi,
            ActionsApi,
        ],
        guards=[require_api_token],
        exception_handlers=API_ERRORS,
        security=[{"bearer": []}],
        dependencies={"staff": Provide(deps.provide_staff, sync_to_thread=False)},
    )


def provide_disclosure(state: State) -> Disclosure:
    """The rules report pages and the API read under, built once from the settings (here,
    not in web/, so that web never imports a domain package)."""
    disclosure: Disclosure = state.disclosure
    return disclosure


def _templates_never_reload(engine: JinjaTemplateEngine) -> None:
    """Templates ship with the code: compile each once, no file check on every render."""
    engine.engine.auto_reload = False
    engine.engine.globals["frame_text"] = frame_text  # respondent pages' frame, per language
    display_names.install(engine.engine)  # one display name per borough, service, survey


def create_app(settings: Settings) -> Litestar:
    load_danger_check()  # a missing or corrupt tagger model stops start-up, not a submission
    master_keys = load_master_keys(settings, create=settings.is_sqlite)
    master_key = master_keys.current

    @asynccontextmanager
    async def database(app: Litestar) -> AsyncGenerator[None, None]:
        # What this lifespan opens it closes itself (the locals), not whatever app.state
        # holds then: two test clients on one app each run a lifespan in their own loop.
        engine = app.state.engine = create_engine(settings)
        app.state.sessions = session_factory(engine)
        intake = app.state.intake = group_intake_for(engine)  # None unless PostgreSQL
        queue = app.state.queue = build_queue(
            settings, functions=FUNCTIONS, engine=engine, master_keys=master_keys
        )
        if isinstance(app.state.queue, InProcessQueue):  # no arq cron here: sweep in-process
            app.state.queue.run_every("sweep_untagged", SWEEP_SECONDS)
            app.state.queue.run_every("sweep_withdrawals", SWEEP_SECONDS)
            app.state.queue.run_every("refresh_report_releases", REFRESH_SECONDS)
            app.state.queue.run_every("expire_pairing_codes", SWEEP_SECONDS)
        try:
            yield
        finally:
            await queue.close()
            if intake is not None:  # its last group, before the engine goes
                await intake.close()
            await engine.dispose()

    csrf_cookie = "__Host-csrf" if settings.secure_cookies else "feedback-csrf"
    return Litestar(
        route_handlers=[public_router(), staff_router(), api_router()],
        lifespan=[database],
        state=State(
            {
                "settings": settings,
                "disclosure": Disclosure.for_pages(settings),
                "master_key": master_key,
                "master_keys": master_keys.keys,
            }
        ),
        dependencies={
            "db": Provide(deps.provide_db),
            "settings": Provide(deps.provide_settings, sync_to_thread=False),
            "disclosure": Provide(provide_disclosure, sync_to_thread=False),
            "master_key": Provide(deps.provide_master_key, sync_to_thread=False),
            "master_keys": Provide(deps.provide_master_keys, sync_to_thread=False),
            "queue": Provide(deps.provide_queue, sync_to_thread=False),
        },
        middleware=[request_log_middleware],
        before_send=[add_safety_headers, log_request],
        csrf_config=CSRFConfig(
            secret=derive_key(master_key, "csrf").hex(),
            cookie_name=csrf_cookie,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="strict",
            exclude=["/api/", "/sms/", "/static/"],  # assets must not re-set a cleared cookie
        ),
        template_config=TemplateConfig(
            directory=WEB_DIR / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=_templates_never_reload,
        ),
        # Errors inside a route are answered by its router's handlers; these are only for
        # requests that match no route (web/errors.py `unmatched_request`).
        exception_handlers=UNMATCHED_ERRORS,
        openapi_config=OpenAPIConfig(
            title="Survivor feedback staff API",
            version="1",
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}
            ),
            render_plugins=[],
        ),
        logging_config=None,
        debug=False,
    )
