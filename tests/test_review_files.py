"""The blind file review: `diagnose` on whole synthetic ILR files, against what an expert expected.

The files and the expectations (tests/fixtures/review_files/expected.yaml) were written from the
guidance before the tool ran on them. These tests hold the tool to what the review settled: every
error and blocked milestone ends in a change, a question or "a person must check"; JSON, CSV,
--summary and text agree; --fixed re-checks with no new error and stays valid against the year's
XSD; non-bootcamp learners get no advice; personal data is not echoed; the year is stated, and a
file DfE would reject as a whole (Header Year against the namespace, no namespace) is not "clean".
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from lxml import etree

from assistant.faces.cli import main
from tests.conftest import ROOT

HERE = Path(__file__).parent / "fixtures" / "review_files"
SCHEMAS = ROOT / "knowledge" / "schemas"
XSD = {"2024-25": SCHEMAS / "ILR-2024-25-schemafile24.xsd", "2025-26": SCHEMAS / "ILR-2025-26-schemafile25.xsd"}

#: file -> (exit status, year, year source, the bootcamp learners' references in file order)
EXPECTED = {
    "f1-2425-mixed.xml": (1, "2024-25", "namespace", ["SBCONT01", "SBFORUM1", "SBWDRAW1"]),
    "f2-2425-duplicate.xml": (1, "2024-25", "namespace", ["DUP00001", "DUP00001"]),
    "f3-2526-evi.xml": (1, "2025-26", "namespace", ["EVIOK001", "EVIBAD01", "EVIDATE1", "CONT2425"]),
    "f4-2324-outcome11.xml": (1, "2023-24", "namespace", ["SB2324A1", "SB2324B1", "SBW2324A"]),
    "f5-2526-header-year.xml": (1, "2025-26", "namespace", ["HDR00001", "HDR00002"]),
    "f6-nons-header-2526.xml": (1, "2025-26", "header", ["NONS0001"]),
    "f7-2425-personal.xml": (1, "2024-25", "namespace", ["PII00001", "PII00002"]),
    "f8-2526-clean.xml": (0, "2025-26", "namespace", ["CLEAN001", "CLEAN002"]),
}
#: Values from f7's Learner records that no report needs (README "Personal data").
PERSONAL = ["Quillfeather", "Ottoline", "1987-03-14", "QQ123456C", "ZZ99 3WZ", "07700900123", "ottoline.q@example.com",
            "1000000701", "Brackenridge", "QQ654321A", "Hollowbrook", "leopold.h@example.com", "Synthetic Street"]


def diagnose(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diagnose", *args])
    out, err = capsys.readouterr()
    return code, out, err


def xsd_errors(path: Path, year: str) -> list[str]:
    """The file against the year's XSD (2023-24 has none here: its namespace and Year are swapped to 2024-25)."""
    text = path.read_text(encoding="utf-8")
    if year == "2023-24":
        text, year = text.replace("ESFA/ILR/2023-24", "ESFA/ILR/2024-25").replace("<Year>2324<", "<Year>2425<"), "2024-25"
    schema = etree.XMLSchema(etree.parse(str(XSD[year])))
    schema.validate(etree.fromstring(text.encode("utf-8")))
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def error_keys(report: dict) -> set[tuple[int, str, object, object]]:
    return {(i, f["rule"], f["aim_seq"], f["field"]) for i, lr in enumerate(report["learners"])
            for f in lr["findings"] if f["severity"] == "error"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_reports_as_the_review_expects(name, capsys):
    status, year, source, refs = EXPECTED[name]
    code, out, _ = diagnose(capsys, "--format", "json", str(HERE / name))
    report = json.loads(out)
    assert code == status
    assert (report["input"]["year"], report["input"]["year_source"]) == (year, source)
    assert [lr["learn_ref"] for lr in report["learners"]] == refs  # non-bootcamp learners get no advice
    code_text, text, _ = diagnose(capsys, str(HERE / name))
    assert code_text == status
    assert text.startswith(f"Teaching year {year} ({source}); checked as of ")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_nothing_stops_short_in_any_form(name, capsys):
    """Every error and blocked milestone ends in a change, a question or "a person must check"; in CSV too."""
    _, out, _ = diagnose(capsys, "--format", "json", str(HERE / name))
    report = json.loads(out)
    for lr in report["learners"]:
        blocked = any(m["status"] == "blocked" for p in lr["programmes"] for m in p["milestones"].values())
        errors = [f for f in lr["findings"] if f["severity"] == "error"]
        if blocked or errors:
            assert lr["changes"] or lr["questions"] or lr["withheld"], lr["learn_ref"]
        left = [f for f in lr["after_changes"]["findings"] if f["severity"] == "error"]
        if left:
            assert lr["questions"] or lr["withheld"], (lr["learn_ref"], [f["rule"] for f in left])
    for f in report.get("file_findings", []):
        assert "a person must check" in (f["detail"] + f["explanation"]).lower(), f["rule"]
    _, table, _ = diagnose(capsys, "--format", "csv", str(HERE / name))
    rows = list(csv.DictReader(io.StringIO(table)))
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    assert kinds.get("question", 0) == sum(len(lr["questions"]) for lr in report["learners"])
    assert kinds.get("withheld", 0) == sum(len(lr["withheld"]) for lr in report["learners"])
    assert kinds.get("change", 0) == sum(len(lr["changes"]) for lr in report["learners"])
    assert kinds.get("finding", 0) == (sum(len(lr["findings"]) for lr in report["learners"])
                                       + len(report.get("file_findings", [])))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_forms_agree_on_the_counts(name, capsys):
    _, out, _ = diagnose(capsys, "--format", "json", str(HERE / name))
    summary = json.loads(out)["summary"]
    _, text, _ = diagnose(capsys, str(HERE / name))
    _, counts, _ = diagnose(capsys, "--summary", str(HERE / name))
    assert counts.strip() and counts.strip() in text
    assert re.search(rf"^Learners checked: {summary['learners_checked']}$", counts, re.M)
    assert re.search(rf"^Learners with validation errors: {summary['learners_with_errors']}$", counts, re.M)
    assert summary["file_findings"] == len(json.loads(out).get("file_findings", []))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixed_rechecks_with_no_new_error_and_stays_valid(name, capsys, tmp_path):
    status, year, _, _ = EXPECTED[name]
    source = HERE / name
    original = source.read_bytes()
    fixed = tmp_path / name
    code, out, err = diagnose(capsys, "--format", "json", str(source), "--fixed", str(fixed))
    assert code == status, err
    assert source.read_bytes() == original
    before = json.loads(out)
    code_after, out_after, _ = diagnose(capsys, "--format", "json", str(fixed))
    after = json.loads(out_after)
    assert not error_keys(after) - error_keys(before)
    if not xsd_errors(source, year):  # f5 (Header Year) and f6 (no namespace) are refused as they stand
        assert xsd_errors(fixed, year) == []
    if not any(lr["changes"] for lr in before["learners"]):
        assert fixed.read_bytes() == original


def test_in_place_keeps_the_original_as_bak(capsys, tmp_path):
    target = tmp_path / "f1.xml"
    target.write_bytes((HERE / "f1-2425-mixed.xml").read_bytes())
    code, _, _ = diagnose(capsys, str(target), "--fixed", str(target), "--in-place")
    assert code == 1
    assert (tmp_path / "f1.xml.bak").read_bytes() == (HERE / "f1-2425-mixed.xml").read_bytes()
    assert b"<LearnActEndDate>2024-12-20</LearnActEndDate>" in target.read_bytes()


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "md"])
def test_no_form_echoes_personal_data(fmt, capsys):
    _, out, err = diagnose(capsys, "--format", fmt, str(HERE / "f7-2425-personal.xml"))
    for value in PERSONAL:
        assert value not in out + err, (fmt, value)


