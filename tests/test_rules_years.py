"""Year-aware rules: the same record is judged by the rules of the file's teaching year.

The rule list held is 2025-26 v3; earlier years follow it except where a rule is
known to have changed (Outcome_11's bootcamp exclusion, Outcome_12, the EVI
rules, R_138/R_150's start limits, R_152-154). A 2026-27 file gets the 2025-26
rules, and every finding says so.
"""

from __future__ import annotations

import pytest

from assistant.ilr.model import Learner
RULES_YEAR = "2025-26"  # the year whose whole rule list (workbook) is held
from assistant.rules.catalogue import catalogue
from assistant.rules.checks import check_learner
from tests.builders import DEFAULT_FAMS, PLAN_END, ctx, event, learner, prog, subject

YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27")
#: Each year's file prepared late in the year, after every date used below.
AS_OF = {"2022-23": "2023-07-31", "2023-24": "2024-07-31", "2024-25": "2025-07-31",
         "2025-26": "2026-07-31", "2026-27": "2027-07-31"}


def in_year(year: str):
    return ctx(year, AS_OF[year])


def fired(record: Learner, year: str, rule: str) -> list[tuple]:
    return [(f.aim_seq, f.field) for f in check_learner(record, in_year(year)) if f.rule == rule]


def with_evi(date_from: str | None = "2025-10-06", **fields):
    evi = ("EVI", "4", date_from) if date_from else ("EVI", "4")
    return prog(**{"LearnStartDate": "2025-09-01", "LearnPlanEndDate": "2025-12-19",
                   "fams": DEFAULT_FAMS + (evi,), **fields})


def subject25(seq: int = 2, start: str = "2025-09-01", **fields):
    return subject(seq, **{"LearnStartDate": start, "LearnPlanEndDate": "2025-12-19", **fields})


# -- Outcome_11 and Outcome_12 ----------------------------------------------------

CONTINUING_WITH_OUTCOME = learner(prog(Outcome="8"), subject())


@pytest.mark.parametrize("year, fires", [("2022-23", True), ("2023-24", True), ("2024-25", True),
                                         ("2025-26", False), ("2026-27", False)])
def test_outcome_11_fires_on_bootcamps_only_before_2025_26(year: str, fires: bool) -> None:
    """The forum shows ZPROG001 coded CompStatus 1 / Outcome 8 getting Outcome_11 around 2023-24;
    the 2025-26 list excludes Skills Bootcamps."""
    assert fired(CONTINUING_WITH_OUTCOME, year, "Outcome_11") == ([(1, "Outcome")] if fires else [])


def test_outcome_11_says_its_years_rule_list_is_not_held() -> None:
    found = [f for f in check_learner(CONTINUING_WITH_OUTCOME, in_year("2023-24")) if f.rule == "Outcome_11"]
    assert found and found[0].year_note and "2023-24" in found[0].year_note


CLOSED_WITHOUT_OUTCOME = learner(prog(), subject(CompStatus="2", LearnActEndDate=PLAN_END))


@pytest.mark.parametrize("year, fires", [("2023-24", False), ("2024-25", False), ("2025-26", True), ("2026-27", True)])
def test_outcome_12_only_from_2025_26(year: str, fires: bool) -> None:
    assert fired(CLOSED_WITHOUT_OUTCOME, year, "Outcome_12") == ([(2, "Outcome")] if fires else [])
    # CompStatus_04 says the same thing in every year, so the record is never clean.
    assert fired(CLOSED_WITHOUT_OUTCOME, year, "CompStatus_04") == [(2, "Outcome")]


# -- event indicators and the rules that keep the two methods apart ---------------

