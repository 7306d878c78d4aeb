"""Whole ILR files: stream them through `diagnose`; and every format for input read whole.

`ilr-assistant diagnose FILE` on a whole file (a ``<Message>`` root) comes
here: the file is read learner by learner (`assistant.ilr.stream`), each
bootcamp learner is diagnosed, turned into its `LearnerView` once
(`view.py`), counted (`counts.py`) and handed to the sink of the chosen
format, which writes it as it is produced, so neither the file nor the report
is ever held in memory.

There is one sink per output form (`formats.py`: text, JSON, CSV;
`markdown.py`: the manager's report and ``--summary``), used for a whole file
and for input read whole (`write_report`) alike. For a whole file, JSON gains
a ``summary`` key (and ``error`` when the file breaks half-way) and writes one
learner per line; text ends with the counts.

Personal data: reports name learners only by LearnRefNumber, which is how
providers find them in their MIS. The Markdown report and the counts never
carry a finding's detail text.
"""

from __future__ import annotations

import io
import os
import stat
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, TextIO

from ..advice.engine import Diagnosis
from ..ilr.model import Learner
from ..ilr.guard import InputError
from ..ilr.reader import ReadResult
from ..ilr.stream import LearnerStream, RefTracker, StreamStats
from ..ilr.source import ReadsBytes, is_whole_file
from ..rules.base import Context
from . import formats as dg_face
from .counts import Tally, error_sentence
from .formats import FileFindings, InputInfo, Out, Sink
from .markdown import MarkdownSink, SummarySink
from .status import ExitStatus, printable_path
from .view import file_findings_data, learner_view

if TYPE_CHECKING:
    from .fixed import FixedPlan

#: What diagnoses one learner (the engine, or a test's stand-in).
Diagnose = Callable[[Learner, Context], Diagnosis]

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


# -- the sinks -------------------------------------------------------------------------------

def make_sink(fmt: str, summary: bool, out: Out, info: InputInfo, tally: Tally, path: str, *,
              whole_file: bool = True) -> Sink:
    """The one renderer of ``fmt`` (or of the counts alone, for ``--summary``)."""
    if summary:
        return SummarySink(out, info, tally, path, fmt=fmt)
    sink_class = {"json": dg_face.JsonSink, "csv": dg_face.CsvSink, "md": MarkdownSink}.get(fmt, dg_face.TextSink)
    return sink_class(out, info, tally, path, whole_file=whole_file)


# -- input read whole (snippets, standard input) -----------------------------------------------

def file_findings_for(learners: Iterable[Learner], ctx: Context, result: ReadResult | None = None) -> FileFindings:
    """The Header's year against its schema, then R_06, over input read whole (the stream does the same as it reads)."""
    from ..rules.file_rules import duplicate_findings, header_findings

    tracker = RefTracker()
    for position, learner in enumerate(learners, 1):
        if learner.learn_ref not in ("(snippet)", "(no LearnRefNumber)"):  # the model's words for "none"
            tracker.add(learner.learn_ref, position, learner.line)
    header = (header_findings(result.namespace, result.header_year, result.has_header, ctx,
                              result.file_preparation_date)
              if result is not None and result.kind == "file" else [])
    return header + duplicate_findings(tracker.duplicates, ctx)


def write_report(fmt: str, info: InputInfo, diagnoses: Iterable[Diagnosis], out: Out, *,
                 file_findings: FileFindings | None = None, summary: bool = False,
                 learners_read: int | None = None, path: str = "") -> None:
    """Any format for input read whole: the whole file's sinks, without the counts that end a whole file."""
    tally = Tally(keep_lines=fmt == "md" and not summary, file_findings=file_findings_data(file_findings or []))
    sink = make_sink(fmt, summary, out, info, tally, path, whole_file=False)
    sink.start()
    for dg in diagnoses:
        view = learner_view(dg)
        tally.add(view)
        sink.add(view)
    tally.learners_read = learners_read if learners_read is not None else tally.bootcamp_learners
    sink.finish(None)


def render(fmt: str, info: InputInfo, diagnoses: Iterable[Diagnosis]) -> str:
    """`write_report` into a string."""
    buf = io.StringIO()
    write_report(fmt, info, diagnoses, buf)
    return buf.getvalue()


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
    info: InputInfo | None
    error: InputError | None
    exit_code: int


def diagnose_file(path: str, out: TextIO, err: TextIO, *, fmt: str = "text", summary: bool = False,
                  year: str | None = None, as_of: str | None = None, progress: bool | None = None,
                  plan: FixedPlan | None = None, xml_out: TextIO | None = None,
                  source: ReadsBytes | None = None, diagnose: Diagnose | None = None) -> FileRun:
    """Stream one whole ILR file through diagnosis, writing ``fmt`` to ``out`` as it goes.

    With ``plan`` (a checked ``--fixed``), the corrected file is written in the
    same pass, learner by learner, from a second read of the input; it is
    committed only when the whole file has been read without error.
    """
    from ..advice.engine import diagnose_learner
    from ..ilr.splice import SpliceError
    from ..rules.file_rules import duplicate_findings, header_findings
    from .fixed import StreamedFixed

    name = printable_path(path)
    bar = Progress(err, enabled=progress)
    stream = LearnerStream(source if source is not None else path, on_progress=bar if bar.enabled else None)
    tally = Tally(keep_lines=(fmt == "md" and not summary))
    learners = iter(stream)
    error: InputError | None = None
    first: Learner | None = None
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
        pending = [(first_position, first, stream.nsmap)] if first is not None else []
        while True:
            if pending:
                position, learner, nsmap = pending.pop()
            elif error is None:
                following = next(learners, None)
                if following is None:
                    break
                learner, position, nsmap = following, stream.stats.learners_read, stream.nsmap
            else:
                break
            dg = (diagnose or diagnose_learner)(learner, ctx)
            if fixed is not None:
                fixed.add(position, dg, nsmap)
            view = learner_view(dg)
            tally.add(view)
            any_findings = any_findings or view.needs_attention
            sink.add(view)
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
            tally.file_findings = file_findings_data(
                header_findings(stream.info.namespace, stream.info.header_year, stream.info.has_header, ctx,
                                stream.info.file_preparation_date)
                + duplicate_findings(stream.refs.duplicates, ctx))
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


def run_whole_file(args: Any, stdout: TextIO, stderr: TextIO, *, plan: FixedPlan | None = None,
                   xml_out: TextIO | None = None, source: ReadsBytes | None = None,
                   diagnose: Diagnose | None = None) -> int:
    """`diagnose` on a whole file; the exit codes are `status.ExitStatus`."""
    try:
        run = diagnose_file(args.path, stdout, stderr, fmt=args.format, summary=bool(getattr(args, "summary", False)),
                            year=args.year, as_of=args.as_of, plan=plan, xml_out=xml_out, source=source,
                            diagnose=diagnose)
    except InputError as exc:  # a bad --year or --as-of, or an input the --fixed pass cannot open
        stderr.write(f"ilr-assistant: {exc.describe()}\n")
        return ExitStatus.INPUT
    return run.exit_code
