"""From a record (and what the user told us) to the field values to record.

The learner states of domain.md §6 decide the target record: in learning,
learning finished and waiting for an event, event happened (M2 due), positive
outcome (M3 due), no outcome within six months, withdrawn, break in learning.
Each programme (aims sharing a ConRefNumber) is placed in one state, then
every aim is brought to that state's values. Where a value depends on a fact
the record does not hold, a question is asked instead of a guess.

One programme's advice is :class:`ProgrammeAdvice`: what its record says
(programme_facts.py), its state (programme_state.py) and one planner per
concern, mixed in: events (events.py), a withdrawn or paused programme
(stopped.py), the subject aims (subject_aims.py) and the programme aim
(programme_aim.py). This module runs them in order.
"""

from __future__ import annotations

from ..ilr.model import Delivery, Learner, programmes
from ..rules.base import Context, fmt
from .common import plan_common, plan_starts
from .events import EventPlanning
from .plan import Plan
from .programme_aim import ProgrammeAimPlanning
from .programme_state import StateReading
from .schema_fixes import plan_clean_values
from .states import BREAK, OUTCOME, WITHDRAWN
from .stopped import StoppedPlanning
from .subject_aims import SubjectPlanning
from .types import Facts, Proposal

class ProgrammeAdvice(StateReading, EventPlanning, StoppedPlanning, SubjectPlanning, ProgrammeAimPlanning):
    """Works out one bootcamp's state and plans its aims' values."""

    # -- planning ---------------------------------------------------------------------
    def run(self) -> str:
        self.check_future_dates()
        state = self.state()
        self.plan_events(state)
        state = self.state()  # events added or converted above change what the record shows
        if state not in {WITHDRAWN, BREAK, OUTCOME}:
            self.ask_subject_achdate()
        if state in {WITHDRAWN, BREAK}:
            # a break over withdrawn learning is half updated, or half wrong: which is asked (left_bootcamp) first
            if not (state == BREAK and self.break_over_withdrawn_learning()):
                self.plan_stopped(state)
        else:
            failed = [x for x in self.subjects if x.comp_status == "2" and x.outcome == "3"]
            if failed and not any(x.outcome == "1" for x in self.subjects) and self.facts.learning_achieved is None:
                x = failed[0]
                self.plan.ask("subject_not_passed", f"The subject aim {x.learn_aim_ref} (aim {x.seq}) is completed with "
                              "Outcome 3 (not passed): M2 pays for learning completed with its assessments passed. Did "
                              "the learner pass? If so, its Outcome is 1; if not, M2 will not pay.", None, x.seq)
            stopped = [x for x in self.subjects if x.comp_status in {"3", "6"}]
            if self.learning_stopped_programme_open():
                self.ask_left_bootcamp(stopped[0])
            # a subject aim still continuing (a restart after a break, a transfer to a new aim) carries the learning on
            elif stopped and not any(x.comp_status in {None, "1", "2"} for x in self.subjects) \
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

    def ask_subject_achdate(self) -> None:
        """X33: an AchDate on a subject aim, none on the programme aim. The AchDate is collected on the programme
        aim for bootcamps (AchDate field page), where it triggers M3; AchDate_09 excludes FM37, so the subject
        aim's raises no error and pays nothing. A positive outcome is a fact: ask, never move the date on a guess."""
        p = self.p
        dated = [s for s in self.subjects if s.ach_date is not None]
        if not dated or p is None or p.ach_date is not None or self.facts.positive_outcome is not None:
            return
        s = dated[0]
        self.ask_positive_outcome(f"The subject aim {s.learn_aim_ref} (aim {s.seq}) has an AchDate ({fmt(s.ach_date)}) "
                                  "but the programme aim has none: for a bootcamp the AchDate counts only on the "
                                  "programme aim (ZPROG001), with Outcome 1, where it records the positive outcome and "
                                  "triggers M3.")

    def break_over_withdrawn_learning(self) -> bool:
        """X36: the programme aim is on a break (CompStatus 6) but every subject aim says withdrawn (CompStatus 3).

        A learner who does not return from a break is recorded as withdrawn on every aim (the guidance quoted at
        esfahelp 4428117728914, "BIL to LNA"), so the record may be half updated; or the subject aim is wrong.
        Which is a fact: ask whether the learner has left; the answer withdraws the programme aim (stopped.py).
        """
        p, subjects = self.p, self.subjects
        if (p is None or p.comp_status != "6" or not subjects or any(s.comp_status != "3" for s in subjects)
                or self.facts.break_date is not None or self.facts.withdrawn_date is not None):
            return False
        x = subjects[0]
        self.plan.ask("left_bootcamp",
                      f"The programme aim is on a break in learning (CompStatus 6) but the subject aim {x.learn_aim_ref} "
                      f"(aim {x.seq}) says the learner withdrew (CompStatus 3). Has the learner left the bootcamp, not "
                      "to return? If so, give their last day of learning: the programme aim is then withdrawn too "
                      "(CompStatus 3, Outcome 3, a WithdrawReason). If they are on a break and will return, the subject "
                      "aim is CompStatus 6 like the programme aim, with no WithdrawReason.", "withdrawn_date", x.seq)
        return True

    def ask_left_bootcamp(self, x: Delivery) -> None:
        """W25: the learning stopped (CompStatus 3/6) but the programme aim continues. Left, paused or moved on
        is a fact: ask, and stop the programme (stopped.py) only on the answer (PSM: the programme ends when the
        learning has finished "unless the learner withdraws")."""
        withdrawn = x.comp_status == "3"
        self.plan.explain(f"The subject aim {x.learn_aim_ref} (aim {x.seq}) is recorded as "
                          f"{'withdrawn' if withdrawn else 'on a break'} (CompStatus {x.comp_status}"
                          + (f", last day of learning {fmt(x.learn_act_end_date)}" if x.learn_act_end_date else "")
                          + ") but the programme aim is continuing: the learning stopped, it did not finish, so no "
                          "event is asked for yet and the programme is read as the record has it until you say.")
        self.plan.ask("left_bootcamp",
                      f"The subject aim {x.learn_aim_ref} (aim {x.seq}) says the learner "
                      + ("withdrew from the learning" if withdrawn else "went on a break")
                      + ", but the programme aim is still continuing. Has the learner left the bootcamp"
                      + ("" if withdrawn else " for a break") + "? If so, give their last day of learning"
                      + (" before the break" if not withdrawn else "") + ": the programme aim then stops on that day "
                      f"too (CompStatus {x.comp_status}, Outcome 3" + (", a WithdrawReason" if withdrawn else "")
                      + "). If they carried on with other learning on this bootcamp, record it as a new subject aim; "
                      "if they completed the learning, the subject aim is CompStatus 2 with Outcome 1.",
                      "withdrawn_date" if withdrawn else "break_date", x.seq)

    def check_future_dates(self) -> None:
        """Never stop short: an end date after the file preparation date (LearnActEndDate_04) is a fact to correct."""
        for d in self.prog.aims:
            if d.learn_act_end_date and d.learn_act_end_date > self.ctx.as_of and d.seq is not None:
                self.plan.check("end_after_file", f"A person must check the LearnActEndDate of {d.label()} "
                                f"({fmt(d.learn_act_end_date)}): it is after the file preparation date "
                                f"({fmt(self.ctx.as_of)}), because an end date is recorded only once it has happened "
                                "(LearnActEndDate_04). Correct it if it is wrong; if the learning really ends then, the "
                                "aim stays continuing until a return prepared on or after that date.", d.seq)

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

