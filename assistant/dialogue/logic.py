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

from datetime import date

from ..ilr.vocabulary import EVI_CUTOVER, event_kind
from ..rules.base import add_months
from . import checks  # noqa: F401 - registers the validators the tree names
from .checks import check_date
from .dates import say
from .registry import (
    CONDITIONS,
    INFERENCES,
    RENDERERS,
    VALIDATORS,
    VALUES,
    Checked,
    Rendered,
    condition,
    inference,
    renderer,
    value,
)
from .state import UNKNOWN, State, event_aim_date, learning_end, programme_start, role_aim

__all__ = ["CONDITIONS", "INFERENCES", "RENDERERS", "VALIDATORS", "VALUES", "Checked", "Rendered", "check_date",
           "condition", "event_aim_date", "inference", "learning_end", "programme_start", "renderer", "value"]


# -- conditions -------------------------------------------------------------------


@condition("evi_method")
def evi_method(state: State) -> bool:
    """The programme started on or after 1 August 2025: events are EVI FAMs, not event aims (R_152, R_154)."""
    start = programme_start(state)
    if start is None:  # not known: the side of 1 August 2025 the user gave, if any
        return state.notes.get("start_side") == "after"
    return start >= EVI_CUTOVER


@condition("start_side_needed")
def start_side_needed(state: State) -> bool:
    """A 2025-26 or later return whose programme start the user doesn't know: which side of 1 August 2025?"""
    asked = "start_side" in state.notes or "start_side" in (state.notes.get("unknown") or {})
    return programme_start(state) is None and not asked and state.year is not None and state.year >= "2025-26"


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
    kind = event_kind(ref)
    if kind is None or kind == "hgv":  # an HGV event aim alone is not an M2 event R_138 counts: ask which happened
        return None
    return (kind, f"the record has the event aim {ref}")


@inference("evi_code_from_record")
def evi_code_from_record(state: State) -> tuple[str, str] | None:
    """One EVI on the programme aim already says which code stands for the event (codes are never guessed)."""
    prog = role_aim(state.learner, "programme")
    codes = [f.code for f in prog.fams_of("EVI")] if prog is not None else []
    if len(codes) != 1 or not codes[0]:
        return None
    return (codes[0], f"the programme aim already records the event indicator EVI {codes[0]}")


@inference("outcome_from_record")
def outcome_from_record(state: State) -> tuple[str, str] | None:
    prog = role_aim(state.learner, "programme")
    # an AchDate with an Outcome other than 1 (Outcome_04): one of them is wrong, so ask rather than read it as a yes
    if prog is not None and prog.ach_date is not None and prog.outcome == "1":
        return ("yes", f"the programme aim has Outcome 1 with an AchDate ({say(prog.ach_date)})")
    return None


@inference("outcome_date_from_record")
def outcome_date_from_record(state: State) -> tuple[str, str] | None:
    prog = role_aim(state.learner, "programme")
    if prog is not None and prog.ach_date is not None and prog.outcome == "1":
        end = prog.learn_act_end_date
        if end is not None and state.ctx is not None and prog.ach_date > state.ctx.add_six_months(end):
            # AchDate_13: the recorded date cannot stand; whether it is right (and the outcome came too late) or
            # mistyped is the user's to say, so it is asked, never taken from the record as their answer
            return None
        return (prog.ach_date.isoformat(), f"the programme aim's AchDate is {say(prog.ach_date)}")
    return None


@inference("withdrawn_date_from_record")
def withdrawn_date_from_record(state: State) -> tuple[str, str] | None:
    prog = role_aim(state.learner, "programme")
    if prog is not None and prog.comp_status == "3" and prog.learn_act_end_date is not None:
        return (prog.learn_act_end_date.isoformat(),
                f"the withdrawn programme aim's LearnActEndDate is {say(prog.learn_act_end_date)}")
    return None


@inference("withdraw_reason_from_record")
def withdraw_reason_from_record(state: State) -> tuple[str, str] | None:
    prog = role_aim(state.learner, "programme")
    if prog is not None and prog.comp_status == "3" and prog.withdraw_reason is not None:
        return (prog.withdraw_reason, f"the programme aim records WithdrawReason {prog.withdraw_reason}")
    return None


@inference("event_coding_from_record")
def event_coding_from_record(state: State) -> tuple[str, str] | None:
    """A pasted record says how the event aim is coded; answers alone do not."""
    if state.base is None:
        return None
    ev = role_aim(state.learner, "event")
    if ev is None:
        return None
    options: dict[tuple[str | None, str | None], str] = {("2", "1"): "cs2-o1", ("1", None): "cs1", ("2", "8"): "cs2-o8"}
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


# -- renderers ----------------------------------------------------------------------------


@renderer("rule")
def render_rule(state: State) -> Rendered:
    from ..explain import explain

    rid = state.notes.get("rule_lookup")
    if not rid or rid == UNKNOWN:
        return Rendered("No rule was chosen, so I can't say which rule it is. The funding service's validation "
                        "report names the rule id beside each error (for example R_138 or CompStatus_03): paste that "
                        "or the message. Or paste the learner's XML (\"Check a learner's XML\"): I run the bootcamp "
                        "rules on it myself and say what to change.")
    return Rendered(explain(rid), rules=(rid,))


@renderer("term")
def render_term(state: State) -> Rendered:
    from ..explain import explain, explain_key

    term = state.notes.get("explain_lookup")
    if not term or term == UNKNOWN:
        return Rendered("No term was chosen. I can explain a field (CompStatus), a code (Outcome 8), an aim "
                        "reference (ZPROG001, Z0059747), a rule id (R_138) or an error message; for the whole "
                        "picture, take the onboarding tour.")
    # The answer is the item the user was shown ("field:FilePreparationDate"): explain that item, never the key
    # matched again as words (the key itself reads like part of a message and found two rules).
    kind, _, rest = str(term).partition(":")
    if rest and kind in ("field", "code", "aim", "term", "rule", "hgv", "unheld", "compare"):
        try:
            return Rendered(explain_key(str(term)))
        except KeyError:
            pass
    return Rendered(explain(term))


@condition("positive_outcome_yes")
def positive_outcome_yes(state: State) -> bool:
    return state.facts.positive_outcome is True
