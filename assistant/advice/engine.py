"""Diagnose one learner: findings, milestones, a verified proposal.

The proposal is applied to a copy of the record and every rule is run again,
so the user is never told to make a change that trades one error for another
(never add). When the change set as planned would add an error, the smallest
groups of changes that cause it are withheld, and each becomes a "a person must
check" question naming the rule it would break; what is offered re-checks
clean. `introduced` lists any error the offered changes would still add; a
diagnosis with any is not ``verified``, every face then presents its changes as
"not verified", and ``diagnose --fixed`` does not write them.

Never stop short: every error left standing after the offered changes, and
every milestone left blocked, ends in a change, a question, or a "a person must
check X, because Y" question added here when the advice had none for it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from ..ilr.model import Learner
from ..rules.base import Context, Finding, fmt
from ..rules.checks import check_learner
from ..rules.milestones import ProgrammeStatus, assess
from .apply import apply_changes
from .propose import propose
from .seqs import propose_numbered
from .types import Change, Facts, Proposal, Question


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
    def verified(self) -> bool:
        """True when making the offered changes adds no validation error (nothing to change counts as verified)."""
        return not self.introduced

    @property
    def introduced_rules(self) -> list[str]:
        return sorted({f.rule for f in self.introduced})

    @property
    def has_findings(self) -> bool:
        """Something wrong to act on: a finding, a change, or a milestone the coding blocks.

        Open questions alone (a learner waiting for an event) are not something wrong.
        """
        blocked = any(m.status == "blocked" for p in self.programmes for m in p.milestones.values())
        return bool(self.findings or self.proposal.changes) or blocked


@dataclass(frozen=True)
class _Trial:
    changes: tuple[Change, ...]
    fixed: Learner
    after: list[Finding]
    introduced: list[Finding]


#: Above this many change groups, withholding works aim by aim instead of trying each group (see _verify).
GREEDY_LIMIT = 12

#: An aim's status fields change together: withholding one alone would leave the aim half closed.
STATUS_FIELDS = frozenset({"CompStatus", "LearnActEndDate", "Outcome", "AchDate", "WithdrawReason"})


#: What a group of changes is keyed by: a whole added aim, an aim's status, or one field (with its FAM type).
GroupKey = tuple[Literal["aim", "status"], int] | tuple[Literal["field"], int, str, str | None]


def _group_key(change: Change, added: set[int]) -> GroupKey:
    """Changes that stand or fall together: a whole added aim, an aim's status, else one field (or FAM type)."""
    if change.aim_seq in added:
        return ("aim", change.aim_seq)
    if change.field in STATUS_FIELDS:
        return ("status", change.aim_seq)
    return ("field", change.aim_seq, change.field, change.fam_type)


def _trial(learner: Learner, ctx: Context, findings: list[Finding], changes: tuple[Change, ...]) -> _Trial:
    before = {f.key() for f in findings if f.is_error}
    if not changes:  # nothing to change (most learners of a file): no copy, no re-check
        return _Trial(changes, learner, findings, [])
    fixed = apply_changes(learner, changes)
    after = check_learner(fixed, ctx)
    return _Trial(changes, fixed, after, [f for f in after if f.is_error and f.key() not in before])


