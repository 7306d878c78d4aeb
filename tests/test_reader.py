"""The reader on every input shape a user may paste or point at (issue 2).

Records here are synthetic; the public ESFA sample files are read from
``SAMPLES``. Each test states what the caller sees: learners, kind, year and
where the year came from, problems on unreadable values, or an InputError.
"""

from __future__ import annotations

import codecs
from datetime import date

import pytest
from lxml import etree

from assistant.ilr import reader
from assistant.ilr.builder import delivery_from_element, learner_from_element
from assistant.ilr.reader import ReadResult, child_text, children, local, read_path, read_text, read_tree, safe_parser
from assistant.ilr.guard import InputError, syntax_error
from tests.conftest import SAMPLES

DELIVERY = """<LearningDelivery>
      <LearnAimRef>ZPROG001</LearnAimRef>
      <AimType>1</AimType>
      <AimSeqNumber>1</AimSeqNumber>
      <LearnStartDate>2024-09-02</LearnStartDate>
      <LearnPlanEndDate>2024-12-20</LearnPlanEndDate>
      <FundModel>37</FundModel>
      <ProgType>32</ProgType>
      <ConRefNumber>SB-TEST-001</ConRefNumber>
      <CompStatus>1</CompStatus>
      <LearningDeliveryFAM>
        <LearnDelFAMType>SOF</LearnDelFAMType>
        <LearnDelFAMCode>105</LearnDelFAMCode>
      </LearningDeliveryFAM>
    </LearningDelivery>"""

SUBJECT = """<LearningDelivery>
      <LearnAimRef>Z0059758</LearnAimRef>
      <AimType>3</AimType>
      <AimSeqNumber>2</AimSeqNumber>
      <LearnStartDate>2024-09-02</LearnStartDate>
      <LearnPlanEndDate>2024-12-20</LearnPlanEndDate>
      <FundModel>37</FundModel>
      <ProgType>32</ProgType>
      <ConRefNumber>SB-TEST-001</ConRefNumber>
      <CompStatus>1</CompStatus>
    </LearningDelivery>"""


def learner_xml(ref: str = "SYN001", *aims: str, dob: str = "1990-05-01") -> str:
    body = "\n    ".join(aims or (DELIVERY, SUBJECT))
    return f"""<Learner>
    <LearnRefNumber>{ref}</LearnRefNumber>
    <ULN>9999999999</ULN>
    <DateOfBirth>{dob}</DateOfBirth>
    <LearnerEmploymentStatus><EmpStat>10</EmpStat><DateEmpStatApp>2024-08-01</DateEmpStatApp></LearnerEmploymentStatus>
    <PriorAttain><PriorLevel>3</PriorLevel><DateLevelApp>2020-01-01</DateLevelApp></PriorAttain>
    {body}
  </Learner>"""


def file_xml(namespace: str | None, year: str | None = None, prep: str = "2025-01-08", *learners: str) -> str:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    year_el = f"<Year>{year}</Year>" if year else ""
    body = "\n  ".join(learners or (learner_xml(),))
    return f"""<Message{xmlns}>
  <Header>
    <CollectionDetails><Collection>ILR</Collection>{year_el}<FilePreparationDate>{prep}</FilePreparationDate></CollectionDetails>
    <Source><ProtectiveMarking>OFFICIAL-SENSITIVE-Personal</ProtectiveMarking><UKPRN>10000001</UKPRN></Source>
  </Header>
  <LearningProvider><UKPRN>10000001</UKPRN></LearningProvider>
  {body}
</Message>
"""


# -- whole files of every year and namespace ----------------------------------

@pytest.mark.parametrize("namespace, year", [
    ("ESFA/ILR/2022-23", "2022-23"),
    ("ESFA/ILR/2023-24", "2023-24"),
    ("ESFA/ILR/2024-25", "2024-25"),
    ("ESFA/ILR/2025-26", "2025-26"),
    ("SFA/ILR/2016-17", "2016-17"),
    ("SFA/ILR/2017-18", "2017-18"),
])
def test_whole_file_year_from_namespace(namespace, year):
    result = read_text(file_xml(namespace))
    assert result.kind == "file"
    assert (result.year, result.year_source) == (year, "namespace")
    assert result.namespace == namespace
    assert result.file_preparation_date == date(2025, 1, 8)
    [learner] = result.learners
    assert learner.learn_ref == "SYN001"
    assert [d.learn_aim_ref for d in learner.deliveries] == ["ZPROG001", "Z0059758"]
    assert learner.has_learner_details
    assert learner.date_of_birth == date(1990, 5, 1)
    assert learner.employment_dates == (date(2024, 8, 1),)
    assert learner.prior_attain_dates == (date(2020, 1, 1),)


