"""The Textual app: `ilr-assistant` with no subcommand, and `make run`.

A thin face on the conversation engine (``assistant.dialogue.session``): the
app owns the screen, the keys and the command palette; the session owns
every question, answer, rule and proposal. Tests build the app with their own
session, clock, export folder and clipboard so that every run is the same.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Callable, ClassVar, TypedDict

from textual.app import App
from textual.binding import Binding

from .commands import AssistantCommands
from .port import SessionPort
from .screens.confirm import ConfirmScreen
from .screens.main import MainScreen, Note

DARK = "textual-dark"
LIGHT = "textual-light"


def make_session(year: str | None = None, as_of: date | None = None) -> SessionPort:
    """The real conversation engine (imported here so the app module loads without it)."""
    from ...dialogue.session import Session

    return Session(year=year, as_of=as_of)


class ScreenOptions(TypedDict):
    """What the app hands on to its main screen (tests set them so that every run is the same)."""

    clock: Callable[[], datetime]
    export_dir: Path | None
    redact: Callable[[str], str] | None
    system_copy: Callable[[str], None] | None | str
    as_of: date | None


class AssistantApp(App[int]):
    """Chat on the left, the learner's record and the proposed fix beside it."""

    TITLE = "ILR assistant"
    SUB_TITLE = "why a bootcamp milestone has not paid, and what to record instead"
    #: Typed as Textual types it, so the browser face can give a list.
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = "app.tcss"
    COMMANDS = App.COMMANDS | {AssistantCommands}
    #: Textual's own quit key, but shown in the footer (the issue asks for quit to be visible).
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]
    #: The screen class pushed at start; the browser face (tui/served_app.py) swaps in a subclass.
    MAIN_SCREEN: type[MainScreen] = MainScreen

    def __init__(self, session: SessionPort | None = None, *, year: str | None = None, as_of: date | None = None,
                 clock: Callable[[], datetime] = datetime.now, export_dir: Path | None = None,
                 redact: Callable[[str], str] | None = None,
                 system_copy: Callable[[str], None] | None | str = "default", theme: str = DARK) -> None:
        super().__init__()
        self.session = session if session is not None else make_session(year, as_of)
        self._screen_options = ScreenOptions(clock=clock, export_dir=export_dir, redact=redact,
                                             system_copy=system_copy, as_of=as_of)
        self.theme = theme

    async def on_mount(self) -> None:
        # Pushed rather than returned by get_default_screen so that its .tcss is loaded.
        await self.push_screen(self.MAIN_SCREEN(self.session, **self._screen_options))

    async def action_quit(self) -> None:
        """Ctrl+Q: at once before anything is said, else after a yes (the conversation is not kept)."""
        try:
            main = self.main_screen
        except LookupError:
            self.exit()
            return
        if not main.under_way or isinstance(self.screen, ConfirmScreen):
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen("Leave the assistant? Nothing of this conversation is kept "
                                       "(F7 exports it first).", yes="Leave", no="Stay"), answered)

    @property
    def main_screen(self) -> MainScreen:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not running")

    async def report_problem(self, exc: BaseException, *, doing: str = "") -> None:
        """Turn an exception into a message in the conversation; the session carries on."""
        self.log.error(f"problem while {doing}", exc)
        what = f" while {doing}" if doing else ""
        text = (f"Something went wrong{what}: {type(exc).__name__}: {exc}\n\n"
                "Nothing you entered is lost. Try again, rephrase, or press Ctrl+B to go back.")
        try:
            await self.main_screen.conversation.add([Note(text, "error")])
        except Exception:
            self.notify(text, severity="error", timeout=10)


def run(year: str | None = None) -> int:
    """Start the app; returns the process exit code."""
    try:
        app = AssistantApp(year=year)
    except Exception as exc:  # a bad --year or unreadable knowledge file: say so, no traceback
        print(f"ilr-assistant: cannot start: {exc}", file=sys.stderr)
        return 2
    result = app.run()
    return app.return_code if app.return_code is not None else (result or 0)
