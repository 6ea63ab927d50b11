"""Stored protected releases: served only while current, and only to the scope they were
computed for."""

from __future__ import annotations

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.schemas import Staff
from feedback.reports.models import ReportCell, ReportRelease
from feedback.reports.release_cache import scope_key
from feedback.reports.schemas import Disclosure, ReportFilter, SurveyReport
from feedback.reports.service import compare_question, survey_report
from feedback.responses.models import AnswerCount, Response
from feedback.settings import Settings
from tests.factories import create_staff, create_token
from tests.support.reports import SLUG, add_counts, service_id, submit

LEAD = Staff(id=1, email="lead@example.org", role="lead", service_ids=(), two_factor_enabled=True)


def _manager(*services: int) -> Staff:
    return Staff(
        id=2,
        email="m@example.org",
        role="service_manager",
        service_ids=services,
        two_factor_enabled=True,
    )


def _believed(report: SurveyReport) -> dict[str, str]:
    question = next(q for q in report.questions if q.id == "felt_believed")
    return {"base": question.base, **{a.option: a.shown for a in question.answers}}


async def _report(
    db: AsyncSession, staff: Staff, settings: Settings, period: str = "2026", **narrow: str | int
) -> SurveyReport:
    filters = ReportFilter(period=period, **narrow)  # type: ignore[arg-type]
    return await survey_report(
        db, staff, SLUG, filters=filters, disclosure=Disclosure.from_settings(settings)
    )


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


async def test_a_report_is_stored_once_and_read_back_while_nothing_changes(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    first = await _report(db, LEAD, settings)
    stored = list(await db.scalars(select(ReportRelease)))
    assert len(stored) == 1 and stored[0].year == 2026
    again = await _report(db, LEAD, settings)
    assert msgspec.json.encode(again) == msgspec.json.encode(first)
    generation = (await db.scalars(select(ReportRelease.generation))).one()
    assert generation == stored[0].generation
    quarter = await _report(db, LEAD, settings, period="2026-Q1", borough="westminster")
    assert _believed(quarter)["base"] == "17"
    assert await db.scalar(select(func.count()).select_from(ReportRelease)) == 1


async def test_new_responses_change_the_report_at_once(
    db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    year = str(clock.now_london().year)
    for _ in range(6):
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 5})
    before = await _report(db, LEAD, settings, period=year)
    assert _believed(before)["5"] == "6" and before.responses == "6"
    for _ in range(3):
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 5})
    after = await _report(db, LEAD, settings, period=year)
    assert _believed(after)["5"] == "9" and after.responses == "9"


async def test_counters_changed_by_any_path_change_the_report(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    own, _other = await _seed(db, survey_version_id)
    assert _believed(await _report(db, LEAD, settings))["base"] == "5572"
    await add_counts(
        db, survey_version_id, {("felt_believed", "3", own, "westminster", "2026-07", "web"): 8}
    )
    assert _believed(await _report(db, LEAD, settings))["base"] == "5580"
    await db.execute(delete(AnswerCount).where(AnswerCount.month == "2026-07"))
    await db.commit()
    assert _believed(await _report(db, LEAD, settings))["base"] == "5572"


async def test_a_withdrawn_response_changes_the_report(
    db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    year = str(clock.now_london().year)
    for _ in range(7):
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 5})
    assert (await _report(db, LEAD, settings, period=year)).responses == "7"
    gone = (await db.scalars(select(Response.id).limit(1))).one()
    await db.execute(delete(Response).where(Response.id == gone))
    await db.commit()
    assert (await _report(db, LEAD, settings, period=year)).responses == "6"


