"""Hostile and broken input: a clear message or a safe result, never a traceback, hang, file read or request.

Small cases are files in ``tests/hostile/`` (synthetic; ``@CANARY_PATH@`` and
``@CANARY_URL@`` are pointed at this test's canaries), each with its expected
outcome below. Large cases (deep nesting, big pastes, entity blow-ups) are
generated here rather than committed.

Measured figure for the record (lxml 6.1 / libxml2 2.14, 2-CPU machine): a
50 MB paste of ~90 000 realistic learners reads in about 5.5 s of CPU and
~700 MB of memory, under the 64 MB paste limit. The suite does not spend
that: it checks the guard with a lowered limit and the speed on ~2 MB.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.ilr import reader
from assistant.ilr.reader import ReadResult, read_path, read_text
from assistant.ilr.guard import WRAPPER, InputError
from tests.test_no_network import (  # noqa: F401 (fixtures used by name)
    HOSTILE,
    canary,
    canary_server,
    everything_said,
    hostile_bytes,
    no_network,
    outcome_of,
)

#: Wall-clock bound for one small case (generous: the suite may run on a busy machine).
SMALL_CASE_SECONDS = 2.0
#: libxml2's own vocabulary, which must never reach a user.
JARGON = re.compile(r"XML_PARSE|xmlParse|xmlSAX|PCDATA|StartTag|EntityRef|CharRef|AttValue|NCName|"
                    + re.escape(WRAPPER), re.I)


@dataclass(frozen=True)
class Expect:
    """What one corpus file must produce."""

    #: Substrings the error message must contain (an error is expected when set).
    error: tuple[str, ...] = ()
    #: The error must say where (a line number).
    located: bool = False
    #: The learner references read (a result is expected when set).
    learners: tuple[str, ...] | None = None
    check: Callable[[ReadResult], None] | None = field(default=None, compare=False)


def _family_name(result: ReadResult) -> str | None:
    el = next(result.root.iter("{*}FamilyName"), None)
    return None if el is None else el.text


def _expect_name(name: str) -> Callable[[ReadResult], None]:
    def check(result: ReadResult) -> None:
        assert _family_name(result) == name
    return check


def _no_problems(result: ReadResult) -> None:
    for learner in result.learners:
        assert learner.problems == {}
        for d in learner.deliveries:
            assert d.problems == {}


def _whitespace_values(result: ReadResult) -> None:
    d = result.learners[0].deliveries[0]
    assert (d.aim_type, d.comp_status, d.fund_model, d.prog_type) == ("1", "1", "37", "32")
    assert str(d.learn_start_date) == "2024-09-02"
    assert d.fams[0].code == "105" and str(d.fams[0].date_from) == "2024-09-02"
    _no_problems(result)


def _empty_values(result: ReadResult) -> None:
    learner = result.learners[0]
    d = learner.deliveries[0]
    assert d.comp_status is None and d.learn_plan_end_date is None
    assert learner.date_of_birth is None
    _no_problems(result)


def _absurd_dates(result: ReadResult) -> None:
    learner = result.learners[0]
    d = learner.deliveries[0]
    assert d.learn_start_date is None and d.learn_plan_end_date is None
    assert "0001-01-01" in d.problems["LearnStartDate"]
    assert "9999-12-31" in d.problems["LearnPlanEndDate"]
    assert "DateOfBirth" in learner.problems and "0000" not in learner.problems["DateOfBirth"]


def _invalid_values(result: ReadResult) -> None:
    learner = result.learners[0]
    d = learner.deliveries[0]
    assert set(d.problems) == {"AimSeqNumber", "LearnStartDate", "LearnPlanEndDate", "CompStatus"}
    assert "2024-06-31" in d.problems["LearnPlanEndDate"]
    assert "DateOfBirth" in learner.problems


def _cdata(result: ReadResult) -> None:
    assert result.learners[0].deliveries[0].comp_status == "2"


def _fenced(result: ReadResult) -> None:
    assert [d.learn_aim_ref for d in result.learners[1].deliveries] == ["Z0059758"]


def _with_note(result: ReadResult) -> None:
    assert any("ilr:" in n for n in result.notes)


def _file_2025(result: ReadResult) -> None:
    assert (result.year, result.year_source, result.kind) == ("2025-26", "namespace", "file")


DTD = ("DTD",)
CASES: dict[str, Expect] = {
    # XML attacks
    "xxe-local-file.xml": Expect(DTD, located=True),
    "xxe-url.xml": Expect(DTD, located=True),
    "parameter-entities.xml": Expect(DTD, located=True),
    "external-dtd.xml": Expect(DTD, located=True),
    "external-dtd-public-file.xml": Expect(DTD, located=True),
    "doctype-lowercase.xml": Expect(DTD, located=True),
    "doctype-after-leading-comment.xml": Expect(DTD, located=True),
    "billion-laughs.xml": Expect(DTD, located=True),
    "undefined-entity.xml": Expect(("&canary;", "not an entity"), located=True),
    "xinclude.xml": Expect(learners=("XI01",)),
    "processing-instructions.xml": Expect(learners=("PI01",)),
    "schema-location-url.xml": Expect(learners=("HOST01",), check=_file_2025),
    "doctype-inside-comment.xml": Expect(learners=("HOST01",)),
    # broken XML
    "truncated.xml": Expect(("cut short",), located=True),
    "unclosed-tags.xml": Expect(("<Learner>", "never closed"), located=True),
    "wrong-nesting.xml": Expect(("<AimType>", "</LearningDelivery>"), located=True),
    "stray-closing-tag.xml": Expect(("</LearningDelivery>", "never opened"), located=True),
    "two-roots.xml": Expect(("2 ILR files",), located=True),
    "declaration-in-middle.xml": Expect(("declaration",), located=True),
    "not-xml.txt": Expect(("not XML",)),
    "not-xml-with-angle.txt": Expect(("'<'",), located=True),
    "html-page.html": Expect(("no <Learner>", "html"),),
    "binary-junk.bin": Expect(("binary",)),
    "nul-bytes.xml": Expect(("NUL",), located=True),
    "control-character.xml": Expect(("control character",), located=True),
    "invalid-utf8.xml": Expect(("not valid UTF-8",), located=True),
    "unknown-encoding.xml": Expect(("x-klingon",)),
    "zipped-ilr.zip": Expect(("ZIP",)),
    "lone-ampersand.xml": Expect(("'&'",), located=True),
    "bad-character-reference.xml": Expect(("character reference",), located=True),
    "unbalanced-comment.xml": Expect(("comment",), located=True),
    "unclosed-cdata.xml": Expect(("CDATA",), located=True),
    "empty.xml": Expect(("nothing to read",)),
    "whitespace-only.txt": Expect(("nothing to read",)),
    "comment-only.xml": Expect(("no <Learner>",)),
    # encodings and shapes that must read
    "utf16-le-bom.xml": Expect(learners=("HOST01",), check=_expect_name("Sméth")),
    "utf16-be-bom.xml": Expect(learners=("HOST01",), check=_expect_name("Sméth")),
    "utf16-declared-but-utf8.xml": Expect(learners=("HOST01",), check=_expect_name("Sméth")),
    "utf8-bom.xml": Expect(learners=("HOST01",), check=_expect_name("Sméth")),
    "latin1-declared.xml": Expect(learners=("HOST01",), check=_expect_name("Sméth")),
    "two-learners.xml": Expect(learners=("HOST01", "HOST02")),
    "bracketed-paste.txt": Expect(learners=("HOST01",), check=_no_problems),
    "markdown-fences.md": Expect(learners=("HOST01", "(snippet)"), check=_fenced),
    "undeclared-prefix.xml": Expect(learners=("HOST01",), check=_with_note),
    "cdata-values.xml": Expect(learners=("HOST01",), check=_cdata),
    "absurd-dates.xml": Expect(learners=("HOST01",), check=_absurd_dates),
    "empty-elements.xml": Expect(learners=("HOST01",), check=_empty_values),
    "whitespace-in-values.xml": Expect(learners=("HOST01",), check=_whitespace_values),
    "invalid-values.xml": Expect(learners=("HOST01",), check=_invalid_values),
}


def corpus_files() -> list[Path]:
    return sorted(p for p in HOSTILE.iterdir() if p.is_file() and not p.name.startswith("."))


def assert_good_error(err: InputError) -> None:
    """Every InputError says what is wrong and what to do, in the user's words."""
    assert err.message and err.message[0].islower() or err.message[0] in "<'&", err.message
    assert err.hint, f"no hint for: {err.message}"
    assert not JARGON.search(err.describe()), err.describe()
    assert "Traceback" not in err.describe()


