"""Planning the subject learning aims: continuing while the learning lasts, closed once it has finished.

A finished subject aim is closed with its own end date and an Outcome (1 if the
learner passed, 3 if not); a missing date or result is asked, never guessed,
because closing without it trades one error for another (CompStatus_03/_04).
`keep_open` keeps any aim continuing, the programme aim too
(programme_aim.py): it never wipes a recorded AchDate or an end date no other
aim holds without asking first (never lose). Mixed into
:class:`assistant.advice.propose.ProgrammeAdvice`.
"""

from __future__ import annotations

from ..ilr.model import Delivery
from ..ilr.vocabulary import AIM_WORDS
from ..rules.base import fmt
from .plan import Reason, seq_of
from .programme_base import ProgrammeBase
from .programme_facts import real_end
from .states import IN_LEARNING


class SubjectPlanning(ProgrammeBase):
    """The subject aims of one programme, and keeping an aim continuing (a mixin of ProgrammeAdvice)."""

    def keep_open(self, seq: int, label: str, why: Reason | None = None) -> None:
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
        why = why or Reason(f"the {label} is continuing: CompStatus 1 with no end date", ("CompStatus_02", "CompStatus_03"),
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
                    self.keep_open(seq_of(s), AIM_WORDS["subject"][1])
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
