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
from collections.abc import Iterable
from datetime import date

from ..ilr.model import Delivery, Learner, Programme, programmes
from ..ilr.vocabulary import EVENT_AIM_FOR, STANDARD_EVENT_AIMS
from ..rules.base import Context, fmt
from ..rules.milestones import Method, before_what, method_for
from .common import plan_common, plan_starts
from .events import EventPlanning
from .plan import Plan, Reason, seq_of
from .schema_fixes import plan_clean_values
from .states import BREAK, EVENT, IN_LEARNING, OUTCOME, SIX_MONTHS, WAITING, WITHDRAWN
from .stopped import StoppedPlanning
from .types import Facts, Proposal

def real_end(d: Delivery) -> date | None:
    """An aim's LearnActEndDate, unless it is before the aim's own start (LearnActEndDate_01): nothing that
    follows from the end of learning (the six months, the programme's end) is built on an impossible date."""
    end = d.learn_act_end_date
    return None if end and d.learn_start_date and end < d.learn_start_date else end

class ProgrammeAdvice(EventPlanning, StoppedPlanning):
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
    def seqs(self, aims: Iterable[Delivery]) -> list[int]:
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
        ends = [e for s in self.prog.subject_aims if (e := real_end(s))]
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
        """An event aim's date when the dates it records agree (as LearnAimRef_126 requires), else None.

        A missing actual end (an event aim left continuing) takes the date the start and planned end agree on;
        dates that disagree, or a start alone, are a fact to ask.
        """
        given = [x for x in (e.learn_start_date, e.learn_plan_end_date, e.learn_act_end_date) if x is not None]
        return given[0] if len(given) >= 2 and len(set(given)) == 1 else None

    def event_date(self) -> date | None:
        """The M2 event's date: what the user said, else the latest date the record gives an event."""
        if self.facts.event_date:
            return self.facts.event_date
        days = [self.aim_event_date(e) or e.learn_act_end_date for e in self.prog.event_aims]
        if self.p is not None and self.method == "event-indicators":  # as planned: an EVI may have moved onto it
            days += [f.date_from for f in self.plan.current.get(seq_of(self.p), self.p).fams_of("EVI")]
        known = [d for d in days if d]
        return max(known) if known else None

    @property
    def standard_events(self) -> list[Delivery]:
        """Event aims R_138 accepts (Z0059747/8/9): HGV event aims alone do not satisfy it."""
        return [d for d in self.events if (d.learn_aim_ref or "").upper() in STANDARD_EVENT_AIMS]

    def r144_runs(self) -> bool:
        """R_144 (AchDate not before the programme start) runs in this year on this programme aim's start."""
        p = self.p
        return (self.ctx.rule_runs("R_144") and p is not None and p.learn_start_date is not None
                and p.learn_start_date >= self.ctx.date("r144_from"))

    def has_event(self) -> bool:
        """Whether the record, as planned so far, carries an M2 event the year's method accepts.

        Event aims method: a standard event aim (R_138 counts no other; an EVI there is an R_152 error
        and an HGV event aim alone leaves R_138 standing). Event indicators: an EVI (or an event aim still
        to be converted).
        """
        p = self.plan.current.get(seq_of(self.p)) if self.p is not None else None
        if self.method == "event-aims":
            return bool(self.standard_events)
        return bool(self.events or (p is not None and p.fams_of("EVI")))

    def event_needed(self, where: str = "") -> str:
        """What needs the event on a closed programme, by method: R_138 runs only on starts up to 31 July 2025."""
        if self.method == "event-aims":
            return "R_138 needs an event aim or an AchDate" + where
        return ("M2 needs the event recorded as an event indicator (EVI) on the programme aim, within its dates "
                "(LearnDelFAMDateFrom_07; R_138 does not apply to programmes starting from 1 August 2025)")

    def other_recorded_event(self) -> str | None:
        """An event the record holds that this method cannot count yet (HGV event aim, kept EVI): its name."""
        p = self.plan.current.get(seq_of(self.p)) if self.p is not None else None
        if self.method != "event-aims" or self.standard_events:
            return None
        hgv = [d.learn_aim_ref for d in self.events]
        if hgv:
            return f"the HGV event aim {hgv[0]}"
        if p is not None and p.fams_of("EVI"):
            return "an event indicator (EVI)"
        return None

    def outcome_date(self) -> date | None:
        return self.facts.outcome_date or (self.p.ach_date if self.p is not None else None)

    def positive_outcome(self) -> bool:
        if self.facts.positive_outcome is not None:
            return self.facts.positive_outcome
        return self.p is not None and self.p.outcome == "1" and self.p.comp_status not in {"3", "6"}

    def outcome_conflict(self) -> bool:
        """An AchDate with an Outcome other than 1 (Outcome_04): the AchDate or the Outcome is wrong — a fact to ask."""
        return (self.facts.positive_outcome is None and self.p is not None and self.p.ach_date is not None
                and self.p.outcome != "1" and self.p.comp_status not in {"3", "6"})

    def ask_positive_outcome(self, why: str) -> None:
        self.plan.ask("positive_outcome", f"{why} Did the learner reach a positive outcome (a new job, a new role with "
                                          "their employer, or new self-employment work)? If so, on what date did they "
                                          "meet its requirements (for a job: the date of the job offer)?",
                      "positive_outcome", self.p.seq if self.p is not None else None)

    # -- state --------------------------------------------------------------------
    def state(self) -> str:
        p = self.p
        aim_seq = p.seq if p is not None else None  # the programme aim the questions below are about
        if self.facts.withdrawn_date or (p is not None and p.comp_status == "3"):
            passed = [s for s in self.prog.subject_aims if s.comp_status == "2" and s.outcome == "1"]
            if passed and self.facts.withdrawn_date is None:
                self.plan.explain("The learner passed the learning (the subject aim is completed with Outcome 1) but the "
                                  "programme aim says withdrawn (CompStatus 3): recorded that way the learner gives up M2 "
                                  "and M3, which need a completed programme aim.")
                self.plan.ask("withdrawn_confirm", "Did the learner really withdraw from the bootcamp? They passed the "
                                                   "learning, and a withdrawn programme aim gives up M2 and M3. If they "
                                                   "did not withdraw, the programme aim should be completed (CompStatus 2) "
                                                   "— say which event followed, if any.", "withdrawn_date", aim_seq)
            return WITHDRAWN
        if self.facts.break_date or (p is not None and p.comp_status == "6"):
            return BREAK
        finished = self.learning_finished()
        if not finished:
            return IN_LEARNING
        end = self.closing_date(include_event=True, keep_recorded=False)
        # AchDate_13 measures the AchDate from the programme aim's own end, which the advice never moves earlier
        ach_end = self.closing_date(include_event=True)
        # A positive outcome we cannot place yet (its date is asked for, or a recorded one must be checked):
        # the programme aim's Outcome and AchDate stay as recorded (never guess, never lose).
        self.outcome_pending = outcome_pending = False
        recorded = self.facts.outcome_date is None
        if self.outcome_conflict():
            assert p is not None  # an AchDate and Outcome that disagree are a programme aim's
            self.outcome_pending = outcome_pending = True
            self.ask_positive_outcome(f"The programme aim has an AchDate ({fmt(p.ach_date)}) but Outcome "
                                      f"{fmt(p.outcome)}: an AchDate goes only with Outcome 1 (Outcome_04), so either "
                                      "the AchDate or the Outcome is wrong.")
        elif self.positive_outcome():
            when = self.outcome_date()
            self.outcome_pending = outcome_pending = True
            if when is None:  # without the date the outcome cannot be recorded yet: ask, and plan as if awaited
                self.plan.ask("outcome_date", "On what date did the learner meet the requirements for the positive "
                                              "outcome (for a job: the date of the job offer)?", "outcome_date", aim_seq)
            elif when > self.ctx.as_of and recorded:
                self.plan.check("achdate_after_file", f"A person must check the AchDate ({fmt(when)}): it is after the file "
                                f"preparation date ({fmt(self.ctx.as_of)}), because an outcome is recorded only once it has "
                                "happened (AchDate_07). Correct the date if it is wrong; if it is right, it belongs in a "
                                "return prepared on or after it.", aim_seq)
            elif ach_end and when > self.ctx.add_six_months(ach_end) and recorded:
                self.plan.check("achdate_late", f"A person must check the AchDate ({fmt(when)}): it is more than six months "
                                f"after the end of the programme ({fmt(ach_end)}), because AchDate_13 forbids that. If the date "
                                "is right, the outcome cannot be claimed as M3 and the programme aim closes with Outcome 3; "
                                "if it is wrong, correct it.", aim_seq)
            elif self.start and when < self.start and recorded:
                because = ("R_144 forbids that" if self.r144_runs() else "the PSM dates the AchDate from when the learning is complete, "
                           "an event recorded and the positive outcome reached (R_144, which forbids it for starts from 1 "
                           "August 2023, does not run on this one)")
                self.plan.check("achdate_before_start", f"A person must check the AchDate ({fmt(when)}): it is before the "
                                f"programme started ({fmt(self.start)}), because {because}. It must be the date "
                                "the learner met the requirements of the positive outcome.", aim_seq)
            elif ach_end and when > self.ctx.add_six_months(ach_end):
                self.outcome_pending = outcome_pending = False
                self.plan.explain(f"The positive outcome ({fmt(when)}) came more than six months after the end of the "
                                  f"programme ({fmt(ach_end)}): AchDate_13 forbids recording it, so it cannot be claimed as M3.")
            else:
                self.outcome_pending = False
                return OUTCOME
        six_months_passed = bool(end and self.ctx.as_of > self.ctx.add_six_months(end))
        # an EVI on an event-aims programme (R_152) still records that an event happened: the PSM six-month rule
        # (no event recorded) does not decide it; which event aim it becomes is asked (evi_to_events)
        wrong_form = self.method == "event-aims" and p is not None and bool(p.fams_of("EVI"))
        if self.has_event() or wrong_form:  # after an event the window that decides is AchDate_13's: an outcome may still be recorded
            six_months_passed = bool(ach_end and self.ctx.as_of > self.ctx.add_six_months(ach_end))
        if p is not None and p.comp_status == "2" and p.outcome == "3":
            if self.has_event() and not six_months_passed and not outcome_pending:
                self.plan.explain("The programme aim is closed with Outcome 3 (no achievement) although an event is "
                                  "recorded and the six months after the end of learning have not passed: Outcome 8 "
                                  "(learning complete, outcome not yet known) is the coding providers confirmed pays M2 "
                                  "while the outcome is awaited; 3 is for when the six months pass with no outcome.")
                return EVENT
            if self.has_event() or six_months_passed:
                return SIX_MONTHS  # closed with no positive outcome, as recorded
            self.plan.explain("The programme aim is closed with Outcome 3 before six months have passed and with no "
                              "event recorded: " + self.event_needed() + " until the six months are up.")
        if six_months_passed and ach_end and not outcome_pending and self.has_event() \
                and self.facts.positive_outcome is None:
            # An event is recorded, so the PSM six-month rule (no event recorded) does not decide this; an outcome
            # reached inside the window can still be recorded (AchDate_13 bounds the AchDate, not the return).
            # Whether there was one is a fact: ask, and leave the record claiming M2 as it is until answered.
            self.ask_positive_outcome(f"More than six months have passed since the end of the programme ({fmt(ach_end)}) "
                                      "with an event recorded but no positive outcome. An outcome reached by "
                                      f"{fmt(self.ctx.add_six_months(ach_end))} can still be recorded (AchDate_13); if there "
                                      "was none, the programme aim closes with Outcome 3.")
            return EVENT
        if six_months_passed and not outcome_pending:
            since = (f"the end of the programme ({fmt(ach_end)})" if self.has_event() or wrong_form
                     else f"the end of learning ({fmt(end)})")
            self.plan.explain(f"It is more than six months since {since} with no positive outcome "
                              "that can be recorded: the PSM six-month rule says to close the programme aim with "
                              "CompStatus 2 and Outcome 3.")
            return SIX_MONTHS
        return EVENT if self.has_event() or self.event_awaits_code() or wrong_form else WAITING

    def event_awaits_code(self) -> bool:
        """An event the user named and dated whose EVI waits only for its code: the event has happened.

        The programme aim then closes as it does when the record holds the event (the code is asked for),
        rather than staying open as if no event had come.
        """
        return (self.method == "event-indicators" and self.facts.event is not None
                and self.facts.event_date is not None and self.facts.evi_code is None)

    def closing_date(self, include_event: bool, keep_recorded: bool = True) -> date | None:
        """The programme's end: the latest of learning end, event date and every component end (R_143).

        With ``keep_recorded`` a programme end already recorded is never moved earlier; without it
        (for the six-month window, which runs from the end of learning and events) it is ignored.
        """
        days = [self.learning_end()]
        if include_event:
            ev = self.event_date()
            days.append(self.clamp_to_start(ev) if ev else None)
        days += [real_end(d) for d in self.plan.current.values()
                 if d.is_component and d.con_ref_number == self.prog.con_ref]
        if self.p is not None and self.p.seq in self.plan.current and self.method == "event-indicators":
            days += [f.date_from for f in self.plan.aim(seq_of(self.p)).fams_of("EVI")]  # LearnDelFAMDateFrom_07
        if keep_recorded and self.p is not None and self.p.comp_status == "2":
            days.append(self.p.learn_act_end_date)
        known = [d for d in days if d]
        return max(known) if known else None

    # -- planning ---------------------------------------------------------------------
    def run(self) -> str:
        self.check_future_dates()
        state = self.state()
        self.plan_events(state)
        state = self.state()  # events added or converted above change what the record shows
        if state in {WITHDRAWN, BREAK}:
            self.plan_stopped(state)
        else:
            failed = [x for x in self.subjects if x.comp_status == "2" and x.outcome == "3"]
            if failed and not any(x.outcome == "1" for x in self.subjects) and self.facts.learning_achieved is None:
                x = failed[0]
                self.plan.ask("subject_not_passed", f"The subject aim {x.learn_aim_ref} (aim {x.seq}) is completed with "
                              "Outcome 3 (not passed): M2 pays for learning completed with its assessments passed. Did "
                              "the learner pass? If so, its Outcome is 1; if not, M2 will not pay.", None, x.seq)
            stopped = [x for x in self.subjects if x.comp_status in {"3", "6"}]
            # a subject aim still continuing (a restart after a break, a transfer to a new aim) carries the learning on
            if stopped and not any(x.comp_status in {None, "1", "2"} for x in self.subjects) \
                    and self.facts.learning_achieved is None:
                x = stopped[0]
                self.plan.ask("learning_completed", f"The subject aim {x.learn_aim_ref} (aim {x.seq}) is recorded as "
                              f"{'withdrawn' if x.comp_status == '3' else 'on a break'} (CompStatus {x.comp_status}) but "
                              "the programme is not: M2 pays for completed learning. Did the learner complete the "
                              "learning? If so, the subject aim is CompStatus 2 with Outcome 1; if not, the programme "
                              "aim stops too.", None, x.seq)
            self.plan_subjects(state)
            self.plan_programme(state)
        self.complete_stopped_aims()
        return state

    def check_future_dates(self) -> None:
        """Never stop short: an end date after the file preparation date (LearnActEndDate_04) is a fact to correct."""
        for d in self.prog.aims:
            if d.learn_act_end_date and d.learn_act_end_date > self.ctx.as_of and d.seq is not None:
                self.plan.check("end_after_file", f"A person must check the LearnActEndDate of {d.label()} "
                                f"({fmt(d.learn_act_end_date)}): it is after the file preparation date "
                                f"({fmt(self.ctx.as_of)}), because an end date is recorded only once it has happened "
                                "(LearnActEndDate_04). Correct it if it is wrong; if the learning really ends then, the "
                                "aim stays continuing until a return prepared on or after that date.", d.seq)

    def keep_open(self, seq: int, label: str) -> None:
        d = self.plan.aim(seq)
        if d.ach_date is not None and self.facts.positive_outcome is not False:
            # never lose: a recorded positive outcome is not wiped by reopening; ask about it first
            self.ask_positive_outcome(f"The record says the {label.split(' (')[0]} is not finished, but it has an "
                                      f"AchDate ({fmt(d.ach_date)}).")
            return
        end = d.learn_act_end_date
        held = {a.learn_act_end_date for a in self.plan.current.values()
                if a.seq != seq and a.con_ref_number == self.prog.con_ref}
        told = self.facts.event is not None or self.facts.learning_finished is not None
        if end is not None and end not in held and not told:
            # never lose: a date that no other aim holds may be an event's; reopen only once the user has said
            self.plan.check("end_date_kept", f"A person must check {d.label()}: it ends {fmt(end)}, a date no other aim "
                            "records, because reopening it (CompStatus 1, no end date) would lose that date. If an "
                            "event happened then, record it; if not, reopen the aim until the event or the six months.",
                            seq)
            return
        outcome_11 = self.ctx.rule_runs("Outcome_11")  # from the year's rule table
        keep_8 = not outcome_11 and d.outcome == "8"
        why = Reason(f"the {label} is continuing: CompStatus 1 with no end date", ("CompStatus_02", "CompStatus_03"),
                     sources=("psm-bootcamps", "vr-2526"))
        self.plan.set(seq, "CompStatus", "1", why)
        self.plan.set(seq, "LearnActEndDate", None, why)
        if not keep_8:
            # Cite only the rules that apply: Outcome_11 where it runs on bootcamps, Outcome_10 for Outcome 3.
            rules = (("Outcome_11",) if outcome_11 else ()) + (("Outcome_10",) if d.outcome == "3" else ())
            if rules:
                self.plan.set(seq, "Outcome", None, Reason(
                    "a continuing aim carries no Outcome here" + ("" if not outcome_11 else
                                                                  f" (in {self.ctx.year} Outcome_11 applies to bootcamps)"),
                    rules, sources=("vr-2526", "forum-outcome-11")))
            else:
                self.plan.set(seq, "Outcome", None, Reason(
                    f"a continuing aim carries no Outcome until its learning ends; no {self.ctx.year} rule we hold "
                    "requires this of a bootcamp (Outcome_11 excludes them), so this is our reading",
                    (), sources=("our-reading",), grade="inference"))
        self.plan.set(seq, "AchDate", None, Reason("no AchDate while the aim is continuing",
                                                    ("CompStatus_08", "Outcome_04"), sources=("field-achdate",)))
        self.plan.set(seq, "WithdrawReason", None, Reason("WithdrawReason is only for withdrawn aims", ("WithdrawReason_04",),
                                                           sources=("field-withdrawreason",)))

    def plan_subjects(self, state: str) -> None:
        for s in self.subjects:
            if state == IN_LEARNING:
                if s.comp_status in {None, "1"} or not s.learn_act_end_date:
                    self.keep_open(seq_of(s), "subject learning aim")
                continue
            self.close_subject(s)

    def close_subject(self, s: Delivery) -> None:
        seq = seq_of(s)
        end = real_end(s) or self.facts.learning_end_date
        why = Reason("the bootcamp learning has finished, so the subject learning aim is closed", ("CompStatus_03", "R_139", "R_140"),
                     "M2", ("psm-bootcamps", "vr-2526"))
        if end is None:  # closing it without the date would trade one error for another (CompStatus_03)
            recorded = (f" The record says {fmt(s.learn_act_end_date)}, before the aim started ({fmt(s.learn_start_date)}), "
                        "which LearnActEndDate_01 forbids." if s.learn_act_end_date else "")
            self.plan.ask("learning_end_date", f"On what date did the bootcamp learning end ({s.learn_aim_ref}, aim {seq})?"
                          + recorded, "learning_end_date", seq)
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

    def ask_event(self) -> None:
        if self.facts.event in EVENT_AIM_FOR:
            return  # the user named the event: what it still needs (its date, its EVI code) is asked on its own
        self.plan.ask("event", "Has the learner had an interview offer, an offer of a new role or responsibilities "
                               "with their existing employer, or handed in a self-employment plan? If so, which one, "
                               "and on what date was it made? M2 needs one of these events.", "event")

    def plan_programme(self, state: str) -> None:
        if self.p is None or self.p.seq not in self.plan.current:
            return
        seq = self.p.seq
        if self.method == "event-aims" and self.plan.aim(seq).fams_of("EVI"):
            return  # an EVI kept until we know which event aim replaces it: its dates decide the programme's
        if state in {IN_LEARNING, WAITING} and self.outcome_pending:
            return  # the record claims a positive outcome whose date is asked for: leave the programme aim as it is
        other = self.other_recorded_event()
        if state == WAITING and other and self.plan.aim(seq).comp_status == "2":
            self.plan.explain(f"The record holds {other}, but R_138 counts only the standard event aims (Z0059747 "
                              "interview offer, Z0059748 new role, Z0059749 self-employment plan) on a programme that "
                              "started before 1 August 2025. If one of those events happened, record its event aim; "
                              "the programme aim stays as recorded until then.")
            self.ask_event()
            return
        if state in {IN_LEARNING, WAITING}:
            if self.plan.aim(seq).comp_status == "2" and state == WAITING and self.plan.aim(seq).outcome != "3":
                self.plan.explain("The programme aim is closed but no event (interview offer, new role with the existing "
                                  "employer, self-employment plan) is recorded: " + self.event_needed(" on a completed programme")
                                  + ". Keep it open until the event, or until six months have passed.")
            self.keep_open(seq, "programme aim (it spans the events that follow the learning)")
            if state == WAITING:
                self.ask_event()
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
        if end > self.ctx.as_of:  # closing on a date still to come would break LearnActEndDate_04
            self.plan.check("close_after_file", f"A person must check when to close the programme aim: its end would be "
                            f"{fmt(end)}, after the file preparation date ({fmt(self.ctx.as_of)}), because the latest "
                            "component or event date is then; correct that date if it is wrong, or close the programme "
                            "in a return prepared on or after it.", seq)
            return
        if state == EVENT and (self.p.comp_status != "2" or self.p.learn_act_end_date is None):
            self.plan.explain("The learning is finished and the event has happened, but the programme aim is still open, so "
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
        elif state in {EVENT, SIX_MONTHS} and self.plan.aim(seq).ach_date is not None \
                and self.facts.positive_outcome is not False:
            # never lose: a recorded AchDate goes only once the user says there was no positive outcome
            self.ask_positive_outcome(f"The programme aim has an AchDate ({fmt(self.plan.aim(seq).ach_date)}) that "
                                      "cannot be recorded as it stands.")
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
            met = [d for d in (self.learning_end(), self.event_date()) if d]
            when = self.outcome_date()
            if when and met and when < max(met) and self.facts.outcome_date is None:
                ends, event = self.learning_end(), self.event_date()
                self.plan.check("achdate_before_event", f"A person must check the AchDate ({fmt(when)}): it is before "
                                f"{before_what(when, [ends] if ends else [], [event] if event else [])}, because the PSM dates it from when the "
                                "learning is complete, an event recorded and the positive outcome reached.", seq)
            if not self.has_event():
                self.plan.explain("A positive outcome is recorded but no event is: the PSM dates the AchDate from when the "
                                  "learning is complete, one of the event aims (or an EVI) has been recorded and the positive "
                                  "outcome reached, so M3 needs the event recorded too.")
                self.ask_event()
            when = self.outcome_date()
            self.plan.set(seq, "Outcome", "1", Reason("Outcome 1 with AchDate records the positive outcome (M3)",
                                                      ("Outcome_04", "CompStatus_08"), "M3", ("psm-event-aims-quoted", "field-achdate")))
            if when is None:
                self.plan.ask("outcome_date", "On what date did the learner meet the requirements for the positive outcome "
                                              "(for a job: the date of the job offer)?", "outcome_date", seq)
            else:
                if self.start and when < self.start:
                    self.plan.explain(f"The outcome date {fmt(when)} is before the programme started; "
                                      + ("R_144 forbids that." if self.r144_runs() else "the PSM dates the AchDate after "
                                         "the learning and the event, so check it."))
                self.plan.set(seq, "AchDate", when, Reason("AchDate is the date the learner met the requirements (the M3 "
                                                           "trigger date), no more than six months after LearnActEndDate",
                                                           ("AchDate_13", "CompStatus_08"), "M3", ("psm-event-aims-quoted", "field-achdate")))
        else:  # SIX_MONTHS
            if self.method == "event-indicators":
                # The six-month rule is quoted from the event-aims article; the EVI article was not found to say it.
                why = Reason("six months after the end of learning with no positive outcome: close the programme with "
                             "Outcome 3 (the PSM's six-month rule for event aims, applied to event indicators: our "
                             "reading, as the EVI guidance we hold does not repeat it)", ("CompStatus_04", "AchDate_13"),
                             None, ("psm-six-month-quoted", "psm-bootcamps-evi"), "inference")
            else:
                why = Reason("six months after the end of learning with no positive outcome: close the programme with "
                             "Outcome 3 (the PSM six-month rule)", ("CompStatus_04", "AchDate_13", "R_138"), None,
                             ("psm-six-month-quoted", "psm-bootcamps"), "official")
            self.plan.set(seq, "Outcome", "3", why)
            self.plan.set(seq, "AchDate", None, why)

def propose(learner: Learner, ctx: Context, facts: Facts | None = None) -> Proposal:
    facts = facts or Facts()
    plan = Plan(learner, facts)
    if not learner.is_bootcamp_learner:
        return Proposal()
    plan_clean_values(plan, learner)  # the text as written first: later edits of a field keep its raw 'from'
    plan_common(plan, learner)
    states: dict[str | None, str] = {}
    current = tuple(plan.current.values())
    # Nothing planned yet (most learners): the record itself, whose programmes the checks already grouped.
    unchanged = len(current) == len(learner.deliveries) and all(a is b for a, b in zip(current, learner.deliveries))
    fixed_learner = learner if unchanged else learner.with_deliveries(current)
    for prog in programmes(fixed_learner):
        if not prog.programme_aims:
            plan.explain(f"The aims with ConRefNumber {fmt(prog.con_ref)} have no programme aim (ZPROG001); every bootcamp "
                         "needs one with the same FundModel, ProgType and ConRefNumber (R_135).")
            continue
        if any(q.id == "conref" and q.aim_seq == a.seq for q in plan.questions for a in prog.programme_aims):
            continue  # its components carry another ConRefNumber: which is right is asked; no advice on the split
        plan_starts(plan, prog, ctx)
        states[prog.con_ref] = ProgrammeAdvice(plan, prog, ctx, facts).run()
    changes = sorted(plan.changes, key=lambda c: c.aim_seq)  # stable: an added aim's fields follow its addition
    return Proposal(tuple(changes), tuple(plan.questions), tuple(plan.explanations), states)

