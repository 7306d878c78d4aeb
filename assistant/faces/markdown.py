"""The manager's Markdown report, and ``--summary`` (the counts alone) in every format.

Both are drawn from the run's `Tally` (`counts.py`), written when the input
has been read. The Markdown report names learners only by LearnRefNumber,
which is how providers find them in their MIS, and never carries a finding's
detail text.
"""

from __future__ import annotations

import csv
import json
import os
from typing import Any

from ..ilr.guard import InputError
from ..ilr.vocabulary import STATUS_ORDER
from .counts import MILESTONES, TOP_PROBLEMS, Tally, error_json, error_sentence, summary_rows, summary_text
from .formats import InputInfo, Out, Sink
from .status import printable_path

#: How many learners to list in the Markdown report before pointing at the CSV.
MD_MAX_LEARNERS = 2000


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_counts(tally: Tally, info: InputInfo, path: str, error: InputError | None) -> str:
    name = printable_path(path)
    out: list[str] = [f"# Skills Bootcamp milestone check: {_cell(os.path.basename(name) or name)}", ""]
    out.append(f"Teaching year {info.year} ({info.year_source}); checked as of {info.as_of.isoformat()}.")
    out += [f"Note: {n}" for n in info.notes]
    if error is not None:
        out += ["", f"> **{error_sentence(error, tally)}**"]
    out += ["", "## Counts", "", "| | |", "|---|---:|"]
    out += [f"| {k[0].upper() + k[1:]} | {v:,} |" for k, v in summary_rows(tally)[:8]]
    out += ["", "## Milestones", "",
            "Counted per bootcamp (a learner's aims sharing a ConRefNumber). \"After\" is the status the "
            "record would have with the proposed changes made.", "",
            "| Milestone | " + " | ".join(STATUS_ORDER) + " | after: " + " | after: ".join(STATUS_ORDER) + " |",
            "|---|" + "---:|" * (2 * len(STATUS_ORDER))]
    milestones, milestones_after = tally.milestones, tally.milestones_after
    for m in MILESTONES:
        before = [f"{milestones[m].get(s, 0):,}" for s in STATUS_ORDER]
        after = [f"{milestones_after[m].get(s, 0):,}" for s in STATUS_ORDER]
        out.append(f"| {m} | " + " | ".join(before + after) + " |")
    return "\n".join(out) + "\n"


def markdown(tally: Tally, info: InputInfo, path: str, error: InputError | None) -> str:
    """The manager's report: counts, milestones, the commonest problems, then the learners to fix."""
    out = [markdown_counts(tally, info, path, error).rstrip("\n")]
    if tally.states:
        out += ["", "## Where the bootcamps stand", "", "| Learner state (as the record reads) | Bootcamps |", "|---|---:|"]
        out += [f"| {_cell(s)} | {n:,} |" for s, n in tally.states.most_common()]
    out += ["", "## Most common problems", ""]
    if tally.problems:
        out += ["Validation rules that fired, by the number of learners they fired on. A learner with any "
                "error is not funded until it is fixed.", "",
                "| Rule | Severity | Learners | Message |", "|---|---|---:|---|"]
        for rule, n in tally.top_problems():
            severity, message = tally.problem_text[rule]
            out.append(f"| {rule} | {severity} | {n:,} | {_cell(message)} |")
        if len(tally.problems) > TOP_PROBLEMS:
            out.append(f"\n…and {len(tally.problems) - TOP_PROBLEMS} more rules (see `--format json`).")
    else:
        out.append("No validation rule fired on any bootcamp learner.")
    if tally.changes:
        out += ["", "## Changes proposed most often", "", "| Aim | Field | Learners |", "|---|---|---:|"]
        for (kind, name), n in tally.top_changes():
            out.append(f"| {kind} | {_cell(name)} | {n:,} |")
    if tally.file_findings:
        out += ["", "## The file as a whole", "", "| LearnRefNumber | Rule | Severity | What |", "|---|---|---|---|"]
        out += [f"| {_cell(f['learn_ref'])} | {f['rule']} | {f['severity']} | {_cell(f['detail'])} |"
                for f in tally.file_findings]
    out += ["", "## Learners to fix", ""]
    lines = sorted(tally.lines, key=lambda line: line.sort_key)
    if not lines:
        out.append("None: no bootcamp learner has a finding, a proposed change or a blocked milestone.")
    else:
        out += ["Learners are named by LearnRefNumber only. Errors first; M1–M3 show the status now → after "
                "the proposed changes. For the field-by-field changes run `ilr-assistant diagnose FILE --format csv` "
                "(or `--format text`).", "",
                "| LearnRefNumber | Bootcamp | M1 | M2 | M3 | Errors | Warnings | Changes | Questions |",
                "|---|---|---|---|---|---|---|---:|---:|"]
        for line in lines[:MD_MAX_LEARNERS]:
            ms = [line.before[m] if line.before[m] == line.after[m] else f"{line.before[m]} → {line.after[m]}"
                  for m in MILESTONES]
            out.append(f"| {_cell(line.ref)} | {_cell(', '.join(line.bootcamps))} | " + " | ".join(ms)
                       + f" | {', '.join(line.errors) or '-'} | {', '.join(line.warnings) or '-'} | "
                       f"{line.changes} | {line.questions} |")
        if len(lines) > MD_MAX_LEARNERS:
            out.append(f"\n…and {len(lines) - MD_MAX_LEARNERS:,} more learners (see `--format csv`).")
    return "\n".join(out) + "\n"


class MarkdownSink(Sink):
    """The manager's report, written when the input has been read (the counts need all of it)."""

    def finish(self, error: InputError | None) -> None:
        self.out.write(markdown(self.tally, self.info, self.path, error))


class SummarySink(Sink):
    """``--summary``: the counts only, in the chosen format."""

    def __init__(self, out: Out, info: InputInfo, tally: Tally, path: str, *, fmt: str = "text") -> None:
        super().__init__(out, info, tally, path)
        self.fmt = fmt

    def finish(self, error: InputError | None) -> None:
        if self.fmt == "json":
            body: dict[str, Any] = {"input": self.info.as_json(), "summary": self.tally.as_json()}
            if self.tally.file_findings:
                body["file_findings"] = self.tally.file_findings
            if error is not None:
                body["error"] = error_json(error, self.tally)
            self.out.write(json.dumps(body, indent=2) + "\n")
        elif self.fmt == "csv":
            writer = csv.writer(self.out)
            writer.writerow(["count", "value"])
            for key, value in summary_rows(self.tally):
                writer.writerow([key, value])
        elif self.fmt == "md":
            self.out.write(markdown_counts(self.tally, self.info, self.path, error))
        else:
            self.out.write(summary_text(self.tally, error) + "\n")
