#!/usr/bin/env python3
"""Write a synthetic, schema-shaped ILR file of N learners, and what was planted in it.

    python benchmarks/make_ilr.py 10000 --year 2024-25 --seed 1 -o ilr.xml

The file follows the 2024-25 / 2025-26 XSDs (element order, required
elements, patterns), so it validates against `samples/public/`. Most learners
are not on bootcamps (adult skills, 16-19, apprenticeships, community
learning); a share (``--bootcamp-share``, default 10%) are bootcamp learners,
spread over every learner state of domain.md §6 and, for about a third of
them, one of the coding mistakes that stop payments (the forum's M2 case,
Outcome 2, an open programme with an event, …).

Beside the file it writes ``FILE.planted.json``: for each bootcamp learner its
state, method, the mistake planted (if any) and what a correct diagnosis must
say — the rule ids that must fire and the milestone statuses expected — so the
tests can check that every planted mistake is found and every clean record
stays clean.

No real data: learners are "Test Learner" with letter suffixes (the XSD
forbids digits in names), ULN 9999999999, postcodes in the ZZ99 range, UKPRN
99999999 (the UKPRN of DfE's own sample files). This module deliberately does
not import the assistant: what it plants comes from domain.md, not from the
code under test.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, TextIO
from xml.sax.saxutils import escape

UKPRN = "99999999"
EVI_CUTOVER = date(2025, 8, 1)
EVENT_AIMS = ("Z0059747", "Z0059748", "Z0059749")
SUBJECT_AIMS = ("Z0059758", "Z0009734")
#: Codes seen on DfE's 2025-26 sample learner SBLearnerEV; their meanings are not published.
EVI_CODES = ("4", "5", "6")
SUPPORTED_YEARS = ("2024-25", "2025-26")


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    y, m = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def year_start(year: str) -> date:
    return date(int(year[:4]), 8, 1)


def short_year(year: str) -> str:
    return year[2:4] + year[5:7]


def default_fpd(year: str) -> date:
    """A file prepared in early June of the teaching year: a realistic R11/R12 return."""
    return date(int(year[:4]) + 1, 6, 6)


# -- records --------------------------------------------------------------------

@dataclass
class Aim:
    """One LearningDelivery: leaf values by XML name (XSD order is applied on writing)."""

    values: dict[str, str]
    fams: list[tuple[str, str, str | None]] = field(default_factory=list)  # (type, code, date_from)


@dataclass
class Expect:
    """What a correct diagnosis of a planted bootcamp learner must say."""

    state: str
    method: str
    mistake: str | None = None
    rules: list[str] = field(default_factory=list)
    milestones: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"state": self.state, "method": self.method, "mistake": self.mistake,
                "clean": self.mistake is None, "rules": self.rules, "milestones": self.milestones}


@dataclass
class LearnerRec:
    ref: str
    index: int
    dob: date
    emp_date: date
    prior_date: date | None
    aims: list[Aim]
    young: bool = False


DELIVERY_ORDER = ("LearnAimRef", "AimType", "AimSeqNumber", "LearnStartDate", "OrigLearnStartDate",
                  "LearnPlanEndDate", "FundModel", "PHours", "OTJActHours", "ProgType", "FworkCode", "PwayCode",
                  "StdCode", "PartnerUKPRN", "DelLocPostCode", "LSDPostcode", "AddHours", "PriorLearnFundAdj",
                  "OtherFundAdj", "ConRefNumber", "EPAOrgID", "CompStatus", "LearnActEndDate", "WithdrawReason",
                  "Outcome", "AchDate", "OutGrade", "SWSupAimId", "TLOut")


def iso(d: date) -> str:
    return d.isoformat()


# -- bootcamp scenarios -------------------------------------------------------------

class Bootcamp:
    """Builds one bootcamp learner's aims for a state or a planted mistake.

    Dates are drawn so that the record is consistent with the file
    preparation date (``fpd``): ends and AchDates on or before it, and the
    six-month window placed on the side the scenario needs.
    """

    def __init__(self, rng: random.Random, year: str, fpd: date, method: str):
        self.rng, self.year, self.fpd, self.method = rng, year, fpd, method
        self.con_ref = f"SB-TEST-{rng.randint(1, 40):03d}"

    # -- dates ------------------------------------------------------------------
    def pick(self, lo: date, hi: date) -> date:
        if hi < lo:
            raise AssertionError(f"no date fits this scenario ({lo} > {hi}); the scenario table is wrong")
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def start_window(self) -> tuple[date, date]:
        """Starts this method allows that are plausible in this file's year."""
        if self.method == "event-indicators":
            return EVI_CUTOVER, self.fpd - timedelta(days=14)
        lo = max(date(2024, 8, 1), year_start(self.year) - timedelta(days=200))
        hi = min(date(2025, 7, 31), self.fpd - timedelta(days=14))
        return lo, hi

    def start(self, latest_end: date | None = None, weeks: int = 12) -> date:
        """A start so that the learning (``weeks`` long) ends by ``latest_end`` (default: the fpd)."""
        lo, hi = self.start_window()
        if latest_end is not None:
            hi = min(hi, latest_end - timedelta(weeks=weeks))
        return self.pick(lo, hi)

    # -- aims -------------------------------------------------------------------
    def aim(self, ref: str, aim_type: str, seq: int, start: date, plan_end: date, *,
            ffi: bool = True, sof: str = "105") -> Aim:
        values = {
            "LearnAimRef": ref, "AimType": aim_type, "AimSeqNumber": str(seq),
            "LearnStartDate": iso(start), "LearnPlanEndDate": iso(plan_end),
            "FundModel": "37", "ProgType": "32", "DelLocPostCode": zz99(self.rng),
            "ConRefNumber": self.con_ref, "CompStatus": "1",
            "SWSupAimId": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
        }
        fams = [("SOF", sof, None)]
        if ffi:
            fams.append(("FFI", self.rng.choice("12"), None))
        return Aim(values, fams)

    def programme(self, start: date, weeks: int = 12) -> tuple[Aim, Aim]:
        plan_end = start + timedelta(weeks=weeks)
        return (self.aim("ZPROG001", "1", 1, start, plan_end),
                self.aim(self.rng.choice(SUBJECT_AIMS), "3", 2, start, plan_end))

    def event_aim(self, on: date, seq: int = 3) -> Aim:
        a = self.aim(self.rng.choice(EVENT_AIMS), "3", seq, on, on)
        close(a, on, "2", "1")
        return a

    def record_event(self, prog: Aim, aims: list[Aim], on: date) -> None:
        if self.method == "event-aims":
            aims.append(self.event_aim(on))
        else:
            prog.fams.append(("EVI", self.rng.choice(EVI_CODES), iso(on)))

    # -- the states of domain.md §6 ---------------------------------------------
    def in_learning(self) -> tuple[list[Aim], dict[str, str]]:
        lo, hi = self.start_window()
        start = self.pick(max(lo, self.fpd - timedelta(weeks=10)), hi)
        prog, subj = self.programme(start, weeks=16)
        return [prog, subj], {"M2": "not-yet", "M3": "not-yet"}

    def waiting(self) -> tuple[list[Aim], dict[str, str]]:
        weeks = self.rng.randint(8, 14)
        lo, _ = self.start_window()
        start = self.pick(max(lo, self.fpd - timedelta(weeks=weeks + 18)), self.fpd - timedelta(weeks=weeks, days=1))
        prog, subj = self.programme(start, weeks)
        end = min(start + timedelta(weeks=weeks), self.fpd - timedelta(days=1))
        close(subj, end, "2", "1")
        return [prog, subj], {"M2": "not-yet", "M3": "not-yet"}

    def _completed(self, outcome: str, *, recent: bool = False) -> tuple[Aim, Aim, list[Aim], date, date]:
        """A finished programme with an event: (prog, subject, aims, programme end, event date).

        The programme ends at least ten days before the fpd; with ``recent`` it
        also ends inside the six months before it.
        """
        weeks = self.rng.randint(8, 14)
        latest_end = self.fpd - timedelta(days=10)
        lo, hi = self.start_window()
        hi = min(hi, latest_end - timedelta(days=20, weeks=weeks))
        if recent:
            lo = max(lo, add_months(self.fpd, -5) - timedelta(weeks=weeks))
        start = self.pick(lo, hi)
        prog, subj = self.programme(start, weeks)
        learn_end = start + timedelta(weeks=weeks)
        close(subj, learn_end, "2", "1")
        event_on = self.pick(learn_end - timedelta(days=14), min(learn_end + timedelta(days=20), latest_end))
        event_on = max(event_on, start)
        aims = [prog, subj]
        self.record_event(prog, aims, event_on)
        prog_end = max(learn_end, event_on)
        close(prog, prog_end, "2", outcome)
        return prog, subj, aims, prog_end, event_on

    def event_happened(self, recent: bool = True) -> tuple[list[Aim], dict[str, str]]:
        """Completed with an event, M2 due. Within six months of the fpd by default: after
        that the record is in the six-month state (PSM: close with Outcome 3)."""
        _, _, aims, _, _ = self._completed("8", recent=recent)
        return aims, {"M1": "payable", "M2": "payable", "M3": "not-yet"}

    def positive_outcome(self) -> tuple[list[Aim], dict[str, str]]:
        prog, _, aims, end, _ = self._completed("1")
        prog.values["AchDate"] = iso(self.pick(end, min(add_months(end, 6), self.fpd)))
        return aims, {"M1": "payable", "M2": "payable", "M3": "payable"}

    def no_outcome(self) -> tuple[list[Aim], dict[str, str]]:
        weeks = self.rng.randint(8, 12)
        latest_end = add_months(self.fpd, -6) - timedelta(days=7)
        start = self.start(latest_end, weeks)
        prog, subj = self.programme(start, weeks)
        end = start + timedelta(weeks=weeks)
        close(subj, end, "2", "1")
        close(prog, end, "2", "3")
        return [prog, subj], {"M2": "not-payable", "M3": "not-payable"}

    def withdrawn(self) -> tuple[list[Aim], dict[str, str]]:
        start = self.start(self.fpd - timedelta(days=7), 4)
        prog, subj = self.programme(start)
        left = self.pick(start + timedelta(days=3), min(start + timedelta(weeks=6), self.fpd - timedelta(days=1)))
        for a in (prog, subj):
            close(a, left, "3", "3")
            a.values["WithdrawReason"] = "98"
        return [prog, subj], {"M2": "not-payable", "M3": "not-payable"}

    def on_break(self) -> tuple[list[Aim], dict[str, str]]:
        start = self.start(self.fpd - timedelta(days=7), 4)
        prog, subj = self.programme(start)
        last = self.pick(start + timedelta(days=7), min(start + timedelta(weeks=6), self.fpd - timedelta(days=1)))
        for a in (prog, subj):
            close(a, last, "6", "3")
        return [prog, subj], {"M2": "not-yet", "M3": "not-yet"}