def test_every_corpus_file_has_an_expected_outcome():
    assert {p.name for p in corpus_files()} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case(name, no_network, canary, canary_server):  # noqa: F811
    expect = CASES[name]
    data = hostile_bytes(HOSTILE / name, canary, canary_server)
    started = time.monotonic()
    outcome = outcome_of(data)
    elapsed = time.monotonic() - started
    assert elapsed < SMALL_CASE_SECONDS, f"{name} took {elapsed:.2f}s"
    if expect.error:
        assert isinstance(outcome, InputError), f"{name}: expected an error, read {outcome!r}"
        for part in expect.error:
            assert part in outcome.message, f"{name}: {part!r} not in {outcome.message!r}"
        if expect.located:
            assert outcome.line is not None, f"{name}: no line in {outcome.describe()!r}"
        assert_good_error(outcome)
    else:
        assert isinstance(outcome, ReadResult), f"{name}: {outcome}"
        assert tuple(l.learn_ref for l in outcome.learners) == expect.learners
        if expect.check:
            expect.check(outcome)
    assert not canary.appears_in(everything_said(outcome))
    assert no_network.attempts == []
    assert canary_server.hits == []
    assert not canary.was_read()


@pytest.mark.parametrize("name", sorted(n for n, e in CASES.items() if e.learners))
def test_readable_corpus_cases_go_through_the_checks_without_error(name, canary, canary_server):  # noqa: F811
    """What the reader lets through, the core must survive (absurd dates, empty values, odd encodings)."""
    from assistant.rules.checks import check_learner
    from assistant.rules.milestones import assess
    from tests.builders import ctx

    result = read_text(hostile_bytes(HOSTILE / name, canary, canary_server))
    for context in (ctx("2024-25", "2025-03-31"), ctx("2025-26", "2025-12-01")):
        for learner in result.learners:
            findings = check_learner(learner, context)
            assess(learner, context, findings)
            try:
                from assistant.advice.engine import diagnose_learner
            except ImportError:  # the engine is optional for this test
                continue
            diagnose_learner(learner, context)


