"""From a record (and what the user told us) to the field values to record.

The learner states of domain.md §6 decide the target record: in learning,
learning finished and waiting for an event, event happened (M2 due), positive
outcome (M3 due), no outcome within six months, withdrawn, break in learning.
Each programme (aims sharing a ConRefNumber) is placed in one state, then
every aim is brought to that state's values. Where a value depends on a fact
the record does not hold, a question is asked instead of a guess.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from ..ilr.model import Delivery, Fam, Learner, Programme, programmes
from ..rules.base import Context, fmt
from ..rules.milestones import Method, method_for
from .plan import Plan, Reason
from .schema_fixes import plan_clean_values
from .types import EVENT_AIM_FOR, Facts, Proposal

IN_LEARNING = "in learning"
WAITING = "learning finished, waiting for an event"
EVENT = "event happened (M2 due)"
OUTCOME = "positive outcome (M3 due)"
SIX_MONTHS = "no outcome within six months"
WITHDRAWN = "withdrawn"
BREAK = "break in learning"

OFFER_DATE_Q = ("On what date did the event happen? For an interview, give the date the interview was formally "
                "OFFERED, not the day of the interview itself.")


class ProgrammeAdvice:
    """Works out one bootcamp's state and plans its aims' values."""

    def __init__(self, plan: Plan, prog: Programme, ctx: Context, facts: Facts):
        self.plan, self.prog, self.ctx = plan, prog, ctx
        self.facts = self.not_after(facts, ctx.as_of)
        self.method: Method = method_for(prog)
        self.outcome_pending = False
        self.p = prog.latest_programme_aim
        self.start = prog.earliest_start

    def not_after(self, facts: Facts, as_of: date) -> Facts:
        """Dates after the file preparation date have not happened yet as far as this file goes.

        Recording them would break LearnActEndDate_04 / AchDate_07, so they
        wait for a later return (and the user is told why).
        """
        labels = {"learning_end_date": "the end of learning", "event_date": "the event", "outcome_date": "the outcome",
                  "withdrawn_date": "the withdrawal", "break_date": "the break"}
        later = {name: None for name in labels if (getattr(facts, name) or date.min) > as_of}
        for name in later:
            self.plan.explain(f"The date given for {labels[name]} ({fmt(getattr(facts, name))}) is after the file preparation "
                              f"date ({fmt(as_of)}); it can only be recorded in a return prepared on or after that date.")
        if "event_date" in later:
            later["event"] = None
        if "outcome_date" in later:
            later["positive_outcome"] = None
        if "learning_end_date" in later:
            later["learning_finished"] = None
        return dataclasses.replace(facts, **later) if later else facts

    # -- helpers --------------------------------------------------------------
    def seqs(self, aims) -> list[int]:
        return [a.seq for a in aims if a.seq is not None and a.seq in self.plan.current]

    @property
    def subjects(self) -> list[Delivery]:
        return [self.plan.aim(s) for s in self.seqs(self.prog.subject_aims)]

    @property
    def events(self) -> list[Delivery]:
        return [d for d in self.plan.current.values()
                if d.is_event_aim and d.con_ref_number == self.prog.con_ref]

    def clamp_to_start(self, day: date) -> date:
        """An event before the programme started is dated with the programme start (PSM)."""
        if self.start and day < self.start:
            self.plan.explain(f"The event ({fmt(day)}) came before the programme started ({fmt(self.start)}); the PSM says "
                              "to record the programme start date instead.")
            return self.start
        return day

    # -- facts from the record ---------------------------------------------------
    def learning_end(self) -> date | None:
        if self.facts.learning_end_date:
            return self.facts.learning_end_date
        ends = [s.learn_act_end_date for s in self.prog.subject_aims if s.learn_act_end_date]
        return max(ends) if ends else None

    def learning_finished(self) -> bool | None:
        if self.facts.learning_finished is not None:
            return self.facts.learning_finished
        subjects = self.prog.subject_aims
        if subjects and all(s.comp_status == "2" or s.learn_act_end_date for s in subjects):
            return True
        if self.p is not None and self.p.comp_status == "2":
            return True
        return None

    @staticmethod
    def aim_event_date(e: Delivery) -> date | None:
        """An event aim's date when its three dates agree (as LearnAimRef_126 requires), else None."""
        dates = {e.learn_start_date, e.learn_plan_end_date, e.learn_act_end_date}
        return dates.pop() if len(dates) == 1 else None

    def event_date(self) -> date | None:
        """The M2 event's date: what the user said, else the latest date the record gives an event."""
        if self.facts.event_date:
            return self.facts.event_date
        days = [self.aim_event_date(e) or e.learn_act_end_date for e in self.prog.event_aims]
        if self.p is not None and self.method == "event-indicators":
            days += [f.date_from for f in self.p.fams_of("EVI")]
        days = [d for d in days if d]
        return max(days) if days else None

    def has_event(self) -> bool:
        """Whether the record, as planned so far, carries an M2 event (event aim or EVI)."""
        p = self.plan.current.get(self.p.seq) if self.p is not None else None
        if self.method == "event-aims":  # an EVI on an older programme is an error (R_152), not an event
            return bool(self.events)
        return bool(self.events or (p is not None and p.fams_of("EVI")))

    def outcome_date(self) -> date | None:
        return self.facts.outcome_date or (self.p.ach_date if self.p is not None else None)

    def positive_outcome(self) -> bool:
        if self.facts.positive_outcome is not None:
            return self.facts.positive_outcome
        return self.p is not None and (self.p.ach_date is not None or self.p.outcome == "1") and self.p.comp_status not in {"3", "6"}

    # -- state --------------------------------------------------------------------
    def state(self) -> str:
        p = self.p
        if self.facts.withdrawn_date or (p is not None and p.comp_status == "3"):
            return WITHDRAWN
        if self.facts.break_date or (p is not None and p.comp_status == "6"):
            return BREAK
        finished = self.learning_finished()
        if not finished:
            return IN_LEARNING
        end = self.closing_date(include_event=True, keep_recorded=False)
        # A positive outcome we cannot place yet (its date is still to come): its Outcome stays as recorded.
        self.outcome_pending = outcome_pending = False
        if self.positive_outcome():
            when = self.outcome_date()
            self.outcome_pending = outcome_pending = when is None
            if when is None:  # without the date the outcome cannot be recorded yet: ask, and plan as if awaited
                self.plan.ask("outcome_date", "On what date did the learner meet the requirements for the positive "
                                              "outcome (for a job: the date of the job offer)?", "outcome_date", self.p.seq)
            elif when > self.ctx.as_of:
                self.plan.explain(f"The AchDate ({fmt(when)}) is after the file preparation date ({fmt(self.ctx.as_of)}): "
                                  "an outcome is recorded only once it has happened (AchDate_07).")
            elif when and end and when > self.ctx.add_six_months(end):
                self.plan.explain(f"The positive outcome ({fmt(when)}) came more than six months after the end of the "
                                  f"programme ({fmt(end)}): AchDate_13 forbids recording it, so it cannot be claimed as M3.")
            else:
                return OUTCOME
        six_months_passed = bool(end and self.ctx.as_of > self.ctx.add_six_months(end))
        if p is not None and p.comp_status == "2" and p.outcome == "3":
            if self.has_event() or six_months_passed:
                return SIX_MONTHS  # closed with no positive outcome, as recorded
            self.plan.explain("The programme aim is closed with Outcome 3 before six months have passed and with no "
                              "event recorded: R_138 needs an event aim or an AchDate until the six months are up.")
        if six_months_passed and not outcome_pending:
            self.plan.explain(f"It is more than six months since the end of learning ({fmt(end)}) with no positive outcome "
                              "that can be recorded: the PSM six-month rule says to close the programme aim with "
                              "CompStatus 2 and Outcome 3.")
            return SIX_MONTHS
        return EVENT if self.has_event() else WAITING

    def closing_date(self, include_event: bool, keep_recorded: bool = True) -> date | None:
        """The programme's end: the latest of learning end, event date and every component end (R_143).

        With ``keep_recorded`` a programme end already recorded is never moved earlier; without it
        (for the six-month window, which runs from the end of learning and events) it is ignored.
        """
        days = [self.learning_end()]
        if include_event:
            ev = self.event_date()
            days.append(self.clamp_to_start(ev) if ev else None)
        days += [d.learn_act_end_date for d in self.plan.current.values()
                 if d.is_component and d.con_ref_number == self.prog.con_ref]
        if self.p is not None and self.p.seq in self.plan.current and self.method == "event-indicators":
            days += [f.date_from for f in self.plan.aim(self.p.seq).fams_of("EVI")]  # LearnDelFAMDateFrom_07
        if keep_recorded and self.p is not None and self.p.comp_status == "2":
            days.append(self.p.learn_act_end_date)
        days = [d for d in days if d]
        return max(days) if days else None

    # -- planning ---------------------------------------------------------------------
    def run(self) -> str:
        state = self.state()
        self.plan_events(state)
        state = self.state()  # events added or converted above change what the record shows
        if state in {WITHDRAWN, BREAK}:
            self.plan_stopped(state)
        else:
            self.plan_subjects(state)
            self.plan_programme(state)
        self.complete_stopped_aims()
        return state

    def complete_stopped_aims(self) -> None:
        """Any aim left withdrawn or paused still needs its Outcome and (withdrawn) its reason."""
        for d in list(self.plan.current.values()):
            if d.con_ref_number != self.prog.con_ref or d.is_event_aim or d.comp_status not in {"3", "6"}:
                continue
            if d.outcome is None and d.learn_act_end_date is not None:  # Outcome_11: no Outcome without an end date
                self.plan.set(d.seq, "Outcome", "3", Reason("a withdrawn or paused aim needs an Outcome; 3 (no achievement) "
                                                            "unless it was achieved", ("CompStatus_04",), "M1",
                                                            ("field-compstatus", "field-outcome")))
            if d.comp_status == "3" and d.withdraw_reason is None:
                if self.facts.withdraw_reason:
                    self.plan.set(d.seq, "WithdrawReason", self.facts.withdraw_reason, Reason(
                        "a withdrawn aim needs a WithdrawReason", ("WithdrawReason_03",), sources=("field-withdrawreason",)))
                else:
                    self.plan.ask("withdraw_reason", "Why did the learner withdraw? (the WithdrawReason code, e.g. 43 "
                                                     "financial reasons, 44 other personal reasons, 98 not known)",
                                  "withdraw_reason")

    def keep_open(self, seq: int, label: str) -> None:
        d = self.plan.aim(seq)
        outcome_11 = self.ctx.rule_runs("Outcome_11")  # from the year's rule table
        keep_8 = not outcome_11 and d.outcome == "8"
        why = Reason(f"the {label} is continuing: CompStatus 1 with no end date", ("CompStatus_02", "CompStatus_03"),
                     sources=("psm-bootcamps", "vr-2526"))
        self.plan.set(seq, "CompStatus", "1", why)
        self.plan.set(seq, "LearnActEndDate", None, why)
        if not keep_8:
            self.plan.set(seq, "Outcome", None, Reason(
                "a continuing aim carries no Outcome here" + ("" if not outcome_11 else
                                                              f" (in {self.ctx.year} Outcome_11 applies to bootcamps)"),
                ("Outcome_11", "Outcome_10"), sources=("vr-2526", "forum-outcome-11")))
        self.plan.set(seq, "AchDate", None, Reason("no AchDate while the aim is continuing", ("CompStatus_08", "Outcome_04"),
                                                    sources=("field-achdate",)))
        self.plan.set(seq, "WithdrawReason", None, Reason("WithdrawReason is only for withdrawn aims", ("WithdrawReason_04",),
                                                           sources=("field-withdrawreason",)))

    def plan_subjects(self, state: str) -> None:
        for s in self.subjects:
            if state == IN_LEARNING:
                if s.comp_status in {None, "1"} or not s.learn_act_end_date:
                    self.keep_open(s.seq, "subject learning aim")
                continue
            self.close_subject(s)

    def close_subject(self, s: Delivery) -> None:
        seq = s.seq
        end = s.learn_act_end_date or self.facts.learning_end_date
        why = Reason("the bootcamp learning has finished, so the subject learning aim is closed", ("CompStatus_03", "R_139", "R_140"),
                     "M2", ("psm-bootcamps", "vr-2526"))
        if end is None:  # closing it without the date would trade one error for another (CompStatus_03)
            self.plan.ask("learning_end_date", f"On what date did the bootcamp learning end ({s.learn_aim_ref}, aim {seq})?",
                          "learning_end_date", seq)
            return
        outcome = s.outcome if s.outcome in {"1", "3"} else None
        if outcome is None and self.facts.learning_achieved is not None:
            outcome = "1" if self.facts.learning_achieved else "3"
        if outcome is None:  # closing it without an Outcome would trade one error for another (CompStatus_04)
            self.plan.ask("learning_achieved", f"Did the learner complete and pass the learning on {s.learn_aim_ref} "
                                               f"(aim {seq})? (Outcome 1 if yes, 3 if no)", "learning_achieved", seq)
            return
        if s.comp_status in {None, "1"}:
            self.plan.set(seq, "CompStatus", "2", why)
        self.plan.set(seq, "LearnActEndDate", end, why)
        self.plan.set(seq, "Outcome", outcome, Reason("the subject aim's Outcome: 1 if the learner passed, 3 if not",
                                                      ("CompStatus_04", "Outcome_12"), "M2", ("field-outcome",)))
        if self.plan.aim(seq).comp_status == "2":
            self.plan.set(seq, "WithdrawReason", None, Reason("WithdrawReason is only for withdrawn aims", ("WithdrawReason_04",),
                                                               sources=("field-withdrawreason",)))

    def plan_programme(self, state: str) -> None:
        if self.p is None or self.p.seq not in self.plan.current:
            return
        seq = self.p.seq
        if self.method == "event-aims" and self.plan.aim(seq).fams_of("EVI"):
            return  # an EVI kept until we know which event aim replaces it: its dates decide the programme's
        if state in {IN_LEARNING, WAITING} and self.outcome_pending:
            return  # the record claims a positive outcome whose date is asked for: leave the programme aim as it is
        if state in {IN_LEARNING, WAITING}:
            if self.plan.aim(seq).comp_status == "2" and state == WAITING:
                self.plan.explain("The programme aim is closed but no event (interview offer, new role with the existing "
                                  "employer, self-employment plan) is recorded: R_138 needs an event aim or an AchDate on a "
                                  "completed programme. Keep it open until the event, or until six months have passed.")
            self.keep_open(seq, "programme aim (it spans the events that follow the learning)")
            if state == WAITING:
                self.plan.ask("event", "Has the learner had an interview offer, an offer of a new role or responsibilities "
                                       "with their existing employer, or handed in a self-employment plan? If so, which one, "
                                       "and on what date was it made? M2 needs one of these events.", "event")
            return
        if any(s.comp_status not in {"2", "3"} or s.learn_act_end_date is None for s in self.subjects):
            # A subject aim's end date is still needed (asked above): closing now would break R_139/R_140.
            # Until then a programme that is not properly closed stays open.
            current = self.plan.aim(seq)
            if not (current.comp_status == "2" and current.learn_act_end_date):
                self.keep_open(seq, "programme aim (its end date follows the learning's, which is not known yet)")
            else:
                end = self.closing_date(include_event=True)
                if end and end > current.learn_act_end_date:
                    self.plan.set(seq, "LearnActEndDate", end, Reason(
                        "the programme cannot end before its components and events (R_143)", ("R_143",), "M2",
                        ("psm-bootcamps", "vr-2526")))
            return
        # A recorded programme end is never moved earlier — except when closing for the six-month rule with no
        # event: then the end is the learning's, because R_138's six-month exclusion is measured from it.
        no_event_closure = state == SIX_MONTHS and not self.has_event()
        end = self.closing_date(include_event=not no_event_closure, keep_recorded=not no_event_closure)
        if end is None:
            self.plan.ask("learning_end_date", "On what date did the bootcamp learning end?", "learning_end_date", seq)
            return
        if state == EVENT and (self.p.comp_status != "2" or self.p.learn_act_end_date is None):
            self.plan.explain("The learning is finished and the event is recorded, but the programme aim is still open, so "
                              "the completion milestone (M2) can't be counted: close it with CompStatus 2, a "
                              "LearnActEndDate and Outcome 8 — the coding two providers confirmed paid M2.")
        close = Reason("the programme is complete: CompStatus 2 with its LearnActEndDate; its end is the latest of the "
                       "learning end and the event (R_143)", ("CompStatus_03", "R_143"),
                       "M2" if state in {EVENT, OUTCOME} else None, ("forum-m2-fix", "psm-bootcamps", "vr-2526"),
                       "forum-confirmed" if state in {EVENT, OUTCOME} else "official")
        self.plan.set(seq, "CompStatus", "2", close)
        self.plan.set(seq, "LearnActEndDate", end, close)
        self.plan.set(seq, "WithdrawReason", None, Reason("WithdrawReason is only for withdrawn aims", ("WithdrawReason_04",),
                                                           sources=("field-withdrawreason",)))
        if state == EVENT and self.outcome_pending:
            pass  # keep the recorded Outcome until the outcome date is answered (asked above)
        elif state == EVENT:
            if self.plan.aim(seq).outcome == "2":
                self.plan.explain("Outcome 2 (partial achievement) is for prescribed HE aims only; a provider who used it on "
                                  "the programme aim was not paid M2. Use 8 while a job may still come.")
            self.plan.set(seq, "Outcome", "8", Reason("Outcome 8: learning complete, outcome not yet known — the coding that "
                                                      "paid M2 while waiting for a job", ("CompStatus_04", "Outcome_12"), "M2",
                                                      ("forum-m2-fix", "forum-outcome-2", "field-outcome"), "forum-confirmed"))
            self.plan.set(seq, "AchDate", None, Reason("no AchDate until there is a positive outcome (AchDate is the M3 "
                                                       "trigger date)", ("Outcome_04",), "M3", ("psm-event-aims-quoted",)))
        elif state == OUTCOME:
            when = self.outcome_date()
            self.plan.set(seq, "Outcome", "1", Reason("Outcome 1 with AchDate records the positive outcome (M3)",
                                                      ("Outcome_04", "CompStatus_08"), "M3", ("psm-event-aims-quoted", "field-achdate")))
            if when is None:
                self.plan.ask("outcome_date", "On what date did the learner meet the requirements for the positive outcome "
                                              "(for a job: the date of the job offer)?", "outcome_date", seq)
            else:
                if self.start and when < self.start:
                    self.plan.explain(f"The outcome date {fmt(when)} is before the programme started; R_144 forbids that.")
                self.plan.set(seq, "AchDate", when, Reason("AchDate is the date the learner met the requirements (the M3 "
                                                           "trigger date), no more than six months after LearnActEndDate",
                                                           ("AchDate_13", "CompStatus_08"), "M3", ("psm-event-aims-quoted", "field-achdate")))
        else:  # SIX_MONTHS
            why = Reason("six months after the end of learning with no positive outcome: close the programme with Outcome 3 "
                         "(the PSM six-month rule)", ("CompStatus_04", "AchDate_13", "R_138"), None,
                         ("forum-outcome-11", "psm-bootcamps"), "official")
            self.plan.set(seq, "Outcome", "3", why)
            self.plan.set(seq, "AchDate", None, why)

    def plan_stopped(self, state: str) -> None:
        """Withdrawn or on a break: every open aim of the programme stops on the same day."""
        code = "3" if state == WITHDRAWN else "6"
        given = self.facts.withdrawn_date if state == WITHDRAWN else self.facts.break_date
        def stopped_on(programme: bool) -> list[date]:
            return [d.learn_act_end_date for d in self.plan.current.values()
                    if d.con_ref_number == self.prog.con_ref and d.comp_status == code and d.learn_act_end_date
                    and d.is_programme_aim == programme and not d.is_event_aim]

        # The last day of learning: what the user said, else a stopped learning aim's end (the programme's
        # own end may have been pushed later by an event, R_143), else the programme's.
        recorded = stopped_on(False) or stopped_on(True)
        day = given or (max(recorded) if recorded else None)
        word = "withdrawal" if state == WITHDRAWN else "break"
        if day is None:
            self.plan.ask(f"{word}_date", "What was the learner's last day of learning" +
                          (" before the break?" if state == BREAK else "?"),
                          "withdrawn_date" if state == WITHDRAWN else "break_date")
        reason_known = self.facts.withdraw_reason or next(
            (d.withdraw_reason for d in self.plan.current.values()
             if d.con_ref_number == self.prog.con_ref and d.withdraw_reason), None)
        if state == WITHDRAWN and not reason_known:
            self.plan.ask("withdraw_reason", "Why did the learner withdraw? (the WithdrawReason code, e.g. 43 "
                                             "financial reasons, 44 other personal reasons, 98 not known)", "withdraw_reason")
        if day is None or (state == WITHDRAWN and not reason_known):
            return  # stopping the aims without these would trade one error for another
        sources = ("field-compstatus", "field-withdrawreason") if state == WITHDRAWN else ("field-compstatus", "pics-break")
        targets = [d for d in self.plan.current.values() if d.con_ref_number == self.prog.con_ref
                   and not d.is_event_aim and (d.is_programme_aim or d.comp_status in {None, "1", code})]
        targets.sort(key=lambda d: d.is_programme_aim)  # the programme's end follows its components' (R_143)
        for s in self.subjects:
            if s.comp_status == "2":  # learning completed before the learner stopped: it stays completed
                self.close_subject(s)
        for d in targets:
            why = Reason(f"{word}: CompStatus {code} with the last day of learning as LearnActEndDate and Outcome 3",
                         ("CompStatus_03", "CompStatus_04", "R_140"), "M1", sources)
            self.plan.set(d.seq, "CompStatus", code, why)
            if day is not None:
                end = day
                if d.is_programme_aim:
                    others = [o.learn_act_end_date for o in self.plan.current.values()
                              if o.is_component and o.con_ref_number == self.prog.con_ref and o.learn_act_end_date]
                    others += [f.date_from for f in self.plan.aim(d.seq).fams_of("EVI") if f.date_from]
                    end = max([day] + others)  # R_143 and LearnDelFAMDateFrom_07: nothing ends after the programme
                self.plan.set(d.seq, "LearnActEndDate", end, why)
            if self.plan.aim(d.seq).outcome not in {"1", "3", "8"}:
                self.plan.set(d.seq, "Outcome", "3", why)
            if d.is_programme_aim and self.plan.aim(d.seq).ach_date is not None:
                self.plan.set(d.seq, "AchDate", None, Reason("AchDate needs CompStatus 2 on the programme aim", ("CompStatus_08",),
                                                             sources=("vr-2526",)))
            if state == WITHDRAWN:
                reason = self.plan.aim(d.seq).withdraw_reason or self.facts.withdraw_reason or reason_known
                self.plan.set(d.seq, "WithdrawReason", reason, Reason("a withdrawn aim needs a WithdrawReason",
                                                                       ("WithdrawReason_03",), sources=("field-withdrawreason",)))
            else:
                self.plan.set(d.seq, "WithdrawReason", None, Reason("WithdrawReason is only for withdrawn aims",
                                                                     ("WithdrawReason_04",), sources=("field-withdrawreason",)))

    # -- events -------------------------------------------------------------------------------
    def plan_events(self, state: str) -> None:
        stopped = state in {WITHDRAWN, BREAK}
        if self.method == "event-indicators":
            self.events_to_evi(record_again=not stopped)
        else:
            self.evi_to_events(record_again=not stopped)
        day = self.event_date()
        if day is not None:
            day = self.clamp_to_start(day)
        existing = self.events
        if existing and self.facts.event_date is None:
            self.plan.explain("Check the event aim's date: it must be the date the event was formally offered (for an "
                              "interview, the day the interview was offered, not the day it took place).")
        for e in existing:
            self.fix_event_aim(e, day)
        if stopped:
            return
        if self.method == "event-aims":
            if not existing and self.facts.event and not (self.p and self.p.fams_of("EVI")):
                self.add_event_aim(day)
        else:
            self.fix_evis(day)

    def fix_event_aim(self, e: Delivery, told: date | None) -> None:
        """Bring an event aim to one date, CompStatus 2, Outcome 1.

        The date is the one the user gave (when there is a single event aim),
        else the aim's own date when its three dates agree; otherwise ask.
        """
        seq = e.seq
        day = told if told is not None and self.facts.event_date and len(self.events) == 1 else self.aim_event_date(e)
        if day is None:
            self.plan.ask("event_date", OFFER_DATE_Q, "event_date", seq)
            return
        day = self.clamp_to_start(day)
        why = Reason("an event aim records one day in all three dates: the date the offer was made (for an interview, "
                     "the date it was offered, not held)", ("LearnAimRef_126", "LearnAimRef_154", "R_150"), "M2",
                     ("psm-event-aims-quoted", "pics-126", "vr-2526"))
        for name in ("LearnStartDate", "LearnPlanEndDate", "LearnActEndDate"):
            self.plan.set(seq, name, day, why)
        done = Reason("event aims are only ever completed and achieved: CompStatus 2, Outcome 1", ("CompStatus_09",), "M2",
                      ("psm-event-aims-quoted",))
        self.plan.set(seq, "CompStatus", "2", done)
        self.plan.set(seq, "Outcome", "1", done)
        self.plan.set(seq, "AchDate", None, Reason("AchDate belongs on the programme aim only", (), None, ("field-achdate",)))
        self.plan.set(seq, "WithdrawReason", None, Reason("WithdrawReason is only for withdrawn aims", ("WithdrawReason_04",),
                                                           sources=("field-withdrawreason",)))

    def add_event_aim(self, day: date | None) -> bool:
        """Record the event the user told us about as its event aim; False (and a question) if it can't be yet."""
        kind = self.facts.event
        ref = EVENT_AIM_FOR.get(kind or "")
        template = self.p or (self.subjects[0] if self.subjects else None)
        if template is None:
            return False
        if ref is None:
            self.plan.ask("event_kind", "Which HGV event aim applies? The meanings of the six HGV event aims are not "
                                        "published in any source we hold; check the LARS database.", "event")
            return False
        if day is None:
            self.plan.ask("event_date", OFFER_DATE_Q, "event_date")
            return False
        self.plan.add_aim(template, ref, {
            "LearnStartDate": day, "LearnPlanEndDate": day, "LearnActEndDate": day, "CompStatus": "2", "Outcome": "1"},
            Reason(f"record the event with the event aim {ref} ({kind}), dated the day it was offered", ("R_138", "LearnAimRef_126"),
                   "M2", ("psm-event-aims-quoted", "psm-bootcamps-2425")))
        return True

    def events_to_evi(self, record_again: bool) -> None:
        """A programme starting from 1 August 2025 records events as EVI, never event aims (R_154)."""
        if self.p is None:
            return
        for e in list(self.events):
            day = e.learn_act_end_date or e.learn_start_date
            self.plan.explain(f"This bootcamp started {fmt(self.start)}, so it uses event indicators (EVI on the programme "
                              f"aim) instead of the event aim {e.learn_aim_ref} (R_154).")
            already = day and any(f.date_from == day for f in self.plan.aim(self.p.seq).fams_of("EVI"))
            if record_again and day and not already:
                if not self.add_evi(max(day, self.start or day, self.ctx.date("evi_cutover"))):
                    continue  # keep the event aim until its EVI can be recorded: never lose the event
            self.plan.remove_aim(e.seq, Reason(f"the programme started {fmt(self.start)}, on or after 1 August 2025, so "
                                               "event aims must not be used", ("R_154",), "M2", ("psm-bootcamps-evi", "vr-2526")))

    def add_evi(self, day: date) -> bool:
        """Record an event indicator; False (and a question) while its code is unknown."""
        code = self.facts.evi_code
        if code is None:
            self.plan.ask("evi_code", "Which EVI code does the 2025-26 ILR specification give for this event? (The code "
                                      "list is not published in any source we hold, so we will not guess it.)", "evi_code",
                          self.p.seq)
            return False
        self.plan.set_fam(self.p.seq, "EVI", None, Fam("EVI", code, day), Reason(
            "record the event as an event indicator on the programme aim, dated the day it happened",
            ("R_154", "LearnDelFAMType_133", "LearnDelFAMDateFrom_05"), "M2", ("psm-bootcamps-evi", "tfg-2025")))
        return True

    def fix_evis(self, day: date | None) -> None:
        if self.p is None:
            return
        seq = self.p.seq
        evis = self.plan.aim(seq).fams_of("EVI")
        for f in evis:
            fixed = Fam("EVI", f.code, f.date_from)
            if f.date_from and self.start and f.date_from < self.start:
                fixed = Fam("EVI", f.code, self.start)
            if fixed.date_from and fixed.date_from < self.ctx.date("evi_cutover"):
                fixed = Fam("EVI", f.code, self.ctx.date("evi_cutover"))
            if fixed != Fam("EVI", f.code, f.date_from, f.date_to) or f.date_to is not None:
                self.plan.set_fam(seq, "EVI", f, fixed, Reason(
                    "an EVI is dated within the programme (from its start) and carries no date-to",
                    ("LearnDelFAMDateFrom_07", "LearnDelFAMDateTo_04", "R_153"), "M2", ("psm-bootcamps-evi", "vr-2526")))
            if f.date_from is None:
                self.plan.ask("event_date", OFFER_DATE_Q, "event_date", seq)
        if not evis and self.facts.event and day is not None:
            self.add_evi(max(day, self.ctx.date("evi_cutover")))

    def evi_to_events(self, record_again: bool) -> None:
        """A programme starting before 1 August 2025 records events as event aims, never EVI (R_152)."""
        if self.p is None:
            return
        seq = self.p.seq
        for f in self.plan.aim(seq).fams_of("EVI"):
            if record_again and not self.events:
                if self.facts.event is None or not (self.facts.event_date or f.date_from):
                    # keep the EVI until its event aim can be recorded: never lose the event
                    self.plan.ask("event_kind", "Which event happened: an interview offer, a new role or responsibilities "
                                                "with the existing employer, or a self-employment plan?", "event")
                    continue
                if not self.add_event_aim(self.clamp_to_start(self.facts.event_date or f.date_from)):
                    continue
            self.plan.set_fam(seq, "EVI", f, None, Reason(
                f"the programme started {fmt(self.start)}, before 1 August 2025, so events are event aims, not EVI",
                ("R_152",), "M2", ("psm-bootcamps", "vr-2526")))


