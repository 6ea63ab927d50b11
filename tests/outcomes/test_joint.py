"""The cope-and-recover joint counter: counted with the exit response, taken back with it."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.outcomes.joint import JOINT_ROW
from feedback.reports.questions import option_rows
from feedback.responses.answers import counted_options
from feedback.responses.models import AnswerCount
from feedback.surveys.definition import Scale, all_questions
from tests.responses.test_withdraw import post_code, run_withdrawals
from tests.support.outcomes import Surveys, answer_outcome_survey

Client = AsyncTestClient[Litestar]


async def _joint(db: AsyncSession) -> dict[str, int]:
    rows = await db.execute(
        select(AnswerCount.option, AnswerCount.count).where(AnswerCount.question_id == JOINT_ROW)
    )
    return {option: count for option, count in rows if count}


def test_both_helped_only_when_both_say_yes_and_nothing_when_one_is_withheld(
    surveys: Surveys,
) -> None:
    definition = surveys.exit.definition
    both = {"helped_cope": "yes_a_little", "helped_recover": "yes_a_lot"}
    one = {"helped_cope": "yes_a_lot", "helped_recover": "dont_know"}
    withheld = {"helped_cope": "yes_a_lot", "helped_recover": "prefer_not_to_say"}
    assert (JOINT_ROW, "both") in counted_options(definition, both)
    assert (JOINT_ROW, "not_both") in counted_options(definition, one)
    assert not [q for q, _o in counted_options(definition, withheld) if q == JOINT_ROW]
    assert not [q for q, _o in counted_options(surveys.intake.definition, both) if q == JOINT_ROW]


async def test_withdrawing_the_exit_takes_its_joint_count_back(
    client: Client, db: AsyncSession, surveys: Surveys
) -> None:
    form = {"q_helped_cope": "yes_a_lot", "q_helped_recover": "yes_a_little"}
    await answer_outcome_survey(client, db, "service-exit", form)
    code = await answer_outcome_survey(client, db, "service-exit", form)
    assert await _joint(db) == {"both": 2}
    assert (await post_code(client, "/withdraw", code)).status_code == 200
    await run_withdrawals(client)
    assert await _joint(db) == {"both": 1}


def test_a_scale_from_zero_reports_its_zero(surveys: Surveys) -> None:
    """reports/questions.py read min 0 as "no minimum" and started the rows at 1."""
    question = next(q for _p, q in all_questions(surveys.exit.definition) if q.id == "safety_now")
    assert isinstance(question, Scale) and question.min == 0
    rows = option_rows(question, [])
    assert [code for code, _label in rows] == [str(point) for point in range(11)]
    assert rows[0][1].startswith("0 ") and rows[-1][1].startswith("10 ")
