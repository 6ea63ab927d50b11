"""Outcome reports from the counters: matched pairs made through the real web journey,
figures derived as the indicator list says, matched n beside each, `c` under the threshold."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.schemas import Staff
from feedback.outcomes.indicators import INDICATORS
from feedback.outcomes.report import OutcomeFilter, outcome_report
from feedback.reports.filters import current_quarter
from feedback.reports.schemas import Disclosure
from feedback.settings import Settings
from tests.support.outcomes import Surveys, answer_outcome_survey

Client = AsyncTestClient[Litestar]
LEAD = Staff(id=1, email="lead@example.org", role="lead", service_ids=(), two_factor_enabled=True)


def _form(answers: dict[str, Any]) -> dict[str, str]:
    return {f"q_{key}": str(value) for key, value in answers.items()}


async def pair_through_the_web(
    client: Client, db: AsyncSession, intake: dict[str, Any], exit_: dict[str, Any]
) -> None:
    """An intake, then an exit that enters the intake's code on its first page."""
    code = await answer_outcome_survey(client, db, "service-intake", _form(intake))
    form = {**_form(exit_), "pairing_code": code}
    await answer_outcome_survey(client, db, "service-exit", form)


def _figures(report: Any) -> dict[str, tuple[str, str]]:
    return {i.code: (i.figure, i.n) for i in report.indicators}


async def test_one_pair_shows_with_a_threshold_of_one_and_its_matched_n(
    client: Client, db: AsyncSession, surveys: Surveys, settings: Settings
) -> None:
    await pair_through_the_web(
        client,
        db,
        {"safety_now": 3, "abuse_present_physical": "yes", "ons_life_satisfaction": 4},
        {
            "safety_now": 8,
            "abuse_change_physical": "stopped",
            "ons_life_satisfaction": 7,
            "helped_cope": "yes_a_lot",
            "helped_recover": "yes_a_little",
        },
    )
    loose = msgspec.structs.replace(settings, suppression_threshold=1)
    report = await outcome_report(
        db, LEAD, OutcomeFilter(current_quarter()), disclosure=Disclosure.from_settings(loose)
    )
    figures = _figures(report)
    assert report.matched_n == "1"
    assert report.exit_responses == "1"
    assert figures["safety_now_change"] == ("+5.0", "1")
    assert figures["safety_now_higher"] == ("100%", "1")
    assert figures["abuse_stopped_physical"] == ("100%", "1")
    assert figures["abuse_stopped_online"] == ("x", "0")
    assert figures["ons_life_satisfaction_into_high"] == ("100%", "1")
    assert figures["helped_cope"] == ("100%", "1")
    assert figures["cope_and_recover"] == ("100%", "1")
    matched = {i.code: i.matched for i in report.indicators}
    assert matched["safety_now_change"] and not matched["helped_cope"]


async def test_with_the_default_threshold_the_same_pair_is_c(
    client: Client, db: AsyncSession, surveys: Surveys, settings: Settings
) -> None:
    await pair_through_the_web(
        client, db, {"safety_now": 3}, {"safety_now": 8, "helped_cope": "no"}
    )
    report = await outcome_report(
        db, LEAD, OutcomeFilter(current_quarter()), disclosure=Disclosure.from_settings(settings)
    )
    figures = _figures(report)
    assert report.matched_n == "c"
    assert figures["safety_now_change"] == ("c", "c")
    assert figures["helped_cope"][1] == "c"
    assert figures["helped_cope"][0] == "c"


async def test_figures_follow_the_derivation_over_many_pairs(
    client: Client, db: AsyncSession, surveys: Surveys, settings: Settings
) -> None:
    """Six pairs (threshold 3), every derived row 0 or at least 3 so nothing needs
    hiding: each figure equals what its rule gives on the raw answers."""
    rows = [
        (2, 9, 6, 3, "yes_a_lot"),
        (5, 8, 9, 2, "yes_a_lot"),
        (1, 7, 4, 5, "yes_a_lot"),
        (7, 3, 7, 1, "no"),
        (4, 2, 4, 5, "no"),
        (0, 5, 0, 0, "no"),
    ]
    people = [
        (
            {"safety_now": a, "ons_anxious_yesterday": b},
            {"safety_now": c, "ons_anxious_yesterday": d, "helped_cope": x, "helped_recover": x},
        )
        for a, b, c, d, x in rows
    ]
    for intake, exit_ in people:
        await pair_through_the_web(client, db, intake, exit_)
    strict = msgspec.structs.replace(settings, suppression_threshold=3)
    report = await outcome_report(
        db, LEAD, OutcomeFilter(current_quarter()), disclosure=Disclosure.from_settings(strict)
    )
    figures = _figures(report)
    n = len(people)
    change = sum(e["safety_now"] - i["safety_now"] for i, e in people) / n
    higher = sum(e["safety_now"] > i["safety_now"] for i, e in people)
    out_of_high = sum(
        i["ons_anxious_yesterday"] >= 6 and e["ons_anxious_yesterday"] < 6 for i, e in people
    )
    helped = {"yes_a_lot", "yes_a_little"}
    cope = sum(e["helped_cope"] in helped for _i, e in people)
    both = sum(e["helped_cope"] in helped and e["helped_recover"] in helped for _i, e in people)
    assert report.matched_n == str(n)
    assert figures["safety_now_change"] == (f"{change:+.1f}", str(n))
    assert figures["safety_now_higher"] == (f"{round(100 * higher / n)}%", str(n))
    assert figures["ons_anxious_yesterday_left_high"] == (
        f"{round(100 * out_of_high / n)}%",
        str(n),
    )
    assert figures["helped_cope"] == (f"{round(100 * cope / n)}%", str(n))
    assert figures["cope_and_recover"] == (f"{round(100 * both / n)}%", str(n))


async def test_every_indicator_is_reported_once_in_the_list_order(
    client: Client, db: AsyncSession, surveys: Surveys, settings: Settings
) -> None:
    report = await outcome_report(
        db, LEAD, OutcomeFilter(current_quarter()), disclosure=Disclosure.from_settings(settings)
    )
    assert [i.code for i in report.indicators] == [spec.code for spec in INDICATORS]
    assert len({spec.code for spec in INDICATORS}) == len(INDICATORS)
    assert {i.figure for i in report.indicators} == {"x"}
