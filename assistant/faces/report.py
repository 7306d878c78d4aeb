"""Whole ILR files: stream them through `diagnose`, and the manager's reports.

`ilr-assistant diagnose FILE` on a whole file (a ``<Message>`` root) comes
here: the file is read learner by learner (`assistant.ilr.stream`), each
bootcamp learner goes through the same `diagnose_all` the snippet path uses,
and the output is written as it is produced, so neither the file nor the
report is ever held in memory. Only compact counts (and, for ``--format md``,
one short line per learner to fix) are kept.

Formats: ``text`` / ``json`` / ``csv`` reuse the snippet formatters in
`diagnose.py` (json gains a ``summary`` key, and ``error`` when the file
breaks half-way, and writes one learner per line); ``md`` is a summary a
manager can read; ``--summary`` prints only the counts.

Personal data: reports name learners only by LearnRefNumber, which is how
providers find them in their MIS. The Markdown report and the counts never
carry a finding's detail text.
"""

from __future__ import annotations

import csv
import json
import os
import stat
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, TextIO

from ..advice.engine import Diagnosis
from ..ilr.vocabulary import EVENT_AIMS, PROGRAMME_AIM_REF, STATUS_ORDER, STATUS_URGENCY
from ..ilr.reader import InputError
from ..ilr.stream import LearnerStream, RefTracker, StreamStats, is_whole_file
from ..rules.base import Context, Finding
from . import formats as dg_face
from .status import ExitStatus, printable_path

MILESTONES = ("M1", "M2", "M3")
#: How many learners to list in the Markdown report before pointing at the CSV.
MD_MAX_LEARNERS = 2000
TOP_PROBLEMS = 15


# -- counting -------------------------------------------------------------------------

@dataclass(frozen=True)
class LearnerLine:
    """One learner to fix, as the Markdown report lists it (no personal data)."""

    ref: str
    bootcamps: tuple[str, ...]
    before: dict[str, str]
    after: dict[str, str]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    changes: int
    questions: int
    states: tuple[str, ...]

    @property
    def sort_key(self) -> tuple:
        blocked = sum(1 for s in self.before.values() if s == "blocked")
        return (0 if self.errors else 1, -blocked, -self.changes, self.ref)


def needs_attention(dg: Diagnosis) -> bool:
    """A learner to fix: a finding, a proposed change, or a milestone blocked (see Diagnosis.has_findings).

    (Outcome 1 with no AchDate blocks M3 without breaking a rule: the fix needs
    a date only the provider knows.) A question alone is not a fault: a
    learner waiting for an event is asked whether one has happened.
    """
    return dg.has_findings


def _worst(statuses: Iterable[str]) -> str:
    """One status for a learner with several bootcamps: the most urgent wins."""
    found = list(statuses)
    return min(found, key=lambda s: STATUS_URGENCY.get(s, 9)) if found else "-"


