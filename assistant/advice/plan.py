"""A plan of changes being built: keeps the record as it will be, merges edits.

Advice code says "this aim's CompStatus should be 2 because …"; the plan turns
that into a Change only when it differs from what is recorded, folds repeated
edits of one field into one change, and lets later steps see earlier ones.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from ..ilr.model import Delivery, Fam, Learner, format_value
from ..knowledge_loader import GRADES
from ..rules.base import Source
from .apply import apply_to_delivery
from .citations import cite
from .types import Change, Facts, Question, Value


def weaker(a: str, b: str) -> str:
    """The weaker of two evidence grades (official > forum-confirmed > vendor > inference)."""
    return max(a, b, key=GRADES.index)


def fam_value(f: Fam) -> dict[str, str | None]:
    return {"code": f.code, "date_from": format_value(f.date_from)}


def seq_of(d: Delivery) -> int:
    """The sequence number of an aim the plan holds.

    Every aim a plan holds has one: the plan is keyed by it and leaves unnumbered aims out (so do the
    programmes propose() builds from it), and an aim it adds is numbered first.
    """
    assert d.seq is not None, f"{d.label()} has no AimSeqNumber, so no plan holds it"
    return d.seq


@dataclass
class Reason:
    because: str
    rules: tuple[str, ...] = ()
    milestone: str | None = None
    sources: tuple[str, ...] = ()
    grade: str = "official"


@dataclass
class Plan:
    learner: Learner
    facts: Facts = field(default_factory=Facts)
    current: dict[int, Delivery] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.current = {d.seq: d for d in self.learner.deliveries if d.seq is not None}
        self._field_changes: dict[tuple[int, str], int] = {}
        # The recorded aim per sequence number (the first, as before), looked up per change in O(1).
        self._original: dict[int, Delivery] = {}
        for d in self.learner.deliveries:
            if d.seq is not None:
                self._original.setdefault(d.seq, d)

    # -- reading the planned record -------------------------------------------
    def aim(self, seq: int) -> Delivery:
        return self.current[seq]

    def next_seq(self) -> int:
        return max(self.current, default=0) + 1

    # -- recording ------------------------------------------------------------
    def _cite(self, why: Reason) -> tuple[Source, ...]:
        """The reason's sources, every rule and source id checked: an unknown one fails loudly (CitationError)."""
        return cite(why.rules, why.sources, f"advice ({why.because[:60]})")

    def _make(self, d: Delivery, field_name: str, from_: Value, to: Value, why: Reason, fam_type: str | None = None) -> Change:
        return Change(
            aim_seq=d.seq or 0, aim_ref=d.learn_aim_ref or "", field=field_name, from_=from_, to=to,
            because=(why.because,), rules=why.rules, milestone=why.milestone, sources=self._cite(why),
            grade=why.grade, fam_type=fam_type, con_ref=d.con_ref_number,
        )

    def set(self, seq: int, field_name: str, value: str | date | None, why: Reason) -> None:
        """Plan one field's value; a no-op when it already holds it."""
        d = self.current[seq]
        to = format_value(value)
        if d.text(field_name) == to and field_name not in d.problems:
            return
        original = self._original.get(seq)
        from_ = original.text(field_name) if original is not None and field_name not in original.problems else None
        if original is not None and field_name in original.problems:
            from_ = "(unreadable)"
        key = (seq, field_name)
        change = self._make(d, field_name, from_, to, why)
        if key in self._field_changes:
            index = self._field_changes[key]
            earlier = self.changes[index]
            change = dataclasses.replace(
                change, from_=earlier.from_,
                because=earlier.because + tuple(b for b in change.because if b not in earlier.because),
                rules=tuple(dict.fromkeys(earlier.rules + change.rules)),
                milestone=change.milestone or earlier.milestone,
                # the merged change says both reasons, so it is no stronger than the weaker one's evidence
                sources=tuple(dict.fromkeys(earlier.sources + change.sources)),
                grade=weaker(earlier.grade, change.grade))
            self.changes[index] = change
        else:
            self._field_changes[key] = len(self.changes)
            self.changes.append(change)
        self.current[seq] = d.with_text(field_name, to)

    def clean(self, seq: int, field_name: str, raw: str | None, clean: str, why: Reason) -> None:
        """Write the clean value over the text as written (the model already reads it clean)."""
        d = self.current.get(seq)
        if d is None:
            return
        key = (seq, field_name)
        if key in self._field_changes:
            index = self._field_changes[key]
            self.changes[index] = dataclasses.replace(self.changes[index], from_=raw)
            return
        self._field_changes[key] = len(self.changes)
        self.changes.append(self._make(d, field_name, raw, clean, why))

    def rewrite_fam(self, seq: int, fam: Fam, clean_type: str, why: Reason) -> None:
        """Write a FAM again as its clean text (type in capitals, no spaces), same code and date."""
        d = self.current.get(seq)
        if d is None:
            return
        change = self._make(d, "LearningDeliveryFAM", fam_value(fam), fam_value(fam), why, clean_type)
        self.changes.append(change)

    def set_fam(self, seq: int, fam_type: str, old: Fam | None, new: Fam | None, why: Reason) -> None:
        d = self.current[seq]
        if old is not None and new is not None and fam_value(old) == fam_value(new) and old.date_to == new.date_to:
            return
        change = self._make(d, "LearningDeliveryFAM", fam_value(old) if old else None,
                            fam_value(new) if new else None, why, fam_type)
        self.changes.append(change)
        self.current[seq] = apply_to_delivery(d, change)

    def add_aim(self, template: Delivery, ref: str, values: dict[str, str | date | None], why: Reason) -> int:
        """Add an aim modelled on ``template`` (funding fields, ConRef, SOF and FFI FAMs)."""
        seq = self.next_seq()
        new = Delivery().with_text("AimSeqNumber", str(seq)).with_text("LearnAimRef", ref)
        self.current[seq] = new
        self.changes.append(Change(aim_seq=seq, aim_ref=ref, field="LearningDelivery", from_=None, to=ref,
                                   because=(why.because,), rules=why.rules, milestone=why.milestone,
                                   sources=self._cite(why), grade=why.grade,
                                   con_ref=template.con_ref_number))
        copied = {"AimType": "3", "FundModel": template.fund_model, "ProgType": template.prog_type,
                  "ConRefNumber": template.con_ref_number}
        for name, value in {**copied, **values}.items():
            self.set(seq, name, value, Reason(f"part of the new {ref} aim", why.rules, why.milestone, why.sources, why.grade))
        for fam in template.fams:
            if fam.type == "SOF":
                self.set_fam(seq, fam.type, None, Fam(fam.type, fam.code),
                             Reason(f"every bootcamp aim carries SOF {fam.code}", ("LearnDelFAMType_01",),
                                    sources=("psm-bootcamps",)))
            elif fam.type == "FFI":  # that the new aim is funded as the aim it is modelled on is our reading
                self.set_fam(seq, fam.type, None, Fam(fam.type, fam.code),
                             Reason(f"every bootcamp aim carries an FFI; {fam.code}, as on {template.learn_aim_ref} "
                                    "(our reading: the new aim belongs to the same bootcamp)", ("LearnDelFAMType_111",),
                                    sources=("field-ffi", "our-reading"), grade="inference"))
        return seq

    def remove_aim(self, seq: int, why: Reason) -> None:
        d = self.current.pop(seq)
        self.changes.append(Change(aim_seq=seq, aim_ref=d.learn_aim_ref or "", field="LearningDelivery",
                                   from_=d.learn_aim_ref, to=None, because=(why.because,), rules=why.rules,
                                   milestone=why.milestone, sources=self._cite(why), grade=why.grade,
                                   con_ref=d.con_ref_number))

    def ask(self, qid: str, text: str, fact: str | None, seq: int | None = None) -> None:
        if not any(q.id == qid and q.aim_seq == seq for q in self.questions):
            self.questions.append(Question(qid, text, seq, fact))

    def check(self, qid: str, text: str, seq: int | None = None) -> None:
        """Never stop short: "a person must check X, because Y" where no change or fact can settle it."""
        self.ask(qid, text, None, seq)

    def explain(self, text: str) -> None:
        if text not in self.explanations:
            self.explanations.append(text)
