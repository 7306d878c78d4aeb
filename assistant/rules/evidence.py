"""How strong a finding is in a given teaching year: the grade follows the pages held.

A rule fired in a year whose DfE page (or workbook) is held here is
``official``. A rule fired in a year whose page is not held runs on the
nearest held year's wording and is an ``inference``, with a note naming that
year. The schema check is official only where the year's XSD is held.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ilr.years import held_years, nearest_held, year_facts, year_index
from .base import Grade, Source

#: Our own checks: no DfE page to hold for them.
OWN_RULES = {"Schema", "Normalised"}


@dataclass(frozen=True)
class Evidence:
    grade: Grade
    note: str | None
    #: The year page (or workbook) the wording comes from, first.
    page: Source | None
    #: The year whose wording was used (None: no page held in any year).
    wording_year: str | None


def is_rule_wording(source: Source) -> bool:
    """A source that is one year's rule wording: a rule list (``vr-2526``) or a rule page (``page:…``)."""
    return source.id.startswith(("vr-", "page:"))


def page_source(rule_id: str, year: str) -> Source | None:
    y = year_facts(year)
    page = y.page(rule_id)
    if page is None:
        return None
    where = {"page": "rule page", "workbook": "validation rules workbook", "category list": "category list"}[page.source]
    return Source(f"page:{rule_id}:{year}", f"{rule_id}, DfE {year} {where}", y.page_url(rule_id), "official")


def nearest_xsd_year(year: str) -> str | None:
    held = [y for y in held_years() if year_facts(y).xsd]
    if not held:
        return None
    return min(held, key=lambda y: (abs(year_index(y) - year_index(year)), -year_index(y)))


def evidence(rule_id: str, rule_grade: Grade, year: str, year_note: str | None = None) -> Evidence:
    """The grade, note and page for a finding of ``rule_id`` in ``year``."""
    if rule_id == "Schema":
        if year_facts(year).xsd:
            return Evidence(rule_grade, year_note, None, year)
        near_xsd = nearest_xsd_year(year)
        note = year_note or (f"No {year} XSD is held here; the file was checked against the {near_xsd} schema."
                             if near_xsd else f"No XSD is held for {year} or any other year.")
        return Evidence("inference", note, None, near_xsd)
    if rule_id in OWN_RULES:
        return Evidence(rule_grade, year_note, None, None)
    page = year_facts(year).page(rule_id)
    if page is not None and page.exists:
        return Evidence(rule_grade, year_note, page_source(rule_id, year), year)
    near = nearest_held(year, rule_id)
    near_page = near.page(rule_id) if near is not None else None  # held whenever near is (nearest_held)
    if near is None or near_page is None:
        note = year_note or f"No DfE page for {rule_id} is held for {year} or any other year; this is our reading."
        return Evidence("inference", note, None, None)
    kind = {"page": "rule page", "workbook": "rule list (workbook)", "category list": "category list"}[
        near_page.source]
    note = year_note or f"No {year} page for {rule_id} is held here; this check follows DfE's {near.name} {kind}."
    return Evidence("inference", note, page_source(rule_id, near.name), near.name)


def unchecked_note(year: str) -> str | None:
    """The DfE rules on bootcamp records that this tool cannot check in ``year``, by what they need: said, never silent."""
    from datetime import date

    from .base import Context
    from .catalogue import UNCHECKED_NEEDS, catalogue

    ctx = Context(year, date.min)
    by_need: dict[str, list[str]] = {}
    for rid, text in catalogue().items():
        if text.unchecked and text.applies_in(ctx):
            by_need.setdefault(text.unchecked, []).append(rid)
    if not by_need:
        return None
    parts = [f"{UNCHECKED_NEEDS[need]}: {', '.join(ids)}" for need, ids in by_need.items()]
    return ("Not checked here, because they need data this tool does not hold (a person must check them in DfE's "
            "validation report; `ilr-assistant explain RULE` says what each needs): " + "; ".join(parts) + ". "
            "R_139, R_141 and R_149 need LARS too: every AimType 3 aim that is not an event aim is taken to be a "
            "subject learning aim (our reading).")


def year_header_notes(year: str) -> list[str]:
    """What is not held for this teaching year (knowledge/years/), said once wherever a record is checked."""
    facts = year_facts(year)
    notes = []
    if not facts.rule_list:
        notes.append(f"DfE's {year} rule list is not held here: a finding is official only where its {year} rule page "
                     "is held; the others follow the nearest held year's wording and are graded inference.")
    if not facts.xsd:
        near = nearest_xsd_year(year)
        notes.append(f"No {year} XSD is held: the schema check used the {near} XSD (inference)." if near
                     else f"No XSD is held for {year}: the schema was not checked.")
    return notes
