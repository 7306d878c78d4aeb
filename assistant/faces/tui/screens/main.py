"""The main screen: the conversation, and the record and the proposal beside it (or over it, F2).

The screen is a face on the session (``port.SessionPort``): every answer goes
to ``session.send`` in a background thread, one turn at a time, so a slow
turn never blocks typing; after each turn the screen re-reads the session
(transcript, prompt, learner, diagnosis) and redraws. It holds no rules and
no advice.

Layout by Textual's breakpoints: from ``WIDE`` columns the record panel sits
beside the chat (the chat keeps the larger share); below, it is hidden and F2
lays it over the chat. F2 never changes the chat's width, and the history
kept live is bounded (``widgets.conversation.MAX_LIVE``), so F2 costs the
same however long the conversation (``benchmarks/bench_tui.py``).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Callable, ClassVar, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Paste
from textual.screen import Screen
from textual.widgets import Header

from ....dialogue.dates import DateReading
from ....dialogue.reading import QUIT_WORDS
from ....dialogue.session import Message
from .. import clipboard
from ..export import export_conversation, since_restart
from ..format import (answered_steps, change_aim, change_explanation, change_field, changes_lines, changes_table,
                      progress, proposed_value)
from ..guard import guarded
from ..port import SessionPort
from ..widgets.answer import AnswerBar
from ..widgets.conversation import Conversation, Note
from ..widgets.footer import WrappingFooter
from ..widgets.record import ProposalTable, SidePanel
from .confirm import ConfirmScreen
from .explain import ExplainScreen
from .help import help_markdown
from .paste import PasteScreen
from .pick import PickScreen

__all__ = ["MainScreen", "Note", "WIDE"]

#: From this width the record panel is beside the chat; below it, F2 shows it over the chat.
WIDE = 110


class MainScreen(Screen[None]):
    #: Typed as Textual types it (a path or a list of them), so the browser face can give a list.
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = "main.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE, "-wide")]
    #: A tall terminal shows more options at once (the answer box must always fit under them).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("f2", "toggle_record", "Record"),
        Binding("f3", "paste", "Paste"),
        Binding("f4", "why", "Why"),
        Binding("f5", "copy_one", "Copy"),
        Binding("f6", "copy_all", "Copy all"),
        Binding("f7", "export", "Export"),
        Binding("ctrl+b", "back", "Back"),
        Binding("f8", "change", "Change"),
        Binding("ctrl+r", "restart", "Restart"),
    ]

    def __init__(self, session: SessionPort, *, clock: Callable[[], datetime] = datetime.now,
                 export_dir: Path | None = None, redact: Callable[[str], str] | None = None,
                 system_copy: Callable[[str], None] | None | str = "default", as_of: date | None = None) -> None:
        super().__init__()
        self.session = session
        self._as_of = as_of
        self._clock = clock
        self._export_dir = export_dir
        self._redact = redact
        self._system_copy = system_copy
        self._shown: list[Message] = []
        #: The question on screen: answers given to an earlier one are refused (see ``_answered``).
        self.turn = 0
        #: Turns handed to the engine and not yet shown; they run one at a time, in order.
        self._waiting = 0
        self._turn_lock = asyncio.Lock()
        self.last_export: Path | None = None

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        with Horizontal(id="body"):
            with Vertical(id="chat"):
                yield Conversation(id="conversation")
                yield AnswerBar(suggest=self._suggest, read_date=self._read_date, id="answer-bar")
            yield SidePanel(id="side")
        yield WrappingFooter(compact=True)

    async def on_mount(self) -> None:
        self.conversation.type_into = self.answer_bar.type_into
        await self._start()

    @guarded
    async def _start(self) -> None:
        started = list(self.session.start())
        await self.sync(extra=started)

    @property
    def narrow(self) -> bool:
        """No room for the record beside the chat (the ``-narrow`` breakpoint class)."""
        return self.has_class("-narrow") or (not self.has_class("-wide") and self.app.size.width < WIDE)

    @property
    def busy(self) -> bool:
        """A turn is with the engine (or waiting for it): the question on screen is about to change."""
        return self._waiting > 0

    @property
    def conversation(self) -> Conversation:
        return self.query_one(Conversation)

    @property
    def answer_bar(self) -> AnswerBar:
        return self.query_one(AnswerBar)

    @property
    def side(self) -> SidePanel:
        return self.query_one(SidePanel)

    @property
    def proposal_table(self) -> ProposalTable:
        return self.query_one(ProposalTable)

    @property
    def under_way(self) -> bool:
        """Something has been chosen or said since the start (or the last restart): worth a confirmation."""
        prompt = self.session.prompt
        return (prompt is None or prompt.id != "entry"
                or any(m.role == "user" for m in since_restart(self.session.transcript)))

    # -- the session ---------------------------------------------------------------------
    def _suggest(self, text: str) -> list[str]:
        if self.busy:  # the session is changing in its thread: no suggestions until it is done
            return []
        return list(self.session.suggestions(text, limit=8))

    def _read_date(self, text: str) -> DateReading:
        from ....dialogue.dates import parse_date

        # "today" is read against the date the app was given (tests), else the real today.
        return parse_date(text, self._as_of or date.today(), ilr_year=getattr(self.session, "year", None))

    async def sync(self, extra: Sequence[Message] = ()) -> None:
        """Redraw from the session: new messages, the question, the record, the proposal."""
        transcript = list(self.session.transcript)
        if not transcript and extra:
            transcript = list(extra)
        n = len(self._shown)
        if transcript[:n] == self._shown:
            await self.conversation.add(transcript[n:])
        else:
            await self.conversation.replace(transcript)
        self._shown = transcript
        self.turn += 1
        prompt = self.session.prompt
        self.answer_bar.set_prompt(prompt, finished=self.session.finished, turn=self.turn,
                                   progress=progress(self.session.steps, prompt.id if prompt else None))
        had_changes = bool(self.proposal_table.changes)
        diagnosis = self.session.diagnosis
        self.side.show(self.session.learner, diagnosis)
        self._fit_side(empty=self.session.learner is None and diagnosis is None)
        if (diagnosis is not None and self.proposal_table.changes and not had_changes
                and self.narrow and not self.side.has_class("-shown")):
            self.notify("The record and the proposed changes are ready: F2 shows them.", timeout=6)
        self.answer_bar.focus_answer()
        if self.session.finished:
            # The user said quit (or bye): the session has said goodbye; leave after a beat.
            self.set_timer(0.6, lambda: self.app.exit(0))

    def _fit_side(self, *, empty: bool) -> None:
        """With nothing to show (the tour, a question about a field) the record panel folds away
        and the chat takes the whole width; it comes back with the first record. Set on the two
        widgets only when it changes: a class on the screen would restyle the whole conversation."""
        side = self.side
        if side.has_class("-empty") == empty:
            return
        side.set_class(empty, "-empty")
        self.query_one("#chat").styles.width = "100%" if empty else None

    def take_turn(self, call: Callable[[str], object], text: str) -> None:
        """Hand the user's words to the session in a worker: the app keeps taking keys meanwhile."""
        self._waiting += 1
        self.answer_bar.working()
        self.run_worker(self._turn(call, text), group="turn", exit_on_error=False)

    @guarded
    async def _turn(self, call: Callable[[str], object], text: str) -> None:
        async with self._turn_lock:  # one turn at a time, in the order given
            try:
                await asyncio.to_thread(call, text)
            finally:
                self._waiting -= 1
                await self.sync()

    async def note(self, text: str, kind: str = "info") -> None:
        """A line from the app in the conversation (not part of the session's transcript)."""
        await self.conversation.add([Note(text, kind)])

    @on(AnswerBar.Answered)
    @guarded
    async def _answered(self, event: AnswerBar.Answered) -> None:
        if event.turn != self.turn or self.busy:
            # Given to a question that has gone (or is being answered): never send it to the next one.
            if event.option is None:
                box = self.answer_bar.input
                box.value = event.text
                box.cursor_position = len(event.text)
            self.notify("The question changed before that answer was sent: read the new question, then answer it.",
                        severity="warning", timeout=5)
            return
        prompt = event.prompt
        if event.option is None and self.under_way:
            # "restart" or "quit" typed mid-conversation asks first, as Ctrl+R and Ctrl+Q do: one word must not
            # set a whole conversation aside unseen (README: restart and quit ask first once under way).
            word = event.text.strip().lstrip("/").strip().lower().rstrip("?!.:")
            if word == "restart":
                self.action_restart()
                return
            if word in QUIT_WORDS:
                await self.app.action_quit()
                return
        if event.option is not None and prompt is not None and prompt.id == "entry":
            # An entry point picked from the first list: the session has a call for exactly that.
            self.take_turn(self.session.start_entry, event.option.value)
        else:
            self.take_turn(self.session.send, event.text)

    @on(AnswerBar.PastedText)
    def _pasted_text(self, event: AnswerBar.PastedText) -> None:
        self.send_paste(event.text)

    def on_paste(self, event: Paste) -> None:
        """A paste that reached the screen (the focus was on a list or the record, not the text box)."""
        text = event.text or ""
        if not text.strip():
            return
        event.stop()
        if len(text.strip().splitlines()) > 1 or text.lstrip().startswith("<"):
            self.send_paste(text)
        else:
            box = self.answer_bar.input
            self.set_focus(box)
            box.insert_text_at_cursor(text.strip())

    def send_paste(self, text: str) -> None:
        self.take_turn(self.session.send, text)

    def start_entry(self, entry_id: str) -> None:
        self.take_turn(self.session.start_entry, entry_id)

    def send_text(self, text: str) -> None:
        """Send words to the session as if typed (commands from the palette use this)."""
        self.take_turn(self.session.send, text)

    # -- actions -------------------------------------------------------------------------
    def action_help(self) -> None:
        self.app.push_screen(ExplainScreen("Help: keys and commands",
                                           help_markdown(self.BINDINGS, narrow=self.narrow)))

    def action_toggle_record(self) -> None:
        """Spread the record over the chat, or put it back (the chat underneath is left as it is).

        The class goes on the panel, not the screen: a class on the screen restyles every widget
        of the conversation, which took seconds after a long one.
        """
        side = self.side
        side.toggle_class("-shown")
        chat = self.query_one("#chat")
        chat.display = not side.has_class("-shown")  # covered: not drawn underneath
        if not side.has_class("-shown"):
            self.answer_bar.focus_answer()
            return
        # Keys go to the record (↑↓ walk the changes, w explains, c copies), not to the hidden box;
        # with changes proposed, the panel opens on them (the record is above, a scroll away).
        table = self.proposal_table
        self.set_focus(table if table.display else side, scroll_visible=False)
        if table.display:
            title = side.query_one("#proposal-title")
            side.call_after_refresh(side.scroll_to_widget, title, top=True, animate=False)

    def action_paste(self) -> None:
        def pasted(text: str | None) -> None:
            if text:
                self.send_paste(text)

        self.app.push_screen(PasteScreen(), pasted)

    @guarded
    async def action_why(self) -> None:
        table = self.proposal_table
        if self.focused is table and table.current_index is not None:
            await self.explain_change(table.current_index)
            return
        if self.busy:
            self.notify("Still working on your last answer: ask again in a moment.", timeout=3)
            return
        self.app.push_screen(ExplainScreen("Why", self.session.why()))

    @on(ProposalTable.WhyRequested)
    @guarded
    async def _why_change(self, event: ProposalTable.WhyRequested) -> None:
        await self.explain_change(event.index)

    async def explain_change(self, index: int) -> None:
        changes = self.proposal_table.changes
        if not 0 <= index < len(changes):
            return
        change = changes[index]
        text = change_explanation(change) + ("" if self.busy else "\n\n---\n\n" + self.session.why())
        self.app.push_screen(ExplainScreen(f"Why: aim {change_aim(change)} · {change_field(change)}", text))

    @on(ProposalTable.CopyRequested)
    @guarded
    async def _copy_requested(self, event: ProposalTable.CopyRequested) -> None:
        await self.copy_change(event.index)

    @guarded
    async def action_copy_one(self) -> None:
        index = self.proposal_table.current_index
        if index is None:
            await self.note("There is no proposed change to copy yet.")
            return
        await self.copy_change(index)

    async def copy_change(self, index: int) -> None:
        change = self.proposal_table.changes[index]
        value = proposed_value(change)
        what = f"the proposed {change_field(change)} for aim {change_aim(change)} ({value})"
        await self._copy(value, what, value + "\n")

    @guarded
    async def action_copy_all(self) -> None:
        changes = self.proposal_table.changes
        if not changes:
            await self.note("There are no proposed changes to copy yet.")
            return
        await self._copy(changes_table(changes), f"all {len(changes)} proposed changes", changes_lines(changes))

    async def _copy(self, text: str, what: str, shown: str) -> None:
        """Copy ``text``; if that may have failed, one plain sentence and ``shown`` to select by hand."""
        system_copy = self._system_copy
        if isinstance(system_copy, str):  # "default": the clipboard module's own (pyperclip)
            result = clipboard.copy_text(text, self.app.copy_to_clipboard)
        else:
            result = clipboard.copy_text(text, self.app.copy_to_clipboard, system_copy=system_copy)
        message = clipboard.describe(result, what)
        if result.certain:
            self.notify(message, timeout=4)
        else:
            self.notify(message, severity="warning", timeout=6)
            await self.note(message + "\n\n```\n" + shown + "```", "error")

    @guarded
    async def action_export(self) -> None:
        redact = self._redact
        if redact is None:
            from ....privacy import redact_text

            redact = redact_text
        changes = self.proposal_table.changes
        messages = since_restart(self.session.transcript)
        restarted = len(messages) < len(self.session.transcript)
        path = export_conversation(messages, redact, when=self._clock(), directory=self._export_dir,
                                   changes=changes, restarted=restarted)
        self.last_export = path
        what = "the conversation since you last restarted" if restarted else "this conversation"
        await self.note(f"Saved {what}, with personal data redacted, as `{path.name}` in the folder:\n\n"
                        f"`{path.parent}`")

    def action_back(self) -> None:
        self.send_text("back")

    def action_restart(self) -> None:
        if not self.under_way:
            self.send_text("restart")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.send_text("restart")

        self.app.push_screen(ConfirmScreen("Start again? Your answers so far are set aside "
                                           "(F7 exports the conversation first).", yes="Start again",
                                           no="Carry on"), answered)

    @guarded
    async def action_change(self) -> None:
        if self.busy:
            self.notify("Still working on your last answer: try again in a moment.", timeout=3)
            return
        answers = answered_steps(self.session)
        if not answers:
            self.send_text("change")
            return

        def picked(title: str | None) -> None:
            if title:
                self.send_text(f"change {title}")

        self.app.push_screen(PickScreen("Change which answer?", answers), picked)

    def action_toggle_theme(self) -> None:
        self.app.theme = "textual-light" if self.app.current_theme.dark else "textual-dark"

    @guarded
    async def explain_term(self, term: str) -> None:
        from ....explain import explain

        self.app.push_screen(ExplainScreen(f"Explain: {term}", explain(term)))
