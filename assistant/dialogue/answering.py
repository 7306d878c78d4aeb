"""Reading what the user typed as an answer — and saying what was heard.

Choices are read by `reading.read` (words with their polarity, the words that tell options apart, a
lead below which it asks). Every reading that is not the option's own label, value, code or number is
said back ("I took that as: …") before the conversation moves on, and a bare `change` returns to it.
"Don't know" (or `skip`) is an answer at every question: the fact stays unknown and the conclusion
says so. Entry points, pasted XML and pasted error messages are read here too.
"""

from __future__ import annotations

import re
from typing import Any

from .core import Conversation
from .dates import confirm_question, parse_date, say
from .matching import Candidate, asked_term, match, normalise
from .messages import Message, Option, Pending, codes_only
from .reading import Choice, Reading, is_dont_know, read
from .state import UNKNOWN
from .tree import Entry, Node
from .walk import Walk, fill

YES_TERMS = ("y", "yeah", "yep", "correct", "right", "ok", "that's right", "true", "yes")
NO_TERMS = ("n", "nope", "wrong", "not right", "false", "no")
#: The markers a terminal puts round a bracketed paste (ESC [200~ … ESC [201~); the reader removes them.
_PASTE_MARKS = re.compile(r"\x1b\[20[01]~")
_MILESTONE = re.compile(r"\b(?:m|milestone)\s?([123])\b")
#: Glossary kinds that a first message names on its own ("Outcome 8", "CompStatus 6", "ZPROG001").
_TERM_KINDS = ("field:", "code:", "aim:", "hgv:")


def looks_like_xml(text: str) -> bool:
    """Pasted XML: starts with `<` (after any paste markers or BOM), or a Markdown fence holding some."""
    t = _PASTE_MARKS.sub("", text).strip().lstrip("\ufeff")
    return t.startswith("<") or (t.startswith("```") and "<" in t)


def choices_of(options: tuple[Option, ...]) -> tuple[list[Choice], bool]:
    """The options as the reader sees them, and whether they are typed by code rather than number."""
    codes = codes_only(options)
    out = []
    for i, o in enumerate(options, 1):
        extra = YES_TERMS if o.value == "yes" else NO_TERMS if o.value == "no" else ()
        out.append(Choice(o.value, o.label, (*o.synonyms, *extra), None if codes else i))
    return out, codes


def read_answer(node: Node, text: str) -> Reading:
    """How the session reads ``text`` at a question with options (the paraphrase corpus tests this)."""
    options = tuple(Option(o.value, o.label, o.synonyms) for o in node.options)
    choices, codes = choices_of(options)
    if node.qkind == "date":
        choices = [Choice(c.key, c.label, c.terms, None) for c in choices]
    return read(text, choices, codes=codes)


