"""`diagnose` on a whole file: streamed results equal per-learner results; the reports.

Small generated files only (a few hundred learners).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from assistant.advice.engine import diagnose_learner
from assistant.faces.cli import build_parser
from assistant.faces import diagnose as face  # the driver re-exports the formats
from assistant.faces.report import Progress, diagnose_file, should_stream
from assistant.ilr.reader import read_path
from assistant.ilr.stream import StreamStats

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_ilr  # noqa: E402  (benchmarks/ is scripts, not a package)

N = 160


def make(path: Path, n: int = N, year: str = "2024-25", share: float = 0.4, mistakes: float = 1 / 3) -> dict:
    with open(path, "w", encoding="utf-8") as out:
        return make_ilr.generate(n, year, 21, out, bootcamp_share=share, mistake_share=mistakes)


@pytest.fixture(scope="module")
def ilr(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("report") / "ILR-99999999-2425-20250606-090000-01.xml"
    return path, make(path)


def run(*argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["diagnose", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = face.run_diagnose(args, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def in_memory(path: Path, fmt: str) -> str:
    """The snippet path's output for the same file (everything in memory, no streaming)."""
    result = read_path(str(path))
    info = face.resolve_input(result.year, result.year_source, result.file_preparation_date, None, None)
    info.notes = result.notes + info.notes
    return face.render(fmt, info, list(face.diagnose_all(result.learners, face.context_for(info))))


# -- streaming gives the per-learner results -------------------------------------------------

def test_whole_files_are_streamed_and_snippets_are_not(ilr, tmp_path: Path):
    path, _ = ilr
    parse = build_parser().parse_args
    assert should_stream(parse(["diagnose", str(path)]))
    assert not should_stream(parse(["diagnose", "-"]))
    assert should_stream(parse(["diagnose", str(path), "--fixed", str(tmp_path / "out.xml")]))  # streamed too (issue 14)
    snippet = tmp_path / "snippet.xml"
    snippet.write_text("<Learner><LearnRefNumber>A</LearnRefNumber></Learner>")
    assert not should_stream(parse(["diagnose", str(snippet)]))
    assert not should_stream(parse(["diagnose", str(tmp_path / "missing.xml")]))
    assert not should_stream(parse(["diagnose", str(tmp_path)]))


def test_streamed_json_equals_diagnosing_each_learner_on_its_own(ilr):
    path, planted = ilr
    code, out, err = run(str(path), "--format", "json")
    assert code == face.EXIT_FINDINGS and err == ""
    streamed = json.loads(out)
    result = read_path(str(path))
    ctx = face.context_for(face.resolve_input(result.year, result.year_source, result.file_preparation_date, None, None))
    alone = [face.learner_json(face.learner_view(diagnose_learner(x, ctx))) for x in result.learners if x.is_bootcamp_learner]
    assert streamed["learners"] == json.loads(json.dumps(alone))
    assert len(streamed["learners"]) == planted["bootcamp_learners"] == 64
    assert streamed["summary"]["learners_checked"] == N
    assert streamed["summary"]["bootcamp_learners"] == 64


@pytest.mark.parametrize("fmt", ["json", "csv", "text"])
def test_streamed_output_matches_the_in_memory_path(ilr, fmt: str):
    path, _ = ilr
    _, streamed, _ = run(str(path), "--format", fmt)
    whole = in_memory(path, fmt)
    if fmt == "csv":
        assert streamed == whole
    elif fmt == "json":
        body = json.loads(streamed)
        assert body.pop("summary")["learners_checked"] == N
        assert body == json.loads(whole)
    else:
        assert streamed.startswith(whole)
        assert f"Learners checked: {N}" in streamed[len(whole):]


def test_csv_has_a_row_per_finding_change_and_question(ilr):
    path, planted = ilr
    _, out, _ = run(str(path), "--format", "csv")
    rows = list(__import__("csv").DictReader(io.StringIO(out)))
    assert {"learn_ref", "aim_seq", "aim_ref", "rule", "field", "from", "to"} <= set(rows[0])
    kinds = {r["kind"] for r in rows}
    # questions and withheld changes have rows too, so that no error ends in nothing (the file review)
    assert {"finding", "change", "question"} <= kinds <= {"finding", "change", "withheld", "question"}
    for ref, p in planted["planted"].items():
        fired = {r["rule"] for r in rows if r["learn_ref"] == ref and r["kind"] == "finding"}
        assert set(p["rules"]) <= fired, ref


