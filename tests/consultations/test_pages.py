"""The pupil journey and the staff pages through HTTP (both backends)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consultations import class_sessions
from feedback.crypto.master import load_master_key
from feedback.responses.models import Response
from feedback.settings import Settings
from tests.auth.pages import csrf_token, sign_in_with_new_two_factor
from tests.consultations.conftest import ROOT, People, add_school, open_round, today
from tests.factories import PASSWORD

Client = AsyncTestClient[Litestar]


async def _open_session(
    db: AsyncSession, settings: Settings, people: People, *, band: str, free_text: bool = False
) -> tuple[int, str]:
    school = await add_school(db, people)
    round_ = await open_round(db, people, school.name, young_free_text=free_text)
    draft = await class_sessions.create_class_session(
        db,
        actor=people.coordinator,
        school_id=school.id,
        round_id=round_.id,
        year_group="Year 7",
        age_band=band,
        class_size=20,
    )
    await class_sessions.record_letter(
        db, draft.id, actor=people.coordinator, sent_on=today() - timedelta(days=1), notice_hours=24
    )
    opened = await class_sessions.open_class_session(
        db,
        draft.id,
        actor=people.coordinator,
        minutes=90,
        notice_hours=24,
        master_key=load_master_key(settings),
        base_url="http://127.0.0.1:8000",
    )
    return draft.id, opened.code


async def _assent(client: Client, code: str) -> str:
    entered = await client.get(f"/join/{code}", follow_redirects=True)
    assert entered.status_code == 200
    return entered.text


async def test_a_pupil_who_does_not_want_to_take_part_leaves_nothing_stored(
    db: AsyncSession, settings: Settings, people: People, client: Client
) -> None:
    _session, code = await _open_session(db, settings, people, band="13-14")
    page = await _assent(client, code)
    assert "I don&#39;t want to take part" in page or "I don't want to take part" in page
    assert "Childline" in page and "0800 1111" in page and "safeguarding lead" in page
    assert "To hear what people think of services" in page  # the round's purpose
    declined = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(page), "choice": "decline"}
    )
    assert "Nothing has been saved" in declined.text
    assert (await client.get("/s/questions")).status_code == 404
    assert await db.scalar(select(func.count()).select_from(Response)) == 0


async def test_questions_wait_for_the_pupils_assent(
    db: AsyncSession, settings: Settings, people: People, client: Client
) -> None:
    _session, code = await _open_session(db, settings, people, band="13-14")
    await _assent(client, code)
    skipped = await client.get("/s/questions", follow_redirects=False)
    assert skipped.status_code == 303 and skipped.headers["location"] == "/s"


async def _questions(client: Client, code: str) -> str:
    page = await _assent(client, code)
    shown = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(page), "choice": "agree"}
    )
    assert shown.status_code == 200
    return shown.text


async def test_under_13s_see_no_free_text_question(
    db: AsyncSession, settings: Settings, people: People, client: Client
) -> None:
    _session, code = await _open_session(db, settings, people, band="11-12")
    assert "<textarea" not in await _questions(client, code)


async def test_a_round_may_allow_free_text_for_under_13s(
    db: AsyncSession, settings: Settings, people: People, client: Client
) -> None:
    _session, code = await _open_session(db, settings, people, band="11-12", free_text=True)
    page = await _questions(client, code)
    assert "<textarea" in page and "Please do not write anyone's name here." in page


async def test_the_coordinator_sees_a_count_and_never_answers(
    db: AsyncSession, settings: Settings, people: People, client: Client
) -> None:
    session_id, code = await _open_session(db, settings, people, band="13-14")
    page = await _questions(client, code)
    nonce = page.split('name="form_nonce" value="', 1)[1].split('"', 1)[0]
    entry = page.split('name="entry" value="', 1)[1].split('"', 1)[0]
    sent = await client.post(
        "/s/answers",
        data={
            "_csrf_token": csrf_token(page),
            "form_nonce": nonce,
            "entry": entry,
            "q_know_healthy_relationship": "a_bit",
            "q_school_anything_else": "Zebra-lantern assemblies please",
        },
    )
    assert sent.status_code == 200, sent.text
    client.cookies.clear()
    await sign_in_with_new_two_factor(client, people.coordinator.email, PASSWORD)
    shown = await client.get(f"/staff/schools/sessions/{session_id}")
    # One pupil finished: a count under the threshold would tell the room who it was.
    small = f"fewer than {settings.suppression_threshold}"
    assert f"Completed responses: <strong>{small}</strong>" in shown.text
    school = re.search(r'href="/staff/schools/(\d+)">Back to', shown.text)
    assert school is not None
    listed = await client.get(f"/staff/schools/{school.group(1)}")
    assert f"<td>{small}</td>" in listed.text and "<td>1</td>" not in listed.text
    assert (
        "Zebra-lantern" not in shown.text
        and "a_bit" not in shown.text
        and "A bit" not in shown.text
    )


async def test_a_coordinator_cannot_reach_the_leads_rounds(
    db: AsyncSession, people: People, client: Client
) -> None:
    await sign_in_with_new_two_factor(client, people.coordinator.email, PASSWORD)
    assert (await client.get("/staff/consultations/", follow_redirects=False)).status_code == 403
    schools_page = await client.get("/staff/schools/", follow_redirects=False)
    assert schools_page.status_code == 200 and "Your schools" in schools_page.text


async def test_another_schools_session_is_not_found_for_a_coordinator(
    db: AsyncSession, settings: Settings, people: People, client: Client
) -> None:
    session_id, _code = await _open_session(db, settings, people, band="13-14")
    await sign_in_with_new_two_factor(client, people.other_coordinator.email, PASSWORD)
    page = await client.get(f"/staff/schools/sessions/{session_id}", follow_redirects=False)
    assert page.status_code == 404


async def test_a_link_of_a_round_shows_its_purpose_and_answers_the_pinned_version(
    db: AsyncSession, people: People, client: Client, tmp_path: Path
) -> None:
    from feedback.links import service as links
    from feedback.surveys.service import publish_surveys

    await open_round(db, people)
    source = (ROOT / "surveys" / "service-satisfaction.yaml").read_text()
    newer = tmp_path / "service-satisfaction.yaml"
    (tmp_path / "core.yaml").write_text((ROOT / "surveys" / "core.yaml").read_text())
    newer.write_text(source.replace("It takes about 4 minutes.", "Version two wording."))
    await publish_surveys(db, [newer])  # published after the round opened: not pinned
    batch = await links.create_links(
        db,
        survey_slug="service-satisfaction",
        service_name="Advocacy Service",
        count=1,
        base_url="http://127.0.0.1:8000",
    )
    path = batch.links[0].url.removeprefix("http://127.0.0.1:8000")
    page = await client.get(path, follow_redirects=True)
    assert page.status_code == 200
    assert "To hear what people think of services" in page.text
    questions = await client.post(
        "/s/consent", data={"_csrf_token": csrf_token(page.text), "choice": "agree"}
    )
    assert "It takes about 4 minutes." in questions.text
    assert "Version two wording." not in questions.text
