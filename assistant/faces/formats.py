"""What `diagnose` says and in which format: the input facts, and one renderer each for JSON, CSV and text.

Each renderer is a `Sink`: it is given the learners one `LearnerView` at a
time (`view.py`) and writes its form as it goes, for a whole file streamed
(`report.py`) and for input read whole (a snippet, standard input) alike; the
Markdown report and ``--summary`` are the other two sinks (`markdown.py`). A
sink for a whole file ends with the counts; one for input read whole does not.

The JSON shape is a contract other tools read (see issue 2); keys may be
added, never renamed. Each learner carries ``verified`` (true when making its
changes adds no validation error), ``introduced`` (the rule ids they would
add; empty when verified) and ``withheld`` (changes the advice worked out but
did not offer because they would add an error; each has a question saying
what a person must check first).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Iterator, Protocol

from ..advice.engine import Diagnosis, diagnose_learner
from ..ilr.model import Learner
from ..ilr.guard import InputError
from ..ilr.vocabulary import METHOD_WORDS, fam_words
from ..ilr.years import YearError, normalise_year, year_of
from ..rules.base import Context, Finding
from ..rules.evidence import unchecked_note, year_header_notes
from .counts import Tally, error_json, summary_text
from .view import ChangeData, FileFindingData, FindingData, LearnerView, field_name



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
            chosen = normalise_year(year_option)
        except YearError as exc:
            raise InputError(str(exc), hint="Use --year like 2024-25") from None
        if year and year != chosen:  # the option wins, but never silently (the file's own rules differ)
            notes.append(f"the file says {year} ({year_source}); checked as {chosen}, as --year asked")
        year, year_source = chosen, "option"
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
    unchecked = unchecked_note(year)
    if unchecked:
        notes.append(unchecked)
    return InputInfo(year, year_source or "assumed", as_of, notes, as_of_assumed)


def context_for(info: InputInfo) -> Context:
    return Context(info.year, info.as_of, as_of_assumed=info.as_of_assumed, year_assumed=info.year_source == "assumed")


def diagnose_all(learners: Iterable[Learner], ctx: Context) -> Iterable[Diagnosis]:
    for learner in learners:
        if learner.is_bootcamp_learner:
            yield diagnose_learner(learner, ctx)


#: (LearnRefNumber, finding) about the file as a whole, such as R_06 (a reference used twice).
FileFindings = list[tuple[str, Finding]]


# -- the renderers ----------------------------------------------------------------------------

class Out(Protocol):
    """Where a sink writes: a text stream (or the whole-file path's wrapper that clears the progress line)."""

    def write(self, text: str, /) -> int: ...


class Sink:
    """One output form: given the learners as they are diagnosed, it writes its form as it goes.

    ``whole_file``: the input is a whole file, streamed, and the form ends
    with the counts; otherwise (a snippet, input read whole) it does not.
    """

    def __init__(self, out: Out, info: InputInfo, tally: Tally, path: str, *, whole_file: bool = True) -> None:
        self.out, self.info, self.tally, self.path, self.whole_file = out, info, tally, path, whole_file

    def start(self) -> None: ...

    def add(self, v: LearnerView) -> None: ...

    def finish(self, error: InputError | None) -> None: ...


# -- JSON ----------------------------------------------------------------------------------

def learner_json(v: LearnerView) -> dict[str, Any]:
    """One learner in the JSON contract's shape and key order."""
    return {
        "learn_ref": v.learn_ref,
        "position": v.position,
        "verified": v.verified,
        "introduced": v.introduced,
        "programmes": v.programmes,
        "findings": v.findings,
        "changes": v.changes,
        "withheld": v.withheld,
        "questions": v.questions,
        "explanations": v.explanations,
        "states": {str(k): s for k, s in v.states.items()},
        "after_changes": {"programmes": v.programmes_after, "findings": v.findings_after},
    }


def _indent(text: str, by: int) -> str:
    pad = " " * by
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def _nested(value: Any, depth: int = 2) -> str:
    """``value`` indented as it would be at ``depth`` inside an indented document (first line not padded)."""
    return _indent(json.dumps(value, indent=2), depth).lstrip()


class JsonSink(Sink):
    """The JSON contract, written learner by learner; a whole file adds ``summary`` (and ``error``).

    For a whole file each learner is one compact line: Python's C encoder is
    used only without ``indent``, and on a big file the indented encoder costs
    more than the checks themselves. Input read whole is indented throughout.
    Either way it is the same JSON document.
    """

    def start(self) -> None:
        self.out.write("{\n  \"input\": " + _nested(self.info.as_json()) + ",\n  \"learners\": [")
        self._first = True

    def add(self, v: LearnerView) -> None:
        learner = json.dumps(learner_json(v)) if self.whole_file else _nested(learner_json(v), 4)
        self.out.write(("\n    " if self._first else ",\n    ") + learner)
        self._first = False

    def finish(self, error: InputError | None) -> None:
        self.out.write("]" if self._first else "\n  ]")
        found = self.tally.file_findings
        if found:
            self.out.write(",\n  \"file_findings\": " + (json.dumps(found) if self.whole_file else _nested(found)))
        if self.whole_file:
            self.out.write(",\n  \"summary\": " + _nested(self.tally.as_json()))
            if error is not None:
                self.out.write(",\n  \"error\": " + _nested(error_json(error, self.tally)))
        self.out.write("\n}\n")


# -- CSV -----------------------------------------------------------------------------------

#: ``position`` (the learner's place in the file) is last: columns may be added at the end, never moved.
CSV_COLUMNS = ["learn_ref", "kind", "aim_seq", "aim_ref", "rule", "severity", "field", "fam_type", "from", "to", "message",
               "because", "position"]


def _csv_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict):
        return ";".join(f"{k}={'' if x is None else x}" for k, x in v.items())
    return str(v)


