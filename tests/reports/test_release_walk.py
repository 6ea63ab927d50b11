"""Every report surface shows the protected release: the same figure or the same `c` on the
report, its CSV export, the compare view, the themes report and a consultation round's
progress (issue 21's walk test)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.consultations.progress import round_progress
from feedback.organisations.models import Service
from feedback.reports.periods import parse_period, single_year
from feedback.reports.release import BASE
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.service import (
    compare_question,
    compute_answers_family,
    export_survey_report,
    version_by_id,
)
from feedback.reports.themes import theme_report
from feedback.settings import Settings
from tests.factories import create_staff
from tests.reports.attacker import (
    QUESTION,
    QUESTIONS,
    RESPONDED,
    YEAR,
    answer,
    answers_of,
    fetch_everything,
    plant,
    release_row,
)
from tests.reports.round_figures import CHANNELS as ROUND_CHANNELS
from tests.reports.round_figures import ROUND_DATES, figure_of, open_round_over
from tests.support.reports import SLUG

CHECKED = (f"{YEAR}", f"{YEAR}-H1", f"{YEAR}-Q2", f"{YEAR}-03", f"{YEAR}-11")


async def test_every_surface_shows_the_release_figure_for_figure(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    made = await create_staff(db, role="lead", email="lead@example.org")
    lead = Staff(id=made.id, email=made.email, role="lead", service_ids=(), two_factor_enabled=True)
    await plant(db, survey_version_id, 21)
    version = await version_by_id(db, survey_version_id)
    assert version is not None
    family = await compute_answers_family(
        db, version, single_year(YEAR), None, threshold=5, method=settings.report_rounding
    )

    def expected(rows: tuple[str, ...], period: str, slice_: tuple[str, str]) -> str:
        if rows == (RESPONDED,):
            return family.responses.figure(BASE, parse_period(period), slice_).shown
        question, row = release_row(rows)
        source = family.questions[question].release
        return source.figure(row, parse_period(period), slice_).shown

    every_service = list(await db.scalars(select(Service.id)))
    seen = await fetch_everything(db, lead, settings, every_service)
    assert any(shown == "c" for shown in seen.values())  # the walk meets hidden figures
    for figure, shown in seen.items():
        assert shown == expected(figure.rows, figure.period, figure.slice_), figure
    for period in CHECKED:
        filters = ReportFilter(period=period)
        exported = await export_survey_report(
            db,
            lead,
            SLUG,
            filters=filters,
            disclosure=Disclosure.from_settings(settings),
            file_format="csv",
        )
        _legend, responses, *table = exported.content.decode("utf-8").splitlines()
        assert responses.split(",")[1] == expected((RESPONDED,), period, ("all", ""))
        for line in csv.DictReader(io.StringIO("\n".join(table))):
            if line["question_id"] in QUESTIONS:
                question = line["question_id"]
                row = (answer(question, line["option"]),)
                assert line["count"] == expected(row, period, ("all", "")), line
                assert line["base"] == expected(answers_of(question), period, ("all", ""))
        compared = await compare_question(
            db, lead, SLUG, QUESTION, filters=filters, disclosure=Disclosure.from_settings(settings)
        )
        for line_ in compared.versions[0].answers:
            row = (answer(QUESTION, line_.option),)
            assert line_.shown == expected(row, period, ("all", ""))
        themes = await theme_report(
            db, lead, SLUG, filters=filters, disclosure=Disclosure.from_settings(settings)
        )
        assert themes.responses == expected((RESPONDED,), period, ("all", ""))
    names = list(await db.scalars(select(Service.name)))
    for opens_on, closes_on in ROUND_DATES:
        round_id = await open_round_over(db, opens_on, closes_on, names)
        progress = await round_progress(db, round_id, actor=lead, settings=settings)
        (survey,) = progress.surveys
        assert len(survey.figures) == 1 + len(names) + len(ROUND_CHANNELS)
        for line in survey.figures:
            figure = figure_of(line.report_link)
            assert figure.period == progress.period
            assert line.shown == expected(figure.rows, figure.period, figure.slice_), figure
