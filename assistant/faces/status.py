"""Every exit status of every face, in one place, with the words that document it.

`--help` and the README's command-line section are both written from
`EXIT_TABLE`, and a test checks that the README lists every member, so a new
status (say, "changes not verified") is added here once and shows up in both.

One policy for every face: a problem with the input, an option or the
knowledge files is one plain message on stderr and `INPUT`; a problem
writing the output is one plain message on stderr and `OUTPUT`; an interrupt
says "output incomplete" on stderr and exits `INTERRUPTED`. Never a traceback.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import TextIO

from ..ilr.output import OutputError as OutputError  # the output problem every face reports as OUTPUT


class ExitStatus(IntEnum):
    """Exit statuses, shared by every command."""

    CLEAN = 0
    FINDINGS = 1
    INPUT = 2
    #: --fixed wrote a file in which some learner's changes were left out (not verified: never add).
    FIXED_INCOMPLETE = 3
    OUTPUT = 4
    INTERRUPTED = 130
    TERMINATED = 143


#: (status, what it means) — the documentation of every status, in order.
EXIT_TABLE: tuple[tuple[ExitStatus, str], ...] = (
    (ExitStatus.CLEAN, "nothing wrong (diagnose), or the command finished (also when the reader of a pipe "
                       "stops early, as `| head` or `| grep -q` do)"),
    (ExitStatus.FINDINGS, "diagnose found something to fix (findings, changes or a blocked milestone); "
                          "lint found problems in the knowledge files"),
    (ExitStatus.INPUT, "the input, an option or the knowledge files could not be used "
                       "(unreadable or refused file, closed standard input, bad --year); nothing was written"),
    (ExitStatus.FIXED_INCOMPLETE, "--fixed wrote a file that is incomplete: a learner whose proposed changes "
                                  "would add a validation error is left as recorded and named on stderr"),
    (ExitStatus.OUTPUT, "the output could not be written (missing or read-only folder, a folder as --fixed, "
                        "disk full, closed standard output); an input file is never left changed"),
    (ExitStatus.INTERRUPTED, "interrupted (Ctrl-C); stderr says the output is incomplete"),
    (ExitStatus.TERMINATED, "stopped by SIGTERM (diagnose, chat --plain, explain, lint); stderr says the "
                            "output is incomplete"),
)


def help_epilog() -> str:
    """The exit-status table as `--help` prints it."""
    import textwrap

    lines = ["exit status:"]
    for status, text in EXIT_TABLE:
        lines += textwrap.wrap(text, 78, initial_indent=f"  {int(status):>3}  ", subsequent_indent=" " * 7)
    return "\n".join(lines)


def say(stream: TextIO | None, text: str) -> None:
    """Write one message to stderr (or the given stream) without ever raising: it is the last word."""
    stream = stream if stream is not None else sys.stderr
    if stream is None:
        return
    try:
        stream.write(text.rstrip("\n") + "\n")
        stream.flush()
    except (OSError, ValueError, AttributeError):
        pass


def printable_path(path: str) -> str:
    """A file name as it can be printed anywhere: undecodable bytes (surrogate escapes) shown as \\xNN."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that, as for Ctrl-C, nothing half-written is kept."""
