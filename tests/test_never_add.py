"""Never add, at the face: `verified`/`introduced` per learner, `--fixed` writes only verified change sets.

The DfE 2025-26 sample's HGV learner (SBLearnerEV: a programme started before
August 2025 carrying EVIs, with an HGV event aim) used to gain R_138 and lose
its EVIs: now nothing is removed without the event aim that replaces it, and
the corrected file re-diagnoses with no new rule.
"""

from __future__ import annotations

import dataclasses
import io
import json

from assistant.advice import engine
from assistant.faces import diagnose as face
from assistant.faces.cli import main
from assistant.ilr.reader import read_path
from tests.conftest import SAMPLES

SAMPLE_2526 = SAMPLES / "ILR-99999999-2526-20250108-094401.xml"


def run_json(path, capsys) -> tuple[int, dict]:
    code = main(["diagnose", str(path), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def errors(learner_json: dict) -> set[str]:
    return {f["rule"] for f in learner_json["findings"] if f["severity"] == "error"}


def test_the_2526_sample_fixed_then_diagnosed_introduces_nothing(tmp_path, capsys):
    out = tmp_path / "fixed.xml"
    main(["diagnose", str(SAMPLE_2526), "--fixed", str(out)])
    capsys.readouterr()
    _, before = run_json(SAMPLE_2526, capsys)
    _, after = run_json(out, capsys)
    for b, a in zip(before["learners"], after["learners"], strict=True):
        assert b["verified"] is True and b["introduced"] == []
        assert errors(a) <= errors(b), (b["learn_ref"], errors(a) - errors(b))
    [ev] = [x for x in after["learners"] if x["learn_ref"] == "SBLearnerEV"]
    assert "R_138" not in errors(ev)
    [learner] = [x for x in read_path(str(out)).learners if x.learn_ref == "SBLearnerEV"]
    evis = [(f.code, f.date_from.isoformat()) for f in learner.delivery(1).fams_of("EVI")]
    assert evis == [("4", "2025-02-22"), ("5", "2025-02-24"), ("6", "2025-02-26")]


def test_the_2526_sample_hgv_learner_ends_in_questions_not_silence(capsys):
    _, report = run_json(SAMPLE_2526, capsys)
    [ev] = [x for x in report["learners"] if x["learn_ref"] == "SBLearnerEV"]
    ids = {q["id"] for q in ev["questions"]}
    assert {"event_kind", "achdate_after_file", "end_after_file"} <= ids
    assert not any(c["field"] == "LearningDeliveryFAM" and c.get("fam_type") == "EVI" for c in ev["changes"])
    assert not any(c["field"] == "AchDate" for c in ev["changes"])


def test_an_unverified_learner_is_left_as_recorded_and_named(tmp_path, capsys, monkeypatch):
    """Belt and braces: should any change set still add an error, --fixed leaves it out and exits 3."""
    real = engine.diagnose_learner

    def broken(learner, ctx, facts=None):
        dg = real(learner, ctx, facts)
        if learner.learn_ref != "SBLearnerEV":
            return dg
        fake = dataclasses.replace(dg.findings[0], rule="R_999") if dg.findings else None
        return dataclasses.replace(dg, introduced=[fake])

    monkeypatch.setattr(face, "diagnose_learner", broken)
    out = tmp_path / "fixed.xml"
    code = main(["diagnose", str(SAMPLE_2526), "--fixed", str(out)])
    err = capsys.readouterr().err
    assert code == face.EXIT_FIXED_INCOMPLETE == 3
    assert "SBLearnerEV left as recorded" in err and "R_999" in err
    assert "incomplete" in err
    def ev(path):
        return next(x for x in read_path(str(path)).learners if x.learn_ref == "SBLearnerEV").deliveries

    assert ev(out) == ev(SAMPLE_2526)


def test_json_says_verified_and_introduced_for_every_learner(capsys):
    _, report = run_json(SAMPLE_2526, capsys)
    assert report["learners"]
    for learner in report["learners"]:
        assert learner["verified"] is (learner["introduced"] == [])


def test_text_presents_unverified_changes_as_not_to_be_made():
    [learner] = [x for x in read_path(str(SAMPLE_2526)).learners if x.learn_ref == "SBLearnerEV"]
    info = face.resolve_input("2025-26", "option", None, None, "2025-01-08")
    dg = engine.diagnose_learner(learner, face.context_for(info))
    fake = dataclasses.replace(dg, introduced=[dataclasses.replace(dg.findings[0], rule="R_999")])
    text = face.text_learner(face.learner_view(fake))
    assert "NOT VERIFIED" in text and "R_999" in text
    buf = io.StringIO()
    face.write_report("json", info, [fake], buf)
    assert json.loads(buf.getvalue())["learners"][0]["verified"] is False


SNIPPET = """<LearningDelivery><LearnAimRef>ZPROG001</LearnAimRef><AimType>1</AimType><AimSeqNumber>1</AimSeqNumber>
<LearnStartDate>2024-01-08</LearnStartDate><LearnPlanEndDate>2024-04-26</LearnPlanEndDate><FundModel>37</FundModel>
<ProgType>32</ProgType><ConRefNumber>X1</ConRefNumber><CompStatus>1</CompStatus>
<LearningDeliveryFAM><LearnDelFAMType>SOF</LearnDelFAMType><LearnDelFAMCode>105</LearnDelFAMCode></LearningDeliveryFAM>
<LearningDeliveryFAM><LearnDelFAMType>FFI</LearnDelFAMType><LearnDelFAMCode>1</LearnDelFAMCode></LearningDeliveryFAM>
</LearningDelivery>
<LearningDelivery><LearnAimRef>Z0059758</LearnAimRef><AimType>3</AimType><AimSeqNumber>2</AimSeqNumber>
<LearnStartDate>2024-01-08</LearnStartDate><LearnPlanEndDate>2024-04-26</LearnPlanEndDate><FundModel>37</FundModel>
<ProgType>32</ProgType><ConRefNumber>X1</ConRefNumber><CompStatus>2</CompStatus><LearnActEndDate>2024-04-26</LearnActEndDate>
<Outcome>1</Outcome>
<LearningDeliveryFAM><LearnDelFAMType>SOF</LearnDelFAMType><LearnDelFAMCode>105</LearnDelFAMCode></LearningDeliveryFAM>
<LearningDeliveryFAM><LearnDelFAMType>FFI</LearnDelFAMType><LearnDelFAMCode>1</LearnDelFAMCode></LearningDeliveryFAM>
</LearningDelivery>"""


def test_a_header_less_snippet_states_the_assumed_date_and_asks(tmp_path, capsys):
    path = tmp_path / "snippet.xml"
    path.write_text(SNIPPET, encoding="utf-8")
    main(["diagnose", str(path), "--format", "json"])
    [learner] = json.loads(capsys.readouterr().out)["learners"]
    ids = {q["id"] for q in learner["questions"]}
    assert {"file_preparation_date", "teaching_year"} <= ids
    m2 = learner["programmes"][0]["milestones"]["M2"]
    assert m2["status"] == "not-payable" and "assuming the file is prepared on" in m2["reasons"][0]
    assert any("assuming the file is prepared on" in e for e in learner["explanations"])
    main(["diagnose", str(path), "--format", "json", "--as-of", "2024-06-01", "--year", "2023-24"])
    [learner] = json.loads(capsys.readouterr().out)["learners"]
    assert not {"file_preparation_date", "teaching_year"} & {q["id"] for q in learner["questions"]}
    assert "assuming" not in json.dumps(learner)