def test_whole_file_without_namespace_takes_the_header_year():
    result = read_text(file_xml(None, "2425"))
    assert (result.year, result.year_source) == ("2024-25", "header")
    assert result.namespace is None


def test_whole_file_with_neither_namespace_nor_header_year_has_no_year():
    result = read_text(file_xml(None))
    assert result.year is None and result.year_source is None
    assert result.kind == "file"


def test_namespace_wins_over_a_disagreeing_header_and_says_so():
    result = read_text(file_xml("ESFA/ILR/2025-26", "2425"))
    assert (result.year, result.year_source) == ("2025-26", "namespace")
    assert any("2024-25" in n and "2025-26" in n for n in result.notes)


def test_header_year_that_is_not_a_year_is_noted_and_ignored():
    result = read_text(file_xml(None, "24x5"))
    assert result.year is None
    assert any("24x5" in n for n in result.notes)


def test_mixed_namespaces_sample_reads_by_local_name():
    path = SAMPLES / "ILR-90000064-1718-20180409-102223-01.xml"
    result = read_path(str(path))
    assert (result.year, result.year_source) == ("2018-19", "namespace")
    assert any("2017-18" in n for n in result.notes)  # Header/CollectionDetails says 1718
    assert len(result.learners) == etree.parse(str(path)).getroot().xpath("count(//*[local-name()='Learner'])")
    first = result.learners[0]
    assert first.learn_ref == "0ULN03"
    assert first.deliveries[0].learn_aim_ref == "60021238"
    assert first.deliveries[0].fams[0].code == "107"


@pytest.mark.parametrize("year_option, expected", [("2024-25", "2024-25"), ("2425", "2024-25"), ("2023/24", "2023-24")])
def test_year_option_wins_and_is_normalised(year_option, expected):
    result = read_text(file_xml("ESFA/ILR/2025-26"), year=year_option)
    assert (result.year, result.year_source) == (expected, "option")
    assert any("2025-26" in n for n in result.notes)


def test_year_option_for_a_snippet_without_any_year():
    result = read_text(learner_xml(), year="2025-26")
    assert (result.year, result.year_source) == ("2025-26", "option")


def test_bad_year_option_is_an_input_error_with_a_hint():
    with pytest.raises(InputError) as err:
        read_text(learner_xml(), year="2024-26")
    assert "2024-25" in err.value.hint


# -- snippets -----------------------------------------------------------------

def test_single_learner_without_namespace_has_no_year():
    result = read_text(learner_xml())
    assert result.kind == "learners"
    assert result.year is None and result.year_source is None
    assert [l.learn_ref for l in result.learners] == ["SYN001"]


def test_single_learner_with_its_own_namespace_gives_the_year():
    text = learner_xml().replace("<Learner>", '<Learner xmlns="ESFA/ILR/2024-25">', 1)
    result = read_text(text)
    assert (result.year, result.year_source) == ("2024-25", "namespace")


def test_several_learners_without_a_root():
    result = read_text(learner_xml("A1") + "\n" + learner_xml("B2"))
    assert [l.learn_ref for l in result.learners] == ["A1", "B2"]
    assert result.kind == "learners"


def test_one_bare_delivery():
    result = read_text(DELIVERY)
    assert result.kind == "deliveries"
    [snippet] = result.learners
    assert snippet.learn_ref == "(snippet)"
    assert not snippet.has_learner_details
    assert snippet.deliveries[0].learn_aim_ref == "ZPROG001"


def test_several_bare_deliveries_form_one_learner():
    result = read_text(DELIVERY + "\n" + SUBJECT)
    assert result.kind == "deliveries"
    [snippet] = result.learners
    assert [d.aim_seq for d in snippet.deliveries] == ["1", "2"]


def test_bare_delivery_next_to_a_learner_is_kept_separately():
    result = read_text(learner_xml("A1", DELIVERY) + SUBJECT)
    assert [l.learn_ref for l in result.learners] == ["A1", "(snippet)"]
    assert result.kind == "learners"


