"""Diagnose one learner: findings, milestones, a verified proposal.

The proposal is applied to a copy of the record and every rule is run again,
so the user is never told to make a change that trades one error for another.
`introduced` lists any error the changes would add; the test suite requires it
to be empty on every fixture.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ilr.model import Learner
from ..rules.base import Context, Finding
from ..rules.checks import check_learner
from ..rules.milestones import ProgrammeStatus, assess
from .apply import apply_changes
from .propose import propose
from .types import Facts, Proposal


@dataclass(frozen=True)
class Diagnosis:
    learner: Learner
    ctx: Context
    findings: list[Finding]
    programmes: list[ProgrammeStatus]
    proposal: Proposal
    fixed: Learner
    findings_after: list[Finding]
    programmes_after: list[ProgrammeStatus]
    introduced: list[Finding]

    @property
    def has_findings(self) -> bool:
        """Something wrong to act on: a finding, a change, or a milestone the coding blocks.

        Open questions alone (a learner waiting for an event) are not something wrong.
        """
        blocked = any(m.status == "blocked" for p in self.programmes for m in p.milestones.values())
        return bool(self.findings or self.proposal.changes) or blocked


def diagnose_learner(learner: Learner, ctx: Context, facts: Facts | None = None) -> Diagnosis:
    findings = check_learner(learner, ctx)
    proposal = propose(learner, ctx, facts)
    fixed = apply_changes(learner, proposal.changes)
    after = check_learner(fixed, ctx) if proposal.changes else findings
    before_keys = {f.key() for f in findings if f.is_error}
    introduced = [f for f in after if f.is_error and f.key() not in before_keys]
    return Diagnosis(
        learner=learner, ctx=ctx, findings=findings, programmes=assess(learner, ctx, findings),
        proposal=proposal, fixed=fixed, findings_after=after,
        programmes_after=assess(fixed, ctx, after) if proposal.changes else assess(learner, ctx, findings),
        introduced=introduced,
    )
