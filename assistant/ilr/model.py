"""The learner model: what one learner's ILR record says, with typed values.

Answers to the assistant's questions and fields read from pasted XML fill the
same model, so the rules and the advice never need to know where a value came
from. Codes stay the strings the ILR writes (``"2"``, ``"105"``) because users
search and type them that way; dates are ``datetime.date``.

A value that is present but unreadable (``2024-06-31``, a letter in
``CompStatus``) is kept as raw text in ``problems`` so that it can be reported
as a finding on that field instead of crashing or silently vanishing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, overload

Kind = Literal["str", "int", "date"]

#: LearningDelivery leaf fields the assistant models: (XML name, attribute, kind).
#: Order is the XSD order (2024-25 / 2025-26), which the writer follows when it
#: has to insert an element.
DELIVERY_FIELDS: tuple[tuple[str, str, Kind], ...] = (
    ("LearnAimRef", "learn_aim_ref", "str"),
    ("AimType", "aim_type", "int"),
    ("AimSeqNumber", "aim_seq", "int"),
    ("LearnStartDate", "learn_start_date", "date"),
    ("OrigLearnStartDate", "orig_learn_start_date", "date"),
    ("LearnPlanEndDate", "learn_plan_end_date", "date"),
    ("FundModel", "fund_model", "int"),
    ("ProgType", "prog_type", "int"),
    ("AddHours", "add_hours", "int"),
    ("ConRefNumber", "con_ref_number", "str"),
    ("CompStatus", "comp_status", "int"),
    ("LearnActEndDate", "learn_act_end_date", "date"),
    ("WithdrawReason", "withdraw_reason", "int"),
    ("Outcome", "outcome", "int"),
    ("AchDate", "ach_date", "date"),
)

#: Every LearningDelivery child in XSD order, modelled or not (2024-25 names,
#: plus names removed in later years so that older files still sort sensibly).
DELIVERY_CHILD_ORDER: tuple[str, ...] = (
    "LearnAimRef", "AimType", "AimSeqNumber", "LearnStartDate", "OrigLearnStartDate",
    "LearnPlanEndDate", "FundModel", "PHours", "OTJActHours", "ProgType", "FworkCode",
    "PwayCode", "StdCode", "PartnerUKPRN", "DelLocPostCode", "LSDPostcode", "AddHours",
    "PriorLearnFundAdj", "OtherFundAdj", "ConRefNumber", "EPAOrgID", "EmpOutcome",
    "CompStatus", "LearnActEndDate", "WithdrawReason", "Outcome", "AchDate", "OutGrade",
    "SWSupAimId", "TLOut", "LearningDeliveryFAM", "LearningDeliveryWorkPlacement",
    "AppFinRecord", "ProviderSpecDeliveryMonitoring", "LearningDeliveryHE",
)

FAM_FIELDS: tuple[tuple[str, str, Kind], ...] = (
    ("LearnDelFAMType", "type", "str"),
    ("LearnDelFAMCode", "code", "str"),
    ("LearnDelFAMDateFrom", "date_from", "date"),
    ("LearnDelFAMDateTo", "date_to", "date"),
)

FIELD_KIND: dict[str, Kind] = {name: kind for name, _, kind in DELIVERY_FIELDS + FAM_FIELDS}
FIELD_ATTR: dict[str, str] = {name: attr for name, attr, _ in DELIVERY_FIELDS}

from .vocabulary import EVENT_AIMS  # noqa: E402  (the vocabulary lives in one module: import it from there)

if TYPE_CHECKING:  # the checker sees functools' (same behaviour, typed); the run uses the lock-free one
    from functools import cached_property as cached_property  # re-exported: the rules' Context uses it

    from .schema import SchemaIssue
else:
    class cached_property:  # noqa: N801  (named like the functools one it replaces)
        """functools.cached_property without the lock Python 3.11 takes on every first read.

        A non-data descriptor: the first read computes the value and stores it in
        the instance's ``__dict__``, so every later read is a plain attribute look-up.
        Safe on frozen dataclasses (it bypasses ``__setattr__``, as functools' does) and
        never copied by ``dataclasses.replace`` (which builds a new instance from fields).
        The hot paths (``bootcamp_deliveries``, ``is_bootcamp``) are read ~50 times a learner.
        """

        def __init__(self, func):
            self.func = func
            self.name = func.__name__
            self.__doc__ = func.__doc__

        def __set_name__(self, owner, name):
            self.name = name

        def __get__(self, instance, owner=None):
            if instance is None:
                return self
            value = instance.__dict__[self.name] = self.func(instance)
            return value


class ValueProblem(ValueError):
    """A value that is present but cannot be read as its ILR type."""


@overload
def parse_value(kind: Literal["str", "int"], text: str | None) -> str | None: ...
@overload
def parse_value(kind: Literal["date"], text: str | None) -> date | None: ...
@overload
def parse_value(kind: Kind, text: str | None) -> str | date | None: ...
def parse_value(kind: Kind, text: str | None) -> str | date | None:
    """Read one ILR leaf value; ``None`` for absent or empty. Raises ValueProblem.

    Integers are normalised the way the XSD reads ``xs:int`` (whitespace
    collapsed, leading zeros and ``+`` allowed), so ``"02"`` and ``"1 "`` become
    ``"2"`` and ``"1"``. Dates are the first ten characters of ``xs:date``; a
    time-zone suffix is tolerated because the XSD allows it.
    """
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    if kind == "str":
        return text
    if kind == "int":
        body = text[1:] if text[0] in "+-" else text
        if not body.isdigit() or not body.isascii():
            raise ValueProblem(f"'{text}' is not a whole number")
        return str(int(text))
    return parse_iso_date(text)


def parse_iso_date(text: str) -> date:
    """Read an ``xs:date`` (``YYYY-MM-DD``), refusing impossible dates with a reason."""
    core = text[:10]
    rest = text[10:]
    digits = core[:4] + core[5:7] + core[8:]
    if len(core) != 10 or core[4] != "-" or core[7] != "-" or not (digits.isdigit() and digits.isascii()):
        raise ValueProblem(f"'{text}' is not a date in the form YYYY-MM-DD")
    offset_ok = len(rest) == 6 and rest[0] in "+-" and rest[3] == ":" and (rest[1:3] + rest[4:]).isdigit() and rest.isascii()
    if rest and rest != "Z" and not offset_ok:
        raise ValueProblem(f"'{text}' is not a date in the form YYYY-MM-DD")
    year, month, day = int(core[:4]), int(core[5:7]), int(core[8:])
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(f"'{text}' is not a real date ({exc})") from None


def format_value(value: object) -> str | None:
    """The ILR text for a model value (the inverse of parse_value)."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Fam:
    """A LearningDeliveryFAM: a typed flag on an aim (SOF, FFI, EVI, …)."""

    type: str
    code: str | None
    date_from: date | None = None
    date_to: date | None = None
    problems: dict[str, str] = field(default_factory=dict, compare=False)
    line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Delivery:
    """One LearningDelivery (an aim). Unmodelled children stay in the source XML."""

    learn_aim_ref: str | None = None
    aim_type: str | None = None
    aim_seq: str | None = None
    learn_start_date: date | None = None
    orig_learn_start_date: date | None = None
    learn_plan_end_date: date | None = None
    fund_model: str | None = None
    prog_type: str | None = None
    add_hours: str | None = None
    con_ref_number: str | None = None
    comp_status: str | None = None
    learn_act_end_date: date | None = None
    withdraw_reason: str | None = None
    outcome: str | None = None
    ach_date: date | None = None
    fams: tuple[Fam, ...] = ()
    #: Field name -> why its raw text could not be read.
    problems: dict[str, str] = field(default_factory=dict, compare=False)
    line: int | None = field(default=None, compare=False)

    # -- reading ------------------------------------------------------------
    def get(self, name: str) -> str | date | None:
        """The typed value of an ILR field by its XML name."""
        value: str | date | None = getattr(self, FIELD_ATTR[name])  # every DELIVERY_FIELDS attribute is one of these
        return value

    def text(self, name: str) -> str | None:
        """The value as the XML would write it."""
        return format_value(self.get(name))

    def fams_of(self, fam_type: str) -> tuple[Fam, ...]:
        return self._fams_by_type.get(fam_type, ())

    @cached_property
    def _fams_by_type(self) -> dict[str, tuple[Fam, ...]]:
        """The FAMs of each type, in record order: checks and advice ask ~20 times an aim."""
        by_type: dict[str, list[Fam]] = {}
        for f in self.fams:
            by_type.setdefault(f.type, []).append(f)
        return {t: tuple(fs) for t, fs in by_type.items()}

    def fam_code(self, fam_type: str) -> str | None:
        found = self.fams_of(fam_type)
        return found[0].code if found else None

    @cached_property
    def seq(self) -> int | None:
        """AimSeqNumber as a number (read ~20 times an aim, so worked out once)."""
        return int(self.aim_seq) if self.aim_seq is not None else None

    @cached_property
    def is_bootcamp(self) -> bool:
        """FundModel 37 or ProgType 32: either marks the aim as a bootcamp aim."""
        return self.fund_model == "37" or self.prog_type == "32"

    @cached_property
    def is_programme_aim(self) -> bool:
        return self.aim_type == "1"

    @cached_property
    def is_component(self) -> bool:
        return self.aim_type == "3"

    @cached_property
    def is_event_aim(self) -> bool:
        return self.aim_type == "3" and (self.learn_aim_ref or "").upper() in EVENT_AIMS

    @cached_property
    def is_subject_aim(self) -> bool:
        """A component that is not an event aim.

        LARS category 62 membership cannot be checked offline, so every other
        AimType 3 aim is taken to be a subject learning aim (an inference).
        """
        return self.aim_type == "3" and not self.is_event_aim

    def label(self) -> str:
        seq = self.aim_seq or "?"
        return f"aim {seq} ({self.learn_aim_ref or 'no LearnAimRef'})"

    # -- editing ------------------------------------------------------------
    def with_text(self, name: str, text: str | None) -> Delivery:
        """A copy with one field set from its ILR text (None removes it)."""
        attr = FIELD_ATTR[name]
        problems = dict(self.problems)
        problems.pop(name, None)
        # Any: the field is chosen by name, and FIELD_KIND gives the value that field's type (the
        # tables tie the two; a checker cannot follow a name into ``replace``).
        value: Any
        try:
            value = parse_value(FIELD_KIND[name], text)
        except ValueProblem as exc:
            problems[name] = str(exc)
            value = None
        return dataclasses.replace(self, **{attr: value}, problems=problems)

    def with_fams(self, fams: tuple[Fam, ...]) -> Delivery:
        return dataclasses.replace(self, fams=fams)


@dataclass(frozen=True)
class Learner:
    """One learner: reference, the few learner-level facts rules need, and aims."""

    learn_ref: str
    deliveries: tuple[Delivery, ...] = ()
    date_of_birth: date | None = None
    #: DateEmpStatApp of each LearnerEmploymentStatus record.
    employment_dates: tuple[date, ...] = ()
    #: DateLevelApp of each PriorAttain record.
    prior_attain_dates: tuple[date, ...] = ()
    #: False when only bare LearningDelivery elements were given, so that
    #: learner-level rules (date of birth, employment status) are not run on
    #: data that simply was not pasted.
    has_learner_details: bool = False
    problems: dict[str, str] = field(default_factory=dict, compare=False)
    line: int | None = field(default=None, compare=False)
    #: The learner's place among the file's Learner records (1 is the first), when read from a file or
    #: paste of whole learners: how reports and --fixed tell apart two records with one LearnRefNumber.
    position: int | None = field(default=None, compare=False)
    #: The position of an earlier Learner record in the same input with this LearnRefNumber (R_06).
    duplicate_of: int | None = field(default=None, compare=False)
    #: What the year's XSD rejects, or the reader read past (ilr/schema.py), as written in the input.
    schema_issues: tuple[SchemaIssue, ...] = ()

    def delivery(self, seq: int) -> Delivery | None:
        for d in self.deliveries:
            if d.seq == seq:
                return d
        return None

    @cached_property
    def bootcamp_deliveries(self) -> tuple[Delivery, ...]:
        return tuple(d for d in self.deliveries if d.is_bootcamp)

    @property
    def is_bootcamp_learner(self) -> bool:
        return bool(self.bootcamp_deliveries)

    @cached_property
    def programmes(self) -> tuple[Programme, ...]:
        """The learner's bootcamps: bootcamp aims grouped by ConRefNumber, in first-seen order.

        Cached because every cross-record rule asks for it; a Learner never
        changes (edits make a new one).
        """
        groups: dict[str | None, list[Delivery]] = {}
        for d in self.bootcamp_deliveries:
            groups.setdefault(d.con_ref_number, []).append(d)
        return tuple(Programme(con_ref, tuple(aims)) for con_ref, aims in groups.items())

    @cached_property
    def pt32_deliveries(self) -> tuple[Delivery, ...]:
        """Every ProgType 32 aim, whatever its FundModel (several cross-record rules start here)."""
        return tuple(d for d in self.deliveries if d.prog_type == "32")

    @cached_property
    def pt32_programmes(self) -> tuple[Programme, ...]:
        """ProgType 32 aims grouped by FundModel, ProgType and ConRefNumber, in first-seen order.

        The grouping of R_135/136/140/143; cached (like ``programmes``) so that the four
        rules share one grouping and its programmes' cached roles.
        """
        groups: dict[tuple[str | None, str | None, str | None], list[Delivery]] = {}
        for d in self.pt32_deliveries:
            groups.setdefault((d.fund_model, d.prog_type, d.con_ref_number), []).append(d)
        return tuple(Programme(key[2], tuple(aims)) for key, aims in groups.items())

    def with_deliveries(self, deliveries: tuple[Delivery, ...]) -> Learner:
        return dataclasses.replace(self, deliveries=deliveries)


@dataclass(frozen=True)
class Programme:
    """A bootcamp as the cross-record rules see it: aims sharing one ConRefNumber."""

    con_ref: str | None
    aims: tuple[Delivery, ...]

    @cached_property
    def programme_aims(self) -> tuple[Delivery, ...]:
        return tuple(a for a in self.aims if a.is_programme_aim)

    @cached_property
    def latest_programme_aim(self) -> Delivery | None:
        """The programme aim with the latest start (the rules' "latest programme aim")."""
        progs = [a for a in self.programme_aims if a.learn_start_date is not None]
        if not progs:
            return self.programme_aims[0] if self.programme_aims else None
        return max(progs, key=lambda a: (a.learn_start_date, a.seq or 0))

    @cached_property
    def earliest_start(self) -> date | None:
        starts = [a.learn_start_date for a in self.programme_aims if a.learn_start_date]
        return min(starts) if starts else None

    @cached_property
    def components(self) -> tuple[Delivery, ...]:
        return tuple(a for a in self.aims if a.is_component)

    @cached_property
    def subject_aims(self) -> tuple[Delivery, ...]:
        return tuple(a for a in self.aims if a.is_subject_aim)

    @cached_property
    def event_aims(self) -> tuple[Delivery, ...]:
        return tuple(a for a in self.aims if a.is_event_aim)


def programmes(learner: Learner) -> tuple[Programme, ...]:
    """Group a learner's bootcamp aims by ConRefNumber, in first-seen order."""
    return learner.programmes
