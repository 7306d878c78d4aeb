"""`ilr-assistant diagnose`: a snippet or a whole ILR file → findings, milestones, changes.

This is the driver: it checks the options, sends whole files (on disk or on
standard input) to the stream (`report.py`) and reads anything else whole,
and writes ``--fixed`` (`fixed.py`). What is said, and in which format, is
one renderer per form (`formats.py`: text, JSON, CSV; `markdown.py`: the
manager's report and ``--summary``), each drawing on one `LearnerView` per
learner (`view.py`).

Exit statuses are `status.ExitStatus` (0 nothing wrong, 1 findings, 2 input
or option refused, 3 --fixed incomplete (a learner's unverified changes left
out), 4 output not written, 130 interrupted, 143 terminated).
"""

from __future__ import annotations

import sys
from typing import Any, BinaryIO, TextIO

from ..advice.engine import Diagnosis, diagnose_learner
from ..ilr.model import Learner
from ..ilr.output import OutputError
from ..ilr import reader
from ..ilr.reader import ReadResult, read_data, read_input_bytes
from ..ilr.guard import InputError
from ..ilr.source import read_prolog
from ..rules.base import Context
from .fixed import FixedPlan, plan_fixed, write_fixed_whole
from .formats import FileFindings, context_for, resolve_input
from .formats import diagnose_all, learner_json, text_learner  # noqa: F401  - the names tests and benchmarks use
from .report import file_findings_for, run_whole_file, should_stream, write_report
from .report import render  # noqa: F401  - as above
from .status import ExitStatus, printable_path, say
from .view import learner_view  # noqa: F401  - as above

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_FIXED_INCOMPLETE, EXIT_OUTPUT = (
    ExitStatus.CLEAN, ExitStatus.FINDINGS, ExitStatus.INPUT, ExitStatus.FIXED_INCOMPLETE, ExitStatus.OUTPUT)


def _diagnose(learner: Learner, ctx: Context) -> Diagnosis:
    """Through this module's name, so that tests (and callers) can stand in for the engine on every path."""
    return diagnose_learner(learner, ctx)


def exit_status(diagnoses: list[Diagnosis], file_findings: FileFindings | None = None) -> int:
    found = any(dg.has_findings for dg in diagnoses) or bool(file_findings)
    return EXIT_FINDINGS if found else EXIT_CLEAN


def run_diagnose(args: Any, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        plan = plan_fixed(args)
    except InputError as exc:
        say(stderr, f"ilr-assistant: {exc.describe()}")
        return EXIT_UNREADABLE
    except OutputError as exc:
        say(stderr, f"ilr-assistant: {exc}")
        return EXIT_OUTPUT
    # With --fixed -, standard output carries the corrected XML alone; the text report goes to stderr.
    report_out = stderr if plan is not None and plan.to_stdout else stdout
    if should_stream(args):
        return run_whole_file(args, report_out, stderr, plan=plan, xml_out=stdout, diagnose=_diagnose)
    data = None
    if args.path == "-" and plan is None:
        # A whole file on standard input is streamed too (flat memory); anything else is read whole.
        # (--fixed needs the input twice, which a pipe cannot give: that path reads it whole.)
        try:
            head, stdin, root = _peek_stdin()
            if root == "Message":
                return run_whole_file(args, report_out, stderr, source=Prepended(head, stdin), diagnose=_diagnose)
            data = head + _read_rest(stdin, len(head))
        except InputError as exc:
            say(stderr, f"ilr-assistant: cannot read -: {exc.describe()}")
            return EXIT_UNREADABLE
    return _run_whole_input(args, report_out, stderr, plan, stdout, data)


def _peek_stdin() -> tuple[bytes, BinaryIO, str | None]:
    """Standard input's first bytes (up to the root element's name), through the one guard."""
    stdin = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
    if stdin is None:
        raise InputError("standard input is closed, so there is nothing to read",
                         hint="Give a file name, or pipe the XML in")
    try:
        prolog = read_prolog(stdin)
    except (OSError, ValueError) as exc:
        raise InputError(f"standard input could not be read ({exc})",
                         hint="Give a file name, or pipe the XML in") from None
    return prolog.head, stdin, prolog.root


def _read_rest(stdin: BinaryIO, already: int) -> bytes:
    limit = reader.MAX_FILE_BYTES
    try:
        rest = stdin.read(max(0, limit + 1 - already))
    except (OSError, ValueError) as exc:
        raise InputError(f"standard input could not be read ({exc})") from None
    if already + len(rest) > limit:
        raise InputError(f"the input is more than {limit / 1e6:.0f} MB, more than this reader accepts",
                         hint="Cut it down to the learners concerned and try again")
    return rest


class Prepended:
    """A binary stream that serves bytes already read, then the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def read(self, n: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            return data
        return self._rest.read(n)


def _run_whole_input(args: Any, out: TextIO, err: TextIO, plan: FixedPlan | None, xml_out: TextIO,
                     data: bytes | None = None) -> int:
    """A snippet, standard input, or anything that is not a whole file on disk: read whole."""
    name = printable_path(args.path)
    try:
        if data is None:
            data = read_input_bytes(args.path)
        result: ReadResult = read_data(data, year=None, what="paste" if args.path == "-" else "file")
        info = resolve_input(result.year, result.year_source, result.file_preparation_date, args.year, args.as_of)
    except InputError as exc:
        say(err, f"ilr-assistant: cannot read {name}: {exc.describe()}")
        return EXIT_UNREADABLE
    info.notes = result.notes + info.notes
    ctx = context_for(info)
    positioned = [(position, diagnose_learner(learner, ctx))
                  for position, learner in enumerate(result.learners, 1) if learner.is_bootcamp_learner]
    diagnoses = [dg for _, dg in positioned]
    file_findings = file_findings_for(result.learners, ctx, result)
    write_report(args.format, info, diagnoses, out, file_findings=file_findings,
                 summary=bool(getattr(args, "summary", False)), learners_read=len(result.learners),
                 path=getattr(args, "path", "") or "")
    if plan is not None and not write_fixed_whole(plan, data, result, positioned, xml_out, err):
        return EXIT_FIXED_INCOMPLETE
    return exit_status(diagnoses, file_findings)
