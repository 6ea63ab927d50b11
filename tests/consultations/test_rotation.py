"""A class session's code outlives a master-key rotation: a code shown to the class before
a new key comes first still opens the pupils' assent page, as does one opened after."""

from __future__ import annotations

from datetime import timedelta

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.consultations import class_sessions
from feedback.settings import Settings
from tests.consultations.conftest import People, add_school, open_round, session_with_letter, today
from tests.support.rotation import rotated

BASE = "http://127.0.0.1:8000"


async def _opened_code(
    db: AsyncSession, people: People, school_id: int, round_id: int, master_key: bytes
) -> str:
    draft = await session_with_letter(
        db, people, school_id, round_id, letter_sent_on=today() - timedelta(days=1)
    )
    opened = await class_sessions.open_class_session(
        db,
        draft.id,
        actor=people.coordinator,
        minutes=90,
        notice_hours=24,
        master_key=master_key,
        base_url=BASE,
    )
    return opened.code


async def test_a_class_code_from_before_rotation_still_opens_the_assent_page(
    db: AsyncSession, settings: Settings, people: People
) -> None:
    school = await add_school(db, people)
    round_ = await open_round(db, people, school.name)
    after, new, old = rotated(settings)
    before = await _opened_code(db, people, school.id, round_.id, old)
    since = await _opened_code(db, people, school.id, round_.id, new)
    async with AsyncTestClient(app=create_app(after), base_url=BASE) as pupils:
        for code in (before, since):
            pupils.cookies.clear()
            page = await pupils.get(f"/join/{code}", follow_redirects=True)
            assert page.status_code == 200
            assert "take part" in page.text and "Childline" in page.text  # the assent page
