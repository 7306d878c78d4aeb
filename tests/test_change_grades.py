"""A proposed change is no more official than its evidence in the record's teaching year.

A change whose only official source is a year's rule wording (the 2025-26 workbook) stays
official in a year whose page for that rule is held, and becomes an inference elsewhere, saying
which year's wording it used. A change that also stands on official guidance that is not a
year's rule list (the PSM) keeps its grade; so do forum-confirmed changes.
"""

from __future__ import annotations

from assistant.advice.engine import diagnose_learner
from assistant.rules.catalogue import catalogue
from assistant.rules.evidence import evidence

from .builders import ctx, event, learner, prog, subject


def _changes_citing(dg, rule):
    return [c for c in dg.proposal.changes if rule in c.rules]


def _add_hours():
    """AddHours on a bootcamp aim: AddHours_02, whose only official source is the 2025-26 workbook."""
    return learner(prog(AddHours="10"), subject())


def test_rule_list_change_in_a_year_whose_page_is_held_stays_official() -> None:
    assert evidence("AddHours_02", catalogue()["AddHours_02"].grade, "2025-26").grade == "official"
    cited = _changes_citing(diagnose_learner(_add_hours(), ctx("2025-26", "2025-03-31")), "AddHours_02")
    assert cited and all(c.grade == "official" for c in cited)
    assert not any("is held here" in b for c in cited for b in c.because)


def test_rule_list_change_in_a_year_without_the_page_is_an_inference_and_says_so() -> None:
    assert evidence("AddHours_02", catalogue()["AddHours_02"].grade, "2022-23").grade == "inference"
    cited = _changes_citing(diagnose_learner(_add_hours(), ctx("2022-23", "2023-03-31")), "AddHours_02")
    assert cited and all(c.grade == "inference" for c in cited)
    assert any("No 2022-23 page for AddHours_02" in b for c in cited for b in c.because)


def test_a_change_backed_by_the_psm_keeps_its_grade_in_any_year() -> None:
    """An event aim left continuing: closing it rests on the PSM, whatever year's rule pages are held."""
    rec = learner(prog(CompStatus="2", LearnActEndDate="2024-12-15", Outcome="8"),
                  subject(CompStatus="2", LearnActEndDate="2024-12-10", Outcome="1"),
                  event("2024-12-15", CompStatus="1", LearnActEndDate=None, Outcome=None))
    for year in ("2022-23", "2025-26"):
        cited = _changes_citing(diagnose_learner(rec, ctx(year, "2025-03-31")), "CompStatus_09")
        assert cited and all(c.grade == "official" for c in cited), year


def test_forum_confirmed_changes_keep_their_grade() -> None:
    rec = learner(prog(CompStatus="2", LearnActEndDate="2024-12-05", Outcome="8"),
                  subject(CompStatus="2", LearnActEndDate="2024-12-10", Outcome="1"), event("2024-12-01"))
    for year in ("2022-23", "2025-26"):
        cited = _changes_citing(diagnose_learner(rec, ctx(year, "2025-03-31")), "R_143")
        assert cited and all(c.grade == "forum-confirmed" for c in cited), year


def _reopened(year: str, as_of: str, start: str, end: str, outcome: str):
    """A programme aim closed early while the subject aim continues, reopened once the user says the learning goes on."""
    from assistant.advice.types import Facts

    lrn = learner(prog(LearnStartDate=start, LearnPlanEndDate=end, CompStatus="2", LearnActEndDate=end, Outcome=outcome),
                  subject(LearnStartDate=start, LearnPlanEndDate=end, CompStatus="1"))
    dg = diagnose_learner(lrn, ctx(year, as_of), Facts(learning_finished=False))
    [change] = [c for c in dg.proposal.changes if c.field == "Outcome"]
    return change


def test_clearing_an_outcome_cites_only_the_rules_that_apply() -> None:
    """Outcome_10 is about Outcome 3 only; Outcome_11 excludes bootcamps from 2025-26."""
    assert _reopened("2024-25", "2025-03-31", "2024-09-02", "2024-12-20", "2").rules == ("Outcome_11",)
    assert _reopened("2024-25", "2025-03-31", "2024-09-02", "2024-12-20", "3").rules == ("Outcome_11", "Outcome_10")
    assert _reopened("2025-26", "2025-12-15", "2025-09-01", "2025-11-28", "3").rules == ("Outcome_10",)
    # No rule held requires it in 2025-26: said as our reading, graded inference, never official.
    change = _reopened("2025-26", "2025-12-15", "2025-09-01", "2025-11-28", "2")
    assert change.rules == () and change.grade == "inference" and "our reading" in change.because[0]


def test_the_six_month_rule_on_an_evi_programme_is_our_reading() -> None:
    """The PSM's six-month rule is quoted from the event-aims article; for EVI programmes it is an inference."""
    def six_months_on(start: str, end: str, year: str, as_of: str):
        lrn = learner(prog(LearnStartDate=start, LearnPlanEndDate=end, CompStatus="2", LearnActEndDate=end, Outcome="8"),
                      subject(LearnStartDate=start, LearnPlanEndDate=end, CompStatus="2", LearnActEndDate=end, Outcome="1"))
        dg = diagnose_learner(lrn, ctx(year, as_of))
        [closing] = [c for c in dg.proposal.changes if c.field == "Outcome" and c.to == "3"]
        [p] = dg.programmes
        return closing, p.milestones["M2"]

    closing, m2 = six_months_on("2025-09-01", "2025-10-31", "2025-26", "2026-06-01")
    assert closing.grade == "inference" and "R_138" not in closing.rules and "our reading" in closing.because[0]
    assert m2.status == "not-payable" and m2.evidence == "inference"
    closing, m2 = six_months_on("2024-09-02", "2024-10-31", "2024-25", "2025-06-01")
    assert closing.grade == "official" and m2.status == "not-payable" and m2.evidence == "official"


def test_a_contract_reference_filled_from_the_other_aims_is_our_reading() -> None:
    """No source says which ConRefNumber a bare aim takes: the record implies it, so the fill is graded inference."""
    bare_programme = learner(prog(ConRefNumber=None), subject(ConRefNumber="SB-R-1"))
    cited = [c for c in diagnose_learner(bare_programme, ctx("2024-25", "2025-03-31")).proposal.changes
             if c.field == "ConRefNumber"]
    assert cited and all(c.grade == "inference" and c.to == "SB-R-1" for c in cited)
