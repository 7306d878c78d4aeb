"""The chat and the XML route agree on the cases the review found them apart (issue 9).

For each: the record pasted into the chat, the chat's questions answered, and
the same record diagnosed directly (the `diagnose` route) with the facts the
chat collected. They must reach the same changes, and neither may act on a
reading the record does not support:

* withdrawal with its WithdrawReason recorded — the chat takes the reason and
  the date from the record instead of assuming none;
* an HGV event aim only — the chat does not read it as the M2 event R_138
  counts, and asks which standard event happened;
* AchDate with Outcome 8 — the chat does not read the AchDate as a positive
  outcome; it asks, and only the answer decides Outcome 1 or 8.
"""

from __future__ import annotations

import pytest

from assistant.advice.engine import diagnose_learner
from assistant.advice.types import Facts
from assistant.dialogue.session import Session
from assistant.rules.base import Context
from tests.builders import d, event, learner, prog, subject
from tests.test_dialogue_helpers import change_keys, drive, to_xml

WITHDRAWN = learner(
    prog(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="3", LearnActEndDate="2024-02-15",
         Outcome="3", WithdrawReason="44"),
    subject(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="3", LearnActEndDate="2024-02-15",
            Outcome="3", WithdrawReason="44"))
WITHDRAWN_NO_OUTCOME = learner(
    prog(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="3", LearnActEndDate="2024-02-15",
         WithdrawReason="43"),
    subject(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="3", LearnActEndDate="2024-02-15"))
HGV = learner(
    prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="8"),
    subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"),
    event("2025-01-10", ref="Z0060439"))
ACH_8 = learner(
    prog(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="2", LearnActEndDate="2024-05-10",
         Outcome="8", AchDate="2024-07-01"),
    subject(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="2", LearnActEndDate="2024-04-26",
            Outcome="1"),
    event("2024-05-10"))

EVI_OPEN = learner(
    prog(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-11-28", Outcome="8",
         fams=(("SOF", "105"), ("FFI", "1"), ("EVI", "4", "2025-12-10"))),
    subject(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-11-28", CompStatus="2", LearnActEndDate="2025-11-28",
            Outcome="1"))
SIX_MONTHS_AFTER_EVENT = learner(
    prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="8"),
    subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"),
    event("2025-01-10"))

CASES = {
    "withdrawal, reason recorded": (WITHDRAWN, "2024-25", "2024-03-29", []),
    "withdrawal, outcome missing": (WITHDRAWN_NO_OUTCOME, "2024-25", "2024-03-29", []),
    "HGV event aim only, interview offered": (HGV, "2024-25", "2025-02-28", ["interview offer", "no", "15/01/2025", "no"]),
    "AchDate with Outcome 8, job confirmed": (ACH_8, "2024-25", "2024-08-30", ["yes", "yes", "01/07/2024"]),
    "AchDate with Outcome 8, no job after all": (ACH_8, "2024-25", "2024-08-30", ["yes", "no"]),
    "EVI recorded, the offer was made on another day": (EVI_OPEN, "2025-26", "2026-01-31",
                                                        ["interview offer", "05/12/2025", "no"]),
    "six months after an event, a job inside AchDate_13's window": (SIX_MONTHS_AFTER_EVENT, "2024-25", "2025-08-29",
                                                                   ["yes", "yes", "05/07/2025"]),
}


def chat(record, year: str, as_of: str, answers: list[str]) -> Session:
    s = drive(Session(year=year, as_of=d(as_of)), [to_xml(record), *answers])
    assert s.prompt is None, f"stopped at {s.prompt and s.prompt.id}: {s.transcript[-1].text[:300]}"
    assert s.diagnosis is not None
    return s


@pytest.mark.parametrize("name", list(CASES))
def test_chat_and_xml_routes_agree(name):
    record, year, as_of, answers = CASES[name]
    s = chat(record, year, as_of, answers)
    direct = diagnose_learner(record, Context(year, d(as_of)), s.facts)
    assert change_keys(s.diagnosis) == change_keys(direct), name
    assert s.diagnosis.verified and direct.verified


def test_withdrawal_takes_the_recorded_reason_and_date():
    s = chat(WITHDRAWN, "2024-25", "2024-03-29", [])
    assert s.facts.withdraw_reason == "44" and s.facts.withdrawn_date == d("2024-02-15")
    assert change_keys(s.diagnosis) == []
    s = chat(WITHDRAWN_NO_OUTCOME, "2024-25", "2024-03-29", [])
    assert {(c[0], c[2], c[5]) for c in change_keys(s.diagnosis)} == {
        (1, "Outcome", "3"), (2, "Outcome", "3"), (2, "WithdrawReason", "43")}