@pytest.mark.parametrize("wrap", [
    lambda t: '<?xml version="1.0" encoding="utf-8"?>\n' + t,
    lambda t: "<?xml version='1.0'?>" + t,
    lambda t: "\ufeff" + t,
    lambda t: "\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n" + t.replace("\n", "\r\n"),
    lambda t: "<!-- exported from the MIS -->\n<!-- second comment -->\n" + t,
    lambda t: "\n\n   \t" + t + "\n\n   ",
    lambda t: "```xml\n" + t + "\n```",
    lambda t: "```\n" + t + "\n```\n",
    lambda t: "Here's the record, why hasn't M2 paid?\n\n```xml\n" + t + "\n```\n\nThanks & regards <3",
    lambda t: "Here is the learner: " + t + " -- any ideas?",
], ids=["declaration", "single-quoted-declaration", "bom", "bom-declaration-crlf", "comments", "whitespace",
        "fence-xml", "fence-plain", "fence-with-chatter", "inline-chatter"])
def test_wrappers_around_a_learner(wrap):
    result = read_text(wrap(learner_xml()))
    assert [l.learn_ref for l in result.learners] == ["SYN001"]
    assert len(result.learners[0].deliveries) == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1"])
def test_bytes_in_the_encodings_files_come_in(encoding):
    declared = {"utf-8-sig": "utf-8", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}
    text = f'<?xml version="1.0" encoding="{declared.get(encoding, encoding)}"?>\n' + learner_xml("Sméth1")
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # no BOM: found from the zero bytes
        assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    result = read_text(data)
    assert result.learners[0].learn_ref == "Sméth1"


@pytest.mark.parametrize("declared", ["windows-1252", "UTF-7", "cp500", "shift_jis"])
def test_any_other_declared_encoding_is_refused(declared):
    data = f'<?xml version="1.0" encoding="{declared}"?>\n'.encode("ascii") + learner_xml("A1").encode("ascii")
    with pytest.raises(InputError, match="does not accept"):
        read_text(data)


def test_fences_keep_line_numbers_pointing_at_the_users_text():
    text = "line one\nline two\n```xml\n" + learner_xml() + "\n```\n"
    result = read_text(text)
    learner = result.learners[0]
    assert learner.line == 4
    assert learner.deliveries[0].line == text.splitlines().index("    <LearningDelivery>") + 1


def test_declaration_keeps_columns_for_errors():
    declaration = '<?xml version="1.0"?>'
    errors = []
    for text in ("<Learner><AimType>1</Learner>", declaration + "<Learner><AimType>1</Learner>"):
        with pytest.raises(InputError) as err:
            read_text(text)
        errors.append(err.value)
    assert errors[0].line == errors[1].line == 1
    assert errors[1].column - errors[0].column == len(declaration)
    assert len("<Learner><AimType>1") < errors[0].column <= len("<Learner><AimType>1</Learner>") + 1
    assert "<AimType>" in errors[0].message and "</Learner>" in errors[0].message


def test_markdown_with_several_fenced_blocks():
    text = f"first:\n```xml\n{learner_xml('A1')}\n```\nsecond:\n```xml\n{learner_xml('B2')}\n```\n"
    assert [l.learn_ref for l in read_text(text).learners] == ["A1", "B2"]


def test_undeclared_prefix_is_read_by_local_name_with_a_note():
    text = learner_xml().replace("<", "<ilr:").replace("<ilr:/", "</ilr:")
    result = read_text(text)
    assert result.learners[0].learn_ref == "SYN001"
    assert any("ilr:" in n for n in result.notes)


# -- values: normalised, or problems; never a crash ---------------------------

def one_delivery(**fields: str) -> reader.Delivery:
    xml = DELIVERY
    for name, value in fields.items():
        if f"<{name}>" in xml:
            start = xml.index(f"<{name}>")
            end = xml.index(f"</{name}>") + len(f"</{name}>")
            xml = xml[:start] + f"<{name}>{value}</{name}>" + xml[end:]
        else:
            xml = xml.replace("</LearningDelivery>", f"<{name}>{value}</{name}></LearningDelivery>")
    return read_text(xml).learners[0].deliveries[0]


def test_impossible_date_is_a_problem_on_that_field():
    d = one_delivery(LearnPlanEndDate="2024-06-31")
    assert d.learn_plan_end_date is None
    assert "2024-06-31" in d.problems["LearnPlanEndDate"]


def test_letter_in_a_code_is_a_problem():
    d = one_delivery(CompStatus="X")
    assert d.comp_status is None
    assert "CompStatus" in d.problems


