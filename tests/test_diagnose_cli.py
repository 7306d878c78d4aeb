"""`ilr-assistant diagnose`: formats, the JSON contract, exit codes, corrected XML."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from assistant.faces.cli import main
from assistant.ilr.reader import read_text
from tests.conftest import SAMPLES

FORUM = Path(__file__).parent / "fixtures" / "forum"
CLEAN = """<Learner xmlns="ESFA/ILR/2024-25">
  <LearnRefNumber>CLEAN1</LearnRefNumber>
  <LearningDelivery>
    <LearnAimRef>ZPROG001</LearnAimRef><AimType>1</AimType><AimSeqNumber>1</AimSeqNumber>
    <LearnStartDate>2024-09-02</LearnStartDate><LearnPlanEndDate>2024-12-20</LearnPlanEndDate>
    <FundModel>37</FundModel><ProgType>32</ProgType><DelLocPostCode>ZZ99 9ZZ</DelLocPostCode>
    <ConRefNumber>SB-1-1</ConRefNumber><CompStatus>1</CompStatus>
    <LearningDeliveryFAM><LearnDelFAMType>SOF</LearnDelFAMType><LearnDelFAMCode>105</LearnDelFAMCode></LearningDeliveryFAM>
    <LearningDeliveryFAM><LearnDelFAMType>FFI</LearnDelFAMType><LearnDelFAMCode>1</LearnDelFAMCode></LearningDeliveryFAM>
  </LearningDelivery>
  <LearningDelivery>
    <LearnAimRef>Z0059758</LearnAimRef><AimType>3</AimType><AimSeqNumber>2</AimSeqNumber>
    <LearnStartDate>2024-09-02</LearnStartDate><LearnPlanEndDate>2024-12-20</LearnPlanEndDate>
    <FundModel>37</FundModel><ProgType>32</ProgType><DelLocPostCode>ZZ99 9ZZ</DelLocPostCode>
    <ConRefNumber>SB-1-1</ConRefNumber><CompStatus>1</CompStatus>
    <LearningDeliveryFAM><LearnDelFAMType>SOF</LearnDelFAMType><LearnDelFAMCode>105</LearnDelFAMCode></LearningDeliveryFAM>
    <LearningDeliveryFAM><LearnDelFAMType>FFI</LearnDelFAMType><LearnDelFAMCode>1</LearnDelFAMCode></LearningDeliveryFAM>
  </LearningDelivery>
