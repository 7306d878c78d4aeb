"""Milestone status from the record: payable, blocked, not-yet, not-payable, unknown — with evidence."""

from __future__ import annotations

import pytest

from assistant.ilr.model import Fam
from assistant.rules.checks import check_learner
from assistant.rules.milestones import assess
from tests.builders import ctx, d, event, learner, prog, subject

CLOSED_SUBJECT = dict(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1")


def status(record, c=None):
    c = c or ctx("2024-25", "2025-03-31")
    [p] = assess(record, c, check_learner(record, c))
    return {k: (m.status, m.evidence) for k, m in p.milestones.items()}, p


def test_in_learning_m1_depends_on_attendance_the_ilr_does_not_hold():
    got, _ = status(learner(prog(), subject()))
    assert got["M1"] == ("unknown", "inference")
    assert got["M2"][0] == "not-yet"
    assert got["M3"][0] == "not-yet"


def _withdrawn(end: str, start: str = "2023-09-04", plan_end: str = "2023-12-15"):
    stop = dict(LearnStartDate=start, LearnPlanEndDate=plan_end, CompStatus="3", LearnActEndDate=end, Outcome="3",
                WithdrawReason="44")
    return learner(prog(**stop), subject(**stop))


@pytest.mark.parametrize("end, want", [("2023-09-07", "not-payable"), ("2023-09-08", "unknown")])
def test_m1_a_withdrawal_inside_the_five_qualifying_days_of_2023_24_contracts(end, want):
    """Batch 5 W19: 4 days of learning cannot hold 5 qualifying days (PICS table, 2022-23/2023-24); 5 may."""
    got, p = status(_withdrawn(end), ctx("2023-24", "2023-12-01"))
    assert got["M1"] == (want, "inference")
    if want == "not-payable":
        assert "4 day(s)" in p.milestones["M1"].reasons[0]


def test_m1_a_two_day_withdrawal_on_a_2024_25_start_stays_unknown():
    """The 2024-25 M1 condition is not found (official-rules §8): no qualifying-day count is applied."""
    got, _ = status(_withdrawn("2024-09-03", "2024-09-02", "2024-12-20"), ctx("2024-25", "2024-12-01"))
    assert got["M1"] == ("unknown", "inference")


def test_start_after_the_file_date_is_not_yet():
    got, _ = status(learner(prog(LearnStartDate="2025-05-01", LearnPlanEndDate="2025-07-01"),
                            subject(LearnStartDate="2025-05-01", LearnPlanEndDate="2025-07-01")))
    assert got["M1"][0] == "not-yet"


def test_m2_payable_with_the_forum_confirmed_coding():
    got, p = status(learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="8"),
                            subject(**CLOSED_SUBJECT), event("2025-01-10")))
    assert got["M1"] == ("payable", "inference")
    assert got["M2"] == ("payable", "forum-confirmed")
    assert got["M3"][0] == "not-yet"
    assert p.method == "event-aims"


def test_m2_blocked_while_the_programme_aim_is_open():
    got, p = status(learner(prog(), subject(**CLOSED_SUBJECT), event("2025-01-10")))
    assert got["M2"][0] == "blocked"
    assert "still open" in p.milestones["M2"].reasons[0]


def test_m2_blocked_by_outcome_2():
    got, p = status(learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="2"),
                            subject(**CLOSED_SUBJECT), event("2025-01-10")))
    assert got["M2"] == ("blocked", "forum-confirmed")
    assert "HE-only" in p.milestones["M2"].reasons[0]


def test_m2_after_outcome_3_with_an_event_is_unknown_not_guessed():
    """After the six months, Outcome 3 with an event: what M2 then pays has not been reported."""
    got, _ = status(learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="3"),
                            subject(**CLOSED_SUBJECT), event("2025-01-10")), ctx("2024-25", "2025-07-31"))
    assert got["M2"] == ("unknown", "inference")
    assert got["M3"][0] == "not-payable"


def test_outcome_3_inside_six_months_after_an_event_blocks_m2():
    got, p = status(learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="3"),
                            subject(**CLOSED_SUBJECT), event("2025-01-10")))
    assert got["M2"][0] == "blocked"
    assert "Outcome 8" in p.milestones["M2"].reasons[0]


