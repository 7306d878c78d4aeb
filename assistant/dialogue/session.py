"""The conversation: one object the faces (TUI, plain chat, tests) talk to.

`Session.send` takes whatever the user typed — an answer, a command, a
pasted error message or rule id, pasted XML — and returns the assistant's
messages. It never raises: a session is never lost to an exception. All
state lives in the answers given (by question id) plus an optional pasted
record; everything else (the record as understood, the facts, the question
to ask, the diagnosis) is recomputed from those by `walk.Walker`, so `back`
and `change` are just edits to the answers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..ilr.model import Learner, parse_iso_date
from ..ilr.years import normalise_year
from .dates import parse_date, say
from .matching import Candidate, match, normalise, suggest
from .state import NONE, State
from .tree import Entry, Node, Tree, load_tree
from .walk import Step, Walk, Walker, fill

log = logging.getLogger(__name__)

COMMANDS = ("back", "change", "restart", "why", "sources", "help", "quit", "answers", "explain")
QUIT_WORDS = ("quit", "exit", "bye", "stop")
YES = Candidate("yes", "Yes", ("y", "yeah", "yep", "correct", "right", "ok", "that's right", "true"))
NO = Candidate("no", "No", ("n", "nope", "wrong", "not right", "false"))
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
class _Pending:
    """A question inside a question: confirm a US date, or pick between close matches."""

    kind: Literal["date", "which", "change", "entry"]
    node_id: str
    options: tuple[Option, ...]
    text: str
    #: For kind "date", the ISO date to confirm.
    value: str = ""


def codes_only(options: tuple[Option, ...]) -> bool:
    """Options whose values are ILR codes ("1", "2", "8") are shown and typed by code, not by number."""
    return bool(options) and all((o.value.isdigit() and len(o.value) <= 3) or o.value == NONE for o in options) \
        and any(o.value.isdigit() for o in options)


def _as_options(node: Node) -> tuple[Option, ...]:
    return tuple(Option(o.value, o.label, o.synonyms) for o in node.options)


def _candidates(options: tuple[Option, ...], numbered: bool) -> list[Candidate]:
    out = []
    for i, o in enumerate(options, 1):
        terms = (o.value, *o.synonyms) + ((str(i),) if numbered else ())
        out.append(Candidate(o.value, o.label, terms))
    return out


class Session:
    """A conversation with one user about one learner (or a question about the rules)."""

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
        self._pending: _Pending | None = None
        self._last_conclusion: Walk | None = None
        self._walk: Walk = self._compute()

    def _state(self) -> State:
        as_of = self._as_of_given or self._base_date or date.today()
        return State(year=self._year_given or self._base_year, as_of=as_of, base=self._base,
                     focus=self._entry.focus if self._entry else None,
                     as_of_given=bool(self._as_of_given or self._base_date))

    def _compute(self) -> Walk:
        w = self._walker.walk(self._entry, self._answers, self._state())
        self._walk = w
        if w.concluded:
            self._last_conclusion = w
        return w

    # -- public properties ---------------------------------------------------------------
    @property
    def prompt(self) -> Prompt | None:
        if self._finished:
            return None
        if self._pending is not None:
            p = self._pending
            kind = "confirm" if p.kind == "date" else "choice"
            return Prompt(f"{p.node_id}:{p.kind}", p.text, kind, p.options)  # type: ignore[arg-type]
        if self._entry is None:
            return Prompt("entry", self._tree.messages["entries_intro"], "choice", tuple(self.entries))
        node = self._walk.current
        if node is None or node.kind != "question":
            return None
        return Prompt(node.id, self._question_text(node), node.qkind, _as_options(node), node.help)  # type: ignore[arg-type]

    @property
    def learner(self) -> Learner | None:
        return self._walk.state.learner if self._walk.state else None

    @property
    def diagnosis(self):
        return self._walk.diagnosis

    @property
    def facts(self):
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
    def start(self) -> list[Message]:
        out = [self._say(self._tree.messages["greeting"]), self._say(self._tree.messages["entries_intro"], "question")]
        return out

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
            cands = self._completion_candidates()
            return [c.label for c in suggest(text, cands, limit)]
        except Exception:  # noqa: BLE001
            return []

    def why(self, target: str | None = None) -> str:
        try:
            return self._why(target)
        except Exception as exc:  # noqa: BLE001
            return f"I could not explain that ({type(exc).__name__}: {exc})."

    # -- internals: messages ---------------------------------------------------------------------
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
            return [self._say(self._question_text(node), "question")]
        return [self._say(self._conclusion_text(w), "conclusion")]

    def _conclusion_text(self, w: Walk) -> str:
        from .render import conclusion_text

        return conclusion_text(self._tree, w)

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

    # -- internals: dispatch ---------------------------------------------------------------------
    def _send(self, text: str) -> list[Message]:
        stripped = text.strip().lstrip("\ufeff")
        if _looks_like_xml(stripped):
            return self._paste(stripped)
        stripped = _CONTROL.sub("", stripped).strip()
        if not stripped:
            return [self._say("Please type an answer (or `help`)."), *self._where_now()]
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

    def _command(self, text: str) -> list[Message] | None:
        t = text.lstrip("/").strip()
        word, _, rest = t.partition(" ")
        word = word.lower().rstrip("?!.:")
        rest = rest.strip()
        node = self._walk.current if self._entry else None
        free_text = node is not None and node.kind == "question" and node.qkind in ("text", "xml") and self._pending is None
        if t in ("?",):
            word = "help"
        if word in QUIT_WORDS and not rest:
            self._finished = True
            return [self._say(self._tree.messages["quit"])]
        if word == "help" and not rest:
            return [self._say(self._help())]
        if word == "restart" and not rest:
            self._reset()
            return [self._say(self._tree.messages["restart"]), *self.start()[1:]]
        if word == "back" and not rest:
            return self._back()
        if word in ("answers", "review") and not rest:
            return [self._say(self._review())]
        if word == "sources" and not rest:
            return [self._say(self._sources())]
        if word == "why" and (not rest or not free_text):
            return [self._say(self._why(rest or None))]
        if word == "change" and (rest or not free_text):
            return self._change(rest)
        if word == "explain" and rest and not free_text:
            return [self._say(self._explain(rest))]
        term = _asked_term(t)
        if term and not free_text and node is not None and node.kind == "question" and not self._walk.concluded:
            return [self._say(self._explain(term)), *self._where_now()]
        return None

    def _explain(self, term: str) -> str:
        from ..explain import explain

        return explain(term)

    # -- entries -----------------------------------------------------------------------------------
    def _entry_candidates(self) -> list[Candidate]:
        return [Candidate(e.id, e.label, e.synonyms) for e in self._tree.entries + self._tree.shortcuts] + [
            Candidate(f"#{i}", str(i)) for i, e in enumerate(self._tree.entries, 1)]

    def _choose_entry(self, text: str) -> list[Message]:
        from ..explain import find_rules_by_text, lookup

        term = _asked_term(text)
        if term and lookup(term).kind != "none" and self._tree.entry("explain") is not None:
            return self._begin(self._tree.entry("explain"), {"explain_lookup": term})  # type: ignore[arg-type]
        m = match(text, self._entry_candidates())
        if m.kind == "ambiguous":
            # A shortcut beats the general entry it leads into ("what do I put for an interview offer?").
            shortcuts = [c for c in m.candidates if (e := self._tree.entry(c.key)) is not None and e.hidden]
            starts = {e.start for c in m.candidates if (e := self._tree.entry(c.key)) is not None and not e.hidden}
            if len(shortcuts) == 1 and all(self._tree.entry(c.key) is not None for c in m.candidates) and \
                    len(m.candidates) - 1 == len(starts) and self._tree.entry(shortcuts[0].key).start in starts:
                m = type(m)("close", (shortcuts[0],), m.score)
        if m.kind in ("exact", "close"):
            key = m.candidates[0].key
            entry = self._tree.entries[int(key[1:]) - 1] if key.startswith("#") else self._tree.entry(key)
            return self._begin(entry)  # type: ignore[arg-type]
        if m.kind == "ambiguous":
            opts = tuple(Option(c.key, c.label) for c in m.candidates if not c.key.startswith("#"))
            self._pending = _Pending("entry", "entry", opts, "Which did you mean?")
            return self._where_now()
        rules = find_rules_by_text(text)
        if len(rules) == 1 or (rules and text.strip().replace("_", "").isalnum()):
            entry = self._tree.entry("validation_error")
            return self._begin(entry, {"rule_lookup": text})  # type: ignore[arg-type]
        found = lookup(text.rstrip("?"))
        if found.kind == "one":
            entry = self._tree.entry("explain")
            return self._begin(entry, {"explain_lookup": text.rstrip("?")})  # type: ignore[arg-type]
        if rules:
            entry = self._tree.entry("validation_error")
            return self._begin(entry, {"rule_lookup": text})  # type: ignore[arg-type]
        labels = "\n".join(f"{i}. {e.label}" for i, e in enumerate(self._tree.entries, 1))
        return [self._say(self._tree.messages["not_understood"] + "\n\n" + labels, "error")]

    def _begin(self, entry: Entry, typed: dict[str, str] | None = None) -> list[Message]:
        """Start an entry. Answers about the learner and the facts are kept; navigation answers are not."""
        before = self._walk
        self._entry = entry
        self._pending = None
        keep = {qid: v for qid, v in self._answers.items()
                if (n := self._tree.nodes.get(qid)) is not None and n.targets}
        self._answers = keep
        self._order = [q for q in self._order if q in keep]
        out = [self._say(f"**{entry.label}**" + (f"\n\n{entry.help}" if entry.help else ""))]
        self._compute()
        for qid, text in (typed or {}).items():
            node = self._walk.current
            if node is not None and node.id == qid:
                out += self._answer(node, text, before=before)
                return out
        out += self._news(before, self._walk)
        out += self._where_now()
        return out

    # -- answering -----------------------------------------------------------------------------------
    def _answer(self, node: Node, text: str, before: Walk | None = None) -> list[Message]:
        if node.qkind in ("choice", "confirm"):
            return self._answer_choice(node, text, before)
        if node.qkind == "date":
            return self._answer_date(node, text, before)
        if node.qkind == "xml":
            return [self._say("Paste the learner's XML: a `<Learner>` element, one or more `<LearningDelivery>` "
                              "elements, or a whole ILR file (starting with `<`).", "error"), *self._where_now()]
        return self._answer_text(node, text, before)

    def _answer_choice(self, node: Node, text: str, before: Walk | None) -> list[Message]:
        options = _as_options(node)
        numbered = not codes_only(options)
        cands = _candidates(options, numbered)
        # Options valued yes/no also answer to "y", "yep", "nope"…
        cands = [Candidate(c.key, c.label, c.terms + (YES.terms if c.key == "yes" else NO.terms if c.key == "no" else ()))
                 for c in cands]
        if numbered and text.strip().rstrip(".").isdigit() and 1 <= int(text.strip().rstrip(".")) <= len(options):
            return self._accept(node, options[int(text.strip().rstrip(".")) - 1].value, before)
        m = match(text, cands)
        if m.kind in ("exact", "close"):
            return self._accept(node, m.candidates[0].key, before)
        if m.kind == "ambiguous":
            opts = tuple(Option(c.key, c.label) for c in m.candidates)
            self._pending = _Pending("which", node.id, opts, "Which did you mean?")
            return self._where_now()
        pasted = self._pasted_error(text)
        if pasted is not None:
            return [pasted, *self._where_now()]
        accepted = ", ".join(f"`{o.value}`" if not numbered else o.label for o in options)
        return [self._say(f"I didn't recognise '{text}' as an answer here. Choose one of: {accepted}"
                          + (" (by number or words)" if numbered else "") + ". Or type `help`.", "error"),
                *self._where_now()]

    def _pasted_error(self, text: str) -> Message | None:
        """An official error message pasted in the middle of a question: explain it, then ask again."""
        from ..explain import explain_key, find_rules_by_text

        if len(text) < 25:
            return None
        rules = find_rules_by_text(text)
        if len(rules) != 1:
            return None
        return self._say("That looks like a validation error message, so here is the rule; then back to the "
                         "question.\n\n" + explain_key(f"rule:{rules[0].id}"))

    def _answer_date(self, node: Node, text: str, before: Walk | None) -> list[Message]:
        options = _as_options(node)
        if options:
            m = match(text, _candidates(options, False), threshold=90)
            if m.kind in ("exact", "close"):
                return self._accept(node, m.candidates[0].key, before)
        state = self._walk.state
        reading = parse_date(text, today=state.as_of if state else None)
        if reading.confirm is not None:
            d = reading.confirm
            self._pending = _Pending("date", node.id, (Option("yes", "Yes"), Option("no", "No")),
                                     f"'{text}' only makes sense month first (US style). Did you mean **{say(d)}** "
                                     f"({d.isoformat()})?", d.isoformat())
            return self._where_now()
        if reading.error:
            pasted = self._pasted_error(text)
            if pasted is not None:
                return [pasted, *self._where_now()]
            extra = ""
            if options:
                extra = " Or answer " + " / ".join(f"`{o.value}`" for o in options) + "."
            return [self._say(f"{reading.error}.{extra}", "error"), *self._where_now()]
        return self._accept_date(node, reading.value.isoformat(), before)  # type: ignore[union-attr]

    def _accept_date(self, node: Node, iso: str, before: Walk | None) -> list[Message]:
        if node.accept:
            from .logic import VALIDATORS

            checked = VALIDATORS[node.accept](iso, self._walk.state)
            if checked.error:
                return [self._say(checked.error, "error"), *self._where_now()]
        return self._accept(node, iso, before, shown=say(parse_iso_date(iso)))

    def _answer_text(self, node: Node, text: str, before: Walk | None) -> list[Message]:
        if not node.accept:
            return self._accept(node, text, before)
        from .logic import VALIDATORS

        checked = VALIDATORS[node.accept](text, self._walk.state)
        if checked.error:
            return [self._say(checked.error, "error"), *self._where_now()]
        if checked.choices:
            opts = tuple(Option(v, label) for v, label in checked.choices)
            question = "Did you mean this?" if len(opts) == 1 else "Which one did you mean?"
            self._pending = _Pending("which", node.id, opts, question)
            return self._where_now()
        return self._accept(node, checked.value or text, before)

    def _answer_pending(self, text: str) -> list[Message]:
        p = self._pending
        assert p is not None
        node = self._tree.nodes.get(p.node_id)
        if p.kind == "date":
            m = match(text, [YES, NO])
            if m.one is not None and m.one.key == "yes":
                self._pending = None
                return self._accept_date(node, p.value, None)  # type: ignore[arg-type]
            if m.one is not None and m.one.key == "no":
                self._pending = None
                return [self._say("Then please type the date day first, like 25/02/2023."), *self._where_now()]
            # Anything else is taken as a fresh answer to the date question.
            self._pending = None
            return self._answer(node, text)  # type: ignore[arg-type]
        numbered = not codes_only(p.options)
        cands = _candidates(p.options, numbered)
        if len(p.options) == 1:
            cands += [Candidate(p.options[0].value, p.options[0].label, YES.terms + ("yes",))]
        m = match(text, cands)
        if m.kind in ("exact", "close"):
            key = m.candidates[0].key
            self._pending = None
            if p.kind == "entry":
                return self._begin(self._tree.entry(key))  # type: ignore[arg-type]
            if p.kind == "change":
                return self._change_to(key)
            return self._accept(node, key, None)  # type: ignore[arg-type]
        if len(p.options) == 1 and match(text, [NO]).one is not None:
            self._pending = None
            return [self._say("Then please type it again."), *self._where_now()]
        self._pending = None
        if p.kind == "which" and node is not None:
            return self._answer(node, text)
        return self._send_again(text)

    def _send_again(self, text: str) -> list[Message]:
        if self._entry is None or self._walk.concluded:
            return self._choose_entry(text)
        node = self._walk.current
        return self._answer(node, text) if node is not None else self._where_now()

    def _accept(self, node: Node, value: str, before: Walk | None, shown: str | None = None) -> list[Message]:
        before = before or self._walk
        self._answers[node.id] = value
        if node.id in self._order:
            self._order.remove(node.id)
        self._order.append(node.id)
        out: list[Message] = []
        opt = node.option(value)
        if opt is not None and opt.correct is not None:
            verdict = "Right." if opt.correct else "Not quite."
            out.append(self._say(f"{verdict} {opt.feedback}".strip()))
        elif opt is not None and opt.feedback:
            out.append(self._say(opt.feedback))
        if node.after:
            out.append(self._say(fill(node.after, self._walk.state)))
        self._compute()
        out += self._news(before, self._walk)
        out += self._where_now()
        return out

    # -- commands ------------------------------------------------------------------------------------------
    def _back(self) -> list[Message]:
        self._pending = None
        on_path = {s.node.id for s in self._walk.steps if s.how == "answered"}
        while self._order and self._order[-1] not in on_path:
            self._answers.pop(self._order.pop(), None)
        if not self._order:
            if self._entry is None:
                return [self._say("There is nothing to go back to."), *self._where_now()]
            self._entry = None
            self._compute()
            return [self._say("Back to the start."), *self._where_now()]
        qid = self._order.pop()
        old = self._answers.pop(qid, None)
        self._compute()
        node = self._tree.nodes[qid]
        return [self._say(f"Going back to *{node.title}* (your answer was: {self._shown(node, old)})."),
                *self._where_now()]

    def _change(self, text: str) -> list[Message]:
        steps = [s for s in self._walk.steps if s.node.kind == "question" and s.how in ("answered", "known", "inferred", "preset")]
        if not steps:
            return [self._say("There are no answers to change yet."), *self._where_now()]
        if not text:
            lines = "\n".join(f"- {s.node.title}: {self._shown(s.node, s.value)}" for s in steps)
            return [self._say(f"Which answer? Type `change` and its name, e.g. `change {steps[0].node.title}`.\n\n{lines}")]
        cands = [Candidate(s.node.id, s.node.title, (s.node.id, s.node.text[:80])) for s in steps]
        m = match(text, cands, threshold=70)
        if m.kind == "ambiguous":
            self._pending = _Pending("change", "change", tuple(Option(c.key, c.label) for c in m.candidates),
                                     "Which answer do you want to change?")
            return self._where_now()
        if m.one is None:
            names = ", ".join(s.node.title for s in steps)
            return [self._say(f"I couldn't find an answer called '{text}'. You can change: {names}.", "error")]
        return self._change_to(m.one.key)

    def _change_to(self, qid: str) -> list[Message]:
        node = self._tree.nodes[qid]
        step = next((s for s in self._walk.steps if s.node.id == qid), None)
        old = step.value if step else self._answers.get(qid)
        self._answers.pop(qid, None)
        if qid in self._order:
            self._order.remove(qid)
        self._pending = None
        self._compute()
        if self._walk.current is None or self._walk.current.id != qid:
            # Known from the record or inferred: force the question by asking it directly.
            self._walk.current = node
        return [self._say(self._tree.messages["kept_answers"].replace("{question}", node.title)
                          .replace("{old}", self._shown(node, old))), self._say(self._question_text(node), "question")]

    def _shown(self, node: Node, value: str | None) -> str:
        from .render import shown_value

        return shown_value(node, value)

    def _review(self) -> str:
        steps = [s for s in self._walk.steps if s.node.kind == "question"]
        if not steps:
            return "No answers yet."
        from .render import how_known

        lines = [f"- **{s.node.title}**: {self._shown(s.node, s.value)}"
                 + ("" if s.how == "answered" else f" ({how_known(s, self._walk.state)})") for s in steps]
        return "Your answers so far (type `change <name>` to change one):\n\n" + "\n".join(lines)

    def _help(self) -> str:
        text = self._tree.messages["help"]
        node = self._walk.current if self._entry else None
        if node is not None and node.kind == "question" and node.help:
            text = f"{fill(node.help, self._walk.state)}\n\n{text}"
        return text

    def _sources(self) -> str:
        from .render import sources_text

        return sources_text(self._tree, self._walk, self._last_conclusion)

    def _why(self, target: str | None) -> str:
        from .render import why_text

        return why_text(self._tree, self._walk, self._last_conclusion, target)

    # -- pasted XML --------------------------------------------------------------------------------------------
    def _paste(self, text: str) -> list[Message]:
        from ..ilr.reader import InputError, read_text
        from .render import record_table

        try:
            result = read_text(text, year=None)
        except InputError as exc:
            return [self._say(self._tree.messages["xml_failed"].replace("{problem}", exc.describe()), "error"),
                    *self._where_now()]
        if not result.learners:
            return [self._say(self._tree.messages["xml_failed"].replace("{problem}", "it holds no learners"), "error"),
                    *self._where_now()]
        learner = result.learners[0]
        notes = []
        if len(result.learners) > 1:
            notes.append(f"The XML holds {len(result.learners)} learners; I am looking at the first "
                         f"({learner.learn_ref}). `ilr-assistant diagnose FILE` checks them all.")
        if not learner.is_bootcamp_learner:
            notes.append("None of this learner's aims is a Skills Bootcamp aim (FundModel 37 / ProgType 32).")
        before = self._walk
        self._base = learner
        self._base_year = None
        if result.year and result.year_source in ("namespace", "header"):
            if self._year_given and self._year_given != result.year:
                notes.append(f"The XML says it is a {result.year} file; I keep checking it as {self._year_given}, "
                             "the year you started with.")
            self._base_year = result.year
        self._base_date = result.file_preparation_date
        replaced = ("programme", "subject", "event", "all") + (("session",) if self._base_year else ())
        dropped = [q for q in list(self._answers) if (n := self._tree.nodes.get(q)) is not None
                   and any(t.split(".")[0] in replaced for t in n.targets)]
        for q in dropped:
            self._answers.pop(q, None)
            if q in self._order:
                self._order.remove(q)
        if dropped:
            notes.append(f"The pasted record replaces {len(dropped)} answer(s) you gave about the record.")
        self._pending = None
        out = [self._say(self._tree.messages["xml_read"] + "\n\n" + record_table(learner)
                         + ("\n\n" + "\n".join(notes) if notes else ""))]
        if self._entry is None or self._walk.concluded or self._entry.id not in self._diagnosis_entries():
            entry = self._tree.entry("check_xml")
            self._entry = entry
            self._answers = {q: v for q, v in self._answers.items() if (n := self._tree.nodes.get(q)) and n.targets}
            self._order = [q for q in self._order if q in self._answers]
        self._compute()
        out += self._news(before, self._walk)
        out += self._where_now()
        return out

    def _diagnosis_entries(self) -> set[str]:
        """Entries that end in a proposal (a paste continues them rather than starting over)."""
        out = set()
        for e in self._tree.entries:
            stack, seen = [e.start], set()
            while stack:
                nid = stack.pop()
                if nid in seen or nid not in self._tree.nodes:
                    continue
                seen.add(nid)
                n = self._tree.nodes[nid]
                if n.kind == "conclusion" and n.render == "proposal":
                    out.add(e.id)
                    break
                stack += n.successors()
        return out

    # -- completions ---------------------------------------------------------------------------------------------
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


#: The markers a terminal puts round a bracketed paste (ESC [200~ … ESC [201~); the reader removes them.
_PASTE_MARKS = re.compile(r"\x1b\[20[01]~")


def _looks_like_xml(text: str) -> bool:
    """Pasted XML: starts with `<` (after any paste markers or BOM), or a Markdown fence holding some."""
    t = _PASTE_MARKS.sub("", text).strip().lstrip("\ufeff")
    return t.startswith("<") or (t.startswith("```") and "<" in t)


_ASKED = ("what is ", "what's ", "whats ", "what does ", "what are ", "meaning of ", "explain ", "define ")


def _asked_term(text: str) -> str | None:
    """The term in "what is ZPROG001?" / "what does Outcome 8 mean?" / "explain EVI", else None."""
    t = text.strip().rstrip("?!. ")
    low = t.lower()
    for lead in _ASKED:
        if low.startswith(lead):
            term = t[len(lead):].strip()
            for tail in (" mean", " stand for"):
                if term.lower().endswith(tail):
                    term = term[: -len(tail)].strip()
            if term.lower().startswith(("a ", "an ", "the ")):
                term = term.split(" ", 1)[1]
            return term or None
    return None


__all__ = ["Message", "Option", "Prompt", "Session", "codes_only", "normalise"]
