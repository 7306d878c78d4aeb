"""Checks on typed answers, named in the tree's `accept`: aim references, codes, rule look-ups, and each
typed date against the other dates and the teaching year (said plainly; the question is asked again).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..ilr.vocabulary import EVENT_AIMS, PROGRAMME_AIM_REF
from ..rules.base import add_months
from .dates import say
from .registry import VALIDATORS, Checked, validator
from .state import State, programme_start

_AIM_REF = re.compile(r"^[A-Z0-9]{8}$")


@validator("subject_aim_ref")
def subject_aim_ref(text: str, state: State) -> Checked:
    """A subject learning aim reference: eight characters, not the programme or an event aim."""
    ref = re.sub(r"\s+", "", text).upper()
    if ref in ("NONE", "UNKNOWN", "DONTKNOW", "IDONTKNOW"):
        return Checked(error="The subject aim's LearnAimRef is on the learner's second aim in your MIS (often Z0059758 "
                             "or Z0009734); please type it.")
    m = re.fullmatch(r"Z(\d{1,7})", ref)
    if m and len(ref) < 8:
        padded = "Z" + m.group(1).zfill(7)
        return Checked(choices=((padded, padded),))
    if ref == PROGRAMME_AIM_REF:
        return Checked(error="ZPROG001 is the programme aim. The subject learning aim is the other AimType 3 aim "
                             "(a LARS aim in category 62, such as Z0059758).")
    if ref in EVENT_AIMS:
        return Checked(error=f"{ref} is an event aim, not the subject learning aim. Type the learning aim's reference "
                             "(a LARS aim in category 62, such as Z0059758); I ask about event aims next.")
    if not _AIM_REF.match(ref):
        return Checked(error=f"'{text.strip()}' does not look like a LearnAimRef (eight letters and digits, like Z0059758).")
    return Checked(value=ref)


@validator("evi_code")
def evi_code(text: str, state: State) -> Checked:
    code = text.strip()
    # "Don't know" is not "none": the session keeps it unknown before this check runs.
    if code.lower().rstrip(".") in ("none", "no", "not recorded", "no evi", "none recorded"):
        return Checked(value="none")
    if not re.fullmatch(r"\d{1,2}", code):
        return Checked(error=f"'{code}' is not an EVI code: a code is one or two digits (the official sample file uses "
                             "4, 5 and 6). The code list is in the 2025-26 ILR specification; type none if there is no EVI.")
    return Checked(value=str(int(code)))


@validator("rule_or_message")
def rule_or_message(text: str, state: State) -> Checked:
    from ..explain import find_rules_by_text, rule_choice_label

    found = find_rules_by_text(text)
    if len(found) == 1:
        return Checked(value=found[0].id, note=found[0].id)
    if len(found) > 1:
        shown = found[:6]
        return Checked(choices=tuple((r.id, rule_choice_label(r, shown)) for r in shown))
    return Checked(error="I could not match that to a validation rule in the 2025-26 list. Paste the rule id "
                         "(like R_138 or CompStatus_03) or the error message as the funding service shows it.")


@validator("explain_term")
def explain_term(text: str, state: State) -> Checked:
    from ..explain import lookup, unheld_code
    from .matching import asked_term

    # "what is AimType 1?" asked at this question is a question about "AimType 1", as at the first question.
    term = asked_term(text) or text
    unheld = unheld_code(term)
    if unheld is not None:
        return Checked(value=f"unheld:{unheld[0]}:{unheld[1]}")
    found = lookup(term)
    if found.kind == "one":
        return Checked(value=found.items[0].key)
    if found.kind == "several":
        return Checked(choices=tuple((i.key, i.title) for i in found.items[:6]))
    return Checked(error=f"I don't know '{term.strip()}'. Try a field (CompStatus), a code (Outcome 8), an aim "
                         "reference (ZPROG001, Z0059747), a rule id (R_138) or an error message.")


# -- date checks: each typed date against the others and the year ---------------------------------------
# A date question names one of these in `accept`; the error is said plainly and the question asked again.


def _today_words(state: State) -> str:
    """How to name `as_of`: the file preparation date when one was given, else today."""
    return f"the file preparation date ({say(state.as_of)})" if state.as_of_given else f"today ({say(state.as_of)})"


def _future(day: date, state: State) -> str | None:
    if day > state.as_of:
        return f"{say(day)} is after {_today_words(state)}; give the date it actually happened (or say `don't know`)."
    return None


def _before_start(day: date, state: State, what: str) -> str | None:
    start = programme_start(state)
    if start is not None and day < start:
        return (f"{say(day)} is before the programme started ({say(start)}): {what} can't be earlier than the start. "
                "Check both dates; `change start date` corrects the start.")
    return None


def _date_of(text: str) -> date:
    from ..ilr.model import parse_iso_date

    return parse_iso_date(text)


@validator("not_future")
def not_future(text: str, state: State) -> Checked:
    """A date that has already happened: not after today (or the file preparation date)."""
    problem = _future(_date_of(text), state)
    return Checked(error=problem) if problem else Checked(value=text)


def _between_start_and_now(text: str, state: State, what: str) -> Checked:
    day = _date_of(text)
    problem = _before_start(day, state, what) or _future(day, state)
    return Checked(error=problem) if problem else Checked(value=text)


@validator("after_start")
def after_start(text: str, state: State) -> Checked:
    """A date in the learner's bootcamp (an end, a withdrawal, an outcome): not before the start, not future."""
    return _between_start_and_now(text, state, "this date")


