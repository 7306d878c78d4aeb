"""Planning a programme the learner left (withdrawn, CompStatus 3) or paused (break in learning, CompStatus 6).

Every open aim stops on the last day of learning with Outcome 3 (and, when
withdrawn, a WithdrawReason); a recorded positive outcome (AchDate) is never
wiped without asking. Mixed into :class:`assistant.advice.propose.ProgrammeAdvice`.
"""

from __future__ import annotations

from datetime import date

from ..rules.base import fmt
from .plan import Reason, seq_of
from .programme_base import ProgrammeBase
from .states import BREAK, WITHDRAWN

#: Outcome 3 on a withdrawn or paused aim: CompStatus_04 needs an Outcome once an aim is not continuing, 2 is for
#: prescribed HE only, and no source names the code for a withdrawal or a break (domain brief §6): our reading.
#: Bootcamps are exempt from CompStatus_06, which would otherwise name the codes a stopped aim may not take.
OUTCOME_3 = Reason("an aim that is not continuing needs an Outcome: 3 (no achievement) is our reading for a withdrawal "
                   "or a break, as 2 is for prescribed HE only and no source names the code",
                   ("CompStatus_04",), "M1", ("field-outcome", "vr-2526", "our-reading"), grade="inference")


class StoppedPlanning(ProgrammeBase):
    """Withdrawn and paused programmes (a mixin of ProgrammeAdvice)."""

    def complete_stopped_aims(self) -> None:
        """Any aim left withdrawn or paused still needs its Outcome and (withdrawn) its reason."""
        for seq, d in list(self.plan.current.items()):
            if d.con_ref_number != self.prog.con_ref or d.is_event_aim or d.comp_status not in {"3", "6"}:
                continue
            if d.outcome is None and d.learn_act_end_date is not None:  # Outcome_11: no Outcome without an end date
                self.plan.set(seq, "Outcome", "3", OUTCOME_3)
            if d.comp_status == "3" and d.withdraw_reason is None:
                if self.facts.withdraw_reason:
                    self.plan.set(seq, "WithdrawReason", self.facts.withdraw_reason, Reason(
                        "a withdrawn aim needs a WithdrawReason", ("WithdrawReason_03",), sources=("field-withdrawreason",)))
                else:
                    self.plan.ask("withdraw_reason", "Why did the learner withdraw? (the WithdrawReason code, e.g. 43 "
                                                     "financial reasons, 44 other personal reasons, 98 not known)",
                                  "withdraw_reason")

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
        achieved = self.p.ach_date if self.p is not None else None
        if achieved is not None and self.facts.positive_outcome is not False:
            # never lose: a recorded positive outcome is removed only once the user says there was none
            self.ask_positive_outcome(f"The programme aim is recorded as {'withdrawn' if state == WITHDRAWN else 'on a break'}"
                                      f" but has an AchDate ({fmt(achieved)}), which needs CompStatus 2 (CompStatus_08): "
                                      "either the learner completed and reached an outcome, or the AchDate is wrong.")
            return
        if day is None or (state == WITHDRAWN and not reason_known):
            return  # stopping the aims without these would trade one error for another
        # The end date: "the date the learner withdrew from the learning activities" is the ILR's own definition
        # (LearnActEndDate field); CompStatus 6 is a temporary withdrawal, and PICS reads it the same way for a break.
        sources = ("field-compstatus", "field-learnactenddate") + (() if state == WITHDRAWN else ("pics-break",))
        targets = [d for d in self.plan.current.values() if d.con_ref_number == self.prog.con_ref
                   and not d.is_event_aim and (d.is_programme_aim or d.comp_status in {None, "1", code})]
        targets.sort(key=lambda d: d.is_programme_aim)  # the programme's end follows its components' (R_143)
        for s in self.subjects:
            if s.comp_status == "2":  # learning completed before the learner stopped: it stays completed
                self.close_subject(s)
        for d in targets:
            seq = seq_of(d)
            why = Reason(f"{word}: CompStatus {code} with the last day of learning as LearnActEndDate",
                         ("CompStatus_03", "R_140"), "M1", sources)
            self.plan.set(seq, "CompStatus", code, why)
            if day is not None:
                end = day
                late = []
                late_aims: list[tuple[str, date]] = []
                if d.is_programme_aim:
                    comps = [o for o in self.plan.current.values()
                             if o.is_component and o.con_ref_number == self.prog.con_ref and o.learn_act_end_date]
                    others = [o.learn_act_end_date for o in comps if o.learn_act_end_date and not o.is_event_aim]
                    events = [(o.learn_aim_ref or "?", o.learn_act_end_date) for o in comps
                              if o.is_event_aim and o.learn_act_end_date]
                    evis = [f for f in self.plan.aim(seq).fams_of("EVI") if f.date_from]
                    # the PSM ends the programme "when the bootcamp learning has finished unless the learner
                    # withdraws" (both articles): a withdrawal is not pushed to a later event, EVI or event aim
                    # (what that event pays is open), where the record itself ends the programme before the event
                    # (LearnDelFAMDateFrom_07 for an EVI, R_143 for an event aim). Nor is a break: its end is the
                    # last day of learning before it (the guidance for a BIL, esfahelp 4610798367506; batch 6 X27)
                    ends_on = self.plan.aim(seq).learn_act_end_date
                    left = max([day, ends_on] + others) if ends_on else None
                    late = [f for f in evis if f.date_from and left and f.date_from > left]
                    evis = [f for f in evis if f not in late]
                    late_aims = [(ref, when) for ref, when in events if left and when > left]
                    events = [e for e in events if e not in late_aims]
                    others += [f.date_from for f in evis if f.date_from] + [when for _, when in events]
                    end = max([day] + others)  # R_143 and LearnDelFAMDateFrom_07: nothing ends after the programme
                left_how = ("withdrew" if state == WITHDRAWN else "went on a break")
                ends_how = ("a withdrawn programme ends when the learner left (PSM)" if state == WITHDRAWN else
                            "a paused programme ends on the last day of learning before the break (the guidance for a "
                            "break in learning)")
                came = "after the withdrawal" if state == WITHDRAWN else "during the break"
                for f in late:
                    self.plan.check(f"evi_after_{word}", f"A person must check the event indicator (EVI {fmt(f.code)}, "
                                    f"{fmt(f.date_from)}): it is dated after the learner {left_how} (last day of learning "
                                    f"{fmt(end)}), but an EVI must sit within the programme aim's dates "
                                    f"(LearnDelFAMDateFrom_07) and {ends_how}. Correct the date if it is wrong; if the "
                                    f"event really came {came}, keep the EVI: what it pays is not published.", seq)
                for ref, when in late_aims:
                    self.plan.check(f"event_after_{word}", f"A person must check the event aim {ref} ({fmt(when)}): "
                                    f"it is dated after the learner {left_how} (last day of learning {fmt(end)}), but no "
                                    f"aim may end after the programme aim (R_143) and {ends_how}. Correct the date if it "
                                    f"is wrong; if the event really came {came}, keep the event aim: what it pays is not "
                                    "published.", seq)
                if not late and not late_aims:
                    self.plan.set(seq, "LearnActEndDate", end, why)
            if self.plan.aim(seq).outcome not in {"1", "3", "8"}:
                self.plan.set(seq, "Outcome", "3", OUTCOME_3)
            if d.is_programme_aim and self.plan.aim(seq).ach_date is not None:
                self.plan.set(seq, "AchDate", None, Reason("AchDate needs CompStatus 2 on the programme aim",
                                                             ("CompStatus_08",), sources=("vr-2526",)))
            if state == WITHDRAWN:
                reason = self.plan.aim(seq).withdraw_reason or self.facts.withdraw_reason or reason_known
                copied = reason == reason_known and not (self.plan.aim(seq).withdraw_reason or self.facts.withdraw_reason)
                self.plan.set(seq, "WithdrawReason", reason, Reason(
                    "a withdrawn aim needs a WithdrawReason" + (f"; the bootcamp's other aims, withdrawn with it, record "
                                                                f"{reason} (our reading: one withdrawal, one reason)"
                                                                if copied else ""),
                    ("WithdrawReason_03",), sources=("field-withdrawreason",), grade="inference" if copied else "official"))
            else:
                self.plan.set(seq, "WithdrawReason", None, Reason("WithdrawReason is only for withdrawn aims",
                                                                     ("WithdrawReason_04",), sources=("field-withdrawreason",)))