EVI_CASES: list[tuple[str, Learner]] = [
    ("LearnDelFAMType_132", learner(with_evi(ProgType="25"), subject25())),
    ("LearnDelFAMType_133", learner(prog(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-12-19"),
                                    subject25(fams=DEFAULT_FAMS + (("EVI", "4", "2025-10-06"),)))),
    ("LearnDelFAMDateFrom_05", learner(with_evi(None), subject25())),
    ("LearnDelFAMDateFrom_06", learner(with_evi("2025-07-31", LearnStartDate="2025-07-28"), subject25(start="2025-07-28"))),
    ("LearnDelFAMDateFrom_07", learner(with_evi("2025-08-31"), subject25())),
    ("R_152", learner(with_evi(LearnStartDate="2025-07-31"), subject25(start="2025-07-31"))),
    ("R_153", learner(with_evi("2025-07-31", LearnStartDate="2025-08-01"), subject25(start="2025-08-01"))),
    ("R_154", learner(prog(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-12-19"), subject25(),
                      event("2025-10-06"))),
]


@pytest.mark.parametrize("rule, record", EVI_CASES, ids=[c[0] for c in EVI_CASES])
def test_evi_rules_only_from_2025_26(rule: str, record: Learner) -> None:
    assert fired(record, "2025-26", rule), f"{rule} should fire in 2025-26"
    assert fired(record, "2026-27", rule), f"{rule} should fire in 2026-27 (2025-26 rules)"
    for year in ("2023-24", "2024-25"):
        assert fired(record, year, rule) == [], f"{rule} fired in {year}, before event indicators existed"


def test_evi_date_is_a_fam_date_only_from_2025_26() -> None:
    """LearnDelFAMDateFrom_03 (v2 amendment) adds EVI to the FAM types that may carry a date."""
    record = learner(with_evi(), subject25())
    assert fired(record, "2024-25", "LearnDelFAMDateFrom_03") == [(1, "LearnDelFAMDateFrom")]
    assert fired(record, "2025-26", "LearnDelFAMDateFrom_03") == []


# -- start-date windows that changed in 2025-26 ------------------------------------

def test_r150_window_closes_on_31_july_2025_in_2025_26() -> None:
    # A programme from 4 Aug 2025 with an event aim dated before it.
    late = learner(prog(LearnStartDate="2025-08-04", LearnPlanEndDate="2025-12-19"), subject25(start="2025-08-04"),
                   event("2025-08-01"))
    assert fired(late, "2024-25", "R_150") == [(3, "LearnStartDate")]  # 2024-25: starts from 1 Aug 2024, no end
    assert fired(late, "2025-26", "R_150") == []                        # 2025-26: only up to 31 Jul 2025 ...
    assert fired(late, "2025-26", "R_154") == [(3, "LearnAimRef")]     # ... such a programme uses EVI instead
    # A programme from 31 Jul 2025 is inside both windows.
    edge = learner(prog(LearnStartDate="2025-07-31", LearnPlanEndDate="2025-12-19"), subject25(start="2025-07-31"),
                   event("2025-07-30"))
    assert fired(edge, "2024-25", "R_150") == [(3, "LearnStartDate")]
    assert fired(edge, "2025-26", "R_150") == [(3, "LearnStartDate")]


def completed_without_event(start: str) -> Learner:
    return learner(prog(LearnStartDate=start, LearnPlanEndDate="2025-12-19", CompStatus="2",
                        LearnActEndDate="2025-12-19", Outcome="8"),
                   subject25(start=start, CompStatus="2", LearnActEndDate="2025-12-19", Outcome="1"))


def test_r138_limited_to_starts_up_to_31_july_2025_in_2025_26() -> None:
    # Files prepared within six months of the 19 Dec 2025 end, so the six-month exclusion is out of play.
    def r138(start: str, year: str) -> list[tuple]:
        found = check_learner(completed_without_event(start), ctx(year, "2026-03-31"))
        return [(f.aim_seq, f.field) for f in found if f.rule == "R_138"]

    assert r138("2025-07-31", "2025-26") == [(1, "AchDate")]
    assert r138("2025-08-01", "2025-26") == []
    assert r138("2025-08-01", "2026-27") == []
    # The limit came with the 2025-26 amendment; the earlier wording had none.
    assert r138("2025-08-01", "2024-25") == [(1, "AchDate")]


# -- rules that began in a given year -----------------------------------------------

def test_r144_from_2023_24() -> None:
    record = learner(prog(LearnStartDate="2023-09-04", LearnPlanEndDate="2023-12-15", CompStatus="2",
                          LearnActEndDate="2023-12-15", Outcome="1", AchDate="2023-09-01"),
                     subject(LearnStartDate="2023-09-04", LearnPlanEndDate="2023-12-15", CompStatus="2",
                             LearnActEndDate="2023-12-15", Outcome="1"))
    assert fired(record, "2022-23", "R_144") == []
    assert fired(record, "2023-24", "R_144") == [(1, "AchDate")]


def test_r149_and_hgv_event_rule_from_2024_25() -> None:
    early_subject = learner(prog(LearnStartDate="2024-08-05"), subject(LearnStartDate="2024-08-02"))
    assert fired(early_subject, "2023-24", "R_149") == []
    assert fired(early_subject, "2024-25", "R_149") == [(2, "LearnStartDate")]
    hgv = learner(prog(CompStatus="2", LearnActEndDate=PLAN_END, Outcome="8"),
                  subject(CompStatus="2", LearnActEndDate=PLAN_END, Outcome="1"),
                  event("2024-12-10", ref="Z0060443", LearnPlanEndDate="2024-12-11"))
    assert fired(hgv, "2023-24", "LearnAimRef_154") == []
    assert fired(hgv, "2024-25", "LearnAimRef_154") == [(3, "LearnActEndDate")]


# -- a year after the rule list we hold ---------------------------------------------

def test_2026_27_gets_the_2025_26_rules() -> None:
    texts = catalogue()
    for rid, text in texts.items():
        assert text.applies_in(in_year("2026-27")) == text.applies_in(in_year(RULES_YEAR)), rid


def test_2026_27_findings_carry_a_year_note_and_2025_26_ones_do_not() -> None:
    record = learner(prog(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-12-19"),
                     subject25(CompStatus="2", LearnActEndDate="2025-10-31"), event("2025-10-06"))
    later = check_learner(record, in_year("2026-27"))
    now = check_learner(record, in_year("2025-26"))
    assert {f.rule for f in later} == {f.rule for f in now} >= {"R_154", "Outcome_12", "CompStatus_04"}
    for f in later:
        assert f.year_note and "2026-27" in f.year_note and "2025-26" in f.year_note, f.rule
    assert all(f.year_note is None for f in now)