def test_an_hgv_event_aim_is_not_taken_as_the_m2_event():
    s = drive(Session(year="2024-25", as_of=d("2025-02-28")), [to_xml(HGV)])
    assert s.prompt is not None and s.prompt.id == "event_kind"
    assert s.facts.event is None
    direct = diagnose_learner(HGV, Context("2024-25", d("2025-02-28")))
    assert "event" in {q.id for q in direct.proposal.questions}
    assert not any(c.field == "LearningDelivery" for c in direct.proposal.changes)
    told = chat(HGV, "2024-25", "2025-02-28", ["interview offer", "no", "15/01/2025", "no"])
    assert ("Z0059747" in {c.to for c in told.diagnosis.proposal.changes if c.field == "LearningDelivery"})


def test_the_hgv_answer_in_the_record_questions_names_no_aim_for_the_user():
    """Answering "hgv" to "which event aim does the record have" must not pick Z0060439 unseen."""
    from assistant.knowledge_loader import shipped
    from assistant.dialogue.tree import load_tree

    node = load_tree(shipped()).nodes["event_aim_ref"]
    hgv = [o for o in node.options if "HGV" in o.label]
    assert len(hgv) == 6 and not any("hgv" in [x.lower() for x in o.synonyms] for o in hgv)


def test_achdate_with_outcome_8_is_asked_not_read_as_a_job():
    s = drive(Session(year="2024-25", as_of=d("2024-08-30")), [to_xml(ACH_8), "yes"])
    assert s.prompt is not None and s.prompt.id == "positive_outcome"
    direct = diagnose_learner(ACH_8, Context("2024-25", d("2024-08-30")))
    assert "positive_outcome" in {q.id for q in direct.proposal.questions}
    assert not any(c.field in {"Outcome", "AchDate"} for c in direct.proposal.changes)
    yes = chat(ACH_8, "2024-25", "2024-08-30", ["yes", "yes", "01/07/2024"])
    assert (1, "Outcome", "1") in {(c.aim_seq, c.field, c.to) for c in yes.diagnosis.proposal.changes}
    no = chat(ACH_8, "2024-25", "2024-08-30", ["yes", "no"])
    assert (1, "AchDate", None) in {(c.aim_seq, c.field, c.to) for c in no.diagnosis.proposal.changes}
    assert not any(c.field == "Outcome" for c in no.diagnosis.proposal.changes)
    assert Facts(positive_outcome=False) != Facts()


def test_typing_hgv_for_the_recorded_event_aim_picks_nothing():
    s = drive(Session(year="2022-23", as_of=d("2023-01-31")),
              ["m2", "01/08/2022", "30/11/2022", "fully funded", "1", "none", "8", "Z0059758", "completed",
               "30/11/2022", "1", "hgv"])
    # "hgv" names six aims: the chat asks which one (issue 11), it never picks one
    assert s.prompt is not None and s.prompt.id in ("event_aim_ref", "event_aim_ref:which")
    assert "Z0060439 (HGV event aim)" in s.transcript[-2].text or \
        {o.value for o in s.prompt.options} >= {"Z0060439", "Z0060443"}
    assert s.learner is None or not any(x.is_event_aim for x in s.learner.deliveries)


def test_the_date_the_user_gives_dates_the_recorded_evi():
    """The offer date answered re-dates the one EVI (as it re-dates a single event aim), and the programme ends then."""
    s = chat(EVI_OPEN, "2025-26", "2026-01-31", ["interview offer", "05/12/2025", "no"])
    got = {(c[0], c[2], c[5]) for c in change_keys(s.diagnosis)}
    assert (1, "LearningDeliveryFAM", str({"code": "4", "date_from": "2025-12-05"})) in got
    assert (1, "LearnActEndDate", "2025-12-05") in got
    assert s.facts.evi_code == "4"  # read from the record (and said so), not asked a second time


def test_six_months_after_an_event_asks_before_closing_with_outcome_3():
    """An event recorded: a job inside AchDate_13's window can still be recorded, so the chat asks first."""
    s = chat(SIX_MONTHS_AFTER_EVENT, "2024-25", "2025-08-29", ["yes", "yes", "05/07/2025"])
    got = {(c[0], c[2], c[5]) for c in change_keys(s.diagnosis)}
    assert got == {(1, "Outcome", "1"), (1, "AchDate", "2025-07-05")}
