"""Suggestions for what is being typed, from the session's fuzzy matcher (the one that reads the answer).

Shown two ways: ghost text in the box when the best match continues what was
typed (→ accepts it: :class:`SessionSuggester`), and a short list under the
box when it does not (Z0059 → the aim references: :class:`SuggestionList`).
"""

from __future__ import annotations

from typing import Callable, Sequence

from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import OptionList
from textual.widgets.option_list import Option

Suggest = Callable[[str], Sequence[str]]

MIN_SUGGEST_CHARS = 2
MAX_SUGGESTIONS = 6


class SessionSuggester(Suggester):
    """Inline ghost text: the best fuzzy match, when it continues the typed text."""

    def __init__(self, suggest: Suggest) -> None:
        # The candidates depend on the question being asked, so no caching.
        super().__init__(use_cache=False, case_sensitive=True)
        self._suggest = suggest
        #: Off for date questions: a date has nothing to complete to.
        self.enabled = True

    async def get_suggestion(self, value: str) -> str | None:
        if len(value.strip()) < MIN_SUGGEST_CHARS or not self.enabled:
            return None
        try:
            ranked = self._suggest(value)
        except Exception:
            return None
        folded = value.casefold()
        for item in ranked:
            if item.casefold().startswith(folded) and len(item) > len(value):
                return value + item[len(value):]
        return None


class SuggestionList(OptionList):
    """Ranked suggestions for what is being typed; Enter or a click puts one in the box."""

    BINDINGS = [Binding("escape", "leave", "Back to typing", show=False)]

    class Leave(Message):
        pass

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def show(self, ranked: Sequence[str]) -> None:
        """List these suggestions (none: the list is hidden)."""
        self.clear_options()
        for item in ranked:
            self.add_option(Option(item))
        self.display = bool(ranked)

    def hide(self) -> None:
        self.clear_options()
        self.display = False
