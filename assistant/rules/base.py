"""The vocabulary of checking: context, findings, and how a check is registered.

The logic of each check is a small Python function here in `rules/`; its words
(official message, severity, years, explanation, sources) live in
`knowledge/rules.yaml`, tied to the function by the rule id. `catalogue.py`
refuses to start if either side names an id the other does not know.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Literal

from ..ilr.model import Delivery, Learner, cached_property
from ..ilr.years import Year, year_facts, year_index

Severity = Literal["error", "warning", "advice"]
Grade = Literal["official", "forum-confirmed", "vendor", "inference"]

@dataclass(frozen=True)
class Context:
    """What a check needs besides the record: the teaching year and "today".

    ``as_of`` stands for the file preparation date (the ILR rules compare
    LearnActEndDate, AchDate and the six-month window against it).
    """

    year: str
    as_of: date
    #: True when the input did not say (a header-less snippet): conclusions that depend on the
    #: file preparation date or the teaching year then state the assumption, and a question is asked.
    as_of_assumed: bool = False
    year_assumed: bool = False

    def assumed_as_of(self) -> str:
        """" (assuming the file is prepared on …)" when the date was assumed, else ""."""
        return f" (assuming the file is prepared on {self.as_of.isoformat()}, today: the input does not say)" \
            if self.as_of_assumed else ""

    @cached_property
    def facts(self) -> Year:
        """The teaching year's facts (namespace, schema, rule pages, cut-over dates), from knowledge/years/."""
        return year_facts(self.year)

    def date(self, name: str) -> date:
        """A cut-over date of the rules by name (``evi_cutover``, ``r144_from``…), from knowledge/years/common.yaml."""
        return self.facts.dates[name]

    def add_six_months(self, day: datetime.date) -> datetime.date:  # (``date`` here is the method above)
        """The six-month rule (AchDate_13, the R_138 exclusion): months from knowledge/years/common.yaml."""
        return add_months(day, self.facts.six_month_rule_months)

    def rule_runs(self, rule_id: str) -> bool:
        """Whether a rule applies to bootcamps in this teaching year (the rule table in knowledge/)."""
        from .catalogue import catalogue

        text = catalogue().get(rule_id)
        return bool(text and not text.unchecked and not text.excludes_bootcamps(self.year) and text.applies_in(self))

    def excludes_bootcamps(self, rule_id: str) -> bool:
        """Whether DfE excludes Skills Bootcamps (FundModel 37 and ProgType 32) from a rule in this year."""
        from .catalogue import catalogue

        text = catalogue().get(rule_id)
        return bool(text and text.excludes_bootcamps(self.year))

    def year_at_least(self, year: str) -> bool:
        return year_index(self.year) >= year_index(year)

    def year_before(self, year: str) -> bool:
        return year_index(self.year) < year_index(year)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    grade: Grade


@dataclass(frozen=True)
class Hit:
    """Where a check fired, with the specifics a user needs to find it."""

    aim_seq: int | None
    field: str | None
    detail: str
    con_ref: str | None = None
    fam_type: str | None = None
    #: Set where DfE's wording does not settle this case and the check follows our reading of it: the
    #: finding is then graded inference, whatever pages are held, and says why (knowledge/rules.yaml says so too).
    reading: str | None = None


#: A finding's identity: rule, AimSeqNumber, field, ConRefNumber, FAM type.
FindingKey = tuple[str, int | None, str | None, str | None, str | None]


@dataclass(frozen=True)
class Finding:
    """A rule that fired on this record, with everything needed to explain it."""

    rule: str
    severity: Severity
    aim_seq: int | None
    field: str | None
    message: str
    detail: str
    explanation: str
    sources: tuple[Source, ...]
    grade: Grade
    con_ref: str | None = None
    fam_type: str | None = None
    #: Said when the rule's wording for this year is assumed, not published.
    year_note: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def key(self) -> FindingKey:
        """Identity for comparing findings before and after a proposed change."""
        return (self.rule, self.aim_seq, self.field, self.con_ref, self.fam_type)


Check = Callable[[Learner, Context], Iterable[Hit]]


@dataclass(frozen=True)
class Registered:
    id: str
    check: Check
    #: Learner-level rules need the learner's own details, not just aims.
    needs_learner_details: bool = False


REGISTRY: dict[str, Registered] = {}


def rule(id: str, *, needs_learner_details: bool = False) -> Callable[[Check], Check]:
    """Register a check under its official rule id.

    The years it runs in are data (`years` in knowledge/rules.yaml), not code.
    """

    def register(fn: Check) -> Check:
        if id in REGISTRY:
            raise ValueError(f"rule {id} registered twice")
        REGISTRY[id] = Registered(id, fn, needs_learner_details)
        return fn

    return register


def add_months(day: date, months: int) -> date:
    """Calendar months, clamping to the month's end (31 Aug + 6 months = 28/29 Feb).

    Past the end of the calendar (a typo like 9999-12-31) it stops at date.max
    rather than fail: "six months after the end of time" is still later than any file.
    """
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    if year > date.max.year:
        return date.max
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def bootcamp_aims(learner: Learner) -> tuple[Delivery, ...]:
    """The aims our checks look at: FundModel 37 or ProgType 32."""
    return learner.bootcamp_deliveries


def fmt(value: object) -> str:
    """A value as a user reads it in a finding's detail."""
    if value is None:
        return "(none)"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
