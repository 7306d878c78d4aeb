"""What the conversation knows: the record (learner model) and the Facts.

Answers are applied to the same `Learner` model the XML reader produces, and
to the same `Facts` the advice engine takes, so the two routes can never
disagree about what a value means. A pasted snippet becomes the base record;
answers to record questions only fill what no snippet said.

Targets (written in `knowledge/tree`): ``programme.CompStatus``,
``subject.LearnActEndDate``, ``event.LearnAimRef``, ``programme.fam.EVI.code``,
``all.fam.FFI.code``, ``facts.event_date``, ``session.year``. The answer text
``none`` means "not recorded" (the field is absent).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..advice.types import Facts
from ..ilr.model import (
    Delivery,
    Fam,
    Learner,
    ValueProblem,
    format_value,
    parse_iso_date,
    programmes,
)
from ..ilr.vocabulary import PROGRAMME_AIM_REF
from ..rules.base import Context

NONE = "none"
#: The answer "don't know" (or `skip`): nothing is recorded, the fact stays unknown and the conclusion names it.
UNKNOWN = "?unknown"
#: Aims built from answers alone carry these (the user is not asked for them).
#: Not a made-up value: what a proposal built from answers shows wherever the real contract reference goes
#: (the copy-all table, the export), so nobody records a placeholder as if it were one.
QA_CON_REF = "(your contract reference)"
QA_LEARN_REF = "ANSWERS"
SEQ = {"programme": 1, "subject": 2, "event": 3}
FACT_TYPES: dict[str, str] = {f.name: str(f.type) for f in dataclasses.fields(Facts)}


def fact_kind(name: str) -> str:
    t = FACT_TYPES[name]
    if t.startswith("bool"):
        return "bool"
    if t.startswith("date"):
        return "date"
    return "str"


def fact_value(name: str, text: str | None) -> Any:
    """Answer text to the typed Facts value (``none`` and empty are None)."""
    if text is None or text == NONE or text == "":
        return None
    kind = fact_kind(name)
    if kind == "bool":
        return text.lower() in ("yes", "true", "1")
    if kind == "date":
        return parse_iso_date(text)
    return text


def answer_text(value: Any) -> str:
    """A typed value back to answer text (for skipping questions already known)."""
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "yes" if value else "no"
    return format_value(value) or NONE


def _skeleton(role: str, ref: str | None) -> Delivery:
    aim_type = "1" if role == "programme" else "3"
    d = Delivery()
    for name, text in (("LearnAimRef", ref), ("AimType", aim_type), ("AimSeqNumber", str(SEQ[role])),
                       ("FundModel", "37"), ("ProgType", "32"), ("ConRefNumber", QA_CON_REF)):
        d = d.with_text(name, text)
    return d.with_fams((Fam("SOF", "105"),))


def _set_fam(d: Delivery, fam_type: str, part: str, text: str | None) -> Delivery:
    current = d.fams_of(fam_type)
    old = current[0] if current else Fam(fam_type, None)
    if part == "code":
        if text is None:
            return d.with_fams(tuple(f for f in d.fams if f.type != fam_type))
        new = dataclasses.replace(old, code=text)
    else:
        try:
            new = dataclasses.replace(old, date_from=parse_iso_date(text) if text else None)
        except ValueProblem:
            return d
    return d.with_fams(tuple(f for f in d.fams if f.type != fam_type) + (new,))


@dataclass
class State:
    """Everything the walk has learnt so far; rebuilt from scratch after every edit."""

    year: str | None
    as_of: date
    base: Learner | None = None
    #: Record targets set by answers, in the order given (later wins).
    record: dict[str, str | None] = field(default_factory=dict)
    facts: Facts = field(default_factory=Facts)
    focus: str | None = None
    #: False when "today" is only the computer's date (no --as-of, no file preparation date in a paste).
    as_of_given: bool = True
    #: What validators kept from text answers (the rule looked up, the term to explain).
    notes: dict[str, Any] = field(default_factory=dict)
    _learner: Learner | None = field(default=None, repr=False)
    _built: bool = field(default=False, repr=False)

    # -- applying answers ----------------------------------------------------
    def set(self, target: str, text: str | None) -> None:
        value = None if text in (None, NONE) else text
        head, _, rest = target.partition(".")
        if head == "facts":
            self.facts = dataclasses.replace(self.facts, **{rest: fact_value(rest, value)})
        elif head == "session" and rest == "as_of":
            if value:
                self.as_of = parse_iso_date(value)
                self.as_of_given = True
        elif head == "session":
            self.year = value
        else:
            self.record[target] = value
            self._built = False

    @property
    def ctx(self) -> Context | None:
        return Context(self.year, self.as_of) if self.year else None

    # -- the record ------------------------------------------------------------
    @property
    def learner(self) -> Learner | None:
        if not self._built:
            self._learner = self._build()
            self._built = True
        return self._learner

    def _build(self) -> Learner | None:
        if self.base is None and not self.record:
            return None
        if self.base is not None:
            learner = self.base
        else:
            ref = self.record.get("subject.LearnAimRef")
            learner = Learner(QA_LEARN_REF, (_skeleton("programme", PROGRAMME_AIM_REF), _skeleton("subject", ref)))
        event_ref = self.record.get("event.LearnAimRef")
        if event_ref and role_aim(learner, "event") is None:
            learner = learner.with_deliveries(learner.deliveries + (_new_event(learner, event_ref),))
        for target, text in self.record.items():
            head, _, rest = target.partition(".")
            seqs = [d.seq for d in learner.bootcamp_deliveries] if head == "all" else [
                getattr(role_aim(learner, head), "seq", None)]
            deliveries = []
            for d in learner.deliveries:
                if d.seq in seqs and d.seq is not None:
                    if rest.startswith("fam."):
                        _, fam_type, part = rest.split(".")
                        d = _set_fam(d, fam_type, part, text)
                    elif not (head == "event" and rest == "LearnAimRef" and text is None):
                        d = d.with_text(rest, text)
                deliveries.append(d)
            learner = learner.with_deliveries(tuple(deliveries))
        if self.record.get("event.LearnAimRef", "") is None and self.base is None:
            learner = learner.with_deliveries(tuple(d for d in learner.deliveries if d.seq != SEQ["event"]))
        return learner

    def value(self, target: str) -> tuple[bool, str | None]:
        """(known, answer text) for a target, from the pasted record or the facts."""
        head, _, rest = target.partition(".")
        if head == "facts":
            v = getattr(self.facts, rest)
            return (v is not None, answer_text(v) if v is not None else None)
        if head == "session" and rest == "as_of":
            return (self.as_of_given, self.as_of.isoformat())
        if head == "session":
            return (self.year is not None, self.year)
        if self.base is None:
            return (False, None)
        learner = self.learner
        aim = role_aim(learner, "programme" if head == "all" else head) if learner else None
        if aim is None:
            return (True, NONE)
        if rest.startswith("fam."):
            _, fam_type, part = rest.split(".")
            fams = aim.fams_of(fam_type)
            if not fams:
                return (True, NONE)
            return (True, answer_text(fams[0].code if part == "code" else fams[0].date_from))
        if rest in aim.problems:
            return (False, None)
        return (True, answer_text(aim.get(rest)))


def _new_event(learner: Learner, ref: str) -> Delivery:
    prog = role_aim(learner, "programme")
    seq = max((d.seq or 0 for d in learner.deliveries), default=0) + 1
    d = _skeleton("event", ref).with_text("AimSeqNumber", str(seq))
    if prog is not None:
        d = d.with_text("ConRefNumber", prog.con_ref_number)
        d = d.with_fams(prog.fams_of("SOF") + prog.fams_of("FFI"))
    return d


def role_aim(learner: Learner | None, role: str) -> Delivery | None:
    """The aim a question talks about: the (latest) programme aim, its subject aim, its event aim."""
    if learner is None:
        return None
    progs = programmes(learner)
    if not progs:
        return None
    prog = progs[0]
    if role == "programme":
        return prog.latest_programme_aim
    if role == "subject":
        return prog.subject_aims[0] if prog.subject_aims else None
    if role == "event":
        return prog.event_aims[0] if prog.event_aims else None
    return None


# -- reading the record (what conditions, checks and values ask of it) ---------------------------


def programme_start(state: State) -> date | None:
    prog = role_aim(state.learner, "programme")
    return prog.learn_start_date if prog else None


def learning_end(state: State) -> date | None:
    if state.facts.learning_end_date:
        return state.facts.learning_end_date
    subject = role_aim(state.learner, "subject")
    return subject.learn_act_end_date if subject else None


def event_aim_date(state: State) -> date | None:
    """The one day the event aim records, or None when it has none - or several: dates that differ
    (LearnAimRef_126) are not one of them picked, the offer date is asked."""
    ev = role_aim(state.learner, "event")
    if ev is None:
        return None
    days = {d for d in (ev.learn_start_date, ev.learn_plan_end_date, ev.learn_act_end_date) if d is not None}
    return next(iter(days)) if len(days) == 1 else None
