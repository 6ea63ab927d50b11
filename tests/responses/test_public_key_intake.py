"""Intake needs only the period's public key. A web app that cannot reach any private key
(another master key than the one that wrapped them, or wrapped keys gone from the database)
still takes submissions, and what it stored does not open without the real private key.

The web app here hands its jobs to Redis, as in production where only `feedback worker`
opens responses: the in-process queue would try (and, rightly, fail) to tag them."""

from __future__ import annotations

import secrets
from pathlib import Path

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.app import create_app
from feedback.crypto.errors import MasterKeyMissing
from feedback.crypto.master import load_master_keys
from feedback.crypto.models import KeyPeriod
from feedback.crypto.opening import load_opening_key, open_sealed
from feedback.crypto.sealing import response_associated_data
from feedback.responses.models import Response
from feedback.settings import Settings
from tests.conftest import make_settings
from tests.support.responses import answer_survey

HELPED = "Someone finally listened at the drop-in"
ANSWERS = {
    "q_felt_believed": "5",
    "q_had_to_repeat_story": "no",
    "q_what_helped_most": HELPED,
    "q_age_band": "prefer_not_to_say",
}


async def _submit_with(web_settings: Settings, token: str, redis_url: str) -> str:
    """A whole journey through an app built from `web_settings`; the receipt code."""
    web_app = create_app(msgspec.structs.replace(web_settings, redis_url=redis_url))
    async with AsyncTestClient(app=web_app, base_url="http://127.0.0.1:8000") as client:
        return await answer_survey(client, token, ANSWERS)


async def _stored(db: AsyncSession) -> Response:
    db.expire_all()
    return (await db.scalars(select(Response))).one()


def _answers(plaintext: bytes) -> dict[str, object]:
    return dict(msgspec.json.decode(plaintext)["answers"])


async def test_an_app_with_another_master_key_takes_answers_it_cannot_open(
    db: AsyncSession, settings: Settings, link_token: str, tmp_path: Path, redis_url: str
) -> None:
    web_settings = make_settings(tmp_path / "web", database_url=settings.database_url)
    web_keys = load_master_keys(web_settings)
    assert web_keys.current != load_master_keys(settings).current

    await _submit_with(web_settings, link_token, redis_url)

    response = await _stored(db)
    with pytest.raises(MasterKeyMissing):
        await load_opening_key(db, response.key_period_id, master_keys=web_keys)
    # The operator's master key opens it: the blob is a real sealed response.
    key = await load_opening_key(db, response.key_period_id, master_keys=load_master_keys(settings))
    associated = response_associated_data(response.id, response.survey_version_id)
    assert _answers(open_sealed(key, response.sealed, associated))["what_helped_most"] == HELPED


async def test_an_app_with_only_public_keys_in_the_database_takes_answers(
    db: AsyncSession, settings: Settings, link_token: str, redis_url: str
) -> None:
    """Every wrapped private key is overwritten with noise (a live period must keep a value:
    the table's check allows NULL only once a period is destroyed), so no master key could
    unwrap one while the app takes the answers."""
    wrapped = {row.id: row.private_key_wrapped for row in await db.scalars(select(KeyPeriod))}
    for period_id, private_key_wrapped in wrapped.items():
        await _set_wrapped(db, period_id, secrets.token_bytes(len(private_key_wrapped or b"")))

    await _submit_with(settings, link_token, redis_url)

    response = await _stored(db)
    master_keys = load_master_keys(settings)
    with pytest.raises(MasterKeyMissing):
        await load_opening_key(db, response.key_period_id, master_keys=master_keys)
    # Put the private keys back, as only the worker's side could hold them: now it opens.
    for period_id, private_key_wrapped in wrapped.items():
        await _set_wrapped(db, period_id, private_key_wrapped)
    key = await load_opening_key(db, response.key_period_id, master_keys=master_keys)
    associated = response_associated_data(response.id, response.survey_version_id)
    assert _answers(open_sealed(key, response.sealed, associated))["what_helped_most"] == HELPED


async def _set_wrapped(db: AsyncSession, period_id: int, value: bytes | None) -> None:
    await db.execute(
        update(KeyPeriod).where(KeyPeriod.id == period_id).values(private_key_wrapped=value)
    )
    await db.commit()
