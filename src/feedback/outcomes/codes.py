"""Keys and digests made from a code the survivor holds: plain functions, no SQL.

A pairing row is found by a keyed digest of the code (HMAC under a master-derived key, so
a leaked database cannot be searched by trying codes) and sealed with AES-GCM under a key
derived from the code itself, as SMS conversations are sealed under a key derived from the
number: only someone holding the code can read it. The digests differ from the receipt
digest (plain SHA-256) on the response row, so the two cannot be matched without the code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from feedback.crypto.master import derive_key

Side = Literal["intake", "exit"]
NONCE_BYTES = 12


def normal_code(code: str) -> str:
    """The code as receipt codes are compared: letters and digits, upper case."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def pairing_digest(master_key: bytes, code: str, side: Side) -> str:
    key = derive_key(master_key, f"outcome-pairing-digest-{side}")
    return hmac.new(key, normal_code(code).encode(), hashlib.sha256).hexdigest()


def code_key(master_key: bytes, code: str) -> bytes:
    """An AES key from the code, salted with a master-derived key so that neither the
    database alone nor the master key alone opens a pairing row."""
    salt = derive_key(master_key, "outcome-pairing-seal")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"outcome pairing")
    return hkdf.derive(normal_code(code).encode())


def seal_for_code(key: bytes, plaintext: bytes, digest: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, digest.encode())


def open_for_code(key: bytes, sealed: bytes, digest: str) -> bytes | None:
    """The plaintext, or None when this key does not open it (another master key's row)."""
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], digest.encode())
    except InvalidTag:
        return None