def plan_common(plan: Plan, learner: Learner) -> None:
    """Fixes that do not depend on the learner's state: funding codes, FAMs, ConRef."""
    progs = [d for d in plan.current.values() if d.is_programme_aim and d.is_bootcamp]
    ffi_codes = [f.code for d in plan.current.values() for f in d.fams_of("FFI") if f.code]
    for d in list(plan.current.values()):
        if not d.is_bootcamp or d.seq is None:
            continue
        seq = d.seq
        if d.fund_model == "37" and d.prog_type != "32":
            plan.set(seq, "ProgType", "32", Reason("funding model 37 goes with programme type 32", ("FundModel_16",), sources=("field-progtype",)))
        if d.prog_type == "32" and d.fund_model != "37":
            plan.set(seq, "FundModel", "37", Reason("programme type 32 goes with funding model 37", ("ProgType_21",), sources=("field-progtype",)))
        if d.add_hours is not None:
            plan.set(seq, "AddHours", None, Reason("AddHours is not collected for bootcamps", ("AddHours_02",), sources=("vr-2526",)))
        sofs = d.fams_of("SOF")
        if not sofs:
            plan.set_fam(seq, "SOF", None, Fam("SOF", "105"), Reason("every bootcamp aim carries SOF 105", ("LearnDelFAMType_01",),
                                                                      sources=("psm-bootcamps",)))
        for f in sofs:
            if f.code != "105" or f.date_from or f.date_to:
                plan.set_fam(seq, "SOF", f, Fam("SOF", "105"), Reason("bootcamps are SOF 105, with no dates on the FAM",
                                                                      ("LearnDelFAMType_112", "LearnDelFAMDateFrom_03"), sources=("psm-bootcamps",)))
        if not d.fams_of("FFI"):
            code = ffi_codes[0] if ffi_codes else plan.facts.ffi
            if code:
                plan.set_fam(seq, "FFI", None, Fam("FFI", code), Reason(
                    f"every bootcamp aim needs FFI; the learner's other aims say {code}", ("LearnDelFAMType_111",), sources=("field-ffi",)))
            else:
                plan.ask("ffi", "Is the learner fully funded (FFI 1: independent, or the employer is not paying) or co-funded "
                                "(FFI 2: the employer contributes)?", "ffi")
        for f in d.fams:
            if f.type == "FFI" and (f.date_from or f.date_to):
                plan.set_fam(seq, f.type, f, Fam(f.type, f.code), Reason(f"{f.type} carries no dates", ("LearnDelFAMDateFrom_03",
                                                                                                      "LearnDelFAMDateTo_04"), sources=("vr-2526",)))
        if len(progs) == 1 and d.is_component and progs[0].con_ref_number and d.con_ref_number != progs[0].con_ref_number:
            plan.set(seq, "ConRefNumber", progs[0].con_ref_number, Reason(
                "a component aim belongs to the programme aim with the same ConRefNumber; this learner has one bootcamp",
                ("R_135", "R_136"), sources=("field-conrefnumber",)))


