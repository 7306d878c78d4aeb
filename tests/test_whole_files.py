"""Whole files you can trust (issue 14): safe writing, streamed fixes, file-level checks, one guard.

Each case the issue names has a test here: --fixed never truncates or
overwrites its input, output failures have their own exit status, unchanged
bytes stay byte for byte, changes go by position (duplicates, no
LearnRefNumber), two Headers and foreign encodings are refused in every path,
every size limit holds in every path (with lowered limits), closed and full
standard streams end in a message, and Ctrl-C says the output is incomplete.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assistant.faces.cli import build_parser, main
from assistant.faces.status import EXIT_TABLE, ExitStatus
from assistant.ilr import reader
from assistant.ilr.reader import read_text
from assistant.ilr.guard import InputError
from assistant.ilr.splice import LearnerScanner, decoded_chunks
from tests.conftest import ROOT
from tests.test_properties_reader import CONTEXTS, SEEDS, mutate_text, mutate_tree

FORUM = Path(__file__).parent / "fixtures" / "forum"
BECKS = (FORUM / "becks-original.xml").read_text(encoding="utf-8")
HEAD, _, rest = BECKS.partition("  <Learner>")
LEARNER = "  <Learner>" + rest.rpartition("</Message>")[0]
TAIL = "</Message>\n"
PY = [sys.executable, "-m", "assistant"]


def whole(*learners: str, head: str = HEAD) -> str:
    return head + "".join(learners) + TAIL


def later_event(learner: str) -> str:
    """The same learner with its event a few weeks later (so its proposed end date differs)."""
    return learner.replace("2022-12-20", "2023-01-10")


def run(args, capsys):
    code = main(["diagnose", *args])
    out, err = capsys.readouterr()
    return code, out, err


def cli(args, *, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, timeout=120, shell_prefix: str | None = None):
    """The real command in a subprocess (for closed descriptors, limits and signals)."""
    if shell_prefix is not None:
        command = shell_prefix + " " + " ".join(f"'{a}'" for a in PY + args)
        return subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, timeout=timeout)
    return subprocess.run(PY + args, cwd=ROOT, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout)


# -- the exit-status table is one, and documented -------------------------------------------

def test_every_exit_status_is_documented_in_help_and_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The command line", 1)[1].split("\n## ", 1)[0]
    helptext = build_parser().format_help()
    for status, _ in EXIT_TABLE:
        assert re.search(rf"\|\s*{int(status)}\s*\|", section), f"README does not list exit status {int(status)}"
        assert f"  {int(status):>3}  " in helptext
    assert {s for s, _ in EXIT_TABLE} == set(ExitStatus)


# -- writing --fixed -------------------------------------------------------------------------

def test_fixed_onto_its_own_input_is_refused_however_named(tmp_path, capsys):
    src = tmp_path / "in.xml"
    src.write_text(BECKS, encoding="utf-8")
    os.symlink(src, tmp_path / "link.xml")
    os.link(src, tmp_path / "hard.xml")
    for name in (str(src), str(tmp_path / "link.xml"), str(tmp_path / "hard.xml"), f"{tmp_path}/./x/../in.xml"):
        (tmp_path / "x").mkdir(exist_ok=True)
        code, _, err = run([str(src), "--fixed", name], capsys)
        assert code == ExitStatus.OUTPUT and "is the input file itself" in err and "--in-place" in err
        assert src.read_text(encoding="utf-8") == BECKS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.xml", "in.xml", "link.xml", "x"]


def test_in_place_replaces_the_input_and_keeps_a_backup(tmp_path, capsys):
    src = tmp_path / "in.xml"
    src.write_text(BECKS, encoding="utf-8")
    code, _, err = run([str(src), "--fixed", str(src), "--in-place"], capsys)
    assert code == ExitStatus.FINDINGS, err
    assert (tmp_path / "in.xml.bak").read_text(encoding="utf-8") == BECKS
    fixed = src.read_text(encoding="utf-8")
    assert "<CompStatus>2</CompStatus>\n      <LearnActEndDate>2022-12-20</LearnActEndDate>" in fixed
    assert "kept as" in err and "2 changes to 1 learner" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xml", "in.xml.bak"]


def test_in_place_without_fixed_is_refused(tmp_path, capsys):
    code, _, err = run([str(FORUM / "becks-original.xml"), "--in-place"], capsys)
    assert code == ExitStatus.INPUT and "--in-place" in err


@pytest.mark.parametrize("fixed_input", [True, False], ids=["in-place", "other-file"])
def test_a_disk_filling_up_mid_write_leaves_the_input_byte_identical(tmp_path, fixed_input):
    # 200 learners (~800 KB): far past a 16 KB file-size limit (ulimit -f counts 1 KB blocks).
    src = tmp_path / "in.xml"
    src.write_bytes(whole(*[LEARNER.replace("BECKSORIGINA", f"L{i:05d}") for i in range(200)]).encode("utf-8"))
    before = src.read_bytes()
    target = src if fixed_input else tmp_path / "out.xml"
    extra = ["--in-place"] if fixed_input else []
    done = cli(["diagnose", str(src), "--fixed", str(target), "--format", "json", *extra],
               shell_prefix="ulimit -f 16;")
    err = done.stderr.decode()
    assert done.returncode == ExitStatus.OUTPUT, err
    assert "Traceback" not in err and "file size limit" in err
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xml"]  # no temporary file, no .bak, no out.xml


def test_output_failures_have_their_own_status(tmp_path, capsys):
    src = str(FORUM / "becks-original.xml")
    for target, words in [(str(tmp_path / "missing" / "out.xml"), "does not exist"),
                          (str(tmp_path), "is a folder"),
                          ("/dev/full", "device or pipe")]:
        code, _, err = run([src, "--fixed", target], capsys)
        assert code == ExitStatus.OUTPUT, (target, err)
        assert words in err and "Traceback" not in err
    if os.geteuid() != 0:  # root writes into read-only folders
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        code, _, err = run([src, "--fixed", str(ro / "out.xml")], capsys)
        assert code == ExitStatus.OUTPUT and "cannot write" in err


@pytest.mark.parametrize("args, words", [
    (["--fixed", ""], "empty file name"),
    (["--fixed", "-", "--format", "json"], "would be mixed"),
    (["--fixed", "-", "--summary"], "would be mixed"),
])
def test_fixed_options_that_cannot_work_are_refused(args, words, capsys):
    code, out, err = run([str(FORUM / "becks-original.xml"), *args], capsys)
    assert code == ExitStatus.INPUT and words in err and out == ""


def test_fixed_to_stdout_is_the_xml_alone(capsys):
    code, out, err = run([str(FORUM / "becks-original.xml"), "--fixed", "-"], capsys)
    assert code == ExitStatus.FINDINGS
    assert out.startswith('<?xml version="1.0" encoding="utf-8"?>') and out.endswith("</Message>\n")
    assert "Learner BECKSORIGINA" in err  # the text report went to stderr


def test_a_file_broken_further_on_leaves_no_corrected_copy(tmp_path, capsys):
    """The second read runs ahead of the parser: a bad byte it meets first must not beat the parser's message."""
    learners = [LEARNER.replace("BECKSORIGINA", f"L{i:05d}") for i in range(1000)]  # ~3 MB: several chunks
    learners[900] = learners[900].replace("Testlearner", "Test\udcfflearner")
    src, out = tmp_path / "broken.xml", tmp_path / "out.xml"
    src.write_bytes(whole(*learners).encode("utf-8", "surrogateescape"))
    code, _, err = run([str(src), "--fixed", str(out), "--summary"], capsys)
    assert code == ExitStatus.INPUT, err
    assert "not valid UTF-8" in err or "UTF-8" in err
    assert "corrected XML was not written" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.xml"]


