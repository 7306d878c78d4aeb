"""An AchDate recorded on the subject aim but not on the programme aim (review batch 6's X33/X34).

For a bootcamp the AchDate is collected on the programme aim (AimType 1), where it is the date the learner met
the requirements for progression and triggers M3 (AchDate field page,
https://guidance.submit-learner-data.service.gov.uk/24-25/ilr/entity/LearningDelivery/field/AchDate).
AchDate_09 excludes FM37, so one on the subject aim raises no error and pays nothing: whether the learner
reached a positive outcome on that date is a fact to ask, never moved over on a guess.
"""

from __future__ import annotations

from datetime import date

from assistant.advice.engine import diagnose_learner
from assistant.advice.types import Facts
from tests.builders import ctx, event, learner, prog, subject


def job_on_the_subject_aim():
    return learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="8"),
                   subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1", AchDate="2025-02-17"),
                   event("2025-01-10"))


def test_an_achdate_on_the_subject_aim_only_is_asked_about_and_nothing_is_changed():
    dg = diagnose_learner(job_on_the_subject_aim(), ctx("2024-25", "2025-04-30"))
    asked = {q.id: q for q in dg.proposal.questions}
    assert "positive_outcome" in asked
    assert "17/02/2025" in asked["positive_outcome"].text or "2025-02-17" in asked["positive_outcome"].text
    assert "programme aim" in asked["positive_outcome"].text
    assert dg.proposal.changes == ()


def test_on_yes_the_outcome_is_recorded_on_the_programme_aim():
    dg = diagnose_learner(job_on_the_subject_aim(), ctx("2024-25", "2025-04-30"),
                          Facts(positive_outcome=True, outcome_date=date(2025, 2, 17)))
    got = {(c.aim_seq, c.field): c.to for c in dg.proposal.changes}
    assert got[(1, "Outcome")] == "1" and got[(1, "AchDate")] == "2025-02-17"
    assert dg.verified


def test_on_no_nothing_is_asked_again():
    dg = diagnose_learner(job_on_the_subject_aim(), ctx("2024-25", "2025-04-30"), Facts(positive_outcome=False))
    assert "positive_outcome" not in {q.id for q in dg.proposal.questions}
