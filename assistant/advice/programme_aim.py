"""Planning the programme aim (ZPROG001): kept open, closed with Outcome 8, 1 (with its AchDate) or 3.

The programme aim spans the events that follow the learning, so it stays open
until the event (or the six months); it closes on the latest of the learning
end, the event and every component end (R_143), never on a date still to come.
Its Outcome follows the state: 8 while the outcome is awaited (the coding
providers confirmed pays M2), 1 with the AchDate for a positive outcome (M3), 3
when six months pass without one. Mixed into
:class:`assistant.advice.propose.ProgrammeAdvice`.
"""

from __future__ import annotations

from ..ilr.vocabulary import AIM_WORDS
from ..rules.base import fmt
from ..rules.milestones import before_what
from .plan import Reason
from .programme_base import ProgrammeBase
from .states import EVENT, IN_LEARNING, OUTCOME, SIX_MONTHS, WAITING


class ProgrammeAimPlanning(ProgrammeBase):
    """The programme aim of one programme (a mixin of ProgrammeAdvice)."""

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
            self.keep_open(seq, f"{AIM_WORDS['programme'][1]} (it spans the events that follow the learning)", None if (
                self.method == "event-aims" or state == IN_LEARNING) else Reason(
                "the programme aim is continuing: CompStatus 1 with no end date until the event (or the six months). "
                "Our reading for event indicators: the EVI article ends the programme when the learning has finished, "
                "but an EVI must fall within the programme aim's dates (LearnDelFAMDateFrom_07), so a later event "
                "needs the programme still open", ("CompStatus_02", "CompStatus_03", "LearnDelFAMDateFrom_07"), None,
                ("psm-bootcamps-evi", "vr-2526", "our-reading"), "inference"))
            if state == WAITING:
                self.ask_event()
            return
        # a paused spell's subject aim (CompStatus 6 with its end date) is closed too: a restart's record holds it
        if any(s.comp_status not in {"2", "3", "6"} or s.learn_act_end_date is None for s in self.subjects):
            # A subject aim's end date is still needed (asked above): closing now would break R_139/R_140.
            # Until then a programme that is not properly closed stays open.
            current = self.plan.aim(seq)
            if not (current.comp_status == "2" and current.learn_act_end_date):
                self.keep_open(seq, f"{AIM_WORDS['programme'][1]} (its end date follows the learning's, which is not known yet)")
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
                and self.facts.positive_outcome is not False \
                and not (state == SIX_MONTHS and self.facts.positive_outcome and self.facts.outcome_date is not None):
            # never lose: a recorded AchDate goes only once the user says there was no positive outcome, or gives
            # its date and it is too late to record (AchDate_13)
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
            latest = max(met) if met else None
            told_early = when is not None and latest is not None and when < latest and self.facts.outcome_date is not None
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
                if told_early and latest is not None:
                    # PSM: the AchDate is when the learner has completed the learning, an event has been recorded AND
                    # the positive outcome is reached: an outcome before the learning or the event dates from the later
                    self.plan.set(seq, "AchDate", latest, Reason(
                        f"the positive outcome ({fmt(when)}) came before the learning ended or the event was recorded; "
                        "the PSM dates the AchDate from when the learner has completed the learning, an event has "
                        f"been recorded and the positive outcome is reached, so the latest of those: {fmt(latest)}",
                        ("AchDate_13", "CompStatus_08"), "M3", ("psm-event-aims-quoted", "psm-bootcamps", "field-achdate")))
                else:
                    self.plan.set(seq, "AchDate", when, Reason("AchDate is the date the learner met the requirements (the "
                                                               "M3 trigger date), no more than six months after "
                                                               "LearnActEndDate", ("AchDate_13", "CompStatus_08"), "M3",
                                                               ("psm-event-aims-quoted", "field-achdate")))
        else:  # SIX_MONTHS
            if self.has_event():
                # The PSM's six-month rule is for a learner with no event; after an event, closing with Outcome 3
                # once no outcome can be recorded (AchDate_13) is our reading.
                why = Reason("no positive outcome was reached within six months of the programme's end, so none can be "
                             "recorded now (AchDate_13): close the programme with Outcome 3 (our reading: the PSM's "
                             "six-month rule names Outcome 3 for a learner with no event; it does not say what a learner "
                             "with an event and no outcome takes)", ("CompStatus_04", "AchDate_13"), None,
                             ("psm-six-month-quoted", "vr-2526", "our-reading"), "inference")
            elif self.method == "event-indicators":
                # The six-month rule is quoted from the event-aims article; the EVI article was not found to say it.
                why = Reason("six months after the end of learning with no positive outcome: close the programme with "
                             "Outcome 3 (the PSM's six-month rule for event aims, applied to event indicators: our "
                             "reading, as the EVI guidance we hold does not repeat it)", ("CompStatus_04", "AchDate_13"),
                             None, ("psm-six-month-quoted", "psm-bootcamps-evi"), "inference")
            elif self.has_event():
                # The PSM six-month rule is for a programme with NO event recorded: with an event, Outcome 3 once no
                # outcome can be recorded is our reading (the states table), and what it does to M2 is unreported.
                why = Reason("six months after the end of the programme with no positive outcome that can be recorded: "
                             "Outcome 3 (our reading: the PSM six-month rule is for a programme with no event recorded, "
                             "and whether M2 still pays with Outcome 3 after an event has not been reported)",
                             ("CompStatus_04", "AchDate_13"), None, ("psm-six-month-quoted", "our-reading"), "inference")
            else:
                why = Reason("six months after the end of learning with no positive outcome: close the programme with "
                             "Outcome 3 (the PSM six-month rule)", ("CompStatus_04", "AchDate_13", "R_138"), None,
                             ("psm-six-month-quoted", "psm-bootcamps"), "official")
            self.plan.set(seq, "Outcome", "3", why)
            self.plan.set(seq, "AchDate", None, why)
