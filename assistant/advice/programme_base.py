"""The seams between the planners of one programme, declared once for the type checker.

:class:`assistant.advice.propose.ProgrammeAdvice` is ProgrammeFacts (what the
record says, programme_facts.py) with one mixin per concern: StateReading
(programme_state.py), EventPlanning (events.py), StoppedPlanning (stopped.py),
SubjectPlanning (subject_aims.py) and ProgrammeAimPlanning (programme_aim.py).
Each mixin derives from ProgrammeBase; a method one of them calls on a sibling
is declared here, abstract, so that mypy reports one that goes missing. Nothing
here exists at run time beyond an empty subclass of ProgrammeFacts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .programme_facts import ProgrammeFacts

if TYPE_CHECKING:
    from abc import abstractmethod

    from ..ilr.model import Delivery
    from .plan import Reason


class ProgrammeBase(ProgrammeFacts):
    """ProgrammeFacts, plus the planners' methods their siblings call."""

    if TYPE_CHECKING:
        @abstractmethod
        def close_subject(self, s: Delivery) -> None: ...
        @abstractmethod
        def keep_open(self, seq: int, label: str, why: Reason | None = None) -> None: ...
