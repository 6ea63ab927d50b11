"""Stale-while-revalidate: a stored release behind its data is served (and labelled) while
younger than FEEDBACK_REPORT_MAX_STALE_SECONDS, and the background refresh brings it up to
date, each scope from its own data only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.schemas import Staff
from feedback.crypto.master import load_master_keys
from feedback.db.engine import create_engine
from feedback.errors import SettingsInvalid
from feedback.queue import ArqQueue, job_context
from feedback.reports.jobs import refresh_report_releases
from feedback.reports.models import ReportRelease
from feedback.reports.release_cache import StoredFamily, scope_key
from feedback.reports.schemas import Disclosure, ReportFilter, SurveyReport
from feedback.reports.service import survey_report
from feedback.reports.themes import theme_report
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.themes.models import ThemeTag
from feedback.worker import build_worker
from tests.auth.pages import sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff, create_token
from tests.support.reports import SLUG, add_counts, service_id, submit

LEAD = Staff(id=1, email="lead@example.org", role="lead", service_ids=(), two_factor_enabled=True)
STALE_OK = 300


def _manager(*services: int) -> Staff:
    return Staff(
        id=2,
        email="m@example.org",
        role="service_manager",
        service_ids=services,
        two_factor_enabled=True,
    )


async def _report(
    db: AsyncSession, staff: Staff, settings: Settings, *, max_stale: int
) -> SurveyReport:
    return await survey_report(
        db,
        staff,
        SLUG,
        filters=ReportFilter(period="2026"),
        disclosure=msgspec.structs.replace(
            Disclosure.from_settings(settings), max_stale_seconds=max_stale
        ),
    )


def _base(report: SurveyReport) -> str:
    return next(q for q in report.questions if q.id == "felt_believed").base


async def _seed(db: AsyncSession, version_id: int) -> tuple[int, int]:
    own, other = await service_id(db, "Own Service"), await service_id(db, "Other Service")
    await add_counts(
        db,
        version_id,
        {
            ("felt_believed", "5", own, "westminster", "2026-02", "web"): 11,
            ("felt_believed", "4", own, "westminster", "2026-02", "web"): 6,
            ("felt_believed", "5", other, "kensington-chelsea", "2026-02", "sms"): 4321,
            ("felt_believed", "4", other, "kensington-chelsea", "2026-02", "sms"): 1234,
        },
    )
    return own, other


async def _more(db: AsyncSession, version_id: int, service: int, count: int) -> None:
    await add_counts(
        db, version_id, {("felt_believed", "3", service, "westminster", "2026-07", "web"): count}
    )


async def _stored(db: AsyncSession, scope: tuple[int, ...] | None) -> StoredFamily:
    db.expire_all()
    figures = await db.scalar(
        select(ReportRelease.figures).where(ReportRelease.scope == scope_key(scope))
    )
    assert figures is not None
    return msgspec.msgpack.decode(figures, type=StoredFamily)


@pytest.fixture
async def job_ctx(settings: Settings) -> AsyncIterator[dict[str, Any]]:
    """The context the worker gives a job, built the way the worker builds it."""
    engine = create_engine(settings)
    yield job_context(settings, engine, load_master_keys(settings))
    await engine.dispose()


async def test_a_stale_release_younger_than_the_limit_is_served_and_labelled(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    own, _other = await _seed(db, survey_version_id)
    first = await _report(db, LEAD, settings, max_stale=STALE_OK)
    assert _base(first) == "5572" and first.figures_as_of is None
    await _more(db, survey_version_id, own, 8)
    served = await _report(db, LEAD, settings, max_stale=STALE_OK)
    assert _base(served) == "5572"
    computed_at = (await _stored(db, None)).computed_at
    assert computed_at is not None and served.figures_as_of is not None
    assert served.figures_as_of == computed_at.replace(second=0, microsecond=0)
    assert served.figures_as_of.utcoffset() is not None  # London time, to the minute
    current = await _report(db, LEAD, settings, max_stale=0)
    assert _base(current) == "5580" and current.figures_as_of is None


async def test_a_stale_release_older_than_the_limit_is_recomputed(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    own, _other = await _seed(db, survey_version_id)
    await _report(db, LEAD, settings, max_stale=STALE_OK)
    aged = msgspec.structs.replace(
        await _stored(db, None), computed_at=clock.now_utc() - timedelta(seconds=STALE_OK + 1)
    )
    await db.execute(
        update(ReportRelease)
        .where(ReportRelease.scope == scope_key(None))
        .values(figures=msgspec.msgpack.encode(aged))
    )
    await db.commit()
    await _more(db, survey_version_id, own, 8)
    report = await _report(db, LEAD, settings, max_stale=STALE_OK)
    assert _base(report) == "5580" and report.figures_as_of is None


async def test_the_refresh_job_brings_each_scope_up_to_date_from_its_own_data(
    db: AsyncSession, settings: Settings, survey_version_id: int, job_ctx: dict[str, Any]
) -> None:
    own, other = await _seed(db, survey_version_id)
    manager = _manager(own)
    await _report(db, LEAD, settings, max_stale=STALE_OK)
    await _report(db, manager, settings, max_stale=STALE_OK)
    assert await refresh_report_releases(job_ctx) == 0  # nothing is behind yet
    await _more(db, survey_version_id, other, 50)
    assert await refresh_report_releases(job_ctx) == 1  # the manager's scope did not change
    await _more(db, survey_version_id, own, 8)
    assert await refresh_report_releases(job_ctx) == 2
    lead_view = await _report(db, LEAD, settings, max_stale=STALE_OK)
    mine = await _report(db, manager, settings, max_stale=STALE_OK)
    assert (_base(lead_view), lead_view.figures_as_of) == ("5630", None)
    assert (_base(mine), mine.figures_as_of) == ("25", None)
    assert (await _stored(db, (own,))).scope == (own,)
    stored_for_manager = msgspec.json.encode(await _stored(db, (own,))).decode()
    for figure in ("5630", "5572", "4321", "1234", "50"):
        assert f":{figure}," not in stored_for_manager and f":{figure}}}" not in stored_for_manager
    scopes = set(await db.scalars(select(ReportRelease.scope)))
    assert scopes == {scope_key(None), scope_key((own,))}


async def test_the_refresh_job_never_stores_a_family_under_a_key_its_scope_does_not_hash_to(
    db: AsyncSession, settings: Settings, survey_version_id: int, job_ctx: dict[str, Any]
) -> None:
    own, other = await _seed(db, survey_version_id)
    await _report(db, _manager(own), settings, max_stale=STALE_OK)
    claimed = msgspec.structs.replace(await _stored(db, (own,)), scope=(own, other))
    await db.execute(
        update(ReportRelease)
        .where(ReportRelease.scope == scope_key((own,)))
        .values(figures=msgspec.msgpack.encode(claimed))
    )
    await db.commit()
    await _more(db, survey_version_id, own, 8)
    assert await refresh_report_releases(job_ctx) == 0
    assert (await _stored(db, (own,))).scope == (own, other)  # untouched, left to a request
    assert _base(await _report(db, _manager(own), settings, max_stale=0)) == "25"


async def test_the_refresh_job_leaves_releases_of_another_threshold_alone(
    db: AsyncSession, settings: Settings, survey_version_id: int, job_ctx: dict[str, Any]
) -> None:
    own, _other = await _seed(db, survey_version_id)
    strict = msgspec.structs.replace(settings, suppression_threshold=20)
    await _report(db, LEAD, strict, max_stale=STALE_OK)
    await _more(db, survey_version_id, own, 8)
    assert await refresh_report_releases(job_ctx) == 0
    stale = await _report(db, LEAD, strict, max_stale=STALE_OK)
    assert stale.figures_as_of is not None


async def test_the_refresh_job_brings_a_themes_release_up_to_date(
    db: AsyncSession,
    app: Litestar,
    settings: Settings,
    survey_version_id: int,
    job_ctx: dict[str, Any],
) -> None:
    for _ in range(6):
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 5})
    year = str(clock.now_london().year)
    filters = ReportFilter(period=year)

    async def mentions() -> tuple[dict[str, str], datetime | None]:
        found = await theme_report(
            db,
            LEAD,
            SLUG,
            filters=filters,
            disclosure=msgspec.structs.replace(
                Disclosure.from_settings(settings), max_stale_seconds=STALE_OK
            ),
        )
        return {line.option: line.shown for line in found.themes}, found.figures_as_of

    assert await mentions() == ({}, None)
    for response_id in list(await db.scalars(select(Response.id))):
        db.add(
            ThemeTag(
                response_id=response_id,
                question_id="what_helped_most",
                theme_id="believed",
                source="machine",
                sentiment="positive",
                polarity=0.5,
            )
        )
    await db.commit()
    shown, as_of = await mentions()
    assert shown == {} and as_of is not None
    assert await refresh_report_releases(job_ctx) == 1
    assert await mentions() == ({"believed": "6"}, None)


async def test_the_arq_worker_runs_the_refresh(
    db: AsyncSession, settings: Settings, survey_version_id: int, redis_url: str
) -> None:
    own, _other = await _seed(db, survey_version_id)
    await _report(db, LEAD, settings, max_stale=STALE_OK)
    await _more(db, survey_version_id, own, 8)
    arq_settings = msgspec.structs.replace(settings, redis_url=redis_url)
    queue = ArqQueue(arq_settings)
    await queue.enqueue("refresh_report_releases", job_id="refresh-test")
    await queue.close()
    worker = build_worker(arq_settings, burst=True, poll_delay=0)
    try:
        await worker.main()
    finally:
        await worker.close()
    report = await _report(db, LEAD, settings, max_stale=STALE_OK)
    assert (_base(report), report.figures_as_of) == ("5580", None)


async def test_pages_and_api_say_when_figures_are_behind(
    client: AsyncTestClient[Litestar], db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    own, _other = await _seed(db, survey_version_id)
    await create_staff(db, role="analyst", email="a@example.org")
    bearer = {"Authorization": f"Bearer {await create_token(db, 'a@example.org')}"}
    url = f"/api/v1/reports/surveys/{SLUG}?period=2026"
    first = msgspec.json.decode((await client.get(url, headers=bearer)).content, type=SurveyReport)
    assert _base(first) == "5572" and first.figures_as_of is None
    await _more(db, survey_version_id, own, 8)
    later = msgspec.json.decode((await client.get(url, headers=bearer)).content, type=SurveyReport)
    assert _base(later) == "5572" and later.figures_as_of is not None
    as_of = later.figures_as_of
    assert as_of.second == 0 and abs(clock.now_utc() - as_of) < timedelta(minutes=2)
    await sign_in_with_new_two_factor(client, "a@example.org", PASSWORD)
    page = await client.get(f"/staff/reports/{SLUG}?period=2026")
    assert page.status_code == 200
    assert f"Figures as of {as_of.strftime('%H:%M')}" in page.text


def test_max_stale_is_read_from_the_environment_and_checked() -> None:
    assert Settings.from_env({}).report_max_stale_seconds == 300
    found = Settings.from_env({"FEEDBACK_REPORT_MAX_STALE_SECONDS": "0"})
    assert found.report_max_stale_seconds == 0
    with pytest.raises(SettingsInvalid, match="FEEDBACK_REPORT_MAX_STALE_SECONDS"):
        Settings.from_env({"FEEDBACK_REPORT_MAX_STALE_SECONDS": "-1"})