STATES: dict[str, Callable[[Bootcamp], tuple[list[Aim], dict[str, str]]]] = {
    "in learning": Bootcamp.in_learning,
    "learning finished, waiting for an event": Bootcamp.waiting,
    "event happened (M2 due)": Bootcamp.event_happened,
    "positive outcome (M3 due)": Bootcamp.positive_outcome,
    "no outcome within six months": Bootcamp.no_outcome,
    "withdrawn": Bootcamp.withdrawn,
    "break in learning": Bootcamp.on_break,
}


def close(a: Aim, end: date, comp_status: str, outcome: str) -> None:
    a.values["CompStatus"] = comp_status
    a.values["LearnActEndDate"] = iso(end)
    a.values["Outcome"] = outcome


def reopen(a: Aim, outcome: str | None = None) -> None:
    a.values["CompStatus"] = "1"
    a.values.pop("LearnActEndDate", None)
    a.values.pop("AchDate", None)
    if outcome is None:
        a.values.pop("Outcome", None)
    else:
        a.values["Outcome"] = outcome


# -- the planted mistakes -------------------------------------------------------------
# Each returns (aims, rules that must fire, milestone statuses expected).

Mistake = Callable[[Bootcamp], tuple[list[Aim], list[str], dict[str, str]]]


def m_forum_m2(b: Bootcamp):
    """The forum thread's record: programme left open with Outcome 8 though the event is recorded."""
    prog, _, aims, _, _ = b._completed("8")
    reopen(prog, outcome="8")
    rules = ["Outcome_11"] if b.year == "2024-25" else []
    return aims, rules, {"M2": "blocked"}


