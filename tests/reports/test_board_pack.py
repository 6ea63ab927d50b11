"""The quarterly board pack: a page per service and a summary, as printable HTML and XLSX,
with the dashboard's protected figures and the reader's scope."""

from __future__ import annotations

import io

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.models import AuditEvent
from feedback.auth.schemas import Staff
from feedback.errors import InvalidInput
from feedback.reports.board_pack import board_pack
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.service import survey_report
from feedback.settings import Settings
from tests.auth.pages import sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff
from tests.support.reports import SLUG, add_counts, service_id, shows_number

Client = AsyncTestClient[Litestar]
LEAD = Staff(id=1, email="lead@example.org", role="lead", service_ids=(), two_factor_enabled=True)


async def _seed(db: AsyncSession, version_id: int) -> tuple[int, int]:
    own, other = await service_id(db, "Own Service"), await service_id(db, "Other Service")
    await add_counts(
        db,
        version_id,
        {
            ("felt_believed", "5", own, "westminster", "2026-02", "web"): 11,
            ("felt_believed", "4", own, "westminster", "2026-02", "web"): 6,
            ("felt_believed", "5", other, "kensington-chelsea", "2026-02", "sms"): 4321,
            ("felt_believed", "4", other, "kensington-chelsea", "2026-03", "sms"): 1234,
            ("felt_believed", "2", other, "kensington-chelsea", "2026-03", "sms"): 2,
            ("felt_believed", "5", own, "westminster", "2026-05", "web"): 40,  # another quarter
        },
    )
    return own, other


def _believed(report: object) -> dict[str, str]:
    question = next(q for q in report.questions if q.id == "felt_believed")  # type: ignore[attr-defined]
    return {"base": question.base, **{a.option: a.shown for a in question.answers}}


async def test_each_page_shows_the_dashboards_figures_for_that_service_and_quarter(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    own, other = await _seed(db, survey_version_id)
    pack = await board_pack(
        db, LEAD, SLUG, quarter="2026-q1", disclosure=Disclosure.from_settings(settings)
    )
    assert pack.quarter == "2026-Q1"
    assert [page.service for page in pack.services] == ["Other Service", "Own Service"]
    for page in pack.services:
        dashboard = await survey_report(
            db,
            LEAD,
            SLUG,
            filters=ReportFilter(period="2026-Q1", service_id=page.service_id),
            disclosure=Disclosure.from_settings(settings),
        )
        assert page.report == dashboard
    pages = {page.service_id: _believed(page.report) for page in pack.services}
    assert pages[own]["base"] == "17"
    assert pages[other]["2"] == "c"  # small, and never worked out from the summary
    assert _believed(pack.summary)["base"] == "5574"
    assert _believed(pack.summary)["2"] == "c"


async def test_a_board_pack_covers_a_quarter_only(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    for wrong in ("2026", "2026-03", "2026-H1", "Q1"):
        try:
            await board_pack(
                db, LEAD, SLUG, quarter=wrong, disclosure=Disclosure.from_settings(settings)
            )
        except InvalidInput as error:
            assert "quarter" in str(error) or "period" in str(error)
        else:
            raise AssertionError(f"{wrong} was accepted")


async def test_a_lead_prints_a_page_per_service_and_downloads_a_sheet_per_service(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    await create_staff(db, role="lead", email="lead@example.org")
    await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
    page = await client.get(f"/staff/reports/{SLUG}/board-pack?quarter=2026-Q1")
    assert page.status_code == 200, page.text[:300]
    assert page.text.count('class="board-page"') == 3  # summary, then one per service
    assert "Own Service" in page.text and "Other Service" in page.text
    assert "<svg" in page.text and "5574" in page.text
    assert f"/staff/reports/{SLUG}/board-pack/export?quarter=2026-Q1" in page.text
    linked = await client.get(f"/staff/reports/{SLUG}")
    assert f"/staff/reports/{SLUG}/board-pack" in linked.text
    download = await client.get(f"/staff/reports/{SLUG}/board-pack/export?quarter=2026-Q1")
    assert download.status_code == 200
    assert "board-pack.xlsx" in download.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == ["Summary", "Other Service", "Own Service"]
    other = [
        row
        for row in book["Other Service"].iter_rows(values_only=True)
        if row[4] == "felt_believed"
    ]
    assert {row[7]: row[9] for row in other}["2"] == "c"
    summary = [row[:3] for row in book["Summary"].iter_rows(values_only=True)]
    assert ("Own Service", "Westminster", 0) in summary  # display name; responses: counters only
    await db.rollback()
    audited = list(
        await db.scalars(
            select(AuditEvent.target_id).where(AuditEvent.action == "report.board_pack_export")
        )
    )
    assert audited == [f"{SLUG}/1/2026-Q1"]


async def test_a_service_manager_gets_only_their_own_service(
    client: Client, db: AsyncSession, survey_version_id: int
) -> None:
    await _seed(db, survey_version_id)
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    await sign_in_with_new_two_factor(client, "m@example.org", PASSWORD)
    page = await client.get(f"/staff/reports/{SLUG}/board-pack?quarter=2026-Q1")
    assert page.status_code == 200
    assert "Other Service" not in page.text
    assert page.text.count('class="board-page"') == 2
    for secret in ("4321", "1234", "5574", "5557"):
        assert not shows_number(page.text, secret)
    download = await client.get(f"/staff/reports/{SLUG}/board-pack/export?quarter=2026-Q1")
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == ["Summary", "Own Service"]
    cells = " ".join(str(c) for s in book for row in s.iter_rows(values_only=True) for c in row)
    for secret in ("4321", "1234", "5574", "Other Service"):
        assert secret not in cells