# -- the input's bytes where nothing changed ---------------------------------------------------

PECULIAR_HEAD = ("<?xml version='1.0' encoding='ISO-8859-1' standalone='yes'?>\r\n"
                 "<!-- caf\xe9: a Latin-1 comment -->\r\n")


def peculiar(learner: str) -> str:
    """A learner with CDATA and character references outside the aims that will change."""
    return (learner.replace("<FamilyName>Testlearner</FamilyName>", "<FamilyName><![CDATA[Test & learner]]></FamilyName>")
            .replace("<GivenNames>Synthetic</GivenNames>", "<GivenNames>Synth&#233;tic &amp; co</GivenNames>")
            .replace("<Postcode>ZZ99 9ZZ</Postcode>", "<Postcode >ZZ99&#x20;9ZZ</Postcode >"))


@pytest.mark.parametrize("declared", [True, False], ids=["declaration", "no-declaration"])
def test_unchanged_bytes_stay_byte_for_byte(tmp_path, capsys, declared):
    clean = LEARNER.replace("BECKSORIGINA", "CLEANCOPY001").replace(
        "<CompStatus>1</CompStatus>\n      <Outcome>8</Outcome>",
        "<CompStatus>2</CompStatus>\n      <LearnActEndDate>2022-12-20</LearnActEndDate>\n      <Outcome>8</Outcome>")
    head = HEAD.replace('<?xml version="1.0" encoding="utf-8"?>\n', PECULIAR_HEAD if declared else "")
    text = whole(peculiar(LEARNER), peculiar(clean), head=head).replace("\r\n", "\n").replace("\n", "\r\n")
    data = text.encode("latin-1")
    src, out = tmp_path / "in.xml", tmp_path / "out.xml"
    src.write_bytes(data)
    code, _, err = run([str(src), "--fixed", str(out)], capsys)
    assert code == ExitStatus.FINDINGS, err
    result = out.read_bytes()
    # Only the changed aim differs: CompStatus 1 -> 2 and one LearnActEndDate line, in CRLF.
    old = b"<CompStatus>1</CompStatus>\r\n      <Outcome>8</Outcome>"
    new = (b"<CompStatus>2</CompStatus>\r\n      <LearnActEndDate>2022-12-20</LearnActEndDate>\r\n"
           b"      <Outcome>8</Outcome>")
    assert data.count(old) == 1
    assert result == data.replace(old, new)
    assert result.startswith(PECULIAR_HEAD.replace("\r\n", "\n").replace("\n", "\r\n").encode("latin-1")) == declared


