"""The options of a question: a list that keyboard (arrows, Enter, the option's number) and mouse both work.

When the options are ILR codes ("1", "2", "8") a digit picks the code, never
the position, and the label shows the code. Typing on the list goes to the
text box under it, in key order, because every question also accepts typed
words and commands ("back", "why").
"""

from __future__ import annotations

from typing import Callable

from textual.binding import Binding
from textual.events import Key
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ....dialogue.messages import Option as Choice, codes_only


class ChoiceList(OptionList):
    """The options of a question. Digits pick an option; typing goes to the text box.

    The move to the text box is made at once, inside the key handler, so the keys
    that follow (already queued when typing fast) land in the box too. Keys the app
    had already sent to the list before the move (digits, Enter, Backspace) are
    passed on to the box as well, in order.
    """

    BINDINGS = [Binding(str(n), f"pick('{n}')", show=False) for n in range(10)]

    #: When the options are ILR codes ("1", "2", "8"), a digit picks the code, not the position.
    by_code: bool = False
    codes: tuple[str, ...] = ()

    def __init__(self, *, type_into: Callable[[str], None], submit_box: Callable[[], object],
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._type_into = type_into
        self._submit_box = submit_box
        #: The user has started typing: keys still arriving here belong to the text box.
        self.typing = False

    def _type(self, character: str) -> None:
        self.typing = True
        self._type_into(character)

    def on_focus(self) -> None:
        self.typing = False

    def action_pick(self, key: str) -> None:
        """A digit picks the option with that code; with no codes among the options, by position.

        A digit that picks nothing is typing (a date, a number): it goes to the text box.
        """
        if self.typing:
            self._type(key)
            return
        index = -1
        if key in self.codes:
            index = self.codes.index(key)
        elif not (self.by_code or any(c.isdigit() for c in self.codes)):
            index = int(key) - 1
        if 0 <= index < self.option_count:
            self.highlighted = index
            self.action_select()
        else:
            self._type(key)

    def action_select(self) -> None:
        if self.typing:
            self._submit_box()
            return
        super().action_select()

    def on_key(self, event: Key) -> None:
        # Handled here, in the order the keys came, rather than as bindings (which are looked up
        # only after the key has bubbled up to the app, by when later keys may have been handled).
        if event.is_printable and event.character and event.character in "0123456789":
            event.stop()
            event.prevent_default()
            self.action_pick(event.character)
        elif event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self._type(event.character)
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_select()
        elif self.typing and event.key == "backspace":
            event.stop()
            event.prevent_default()
            self._type_into("\b")

    def show(self, choices: tuple[Choice, ...], title: str = "") -> None:
        """List a question's options (none: the list is hidden), titled ``title`` ("Tour: step 2 of 4")."""
        self.clear_options()
        self.by_code = codes_only(tuple(choices))
        self.codes = tuple(c.value for c in choices)
        self.border_title = title
        any_codes = any(c.value.isdigit() for c in choices)
        for number, choice in enumerate(choices, start=1):
            if choice.value.isdigit():
                # An ILR code: shown and picked by the code itself, never by position.
                label = choice.label if choice.label.startswith(choice.value) else f"{choice.value}  {choice.label}"
            elif any_codes:
                label = f"   {choice.label}"
            else:
                label = f"{number}. {choice.label}" if number < 10 else choice.label
            self.add_option(Option(label, id=f"opt-{number}"))
        self.display = bool(choices)
        if choices:
            self.highlighted = 0
        self.typing = False
