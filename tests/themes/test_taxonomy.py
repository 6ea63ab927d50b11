"""The packaged taxonomy is the shared contract, and every theme has cues."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback.themes.taxonomy import load_cues, load_taxonomy

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "themes.json"


@pytest.mark.skipif(not SHARED.exists(), reason="shared/ is not beside the repo")
def test_packaged_taxonomy_has_exactly_the_contract_ids() -> None:
    contract = [theme["id"] for theme in json.loads(SHARED.read_text())["themes"]]
    assert load_taxonomy().ids == contract


def test_every_theme_has_compiled_cues() -> None:
    assert list(load_cues().patterns) == load_taxonomy().ids