def test_utf16_files_come_back_in_utf16(tmp_path, capsys):
    text = whole(LEARNER).replace('encoding="utf-8"', 'encoding="UTF-16"')
    data = text.encode("utf-16")  # with its BOM
    src, out = tmp_path / "in.xml", tmp_path / "out.xml"
    src.write_bytes(data)
    code, _, err = run([str(src), "--fixed", str(out)], capsys)
    assert code == ExitStatus.FINDINGS, err
    fixed = out.read_bytes()
    assert fixed[:2] == data[:2]
    assert fixed.decode("utf-16") == text.replace(
        "<CompStatus>1</CompStatus>\n", "<CompStatus>2</CompStatus>\n      <LearnActEndDate>2022-12-20</LearnActEndDate>\n")


def test_spliced_output_is_the_tree_writers_output(tmp_path):
    """On a generated file, the splice and the tree writer make the same document (only bytes differ)."""
    from lxml import etree

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import make_ilr  # noqa: E402

    from assistant.advice.engine import diagnose_learner
    from assistant.faces.formats import context_for, resolve_input
    from assistant.ilr.writer import write_fixed

    src = tmp_path / "gen.xml"
    with open(src, "w", encoding="utf-8") as fh:
        make_ilr.generate(300, "2024-25", 5, fh, bootcamp_share=0.6)
    assert main(["diagnose", str(src), "--fixed", str(tmp_path / "out.xml"), "--summary"]) == 1
    result = reader.read_path(str(src))
    ctx = context_for(resolve_input(result.year, result.year_source, result.file_preparation_date, None, None))
    changes = {}
    for position, learner in enumerate(result.learners, 1):
        if learner.is_bootcamp_learner:
            dg = diagnose_learner(learner, ctx)
            changes[position] = [] if dg.introduced else list(dg.proposal.changes)
    assert sum(map(len, changes.values())) > 50
    by_tree = etree.fromstring(write_fixed(result.root, changes).encode("utf-8"))
    by_splice = etree.parse(str(tmp_path / "out.xml")).getroot()
    assert etree.tostring(by_tree) == etree.tostring(by_splice)