# -- generated large and deep inputs ----------------------------------------------

def timed(fn, limit: float):
    started = time.monotonic()
    try:
        outcome = fn()
    except InputError as exc:
        outcome = exc
    elapsed = time.monotonic() - started
    assert elapsed < limit, f"took {elapsed:.2f}s (limit {limit}s)"
    return outcome


@pytest.mark.parametrize("opening, closing", [("<a>", "</a>"), ("<Learner>", "</Learner>"),
                                              ("<LearningDelivery>", "</LearningDelivery>")])
def test_one_hundred_thousand_levels_of_nesting(opening, closing, no_network):  # noqa: F811
    text = opening * 100_000 + closing * 100_000
    err = timed(lambda: read_text(text), 3.0)
    assert isinstance(err, InputError)
    assert "nested" in err.message and err.line == 1
    assert_good_error(err)
    assert no_network.attempts == []


def test_deep_nesting_inside_a_real_learner():
    text = "<Learner><LearnRefNumber>D1</LearnRefNumber>" + "<x>" * 100_000 + "</x>" * 100_000 + "</Learner>"
    err = timed(lambda: read_text(text), 3.0)
    assert isinstance(err, InputError) and "nested" in err.message


def test_a_learner_with_thousands_of_aims_reads_quickly():
    aim = ("<LearningDelivery><LearnAimRef>Z0059758</LearnAimRef><AimType>3</AimType><AimSeqNumber>{i}</AimSeqNumber>"
           "<LearnStartDate>2024-09-02</LearnStartDate><FundModel>37</FundModel><ProgType>32</ProgType>"
           "<ConRefNumber>SB-TEST-001</ConRefNumber><CompStatus>1</CompStatus></LearningDelivery>")
    text = "<Learner><LearnRefNumber>MANY</LearnRefNumber>" + "".join(aim.format(i=i) for i in range(5000)) + "</Learner>"
    result = timed(lambda: read_text(text), 5.0)
    assert isinstance(result, ReadResult)
    assert len(result.learners[0].deliveries) == 5000


