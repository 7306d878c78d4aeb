"""Rules about the whole file rather than one learner: R_06, a LearnRefNumber used twice.

A per-learner check cannot see another learner, so R_06 is registered with
a check that never fires on one learner (its words still live in
knowledge/rules.yaml like every rule's), and `duplicate_findings` builds its
findings from every learner's reference, collected by whichever path read
the file (the stream keeps only the references, not the learners).
"""

from __future__ import annotations

from typing import Iterable

from ..ilr.model import Learner
from ..ilr.stream import Duplicate
from .base import Context, Finding, Hit, rule

DUPLICATE_RULE = "R_06"
#: Rules that only a whole file can break (their per-learner check never fires; tests prove them on files).
FILE_RULES = frozenset({DUPLICATE_RULE})


@rule(DUPLICATE_RULE)
def r_06(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """File-level: see `duplicate_findings`; one learner alone never breaks it."""
    return ()


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
                                    "its own record (by position in the file)"),
                            explanation=text.explanation, sources=sources, grade=ev.grade, year_note=ev.note))
            for d in duplicates]