# -- the manager's report -----------------------------------------------------------------------

def test_markdown_report(ilr):
    path, planted = ilr
    code, out, _ = run(str(path), "--format", "md")
    assert code == face.EXIT_FINDINGS
    assert out.startswith("# Skills Bootcamp milestone check: ILR-99999999-2425")
    assert f"| Learners checked | {N} |" in out
    assert "| Bootcamp learners | 64 |" in out
    assert re.search(r"\| M2 \| \d+ \| \d+ \| \d+ \| \d+ \|", out)
    problems = out.split("## Most common problems")[1].split("## Learners to fix")[0]
    planted_rules = {r for p in planted["planted"].values() for r in p["rules"]}
    listed = set(re.findall(r"^\| (\S+) \| (?:error|warning) \|", problems, re.M))
    assert listed == planted_rules  # every rule that fired was planted, and all planted ones are listed
    to_fix = out.split("## Learners to fix")[1]
    refs = set(re.findall(r"^\| (SB\d+) \|", to_fix, re.M))
    mistakes = {ref for ref, p in planted["planted"].items() if not p["clean"]}
    assert refs == mistakes


def test_markdown_report_is_the_same_on_every_run(ilr):
    """Ties among the changes proposed most often keep the order first proposed, whatever the hash seed.

    (They once followed the order of a set of strings, which changes from one process to the next.)
    """
    path, _ = ilr
    outs = [subprocess.run([sys.executable, "-m", "assistant", "diagnose", str(path), "--format", "md"],
                           capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2", "3")]
    assert "## Changes proposed most often" in outs[0]
    assert outs[0] == outs[1] == outs[2]


def test_markdown_counts_match_the_summary(ilr):
    path, _ = ilr
    _, md, _ = run(str(path), "--format", "md")
    _, js, _ = run(str(path), "--format", "json", "--summary")
    summary = json.loads(js)
    assert set(summary) == {"input", "summary"}
    s = summary["summary"]
    assert f"| Learners to fix | {s['learners_to_fix']} |" in md
    assert f"| Learners with validation errors | {s['learners_with_errors']} |" in md
    for m in ("M1", "M2", "M3"):
        assert sum(s["milestones"][m].values()) == s["bootcamps"]


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "md"])
def test_summary_prints_only_the_counts(ilr, fmt: str):
    path, _ = ilr
    code, out, _ = run(str(path), "--summary", "--format", fmt)
    assert code == face.EXIT_FINDINGS
    assert "SB000" not in out and "LR000" not in out
    assert str(N) in out
    if fmt == "text":
        assert out.splitlines()[0] == f"Learners checked: {N}"
        assert out.splitlines()[1].startswith("Bootcamp learners: 64")


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "md"])
@pytest.mark.parametrize("summary", [False, True])
def test_reports_carry_no_personal_data(ilr, fmt: str, summary: bool):
    path, _ = ilr
    root = etree.parse(str(path)).getroot()
    text = {el.tag.split("}")[1]: set() for el in root.iter() if isinstance(el.tag, str)}
    for el in root.iter():
        if isinstance(el.tag, str) and el.text and el.text.strip():
            text[el.tag.split("}")[1]].add(el.text)
    argv = [str(path), "--format", fmt] + (["--summary"] if summary else [])
    _, out, err = run(*argv)
    both = out + err
    for name in ("FamilyName", "DateOfBirth", "Postcode", "PostcodePrior", "AddLine1"):
        for value in text[name]:
            if value in both:  # the substring test is fast; the regex rules out "Learner S" in "Learner SB0001"
                assert not re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", both), (name, value)
    assert "9999999999" not in out
    assert "GivenNames" not in out


# -- broken files and exit codes ---------------------------------------------------------------