def m_open_with_event(b: Bootcamp):
    """The helpdesk's answer: keep the programme continuing after the event (did not pay)."""
    prog, _, aims, _, _ = b._completed("8")
    reopen(prog)
    return aims, [], {"M2": "blocked"}


def m_outcome_2(b: Bootcamp):
    """Outcome 2 (partial, HE only) on the closed programme aim: not paid."""
    prog, _, aims, _, _ = b._completed("2")
    return aims, [], {"M2": "blocked"}


def m_event_dates_differ(b: Bootcamp):
    """Event aim with the interview date as start and the offer date as end."""
    _, _, aims, _, on = b._completed("8")
    ev = aims[-1]
    ev.values["LearnStartDate"] = iso(max(on - timedelta(days=5), date.fromisoformat(aims[0].values["LearnStartDate"])))
    if ev.values["LearnStartDate"] == ev.values["LearnActEndDate"]:
        ev.values["LearnPlanEndDate"] = iso(on + timedelta(days=7))
    return aims, ["LearnAimRef_126"], {}


def m_event_before_start(b: Bootcamp):
    """Event aim dated before the programme started (the PSM says: use the programme start)."""
    prog, _, aims, _, _ = b._completed("8")
    start = date.fromisoformat(prog.values["LearnStartDate"])
    before = iso(start - timedelta(days=b.rng.randint(3, 30)))
    ev = aims[-1]
    for f in ("LearnStartDate", "LearnPlanEndDate", "LearnActEndDate"):
        ev.values[f] = before
    return aims, ["R_150"], {}


