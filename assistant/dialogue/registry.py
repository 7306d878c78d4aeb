"""The tables the tree names functions from: conditions, inferences, validators, values and renderers.

Kept apart so the modules that fill them (`logic.py`, `checks.py`, `render.py`) and the ones that read
them (`walk.py`, `tree.py`) never need each other: no import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from .state import State

Condition = Callable[["State"], bool]
Inference = Callable[["State"], "tuple[str, str] | None"]

CONDITIONS: dict[str, Condition] = {}
INFERENCES: dict[str, Inference] = {}
VALIDATORS: dict[str, Callable[[str, "State"], "Checked"]] = {}
RENDERERS: dict[str, Callable[["State"], "Rendered"]] = {}
#: Values a question's text or an option's `sets` may quote as {name}.
VALUES: dict[str, Callable[["State"], Any]] = {}


F = TypeVar("F", bound=Callable[..., Any])


def _register(table: dict[str, Any], name: str) -> Callable[[F], F]:
    def deco(fn: F) -> F:
        table[name] = fn
        return fn
    return deco


def condition(name: str) -> Callable[[F], F]:
    return _register(CONDITIONS, name)


def inference(name: str) -> Callable[[F], F]:
    return _register(INFERENCES, name)


def validator(name: str) -> Callable[[F], F]:
    return _register(VALIDATORS, name)


def renderer(name: str) -> Callable[[F], F]:
    return _register(RENDERERS, name)


def value(name: str) -> Callable[[F], F]:
    return _register(VALUES, name)


@dataclass(frozen=True)
class Checked:
    """A validator's verdict on typed text: accepted value, a refusal, or candidates to pick from."""

    value: str | None = None
    error: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    note: Any = None


@dataclass(frozen=True)
class Rendered:
    """A conclusion's body, with the rules and sources it rests on (besides the node's own)."""

    text: str
    rules: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