def test_truncated_file_reports_the_learners_before_the_break(ilr, tmp_path: Path):
    path, planted = ilr
    data = path.read_bytes()
    cut = re.search(rb"<LearnRefNumber>(LR|SB)00000120</LearnRefNumber>", data).start()
    broken = tmp_path / "cut.xml"
    broken.write_bytes(data[:cut + 20])
    code, out, err = run(str(broken), "--format", "json")
    assert code == face.EXIT_UNREADABLE
    body = json.loads(out)
    before = [r for r in planted["planted"] if int(r[2:]) < 120]
    assert [x["learn_ref"] for x in body["learners"]] == sorted(before)
    line = data[:cut + 20].count(b"\n") + 1
    assert body["error"]["line"] == line and body["error"]["column"]
    assert body["error"]["learners_read_before_error"] == 120
    assert f"line {line}, column" in err
    assert "the 120 learners before this point were read and checked" in err
    assert err.count("120 learners") == 1
    assert "Traceback" not in err

    code, out, err = run(str(broken), "--format", "md")
    assert code == face.EXIT_UNREADABLE
    assert "READING STOPPED at line" in out
    assert "| Learners checked | 120 |" in out


def test_broken_before_any_learner_is_just_an_error(tmp_path: Path):
    path = tmp_path / "head.xml"
    path.write_text('<Message xmlns="ESFA/ILR/2024-25">\n<Header><CollectionDetails><Year>2425</Year>\n')
    code, out, err = run(str(path))
    assert code == face.EXIT_UNREADABLE
    assert out == ""
    assert err.startswith(f"ilr-assistant: cannot read {path}: line ")


def test_exit_codes(tmp_path: Path):
    clean = tmp_path / "clean.xml"
    make(clean, n=80, mistakes=0)
    assert run(str(clean))[0] == face.EXIT_CLEAN
    none = tmp_path / "none.xml"
    make(none, n=30, share=0)
    code, out, _ = run(str(none), "--format", "json")
    assert code == face.EXIT_CLEAN
    body = json.loads(out)
    assert body["learners"] == [] and body["summary"]["learners_checked"] == 30
    code, out, _ = run(str(none))
    assert "No Skills Bootcamp learners" in out
    code, _, err = run(str(tmp_path / "missing.xml"))
    assert code == face.EXIT_UNREADABLE and "missing.xml" in err
    assert run(str(clean), "--year", "next year")[0] == face.EXIT_UNREADABLE


def test_year_and_as_of_options_reach_the_checks(ilr):
    path, _ = ilr
    code, out, _ = run(str(path), "--format", "json", "--summary", "--year", "2025-26", "--as-of", "2025-07-01")
    info = json.loads(out)["input"]
    assert (info["year"], info["year_source"], info["as_of"]) == ("2025-26", "option", "2025-07-01")


def test_markdown_and_summary_for_a_snippet(ilr, tmp_path: Path):
    path, planted = ilr
    root = etree.parse(str(path)).getroot()
    first = next(el for el in root.iter("{*}Learner") if el.findtext("{*}LearnRefNumber").startswith("SB"))
    snippet = tmp_path / "one.xml"
    snippet.write_bytes(etree.tostring(first))
    code, out, _ = run(str(snippet), "--format", "md", "--year", "2024-25", "--as-of", "2025-06-06")
    assert "| Learners checked | 1 |" in out and "| Bootcamp learners | 1 |" in out
    code, out, _ = run(str(snippet), "--summary", "--year", "2024-25", "--as-of", "2025-06-06")
    assert out.startswith("Learners checked: 1\n")


# -- progress -----------------------------------------------------------------------------------

class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_silent_when_piped(ilr, tmp_path: Path):
    path, _ = ilr
    big = tmp_path / "600.xml"
    make(big, n=600, share=0.05)
    err = FakeTerminal()
    result = diagnose_file(str(big), io.StringIO(), err, fmt="md")
    shown = err.getvalue()
    assert "learners read" in shown and "on bootcamps" in shown and "learners/s" in shown and "%" in shown
    assert shown.endswith("\r")  # the line is wiped before the report
    assert result.tally.learners_read == 600
    piped = io.StringIO()
    diagnose_file(str(big), io.StringIO(), piped, fmt="md")
    assert piped.getvalue() == ""


def test_progress_line_wording():
    stats = StreamStats(learners_read=12345, learners_yielded=678, bytes_read=50, total_bytes=200)
    line = Progress.line(stats)
    assert line.startswith("12,345 learners read · 678 on bootcamps · 25% · ")
    assert line.endswith("learners/s")
