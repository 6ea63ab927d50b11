"""What reports keep: per counter cell a data generation and a response count, and each
protected release.

`report_cells` is kept by database triggers (migration 0010) on `responses` and
`answer_counts`, whichever code path writes them. `responses` counts the responses of the
cell exactly (plus one per insert, minus one per delete), so reports never scan the
responses table. `generation` grows on every write to the cell's responses or counters, and
`report_tag_cells.generation` on every write to their theme tags (on PostgreSQL at most
once per transaction, which is all a version needs); rows are never deleted, so the sum
over a scope's cells changes whenever that scope's data does.

`report_releases` caches one protected family (every figure one scope may request for a
survey version and year, already suppressed: answers, or theme mentions) with the
generation it was computed from; one whose generation is behind is recomputed, by the
refresh job or on the request, unless pages may show it labelled "Figures as of" because it is
younger than FEEDBACK_REPORT_MAX_STALE_SECONDS (reports/refresh.py). The scope is part of the
key, so no person is ever served figures protected for someone else's services.

`report_spans` lists the runs of months a report may be cut by besides calendar periods:
one per consultation round and pinned survey version (`reports.spans`). They are part of
the protected family, so a round's summary and the month reports are protected together.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from feedback.db.base import Base

__all__ = ["ReportCell", "ReportRelease", "ReportSpan", "ReportTagCell"]


class ReportCell(Base):
    __tablename__ = "report_cells"

    survey_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    borough: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=1)
    responses: Mapped[int] = mapped_column(Integer, default=0)


class ReportTagCell(Base):
    """The theme tags' generation per cell, apart from `report_cells` so that a tag change
    and a counter change in one transaction can never hide each other's bump."""

    __tablename__ = "report_tag_cells"

    survey_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    borough: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=1)


class ReportRelease(Base):
    __tablename__ = "report_releases"

    survey_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # answers | themes
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the scope
    threshold: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(10), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)
    figures: Mapped[bytes] = mapped_column(LargeBinary)


class ReportSpan(Base):
    """A round's months for one survey version (`YYYY-MM` to `YYYY-MM`, inclusive)."""

    __tablename__ = "report_spans"

    survey_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    last_month: Mapped[str] = mapped_column(String(7), primary_key=True)
