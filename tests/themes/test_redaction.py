"""Redaction: each kind of personal data in its usual UK formats, and two properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.themes.redaction import redact


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "020 7946 0000",
        "(020) 7946 0000",
        "0161 496 0000",
        "0113 496 0123",
        "01632 960123",
    ],
)
def test_uk_phone_formats_are_redacted(number: str) -> None:
    assert redact(f"ring me on {number} after six") == "ring me on [phone] after six"


def test_short_numbers_and_counts_are_kept() -> None:
    text = "I called 999 twice and waited 3 weeks, then 101 in 2023"
    assert redact(text) == text


def test_email_is_redacted() -> None:
    assert redact("write to jo.bloggs+help@example.org please") == "write to [email] please"


@pytest.mark.parametrize("postcode", ["SW3 9ZZ", "sw3 9zz", "W6 0ZZ", "EC1A 1BB", "M14 5RT"])
def test_full_postcodes_are_redacted(postcode: str) -> None:
    assert redact(f"we moved to {postcode} last year") == "we moved to [postcode] last year"


def test_london_outward_code_alone_is_redacted() -> None:
    assert redact("I live in W12 now") == "I live in [postcode] now"


def test_outward_code_after_place_word_is_redacted() -> None:
    assert redact("a refuge near M14") == "a refuge near [postcode]"


def test_road_names_like_outward_codes_are_kept_without_place_word() -> None:
    assert redact("stuck on the M25 for hours") == "stuck on the M25 for hours"


@pytest.mark.parametrize(
    "address",
    ["12 Example Road", "flat 3, 12 Example Road", "27b Orchard Close", "4 Kings Court", "Flat 7"],
)
def test_street_addresses_are_redacted(address: str) -> None:
    assert redact(f"I live at {address} with the kids") == "I live at [address] with the kids"


def test_named_street_without_number_is_redacted() -> None:
    assert redact("he waits on Acacia Avenue") == "he waits on [address]"


def test_numbers_before_ordinary_words_are_not_addresses() -> None:
    text = "It took 3 weeks at the house and 2 months in a hostel"
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My worker Sarah was amazing", "My worker [name] was amazing"),
        ("my husband Tom Jones hit me", "my husband [name] hit me"),
        ("my ex, Dean, follows me", "my ex, [name], follows me"),
        ("a man called Bartholomew", "a man called [name]"),
        ("Dr Patel and PC Okafor helped", "Dr [name] and PC [name] helped"),
        ("my advocate priya rang", "my advocate [name] rang"),
        ("Mohammed Ali came round", "[name] came round"),
    ],
)
def test_names_are_found_by_cue_and_by_list(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngozi at the service just got it", "[name] at the service just got it"),
        ("Tell Elif she was right", "Tell [name] she was right"),
        ("the housing officer, Mo, moved me", "the housing officer, [name], moved me"),
        ("the idva jo explained it", "the idva [name] explained it"),
        ("it was pc lewis n he was kind", "it was pc [name] n he was kind"),
        ("the gp dr okoro referred me", "the gp dr [name] referred me"),
        ("thank you, Bernadette.", "thank you, [name]."),
        ("priya rang me every week", "[name] rang me every week"),
    ],
)
def test_names_in_lower_case_of_any_origin_and_after_titles_are_redacted(
    text: str, expected: str
) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "email",
    [
        "jo.bloggs(at)example.org",
        "jo.bloggs (at) example.org",
        "jo [at] example dot com",
        "sam at example dot org",
        "jo{at}example.org",
        "jo (at ) example.org",
        "jo [ at ] example.org",
    ],
)
def test_emails_spelled_out_are_redacted(email: str) -> None:
    assert redact(f"write to {email} please") == "write to [email] please"


@pytest.mark.parametrize("postcode", ["W106ZZ", "sw1a1aa"])
def test_postcodes_without_the_space_are_redacted(postcode: str) -> None:
    assert redact(f"we moved to {postcode} last year") == "we moved to [postcode] last year"


def test_places_days_services_and_ordinary_words_are_not_names() -> None:
    text = "Counselling on Tuesdays in Hounslow, then Cafcass and my GP. I was at home at six."
    assert redact(text) == text


def test_capitalised_non_names_after_cues_are_kept() -> None:
    text = "My worker The best. The Family Court was slow. I had Hope again"
    assert redact(text) == text


@given(st.text())
def test_redaction_never_raises_and_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@given(st.text(alphabet="0123456789 +()-.", max_size=40))
def test_digit_soup_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
