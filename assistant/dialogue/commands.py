"""The commands a user can type at any question (dates included): back, change, answers, why, sources,
help, explain, restart and quit.

Every command edits the answers (or only reads them) and then the walk is recomputed, exactly as after
an answer: no command writes the walk's current question itself.
"""

from __future__ import annotations

import re
from datetime import date

from .core import Conversation
from .corrections import answers_meant, day_in_month, read_correction
from .matching import Candidate, asked_term, match, normalise
from .messages import Message, Option, Pending
from .reading import COMMAND_WORDS, QUIT_WORDS
from .tree import Node
from .walk import fill

COMMANDS = COMMAND_WORDS
#: Text questions whose answer is a sentence (None: any text), where "why …" or "explain …" may be the answer.
SENTENCE_ANSWERS = (None, "rule_or_message", "explain_term")
#: "sorry, I meant 2/3/25": a correction of the answer just read from the user's words.
#: "where does it say that?", "what's the source?": the sources, asked in words.
_SOURCES = re.compile(r"(?:where\s+does\s+it\s+say\s+(?:that|so|this)|where\s+(?:is|'s)\s+(?:that|this)\s+(?:from|written)"
                      r"|what(?:\s+is|'s|\s+are)\s+the\s+sources?|says\s+who|show\s+me\s+the\s+sources?"
                      r"|where\s+did\s+you\s+get\s+(?:that|this)(?:\s+from)?|how\s+do\s+you\s+know(?:\s+that)?"
                      r"|(?:what(?:'s|\s+is)\s+your\s+)?sources?\s+for\s+(?:that|this))[?!. ]*", re.I)
#: "is that official?", "how sure are you?": each proposed change's evidence grade, asked in words.
_OFFICIAL = re.compile(r"(?:is\s+(?:that|this|it|all\s+(?:that|this))\s+(?:official|confirmed|certain|definite|right|"
                       r"correct|guaranteed)(?:\s+guidance)?(?:\s+(?:by|from)\s+(?:the\s+)?(?:dfe|esfa|government))?"
                       r"|is\s+(?:that|this)\s+from\s+(?:the\s+)?(?:dfe|esfa)|how\s+sure\s+are\s+you(?:\s+of\s+(?:that|this))?"
                       r"|how\s+(?:certain|confident)\s+are\s+you(?:\s+of\s+(?:that|this))?)[?!. ]*", re.I)
