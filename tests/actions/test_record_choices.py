"""What a record's page offers is the rule the service applies: who may edit, submit and
approve a record in each state."""

from __future__ import annotations

import pytest

from feedback.actions.service import may_approve, may_edit, may_submit
from feedback.auth.roles import Role
from feedback.auth.schemas import Staff

LEAD = Staff(1, "lead@example.org", Role.LEAD, (), True)
MANAGER = Staff(2, "own@example.org", Role.SERVICE_MANAGER, (1,), True)


@pytest.mark.parametrize(
    ("staff", "state", "expected"),
    [
        (MANAGER, "draft", True),
        (MANAGER, "submitted", False),
        (MANAGER, "published", False),
        (LEAD, "draft", True),
        (LEAD, "submitted", True),
        (LEAD, "published", True),
    ],
)
def test_who_may_edit_a_record_in_each_state(staff: Staff, state: str, expected: bool) -> None:
    assert may_edit(staff, state) is expected


def test_only_a_draft_is_sent_for_approval() -> None:
    assert [may_submit(state) for state in ("draft", "submitted", "published")] == [
        True,
        False,
        False,
    ]


def test_only_the_lead_approves_and_only_what_was_sent_for_approval() -> None:
    assert may_approve(LEAD, "submitted")
    assert not may_approve(MANAGER, "submitted")
    assert not may_approve(LEAD, "draft")
    assert not may_approve(LEAD, "published")
