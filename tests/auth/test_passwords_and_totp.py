"""Password hashing, TOTP codes, recovery codes and sealed TOTP secrets."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth import sign_in, totp
from feedback.auth.errors import AuthError
from feedback.auth.models import StaffUser
from feedback.auth.passwords import hash_password, needs_rehash, verify_password
from feedback.auth.sign_in import SessionView
from tests.factories import PASSWORD, create_staff

# OWASP Password Storage Cheat Sheet, argon2id: m=19 MiB (19456 KiB), t=2, p=1 at least.
OWASP_MEMORY_KIB = 19456
OWASP_ITERATIONS = 2
NOW = 1_700_000_000.0  # a fixed instant, so codes do not straddle a step boundary
IDLE = timedelta(minutes=30)


def argon2_parameters(encoded: str) -> tuple[str, dict[str, int]]:
    """The variant and the m, t, p parameters written in an encoded argon2 hash."""
    found = re.fullmatch(r"\$(argon2(?:id|i|d))\$v=\d+\$([^$]+)\$[^$]+\$[^$]+", encoded)
    assert found, encoded
    parameters = dict(part.split("=") for part in found.group(2).split(","))
    return found.group(1), {name: int(value) for name, value in parameters.items()}


def weak_hash(password: str) -> str:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


async def test_password_hash_is_argon2id_at_or_above_owasp_minimum() -> None:
    variant, parameters = argon2_parameters(await hash_password(PASSWORD))

    assert variant == "argon2id"
    assert parameters["m"] >= OWASP_MEMORY_KIB
    assert parameters["t"] >= OWASP_ITERATIONS
    assert parameters["p"] >= 1


async def test_password_verifies_only_with_the_right_password() -> None:
    stored = await hash_password(PASSWORD)

    assert await verify_password(stored, PASSWORD)
    assert not await verify_password(stored, PASSWORD + "!")
    assert not await verify_password(None, PASSWORD)


async def test_current_hash_needs_no_rehash() -> None:
    assert not needs_rehash(await hash_password(PASSWORD))


def test_weak_parameter_hash_needs_rehash() -> None:
    assert needs_rehash(weak_hash(PASSWORD))


async def test_sign_in_rehashes_a_weak_hash_with_current_parameters(db: AsyncSession) -> None:
    staff = await create_staff(db)
    old = weak_hash(PASSWORD)
    await db.execute(update(StaffUser).where(StaffUser.id == staff.id).values(password_hash=old))
    await db.commit()

    await sign_in.sign_in_with_password(
        db, email=staff.email, password=PASSWORD, attempts_per_hour=100
    )

    db.expire_all()
    stored = await db.scalar(select(StaffUser.password_hash).where(StaffUser.id == staff.id))
    assert stored is not None and stored != old
    assert not needs_rehash(stored)
    _, parameters = argon2_parameters(stored)
    assert parameters["m"] >= OWASP_MEMORY_KIB and parameters["t"] >= OWASP_ITERATIONS
    assert await verify_password(stored, PASSWORD)


@pytest.mark.parametrize("drift", [-1, 0, 1])
def test_totp_accepts_a_code_within_one_step(drift: int) -> None:
    secret = totp.new_secret()
    interval = pyotp.TOTP(secret).interval
    current = int(NOW // interval)
    code = pyotp.TOTP(secret).at(NOW + drift * interval)

    assert totp.matching_step(secret, code, after_step=0, now=NOW) == current + drift


@pytest.mark.parametrize("drift", [-2, 2])
def test_totp_refuses_a_code_two_steps_away(drift: int) -> None:
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).at(NOW + drift * pyotp.TOTP(secret).interval)

    assert totp.matching_step(secret, code, after_step=0, now=NOW) is None


def test_totp_refuses_reuse_of_the_last_step() -> None:
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).at(NOW)
    used = totp.matching_step(secret, code, after_step=0, now=NOW)
    assert used is not None

    assert totp.matching_step(secret, code, after_step=used, now=NOW) is None


def test_totp_refuses_an_earlier_step_after_a_later_one_was_used() -> None:
    secret = totp.new_secret()
    interval = pyotp.TOTP(secret).interval
    current = int(NOW // interval)
    earlier = pyotp.TOTP(secret).at(NOW - interval)

    assert totp.matching_step(secret, earlier, after_step=current, now=NOW) is None


def test_totp_accepts_a_code_typed_with_spaces() -> None:
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).at(NOW)

    assert totp.matching_step(secret, f" {code[:3]} {code[3:]} ", after_step=0, now=NOW) is not None


@pytest.mark.parametrize(
    "garbage", ["", "abcdef", "12345", "1234567", "12 34 5a", "１２３４５６", "-12345"]
)
def test_totp_refuses_garbage(garbage: str) -> None:
    assert totp.matching_step(totp.new_secret(), garbage, after_step=0, now=NOW) is None


def test_recovery_codes_are_ten_distinct_codes() -> None:
    codes = totp.new_recovery_codes()

    assert len(codes) == totp.RECOVERY_CODE_COUNT == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)


async def _password_stage(db: AsyncSession, email: str) -> SessionView:
    signed_in = await sign_in.sign_in_with_password(
        db, email=email, password=PASSWORD, attempts_per_hour=100
    )
    view = await sign_in.resolve_session(db, signed_in.session_secret, idle=IDLE)
    assert view is not None and not view.two_factor_done
    return view


async def test_recovery_code_is_single_use(db: AsyncSession) -> None:
    master_key = secrets.token_bytes(32)
    staff = await create_staff(db)
    view = await _password_stage(db, staff.email)
    setup = await sign_in.begin_two_factor_setup(db, view, master_key=master_key)
    _, codes = await sign_in.confirm_two_factor_setup(
        db,
        view,
        pyotp.TOTP(setup.secret).at(clock.now_utc()),
        master_key=master_key,
        attempts_per_hour=100,
    )

    first = await _password_stage(db, staff.email)
    await sign_in.verify_second_factor(
        db, first, codes[0].upper(), master_key=master_key, attempts_per_hour=100
    )

    second = await _password_stage(db, staff.email)
    with pytest.raises(AuthError):
        await sign_in.verify_second_factor(
            db, second, codes[0], master_key=master_key, attempts_per_hour=100
        )
    await sign_in.verify_second_factor(
        db, second, codes[1], master_key=master_key, attempts_per_hour=100
    )


def test_sealed_totp_secret_opens_with_its_master_key() -> None:
    master_key = secrets.token_bytes(32)
    secret = totp.new_secret()

    assert totp.open_secret(master_key, totp.seal_secret(master_key, secret)) == secret


def test_sealed_totp_secret_does_not_open_with_another_master_key() -> None:
    secret = totp.new_secret()
    sealed = totp.seal_secret(secrets.token_bytes(32), secret)

    assert secret.encode() not in sealed
    assert totp.open_secret(secrets.token_bytes(32), sealed) is None