# -- what the review found ------------------------------------------------------------------------

def test_header_year_against_the_namespace_is_a_file_error(capsys, tmp_path):
    """The 2025-26 XSD allows only <Year>2526</Year>: DfE rejects the file, so it is not "nothing wrong"."""
    text = (HERE / "f5-2526-header-year.xml").read_text(encoding="utf-8")
    only_clean = text[:text.index("  <Learner>\n    <LearnRefNumber>HDR00002")] + "</Message>\n"
    path = tmp_path / "ILR-f5.xml"
    path.write_text(only_clean, encoding="utf-8")
    code, out, _ = diagnose(capsys, "--format", "json", str(path))
    report = json.loads(out)
    assert code == 1
    found = [f for f in report["file_findings"] if f["field"] == "Year"]
    assert found and found[0]["rule"] == "Schema" and found[0]["severity"] == "error"
    assert "2526" in found[0]["detail"] and "2425" in found[0]["detail"]
    code, text_out, _ = diagnose(capsys, str(path))
    assert code == 1 and "a person must check" in text_out.split("The file as a whole:")[1].lower()


def test_a_whole_file_without_its_namespace_is_a_file_error(capsys, tmp_path):
    """DfE's file-level rule "Namespace Mismatch" rejects a file whose namespace is not the schema's."""
    text = (HERE / "f6-nons-header-2526.xml").read_text(encoding="utf-8")
    start = text.index("  <Learner>\n    <LearnRefNumber>NONS0001")
    only_clean = text[:start] + text[text.index("  <Learner>\n    <LearnRefNumber>ASF25B01"):]
    clean = only_clean.replace("</Message>", _clean_bootcamp_learner() + "</Message>")
    path = tmp_path / "ILR-nons.xml"
    path.write_text(clean, encoding="utf-8")
    code, out, _ = diagnose(capsys, "--format", "json", str(path))
    report = json.loads(out)
    assert code == 1
    found = [f for f in report["file_findings"] if f["field"] == "xmlns"]
    assert found and found[0]["rule"] == "Schema"
    assert "ESFA/ILR/2025-26" in found[0]["detail"]
    # A snippet has no namespace by nature: no such finding.
    snippet = clean[clean.index("  <Learner>"):clean.rindex("</Message>")]
    path.write_text(snippet, encoding="utf-8")
    code, out, _ = diagnose(capsys, "--format", "json", "--year", "2025-26", str(path))
    assert not json.loads(out).get("file_findings")