def test_aims_added_removed_and_fams_changed_are_spliced_like_the_tree_writer():
    from lxml import etree

    from assistant.advice.types import Change
    from assistant.ilr.splice import edit_learner
    from assistant.ilr.writer import write_fixed

    text = peculiar(LEARNER).strip(" ").replace("\n", "\r\n")
    changes = [
        Change(2, "Z0059758", "LearningDelivery", "Z0059758", None, ("gone",)),
        Change(4, "Z0059748", "LearningDelivery", None, "Z0059748", ("new",), con_ref="SB-10000001-1"),
        Change(4, "Z0059748", "AimType", None, "3", ("new",)),
        Change(4, "Z0059748", "LearnStartDate", None, "2023-01-05", ("new",)),
        Change(1, "ZPROG001", "LearningDeliveryFAM", {"code": "1", "date_from": None}, {"code": "2", "date_from": None},
               ("ffi",), fam_type="FFI"),
        Change(9, "Z0000000", "CompStatus", None, "2", ("no such aim",)),
    ]
    ns = {None: "ESFA/ILR/2022-23"}
    edited = edit_learner(text, changes, ns, "BECKSORIGINA")
    assert [c.aim_seq for c in edited.missed] == [9]
    # The aim nobody touched (3) and everything outside the aims are the input's own bytes.
    third = text[text.index("<LearningDelivery>", text.index("<AimSeqNumber>3") - 200):]
    third = third[:third.index("</LearningDelivery>") + len("</LearningDelivery>")]
    assert third in edited.text
    head = text[:text.index("<LearningDelivery>")]
    assert edited.text.startswith(head) and "<![CDATA[Test & learner]]>" in edited.text
    assert edited.text.count("\n") == edited.text.count("\r\n")
    assert "Z0059758" not in edited.text and "<LearnAimRef>Z0059748</LearnAimRef>" in edited.text
    # And it is the document the tree writer makes.
    wrapped = f'<Message xmlns="ESFA/ILR/2022-23">{text}</Message>'
    tree = etree.fromstring(wrapped.encode(), etree.XMLParser(strip_cdata=False))
    by_tree = etree.fromstring(write_fixed(tree, {1: changes}).encode(), etree.XMLParser(strip_cdata=False))
    by_splice = etree.fromstring(f'<Message xmlns="ESFA/ILR/2022-23">{edited.text}</Message>'.encode(),
                                 etree.XMLParser(strip_cdata=False))
    def canon(el):
        return [(e.tag, (e.text or "").strip()) for e in el.iter()]
    assert canon(by_tree) == canon(by_splice)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(1, 700), min_size=1, max_size=40))
def test_the_scanner_copies_any_chunking_unchanged(sizes):
    text = whole(LEARNER, "<!-- <Learner> in a comment --><![CDATA[</Learner>]]><?pi <Learner>?>", LEARNER)
    data = text.encode("utf-8")
    pos = [0]

    def read(n):
        size = sizes[len(out_chunks) % len(sizes)]
        out_chunks.append(size)
        chunk = data[pos[0]:pos[0] + size]
        pos[0] += size
        return chunk

    out_chunks: list[int] = []
    written: list[str] = []
    scanner = LearnerScanner(decoded_chunks(read, "utf-8", 1), written.append)
    start = text.rfind("<Learner>")  # the second learner (the comment and PI before it are not learners)
    end = text.find("</Learner>", start) + len("</Learner>")
    assert scanner.take(2) == text[start:end]
    assert scanner.finish() == 2
    assert "".join(written) == text[:start] + text[end:]


# -- file-level facts ----------------------------------------------------------------------------

def test_duplicate_references_are_flagged_and_each_copy_gets_its_own_changes(tmp_path, capsys):
    src, out = tmp_path / "dup.xml", tmp_path / "out.xml"
    src.write_text(whole(LEARNER, later_event(LEARNER)), encoding="utf-8")
    code, report, err = run([str(src), "--fixed", str(out), "--format", "json"], capsys)
    assert code == ExitStatus.FINDINGS, err
    data = json.loads(report)
    [dup] = data["file_findings"]
    assert dup["rule"] == "R_06" and dup["learn_ref"] == "BECKSORIGINA" and "learner 2" in dup["detail"]
    fixed = out.read_text(encoding="utf-8")
    first, second = fixed.split("<Learner>")[1:]
    assert "<LearnActEndDate>2022-12-20</LearnActEndDate>\n      <Outcome>8" in first
    assert "<LearnActEndDate>2023-01-10</LearnActEndDate>\n      <Outcome>8" in second
    # The other formats say it too.
    for args in (["--format", "text"], ["--format", "csv"], ["--format", "md"], ["--summary", "--format", "json"]):
        code, report, _ = run([str(src), *args], capsys)
        assert code == ExitStatus.FINDINGS and "R_06" in report or "file_findings" in report, args


def test_a_whole_file_on_standard_input_is_streamed(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(whole(LEARNER, later_event(LEARNER)).encode())))
    code, report, err = run(["-", "--format", "json"], capsys)
    data = json.loads(report)
    assert code == ExitStatus.FINDINGS, err
    assert data["summary"]["learners_checked"] == 2  # the stream's report (the whole-input one has no summary)
    assert data["file_findings"][0]["rule"] == "R_06"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(LEARNER.encode())))
    code, report, _ = run(["-", "--format", "json"], capsys)
    assert code == ExitStatus.FINDINGS and "summary" not in json.loads(report)  # a snippet: read whole


