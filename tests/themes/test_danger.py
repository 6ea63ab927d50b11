"""Immediate danger: the learned check flags current danger; the cue rules it reads as
features tell current events from past, hypothetical and negated ones."""

from __future__ import annotations

import pytest

from feedback.themes.danger import danger_events, signals_immediate_danger
from feedback.themes.learned import load_model


@pytest.mark.parametrize(
    "text",
    [
        "He is outside my flat right now",
        "he's here",
        "My ex is at the door",
        "He has just kicked the door in and I am hiding in the bathroom",
        "I'm scared he'll kill me tonight",
        "He says he will kill me if I don't drop the charges",
        "He is threatening to kill me",
        "I'm locked in the bedroom",
        "He won't let me leave the house",
        "He threatened to kill me last night",
        "They are taking me abroad to marry him",
    ],
)
def test_current_danger_is_flagged(text: str) -> None:
    assert signals_immediate_danger(text)


def test_current_danger_scores_above_praise_and_past_danger() -> None:
    model = load_model()
    now = model.danger_probability("He is outside the door right now and he has a knife")
    praise = model.danger_probability("The counsellor was lovely and the group really helped")
    past = model.danger_probability("Years ago he threatened me but I am safe now")
    assert now > max(past, praise)


def test_ongoing_threats_are_a_current_rule_event() -> None:
    assert danger_events("I still get threatening messages every day") == ["threat"]


@pytest.mark.parametrize(
    "text",
    [
        "He used to threaten to kill me",
        "Last year he locked me in",
        "Years ago he threatened to kill me but I am safe now",
        "When we were together he would lock me in",
        "He was outside my house every night back then",
    ],
)
def test_past_danger_is_no_current_rule_event(text: str) -> None:
    assert danger_events(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "If he ever came back I don't know what he would do",
        "Sometimes I worry he might find me one day",
        "I know what to do if he turns up",
        "If he finds out where we live he could hurt us",
    ],
)
def test_hypothetical_danger_is_no_current_rule_event(text: str) -> None:
    assert danger_events(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "He can't hurt me now",
        "The police took his threats seriously and he is in prison now",
        "Staff should know what to do when someone is in danger",
        "I feel much safer now",
    ],
)
def test_negated_or_general_danger_words_are_no_rule_event(text: str) -> None:
    assert danger_events(text) == []


def test_condition_on_the_writer_is_a_threat_not_a_hypothesis() -> None:
    assert danger_events("He will hurt the kids if I tell anyone") == ["threat_to_life"]


def test_danger_events_name_each_kind_once() -> None:
    events = danger_events("He is outside now. He is banging on the door now.")
    assert events == ["abuser_present"]
