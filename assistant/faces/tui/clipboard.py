"""Copying text: the terminal's clipboard escape (OSC 52) and, where it can, pyperclip.

Textual's ``copy_to_clipboard`` writes OSC 52, which many terminals ignore
(macOS Terminal, several VTE terminals) without telling us. pyperclip talks to
the system clipboard directly when a clipboard tool is installed. We do both,
and report honestly which one surely worked, so the app can say when a copy
could not be made instead of pretending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class CopyResult:
    #: The system clipboard (pyperclip) has the text: the copy surely worked.
    system: bool
    #: The OSC 52 request was sent to the terminal (it may or may not obey).
    terminal: bool
    #: Why the system clipboard could not be used, if it could not.
    problem: str | None = None

    @property
    def certain(self) -> bool:
        return self.system


def _pyperclip_copy(text: str) -> None:
    import pyperclip  # imported late: optional at run time, and slow to probe

    pyperclip.copy(text)


def copy_text(text: str, terminal_copy: Callable[[str], None] | None,
              system_copy: Callable[[str], None] | None = _pyperclip_copy) -> CopyResult:
    """Copy ``text`` by every means available and say which ones worked."""
    terminal = False
    if terminal_copy is not None:
        try:
            terminal_copy(text)
            terminal = True
        except Exception:  # a broken driver must not lose the user's work
            terminal = False
    if system_copy is None:
        return CopyResult(False, terminal, "no clipboard library")
    try:
        system_copy(text)
    except ImportError:
        return CopyResult(False, terminal, "pyperclip is not installed")
    except Exception as exc:  # pyperclip.PyperclipException and OS errors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return CopyResult(False, terminal, reason)
    return CopyResult(True, terminal)


def describe(result: CopyResult, what: str) -> str:
    """One plain sentence for the user about what happened to the copy (no library error, no URL)."""
    if result.system:
        return f"Copied {what} to the clipboard."
    if result.terminal:
        return (f"Asked the terminal to copy {what}, but some terminals ignore that: "
                "if pasting gives nothing, select the text in the chat instead.")
    return f"Could not copy {what}: select the text in the chat instead."
