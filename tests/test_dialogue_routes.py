"""The Q&A route and the XML route fill the same learner model and get the same proposal.

Each scenario is a learner built with the test builders, the answers a data manager would type to
describe it, and the few answers the XML route still needs (the facts a record cannot hold). Both
sessions must end with the same learner (apart from the ConRefNumber nobody is asked for) and the
same proposal as calling the engine directly.
"""

from __future__ import annotations

import dataclasses

import pytest

from assistant.advice.engine import diagnose_learner
from assistant.dialogue.session import Session
from assistant.rules.base import Context
from tests.builders import d, event, learner, prog, subject
from tests.test_dialogue_helpers import change_keys, drive, to_xml

SCENARIOS = {
    "forum M2 (programme aim left open)": dict(
        year="2022-23", as_of="2023-01-31",
        learner=learner(
            prog(LearnStartDate="2022-08-01", LearnPlanEndDate="2022-11-30", Outcome="8"),
            subject(LearnStartDate="2022-08-01", LearnPlanEndDate="2022-11-30", CompStatus="2",
                    LearnActEndDate="2022-11-30", Outcome="1"),
            event("2022-12-20")),
        qa=["m2", "01/08/2022", "30/11/2022", "fully funded", "1", "none", "8", "Z0059758", "completed",
            "30/11/2022", "1", "interview offer", "20/12/2022", "1", "yes", "no"],
        xml=["yes", "no"],
        expect=[(1, "CompStatus", "2"), (1, "LearnActEndDate", "2022-12-20")]),
    "Outcome 2 on the programme aim": dict(
        year="2024-25", as_of="2024-05-31",
        learner=learner(
            prog(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="2",
                 LearnActEndDate="2024-05-10", Outcome="2"),
            subject(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="2",
                    LearnActEndDate="2024-04-26", Outcome="1"),
            event("2024-05-10")),
        qa=["M2 not paying", "8/1/2024", "26/4/2024", "1", "2", "10/05/2024", "2", "z0059758", "2", "26 Apr 2024",
            "achieved", "Z0059747", "2024-05-10", "completed, achieved", "yes", "no"],
        xml=["yes", "no"],
        expect=[(1, "Outcome", "8")]),
    "M3 job outcome": dict(
        year="2024-25", as_of="2024-08-30",
        learner=learner(
            prog(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="2",
                 LearnActEndDate="2024-05-10", Outcome="8"),
            subject(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26", CompStatus="2",
                    LearnActEndDate="2024-04-26", Outcome="1"),
            event("2024-05-10")),
        qa=["m3", "08/01/2024", "26/04/2024", "1", "2", "10/05/2024", "8", "Z0059758", "2", "26/04/2024", "1",
            "Z0059747", "10/05/2024", "1", "yes", "yes", "1/7/2024"],
        xml=["yes", "yes", "01/07/2024"],
        expect=[(1, "Outcome", "1"), (1, "AchDate", "2024-07-01")]),
    "withdrawal": dict(
        year="2024-25", as_of="2024-03-29",
        learner=learner(
            prog(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26"),
            subject(LearnStartDate="2024-01-08", LearnPlanEndDate="2024-04-26")),
        qa=["m1", "08/01/2024", "26/04/2024", "1", "continuing", "none", "none", "Z0059758", "continuing", "none",
            "withdrew", "15/02/2024", "personal reasons"],
        xml=["withdrew", "15/02/2024", "44"],
        expect=[(1, "CompStatus", "3"), (2, "CompStatus", "3"), (1, "WithdrawReason", "44")]),
    "2025-26 start with an event aim": dict(
        year="2025-26", as_of="2026-01-30",
        learner=learner(
            prog(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-12-12"),
            subject(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-12-12", CompStatus="2",
                    LearnActEndDate="2025-12-12", Outcome="1"),
            event("2026-01-09")),
        qa=["m2", "1/9/2025", "12/12/2025", "1", "1", "none", "none", "Z0059758", "2", "12/12/2025", "1",
            "none", "Z0059747", "9/1/2026", "1", "yes", "4", "no"],
        xml=["yes", "4", "no"],
        expect=[(3, "LearningDelivery", "None"), (1, "CompStatus", "2")]),
    # review2 (blind review corpus): three learners walked through both routes
    "review S05: 2025-26 EVI recorded, programme aim left open": dict(
        year="2025-26", as_of="2026-01-31",
        learner=learner(
            prog(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-11-28", Outcome="8",
                 fams=(("SOF", "105"), ("FFI", "1"), ("EVI", "4", "2025-12-10"))),
            subject(LearnStartDate="2025-09-01", LearnPlanEndDate="2025-11-28", CompStatus="2",
                    LearnActEndDate="2025-11-28", Outcome="1")),
        qa=["m2", "1/9/2025", "28/11/2025", "1", "1", "none", "8", "Z0059758", "2", "28/11/2025", "1", "4",
            "10/12/2025", "no", "interview offer", "10/12/2025", "no"],
        xml=["interview offer", "10/12/2025", "no"],  # the EVI code is read from the record, not asked again
        expect=[(1, "CompStatus", "2"), (1, "LearnActEndDate", "2025-12-10")]),
    "review S26: six months after an event, no job came": dict(
        year="2024-25", as_of="2025-08-29",
        learner=learner(
            prog(CompStatus="2", LearnActEndDate="2025-01-10", Outcome="8"),
            subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"),
            event("2025-01-10")),
        qa=["m3", "2/9/2024", "20/12/2024", "1", "2", "10/01/2025", "8", "Z0059758", "2", "20/12/2024", "1",
            "Z0059747", "10/01/2025", "completed, achieved", "yes", "no"],
        xml=["yes", "no"],
        expect=[(1, "Outcome", "3")]),
    "review S09: withdrawn with no end date": dict(
        year="2024-25", as_of="2025-01-31",
        learner=learner(
            prog(CompStatus="3", Outcome="3", WithdrawReason="44"),
            subject(CompStatus="3", Outcome="3", WithdrawReason="44")),
        qa=["m1", "2/9/2024", "20/12/2024", "1", "3", "44", "none", "3", "Z0059758", "3", "44", "none", "3", "none",
            "15/10/2024"],
        xml=["15/10/2024"],
        expect=[(1, "LearnActEndDate", "2024-10-15"), (2, "LearnActEndDate", "2024-10-15")]),
}


def _strip(lrn):
    """The parts of a learner both routes must agree on (not the references nobody is asked for)."""
    return [dataclasses.replace(x, con_ref_number=None) for x in lrn.deliveries]


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_qa_and_xml_routes_give_the_same_proposal(name):
    sc = SCENARIOS[name]
    as_of = d(sc["as_of"])
    qa = drive(Session(year=sc["year"], as_of=as_of), sc["qa"])
    xml = drive(Session(year=sc["year"], as_of=as_of), [to_xml(sc["learner"]), *sc["xml"]])
    for s in (qa, xml):
        assert s.prompt is None, f"{name}: stopped at {s.prompt and s.prompt.id}: {s.transcript[-1].text[:300]}"
        assert s.transcript[-1].kind == "conclusion"
        assert s.diagnosis is not None
    assert _strip(qa.learner) == _strip(sc["learner"]), "answers must fill the model exactly as the XML does"
    assert qa.facts == xml.facts
    assert change_keys(qa.diagnosis) == change_keys(xml.diagnosis)
    assert qa.diagnosis.proposal.states.popitem()[1] == xml.diagnosis.proposal.states.popitem()[1]
    direct = diagnose_learner(sc["learner"], Context(sc["year"], as_of), xml.facts)
    assert change_keys(direct) == change_keys(xml.diagnosis)
    got = {(c.aim_seq, c.field, str(c.to)) for c in xml.diagnosis.proposal.changes}
    for want in sc["expect"]:
        assert want in got, f"{name}: expected change {want}, got {sorted(got)}"
    assert xml.diagnosis.introduced == []


def test_the_proposal_text_shows_field_now_record_why_and_evidence():
    sc = SCENARIOS["forum M2 (programme aim left open)"]
    s = drive(Session(year=sc["year"], as_of=d(sc["as_of"])), sc["qa"])
    text = s.transcript[-1].text
    assert "| CompStatus | 1 | **2** |" in text
    assert "| LearnActEndDate | (none) | **2022-12-20** |" in text
    assert "forum-confirmed" in text and "official" in text
    assert "still open, so the completion milestone (M2) can't be counted" in text
    assert "add no validation errors" in text
