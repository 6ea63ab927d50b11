"""An error about one value carries the value's name, and says it first for the CLI and API."""

from __future__ import annotations

from feedback.errors import InvalidInput, NotFound


def test_a_named_field_leads_the_message() -> None:
    error = InvalidInput("enter a title", field="title")

    assert (error.field, error.problem) == ("title", "enter a title")
    assert error.message == str(error) == "title: enter a title"


def test_an_error_about_no_one_value_keeps_its_words() -> None:
    error = NotFound("no such draft: it may have been published or discarded")

    assert error.field is None
    assert error.message == error.problem == str(error)


def test_the_value_sent_is_quoted_after_the_fields_name() -> None:
    error = InvalidInput("use csv or xlsx", field="format", value="pdf")

    assert error.message == "format 'pdf': use csv or xlsx"
