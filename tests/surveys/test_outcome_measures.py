"""The outcome measures of the core data set (shared/OUTCOMES.md) and the shipped intake and
exit surveys built from them: no database, no web."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest
import yaml

from feedback.responses.answers import read_answers
from feedback.surveys.core import CoreDataSet, check_core
from feedback.surveys.definition import FreeText, PublishedSurvey, question_type
from feedback.surveys.errors import SurveyInvalid
from feedback.surveys.service import validate_surveys
from tests.surveys.helpers import CORE, ROOT, check, shipped

OUTCOME_SURVEYS = ("service-intake", "service-exit")
ABUSE_TYPES = (
    "physical",
    "sexual",
    "harassment_stalking",
    "coercive_control",
    "economic",
    "online",
)
BANK = (
    "safe_to_contact",
    "safety_now",
    "felt_safer_v2",
    *(f"abuse_present_{kind}" for kind in ABUSE_TYPES),
    *(f"abuse_change_{kind}" for kind in ABUSE_TYPES),
    "freedom_daily_life",
    "ons_life_satisfaction",
    "ons_worthwhile",
    "ons_happy_yesterday",
    "ons_anxious_yesterday",
    "helped_cope",
    "helped_recover",
    "overall_satisfaction_v2",
    "staff_respect",
    "staff_knowledge",
    "staff_humanity",
    "staff_kept_informed",
    "repeat_story",
    "would_recommend",
)
"""The codes of OUTCOMES.md's table (#16, free text, is a question of the exit survey)."""


def published(slug: str) -> PublishedSurvey:
    return check(shipped(slug)).published


def problems_of(data: object) -> list[str]:
    with pytest.raises(SurveyInvalid) as raised:
        check(data)
    return [str(problem) for problem in raised.value.problems]


def core_problems(change: dict[str, Any]) -> list[str]:
    raw = yaml.safe_load((ROOT / "surveys" / "core.yaml").read_text(encoding="utf-8"))
    raw["outcome_measures"].update(change)
    core = msgspec.convert(raw, CoreDataSet)
    return [str(problem) for problem in check_core(core, "core.yaml")]


def asked_codes(survey: PublishedSurvey) -> set[str]:
    return {q.core for s in survey.definition.sections for q in s.questions if q.core}


def test_every_item_of_the_bank_is_asked_by_the_intake_or_exit_survey() -> None:
    asked = asked_codes(published("service-intake")) | asked_codes(published("service-exit"))
    assert set(BANK) <= asked


def test_paired_items_are_asked_at_both_ends() -> None:
    intake, exit_ = published("service-intake"), published("service-exit")
    assert intake.pairs is not None and exit_.pairs is not None
    assert intake.pairs.keys() == exit_.pairs.keys()
    assert exit_.pairs["abuse_physical"] == "abuse_change_physical"
    assert intake.pairs["abuse_physical"] == "abuse_present_physical"
    assert intake.pairs["ons_anxious_yesterday"] == "ons_anxious_yesterday"


def test_a_survey_that_is_not_an_outcome_survey_records_no_pairs() -> None:
    assert published("service-satisfaction").pairs is None


@pytest.mark.parametrize("slug", OUTCOME_SURVEYS)
def test_every_outcome_question_is_optional_and_offers_prefer_not_to_say(slug: str) -> None:
    for section in published(slug).definition.sections:
        for question in section.questions:
            assert question.optional, question.id
            if not isinstance(question, FreeText) and question.id != "consent_quote":
                assert question.prefer_not_to_say, question.id


def test_zero_is_an_answer_on_the_zero_to_ten_scales() -> None:
    definition = published("service-intake").definition
    read = read_answers(definition, {"q_safety_now": ["0"], "q_ons_worthwhile": ["10"]})
    assert read.errors == {}
    assert read.answers == {"safety_now": 0, "ons_worthwhile": 10}
    refused = read_answers(definition, {"q_safety_now": ["11"]})
    assert "safety_now" in refused.errors


