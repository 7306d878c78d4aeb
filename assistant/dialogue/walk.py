"""Walking the tree from an entry with the answers given so far.

The walk is recomputed from scratch after every answer, `back`, `change` or
paste (docassemble's advice: stale reasoning must never survive an edit).
It stops at the first question nobody has answered and nothing already
known can answer: that is the question to ask. Questions answered by a
pasted record, by an earlier answer or by a safe inference are skipped.

At a `proposal` conclusion the advice engine runs; if its proposal still
needs a fact the tree can ask for (the engine's open questions name a Facts
field), that question is asked and the engine runs again: so the Q&A route
and the pasted-XML route ask exactly what the engine needs, nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .logic import CONDITIONS, INFERENCES, VALUES
from .state import NONE, UNKNOWN, State

if TYPE_CHECKING:
    from .tree import Entry, Node, Tree

How = Literal["answered", "preset", "known", "inferred", "passed"]
MAX_STEPS = 400
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Step:
    node: Node
    value: str | None
    how: How
    note: str = ""


@dataclass
class Walk:
    steps: list[Step] = field(default_factory=list)
    #: The question waiting for an answer, or the conclusion reached.
    current: Node | None = None
    state: State | None = None
    diagnosis: Any = None
    #: Why the walk could not go on (a broken tree); shown instead of a crash.
    broken: str = ""

    @property
    def concluded(self) -> bool:
        return self.current is not None and self.current.kind == "conclusion"


def fill(text: str, state: State | None, iso: bool = False) -> str:
    """Replace {name} with the named value (dates said the UK way, or ISO for `sets`)."""
    from .dates import say

    def one(m: re.Match[str]) -> str:
        fn = VALUES.get(m.group(1))
        if fn is None:
            return m.group(0)
        try:
            v = fn(state) if state is not None else None
        except Exception:  # noqa: BLE001 - a value that cannot be worked out is shown as unknown
            v = None
        if v is None:
            return NONE if iso else "(not known)"
        if hasattr(v, "isoformat"):
            return str(v.isoformat()) if iso else say(v)
        return str(v)

    return _PLACEHOLDER.sub(one, text)


def placeholders(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def next_of(node: Node, value: str | None) -> str | None:
    if value == UNKNOWN:
        return node.unknown_next()
    opt = node.option(value) if value is not None else None
    if opt is not None and opt.next:
        return opt.next
    return node.next


def apply_answer(node: Node, value: str | None, state: State, how: str = "answered") -> None:
    """Put one answer into the record, the facts or the notes ("don't know" puts nothing, and is noted).

    A value ``known`` from the pasted record is already in it: it is read from the question's first target
    only, so it is not written onto the others (a subject aim's own start or an event aim's own planned end
    would be overwritten with the programme's, hiding R_149 or LearnAimRef_126: never lose).
    """
    if value == UNKNOWN:
        state.notes.setdefault("unknown", {})[node.id] = node
        return
    for target in node.targets:
        if how == "known" and not target.startswith(("facts.", "session.")):
            continue
        state.set(target, value)
        if target.startswith("facts.") and value is not None:  # said, even when it is "none" (nothing yet)
            state.notes.setdefault("told", set()).add(target.removeprefix("facts."))
    opt = node.option(value) if value is not None else None
    if opt is not None:
        for target, raw in opt.sets.items():
            state.set(target, fill(raw, state, iso=True))
    if not node.targets:
        state.notes[node.id] = value


def usable(node: Node, value: str | None) -> bool:
    """Whether a known or inferred value lets the walk continue past a question."""
    if value is None:
        return False
    if node.qkind in ("choice", "confirm"):
        return node.option(value) is not None or node.next is not None
    return next_of(node, value) is not None


def diagnose(state: State) -> tuple[Any, str]:
    """The engine's diagnosis of the record as understood, or why there is none."""
    if state.learner is None:
        return None, "There is no learner record yet: answer the questions about the aims or paste the learner's XML."
    if state.ctx is None:
        return None, "I need the teaching year of the ILR to check the record."
    try:
        from ..advice.engine import diagnose_learner

        return diagnose_learner(state.learner, state.ctx, state.facts), ""
    except Exception as exc:  # noqa: BLE001 - a session is never lost to an exception
        return None, f"The advice engine could not work on this record ({type(exc).__name__}: {exc})."


class ConditionFailed(Exception):
    """A named condition raised: a fault in the knowledge or its code, never a quiet `else`."""


class Walker:
    def __init__(self, tree: Tree):
        self.tree = tree
        #: A question to ask again even though the record, an inference or the entry answers it (`change`).
        self.reask: str | None = None

    def resolve(self, node: Node, entry: Entry, answers: dict[str, str], state: State) -> tuple[str, How, str] | None:
        if node.id in answers:
            return answers[node.id], "answered", ""
        if node.id == self.reask:
            return None
        if node.id in entry.answers:
            return entry.answers[node.id], "preset", ""
        if node.targets:
            known, value = state.value(node.targets[0])
            if known and usable(node, value):
                return value, "known", ""  # type: ignore[return-value]
        if node.infer:
            try:
                got = INFERENCES[node.infer](state)
            except Exception:  # noqa: BLE001 - an inference that fails just means "ask"
                got = None
            if got is not None and usable(node, got[0]):
                return got[0], "inferred", got[1]
        return None

    def branch(self, node: Node, state: State) -> str:
        for cond, negate, nxt in node.branches:
            if cond is None:
                return nxt
            try:
                result = bool(CONDITIONS[cond](state))
            except Exception as exc:  # noqa: BLE001 - conditions handle missing data themselves
                raise ConditionFailed(f"the condition '{cond}' at '{node.id}' failed ({type(exc).__name__}: {exc}); "
                                      "this is a fault in the knowledge (run `ilr-assistant lint`)") from exc
            if result != negate:
                return nxt
        return node.branches[-1][2]

    def walk(self, entry: Entry | None, answers: dict[str, str], state: State, reask: str | None = None) -> Walk:
        """Walk from ``entry`` with these answers; ``reask`` names a question to ask although it is known."""
        self.reask = reask
        w = Walk(state=state)
        if entry is None:
            return w
        try:
            return self._walk(w, entry, answers, state)
        except ConditionFailed as exc:
            w.broken = str(exc)
            return w

    def _walk(self, w: Walk, entry: Entry, answers: dict[str, str], state: State) -> Walk:
        nodes = self.tree.nodes
        node = nodes.get(entry.start)
        seen: set[str] = set()
        while node is not None:
            if node.id in seen or len(w.steps) > MAX_STEPS:
                w.broken = f"the decision tree loops at '{node.id}' (run `ilr-assistant lint`)"
                return w
            seen.add(node.id)
            if node.kind == "say":
                w.steps.append(Step(node, None, "passed"))
                node = nodes.get(node.next or "")
                continue
            if node.kind == "branch":
                nxt = self.branch(node, state)
                w.steps.append(Step(node, nxt, "passed"))
                node = nodes.get(nxt)
                continue
            if node.kind == "question":
                got = self.resolve(node, entry, answers, state)
                if got is None:
                    w.current = node
                    return w
                value, how, note = got
                apply_answer(node, value, state, how)
                w.steps.append(Step(node, value, how, note))
                node = nodes.get(next_of(node, value) or "")
                continue
            # a conclusion
            if node.render == "proposal":
                stop = self.follow_up(w, entry, answers, state)
                if stop is not None:
                    w.current = stop
                    return w
            w.current = node
            return w
        w.broken = "the decision tree ends without a conclusion here (run `ilr-assistant lint`)"
        return w

    def follow_up(self, w: Walk, entry: Entry, answers: dict[str, str], state: State) -> Node | None:
        """Ask the facts the engine still needs, one at a time, re-running it after each."""
        for _ in range(20):
            diagnosis, _why = diagnose(state)
            w.diagnosis = diagnosis
            if diagnosis is None:
                return None
            asked = {s.node.id for s in w.steps}
            filled = {t for s in w.steps for t in s.node.targets}
            todo = None
            for q in diagnosis.proposal.questions:
                node = self.tree.fact_question(q.fact) if q.fact else None
                # A fact already asked for (and perhaps not known) is not asked again by another question.
                if node is not None and node.id not in asked and f"facts.{q.fact}" not in filled:
                    todo = node
                    break
            if todo is None:
                return None
            got = self.resolve(todo, entry, answers, state)
            if got is None:
                return todo
            value, how, note = got
            apply_answer(todo, value, state, how)
            w.steps.append(Step(todo, value, how, note))
        return None
