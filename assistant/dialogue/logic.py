"""The few things the tree cannot say as data: named conditions, inferences,
validators, text values and renderers, each referenced by name from
`knowledge/tree/*.yaml` and checked to exist when the tree loads.

Why here and not in YAML: date arithmetic (the 1 August 2025 cut-over, six
months after the end of learning), reading the record, and the advice engine
are code. The tree only names them, so a reviewer sees *that* a branch
depends on "the programme started on or after 1 August 2025" and this module
is the one place that says how it is worked out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from ..ilr.model import EVENT_AIMS, EVI_CUTOVER, HGV_EVENT_AIMS, PROGRAMME_AIM_REF
from ..rules.base import add_months
from .dates import say
from .state import State, role_aim


Condition = Callable[[State], bool]
Inference = Callable[[State], "tuple[str, str] | None"]

CONDITIONS: dict[str, Condition] = {}
INFERENCES: dict[str, Inference] = {}
VALIDATORS: dict[str, Callable[[str, State], "Checked"]] = {}
RENDERERS: dict[str, Callable[[State], "Rendered"]] = {}
#: Values a question's text or an option's `sets` may quote as {name}.
VALUES: dict[str, Callable[[State], Any]] = {}


def _register(table: dict, name: str):
    def deco(fn):
        table[name] = fn
        return fn
    return deco


def condition(name: str):
    return _register(CONDITIONS, name)


def inference(name: str):
    return _register(INFERENCES, name)


def validator(name: str):
    return _register(VALIDATORS, name)


def renderer(name: str):
    return _register(RENDERERS, name)


def value(name: str):
    return _register(VALUES, name)


@dataclass(frozen=True)
class Checked:
    """A validator's verdict on typed text: accepted value, a refusal, or candidates to pick from."""

    value: str | None = None
    error: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    note: Any = None


@dataclass(frozen=True)
class Rendered:
    """A conclusion's body, with the rules and sources it rests on (besides the node's own)."""

    text: str
    rules: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


# -- reading the record ---------------------------------------------------------


def programme_start(state: State) -> date | None:
    prog = role_aim(state.learner, "programme")
    return prog.learn_start_date if prog else None


def learning_end(state: State) -> date | None:
    if state.facts.learning_end_date:
        return state.facts.learning_end_date
    subject = role_aim(state.learner, "subject")
    return subject.learn_act_end_date if subject else None


def event_aim_date(state: State) -> date | None:
    ev = role_aim(state.learner, "event")
    if ev is None:
        return None
    return ev.learn_act_end_date or ev.learn_start_date


# -- conditions -------------------------------------------------------------------


@condition("evi_method")
def evi_method(state: State) -> bool:
    """The programme started on or after 1 August 2025: events are EVI FAMs, not event aims (R_152, R_154)."""
    start = programme_start(state)
    return start is not None and start >= EVI_CUTOVER


@condition("file_date_needed")
def file_date_needed(state: State) -> bool:
    """Nobody said what "today" is and the computer's date is after the chosen ILR year ended.

    The rules compare dates with the file preparation date; checking a 2022-23 record against today's date
    would wrongly apply the six-month rule to everyone.
    """
    from ..ilr.years import year_end

    return not state.as_of_given and state.year is not None and state.as_of > year_end(state.year)


@condition("programme_outcome_achieved")
def programme_outcome_achieved(state: State) -> bool:
    prog = role_aim(state.learner, "programme")
    return prog is not None and prog.outcome == "1"


@condition("subject_not_continuing")
def subject_not_continuing(state: State) -> bool:
    subject = role_aim(state.learner, "subject")
    return subject is not None and subject.comp_status not in (None, "1")


@condition("event_aim_recorded")
def event_aim_recorded(state: State) -> bool:
    return role_aim(state.learner, "event") is not None


@condition("event_aim_dated")
def event_aim_dated(state: State) -> bool:
    return event_aim_date(state) is not None


@condition("evi_recorded")
def evi_recorded(state: State) -> bool:
    prog = role_aim(state.learner, "programme")
    return prog is not None and bool(prog.fams_of("EVI"))


@condition("event_happened")
def event_happened(state: State) -> bool:
    return state.facts.event is not None


