"""Command-line faces: the TUI (default), chat --plain, diagnose, explain, lint, serve (the TUI in a browser).

Each face is a thin shell over the core; the heavy modules are imported only
by the command that needs them, so `diagnose` never loads Textual.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ilr-assistant",
        description="Find out why a Skills Bootcamp milestone (M1, M2, M3) has not paid, and what to record instead.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    tui = sub.add_parser("tui", help="the chat assistant in the terminal (the default)")
    tui.add_argument("--year", help="teaching year, e.g. 2024-25")

    chat = sub.add_parser("chat", help="the conversation on plain stdin/stdout (screen readers, scripts)")
    chat.add_argument("--plain", action="store_true", help="plain text, line by line (the only mode for now)")
    chat.add_argument("--year", help="teaching year, e.g. 2024-25")
    chat.add_argument("--as-of", dest="as_of", help="today's date for the six-month window (YYYY-MM-DD)")

    diag = sub.add_parser("diagnose", help="check a learner snippet or a whole ILR file")
    diag.add_argument("path", metavar="FILE|-", help="an ILR XML file or snippet, or - for standard input")
    diag.add_argument("--format", choices=("text", "json", "csv", "md"), default="text")
    diag.add_argument("--year", help="teaching year (overrides the file), e.g. 2024-25")
    diag.add_argument("--as-of", dest="as_of", help="file preparation date for the checks (YYYY-MM-DD)")
    diag.add_argument("--fixed", metavar="OUT", help="write the corrected XML here (- for standard output)")
    diag.add_argument("--summary", action="store_true", help="print only the counts")

    explain = sub.add_parser("explain", help="explain a field, code, aim reference, rule id or error message")
    explain.add_argument("term", nargs="+", help="what to explain, e.g. 'Outcome 8' or 'R_138'")

    sub.add_parser("lint", help="check the knowledge files")

    serve = sub.add_parser("serve", help="the same assistant in a web browser (on this machine only, by default)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    serve.add_argument("--allow-remote", dest="allow_remote", action="store_true",
                       help="allow a --host other machines can reach (learner data then crosses the network)")
    serve.add_argument("--open", action="store_true", help="open the page in the default browser")
    serve.add_argument("--year", help="teaching year, e.g. 2024-25")
    serve.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)  # no app started ahead (benchmark)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "tui"
    try:
        if command == "diagnose":
            from .diagnose import run_diagnose

            return run_diagnose(args)
        if command == "chat":
            from .plain import run_plain

            return run_plain(sys.stdin, sys.stdout, year=args.year, as_of=args.as_of)
        if command == "explain":
            from ..explain import explain

            print(explain(" ".join(args.term)))
            return 0
        if command == "lint":
            from .lint import run_lint

            return run_lint(sys.stdout)
        if command == "serve":
            from .serve import run_serve

            return run_serve(args)
        from .tui.app import run

        return run(year=getattr(args, "year", None))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
