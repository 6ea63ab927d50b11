"""The one list of subject words, and the settings and fixed texts held to it."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.errors import SettingsInvalid
from feedback.links import tokens
from feedback.links.cards import CARD_TITLE, new_card_code
from feedback.settings import LASTING_TEXT_FIELDS, Settings
from feedback.sms.phrases import LANGUAGES, PHRASES, sms_phrase
from feedback.wording import SUBJECT_WORDS, neutral_draw, subject_word
from tests.conftest import Cli

FILLED = {"count": 12, "code": "K7M3-QX4A", "url": "http://127.0.0.1:8000/receipt"}


@pytest.mark.parametrize(("key", "language"), list(itertools.product(sorted(PHRASES), LANGUAGES)))
def test_every_fixed_sms_phrase_in_every_language_names_no_subject(key: str, language: str) -> None:
    assert subject_word(sms_phrase(key, language, **FILLED)) is None


@pytest.mark.parametrize(
    "text", [CARD_TITLE, *(getattr(Settings(), f) for f in LASTING_TEXT_FIELDS)]
)
def test_every_default_lasting_text_names_no_subject(text: str) -> None:
    assert subject_word(text) is None


def test_the_help_reply_gives_a_number_and_the_card_line_only_999() -> None:
    assert "0808 2000 247" in Settings().sms_help_reply
    assert "999" in Settings().card_help_line and "0808" not in Settings().card_help_line


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("National Domestic Abuse Helpline", "abuse"),
        ("Were you ABUSED?", "abuse"),
        ("https://domesticabuse-feedback.example", "domestic"),
        ("Our refuges", "refuge"),
        ("the Forced-Marriage Unit", "forced marriage"),
        ("Ask your IDVA", "IDVA"),
        ("Przemoc domowa", "przemoc"),
        ("مركز مكافحة العنف", "عنف"),
    ],
)
def test_the_list_finds_words_in_any_case_spacing_ending_or_language(text: str, word: str) -> None:
    assert subject_word(text) == word


def test_a_service_name_counts_but_a_name_of_everyday_words_does_not() -> None:
    names = ["Hestia Housing", "Your feedback", "Own Service"]
    assert subject_word("Call hestia housing today", names) == "Hestia Housing"
    assert subject_word("Your feedback link from our own service", names) is None


@pytest.mark.parametrize("field", LASTING_TEXT_FIELDS)
def test_a_lasting_setting_naming_the_subject_is_refused_naming_setting_and_word(
    field: str,
) -> None:
    raw = "https://refuge-feedback.example" if field == "public_base_url" else "Refuge survey: URL"
    name = f"FEEDBACK_{field.upper()}"
    with pytest.raises(SettingsInvalid) as caught:
        Settings.from_env({name: raw})
    message = caught.value.message
    assert message.startswith(f"{name}: names the subject ('refuge')")
    assert "\n" not in message


def test_a_draw_spelling_a_listed_word_is_drawn_again() -> None:
    draws = iter(["RAPE7", "X-FGM4", "K7M3Q"])
    assert neutral_draw(lambda: next(draws)) == "K7M3Q"


@given(st.integers(min_value=0, max_value=50))
def test_drawn_tokens_and_codes_spell_no_listed_word(_: int) -> None:
    for drawn in (tokens.new_token(), tokens.new_code(), new_card_code()):
        assert subject_word(drawn) is None


def test_card_codes_carry_at_least_60_bits_in_groups_of_five() -> None:
    code = new_card_code()
    groups = code.split("-")
    assert [len(group) for group in groups] == [5, 5, 5]
    assert all(ch in tokens.CODE_ALPHABET for ch in "".join(groups))
    bits = len("".join(groups)) * math.log2(len(tokens.CODE_ALPHABET))
    assert bits >= 60


def test_the_list_holds_the_words_the_issue_names() -> None:
    named = {"abuse", "domestic", "violence", "refuge", "rape", "assault", "stalking"}
    named |= {"FGM", "forced marriage", "honour", "trafficking", "IDVA"}
    assert named <= set(SUBJECT_WORDS)


def test_a_command_started_with_a_subject_word_in_a_setting_stops_with_one_line(
    cli: Cli,
) -> None:
    started = cli("surveys", "list", env={"FEEDBACK_CARD_HELP_LINE": "Domestic abuse line: 999"})

    assert started.exit_code == 2
    assert started.stderr.splitlines() == [
        "error: FEEDBACK_CARD_HELP_LINE: names the subject ('abuse'); texts, cards and page "
        "titles stay on phones and in pockets, so use neutral words"
    ]
