"""Whether each milestone (M1, M2, M3) can pay from the record as it stands.

The funding calculation (the FM37 rulebase) is not public. What a milestone
needs in ILR terms is read from the PSM, the validation rules and what
providers confirmed on the forum; each status carries the evidence grade of
the logic behind it so the user can tell "DfE says" from "we infer".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..ilr.model import Delivery, Learner, Programme, programmes
from ..ilr.vocabulary import Status  # noqa: F401  (re-exported)
from ..ilr.vocabulary import AIM_WORDS, EVI_CUTOVER, PROGRAMME_AIM_REF, STANDARD_EVENT_AIMS
from .base import Context, Finding, fmt

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
        return [day for e in prog.event_aims if (day := e.learn_act_end_date or e.learn_start_date)]
    latest = prog.latest_programme_aim
    return [f.date_from for f in (latest.fams_of("EVI") if latest else ()) if f.date_from]


def _blocking_errors(findings: list[Finding]) -> list[Finding]:
    """Errors stop the whole learner being funded, not just the aim they sit on."""
    return [f for f in findings if f.is_error]


#: Said on every milestone of a bootcamp whose ConRefNumber is an XSB- reference.
LOCAL_CONTRACT = ("an XSB-… ConRefNumber is a local contract (a combined authority's or other funding organisation's, "
                  "ILR ConRefNumber field), which may define its milestones differently: what pays and when is for "
                  "that contract to say (our reading)")


def _local(status: MilestoneStatus) -> MilestoneStatus:
    """A local contract's milestone: what pays is the contract's to say, so only "blocked" (errors stop funding,
    whoever funds it) keeps its grade; any other status is our reading of the national rules."""
    evidence = status.evidence if status.status == "blocked" else "inference"
    return dataclasses.replace(status, reasons=status.reasons + (LOCAL_CONTRACT,), evidence=evidence)


#: The rules whose findings on the programme aim decide that a recorded AchDate cannot count as M3.
M3_RULES = ("Outcome_04", "CompStatus_08", "AchDate_13")


def _standard_event(prog: Programme) -> bool:
    return any((e.learn_aim_ref or "").upper() in STANDARD_EVENT_AIMS for e in prog.event_aims)


def _window_passed(prog: Programme, ctx: Context) -> date | None:
    """The end of learning when the six months after it have passed by the file preparation date (PSM six-month rule)."""
    # An end before the aim's own start is an impossible date (LearnActEndDate_01): no window runs from it.
    ends = [s.learn_act_end_date for s in prog.subject_aims if s.learn_act_end_date
            and not (s.learn_start_date and s.learn_act_end_date < s.learn_start_date)]
    latest = prog.latest_programme_aim
    if not ends and latest is not None and latest.learn_act_end_date:
        ends = [latest.learn_act_end_date]
    end = max(ends) if ends else None
    return end if end and ctx.as_of > ctx.add_six_months(end) else None


def _errors_reason(errors: list[Finding]) -> str:
    ids = sorted({f.rule for f in errors})
    return (f"the learner has {len(errors)} validation error(s) ({', '.join(ids)}); a learner with any "
            "error is not funded at all until it is fixed")


#: "A learner with any error is not funded": ESFA's validation-rules help page (2019 to 2020, the newest page we hold
#: that says it), the year's rule list, and the provider whose learners left the occupancy report over errors.
ERRORS_SOURCES = ("esfa-vr-1920", "vr-2526", "forum-outcome-2")


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


#: Where "M2 needs the learning completed and an event" comes from: DfE's milestone table as an MIS supplier
#: reproduces it (2022-23 and 2023-24 contracts), and for event indicators the 2025 funding guide's "part of our
#: criteria" for the milestones. No DfE text we hold ties M2 itself to the event, so it is graded vendor.
M2_NEEDS_EVENT: dict[str, tuple[str, ...]] = {"event-aims": ("pics-milestones", "psm-bootcamps"),
                                              "event-indicators": ("pics-milestones", "tfg-2025", "psm-bootcamps-evi")}


#: M1's qualifying period in the 2022-23 and 2023-24 contracts: 5 qualifying days (vendor, PICS milestone table).
QUALIFYING_DAYS = 5


def assess_m1(prog: Programme, latest: Delivery | None, errors: list[Finding], ctx: Context) -> MilestoneStatus:
    if latest is None or not prog.subject_aims:
        missing = f"{AIM_WORDS['programme'][1]} ({PROGRAMME_AIM_REF})" if latest is None else AIM_WORDS["subject"][1]
        return MilestoneStatus("blocked", (f"the bootcamp has no {missing}, so it cannot be counted as a start",),
                               "official", ("psm-bootcamps",))
    start = latest.learn_start_date
    if start and start > ctx.as_of:
        return MilestoneStatus("not-yet", (f"the programme starts {fmt(start)}, after {fmt(ctx.as_of)}{ctx.assumed_as_of()}",),
                               "inference", ("our-reading",))
    if errors:
        return MilestoneStatus("blocked", _errors_reasons(errors), _errors_grade(errors), ERRORS_SOURCES)
    qualifying = ("the ILR does not hold attendance: M1 pays once the learner reaches the contract's qualifying period "
                  "(5 qualifying days with at least 5 guided learning hours in 2022-23 and 2023-24 contracts; local "
                  "contracts from 2025-26 vary)")
    if any(s.comp_status == "2" for s in prog.subject_aims) or latest.comp_status == "2":
        return MilestoneStatus("payable", ("the programme and subject aims are recorded and the learning was completed, "
                                           "so the qualifying period was reached",), "inference", ("pics-milestones", "our-reading"))
    if latest.comp_status in {"3", "6"}:
        ended = latest.learn_act_end_date
        if (latest.comp_status == "3" and len(prog.programme_aims) == 1 and start and ended
                and start <= ctx.date("m1_five_days_until") and (ended - start).days + 1 < QUALIFYING_DAYS):
            return MilestoneStatus("not-payable", (
                f"the learning lasted {(ended - start).days + 1} day(s) ({fmt(start)} to {fmt(ended)}) before the learner "
                f"withdrew: too few to hold the {QUALIFYING_DAYS} qualifying days of the 2022-23 and 2023-24 contracts (our reading "
                "of the milestone table)",), "inference", ("pics-milestones", "our-reading"))
        return MilestoneStatus("unknown", (f"the learner {'withdrew' if latest.comp_status == '3' else 'went on a break'}"
                                           f"{' on ' + fmt(ended) if ended else ''}; " + qualifying,), "inference", ("pics-milestones",))
    return MilestoneStatus("unknown", ("the programme and subject aims are recorded with their start dates; " + qualifying,),
                           "inference", ("pics-milestones",))


def assess_m2(prog: Programme, latest: Delivery | None, method: Method, errors: list[Finding],
              ctx: Context) -> MilestoneStatus:
    if latest is None:
        return MilestoneStatus("blocked", ("the bootcamp has no programme aim (ZPROG001)",), "official", ("psm-bootcamps",))
    events = event_dates(prog, method)
    if latest.comp_status == "3":
        if any(s.comp_status == "2" and s.outcome == "1" for s in prog.subject_aims):
            return MilestoneStatus("blocked", (
                "the learner passed the learning but the programme aim says withdrawn (CompStatus 3): recorded so, M2 "
                "and M3 are given up; if the learner did not withdraw, the programme aim should be completed",),
                "inference", ("field-compstatus", "our-reading"))
        left = latest.learn_act_end_date
        when = ("before any event was recorded" if not events else
                "after an event was recorded" if left is None or min(events) <= left else
                f"on {fmt(left)}, before the event recorded on {fmt(min(events))}")
        return MilestoneStatus("not-payable", (
            f"the learner withdrew (CompStatus 3) {when}; M2 needs the learning completed and an event. What a "
            "withdrawn learner who later gets a job is paid is not published",),
            "inference", ("field-compstatus", "our-reading"))
    if latest.comp_status == "6":
        why = ("the learner is on a break in learning (CompStatus 6); M2 needs the learning completed and an event, "
               "so it waits for the learner's return")
        return MilestoneStatus("not-yet", (why,), "inference", ("field-compstatus", "our-reading"))
    wrong_method = (method == "event-indicators" and prog.event_aims) or (
        method == "event-aims" and latest.fams_of("EVI"))
    if not events and method == "event-indicators" and any(a.fams_of("EVI") for a in prog.components):
        return MilestoneStatus("blocked", ("the event indicator (EVI) is on a component aim; an EVI goes on the programme "
                                           "aim only (LearnDelFAMType_133)",), "official", ("vr-2526",))
    if not events and not wrong_method:
        if latest.ach_date is not None:
            return MilestoneStatus("blocked", ("no M2 event (interview offer, new role with the existing employer or "
                                               "self-employment plan) is recorded, although an AchDate is: the PSM sets the "
                                               "AchDate once one of those events has been recorded; if one happened, "
                                               "record it",),
                                   "vendor", ("psm-event-aims-quoted", "pics-milestones"))
        passed = _window_passed(prog, ctx)
        if passed is not None:
            # The rule is quoted from the event-aims article only: for event indicators it is our reading.
            evi = method == "event-indicators"
            rule = ("the PSM's six-month rule for event aims, taken to hold for event indicators too: our reading"
                    if evi else "the PSM six-month rule")
            return MilestoneStatus("not-payable", (f"more than six months have passed since the end of learning "
                                                   f"({fmt(passed)}) with no event recorded ({rule}){ctx.assumed_as_of()}",),
                                   "inference" if evi else "official",
                                   ("psm-six-month-quoted", "psm-bootcamps-evi") if evi else ("psm-six-month-quoted",))
        # a subject aim still open (a restart after a break, a transfer to a new aim) means the learning goes on
        # finished means completed (CompStatus 2): a withdrawn or paused subject aim is closed but not finished
        learning_done = bool(prog.subject_aims) and all(_closed(s) and s.comp_status == "2" for s in prog.subject_aims)
        return MilestoneStatus("not-yet", (("the learning is finished but " if learning_done else "") +
                                           "no event (interview offer, new role with the existing employer or "
                                           "self-employment plan) is recorded yet",), "vendor", M2_NEEDS_EVENT[method])
    if wrong_method:
        what = "event aim" if method == "event-indicators" else "event indicator (EVI)"
        return MilestoneStatus("blocked", (f"the event is recorded as an {what}, which is an error for a programme "
                                           f"starting {fmt(prog.earliest_start)} ({'R_154' if what == 'event aim' else 'R_152'})",),
                               "official", ("vr-2526",))
    if latest.comp_status == "1" and not any(_closed(s) for s in prog.subject_aims):
        # the learning itself is not recorded as finished: the open programme aim is right, not the blocker
        if not prog.subject_aims:
            return MilestoneStatus("blocked", ("an event is recorded, but the bootcamp has no subject learning aim "
                                               "(R_141), so the learning cannot be recorded as complete",),
                                   "official", ("vr-2526", "psm-bootcamps"))
        return MilestoneStatus("not-yet", ("an event is recorded, but the learning is not finished yet (no subject "
                                           "learning aim is closed); M2 needs the learning completed and an event",),
                               "vendor", M2_NEEDS_EVENT[method])
    if method == "event-aims" and not _standard_event(prog):
        # only HGV event aims: R_138 and the PSM count Z0059747/8/9; what HGV aims pay is unpublished (domain §7)
        if errors:
            return MilestoneStatus("blocked", _errors_reasons(errors), _errors_grade(errors), ERRORS_SOURCES)
        refs = ", ".join(sorted({(e.learn_aim_ref or "?").upper() for e in prog.event_aims}))
        return MilestoneStatus("unknown", (f"only an HGV event aim ({refs}) is recorded: R_138 and the PSM count the "
                                           "interview offer, new role and self-employment plan aims (Z0059747/8/9), and "
                                           "what the HGV event aims mean and how they are paid is not published",),
                               "inference", ("vr-2526", "psm-bootcamps"))
    reasons: list[str] = []
    evidence = "forum-confirmed"
    if latest.comp_status != "2":
        state = "still open" if latest.comp_status in {None, "1"} else "not recorded as completed"
        reasons.append(f"the event is recorded but the programme aim is {state} (CompStatus "
                       f"{fmt(latest.comp_status)}), so the completion milestone can't be counted")
    elif not _closed(latest):
        reasons.append("the programme aim is CompStatus 2 but has no LearnActEndDate, which is an error "
                       "(CompStatus_03): it is not properly closed, so the completion milestone can't be counted")
    elif latest.outcome == "2":
        reasons.append("the programme aim has Outcome 2 (partial achievement), an HE-only code; a provider who used it "
                       "was not paid M2. Use 8 while a job may still come")
    elif latest.outcome not in {"8", "1"}:
        if latest.outcome == "3" and _window_passed(prog, ctx) is None:
            reasons.append("the programme aim is closed with Outcome 3 (no achievement) inside the six months after the "
                           "end of learning; Outcome 8 is the coding that paid M2 while the outcome is awaited")
        elif latest.outcome == "3":
            return MilestoneStatus("unknown", ("the programme aim is closed with Outcome 3 (no achievement); whether M2 "
                                               "still pays after an event with Outcome 3 has not been reported",),
                                   "inference", ("forum-outcome-2",))
        else:
            reasons.append(f"the programme aim's Outcome is {fmt(latest.outcome)}; the coding that paid M2 used 8 "
                           "(or 1 with a job)")
    if not any(_closed(s) for s in prog.subject_aims):
        if not reasons:  # with a forum-confirmed reason beside it the status is no stronger than that
            evidence = "official"
        reasons.append("no subject learning aim is closed, so the learning is not recorded as complete")
    elif not any(s.comp_status == "2" for s in prog.subject_aims):
        reasons.append("the subject learning aim is recorded as stopped (CompStatus 3 or 6), not completed; M2 pays for "
                       "completed learning")
        evidence = "inference"
    elif not reasons and not any(s.comp_status == "2" and s.outcome != "3" for s in prog.subject_aims):
        return MilestoneStatus("not-payable", ("the learning is completed with Outcome 3 (not passed); M2 pays for "
                                               "learning completed with its assessments passed",),
                               "vendor", ("pics-milestones",))
    if reasons:
        return MilestoneStatus("blocked", tuple(reasons), evidence, ("forum-m2-fix", "forum-outcome-2", "vr-2526"))
    if errors:
        return MilestoneStatus("blocked", _errors_reasons(errors), _errors_grade(errors), ERRORS_SOURCES)
    done = [s for s in prog.subject_aims if s.comp_status == "2" and _closed(s)]
    if done and not any(s.outcome == "1" for s in done):
        codes = ", ".join(sorted({fmt(s.outcome) for s in done}))
        return MilestoneStatus("unknown", (f"the learning is completed with Outcome {codes}, which does not say whether "
                                           "the learner passed; M2 pays for learning completed with its assessments "
                                           "passed (Outcome 1 if passed, 3 if not)",), "vendor", ("pics-milestones",))
    signal = "event aim" if method == "event-aims" else "event indicator"
    note = "" if method == "event-aims" else " (the EVI code list is not published in any source we hold; check the code against the 2025-26 ILR specification)"
    return MilestoneStatus("payable", (f"the programme aim is completed (CompStatus 2, LearnActEndDate "
                                       f"{fmt(latest.learn_act_end_date)}, Outcome {latest.outcome}), the learning is closed and an "
                                       f"{signal} is dated {fmt(max(events))}{note}",),
                           "forum-confirmed" if method == "event-aims" else "inference", ("forum-m2-fix", "psm-bootcamps"))


def before_what(day: date, ends: list[date], events: list[date]) -> str:
    """What an AchDate comes before, each with its own date ("the learning ended (…) and the event (…)")."""
    parts = ([f"the learning ended ({fmt(max(ends))})"] if ends and day < max(ends) else []) + \
        ([f"the event ({fmt(max(events))})"] if events and day < max(events) else [])
    return " and ".join(parts)


def assess_m3(prog: Programme, latest: Delivery | None, method: Method, findings: list[Finding],
              ctx: Context) -> MilestoneStatus:
    errors = _blocking_errors(findings)
    if latest is None:
        return MilestoneStatus("blocked", ("the bootcamp has no programme aim (ZPROG001)",), "official", ("psm-bootcamps",))
    if latest.ach_date is None:
        if latest.outcome == "1" and latest.comp_status in {"3", "6"}:  # an AchDate here would be CompStatus_08
            left = "withdrawn (CompStatus 3)" if latest.comp_status == "3" else "on a break (CompStatus 6)"
            return MilestoneStatus("unknown", (f"the programme aim is {left} with Outcome 1 and no AchDate; an AchDate "
                                               "needs CompStatus 2 (CompStatus_08), and what a learner who left and later "
                                               "reached a positive outcome is paid is not published",),
                                   "inference", ("field-compstatus", "our-reading"))
        if latest.outcome == "1":
            return MilestoneStatus("blocked", ("the programme aim has Outcome 1 but no AchDate; the AchDate is the M3 trigger date",),
                                   "official", ("field-achdate", "psm-event-aims-quoted"))
        if latest.outcome == "3" and latest.comp_status == "2":
            return MilestoneStatus("not-payable", ("the programme is closed with Outcome 3 (no positive outcome), so M3 "
                                                   "will not pay",), "official", ("field-achdate",))
        if latest.comp_status == "3":
            return MilestoneStatus("not-payable", ("the learner withdrew (CompStatus 3) and no positive outcome is "
                                                   "recorded; what a withdrawn learner who later gets a job is paid is "
                                                   "not published",), "inference", ("field-compstatus", "our-reading"))
        end = latest.learn_act_end_date if latest.comp_status == "2" else None
        if end and ctx.as_of > ctx.add_six_months(end):
            return MilestoneStatus("not-payable", (f"more than six months have passed since the programme ended "
                                                   f"({fmt(end)}) with no positive outcome recorded; an AchDate after "
                                                   f"{fmt(ctx.add_six_months(end))} is not allowed (AchDate_13), so only an "
                                                   f"outcome reached by then can still be recorded{ctx.assumed_as_of()}",), "official",
                                   ("vr-2526", "field-achdate"))
        # (an event in the other method's form is still an event: as for M2, no six-month verdict then)
        other_form = bool((method == "event-indicators" and prog.event_aims) or
                          (method == "event-aims" and latest.fams_of("EVI")))
        # (a break in learning waits for the learner's return, as M2 does)
        passed = None if latest.comp_status == "6" or other_form or event_dates(prog, method) or (
            method == "event-aims" and _standard_event(prog)) else _window_passed(prog, ctx)
        if passed is not None:  # M2's six-month case: with no event there is no M3 either (PSM: M3 needs the event)
            evi = method == "event-indicators"
            return MilestoneStatus("not-payable", (f"more than six months have passed since the end of learning "
                                                   f"({fmt(passed)}) with no event recorded, and M3 needs the event "
                                                   "recorded first (the PSM six-month rule"
                                                   + (", taken to hold for event indicators too: our reading" if evi
                                                      else "") + f"){ctx.assumed_as_of()}",),
                                   "inference" if evi else "official",
                                   ("psm-six-month-quoted", "psm-bootcamps-evi") if evi else ("psm-six-month-quoted",))
        return MilestoneStatus("not-yet", ("no positive outcome (AchDate with Outcome 1) is recorded yet",), "official", ("field-achdate",))
    # The rule engine has judged the AchDate against Outcome, CompStatus and the six months: use its findings.
    own = [f for f in findings if f.rule in M3_RULES and f.aim_seq == latest.seq and f.con_ref == latest.con_ref_number]
    reasons = [f"{f.detail} ({f.rule})" for f in own]
    if not (_standard_event(prog) if method == "event-aims" else event_dates(prog, method)):  # HGV alone: not one of the 3
        reasons.append("no event is recorded: the PSM dates the AchDate from when the learning is complete, one of the "
                       "event aims (or an EVI) has been recorded and the positive outcome reached, so M3 needs the event "
                       "recorded too")
    if reasons:  # graded as the findings behind it are for the file's year (AchDate_13 has no 2024-25 page held)
        return MilestoneStatus("blocked", tuple(reasons), _errors_grade(own), ("vr-2526", "psm-event-aims-quoted"))
    ends = [d for d in (s.learn_act_end_date for s in prog.subject_aims) if d]
    events = event_dates(prog, method)
    met = [*ends, *events]
    if met and latest.ach_date < max(met):
        return MilestoneStatus("unknown", (f"the AchDate ({fmt(latest.ach_date)}) is before "
                                           f"{before_what(latest.ach_date, ends, events)}; the PSM dates the AchDate from when the learning is "
                                           "complete, an event recorded and the positive outcome reached, so check it",),
                               "official", ("psm-event-aims-quoted",))
    if errors:
        return MilestoneStatus("blocked", _errors_reasons(errors), _errors_grade(errors), ERRORS_SOURCES)
    return MilestoneStatus("payable", (f"the programme aim is completed with Outcome 1 and AchDate {fmt(latest.ach_date)}, "
                                       "the M3 trigger date",), "official", ("psm-event-aims-quoted", "field-achdate"))


def assess(learner: Learner, ctx: Context, findings: list[Finding]) -> list[ProgrammeStatus]:
    """Milestone status for each bootcamp the learner has (grouped by ConRefNumber)."""
    result = []
    for prog in programmes(learner):
        latest = prog.latest_programme_aim
        method = method_for(prog)
        errors = _blocking_errors(findings)
        milestones = {
            "M1": assess_m1(prog, latest, errors, ctx),
            "M2": assess_m2(prog, latest, method, errors, ctx),
            "M3": assess_m3(prog, latest, method, findings, ctx),
        }
        if (prog.con_ref or "").upper().startswith("XSB-"):  # domain §7: a local contract decides its milestones
            milestones = {k: _local(m) for k, m in milestones.items()}
        result.append(ProgrammeStatus(
            con_ref=prog.con_ref,
            programme_aim_seq=latest.seq if latest else None,
            method=method,
            start=prog.earliest_start,
            milestones=milestones,
        ))
    return result
