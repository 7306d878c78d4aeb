"""The conversation pane: one Markdown block per message, newest at the bottom.

Assistant and user turns are told apart by position, colour and a title
("Assistant" / "You"), not by colour alone, so they stay distinct in a
monochrome terminal and in the light theme. The pane is anchored: it follows
new messages until the user scrolls up to read, like any chat.
"""

from __future__ import annotations

from typing import Any, Iterable

from textual.containers import VerticalScroll
from textual.widgets import Markdown

ROLE_TITLES = {"assistant": "Assistant", "user": "You"}
KIND_TITLES = {"conclusion": "Assistant · conclusion", "error": "Assistant · problem", "info": "Assistant"}


#: A user turn longer than this is summarised, not shown: laying out megabytes of pasted text as
#: Markdown froze the app for tens of seconds, and the session refuses such text anyway.
MAX_SHOWN_CHARS = 4_000


def shown_text(message: Any) -> str:
    """The Markdown to show; a pasted XML snippet is summarised (the record panel shows what it held)."""
    text = str(getattr(message, "text", message))
    if getattr(message, "role", "") == "user" and text.lstrip().startswith("<") and "\n" in text.strip():
        lines = len(text.strip().splitlines())
        return f"*(pasted XML, {lines} lines)*"
    if getattr(message, "role", "") == "user" and len(text) > MAX_SHOWN_CHARS:
        lines = len(text.strip().splitlines())
        return f"*(pasted text, {len(text):,} characters on {lines:,} lines, not shown)*"
    return text


class MessageView(Markdown):
    """One turn. Keeps the core Message it shows (export and tests read it back)."""

    def __init__(self, message: Any, *, index: int) -> None:
        role = getattr(message, "role", "assistant")
        kind = getattr(message, "kind", "info")
        super().__init__(shown_text(message), classes=f"message -{role} -{kind}", open_links=False)
        self.message = message
        self.index = index
        self.border_title = ROLE_TITLES.get(role, role) if role == "user" else KIND_TITLES.get(kind, "Assistant")


class Conversation(VerticalScroll):
    """The scrolling list of messages."""

    can_focus = True

    def on_mount(self) -> None:
        self.anchor()

    @property
    def views(self) -> list[MessageView]:
        return list(self.query(MessageView))

    async def add(self, messages: Iterable[Any]) -> list[MessageView]:
        """Mount new messages at the bottom and keep the newest in view."""
        start = len(self.views)
        views = [MessageView(m, index=start + i) for i, m in enumerate(messages)]
        if views:
            await self.mount_all(views)
            self.scroll_end(animate=False)
        return views

    async def replace(self, messages: Iterable[Any]) -> None:
        """Show exactly these messages (after back, restart, or change)."""
        await self.remove_children()
        await self.add(messages)

    def last(self, *, role: str | None = None, kind: str | None = None) -> MessageView | None:
        for view in reversed(self.views):
            if role and getattr(view.message, "role", None) != role:
                continue
            if kind and getattr(view.message, "kind", None) != kind:
                continue
            return view
        return None