def _clean_bootcamp_learner() -> str:
    text = (HERE / "f8-2526-clean.xml").read_text(encoding="utf-8")
    start = text.index("  <Learner>\n    <LearnRefNumber>CLEAN001")
    return text[start:text.index("  </Learner>\n", start) + len("  </Learner>\n")]


def test_year_option_says_what_the_file_said(capsys):
    _, out, _ = diagnose(capsys, "--year", "2024-25", str(HERE / "f3-2526-evi.xml"))
    head = out.split("\n\n", 1)[0]
    assert head.startswith("Teaching year 2024-25 (option)")
    assert "2025-26" in head


def test_duplicate_reference_says_what_a_person_must_check(capsys):
    code, text, _ = diagnose(capsys, str(HERE / "f2-2425-duplicate.xml"))
    whole = text.split("The file as a whole:")[1]
    assert "a person must check" in whole.lower()
    assert "learner 1" in whole and "learner 2" in whole


@pytest.mark.parametrize("name, field", [("f5-2526-header-year.xml", "Year"), ("f6-nons-header-2526.xml", "xmlns"),
                                         ("f2-2425-duplicate.xml", "LearnRefNumber")])
def test_file_findings_are_the_same_read_whole(name, field, capsys, monkeypatch, tmp_path):
    """Standard input with --fixed is read whole, not streamed: the same findings about the file."""
    class Stdin(io.TextIOWrapper):
        pass

    monkeypatch.setattr("sys.stdin", Stdin(io.BytesIO((HERE / name).read_bytes()), encoding="utf-8"))
    code, out, _ = diagnose(capsys, "--format", "json", "-", "--fixed", str(tmp_path / "out.xml"))
    assert code == 1
    assert [f["field"] for f in json.loads(out)["file_findings"]] == [field]