def m_programme_ends_before_event(b: Bootcamp):
    """Programme aim closed before the event aim's date."""
    prog, _, aims, end, _ = b._completed("8")
    later = iso(end + timedelta(days=b.rng.randint(1, 9)))  # end is at least 10 days before the fpd
    for f in ("LearnStartDate", "LearnPlanEndDate", "LearnActEndDate"):
        aims[-1].values[f] = later
    return aims, ["R_143"], {}


def m_missing_ffi(b: Bootcamp):
    """No FFI FAM on the programme aim."""
    aims, milestones = b.event_happened(recent=False)
    aims[0].fams = [f for f in aims[0].fams if f[0] != "FFI"]
    return aims, ["LearnDelFAMType_111"], {"M2": "blocked"}


def m_wrong_sof(b: Bootcamp):
    """SOF 107 (not 105) on the subject aim."""
    aims, _ = b.waiting()
    aims[1].fams = [("SOF", "107", None) if f[0] == "SOF" else f for f in aims[1].fams]
    return aims, ["LearnDelFAMType_112"], {}


def m_achdate_late(b: Bootcamp):
    """AchDate more than six months after the programme's end."""
    weeks = 10
    start = b.start(add_months(b.fpd, -7) - timedelta(days=10), weeks)
    prog, subj = b.programme(start, weeks)
    end = start + timedelta(weeks=weeks)
    close(subj, end, "2", "1")
    aims = [prog, subj]
    b.record_event(prog, aims, end)
    close(prog, end, "2", "1")
    prog.values["AchDate"] = iso(b.pick(add_months(end, 6) + timedelta(days=1), b.fpd))
    return aims, ["AchDate_13"], {"M3": "blocked"}


def m_completed_no_event(b: Bootcamp):
    """Programme completed with Outcome 8 and no event aim, inside the six months (R_138)."""
    aims, _ = b.event_happened()
    aims = [a for a in aims if a.values["LearnAimRef"] not in EVENT_AIMS]
    return aims, ["R_138"], {}


def m_outcome1_no_achdate(b: Bootcamp):
    """Outcome 1 on the programme aim but no AchDate: the M3 trigger date is missing."""
    prog, _, aims, _, _ = b._completed("1")
    return aims, [], {"M3": "blocked"}


def m_achdate_continuing(b: Bootcamp):
    """AchDate and Outcome 1 on a programme aim that is still continuing."""
    prog, _, aims, _, on = b._completed("1")
    reopen(prog, outcome="1")
    prog.values["AchDate"] = iso(on)
    rules = ["CompStatus_08"] + (["Outcome_11"] if b.year == "2024-25" else [])
    return aims, rules, {"M3": "blocked"}


def m_withdrawn_no_reason(b: Bootcamp):
    """Withdrawn (CompStatus 3) with no WithdrawReason."""
    aims, _ = b.withdrawn()
    for a in aims:
        a.values.pop("WithdrawReason", None)
    return aims, ["WithdrawReason_03"], {}


def m_subject_open(b: Bootcamp):
    """Programme completed but the subject aim left continuing."""
    _, subj, aims, _, _ = b._completed("8")
    reopen(subj)
    return aims, ["R_139", "R_140"], {"M2": "blocked"}


def m_continuing_with_end(b: Bootcamp):
    """CompStatus 1 with a LearnActEndDate on the programme aim."""
    prog, _, aims, end, _ = b._completed("8")
    prog.values["CompStatus"] = "1"
    prog.values.pop("Outcome", None)
    return aims, ["CompStatus_02"], {"M2": "blocked"}


