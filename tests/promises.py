"""The four promises as checks on one diagnosis, shared by the review corpus and the mutation test."""

from __future__ import annotations

from collections import Counter

from assistant.advice.engine import Diagnosis
from assistant.ilr.model import Learner


def recorded_events(learner: Learner) -> Counter:
    """Every event the record holds: event aims by reference, EVIs by code (ConRefNumber fixes move neither)."""
    found: Counter = Counter()
    for d in learner.deliveries:
        if d.is_event_aim:
            found[("aim", (d.learn_aim_ref or "").upper())] += 1
        for f in d.fams_of("EVI"):
            found[("evi", f.code)] += 1
    return found


def events_lost(dg: Diagnosis) -> list[tuple]:
    """Events the changes remove with no question asked and no event left to record them.

    An event aim replaced by an EVI (R_154) or an EVI dropped where a standard event aim records the
    event (R_152) is a replacement, not a loss.
    """
    before, after = recorded_events(dg.learner), recorded_events(dg.fixed)
    lost = before - after
    if not lost or dg.proposal.questions or sum(after.values()) > 0:
        return []
    return list(lost)


def stops_short(dg: Diagnosis) -> list[str]:
    """Errors left after the changes with no question about their aim, their bootcamp or the learner."""
    asked = {q.aim_seq for q in dg.proposal.questions}
    con_of = {d.seq: d.con_ref_number for d in dg.learner.deliveries}
    bootcamps = {con_of.get(s) for s in asked}
    left = [f"{f.rule}@{f.aim_seq}" for f in dg.findings_after
            if f.is_error and f.aim_seq not in asked and None not in asked and con_of.get(f.aim_seq, "?") not in bootcamps]
    if not dg.proposal.questions:
        left += [f"{name} blocked" for p in dg.programmes_after for name, m in p.milestones.items() if m.status == "blocked"]
    return left
