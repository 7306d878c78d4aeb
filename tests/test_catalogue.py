"""The rules' words: `knowledge/rules.yaml` and `knowledge/sources.yaml`.

Official messages must be DfE's, verbatim (users paste them to search); every
rule names its sources with an evidence grade; and a broken knowledge file
fails on load with the file, key and line, never later as a KeyError.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from assistant.knowledge_loader import GRADES, Knowledge, KnowledgeError, shipped
from assistant.rules import catalogue as catalogue_module
from assistant.rules.base import REGISTRY
from assistant.rules.catalogue import catalogue, find_rule, sources

CSV_PATH = shipped().path("reference/validation-rules-2025-26.csv")

OURS = {"Schema", "Normalised"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def rule_key(rid: str) -> str:
    """DfE writes R138 in the workbook and R_138 on the web: compare without case or underscores."""
    return rid.lower().replace("_", "")


@pytest.fixture(scope="module")
def official() -> dict[str, dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        return {rule_key(row["rule"]): row for row in csv.DictReader(fh)}


# -- the real catalogue ----------------------------------------------------------------

def test_catalogue_loads_with_every_registered_rule() -> None:
    texts = catalogue()
    assert set(REGISTRY) <= set(texts)
    for rid, text in texts.items():
        assert bool(text.unchecked) != (rid in REGISTRY), f"{rid}: unchecked rules have no check, others have one"
        assert text.message and text.explanation, rid


def test_official_messages_are_dfes_words(official) -> None:
    for rid, text in catalogue().items():
        if rid in OURS:
            continue
        row = official.get(rule_key(rid))
        assert row is not None, f"{rid} is not in the 2025-26 rule list"
        assert squash(text.message) == squash(row["message"]), f"{rid}: message differs from the workbook"


def test_severities_match_the_workbook(official) -> None:
    severity = {"e": "error", "error": "error", "w": "warning", "warning": "warning"}
    for rid, text in catalogue().items():
        if rid in OURS:
            continue
        assert text.severity == severity[official[rule_key(rid)]["severity"].lower()], rid


def test_our_own_rule_says_so() -> None:
    schema = catalogue()["Schema"]
    assert schema.message_note and "our wording" in schema.message_note.lower()
    assert schema.page is None  # no DfE rule page to link to
    for rid, text in catalogue().items():
        if rid not in OURS:
            assert text.message_note is None, f"{rid}: an official message needs no note"


def test_exempt_rules_are_the_ones_dfe_says_bootcamps_do_not_trigger(official) -> None:
    for rid, text in catalogue().items():
        if text.exempt or text.bootcamps_excluded_from:
            description = official[rule_key(rid)]["description"].lower()
            assert "skills bootcamps" in description and ("not triggered" in description or "excluding" in description), rid


def test_rules_new_in_2025_26_start_in_2025_26(official) -> None:
    for rid, text in catalogue().items():
        row = official.get(rule_key(rid))
        if row and row["status"].lower() == "new":
            assert text.since == "2025-26", f"{rid} is new in the 2025-26 list but runs from {text.since}"


def test_every_rule_has_graded_sources() -> None:
    assert GRADES == ("official", "forum-confirmed", "vendor", "inference")
    for rid, text in catalogue().items():
        assert text.sources, f"{rid} has no source"
        for source in text.sources:
            assert source.grade in GRADES, f"{rid}: {source.id} has grade {source.grade}"
    for sid, source in sources().items():
        assert source.grade in GRADES, sid
        assert source.url or source.grade == "inference", f"{sid}: only an inference may have no address"


def test_a_rule_is_official_only_when_a_source_is() -> None:
    for rid, text in catalogue().items():
        grades = {s.grade for s in text.sources}
        assert (text.grade == "official") == ("official" in grades), rid


def test_find_rule_forgives_case_and_underscores() -> None:
    assert find_rule("r138").id == "R_138"
    assert find_rule("R_138").id == "R_138"
    assert find_rule("compstatus03").id == "CompStatus_03"
    assert find_rule("LearnDelFamType_111").id == "LearnDelFAMType_111"
    assert find_rule("no such rule") is None


# -- broken knowledge ------------------------------------------------------------------

@pytest.fixture
def broken(tmp_path: Path):
    """A copy of knowledge/ that a test may break; the shipped one is never touched."""
    for name in ("rules.yaml", "sources.yaml"):
        shutil.copy(shipped().path(name), tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> int:
    """Replace one exact line's text; return its 1-based line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    found = [i for i, line in enumerate(lines) if line == old]
    assert len(found) == 1, f"expected one line {old!r} in {path.name}, found {len(found)}"
    lines[found[0]] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return found[0] + 1


