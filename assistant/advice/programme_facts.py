"""What is known about one bootcamp programme: its record as planned so far, and what the user said.

Every planner of a programme (its events, a stopped programme, the subject aims,
the programme aim) and the choice of its learner state read the same facts: when
the learning ended, when the event happened, whether the record carries an event
the year's method accepts, the positive outcome, and the date the programme
closes on (R_143). They are worked out here, once, together with the two
questions several planners ask when such a fact is missing (which event; was
there a positive outcome). A date the user gave that is after the file
preparation date is set aside on the way in (`not_after`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from ..ilr.model import Delivery, Programme
from ..ilr.vocabulary import EVENT_AIM_FOR, STANDARD_EVENT_AIMS, aim_words
from ..rules.base import Context, fmt
from ..rules.cross_rules import evi_year
from ..rules.milestones import Method, method_for
from .plan import Plan, seq_of
from .types import Facts

def real_end(d: Delivery) -> date | None:
    """An aim's LearnActEndDate, unless it is before the aim's own start (LearnActEndDate_01): nothing that
    follows from the end of learning (the six months, the programme's end) is built on an impossible date."""
    end = d.learn_act_end_date
    return None if end and d.learn_start_date and end < d.learn_start_date else end

class ProgrammeFacts:
    """One programme's state and what its record says: the base of ProgrammeAdvice and of every planner mixed into it."""

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
        if self.learning_stopped_programme_open():
            return None  # stopped is not finished: whether the learner left the bootcamp is asked (left_bootcamp)
        if subjects and all(s.comp_status == "2" or s.learn_act_end_date for s in subjects):
            return True
        if self.p is not None and self.p.comp_status == "2":
            return True
        return None

    def learning_stopped_programme_open(self) -> bool:
        """Every subject aim withdrawn or paused (CompStatus 3/6) while the programme aim is continuing.

        The learner stopped the learning but the record does not say they left the bootcamp (the PSM ends the
        programme aim "unless the learner withdraws"): left, paused or moved to other learning is a fact to ask.
        """
        subjects = self.prog.subject_aims
        return (bool(subjects) and all(s.comp_status in {"3", "6"} for s in subjects)
                and self.p is not None and self.p.comp_status in {None, "1"}
                and self.facts.learning_finished is None and self.facts.withdrawn_date is None
                and self.facts.break_date is None)

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
            start = self.p.learn_start_date if self.p is not None else None
            if start and evi_year(self.ctx) and start > self.ctx.date("event_aims_until"):
                # R_138 v3 runs on the completed programme aim's own start (<= 31 Jul 2025), while R_152 takes the
                # contract's earliest: a restart or second bootcamp from August 2025 is on event aims without R_138
                return (f"M2 needs the event recorded as an event aim{where}: the contract's first programme started "
                        f"{fmt(self.start)}, before 1 August 2025 (R_152); R_138 itself does not run on this "
                        f"programme aim, which started {fmt(start)}")
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
            return f"the {aim_words(hgv[0], '3')} {hgv[0]}"
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

    # -- questions for a fact the record lacks ---------------------------------------
    def ask_positive_outcome(self, why: str) -> None:
        self.plan.ask("positive_outcome", f"{why} Did the learner reach a positive outcome (a new job, a new role with "
                                          "their employer, or new self-employment work)? If so, on what date did they "
                                          "meet its requirements (for a job: the date of the job offer)?",
                      "positive_outcome", self.p.seq if self.p is not None else None)

    def ask_event(self) -> None:
        if self.facts.event in EVENT_AIM_FOR:
            return  # the user named the event: what it still needs (its date, its EVI code) is asked on its own
        self.plan.ask("event", "Has the learner had an interview offer, an offer of a new role or responsibilities "
                               "with their existing employer, or handed in a self-employment plan? If so, which one, "
                               "and on what date was it made? M2 needs one of these events.", "event")
