"""Decoding definition files with msgspec, turning every failure into a located Problem,
and the canonical encoding that content hashes are computed over."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from feedback.surveys.errors import Problem, SurveyInvalid

T = TypeVar("T")

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
MAX_FILE_BYTES = 1_000_000


def display_name(path: Path) -> str:
    """The file as a person would type it: relative to the working folder when it is inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def located(file: str, error: msgspec.MsgspecError) -> Problem:
    """msgspec says `Expected int, got str - at $.sections[0].max_length`; make that a Problem."""
    text = str(error).strip()
    if isinstance(error, msgspec.ValidationError):
        match = _AT.match(text)
        if match:
            path = (match.group("path") or "").removeprefix(".")
            return Problem(file, path, match.group("message").strip() or "invalid value")
        return Problem(file, "", text)
    first_line = " ".join(text.split())[:300]
    return Problem(file, "", f"not valid YAML ({first_line})")


def decode_yaml(data: bytes, kind: type[T], *, file: str) -> T:
    """Decode YAML bytes into `kind`; any failure is a SurveyInvalid naming file and path."""
    if len(data) > MAX_FILE_BYTES:
        raise SurveyInvalid([Problem(file, "", f"file is larger than {MAX_FILE_BYTES} bytes")])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SurveyInvalid([Problem(file, "", f"not UTF-8 text (byte {error.start})")]) from None
    try:
        return msgspec.yaml.decode(data, type=kind)
    except msgspec.MsgspecError as error:
        raise SurveyInvalid([located(file, error)]) from None
    except (RecursionError, ValueError, TypeError) as error:  # YAML nested beyond reason
        raise SurveyInvalid(
            [Problem(file, "", f"cannot be read ({type(error).__name__})")]
        ) from None


def read_file(path: Path, kind: type[T]) -> T:
    """Read and decode one file; a missing or unreadable file is a located problem too."""
    file = display_name(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SurveyInvalid([Problem(file, "", "file not found")]) from None
    except OSError as error:
        raise SurveyInvalid([Problem(file, "", f"cannot be read ({error.strerror})")]) from None
    return decode_yaml(data, kind, file=file)


def canonical_json(value: Any) -> bytes:
    """Sorted-key JSON: the same content always encodes to the same bytes."""
    return msgspec.json.encode(value, order="sorted")


def content_hash(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()