def m_end_after_fpd(b: Bootcamp):
    """Subject aim's LearnActEndDate after the file preparation date (a planned date typed as actual)."""
    aims, _ = b.in_learning()
    close(aims[1], b.fpd + timedelta(days=b.rng.randint(3, 40)), "2", "1")
    return aims, ["LearnActEndDate_04"], {}


def m_no_prior_attain(b: Bootcamp):
    """No PriorAttain record dated on or before the start (handled by the learner writer)."""
    aims, _ = b.event_happened(recent=False)
    return aims, ["R_131"], {"M2": "blocked"}


def m_evi_on_old_start(b: Bootcamp):
    """An EVI on a programme that started before 1 August 2025 (event aims apply)."""
    prog, _, aims, _, on = b._completed("8")
    prog.fams.append(("EVI", b.rng.choice(EVI_CODES), iso(max(on, EVI_CUTOVER))))
    return aims, ["R_152"], {}


def m_event_aim_new_start(b: Bootcamp):
    """An event aim on a programme that started on or after 1 August 2025 (EVI applies)."""
    prog, _, aims, _, on = b._completed("8")
    prog.fams = [f for f in prog.fams if f[0] != "EVI"]
    aims.append(b.event_aim(on))
    return aims, ["R_154"], {"M2": "blocked"}


def m_evi_no_date(b: Bootcamp):
    """EVI recorded without LearnDelFAMDateFrom."""
    prog, _, aims, _, _ = b._completed("8")
    prog.fams = [(t, c, None if t == "EVI" else d) for t, c, d in prog.fams]
    return aims, ["LearnDelFAMDateFrom_05"], {}


def m_evi_after_end(b: Bootcamp):
    """EVI dated after the programme's LearnActEndDate."""
    prog, _, aims, end, _ = b._completed("8")
    later = iso(end + timedelta(days=b.rng.randint(1, 9)))  # end is at least 10 days before the fpd
    prog.fams = [(t, c, later if t == "EVI" else d) for t, c, d in prog.fams]
    return aims, ["LearnDelFAMDateFrom_07"], {}


def m_evi_on_subject(b: Bootcamp):
    """EVI recorded on the subject aim instead of the programme aim."""
    prog, subj, aims, _, _ = b._completed("8")
    evi = [f for f in prog.fams if f[0] == "EVI"]
    prog.fams = [f for f in prog.fams if f[0] != "EVI"]
    subj.fams.extend(evi)
    return aims, ["LearnDelFAMType_133"], {}


def m_open_with_evi(b: Bootcamp):
    """Open programme aim with an EVI recorded (the 2025-26 form of the forum case)."""
    prog, _, aims, _, _ = b._completed("8")
    reopen(prog)
    return aims, [], {"M2": "blocked"}


#: Mistakes by method; the year decides which rules exist (see the expectations).
MISTAKES: dict[str, dict[str, Mistake]] = {
    "event-aims": {
        "forum-m2-open-programme-outcome-8": m_forum_m2,
        "open-programme-with-event": m_open_with_event,
        "outcome-2-on-programme": m_outcome_2,
        "event-aim-dates-differ": m_event_dates_differ,
        "event-before-programme-start": m_event_before_start,
        "programme-ends-before-event": m_programme_ends_before_event,
        "missing-ffi": m_missing_ffi,
        "wrong-sof": m_wrong_sof,
        "achdate-over-six-months": m_achdate_late,
        "completed-without-event": m_completed_no_event,
        "outcome-1-without-achdate": m_outcome1_no_achdate,
        "achdate-on-continuing-programme": m_achdate_continuing,
        "withdrawn-without-reason": m_withdrawn_no_reason,
        "completed-programme-subject-open": m_subject_open,
        "continuing-with-end-date": m_continuing_with_end,
        "end-date-after-file-date": m_end_after_fpd,
        "no-prior-attainment": m_no_prior_attain,
    },
    "event-indicators": {
        "event-aim-on-2025-26-start": m_event_aim_new_start,
        "evi-without-date": m_evi_no_date,
        "evi-after-programme-end": m_evi_after_end,
        "evi-on-subject-aim": m_evi_on_subject,
        "open-programme-with-evi": m_open_with_evi,
        "outcome-2-on-programme": m_outcome_2,
        "missing-ffi": m_missing_ffi,
        "achdate-over-six-months": m_achdate_late,
        "withdrawn-without-reason": m_withdrawn_no_reason,
    },
}
#: Only in 2025-26 files: event indicators exist from then (R_152 is a 2025-26 rule).
MISTAKES_2526_EVENT_AIMS: dict[str, Mistake] = {"evi-on-pre-2025-start": m_evi_on_old_start}


