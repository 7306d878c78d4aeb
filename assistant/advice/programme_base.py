"""What the planning mixins read from :class:`assistant.advice.propose.ProgrammeAdvice`.

`EventPlanning` (events.py) and `StoppedPlanning` (stopped.py) are mixed into
ProgrammeAdvice and use its state and helpers. Declared once here, for the type
checker only; the helpers are abstract so that mypy reports one that goes missing.
Nothing here exists at run time beyond an empty class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from abc import abstractmethod
    from datetime import date

    from ..ilr.model import Delivery, Programme
    from ..rules.base import Context
    from ..rules.milestones import Method
    from .plan import Plan
    from .types import Facts


class ProgrammeBase:
    """The state and helpers ProgrammeAdvice gives its planning mixins."""

    if TYPE_CHECKING:
        plan: Plan
        ctx: Context
        facts: Facts
        method: Method
        prog: Programme
        p: Delivery | None
        start: date | None

        @property
        @abstractmethod
        def subjects(self) -> list[Delivery]: ...
        @property
        @abstractmethod
        def events(self) -> list[Delivery]: ...
        @property
        @abstractmethod
        def standard_events(self) -> list[Delivery]: ...
        @abstractmethod
        def clamp_to_start(self, day: date) -> date: ...
        @staticmethod
        @abstractmethod
        def aim_event_date(e: Delivery) -> date | None: ...
        @abstractmethod
        def event_date(self) -> date | None: ...
        @abstractmethod
        def ask_event(self) -> None: ...
        @abstractmethod
        def ask_positive_outcome(self, why: str) -> None: ...
        @abstractmethod
        def close_subject(self, s: Delivery) -> None: ...
