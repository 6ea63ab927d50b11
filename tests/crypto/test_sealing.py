"""Sealing is public-key only: round trips, associated data binding, and no way back for intake."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from feedback.crypto.errors import SealedBlobInvalid
from feedback.crypto.opening import OpeningKey, open_sealed
from feedback.crypto.sealing import SealingKey, response_associated_data, seal
from feedback.crypto.wrapping import new_key_pair

AD = response_associated_data(41, 7)
TEXT = b"The advocate listened and I felt believed."


def opening_key(private_key: X25519PrivateKey, public_key: bytes) -> OpeningKey:
    return OpeningKey(period_id=1, label="2026-Q4", private_key=private_key, public_key=public_key)


def test_sealed_text_opens_with_the_period_private_key() -> None:
    private_key, public_key = new_key_pair()
    blob = seal(public_key, TEXT, AD)
    assert open_sealed(opening_key(private_key, public_key), blob, AD) == TEXT


def test_sealing_twice_gives_different_blobs_without_the_text() -> None:
    _, public_key = new_key_pair()
    first, second = seal(public_key, TEXT, AD), seal(public_key, TEXT, AD)
    assert first != second
    assert TEXT not in first and b"believed" not in first


@pytest.mark.parametrize(
    "other_ad",
    [response_associated_data(42, 7), response_associated_data(41, 8), b""],
    ids=["other response", "other survey version", "none"],
)
def test_other_associated_data_does_not_open(other_ad: bytes) -> None:
    private_key, public_key = new_key_pair()
    blob = seal(public_key, TEXT, AD)
    with pytest.raises(SealedBlobInvalid):
        open_sealed(opening_key(private_key, public_key), blob, other_ad)


def test_associated_data_is_unambiguous() -> None:
    assert response_associated_data("1", "23") != response_associated_data("12", "3")


def test_another_periods_private_key_does_not_open() -> None:
    _, public_key = new_key_pair()
    other_private, other_public = new_key_pair()
    blob = seal(public_key, TEXT, AD)
    with pytest.raises(SealedBlobInvalid):
        open_sealed(opening_key(other_private, other_public), blob, AD)


@pytest.mark.parametrize("position", [0, 5, 40, -1])
def test_a_changed_byte_does_not_open(position: int) -> None:
    private_key, public_key = new_key_pair()
    blob = bytearray(seal(public_key, TEXT, AD))
    blob[position] ^= 0x01
    with pytest.raises(SealedBlobInvalid):
        open_sealed(opening_key(private_key, public_key), bytes(blob), AD)


def test_a_sealer_given_only_the_public_key_cannot_open_what_it_wrote() -> None:
    """Everything the sealing side holds is public: the key struct, the blob and the
    associated data; no private key can be made from them, so opening always fails."""
    _, public_key = new_key_pair()
    sealing_key = SealingKey(period_id=1, label="2026-Q4", public_key=public_key)
    assert set(SealingKey.__struct_fields__) == {"period_id", "label", "public_key"}
    blob = seal(sealing_key.public_key, TEXT, AD)
    # The best a sealer can try: the bytes it has, used as a private key.
    for guess in (sealing_key.public_key, blob[1:33]):
        guessed = X25519PrivateKey.from_private_bytes(guess)
        with pytest.raises(SealedBlobInvalid):
            open_sealed(opening_key(guessed, public_key), blob, AD)


def test_importing_sealing_loads_nothing_that_opens() -> None:
    probe = (
        "import sys, feedback.crypto.sealing; "
        "print(' '.join(m for m in sys.modules if m.startswith('feedback')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "feedback.crypto.sealing" in loaded
    for private_side in (
        "feedback.crypto.opening",
        "feedback.crypto.wrapping",
        "feedback.crypto.master",
        "feedback.crypto.service",
    ):
        assert private_side not in loaded
