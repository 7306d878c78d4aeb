"""The reader on anything: a model or our own InputError, quickly; and the engine on whatever it yields.

``test_hostile_input.py`` holds the hand-made corpus and short arbitrary
strings. These properties reach further:

* arbitrary text over every Unicode category, lone surrogates included (what
  Python's standard input produces from bad bytes under the C locale), and
  arbitrary bytes, alone or around a real learner;
* mutations of real-shaped bootcamp learners (the synthetic forum cases and
  builder records): elements dropped, duplicated, shuffled, moved, renamed or
  wrapped, values corrupted, the text cut or spliced. Every mutant must give a
  model or an InputError; every model must go through ``diagnose_learner``
  without an exception, and the corrected XML the engine would write must be
  written and read back.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest

from tests.conftest import alarm_after
from hypothesis import HealthCheck, given, settings
from hypothesis import event as count_as
from hypothesis import strategies as st
from lxml import etree

from assistant.advice.engine import diagnose_learner
from assistant.ilr.reader import ReadResult, read_text
from assistant.ilr.guard import InputError
from assistant.ilr.writer import write_fixed
from tests.builders import ctx, event, learner, prog, subject
from tests.test_dialogue_helpers import to_xml

FORUM = Path(__file__).parent / "fixtures" / "forum"
#: One read of a small input, on a busy 2-core machine (typically a millisecond or two).
READ_SECONDS = 1.0
#: One mutant: read, diagnose every learner in two contexts, write the fix and read it back.
MUTANT_SECONDS = 3.0
CONTEXTS = (ctx("2022-23", "2023-01-31"), ctx("2024-25", "2025-03-31"), ctx("2025-26", "2025-12-01"))


@pytest.fixture(autouse=True)
def watchdog():
    """Fail a test that runs far too long instead of hanging the suite."""
    with alarm_after(60, TimeoutError, "still running after 60s"):
        yield


def read(source: str | bytes) -> ReadResult | InputError:
    """The reader's outcome; anything but a ReadResult or an InputError fails the test (with its traceback)."""
    started = time.monotonic()
    try:
        outcome: ReadResult | InputError = read_text(source)
    except InputError as exc:
        outcome = exc
    elapsed = time.monotonic() - started
    assert elapsed < READ_SECONDS, f"reading {len(source):,} characters took {elapsed:.2f}s"
    if isinstance(outcome, InputError):
        assert outcome.message and outcome.hint, outcome
        assert "Traceback" not in outcome.describe()
    else:
        assert isinstance(outcome, ReadResult), type(outcome)
        # A snippet without a learner is refused; a whole file (<Message>) may hold none.
        assert outcome.learners or outcome.kind == "file", outcome
    return outcome


# -- arbitrary text and bytes ---------------------------------------------------------------------

#: Every category, surrogates included (hypothesis leaves them out by default).
ANY_CHAR = st.characters(exclude_categories=()) | st.sampled_from(["\ud800", "\udce9", "\udfff", "\x00", "\ufeff"])
SNIPPETS = st.sampled_from([
    "<Learner>", "</Learner>", "<LearningDelivery>", "</LearningDelivery>", '<Message xmlns="ESFA/ILR/2025-26">',
    "</Message>", "<LearnRefNumber>", "</LearnRefNumber>", "<LearnStartDate>", "</LearnStartDate>", "<AimType>",
    "</AimType>", "<LearningDeliveryFAM>", "<LearnDelFAMType>", "FFI", "</LearnDelFAMType>", "<ilr:Learner>",
    "<![CDATA[", "]]>", "<!--", "-->", "<?xml version='1.0' encoding='latin-1'?>", "<!DOCTYPE x>", "<!ENTITY",
    "&amp;", "&#x0;", "&#55296;", "&", "<", ">", "```xml\n", "```", "\x1b[200~", "\x1b[201~", "2024-09-02",
    "2024-02-30", "0001-01-01", "9999-12-31", " 1 ", "01", "\ud800", "\r\n", "\t",
])
BASE = to_xml(learner(prog(Outcome="8"), subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"),
                      event("2025-01-10")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ANY_CHAR, max_size=300))
