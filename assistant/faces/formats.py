"""What `diagnose` says and in which format: input facts, JSON, CSV and text for each learner.

Shared by the snippet driver (`diagnose.py`) and the whole-file stream
(`report.py`); it imports neither, so the two drivers do not import each other.
The JSON shape is a contract other tools read (see issue 2); keys may be
added, never renamed. Each learner carries ``verified`` (true when making its
changes adds no validation error), ``introduced`` (the rule ids they would
add; empty when verified) and ``withheld`` (changes the advice worked out but
did not offer because they would add an error; each has a question saying
what a person must check first).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, TextIO

from ..advice.engine import Diagnosis, diagnose_learner
from ..advice.types import Change
from ..ilr.model import Learner
from ..ilr.reader import InputError
from ..ilr.years import YearError, normalise_year, year_of
from ..rules.base import Context, Finding
from ..rules.evidence import year_header_notes
from ..rules.milestones import ProgrammeStatus



@dataclass
class InputInfo:
    """What the run assumed about the input; said in every output format."""

    year: str
    year_source: str
    as_of: date
    notes: list[str] = field(default_factory=list)
    #: True when no --as-of and no file preparation date: today was assumed.
    as_of_assumed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"year": self.year, "year_source": self.year_source, "as_of": self.as_of.isoformat(), "notes": self.notes}


def parse_as_of(text: str | None) -> date | None:
    if not text:
        return None
    from ..ilr.model import ValueProblem, parse_iso_date

    try:
        return parse_iso_date(text.strip())
    except ValueProblem as exc:
        raise InputError(f"--as-of {exc}", hint="Give the date as YYYY-MM-DD") from None


def resolve_input(year: str | None, year_source: str | None, file_date: date | None,
                  year_option: str | None, as_of_option: str | None, today: date | None = None) -> InputInfo:
    """Decide the teaching year and "as of" date, and say where each came from."""
    today = today or date.today()
    notes: list[str] = []
    if year_option:
        try:
            year, year_source = normalise_year(year_option), "option"
        except YearError as exc:
            raise InputError(str(exc), hint="Use --year like 2024-25") from None
    if not year:
        year, year_source = year_of(today), "assumed"
        notes.append(f"Nothing in the input says which teaching year it is for; assumed {year} (today's). "
                     "Use --year to set it.")
    as_of = parse_as_of(as_of_option) or file_date
    as_of_assumed = as_of is None
    if as_of is None:
        as_of = today
        notes.append(f"No file preparation date; checked as of today, {as_of.isoformat()}. Use --as-of to set it.")
    notes.extend(year_header_notes(year))
    return InputInfo(year, year_source or "assumed", as_of, notes, as_of_assumed)


def context_for(info: InputInfo) -> Context:
    return Context(info.year, info.as_of, as_of_assumed=info.as_of_assumed, year_assumed=info.year_source == "assumed")


# -- JSON ----------------------------------------------------------------------------------

def source_json(s) -> dict[str, str]:
    return {"title": s.title, "url": s.url, "grade": s.grade}


def finding_json(f: Finding) -> dict[str, Any]:
    out = {"rule": f.rule, "severity": f.severity, "aim_seq": f.aim_seq, "field": f.field, "message": f.message,
           "detail": f.detail, "explanation": f.explanation, "sources": [source_json(s) for s in f.sources],
           "con_ref": f.con_ref}
    if f.fam_type:
        out["fam_type"] = f.fam_type
    if f.year_note:
        out["year_note"] = f.year_note
    return out


def change_json(c: Change) -> dict[str, Any]:
    out = {"aim_seq": c.aim_seq, "aim_ref": c.aim_ref, "field": c.field, "from": c.from_, "to": c.to,
           "because": list(c.because), "rules": list(c.rules), "milestone": c.milestone, "grade": c.grade,
           "sources": [source_json(s) for s in c.sources]}
    if c.fam_type:
        out["fam_type"] = c.fam_type
    return out


def programme_json(p: ProgrammeStatus) -> dict[str, Any]:
    return {"con_ref": p.con_ref, "programme_aim_seq": p.programme_aim_seq, "method": p.method,
            "start": p.start.isoformat() if p.start else None,
            "milestones": {k: {"status": m.status, "reasons": list(m.reasons), "evidence": m.evidence}
                           for k, m in p.milestones.items()}}


def learner_json(dg: Diagnosis) -> dict[str, Any]:
    return {
        "learn_ref": dg.learner.learn_ref,
        "verified": dg.verified,
        "introduced": dg.introduced_rules,
        "programmes": [programme_json(p) for p in dg.programmes],
        "findings": [finding_json(f) for f in dg.findings],
        "changes": [change_json(c) for c in dg.proposal.changes],
        "withheld": [change_json(c) for c in dg.proposal.withheld],
        "questions": [{"id": q.id, "aim_seq": q.aim_seq, "text": q.text} for q in dg.proposal.questions],
        "explanations": list(dg.proposal.explanations),
        "states": {str(k): v for k, v in dg.proposal.states.items()},
        "after_changes": {
            "programmes": [programme_json(p) for p in dg.programmes_after],
            "findings": [finding_json(f) for f in dg.findings_after],
        },
    }


# -- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = ["learn_ref", "kind", "aim_seq", "aim_ref", "rule", "severity", "field", "fam_type", "from", "to", "message", "because"]


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict):
        return ";".join(f"{k}={'' if x is None else x}" for k, x in v.items())
    return str(v)


def csv_rows(dg: Diagnosis) -> Iterable[dict[str, str]]:
    aims = {d.seq: d.learn_aim_ref for d in dg.learner.deliveries}
    for f in dg.findings:
        yield {"learn_ref": dg.learner.learn_ref, "kind": "finding", "aim_seq": _csv_value(f.aim_seq),
               "aim_ref": aims.get(f.aim_seq) or "", "rule": f.rule, "severity": f.severity, "field": f.field or "",
               "fam_type": f.fam_type or "", "from": "", "to": "", "message": f.message, "because": f.detail}
    for c in dg.proposal.changes:
        yield {"learn_ref": dg.learner.learn_ref, "kind": "change", "aim_seq": str(c.aim_seq), "aim_ref": c.aim_ref,
               "rule": " ".join(c.rules), "severity": "", "field": c.field, "fam_type": c.fam_type or "",
               "from": _csv_value(c.from_), "to": _csv_value(c.to), "message": "", "because": "; ".join(c.because)}


# -- text ----------------------------------------------------------------------------------

def show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str) and value != value.strip():
        from ..ilr.schema import shown

        return shown(value)  # spaces as written must be seen (issue 10)
    if isinstance(value, dict):
        return f"{value.get('code')}" + (f" from {value['date_from']}" if value.get("date_from") else "")
    return str(value)


def text_learner(dg: Diagnosis) -> str:
    out: list[str] = [f"Learner {dg.learner.learn_ref}"]
    if not dg.programmes:
        out.append("  No Skills Bootcamp aims (FundModel 37 / ProgType 32): nothing to check.")
        return "\n".join(out)
    after = {p.con_ref: p for p in dg.programmes_after}
    for p in dg.programmes:
        state = dg.proposal.states.get(p.con_ref)
        out.append(f"  Bootcamp {p.con_ref or '(no ConRefNumber)'}: {p.method}, started {show(p.start)}"
                   + (f"; taken to be: {state}" if state else ""))
        for name, m in p.milestones.items():
            out.append(f"    {name} {m.status:<8} {m.reasons[0]} [{m.evidence}]")
            for extra in m.reasons[1:]:
                out.append(f"    {'':12}{extra}")
        fixed = after.get(p.con_ref)
        if dg.proposal.changes and fixed:
            out.append("    After the changes below: " + ", ".join(f"{k} {m.status}" for k, m in fixed.milestones.items()))
    if dg.proposal.explanations:
        out.append("")
        out.append("  What is wrong, in plain words:")
        out.extend(f"  - {e}" for e in dg.proposal.explanations)
    if dg.findings:
        out.append("")
        out.append("  Findings:")
        for f in dg.findings:
            where = f"aim {f.aim_seq}" if f.aim_seq is not None else "learner"
            out.append(f"  {f.severity.upper():<7} {f.rule} ({where}, {f.field or '-'}): {f.message}")
            out.append(f"          {f.detail}")
            out.append(f"          {f.explanation}")
            if f.year_note:
                out.append(f"          Note: {f.year_note}")
            if f.sources:
                s = f.sources[0]
                out.append(f"          Source ({s.grade}): {s.title} {s.url}".rstrip())
    if dg.proposal.changes:
        out.append("")
        out.append("  Changes to make:")
        current = None
        for c in dg.proposal.changes:
            if c.aim_seq != current:
                current = c.aim_seq
                out.append(f"  aim {c.aim_seq} {c.aim_ref}:")
            name = f"{c.field} {c.fam_type}" if c.fam_type else c.field
            out.append(f"    {name:<22} {show(c.from_):>12} -> {show(c.to):<12} {c.because[0]}")
            grade_src = c.sources[0] if c.sources else None
            if grade_src:
                out.append(f"    {'':22} source ({c.grade}): {grade_src.title}")
    if dg.proposal.questions:
        out.append("")
        out.append("  Questions the record can't answer (answer them, or use `ilr-assistant chat`):")
        out.extend(f"  ? {q.text}" for q in dg.proposal.questions)
    remaining = [f for f in dg.findings_after if f.is_error] if dg.proposal.changes else []
    if remaining:
        out.append("")
        out.append("  Errors these changes cannot fix (they need facts or data not in the record): "
                   + ", ".join(sorted({f.rule for f in remaining})))
    if dg.introduced:
        out.append("  NOT VERIFIED: making these changes as they stand would add " + ", ".join(dg.introduced_rules)
                   + ". Do not make them as they are: a person must check the record (--fixed leaves this learner "
                   "as recorded).")
    return "\n".join(out)


def text_header(info: InputInfo) -> str:
    lines = [f"Teaching year {info.year} ({info.year_source}); checked as of {info.as_of.isoformat()}."]
    lines += [f"Note: {n}" for n in info.notes]
    return "\n".join(lines)


# -- driver --------------------------------------------------------------------------------

def diagnose_all(learners: Iterable[Learner], ctx: Context) -> Iterable[Diagnosis]:
    for learner in learners:
        if learner.is_bootcamp_learner:
            yield diagnose_learner(learner, ctx)


#: (LearnRefNumber, finding) about the file as a whole, such as R_06 (a reference used twice).
FileFindings = list[tuple[str, Finding]]


def file_findings_json(found: FileFindings) -> list[dict[str, Any]]:
    return [{"learn_ref": ref, **finding_json(f)} for ref, f in found]


def file_finding_rows(found: FileFindings) -> Iterable[dict[str, str]]:
    for ref, f in found:
        yield {"learn_ref": ref, "kind": "finding", "aim_seq": "", "aim_ref": "", "rule": f.rule,
               "severity": f.severity, "field": f.field or "", "fam_type": "", "from": "", "to": "",
               "message": f.message, "because": f.detail}


def text_file_findings(found: FileFindings) -> str:
    out = ["The file as a whole:"]
    for _, f in found:
        out.append(f"  {f.severity.upper():<7} {f.rule} ({f.field}): {f.message}")
        out.append(f"          {f.detail}")
    return "\n".join(out)


def write_report(fmt: str, info: InputInfo, diagnoses: list[Diagnosis], out: TextIO,
                 file_findings: FileFindings | None = None) -> None:
    found = file_findings or []
    if fmt == "json":
        body: dict[str, Any] = {"input": info.as_json(), "learners": [learner_json(dg) for dg in diagnoses]}
        if found:
            body["file_findings"] = file_findings_json(found)
        json.dump(body, out, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, CSV_COLUMNS)
        writer.writeheader()
        for dg in diagnoses:
            writer.writerows(csv_rows(dg))
        writer.writerows(file_finding_rows(found))
    else:
        out.write(text_header(info) + "\n")
        if not diagnoses:
            out.write("No Skills Bootcamp learners (FundModel 37 / ProgType 32) in the input.\n")
        for dg in diagnoses:
            out.write("\n" + text_learner(dg) + "\n")
        if found:
            out.write("\n" + text_file_findings(found) + "\n")


def render(fmt: str, info: InputInfo, diagnoses: list[Diagnosis]) -> str:
    buf = io.StringIO()
    write_report(fmt, info, diagnoses, buf)
    return buf.getvalue()
