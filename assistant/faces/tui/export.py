"""Saving the conversation as Markdown, with personal data redacted.

The redaction itself is ``assistant.privacy`` (one implementation for every
face); this module only lays the transcript out, runs the whole document
through the redactor once (so a learner reference gets the same alias
everywhere), and writes it where only the user can read it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Callable, Protocol, Sequence

from ...advice.types import Change
from .format import changes_table

APP_NAME = "ilr-assistant"
ROLE_NAMES = {"assistant": "Assistant", "user": "You"}
RESTART_WORDS = ("restart",)


class Said(Protocol):
    """A message of the transcript (``assistant.dialogue.session.Message`` or the app's own note)."""

    @property
    def role(self) -> str: ...

    @property
    def text(self) -> str: ...


def since_restart(messages: Sequence[Said]) -> list[Said]:
    """The messages after the user's last ``restart``: the conversation now under way."""
    messages = list(messages)
    for i in range(len(messages) - 1, -1, -1):
        m = messages[i]
        if m.role == "user" and m.text.strip().lstrip("/").lower().rstrip("?!.:") in RESTART_WORDS:
            return messages[i + 1:]
    return messages


def default_directory() -> Path:
    """The user's data directory for the app (platformdirs), e.g. ~/.local/share/ilr-assistant."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


def conversation_markdown(messages: Sequence[Said], *, when: datetime, changes: Sequence[Change] = (),
                          restarted: bool = False) -> str:
    """The transcript as Markdown (not yet redacted)."""
    out = [
        "# ILR assistant: conversation",
        "",
        f"Exported {when:%Y-%m-%d %H:%M}. Personal data (names, dates of birth, ULN, NI numbers, "
        "addresses, postcodes, phone numbers, email addresses) is redacted and learner references "
        "are replaced by aliases. Treat the file as personal data all the same: learning dates can "
        "still single a learner out.",
        "",
    ]
    if restarted:
        out += ["This is the conversation since the last restart; what came before it is not included.", ""]
    for message in messages:
        role = ROLE_NAMES.get(message.role, "Assistant")
        text = str(message.text).rstrip()
        if message.role == "user" and "\n" in text:
            text = "```\n" + text + "\n```"
        out += [f"**{role}:**", "", text, ""]
    if changes:
        out += ["## Proposed changes", "", changes_table(changes)]
    return "\n".join(out).rstrip() + "\n"


def export_conversation(messages: Sequence[Said], redact: Callable[[str], str], *, when: datetime,
                        directory: Path | None = None, changes: Sequence[Change] = (),
                        restarted: bool = False) -> Path:
    """Write the redacted transcript to a new file and return its path."""
    folder = directory or default_directory()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = redact(conversation_markdown(messages, when=when, changes=changes, restarted=restarted))
    stem = f"conversation-{when:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}.md"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.md"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
