"""Rules about the whole file rather than one learner: R_06, a LearnRefNumber used twice; the Header's year.

A per-learner check cannot see another learner, so the reader notes on each
learner the position of an earlier record with its reference
(`Learner.duplicate_of`): R_06 fires on that learner, so none of its
milestones reads as payable while the duplicate stands (the first record was
already reported when the second is read: the file finding says neither
counts). `duplicate_findings` builds the file's own findings from every
learner's reference, collected by whichever path read the file (the stream
keeps only the references, not the learners).
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from ..ilr.model import Learner
from ..ilr.stream import Duplicate
from .base import Context, Finding, Hit, rule

DUPLICATE_RULE = "R_06"
#: The schema check (its id in knowledge/rules.yaml): also what a Header Year or namespace the XSD refuses breaks.
SCHEMA_RULE = "Schema"
#: The Header's FilePreparationDate must not be after today (2025-26 workbook, File Level).
FUTURE_HEADER_RULE = "Header_2"
#: Rules that only a whole file can break (R_06 fires on a learner only when the reader saw an earlier record with
#: its reference; tests prove it on files).
FILE_RULES = frozenset({DUPLICATE_RULE, FUTURE_HEADER_RULE})


@rule(FUTURE_HEADER_RULE)
def header_2(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """File-level: see `header_findings`; a learner has no Header."""
    return ()


@rule(DUPLICATE_RULE)
def r_06(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """The learner repeats an earlier record's reference (the reader notes it): its own error, so that none of its
    milestones reads as payable while the duplicate stands; `duplicate_findings` reports it for the file as a whole."""
    if learner.duplicate_of is not None:
        yield Hit(None, "LearnRefNumber",
                  f"learner {learner.position} has LearnRefNumber {learner.learn_ref}, already used by learner "
                  f"{learner.duplicate_of} in this file; a person must resolve which record is the learner's")


def _where(position: int, line: int | None) -> str:
    return f"learner {position:,}" + (f" (line {line})" if line else "")


def duplicate_findings(duplicates: Iterable[Duplicate], ctx: Context) -> list[tuple[str, Finding]]:
    """(LearnRefNumber, R_06 finding) for each learner that repeats an earlier learner's reference."""
    from .catalogue import catalogue
    from .evidence import evidence

    text = catalogue()[DUPLICATE_RULE]
    if not text.applies_in(ctx):
        return []
    ev = evidence(DUPLICATE_RULE, text.grade, ctx.year, text.year_notes.get(ctx.year))
    sources = ((ev.page,) if ev.page else ()) + text.sources
    return [(d.ref, Finding(rule=DUPLICATE_RULE, severity=text.severity, aim_seq=None, field="LearnRefNumber",
                            message=text.message,
                            detail=(f"LearnRefNumber {d.ref} of {_where(d.position, d.line)} is already used by "
                                    f"{_where(d.first_position, d.first_line)}; each learner's changes are kept to "
                                    "its own record (by position in the file). A person must check which record is "
                                    "the learner's, because DfE accepts one record per LearnRefNumber: delete the "
                                    "duplicate, or move a new course's aims onto the original record (R_06 guidance). "
                                    "Until then count on neither record being funded (our reading: the error is "
                                    "reported against the reference both carry), whatever their milestones say."),
                            explanation=text.explanation, sources=sources, grade=ev.grade, year_note=ev.note))
            for d in duplicates]


def _short(year: str) -> str:
    """``2025-26`` as the Header writes it: ``2526``."""
    return year[2:4] + year[5:7]


def header_findings(namespace: str | None, header_year: str | None, has_header: bool, ctx: Context,
                    prepared: date | None = None, today: date | None = None) -> list[tuple[str, Finding]]:
    """The file's own year against its schema: a Header Year the namespace's XSD refuses, or no ILR namespace.

    DfE validates the file against the year's XSD before any rule runs, and its file-level rule
    "Namespace Mismatch" rejects a file whose namespace is not the schema's (2025-26 workbook, File
    Level); the XSD's ``Year`` allows only the year's own value (``2526``). Either way the whole file
    is rejected and no learner in it is funded, so a file like that is never "nothing wrong". Which of
    the two is right (the namespace, the Year, the learners' dates) is for a person to say: no change.
    Only a whole file with a Header is checked; a snippet has no namespace by nature. A FilePreparationDate
    after ``today`` (Header_2) is refused too, and it would move every date check made "as of" it.
    """
    from ..ilr.years import year_from_namespace
    from .catalogue import catalogue
    from .evidence import evidence

    if not has_header:
        return []
    text = catalogue()[SCHEMA_RULE]
    if not text.applies_in(ctx):
        return []
    ev = evidence(SCHEMA_RULE, text.grade, ctx.year, text.year_notes.get(ctx.year))
    ns_year = year_from_namespace(namespace)
    expected_ns = ctx.facts.namespace
    found: list[tuple[str, str]] = []
    if ns_year is None:
        written = f'is "{namespace}"' if namespace else "is missing (its elements are in no namespace)"
        found.append(("xmlns", (
            f'The file\'s namespace {written}; DfE\'s {ctx.year} schema is xmlns="{expected_ns}", and its file-level '
            'rule "Namespace Mismatch" rejects a file whose namespace is not the schema\'s, so no learner in it is '
            f"funded. A person must check the export from the MIS: the Message element needs xmlns=\"{expected_ns}\" "
            f"(this tool read the file as {ctx.year}).")))
    if ns_year is not None and header_year is not None and header_year != ns_year:
        found.append(("Year", (
            f"Header/CollectionDetails/Year is {_short(header_year)} ({header_year}) but the namespace is {namespace} "
            f"({ns_year}): the {ns_year} schema allows only {_short(ns_year)}, so DfE's file validation rejects the "
            "whole file and no learner in it is funded. A person must check which teaching year the file is for (the "
            "learners' dates, the collection it is sent to) and correct the Year or the namespace; this tool checked "
            f"it as {ctx.year}.")))
    result = [("", Finding(rule=SCHEMA_RULE, severity=text.severity, aim_seq=None, field=name, message=text.message,
                           detail=detail, explanation=text.explanation, sources=text.sources, grade=ev.grade,
                           year_note=ev.note))
              for name, detail in found]
    today = today or date.today()
    future = catalogue()[FUTURE_HEADER_RULE]
    if prepared is not None and prepared > today and future.applies_in(ctx):
        fev = evidence(FUTURE_HEADER_RULE, future.grade, ctx.year, future.year_notes.get(ctx.year))
        result.append(("", Finding(
            rule=FUTURE_HEADER_RULE, severity=future.severity, aim_seq=None, field="FilePreparationDate",
            message=future.message,
            detail=(f"FilePreparationDate is {prepared.isoformat()}, after today ({today.isoformat()}), so DfE rejects "
                    "the file. A person must check the date the file was prepared and correct the Header; the checks "
                    f"here were made as of {ctx.as_of.isoformat()}, so end dates, AchDates and the six months since the "
                    "end of learning were judged against that date."),
            explanation=future.explanation, sources=((fev.page,) if fev.page else ()) + future.sources,
            grade=fev.grade, year_note=fev.note)))
    return result
