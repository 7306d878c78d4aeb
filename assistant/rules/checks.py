"""Run every check that applies in the context's teaching year.

Each finding's grade follows the pages held for that year (`evidence.py`):
official with the year's page, an inference (saying which year's wording was
used) without it.
"""

from __future__ import annotations

import functools
from datetime import date

from ..ilr.model import Learner
from .base import Check, Context, Finding, Grade, Registered, Severity, Source
from .catalogue import RuleText, catalogue
from .evidence import Evidence, evidence
from .registered import REGISTRY

#: A check that runs this year: its registration, words, evidence and that year's message.
ActiveCheck = tuple[Registered, RuleText, Evidence, str]
#: What every finding of one rule shares: check, rule id, severity, message, explanation, sources, grade, year note.
CompiledCheck = tuple[Check, str, Severity, str, str, tuple[Source, ...], Grade, str | None]

_ORDER = {"error": 0, "warning": 1, "advice": 2}


def _sort_key(f: Finding) -> tuple[int, int, str]:
    return (_ORDER[f.severity], f.aim_seq or 0, f.rule)


def check_learner(learner: Learner, ctx: Context) -> list[Finding]:
    """Every finding on one learner, errors first, then by aim.

    The year's checks are compiled once (`compiled_checks`): each entry already holds
    what every finding of that rule shares, so a learner costs one call per rule
    and one `Finding` per hit — every rule still runs on every bootcamp learner.
    """
    findings: list[Finding] = []
    seen: set[tuple[str, int | None, str | None, str | None, str | None, str]] = set()
    for check, rid, severity, message, explanation, sources, grade, note in compiled_checks(
            ctx.year, learner.has_learner_details):
        for hit in check(learner, ctx):
            hit_grade, hit_note = (grade, note) if hit.reading is None else \
                ("inference", f"{note} {hit.reading}" if note else hit.reading)
            finding = Finding(rid, severity, hit.aim_seq, hit.field, message, hit.detail, explanation, sources,
                              hit_grade, hit.con_ref, hit.fam_type, hit_note)
            key = (rid, hit.aim_seq, hit.field, hit.con_ref, hit.fam_type, hit.detail)  # finding.key() + detail
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    if len(findings) > 1:
        findings.sort(key=_sort_key)
    return findings


@functools.lru_cache(maxsize=64)
def active_checks(year: str, has_learner_details: bool) -> tuple[ActiveCheck, ...]:
    """The checks that run for a teaching year, with their words, evidence and that year's message: once per year."""
    texts = catalogue()
    ctx = Context(year, date.min)
    out: list[ActiveCheck] = []
    for rid, reg in REGISTRY.items():
        text = texts[rid]
        if not text.applies_in(ctx) or not (has_learner_details or not reg.needs_learner_details):
            continue
        page = ctx.facts.page(rid)
        if page is not None and not page.exists:
            continue  # published as deleted this year
        # The year's own message where its page is held (DfE's wording differs slightly between years).
        message = page.message if page is not None and page.message and page.source != "workbook" else text.message
        out.append((reg, text, evidence(rid, text.grade, year, text.year_notes.get(year)), message))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def compiled_checks(year: str, has_learner_details: bool) -> tuple[CompiledCheck, ...]:
    """`active_checks` flattened for the hot loop: once per year, not per learner.

    Each entry: (check, rule id, severity, that year's message, explanation,
    sources, grade, year note) — everything a finding of the rule shares.
    """
    return tuple((reg.check, reg.id, text.severity, message, text.explanation,
                  ((ev.page,) if ev.page else ()) + text.sources, ev.grade, ev.note)
                 for reg, text, ev, message in active_checks(year, has_learner_details))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)