@condition("event_is_hgv")
def event_is_hgv(state: State) -> bool:
    """An HGV event: its date is the event's, not an interview offer's."""
    return state.facts.event == "hgv"


@condition("programme_withdrawn")
def programme_withdrawn(state: State) -> bool:
    prog = role_aim(state.learner, "programme")
    return prog is not None and prog.comp_status == "3"


@condition("subject_withdrawn")
def subject_withdrawn(state: State) -> bool:
    subject = role_aim(state.learner, "subject")
    return subject is not None and subject.comp_status == "3"


@condition("event_is_interview")
def event_is_interview(state: State) -> bool:
    return state.facts.event == "interview"


@condition("has_record")
def has_record(state: State) -> bool:
    return state.learner is not None


@condition("learning_finished")
def learning_finished(state: State) -> bool:
    return state.facts.learning_finished is True


# -- inferences: answers the record already gives (the question is skipped and the user told) --


@inference("situation_from_record")
def situation_from_record(state: State) -> tuple[str, str] | None:
    prog = role_aim(state.learner, "programme")
    subject = role_aim(state.learner, "subject")
    if prog is not None and prog.comp_status == "3":
        return ("withdrawn", "the programme aim is recorded as withdrawn (CompStatus 3)")
    if prog is not None and prog.comp_status == "6":
        return ("break", "the programme aim is recorded as on a break in learning (CompStatus 6)")
    if subject is not None and subject.comp_status == "2" and subject.learn_act_end_date:
        return ("finished", f"the subject aim is completed (CompStatus 2) and ended {say(subject.learn_act_end_date)}")
    return None


@inference("learning_end_from_record")
def learning_end_from_record(state: State) -> tuple[str, str] | None:
    subject = role_aim(state.learner, "subject")
    if subject is not None and subject.learn_act_end_date:
        return (subject.learn_act_end_date.isoformat(),
                f"the learning ended {say(subject.learn_act_end_date)}, the subject aim's LearnActEndDate")
    return None


@inference("achieved_from_record")
def achieved_from_record(state: State) -> tuple[str, str] | None:
    subject = role_aim(state.learner, "subject")
    if subject is not None and subject.outcome in ("1", "3"):
        return ("yes" if subject.outcome == "1" else "no",
                f"the subject aim has Outcome {subject.outcome} ({'achieved' if subject.outcome == '1' else 'no achievement'})")
    return None


@inference("event_from_record")
def event_from_record(state: State) -> tuple[str, str] | None:
    ev = role_aim(state.learner, "event")
    if ev is None:
        return None
    ref = (ev.learn_aim_ref or "").upper()
    kinds = {"Z0059747": "interview", "Z0059748": "new-role", "Z0059749": "self-employment"}
    if ref in kinds:
        return (kinds[ref], f"the record has the event aim {ref}")
    if ref in HGV_EVENT_AIMS:
        return ("hgv", f"the record has the HGV event aim {ref}")
    return None


@inference("withdraw_reason_from_record")
def withdraw_reason_from_record(state: State) -> tuple[str, str] | None:
    """A WithdrawReason already on the programme aim answers "why did they withdraw"."""
    prog = role_aim(state.learner, "programme")
    if prog is not None and prog.withdraw_reason is not None:
        return (str(prog.withdraw_reason), f"the programme aim has WithdrawReason {prog.withdraw_reason}")
    return None


@inference("outcome_from_record")
def outcome_from_record(state: State) -> tuple[str, str] | None:
    prog = role_aim(state.learner, "programme")
    if prog is not None and prog.ach_date is not None:
        return ("yes", f"the programme aim has an AchDate ({say(prog.ach_date)})")
    return None


@inference("outcome_date_from_record")
def outcome_date_from_record(state: State) -> tuple[str, str] | None:
    prog = role_aim(state.learner, "programme")
    if prog is not None and prog.ach_date is not None:
        return (prog.ach_date.isoformat(), f"the programme aim's AchDate is {say(prog.ach_date)}")
    return None


