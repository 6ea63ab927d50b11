"""The themes page (mentions, sentiment split, emerging phrases) and redacted quotes."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from feedback import clock
from feedback.auth.models import AuditEvent
from feedback.auth.schemas import Staff
from feedback.reports.quotes import QUOTES_SHOWN, quote_order
from feedback.reports.schemas import Disclosure, ReportFilter
from feedback.reports.themes import theme_report
from feedback.responses.models import Response
from feedback.settings import Settings
from feedback.surveys.models import Survey
from feedback.themes.models import EmergingPhraseCount, ThemeTag
from tests.auth.pages import sign_in_with_new_two_factor
from tests.factories import PASSWORD, create_staff
from tests.support.reports import SLUG, submit

Client = AsyncTestClient[Litestar]
LEAD = Staff(id=1, email="lead@example.org", role="lead", service_ids=(), two_factor_enabled=True)
PHONE = "07700 900123"


async def _tagged_responses(
    db: AsyncSession, app: Litestar, settings: Settings, tags: list[list[tuple[str, str]]]
) -> list[str]:
    """One real response per entry, its free text naming a phone number, tagged with the
    entry's (theme, sentiment) pairs on `what_helped_most`; earlier responses keep theirs."""
    for number, _ in enumerate(tags):
        await submit(
            db,
            app,
            settings,
            service="Own Service",
            answers={"felt_believed": 5, "what_helped_most": f"my advocate {number}, ring {PHONE}"},
        )
    tagged = select(ThemeTag.response_id)
    ids = list(
        await db.scalars(
            select(Response.id).where(Response.id.not_in(tagged)).order_by(Response.id)
        )
    )
    for response_id, pairs in zip(ids, tags, strict=True):
        for question, (theme, sentiment) in zip(
            ("what_helped_most", "what_should_change"), pairs, strict=False
        ):
            db.add(
                ThemeTag(
                    response_id=response_id,
                    question_id=question,
                    theme_id=theme,
                    source="machine",
                    sentiment=sentiment,
                    polarity=0.0,
                )
            )
    await db.commit()
    return ids


