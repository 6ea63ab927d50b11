"""Sealing cost: our seal() (X25519 + HKDF + AES-256-GCM) next to plain AES-256-GCM.

    .venv/bin/python bench/sealing.py [--seconds 2] [--size 1024]

Both run in the same process on the same payloads; the floor is AES-GCM with a fixed key
and a random nonce, i.e. what sealing would cost if intake could hold a symmetric key (it
must not: it could then read back what it wrote). The ratio is the price of public-key
sealing per response.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from feedback.crypto.sealing import response_associated_data, seal
from feedback.crypto.wrapping import new_key_pair


def rate(work: Callable[[int], object], seconds: float) -> float:
    """Operations per second, measured over at least `seconds` after a short warm-up."""
    for number in range(200):
        work(number)
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(500):
            work(done)
            done += 1
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--size", type=int, default=1024)
    options = parser.parse_args()

    payload = os.urandom(options.size)
    _, public_key = new_key_pair()
    aead = AESGCM(AESGCM.generate_key(bit_length=256))

    def sealed(number: int) -> bytes:
        return seal(public_key, payload, response_associated_data(number, 1))

    def floor(number: int) -> bytes:
        return aead.encrypt(os.urandom(12), payload, response_associated_data(number, 1))

    ours = rate(sealed, options.seconds)
    plain = rate(floor, options.seconds)
    print(f"payload {options.size} bytes, {options.seconds:g} s each")
    print(f"seal() X25519+HKDF+AES-GCM: {ours:12,.0f} /s  ({1e6 / ours:7.1f} µs each)")
    print(f"floor  AES-GCM only:        {plain:12,.0f} /s  ({1e6 / plain:7.1f} µs each)")
    print(f"ratio seal/floor: {ours / plain:.3f} (floor is {plain / ours:.1f}x faster)")


if __name__ == "__main__":
    main()
