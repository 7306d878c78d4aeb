"""Run every check that applies in the context's teaching year.

Importing this module registers all checks (each module adds itself to the
registry when imported).
"""

from __future__ import annotations

import functools
from datetime import date

from ..ilr.model import Learner
from . import aim_rules, cross_rules, learner_rules  # noqa: F401  - registration
from .base import REGISTRY, RULES_YEAR, Context, Finding


def check_learner(learner: Learner, ctx: Context) -> list[Finding]:
    """Every finding on one learner, errors first, then by aim."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for reg, text, note in active_checks(ctx.year, learner.has_learner_details):
        for hit in reg.check(learner, ctx):
            finding = Finding(
                rule=reg.id,
                severity=text.severity,  # type: ignore[arg-type]
                aim_seq=hit.aim_seq,
                field=hit.field,
                message=text.message,
                detail=hit.detail,
                explanation=text.explanation,
                sources=((text.page,) if text.page else ()) + text.sources,
                grade=text.grade,  # type: ignore[arg-type]
                con_ref=hit.con_ref,
                fam_type=hit.fam_type,
                year_note=note,
            )
            if finding.key() + (finding.detail,) not in seen:
                seen.add(finding.key() + (finding.detail,))
                findings.append(finding)
    order = {"error": 0, "warning": 1, "advice": 2}
    findings.sort(key=lambda f: (order[f.severity], f.aim_seq or 0, f.rule))
    return findings


@functools.lru_cache(maxsize=64)
def active_checks(year: str, has_learner_details: bool) -> tuple:
    """The checks that run for a teaching year, with their words: worked out once per year."""
    from .catalogue import catalogue

    texts = catalogue()
    ctx = Context(year, date.min)
    return tuple((reg, texts[rid], year_note(texts[rid], ctx)) for rid, reg in REGISTRY.items()
                 if texts[rid].applies_in(ctx) and (has_learner_details or not reg.needs_learner_details))


def year_note(text, ctx: Context) -> str | None:
    if ctx.year in text.year_notes:
        return text.year_notes[ctx.year]
    if ctx.year != RULES_YEAR and not ctx.year_before(RULES_YEAR):
        return f"No {ctx.year} rule list is held here; this check follows the {RULES_YEAR} wording."
    return None


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)
