"""Checks on one aim at a time (the "Learning Delivery Rules" sheet).

Only bootcamp aims (FundModel 37 or ProgType 32) are checked: this is a
bootcamp tool. Rules that exclude Skills Bootcamps are `exempt` in
`knowledge/rules.yaml` (so that `explain` can say so); their checks, in
record_rules.py, fire only on an aim with one of FundModel 37 / ProgType 32
but not both, which DfE's exclusion does not cover.
"""

from __future__ import annotations

from typing import Iterable

from ..ilr.model import Delivery, Learner
from ..ilr.schema import CONSEQUENCE
from ..ilr.schema import Kind as IssueKind
from ..ilr.vocabulary import HGV_EVENT_AIMS, STANDARD_EVENT_AIMS
from ..ilr.years import year_end, year_of
from .base import Check, Context, Hit, bootcamp_aims, fmt, rule

#: (AimSeqNumber, element): where a value was unreadable or rejected.
Place = tuple[int | None, str]

COMP_STATUS_CODES = {"1", "2", "3", "6"}
OUTCOME_CODES = {"1", "2", "3", "8"}
MANDATORY = ("LearnAimRef", "AimType", "AimSeqNumber", "LearnStartDate", "LearnPlanEndDate", "FundModel", "CompStatus")
EVENT_DATES = ("LearnStartDate", "LearnPlanEndDate", "LearnActEndDate")


def readable(d: Delivery, *fields: str) -> bool:
    """True when none of the fields holds an unreadable value (reported by Schema)."""
    problems = d.problems
    if not problems:  # nearly every aim: no generator, no any()
        return True
    for f in fields:
        if f in problems:
            return False
    return True


def hit(d: Delivery, field: str | None, detail: str, fam_type: str | None = None, reading: str | None = None) -> Hit:
    return Hit(d.seq if readable(d, "AimSeqNumber") else None, field, detail, d.con_ref_number, fam_type, reading)


# -- field definition -------------------------------------------------------