def _verify(learner: Learner, ctx: Context, findings: list[Finding], proposal: Proposal) -> tuple[Proposal, _Trial]:
    """The largest part of the proposal that adds no error, found greedily by withholding groups of changes."""
    trial = _trial(learner, ctx, findings, proposal.changes)
    if not trial.introduced:
        return proposal, trial
    added = {c.aim_seq for c in proposal.changes if c.field == "LearningDelivery" and c.from_ is None}
    groups: dict[GroupKey, list[Change]] = {}
    for c in proposal.changes:
        groups.setdefault(_group_key(c, added), []).append(c)
    kept = list(groups)
    withheld: list[tuple[GroupKey, list[Finding]]] = []

    def without(drop: set[GroupKey]) -> _Trial:
        keep = set(kept) - drop
        return _trial(learner, ctx, findings, tuple(c for c in proposal.changes if _group_key(c, added) in keep))

    while trial.introduced and kept:
        if len(kept) > GREEDY_LIMIT:
            # Many groups (a learner with dozens of aims): trying each one is quadratic in the aims.
            # Withhold at once every group on an aim that carries an added error (else the last
            # group): one re-check a round, so the cost stays linear; withholding more is safe.
            blamed = {f.aim_seq for f in trial.introduced if f.aim_seq is not None}
            drop = [k for k in kept if any(c.aim_seq in blamed for c in groups[k])] or [kept[-1]]
            t = without(set(drop))
            for key in drop:
                seqs = {c.aim_seq for c in groups[key]}
                withheld.append((key, [f for f in trial.introduced if f.aim_seq in seqs] or trial.introduced))
                kept.remove(key)
            trial = t
            continue
        best: tuple[int, GroupKey, _Trial] | None = None
        for key in reversed(kept):  # later groups (programme closure, added aims) first
            t = without({key})
            if best is None or len(t.introduced) < best[0]:
                best = (len(t.introduced), key, t)
            if not t.introduced:
                break
        assert best is not None
        _, key, t = best
        withheld.append((key, trial.introduced))
        kept.remove(key)
        trial = t
    held = tuple(c for c in proposal.changes if _group_key(c, added) not in set(kept))
    questions = list(proposal.questions)
    for key, caused in withheld:
        cs = groups[key]
        rules = ", ".join(sorted({f.rule for f in caused}))
        detail = "; ".join(dict.fromkeys(f.detail for f in caused))
        seq = cs[0].aim_seq
        what = (f"adding the aim {cs[0].to} (aim {seq})" if key[0] == "aim" else
                f"changing aim {seq} ({cs[0].aim_ref}): " + ", ".join(
                    f"{c.field}{' ' + c.fam_type if c.fam_type else ''} {_show(c.from_)} -> {_show(c.to)}" for c in cs))
        questions.append(Question(
            f"withheld:{seq}:{key[0] if key[0] != 'field' else cs[0].field}",
            f"A person must check the record before {what}: the advice would make "
            f"this change, but with the rest of the record as it stands it would add {rules} ({detail}). Correct the "
            "dates or codes that conflict with it first.", seq, None))
    return dataclasses.replace(proposal, changes=trial.changes, questions=tuple(questions), withheld=held), trial


def _show(value: object) -> str:
    if isinstance(value, dict):
        return f"{value.get('code')}" + (f" from {value['date_from']}" if value.get("date_from") else "")
    return fmt(value)


def _never_short(learner: Learner, proposal: Proposal, after: list[Finding],
                 programmes_after: list[ProgrammeStatus]) -> Proposal:
    """Every error left and every blocked milestone ends in a change, a question or a "person must check".

    An error on an aim counts as answered by a question on that aim, or by a question for a fact (not a
    check) about its bootcamp or the learner — answering it is what lets the advice fix the error. An
    error in the learner's own details (prior attainment, employment status, date of birth) is never
    answered by the advice's questions: it always gets its own "person must check".
    """
    from ..rules.base import REGISTRY

    asked_on = {q.aim_seq for q in proposal.questions if q.aim_seq is not None}
    con_of = {d.seq: d.con_ref_number for d in learner.deliveries}
    fact_for = {con_of.get(q.aim_seq) if q.aim_seq is not None else "*" for q in proposal.questions
                if q.fact is not None}
    questions = list(proposal.questions)
    for f in after:
        details = f.rule in REGISTRY and REGISTRY[f.rule].needs_learner_details
        if not f.is_error or (not details and (f.aim_seq in asked_on or "*" in fact_for or (
                f.aim_seq is not None and con_of.get(f.aim_seq) in fact_for))):
            continue
        where = f"aim {f.aim_seq}" if f.aim_seq is not None else "the learner's details"
        qid = f"check:{f.rule}:{f.aim_seq}"
        if any(q.id == qid for q in questions):
            continue
        questions.append(Question(qid, f"A person must check {f.rule} on {where} ({f.detail}), because fixing it "
                                       "needs data the record does not hold and no change here can supply it.",
                                  f.aim_seq, None))
    if not questions:
        for p in programmes_after:
            for name, m in p.milestones.items():
                if m.status == "blocked":
                    questions.append(Question(f"check:{name}:{p.con_ref}", f"A person must check why {name} is "
                                              f"blocked on bootcamp {fmt(p.con_ref)}: {m.reasons[0]}.",
                                              p.programme_aim_seq, None))
    if len(questions) == len(proposal.questions):
        return proposal
    return dataclasses.replace(proposal, questions=tuple(questions))


