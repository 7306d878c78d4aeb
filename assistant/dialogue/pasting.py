"""Pasted XML in the middle of a conversation: the record replaces the answers about it, and says where it differs.

A paste holding several learners asks which one to look at (never merged, never one taken unasked). Answers
the user typed about the record are replaced by what the record says; where the record says something else,
each such answer is named with both values, so that nothing is acted on that the user has not seen.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..ilr.model import Learner
from ..ilr.years import year_end, year_of
from .core import Conversation
from .messages import Message, Option, Pending

#: Learners offered by name when a paste holds several (more: paste the one wanted alone).
MAX_LEARNERS_OFFERED = 9


def _start_after_year(learner: Learner, year: str) -> date | None:
    """The first aim start after the end of `year` (the dates point to a later year than the file's), or None."""
    end = year_end(year)
    return min((d.learn_start_date for d in learner.deliveries
                if d.learn_start_date is not None and d.learn_start_date > end), default=None)


class PastingMixin(Conversation):
    """Pasted XML, mixed into `Session`."""

    def _paste(self, text: str) -> list[Message]:
        from ..ilr.guard import InputError
        from ..ilr.reader import read_text

        try:
            result = read_text(text, year=None)
        except InputError as exc:
            return [self._say(self._tree.messages["xml_failed"].replace("{problem}", exc.describe()), "error"),
                    *self._where_now()]
        if not result.learners:
            return [self._say(self._tree.messages["xml_failed"].replace("{problem}", "it holds no learners"), "error"),
                    *self._where_now()]
        if len(result.learners) == 1:
            return self._take_learner(result, result.learners[0])
        self._pasted = result
        # Bootcamp learners first: a whole ILR file pasted by mistake (DfE's 2025-26 sample: 19 learners, the
        # bootcamp ones 18th and 19th) otherwise offered only learners this assistant has nothing to say about.
        ordered = sorted(result.learners, key=lambda x: not x.is_bootcamp_learner)
        shown = ordered[:MAX_LEARNERS_OFFERED]
        opts = tuple(Option(x.learn_ref, f"{x.learn_ref} ({'Skills Bootcamp, ' if x.is_bootcamp_learner else ''}"
                                         f"{len(x.deliveries)} aim{'' if len(x.deliveries) == 1 else 's'})")
                     for x in shown)
        more = (f" Only the first {MAX_LEARNERS_OFFERED} are listed: to look at another, paste it alone."
                if len(result.learners) > MAX_LEARNERS_OFFERED else "")
        self._pending = Pending("learner", "learner", opts,
                                f"The XML holds {len(result.learners)} learners ("
                                f"{', '.join(x.learn_ref for x in shown)}{', …' if more else ''}). Which one shall I look "
                                "at? (I look at one "
                                f"learner at a time; `ilr-assistant diagnose FILE` checks them all.){more}")
        return self._where_now()

    def _pick_learner(self, ref: str) -> list[Message]:
        result, self._pasted = self._pasted, None
        chosen = next((x for x in getattr(result, "learners", ()) if x.learn_ref == ref), None)
        if chosen is None:
            return [self._say("That learner is no longer to hand: paste the XML again.", "error"), *self._where_now()]
        return self._take_learner(result, chosen)

    def _take_learner(self, result: Any, learner: Learner) -> list[Message]:
        from ..rules.evidence import year_header_notes
        from .dates import say
        from .render import record_table, shown_value

        notes = []
        if len(result.learners) > 1:
            notes.append(f"Looking at {learner.learn_ref}, one of the {len(result.learners)} learners in the XML.")
        if not learner.is_bootcamp_learner:
            notes.append("None of this learner's aims is a Skills Bootcamp aim (FundModel 37 / ProgType 32).")
        before = self._walk
        self._base = learner
        self._base_year = None
        from_file = result.year if result.year and result.year_source in ("namespace", "header") else None
        late = _start_after_year(learner, from_file) if from_file and not self._year_given else None
        if late is not None:
            # The namespace names one year, the dates another: DfE's rule keeping a start within the teaching year
            # (LearnStartDate_03) excludes bootcamps, so this is not an error - but the year decides which rules
            # apply (event aims or event indicators, R_154), so neither is taken silently (never guess).
            notes.append(f"The XML says it is a {result.year} file, but an aim starts on {say(late)}, after that "
                         f"year ends ({say(year_end(result.year))}); a start that day falls in {year_of(late)}, "
                         "whose rules differ, so I have not taken the year from either.")
        elif result.year and result.year_source in ("namespace", "header"):
            if self._year_given and self._year_given != result.year:
                notes.append(f"The XML says it is a {result.year} file; I keep checking it as {self._year_given}, "
                             "the year you started with.")
            self._base_year = result.year
        checked_as = self._year_given or self._base_year
        if checked_as:
            notes.extend(year_header_notes(checked_as))
        self._base_date = result.file_preparation_date
        replaced = ("programme", "subject", "event", "all") + (("session",) if self._base_year else ())
        dropped = [q for q in list(self._answers) if (n := self._tree.nodes.get(q)) is not None
                   and any(t.split(".")[0] in replaced for t in n.all_targets())]
        typed = {q: self._drop_answer(q) for q in dropped}
        self._pending = None
        self._reask = None
        if self._entry is None or self._walk.concluded or self._entry.id not in self._diagnosis_entries():
            self._entry = self._tree.entry("check_xml")
            self._answers = {q: v for q, v in self._answers.items()
                             if (n := self._tree.nodes.get(q)) and n.all_targets()}
            self._order = [q for q in self._order if q in self._answers]
        self._compute()
        state = self._walk.state
        if typed and state is not None:
            # Where the record says something else than what was typed, both are shown: the record is what is used.
            differs = []
            for q, old in typed.items():
                node = self._tree.nodes[q]
                known, now = state.value(node.targets[0]) if node.targets else (False, None)
                if old is not None and known and now != old:
                    differs.append(f"- *{node.title}*: you said {shown_value(node, old)}; the record has "
                                   f"{shown_value(node, now)}")
            notes.append(f"The pasted record replaces {len(typed)} answer(s) you gave about the record"
                         + (": where it says something else, I use the record —\n" + "\n".join(differs)
                            if differs else "."))
        out = [self._say(self._tree.messages["xml_read"] + "\n\n" + record_table(learner)
                         + ("\n\n" + "\n".join(notes) if notes else ""))]
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
