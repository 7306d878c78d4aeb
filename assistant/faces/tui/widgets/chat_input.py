"""The message box: Enter handled in key order, and a paste of XML kept whole.

A terminal without bracketed paste delivers a paste as typed lines, each
ended by Enter; sent one by one, a learner's XML would arrive as a dozen
answers. So a line starting with ``<`` is gathered (:class:`LineGatherer`)
until the keys stop for :data:`GATHER_SECONDS`, then handed on as one paste.
A multi-line paste in bracketed mode is handed on whole at once.
"""

from __future__ import annotations

from typing import Callable

from textual.events import Key, Paste
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

#: A paste without bracketed-paste mode arrives as typed lines, each ended by Enter. Lines starting
#: with `<` are gathered until the keys stop for this long, then sent as one paste.
GATHER_SECONDS = 0.3


class ChatInput(Input):
    """The message box. A multi-line paste is handed on whole instead of cut to one line.

    A one-line paste is left to ``Input``'s own handler (Textual calls the handler of
    every class in the chain, so calling it here as well would insert the text twice).
    Enter is handled at once, in key order: the box is emptied before the next key,
    so fast typing after Enter is not lost, and a line of XML arriving as typing is
    handed to ``gather`` instead of being sent.
    """

    class MultiLinePaste(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, gather: Callable[[str], bool], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self._gather = gather

    def _on_paste(self, event: Paste) -> None:
        if event.text and len(event.text.strip().splitlines()) > 1:
            event.stop()
            event.prevent_default()
            self.post_message(self.MultiLinePaste(event.text))

    async def action_submit(self) -> None:
        self.submit_now()

    def on_key(self, event: Key) -> None:
        # Enter at once, in key order (a binding would run after later keys had been typed in).
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit_now()

    def submit_now(self) -> None:
        """Enter: gather a line of XML, or send the text (emptying the box before the next key)."""
        value = self.value
        if self._gather(value):
            self.value = ""
            return
        result = self.validate(value) if "submitted" in self.validate_on else None
        if value.strip() and (result is None or result.is_valid):
            self.value = ""
        self.post_message(self.Submitted(self, value, result))


class LineGatherer:
    """Lines of a paste that came as typed lines (no bracketed paste), and the timer that ends the paste.

    ``set_timer`` is the owning widget's (the timer dies with it); ``on_end`` runs when the keys stop.
    """

    def __init__(self, set_timer: Callable[[float, Callable[[], None]], Timer], on_end: Callable[[], None]) -> None:
        self._set_timer = set_timer
        self._on_end = on_end
        self.lines: list[str] = []
        self._timer: Timer | None = None

    def take(self, value: str) -> bool:
        """Enter on a line of XML arriving as typing: keep it for one paste (True), or not ours (False)."""
        if not (self.lines or value.strip().startswith("<")):
            return False
        self.lines.append(value)
        self.restart()
        return True

    def restart(self) -> None:
        """More of the paste is arriving: wait again."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._set_timer(GATHER_SECONDS, self._on_end)

    def end(self) -> list[str]:
        """The lines gathered, handed over once (the gatherer is empty again)."""
        self._timer = None
        lines = list(self.lines)
        self.lines.clear()
        return lines