def plan_starts(plan: Plan, prog: Programme) -> None:
    """Subject aims share the programme's start date (PSM); R_149 forbids an earlier one."""
    start = prog.earliest_start
    if start is None:
        return
    for s in prog.subject_aims:
        if s.seq in plan.current and s.learn_start_date and s.learn_start_date < start:
            plan.set(s.seq, "LearnStartDate", start, Reason("the subject aim starts with the programme aim (PSM); it "
                                                            "cannot start before it", ("R_149",), "M1", ("psm-bootcamps-2425",)))


def propose(learner: Learner, ctx: Context, facts: Facts | None = None) -> Proposal:
    facts = facts or Facts()
    plan = Plan(learner, facts)
    if not learner.is_bootcamp_learner:
        return Proposal()
    plan_clean_values(plan, learner)  # the text as written first: later edits of a field keep its raw 'from'
    plan_common(plan, learner)
    states: dict[str | None, str] = {}
    fixed_learner = learner.with_deliveries(tuple(plan.current.values()))
    for prog in programmes(fixed_learner):
        if not prog.programme_aims:
            plan.explain(f"The aims with ConRefNumber {fmt(prog.con_ref)} have no programme aim (ZPROG001); every bootcamp "
                         "needs one with the same FundModel, ProgType and ConRefNumber (R_135).")
            continue
        plan_starts(plan, prog)
        states[prog.con_ref] = ProgrammeAdvice(plan, prog, ctx, facts).run()
    changes = sorted(plan.changes, key=lambda c: c.aim_seq)  # stable: an added aim's fields follow its addition
    return Proposal(tuple(changes), tuple(plan.questions), tuple(plan.explanations), states)

