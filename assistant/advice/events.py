"""Planning a programme's M2 events: event aims (starts up to 31 July 2025) or EVIs (from 1 August 2025).

Never lose: an event aim becomes an EVI, or an EVI an event aim, only in the
same change set that records its replacement; until then it stays and the
missing fact (which event, which EVI code, which date) is asked for.
Mixed into :class:`assistant.advice.propose.ProgrammeAdvice`; reads what programme_facts.py works out.
"""

from __future__ import annotations

from datetime import date

from ..ilr.model import Delivery, Fam
from ..ilr.vocabulary import EVENT_AIM_FOR, EVENT_WORDS
from ..rules.base import fmt
from .plan import Reason, seq_of
from .programme_base import ProgrammeBase
from .states import BREAK, OFFER_DATE_Q, WITHDRAWN



class EventPlanning(ProgrammeBase):
    """Event aims and EVIs for one programme (a mixin of ProgrammeAdvice)."""

    def plan_events(self, state: str) -> None:
        stopped = state in {WITHDRAWN, BREAK}
        if self.method == "event-indicators":
            self.restart_first_spell()
            self.evis_to_programme_aim()
            self.events_to_evi(record_again=not stopped)
        else:
            self.evi_to_events(record_again=not stopped)
        day = self.event_date()
        if day is not None:
            day = self.clamp_to_start(day)
        existing = self.events
        if self.facts.event_date is None and any(
                (e.learn_aim_ref or "").upper() == EVENT_AIM_FOR["interview"] and self.aim_event_date(e) is None
                for e in existing):
            self.plan.explain("Check the event aim's date: it must be the date the event was formally offered (for an "
                              "interview, the day the interview was offered, not the day it took place).")
        for e in existing:
            self.fix_event_aim(e, day)
        if stopped:
            return
        if self.method == "event-aims":
            if not self.standard_events and self.facts.event in EVENT_AIM_FOR and not (self.p and self.p.fams_of("EVI")):
                self.add_event_aim(day)
        else:
            self.fix_evis(day)

    def evis_to_programme_aim(self) -> None:
        """An EVI goes on the programme aim only (LearnDelFAMType_133): one on a component moves there, same code and date.

        Never lose: the move is one change set (removed from the component, added to the programme aim), so
        the event it records stays recorded; an identical EVI already on the programme aim is not doubled.
        """
        if self.p is None or seq_of(self.p) not in self.plan.current:
            return
        prog_seq = seq_of(self.p)
        why = Reason("an event indicator belongs on the programme aim only: moved there with its code and date",
                     ("LearnDelFAMType_133",), "M2", ("psm-bootcamps-evi", "vr-2526"))
        # An EVI on a non-bootcamp aim (LearnDelFAMType_132) can only record a bootcamp event: with one bootcamp
        # on the record it is that bootcamp's (our reading, so graded inference).
        one = len({a.con_ref_number for a in self.plan.current.values() if a.is_bootcamp}) == 1
        stray = Reason("an event indicator is recorded only for a Skills Bootcamp (LearnDelFAMType_132), on its programme "
                       "aim (LearnDelFAMType_133); this learner has one bootcamp, so it is moved there with its code and "
                       "date", ("LearnDelFAMType_132", "LearnDelFAMType_133"), "M2", ("psm-bootcamps-evi", "vr-2526"),
                       "inference")
        for d in list(self.plan.current.values()):  # this bootcamp's other aims (the same ConRefNumber)
            if seq_of(d) == prog_seq or (d.con_ref_number != self.p.con_ref_number and (d.is_bootcamp or not one)):
                continue
            for f in d.fams_of("EVI"):
                because = why if d.is_bootcamp else stray
                held = self.plan.aim(prog_seq).fams_of("EVI")
                if not any(h.code == f.code and h.date_from == f.date_from for h in held):
                    self.plan.set_fam(prog_seq, "EVI", None, Fam("EVI", f.code, f.date_from), because)
                self.plan.set_fam(seq_of(d), "EVI", f, None, because)

    def fix_event_aim(self, e: Delivery, told: date | None) -> None:
        """Bring an event aim to one date, CompStatus 2, Outcome 1.

        The date is the one the user gave (when there is a single event aim),
        else the aim's own date when its three dates agree; otherwise ask.
        """
        seq = seq_of(e)
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
        if ref is None:  # an HGV event: R_138 counts only the standard event aims, so ask which of those happened
            self.ask_event()
            return False
        if day is None:
            self.plan.ask("event_date", OFFER_DATE_Q, "event_date")
            return False
        what, dated = EVENT_WORDS[kind or ""]  # a standard kind: it has an event aim
        self.plan.add_aim(template, ref, {
            "LearnStartDate": day, "LearnPlanEndDate": day, "LearnActEndDate": day, "CompStatus": "2", "Outcome": "1"},
            Reason(f"record the event with the event aim {ref} ({what}), dated {dated}",
                   ("R_138", "LearnAimRef_126"),
                   "M2", ("psm-event-aims-quoted", "psm-bootcamps-2425")))
        return True

    def events_to_evi(self, record_again: bool) -> None:
        """A programme starting from 1 August 2025 records events as EVI, never event aims (R_154)."""
        if self.p is None:
            return
        seq = seq_of(self.p)
        for e in list(self.events):
            day = e.learn_act_end_date or e.learn_start_date
            self.plan.explain(f"This bootcamp started {fmt(self.start)}, so it uses event indicators (EVI on the programme "
                              f"aim) instead of the event aim {e.learn_aim_ref} (R_154).")
            already = day and any(f.date_from == day for f in self.plan.aim(seq).fams_of("EVI"))
            if not already:
                if not (record_again and day):  # never lose: the event aim stays until an EVI records the same event
                    self.plan.check("event_aim_kept", f"A person must check the event aim {e.learn_aim_ref} ({e.label()}) "
                                    f"on a programme that started {fmt(self.start)} (R_154), because no EVI records that "
                                    "event yet" + (" and the learner has stopped" if not record_again else
                                                   " and the aim has no date") + ": keep it until its EVI is recorded.",
                                    e.seq)
                    continue
                if not self.add_evi(seq, max(day, self.start or day, self.ctx.date("evi_cutover")), day):
                    continue  # keep the event aim until its EVI can be recorded: never lose the event
            self.plan.remove_aim(seq_of(e), Reason(f"the programme started {fmt(self.start)}, on or after 1 August 2025, so "
                                               "event aims must not be used", ("R_154",), "M2", ("psm-bootcamps-evi", "vr-2526")))

    def add_evi(self, seq: int, day: date, happened: date | None = None) -> bool:
        """Record an event indicator on the programme aim ``seq``; False (and a question) while its code is unknown.

        ``happened``: the day the event happened, when known; an EVI dated otherwise (an event before the programme
        started, or before 1 August 2025) says why, rather than "dated the day it happened"."""
        code = self.facts.evi_code
        if code is None:
            self.plan.ask("evi_code", "Which EVI code does the 2025-26 ILR specification give for this event? (The code "
                                      "list is not published in any source we hold, so we will not guess it.)", "evi_code",
                          seq)
            return False
        if happened is not None and happened < day:
            why = (f"record the event as an event indicator on the programme aim, dated {day.isoformat()}, not the day it "
                   f"happened ({happened.isoformat()}): an event before the programme started takes the programme's "
                   "start date, and an EVI is dated within the programme and on or after 1 August 2025")
            rules: tuple[str, ...] = ("R_154", "LearnDelFAMType_133", "LearnDelFAMDateFrom_05", "LearnDelFAMDateFrom_06",
                                      "LearnDelFAMDateFrom_07")
        else:
            why = "record the event as an event indicator on the programme aim, dated the day it happened"
            rules = ("R_154", "LearnDelFAMType_133", "LearnDelFAMDateFrom_05")
        self.plan.set_fam(seq, "EVI", None, Fam("EVI", code, day), Reason(
            why, rules, "M2", ("psm-bootcamps-evi", "tfg-2025")))
        return True

    def fix_evis(self, day: date | None) -> None:
        if self.p is None:
            return
        seq = seq_of(self.p)
        evis = self.plan.aim(seq).fams_of("EVI")
        # the date the user gave for the event dates its EVI, as it does a single event aim (fix_event_aim)
        told = self.facts.event_date if len(evis) == 1 else None
        for f in evis:
            if not f.code:  # the XSD requires a code, and the code list is unpublished: ask, never fill one in
                if self.facts.evi_code is None:
                    self.plan.ask("evi_code", "Which EVI code does the 2025-26 ILR specification give for this event? "
                                  "(The event indicator has no code, and the code list is not published in any source "
                                  "we hold, so we will not guess it.)", "evi_code", seq)
                    continue
                self.plan.set_fam(seq, "EVI", f, Fam("EVI", self.facts.evi_code, f.date_from), Reason(
                    "an EVI carries the code of its event (the code you gave)", ("Schema",), "M2",
                    ("ilr-xsd", "psm-bootcamps-evi")))
                continue
            fixed = Fam("EVI", f.code, told or f.date_from)
            if f.date_from and self.start and f.date_from < self.start:
                fixed = Fam("EVI", f.code, self.start)
            if fixed.date_from and fixed.date_from < self.ctx.date("evi_cutover"):
                fixed = Fam("EVI", f.code, self.ctx.date("evi_cutover"))
            if fixed != Fam("EVI", f.code, f.date_from, f.date_to) or f.date_to is not None:
                self.plan.set_fam(seq, "EVI", f, fixed, Reason(
                    "an EVI is dated the day the event happened (the date you gave), within the programme (from its "
                    "start), and carries no date-to" if told and told != f.date_from else
                    "an EVI is dated within the programme (from its start) and carries no date-to",
                    ("LearnDelFAMDateFrom_07", "LearnDelFAMDateTo_04", "R_153"), "M2", ("psm-bootcamps-evi", "vr-2526")))
            if fixed.date_from is None:
                self.plan.ask("event_date", OFFER_DATE_Q, "event_date", seq)
        if not evis and self.facts.event and day is not None:
            self.add_evi(seq, max(day, self.ctx.date("evi_cutover")), self.facts.event_date)

    def restart_first_spell(self) -> None:
        """A restart (RES) whose first spell is not in the file: which start decides the method is in no source.

        R_152/R_154 take the earliest start of the contract's programme aims in the file. A first spell missing
        from a file of this teaching year ended, and so started, before 1 August 2025; whether that earlier start
        makes the restart an event-aims programme is not said anywhere (batch 7, Y07).
        """
        p = self.p
        if p is None or len(self.prog.programme_aims) != 1 or not p.fams_of("RES"):
            return
        self.plan.check("restart_first_spell", f"A person must check how this restart records its events: the programme "
                        f"aim carries the restart indicator (RES) but no earlier programme aim of contract "
                        f"{self.prog.con_ref or '(none)'} is in this file, so its first spell ended - and started - before "
                        f"this teaching year. R_152 and R_154 decide the method by the earliest programme start in the "
                        f"file ({fmt(self.start)}: event indicators), because no source says whether a first spell "
                        "started before 1 August 2025 would make it event aims instead.", seq_of(p))

    def events_of_evi_aim(self) -> list[Delivery]:
        """The standard event aims that can record the event of the EVI on the latest programme aim.

        R_152 groups a contract's programme aims, so one ConRefNumber may hold two bootcamps (or a paused spell and
        its restart): an event aim dated before the latest programme aim started records an earlier bootcamp's
        event, not this EVI's, and dropping the EVI for it would lose an event (batch 7, Y01/Y20).
        """
        start = self.p.learn_start_date if self.p is not None else None
        if start is None or len(self.prog.programme_aims) < 2:
            return self.standard_events
        return [e for e in self.standard_events if (self.aim_event_date(e) or e.learn_act_end_date or date.max) >= start]

    def evi_to_events(self, record_again: bool) -> None:
        """A programme starting before 1 August 2025 records events as event aims, never EVI (R_152)."""
        if self.p is None:
            return
        seq = seq_of(self.p)
        for f in self.plan.aim(seq).fams_of("EVI"):
            if not self.events_of_evi_aim():  # never lose: an EVI goes only once an event aim R_138 accepts records the event
                if not record_again:
                    self.plan.check("evi_kept", "A person must check the event indicator (EVI "
                                    f"{fmt(f.code)}, {fmt(f.date_from)}) on a programme that started before 1 August 2025 "
                                    "(R_152), because the learner stopped and no event aim records that event: keep it "
                                    "until you know which event aim it stands for.", seq)
                    continue
                day = self.facts.event_date or f.date_from
                if self.facts.event is None or not day:
                    # keep the EVI until its event aim can be recorded: never lose the event
                    self.plan.explain(f"The programme started {fmt(self.start)}, before 1 August 2025, so its events are "
                                      "recorded with event aims, not event indicators (R_152). Each EVI stays until the "
                                      "standard event aim recording the same event is known, so that no event is lost.")
                    self.plan.ask("event_kind", "Which event happened: an interview offer, a new role or responsibilities "
                                                "with the existing employer, or a self-employment plan?", "event")
                    continue
                if not self.add_event_aim(self.clamp_to_start(day)):
                    continue
                if not self.events_of_evi_aim():
                    continue
            self.plan.set_fam(seq, "EVI", f, None, Reason(
                f"the programme started {fmt(self.start)}, before 1 August 2025, so events are event aims, not EVI",
                ("R_152",), "M2", ("psm-bootcamps", "vr-2526")))
