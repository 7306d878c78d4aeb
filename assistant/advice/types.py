"""What advice is made of: facts the user told us, proposed changes, open questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..ilr.vocabulary import EVENT_AIM_FOR, EventKind  # noqa: F401  (re-exported)
from ..rules.base import Source

@dataclass(frozen=True)
class Facts:
    """What the user told us that an ILR record does not (or not yet) hold.

    Every field is optional: None means "not asked or not known", and the
    advice engine then asks rather than guesses.
    """

    #: Has the bootcamp learning (the subject aim) finished?
    learning_finished: bool | None = None
    learning_end_date: date | None = None
    #: Did the learner pass the learning (subject aim Outcome 1) or not (3)?
    learning_achieved: bool | None = None
    #: Which M2 event happened, and the date it was made (the offer date, not the interview).
    event: EventKind | None = None
    event_date: date | None = None
    #: For programmes starting from 1 August 2025: the EVI code from the 2025-26 specification.
    evi_code: str | None = None
    #: A positive outcome (job, new role, self-employment work) and the date requirements were met.
    positive_outcome: bool | None = None
    outcome_date: date | None = None
    #: Withdrawal: last day of learning and reason code.
    withdrawn_date: date | None = None
    withdraw_reason: str | None = None
    #: Agreed break in learning: last day before the break.
    break_date: date | None = None
    #: FFI code when no aim records one (1 fully funded, 2 co-funded).
    ffi: str | None = None


FamValue = dict[str, str | None]
Value = str | FamValue | None


@dataclass(frozen=True)
class Change:
    """One field to change on one aim: current value → proposed value, and why.

    ``field`` is an XML field name; ``"LearningDeliveryFAM"`` (with
    ``fam_type``) for a FAM, whose values are ``{"code", "date_from"}``; or
    ``"LearningDelivery"`` for adding (from None) or removing (to None) a
    whole aim, whose value is the aim reference.
    """

    aim_seq: int
    aim_ref: str
    field: str
    from_: Value
    to: Value
    because: tuple[str, ...]
    rules: tuple[str, ...] = ()
    milestone: str | None = None
    sources: tuple[Source, ...] = ()
    grade: str = "official"
    fam_type: str | None = None
    con_ref: str | None = None


@dataclass(frozen=True)
class Question:
    """A fact the proposal needs and the record does not hold."""

    id: str
    text: str
    aim_seq: int | None = None
    #: The Facts field that answers it.
    fact: str | None = None


@dataclass(frozen=True)
class Proposal:
    changes: tuple[Change, ...] = ()
    questions: tuple[Question, ...] = ()
    #: Plain-words account of the mistakes found ("the programme aim is still open, …").
    explanations: tuple[str, ...] = ()
    #: The learner state each programme is taken to be in (domain.md §6), by ConRefNumber.
    states: dict[str | None, str] = field(default_factory=dict)
    #: Changes worked out but not offered, because on re-check they would add an error (never add);
    #: each is turned into a "a person must check" question.
    withheld: tuple[Change, ...] = ()
