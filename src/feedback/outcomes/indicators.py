"""The outcome indicators: what each one is, which item it reads, and how it is derived.

One list, read by the outcome report, the quarterly return and its "how each column is
derived" sheet, so a column's figure and its explanation can never drift apart. Items are
the core data set's codes (`surveys/core.yaml`, shared/OUTCOMES.md). Plain data, no SQL.
"""

from __future__ import annotations

from typing import NamedTuple

from feedback.outcomes.families import ABUSE_TYPES

EXIT, JOINT, MATCHED_SHARE, MATCHED_MEAN = "exit", "joint", "matched_share", "matched_mean"
MOJ, MOPAC, SAFELIVES, ONS = (
    "MoJ / PCC",
    "MOPAC-style satisfaction and drivers",
    "SafeLives-aligned safety and abuse",
    "ONS personal wellbeing (ONS4)",
)
AGREE = ("strongly_agree", "agree")
HELPED = ("yes_a_lot", "yes_a_little")
EXIT_BASE = "of everyone who answered the item at exit (prefer not to say included)"
MATCHED_BASE = "of matched pairs who answered the item at both intake and exit"


class IndicatorSpec(NamedTuple):
    code: str
    label: str
    group: str
    kind: str  # EXIT / JOINT share of exit answers; MATCHED_* from the pair families
    source: str  # exit survey core code, or matched family (families.FAMILIES)
    rows: tuple[str, ...]  # the answers or derived rows counted in the numerator
    derivation: str

    @property
    def matched(self) -> bool:
        return self.kind in (MATCHED_SHARE, MATCHED_MEAN)


def _exit(code: str, label: str, group: str, item: str, rows: tuple[str, ...]) -> IndicatorSpec:
    said = " or ".join(f"`{row}`" for row in rows)
    return IndicatorSpec(
        code, label, group, EXIT, item, rows, f"`{item}` answered {said}, {EXIT_BASE}."
    )


def _satisfaction_5(code: str, label: str, rows: tuple[str, ...]) -> IndicatorSpec:
    spec = _exit(code, label, MOPAC, "overall_satisfaction_v2", rows)
    return spec._replace(derivation=f"5-point collapse of the 7-point scale: {spec.derivation}")


def _mean(item: str, label: str, group: str) -> IndicatorSpec:
    return IndicatorSpec(
        f"{item}_change",
        label,
        group,
        MATCHED_MEAN,
        item,
        (),
        f"mean of (exit `{item}` minus intake `{item}`), 0-10 scale, {MATCHED_BASE}.",
    )


def _band(item: str, label: str, row: str, band: str) -> IndicatorSpec:
    return IndicatorSpec(
        f"{item}_{row}",
        label,
        ONS,
        MATCHED_SHARE,
        item,
        (row,),
        f"`{item}` {band}, {MATCHED_BASE}.",
    )


INDICATORS: tuple[IndicatorSpec, ...] = (
    _exit("helped_cope", "Helped to cope", MOJ, "helped_cope", HELPED),
    _exit("helped_recover", "Helped to begin to recover", MOJ, "helped_recover", HELPED),
    IndicatorSpec(
        "cope_and_recover",
        "Helped to cope and to recover",
        MOJ,
        JOINT,
        "_cope_and_recover",
        ("both",),
        "`helped_cope` and `helped_recover` both `yes_a_lot` or `yes_a_little`, of everyone "
        "who answered both at exit (counted together when the response was stored).",
    ),
    _exit(
        "satisfied",
        "Satisfied (completely, very or fairly)",
        MOPAC,
        "overall_satisfaction_v2",
        ("completely_satisfied", "very_satisfied", "fairly_satisfied"),
    ),
    _satisfaction_5(
        "satisfaction_5_very_satisfied",
        "5-point: very satisfied",
        ("completely_satisfied", "very_satisfied"),
    ),
    _satisfaction_5(
        "satisfaction_5_fairly_satisfied", "5-point: fairly satisfied", ("fairly_satisfied",)
    ),
    _satisfaction_5("satisfaction_5_neither", "5-point: neither", ("neither",)),
    _satisfaction_5(
        "satisfaction_5_fairly_dissatisfied",
        "5-point: fairly dissatisfied",
        ("fairly_dissatisfied",),
    ),
    _satisfaction_5(
        "satisfaction_5_very_dissatisfied",
        "5-point: very dissatisfied",
        ("very_dissatisfied", "completely_dissatisfied"),
    ),
    _exit("staff_respect", "Staff treated me with respect", MOPAC, "staff_respect", AGREE),
    _exit(
        "staff_knowledge", "Staff understood and knew how to help", MOPAC, "staff_knowledge", AGREE
    ),
    _exit("staff_humanity", "Staff were kind and did not judge", MOPAC, "staff_humanity", AGREE),
    _exit("staff_kept_informed", "Staff kept me informed", MOPAC, "staff_kept_informed", AGREE),
    _exit(
        "repeat_story",
        "Had to repeat their story more than they wanted",
        MOPAC,
        "repeat_story",
        ("yes_a_little", "yes_a_lot"),
    ),
    _exit(
        "would_recommend",
        "Would recommend the service to a friend",
        MOPAC,
        "would_recommend",
        ("definitely", "probably"),
    ),
    _exit(
        "felt_safer",
        "Felt safer than when they came",
        SAFELIVES,
        "felt_safer_v2",
        ("much_safer", "a_bit_safer"),
    ),
    _mean("safety_now", "Change in feeling safe right now (0-10)", SAFELIVES),
    IndicatorSpec(
        "safety_now_higher",
        "Feel safer right now than at intake",
        SAFELIVES,
        MATCHED_SHARE,
        "safety_now",
        ("higher",),
        f"exit `safety_now` higher than intake `safety_now`, {MATCHED_BASE}.",
    ),
    _mean("freedom_daily_life", "Change in freedom in daily life (0-10)", SAFELIVES),
    *(
        IndicatorSpec(
            f"abuse_stopped_{kind}",
            f"Abuse stopped: {kind.replace('_', ' ')}",
            SAFELIVES,
            MATCHED_SHARE,
            f"abuse_{kind}",
            ("stopped",),
            f"exit `abuse_change_{kind}` = `stopped`, of matched pairs who answered "
            f"`abuse_present_{kind}` = `yes` at intake and gave a change at exit "
            "(prefer not to say excluded).",
        )
        for kind in ABUSE_TYPES
    ),
    _mean("ons_life_satisfaction", "Life satisfaction: change (0-10)", ONS),
    _band(
        "ons_life_satisfaction",
        "Life satisfaction: moved into high (7-10)",
        "into_high",
        "below 7 at intake and 7 or more at exit",
    ),
    _mean("ons_worthwhile", "Worthwhile: change (0-10)", ONS),
    _band(
        "ons_worthwhile",
        "Worthwhile: moved into high (7-10)",
        "into_high",
        "below 7 at intake and 7 or more at exit",
    ),
    _mean("ons_happy_yesterday", "Happiness: change (0-10)", ONS),
    _band(
        "ons_happy_yesterday",
        "Happiness: moved into high (7-10)",
        "into_high",
        "below 7 at intake and 7 or more at exit",
    ),
    _mean("ons_anxious_yesterday", "Anxiety: change (0-10, lower is better)", ONS),
    _band(
        "ons_anxious_yesterday",
        "Anxiety: moved out of high (6-10)",
        "left_high",
        "6 or more at intake and 5 or less at exit",
    ),
)

__all__ = ["EXIT", "INDICATORS", "JOINT", "MATCHED_MEAN", "MATCHED_SHARE", "IndicatorSpec"]
