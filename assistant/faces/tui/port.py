"""What the app needs of a conversation: a typed protocol instead of ``getattr``.

The app talks to ``assistant.dialogue.session.Session``; tests hand it a small
scripted stand-in. Both are checked against this protocol by the type checker,
so renaming a property in the core breaks type checking (and the protocol test
in ``tests/test_tui_widgets.py``), not a user's session at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

if TYPE_CHECKING:  # core types, for the checker only (the app module loads without the engine)
    from ...advice.engine import Diagnosis
    from ...dialogue.session import Message, Option, Prompt
    from ...dialogue.walk import Step
    from ...ilr.model import Learner


@runtime_checkable
class SessionPort(Protocol):
    """The session, as the app sees it: state to show, and calls that take the user's words."""

    @property
    def prompt(self) -> Prompt | None: ...

    @property
    def learner(self) -> Learner | None: ...

    @property
    def diagnosis(self) -> Diagnosis | None: ...

    @property
    def transcript(self) -> Sequence[Message]: ...

    @property
    def entries(self) -> Sequence[Option]: ...

    @property
    def finished(self) -> bool: ...

    @property
    def steps(self) -> Sequence[Step]: ...

    def start(self) -> Sequence[Message]: ...

    def start_entry(self, entry_id: str) -> Sequence[Message]: ...

    def send(self, text: str) -> Sequence[Message]: ...

    def suggestions(self, text: str, limit: int = 8) -> Sequence[str]: ...

    def why(self, target: str | None = None) -> str: ...