def test_draft_wording_is_noted_when_validating() -> None:
    [intake, exit_] = validate_surveys([ROOT / "surveys" / f"{s}.yaml" for s in OUTCOME_SURVEYS])
    assert any("ons_anxious_yesterday" in w and "ONS4 item 4" in w for w in intake.warnings)
    assert any("overall_satisfaction_v2" in w and "MOPAC" in w for w in exit_.warnings)
    assert any("helped_cope, helped_recover" in w for w in exit_.warnings)
    assert not any(w.startswith("draft wording (safety_now") for w in intake.warnings)


def test_draft_marker_is_kept_in_the_published_version() -> None:
    questions = {
        q.id: q for s in published("service-exit").definition.sections for q in s.questions
    }
    assert questions["overall_satisfaction_v2"].draft
    assert questions["felt_safer_v2"].draft is None


def test_intake_survey_cannot_ask_an_exit_only_item() -> None:
    data = shipped("service-intake")
    data["sections"][1]["questions"].append(
        {"id": "helped_cope", "type": "single_choice", "core": "helped_cope"}
    )
    assert problems_of(data) == [
        "test.yaml: sections[1].questions[2].core: core code 'helped_cope' is asked at exit "
        "only (outcome_measures)"
    ]


def test_exit_survey_cannot_ask_an_intake_only_item() -> None:
    data = shipped("service-exit")
    data["sections"][0]["questions"].insert(
        0, {"id": "safe_to_contact", "type": "single_choice", "core": "safe_to_contact"}
    )
    [problem] = problems_of(data)
    assert "sections[0].questions[0].core" in problem and "asked at intake only" in problem


def test_an_outcome_survey_asks_at_least_one_paired_item() -> None:
    data = shipped("service-intake")
    data["sections"] = data["sections"][:1]
    assert problems_of(data) == [
        "test.yaml: sections: an intake survey asks at least one paired outcome item"
    ]


def young_person_survey(questions: list[dict[str, Any]]) -> dict[str, Any]:
    data = shipped("young-person-consultation")
    data["sections"] = [{"id": "support", "title": "Support", "questions": questions}]
    return data


def test_young_person_variant_makes_a_valid_young_person_survey() -> None:
    questions = [
        {"id": code, "type": question_type(canonical), "core": code}
        for code in CORE.outcome_measures.young_person
        if (canonical := CORE.question(code)) is not None
    ]
    checked = check(young_person_survey(questions))
    assert asked_codes(checked.published) == set(CORE.outcome_measures.young_person)


def test_young_person_survey_cannot_ask_adult_outcome_items() -> None:
    data = young_person_survey(
        [{"id": "ons_anxious_yesterday", "type": "scale", "core": "ons_anxious_yesterday"}]
    )
    [problem] = problems_of(data)
    assert "sections[0].questions[0].core" in problem and "young-person variant" in problem


def test_young_person_survey_asks_no_sexual_orientation_or_gender_identity() -> None:
    data = young_person_survey([{"id": "safety_now", "type": "scale", "core": "safety_now"}])
    data["equality_monitoring"] = {"items": ["age_band", "sexual_orientation"]}
    assert problems_of(data) == [
        "test.yaml: equality_monitoring.items: 'sexual_orientation' is asked of adult surveys only"
    ]


def test_core_outcome_lists_name_only_core_questions() -> None:
    assert core_problems({"exit_only": ["helped_cope", "no_such_item"]}) == [
        "core.yaml: outcome_measures.exit_only[1]: 'no_such_item' is not a core question"
    ]


def test_core_item_cannot_be_intake_only_and_exit_only() -> None:
    intake_only = [*CORE.outcome_measures.intake_only, "helped_cope"]
    assert core_problems({"intake_only": intake_only}) == [
        "core.yaml: outcome_measures: 'helped_cope' cannot be both intake_only and exit_only"
    ]


def test_core_pair_items_are_unique() -> None:
    pairs = [msgspec.structs.asdict(p) for p in CORE.outcome_measures.pairs]
    pairs.append(copy.deepcopy(pairs[0]))
    assert core_problems({"pairs": pairs}) == [
        "core.yaml: outcome_measures.pairs: pair item 'safety_now' is listed twice"
    ]
