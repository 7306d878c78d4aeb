"""DfE rules that bear on bootcamp records and need nothing but the record: codes, repeats, aim references.

Added by the rule audit against DfE's 2025-26 workbook (knowledge/reference/): each
checks what its "error where …" says, on bootcamp aims (FundModel 37 or ProgType 32)
or, where the rule is about an event aim's programme type, on any aim.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from ..ilr.model import Delivery, Learner
from ..ilr.vocabulary import PROGRAMME_AIM_REF, STANDARD_EVENT_AIMS
from ..ilr.years import year_of
from .aim_rules import hit, readable
from .base import Context, Hit, bootcamp_aims, fmt, rule

#: ILR_AimType: 1 programme aim, 3 component aim, 4 not part of a programme, 5 core aim.
AIM_TYPE_CODES = {"1", "3", "4", "5"}
#: LearnDelFAMType_18: FAM types that may occur once on an aim.
ONCE_ONLY_FAMS = ("SOF", "FFI", "EEF", "RES", "ADL", "ACL", "AFL", "ASL", "FLN")
#: ProgType_23 is not triggered by the 'Project S Pilot for Skills Bootcamps' (LDM 396).
PROJECT_S_PILOT = "396"
#: AchDate_09 applies to aims that started after 31 July 2015.
ACHDATE_09_FROM = date(2015, 7, 31)


@rule("AimType_01")
def aimtype_01(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """AimType <> valid lookup on ILR_AimType."""
    for d in bootcamp_aims(learner):
        if d.aim_type is not None and d.aim_type not in AIM_TYPE_CODES:
            yield hit(d, "AimType", f"AimType is {d.aim_type}; valid codes are 1, 3, 4 and 5")


@rule("ProgType_01")
def progtype_01(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """AimType 1 or 3 and ProgType unknown."""
    for d in bootcamp_aims(learner):
        if d.aim_type in {"1", "3"} and d.prog_type is None and readable(d, "ProgType"):
            yield hit(d, "ProgType", f"{d.learn_aim_ref or 'the aim'} is AimType {d.aim_type} but has no ProgType")


@rule("ProgType_23")
def progtype_23(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """LearnAimRef Z0059747/8/9 and ProgType <> 32 or not returned; not LDM 396 (Project S pilot)."""
    for d in learner.deliveries:
        if (d.learn_aim_ref or "").upper() not in STANDARD_EVENT_AIMS or not readable(d, "ProgType"):
            continue
        if any(f.code == PROJECT_S_PILOT for f in d.fams_of("LDM")):
            continue
        if d.prog_type != "32":
            yield hit(d, "ProgType", f"event aim {d.learn_aim_ref} has ProgType {fmt(d.prog_type)}, not 32")


@rule("LearnAimRef_30")
def learnaimref_30(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """ZPROG001 with an AimType other than 1.

    The description adds "any other combination of these two values is invalid", which could also
    mean an AimType 1 aim with another reference; DfE's own flowchart (2024-25 page) triggers only on
    ZPROG001 recorded as something other than a programme aim, and that is what is checked here.
    """
    for d in bootcamp_aims(learner):
        if not readable(d, "LearnAimRef", "AimType") or d.aim_type is None or d.learn_aim_ref is None:
            continue
        if d.learn_aim_ref.upper() == PROGRAMME_AIM_REF and d.aim_type != "1":
            yield hit(d, "AimType", f"ZPROG001 has AimType {d.aim_type}; it is only valid as a programme aim (AimType 1)")


@rule("LearnDelFAMType_18")
def learndelfamtype_18(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """SOF, FFI, EEF, RES, ADL, ACL, AFL, ASL or FLN with occurrence > 1 on one aim."""
    for d in bootcamp_aims(learner):
        for fam_type in ONCE_ONLY_FAMS:
            found = d.fams_of(fam_type)
            if len(found) > 1:
                codes = ", ".join(fmt(f.code) for f in found)
                yield hit(d, "LearningDeliveryFAM", f"{len(found)} {fam_type} FAMs on one aim ({codes})", fam_type)


# -- rules that exclude Skills Bootcamps: only an aim with FundModel 37 *and* ProgType 32 is excluded ----------
# They are `exempt` in knowledge/rules.yaml (they never fire on a bootcamp aim, and advice never cites them);
# on an aim with only one of the two codes (itself an error, FundModel_16 or ProgType_21) DfE's rule still
# fires, and so does the check.

def _half_bootcamp_aims(learner: Learner) -> Iterable[Delivery]:
    for d in bootcamp_aims(learner):
        if not (d.fund_model == "37" and d.prog_type == "32") and readable(d, "FundModel", "ProgType"):
            yield d


def _not_excluded(d: Delivery) -> str:
    return f"FundModel {fmt(d.fund_model)} with ProgType {fmt(d.prog_type)} is not excluded as a Skills Bootcamp: "


@rule("CompStatus_05")
def compstatus_05(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """CompStatus = 1 and Outcome returned."""
    for d in _half_bootcamp_aims(learner):
        if d.comp_status == "1" and d.outcome is not None:
            yield hit(d, "Outcome", _not_excluded(d) + f"CompStatus is 1 (continuing) and Outcome is {d.outcome}")


@rule("CompStatus_06")
def compstatus_06(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """CompStatus = 3 or 6 and Outcome = 1 or 8."""
    for d in _half_bootcamp_aims(learner):
        if d.comp_status in {"3", "6"} and d.outcome in {"1", "8"}:
            yield hit(d, "Outcome", _not_excluded(d) + f"CompStatus is {d.comp_status} and Outcome is {d.outcome}")


@rule("Outcome_05")
def outcome_05(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """Outcome = 1 and LearnActEndDate unknown."""
    for d in _half_bootcamp_aims(learner):
        if d.outcome == "1" and d.learn_act_end_date is None and readable(d, "LearnActEndDate"):
            yield hit(d, "LearnActEndDate", _not_excluded(d) + "Outcome is 1 but LearnActEndDate is empty")


@rule("Outcome_09")
def outcome_09(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """Outcome = 8 and CompStatus <> 2."""
    for d in _half_bootcamp_aims(learner):
        if d.outcome == "8" and d.comp_status is not None and d.comp_status != "2":
            yield hit(d, "CompStatus", _not_excluded(d) + f"Outcome is 8 but CompStatus is {d.comp_status}, not 2")


@rule("AchDate_03")
def achdate_03(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """AchDate < LearnStartDate."""
    for d in _half_bootcamp_aims(learner):
        if d.ach_date and d.learn_start_date and d.ach_date < d.learn_start_date:
            yield hit(d, "AchDate", _not_excluded(d) + f"AchDate {fmt(d.ach_date)} is before LearnStartDate "
                                                       f"{fmt(d.learn_start_date)}")


@rule("AchDate_04")
def achdate_04(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """AchDate known and LearnActEndDate unknown."""
    for d in _half_bootcamp_aims(learner):
        if d.ach_date and d.learn_act_end_date is None and readable(d, "LearnActEndDate"):
            yield hit(d, "LearnActEndDate", _not_excluded(d) + f"AchDate is {fmt(d.ach_date)} but LearnActEndDate is empty")


@rule("AchDate_05")
def achdate_05(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """AchDate < LearnActEndDate."""
    for d in _half_bootcamp_aims(learner):
        if d.ach_date and d.learn_act_end_date and d.ach_date < d.learn_act_end_date:
            yield hit(d, "AchDate", _not_excluded(d) + f"AchDate {fmt(d.ach_date)} is before LearnActEndDate "
                                                       f"{fmt(d.learn_act_end_date)}")


@rule("AchDate_09")
def achdate_09(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """LearnStartDate > 2015-07-31 and AchDate known (trailblazer standard programme aims excluded too)."""
    for d in _half_bootcamp_aims(learner):
        trailblazer = d.aim_type == "1" and d.prog_type == "25" and d.fund_model in {"81", "36"}
        if d.ach_date and d.learn_start_date and d.learn_start_date > ACHDATE_09_FROM and not trailblazer:
            yield hit(d, "AchDate", _not_excluded(d) + f"AchDate {fmt(d.ach_date)} is returned")


# -- R_124: overlapping programme aims, by DD36 (the effective end date of a programme) ----------------------

#: DD36 "Otherwise use 31/12/2099".
DD36_OPEN = date(2099, 12, 31)
#: For ProgType 32 with both an end date and an AchDate, DD36 v6 (2024-25) can be read either way.
DD36_READING = ("DD36 (version 6) lists both 'ProgType <> 25 and LearnActEndDate known: use LearnActEndDate' and "
                "'ProgType = 32 and AchDate known: use AchDate', and this overlap exists under one of the two only: "
                "our reading.")


def dd36(d: Delivery, ctx: Context) -> tuple[date, date | None]:
    """A programme aim's effective end date (DD36), and the other date a reading could give (ProgType 32 only).

    DD36 v6 (2024-25): ProgType <> 25 with LearnActEndDate → LearnActEndDate; ProgType 25 → AchDate if known,
    else LearnActEndDate; ProgType 32 with AchDate → AchDate; otherwise 31/12/2099. Before 2024-25 the
    ProgType 32 clause was not there (the v6 change summary: "update to the rule to include progtype 32").
    """
    end, ach = d.learn_act_end_date, d.ach_date
    if d.prog_type == "25":
        return (ach or end or DD36_OPEN), None
    bootcamp_clause = d.prog_type == "32" and ach is not None and ctx.year_at_least(year_of(ctx.date("dd36_pt32_from")))
    if end is not None:
        return end, (ach if bootcamp_clause and ach != end else None)
    if bootcamp_clause and ach is not None:
        return ach, None
    return DD36_OPEN, None


@rule("R_124")
def r_124(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """A programme aim starting between another programme aim's start and its DD36 (inclusive: DfE's guidance asks
    for "at least one day difference between the end of one programme and the start of a new programme aim")."""
    progs = [d for d in learner.deliveries if d.is_programme_aim and d.learn_start_date is not None
             and readable(d, "LearnStartDate", "LearnActEndDate", "AchDate", "ProgType", "AimType")]
    for b in progs:
        for a in progs:
            if a is b or not (a.is_bootcamp or b.is_bootcamp):
                continue
            start_b, start_a = b.learn_start_date, a.learn_start_date
            assert start_a is not None and start_b is not None  # filtered above
            ends = [e for e in dd36(a, ctx) if e is not None]
            within = [e for e in ends if start_a <= start_b <= e]
            if within:
                end = max(within)
                yield hit(b, "LearnStartDate", f"{b.label()} starts {fmt(start_b)}, within {a.label()} "
                                               f"({fmt(start_a)} to {fmt(end) if end != DD36_OPEN else 'open'})",
                          reading=None if len(within) == len(ends) else DD36_READING)
                break
