"""The forum thread the project started from, rebuilt as synthetic XML records.

For each provider's record: the assistant finds what held the payment back
and proposes the fix that paid (programme aim CompStatus 2, LearnActEndDate
returned, Outcome 8, no AchDate), and the proposal re-checks clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.advice.engine import diagnose_learner
from assistant.advice.types import Facts
from assistant.faces.diagnose import context_for, resolve_input
from assistant.ilr.reader import read_path
from tests.builders import d

FORUM = Path(__file__).parent / "fixtures" / "forum"


def load(name: str, facts: Facts | None = None):
    result = read_path(str(FORUM / f"{name}.xml"))
    info = resolve_input(result.year, result.year_source, result.file_preparation_date, None, None)
    [learner] = result.learners
    return diagnose_learner(learner, context_for(info), facts)


def changes(dg) -> dict[tuple[int, str], tuple]:
    return {(c.aim_seq, c.field): (c.from_, c.to) for c in dg.proposal.changes}


def milestone(dg, name: str, after: bool = False) -> str:
    progs = dg.programmes_after if after else dg.programmes
    return progs[0].milestones[name].status


def test_open_programme_with_event_is_the_m2_blocker():
    dg = load("becks-original")
    assert milestone(dg, "M2") == "blocked"
    assert "still open" in dg.programmes[0].milestones["M2"].reasons[0]
    assert changes(dg) == {(1, "CompStatus"): ("1", "2"), (1, "LearnActEndDate"): (None, "2022-12-20")}
    assert all(c.grade == "forum-confirmed" for c in dg.proposal.changes)
    assert milestone(dg, "M2", after=True) == "payable"
    assert not [f for f in dg.findings_after if f.is_error]


def test_outcome_11_fires_on_the_open_programme_before_2025_26():
    dg = load("becks-original")
    assert [f.rule for f in dg.findings] == ["Outcome_11"]
    assert dg.findings[0].message == "If an outcome code has been returned an actual end date must be returned"


def test_cs2_without_end_date_gets_the_end_date_not_a_reversal():
    dg = load("becks-cs2-no-end-date")
    assert {f.rule for f in dg.findings} >= {"CompStatus_03"}
    # the end date is the later of the learning end and the event (R_143), not a step back to CS 1
    assert changes(dg) == {(1, "LearnActEndDate"): (None, "2022-12-20")}
    assert milestone(dg, "M2", after=True) == "payable"


def test_programme_end_date_covers_an_event_after_the_course():
    dg = load("becky-compstatus-02")
    assert {f.rule for f in dg.findings} == {"CompStatus_02", "R_143"}
    assert changes(dg) == {(1, "CompStatus"): ("1", "2"), (1, "LearnActEndDate"): ("2023-12-15", "2024-01-22")}
    assert milestone(dg, "M2", after=True) == "payable"


def test_outcome_2_is_replaced_by_8():
    dg = load("nicola-outcome-2")
    assert milestone(dg, "M2") == "blocked"
    assert "Outcome 2" in dg.programmes[0].milestones["M2"].reasons[0]
    assert changes(dg) == {(1, "Outcome"): ("2", "8")}
    assert milestone(dg, "M2", after=True) == "payable"


@pytest.mark.parametrize("name", ["leah-outcome-11", "lisa-helpdesk"])
def test_finished_learning_without_event_stays_open_and_asks_for_the_event(name):
    dg = load(name)
    assert "Outcome_11" in {f.rule for f in dg.findings}
    assert changes(dg) == {(1, "Outcome"): ("8", None)}
    assert milestone(dg, "M2", after=True) == "not-yet"
    assert "event" in {q.id for q in dg.proposal.questions}


def test_lisa_with_the_interview_offer_gets_the_fix_that_paid():
    dg = load("lisa-helpdesk", Facts(event="interview", event_date=d("2023-03-01")))
    got = changes(dg)
    assert got[(1, "CompStatus")] == ("1", "2")
    assert got[(1, "LearnActEndDate")] == (None, "2023-03-01")
    assert (1, "Outcome") not in got  # Outcome 8 stays: the coding that paid
    assert got[(4, "LearningDelivery")] == (None, "Z0059747")
    assert got[(4, "LearnActEndDate")] == (None, "2023-03-01")
    assert milestone(dg, "M2", after=True) == "payable"
    assert not dg.introduced


def test_six_months_later_without_an_event_closes_with_outcome_3():
    result = read_path(str(FORUM / "leah-outcome-11.xml"))
    info = resolve_input(result.year, result.year_source, result.file_preparation_date, None, "2024-07-31")
    dg = diagnose_learner(result.learners[0], context_for(info))
    got = changes(dg)
    assert got[(1, "CompStatus")] == ("1", "2")
    assert got[(1, "LearnActEndDate")] == (None, "2023-12-15")
    assert got[(1, "Outcome")] == ("8", "3")
    assert dg.proposal.states["SB-10000001-1"] == "no outcome within six months"
    assert not [f for f in dg.findings_after if f.is_error]


@pytest.mark.parametrize("path", sorted(FORUM.glob("*.xml")), ids=lambda p: p.stem)
def test_every_forum_fix_introduces_no_error_and_is_stable(path):
    dg = load(path.stem)
    assert dg.introduced == []
    again = diagnose_learner(dg.fixed, dg.ctx)
    assert again.proposal.changes == ()
