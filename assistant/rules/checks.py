"""Run every check that applies in the context's teaching year.

Each finding's grade follows the pages held for that year (`evidence.py`):
official with the year's page, an inference (saying which year's wording was
used) without it.
"""

from __future__ import annotations

import functools
from datetime import date

from ..ilr.model import Learner
from .base import Context, Finding
from .catalogue import catalogue
from .evidence import evidence
from .registered import REGISTRY


def check_learner(learner: Learner, ctx: Context) -> list[Finding]:
    """Every finding on one learner, errors first, then by aim."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for reg, text, ev, message in active_checks(ctx.year, learner.has_learner_details):
        sources = ((ev.page,) if ev.page else ()) + text.sources
        for hit in reg.check(learner, ctx):
            finding = Finding(
                rule=reg.id,
                severity=text.severity,  # type: ignore[arg-type]
                aim_seq=hit.aim_seq,
                field=hit.field,
                message=message,
                detail=hit.detail,
                explanation=text.explanation,
                sources=sources,
                grade=ev.grade,
                con_ref=hit.con_ref,
                fam_type=hit.fam_type,
                year_note=ev.note,
            )
            if finding.key() + (finding.detail,) not in seen:
                seen.add(finding.key() + (finding.detail,))
                findings.append(finding)
    order = {"error": 0, "warning": 1, "advice": 2}
    findings.sort(key=lambda f: (order[f.severity], f.aim_seq or 0, f.rule))
    return findings


@functools.lru_cache(maxsize=64)
def active_checks(year: str, has_learner_details: bool) -> tuple:
    """The checks that run for a teaching year, with their words, evidence and that year's message: once per year."""
    texts = catalogue()
    ctx = Context(year, date.min)
    out = []
    for rid, reg in REGISTRY.items():
        text = texts[rid]
        if not text.applies_in(ctx) or not (has_learner_details or not reg.needs_learner_details):
            continue
        page = ctx.facts.page(rid)
        if page is not None and not page.exists:
            continue  # published as deleted this year
        # The year's own message where its page is held (DfE's wording differs slightly between years).
        message = page.message if page is not None and page.message and page.source != "workbook" else text.message
        out.append((reg, text, evidence(rid, text.grade, year, text.year_notes.get(year)), message))  # type: ignore[arg-type]
    return tuple(out)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)
