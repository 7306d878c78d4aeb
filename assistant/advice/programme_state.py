"""Which learner state one programme is in (domain.md §6), read from its record and the user's answers.

In learning, learning finished and waiting for an event, event happened (M2
due), positive outcome (M3 due), no outcome within six months, withdrawn, break
in learning: the state decides the values every aim is brought to. Deciding it
raises the checks and questions a state cannot be chosen without (an AchDate
that conflicts with the Outcome, after the file or outside the six months; a
withdrawal of a learner who passed). Mixed into
:class:`assistant.advice.propose.ProgrammeAdvice`.
"""

from __future__ import annotations

from ..rules.base import fmt
from .programme_base import ProgrammeBase
from .states import BREAK, EVENT, IN_LEARNING, OUTCOME, SIX_MONTHS, WAITING, WITHDRAWN


class StateReading(ProgrammeBase):
    """The learner state of one programme (a mixin of ProgrammeAdvice)."""

    def state(self) -> str:
        p = self.p
        aim_seq = p.seq if p is not None else None  # the programme aim the questions below are about
        if self.facts.withdrawn_date or (p is not None and p.comp_status == "3"):
            passed = [s for s in self.prog.subject_aims if s.comp_status == "2" and s.outcome == "1"]
            if passed and self.facts.withdrawn_date is None:
                self.plan.explain("The learner passed the learning (the subject aim is completed with Outcome 1) but the "
                                  "programme aim says withdrawn (CompStatus 3): recorded that way the learner gives up M2 "
                                  "and M3. An AchDate needs a completed programme aim (CompStatus_08); the coding "
                                  "providers confirmed paid M2 has it completed, and that a withdrawn one cannot pay M2 "
                                  "is our reading.")
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
                                  "while the outcome is awaited; 3 is for when the six months pass without one (the PSM "
                                  "six-month rule is for no event; after an event it is our reading).")
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
            rule = ("AchDate_13 allows no AchDate after that, so close the programme aim with CompStatus 2 and Outcome "
                    "3 (our reading: the PSM six-month rule names Outcome 3 for a learner with no event)"
                    if self.has_event() or wrong_form else
                    "the PSM six-month rule for event aims says to close the programme aim with CompStatus 2 and "
                    "Outcome 3 (for event indicators, our reading)" if self.method == "event-indicators" else
                    "the PSM six-month rule says to close the programme aim with CompStatus 2 and Outcome 3")
            self.plan.explain(f"It is more than six months since {since} with no positive outcome "
                              f"that can be recorded: {rule}.")
            return SIX_MONTHS
        return EVENT if self.has_event() or self.event_awaits_code() or wrong_form else WAITING
