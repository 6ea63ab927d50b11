"""Malformed definitions of every kind get a located SurveyInvalid: never another
exception, never a traceback, and never a partial publish."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.consent.models import ConsentNoticeVersion
from feedback.surveys.definition import SurveyDefinition
from feedback.surveys.errors import SurveyInvalid
from feedback.surveys.files import decode_yaml
from feedback.surveys.models import SurveyVersion
from feedback.surveys.service import publish_surveys
from feedback.surveys.validation import check_survey
from tests.surveys.conftest import SHIPPED
from tests.surveys.helpers import CORE, dump, shipped

FILE = "surveys/fuzzed.yaml"
BASES = {slug: shipped(slug) for slug in SHIPPED}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["", "en", "yes", "no", "scale", "free_text", "x y"]),
)
junk = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def validate(data: bytes) -> None:
    """What publishing does before it stores anything."""
    definition = decode_yaml(data, SurveyDefinition, file=FILE)
    check_survey(definition, CORE, file=FILE)


def assert_located(error: SurveyInvalid) -> None:
    assert error.problems, "an error with no problem in it"
    for problem in error.problems:
        assert problem.file == FILE
        assert problem.message.strip()
        assert "Traceback" not in problem.message
    assert error.message.startswith(FILE)


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_of(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_of(item, (*prefix, index))
    return found


@st.composite
def mutated_surveys(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """A shipped survey with one place replaced by junk or deleted."""
    data = copy.deepcopy(BASES[draw(st.sampled_from(SHIPPED))])
    path = draw(st.sampled_from(paths_of(data)[1:]))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    if draw(st.booleans()):
        parent[path[-1]] = draw(junk)
    elif isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    return data, path


@settings(max_examples=400, deadline=None)
@given(mutated_surveys())
def test_mutated_survey_is_valid_or_gets_a_located_error(
    case: tuple[dict[str, Any], tuple],
) -> None:
    data, _ = case
    try:
        validate(dump(data))
    except SurveyInvalid as error:
        assert_located(error)


@settings(max_examples=300, deadline=None)
@given(junk)
def test_any_yaml_value_gets_a_located_error(value: Any) -> None:
    try:
        validate(dump(value))
    except SurveyInvalid as error:
        assert_located(error)
    else:
        raise AssertionError("junk was accepted as a survey")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_get_a_located_error(data: bytes) -> None:
    try:
        validate(data)
    except SurveyInvalid as error:
        assert_located(error)
    else:
        raise AssertionError("bytes were accepted as a survey")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
async def test_a_bad_file_publishes_nothing(
    db: AsyncSession, content: Path, data: st.DataObject
) -> None:
    """Good files published together with a bad one leave no version of anything behind."""
    bad, _ = data.draw(mutated_surveys())
    bad["slug"] = "fuzzed"
    (content / "surveys" / "fuzzed.yaml").write_bytes(dump(bad))
    files = [content / "surveys" / f"{slug}.yaml" for slug in SHIPPED]
    files.insert(data.draw(st.integers(0, len(files))), content / "surveys" / "fuzzed.yaml")
    try:
        await publish_surveys(db, files)
    except SurveyInvalid:
        assert await db.scalar(select(func.count()).select_from(SurveyVersion)) == 0
        assert await db.scalar(select(func.count()).select_from(ConsentNoticeVersion)) == 0
    else:
        await db.execute(SurveyVersion.__table__.delete())
        await db.execute(ConsentNoticeVersion.__table__.delete())
        await db.commit()
