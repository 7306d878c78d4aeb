"""`diagnose --fixed OUT`: where the corrected XML goes, and how it gets there safely.

* The options are checked before any work: ``--fixed ""`` and ``--fixed -``
  with a machine format (JSON, CSV, Markdown, ``--summary``) are refused
  (status 2); a folder, a device, a missing folder, or the input itself
  without ``--in-place`` are refused as output problems (status 3).
* A file target is written through `ilr.output.AtomicFile`: a temporary file
  beside it, fsynced, renamed. Until the rename the target is untouched, so a
  full disk, a file-size limit or Ctrl-C never leaves it (or the input) cut short.
* The text is the input's own, in its own encoding, with only the changed
  aims rewritten (`ilr.splice`); changes go to learners by position in the
  file, never by LearnRefNumber.
* What was written is said plainly on stderr: how many changes to how many
  learners, and every change that could not be made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from ..ilr.output import AtomicFile, check_target
from ..ilr.reader import ReadResult
from ..ilr.guard import InputError, sniff_encoding
from ..ilr.splice import SpliceError, SpliceResult, Splicer, decoded_chunks
from ..ilr.writer import write_fixed
from .status import printable_path, say

if TYPE_CHECKING:
    from ..advice.engine import Diagnosis
    from ..advice.types import Change


@dataclass(frozen=True)
class FixedPlan:
    """Where --fixed writes: a checked file path, or standard output."""

    target: str
    path: str | None
    in_place: bool = False

    @property
    def to_stdout(self) -> bool:
        return self.path is None


def plan_fixed(args: Any) -> FixedPlan | None:
    """Check --fixed and --in-place; raises InputError (status 2) or OutputError (status 3)."""
    target = getattr(args, "fixed", None)
    in_place = bool(getattr(args, "in_place", False))
    if target is None:
        if in_place:
            raise InputError("--in-place only means something with --fixed FILE",
                             hint="Add --fixed with the input's own name to replace it (a .bak copy is kept)")
        return None
    if not target.strip():
        raise InputError("--fixed was given an empty file name, so there is nowhere to write the corrected XML",
                         hint="Give a file name, or - for standard output")
    if target == "-":
        fmt = getattr(args, "format", "text")
        if fmt != "text" or getattr(args, "summary", False):
            what = "--summary" if getattr(args, "summary", False) else f"--format {fmt}"
            raise InputError(f"--fixed - writes the corrected XML to standard output, where {what} also goes; "
                             "the two would be mixed",
                             hint="Give --fixed a file name, or leave out --format (the text report then goes "
                                  "to stderr)")
        return FixedPlan(target, None)
    path = check_target(target, getattr(args, "path", None), in_place=in_place)
    return FixedPlan(target, path, in_place)


def changes_to_write(dg: Diagnosis) -> list[Change]:
    """The changes --fixed writes for one learner: only a verified set (never add); otherwise none."""
    if not dg.verified:
        return []
    return list(dg.proposal.changes)


def say_left_out(left_out: list[Diagnosis], err: TextIO) -> None:
    for dg in left_out:
        say(err, f"ilr-assistant: learner {dg.learner.learn_ref} left as recorded: its proposed changes would add "
                 f"{', '.join(dg.introduced_rules)}; a person must check it")


class FixedWriter:
    """The open output: text in, bytes in the input's encoding out (file or standard output)."""

    def __init__(self, plan: FixedPlan, codec: str, stdout: TextIO):
        self.plan = plan
        self.codec = codec
        self._text_out: TextIO | None = None
        self._bytes_out: BinaryIO | None = None
        self._file: AtomicFile | None = None
        if plan.path is not None:
            self._file = AtomicFile(plan.path, backup=plan.in_place)
        else:
            buffer = getattr(stdout, "buffer", None)
            if buffer is not None:
                stdout.flush()
                self._bytes_out = buffer
            else:
                self._text_out = stdout

    def write(self, text: str) -> None:
        if self._text_out is not None:
            self._text_out.write(text)
            return
        try:  # the input's own text, bad bytes and all, goes back as it came
            data = text.encode(self.codec, errors="surrogateescape")
        except UnicodeEncodeError:  # an edited aim holding a character the encoding lacks
            data = text.encode(self.codec, errors="xmlcharrefreplace")
        if self._file is not None:
            self._file.write(data)
        else:
            assert self._bytes_out is not None
            self._bytes_out.write(data)

    def commit(self) -> str | None:
        if self._file is not None:
            return self._file.commit()
        if self._bytes_out is not None:
            self._bytes_out.flush()
        return None

    def discard(self) -> None:
        if self._file is not None:
            self._file.discard()


def open_input_codec(path: str) -> str:
    """The input's codec, by the one encoding guard."""
    with open(path, "rb") as fh:
        return sniff_encoding(fh.read(4096))