def mistakes_for(year: str, method: str) -> dict[str, Mistake]:
    found = dict(MISTAKES[method])
    if method == "event-aims" and year >= "2025-26":
        found.update(MISTAKES_2526_EVENT_AIMS)
        # A June 2026 file cannot plausibly hold a pre-August-2025 programme still open,
        # nor one that ended inside the six months before it; keep the scenarios that fit.
        found.pop("end-date-after-file-date", None)
        found.pop("completed-without-event", None)
    return found


def methods_for(year: str) -> tuple[str, ...]:
    return ("event-aims",) if year < "2025-26" else ("event-indicators", "event-aims")


def states_for(year: str, method: str) -> list[str]:
    names = list(STATES)
    if method == "event-aims" and year >= "2025-26":
        # A programme that started before August 2025 is not still "in learning" in June 2026.
        # Nor one that ended inside the six months before it with its M2 still due.
        names = [n for n in names if n not in ("in learning", "learning finished, waiting for an event",
                                               "event happened (M2 due)")]
    return names


# -- non-bootcamp learners -------------------------------------------------------------------

def other_aims(rng: random.Random, year: str, fpd: date) -> tuple[list[Aim], bool]:
    """A non-bootcamp learner's aims: (aims, whether the learner is 16-18)."""
    kind = rng.choices(("adult", "16-19", "apprentice", "community", "other"), (45, 25, 18, 7, 5))[0]
    ys = year_start(year)
    start = ys + timedelta(days=rng.randint(-300, 250))
    if start > fpd:
        start = fpd - timedelta(days=rng.randint(1, 60))
    aims: list[Aim] = []

    def basic(seq: int, ref: str, fm: str, aim_type: str, weeks: int, **extra: str) -> Aim:
        values = {"LearnAimRef": ref, "AimType": aim_type, "AimSeqNumber": str(seq),
                  "LearnStartDate": iso(start), "LearnPlanEndDate": iso(start + timedelta(weeks=weeks)),
                  "FundModel": fm, "DelLocPostCode": zz99(rng), "CompStatus": "1"}
        values.update(extra)
        a = Aim(values, [])
        end = start + timedelta(weeks=weeks)
        if end <= fpd and rng.random() < 0.7:
            close(a, end, "2", rng.choice("113"))
        return a

    if kind == "adult":
        for seq in range(1, rng.randint(1, 3) + 1):
            a = basic(seq, f"6{rng.randint(1000000, 9999999)}", "35", "4", rng.randint(10, 40))
            a.fams = [("SOF", "105", None), ("FFI", "1", None)]
            aims.append(a)
    elif kind == "16-19":
        for seq in range(1, rng.randint(2, 4) + 1):
            a = basic(seq, f"5{rng.randint(1000000, 9999999)}", "25", "5" if seq == 1 else "4", 40,
                      PHours=str(rng.randint(200, 600)) if seq == 1 else "0")
            if seq > 1:
                a.values.pop("PHours")
            a.fams = [("SOF", "107", None)]
            aims.append(a)
    elif kind == "apprentice":
        p = basic(1, "ZPROG001", "36", "1", 60, ProgType="25", StdCode=str(rng.randint(1, 700)))
        p.fams = [("ACT", "1", iso(start))]
        c = basic(2, f"6{rng.randint(1000000, 9999999)}", "36", "3", 60, ProgType="25", StdCode=p.values["StdCode"])
        c.fams = [("ACT", "1", iso(start))]
        aims += [p, c]
    elif kind == "community":
        a = basic(1, f"Z{rng.randint(1000000, 9999999)}", "10", "4", 8)
        a.fams = [("SOF", "105", None), ("ASL", "1", None)]
        aims.append(a)
    else:
        a = basic(1, f"Z{rng.randint(1000000, 9999999)}", "99", "4", 20)
        a.fams = [("SOF", "998", None)]
        aims.append(a)
    return aims, kind == "16-19"


# -- writing ----------------------------------------------------------------------------