def test_entity_blow_ups_are_refused_before_expansion():
    quadratic = ('<!DOCTYPE Learner [<!ENTITY a "' + "x" * 100_000 + '">]>\n<Learner><LearnRefNumber>'
                 + "&a;" * 20_000 + "</LearnRefNumber></Learner>")
    laughs = ('<!DOCTYPE lolz [<!ENTITY l0 "lol">'
              + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 30))
              + ']><Learner><LearnRefNumber>&l29;</LearnRefNumber></Learner>')
    for text in (quadratic, laughs):
        err = timed(lambda text=text: read_text(text), 2.0)
        assert isinstance(err, InputError) and "DTD" in err.message


def test_a_value_of_millions_of_characters():
    text = "<Learner><LearnRefNumber>" + "A" * 11_000_000 + "</LearnRefNumber></Learner>"
    err = timed(lambda: read_text(text), 3.0)
    assert isinstance(err, InputError)
    assert "millions of characters" in err.message
    assert_good_error(err)


def test_a_tag_name_of_a_hundred_thousand_characters():
    err = timed(lambda: read_text("<" + "L" * 100_000 + "/>"), 2.0)
    assert isinstance(err, InputError)
    assert_good_error(err)


def test_paste_over_the_size_limit_is_refused_without_parsing(monkeypatch):
    """The real limit (64 M characters) on a real 64 MB string: refused in well under a second."""
    text = "<a/>" * (reader.MAX_SNIPPET_CHARS // 4) + " "
    err = timed(lambda: read_text(text), 1.0)
    assert isinstance(err, InputError) and "more than" in err.message
    # Bytes far over the limit are refused before decoding (checked with a lowered limit).
    monkeypatch.setattr(reader, "MAX_SNIPPET_CHARS", 1000)
    data = b"\xff" * 5000  # not even valid UTF-8: never decoded
    err = timed(lambda: read_text(data), 1.0)
    assert isinstance(err, InputError) and "more than" in err.message


def test_size_guard_with_a_lowered_limit(monkeypatch):
    monkeypatch.setattr(reader, "MAX_SNIPPET_CHARS", 100_000)
    ok = "<Learner><LearnRefNumber>S1</LearnRefNumber></Learner>"
    assert read_text(ok).learners[0].learn_ref == "S1"
    err = timed(lambda: read_text(ok + " " * 100_000), 1.0)
    assert isinstance(err, InputError)
    assert "more than" in err.message and "diagnose FILE" in err.hint


def test_element_count_guard(monkeypatch):
    monkeypatch.setattr(reader, "MAX_SNIPPET_ELEMENTS", 10_000)
    err = timed(lambda: read_text("<a/>" * 20_000), 1.0)
    assert isinstance(err, InputError) and "tags" in err.message
    assert_good_error(err)
    assert isinstance(read_text("<Learner>" + "<a/>" * 5_000 + "</Learner>"), ReadResult)


def test_a_few_megabytes_of_realistic_learners_read_in_bounded_time():
    one = (HOSTILE / "two-learners.xml").read_text().split("</Learner>")[0] + "</Learner>\n"
    n = 2_000_000 // len(one)
    text = '<Message xmlns="ESFA/ILR/2025-26">' + "".join(one.replace("HOST01", f"H{i}") for i in range(n)) + "</Message>"
    result = timed(lambda: read_text(text), 6.0)
    assert isinstance(result, ReadResult) and len(result.learners) == n


@pytest.mark.parametrize("text", [
    "```\n" * 1_000_000,
    "```x\n<a>" * 300_000,
    "<!--" * 1_000_000,
    "<![CDATA[<!DOCTYPE x>]]>" * 200_000,
    "<!--<!DOCTYPE-->" * 200_000,
    "<" * 2_000_000,
    "&" * 2_000_000,
    "\x1b[200~" * 500_000,
], ids=["fences", "open-fences", "open-comments", "dtd-in-cdata", "dtd-in-comments", "angles", "ampersands",
        "paste-markers"])
def test_pathological_pastes_end_quickly(text, monkeypatch):
    monkeypatch.setattr(reader, "MAX_SNIPPET_ELEMENTS", 10_000_000)  # let them reach the scanners and the parser
    outcome = timed(lambda: read_text(text), 4.0)
    if isinstance(outcome, InputError):
        assert_good_error(outcome)


# -- read_path: safe to point at anything ----------------------------------------

def test_read_path_refuses_a_folder(tmp_path):
    with pytest.raises(InputError) as err:
        read_path(str(tmp_path))
    assert "folder" in err.value.message and err.value.hint


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_read_path_refuses_a_device_without_hanging():
    err = timed(lambda: read_path("/dev/zero"), 1.0)
    assert isinstance(err, InputError) and "not a regular file" in err.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_path_refuses_a_named_pipe_without_hanging(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    err = timed(lambda: read_path(str(fifo)), 1.0)
    assert isinstance(err, InputError) and "not a regular file" in err.message


def test_read_path_missing_file(tmp_path):
    with pytest.raises(InputError) as err:
        read_path(str(tmp_path / "nope.xml"))
    assert "cannot open" in err.value.message and err.value.hint


def test_read_path_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.xml"
    big.write_bytes(b" " * 2000)
    with pytest.raises(InputError) as err:
        read_path(str(big))
    assert "more than" in err.value.message


def test_read_path_standard_input(monkeypatch):
    data = (HOSTILE / "utf16-le-bom.xml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert read_path("-").learners[0].learn_ref == "HOST01"


def test_read_path_standard_input_too_large(monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<a/>" * 1000)))
    with pytest.raises(InputError) as err:
        read_path("-")
    assert "more than" in err.value.message


def test_read_text_refuses_a_non_text_argument():
    with pytest.raises(InputError):
        read_text(12345)  # type: ignore[arg-type]


# -- properties: arbitrary input gives a model or our own error --------------------

def _reads_or_explains(source) -> None:
    try:
        result = read_text(source)
    except InputError as err:
        assert err.message and err.hint is not None
        assert not JARGON.search(err.describe()), err.describe()
        return
    assert isinstance(result, ReadResult)
    # a snippet always yields learners; a whole <Message> may hold none (diagnose then says so)
    assert result.learners or result.kind == "file"


FRAGMENTS = st.sampled_from([
    "<Learner>", "</Learner>", "<LearningDelivery>", "</LearningDelivery>", "<Message>", "</Message>",
    '<Message xmlns="ESFA/ILR/2025-26">', "<LearnRefNumber>", "</LearnRefNumber>", "<AimType>", "</AimType>",
    "<CompStatus>", "</CompStatus>", "<LearnStartDate>", "</LearnStartDate>", "<LearningDeliveryFAM>",
    "</LearningDeliveryFAM>", "<LearnDelFAMCode>", "</LearnDelFAMCode>", "<a/>", "<!-- c -->", "<![CDATA[x]]>",
    "<?pi x?>", '<?xml version="1.0"?>', "<!DOCTYPE x>", "&amp;", "&e;", "&#0;", "&", "<", ">", "```xml\n", "```",
    "2024-09-02", "2024-06-31", "9999-12-31", "1 ", "01", "X", " ", "\n", "\ufeff", "\x00", "\x1b[200~", "é", "ilr:",
])


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_property_arbitrary_text(text):
    _reads_or_explains(text)


@settings(max_examples=200, deadline=2000)
@given(st.binary(max_size=400))
def test_property_arbitrary_bytes(data):
    _reads_or_explains(data)


@settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=40).map("".join))
def test_property_xml_like_text(text):
    _reads_or_explains(text)
    _reads_or_explains(text.encode("utf-8"))