class AnsweringMixin(Conversation):
    """Answers, entries and pastes, mixed into `Session`."""

    # -- entries ---------------------------------------------------------------------------------
    def _entry_candidates(self) -> list[Candidate]:
        return [Candidate(e.id, e.label, e.synonyms) for e in self._tree.entries + self._tree.shortcuts]

    def _choose_entry(self, text: str) -> list[Message]:
        from ..explain import find_rules_by_text, lookup

        norm = normalise(text)
        cands = self._entry_candidates()
        # The menu's own words first: "Explain a field or code" is the entry, not a question about "field or code".
        exact = [c for c in cands if any(normalise(t) == norm for t in c.all_terms())]
        if len(exact) == 1:
            return self._begin(self._tree.entry(exact[0].key))  # type: ignore[arg-type]
        term = asked_term(text)
        if term and lookup(term).kind != "none" and self._tree.entry("explain") is not None:
            return self._begin(self._tree.entry("explain"), {"explain_lookup": term})  # type: ignore[arg-type]
        number = re.fullmatch(r"(?:option |number |#)?(\d{1,2})", norm)
        if number:
            n = int(number.group(1))
            if 1 <= n <= len(self._tree.entries):
                return self._begin(self._tree.entries[n - 1])
            return [self._say(f"There is no option {n} here.", "error"), *self._where_now()]
        # A field name or code, with or without a value ("Outcome 8", "CompStatus 6", "ZPROG001"): explain it.
        found = lookup(text.rstrip("?"))
        if found.kind == "one" and found.items[0].key.startswith(_TERM_KINDS) and len(norm.split()) <= 3:
            return self._begin(self._tree.entry("explain"), {"explain_lookup": text.rstrip("?")})  # type: ignore[arg-type]
        # "milestone 2 not paid", "my M3 hasn't come through": the milestone named is the entry, whatever else.
        named = set(_MILESTONE.findall(norm))
        if len(named) == 1 and self._tree.entry(f"m{next(iter(named))}") is not None:
            from .opening import facts_in

            state = self._state()
            hints = facts_in(text, state.as_of, state.year)
            self._hints = {h.question: h for h in hints}
            said = ("You also told me:\n\n" + "\n".join(f"- {h.said} (from “{h.typed}”)" for h in hints)
                    + "\n\nI'll offer each at its question for a yes before I use it.") if hints else None
            return self._begin(self._tree.entry(f"m{next(iter(named))}"), said=said)  # type: ignore[arg-type]
        # DfE's own message pasted (or one holding a rule id) is that rule, before any how-to shortcut sharing its
        # words: "… six months after the Learning actual end date …" is AchDate_13, not the six-month how-to.
        pasted = find_rules_by_text(text) if len(norm.split()) >= 6 else []
        if pasted:
            return self._begin(self._tree.entry("validation_error"), {"rule_lookup": text})  # type: ignore[arg-type]
        m = match(text, cands)
        if self._after_rule() and len(norm.split()) >= 3 and not term and not (
                m.kind in ("exact", "close") and m.candidates[0].key != "explain"):
            return self._words_after_rule(found)
        if m.kind == "ambiguous":
            # A shortcut beats the general entry it leads into ("what do I put for an interview offer?").
            shortcuts = [c for c in m.candidates if (e := self._tree.entry(c.key)) is not None and e.hidden]
            starts = {e.start for c in m.candidates if (e := self._tree.entry(c.key)) is not None and not e.hidden}
            if len(shortcuts) == 1 and len(m.candidates) - 1 == len(starts) and \
                    self._tree.entry(shortcuts[0].key).start in starts:  # type: ignore[union-attr]
                m = type(m)("close", (shortcuts[0],), m.score)
        if m.kind in ("exact", "close"):
            entry = self._tree.entry(m.candidates[0].key)
            # "what is FM37" chose the explain entry by its words "what is": the term is its answer, never dropped.
            typed = {"explain_lookup": term} if term and getattr(entry, "id", None) == "explain" else None
            return self._begin(entry, typed)  # type: ignore[arg-type]
        if m.kind == "ambiguous":
            opts = tuple(Option(c.key, c.label) for c in m.candidates)
            self._pending = Pending("entry", "entry", opts, "Which did you mean?")
            return self._where_now()
        rules = find_rules_by_text(text)
        if len(rules) == 1 or (rules and text.strip().replace("_", "").isalnum()):
            return self._begin(self._tree.entry("validation_error"), {"rule_lookup": text})  # type: ignore[arg-type]
        if found.kind == "one":
            return self._begin(self._tree.entry("explain"), {"explain_lookup": text.rstrip("?")})  # type: ignore[arg-type]
        if rules:
            return self._begin(self._tree.entry("validation_error"), {"rule_lookup": text})  # type: ignore[arg-type]
        labels = "\n".join(f"{i}, {e.label}" for i, e in enumerate(self._tree.entries, 1))
        return [self._say(self._tree.messages["not_understood"] + "\n\n" + labels, "error")]

    def _after_rule(self) -> bool:
        """A pasted error (or rule id) has just been explained: what follows is likely about the learner."""
        return self._entry is not None and self._entry.id == "validation_error" and self._walk.concluded

    def _words_after_rule(self, found: Any) -> list[Message]:
        """Words about the learner after a rule was explained ("it's the event aim"): a sentence is not read as a
        glossary lookup or an entry unseen; nothing is acted on, and the user is told how to go on."""
        term = found.items[0].title if found.kind == "one" else None
        explain = f" To have *{term}* explained, type `explain {term}`." if term else ""
        return [self._say("I haven't acted on that: from words alone I can't tell what to change on this learner's "
                          "record. To see exactly what to change, paste their XML (a `<Learner>` or its "
                          "`<LearningDelivery>` elements), or choose \"M2 (completion) isn't paying\" to answer "
                          "questions about the record." + explain)]

    def _begin(self, entry: Entry, typed: dict[str, str] | None = None, said: str | None = None) -> list[Message]:
        """Start an entry. Answers about the learner and the facts are kept; navigation answers are not."""
        before = self._walk
        self._entry = entry
        self._pending = None
        self._reask = None
        keep = {qid: v for qid, v in self._answers.items()
                if (n := self._tree.nodes.get(qid)) is not None and n.all_targets()}
        self._answers = keep
        self._order = [q for q in self._order if q in keep]
        out = [self._say(f"**{entry.label}**" + (f"\n\n{entry.help}" if entry.help else ""))]
        if said:
            out.append(self._say(said))
        self._compute()
        for qid, text in (typed or {}).items():
            node = self._walk.current
            if node is not None and node.id == qid:
                out += self._answer(node, text, before=before)
                return out
        out += self._news(before, self._walk)
        out += self._where_now()
        return out

    # -- answering -------------------------------------------------------------------------------
    def _answer(self, node: Node, text: str, before: Walk | None = None) -> list[Message]:
        if node.qkind in ("choice", "confirm"):
            return self._answer_choice(node, text, before)
        if node.qkind == "date":
            return self._answer_date(node, text, before)
        if node.qkind == "xml":
            if is_dont_know(text):
                return [self._say("Without the XML I can still help: type `back` and answer the questions about "
                                  "the record instead, or choose another place to start.", "error"), *self._where_now()]
            return [self._say("Paste the learner's XML: a `<Learner>` element, one or more `<LearningDelivery>` "
                              "elements, or a whole ILR file (starting with `<`).", "error"), *self._where_now()]
        return self._answer_text(node, text, before)

    def _answer_choice(self, node: Node, text: str, before: Walk | None) -> list[Message]:
        r = read_answer(node, text)
        if r.kind == "dont-know":
            return self._accept_unknown(node, before)
        if r.kind == "exact" and r.one is not None:
            return self._accept(node, r.one.key, before, heard=self._code_or_position(node, text, r.one.key))
        pasted = self._pasted_error(text)
        if pasted is not None:
            return [pasted, *self._where_now()]
        if r.kind == "read" and r.one is not None:
            return self._accept(node, r.one.key, before, heard=r.one.label)
        if r.kind == "ask":
            opts = tuple(Option(c.key, c.label) for c in r.choices)
            question = (f"I'm not sure what '{text}' means here. Did you mean: {opts[0].label}?" if len(opts) == 1 else
                        f"I'm not sure which you meant by '{text}'. Which one?")
            self._pending = Pending("which", node.id, opts, question, typed=text)
            return self._where_now()
        offered = self._date_as_no(node, text)
        if offered is not None:
            return offered
        options = tuple(Option(o.value, o.label, o.synonyms) for o in node.options)
        numbered = not codes_only(options)
        accepted = "; ".join(f"{i}, {o.label}" if numbered else f"{o.value}, {o.label}" for i, o in enumerate(options, 1))
        why = f" ({r.note})" if r.note else ""
        return [self._say(f"I didn't recognise '{text}' as an answer here{why}. Choose one of: {accepted}"
                          + (" (by number or words)" if numbered else " (by code or words)")
                          + ". Or type `don't know`, or `help`." + self._other_entry_hint(text), "error"),
                *self._where_now()]

    def _date_as_no(self, node: Node, text: str) -> list[Message] | None:
        """A date typed at a yes/no question whose "no" asks for a date ("is that the offer date?" - "14/1/25"):
        read as that "no" with its date, said back, and used only on yes (never act on an unseen reading)."""
        no = node.option("no")
        then = self._tree.nodes.get(no.next) if no is not None and no.next else None
        state = self._walk.state
        if no is None or then is None or then.qkind != "date" or state is None:
            return None
        reading = parse_date(text, today=state.as_of, ilr_year=state.year)
        day = reading.value or reading.confirm
        if day is None:
            return None
        self._pending = Pending("no-date", node.id, (Option("yes", "Yes"), Option("no", "No")),
                                f"I read '{text}' as: {no.label}: {say(day)}. Is that right?",
                                day.isoformat(), typed=then.id)
        return self._where_now()

    @staticmethod
    def _code_or_position(node: Node, text: str, value: str) -> str | None:
        """A bare number on a list shown by code, where the option in that position is another code
        (WithdrawReason "2" is code 2, but the second option is code 3): the code is taken and said back."""
        options = tuple(Option(o.value, o.label, o.synonyms) for o in node.options)
        t = text.strip()
        if not (t.isdigit() and codes_only(options)) or not 1 <= int(t) <= len(options):
            return None
        chosen = next((o for o in options if o.value == value), None)
        return chosen.label if chosen is not None and options[int(t) - 1].value != value else None

    def _other_entry_hint(self, text: str) -> str:
        """Words that start another conversation ("m2 isn't paying"): say how to get there, never go there unasked."""
        norm = normalise(text)
        named = set(_MILESTONE.findall(norm))
        entry = self._tree.entry(f"m{next(iter(named))}") if len(named) == 1 else None
        if entry is None:
            m = match(text, self._entry_candidates())
            entry = self._tree.entry(m.candidates[0].key) if m.kind in ("exact", "close") else None
        if entry is None or entry is self._entry:
            return ""
        return (f" If you meant to start on '{entry.label}' instead, type `restart` and choose it "
                "(that starts the conversation again).")

    def _pasted_error(self, text: str) -> Message | None:
        """An official error message pasted in the middle of a question: explain it, then ask again."""
        from ..explain import explain_key, find_rules_by_text, shared_message

        if len(text) < 25:
            return None
        rules = find_rules_by_text(text)
        if len(rules) != 1:  # DfE gives some messages to several rules: name them rather than call it a bad answer
            return self._say(shared_message(rules) + " Then back to the question.") if rules else None
        return self._say("That looks like a validation error message, so here is the rule; then back to the "
                         "question.\n\n" + explain_key(f"rule:{rules[0].id}"))

    def _answer_date(self, node: Node, text: str, before: Walk | None) -> list[Message]:
        if node.options:
            r = read_answer(node, text)
            if r.kind == "exact" and r.one is not None:
                return self._accept(node, r.one.key, before)
            if r.kind == "read" and r.one is not None and not any(ch.isdigit() for ch in text):
                return self._accept(node, r.one.key, before, heard=r.one.label)
        if is_dont_know(text):
            return self._accept_unknown(node, before)
        state = self._walk.state
        reading = parse_date(text, today=state.as_of if state else None, ilr_year=state.year if state else None)
        if reading.confirm is not None:
            d = reading.confirm
            self._pending = Pending("date", node.id, (Option("yes", "Yes"), Option("no", "No")),
                                    confirm_question(text, reading), d.isoformat(),
                                    no_text="Then please type the date itself, like 25/03/2025." if reading.confirm_why else "")
            return self._where_now()
        if reading.value is None:
            pasted = self._pasted_error(text)
            if pasted is not None:
                return [pasted, *self._where_now()]
            extra = ""
            if node.options:
                extra = " Or answer " + " / ".join(f"`{o.value}`" for o in node.options) + "."
            error = reading.error or f"'{text}' is not a date I can read"
            return [self._say(f"{error}.{extra} If you don't know it, say `don't know`.", "error"), *self._where_now()]
        iso = reading.value.isoformat()
        # A date typed any way but ISO is said back (2-digit years, day and month order, "yesterday").
        return self._accept_date(node, iso, before, heard=None if text.strip() == iso else say(reading.value))

    def _accept_date(self, node: Node, iso: str, before: Walk | None, heard: str | None = None) -> list[Message]:
        from .logic import check_date

        problem = check_date(node, iso, self._walk.state)
        if problem:
            return [self._say(problem, "error"), *self._where_now()]
        return self._accept(node, iso, before, heard=heard)

    def _answer_text(self, node: Node, text: str, before: Walk | None) -> list[Message]:
        if is_dont_know(text):
            return self._accept_unknown(node, before)
        if not node.accept:
            return self._accept(node, text, before)
        from .logic import VALIDATORS

        state = self._walk.state
        if state is None:
            return self._accept(node, text, before)
        checked = VALIDATORS[node.accept](text, state)
        if checked.error:
            return [self._say(checked.error, "error"), *self._where_now()]
        if checked.choices:
            opts = tuple(Option(v, label) for v, label in checked.choices)
            question = "Did you mean this?" if len(opts) == 1 else "Which one did you mean?"
            self._pending = Pending("which", node.id, opts, question)
            return self._where_now()
        return self._accept(node, checked.value or text, before)

    def _answer_pending(self, text: str) -> list[Message]:
        p = self._pending
        assert p is not None
        node = self._tree.nodes.get(p.node_id)
        yes_no = [Choice("yes", "Yes", YES_TERMS), Choice("no", "No", NO_TERMS)]
        if p.kind == "date":
            r = read(text, yes_no)
            self._pending = None
            if r.one is not None and r.one.key == "yes":
                return self._accept_date(node, p.value, None)  # type: ignore[arg-type]
            if r.one is not None and r.one.key == "no":
                return [self._say(p.no_text or "Then please type the date day first, like 25/02/2023."), *self._where_now()]
            # Anything else is taken as a fresh answer to the date question.
            return self._answer(node, text)  # type: ignore[arg-type]
        if p.kind == "no-date":
            r = read(text, yes_no)
            self._pending = None
            then = self._tree.nodes.get(p.typed)
            if r.one is not None and r.one.key == "yes" and node is not None and then is not None:
                self._set_answer(node.id, "no")
                return self._accept_date(then, p.value, None)
            if r.one is not None and r.one.key == "no":
                return [self._say("Then please answer the question: yes or no (and, if no, the date comes next)."),
                        *self._where_now()]
            return self._answer(node, text)  # type: ignore[arg-type]
        choices, _codes = choices_of(p.options)
        if len(p.options) == 1:
            choices = [Choice(choices[0].key, choices[0].label, (*choices[0].terms, *YES_TERMS), 1)]
        r = read(text, choices)
        if r.kind in ("exact", "read") and r.one is not None:
            key = r.one.key
            self._pending = None
            if p.kind == "entry":
                return self._begin(self._tree.entry(key))  # type: ignore[arg-type]
            if p.kind == "learner":
                return self._pick_learner(key)
            if p.kind == "change":
                return self._change_with(key, p.typed) if p.typed else self._change_to(key)
            return self._accept(node, key, None, heard=r.one.label if r.kind == "read" else None)  # type: ignore[arg-type]
        if len(p.options) == 1 and read(text, yes_no).one is not None:
            self._pending = None
            return [self._say("Then please answer the question again, in other words (or by number)."),
                    *self._where_now()]
        self._pending = None
        if r.kind == "dont-know" and node is not None and node.kind == "question":
            return self._accept_unknown(node, None)
        if p.kind == "which" and node is not None:
            return self._answer(node, text)
        if self._entry is None or self._walk.concluded:
            return self._choose_entry(text)
        current = self._walk.current
        return self._answer(current, text) if current is not None else self._where_now()

    def _accept(self, node: Node, value: str, before: Walk | None, heard: str | None = None) -> list[Message]:
        before = before or self._walk
        self._set_answer(node.id, value)
        self._last_read = node.id if heard else None
        out: list[Message] = []
        if heard:
            out.append(self._say(f"I took that as: {heard}. (Not what you meant? Type `change`.)"))
        opt = node.option(value)
        if opt is not None and opt.correct is not None:
            verdict = "Right." if opt.correct else "Not quite."
            out.append(self._say(f"{verdict} {opt.feedback}".strip()))
        elif opt is not None and opt.feedback:
            out.append(self._say(opt.feedback))
        if node.after and value != UNKNOWN:
            out.append(self._say(fill(node.after, self._walk.state)))
        self._compute()
        out += self._news(before, self._walk)
        out += self._where_now()
        return out

    def _accept_unknown(self, node: Node, before: Walk | None) -> list[Message]:
        """"Don't know" is an answer: nothing is recorded for it, and the conclusion names it."""
        out = [self._say(f"Noted: {node.title} is not known. I won't guess it; the conclusion will say what it "
                         "would change. (You can `change` it later.)")]
        before = before or self._walk
        self._set_answer(node.id, UNKNOWN)
        self._last_read = None
        self._compute()
        out += self._news(before, self._walk)
        out += self._where_now()
        return out