@pytest.mark.parametrize("raw, code", [("1 ", "1"), (" 2", "2"), ("\n  3\n", "3"), ("01", "1"), ("+6", "6"), ("002", "2")])
def test_codes_with_spaces_or_leading_zeros_are_normalised(raw, code):
    d = one_delivery(CompStatus=raw)
    assert d.comp_status == code
    assert "CompStatus" not in d.problems


def test_fam_codes_keep_leading_zeros_and_types_are_upper_cased():
    xml = DELIVERY.replace("<LearnDelFAMType>SOF</LearnDelFAMType><LearnDelFAMCode>105</LearnDelFAMCode>", "")
    xml = xml.replace("<LearnDelFAMType>SOF</LearnDelFAMType>", "<LearnDelFAMType> ldm </LearnDelFAMType>")
    xml = xml.replace("<LearnDelFAMCode>105</LearnDelFAMCode>", "<LearnDelFAMCode>034</LearnDelFAMCode>")
    fam = read_text(xml).learners[0].deliveries[0].fams[0]
    assert (fam.type, fam.code) == ("LDM", "034")


def test_dates_with_whitespace_or_a_time_zone_are_read():
    assert one_delivery(LearnStartDate="\n   2024-09-02  ").learn_start_date == date(2024, 9, 2)
    assert one_delivery(LearnStartDate="2024-09-02Z").learn_start_date == date(2024, 9, 2)
    assert one_delivery(LearnStartDate="2024-09-02+01:00").learn_start_date == date(2024, 9, 2)


@pytest.mark.parametrize("raw", ["02/09/2024", "2024-9-2", "2024-09-02T10:00:00", "20240902", "2024-02-30", "tomorrow"])
def test_dates_in_other_forms_are_problems(raw):
    d = one_delivery(LearnStartDate=raw)
    assert d.learn_start_date is None
    assert raw.strip() in d.problems["LearnStartDate"]


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "1899-12-31", "2100-01-01"])
def test_absurd_years_are_problems_not_dates(raw):
    d = one_delivery(LearnActEndDate=raw)
    assert d.learn_act_end_date is None
    assert "plausible" in d.problems["LearnActEndDate"]


def test_empty_elements_are_absent_values_not_problems():
    d = one_delivery(CompStatus="", LearnPlanEndDate="   ")
    assert d.comp_status is None and d.learn_plan_end_date is None
    assert d.problems == {}
    d = read_text(DELIVERY.replace("<CompStatus>1</CompStatus>", "<CompStatus/>")).learners[0].deliveries[0]
    assert d.comp_status is None and d.problems == {}


def test_first_of_a_repeated_field_is_used():
    d = read_text(DELIVERY.replace("<CompStatus>1</CompStatus>", "<CompStatus>2</CompStatus><CompStatus>3</CompStatus>"))
    assert d.learners[0].deliveries[0].comp_status == "2"


def test_invalid_date_of_birth_does_not_repeat_the_value():
    result = read_text(learner_xml(dob="1990-13-45"))
    learner = result.learners[0]
    assert learner.date_of_birth is None
    assert "DateOfBirth" in learner.problems
    assert "1990-13-45" not in learner.problems["DateOfBirth"]


def test_invalid_employment_date_is_a_problem():
    text = learner_xml().replace("<DateEmpStatApp>2024-08-01", "<DateEmpStatApp>2024-08-32")
    learner = read_text(text).learners[0]
    assert learner.employment_dates == ()
    assert "LearnerEmploymentStatus/DateEmpStatApp" in learner.problems


def test_unreadable_file_preparation_date_is_noted():
    result = read_text(file_xml("ESFA/ILR/2025-26", prep="2025-02-30"))
    assert result.file_preparation_date is None
    assert any("FilePreparationDate" in n for n in result.notes)


def test_learner_without_a_reference_is_named_so():
    result = read_text("<Learner><LearningDelivery><AimType>1</AimType></LearningDelivery></Learner>")
    assert result.learners[0].learn_ref == "(no LearnRefNumber)"


def test_comments_and_processing_instructions_inside_records_are_ignored():
    text = learner_xml().replace("<AimType>1</AimType>", "<!-- note --><AimType>1</AimType><?mis x?>")
    assert read_text(text).learners[0].deliveries[0].aim_type == "1"


# -- the public samples ---------------------------------------------------------

SAMPLE_FILES = sorted(SAMPLES.glob("*.xml"))


