"""The engine's open questions at the end of a proposal, split by what the user has already said.

A question whose fact the user answered ("nothing yet" to which event happened) is not "still open": asking
it again as if unanswered reads as not listening. It stays visible, as what would change the proposal.
"""

from __future__ import annotations

from typing import Any

from .state import State


def question_blocks(d: Any, state: State, unknown: set[tuple[int, str]]) -> list[str]:
    """The "Still open" block and the "you have answered" block (each only when it has items)."""
    # "A person must check FD_LearnStartDate_MA (… is missing)": not missing from the record, unknown to the user
    blank = {f"check:{f.rule}:{f.aim_seq}" for f in d.findings if (f.aim_seq, f.field) in unknown}
    told = state.notes.get("told") or set()
    asked = [q for q in d.proposal.questions if q.id not in blank and q.fact not in told]
    answered = [q for q in d.proposal.questions if q.id not in blank and q.fact is not None and q.fact in told]
    out = []
    checks = [q.text for q in asked] + _said_no_event(state)
    if checks:
        out.append("**Still open** (answer these to finish the proposal):\n\n" + "\n".join(f"- {c}" for c in checks))
    if answered:
        out.append("**What would change this** (you have answered these; when the answer changes, type "
                   "`change <question>`):\n\n" + "\n".join(f"- {q.text}" for q in answered))
    return out


def _said_no_event(state: State) -> list[str]:
    """"Nothing yet" to which event happened, while the record holds an event indicator: both are said, and a person
    must check which is right (the proposal follows the record; it is not changed on either reading unseen)."""
    learner = state.learner
    if "event" not in (state.notes.get("told") or set()) or state.facts.event is not None or learner is None:
        return []
    from ..rules.base import fmt

    evis = [f for d in learner.deliveries if d.is_programme_aim for f in d.fams_of("EVI")]
    return [f"A person must check the event indicator (EVI {fmt(f.code)}, dated {fmt(f.date_from)}), because you said no "
            "event has happened yet but the record holds one: if the event did happen, `change event` and say which; if "
            "the EVI was recorded too early, remove it. Until then this proposal follows the record." for f in evis[:1]]
