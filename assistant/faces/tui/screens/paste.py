"""A paste area for a learner's XML: more room than one line, and nothing is sent until asked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static, TextArea


class PasteScreen(ModalScreen[str | None]):
    """Returns the pasted text, or None when cancelled."""

    CSS_PATH = "paste.tcss"
    BINDINGS = [
        Binding("ctrl+s", "read", "Read it", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="paste-box"):
            yield Static("[b]Paste the learner's XML[/b] — a <Learner> element, some <LearningDelivery> "
                         "elements, or a whole file. Nothing leaves this computer.", id="paste-title")
            yield TextArea(self._text, id="paste-area", soft_wrap=False, show_line_numbers=True,
                           tab_behavior="indent")
            with Horizontal(id="paste-buttons"):
                yield Button("Read it (ctrl+s)", variant="primary", id="paste-read")
                yield Button("Cancel (esc)", id="paste-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_read(self) -> None:
        text = self.query_one(TextArea).text
        self.dismiss(text if text.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "paste-read":
            self.action_read()
        else:
            self.action_cancel()
