"""Years as DfE published them, and the schema check DfE runs first (issue 10).

* Grades follow evidence: a finding is official only when its year's page (or the year's
  workbook, or for Schema the year's XSD) is held; otherwise it is an inference whose note
  names the year whose wording was used. A meta-test walks the whole rule table.
* Each rule's twin records fire and stay quiet in every held year where the rule applies.
* Each kind of schema violation gives a Schema error (or a Normalised warning where the XSD
  accepts the text) and exit 1, for whole files and for pasted snippets; the proposed change
  writes the clean value.
* A 2026-27 file is read with the 2026-27 facts that are held (and says what is not).
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from assistant.advice.apply import apply_changes
from assistant.advice.engine import diagnose_learner
from assistant.explain import explain
from assistant.faces.cli import main
from assistant.ilr.reader import read_text
from assistant.ilr.schema import check_element, shown
from assistant.ilr.years import held_years, year_facts
from assistant.rules.base import Context
from assistant.rules.catalogue import catalogue
from assistant.rules.checks import active_checks, check_learner
from assistant.rules.evidence import evidence
from tests.builders import aim_xml, ctx, learner, prog, subject, whole_file, xml_learner
from tests.test_rules import CASES

YEARS = held_years()


# -- the year table -----------------------------------------------------------------------

def test_every_year_from_2022_23_to_2026_27_is_described() -> None:
    assert YEARS == ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27")
    for year in YEARS:
        facts = year_facts(year)
        assert facts.held and facts.namespace == f"ESFA/ILR/{year}"
        assert facts.notes, f"{year} says nothing about what is held"


def test_xsds_are_held_only_where_a_file_is_shipped() -> None:
    from assistant.knowledge_loader import shipped

    for year in YEARS:
        xsd = year_facts(year).xsd
        if xsd:
            assert shipped().path(f"schemas/{xsd}").exists(), year
    assert [y for y in YEARS if year_facts(y).xsd] == ["2024-25", "2025-26"]


def test_rule_pages_record_url_version_and_words() -> None:
    r138 = year_facts("2024-25").page("R_138")
    assert r138 and r138.version == "1" and r138.url.endswith("/24-25/validation-rules/rule/R_138")
    assert "6 months" in (r138.exclusions or "")
    assert "2025-07-31" in (year_facts("2025-26").page("R_138").condition or "")
    assert year_facts("2026-27").page("R_138") is None
    assert year_facts("2022-23").page("Outcome_11") is None


@pytest.mark.parametrize("year", YEARS)
def test_meta_grade_official_only_with_a_held_page_for_that_year(year: str) -> None:
    """Over the whole rule table: official needs the year's page (or XSD); otherwise the note names a year."""
    facts = year_facts(year)
    for with_details in (False, True):
        for reg, text, ev, _message in active_checks(year, with_details):
            if reg.id == "Schema":
                assert (ev.grade == "official") == bool(facts.xsd), (year, reg.id)
            elif reg.id == "Normalised":
                assert ev.grade == "inference"
            else:
                page = facts.page(reg.id)
                held = page is not None and page.exists
                assert (ev.grade == "official") == (held and text.grade == "official"), (year, reg.id)
            if ev.grade != "official" and reg.id != "Normalised":
                assert ev.note and year in ev.note, (year, reg.id, ev.note)
                assert ev.wording_year is None or ev.wording_year in ev.note, (year, reg.id)


def test_the_year_constants_left_in_the_model_agree_with_the_year_data() -> None:
    from assistant.ilr.vocabulary import EVI_CUTOVER

    for year in YEARS:
        assert Context(year, EVI_CUTOVER).date("evi_cutover") == EVI_CUTOVER