def test_any_text(text):
    read(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SNIPPETS | st.text(ANY_CHAR, max_size=8), max_size=60).map("".join))
def test_xml_shaped_text(text):
    read(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(ANY_CHAR, max_size=40), st.text(ANY_CHAR, max_size=40))
def test_a_learner_among_any_text(before, after):
    outcome = read(before + BASE + after)
    if isinstance(outcome, ReadResult):
        assert "TEST001" in {l.learn_ref for l in outcome.learners}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_any_bytes(data):
    read(data)


ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "ascii", "x-klingon", "utf-32", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ENCODINGS[:7]), st.sampled_from(ENCODINGS), st.booleans(), st.binary(max_size=20),
       st.integers(0, len(BASE)))
def test_a_learner_in_any_encoding_declared_or_not(actual, declared, bom, junk, at):
    """The bytes of a real learner, in one encoding, declaring another (or none), maybe with junk spliced in."""
    text = BASE.replace("TEST001", "Sméth")
    head = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    try:
        data = (head + text).encode(actual)
    except UnicodeEncodeError:
        data = (head + text).encode(actual, "replace")
    if bom and actual == "utf-8":
        data = b"\xef\xbb\xbf" + data
    read(data)
    read(data[:at] + junk + data[at:])


# -- mutations of real-shaped learners ---------------------------------------------------------

def seeds() -> list[str]:
    out = [p.read_text(encoding="utf-8") for p in sorted(FORUM.glob("*.xml"))]
    out.append(BASE)
    out.append(to_xml(learner(prog(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3",
                                   WithdrawReason="40"), subject(CompStatus="3", LearnActEndDate="2024-10-01"),
                              prog(seq=3, ConRefNumber="SB-TEST-002", LearnStartDate="2024-11-04"),
                              subject(seq=4, ConRefNumber="SB-TEST-002", LearnStartDate="2024-11-04"),
                              ref="TWOCAMPS")))
    return out


SEEDS = seeds()
#: Values a field may be corrupted to: empty, padded, wrong type, out of range, absurd dates, markup-ish.
VALUES = st.sampled_from([
    "", " ", " 1 ", "01", "001", "1 ", "-1", "0", "99", "999999999999999999999", "X", "ZPROG001", "Z0059758",
    "2024-09-02", "2024-13-01", "2024-02-30", "0001-01-01", "9999-12-31", "2024-9-2", "02/09/2024", "20240902",
    "SB-TEST-001", "SOF", "FFI", "EVI", "105", "é", "1\u00a0", "NaN", "true",
]) | st.text(max_size=12)
TAGS = st.sampled_from([
    "Learner", "LearningDelivery", "LearningDeliveryFAM", "LearnRefNumber", "AimType", "AimSeqNumber",
    "LearnAimRef", "LearnStartDate", "LearnPlanEndDate", "LearnActEndDate", "CompStatus", "Outcome", "AchDate",
    "FundModel", "ProgType", "ConRefNumber", "LearnDelFAMType", "LearnDelFAMCode", "LearnDelFAMDateFrom",
    "WithdrawReason", "OutGrade", "Message", "Header", "junk", "x",
])
OPS = ("drop", "duplicate", "shuffle", "corrupt", "rename", "move", "wrap", "empty")


def _elements(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str)]


