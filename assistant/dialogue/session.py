"""The conversation: one object the faces (TUI, plain chat, tests) talk to.

`Session.send` takes whatever the user typed — an answer, a command, a
pasted error message or rule id, pasted XML — and returns the assistant's
messages. It never raises: a session is never lost to an exception. All
state lives in the answers given (by question id) plus an optional pasted
record; everything else (the record as understood, the facts, the question
to ask, the diagnosis) is recomputed from those by `walk.Walker`, so `back`
and `change` are just edits to the answers followed by the same recomputation.

The session is split by concern: `core.py` holds the state and its
primitives; `answering.py` reads answers (and says what it heard);
`commands.py` holds back, change, why, help…; `render.py` writes the text;
this module is the public face of it all and the dispatch.
"""

from __future__ import annotations

import re
from typing import Any

from ..ilr.model import Learner
from .answering import AnsweringMixin, looks_like_xml
from .commands import COMMANDS, CommandsMixin
from .matching import Candidate, normalise, suggest
from .messages import Message, Option, Prompt, codes_only
from .pasting import PastingMixin
from .tree import Node
from .walk import Step

#: Longer than any answer, command or pasted error message. Fuzzy matching costs time in proportion to
#: the length, so a multi-megabyte line is refused with a message instead of being matched for minutes.
#: (Pasted XML starts with `<` and has the reader's own limits.)
MAX_TYPED_CHARS = 2_000
#: Completions are for a few words; longer text gets none (the TUI asks on every keystroke).
MAX_SUGGEST_CHARS = 200
#: C0 controls but tab and newline, DEL and C1 controls: never part of an answer, and echoed back to a
#: terminal they would clear the screen or set the clipboard (ESC sequences).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Entry ids the session itself relies on (checked by lint).
REQUIRED_ENTRIES = ("check_xml", "validation_error", "explain")


def _as_options(node: Node) -> tuple[Option, ...]:
    return tuple(Option(o.value, o.label, o.synonyms) for o in node.options)


class Session(AnsweringMixin, PastingMixin, CommandsMixin):
    """A conversation with one user about one learner (or a question about the rules)."""

    # -- public properties ---------------------------------------------------------------
    @property
    def prompt(self) -> Prompt | None:
        if self._finished:
            return None
        if self._pending is not None:
            p = self._pending
            kind = "confirm" if p.kind in ("date", "no-date") else "choice"
            return Prompt(f"{p.node_id}:{p.kind}", p.text, kind, p.options)  # type: ignore[arg-type]
        if self._entry is None:
            return Prompt("entry", self._tree.messages["entries_intro"], "choice", tuple(self.entries))
        node = self._walk.current
        if node is None or node.kind != "question":
            return None
        return Prompt(node.id, self._question_text(node), node.qkind, _as_options(node), node.help)

    @property
    def learner(self) -> Learner | None:
        return self._walk.state.learner if self._walk.state else None

    @property
    def diagnosis(self) -> Any:
        return self._walk.diagnosis

    @property
    def facts(self) -> Any:
        return self._walk.state.facts if self._walk.state else self._state().facts

    @property
    def transcript(self) -> list[Message]:
        return list(self._transcript)

    @property
    def entries(self) -> list[Option]:
        return [Option(e.id, e.label, e.synonyms) for e in self._tree.entries]

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def year(self) -> str | None:
        return self._walk.state.year if self._walk.state else None

    @property
    def steps(self) -> list[Step]:
        """The path so far: each question with its answer and how it was known (for review panes)."""
        return list(self._walk.steps)

    # -- conversation ------------------------------------------------------------------------
    def start_entry(self, entry_id: str) -> list[Message]:
        try:
            entry = self._tree.entry(entry_id)
            if entry is None:
                return [self._say(f"There is no entry point called '{entry_id}'.", "error")]
            return self._begin(entry)
        except Exception as exc:  # noqa: BLE001
            return [self._crash(exc)]

    def send(self, text: str) -> list[Message]:
        """Handle anything the user typed. Never raises."""
        if self._finished:
            return [self._say("This conversation has ended. Start a new one to continue.", "info")]
        self._transcript.append(Message("user", text, "answer"))
        try:
            return self._send(text)
        except Exception as exc:  # noqa: BLE001 - a session is never lost to an exception
            return [self._crash(exc)]

    def suggestions(self, text: str, limit: int = 8) -> list[str]:
        if len(text) > MAX_SUGGEST_CHARS:
            return []
        try:
            return [c.label for c in suggest(text, self._completion_candidates(), limit)]
        except Exception:  # noqa: BLE001
            return []

    def why(self, target: str | None = None) -> str:
        try:
            return self._why(target)
        except Exception as exc:  # noqa: BLE001
            return f"I could not explain that ({type(exc).__name__}: {exc})."

    # -- dispatch ---------------------------------------------------------------------
    def _send(self, text: str) -> list[Message]:
        stripped = text.strip().lstrip("\ufeff")
        if looks_like_xml(stripped):
            return self._paste(stripped)
        stripped = _CONTROL.sub("", stripped).strip()
        if not stripped:
            return [self._say("Please type an answer (or `help`; `don't know` is an answer too)."), *self._where_now()]
        if len(stripped) > MAX_TYPED_CHARS:
            return [self._say(f"That is {len(stripped):,} characters long, far more than any answer here, so I have "
                              "not read it. Type a short answer (or `help`); to check a record, paste its XML "
                              "(starting with `<`).", "error"), *self._where_now()]
        command = self._command(stripped)
        if command is not None:
            return command
        if self._pending is not None:
            return self._answer_pending(stripped)
        if self._entry is None or self._walk.concluded or self._walk.broken:
            return self._choose_entry(stripped)
        node = self._walk.current
        if node is None:
            return self._choose_entry(stripped)
        return self._answer(node, stripped)

    def _completion_candidates(self) -> list[Candidate]:
        from ..explain import glossary_candidates

        out: list[Candidate] = []
        prompt = self.prompt
        if prompt is not None:
            out += [Candidate(o.value, o.label, o.synonyms) for o in prompt.options]
            if prompt.id == "entry":
                out += [Candidate(e.id, e.label, e.synonyms) for e in self._tree.shortcuts]
        out += [Candidate(c, c) for c in COMMANDS]
        out += glossary_candidates()
        return out


__all__ = ["Message", "Option", "Prompt", "Session", "codes_only", "normalise"]