async def test_theme_sentiment_is_split_per_response_and_small_splits_show_c(
    db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    tags = (
        [[("believed", "negative")]] * 6
        + [[("believed", "positive"), ("believed", "negative")]]  # counted once, as negative
        + [[("believed", "positive")]] * 5
        + [[("safety", "negative")], [("safety", "positive")]]
    )
    await _tagged_responses(db, app, settings, tags)
    year = str(clock.now_london().year)
    report = await theme_report(
        db,
        LEAD,
        SLUG,
        filters=ReportFilter(period=year),
        disclosure=Disclosure.from_settings(settings),
    )
    mentions = {line.option: line.shown for line in report.themes}
    assert mentions == {"believed": "12", "safety": "c"}
    split = {line.theme: line for line in report.sentiment}
    assert (split["believed"].negative, split["believed"].positive) == ("7", "5")
    assert (split["believed"].share_negative, split["believed"].share_positive) == ("58%", "42%")
    assert split["safety"].negative == "c" and split["safety"].share_negative == "c"


async def test_a_small_sentiment_count_cannot_be_worked_out_from_the_mentions(
    db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    tags = [[("believed", "negative")]] * 9 + [[("believed", "positive")]] * 2
    await _tagged_responses(db, app, settings, tags)
    year = str(clock.now_london().year)
    report = await theme_report(
        db,
        LEAD,
        SLUG,
        filters=ReportFilter(period=year),
        disclosure=Disclosure.from_settings(settings),
    )
    believed = report.sentiment[0]
    assert believed.positive == "c"
    mentions = report.themes[0].shown
    # 11 mentions - 9 negative would give the 2 away: one more of them is withheld
    assert "c" in (mentions, believed.negative)


async def test_emerging_phrases_are_protected_across_the_years_periods(
    db: AsyncSession, settings: Settings, survey_version_id: int
) -> None:
    survey_id = await db.scalar(select(Survey.id))
    for month, key, count, phrase in (
        ("2026-01", "k1", 9, "waiting room"),
        ("2026-02", "k1", 2, None),
        ("2026-01", "k2", 6, "bus pass"),
        ("2026-03", "k3", 3, None),  # never named: never shown
    ):
        db.add(
            EmergingPhraseCount(
                survey_id=survey_id, month=month, phrase_key=key, responses=count, phrase=phrase
            )
        )
    await db.commit()
    shown: dict[str, dict[str, str]] = {}
    for period in ("2026-Q1", "2026-01", "2026-02"):
        report = await theme_report(
            db,
            LEAD,
            SLUG,
            filters=ReportFilter(period=period),
            disclosure=Disclosure.from_settings(settings),
        )
        shown[period] = {line.phrase: line.shown for line in report.phrases}
    assert "waiting room" not in shown["2026-02"]  # 2 is small
    assert not ("waiting room" in shown["2026-Q1"] and "waiting room" in shown["2026-01"])
    assert shown["2026-01"].get("bus pass") == "6"
    manager = Staff(
        id=2,
        email="m@example.org",
        role="service_manager",
        service_ids=(1,),
        two_factor_enabled=True,
    )
    theirs = await theme_report(
        db,
        manager,
        SLUG,
        filters=ReportFilter(period="2026-01"),
        disclosure=Disclosure.from_settings(settings),
    )
    assert theirs.phrases == [] and "all services" in theirs.phrases_note


async def test_a_lead_reads_the_themes_page_and_redacted_quotes_which_are_audited(
    client: Client, db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    tags = [[("believed", "positive")]] * 6 + [[("safety", "negative")]] * 2
    await _tagged_responses(db, app, settings, tags)
    await create_staff(db, role="lead", email="lead@example.org")
    await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
    year = clock.now_london().year
    page = await client.get(f"/staff/reports/{SLUG}/themes?period={year}")
    assert page.status_code == 200, page.text[:300]
    assert "<svg" in page.text and "<table>" in page.text
    assert f"/staff/reports/{SLUG}/themes/believed/quotes?period={year}" in page.text
    assert "/themes/safety/quotes" not in page.text  # 2 mentions: too few to quote
    quotes = await client.get(f"/staff/reports/{SLUG}/themes/believed/quotes?period={year}")
    assert quotes.status_code == 200, quotes.text[:300]
    assert quotes.text.count("<blockquote>") == QUOTES_SHOWN
    assert "my advocate" in quotes.text and "07700" not in quotes.text
    withheld = await client.get(f"/staff/reports/{SLUG}/themes/safety/quotes?period={year}")
    assert withheld.status_code == 200
    assert "<blockquote>" not in withheld.text and "too small to quote" in withheld.text
    await db.rollback()
    audited = list(
        await db.scalars(select(AuditEvent.target_id).where(AuditEvent.action == "report.quotes"))
    )
    assert audited == [f"{SLUG}/1/believed/{year}/all"]  # the small group opened nothing


async def test_a_group_shows_three_quotes_however_many_mention_it(
    client: Client, db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    await create_staff(db, role="lead", email="lead@example.org")
    await sign_in_with_new_two_factor(client, "lead@example.org", PASSWORD)
    year = clock.now_london().year
    page = f"/staff/reports/{SLUG}/themes/believed/quotes?period={year}"
    shown = []
    for added, mentions in ((6, 6), (5, 11)):  # one quote per mention printed the group size
        await _tagged_responses(db, app, settings, [[("believed", "positive")]] * added)
        quotes = await client.get(page)
        assert quotes.status_code == 200, quotes.text[:300]
        assert f"{mentions} responses mention" in quotes.text
        shown.append(quotes.text.count("<blockquote>"))
    assert shown == [QUOTES_SHOWN, QUOTES_SHOWN]


def test_the_quotes_shown_follow_a_keyed_order_not_the_order_answers_came_in() -> None:
    ids = [f"{n:08d}-0000-4000-8000-000000000000" for n in range(40)]
    first, second = quote_order(ids, bytes(32), "g"), quote_order(ids, bytes([1]) * 32, "g")
    assert sorted(first) == ids and first == quote_order(reversed(ids), bytes(32), "g")
    assert first[:QUOTES_SHOWN] != ids[:QUOTES_SHOWN]
    assert first != second  # another deployment's key, another choice


def test_a_years_quotes_do_not_tell_which_came_from_a_hidden_half() -> None:
    """With one order for every group, a year quote missing from its first half's quotes was
    always from the second half, however small (and hidden) that half was. Each group now has
    its own order, so a first-half answer can be among the year's quotes but not the half's."""
    key = bytes(32)
    for attempt in range(20):  # 20 different data sets: the inference must fail in some
        first_half = [f"{attempt:02d}{n:06d}-0000-4000-8000-000000000000" for n in range(12)]
        second_half = [f"{attempt:02d}{n:06d}-1111-4000-8000-000000000000" for n in range(2)]
        year = quote_order(first_half + second_half, key, f"s/1/believed/{2026 + attempt}/all")
        half = quote_order(first_half, key, f"s/1/believed/{2026 + attempt}-H1/all")
        misleading = set(year[:QUOTES_SHOWN]) & set(first_half) - set(half[:QUOTES_SHOWN])
        if misleading:
            return
    raise AssertionError("every year quote outside the half's quotes came from the hidden half")


async def test_a_service_manager_sees_theme_counts_but_never_quotes(
    client: Client, db: AsyncSession, app: Litestar, settings: Settings, survey_version_id: int
) -> None:
    await _tagged_responses(db, app, settings, [[("believed", "positive")]] * 6)
    await create_staff(db, role="service_manager", email="m@example.org", services=["Own Service"])
    await sign_in_with_new_two_factor(client, "m@example.org", PASSWORD)
    year = clock.now_london().year
    page = await client.get(f"/staff/reports/{SLUG}/themes?period={year}")
    assert page.status_code == 200
    assert "quotes" not in page.text.lower().replace("no response is opened", "")
    refused = await client.get(f"/staff/reports/{SLUG}/themes/believed/quotes?period={year}")
    assert refused.status_code == 403
    await db.rollback()
    assert (
        list(await db.scalars(select(AuditEvent).where(AuditEvent.action == "report.quotes"))) == []
    )
