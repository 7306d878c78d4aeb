"""Checks on the learner's own details that bootcamp funding requires.

They run only when the input held a ``<Learner>``: a pasted handful of
``<LearningDelivery>`` elements says nothing about date of birth or
employment, and must not be told off for it.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from ..ilr.model import Delivery, Learner
from ..ilr.years import year_of, year_start
from .base import Context, Hit, fmt, rule


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _fm37(learner: Learner) -> list[Delivery]:
    return [d for d in learner.deliveries if d.fund_model == "37"]


@rule("DateOfBirth_01", needs_learner_details=True)
def dateofbirth_01(learner: Learner, ctx: Context) -> Iterable[Hit]:
    if _fm37(learner) and learner.date_of_birth is None and "DateOfBirth" not in learner.problems:
        yield Hit(None, "DateOfBirth", "no DateOfBirth is recorded for a Skills Bootcamp learner")


@rule("DateOfBirth_25", needs_learner_details=True)
def dateofbirth_25(learner: Learner, ctx: Context) -> Iterable[Hit]:
    if not _fm37(learner) or learner.date_of_birth is None:
        return
    census = date(year_start(ctx.year).year, 8, 31)
    age = age_on(learner.date_of_birth, census)
    if age < 19:
        yield Hit(None, "DateOfBirth", f"the learner is {age} on {fmt(census)}; bootcamp learners must be 19 or over")


@rule("EmpStat_08", needs_learner_details=True)
def empstat_08(learner: Learner, ctx: Context) -> Iterable[Hit]:
    # An unreadable DateEmpStatApp may well be before the start: Schema reports it; do not guess.
    if learner.date_of_birth is None or "LearnerEmploymentStatus/DateEmpStatApp" in learner.problems:
        return
    for d in _fm37(learner):
        start = d.learn_start_date
        if start is None or start < date(2014, 8, 1):
            continue
        census = date(year_start(year_of(start)).year, 8, 31)
        if age_on(learner.date_of_birth, census) < 19:
            continue
        if not any(when < start for when in learner.employment_dates):
            yield Hit(d.seq, "LearnerEmploymentStatus",
                      f"no employment status record is dated before {d.learn_aim_ref}'s LearnStartDate {fmt(start)}",
                      d.con_ref_number)
            return


@rule("R_131", needs_learner_details=True)
def r131(learner: Learner, ctx: Context) -> Iterable[Hit]:
    starts = [d.learn_start_date for d in _fm37(learner) if d.learn_start_date]
    if not starts or "PriorAttain/DateLevelApp" in learner.problems:
        return
    earliest = min(starts)
    if not any(when <= earliest for when in learner.prior_attain_dates):
        yield Hit(None, "PriorAttain", f"no PriorAttain record is dated on or before the earliest start {fmt(earliest)}")
