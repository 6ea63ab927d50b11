"""Sealing is public-key only: round trips, associated data binding, and no way back for intake."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from feedback.crypto.errors import SealedBlobInvalid
from feedback.crypto.opening import OpeningKey, open_sealed
from feedback.crypto.sealing import (
    SEAL_FORMAT,
    SEAL_FORMAT_SINGLE,
    Sealer,
    SealingKey,
    derive_blob_key,
    response_associated_data,
    seal,
)
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


def test_one_sealer_seals_a_group_of_blobs_each_opening_only_with_its_own_data() -> None:
    """A group shares one key agreement; each blob still gets its own salt, key and nonce,
    so blobs differ for the same text, each opens, and none opens as another's."""
    private_key, public_key = new_key_pair()
    sealer = Sealer(public_key)
    ads = [response_associated_data(n, 7) for n in range(3)]
    blobs = [sealer.seal(TEXT, ad) for ad in ads]
    key = opening_key(private_key, public_key)
    assert len(set(blobs)) == 3 and all(blob[0] == SEAL_FORMAT for blob in blobs)
    assert [open_sealed(key, blob, ad) for blob, ad in zip(blobs, ads, strict=True)] == [TEXT] * 3
    with pytest.raises(SealedBlobInvalid):
        open_sealed(key, blobs[0], ads[1])


def test_blobs_sealed_in_the_earlier_single_key_format_still_open() -> None:
    """Format 1 (one ephemeral key per blob, no blob salt), as written before format 2."""
    private_key, public_key = new_key_pair()
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    aes_key, nonce = derive_blob_key(shared, ephemeral_public, public_key)
    blob = bytes([SEAL_FORMAT_SINGLE]) + ephemeral_public + AESGCM(aes_key).encrypt(nonce, TEXT, AD)
    assert open_sealed(opening_key(private_key, public_key), blob, AD) == TEXT


@pytest.mark.parametrize("blob", [b"", b"\x02" + b"\x00" * 40, b"\x07" + b"\x00" * 80])
def test_truncated_or_unknown_blobs_are_refused_plainly(blob: bytes) -> None:
    private_key, public_key = new_key_pair()
    with pytest.raises(SealedBlobInvalid, match="unknown format or truncated"):
        open_sealed(opening_key(private_key, public_key), blob, AD)
