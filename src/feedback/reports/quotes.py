"""Redacted quotes for one theme: lead and analyst only, a fixed number of them or none.

One quote per mention made the list an exact count (6 quotes for a theme in a year and 5 in
its first half give 1 in the second, though both counts show as "5"). So a group shows
exactly QUOTES_SHOWN quotes or none: none when the theme's protected count for the group
is hidden (`c`), or when fewer than QUOTES_SHOWN of its answers can still be opened. The
ones shown come first in an order keyed by a secret (a keyed hash of the group and the
response id under a key derived from the master key), so the choice reveals neither the order
answers came in nor how many there are. The group is part of the hash because one order for
every group let nested groups be subtracted: a year's first three that are not its first
half's first three would all be from the second half, even when that half's count is `c`.
A view that opens responses is audit-logged first; words are redacted before they leave.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date

import msgspec
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback.auth.audit import record_audit
from feedback.auth.schemas import Staff
from feedback.crypto.errors import PeriodKeyDestroyed
from feedback.crypto.master import MasterKeys, derive_key
from feedback.errors import Forbidden, NotFound
from feedback.reports import service
from feedback.reports.periods import ReportPeriod
from feedback.reports.release import Slice
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.themes import theme_labels, theme_report
from feedback.responses.models import Response
from feedback.themes.models import ThemeTag
from feedback.themes.opening import open_response
from feedback.themes.redaction import redact

QUOTES_SHOWN = 3
QUOTE_ORDER_PURPOSE = "quote-order"
SHOWN_NOTE = (
    f"{QUOTES_SHOWN} of them are shown whatever the size of the group, chosen in a fixed "
    "order that says nothing about when they were written."
)
TOO_SMALL_TO_QUOTE = (
    "No quotes are shown: this group is too small to quote without risking identifying someone."
)
TOO_FEW_OPENABLE = (
    "No quotes are shown: too few of these answers can still be opened (their period's key "
    "was destroyed) to show the usual number."
)


class ThemeQuotes(msgspec.Struct, frozen=True):
    survey: str
    theme: str
    label: str
    period: str
    narrowed_by: str
    mentions: str  # the theme's protected count for the group, never the number of quotes
    quotes: list[str]  # exactly QUOTES_SHOWN, or none
    note: str = ""  # how the quotes shown were chosen, when some are
    withheld: str = ""  # why none is shown, when none is


def quote_order(response_ids: Iterable[str], master_key: bytes, group: str) -> list[str]:
    """Response ids in an order keyed by a secret and the group quoted (survey, theme, period,
    narrowing): stable for a given key and group, unrelated to when each answer came in, and
    unrelated between groups, so neither the first few nor how two groups' first few overlap
    say anything about who is in which group."""
    key = derive_key(master_key, QUOTE_ORDER_PURPOSE)
    prefix = group.encode() + b"\0"  # no group name holds a NUL, so no two groups collide
    # Keyed BLAKE2b is a MAC and costs under half of HMAC-SHA256 per id (measured): a year's
    # theme can hold tens of thousands of responses.
    return sorted(
        response_ids,
        key=lambda id_: hashlib.blake2b(prefix + id_.encode(), key=key, digest_size=16).digest(),
    )


async def theme_quotes(
    session: AsyncSession,
    staff: Staff,
    slug: str,
    theme: str,
    *,
    filters: ReportFilter,
    disclosure: Disclosure,
    master_keys: MasterKeys,
) -> ThemeQuotes:
    """QUOTES_SHOWN redacted answers tagged with `theme` in the period and group, or none
    (see the module), for lead and analyst only."""
    if not staff.may_read_quotes:
        raise Forbidden("quotes are for the lead and analysts only")
    # Current figures, as exports read: the gate below decides on this count.
    report = await theme_report(
        session, staff, slug, filters=filters, disclosure=disclosure.current()
    )
    line = next((line for line in report.themes if line.option == theme), None)
    if line is None:
        raise NotFound(f"no response in {report.period} mentions it", field="theme", value=theme)
    version = service._choose(await service._versions(session, slug), filters.version)
    period, slice_ = await service._check_filters(session, staff, filters)
    quoted = ThemeQuotes(
        survey=slug,
        theme=theme,
        label=theme_labels().get(theme, theme),
        period=period.name,
        narrowed_by=report.narrowed_by,
        mentions=line.shown,
        quotes=[],
    )
    # A hidden count means a small group: a quote from a group of two is nearly a name.
    if line.count is None or line.count < disclosure.threshold:
        return msgspec.structs.replace(quoted, withheld=TOO_SMALL_TO_QUOTE)
    tagged = dict((await session.execute(_tagged(staff, version.id, theme, period, slice_))).all())
    group = f"{slug}/{version.number}/{theme}/{period.name}/{report.narrowed_by}"
    record_audit(
        session,
        "report.quotes",
        actor_id=staff.id,
        target_type="theme_quotes",
        target_id=group[:64],
    )
    await session.commit()
    order = quote_order(tagged, master_keys.current, group)
    quotes = await _first_quotes(session, order, tagged, master_keys=master_keys)
    if len(quotes) < QUOTES_SHOWN:
        return msgspec.structs.replace(quoted, withheld=TOO_FEW_OPENABLE)
    return msgspec.structs.replace(quoted, quotes=quotes, note=SHOWN_NOTE)


async def _first_quotes(
    session: AsyncSession,
    order: Sequence[str],
    question_of: dict[str, str],
    *,
    master_keys: MasterKeys,
) -> list[str]:
    """The redacted texts of the first QUOTES_SHOWN answers in `order` that can be opened."""
    quotes: list[str] = []
    for response_id in order:
        try:
            opened = await open_response(session, response_id, master_keys=master_keys)
        except PeriodKeyDestroyed:
            continue  # retention: those words are gone for good
        text = opened.free_texts.get(question_of[response_id])
        if text:
            quotes.append(redact(text))
            if len(quotes) == QUOTES_SHOWN:
                break
    return quotes


def _tagged(
    staff: Staff, version_id: int, theme: str, period: ReportPeriod, slice_: Slice
) -> Select[str, str]:
    """(response, first question tagged) for each response mentioning `theme` in the
    period and slice, within the caller's services."""
    months = period.month_keys()
    (first_year, first), (last_year, last) = months[0], months[-1]
    end = date(last_year + 1, 1, 1) if last == 12 else date(last_year, last + 1, 1)
    query = (
        select(ThemeTag.response_id, func.min(ThemeTag.question_id))
        .join(Response, Response.id == ThemeTag.response_id)
        .where(
            ThemeTag.theme_id == theme,
            ThemeTag.decision != "removed",
            Response.survey_version_id == version_id,
            Response.submitted_on >= date(first_year, first, 1),
            Response.submitted_on < end,
        )
        .group_by(ThemeTag.response_id)
    )
    scope = staff.service_scope()
    if scope is not None:
        query = query.where(Response.service_id.in_(scope))
    axis, value = slice_
    if axis == "service":
        query = query.where(Response.service_id == int(value))
    elif axis == "borough":
        query = query.where(Response.borough == value)
    elif axis == "channel":
        query = query.where(Response.channel == value)
    return query


__all__ = ["QUOTES_SHOWN", "ThemeQuotes", "quote_order", "theme_quotes"]