def test_duplicates_on_standard_input_are_fixed_by_position_too(tmp_path, capsys, monkeypatch):
    text = whole(LEARNER, later_event(LEARNER)).replace("\n", "\r\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    out = tmp_path / "out.xml"
    code, report, err = run(["-", "--fixed", str(out), "--format", "json"], capsys)
    assert code == ExitStatus.FINDINGS, err
    assert json.loads(report)["file_findings"][0]["rule"] == "R_06"
    fixed = out.read_bytes()
    assert b"<LearnActEndDate>2022-12-20</LearnActEndDate>\r\n      <Outcome>8" in fixed.split(b"<Learner>")[1]
    assert b"<LearnActEndDate>2023-01-10</LearnActEndDate>\r\n      <Outcome>8" in fixed.split(b"<Learner>")[2]
    assert fixed.count(b"\n") == fixed.count(b"\r\n")  # CRLF kept from standard input too


def test_duplicate_rule_quiet_on_distinct_references(tmp_path, capsys):
    src = tmp_path / "two.xml"
    src.write_text(whole(LEARNER, later_event(LEARNER).replace("BECKSORIGINA", "BECKSSECOND1")), encoding="utf-8")
    _, report, _ = run([str(src), "--format", "json"], capsys)
    assert "file_findings" not in json.loads(report)


def test_a_learner_without_a_reference_gets_its_changes(tmp_path, capsys):
    src, out = tmp_path / "noref.xml", tmp_path / "out.xml"
    src.write_text(whole(LEARNER.replace("    <LearnRefNumber>BECKSORIGINA</LearnRefNumber>\n", "")), encoding="utf-8")
    code, _, err = run([str(src), "--fixed", str(out)], capsys)
    assert code == ExitStatus.FINDINGS
    assert "2 changes to 1 learner" in err and "NOT" not in err
    assert "<LearnActEndDate>2022-12-20</LearnActEndDate>\n      <Outcome>8" in out.read_text(encoding="utf-8")


TWO_HEADERS = whole(LEARNER).replace("  <LearningProvider>", HEAD.split("<Message xmlns=\"ESFA/ILR/2022-23\">\n")[1]
                                     .split("  <LearningProvider>")[0] + "  <LearningProvider>")


def test_two_headers_are_refused_in_every_path(tmp_path, capsys, monkeypatch):
    assert TWO_HEADERS.count("<Header>") == 2
    src = tmp_path / "two.xml"
    src.write_text(TWO_HEADERS, encoding="utf-8")
    for args in ([str(src)], [str(src), "--fixed", str(tmp_path / "out.xml")]):
        code, _, err = run(args, capsys)
        assert code == ExitStatus.INPUT and "two <Header> elements" in err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TWO_HEADERS.encode())))
    code, _, err = run(["-"], capsys)
    assert code == ExitStatus.INPUT and "two <Header> elements" in err
    with pytest.raises(InputError, match="two <Header>"):
        read_text(TWO_HEADERS)
    assert not (tmp_path / "out.xml").exists()


# -- one guard, every path -------------------------------------------------------------------------

UTF7 = ('<?xml version="1.0" encoding="UTF-7"?>\n+ADw-!DOCTYPE Message +AFs-+ADw-!ENTITY x SYSTEM '
        '+ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-\n' + whole(LEARNER).split("?>\n", 1)[1])


def test_a_utf7_hidden_doctype_is_refused_in_every_path(tmp_path, capsys, monkeypatch):
    src = tmp_path / "utf7.xml"
    src.write_text(UTF7, encoding="ascii")
    for args in ([str(src)], [str(src), "--format", "json"], [str(src), "--fixed", str(tmp_path / "out.xml")]):
        code, out, err = run(args, capsys)
        assert code == ExitStatus.INPUT and "UTF-7" in err and out == "", args
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(UTF7.encode())))
    code, _, err = run(["-"], capsys)
    assert code == ExitStatus.INPUT and "UTF-7" in err
    with pytest.raises(InputError, match="UTF-7"):
        read_text(UTF7.encode())
    assert not (tmp_path / "out.xml").exists()


def test_the_file_size_limit_holds_on_the_streamed_path_and_stdin(tmp_path, capsys, monkeypatch):
    src = tmp_path / "big.xml"
    src.write_text(whole(*[LEARNER] * 30), encoding="utf-8")
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 20_000)
    for args in ([str(src)], [str(src), "--fixed", str(tmp_path / "out.xml")]):
        code, _, err = run(args, capsys)
        assert code == ExitStatus.INPUT and "MB" in err, err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(src.read_bytes())))
    code, _, err = run(["-"], capsys)
    assert code == ExitStatus.INPUT and "MB" in err
    assert not (tmp_path / "out.xml").exists()