@validator("start_date")
def start_date(text: str, state: State) -> Checked:
    """A programme start: not after the file preparation date, not after the teaching year ends."""
    from ..ilr.years import year_end

    day = _date_of(text)
    if day > state.as_of:
        return Checked(error=f"{say(day)} is after {_today_words(state)}: a file can't record a start that has not "
                             "happened yet. Check the year you typed.")
    if state.year is not None and day > year_end(state.year):
        return Checked(error=f"{say(day)} is after the {state.year} ILR year ends ({say(year_end(state.year))}): that "
                             "start belongs in the next year's file. Check the date, or `change ILR year`.")
    return Checked(value=text)


@validator("plan_end")
def plan_end(text: str, state: State) -> Checked:
    """A planned end: not before the start (LearnPlanEndDate_02); it may be in the future."""
    problem = _before_start(_date_of(text), state, "a planned end date")
    return Checked(error=problem) if problem else Checked(value=text)


@validator("act_end")
def act_end(text: str, state: State) -> Checked:
    """An actual end recorded on an aim: not before the start, not in the future."""
    return _between_start_and_now(text, state, "an actual end date")


#: Returns for a teaching year go on after it ends (the final collection closes in the autumn).
FILE_DATE_GRACE_MONTHS = 3


@validator("file_date")
def file_date(text: str, state: State) -> Checked:
    """A file preparation date inside the chosen teaching year (or the months of late returns after it)."""
    from ..ilr.years import year_end, year_start

    day = _date_of(text)
    if state.year is None:
        return Checked(value=text)
    first, last = year_start(state.year), add_months(year_end(state.year), FILE_DATE_GRACE_MONTHS)
    if not first <= day <= last:
        return Checked(error=f"{say(day)} is outside the {state.year} ILR year ({say(year_start(state.year))} to "
                             f"{say(year_end(state.year))}, with returns until about {say(last)}). Give the date this "
                             "year's file was (or will be) prepared, or `change ILR year`.")
    return Checked(value=text)


def check_date(node: Any, iso: str, state: State | None) -> str | None:
    """The problem with a typed date at this question (its `accept` check), or None."""
    if not getattr(node, "accept", None) or state is None:
        return None
    checked = VALIDATORS[node.accept](iso, state)
    return checked.error

