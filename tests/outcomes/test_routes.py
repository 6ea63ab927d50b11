"""The outcome report page, the quarterly return (page, CSV, XLSX, API) as a lead reads them:
the same figures everywhere, matched n beside each matched figure, downloads audit-logged."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import msgspec
import openpyxl
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.auth.models import AuditEvent
from feedback.outcomes.indicators import INDICATORS
from feedback.outcomes.quarterly_return import TOTAL, header
from feedback.reports.filters import current_quarter
from feedback.settings import Settings
from tests.auth.pages import sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_service, create_staff, create_token
from tests.outcomes.test_report import pair_through_the_web
from tests.support.outcomes import Surveys

Client = AsyncTestClient[Litestar]
INTAKE = {"safety_now": 2, "abuse_present_physical": "yes"}
EXIT = {"safety_now": 6, "abuse_change_physical": "reduced", "helped_cope": "yes_a_lot"}


@pytest.fixture
async def loose(settings: Settings) -> AsyncIterator[Client]:
    """A client on an app whose threshold is 1, so one pair shows."""
    app = create_app(msgspec.structs.replace(settings, suppression_threshold=1))
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


async def _lead(client: Client, db: AsyncSession) -> str:
    await create_staff(db, role="lead", email="lead@example.org")
    token = await create_token(db, "lead@example.org")
    await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
    return token


async def test_the_report_page_shows_the_pair_and_its_matched_n(
    loose: Client, client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    await pair_through_the_web(client, db, INTAKE, EXIT)
    await _lead(loose, db)
    page = await loose.get(f"/staff/reports/outcomes?period={current_quarter()}")
    assert page.status_code == 200, page.text[:300]
    assert '<span id="matched-n">1</span>' in page.text
    row = page.text.split('data-indicator="safety_now_change"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="numeric figure">+4.0</td>' in row
    assert "matched n 1" in row


async def test_the_return_is_a_page_a_csv_and_a_workbook_of_two_sheets(
    loose: Client, client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    await create_service(db, "Second Service", boroughs=("kensington-chelsea",))
    await pair_through_the_web(client, db, INTAKE, EXIT)
    token = await _lead(loose, db)
    quarter = current_quarter()
    page = await loose.get(f"/staff/reports/outcomes/return?quarter={quarter}")
    assert page.status_code == 200, page.text[:300]
    for name in ("Advocacy Service", "Second Service", TOTAL):
        assert f'data-service="{name}"' in page.text

    sent = await loose.get(f"/staff/reports/outcomes/return?quarter={quarter}&format=csv")
    assert sent.status_code == 200
    assert "attachment" in sent.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(sent.text)))
    assert lines[1][0].startswith("# c = ")
    assert lines[2] == header()
    rows = {line[0]: dict(zip(lines[2], line, strict=True)) for line in lines[3:]}
    assert set(rows) == {"Advocacy Service", "Second Service", TOTAL}
    assert rows[TOTAL]["matched pairs (matched n)"] == "1"
    assert rows[TOTAL]["safety_now_change"] == "+4.0"
    assert rows[TOTAL]["safety_now_change matched n"] == "1"
    assert rows["Second Service"]["matched pairs (matched n)"] == "0"

    book = await loose.get(f"/staff/reports/outcomes/return?quarter={quarter}&format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(book.content))
    assert workbook.sheetnames == ["Return", "How derived"]
    sheet = list(workbook["Return"].iter_rows(values_only=True))
    assert list(sheet[2]) == header()
    assert [row[0] for row in sheet[3:]] == ["Advocacy Service", "Second Service", TOTAL]
    derived = list(workbook["How derived"].iter_rows(values_only=True))
    assert [row[0] for row in derived[1 : 1 + len(INDICATORS)]] == [s.code for s in INDICATORS]
    assert all(row[4] for row in derived[1 : 1 + len(INDICATORS)])

    actions = list(await db.scalars(select(AuditEvent.action)))
    assert actions.count("report.outcomes_return_export") == 2

    api = await loose.get(
        f"/api/v1/reports/outcomes/return?quarter={quarter}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 200
    total = next(row for row in api.json()["rows"] if row["service"] == TOTAL)
    assert total["matched_n"] == "1"
    by_code = {i["code"]: (i["figure"], i["n"]) for i in total["indicators"]}
    assert by_code["safety_now_change"] == ("+4.0", "1")
    assert by_code["abuse_stopped_physical"] == ("0%", "1")


async def test_a_quarter_that_is_not_a_quarter_is_refused_naming_the_field(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    await _lead(client, db)
    refused = await client.get("/staff/reports/outcomes/return?quarter=2026-03")
    assert refused.status_code == 400
    assert "quarter" in refused.text and "2026-Q1" in refused.text
    wrong = await client.get("/staff/reports/outcomes/return?quarter=2026-Q1&format=pdf")
    assert wrong.status_code == 400 and "format" in wrong.text


async def test_a_manager_reads_only_their_services_in_the_return(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    other = await create_service(db, "Other Service", boroughs=("kensington-chelsea",))
    await create_staff(
        db, role="service_manager", email="m@example.org", services=["Advocacy Service"]
    )
    token = await create_token(db, "m@example.org")
    headers = {"Authorization": f"Bearer {token}"}
    shown = await client.get(
        f"/api/v1/reports/outcomes/return?quarter={current_quarter()}", headers=headers
    )
    assert [row["service"] for row in shown.json()["rows"]] == ["Advocacy Service", TOTAL]
    refused = await client.get(
        f"/api/v1/reports/outcomes?period={current_quarter()}&service_id={other.id}",
        headers=headers,
    )
    assert refused.status_code == 403
