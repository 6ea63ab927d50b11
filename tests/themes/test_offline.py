"""TextBlob runs with no NLTK data at all: nothing is downloaded or looked up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from feedback.themes.textblob_offline import offline_blob

SCRIPT = """
import nltk
from feedback.themes.pipeline import tag_text
from feedback.themes.textblob_offline import offline_blob
tagged = tag_text("The refuge workers were wonderful but I didn't hear back for weeks.")
blob = offline_blob("The refuge workers were wonderful.")
assert tagged.noun_phrases and tagged.sentiment == "mixed", tagged
assert blob.noun_phrases == ["refuge workers"], blob.noun_phrases
assert blob.sentiment.polarity > 0
print("ok")
"""


def test_tagging_works_with_an_empty_nltk_data_path(tmp_path: Path) -> None:
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = {**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert list(empty.iterdir()) == []
    assert not (tmp_path / "nltk_data" / "corpora").exists()


def test_offline_blob_gives_pattern_sentiment_and_noun_phrases() -> None:
    blob = offline_blob("The court advocate was brilliant")
    assert blob.sentiment.polarity > 0
    assert "court advocate" in blob.noun_phrases
