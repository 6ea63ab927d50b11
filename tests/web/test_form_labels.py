"""Form errors say the field as the page labels it, and link to that field only."""

from __future__ import annotations

import pytest

from feedback.errors import Conflict, Forbidden, InvalidInput
from feedback.web.form_labels import FormField, FormLabels

FORM = FormLabels(
    "title",
    {
        "title": "Title",
        "opens_on": "Opening date",
        "service_id": FormField("service", "Service"),
        "service name": FormField("name", "Service name"),
    },
)


def test_the_internal_name_becomes_the_pages_label() -> None:
    shown = FORM.context(
        InvalidInput("enter a date as YYYY-MM-DD, like 2026-12-31", field="opens_on")
    )

    assert shown == {
        "error": "Opening date: enter a date as YYYY-MM-DD, like 2026-12-31",
        "error_field": "opens_on",
    }


def test_a_name_the_page_spells_differently_links_to_the_pages_field() -> None:
    assert FORM.context(InvalidInput("there is no service 9", field="service_id")) == {
        "error": "Service: there is no service 9",
        "error_field": "service",
    }
    assert FORM.context(Conflict("must not be empty", field="service name"))["error"] == (
        "Service name: must not be empty"
    )


def test_the_value_quoted_after_the_name_is_kept() -> None:
    shown = FORM.context(InvalidInput("is taken", field="title", value="Spring"))

    assert shown["error"] == "Title 'Spring': is taken"


def test_the_field_comes_from_the_error_never_from_its_words() -> None:
    message = "opens_on: enter a date as YYYY-MM-DD, like 2026-12-31"

    assert FORM.context(InvalidInput(message)) == {"error": message, "error_field": "title"}


def test_an_undeclared_internal_name_is_not_shown() -> None:
    shown = FORM.context(InvalidInput("the round is not open", field="session"))

    assert shown == {"error": "The round is not open", "error_field": "title"}


def test_a_sentence_with_a_colon_is_left_as_it_is() -> None:
    message = "you may work on records for your own services only: ask the lead"

    assert FORM.context(Forbidden(message)) == {"error": message, "error_field": "title"}


def test_no_problem_marks_no_field() -> None:
    assert FORM.context(None) == {"error": None, "error_field": None}


def test_the_default_field_must_be_one_of_the_forms() -> None:
    with pytest.raises(ValueError, match="default field"):
        FormLabels("nowhere", {"title": "Title"})
