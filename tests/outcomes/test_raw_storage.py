"""What a leaked database shows after an intake and an exit paired by the same code: no
column or row ties the two responses together, and the pairing row is found only with the
code. Both responses are answered through the real web journey, the code typed on the exit
form."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.db.registry import Base
from feedback.outcomes.codes import pairing_digest
from feedback.responses.intake import receipt_digest
from tests.support.outcomes import Surveys, answer_outcome_survey, pair_counts

Client = AsyncTestClient[Litestar]
INTAKE_FORM = {"q_safety_now": "0", "q_abuse_present_physical": "yes", "q_ons_worthwhile": "4"}
EXIT_FORM = {"q_safety_now": "9", "q_abuse_change_physical": "stopped", "q_ons_worthwhile": "7"}


async def _rows(db: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table.name: [tuple(row) for row in (await db.execute(select(table))).all()]
        for table in Base.metadata.sorted_tables
    }


def _marks(row: Any) -> set[str]:
    """What singles out a response row: its id, its receipt digest and its ciphertext."""
    return {str(row.id), row.receipt_digest, bytes(row.sealed).hex()}


def _values(row: tuple[Any, ...]) -> set[str]:
    return {bytes(v).hex() if isinstance(v, bytes | memoryview) else str(v) for v in row}


async def test_no_column_or_row_links_an_intake_to_its_exit_without_the_code(
    client: Client, db: AsyncSession, surveys: Surveys, master_key: bytes
) -> None:
    intake_code = await answer_outcome_survey(client, db, "service-intake", INTAKE_FORM)
    exit_code = await answer_outcome_survey(
        client, db, "service-exit", {**EXIT_FORM, "pairing_code": intake_code}
    )
    assert (await pair_counts(db))[("safety_now", "0", "9")] == 1  # the read sees the pair

    responses = (await db.execute(text("SELECT * FROM responses"))).all()
    by_receipt = {row.receipt_digest: row for row in responses}
    intake_marks = _marks(by_receipt[receipt_digest(intake_code)])
    exit_marks = _marks(by_receipt[receipt_digest(exit_code)])
    rows = await _rows(db)
    linking = [
        (table, row)
        for table, table_rows in rows.items()
        for row in table_rows
        if _values(row) & intake_marks and _values(row) & exit_marks
    ]
    assert linking == []
    outcome_values = set().union(
        *(
            _values(row)
            for name in ("outcome_pairings", "outcome_pair_counts")
            for row in rows[name]
        )
    )
    assert not outcome_values & (intake_marks | exit_marks)

    [pairing] = (await db.execute(text("SELECT * FROM outcome_pairings"))).mappings().all()
    assert set(pairing) == {
        "intake_digest",
        "exit_digest",
        "paired",
        "sealed_for_intake",
        "sealed_for_exit",
        "kept_month",
    }
    assert pairing["kept_month"] is None  # a pair carries no time (only waiting rows expire)
    # Found with the code, and not from anything stored: a receipt digest is no key to it.
    assert pairing["intake_digest"] == pairing_digest(master_key, intake_code, "intake")
    assert pairing["exit_digest"] == pairing_digest(master_key, exit_code, "exit")
    stored = {row.receipt_digest for row in responses}
    assert not {
        pairing_digest(master_key, d, side) for d in stored for side in ("intake", "exit")
    } & {
        pairing["intake_digest"],
        pairing["exit_digest"],
    }
    sealed = bytes(pairing["sealed_for_intake"]) + bytes(pairing["sealed_for_exit"])
    assert b"safety_now" not in sealed and b"stopped" not in sealed


async def test_pair_counters_hold_only_the_cell_and_the_two_answers(db: AsyncSession) -> None:
    """No time of day, response id or code: a counter row is an aggregate and nothing more."""
    columns = (await db.execute(text("SELECT * FROM outcome_pair_counts"))).keys()
    assert set(columns) == {
        "survey_version_id",
        "service_id",
        "borough",
        "month",
        "item",
        "intake_answer",
        "exit_answer",
        "count",
    }