def test_a_growing_stream_is_stopped_at_the_limit(tmp_path, monkeypatch):
    """The size from stat is not trusted alone: bytes are counted as they are read."""
    from assistant.ilr.stream import LearnerStream

    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 20_000)
    data = whole(*[LEARNER] * 30).encode()
    with pytest.raises(InputError, match="more than"):
        list(LearnerStream(io.BytesIO(data)))


def test_aims_per_learner_are_capped_in_every_path(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(reader, "MAX_AIMS_PER_LEARNER", 2)
    src = tmp_path / "aims.xml"
    src.write_text(whole(LEARNER), encoding="utf-8")  # three aims
    for args in ([str(src)], [str(src), "--fixed", str(tmp_path / "out.xml")]):
        code, _, err = run(args, capsys)
        assert code == ExitStatus.INPUT and "more than 2 aims" in err, err
    with pytest.raises(InputError, match="more than 2 aims"):
        read_text(LEARNER)


def test_one_learner_and_non_learner_content_are_capped_in_the_stream(tmp_path, monkeypatch):
    from assistant.ilr.stream import LearnerStream

    monkeypatch.setattr(reader, "MAX_LEARNER_BYTES", 2_000)
    fat = LEARNER.replace("<ULN>", "<LearnerFAM>" + "<x/>" * 150_000 + "</LearnerFAM><ULN>")
    with pytest.raises(InputError, match="holds no complete learner"):
        list(LearnerStream(io.BytesIO(whole(fat).encode())))
    junk = whole(LEARNER).replace("  <Learner>", "<Junk>" + "<a/>" * 300_000 + "</Junk>\n  <Learner>")
    with pytest.raises(InputError, match="holds no complete learner"):
        list(LearnerStream(io.BytesIO(junk.encode())))


def test_destination_records_after_the_learners_are_released_not_refused(monkeypatch):
    """Real files end with one LearnerDestinationandProgression per learner: neither kept nor counted as junk."""
    from assistant.ilr.stream import LearnerStream

    monkeypatch.setattr(reader, "MAX_LEARNER_BYTES", 20_000)
    dp = ("<LearnerDestinationandProgression><LearnRefNumber>X</LearnRefNumber><ULN>9999999999</ULN><DPOutcome>"
          "<OutType>EMP</OutType><OutCode>1</OutCode><OutStartDate>2023-01-01</OutStartDate></DPOutcome>"
          "</LearnerDestinationandProgression>\n")
    text = whole(LEARNER)[:-len(TAIL)] + dp * 1000 + TAIL  # ~200 KB of them
    assert [l.learn_ref for l in LearnerStream(io.BytesIO(text.encode()))] == ["BECKSORIGINA"]


def test_a_learner_inside_a_learner_is_refused(tmp_path):
    from assistant.ilr.stream import LearnerStream

    nested = whole(LEARNER.replace("</Learner>", LEARNER + "</Learner>", 1))
    with pytest.raises(InputError, match="inside another"):
        list(LearnerStream(io.BytesIO(nested.encode())))
    with pytest.raises(InputError, match="inside another"):
        read_text(nested)


def test_applying_changes_is_linear_in_the_aims(monkeypatch):
    """Applying each change must not rebuild or rescan the aim list (8,000 aims took 27 s when it did).

    Counted, not timed (timings are measured in benchmarks/, never asserted): every aim is looked at
    a fixed number of times however many changes there are, and the aim list is built once.
    (This is `apply_changes`, the part issue 14 owns; the whole diagnosis of such a learner also
    depends on the engine's verification, see the issue 14 report.)
    """
    from assistant.advice import apply as apply_mod
    from assistant.advice.types import Change
    from assistant.ilr.model import Delivery, Learner

    def learner_with(n: int):
        aims = "".join(
            f"<LearningDelivery><LearnAimRef>Z0059758</LearnAimRef><AimType>3</AimType><AimSeqNumber>{i}</AimSeqNumber>"
            "<FundModel>37</FundModel><ProgType>32</ProgType><CompStatus>1</CompStatus></LearningDelivery>"
            for i in range(1, n + 1))
        return read_text(f"<Learner><LearnRefNumber>BIG</LearnRefNumber>{aims}</Learner>").learners[0]

    counts = {"seq": 0, "lists": 0, "applied": 0}
    seq = Delivery.__dict__["seq"]

    class CountedSeq:  # a data descriptor, so that a value cached on the aim does not bypass the count
        def __get__(self, obj, owner=None):
            counts["seq"] += 1
            return seq.__get__(obj, owner)

        def __set__(self, obj, value):
            raise AttributeError("seq is read-only")

    real_with_deliveries, real_apply = Learner.with_deliveries, apply_mod.apply_to_delivery

    def with_deliveries(self, deliveries):
        counts["lists"] += 1
        return real_with_deliveries(self, deliveries)

    def apply_to_delivery(d, change):
        counts["applied"] += 1
        return real_apply(d, change)

    monkeypatch.setattr(Delivery, "seq", CountedSeq())
    monkeypatch.setattr(Learner, "with_deliveries", with_deliveries)
    monkeypatch.setattr(apply_mod, "apply_to_delivery", apply_to_delivery)
    for n in (200, 2000):
        learner = learner_with(n)
        changes = [Change(i, "Z0059758", "CompStatus", "1", "2", ("test",)) for i in range(1, n + 1)]
        counts.update(seq=0, lists=0, applied=0)
        fixed = apply_mod.apply_changes(learner, changes)
        assert all(d.comp_status == "2" for d in fixed.deliveries)
        assert counts["applied"] == n, counts  # each change applied once, to its own aim
        assert counts["lists"] == 1, counts  # the aim list is built once, not once per change
        assert counts["seq"] <= 3 * n, counts  # each aim's number read a fixed number of times (a rescan: n*n)


# -- closed and full standard streams, odd file names, Ctrl-C ------------------------------------

def test_a_closed_stdin_ends_in_a_message():
    for args in (["diagnose", "-"], ["chat", "--plain"]):
        done = cli(args, stdin=None, shell_prefix="exec 0<&-;")
        err = done.stderr.decode()
        assert done.returncode == ExitStatus.INPUT, err
        assert "standard input is closed" in err and "Traceback" not in err


def test_a_closed_or_full_stdout_ends_in_a_message():
    src = str(FORUM / "becks-original.xml")
    done = cli(["diagnose", src], shell_prefix="exec 1>&-;")
    assert done.returncode == ExitStatus.OUTPUT and b"Traceback" not in done.stderr, done.stderr
    assert b"standard output is closed" in done.stderr
    with open("/dev/full", "w") as full:
        done = subprocess.run(PY + ["diagnose", src, "--format", "json"], cwd=ROOT, stdout=full,
                              stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == ExitStatus.OUTPUT and b"Traceback" not in done.stderr, done.stderr
    assert b"No space left" in done.stderr or b"disk is full" in done.stderr


def test_a_pipe_whose_reader_stops_early_is_not_a_failure(tmp_path):
    """`| head` and `| grep -q` stop reading on purpose; scripts under `set -o pipefail` rely on exit 0."""
    src = tmp_path / "many.xml"
    src.write_text(whole(*[LEARNER.replace("BECKSORIGINA", f"L{i:05d}") for i in range(300)]), encoding="utf-8")
    done = subprocess.run(["bash", "-c", " ".join(f"'{a}'" for a in PY) + f" diagnose '{src}' | head -c 10 >/dev/null;"
                           " echo ${PIPESTATUS[0]} >&2"], cwd=ROOT, capture_output=True, timeout=120)
    err = done.stderr.decode()
    assert err.strip() == "0", err


def test_a_non_utf8_file_name_in_markdown(tmp_path):
    name = os.fsencode(str(tmp_path)) + b"/caf\xe9.xml"
    with open(name, "wb") as fh:
        fh.write(BECKS.encode())
    done = subprocess.run([os.fsencode(sys.executable), b"-m", b"assistant", b"diagnose", name, b"--format", b"md"],
                          cwd=ROOT, capture_output=True, timeout=120)
    assert done.returncode == ExitStatus.FINDINGS, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"caf\\xe9.xml" in done.stdout


def test_interrupt_says_the_output_is_incomplete_and_json_does_not_look_complete(tmp_path, capsys, monkeypatch):
    src = tmp_path / "many.xml"
    src.write_text(whole(*[LEARNER.replace("BECKSORIGINA", f"L{i:05d}") for i in range(20)]), encoding="utf-8")
    import assistant.faces.diagnose as face

    real = face.diagnose_learner
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(face, "diagnose_learner", interrupted)
    code = main(["diagnose", str(src), "--format", "json", "--fixed", str(tmp_path / "out.xml")])
    out, err = capsys.readouterr()
    assert code == ExitStatus.INTERRUPTED
    assert "output is incomplete" in err
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.xml"]


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, ExitStatus.INTERRUPTED),
                                            (signal.SIGTERM, ExitStatus.TERMINATED)], ids=["SIGINT", "SIGTERM"])
