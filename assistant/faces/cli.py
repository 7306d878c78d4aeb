"""Command-line faces: the TUI (default), chat --plain, diagnose, explain, lint, serve (the TUI in a browser).

Each face is a thin shell over the core; the heavy modules are imported only
by the command that needs them, so `diagnose` never loads Textual.

One error policy for every face (see `status.py`): an input, option or
knowledge problem is one plain message on stderr and exit 2; an output
problem is one message and exit 3; Ctrl-C says the output is incomplete and
exits 130. No face prints a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from types import FrameType
from typing import Any, Sequence

from .status import EXIT_TABLE, ExitStatus, OutputError, Terminated, help_epilog, say


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ilr-assistant",
        description="Find out why a Skills Bootcamp milestone (M1, M2, M3) has not paid, and what to record instead.",
        epilog=help_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, **kw: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, epilog=help_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter, **kw)

    tui = add("tui", help="the chat assistant in the terminal (the default)")
    tui.add_argument("--year", help="teaching year, e.g. 2024-25")

    chat = add("chat", help="the conversation on plain stdin/stdout (screen readers, scripts)")
    chat.add_argument("--plain", action="store_true", help="plain text, line by line (the only mode for now)")
    chat.add_argument("--year", help="teaching year, e.g. 2024-25")
    chat.add_argument("--as-of", dest="as_of", help="today's date for the six-month window (YYYY-MM-DD)")

    diag = add("diagnose", help="check a learner snippet or a whole ILR file")
    diag.add_argument("path", metavar="FILE|-", help="an ILR XML file or snippet, or - for standard input")
    diag.add_argument("--format", choices=("text", "json", "csv", "md"), default="text")
    diag.add_argument("--year", help="teaching year (overrides the file), e.g. 2024-25")
    diag.add_argument("--as-of", dest="as_of", help="file preparation date for the checks (YYYY-MM-DD)")
    diag.add_argument("--fixed", metavar="OUT",
                      help="write the corrected XML here (- for standard output, text format only); "
                           "written to a temporary file beside OUT and renamed, so OUT is whole or untouched; "
                           "never the input itself unless --in-place")
    diag.add_argument("--in-place", dest="in_place", action="store_true",
                      help="allow --fixed to replace the input file; the original is kept as FILE.bak")
    diag.add_argument("--summary", action="store_true", help="print only the counts")

    explain = add("explain", help="explain a field, code, aim reference, rule id or error message")
    explain.add_argument("term", nargs="+", help="what to explain, e.g. 'Outcome 8' or 'R_138'")

    add("lint", help="check the knowledge files")

    serve = add("serve", help="the same assistant in a web browser (on this machine only, by default)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    serve.add_argument("--allow-remote", dest="allow_remote", action="store_true",
                       help="allow a --host other machines can reach (learner data then crosses the network)")
    serve.add_argument("--open", action="store_true", help="open the page in the default browser")
    serve.add_argument("--year", help="teaching year, e.g. 2024-25")
    serve.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)  # no app started ahead (benchmark)
    return parser


def _silence_stdout() -> None:
    """After stdout failed, point it at /dev/null so the interpreter's last flush cannot fail loudly."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (AttributeError, OSError, ValueError):
        pass


def _run(args: argparse.Namespace) -> int:
    command = args.command or "tui"
    needs_stdout = command in ("diagnose", "chat", "explain", "lint")
    if needs_stdout and sys.stdout is None:
        say(sys.stderr, "ilr-assistant: standard output is closed; nothing can be written")
        return ExitStatus.OUTPUT
    if command == "diagnose":
        from .diagnose import run_diagnose

        return run_diagnose(args)
    if command == "chat":
        from .plain import run_plain

        if sys.stdin is None:
            say(sys.stderr, "ilr-assistant chat: standard input is closed; there is nothing to read")
            return ExitStatus.INPUT
        return run_plain(sys.stdin, sys.stdout, year=args.year, as_of=args.as_of, errors=sys.stderr)
    if command == "explain":
        from ..explain import explain_or_raise

        print(explain_or_raise(" ".join(args.term)))
        return ExitStatus.CLEAN
    if command == "lint":
        from .lint import run_lint

        return run_lint(sys.stdout)
    if command == "serve":
        from .serve import run_serve

        return run_serve(args)
    from .tui.app import run

    return run(year=getattr(args, "year", None))


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import signal

    previous = None
    if (args.command or "tui") not in ("tui", "serve"):  # (their event loops handle their own signals)
        try:  # SIGTERM unwinds like Ctrl-C: temporary files go, and the output is said to be incomplete
            previous = signal.signal(signal.SIGTERM, _on_sigterm)
        except ValueError:  # not the main thread
            previous = None
    try:
        return _main(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(args: argparse.Namespace) -> int:
    from ..knowledge_loader import KnowledgeError

    try:
        code = int(_run(args))
        if sys.stdout is not None:
            sys.stdout.flush()  # /dev/full as stdout fails here, not in the interpreter's exit
        return code
    except Terminated:
        say(sys.stderr, "ilr-assistant: stopped (SIGTERM); the output is incomplete")
        return ExitStatus.TERMINATED
    except KeyboardInterrupt:
        say(sys.stderr, "ilr-assistant: interrupted; the output is incomplete")
        return ExitStatus.INTERRUPTED
    except KnowledgeError as exc:
        say(sys.stderr, f"ilr-assistant: the knowledge files have a problem: {exc}. "
                        "Run `ilr-assistant lint` to see every problem")
        return ExitStatus.INPUT
    except BrokenPipeError:
        # The reader of a pipe stopped on purpose (`| head`, `| grep -q`): that is its choice, not a failure,
        # and scripts rely on it (`set -o pipefail`). Quietly done, as before.
        _silence_stdout()
        return ExitStatus.CLEAN
    except OutputError as exc:
        _silence_stdout()
        say(sys.stderr, f"ilr-assistant: {exc}")
        return ExitStatus.OUTPUT
    except OSError as exc:  # writing standard output failed (/dev/full, a closed descriptor)
        _silence_stdout()
        say(sys.stderr, f"ilr-assistant: cannot write the output: {exc.strerror or exc}; the output is incomplete")
        return ExitStatus.OUTPUT


__all__ = ["main", "build_parser", "ExitStatus", "EXIT_TABLE"]


if __name__ == "__main__":
    sys.exit(main())
