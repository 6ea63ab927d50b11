"""Background jobs of the reports domain: keep stored releases current off the request path.

A plain `async def job(ctx)` run by the arq worker's cron or the in-process queue's
`run_every`, with the same ctx (feedback.queue.job_context).
"""

from __future__ import annotations

from typing import Any

from feedback.reports.refresh import refresh_stale_releases

__all__ = ["refresh_report_releases"]


async def refresh_report_releases(ctx: dict[str, Any]) -> int:
    """Recompute the stored releases behind their data (see `reports.refresh`), within half
    the job timeout; returns how many were refreshed."""
    settings = ctx["settings"]
    async with ctx["sessions"]() as session:
        outcome = await refresh_stale_releases(
            session,
            threshold=settings.suppression_threshold,
            method=settings.report_rounding,
            budget_seconds=settings.job_timeout_seconds / 2,
        )
    return outcome.refreshed