def _finding_row(ref: str, f: FindingData, aim_ref: str | None) -> dict[str, str]:
    return {"learn_ref": ref, "kind": "finding", "aim_seq": _csv_value(f["aim_seq"]), "aim_ref": aim_ref or "",
            "rule": f["rule"], "severity": f["severity"], "field": f["field"] or "", "fam_type": f.get("fam_type") or "",
            "from": "", "to": "", "message": f["message"], "because": f["detail"]}


def _change_row(ref: str, kind: str, c: ChangeData) -> dict[str, str]:
    return {"learn_ref": ref, "kind": kind, "aim_seq": str(c["aim_seq"]), "aim_ref": c["aim_ref"],
            "rule": " ".join(c["rules"]), "severity": "", "field": c["field"], "fam_type": c.get("fam_type") or "",
            "from": _csv_value(c["from"]), "to": _csv_value(c["to"]), "message": "",
            "because": "; ".join(c["because"])}


def csv_rows(v: LearnerView) -> Iterator[dict[str, str]]:
    """A row per finding, per change, per change withheld (it would add an error) and per question.

    Every error ends in one of the later kinds, in CSV as in text and JSON (the review of whole
    files found CSV dropping the questions, so an error there ended in nothing).
    """
    position = _csv_value(v.position)
    for row in _learner_rows(v):
        row["position"] = position
        yield row


def _learner_rows(v: LearnerView) -> Iterator[dict[str, str]]:
    ref = v.learn_ref
    for f in v.findings:
        yield _finding_row(ref, f, v.aim_refs.get(f["aim_seq"]))
    for c in v.changes:
        yield _change_row(ref, "change", c)
    for c in v.withheld:
        yield _change_row(ref, "withheld", c)
    for q in v.questions:
        seq = q["aim_seq"]
        aim_ref = (v.aim_refs.get(seq) if seq is not None else None) or ""
        yield {"learn_ref": ref, "kind": "question", "aim_seq": _csv_value(seq), "aim_ref": aim_ref, "rule": "",
               "severity": "", "field": "", "fam_type": "", "from": "", "to": "", "message": q["text"], "because": ""}


class CsvSink(Sink):
    """A row per finding, change, withheld change and question of each learner, then the findings about the whole file."""

    def start(self) -> None:
        self.writer = csv.DictWriter(self.out, CSV_COLUMNS)
        self.writer.writeheader()

    def add(self, v: LearnerView) -> None:
        self.writer.writerows(csv_rows(v))

    def finish(self, error: InputError | None) -> None:
        self.writer.writerows(_finding_row(f["learn_ref"], f, None) for f in self.tally.file_findings)


# -- text ----------------------------------------------------------------------------------

def show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str) and value != value.strip():
        from ..ilr.schema import shown

        return shown(value)  # spaces as written must be seen (issue 10)
    if isinstance(value, dict):
        return fam_words(value.get("code"), value.get("date_from"))
    return str(value)