_MEANT = re.compile(r"(?:sorry[,.]?\s*)?(?:i\s+meant|meant|it\s+should\s+have\s+been)[,:]?\s+(?P<rest>\S.*)", re.I)
class CommandsMixin(Conversation):
    """Commands, mixed into `Session` (which holds the state they edit)."""

    def _command(self, text: str) -> list[Message] | None:
        t = text.lstrip("/").strip()
        word, _, rest = t.partition(" ")
        word = word.lower().rstrip("?!.:")
        rest = rest.strip()
        node = self._walk.current if self._entry else None
        # Where sentences are the answer (an error message, a term to explain), a sentence starting with a
        # command word is taken as the answer; at a code question (an aim reference) commands work as anywhere.
        free_text = node is not None and node.kind == "question" and node.qkind in ("text", "xml") \
            and node.accept in SENTENCE_ANSWERS and self._pending is None
        if t in ("?",):
            word = "help"
        if word in QUIT_WORDS and not rest:
            self._finished = True
            return [self._say(self._tree.messages["quit"])]
        if word == "help" and not rest:
            return [self._say(self._help()), *self._ask_again()]
        if word == "restart" and not rest:
            self._reset()
            return [self._say(self._tree.messages["restart"]), *self.start()[1:]]
        if word == "back" and not rest:
            return self._back()
        if word in ("answers", "review") and not rest:
            return [self._say(self._review())]
        if (word == "sources" and not rest) or (_SOURCES.fullmatch(t) and not free_text):
            return [self._say(self._sources())]
        if _OFFICIAL.fullmatch(t) and not free_text:
            return [self._say(self._grades())]
        if word == "why" and (not rest or not free_text):
            asking = re.match(r"(?:do|does|did|is|are|would|should|must|this|that|it)\b", rest, re.I)  # "why do you need this?"
            return [self._say(self._why(None if asking else rest or None))]
        if word == "change" and (rest or not free_text):
            return self._change(rest)
        meant = _MEANT.fullmatch(t)
        if meant and not free_text and self._last_read is not None:
            head = self._change_to(self._last_read)  # "Changing *start date* (your answer was: …)", then the answer
            now = self._walk.current
            return [head[0], *self._answer(now, meant.group("rest"))] if now is not None and now.kind == "question" else head
        corrected = None if free_text else read_correction(t)
        if corrected is not None:
            fixed = self._correct(*corrected)
            if fixed is not None:
                return fixed
        # The menu's own words ("Explain a field or code", "what does it mean") choose that entry; they are
        # not a term to explain (fuzzy-matching "a field or code" explained OutCode instead).
        if self._entry is None or self._walk.concluded:
            said = normalise(t)
            if any(normalise(w) == said for e in self._tree.entries for w in (e.label, *e.synonyms)):
                return None
        if word == "explain" and rest and not free_text:
            return [self._say(self._explain(rest)), *self._ask_again()]
        term = asked_term(t)
        if term and not free_text and node is not None and node.kind == "question" and not self._walk.concluded:
            return [self._say(self._explain(term)), *self._where_now()]
        return None

    def _ask_again(self) -> list[Message]:
        """After an aside (help, explain), the question still waiting — but never a whole conclusion again."""
        if self._pending is not None or (self._walk.current is not None and self._walk.current.kind == "question"):
            return self._where_now()
        return []

    def _explain(self, term: str) -> str:
        from ..explain import explain

        return explain(term)

    def _back(self) -> list[Message]:
        self._pending = None
        self._reask = None
        on_path = {s.node.id for s in self._walk.steps if s.how == "answered"}
        while self._order and self._order[-1] not in on_path:
            self._drop_answer(self._order[-1])
        if not self._order:
            if self._entry is None:
                return [self._say("There is nothing to go back to."), *self._where_now()]
            self._entry = None
            self._compute()
            return [self._say("Back to the start."), *self._where_now()]
        qid = self._order[-1]
        old = self._drop_answer(qid)
        self._compute()
        node = self._tree.nodes[qid]
        return [self._say(f"Going back to *{node.title}* (your answer was: {self._shown(node, old)})."),
                *self._where_now()]

    def _change(self, text: str) -> list[Message]:
        steps = [s for s in self._walk.steps if s.node.kind == "question" and s.how in ("answered", "known", "inferred", "preset")]
        if not steps:
            return [self._say("There are no answers to change yet."), *self._where_now()]
        if not text:
            if self._last_read is not None and any(s.node.id == self._last_read for s in steps):
                return self._change_to(self._last_read)
            lines = "\n".join(f"- {s.node.title}: {self._shown(s.node, s.value)}" for s in steps)
            return [self._say(f"Which answer? Type `change` and its name, e.g. `change {steps[0].node.title}`.\n\n{lines}")]
        cands = [Candidate(s.node.id, s.node.title, (s.node.id, s.node.text[:80])) for s in steps]
        m = match(text, cands, threshold=70)
        if m.kind == "ambiguous":
            self._pending = Pending("change", "change", tuple(Option(c.key, c.label) for c in m.candidates),
                                    "Which answer do you want to change?")
            return self._where_now()
        if m.one is None:
            names = ", ".join(s.node.title for s in steps)
            return [self._say(f"I couldn't find an answer called '{text}'. You can change: {names}.", "error")]
        return self._change_to(m.one.key)

    def _correct(self, what: str, value: str) -> list[Message] | None:
        """"actually the start was the 5th": the answer named is changed to the value given, said back first."""
        nodes = [s.node for s in self._walk.steps
                 if s.node.kind == "question" and s.how in ("answered", "known", "inferred", "preset")]
        now = self._walk.current
        if now is not None and now.kind == "question" and now not in nodes:
            nodes.append(now)
        ids = answers_meant(what, value, nodes)
        if not ids:
            return None  # not an answer this conversation has: read the words as usual
        if len(ids) > 1:
            self._pending = Pending("change", "change", tuple(Option(q, self._tree.nodes[q].title) for q in ids),
                                    f"Which answer is '{what}'?", typed=value)
            return self._where_now()
        return self._change_with(ids[0], value)

    def _change_with(self, qid: str, value: str) -> list[Message]:
        """Change one answer to ``value``: a bare day ("the 5th") is read in the month of the old answer, confirmed."""
        from .dates import say

        step = next((s for s in self._walk.steps if s.node.id == qid), None)
        old = step.value if step is not None else None
        now = self._walk.current
        head = [] if step is None and now is not None and now.id == qid else self._change_to(qid)[:1]
        node = self._walk.current
        if node is None or node.id != qid:
            return [*head, *self._where_now()]
        day = day_in_month(old, value) if node.qkind == "date" else None
        if day is not None and old is not None:
            self._pending = Pending("date", qid, (Option("yes", "Yes"), Option("no", "No")),
                                    f"'{value}': in the month of your earlier answer ({say(date.fromisoformat(old))}) "
                                    f"that is **{say(day)}** ({day.isoformat()}). Is that the date?", day.isoformat(),
                                    no_text="Then please type the date itself, like 25/03/2025.")
            return [*head, *self._where_now()]
        return [*head, *self._answer(node, value)]

    def _change_to(self, qid: str) -> list[Message]:
        """Ask a question again. Known or inferred answers are asked too: the walk is told to re-ask it."""
        node = self._tree.nodes[qid]
        step = next((s for s in self._walk.steps if s.node.id == qid), None)
        old = step.value if step else self._answers.get(qid)
        self._drop_answer(qid)
        self._pending = None
        self._last_read = None
        self._reask = qid
        self._compute()
        return [self._say(self._tree.messages["kept_answers"].replace("{question}", node.title)
                          .replace("{old}", self._shown(node, old))), *self._where_now()]

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

    def _grades(self) -> str:
        from .why_change import grades_text

        return grades_text(self._walk if self._walk.concluded else self._last_conclusion)

    def _why(self, target: str | None) -> str:
        from .render import why_text

        text = why_text(self._tree, self._walk, self._last_conclusion, target)
        if target and text.startswith("I couldn't find"):
            # "why the 20th and not the 30th?": the proposed change the words point at, with its reason and sources
            from .why_change import why_change

            c = self._walk if self._walk.concluded else self._last_conclusion
            return why_change(c.diagnosis if c is not None else None, target) or text
        return text