</Learner>
"""


def run(args, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(["diagnose", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_record_exits_0(tmp_path, capsys):
    path = tmp_path / "clean.xml"
    path.write_text(CLEAN)
    code, out, _ = run([str(path), "--as-of", "2024-10-01"], capsys)
    assert code == 0, out
    assert "M1 unknown" in out


def test_findings_exit_1_and_text_names_the_fix(capsys):
    code, out, _ = run([str(FORUM / "becks-original.xml")], capsys)
    assert code == 1
    assert "Outcome_11" in out
    assert "CompStatus" in out and "-> 2" in out
    assert "After the changes below: M1 payable, M2 payable" in out


def test_unreadable_input_exits_2_with_reason_on_stderr(capsys, monkeypatch):
    code, out, err = run(["-"], capsys, stdin="<Learner><LearnRefNumber>X</Learner>", monkeypatch=monkeypatch)
    assert code == 2
    assert out == ""
    assert "line 1, column 37" in err and "<LearnRefNumber>" in err
    code, _, err = run(["/no/such/file.xml"], capsys)
    assert code == 2 and "cannot open" in err


def test_json_contract(capsys):
    code, out, _ = run([str(FORUM / "becks-original.xml"), "--format", "json"], capsys)
    data = json.loads(out)
    assert data["input"] == {**data["input"], "year": "2022-23", "year_source": "namespace", "as_of": "2023-01-31"}
    [learner] = data["learners"]
    assert set(learner) >= {"learn_ref", "programmes", "findings", "changes", "questions"}
    [prog] = learner["programmes"]
    assert set(prog) >= {"con_ref", "programme_aim_seq", "method", "milestones"}
    assert prog["method"] == "event-aims" and prog["programme_aim_seq"] == 1
    for m in ("M1", "M2", "M3"):
        assert prog["milestones"][m]["status"] in {"payable", "blocked", "not-yet", "unknown"}
        assert prog["milestones"][m]["evidence"] in {"official", "forum-confirmed", "vendor", "inference"}
        assert isinstance(prog["milestones"][m]["reasons"], list)
    [finding] = learner["findings"]
    assert set(finding) >= {"rule", "severity", "aim_seq", "field", "message", "explanation", "sources"}
    assert finding["rule"] == "Outcome_11" and finding["severity"] == "error" and finding["aim_seq"] == 1
    assert all(set(s) >= {"title", "url", "grade"} for s in finding["sources"])
    changes = {(c["aim_seq"], c["field"]): c for c in learner["changes"]}
    assert changes[(1, "CompStatus")]["from"] == "1" and changes[(1, "CompStatus")]["to"] == "2"
    assert changes[(1, "LearnActEndDate")]["from"] is None and changes[(1, "LearnActEndDate")]["to"] == "2022-12-20"
    assert all(set(c) >= {"aim_seq", "aim_ref", "field", "from", "to", "because"} for c in learner["changes"])


def test_fam_change_shape_in_json(tmp_path, capsys):
    path = tmp_path / "nofam.xml"
    path.write_text(CLEAN.replace("<LearningDeliveryFAM><LearnDelFAMType>FFI</LearnDelFAMType><LearnDelFAMCode>1</LearnDelFAMCode></LearningDeliveryFAM>\n  </LearningDelivery>\n</Learner>", "</LearningDelivery>\n</Learner>"))
    _, out, _ = run([str(path), "--format", "json", "--as-of", "2024-10-01"], capsys)
    [change] = [c for c in json.loads(out)["learners"][0]["changes"] if c["field"] == "LearningDeliveryFAM"]
    assert change == {**change, "aim_seq": 2, "fam_type": "FFI", "from": None, "to": {"code": "1", "date_from": None}}


def test_a_finding_graded_inference_says_so_beside_its_official_source(tmp_path, capsys):
    """No 2024-25 page for LearnDelFAMType_111 is held: the 2025-26 workbook is official for 2025-26 only."""
    path = tmp_path / "nofam.xml"
    path.write_text(CLEAN.replace("<LearningDeliveryFAM><LearnDelFAMType>FFI</LearnDelFAMType><LearnDelFAMCode>1</LearnDelFAMCode></LearningDeliveryFAM>\n  </LearningDelivery>\n</Learner>", "</LearningDelivery>\n</Learner>"))
    _, out, _ = run([str(path), "--format", "json", "--as-of", "2024-10-01"], capsys)
    [finding] = [f for f in json.loads(out)["learners"][0]["findings"] if f["rule"] == "LearnDelFAMType_111"]
    assert finding["grade"] == "inference" and finding["sources"][0]["grade"] == "official"
    _, out, _ = run([str(path), "--as-of", "2024-10-01"], capsys)
    assert "Source (official for its own year; this finding: inference): LearnDelFAMType_111" in out
    assert "Source (official): LearnDelFAMType_111" not in out


def test_csv_has_a_row_per_finding_and_change(capsys):
    _, out, _ = run([str(FORUM / "becks-original.xml"), "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    kinds = [r["kind"] for r in rows]
    assert kinds.count("finding") == 1 and kinds.count("change") == 2
    change = next(r for r in rows if r["kind"] == "change" and r["field"] == "LearnActEndDate")
    assert (change["from"], change["to"], change["aim_ref"]) == ("", "2022-12-20", "ZPROG001")


def test_year_option_and_assumed_year(tmp_path, capsys):
    path = tmp_path / "bare.xml"
    path.write_text(CLEAN.replace(' xmlns="ESFA/ILR/2024-25"', ""))
    _, out, _ = run([str(path), "--format", "json", "--as-of", "2024-10-01"], capsys)
    data = json.loads(out)["input"]
    assert data["year_source"] == "assumed" and any("assumed" in n for n in data["notes"])
    _, out, _ = run([str(path), "--format", "json", "--year", "2023/24", "--as-of", "2024-10-01"], capsys)
    assert json.loads(out)["input"]["year"] == "2023-24"
    code, _, err = run([str(path), "--year", "nonsense"], capsys)
    assert code == 2 and "teaching year" in err


def test_fixed_xml_differs_only_by_the_proposed_edits(tmp_path, capsys):
    out_path = tmp_path / "fixed.xml"
    run([str(FORUM / "becks-original.xml"), "--fixed", str(out_path)], capsys)
    before = (FORUM / "becks-original.xml").read_text().splitlines()
    after = out_path.read_text().splitlines()
    import difflib

    diff = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert sorted(diff) == sorted([
        "-      <CompStatus>1</CompStatus>", "+      <CompStatus>2</CompStatus>",
        "+      <LearnActEndDate>2022-12-20</LearnActEndDate>",
    ])
    code, out, _ = run([str(out_path)], capsys)  # the corrected file needs nothing more
    assert "Changes to make" not in out


def test_the_2025_26_sample_bootcamp_learners_are_diagnosed(capsys):
    code, out, _ = run([str(SAMPLES / "ILR-99999999-2526-20250108-094401.xml"), "--format", "json"], capsys)
    refs = [l["learn_ref"] for l in json.loads(out)["learners"]]
    assert refs == ["SBLearner", "SBLearnerEV"]
    assert code == 1


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.xml")))
def test_every_public_sample_is_read(name, capsys):
    code, _, err = run([str(SAMPLES / name)], capsys)
    assert code in (0, 1), err


def test_fixed_snippet_round_trips():
    result = read_text(CLEAN)
    assert result.learners[0].learn_ref == "CLEAN1"