@dataclass
class Tally:
    """Counts over a whole file, built one diagnosis at a time."""

    keep_lines: bool = False
    learners_read: int = 0
    bootcamp_learners: int = 0
    programmes: int = 0
    learners_with_errors: int = 0
    learners_with_changes: int = 0
    learners_with_questions: int = 0
    learners_needing_attention: int = 0
    fixes_introducing_errors: int = 0
    milestones: dict[str, Counter] = field(default_factory=lambda: {m: Counter() for m in MILESTONES})
    milestones_after: dict[str, Counter] = field(default_factory=lambda: {m: Counter() for m in MILESTONES})
    states: Counter = field(default_factory=Counter)
    #: rule id -> learners it fired on; and the rule's message and severity.
    problems: Counter = field(default_factory=Counter)
    problem_text: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (aim kind, field) -> learners for whom a change to it is proposed.
    changes: Counter = field(default_factory=Counter)
    lines: list[LearnerLine] = field(default_factory=list)
    #: Findings about the file as a whole (R_06: a LearnRefNumber used twice), known at its end.
    file_findings: list[Finding] = field(default_factory=list)

    def add(self, dg: Diagnosis) -> None:
        self.bootcamp_learners += 1
        self.programmes += len(dg.programmes)
        errors = sorted({f.rule for f in dg.findings if f.is_error})
        warnings = sorted({f.rule for f in dg.findings if not f.is_error})
        if errors:
            self.learners_with_errors += 1
        if dg.proposal.changes:
            self.learners_with_changes += 1
        if dg.proposal.questions:
            self.learners_with_questions += 1
        if dg.introduced:
            self.fixes_introducing_errors += 1
        for p in dg.programmes:
            for name, m in p.milestones.items():
                self.milestones.setdefault(name, Counter())[m.status] += 1
        for p in dg.programmes_after:
            for name, m in p.milestones.items():
                self.milestones_after.setdefault(name, Counter())[m.status] += 1
        for state in dg.proposal.states.values():
            self.states[state] += 1
        for f in dg.findings:
            if f.rule not in self.problem_text:
                self.problem_text[f.rule] = (f.severity, f.message)
        self.problems.update(set(errors) | set(warnings))
        self.changes.update({(_aim_kind(c.aim_ref), _field_name(c)) for c in dg.proposal.changes})
        if needs_attention(dg):
            self.learners_needing_attention += 1
        if self.keep_lines and needs_attention(dg):
            self.lines.append(LearnerLine(
                ref=dg.learner.learn_ref,
                bootcamps=tuple(p.con_ref or "(none)" for p in dg.programmes),
                before={m: _worst(p.milestones[m].status for p in dg.programmes if m in p.milestones) for m in MILESTONES},
                after={m: _worst(p.milestones[m].status for p in dg.programmes_after if m in p.milestones) for m in MILESTONES},
                errors=tuple(errors), warnings=tuple(warnings),
                changes=len(dg.proposal.changes), questions=len(dg.proposal.questions),
                states=tuple(dict.fromkeys(dg.proposal.states.values())),
            ))

    @property
    def learners_to_fix(self) -> int:
        return self.learners_needing_attention

    def as_json(self) -> dict[str, Any]:
        return {
            "learners_checked": self.learners_read,
            "bootcamp_learners": self.bootcamp_learners,
            "bootcamps": self.programmes,
            "learners_with_errors": self.learners_with_errors,
            "learners_to_fix": self.learners_to_fix,
            "learners_with_changes": self.learners_with_changes,
            "learners_with_questions": self.learners_with_questions,
            "learners_whose_changes_would_add_an_error": self.fixes_introducing_errors,
            "milestones": {m: _ordered(c) for m, c in self.milestones.items()},
            "milestones_after_changes": {m: _ordered(c) for m, c in self.milestones_after.items()},
            "states": dict(self.states.most_common()),
            "problems": [{"rule": r, "severity": self.problem_text[r][0], "message": self.problem_text[r][1],
                          "learners": n} for r, n in self.top_problems(None)],
            "file_findings": len(self.file_findings),
        }

    def top_problems(self, limit: int | None = TOP_PROBLEMS) -> list[tuple[str, int]]:
        order = {"error": 0, "warning": 1, "advice": 2}
        ranked = sorted(self.problems.items(),
                        key=lambda kv: (-kv[1], order.get(self.problem_text[kv[0]][0], 3), kv[0]))
        return ranked if limit is None else ranked[:limit]


def _ordered(counter: Counter) -> dict[str, int]:
    known = [s for s in STATUS_ORDER if counter.get(s)]
    other = sorted(s for s in counter if s not in STATUS_ORDER)
    return {s: counter[s] for s in known + other}


def _aim_kind(aim_ref: str | None) -> str:
    ref = (aim_ref or "").upper()
    if ref == PROGRAMME_AIM_REF:
        return "programme aim"
    if ref in EVENT_AIMS:
        return "event aim"
    return "subject aim" if ref else "aim"


def _field_name(c) -> str:
    if c.field == "LearningDelivery":
        return "add aim" if c.from_ is None else "remove aim"
    return f"{c.field} {c.fam_type}" if c.fam_type else c.field


# -- progress on stderr ------------------------------------------------------------------