def text_learner(v: LearnerView) -> str:
    out: list[str] = [f"Learner {v.learn_ref}"]
    if not v.programmes:
        out.append("  No Skills Bootcamp aims (FundModel 37 / ProgType 32): nothing to check.")
        return "\n".join(out)
    after = {p["con_ref"]: p for p in v.programmes_after}
    for p in v.programmes:
        state = v.states.get(p["con_ref"])
        out.append(f"  Bootcamp {p['con_ref'] or '(no ConRefNumber)'}: {METHOD_WORDS[p['method']]}, started {show(p['start'])}"
                   + (f"; taken to be: {state}" if state else ""))
        for name, m in p["milestones"].items():
            out.append(f"    {name} {m['status']:<8} {m['reasons'][0]} [{m['evidence']}]")
            for extra in m["reasons"][1:]:
                out.append(f"    {'':12}{extra}")
        fixed = after.get(p["con_ref"])
        if v.changes and fixed is not None:
            out.append("    After the changes below: "
                       + ", ".join(f"{k} {m['status']}" for k, m in fixed["milestones"].items()))
    if v.explanations:
        out.append("")
        out.append("  What is wrong, in plain words:")
        out.extend(f"  - {e}" for e in v.explanations)
    if v.findings:
        out.append("")
        out.append("  Findings:")
        for f in v.findings:
            where = f"aim {f['aim_seq']}" if f["aim_seq"] is not None else "learner"
            out.append(f"  {f['severity'].upper():<7} {f['rule']} ({where}, {f['field'] or '-'}): {f['message']}")
            out.append(f"          {f['detail']}")
            out.append(f"          {f['explanation']}")
            if f.get("year_note"):
                out.append(f"          Note: {f['year_note']}")
            if f["sources"]:
                s = f["sources"][0]
                graded = s["grade"] if f["grade"] == s["grade"] else f"{s['grade']} for its own year; this finding: {f['grade']}"
                out.append(f"          Source ({graded}): {s['title']} {s['url']}".rstrip())
    if v.changes:
        out.append("")
        out.append("  Changes to make:")
        current = None
        for c in v.changes:
            if c["aim_seq"] != current:
                current = c["aim_seq"]
                out.append(f"  aim {c['aim_seq']} {c['aim_ref']}:")
            out.append(f"    {field_name(c):<22} {show(c['from']):>12} -> {show(c['to']):<12} {c['because'][0]}")
            if c["sources"]:
                out.append(f"    {'':22} source ({c['grade']}): {c['sources'][0]['title']}")
    if v.questions:
        out.append("")
        out.append("  Questions the record can't answer (answer them, or use `ilr-assistant chat`):")
        out.extend(f"  ? {q['text']}" for q in v.questions)
    remaining = sorted({f["rule"] for f in v.findings_after if f["severity"] == "error"}) if v.changes else []
    if remaining:
        out.append("")
        out.append("  Errors these changes cannot fix (they need facts or data not in the record): "
                   + ", ".join(remaining))
    if not v.verified:
        out.append("  NOT VERIFIED: making these changes as they stand would add " + ", ".join(v.introduced)
                   + ". Do not make them as they are: a person must check the record (--fixed leaves this learner "
                   "as recorded).")
    return "\n".join(out)


def text_header(info: InputInfo) -> str:
    lines = [f"Teaching year {info.year} ({info.year_source}); checked as of {info.as_of.isoformat()}."]
    lines += [f"Note: {n}" for n in info.notes]
    return "\n".join(lines)


def text_file_findings(found: list[FileFindingData]) -> str:
    out = ["The file as a whole:"]
    for f in found:
        out.append(f"  {f['severity'].upper():<7} {f['rule']} ({f['field']}): {f['message']}")
        out.append(f"          {f['detail']}")
    return "\n".join(out)


class TextSink(Sink):
    """The header, each learner in words, the findings about the whole file; for a whole file, the counts."""

    def start(self) -> None:
        self.out.write(text_header(self.info) + "\n")

    def add(self, v: LearnerView) -> None:
        self.out.write("\n" + text_learner(v) + "\n")

    def finish(self, error: InputError | None) -> None:
        if not self.tally.bootcamp_learners:
            self.out.write("No Skills Bootcamp learners (FundModel 37 / ProgType 32) in the input.\n")
        if self.tally.file_findings:
            self.out.write("\n" + text_file_findings(self.tally.file_findings) + "\n")
        if self.whole_file:
            self.out.write("\n" + summary_text(self.tally, error) + "\n")