def report_written(plan: FixedPlan, result: SpliceResult, refs: dict[int, str], backup: str | None,
                   err: TextIO, note: str | None = None, left_out: list[Diagnosis] | None = None) -> None:
    """Say on stderr exactly what the corrected XML holds, and what it does not."""
    say_left_out(left_out or [], err)
    where = "standard output" if plan.to_stdout else printable_path(plan.target)
    made = (f"{result.changes_made} change{'s' if result.changes_made != 1 else ''} to "
            f"{result.learners_changed} learner{'s' if result.learners_changed != 1 else ''}")
    exact = note is None
    if result.changes_made:
        say(err, f"Corrected XML written to {where}: {made}"
            + ("; everything else is byte for byte the input." if exact else "."))
    else:
        say(err, f"Corrected XML written to {where}: no changes to make, so it is "
            + ("a copy of the input." if exact else "the input as read."))
    if left_out:
        say(err, f"The corrected XML is incomplete: {len(left_out)} learner{'s' if len(left_out) != 1 else ''} "
                 "left as recorded (named above).")
    if backup:
        say(err, f"The original was kept as {printable_path(backup)}.")
    if note:
        say(err, note)
    if result.missed:
        say(err, f"{len(result.missed)} proposed change{'s were' if len(result.missed) != 1 else ' was'} NOT "
                 "made, because the aim it is for is not in the record:")
        for position, change in result.missed:
            say(err, f"  learner {position:,} ({refs.get(position, '?')}): aim {change.aim_seq} "
                     f"{change.field} -> {change.to!r}")


def write_fixed_whole(plan: FixedPlan, data: bytes, result: ReadResult,
                      positioned: list[tuple[int, Diagnosis]], stdout: TextIO, err: TextIO) -> bool:
    """--fixed for input read whole (a snippet, standard input): splice in memory, then write once.

    Returns False when some learner was left as recorded (its changes not verified).
    """
    left_out = [dg for _, dg in positioned if not dg.verified]
    codec = sniff_encoding(data)
    changes = {pos: changes_to_write(dg) for pos, dg in positioned}
    refs = {pos: dg.learner.learn_ref for pos, dg in positioned}
    root = result.root
    learner_els = [el for el in root.iter("{*}Learner")] if root is not None else []
    has_stray = len(result.learners) > len(learner_els)
    pieces: list[str] = []
    note = None
    spliced = None
    if not (has_stray and changes.get(len(result.learners))):
        try:
            splicer = Splicer([data.decode(codec)], pieces.append)
            for pos in sorted(p for p, c in changes.items() if c):
                parent = learner_els[pos - 1].getparent()
                nsmap = dict(parent.nsmap) if parent is not None else {}
                splicer.edit(pos, changes[pos], nsmap, refs[pos])
            spliced = splicer.finish(expected_learners=len(learner_els))
        except (SpliceError, UnicodeDecodeError, IndexError):
            spliced = None
    if spliced is None:
        # Bare <LearningDelivery> elements (or text the splicer cannot follow): the tree writer.
        pieces = [write_fixed(root, changes)] if root is not None else []
        spliced = SpliceResult(learners=len(result.learners),
                               learners_changed=sum(1 for c in changes.values() if c),
                               changes_made=sum(len(c) for c in changes.values()))
        codec = "utf-8"
        note = "The input was written again from its parsed form (line endings and layout may differ)."
    writer = FixedWriter(plan, codec, stdout)
    try:
        for piece in pieces:
            writer.write(piece)
        backup = writer.commit()
    except BaseException:
        writer.discard()
        raise
    report_written(plan, spliced, refs, backup, err, note, left_out)
    return not left_out


class StreamedFixed:
    """--fixed for a streamed file: the input read a second time, in step, and spliced as it goes."""

    def __init__(self, plan: Any, path: str, xml_out: TextIO):
        codec = open_input_codec(path)
        self.plan = plan
        self.refs: dict[int, str] = {}
        self.left_out: list[Diagnosis] = []
        self._fh = open(path, "rb")
        try:
            self.writer = FixedWriter(plan, codec, xml_out)
        except BaseException:
            self._fh.close()
            raise
        self.splicer = Splicer(decoded_chunks(self._fh.read, codec), self.writer.write)

    def add(self, position: int, dg: Diagnosis, nsmap: dict[str | None, str]) -> None:
        if not dg.verified:
            self.left_out.append(dg)
        changes = changes_to_write(dg)
        if changes:
            self.refs[position] = dg.learner.learn_ref
            self.splicer.edit(position, changes, nsmap, dg.learner.learn_ref)

    def finish(self, learners: int, err: TextIO) -> bool:
        """Commit the file; False when some learner was left as recorded."""
        try:
            result = self.splicer.finish(expected_learners=learners)
            backup = self.writer.commit()
        finally:
            self._fh.close()
        report_written(self.plan, result, self.refs, backup, err, left_out=self.left_out)
        return not self.left_out

    def abandon(self) -> None:
        self.writer.discard()
        self._fh.close()
