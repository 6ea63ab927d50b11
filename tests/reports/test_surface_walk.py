"""Issue 21's walk over the live surfaces: every figure the report API, report pages, CSV and
XLSX exports, compare, themes API and page, board pack (page and XLSX), console home,
consultation round pages (a month's, a quarter's and a half's progress) and a "you said, we
did" evidence snapshot show equals the protected release's figure, or `c` exactly where the
release hides it."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import msgspec
import openpyxl
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.actions.evidence import take_evidence
from feedback.app import create_app
from feedback.auth.accounts import as_staff, user_by_email
from feedback.organisations.models import Service
from feedback.reports.periods import parse_period, single_year
from feedback.reports.release import BASE
from feedback.reports.release_cache import THEMES, StoredFamily
from feedback.reports.schemas import QuestionComparison, SurveyReport
from feedback.reports.service import compute_answers_family, version_by_id
from feedback.reports.themes import ThemeReport, compute_themes_family
from feedback.settings import Settings
from tests.auth.pages import sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff, create_token
from tests.reports.attacker import (
    OPTIONS,
    QUESTION,
    RESPONDED,
    YEAR,
    Figure,
    answer,
    answers_of,
    every_period,
    release_row,
)
from tests.reports.round_figures import CHANNELS as ROUND_CHANNELS
from tests.reports.round_figures import ROUND_DATES, open_round_over, page_round_figures
from tests.reports.surfaces import (
    SLUG,
    Client,
    api_figures,
    csv_figures,
    narrowings,
    page_figures,
    plant_responses,
    query,
    slice_of,
    xlsx_figures,
)

QUARTERS = [f"{YEAR}-Q{n}" for n in range(1, 5)]
MID_JUNE = datetime(YEAR, 6, 15, 12, tzinfo=UTC)


class Expected:
    """The release one reader's surfaces must show: answers, responses and themes."""

    def __init__(self, answers: StoredFamily, themes: StoredFamily) -> None:
        self.answers, self.themes = answers, themes

    def figure(self, figure: Figure) -> str:
        period = parse_period(figure.period)
        if figure.rows == (RESPONDED,):
            return str(self.answers.responses.figure(BASE, period, figure.slice_).shown)
        question, row = release_row(figure.rows)
        source = self.answers.questions[question].release
        return str(source.figure(row, period, figure.slice_).shown)

    def theme(self, row: str, period: str, slice_: tuple[str, str]) -> str:
        release = self.themes.questions[THEMES].release
        return str(release.figure(row, parse_period(period), slice_).shown)