#: Rules whose verdict depends on the file preparation date.
AS_OF_RULES = frozenset({"R_138", "LearnActEndDate_04", "AchDate_07", "LearnStartDate_21"})


def _state_assumptions(ctx: Context, proposal: Proposal, findings: list[Finding]) -> tuple[Proposal, list[Finding]]:
    """A header-less snippet: say the assumed date or year on each conclusion that depends on it, and ask."""
    if not (ctx.as_of_assumed or ctx.year_assumed):
        return proposal, findings
    questions = list(proposal.questions)
    explanations = list(proposal.explanations)
    if ctx.as_of_assumed:
        findings = [dataclasses.replace(f, detail=f.detail + ctx.assumed_as_of()) if f.rule in AS_OF_RULES else f
                    for f in findings]
        if "no outcome within six months" in proposal.states.values():
            explanations.append("The six-month rule was applied" + ctx.assumed_as_of() + ".")
        questions.append(Question("file_preparation_date", "On what date is (or was) the file prepared? The input does not "
                                  f"say, so I assumed today ({ctx.as_of.isoformat()}); the six-month rule, R_138's "
                                  "exclusion, LearnActEndDate_04 and AchDate_07 depend on it (use --as-of).", None, None))
    if ctx.year_assumed:
        questions.append(Question("teaching_year", f"Which teaching year is this record for? The input does not say, so I "
                                  f"assumed {ctx.year} (today's); which rules apply depends on it (use --year).",
                                  None, None))
    return dataclasses.replace(proposal, questions=tuple(questions), explanations=tuple(explanations)), findings


def _grade_for_year(ctx: Context, proposal: Proposal) -> Proposal:
    """An official change resting only on a rule list is no stronger than that rule in this year.

    A change whose only official source is a year's rule wording (the 2025-26 workbook, a rule
    page), made for a rule whose page is not held for ``ctx.year``, rests on another year's wording:
    it becomes an inference, and the reason says which year's wording was used. A change that also
    stands on official guidance that is not a year's rule list (the PSM, the ILR specification)
    keeps its grade, and so does a forum-confirmed or vendor change: that evidence is about what to
    record or what paid, not about a rule's wording.
    """
    from ..knowledge_loader import GRADES
    from ..rules.catalogue import catalogue
    from ..rules.evidence import evidence, is_rule_wording

    texts = catalogue()
    changes = []
    for c in proposal.changes:
        if c.grade != "official" or any(src.grade == "official" and not is_rule_wording(src) for src in c.sources):
            changes.append(c)
            continue
        grade, notes = c.grade, []
        for rule in c.rules:
            if rule not in texts:
                continue
            ev = evidence(rule, texts[rule].grade, ctx.year)
            if GRADES.index(ev.grade) > GRADES.index(grade):
                grade = ev.grade
            if ev.grade == "inference" and ev.note and texts[rule].grade != "inference":
                notes.append(ev.note)
        if grade != c.grade or notes:
            c = dataclasses.replace(c, grade=grade, because=c.because + tuple(n for n in dict.fromkeys(notes)
                                                                              if n not in c.because))
        changes.append(c)
    return dataclasses.replace(proposal, changes=tuple(changes))


def diagnose_learner(learner: Learner, ctx: Context, facts: Facts | None = None) -> Diagnosis:
    findings = check_learner(learner, ctx)
    proposal, trial = _verify(learner, ctx, findings, propose_numbered(lambda: propose(learner, ctx, facts), learner))
    proposal = _grade_for_year(ctx, proposal)
    programmes = assess(learner, ctx, findings)
    programmes_after = assess(trial.fixed, ctx, trial.after) if proposal.changes else programmes
    proposal = _never_short(learner, proposal, trial.after, programmes_after)
    proposal, findings = _state_assumptions(ctx, proposal, findings)
    _, after = _state_assumptions(ctx, Proposal(), trial.after)
    return Diagnosis(
        learner=learner, ctx=ctx, findings=findings, programmes=programmes,
        proposal=proposal, fixed=trial.fixed, findings_after=after,
        programmes_after=programmes_after, introduced=trial.introduced,
    )
