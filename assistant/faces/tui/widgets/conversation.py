"""The conversation pane: one block per message, newest at the bottom.

Assistant and user turns are told apart by position, colour and a title
("Assistant" / "You"), not by colour alone, so they stay distinct in a
monochrome terminal and in the light theme. The pane is anchored: it follows
new messages until the user scrolls up to read, like any chat, except where
a reply is taller than the pane: then it lands on the reply's start (on
"What I found" for a conclusion), so feedback and findings are read first.
A conclusion's rules and sources are folded under a "Rules and sources" line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.widget import Widget
from textual.widgets import Collapsible, Markdown, Static

from ....dialogue.session import Message

ROLE_TITLES = {"assistant": "Assistant", "user": "You"}
KIND_TITLES = {"conclusion": "Assistant · conclusion", "error": "Assistant · problem", "info": "Assistant"}


#: A user turn longer than this is summarised, not shown: laying out megabytes of pasted text as
#: Markdown froze the app for tens of seconds, and the session refuses such text anyway.
MAX_SHOWN_CHARS = 4_000

#: Messages kept as widgets; older ones are folded into one line. Textual lays out and maps every
#: widget of the pane on each layout change (F2, a resize), so an unbounded history made F2 take
#: seconds after a long conversation; the whole conversation is still exported (F7).
MAX_LIVE = 24

#: Where a conclusion's reference part (rules, sources) starts, and where its closing line starts.
_REFERENCE = re.compile(r"^\*\*(?:Rules|Sources):\*\*", re.MULTILINE)
_CLOSING = re.compile(r"^Type `why`", re.MULTILINE)
#: The part of a conclusion to land on: the findings, then the changes.
_FINDINGS = re.compile(r"^\*\*What I found\*\*", re.MULTILINE)


@dataclass(frozen=True)
class Note:
    """A message from the app itself (copy, export, a problem): shown, not sent to the session."""

    text: str
    kind: str = "info"
    role: str = "assistant"


Shown = Message | Note


#: A Markdown table with at least this many columns is shown as one line per row: the record as read
#: ("I read this record", ten columns) was squeezed into cells two to five characters wide — "ZPROG / 001",
#: "(non / e)" — over 25 rows, even beside the record panel at 120 columns, pushing the question off screen.
WIDE_TABLE_COLUMNS = 8
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def wide_tables_as_lines(text: str) -> str:
    """Each row of a wide Markdown table as one bullet: its first cells in bold, then "Header: value" pairs."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if (line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1].strip())
                and len(_cells(line)) >= WIDE_TABLE_COLUMNS):
            header = _cells(line)
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                cells = _cells(lines[i])
                lead = 2 if header[0] == "Aim" else 1  # "1 ZPROG001": the aim's number and reference
                head = " ".join(c for c in cells[:lead] if c)
                rest = " · ".join(f"{h}: {c}" for h, c in zip(header[lead:], cells[lead:]) if c)
                out.append(f"- **{head}** — {rest}")
                i += 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def shown_text(message: Shown) -> str:
    """The Markdown to show; a pasted XML snippet is summarised (the record panel shows what it held)."""
    text = str(message.text)
    if message.role == "assistant" and "|" in text:
        return wide_tables_as_lines(text)
    if message.role == "user" and text.lstrip().startswith("<") and "\n" in text.strip():
        lines = len(text.strip().splitlines())
        return f"*(pasted XML, {lines} lines)*"
    if message.role == "user" and len(text) > MAX_SHOWN_CHARS:
        lines = len(text.strip().splitlines())
        return f"*(pasted text, {len(text):,} characters on {lines:,} lines, not shown)*"
    return text


@dataclass(frozen=True)
class Parts:
    """A conclusion cut into what is read first and what is folded."""

    head: str
    findings: str
    reference: str
    closing: str


def split_conclusion(text: str) -> Parts:
    """Head (where the learner is), findings and changes, the folded reference, the closing line.

    Cut on the engine's own headings; a conclusion without them is all "findings".
    """
    ref = _REFERENCE.search(text)
    body, reference = (text[: ref.start()], text[ref.start():]) if ref else (text, "")
    closing = ""
    close = _CLOSING.search(reference) if reference else None
    if close:
        reference, closing = reference[: close.start()], reference[close.start():]
    found = _FINDINGS.search(body)
    head, findings = (body[: found.start()], body[found.start():]) if found else ("", body)
    return Parts(head.strip(), findings.strip(), reference.strip(), closing.strip())


