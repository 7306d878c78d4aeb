"""Whether each milestone (M1, M2, M3) can pay from the record as it stands.

The funding calculation (the FM37 rulebase) is not public. What a milestone
needs in ILR terms is read from the PSM, the validation rules and what
providers confirmed on the forum; each status carries the evidence grade of
the logic behind it so the user can tell "DfE says" from "we infer".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..ilr.model import EVI_CUTOVER, Delivery, Learner, Programme, programmes
from .base import Context, Finding, add_months, fmt

Status = Literal["payable", "blocked", "not-yet", "unknown"]
Method = Literal["event-aims", "event-indicators"]


@dataclass(frozen=True)
class MilestoneStatus:
    status: Status
    reasons: tuple[str, ...]
    evidence: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgrammeStatus:
    con_ref: str | None
    programme_aim_seq: int | None
    method: Method
    start: date | None
    milestones: dict[str, MilestoneStatus]


def method_for(prog: Programme) -> Method:
    """Event aims before 1 August 2025 starts, event indicators from then (R_152, R_154)."""
    start = prog.earliest_start
    return "event-indicators" if start and start >= EVI_CUTOVER else "event-aims"


def _closed(d: Delivery | None) -> bool:
    return d is not None and d.learn_act_end_date is not None


def event_dates(prog: Programme, method: Method) -> list[date]:
    """Dates of the M2 events the record shows, by the programme's method."""
    if method == "event-aims":
        return [e.learn_act_end_date or e.learn_start_date for e in prog.event_aims
                if (e.learn_act_end_date or e.learn_start_date)]
    latest = prog.latest_programme_aim
    return [f.date_from for f in (latest.fams_of("EVI") if latest else ()) if f.date_from]


def _blocking_errors(findings: list[Finding], prog: Programme) -> list[Finding]:
    """Errors stop the whole learner being funded, not just the aim they sit on."""
    return [f for f in findings if f.is_error]


def _errors_reason(errors: list[Finding]) -> str:
    ids = sorted({f.rule for f in errors})
    return (f"the learner has {len(errors)} validation error(s) ({', '.join(ids)}); a learner with any "
            "error is not funded at all until it is fixed")


def _errors_grade(errors: list[Finding]) -> str:
    """Official only when every blocking error is official for the file's year (grades follow the pages held)."""
    return "official" if all(f.grade == "official" for f in errors) else "inference"


def _errors_reasons(errors: list[Finding]) -> tuple[str, ...]:
    weak = sorted({f.rule for f in errors if f.grade != "official"})
    out = [_errors_reason(errors)]
    if weak:
        notes = {f.rule: f.year_note for f in errors if f.rule in weak and f.year_note}
        out.append(f"graded inference, not official: {' '.join(dict.fromkeys(notes.values()))}" if notes
                   else f"{', '.join(weak)}: graded inference, not official")
    return tuple(out)


def assess_m1(prog: Programme, latest: Delivery | None, errors: list[Finding], ctx: Context) -> MilestoneStatus:
    if latest is None or not prog.subject_aims:
        missing = "programme aim (ZPROG001)" if latest is None else "subject learning aim"
        return MilestoneStatus("blocked", (f"the bootcamp has no {missing}, so it cannot be counted as a start",),
                               "official", ("psm-bootcamps",))
    start = latest.learn_start_date
    if start and start > ctx.as_of:
        return MilestoneStatus("not-yet", (f"the programme starts {fmt(start)}, after {fmt(ctx.as_of)}",), "inference", ("our-reading",))
    if errors:
        return MilestoneStatus("blocked", _errors_reasons(errors), _errors_grade(errors), ("vr-2526", "forum-m2-fix"))
    qualifying = ("the ILR does not hold attendance: M1 pays once the learner reaches the contract's qualifying period "
                  "(5 qualifying days with at least 5 guided learning hours in 2022-23 and 2023-24 contracts; local "
                  "contracts from 2025-26 vary)")
    if any(s.comp_status == "2" for s in prog.subject_aims) or latest.comp_status == "2":
        return MilestoneStatus("payable", ("the programme and subject aims are recorded and the learning was completed, "
                                           "so the qualifying period was reached",), "inference", ("pics-milestones", "our-reading"))
    if latest.comp_status in {"3", "6"}:
        ended = latest.learn_act_end_date
        return MilestoneStatus("unknown", (f"the learner {'withdrew' if latest.comp_status == '3' else 'went on a break'}"
                                           f"{' on ' + fmt(ended) if ended else ''}; " + qualifying,), "inference", ("pics-milestones",))
    return MilestoneStatus("unknown", ("the programme and subject aims are recorded with their start dates; " + qualifying,),
                           "inference", ("pics-milestones",))


