"""A short list to pick from (which earlier answer to change); returns the picked key or None."""

from __future__ import annotations

from typing import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.content import Content


class PickScreen(ModalScreen[str | None]):
    CSS_PATH = "pick.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, items: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Static(self._title, id="pick-title", markup=False)
            yield OptionList(*(Option(Content.from_markup("[b]$key[/b]: $shown", key=key, shown=shown), id=f"pick-{i}")
                               for i, (key, shown) in enumerate(self._items)), id="pick-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._items[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
