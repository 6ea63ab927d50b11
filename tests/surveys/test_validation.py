"""Survey rules, checked alone: no database, no web."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from feedback.surveys.errors import SurveyInvalid
from feedback.surveys.files import content_hash
from feedback.surveys.service import validate_surveys
from tests.surveys.conftest import SHIPPED
from tests.surveys.helpers import ROOT, check, shipped


def problems_of(data: object) -> list[str]:
    with pytest.raises(SurveyInvalid) as raised:
        check(data)
    return [str(problem) for problem in raised.value.problems]


def first_question(data: dict, section: int = 0, question: int = 0) -> dict:
    return data["sections"][section]["questions"][question]


@pytest.mark.parametrize("slug", SHIPPED)
def test_shipped_surveys_are_valid(slug: str) -> None:
    [report] = validate_surveys([ROOT / "surveys" / f"{slug}.yaml"])
    assert report.slug == slug


def test_drafts_are_reported_as_awaiting_review() -> None:
    [report] = validate_surveys([ROOT / "surveys" / "service-satisfaction.yaml"])
    assert any(w.startswith("ar: draft translation") for w in report.warnings)
    assert any(w.startswith("pl: draft translation") for w in report.warnings)


def test_wrong_type_is_located_by_path() -> None:
    data = shipped("service-satisfaction")
    data["sections"][1]["questions"][0]["max_length"] = "long"
    assert problems_of(data) == [
        "test.yaml: sections[1].questions[0].max_length: Expected `int`, got `str`"
    ]


def test_core_question_must_keep_canonical_scale() -> None:
    data = shipped("service-satisfaction")
    first_question(data)["scale"] = "satisfaction"
    [problem] = problems_of(data)
    assert "sections[0].questions[0].scale" in problem and "'agreement'" in problem


def test_core_question_takes_canonical_wording() -> None:
    data = shipped("service-satisfaction")
    first_question(data)["text"] = "Did they believe you?"
    [problem] = problems_of(data)
    assert "sections[0].questions[0].text" in problem and "canonical wording" in problem


def test_core_question_must_keep_its_type() -> None:
    data = shipped("service-satisfaction")
    first_question(data)["type"] = "yes_no"
    assert any("is asked as scale, not yes_no" in p for p in problems_of(data))


def test_english_is_required_for_every_text() -> None:
    data = shipped("service-satisfaction")
    data["sections"][1]["questions"][0]["text"] = {"pl": "Co pomogło?"}
    assert problems_of(data) == [
        "test.yaml: sections[1].questions[0].text: English (`en`) text is required"
    ]


def test_text_in_an_unlisted_language_is_refused() -> None:
    data = shipped("young-person-consultation")
    data["title"] = {"en": "Hello", "fr": "Bonjour"}
    assert problems_of(data) == ["test.yaml: title.fr: language 'fr' is not in `languages`"]


def test_missing_translation_falls_back_with_a_note() -> None:
    data = shipped("service-satisfaction")
    data["sections"][1]["questions"][0]["text"] = {"en": "What helped most?"}
    checked = check(data)
    assert "ar: 1 text(s) not translated; English is shown with a note" in checked.warnings


def test_sensitive_question_always_offers_prefer_not_to_say() -> None:
    data = shipped("young-person-consultation")
    question = first_question(data)
    question.update(sensitive=True, prefer_not_to_say=False)
    assert problems_of(data) == [
        "test.yaml: sections[0].questions[0].prefer_not_to_say: a sensitive question always "
        "offers 'prefer not to say'"
    ]


def test_prefer_not_to_say_is_added_to_sensitive_questions() -> None:
    data = shipped("young-person-consultation")
    first_question(data)["sensitive"] = True
    resolved = check(data).published.definition.sections[0].questions[0]
    assert resolved.prefer_not_to_say is True


def test_show_if_must_point_to_an_earlier_question() -> None:
    data = shipped("young-person-consultation")
    first_question(data)["show_if"] = {"question": "able_to_speak_up", "equals": "yes"}
    [problem] = problems_of(data)
    assert "sections[0].questions[0].show_if.question" in problem


def test_show_if_answer_must_exist() -> None:
    data = shipped("young-person-consultation")
    data["sections"][1]["questions"][3]["show_if"] = {
        "question": "able_to_speak_up",
        "equals": "maybe",
    }
    [problem] = problems_of(data)
    assert "sections[1].questions[3].show_if" in problem and "'maybe'" in problem


def test_yaml_yes_in_show_if_means_the_yes_answer() -> None:
    checked = check(shipped("service-satisfaction"))
    question = checked.published.definition.sections[0].questions[8]
    assert question.show_if is not None and question.show_if.any_of == ["yes"]


def test_sms_question_offers_at_most_nine_answers() -> None:
    data = shipped("young-person-consultation")
    question = first_question(data)
    question["sms"] = True
    question["choices"] = [{"code": f"c{i}", "text": f"Choice {i}"} for i in range(10)]
    [problem] = problems_of(data)
    assert "sections[0].questions[0].sms" in problem


def test_prefer_not_to_say_code_is_reserved() -> None:
    data = shipped("young-person-consultation")
    first_question(data)["choices"][1]["code"] = "prefer_not_to_say"
    [problem] = problems_of(data)
    assert "sections[0].questions[0].choices[1].code" in problem


def test_question_ids_are_unique() -> None:
    data = shipped("young-person-consultation")
    data["sections"][1]["questions"][0]["id"] = "know_healthy_relationship"
    [problem] = problems_of(data)
    assert "sections[1].questions[0].id" in problem and "sections[0].questions[0]" in problem


def test_equality_block_is_always_skippable() -> None:
    checked = check(shipped("biannual-consultation"))
    block = checked.published.definition.sections[-1]
    assert block.id == "equality_monitoring"
    assert [q.id for q in block.questions] == [
        "age_band",
        "ethnicity",
        "disability",
        "sexual_orientation",
        "gender_identity",
        "religion",
    ]
    assert all(q.optional and q.sensitive and q.prefer_not_to_say for q in block.questions)


def test_all_problems_of_a_file_are_reported_together() -> None:
    data = shipped("young-person-consultation")
    data["title"] = {"pl": "Cześć"}
    data["sections"][0]["questions"][0]["choices"] = [{"code": "only", "text": "Only"}]
    assert len(problems_of(data)) >= 3


def test_hash_ignores_key_order_and_layout() -> None:
    data = shipped("service-satisfaction")
    reordered = dict(reversed(list(copy.deepcopy(data).items())))
    assert content_hash(check(data).published) == content_hash(check(reordered).published)


def test_missing_file_is_a_located_problem(tmp_path: Path) -> None:
    with pytest.raises(SurveyInvalid, match="file not found"):
        validate_surveys([tmp_path / "surveys" / "nope.yaml"])
