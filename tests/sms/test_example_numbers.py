"""Ofcom's drama range (07700 900000 to 900999) is never a real phone: a row holding one is
told so, rather than "not a valid UK number", so a person trying an example learns why."""

from __future__ import annotations

import pytest

from feedback.sms.errors import NumberInvalid
from feedback.sms.numbers import parse_uk_mobile


@pytest.mark.parametrize("written", ["07700 900123", "+44 7700 900000", "07700900999"])
def test_a_drama_number_is_refused_as_an_example(written: str) -> None:
    with pytest.raises(NumberInvalid, match="an example number"):
        parse_uk_mobile(written)


def test_numbers_either_side_of_the_drama_range_are_checked_as_usual() -> None:
    assert parse_uk_mobile("07700 123456") == "+447700123456"
    with pytest.raises(NumberInvalid, match="not a valid UK number"):
        parse_uk_mobile("07700 901000")