def test_there_are_five_public_samples():
    assert len(SAMPLE_FILES) == 5


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_every_public_sample_reads(path):
    result = read_path(str(path))
    tree = etree.parse(str(path)).getroot()
    assert len(result.learners) == int(tree.xpath("count(//*[local-name()='Learner'])"))
    assert result.kind == "file"
    assert result.year is not None
    for learner in result.learners:
        assert learner.learn_ref and learner.learn_ref != "(no LearnRefNumber)"
    assert read_text(path.read_text(encoding="utf-8-sig")).learners == result.learners


def test_2025_26_sample_bootcamp_learners():
    result = read_path(str(SAMPLES / "ILR-99999999-2526-20250108-094401.xml"))
    assert (result.year, result.year_source) == ("2025-26", "namespace")
    assert result.file_preparation_date == date(2025, 1, 8)
    by_ref = {l.learn_ref: l for l in result.learners}
    sb = by_ref["SBLearner"]
    assert sb.is_bootcamp_learner
    prog = sb.deliveries[0]
    assert (prog.learn_aim_ref, prog.fund_model, prog.prog_type, prog.fam_code("SOF")) == ("ZPROG001", "37", "32", "105")
    ev = by_ref["SBLearnerEV"]
    assert sorted(f.code for f in ev.deliveries[0].fams_of("EVI")) == ["4", "5", "6"]


def test_the_original_esfa_sample_with_its_impossible_date():
    """ESFA's own 2025-26 sample had LearnPlanEndDate 2024-06-31: a problem, not a crash."""
    text = (SAMPLES / "ILR-99999999-2526-20250108-094401.xml").read_text(encoding="utf-8")
    first_end = text.index("<LearnPlanEndDate>") + len("<LearnPlanEndDate>")
    broken = text[:first_end] + "2024-06-31" + text[first_end + 10:]
    result = read_text(broken)
    flagged = [d for l in result.learners for d in l.deliveries if "LearnPlanEndDate" in d.problems]
    assert len(flagged) == 1
    assert "2024-06-31" in flagged[0].problems["LearnPlanEndDate"]


def test_sample_line_numbers_point_at_the_elements():
    path = SAMPLES / "ILR-99999999-2526-20250108-094401.xml"
    lines = path.read_text(encoding="utf-8").splitlines()
    for learner in read_path(str(path)).learners:
        assert lines[learner.line - 1].strip().startswith("<Learner")
        for d in learner.deliveries:
            assert lines[d.line - 1].strip().startswith("<LearningDelivery")


# -- public API kept -------------------------------------------------------------

def test_tree_helpers_and_read_tree_on_a_parsed_file():
    root = etree.fromstring(file_xml("ESFA/ILR/2024-25").encode(), safe_parser())
    assert local(root) == "Message"
    learner_el = next(iter(root.iter("{*}Learner")))
    assert child_text(learner_el, "LearnRefNumber") == "SYN001"
    assert child_text(learner_el, "Missing") is None
    assert [local(c) for c in children(learner_el, "LearningDelivery")] == ["LearningDelivery"] * 2
    assert learner_from_element(learner_el).learn_ref == "SYN001"
    assert delivery_from_element(next(children(learner_el, "LearningDelivery"))).aim_seq == "1"
    result = read_tree(root)
    assert isinstance(result, ReadResult)
    assert (result.year, result.kind) == ("2024-25", "file")
    assert local(etree.Comment("x")) == ""


def test_syntax_error_alone_turns_a_libxml2_error_into_words():
    try:
        etree.fromstring(b"<a><b></a>", safe_parser())
    except etree.XMLSyntaxError as exc:
        err = syntax_error(exc)
    assert isinstance(err, InputError)
    assert err.line == 1 and err.column
    assert "<b>" in err.message and "</a>" in err.message
    assert err.hint


def test_describe_says_where_what_and_what_to_do():
    err = InputError("something is wrong", 3, 7, hint="Do this")
    assert err.describe() == "line 3, column 7: something is wrong. Do this"
    assert str(err) == err.describe()
    assert InputError("x").describe() == "x"


def test_two_files_pasted_together_are_refused():
    with pytest.raises(InputError) as err:
        read_text(file_xml("ESFA/ILR/2025-26") + file_xml("ESFA/ILR/2025-26"))
    assert "one file at a time" in err.value.hint


def test_a_learner_with_thousands_of_aims():
    aims = [DELIVERY.replace("<AimSeqNumber>1<", f"<AimSeqNumber>{i}<") for i in range(1, 3001)]
    result = read_text(learner_xml("BIG1", *aims))
    assert len(result.learners[0].deliveries) == 3000
    assert result.learners[0].deliveries[-1].aim_seq == "3000"