def entry_line(path: Path, key: str) -> int:
    """The line where a top-level entry's mapping starts (the line after `key:`)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return lines.index(f"{key}:") + 2


def load_error(directory: Path) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as info:
        catalogue(Knowledge(directory))
    return info.value


def test_missing_key_names_file_key_and_line(broken: Path) -> None:
    rules = broken / "rules.yaml"
    line = entry_line(rules, "CompStatus_03")
    text = rules.read_text(encoding="utf-8")
    start = text.index("CompStatus_03:\n")
    rules.write_text(text[:start] + text[start:].replace("  severity: error\n", "", 1), encoding="utf-8")
    err = load_error(broken)
    assert err.file == str(rules)
    assert err.key == "CompStatus_03.severity" and err.line == line
    assert str(rules) in str(err) and "CompStatus_03.severity" in str(err) and f"line {line}" in str(err)


def test_unknown_source_names_file_key_and_line(broken: Path) -> None:
    rules = broken / "rules.yaml"
    line = entry_line(rules, "R_141")
    edit(rules, "  - forum-r141", "  - forum-r999")
    err = load_error(broken)
    assert err.file == str(rules) and err.key == "R_141.sources" and err.line == line
    assert "forum-r999" in str(err) and f"line {line}" in str(err)


def test_bad_yaml_names_file_and_line(broken: Path) -> None:
    rules = broken / "rules.yaml"
    line = edit(rules, "R_140:", "R_140: [unclosed")
    err = load_error(broken)
    assert err.file == str(rules) and err.key == "(syntax)"
    assert err.line is not None and line <= err.line <= line + 2, (line, err.line)
    assert f"line {err.line}" in str(err)


def test_duplicate_rule_is_refused(broken: Path) -> None:
    rules = broken / "rules.yaml"
    with rules.open("a", encoding="utf-8") as fh:
        fh.write("R_141:\n  severity: error\n")
    err = load_error(broken)
    assert err.file == str(rules) and "duplicate" in str(err) and "R_141" in str(err) and err.line


def test_bad_grade_in_sources_names_file_key_and_line(broken: Path) -> None:
    src = broken / "sources.yaml"
    line = entry_line(src, "forum-r141")
    text = src.read_text(encoding="utf-8")
    start = text.index("forum-r141:\n")
    src.write_text(text[:start] + text[start:].replace("grade: forum-confirmed", "grade: rumour", 1), encoding="utf-8")
    err = load_error(broken)
    assert err.file == str(src) and err.key == "forum-r141.grade" and err.line == line
    assert "rumour" in str(err)


def replace_in_entry(path: Path, key: str, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(f"{key}:\n")
    assert old in text[start:start + 2000], f"{old!r} not in {key}"
    path.write_text(text[:start] + text[start:].replace(old, new, 1), encoding="utf-8")


def test_bad_years_are_named(broken: Path) -> None:
    rules = broken / "rules.yaml"
    replace_in_entry(rules, "R_143", 'years: "2022-23.."', 'years: "2022-24.."')
    err = load_error(broken)
    assert err.file == str(rules) and err.key == "R_143.years" and err.line == entry_line(rules, "R_143")


def test_bad_severity_is_named(broken: Path) -> None:
    rules = broken / "rules.yaml"
    replace_in_entry(rules, "CompStatus_09", "severity: warning", "severity: fatal")
    err = load_error(broken)
    assert err.file == str(rules) and err.key == "CompStatus_09.severity" and err.line == entry_line(rules, "CompStatus_09")
    assert "fatal" in str(err)


def test_rule_without_an_entry_is_refused(broken: Path) -> None:
    rules = broken / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("R_141:\n")
    end = text.index("R_143:\n")
    rules.write_text(text[:start] + text[end:], encoding="utf-8")
    err = load_error(broken)
    assert err.file == str(rules) and err.key == "R_141" and "no entry" in str(err)


def test_real_catalogue_is_back_after_a_broken_one() -> None:
    """A broken copy is its own Knowledge: the shipped catalogue never sees it."""
    assert catalogue_module.catalogue()["R_141"].sources
    assert shipped().root.name == "knowledge"


def test_a_rules_years_do_not_read_as_when_dfe_introduced_it() -> None:
    """From the first year held, the years say they are the years held here; a later start is the rule's own."""
    from assistant.rules.catalogue import catalogue

    rules = catalogue()
    assert rules["CompStatus_03"].years_text() == "every year held here, from 2022-23"
    assert rules["R_154"].years_text() == "from 2025-26"
