"""The disclosure rules a report is read under, built from the settings in one place."""

from __future__ import annotations

from pathlib import Path

from feedback.reports.schemas import Disclosure
from feedback.settings import Settings


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        suppression_threshold=7,
        report_rounding="suppress",
        report_max_stale_seconds=120,
    )


def test_pages_may_read_a_release_as_old_as_the_setting_allows(tmp_path: Path) -> None:
    pages = Disclosure.for_pages(_settings(tmp_path))

    assert (pages.threshold, pages.method, pages.max_stale_seconds) == (7, "suppress", 120)


def test_what_is_kept_or_handed_on_reads_current_figures(tmp_path: Path) -> None:
    settings = _settings(tmp_path)

    assert Disclosure.from_settings(settings).max_stale_seconds == 0
    assert Disclosure.for_pages(settings).current() == Disclosure.from_settings(settings)
