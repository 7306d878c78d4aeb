"""A subject aim stopped (withdrawn or paused) while the programme aim is left continuing (review batch 5's W25).

The record says the learner stopped the learning but not the bootcamp: left, paused, or moved to other
learning is a fact. The advice neither calls the learning "finished" (and asks for an event) nor closes the
programme on a guess: it asks whether the learner has left, and stops the programme only on that answer.
Sources: the PSM ends the programme aim "when the bootcamp learning has finished ... unless the learner
withdraws" (https://guidance.submit-learner-data.service.gov.uk/provider-support-manual/article/recordingskills-bootcamps-in-the-ilr);
a withdrawn aim ends on "the date of last learning activity" with CompStatus 3, a WithdrawReason and Outcome 3
(https://esfahelp.education.gov.uk/hc/en-gb/community/posts/4428117728914-BIL-to-LNA, quoting the PSM).
"""

from __future__ import annotations

from datetime import date

from assistant.advice.engine import diagnose_learner
from assistant.advice.states import WAITING, WITHDRAWN
from assistant.advice.types import Facts
from tests.builders import ctx, event, learner, prog, subject


def withdrawn_subject_open_programme():
    return learner(prog(), subject(CompStatus="3", LearnActEndDate="2024-10-18", Outcome="3", WithdrawReason="44"))


def test_a_withdrawn_subject_under_an_open_programme_is_not_learning_finished_and_asks_whether_the_learner_left():
    dg = diagnose_learner(withdrawn_subject_open_programme(), ctx("2024-25", "2025-01-31"))
    asked = {q.id: q for q in dg.proposal.questions}
    assert set(dg.proposal.states.values()) != {WAITING}
    assert "event" not in asked  # the learning did not finish: no event is asked for yet
    assert "left_bootcamp" in asked and asked["left_bootcamp"].fact == "withdrawn_date"
    assert "left the bootcamp" in asked["left_bootcamp"].text
    assert dg.proposal.changes == ()  # nothing is closed on a guess


def test_on_yes_the_programme_aim_is_withdrawn_on_the_same_day_with_the_subject_aims_reason():
    dg = diagnose_learner(withdrawn_subject_open_programme(), ctx("2024-25", "2025-01-31"),
                          Facts(withdrawn_date=date(2024, 10, 18)))
    got = {(c.aim_seq, c.field): c.to for c in dg.proposal.changes}
    assert set(dg.proposal.states.values()) == {WITHDRAWN}
    assert got == {(1, "CompStatus"): "3", (1, "LearnActEndDate"): "2024-10-18", (1, "Outcome"): "3",
                   (1, "WithdrawReason"): "44"}
    assert dg.verified


def test_a_paused_subject_under_an_open_programme_asks_about_the_break_date():
    rec = learner(prog(), subject(CompStatus="6", LearnActEndDate="2024-10-18", Outcome="3"))
    dg = diagnose_learner(rec, ctx("2024-25", "2025-01-31"))
    asked = {q.id: q for q in dg.proposal.questions}
    assert "event" not in asked
    assert asked["left_bootcamp"].fact == "break_date"


def test_a_break_is_not_pushed_to_an_evi_dated_during_it():
    """Batch 6's X27: a break's LearnActEndDate is the last day of learning before the break (the guidance for a
    BIL, https://esfahelp.education.gov.uk/hc/en-gb/community/posts/4610798367506-Last-Day-of-Activity-for-a-Break-in-Learning),
    a fact, so an EVI dated during the break (LearnDelFAMDateFrom_07) is a person's check, not a moved end date."""
    rec = learner(prog(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-11-28", CompStatus="6",
                       LearnActEndDate="2025-10-24", Outcome="3",
                       fams=(("SOF", "105"), ("FFI", "1"), ("EVI", "4", "2025-11-20"))),
                  subject(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-11-28", CompStatus="6",
                          LearnActEndDate="2025-10-24", Outcome="3"))
    dg = diagnose_learner(rec, ctx("2025-26", "2026-01-16"))
    assert not any(c.field == "LearnActEndDate" for c in dg.proposal.changes)
    check = {q.id: q for q in dg.proposal.questions}["evi_after_break"]
    assert "went on a break" in check.text and "2025-11-20" in check.text.replace("20/11/2025", "2025-11-20")


def test_a_break_is_not_pushed_to_an_event_aim_dated_during_it():
    rec = learner(prog(CompStatus="6", LearnActEndDate="2024-10-24", Outcome="3"),
                  subject(CompStatus="6", LearnActEndDate="2024-10-24", Outcome="3"),
                  event("2024-11-20"))
    dg = diagnose_learner(rec, ctx("2024-25", "2025-01-16"))
    assert not any(c.field == "LearnActEndDate" and c.aim_seq == 1 for c in dg.proposal.changes)
    assert "event_after_break" in {q.id for q in dg.proposal.questions}


def test_a_programme_on_a_break_whose_subject_aim_is_withdrawn_asks_whether_the_learner_left():
    """Batch 6's X36: the programme aim is on a break (CS 6) but its only subject aim says withdrawn (CS 3). A learner
    who does not return from a break is recorded as withdrawn on every aim (the guidance quoted at
    https://esfahelp.education.gov.uk/hc/en-gb/community/posts/4428117728914-BIL-to-LNA), so the record may be half
    updated: ask, and change nothing until told."""
    rec = learner(prog(CompStatus="6", LearnActEndDate="2024-10-18", Outcome="3"),
                  subject(CompStatus="3", LearnActEndDate="2024-10-18", Outcome="3", WithdrawReason="44"))
    dg = diagnose_learner(rec, ctx("2024-25", "2025-01-31"))
    asked = {q.id: q for q in dg.proposal.questions}
    assert asked["left_bootcamp"].fact == "withdrawn_date" and "left the bootcamp" in asked["left_bootcamp"].text
    assert dg.proposal.changes == ()
    yes = diagnose_learner(rec, ctx("2024-25", "2025-01-31"), Facts(withdrawn_date=date(2024, 10, 18)))
    assert {(c.aim_seq, c.field): c.to for c in yes.proposal.changes} == {(1, "CompStatus"): "3", (1, "WithdrawReason"): "44"}


def test_a_programme_on_a_break_with_its_subject_aim_on_the_break_asks_nothing():
    rec = learner(prog(CompStatus="6", LearnActEndDate="2024-10-18", Outcome="3"),
                  subject(CompStatus="6", LearnActEndDate="2024-10-18", Outcome="3"))
    dg = diagnose_learner(rec, ctx("2024-25", "2025-01-31"))
    assert "left_bootcamp" not in {q.id for q in dg.proposal.questions}
