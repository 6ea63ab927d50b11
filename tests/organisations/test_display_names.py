"""One display name for every borough, service and survey (issue 19, item 7): pages show
"Hammersmith & Fulham", the service's name and the survey's title, never a slug or an id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.crypto.service import rotate_keys
from feedback.links import service as links
from feedback.organisations.names import borough_name, borough_names
from feedback.settings import Settings
from feedback.surveys.service import publish_surveys
from feedback.surveys.titles import survey_titles
from tests.support.responses import ROOT
from tests.support.staff import SERVICE, Client

TEMPLATES = Path(__file__).parents[2] / "src" / "feedback" / "web" / "templates"


@pytest.fixture
async def published(db: AsyncSession, settings: Settings) -> None:
    await publish_surveys(db, [ROOT / "surveys" / "service-satisfaction.yaml"])
    await rotate_keys(db, settings=settings)


def test_borough_names_are_the_councils_own() -> None:
    assert borough_name("hammersmith-fulham") == "Hammersmith & Fulham"
    assert borough_name("multiple") == "More than one borough"
    assert borough_names(["kensington-chelsea", "westminster"]) == (
        "Kensington and Chelsea, Westminster"
    )


def test_no_template_makes_its_own_borough_or_survey_name() -> None:
    """The spellings issue 19 found: slugs with dashes swapped, title-cased, joined raw."""
    made_up = re.compile(
        r'borough\w*\s*\|\s*(?:join|replace\("-"|map\("replace")|narrowed_by \| replace'
    )
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in made_up.finditer(path.read_text())
    ]
    assert found == []


async def test_console_pages_show_titles_and_names(
    lead: Client, db: AsyncSession, published: None
) -> None:
    assert await survey_titles(db) == {"service-satisfaction": "Your feedback"}
    await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name=SERVICE,
        count=1,
        base_url="http://127.0.0.1:8000",
    )
    heading = (await lead.get("/staff/surveys/service-satisfaction")).text
    assert re.search(r"<h1>Your feedback <span", heading)
    batches = (await lead.get("/staff/links/batches")).text
    assert "<td>Your feedback</td>" in batches and "<td>service-satisfaction</td>" not in batches

    report = (await lead.get("/staff/reports/service-satisfaction?borough=hammersmith-fulham")).text
    assert "Hammersmith &amp; Fulham</span></h1>" in report
    assert ">More than one borough</option>" in report and "hammersmith fulham" not in report
    services = (await lead.get("/staff/admin/services")).text
    service_id = re.search(r'href="/staff/admin/services/(\d+)"', services)
    assert service_id
    narrowed = await lead.get(f"/staff/reports/service-satisfaction?service_id={service_id[1]}")
    assert f"{SERVICE}</span></h1>" in narrowed.text and "service: " not in narrowed.text
    themes = (await lead.get("/staff/reports/service-satisfaction/themes")).text
    assert "<title>Themes: Your feedback" in themes
