"""Facts typed in the opening message: "M1 hasn't paid - started 3 Sept 24, withdrew 10 Jan, no interview".

A data officer often says what they know before being asked. Those facts are neither dropped nor used unseen:
each one read is said back at once, and offered again at its own question for a yes before it counts (a fact
read from a sentence can land on the wrong question). What cannot be read with confidence (the date a break
began: the last day of learning or the first day away?) is left to its question, and said so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import parse_date, say

_DATE = (r"(?P<d>\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?"
         r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?(?:\s+\d{2,4})?|[a-z]{3,9}\s+\d{1,2}(?:st|nd|rd|th)?(?:\s+\d{4})?)")
_STARTED = re.compile(r"\b(?:started|starting|start\s+date\s+(?:was|is|of)?|began|begun)\s+(?:on\s+)?" + _DATE, re.I)
_WITHDREW = re.compile(r"\b(?:withdr[ae]w|withdrawn|left|dropped\s+out|stopped\s+attending)\s+(?:on\s+)?" + _DATE, re.I)
_BREAK = re.compile(r"\b(?:on\s+a\s+break|went\s+on\s+(?:a\s+)?break|break\s+in\s+learning|paused|taking\s+a\s+break)\b",
                    re.I)


@dataclass(frozen=True)
class Hint:
    """One fact read from the opening message, to be confirmed at its question."""

    question: str
    #: The answer it would give: an ISO date, or an option value.
    value: str
    #: The words it was read from, shown when it is offered.
    typed: str
    #: How it is said back ("start date: 3 September 2024").
    said: str


def _day(text: str, today: date, ilr_year: str | None) -> date | None:
    r = parse_date(text, today=today, ilr_year=ilr_year)
    return r.value or r.confirm


def facts_in(text: str, today: date, ilr_year: str | None) -> list[Hint]:
    """The facts the opening ``text`` states that a question asks for (each read, none used yet)."""
    out: list[Hint] = []
    m = _STARTED.search(text)
    if m and (d := _day(m.group("d"), today, ilr_year)):
        out.append(Hint("prog_start", d.isoformat(), m.group(0).strip(), f"start date: {say(d)}"))
    m = _WITHDREW.search(text)
    if m and (d := _day(m.group("d"), today, ilr_year)):
        out.append(Hint("situation", "withdrawn", m.group(0).strip(), "the learner withdrew"))
        out.append(Hint("withdrawn_date", d.isoformat(), m.group(0).strip(),
                        f"last day of learning before withdrawing: {say(d)}"))
    elif (b := _BREAK.search(text)) is not None:
        out.append(Hint("situation", "break", b.group(0).strip(),
                        "the learner is on a break in learning (its date I will ask as the last day of learning "
                        "before the break)"))
    return out