def test_a_job_with_no_event_recorded_does_not_pay_m3():
    """M3 needs an event: the PSM dates the AchDate from when an event aim has been recorded."""
    got, p = status(learner(prog(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1", AchDate="2025-01-20"),
                            subject(**CLOSED_SUBJECT)))
    # that M2 needs the event is DfE's milestone table as PICS reproduces it (vendor); the PSM dates the AchDate
    assert got["M2"] == ("blocked", "vendor")
    assert got["M3"] == ("blocked", "official")
    assert any("no event is recorded" in r for r in p.milestones["M3"].reasons)


def test_withdrawn_before_any_event_is_not_payable_not_not_yet():
    got, _ = status(learner(prog(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3", WithdrawReason="44"),
                            subject(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3", WithdrawReason="44")))
    assert got["M2"] == ("not-payable", "inference")
    assert got["M3"][0] == "not-payable"


def test_six_months_with_no_event_is_not_payable():
    got, _ = status(learner(prog(), subject(**CLOSED_SUBJECT)), ctx("2024-25", "2025-07-01"))
    assert got["M2"] == ("not-payable", "official")
    got, _ = status(learner(prog(), subject(**CLOSED_SUBJECT)), ctx("2024-25", "2025-06-20"))
    assert got["M2"][0] == "not-yet"


def test_break_in_learning_is_still_not_yet():
    got, _ = status(learner(prog(CompStatus="6", LearnActEndDate="2024-10-01", Outcome="3"),
                            subject(CompStatus="6", LearnActEndDate="2024-10-01", Outcome="3")))
    assert got["M2"][0] == "not-yet"


def test_m3_reasons_come_from_the_rule_engine_findings():
    got, p = status(learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="8", AchDate="2025-02-01"),
                            subject(**CLOSED_SUBJECT), event("2025-01-10")))
    assert got["M3"][0] == "blocked"
    assert any("(Outcome_04)" in r for r in p.milestones["M3"].reasons)


def test_m3_blocked_when_outcome_1_has_no_achdate():
    got, p = status(learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="1"),
                            subject(**CLOSED_SUBJECT), event("2025-01-10")))
    assert got["M3"][0] == "blocked"
    assert "AchDate" in p.milestones["M3"].reasons[0]


def test_m3_blocked_when_achdate_is_more_than_six_months_after_the_end():
    got, p = status(learner(prog(CompStatus="2", LearnActEndDate="2024-08-31", Outcome="1", AchDate="2025-03-01",
                                 LearnStartDate="2024-08-01", LearnPlanEndDate="2024-08-31"),
                            subject(CompStatus="2", LearnActEndDate="2024-08-31", Outcome="1",
                                    LearnStartDate="2024-08-01", LearnPlanEndDate="2024-08-31"),
                            event("2024-08-31")))
    assert got["M3"][0] == "blocked"
    assert any("six months" in r for r in p.milestones["M3"].reasons)


@pytest.mark.parametrize("name", ["M1", "M2", "M3"])
def test_no_milestone_is_payable_while_an_error_stands(name):
    # the M3 record above, plus an error elsewhere (no FFI on the subject aim)
    record = learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="1", AchDate="2025-02-01"),
                     subject(**CLOSED_SUBJECT, fams=(("SOF", "105"),)), event("2025-01-10"))
    got, p = status(record)
    assert got[name][0] != "payable"
    clean = learner(prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="1", AchDate="2025-02-01"),
                    subject(**CLOSED_SUBJECT), event("2025-01-10"))
    assert status(clean)[0][name][0] == "payable"


def test_event_indicator_method_for_starts_from_august_2025():
    start = dict(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-11-28")
    p = prog(**start, CompStatus="2", LearnActEndDate="2025-12-10", Outcome="8")
    p = p.with_fams(p.fams + (Fam("EVI", "4", d("2025-12-10")),))
    got, status_ = status(learner(p, subject(**start, CompStatus="2", LearnActEndDate="2025-11-28", Outcome="1")),
                          ctx("2025-26", "2026-01-31"))
    assert status_.method == "event-indicators"
    assert got["M2"] == ("payable", "inference")
    assert "not published" in status_.milestones["M2"].reasons[0]


def test_event_aim_on_a_2025_26_start_is_the_wrong_method():
    start = dict(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-11-28")
    got, p = status(learner(prog(**start, CompStatus="2", LearnActEndDate="2025-12-10", Outcome="8"),
                            subject(**start, CompStatus="2", LearnActEndDate="2025-11-28", Outcome="1"),
                            event("2025-12-10")), ctx("2025-26", "2026-01-31"))
    assert got["M2"][0] == "blocked"
    assert "R_154" in p.milestones["M2"].reasons[0]


def test_withdrawn_learner_m1_is_unknown():
    got, _ = status(learner(prog(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3", WithdrawReason="44"),
                            subject(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3", WithdrawReason="44")))
    assert got["M1"] == ("unknown", "inference")


def test_six_months_after_the_last_representable_date_does_not_crash():
    from assistant.rules.base import add_months

    assert add_months(d("9999-12-31"), 6) == d("9999-12-31")
    assert add_months(d("2024-08-31"), 6) == d("2025-02-28")
    assert add_months(d("2023-08-31"), 6) == d("2024-02-29")


def test_dates_must_use_ascii_digits():
    from assistant.ilr.model import ValueProblem, parse_iso_date

    with pytest.raises(ValueProblem):
        parse_iso_date("２０２４-01-01")
    with pytest.raises(ValueProblem):
        parse_iso_date("2024-01-01+ab:cd")
    assert parse_iso_date("2024-01-01+01:00") == d("2024-01-01")


def test_a_local_contracts_milestones_are_our_reading_unless_errors_block_them() -> None:
    """An XSB- contract defines its own milestones (domain §7): a status other than blocked cannot be official."""
    from assistant.rules.milestones import MilestoneStatus, _local

    paying = _local(MilestoneStatus("payable", ("closed with an event",), "forum-confirmed", ("forum-m2",)))
    assert paying.evidence == "inference" and "local contract" in paying.reasons[-1]
    blocked = _local(MilestoneStatus("blocked", ("R_143",), "official", ("vr-2526",)))
    assert blocked.evidence == "official"