def assess_m2(prog: Programme, latest: Delivery | None, method: Method, errors: list[Finding]) -> MilestoneStatus:
    if latest is None:
        return MilestoneStatus("blocked", ("the bootcamp has no programme aim (ZPROG001)",), "official", ("psm-bootcamps",))
    events = event_dates(prog, method)
    if latest.comp_status in {"3", "6"} and not events:
        if latest.comp_status == "3":
            why = ("the learner withdrew (CompStatus 3); M2 needs the learning completed and an event. What a withdrawn "
                   "learner who later gets a job is paid is not published")
        else:
            why = ("the learner is on a break in learning (CompStatus 6); M2 needs the learning completed and an event, "
                   "so it waits for the learner's return")
        return MilestoneStatus("not-yet", (why,), "inference", ("field-compstatus", "our-reading"))
    wrong_method = (method == "event-indicators" and prog.event_aims) or (
        method == "event-aims" and latest.fams_of("EVI"))
    if not events and not wrong_method:
        if latest.ach_date is not None:
            return MilestoneStatus("unknown", ("no M2 event is recorded, but an AchDate is (a job offer with no interview "
                                               "first); validation accepts this (R_138), but whether M2 then pays is not published",),
                                   "inference", ("forum-guide",))
        learning_done = any(_closed(s) for s in prog.subject_aims)
        return MilestoneStatus("not-yet", (("the learning is finished but " if learning_done else "") +
                                           "no event (interview offer, new role with the existing employer or "
                                           "self-employment plan) is recorded yet",), "official", ("psm-bootcamps",))
    if wrong_method:
        what = "event aim" if method == "event-indicators" else "event indicator (EVI)"
        return MilestoneStatus("blocked", (f"the event is recorded as an {what}, which is an error for a programme "
                                           f"starting {fmt(prog.earliest_start)} ({'R_154' if what == 'event aim' else 'R_152'})",),
                               "official", ("vr-2526",))
    reasons: list[str] = []
    evidence = "forum-confirmed"
    if latest.comp_status != "2":
        reasons.append("the event is recorded but the programme aim is still open (CompStatus "
                       f"{fmt(latest.comp_status)}), so the completion milestone can't be counted")
    elif not _closed(latest):
        reasons.append("the programme aim is CompStatus 2 but has no LearnActEndDate, which is an error "
                       "(CompStatus_03): it is not properly closed, so the completion milestone can't be counted")
    elif latest.outcome == "2":
        reasons.append("the programme aim has Outcome 2 (partial achievement), an HE-only code; a provider who used it "
                       "was not paid M2. Use 8 while a job may still come")
    elif latest.outcome not in {"8", "1"}:
        if latest.outcome == "3":
            return MilestoneStatus("unknown", ("the programme aim is closed with Outcome 3 (no achievement); whether M2 "
                                               "still pays after an event with Outcome 3 has not been reported",),
                                   "inference", ("forum-outcome-2",))
        reasons.append(f"the programme aim's Outcome is {fmt(latest.outcome)}; the coding that paid M2 used 8 (or 1 with a job)")
    if not any(_closed(s) for s in prog.subject_aims):
        reasons.append("no subject learning aim is closed, so the learning is not recorded as complete")
        evidence = "official"
    if reasons:
        return MilestoneStatus("blocked", tuple(reasons), evidence, ("forum-m2-fix", "forum-outcome-2", "vr-2526"))
    if errors:
        return MilestoneStatus("blocked", _errors_reasons(errors), _errors_grade(errors), ("vr-2526",))
    signal = "event aim" if method == "event-aims" else "event indicator"
    note = "" if method == "event-aims" else " (the EVI code list is not published in any source we hold; check the code against the 2025-26 ILR specification)"
    return MilestoneStatus("payable", (f"the programme aim is completed (CompStatus 2, LearnActEndDate "
                                       f"{fmt(latest.learn_act_end_date)}, Outcome {latest.outcome}), the learning is closed and an "
                                       f"{signal} is dated {fmt(max(events))}{note}",),
                           "forum-confirmed" if method == "event-aims" else "inference", ("forum-m2-fix", "psm-bootcamps"))


def assess_m3(prog: Programme, latest: Delivery | None, errors: list[Finding]) -> MilestoneStatus:
    if latest is None:
        return MilestoneStatus("blocked", ("the bootcamp has no programme aim (ZPROG001)",), "official", ("psm-bootcamps",))
    if latest.ach_date is None:
        if latest.outcome == "1":
            return MilestoneStatus("blocked", ("the programme aim has Outcome 1 but no AchDate; the AchDate is the M3 trigger date",),
                                   "official", ("field-achdate", "psm-event-aims-quoted"))
        if latest.outcome == "3" and latest.comp_status == "2":
            return MilestoneStatus("not-yet", ("the programme is closed with Outcome 3 (no positive outcome), so M3 will not pay",),
                                   "official", ("field-achdate",))
        return MilestoneStatus("not-yet", ("no positive outcome (AchDate with Outcome 1) is recorded yet",), "official", ("field-achdate",))
    reasons = []
    if latest.outcome != "1":
        reasons.append(f"AchDate is recorded but Outcome is {fmt(latest.outcome)}, not 1 (Outcome_04)")
    if latest.comp_status != "2":
        reasons.append(f"AchDate is recorded but the programme aim's CompStatus is {fmt(latest.comp_status)}, not 2 (CompStatus_08)")
    if latest.learn_act_end_date and latest.ach_date > add_months(latest.learn_act_end_date, 6):
        reasons.append("AchDate is more than six months after the programme's LearnActEndDate (AchDate_13)")
    if reasons:
        return MilestoneStatus("blocked", tuple(reasons), "official", ("vr-2526",))
    if errors:
        return MilestoneStatus("blocked", _errors_reasons(errors), _errors_grade(errors), ("vr-2526",))
    return MilestoneStatus("payable", (f"the programme aim is completed with Outcome 1 and AchDate {fmt(latest.ach_date)}, "
                                       "the M3 trigger date",), "official", ("psm-event-aims-quoted", "field-achdate"))


def assess(learner: Learner, ctx: Context, findings: list[Finding]) -> list[ProgrammeStatus]:
    """Milestone status for each bootcamp the learner has (grouped by ConRefNumber)."""
    result = []
    for prog in programmes(learner):
        latest = prog.latest_programme_aim
        method = method_for(prog)
        errors = _blocking_errors(findings, prog)
        result.append(ProgrammeStatus(
            con_ref=prog.con_ref,
            programme_aim_seq=latest.seq if latest else None,
            method=method,
            start=prog.earliest_start,
            milestones={
                "M1": assess_m1(prog, latest, errors, ctx),
                "M2": assess_m2(prog, latest, method, errors),
                "M3": assess_m3(prog, latest, errors),
            },
        ))
    return result
