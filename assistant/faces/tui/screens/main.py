"""The main screen: the conversation on the left, the record and the proposal beside it.

The screen is a face on ``Session``: every answer goes to ``session.send``,
and after each call the screen re-reads the session (transcript, prompt,
learner, diagnosis) and redraws. It holds no rules and no advice. At 80
columns there is no room for both panes, so the record panel is toggled
(F2) instead of squeezed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Paste, Resize
from textual.screen import Screen
from textual.widgets import Header

from .. import clipboard
from ..export import export_conversation
from ..format import (answered_steps, change_aim, change_explanation, change_field, changes_table,
                      proposed_value)
from ..guard import guarded
from ..widgets.answer import AnswerBar
from ..widgets.conversation import Conversation
from ..widgets.footer import WrappingFooter
from ..widgets.record import ProposalTable, SidePanel
from .explain import ExplainScreen
from .help import help_markdown
from .paste import PasteScreen
from .pick import PickScreen

#: Below this width the record panel is shown instead of the chat, not beside it.
WIDE = 100


class Note:
    """A message from the app itself (copy, export, a problem): shown, not sent to the session."""

    def __init__(self, text: str, kind: str = "info") -> None:
        self.role = "assistant"
        self.text = text
        self.kind = kind


class MainScreen(Screen):
    CSS_PATH = "main.tcss"
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

    def __init__(self, session: Any, *, clock: Callable[[], datetime] = datetime.now,
                 export_dir: Any = None, redact: Callable[[str], str] | None = None,
                 system_copy: Callable[[str], None] | None | str = "default", as_of: date | None = None) -> None:
        super().__init__()
        self.session = session
        self._as_of = as_of
        self._clock = clock
        self._export_dir = export_dir
        self._redact = redact
        self._system_copy = system_copy
        self._shown: list[Any] = []

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
        self._apply_width(self.app.size.width)
        await self._start()

    @guarded
    async def _start(self) -> None:
        started = self.session.start()
        await self.sync(extra=started)

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < WIDE, "-narrow")

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

    # -- the session ---------------------------------------------------------------------
    def _suggest(self, text: str) -> list[str]:
        return list(self.session.suggestions(text, limit=8))

    def _read_date(self, text: str) -> Any:
        from ....dialogue.dates import parse_date

        # "today" is read against the date the app was given (tests), else the real today.
        return parse_date(text, self._as_of or date.today())

    async def sync(self, extra: Any = ()) -> None:
        """Redraw from the session: new messages, the question, the record, the proposal."""
        transcript = list(getattr(self.session, "transcript", ()) or ())
        if not transcript and extra:
            transcript = list(extra)
        n = len(self._shown)
        if transcript[:n] == self._shown:
            await self.conversation.add(transcript[n:])
        else:
            await self.conversation.replace(transcript)
        self._shown = transcript
        self.answer_bar.set_prompt(self.session.prompt, finished=bool(self.session.finished))
        had_changes = bool(self.proposal_table.changes)
        diagnosis = self.session.diagnosis
        self.side.show(self.session.learner, diagnosis)
        if (diagnosis is not None and self.proposal_table.changes and not had_changes
                and self.has_class("-narrow") and not self.has_class("-side-toggled")):
            self.notify("The record and the proposed changes are ready: F2 shows them.", timeout=6)
        self.answer_bar.focus_answer()
        if self.session.finished:
            # The user said quit (or bye): the session has said goodbye; leave after a beat.
            self.set_timer(0.6, lambda: self.app.exit(0))

    async def note(self, text: str, kind: str = "info") -> None:
        """A line from the app in the conversation (not part of the session's transcript)."""
        await self.conversation.add([Note(text, kind)])

    @on(AnswerBar.Answered)
    @guarded
    async def _answered(self, event: AnswerBar.Answered) -> None:
        prompt = event.prompt
        if event.option is not None and prompt is not None and prompt.id == "entry":
            # An entry point picked from the first list: the session has a call for exactly that.
            self.session.start_entry(event.option.value)
        else:
            self.session.send(event.text)
        await self.sync()

    @on(AnswerBar.PastedText)
    @guarded
    async def _pasted_text(self, event: AnswerBar.PastedText) -> None:
        await self.send_paste(event.text)

    @guarded
    async def on_paste(self, event: Paste) -> None:
        """A paste that reached the screen (the focus was on a list or the record, not the text box)."""
        text = event.text or ""
        if not text.strip():
            return
        event.stop()
        if len(text.strip().splitlines()) > 1 or text.lstrip().startswith("<"):
            await self.send_paste(text)
        else:
            box = self.answer_bar.input
            box.focus()
            box.insert_text_at_cursor(text.strip())

    async def send_paste(self, text: str) -> None:
        self.session.send(text)
        await self.sync()

    @guarded
    async def start_entry(self, entry_id: str) -> None:
        self.session.start_entry(entry_id)
        await self.sync()

    @guarded
    async def send_text(self, text: str) -> None:
        """Send words to the session as if typed (commands from the palette use this)."""
        self.session.send(text)
        await self.sync()

    # -- actions -------------------------------------------------------------------------
    def action_help(self) -> None:
        self.app.push_screen(ExplainScreen("Help: keys and commands", help_markdown(self.BINDINGS)))

    def action_toggle_record(self) -> None:
        self.toggle_class("-side-toggled")

    def action_paste(self) -> None:
        def pasted(text: str | None) -> None:
            if text:
                self.run_worker(self._paste_from_area(text), exclusive=True)

        self.app.push_screen(PasteScreen(), pasted)

    @guarded
    async def _paste_from_area(self, text: str) -> None:
        await self.send_paste(text)

    @guarded
    async def action_why(self) -> None:
        table = self.proposal_table
        if self.focused is table and table.current_index is not None:
            await self.explain_change(table.current_index)
            return
        text = self.session.why()
        self.app.push_screen(ExplainScreen("Why", text))

    @on(ProposalTable.WhyRequested)
    @guarded
    async def _why_change(self, event: ProposalTable.WhyRequested) -> None:
        await self.explain_change(event.index)

    async def explain_change(self, index: int) -> None:
        changes = self.proposal_table.changes
        if not 0 <= index < len(changes):
            return
        change = changes[index]
        text = change_explanation(change) + "\n\n---\n\n" + self.session.why()
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
        await self._copy(value, what)

    @guarded
    async def action_copy_all(self) -> None:
        changes = self.proposal_table.changes
        if not changes:
            await self.note("There are no proposed changes to copy yet.")
            return
        await self._copy(changes_table(changes), f"all {len(changes)} proposed changes as a table")

    async def _copy(self, text: str, what: str) -> None:
        kwargs = {} if self._system_copy == "default" else {"system_copy": self._system_copy}
        result = clipboard.copy_text(text, self.app.copy_to_clipboard, **kwargs)
        message = clipboard.describe(result, what)
        if result.certain:
            self.notify(message, timeout=4)
        else:
            self.notify(message, severity="warning", timeout=8)
            block = text if "\n" in text else text + "\n"
            await self.note(message + "\n\n```\n" + block + "```", "error")

    @guarded
    async def action_export(self) -> None:
        redact = self._redact
        if redact is None:
            from ....privacy import redact_text as redact
        changes = self.proposal_table.changes
        path = export_conversation(list(getattr(self.session, "transcript", ()) or self._shown), redact,
                                   when=self._clock(), directory=self._export_dir, changes=changes)
        self.last_export = path
        await self.note(f"Saved the conversation, with personal data redacted, to:\n\n`{path}`")

    @guarded
    async def action_back(self) -> None:
        await self.send_text("back")

    @guarded
    async def action_restart(self) -> None:
        await self.send_text("restart")

    @guarded
    async def action_change(self) -> None:
        answers = answered_steps(self.session)
        if not answers:
            await self.send_text("change")
            return

        def picked(title: str | None) -> None:
            if title:
                self.run_worker(self.send_text(f"change {title}"), exclusive=True)

        self.app.push_screen(PickScreen("Change which answer?", answers), picked)

    def action_toggle_theme(self) -> None:
        self.app.theme = "textual-light" if self.app.current_theme.dark else "textual-dark"

    @guarded
    async def explain_term(self, term: str) -> None:
        from ....explain import explain

        self.app.push_screen(ExplainScreen(f"Explain: {term}", explain(term)))