@rule("Schema")
def schema(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """Values the reader could not read, and what the year's XSD rejects as written (ilr/schema.py)."""
    unreadable: set[Place] = set()
    # Where the XSD rejects the same value, say what that means for the file.
    rejected = {(i.aim_seq, i.element) for i in learner.schema_issues if i.kind == "xsd"}

    def said(seq: int | None, name: str, why: str) -> str:
        return f"{why}: {CONSEQUENCE}" if (seq, name) in rejected else why

    for name, why in learner.problems.items():
        unreadable.add((None, name))
        yield Hit(None, name, said(None, name, why))
    for d in bootcamp_aims(learner):
        for name, why in d.problems.items():
            seq = d.seq if readable(d, "AimSeqNumber") else None
            unreadable.add((seq, name))
            yield hit(d, name, said(seq, name, why))
        said_no_code = any(i.aim_seq == d.seq and i.kind == "xsd" and "LearnDelFAMCode" in i.constraint
                           for i in learner.schema_issues)
        for fam in d.fams:
            for name, why in fam.problems.items():
                unreadable.add((d.seq, name))
                yield hit(d, name, f"{fam.type or 'FAM'}: {why}", fam.type or None)
            if fam.type and fam.code is None and "LearnDelFAMCode" not in fam.problems and not said_no_code:
                # the XSD requires a code in every FAM; a pasted snippet is not checked for missing elements
                # (it is often cut down), but a FAM is never cut down to its type on purpose
                yield hit(d, "LearnDelFAMCode", f"{fam.type}: a required element is missing: LearnDelFAMCode: "
                          f"{CONSEQUENCE}", fam.type)
    yield from _issues(learner, "xsd", unreadable)


def _issues(learner: Learner, kind: IssueKind, skip: set[Place]) -> Iterable[Hit]:
    aims = {d.seq: d for d in learner.deliveries if readable(d, "AimSeqNumber")}
    for issue in learner.schema_issues:
        if issue.kind != kind or (issue.aim_seq, issue.element) in skip:
            continue
        d = aims.get(issue.aim_seq)
        if issue.aim_seq is not None and (d is None or not d.is_bootcamp):
            continue
        yield Hit(issue.aim_seq, issue.element, issue.detail(), d.con_ref_number if d else None, issue.fam_type)


@rule("Normalised")
def normalised(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """Spaces or lower case the XSD accepts but this tool read past: said, and fixed, never silent."""
    yield from _issues(learner, "normalised", set())


def _mandatory(field: str) -> Check:
    def check(learner: Learner, ctx: Context) -> Iterable[Hit]:
        for d in bootcamp_aims(learner):
            if readable(d, field) and d.get(field) is None:
                yield hit(d, field, f"{field} is missing")
    check.__name__ = f"fd_{field}_ma"
    return check


for _field in MANDATORY:
    rule(f"FD_{_field}_MA")(_mandatory(_field))


# -- completion status and outcome -------------------------------------------

@rule("AimSeqNumber_02", needs_learner_details=True)  # a pasted handful of aims is often cut down
def aimseqnumber_02(learner: Learner, ctx: Context) -> Iterable[Hit]:
    count = len(learner.deliveries)
    for d in learner.deliveries:
        if d.seq is not None and readable(d, "AimSeqNumber") and d.seq > count:
            yield hit(d, "AimSeqNumber", f"AimSeqNumber {d.seq} on {d.learn_aim_ref}, but the learner has {count} aims")


@rule("CompStatus_01")
def compstatus_01(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.comp_status is not None and d.comp_status not in COMP_STATUS_CODES:
            yield hit(d, "CompStatus", f"CompStatus is {d.comp_status}; valid codes are 1, 2, 3 and 6")


@rule("CompStatus_02")
def compstatus_02(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if readable(d, "LearnActEndDate") and d.learn_act_end_date is not None and d.comp_status == "1":
            yield hit(d, "LearnActEndDate", f"CompStatus is 1 (continuing) but LearnActEndDate is {fmt(d.learn_act_end_date)}")


@rule("CompStatus_03")
def compstatus_03(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if (readable(d, "LearnActEndDate", "CompStatus") and d.learn_act_end_date is None
                and d.comp_status is not None and d.comp_status != "1"):
            yield hit(d, "LearnActEndDate", f"CompStatus is {d.comp_status} but LearnActEndDate is empty")


@rule("CompStatus_04")
def compstatus_04(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if (readable(d, "Outcome", "CompStatus") and d.outcome is None
                and d.comp_status is not None and d.comp_status != "1"):
            yield hit(d, "Outcome", f"CompStatus is {d.comp_status} but no Outcome is recorded")


@rule("CompStatus_08")
def compstatus_08(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if (d.is_programme_aim and d.fund_model == "37" and d.prog_type == "32"
                and d.ach_date is not None and readable(d, "CompStatus") and d.comp_status != "2"):
            yield hit(d, "CompStatus", f"AchDate is {fmt(d.ach_date)} but CompStatus is {fmt(d.comp_status)}, not 2")


@rule("CompStatus_09")
def compstatus_09(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if (d.learn_aim_ref or "").upper() in STANDARD_EVENT_AIMS and readable(d, "CompStatus") and d.comp_status != "2":
            yield hit(d, "CompStatus", f"event aim {d.learn_aim_ref} has CompStatus {fmt(d.comp_status)}, not 2")


@rule("Outcome_01")
def outcome_01(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.outcome is not None and d.outcome not in OUTCOME_CODES:
            yield hit(d, "Outcome", f"Outcome is {d.outcome}; valid codes are 1, 2, 3 and 8")


@rule("Outcome_04")
def outcome_04(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.ach_date is not None and readable(d, "Outcome") and d.outcome != "1":
            yield hit(d, "AchDate", f"AchDate is {fmt(d.ach_date)} but Outcome is {fmt(d.outcome)}, not 1")


@rule("Outcome_10")
def outcome_10(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.outcome == "3" and d.comp_status == "1":
            yield hit(d, "Outcome", "Outcome is 3 (no achievement) but CompStatus is 1 (continuing)")


@rule("Outcome_11")
def outcome_11(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """Bootcamps (FundModel 37 *and* ProgType 32) are excluded from 2025-26; before that the forum shows it
    firing on them. The exclusion needs both codes: an aim with only one of them is still checked."""
    excluded = ctx.excludes_bootcamps("Outcome_11")
    for d in bootcamp_aims(learner):
        if excluded and d.fund_model == "37" and d.prog_type == "32":
            continue
        if d.outcome is not None and readable(d, "LearnActEndDate") and d.learn_act_end_date is None:
            yield hit(d, "Outcome", f"Outcome is {d.outcome} but LearnActEndDate is empty")


@rule("Outcome_12")
def outcome_12(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.learn_act_end_date is not None and readable(d, "Outcome") and d.outcome is None:
            yield hit(d, "Outcome", f"LearnActEndDate is {fmt(d.learn_act_end_date)} but no Outcome is recorded")


# -- dates ------------------------------------------------------------------

@rule("AchDate_02")
def achdate_02(learner: Learner, ctx: Context) -> Iterable[Hit]:
    end = year_end(ctx.year)
    for d in bootcamp_aims(learner):
        if d.ach_date is not None and d.ach_date > end:
            yield hit(d, "AchDate", f"AchDate {fmt(d.ach_date)} is after the end of the {ctx.year} teaching year ({fmt(end)})")


@rule("AchDate_07")
def achdate_07(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.ach_date is not None and d.ach_date > ctx.as_of:
            yield hit(d, "AchDate", f"AchDate {fmt(d.ach_date)} is after the file preparation date {fmt(ctx.as_of)}")


@rule("AchDate_13")
def achdate_13(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.is_programme_aim and d.prog_type == "32" and d.ach_date and d.learn_act_end_date:
            limit = ctx.add_six_months(d.learn_act_end_date)
            if d.ach_date > limit:
                yield hit(d, "AchDate", f"AchDate {fmt(d.ach_date)} is more than six months after "
                                        f"LearnActEndDate {fmt(d.learn_act_end_date)} (latest allowed {fmt(limit)})")


@rule("LearnActEndDate_01")
def learnactenddate_01(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.learn_act_end_date and d.learn_start_date and d.learn_act_end_date < d.learn_start_date:
            yield hit(d, "LearnActEndDate", f"LearnActEndDate {fmt(d.learn_act_end_date)} is before LearnStartDate {fmt(d.learn_start_date)}")


@rule("LearnActEndDate_04")
def learnactenddate_04(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.learn_act_end_date and d.learn_act_end_date > ctx.as_of:
            yield hit(d, "LearnActEndDate", f"LearnActEndDate {fmt(d.learn_act_end_date)} is after the file preparation date {fmt(ctx.as_of)}")


@rule("LearnPlanEndDate_02")
def learnplanenddate_02(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.learn_plan_end_date and d.learn_start_date and d.learn_plan_end_date < d.learn_start_date:
            yield hit(d, "LearnPlanEndDate", f"LearnPlanEndDate {fmt(d.learn_plan_end_date)} is before LearnStartDate {fmt(d.learn_start_date)}")


@rule("LearnStartDate_21")
def learnstartdate_21(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.fund_model == "37" and d.learn_start_date and d.learn_start_date < ctx.date("fm37_first_start"):
            yield hit(d, "LearnStartDate", f"LearnStartDate {fmt(d.learn_start_date)} is before 1 August 2022")


# -- withdrawal ---------------------------------------------------------------

@rule("WithdrawReason_03")
def withdrawreason_03(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.comp_status == "3" and readable(d, "WithdrawReason") and d.withdraw_reason is None:
            yield hit(d, "WithdrawReason", "CompStatus is 3 (withdrawn) but no WithdrawReason is recorded")


@rule("WithdrawReason_04")
def withdrawreason_04(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.comp_status in {"1", "2", "6"} and d.withdraw_reason is not None:
            yield hit(d, "WithdrawReason", f"WithdrawReason {d.withdraw_reason} is recorded but CompStatus is {d.comp_status}")


# -- event aims ---------------------------------------------------------------

def _dates_differ(d: Delivery) -> bool:
    if not readable(d, *EVENT_DATES):
        return False
    values = {d.learn_start_date, d.learn_plan_end_date, d.learn_act_end_date}
    return len(values) != 1 or None in values


#: LearnAimRef_126/154 compare "LearnStartDate <> LearnPlanEndDate <> LearnActEndDate": whether an absent date
#: makes them differ is not settled by that wording. The PSM records event aims "with all three date fields
#: completed", so an absent date is reported, graded as our reading.
EMPTY_EVENT_DATE = ("DfE's condition compares the three dates and does not say what an absent date does; reporting "
                    "it follows the PSM (event aims are recorded with all three dates completed): our reading.")


def _event_hit(d: Delivery) -> Hit:
    empty = None in (d.learn_start_date, d.learn_plan_end_date, d.learn_act_end_date)
    return hit(d, "LearnActEndDate", _event_dates_detail(d), reading=EMPTY_EVENT_DATE if empty else None)


def _event_dates_detail(d: Delivery) -> str:
    return (f"{d.learn_aim_ref}: LearnStartDate {fmt(d.learn_start_date)}, LearnPlanEndDate "
            f"{fmt(d.learn_plan_end_date)}, LearnActEndDate {fmt(d.learn_act_end_date)}")


@rule("LearnAimRef_126")
def learnaimref_126(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if (d.learn_aim_ref or "").upper() in STANDARD_EVENT_AIMS and _dates_differ(d):
            yield _event_hit(d)


@rule("LearnAimRef_154")
def learnaimref_154(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if ((d.learn_aim_ref or "").upper() in HGV_EVENT_AIMS and d.prog_type == "32"
                and d.learn_start_date and d.learn_start_date >= ctx.date("hgv_and_r149_from") and _dates_differ(d)):
            yield _event_hit(d)


# -- funding model, programme type, FAMs ---------------------------------------

@rule("FundModel_16")
def fundmodel_16(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.fund_model == "37" and readable(d, "ProgType") and d.prog_type != "32":
            yield hit(d, "ProgType", f"FundModel is 37 but ProgType is {fmt(d.prog_type)}, not 32")


@rule("ProgType_21")
def progtype_21(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.prog_type == "32" and readable(d, "FundModel") and d.fund_model != "37":
            yield hit(d, "FundModel", f"ProgType is 32 but FundModel is {fmt(d.fund_model)}, not 37")


#: AddHours_02: "For Community Learning, 16-19, Other 16-19, Skills Bootcamps or Non-funded provision
#: (FundModel = 25, 82, 10, 37 or 99)" (2025-26 workbook).
NO_ADDHOURS_FUND_MODELS = {"25", "82", "10", "37", "99"}


@rule("AddHours_02")
def addhours_02(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.fund_model in NO_ADDHOURS_FUND_MODELS and d.add_hours is not None:
            yield hit(d, "AddHours", f"AddHours {d.add_hours} is recorded on a FundModel {d.fund_model} aim")


#: LearnDelFAMType_01: "The Source of funding must be returned for all funding models (FundModel = 25, 82, 35,
#: 36, 37, 81, 10, 11, 38)" (2025-26 workbook): a ProgType 32 aim coded with another of these still needs one.
SOF_FUND_MODELS = {"25", "82", "35", "36", "37", "81", "10", "11", "38"}


@rule("LearnDelFAMType_01")
def learndelfamtype_01(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.fund_model in SOF_FUND_MODELS and not d.fams_of("SOF"):
            yield hit(d, "LearningDeliveryFAM", "no SOF (source of funding) FAM is recorded", "SOF")


@rule("LearnDelFAMType_111")
def learndelfamtype_111(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.prog_type == "32" and not d.fams_of("FFI"):
            yield hit(d, "LearningDeliveryFAM", "no FFI (full or co-funding indicator) FAM is recorded", "FFI")


@rule("LearnDelFAMType_112")
def learndelfamtype_112(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        if d.prog_type == "32":
            for fam in d.fams_of("SOF"):
                if fam.code != "105":
                    yield hit(d, "LearningDeliveryFAM", f"SOF is {fmt(fam.code)}, not 105", "SOF")


@rule("LearnDelFAMType_22")
def learndelfamtype_22(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        # An absent or unreadable FundModel is reported by FD_FundModel_MA or Schema, not here.
        if d.fund_model is not None and d.fund_model not in {"35", "37", "38", "81", "11", "10"} and d.fams_of("FFI"):
            yield hit(d, "LearningDeliveryFAM", f"FFI is recorded on a FundModel {fmt(d.fund_model)} aim", "FFI")


@rule("LearnDelFAMType_132")
def learndelfamtype_132(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in learner.deliveries:
        if d.fams_of("EVI") and readable(d, "ProgType") and d.prog_type != "32":
            yield hit(d, "LearningDeliveryFAM", f"EVI is recorded on an aim with ProgType {fmt(d.prog_type)}", "EVI")


@rule("LearnDelFAMType_133")
def learndelfamtype_133(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in learner.deliveries:
        if d.fams_of("EVI") and readable(d, "AimType") and d.aim_type != "1":
            yield hit(d, "LearningDeliveryFAM", f"EVI is recorded on {d.learn_aim_ref} (AimType {fmt(d.aim_type)}), not the programme aim", "EVI")


DATE_FROM_ALLOWED = {"LSF", "ACT", "ALB", "EVI"}
DATE_TO_ALLOWED = {"LSF", "ACT", "ALB"}


@rule("LearnDelFAMDateFrom_03")
def learndelfamdatefrom_03(learner: Learner, ctx: Context) -> Iterable[Hit]:
    # EVI (and its date) exists from the teaching year of the EVI cut-over (LearnDelFAMDateFrom_03 v2).
    allowed = DATE_FROM_ALLOWED if ctx.year_at_least(year_of(ctx.date("evi_cutover"))) else DATE_TO_ALLOWED
    for d in bootcamp_aims(learner):
        for fam in d.fams:
            if fam.date_from is not None and fam.type not in allowed:
                yield hit(d, "LearnDelFAMDateFrom", f"{fam.type} FAM has LearnDelFAMDateFrom {fmt(fam.date_from)}", fam.type)


@rule("LearnDelFAMDateTo_04")
def learndelfamdateto_04(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        for fam in d.fams:
            if fam.date_to is not None and fam.type not in DATE_TO_ALLOWED:
                yield hit(d, "LearnDelFAMDateTo", f"{fam.type} FAM has LearnDelFAMDateTo {fmt(fam.date_to)}", fam.type)


@rule("LearnDelFAMDateFrom_05")
def learndelfamdatefrom_05(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        for fam in d.fams_of("EVI"):
            if fam.date_from is None and "LearnDelFAMDateFrom" not in fam.problems:
                yield hit(d, "LearnDelFAMDateFrom", f"EVI {fmt(fam.code)} has no LearnDelFAMDateFrom", "EVI")


@rule("LearnDelFAMDateFrom_06")
def learndelfamdatefrom_06(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for d in bootcamp_aims(learner):
        for fam in d.fams_of("EVI"):
            if fam.date_from is not None and fam.date_from < ctx.date("evi_cutover"):
                yield hit(d, "LearnDelFAMDateFrom", f"EVI {fmt(fam.code)} is dated {fmt(fam.date_from)}, before 1 August 2025", "EVI")


#: An EVI on a component aim is held to the dates "of LearningDelivery.AimType = 1": which programme aim, where
#: the bootcamp has several, the rule does not say; the latest is used (as R_138/R_140/R_143 do), as our reading.
EVI_PROGRAMME_READING = ("The EVI is not on the programme aim and the bootcamp has more than one programme aim: "
                         "it is held to the latest one's dates, our reading of 'the programme aim'.")


@rule("LearnDelFAMDateFrom_07")
def learndelfamdatefrom_07(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """EVI LearnDelFAMDateFrom < LearnStartDate or > LearnActEndDate "of LearningDelivery.AimType = 1"."""
    latest = {prog.con_ref: (prog.latest_programme_aim, len(prog.programme_aims)) for prog in learner.programmes}
    for d in bootcamp_aims(learner):
        p, count = (d, 1) if d.is_programme_aim else latest.get(d.con_ref_number, (None, 0))
        if p is None:
            continue
        reading = EVI_PROGRAMME_READING if p is not d and count > 1 else None
        for fam in d.fams_of("EVI"):
            if fam.date_from is None:
                continue
            if p.learn_start_date and fam.date_from < p.learn_start_date:
                yield hit(d, "LearnDelFAMDateFrom", f"EVI {fmt(fam.code)} is dated {fmt(fam.date_from)}, before the programme "
                                                    f"starts ({fmt(p.learn_start_date)})", "EVI", reading)
            elif p.learn_act_end_date and fam.date_from > p.learn_act_end_date:
                yield hit(d, "LearnDelFAMDateFrom", f"EVI {fmt(fam.code)} is dated {fmt(fam.date_from)}, after the programme's "
                                                    f"LearnActEndDate ({fmt(p.learn_act_end_date)})", "EVI", reading)