def zz99(rng: random.Random) -> str:
    return f"ZZ99 {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def letters(n: int) -> str:
    """An index as letters (A, B, …, BA, …): the XSD forbids digits in names."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def write_learner(out: TextIO, rec: LearnerRec, rng: random.Random, year: str) -> None:
    w = out.write
    w("\t<Learner>\n")
    w(f"\t\t<LearnRefNumber>{rec.ref}</LearnRefNumber>\n")
    w("\t\t<ULN>9999999999</ULN>\n")
    w(f"\t\t<FamilyName>Learner {letters(rec.index)}</FamilyName>\n")
    w("\t\t<GivenNames>Test</GivenNames>\n")
    w(f"\t\t<DateOfBirth>{iso(rec.dob)}</DateOfBirth>\n")
    w(f"\t\t<Ethnicity>{rng.choice((31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 98, 99))}</Ethnicity>\n")
    w(f"\t\t<Sex>{rng.choice('MF')}</Sex>\n")
    w("\t\t<LLDDHealthProb>2</LLDDHealthProb>\n")
    pc = zz99(rng)
    w(f"\t\t<PostcodePrior>{pc}</PostcodePrior>\n")
    w(f"\t\t<Postcode>{pc}</Postcode>\n")
    w(f"\t\t<AddLine1>{rng.randint(1, 200)} Test Street</AddLine1>\n")
    w("\t\t<AddLine2>Testtown</AddLine2>\n")
    if rec.prior_date is not None:
        w("\t\t<PriorAttain>\n")
        w(f"\t\t\t<PriorLevel>{rng.choice((1, 2, 3, 4, 97))}</PriorLevel>\n")
        w(f"\t\t\t<DateLevelApp>{iso(rec.prior_date)}</DateLevelApp>\n")
        w("\t\t</PriorAttain>\n")
    if rec.young:
        w("\t\t<LearnerFAM>\n\t\t\t<LearnFAMType>LSR</LearnFAMType>\n\t\t\t<LearnFAMCode>55</LearnFAMCode>\n\t\t</LearnerFAM>\n")
    w("\t\t<ProviderSpecLearnerMonitoring>\n\t\t\t<ProvSpecLearnMonOccur>A</ProvSpecLearnMonOccur>\n"
      f"\t\t\t<ProvSpecLearnMon>COHORT{rng.randint(1, 99)}</ProvSpecLearnMon>\n\t\t</ProviderSpecLearnerMonitoring>\n")
    w("\t\t<LearnerEmploymentStatus>\n")
    w(f"\t\t\t<EmpStat>{rng.choice((10, 11, 12, 98))}</EmpStat>\n")
    w(f"\t\t\t<DateEmpStatApp>{iso(rec.emp_date)}</DateEmpStatApp>\n")
    w("\t\t\t<EmploymentStatusMonitoring>\n\t\t\t\t<ESMType>EII</ESMType>\n\t\t\t\t<ESMCode>6</ESMCode>\n"
      "\t\t\t</EmploymentStatusMonitoring>\n")
    w("\t\t</LearnerEmploymentStatus>\n")
    for a in rec.aims:
        w("\t\t<LearningDelivery>\n")
        for name in DELIVERY_ORDER:
            if name in ("FworkCode", "PwayCode") and year >= "2025-26":
                continue
            value = a.values.get(name)
            if value is not None:
                w(f"\t\t\t<{name}>{escape(value)}</{name}>\n")
        for t, c, d in a.fams:
            w("\t\t\t<LearningDeliveryFAM>\n")
            w(f"\t\t\t\t<LearnDelFAMType>{t}</LearnDelFAMType>\n\t\t\t\t<LearnDelFAMCode>{c}</LearnDelFAMCode>\n")
            if d:
                w(f"\t\t\t\t<LearnDelFAMDateFrom>{d}</LearnDelFAMDateFrom>\n")
            w("\t\t\t</LearningDeliveryFAM>\n")
        w("\t\t</LearningDelivery>\n")
    w("\t</Learner>\n")


def header(year: str, fpd: date) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Message xmlns="ESFA/ILR/{year}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        "\t<Header>\n\t\t<CollectionDetails>\n\t\t\t<Collection>ILR</Collection>\n"
        f"\t\t\t<Year>{short_year(year)}</Year>\n\t\t\t<FilePreparationDate>{iso(fpd)}</FilePreparationDate>\n"
        "\t\t</CollectionDetails>\n\t\t<Source>\n\t\t\t<ProtectiveMarking>OFFICIAL-SENSITIVE-Personal</ProtectiveMarking>\n"
        f"\t\t\t<UKPRN>{UKPRN}</UKPRN>\n\t\t\t<SoftwareSupplier>ilr-assistant</SoftwareSupplier>\n"
        "\t\t\t<SoftwarePackage>make_ilr synthetic</SoftwarePackage>\n\t\t\t<Release>1</Release>\n"
        f"\t\t\t<SerialNo>01</SerialNo>\n\t\t\t<DateTime>{iso(fpd)}T09:00:00</DateTime>\n"
        "\t\t</Source>\n\t</Header>\n"
        f"\t<LearningProvider>\n\t\t<UKPRN>{UKPRN}</UKPRN>\n\t</LearningProvider>\n"
    )


def generate(n: int, year: str, seed: int, out: TextIO, *, bootcamp_share: float = 0.10,
             mistake_share: float = 1 / 3, fpd: date | None = None) -> dict:
    """Write the file to ``out``; return the planted record (the sidecar's content)."""
    if year not in SUPPORTED_YEARS:
        raise ValueError(f"year {year} is not supported (choose {', '.join(SUPPORTED_YEARS)})")
    rng = random.Random(seed)
    fpd = fpd or default_fpd(year)
    out.write(header(year, fpd))
    n_boot = round(n * bootcamp_share)
    boot_positions = set(rng.sample(range(n), n_boot)) if n_boot else set()
    methods = methods_for(year)
    planted: dict[str, dict] = {}
    counters: dict[str, int] = {}
    k = 0  # bootcamp learners so far: drives round robins, so small files still hold every case
    mistake_every = max(1, round(1 / mistake_share)) if mistake_share > 0 else 0
    for i in range(n):
        if i in boot_positions:
            category = "m" if mistake_every and k % mistake_every == 0 else "s"
            j = counters.get(category, 0)
            counters[category] = j + 1
            method = methods[j % len(methods)]
            b = Bootcamp(rng, year, fpd, method)
            c = counters.get(category + method, 0)
            counters[category + method] = c + 1
            if category == "m":
                table = mistakes_for(year, method)
                name = sorted(table)[c % len(table)]
                aims, rules, milestones = table[name](b)
                expect = Expect("planted mistake", method, name, rules, milestones)
            else:
                names = states_for(year, method)
                state = names[c % len(names)]
                aims, milestones = STATES[state](b)
                expect = Expect(state, method, None, [], milestones)
            k += 1
            ref = f"SB{i:08d}"
            first = min(date.fromisoformat(a.values["LearnStartDate"]) for a in aims)
            dob = date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28))
            prior = None if expect.mistake == "no-prior-attainment" else first - timedelta(days=rng.randint(200, 4000))
            rec = LearnerRec(ref, i, dob, first - timedelta(days=rng.randint(1, 60)), prior, aims)
            planted[ref] = expect.as_json()
        else:
            aims, young = other_aims(rng, year, fpd)
            first = min(date.fromisoformat(a.values["LearnStartDate"]) for a in aims)
            dob = (date(int(year[:4]) - rng.randint(16, 18), rng.randint(1, 12), rng.randint(1, 28)) if young
                   else date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)))
            rec = LearnerRec(f"LR{i:08d}", i, dob, first - timedelta(days=rng.randint(1, 90)),
                             first - timedelta(days=rng.randint(30, 3000)), aims, young)
        write_learner(out, rec, rng, year)
    out.write("</Message>\n")
    return {
        "generator": "benchmarks/make_ilr.py", "year": year, "seed": seed, "learners": n,
        "bootcamp_learners": len(planted), "file_preparation_date": iso(fpd),
        "planted": planted,
    }


