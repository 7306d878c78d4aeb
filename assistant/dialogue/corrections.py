"""Reading a correction typed in words: "actually the start was the 5th", "sorry, the job offer was 20/8/25".

A data officer corrects an earlier answer the way they would tell a colleague, often after the conclusion.
`read_correction` finds what is corrected and the new value; `answers_meant` finds which answer that names, by
the words of its title and question (a date value only names a date question); `day_in_month` reads a bare
day ("the 5th") in the month of the answer it corrects. The session says back which answer it changes and, for
a bare day, confirms the date before using it (never act on a reading the user has not seen).
"""

from __future__ import annotations

import re
from datetime import date

from .dates import parse_date
from .tree import Node

_CORRECTION = re.compile(
    r"(?:actually|sorry|oops|correction|wait|hang on|my mistake|no wait)[,:!.]?\s+(?:it\s+turns\s+out\s+)?"
    r"(?:the\s+|their\s+|his\s+|her\s+|my\s+)?(?P<what>[a-z][a-z' -]*?)\s+"
    r"(?:was|is|were|should\s+have\s+been|should\s+be)\s+(?:actually\s+|really\s+)?(?:on\s+)?(?P<value>\S.*?)[.!]?",
    re.I)
DAY_ONLY = re.compile(r"(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?", re.I)
#: Words that name no answer by themselves ("the learner's start" is the start).
_NOISE = {"the", "a", "an", "of", "learner", "learners", "learner's", "their", "his", "her", "date", "day", "it", "on"}


def read_correction(text: str) -> tuple[str, str] | None:
    """(what is corrected, the new value) in "actually the X was Y", or None."""
    m = _CORRECTION.fullmatch(text.strip())
    if m is None:
        return None
    return m.group("what").strip(), m.group("value").strip()


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower().replace("_", " "))}


def _is_date_value(value: str) -> bool:
    if DAY_ONLY.fullmatch(value.strip()):
        return True
    r = parse_date(value, today=date.today(), ilr_year="2024-25")
    return r.value is not None or r.confirm is not None


def answers_meant(what: str, value: str, nodes: list[Node]) -> list[str]:
    """The ids of the questions ``what`` names best (several when it does not tell them apart)."""
    wanted = {w for w in _words(what) if w not in _NOISE}
    if not wanted:
        return []
    dated = _is_date_value(value)
    scores: dict[str, int] = {}
    for n in nodes:
        if dated != (n.qkind == "date"):
            continue
        said = _words(f"{n.title} {n.text} {n.id}")
        scores[n.id] = sum(1 for w in wanted if w in said or any(s.startswith(w) for s in said if len(w) >= 4))
    best = max(scores.values(), default=0)
    return [k for k, v in scores.items() if v == best] if best else []


def day_in_month(old_iso: str | None, value: str) -> date | None:
    """"the 5th" in the month and year of the answer it corrects (None when that is no date, or no such day)."""
    m = DAY_ONLY.fullmatch(value.strip())
    if m is None or not old_iso:
        return None
    try:
        old = date.fromisoformat(old_iso)
        return old.replace(day=int(m.group(1)))
    except ValueError:
        return None