async def test_a_change_in_another_service_leaves_a_managers_release_current(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    own, other = await _seed(db, survey_version_id)
    await _report(db, _manager(own), settings)
    kept = (await db.scalars(select(ReportRelease.generation))).one()
    await add_counts(
        db,
        survey_version_id,
        {("felt_believed", "1", other, "kensington-chelsea", "2026-03", "sms"): 50},
    )
    mine = await _report(db, _manager(own), settings)
    assert _believed(mine)["base"] == "17"
    assert (await db.scalars(select(ReportRelease.generation))).one() == kept
    generations = await db.scalar(select(func.count()).select_from(ReportCell))
    assert generations == 3  # one per (version, service, month, channel) written


async def test_two_scopes_never_share_a_stored_release(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    own, other = await _seed(db, survey_version_id)
    manager = _manager(own)
    for order in ((manager, LEAD), (LEAD, manager)):
        await db.execute(delete(ReportRelease))
        await db.commit()
        shown = {staff.role: _believed(await _report(db, staff, settings)) for staff in order}
        assert shown["service_manager"]["base"] == "17"
        assert shown["lead"]["base"] == "5572"
        for figure in ("5555", "4321", "1234", "5572"):
            assert figure not in msgspec.json.encode(await _report(db, manager, settings)).decode()
        scopes = set(await db.scalars(select(ReportRelease.scope)))
        assert scopes == {scope_key(None), scope_key((own,))}
    both = _manager(own, other)
    assert _believed(await _report(db, both, settings))["base"] == "5572"
    assert scope_key((own, other)) != scope_key((own,)) != scope_key(None)
    assert scope_key((other, own)) == scope_key((own, other))


async def test_a_stored_release_is_not_read_under_another_threshold(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    await _report(db, LEAD, settings)
    strict = msgspec.structs.replace(settings, suppression_threshold=20)
    assert _believed(await _report(db, LEAD, strict))["4"] == "1240"  # 6 + 1234, shown at 20
    own_only = _believed(
        await _report(db, LEAD, strict, service_id=await service_id(db, "Own Service"))
    )
    assert own_only["4"] == "c" and own_only["5"] == "c"
    assert await db.scalar(select(func.count()).select_from(ReportRelease)) == 2


async def test_comparing_versions_reads_the_same_stored_release(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    filters = ReportFilter(period="2026")
    compared = await compare_question(
        db,
        LEAD,
        SLUG,
        "felt_believed",
        filters=filters,
        disclosure=Disclosure.from_settings(settings),
    )
    assert compared.versions[0].base == "5572"
    assert await db.scalar(select(func.count()).select_from(ReportRelease)) == 1


async def test_a_report_request_stores_its_release_for_the_next_request(
    client: AsyncTestClient[Litestar], db: AsyncSession, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    await create_staff(db, role="analyst", email="a@example.org")
    token = await create_token(db, "a@example.org")
    for _ in range(2):
        answer = await client.get(
            f"/api/v1/reports/surveys/{SLUG}?period=2026",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200
    await db.rollback()
    assert list(await db.scalars(select(ReportRelease.scope))) == [scope_key(None)]


async def test_cells_count_responses_exactly_through_intake_and_deletion(
    db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    for service in ("Own Service", "Own Service", "Other Service"):
        await submit(db, app, settings, service=service, answers={"felt_believed": 4})
    gone = (await db.scalars(select(Response.id).limit(1))).one()
    await db.execute(delete(Response).where(Response.id == gone))
    await db.commit()
    stored = await db.scalar(select(func.count()).select_from(Response))
    counted = await db.scalar(select(func.sum(ReportCell.responses)))
    assert stored == counted == 2


async def test_theme_tags_added_or_removed_change_the_stored_themes_report(
    db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    from feedback.reports.themes import theme_report
    from feedback.themes.models import ThemeTag

    year = str(clock.now_london().year)
    for _ in range(6):
        await submit(db, app, settings, service="Own Service", answers={"felt_believed": 5})
    filters = ReportFilter(period=year)

    async def mentions() -> dict[str, str]:
        found = await theme_report(
            db, LEAD, SLUG, filters=filters, disclosure=Disclosure.from_settings(settings)
        )
        return {line.option: line.shown for line in found.themes}

    assert await mentions() == {}
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
    assert await mentions() == {"believed": "6"}
    tag = (await db.scalars(select(ThemeTag).limit(1))).one()
    tag.decision = "removed"
    await db.commit()
    assert await mentions() == {"believed": "5"}
    assert set(await db.scalars(select(ReportRelease.kind))) == {"themes"}