async def test_every_live_surface_shows_the_release(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    await plant_responses(db, survey_version_id, 21)
    await create_staff(db, role="lead", email="lead@example.org")
    token = await create_token(db, "lead@example.org")
    bearer = {"Authorization": f"Bearer {token}"}
    version = await version_by_id(db, survey_version_id)
    assert version is not None
    window = single_year(YEAR)
    release = Expected(
        await compute_answers_family(
            db, version, window, None, threshold=5, method=settings.report_rounding
        ),
        await compute_themes_family(
            db, survey_version_id, window, None, threshold=5, method=settings.report_rounding
        ),
    )
    services = {id_: name for id_, name in await db.execute(select(Service.id, Service.name))}
    checked = 0
    hidden = 0
    async with AsyncTestClient(app=create_app(settings), base_url="http://127.0.0.1:8000") as c:
        await sign_in_with_new_two_factor(c, "lead@example.org", PASSWORD)
        for period in every_period():
            for narrowing in narrowings(services):
                asked = query(period.name, narrowing)
                slice_ = slice_of(narrowing)
                api = f"/api/v1/reports/surveys/{SLUG}"
                report = await c.get(f"{api}?{asked}", headers=bearer)
                found = api_figures(report.content, period.name, narrowing)
                exported = await c.get(f"{api}/export?format=csv&{asked}", headers=bearer)
                found += csv_figures(exported.text, period.name, narrowing)
                themes = await c.get(f"{api}/themes?{asked}", headers=bearer)
                checked += _check_themes(themes.content, release, period.name, slice_)
                if period.kind in ("year", "quarter"):
                    workbook = await c.get(f"{api}/export?format=xlsx&{asked}", headers=bearer)
                    found += xlsx_figures(workbook.content, period.name, narrowing)
                    page = await c.get(f"/staff/reports/{SLUG}?{asked}")
                    options = _options(report.content)
                    found += page_figures(
                        page.text, options, [p.name for p in period.children()], period.name, slice_
                    )
                    themes_page = await c.get(f"/staff/reports/{SLUG}/themes?{asked}")
                    shown = re.search(r"<strong>Responses:</strong> ([^.<]+)\.", themes_page.text)
                    assert shown is not None
                    found.append((Figure((RESPONDED,), period.name, slice_), shown.group(1)))
                    compared = await c.get(f"{api}/compare/{QUESTION}?{asked}", headers=bearer)
                    answers = msgspec.json.decode(compared.content, type=QuestionComparison)
                    for line in answers.versions[0].answers:
                        row = (answer(QUESTION, line.option),)
                        found.append((Figure(row, period.name, slice_), line.shown))
                    every = answers_of(QUESTION)
                    found.append((Figure(every, period.name, slice_), answers.versions[0].base))
                for figure, shown in found:
                    assert shown == release.figure(figure), (asked, figure, shown)
                    hidden += shown == "c"
                checked += len(found)
        for quarter in QUARTERS:
            checked += await _check_board_pack(c, release, quarter, services)
        with clock.fixed(MID_JUNE):
            home = await c.get("/staff/")
        this_month = re.search(r"Responses received[^:]*: <strong>([^<]+)</strong>", home.text)
        assert this_month is not None
        assert this_month.group(1) == release.figure(
            Figure((RESPONDED,), f"{YEAR}-06", ("all", ""))
        )
        for opens_on, closes_on in ROUND_DATES:
            round_id = await open_round_over(db, opens_on, closes_on, services.values())
            progress = await c.get(f"/staff/consultations/{round_id}")
            figures = page_round_figures(progress.text)
            assert len(figures) == 1 + len(services) + len(ROUND_CHANNELS), figures
            for figure, shown in figures:
                assert shown == release.figure(figure), ("round", figure, shown)
                hidden += shown == "c"
            checked += len(figures)
    method = settings.report_rounding
    alone = {
        service: Expected(
            await compute_answers_family(
                db, version, window, (service,), threshold=5, method=method
            ),
            await compute_themes_family(
                db, survey_version_id, window, (service,), threshold=5, method=method
            ),
        )
        for service in services
    }
    checked += await _check_evidence(db, settings, release, alone)
    assert hidden > 20, "the walk must meet hidden figures"
    print(f"{checked} figures checked, {hidden} of them c")  # noqa: T201


def _options(body: bytes) -> list[str]:
    report = msgspec.json.decode(body, type=SurveyReport)
    return [line.option for line in next(q for q in report.questions if q.id == QUESTION).answers]


def _check_themes(body: bytes, release: Expected, period: str, slice_: tuple[str, str]) -> int:
    """The themes API: its responses equal the answers' responses release (one responses
    figure everywhere), each theme and sentiment the themes release."""
    themes = msgspec.json.decode(body, type=ThemeReport)
    assert themes.responses == release.figure(Figure((RESPONDED,), period, slice_)), (
        period,
        slice_,
    )
    for line in themes.themes:
        assert line.shown == release.theme(line.option, period, slice_), (period, slice_, line)
    for split in themes.sentiment:
        for sentiment in ("negative", "positive"):
            expected = release.theme(f"{split.theme}\x00{sentiment}", period, slice_)
            assert getattr(split, sentiment) == expected, (period, slice_, split)
    return 1 + len(themes.themes) + 2 * len(themes.sentiment)


async def _check_board_pack(
    client: Client, release: Expected, quarter: str, services: dict[int, str]
) -> int:
    """The printable pack (summary and each service's responses) and its XLSX (every sheet's
    responses and the planted question's rows)."""
    page = await client.get(f"/staff/reports/{SLUG}/board-pack?quarter={quarter}")
    assert page.status_code == 200
    expected_all = release.figure(Figure((RESPONDED,), quarter, ("all", "")))
    assert f"<strong>Responses, all services:</strong> {expected_all}." in page.text
    for service in services:
        expected = release.figure(Figure((RESPONDED,), quarter, ("service", str(service))))
        row = re.search(
            rf'href="#service-{service}">[^<]*</a></th><td>[^<]*</td>'
            r'<td class="numeric">([^<]*)</td>',
            page.text,
        )
        assert row is not None and row.group(1) == expected, (quarter, service)
    workbook = await client.get(f"/staff/reports/{SLUG}/board-pack/export?quarter={quarter}")
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    checked = 0
    slices = {"Summary": ("all", "")} | {name: ("service", str(s)) for s, name in services.items()}
    assert sorted(book.sheetnames) == sorted(slices)
    for sheet in book.worksheets:
        slice_ = slices[sheet.title]
        rows = list(sheet.iter_rows(values_only=True))
        responses = next(r for r in rows if r[0] in ("responses", "responses, all services"))
        assert str(responses[1]) == release.figure(Figure((RESPONDED,), quarter, slice_))
        for row in rows:
            if row[4] == QUESTION and row[2] == quarter:
                figure = Figure((answer(QUESTION, str(row[7])),), quarter, slice_)
                assert str(row[9]) == release.figure(figure), (quarter, slice_, row)
                every = Figure(answers_of(QUESTION), quarter, slice_)
                assert str(row[11]) == release.figure(every)
                checked += 2
    return checked + 1 + len(services)


async def _check_evidence(
    db: AsyncSession, settings: Settings, release: Expected, alone: dict[int, Expected]
) -> int:
    """A "you said, we did" snapshot of each service's quarter, approved by the lead: each
    figure is the lead's release figure where the service's own release (its manager's)
    shows the same, and `c` where the two differ, so neither report subtracts from it."""
    lead = as_staff(await user_by_email(db, "lead@example.org"))
    checked = 0

    def agreed(lead_shown: str, own_shown: str) -> str:
        return lead_shown if lead_shown == own_shown else "c"

    for service, own in alone.items():
        slice_ = ("service", str(service))
        for quarter in QUARTERS:
            evidence = await take_evidence(
                db,
                lead,
                survey_slug=SLUG,
                period=quarter,
                service_id=service,
                question_ids=[QUESTION],
                theme_ids=["safety", "being_believed"],
                labels={},
                settings=settings,
                today=clock.today_london(),
                outcome_codes=[],
            )
            responded = Figure((RESPONDED,), quarter, slice_)
            assert evidence.responses == agreed(release.figure(responded), own.figure(responded))
            (question,) = evidence.questions
            base = Figure(answers_of(QUESTION), quarter, slice_)
            assert question.base == agreed(release.figure(base), own.figure(base))
            shown = [line.shown for line in question.answers]
            options = [
                agreed(release.figure(f), own.figure(f))
                for f in (Figure((answer(QUESTION, o),), quarter, slice_) for o in OPTIONS)
            ]
            assert shown[: len(OPTIONS)] == options, (service, quarter)
            for theme, line in zip(("safety", "being_believed"), evidence.themes, strict=True):
                expected = agreed(
                    release.theme(theme, quarter, slice_), own.theme(theme, quarter, slice_)
                )
                assert line.shown == expected, (service, quarter)
            checked += 2 + len(shown) + len(evidence.themes)
    return checked