@inference("event_coding_from_record")
def event_coding_from_record(state: State) -> tuple[str, str] | None:
    """A pasted record says how the event aim is coded; answers alone do not."""
    if state.base is None:
        return None
    ev = role_aim(state.learner, "event")
    if ev is None:
        return None
    options = {("2", "1"): "cs2-o1", ("1", None): "cs1", ("2", "8"): "cs2-o8"}
    value = options.get((ev.comp_status, ev.outcome), "as-recorded")
    return (value, f"the event aim has CompStatus {ev.comp_status or '(none)'}, Outcome {ev.outcome or '(none)'}")


# -- values quoted in question text -----------------------------------------------


@value("event_aim_date")
def _v_event_aim_date(state: State) -> date | None:
    return event_aim_date(state)


@value("event_aim_ref")
def _v_event_aim_ref(state: State) -> str | None:
    ev = role_aim(state.learner, "event")
    return ev.learn_aim_ref if ev else None


@value("programme_start")
def _v_programme_start(state: State) -> date | None:
    return programme_start(state)


@value("learning_end")
def _v_learning_end(state: State) -> date | None:
    return learning_end(state)


@value("six_months_after_end")
def _v_six_months(state: State) -> date | None:
    end = learning_end(state)
    return add_months(end, 6) if end else None


@value("today")
def _v_today(state: State) -> date:
    return state.as_of


# -- validators for typed text ---------------------------------------------------------

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


@validator("hgv_aim_ref")
def hgv_aim_ref(text: str, state: State) -> Checked:
    """One of the six HGV event aims, typed by the user (never chosen for them)."""
    ref = re.sub(r"\s+", "", text).upper()
    m = re.fullmatch(r"Z0*(\d{4,7})", ref)
    if m:
        ref = "Z" + m.group(1).zfill(7)
    if ref in HGV_EVENT_AIMS:
        return Checked(value=ref)
    known = ", ".join(sorted(HGV_EVENT_AIMS))
    if ref in EVENT_AIMS:
        return Checked(error=f"{ref} is an event aim but not an HGV one. The HGV event aims are {known}; type `back` "
                             "to choose another kind of event aim.")
    return Checked(error=f"'{text.strip()}' is not an HGV event aim. They are {known}. If you don't know which one "
                         "the record has, say `don't know`.")


@validator("rule_or_message")
def rule_or_message(text: str, state: State) -> Checked:
    from ..explain import find_rules_by_text

    found = find_rules_by_text(text)
    if len(found) == 1:
        return Checked(value=found[0].id, note=found[0].id)
    if len(found) > 1:
        return Checked(choices=tuple((r.id, f"{r.id}: {r.message}") for r in found[:6]))
    return Checked(error="I could not match that to a validation rule in the 2025-26 list. Paste the rule id "
                         "(like R_138 or CompStatus_03) or the error message as the funding service shows it.")


@validator("explain_term")
def explain_term(text: str, state: State) -> Checked:
    from ..explain import lookup

    found = lookup(text)
    if found.kind == "one":
        return Checked(value=found.items[0].key)
    if found.kind == "several":
        return Checked(choices=tuple((i.key, i.title) for i in found.items[:6]))
    return Checked(error="I don't know that term. Try a field (CompStatus), a code (Outcome 8), an aim reference "
                         "(ZPROG001, Z0059747), a rule id (R_138) or an error message.")


# -- renderers ----------------------------------------------------------------------------


@renderer("rule")
def render_rule(state: State) -> Rendered:
    from ..explain import explain

    rid = state.notes.get("rule_lookup")
    if not rid:
        return Rendered("No rule was chosen.")
    return Rendered(explain(rid), rules=(rid,))


@renderer("term")
def render_term(state: State) -> Rendered:
    from ..explain import explain

    term = state.notes.get("explain_lookup")
    if not term:
        return Rendered("No term was chosen.")
    return Rendered(explain(term))


@condition("positive_outcome_yes")
def positive_outcome_yes(state: State) -> bool:
    return state.facts.positive_outcome is True


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


@validator("after_start")
def after_start(text: str, state: State) -> Checked:
    """A date in the learner's bootcamp (an end, a withdrawal, an outcome): not before the start, not future."""
    day = _date_of(text)
    problem = _before_start(day, state, "this date") or _future(day, state)
    return Checked(error=problem) if problem else Checked(value=text)


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
    day = _date_of(text)
    problem = _before_start(day, state, "an actual end date") or _future(day, state)
    return Checked(error=problem) if problem else Checked(value=text)


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