class Progress:
    """A one-line progress bar on a terminal; silent anywhere else (pipes, files, tests)."""

    def __init__(self, stream: TextIO, interval: float = 0.1, enabled: bool | None = None):
        self.stream = stream
        self.interval = interval
        self.enabled = _is_tty(stream) if enabled is None else enabled
        self._last = 0.0
        self._width = 0

    def __call__(self, stats: StreamStats) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        self.draw(stats)

    def draw(self, stats: StreamStats) -> None:
        line = self.line(stats)
        pad = max(0, self._width - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = len(line)

    @staticmethod
    def line(stats: StreamStats) -> str:
        elapsed = max(stats.elapsed, 1e-6)
        rate = stats.learners_read / elapsed
        parts = [f"{stats.learners_read:,} learners read", f"{stats.learners_yielded:,} on bootcamps"]
        if stats.total_bytes:
            parts.append(f"{min(100, 100 * stats.bytes_read // stats.total_bytes)}%")
        parts += [f"{elapsed:.1f} s", f"{rate:,.0f} learners/s"]
        return " · ".join(parts)

    def clear(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _Out:
    """stdout that first wipes the progress line when both share a terminal."""

    def __init__(self, out: TextIO, progress: Progress):
        self._out = out
        self._progress = progress
        self._shared = progress.enabled and _is_tty(out)

    def write(self, text: str) -> int:
        if self._shared:
            self._progress.clear()
        return self._out.write(text)

    def flush(self) -> None:
        self._out.flush()


# -- sinks: one per output format ------------------------------------------------------------

class Sink:
    """Receives diagnoses as they are made and writes its format."""

    def __init__(self, out: TextIO, info: dg_face.InputInfo, tally: Tally, path: str):
        self.out, self.info, self.tally, self.path = out, info, tally, path

    def start(self) -> None: ...

    def add(self, dg: Diagnosis) -> None: ...

    def finish(self, error: InputError | None) -> None: ...


class TextSink(Sink):
    def start(self) -> None:
        self.out.write(dg_face.text_header(self.info) + "\n")

    def add(self, dg: Diagnosis) -> None:
        self.out.write("\n" + dg_face.text_learner(dg) + "\n")

    def finish(self, error: InputError | None) -> None:
        if not self.tally.bootcamp_learners:
            self.out.write("No Skills Bootcamp learners (FundModel 37 / ProgType 32) in the input.\n")
        if self.tally.file_findings:
            self.out.write("\n" + dg_face.text_file_findings(self.tally.file_findings) + "\n")
        self.out.write("\n" + summary_text(self.tally, error) + "\n")


def _indent(text: str, by: int) -> str:
    pad = " " * by
    return "\n".join(pad + line if line else line for line in text.split("\n"))


class JsonSink(Sink):
    """The snippet JSON contract, written learner by learner; adds ``summary`` (and ``error``).

    Each learner is one compact line: Python's C encoder is used only without
    ``indent``, and on a big file the indented encoder costs more than the
    checks themselves. The document is the same JSON as the snippet path's.
    """

    def start(self) -> None:
        self.out.write("{\n  \"input\": " + _indent(json.dumps(self.info.as_json(), indent=2), 2).lstrip()
                       + ",\n  \"learners\": [")
        self._first = True

    def add(self, dg: Diagnosis) -> None:
        self.out.write(("\n    " if self._first else ",\n    ") + json.dumps(dg_face.learner_json(dg)))
        self._first = False

    def finish(self, error: InputError | None) -> None:
        self.out.write("]" if self._first else "\n  ]")
        if self.tally.file_findings:
            self.out.write(",\n  \"file_findings\": " + json.dumps(dg_face.file_findings_json(self.tally.file_findings)))
        self.out.write(",\n  \"summary\": " + _indent(json.dumps(self.tally.as_json(), indent=2), 2).lstrip())
        if error is not None:
            self.out.write(",\n  \"error\": " + _indent(json.dumps(error_json(error, self.tally), indent=2), 2).lstrip())
        self.out.write("\n}\n")


class CsvSink(Sink):
    def start(self) -> None:
        self.writer = csv.DictWriter(self.out, dg_face.CSV_COLUMNS)
        self.writer.writeheader()

    def add(self, dg: Diagnosis) -> None:
        self.writer.writerows(dg_face.csv_rows(dg))

    def finish(self, error: InputError | None) -> None:
        self.writer.writerows(dg_face.file_finding_rows(self.tally.file_findings))


class MarkdownSink(Sink):
    def finish(self, error: InputError | None) -> None:
        self.out.write(markdown(self.tally, self.info, self.path, error))


class SummarySink(Sink):
    """``--summary``: the counts only, in the chosen format."""

    def __init__(self, *args: Any, fmt: str = "text"):
        super().__init__(*args)
        self.fmt = fmt

    def finish(self, error: InputError | None) -> None:
        if self.fmt == "json":
            body: dict[str, Any] = {"input": self.info.as_json(), "summary": self.tally.as_json()}
            if self.tally.file_findings:
                body["file_findings"] = dg_face.file_findings_json(self.tally.file_findings)
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


def make_sink(fmt: str, summary: bool, out: TextIO, info: dg_face.InputInfo, tally: Tally, path: str) -> Sink:
    if summary:
        return SummarySink(out, info, tally, path, fmt=fmt)
    sink_class = {"json": JsonSink, "csv": CsvSink, "md": MarkdownSink}.get(fmt, TextSink)
    return sink_class(out, info, tally, path)


# -- rendering counts ---------------------------------------------------------------------------

def error_json(error: InputError, tally: Tally) -> dict[str, Any]:
    return {"message": error.message, "line": error.line, "column": error.column, "hint": error.hint,
            "learners_read_before_error": tally.learners_read}


def _status_text(counter: Counter) -> str:
    items = _ordered(counter)
    return ", ".join(f"{s} {n:,}" for s, n in items.items()) or "none"


def summary_rows(tally: Tally) -> list[tuple[str, int]]:
    rows = [
        ("learners checked", tally.learners_read),
        ("bootcamp learners", tally.bootcamp_learners),
        ("bootcamps (programmes)", tally.programmes),
        ("learners with validation errors", tally.learners_with_errors),
        ("learners to fix", tally.learners_to_fix),
        ("learners with changes proposed", tally.learners_with_changes),
        ("learners with questions to answer", tally.learners_with_questions),
        ("findings about the whole file", len(tally.file_findings)),
    ]
    for m in MILESTONES:
        for status, n in _ordered(tally.milestones[m]).items():
            rows.append((f"{m} {status}", n))
    return rows


def summary_text(tally: Tally, error: InputError | None) -> str:
    lines = [
        f"Learners checked: {tally.learners_read:,}",
        f"Bootcamp learners: {tally.bootcamp_learners:,} ({tally.programmes:,} bootcamp"
        f"{'s' if tally.programmes != 1 else ''})",
        f"Learners with validation errors: {tally.learners_with_errors:,}",
        f"Learners to fix: {tally.learners_to_fix:,} ({tally.learners_with_changes:,} with changes proposed, "
        f"{tally.learners_with_questions:,} with questions to answer)",
    ]
    for m in MILESTONES:
        lines.append(f"{m}: {_status_text(tally.milestones[m])}"
                     + (f"  (after the proposed changes: {_status_text(tally.milestones_after[m])})"
                        if tally.learners_with_changes else ""))
    if tally.file_findings:
        lines.append(f"Findings about the whole file: {len(tally.file_findings):,} "
                     f"({', '.join(sorted({f.rule for _, f in tally.file_findings}))})")
    if error is not None:
        lines.append(error_sentence(error, tally))
    return "\n".join(lines)


def error_sentence(error: InputError, tally: Tally) -> str:
    """The error, where it is, and that the learners before it were checked (said once)."""
    where = f"line {error.line}" + (f", column {error.column}" if error.column else "") if error.line else "the file"
    text = f"READING STOPPED at {where}: {error.message}. The rest of the file was not read."
    if "before this point" not in error.hint:
        text += f" The {tally.learners_read:,} learners before it were checked."
    if error.hint:
        text += f" {error.hint.rstrip('.')}."
    return text


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_counts(tally: Tally, info: dg_face.InputInfo, path: str, error: InputError | None) -> str:
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
    for m in MILESTONES:
        before = [f"{tally.milestones[m].get(s, 0):,}" for s in STATUS_ORDER]
        after = [f"{tally.milestones_after[m].get(s, 0):,}" for s in STATUS_ORDER]
        out.append(f"| {m} | " + " | ".join(before + after) + " |")
    return "\n".join(out) + "\n"


def markdown(tally: Tally, info: dg_face.InputInfo, path: str, error: InputError | None) -> str:
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
        for (kind, name), n in tally.changes.most_common(TOP_PROBLEMS):
            out.append(f"| {kind} | {_cell(name)} | {n:,} |")
    if tally.file_findings:
        out += ["", "## The file as a whole", "", "| LearnRefNumber | Rule | Severity | What |", "|---|---|---|---|"]
        out += [f"| {_cell(ref)} | {f.rule} | {f.severity} | {_cell(f.detail)} |" for ref, f in tally.file_findings]
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


# -- the snippet path's hook (diagnose.py calls this for md / --summary) -------------------------

def file_findings_for(learners: Iterable[Any], ctx: Context) -> dg_face.FileFindings:
    """R_06 over learners read whole (the stream collects the same as it reads)."""
    from ..rules.file_rules import duplicate_findings

    tracker = RefTracker()
    for position, learner in enumerate(learners, 1):
        if learner.learn_ref not in ("(snippet)", "(no LearnRefNumber)"):  # the model's words for "none"
            tracker.add(learner.learn_ref, position, learner.line)
    return duplicate_findings(tracker.duplicates, ctx)


def write_markdown_or_summary(args: Any, info: dg_face.InputInfo, diagnoses: list[Diagnosis], out: TextIO,
                              learners_read: int | None = None,
                              file_findings: dg_face.FileFindings | None = None) -> None:
    """md or --summary for input read whole (snippets, standard input)."""
    summary = bool(getattr(args, "summary", False))
    tally = Tally(keep_lines=not summary, file_findings=list(file_findings or []))
    for dg in diagnoses:
        tally.add(dg)
    tally.learners_read = learners_read if learners_read is not None else len(diagnoses)
    sink = make_sink(args.format, summary, out, info, tally, getattr(args, "path", "") or "")
    sink.start()
    sink.finish(None)


# -- the whole-file driver ---------------------------------------------------------------------------

def should_stream(args: Any) -> bool:
    """Whole ILR files on disk are streamed (``--fixed`` too); snippets and standard input are read whole.

    Anything odd (missing file, not a regular file, a DTD, an encoding
    refused) is left to the reader, which already explains it.
    """
    path = getattr(args, "path", "-")
    if path == "-":
        return False
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        return is_whole_file(path)
    except (OSError, InputError):
        return False


@dataclass
class FileRun:
    """What a streamed run produced (for tests and callers that want more than the exit code)."""

    tally: Tally
    info: dg_face.InputInfo | None
    error: InputError | None
    exit_code: int


def diagnose_file(path: str, out: TextIO, err: TextIO, *, fmt: str = "text", summary: bool = False,
                  year: str | None = None, as_of: str | None = None, progress: bool | None = None,
                  plan: Any = None, xml_out: TextIO | None = None, source: Any = None,
                  diagnose: Any = None) -> FileRun:
    """Stream one whole ILR file through diagnosis, writing ``fmt`` to ``out`` as it goes.

    With ``plan`` (a checked ``--fixed``), the corrected file is written in the
    same pass, learner by learner, from a second read of the input; it is
    committed only when the whole file has been read without error.
    """
    from ..advice.engine import diagnose_learner
    from ..ilr.splice import SpliceError
    from ..rules.file_rules import duplicate_findings
    from .fixed import StreamedFixed

    name = printable_path(path)
    bar = Progress(err, enabled=progress)
    stream = LearnerStream(source if source is not None else path, on_progress=bar if bar.enabled else None)
    tally = Tally(keep_lines=(fmt == "md" and not summary))
    learners = iter(stream)
    error: InputError | None = None
    first = None
    first_position = 0
    try:
        first = next(learners, None)
        first_position = stream.stats.learners_read
        info = dg_face.resolve_input(stream.info.year, stream.info.year_source, stream.info.file_preparation_date,
                                     year, as_of)
    except InputError as exc:
        bar.clear()
        if stream.stats.learners_read == 0 and not stream.info.seen:
            err.write(f"ilr-assistant: cannot read {name}: {exc.describe()}\n")
            return FileRun(tally, None, exc, ExitStatus.INPUT)
        # Broke before the first bootcamp learner: still report the learners read.
        error = exc
        info = dg_face.resolve_input(stream.info.year, stream.info.year_source, stream.info.file_preparation_date,
                                     year, as_of)
    info.notes = stream.info.notes + info.notes
    ctx = dg_face.context_for(info)
    fixed = StreamedFixed(plan, path, xml_out or out) if plan is not None else None
    sink = make_sink(fmt, summary, _Out(out, bar), info, tally, path)
    any_findings = False
    try:
        sink.start()
        if first is not None:
            pending: Any = [(first_position, first, stream.nsmap)]
        else:
            pending = []
        while True:
            if pending:
                position, learner, nsmap = pending.pop()
            elif error is None:
                learner = next(learners, None)
                if learner is None:
                    break
                position, nsmap = stream.stats.learners_read, stream.nsmap
            else:
                break
            dg = (diagnose or diagnose_learner)(learner, ctx)
            if fixed is not None:
                fixed.add(position, dg, nsmap)
            tally.add(dg)
            any_findings = any_findings or dg.has_findings
            sink.add(dg)
    except InputError as exc:
        error = exc
    except (SpliceError, UnicodeError) as exc:  # the second read disagrees with the first: write nothing
        error = InputError(f"the corrected XML could not be matched to the file ({exc}); it was not written")
    except BaseException:
        bar.clear()
        if fixed is not None:
            fixed.abandon()
        raise
    finally:
        bar.clear()
    tally.learners_read = stream.stats.learners_read
    try:
        if error is None:
            tally.file_findings = duplicate_findings(stream.refs.duplicates, ctx)
        if error is not None and fixed is not None:
            fixed.abandon()
            fixed = None
        sink.finish(error)
        if error is not None:
            err.write(f"ilr-assistant: {name}: {error_sentence(error, tally)}\n")
            if plan is not None:
                err.write("ilr-assistant: the corrected XML on standard output is incomplete (the file could not be "
                          "read to its end).\n" if plan.to_stdout else
                          "ilr-assistant: the corrected XML was not written (the file could not be read to its "
                          "end).\n")
            return FileRun(tally, info, error, ExitStatus.INPUT)
        if fixed is not None:
            try:
                if not fixed.finish(tally.learners_read, err):
                    return FileRun(tally, info, None, ExitStatus.FIXED_INCOMPLETE)
            except (SpliceError, UnicodeError) as exc:
                fixed.abandon()
                err.write(f"ilr-assistant: the corrected XML could not be matched to the file ({exc}); "
                          "it was not written\n")
                return FileRun(tally, info, None, ExitStatus.OUTPUT)
    except BaseException:
        if fixed is not None:
            fixed.abandon()
        raise
    found = any_findings or bool(tally.file_findings)
    return FileRun(tally, info, None, ExitStatus.FINDINGS if found else ExitStatus.CLEAN)


def run_whole_file(args: Any, stdout: TextIO, stderr: TextIO, *, plan: Any = None,
                   xml_out: TextIO | None = None, source: Any = None, diagnose: Any = None) -> int:
    """`diagnose` on a whole file; the exit codes are `status.ExitStatus`."""
    try:
        run = diagnose_file(args.path, stdout, stderr, fmt=args.format, summary=bool(getattr(args, "summary", False)),
                            year=args.year, as_of=args.as_of, plan=plan, xml_out=xml_out, source=source,
                            diagnose=diagnose)
    except InputError as exc:  # a bad --year or --as-of, or an input the --fixed pass cannot open
        stderr.write(f"ilr-assistant: {exc.describe()}\n")
        return ExitStatus.INPUT
    return run.exit_code
