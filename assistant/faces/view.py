"""One learner's diagnosis as plain data: what every output form of `diagnose` draws from.

`learner_view` is the one place the reports read a `Diagnosis`: the JSON, CSV,
text and Markdown renderers (`formats.py`, `markdown.py`) and the counts
(`counts.py`) use only the `LearnerView` it builds, once per learner, so a
fact (a change's field, the rules a learner breaks, whether it needs
attention) is worked out once however many forms show it.

The pieces are the JSON contract's own dicts (typed below), built in the
contract's key order: the JSON writer only lays them out, which keeps the
whole-file path fast (issue 15). Lists the diagnosis already holds as tuples
stay tuples (JSON writes them as arrays). Keys may be added, never renamed
(issue 2).
The chat (`dialogue/render.py`) and the TUI (`tui/format.py`) show one
learner at a time from the `Diagnosis` itself: the core never imports the faces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, NotRequired, Sequence, TypedDict

from ..advice.engine import Diagnosis
from ..advice.types import Change
from ..ilr.vocabulary import field_words
from ..rules.base import Finding, Source
from ..rules.milestones import ProgrammeStatus


class SourceData(TypedDict):
    title: str
    url: str
    grade: str


class FindingData(TypedDict):
    rule: str
    severity: str
    aim_seq: int | None
    field: str | None
    message: str
    detail: str
    explanation: str
    sources: list[SourceData]
    con_ref: str | None
    #: The finding's own evidence grade: an inference where the year's rule page is not held, even
    #: though its source (another year's page or workbook) is official for that year.
    grade: str
    fam_type: NotRequired[str]
    year_note: NotRequired[str]


class FileFindingData(FindingData):
    """A finding about the file as a whole (R_06), with the LearnRefNumber it names (the first key)."""

    learn_ref: str


#: A proposed change; a functional TypedDict because one key is ``from``.
ChangeData = TypedDict("ChangeData", {
    "aim_seq": int, "aim_ref": str, "field": str, "from": Any, "to": Any, "because": tuple[str, ...],
    "rules": tuple[str, ...], "milestone": str | None, "grade": str, "sources": list[SourceData],
    "fam_type": NotRequired[str],
})


class MilestoneData(TypedDict):
    status: str
    reasons: tuple[str, ...]
    evidence: str


class ProgrammeData(TypedDict):
    con_ref: str | None
    programme_aim_seq: int | None
    method: str
    start: str | None
    milestones: dict[str, MilestoneData]


class QuestionData(TypedDict):
    id: str
    aim_seq: int | None
    text: str


@dataclass(slots=True)
class LearnerView:
    """A learner's diagnosis as every report form needs it, built once (`learner_view`) and not changed after.

    (Not ``frozen``: a frozen dataclass is twice as slow to build, and one is built per learner.)
    """

    learn_ref: str
    #: The learner's place among the file's Learner records (None for bare aims): two records may share a
    #: LearnRefNumber (R_06), so scripts tell them apart by this, as --fixed does.
    position: int | None
    #: True when making the changes adds no validation error; ``introduced``: the rule ids they would add.
    verified: bool
    introduced: list[str]
    programmes: list[ProgrammeData]
    findings: list[FindingData]
    changes: list[ChangeData]
    #: Changes worked out but not offered: they would add an error (each has a question).
    withheld: list[ChangeData]
    questions: list[QuestionData]
    explanations: tuple[str, ...]
    #: The learner's state per bootcamp, by ConRefNumber (None: the programme has none).
    states: Mapping[str | None, str]
    programmes_after: list[ProgrammeData]
    findings_after: list[FindingData]
    #: LearnAimRef by AimSeqNumber, for rows that name a finding's aim (empty when nothing was found).
    aim_refs: Mapping[int | None, str | None]
    #: AimType by AimSeqNumber, the aims the changes add included, for naming what a changed aim is
    #: (empty when nothing changes).
    aim_types: Mapping[int | None, str | None]
    #: Rule ids of the errors and of the other findings now, sorted, each once.
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    #: Something to act on: a finding, a change, or a milestone blocked (`Diagnosis.has_findings`).
    needs_attention: bool


def source_data(s: Source) -> SourceData:
    return {"title": s.title, "url": s.url, "grade": s.grade}


def finding_data(f: Finding) -> FindingData:
    out: FindingData = {
        "rule": f.rule, "severity": f.severity, "aim_seq": f.aim_seq, "field": f.field, "message": f.message,
        "detail": f.detail, "explanation": f.explanation, "sources": [source_data(s) for s in f.sources],
        "con_ref": f.con_ref, "grade": f.grade}
    if f.fam_type:
        out["fam_type"] = f.fam_type
    if f.year_note:
        out["year_note"] = f.year_note
    return out


def change_data(c: Change) -> ChangeData:
    out: ChangeData = {
        "aim_seq": c.aim_seq, "aim_ref": c.aim_ref, "field": c.field, "from": c.from_, "to": c.to,
        "because": c.because, "rules": c.rules, "milestone": c.milestone, "grade": c.grade,
        "sources": [source_data(s) for s in c.sources]}
    if c.fam_type:
        out["fam_type"] = c.fam_type
    return out


def programme_data(p: ProgrammeStatus) -> ProgrammeData:
    return {"con_ref": p.con_ref, "programme_aim_seq": p.programme_aim_seq, "method": p.method,
            "start": p.start.isoformat() if p.start else None,
            "milestones": {k: {"status": m.status, "reasons": m.reasons, "evidence": m.evidence}
                           for k, m in p.milestones.items()}}


def learner_view(dg: Diagnosis) -> LearnerView:
    """The one reading of a diagnosis for the reports (see the module docstring)."""
    findings = dg.findings
    proposal = dg.proposal
    programmes = [programme_data(p) for p in dg.programmes]
    return LearnerView(
        learn_ref=dg.learner.learn_ref,
        position=dg.learner.position,
        verified=not dg.introduced,
        introduced=dg.introduced_rules if dg.introduced else [],
        programmes=programmes,
        findings=[finding_data(f) for f in findings],
        changes=[change_data(c) for c in proposal.changes],
        withheld=[change_data(c) for c in proposal.withheld],
        questions=[{"id": q.id, "aim_seq": q.aim_seq, "text": q.text} for q in proposal.questions],
        explanations=proposal.explanations,
        states=proposal.states,
        # With nothing to change the engine hands back the same statuses: built once, written twice.
        programmes_after=(programmes if dg.programmes_after is dg.programmes
                          else [programme_data(p) for p in dg.programmes_after]),
        findings_after=[finding_data(f) for f in dg.findings_after],
        aim_refs={d.seq: d.learn_aim_ref for d in dg.learner.deliveries} if findings else {},
        aim_types={d.seq: d.aim_type for d in dg.fixed.deliveries} if proposal.changes else {},
        errors=tuple(sorted({f.rule for f in findings if f.is_error})) if findings else (),
        warnings=tuple(sorted({f.rule for f in findings if not f.is_error})) if findings else (),
        needs_attention=dg.has_findings,
    )


def file_findings_data(found: Sequence[tuple[str, Finding]]) -> list[FileFindingData]:
    """Findings about the file as a whole (R_06: a LearnRefNumber used twice), each with the reference it names."""
    return [{"learn_ref": ref, **finding_data(f)} for ref, f in found]


# -- facts more than one form says -------------------------------------------------------------

def field_name(c: ChangeData) -> str:
    """The field a change touches, with its FAM type: ``Outcome``, ``LearningDeliveryFAM EVI``."""
    return field_words(c["field"], c.get("fam_type"))
