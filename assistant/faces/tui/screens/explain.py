"""A modal that shows one explanation (why a change, a conclusion, a field) as Markdown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown, Static


class ExplainScreen(ModalScreen[None]):
    CSS_PATH = "explain.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, title: str, markdown: str) -> None:
        super().__init__()
        self._title = title
        self._markdown = markdown

    def compose(self) -> ComposeResult:
        with Vertical(id="explain-box"):
            yield Static(self._title, id="explain-title", markup=False)
            with VerticalScroll(id="explain-scroll"):
                yield Markdown(self._markdown, id="explain-text", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#explain-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