def test_a_real_signal(tmp_path, signum, status):
    src = tmp_path / "many.xml"
    src.write_text(whole(*[LEARNER.replace("BECKSORIGINA", f"L{i:05d}") for i in range(3000)]), encoding="utf-8")
    out = tmp_path / "out.xml"
    proc = subprocess.Popen(PY + ["diagnose", str(src), "--format", "json", "--fixed", str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.read(200)  # the report has started
    proc.send_signal(signum)
    rest, err = proc.communicate(timeout=120)
    if proc.returncode == 0 or proc.returncode == 1:
        pytest.skip("the run finished before the signal arrived")
    assert proc.returncode == status, err
    assert b"output is incomplete" in err and b"Traceback" not in err
    with pytest.raises(json.JSONDecodeError):
        json.loads(first + rest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.xml"]  # no out.xml, no temporary file


# -- knowledge problems: one message, exit 2, in every face -----------------------------------------

def test_a_knowledge_problem_is_exit_2_in_every_face(monkeypatch, capsys):
    from assistant.knowledge_loader import KnowledgeError

    def broken(*args, **kwargs):
        raise KnowledgeError("knowledge/rules.yaml", "R_06", "broken on purpose", 3)

    import assistant.explain as explain_module
    import assistant.rules.checks as checks

    monkeypatch.setattr(explain_module, "explain_or_raise", broken)
    assert main(["explain", "R_06"]) == ExitStatus.INPUT
    _, err = capsys.readouterr()
    assert "knowledge files have a problem" in err and "broken on purpose" in err
    monkeypatch.setattr(checks, "check_learner", broken)
    import assistant.advice.engine as engine

    monkeypatch.setattr(engine, "check_learner", broken)
    assert main(["diagnose", str(FORUM / "becks-original.xml")]) == ExitStatus.INPUT
    _, err = capsys.readouterr()
    assert "knowledge files have a problem" in err and "Traceback" not in err


# -- the splice against the tree writer, on mutated learners --------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_on_any_mutant_the_splice_reads_back_as_the_tree_writer_does(data):
    """Whatever a mutated record reads as, the spliced fix and the tree writer's fix read back alike."""
    from lxml import etree

    from assistant.advice.engine import diagnose_learner
    from assistant.ilr.splice import SpliceError, Splicer
    from assistant.ilr.writer import write_fixed

    seed = data.draw(st.sampled_from(SEEDS), label="seed")
    root = etree.fromstring(seed.encode("utf-8"))
    for _ in range(data.draw(st.integers(0, 4), label="mutations")):
        mutate_tree(data, root)
    text = mutate_text(data, etree.tostring(root, encoding="unicode"))
    try:
        result = read_text(text)
    except InputError:
        event("refused")
        return
    learner_els = list(result.root.iter("{*}Learner"))
    if len(result.learners) != len(learner_els):
        return  # bare aims: the tree writer's case alone
    ctx = data.draw(st.sampled_from(CONTEXTS), label="context")
    changes = {}
    for position, learner in enumerate(result.learners, 1):
        dg = diagnose_learner(learner, ctx)
        if dg.proposal.changes:
            changes[position] = list(dg.proposal.changes)
    if not changes:
        event("no changes")
        return
    pieces: list[str] = []
    try:
        splicer = Splicer([text], pieces.append)
        for position in sorted(changes):
            parent = learner_els[position - 1].getparent()
            splicer.edit(position, changes[position], dict(parent.nsmap), result.learners[position - 1].learn_ref)
        splicer.finish(expected_learners=len(learner_els))
    except SpliceError:
        event("splice refused")
        return  # the faces fall back to the tree writer here
    event("spliced")
    spliced = read_text("".join(pieces))
    by_tree = read_text(write_fixed(result.root, changes))

    def without_lines(learners):  # the tree writer may add a declaration line: positions differ, not content
        import dataclasses

        return [dataclasses.replace(lrn, schema_issues=tuple(dataclasses.replace(i, line=None)
                                                             for i in getattr(lrn, "schema_issues", ())))
                if getattr(lrn, "schema_issues", ()) else lrn for lrn in learners]

    assert without_lines(spliced.learners) == without_lines(by_tree.learners)