def mutate_tree(data, root: etree._Element) -> None:
    """Apply one structural or value mutation, chosen by hypothesis."""
    els = _elements(root)
    op = data.draw(st.sampled_from(OPS), label="op")
    el = els[data.draw(st.integers(0, len(els) - 1), label="element")]
    parent = el.getparent()
    ns = etree.QName(el).namespace
    if op == "drop" and parent is not None:
        parent.remove(el)
    elif op == "duplicate" and parent is not None:
        el.addnext(copy.deepcopy(el))
    elif op == "shuffle" and len(el):
        children = list(el)
        order = data.draw(st.permutations(range(len(children))), label="order")
        for child in children:
            el.remove(child)
        for i in order:
            el.append(children[i])
    elif op == "corrupt":
        target = el if not len(el) else els[data.draw(st.integers(0, len(els) - 1), label="leaf")]
        if not len(target):
            try:
                target.text = data.draw(VALUES, label="value")
            except ValueError:  # lxml refuses control characters in a tree; the text mutations add them
                pass
    elif op == "rename":
        name = data.draw(TAGS, label="tag")
        el.tag = etree.QName(ns, name).text if ns else name
    elif op == "move" and parent is not None:
        others = [o for o in els if o is not el and el not in o.iterancestors() and o is not parent]
        if others:
            new_parent = others[data.draw(st.integers(0, len(others) - 1), label="new parent")]
            if el not in new_parent.iterancestors():
                new_parent.append(el)
    elif op == "wrap" and parent is not None:
        name = data.draw(TAGS, label="wrapper")
        wrapper = etree.Element(etree.QName(ns, name).text if ns else name)
        el.addprevious(wrapper)
        wrapper.append(el)
    elif op == "empty":
        for child in list(el):
            el.remove(child)
        el.text = None


def mutate_text(data, text: str) -> str:
    """Cut, splice or delete in the serialised XML (what a bad copy-and-paste does)."""
    op = data.draw(st.sampled_from(["none", "none", "truncate", "insert", "delete"]), label="text op")
    at = data.draw(st.integers(0, len(text)), label="at")
    if op == "truncate":
        return text[:at]
    if op == "insert":
        return text[:at] + data.draw(st.sampled_from(["<", "&", ">", "</Learner>", "<x>", "\x00", "\ud800", "é",
                                                      "]]>", "<!--"]) | st.text(ANY_CHAR, max_size=5),
                                     label="inserted") + text[at:]
    if op == "delete":
        return text[:at] + text[at + data.draw(st.integers(1, 40), label="length"):]
    return text


def check_model(result: ReadResult) -> None:
    """Everything the faces do with a model: diagnose each learner, write the fix, read the fix back."""
    for context in CONTEXTS:
        changes = {}
        for position, lrn in enumerate(result.learners, 1):
            dg = diagnose_learner(lrn, context)
            assert dg.learner is lrn
            assert all(f.rule for f in dg.findings) and all(c.field for c in dg.proposal.changes)
            assert dg.introduced == [], f"the offered changes add {dg.introduced_rules} on a corrupted record"
            changes[position] = list(dg.proposal.changes)  # by position, never by LearnRefNumber
        if result.root is not None and any(changes.values()):
            fixed = write_fixed(result.root, changes)
            again = read(fixed)
            assert isinstance(again, ReadResult), f"the corrected XML cannot be read back: {again}"


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_mutated_learners_give_a_model_or_an_input_error(data):
    seed = data.draw(st.sampled_from(SEEDS), label="seed")
    root = etree.fromstring(seed.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        mutate_tree(data, root)
    text = etree.tostring(root, encoding="unicode")
    text = mutate_text(data, text)
    started = time.monotonic()
    outcome = read(text)
    count_as("read" if isinstance(outcome, ReadResult) else "refused")
    if isinstance(outcome, ReadResult):
        check_model(outcome)
    elapsed = time.monotonic() - started
    assert elapsed < MUTANT_SECONDS, f"one mutant took {elapsed:.2f}s"


def test_the_mutations_reach_both_outcomes_and_the_engine():
    """The machinery above is not vacuous: the seeds read, a cut tag is refused, a bad value reads with a problem."""
    for seed in SEEDS:
        assert isinstance(read(seed), ReadResult)
        assert isinstance(read(seed.replace("</LearnRefNumber>", "", 1)), InputError)
        corrupted = read(seed.replace("<CompStatus>", "<CompStatus>X", 1))
        assert isinstance(corrupted, ReadResult)
        assert any("CompStatus" in d.problems for lrn in corrupted.learners for d in lrn.deliveries)
        check_model(corrupted)
