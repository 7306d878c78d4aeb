"""AimSeqNumbers: the advice names every aim by its AimSeqNumber, so they come first.

Two aims sharing a number (R_07) cannot be told apart by a change, by the plan or
by the writer: rather than advise on a record with one of them silently missing,
the advice stops at a "person must check" that names the renumbering (the aims
are numbered consecutively from 1, per the AimSeqNumber field page). A number
beyond the count of aims (AimSeqNumber_02) is renumbered with the rest of the
changes, onto the lowest number left free once those are made.
"""

from __future__ import annotations

from collections.abc import Callable

from ..ilr.model import Delivery, Learner
from ..rules.base import fmt
from .apply import apply_changes
from .citations import cite
from .types import Change, Proposal, Question


def clashes(learner: Learner) -> list[tuple[Delivery, Delivery]]:
    """(first aim, later aim) for every later aim whose readable AimSeqNumber an earlier aim already has."""
    first: dict[int, Delivery] = {}
    out: list[tuple[Delivery, Delivery]] = []
    for d in learner.deliveries:
        if d.seq is None or "AimSeqNumber" in d.problems:
            continue
        if d.seq in first:
            out.append((first[d.seq], d))
        else:
            first[d.seq] = d
    return out


def clash_proposal(learner: Learner, found: list[tuple[Delivery, Delivery]]) -> Proposal:
    """No changes until every aim has its own AimSeqNumber: one check naming the renumbering."""
    count = len(learner.deliveries)
    free = iter(sorted(set(range(1, count + 1)) - {d.seq for d in learner.deliveries if d.seq is not None}))
    moves = []
    for first, later in found:
        to = next(free, None)
        moves.append(f"the {later.learn_aim_ref} aim numbered {later.seq} (after {first.learn_aim_ref}, also {first.seq}) "
                     + (f"becomes {to}" if to is not None else "gets a number of its own"))
    seq = found[0][1].seq
    text = (f"A person must check the AimSeqNumbers first: {'; '.join(moves)}. Two aims with one AimSeqNumber are an "
            "error (R_07) and the aims are numbered consecutively from 1; the advice names aims by their "
            "AimSeqNumber, so until each has its own it cannot tell them apart. Renumber them and check the record "
            "again.")
    explanation = (f"Two aims share AimSeqNumber {fmt(seq)} (R_07): nothing else is advised until they are renumbered, "
                   "because a change could not say which of the two it is for.")
    return Proposal(questions=(Question("aim_seq_clash", text, seq, None),), explanations=(explanation,))


def with_renumbering(learner: Learner, proposal: Proposal) -> Proposal:
    """The proposal plus, last, a new AimSeqNumber for every aim numbered beyond the count of aims (AimSeqNumber_02)."""
    after = apply_changes(learner, proposal.changes) if proposal.changes else learner
    count = len(after.deliveries)
    beyond = [d for d in after.deliveries if d.seq is not None and d.seq > count and "AimSeqNumber" not in d.problems]
    if not beyond:
        return proposal
    free = iter(sorted(set(range(1, count + 1)) - {d.seq for d in after.deliveries if d.seq is not None}))
    sources = cite(("AimSeqNumber_02",), ("vr-aimseqnumber02", "field-aimseqnumber"), "advice (AimSeqNumber)")
    extra = []
    for d in beyond:
        to = next(free, None)
        if to is None or d.seq is None:
            break
        extra.append(Change(aim_seq=d.seq, aim_ref=d.learn_aim_ref or "", field="AimSeqNumber", from_=str(d.seq),
                            to=str(to), because=(f"the aims are numbered consecutively from 1: AimSeqNumber {d.seq} is more "
                                                 f"than the {count} aims the learner has, and {to} is the lowest free",),
                            rules=("AimSeqNumber_02",), sources=sources, con_ref=d.con_ref_number))
    return Proposal(proposal.changes + tuple(extra), proposal.questions, proposal.explanations, proposal.states,
                    proposal.withheld)


def propose_numbered(propose: Callable[[], Proposal], learner: Learner) -> Proposal:
    """The advice on a record whose aims each have their own AimSeqNumber, renumbered where out of range."""
    found = clashes(learner)
    if found and learner.is_bootcamp_learner:
        return clash_proposal(learner, found)
    return with_renumbering(learner, propose())