def default_name(year: str, fpd: date) -> str:
    return f"ILR-{UKPRN}-{short_year(year)}-{fpd:%Y%m%d}-090000-01.xml"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + ".planted.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic, schema-shaped ILR file (no real data).")
    parser.add_argument("n", type=int, help="number of learners")
    parser.add_argument("--year", default="2024-25", choices=SUPPORTED_YEARS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", help="file to write (default: an ILR-style name in the current folder)")
    parser.add_argument("--bootcamp-share", type=float, default=0.10, help="share of bootcamp learners (default 0.10)")
    parser.add_argument("--mistake-share", type=float, default=1 / 3, help="share of bootcamp learners with a planted mistake")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    if not 0 <= args.bootcamp_share <= 1 or not 0 <= args.mistake_share <= 1:
        parser.error("shares are between 0 and 1")
    path = Path(args.output or default_name(args.year, default_fpd(args.year)))
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
            planted = generate(args.n, args.year, args.seed, out, bootcamp_share=args.bootcamp_share,
                               mistake_share=args.mistake_share)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)
    with open(sidecar_path(path), "w", encoding="utf-8") as fh:
        json.dump(planted, fh, indent=1)
    print(f"wrote {path} ({args.n} learners, {planted['bootcamp_learners']} on bootcamps) and {sidecar_path(path).name}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
