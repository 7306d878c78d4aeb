"""What the conversation hands to the faces: messages, the question being asked and its options.

Kept apart from the session so a face (the TUI's answer bar, the plain chat) can import these small
types without the engine, and so the engine's modules share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .state import NONE


@dataclass(frozen=True)
class Option:
    """One answer the user can pick."""

    value: str
    label: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prompt:
    """The question now being asked (None when the conversation is at a conclusion)."""

    id: str
    text: str
    kind: Literal["choice", "date", "text", "xml", "confirm"]
    options: tuple[Option, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Message:
    role: Literal["assistant", "user"]
    text: str
    kind: Literal["question", "conclusion", "info", "error", "answer"] = "info"


@dataclass
class Pending:
    """A question inside a question: confirm a date's reading, pick between close readings, or pick a learner."""

    kind: Literal["date", "which", "change", "entry", "learner", "no-date"]
    node_id: str
    options: tuple[Option, ...]
    text: str
    #: For kind "date" (and "no-date": a date typed at a yes/no question, read as its "no"), the ISO date to confirm.
    value: str = ""
    #: What the user typed (echoed when the pick is made).
    typed: str = ""
    #: For kind "date", what to say when the user answers no (else: type it day first, as after a US reading).
    no_text: str = ""


def codes_only(options: tuple[Option, ...]) -> bool:
    """Options whose values are ILR codes ("1", "2", "8") are shown and typed by code, not by number."""
    return bool(options) and all((o.value.isdigit() and len(o.value) <= 3) or o.value == NONE for o in options) \
        and any(o.value.isdigit() for o in options)
