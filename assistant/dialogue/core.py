"""The conversation's state and the primitives every part of it uses.

`Conversation` holds what a session knows — the entry chosen, the answers given (by question id), a
pasted record — and recomputes everything else from them (`_compute`). The parts that read answers
(`answering.AnsweringMixin`) and the commands (`commands.CommandsMixin`) build on it, and `Session`
(`session.py`) puts them together behind the public API the faces use.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from ..ilr.model import Learner
from ..ilr.years import normalise_year
from .messages import Message, Pending
from .state import State
from .tree import Entry, Node, Tree, load_tree
from .walk import Walk, Walker, fill

#: An answer standing in for another until that one is known ("before or after 1 August 2025" for the start date):
#: once the other is used, the stand-in is not "an answer not used" but one made exact.
_SUPERSEDED_BY = {"start_side": "prog_start"}

log = logging.getLogger(__name__)


class Conversation:
    """State and primitives; the answering and command halves are mixed in on top (see `Session`)."""

    def __init__(self, *, year: str | None = None, as_of: date | None = None) -> None:
        self._tree: Tree = load_tree()
        self._walker = Walker(self._tree)
        self._year_given = normalise_year(year) if year else None
        self._as_of_given = as_of
        self._transcript: list[Message] = []
        self._finished = False
        self._reset()

    # -- state ----------------------------------------------------------------------
    def _reset(self) -> None:
        self._entry: Entry | None = None
        self._answers: dict[str, str] = {}
        self._order: list[str] = []
        self._base: Learner | None = None
        self._base_year: str | None = None
        self._base_date: date | None = None
        #: A paste holding several learners, kept while the user picks one.
        self._pasted: Any = None
        #: Facts read from the opening message, each offered once at its question for a yes (opening.py).
        self._hints: dict[str, Any] = {}
        self._pending: Pending | None = None
        self._last_conclusion: Walk | None = None
        #: A question to ask again although it is known (`change`); cleared once answered.
        self._reask: str | None = None
        #: The question whose answer was last read from free text (bare `change` goes back to it).
        self._last_read: str | None = None
        self._walk: Walk = self._compute()

    def _state(self) -> State:
        as_of = self._as_of_given or self._base_date or date.today()
        return State(year=self._year_given or self._base_year, as_of=as_of, base=self._base,
                     focus=self._entry.focus if self._entry else None,
                     as_of_given=bool(self._as_of_given or self._base_date))

    def _compute(self) -> Walk:
        """Recompute everything from the answers: the one way the conversation moves."""
        w = self._walker.walk(self._entry, self._answers, self._state(), reask=self._reask)
        self._walk = w
        if w.concluded:
            self._last_conclusion = w
        return w

    def _set_answer(self, qid: str, value: str) -> None:
        self._answers[qid] = value
        if qid in self._order:
            self._order.remove(qid)
        self._order.append(qid)
        if self._reask == qid:
            self._reask = None

    def _drop_answer(self, qid: str) -> str | None:
        if qid in self._order:
            self._order.remove(qid)
        return self._answers.pop(qid, None)

    def start(self) -> list[Message]:
        return [self._say(self._tree.messages["greeting"]), self._say(self._tree.messages["entries_intro"], "question")]

    # -- messages ---------------------------------------------------------------------
    def _say(self, text: str, kind: str = "info") -> Message:
        msg = Message("assistant", text, kind)  # type: ignore[arg-type]
        self._transcript.append(msg)
        return msg

    def _crash(self, exc: Exception) -> Message:
        log.exception("session error")
        return self._say(f"Something went wrong inside the assistant ({type(exc).__name__}: {exc}). Nothing is lost: "
                         "type `back` to undo your last answer, or `restart`.", "error")

    def _question_text(self, node: Node) -> str:
        return fill(node.text, self._walk.state) if self._walk.state else node.text

    def _where_now(self) -> list[Message]:
        """The question to answer now, or the conclusion reached, as messages."""
        w = self._walk
        if w.broken:
            return [self._say(f"I can't go on: {w.broken}.", "error")]
        if self._pending is not None:
            return [self._say(self._pending.text, "question")]
        if self._entry is None:
            return [self._say(self._tree.messages["entries_intro"], "question")]
        node = w.current
        if node is None:
            return [self._say(self._tree.messages["no_question"], "info")]
        if node.kind == "question":
            hint = self._hints.pop(node.id, None)
            if hint is not None:
                self._pending = self._offer(node, hint)
                return [self._say(self._pending.text, "question")]
            return [self._say(self._question_text(node), "question")]
        from .render import conclusion_text

        return [self._say(conclusion_text(self._tree, w) + self._unused_answers(w), "conclusion")]

    def _unused_answers(self, w: Walk) -> str:
        """Answers given that this conclusion does not use (a later change took the conversation another way, as a
        start moved before 1 August 2025 does from EVI to event aims): said, never dropped silently."""
        used = {s.node.id for s in w.steps}
        unused = [q for q in self._order if q in self._answers and q not in used and q in self._tree.nodes
                  and _SUPERSEDED_BY.get(q) not in used]
        if not unused:
            return ""
        lines = [f"- *{self._tree.nodes[q].title}* (your answer: {self._shown(self._tree.nodes[q], self._answers[q])})"
                 for q in unused]
        why = ""
        if "evi_code" in unused and w.state is not None and w.state.learner is not None:
            start = min((d.learn_start_date for d in w.state.learner.deliveries
                         if d.aim_type == "1" and d.learn_start_date is not None), default=None)
            if start is not None and start < date(2025, 8, 1):
                why = (f" The programme now starts {start.strftime('%-d %B %Y')}, before 1 August 2025, so its events are "
                       "recorded as event aims, not as an EVI on the programme aim (R_152): the EVI code is not used.")
        return ("\n\n**Answers not used now:**\n\n" + "\n".join(lines) + "\n\nAfter your change, this route does not "
                "need them." + why + " They are kept: `change` an answer back and they apply again.")

    def _shown(self, node: Node, value: str | None) -> str:
        raise NotImplementedError

    def _offer(self, node: Node, hint: Any) -> Pending:
        """A fact from the opening message, offered at its question: used only once the user says yes."""
        from .messages import Option

        asked = self._question_text(node)
        if node.qkind == "date":
            return Pending("date", node.id, (Option("yes", "Yes"), Option("no", "No")),
                           f"{asked}\n\nYou wrote “{hint.typed}”: is that **{hint.said.split(': ')[-1]}** ({hint.value})?",
                           hint.value, no_text="Then please type the date itself.")
        label = next((o.label for o in node.options if o.value == hint.value), hint.value)
        return Pending("which", node.id, (Option(hint.value, label),),
                       f"{asked}\n\nYou wrote “{hint.typed}”: is it *{label}*?", typed=hint.typed)

    def _news(self, before: Walk, after: Walk) -> list[Message]:
        """Say nodes passed and answers inferred for the first time by this step."""
        old = {s.node.id for s in before.steps}
        out = []
        for s in after.steps:
            if s.node.id in old:
                continue
            if s.how == "passed" and s.node.kind == "say":
                out.append(self._say(fill(s.node.text, after.state)))
            elif s.how == "inferred" and s.note:
                out.append(self._say(f"*{s.node.title}:* I take this from the record — {s.note}."))
        return out
    # -- provided by the mixins: declared here so each half can call the other ---------------------------
    def _answer(self, node: Node, text: str, before: Walk | None = None) -> list[Message]:
        raise NotImplementedError

    def _answer_pending(self, text: str) -> list[Message]:
        raise NotImplementedError

    def _begin(self, entry: Entry, typed: dict[str, str] | None = None, said: str | None = None) -> list[Message]:
        raise NotImplementedError

    def _choose_entry(self, text: str) -> list[Message]:
        raise NotImplementedError

    def _change_to(self, qid: str) -> list[Message]:
        raise NotImplementedError

    def _change_with(self, qid: str, value: str) -> list[Message]:
        raise NotImplementedError

    def _command(self, text: str) -> list[Message] | None:
        raise NotImplementedError

    def _paste(self, text: str) -> list[Message]:
        raise NotImplementedError

    def _pick_learner(self, ref: str) -> list[Message]:
        raise NotImplementedError

    def _why(self, target: str | None) -> str:
        raise NotImplementedError
