"""tag_text: themes, negation, sentiment, phrases, review routing, and totality."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.themes.pipeline import tag_text, tagger_version


def test_redaction_comes_before_everything_else() -> None:
    tagged = tag_text("My worker Sarah Jones on 07700 900123 was amazing")
    assert "Sarah" not in tagged.redacted_text
    assert not any("sarah" in phrase for phrase in tagged.noun_phrases)
    assert "[phone]" in tagged.redacted_text


def test_surprise_idiom_is_not_the_believed_theme() -> None:
    assert "believed" not in tag_text("I couldn't believe how quick it was").themes


def test_being_disbelieved_is_the_believed_theme_and_negative() -> None:
    tagged = tag_text("The officer didn't believe me")
    assert "believed" in tagged.themes
    assert tagged.sentiment == "negative"


def test_negated_praise_is_negative() -> None:
    assert tag_text("I don't feel any safer than before").sentiment == "negative"


def test_negated_complaint_is_positive() -> None:
    assert tag_text("I never had to wait and nobody judged me").sentiment == "positive"


def test_praise_and_complaint_in_two_clauses_is_mixed() -> None:
    tagged = tag_text("The counsellor was lovely but the waiting list was far too long")
    assert tagged.sentiment == "mixed"
    by_theme = {mention.id: mention.sentiment for mention in tagged.theme_mentions}
    assert by_theme["waiting_times"] == "negative"
    assert by_theme["mental_health"] == "positive"


def test_fear_followed_by_reassurance_is_positive() -> None:
    assert tag_text("I was scared at first but they made me feel safe").sentiment == "positive"


def test_suggestion_is_neutral() -> None:
    assert tag_text("There should be more posters in GP surgeries").sentiment == "neutral"


def test_current_danger_adds_the_safety_theme() -> None:
    tagged = tag_text("He is banging on the door right now")
    assert tagged.immediate_danger
    assert "safety" in tagged.themes


def test_emerging_phrases_are_noun_phrases_no_theme_covers() -> None:
    tagged = tag_text("The council tax letters were confusing and the refuge manager helped")
    assert "council tax letters" in tagged.emerging_phrases
    assert "refuge manager" in tagged.noun_phrases
    assert all("refuge" not in phrase for phrase in tagged.emerging_phrases)


def test_non_english_text_goes_to_review_untagged() -> None:
    tagged = tag_text("Muy buen servicio, me escucharon con paciencia")
    assert tagged.needs_human_review
    assert tagged.review_reason == "not_english"
    assert tagged.themes == (["safety"] if tagged.immediate_danger else [])
    assert tagged.theme_mentions == []


def test_short_english_text_is_not_sent_to_review() -> None:
    assert not tag_text("no comment").needs_human_review


def test_tagger_version_names_rules_and_data() -> None:
    assert tag_text("ok").tagger_version == tagger_version()
    assert tagger_version().startswith("learned-")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_pipeline_never_raises_on_any_unicode(text: str) -> None:
    tagged = tag_text(text)
    assert tagged.sentiment in {"positive", "negative", "mixed", "neutral"}