def test_a_held_years_page_gives_the_finding_that_years_message() -> None:
    record = learner(prog(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="8"),
                     subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"))
    r138 = {y: next(f for f in check_learner(record, ctx(y, "2025-01-10")) if f.rule == "R_138") for y in
            ("2024-25", "2025-26")}
    assert r138["2024-25"].message == year_facts("2024-25").page("R_138").message
    assert "Skills Bootcamps (" in r138["2024-25"].message
    assert r138["2024-25"].grade == r138["2025-26"].grade == "official"
    assert r138["2024-25"].sources[0].url.endswith("/24-25/validation-rules/rule/R_138")


# -- every rule's twins, in every held year where it applies --------------------------------

#: Rules whose firing depends on the teaching year itself (windows, the year's end, census day):
#: their years are tested one by one in test_rules_years.py.
YEAR_GATED = {"R_138", "R_150", "LearnDelFAMDateFrom_03", "AchDate_02", "DateOfBirth_25", "Outcome_11"}


def _at(case, findings) -> list[tuple]:
    return [(f.aim_seq, f.field) if len(case.at or ()) < 3 else (f.aim_seq, f.field, f.fam_type)
            for f in findings if f.rule == case.rule]


TWINS = [(c, y) for c in CASES for y in YEARS if c.rule not in YEAR_GATED]


@pytest.mark.parametrize("case, year", TWINS, ids=[f"{c.id} [{y}]" for c, y in TWINS])
def test_twins_fire_and_stay_quiet_in_each_held_year(case, year: str) -> None:
    text = catalogue()[case.rule]
    home = case.ctx
    moved = Context(year, home.as_of)
    if not (text.applies_in(moved) and text.applies_in(home)):
        pytest.skip(f"{case.rule} does not apply to bootcamps in {year}")
    if case.fire is not None:
        fired = [f for f in check_learner(case.fire, moved) if f.rule == case.rule]
        assert fired, f"{case.rule} should fire in {year}"
        if case.at is not None:
            assert case.at in _at(case, fired)
        expected = evidence(case.rule, text.grade, year, text.year_notes.get(year))
        assert {f.grade for f in fired} <= {expected.grade, "inference"}
        if expected.grade != "official":
            assert all(f.grade != "official" for f in fired)
    if case.quiet is not None:
        quiet_ctx = Context(year, (case.quiet_ctx or home).as_of)
        assert [f for f in check_learner(case.quiet, quiet_ctx) if f.rule == case.rule
                and (case.at is None or (f.aim_seq, f.field) == case.at[:2])] == [], f"{case.rule} fired in {year}"


# -- Outcome_11 in 2022-23: the example of the issue -----------------------------------------

def test_outcome_11_in_2022_23_is_an_inference_citing_the_counter_evidence() -> None:
    dates = {"LearnStartDate": "2022-09-05", "LearnPlanEndDate": "2022-12-16"}
    record = learner(prog(Outcome="8", **dates), subject(**dates))
    dg = diagnose_learner(record, ctx("2022-23", "2023-03-31"))
    found = [f for f in dg.findings if f.rule == "Outcome_11"]
    assert found and all(f.grade == "inference" for f in found)
    assert "Counter-evidence" in found[0].year_note and "2022-23" in found[0].year_note
    assert any("forum" in s.id for s in found[0].sources)
    m1 = dg.programmes[0].milestones["M1"]
    assert m1.status == "blocked" and m1.evidence == "inference"
    assert any("graded inference" in r and "Counter-evidence" in r for r in m1.reasons)


def test_outcome_11_graded_official_nowhere_and_absent_for_bootcamps_from_2025_26() -> None:
    record = learner(prog(Outcome="8"), subject())
    for year in YEARS:
        found = [f for f in check_learner(record, ctx(year, "2030-01-01")) if f.rule == "Outcome_11"]
        assert all(f.grade == "inference" for f in found), year
        assert bool(found) == (year < "2025-26"), year


# -- the schema check ------------------------------------------------------------------------

SUBJECT = aim_xml("Z0059758", "3", 2)
VIOLATIONS = {
    "space in a code": (aim_xml(" ZPROG001"), "Schema", "LearnAimRef", "'␣ZPROG001'"),
    "over-long ConRefNumber": (aim_xml(ConRefNumber="SB-" + "9" * 20), "Schema", "ConRefNumber", "at most 20"),
    "bad date format": (aim_xml(LearnPlanEndDate="20/12/2024"), "Schema", "LearnPlanEndDate", "20/12/2024"),
    "element order": (aim_xml(order=("LearnAimRef", "AimSeqNumber", "AimType", "LearnStartDate", "LearnPlanEndDate",
                                     "FundModel", "ProgType", "DelLocPostCode", "ConRefNumber", "CompStatus")),
                      "Schema", "AimSeqNumber", "order"),
    "lower-case FAM type": (aim_xml(fams=(("sof", "105"), ("FFI", "1"))), "Normalised", "LearnDelFAMType", "'sof'"),
    "FAM type with a trailing space": (aim_xml(fams=(("SOF ", "105"), ("FFI", "1"))), "Schema", "LearnDelFAMType",
                                       "at most 3"),
}


@pytest.mark.parametrize("kind", VIOLATIONS)
@pytest.mark.parametrize("shape", ["whole file", "pasted learner", "pasted deliveries"])
def test_each_schema_violation_is_reported_with_exit_1(kind: str, shape: str, tmp_path, capsys) -> None:
    bad, rule, field, words = VIOLATIONS[kind]
    if shape == "whole file":
        text = whole_file(bad, SUBJECT, year="2024-25")
    elif shape == "pasted learner":
        text = f'<Learner xmlns="ESFA/ILR/2024-25"><LearnRefNumber>TEST001</LearnRefNumber>{bad}{SUBJECT}</Learner>'
    else:
        text = f'<LearningDelivery xmlns="ESFA/ILR/2024-25">{bad[len("<LearningDelivery>"):]}\n{SUBJECT}'
    path = tmp_path / "in.xml"
    path.write_text(text, encoding="utf-8")
    code = main(["diagnose", str(path), "--as-of", "2025-03-31", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1
    import json

    findings = [f for lr in json.loads(out)["learners"] for f in lr["findings"] if f["rule"] == rule and f["field"] == field]
    assert findings, f"{kind}: no {rule} finding on {field} ({shape})"
    assert words in findings[0]["detail"]
    assert findings[0]["aim_seq"] == 1, "the finding names the aim it is on"
    if rule == "Schema":
        assert findings[0]["severity"] == "error" and "rejects the whole file" in findings[0]["detail"]


@pytest.mark.parametrize("shape", ["whole file", "pasted learner"])
def test_a_fam_with_no_code_is_reported_once_even_in_a_snippet(shape: str, tmp_path, capsys) -> None:
    """review5 U03: an EVI typed with no code was read as an event and M2 called payable. The XSD requires a code
    in every FAM; a snippet is not checked for missing elements (often cut down), but a FAM's code is never cut."""
    import json

    bad = aim_xml(fams=(("SOF", "105"), ("FFI", "1"))).replace("<LearnDelFAMCode>1</LearnDelFAMCode>", "")
    text = (whole_file(bad, SUBJECT, year="2024-25") if shape == "whole file" else
            f'<Learner xmlns="ESFA/ILR/2024-25"><LearnRefNumber>TEST001</LearnRefNumber>{bad}{SUBJECT}</Learner>')
    path = tmp_path / "in.xml"
    path.write_text(text, encoding="utf-8")
    assert main(["diagnose", str(path), "--as-of", "2025-03-31", "--format", "json"]) == 1
    findings = [f for lr in json.loads(capsys.readouterr().out)["learners"] for f in lr["findings"]
                if f["rule"] == "Schema" and "LearnDelFAMCode" in f["detail"]]
    assert len(findings) == 1 and findings[0]["aim_seq"] == 1, findings


def test_a_clean_file_has_no_schema_findings(tmp_path, capsys) -> None:
    path = tmp_path / "clean.xml"
    path.write_text(whole_file(aim_xml(), SUBJECT, year="2024-25"), encoding="utf-8")
    main(["diagnose", str(path), "--as-of", "2025-03-31", "--format", "json"])
    out = capsys.readouterr().out
    assert '"Schema"' not in out and '"Normalised"' not in out


def test_a_snippet_is_checked_against_the_schemas_type_for_its_element() -> None:
    from lxml import etree

    delivery = etree.fromstring(aim_xml(" ZPROG001"))
    issues = check_element(delivery, "2025-26", snippet=True)
    assert [(i.kind, i.element) for i in issues] == [("xsd", "LearnAimRef")]
    # A cut-down snippet (no DelLocPostCode) is not told off for what was not pasted ...
    cut = etree.fromstring(aim_xml(DelLocPostCode=None))
    assert check_element(cut, "2025-26", snippet=True) == []
    # ... but a whole file's learner is.
    assert any("DelLocPostCode" in i.constraint for i in check_element(cut, "2025-26", snippet=False))


@pytest.mark.parametrize("bad, field, clean", [
    (aim_xml(" ZPROG001"), "LearnAimRef", "ZPROG001"),
    (aim_xml(ConRefNumber=" SB-TEST-001 "), "ConRefNumber", "SB-TEST-001"),
])
def test_the_change_writes_the_clean_value_and_the_recheck_is_clean(bad: str, field: str, clean: str) -> None:
    record = xml_learner(bad, SUBJECT)
    dg = diagnose_learner(record, ctx())
    change = next(c for c in dg.proposal.changes if c.field == field and c.aim_seq == 1)
    assert change.to == clean and change.from_ != clean and change.from_.strip() == clean
    assert not [f for f in dg.findings_after if f.rule in ("Schema", "Normalised")]
    assert not dg.introduced


def test_a_lower_case_fam_type_is_rewritten_in_capitals_in_the_fixed_xml(tmp_path, capsys) -> None:
    path = tmp_path / "in.xml"
    path.write_text(whole_file(aim_xml(fams=(("sof", "105"), ("FFI", "1"))), SUBJECT, year="2024-25"), encoding="utf-8")
    main(["diagnose", str(path), "--as-of", "2025-03-31", "--fixed", "-"])
    out = capsys.readouterr().out
    assert "<LearnDelFAMType>sof</LearnDelFAMType>" not in out
    assert out.count("<LearnDelFAMType>SOF</LearnDelFAMType>") == 2


def test_an_over_long_conref_is_left_for_a_person() -> None:
    record = xml_learner(aim_xml(ConRefNumber="SB-" + "9" * 20), SUBJECT)
    issue = next(i for i in record.schema_issues if i.element == "ConRefNumber")
    assert issue.clean is None  # no certain fix: the finding stays until a person writes the right reference
    fixed = apply_changes(record, diagnose_learner(record, ctx()).proposal.changes)
    assert any(i.element == "ConRefNumber" for i in fixed.schema_issues)


def test_whitespace_is_made_visible() -> None:
    assert shown(" ZPROG001\t") == "'␣ZPROG001⇥'"


# -- 2026-27 ------------------------------------------------------------------------------------

def test_a_2026_27_file_is_read_with_the_2026_27_facts(tmp_path, capsys) -> None:
    text = whole_file(aim_xml(LearnStartDate="2026-09-01", LearnPlanEndDate="2026-12-18", Outcome="8"),
                      aim_xml("Z0059758", "3", 2, LearnStartDate="2026-09-01", LearnPlanEndDate="2026-12-18"),
                      year="2026-27", prepared="2026-11-02")
    result = read_text(text)
    assert result.year == "2026-27" and result.year_source == "namespace"
    facts = Context(result.year, result.file_preparation_date).facts
    assert facts.xsd is None and facts.rule_list is None
    assert any("National Insurance" in c for c in facts.changes)
    path = tmp_path / "f.xml"
    path.write_text(text, encoding="utf-8")
    main(["diagnose", str(path), "--format", "json"])
    import json

    report = json.loads(capsys.readouterr().out)
    notes = " ".join(report["input"]["notes"])
    assert "No 2026-27 XSD is held" in notes and "2025-26 XSD" in notes
    assert notes.count("No 2026-27 XSD") == 1  # said once, in the header
    # Outcome 8 on a continuing bootcamp programme aim: Outcome_11 excludes bootcamps in the wording followed.
    rules = {f["rule"] for lr in report["learners"] for f in lr["findings"]}
    assert "Outcome_11" not in rules


def test_2026_27_findings_are_inferences_naming_the_2025_26_wording() -> None:
    record = learner(prog(CompStatus="2"), subject())
    found = check_learner(record, ctx("2026-27", "2027-01-10"))
    assert found
    for f in found:
        assert f.grade == "inference", f.rule
        assert "2026-27" in f.year_note and "2025-26" in f.year_note, f.rule


# -- explain -------------------------------------------------------------------------------------

def test_explain_r138_shows_its_history_across_the_years_held() -> None:
    text = explain("R_138")
    assert "By teaching year" in text
    for year in YEARS:
        assert f"**{year}**" in text
    assert re.search(r"\*\*2024-25\*\* \(version 1, Active", text)
    assert "changed:" in text and "2025-07-31" in text
    assert "2022-23**: page not held" in text and "2026-27**: page not held" in text


def test_explain_hgv_event_aims_names_the_one_asked_about() -> None:
    assert explain("Z0009541").startswith("**Z0009541** — HGV event aim")
    assert explain("Z0060442").startswith("**Z0060442**")


@pytest.mark.parametrize("field", ["OutType", "OutCode"])
def test_removed_fields_are_explained_as_removed_with_the_year(field: str) -> None:
    text = explain(field)
    assert text.startswith(f"**{field}**") and "Removed" in text and "2024-25" in text and "2023-24" in text


def test_evi_meanings_are_not_asserted() -> None:
    text = explain("EVI")
    assert "not published" in text
    for code in ("4", "5", "6"):
        assert not re.search(rf"\bcode {code}\b[^.]*\bmeans\b", text)


def test_schema_issue_dataclass_is_frozen() -> None:
    record = xml_learner(aim_xml(" ZPROG001"), SUBJECT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.schema_issues[0].clean = "x"  # type: ignore[misc]


def test_lint_catches_a_page_held_for_a_rule_that_does_not_exist(tmp_path) -> None:
    import shutil

    from assistant.faces.lint import lint_knowledge
    from assistant.knowledge_loader import shipped

    copy = tmp_path / "knowledge"
    shutil.copytree(shipped().root, copy)
    path = copy / "years" / "2024-25.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  R_1380:\n    status: Active\n", encoding="utf-8")
    problems = lint_knowledge(copy)
    assert any("R_1380" in p and "2024-25.yaml" in p for p in problems), problems
    assert lint_knowledge() == []


def test_a_rule_list_that_is_not_a_mapping_is_a_knowledge_error_not_a_traceback(tmp_path) -> None:
    """A year file's ``rule_list`` written as a bare file name once crashed with a TypeError."""
    import shutil

    from assistant.knowledge_loader import Knowledge, KnowledgeError, shipped

    copy = tmp_path / "knowledge"
    shutil.copytree(shipped().root, copy)
    path = copy / "years" / "2025-26.yaml"
    text, n = re.subn(r"(?m)^rule_list:\n(?:  .*\n)+", "rule_list: reference/validation-rules-2025-26.csv\n",
                      path.read_text(encoding="utf-8"))
    assert n == 1
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="rule_list"):
        year_facts("2025-26", Knowledge(copy))


def test_a_year_files_xsd_that_is_not_text_is_a_knowledge_error(tmp_path) -> None:
    import shutil

    from assistant.knowledge_loader import Knowledge, KnowledgeError, shipped

    copy = tmp_path / "knowledge"
    shutil.copytree(shipped().root, copy)
    path = copy / "years" / "2025-26.yaml"
    text, n = re.subn(r"(?m)^xsd: .*$", "xsd: [ILR-2025-26.xsd]", path.read_text(encoding="utf-8"))
    assert n == 1
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="xsd"):
        year_facts("2025-26", Knowledge(copy))