class MessageView(Vertical):
    """One turn. Keeps the core Message it shows (export and tests read it back)."""

    DEFAULT_CSS = """
    MessageView {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        border-title-align: left;

        & > Markdown, & > Collapsible > Contents > Markdown {
            padding: 0;
            margin: 0;
            & > MarkdownBlock:last-child { margin-bottom: 0; }
        }
        /* A table wider than the chat wraps its cells (a long word folds) rather than cutting them. */
        & MarkdownTableContent > .cell, & MarkdownTableContent > .header {
            text-overflow: fold;
        }
        & > Collapsible {
            background: transparent;
            border-top: none;
            padding: 0;
            margin: 1 0;
        }
        &.-assistant {
            border-left: outer $primary;
            margin: 1 4 0 0;
            border-title-color: $primary;
        }
        &.-assistant.-conclusion {
            border-left: outer $success;
            background: $success 8%;
        }
        &.-assistant.-error {
            border-left: outer $error;
            background: $error 8%;
        }
        &.-user {
            margin: 1 0 0 6;
            border: round $secondary;
            background: $secondary 10%;
            border-title-align: right;
            border-title-color: $secondary;
        }
    }
    """

    def __init__(self, message: Shown, *, index: int) -> None:
        super().__init__(classes=f"message -{message.role} -{message.kind}")
        self.message = message
        self.index = index
        self.source = shown_text(message)
        self.border_title = (ROLE_TITLES.get(message.role, message.role) if message.role == "user"
                             else KIND_TITLES.get(message.kind, "Assistant"))

    def compose(self) -> ComposeResult:
        if self.message.kind != "conclusion":
            yield Markdown(self.source, open_links=False)
            return
        parts = split_conclusion(self.source)
        if parts.head:
            yield Markdown(parts.head, open_links=False, classes="head")
        yield Markdown(parts.findings, open_links=False, classes="findings")
        if parts.reference:
            with Collapsible(title="Rules and sources", collapsed=True):
                yield Markdown(parts.reference, open_links=False, classes="reference")
        if parts.closing:
            yield Markdown(parts.closing, open_links=False, classes="closing")

    @property
    def landing(self) -> Widget:
        """Where to put the top of the pane when this message arrives: the findings, else the message."""
        for child in self.query_children(".findings"):
            return child
        return self


class Conversation(VerticalScroll):
    """The scrolling list of messages (the newest ``MAX_LIVE``; older ones folded into one line)."""

    DEFAULT_CSS = """
    Conversation {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        & > #folded {
            color: $text-muted;
            margin: 1 0 0 0;
            padding: 0 1;
        }
    }
    """

    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Messages no longer shown as widgets, oldest first.
        self.folded: list[Shown] = []
        #: Where typing goes when the pane has the focus (the answer box), set by the screen.
        self.type_into: Callable[[str], None] | None = None

    def on_key(self, event: Key) -> None:
        """Typing while reading the conversation goes to the answer box."""
        if self.type_into is not None and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self.type_into(event.character)

    def compose(self) -> ComposeResult:
        yield Static("", id="folded", markup=False)

    def on_mount(self) -> None:
        self.query_one("#folded").display = False
        self.anchor()

    @property
    def views(self) -> list[MessageView]:
        return [child for child in self.children if isinstance(child, MessageView)]

    @property
    def messages(self) -> list[Shown]:
        """Every message of the conversation, folded or shown, in order."""
        return self.folded + [v.message for v in self.views]

    async def add(self, messages: Iterable[Shown]) -> list[MessageView]:
        """Mount new messages at the bottom and bring them into view."""
        start = len(self.folded) + len(self.views)
        views = [MessageView(m, index=start + i) for i, m in enumerate(messages)]
        if views:
            await self.mount_all(views)
            await self._fold()
            self.call_after_refresh(self._land, views)
        return views

    async def _fold(self) -> None:
        shown = self.views
        excess = len(shown) - MAX_LIVE
        if excess <= 0:
            return
        old = shown[:excess]
        self.folded += [v.message for v in old]
        await self.remove_children(old)
        notice = self.query_one("#folded", Static)
        notice.update(f"… {len(self.folded)} earlier messages are folded away to keep the app quick; "
                      "F7 exports the whole conversation.")
        notice.display = True

    def _land(self, views: list[MessageView]) -> None:
        """Follow the bottom, unless the reply is taller than the pane: then show its start.

        The start is the conclusion's findings when there is a conclusion, else the
        first assistant message (the feedback on an answer, before the next step).
        """
        replies = [v for v in views if v.message.role == "assistant" and v.is_attached]
        conclusion = next((v for v in replies if v.message.kind == "conclusion"), None)
        target = conclusion.landing if conclusion is not None else (replies[0] if replies else None)
        if target is None or not views[-1].is_attached:
            self.scroll_end(animate=False)
            return
        if target is conclusion or conclusion is None:
            top = target.virtual_region.y - 1  # the blank line above a message: its title shows
        else:  # the findings, inside the conclusion
            top = conclusion.virtual_region.y + conclusion.gutter.top + target.virtual_region.y
        bottom = views[-1].virtual_region.bottom
        if conclusion is None and bottom - top <= self.scrollable_content_region.height:
            self.scroll_end(animate=False)
            return
        self.scroll_to(y=max(0, top), animate=False, force=True)
        self.release_anchor()

    async def replace(self, messages: Iterable[Shown]) -> None:
        """Show exactly these messages (after back, restart, or change)."""
        await self.remove_children(self.views)
        self.folded = []
        self.query_one("#folded").display = False
        await self.add(messages)

    def last(self, *, role: str | None = None, kind: str | None = None) -> MessageView | None:
        for view in reversed(self.views):
            if role and view.message.role != role:
                continue
            if kind and view.message.kind != kind:
                continue
            return view
        return None