def test_two_records_with_one_reference_are_told_apart_by_position(capsys):
    """R_06: the change belongs to the second DUP00001; JSON and CSV say which by its place in the file."""
    _, out, _ = diagnose(capsys, "--format", "json", str(HERE / "f2-2425-duplicate.xml"))
    learners = json.loads(out)["learners"]
    assert [(lr["learn_ref"], lr["position"]) for lr in learners] == [("DUP00001", 1), ("DUP00001", 2)]
    assert not learners[0]["changes"] and learners[1]["changes"]
    _, table, _ = diagnose(capsys, "--format", "csv", str(HERE / "f2-2425-duplicate.xml"))
    rows = list(csv.DictReader(io.StringIO(table)))
    assert {r["position"] for r in rows if r["kind"] == "change"} == {"2"}
    _, out, _ = diagnose(capsys, "--format", "json", str(HERE / "f3-2526-evi.xml"))  # counts every learner
    assert [lr["position"] for lr in json.loads(out)["learners"]] == [1, 2, 3, 5]


def test_a_record_repeating_a_reference_shows_no_milestone_payable(capsys, tmp_path):
    """README: no milestone is shown as payable while an error stands; R_06 is one (the review's f2)."""
    _, out, _ = diagnose(capsys, "--format", "json", str(HERE / "f2-2425-duplicate.xml"), "--fixed",
                         str(tmp_path / "f2.xml"))
    second = json.loads(out)["learners"][1]
    assert "R_06" in {f["rule"] for f in second["findings"]}
    for when in (second["programmes"], second["after_changes"]["programmes"]):
        assert all(m["status"] != "payable" for p in when for m in p["milestones"].values())
    assert second["verified"] and second["changes"]  # R_06 stands before and after: the change is still written
    assert b"<LearnActEndDate>2025-03-03</LearnActEndDate>" in (tmp_path / "f2.xml").read_bytes()


def test_six_months_with_no_event_is_no_m3_either(capsys):
    """f4 SB2324B1: learning ended 2023-09-29, no event, checked 2024-05-10: M2 is not payable, and M3 (which needs
    the event: PSM) cannot be 'not yet' either."""
    _, out, _ = diagnose(capsys, "--format", "json", str(HERE / "f4-2324-outcome11.xml"))
    learner = next(lr for lr in json.loads(out)["learners"] if lr["learn_ref"] == "SB2324B1")
    [programme] = learner["programmes"]
    assert programme["milestones"]["M2"]["status"] == "not-payable"
    assert programme["milestones"]["M3"]["status"] == "not-payable"


def test_a_file_prepared_after_today_is_a_file_error(capsys, tmp_path):
    """Header_2 (2025-26 workbook, File Level): a FilePreparationDate after today is refused; the checks made "as of"
    it are moved too, so the file is not "nothing wrong"."""
    from datetime import date, timedelta

    later = (date.today() + timedelta(days=90)).isoformat()
    path = tmp_path / "ILR-future.xml"
    path.write_text((HERE / "f8-2526-clean.xml").read_text(encoding="utf-8").replace(
        "<FilePreparationDate>2026-03-02</FilePreparationDate>", f"<FilePreparationDate>{later}</FilePreparationDate>"),
        encoding="utf-8")
    code, out, _ = diagnose(capsys, "--format", "json", str(path))
    assert code == 1
    [found] = json.loads(out)["file_findings"]
    assert (found["rule"], found["field"]) == ("Header_2", "FilePreparationDate")
    assert "a person must check" in found["detail"].lower()
    code, _, _ = diagnose(capsys, str(HERE / "f8-2526-clean.xml"))
    assert code == 0
