"""`ilr-assistant lint` passes on the real knowledge and names file, key and line on broken copies."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from assistant.faces.lint import lint_knowledge, run_lint
from assistant.knowledge_loader import shipped

REAL = shipped().root


def test_real_knowledge_is_consistent():
    assert lint_knowledge() == []
    out = io.StringIO()
    assert run_lint(out) == 0
    assert "consistent" in out.getvalue()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    dest = tmp_path / "knowledge"
    shutil.copytree(REAL, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_for(directory: Path) -> list[str]:
    found = lint_knowledge(directory)
    assert lint_knowledge() == [], "linting a copy must not disturb the real knowledge"
    return found


def one(found: list[str], *needles: str) -> str:
    hits = [p for p in found if all(n in p for n in needles)]
    assert hits, f"no problem mentioning {needles} in:\n" + "\n".join(found)
    return hits[0]


def test_unknown_next_node_names_file_line_and_key(copy):
    edit(copy / "tree" / "record.yaml", "    next: plan_end\n", "    next: plan_endd\n")
    p = one(problems_for(copy), "unknown node 'plan_endd'")
    assert "record.yaml" in p and "nodes.prog_start.next" in p and re.search(r"line \d+", p)


def test_unreachable_node(copy):
    path = copy / "tree" / "howto.yaml"
    path.write_text(path.read_text() + "\n  orphan:\n    conclude: Nobody comes here\n    text: x\n    sources: [vr-2526]\n")
    one(problems_for(copy), "nodes.orphan", "not reachable")


def test_dead_end_and_loop(copy):
    path = copy / "tree" / "howto.yaml"
    path.write_text(path.read_text() + "\n  loop_a:\n    say: a\n    next: loop_b\n  loop_b:\n    say: b\n    next: loop_a\n")
    edit(copy / "tree" / "entries.yaml", "    start: how_to_topic\n    answers: {how_to_topic: evi}",
         "    start: loop_a")
    found = problems_for(copy)
    one(found, "loop")


def test_option_leading_nowhere(copy):
    edit(copy / "tree" / "howto.yaml", ", next: howto_break}", "}")
    one(problems_for(copy), "how_to_topic.options", "every option needs `next`")


def test_conclusion_without_sources(copy):
    edit(copy / "tree" / "tour.yaml", "    sources: [psm-bootcamps, forum-m2-fix, psm-event-aims-quoted, forum-outcome-11]\n", "")
    one(problems_for(copy), "nodes.tour_end.sources", "at least one source")


def test_unknown_rule_source_field_and_function(copy):
    edit(copy / "tree" / "record.yaml", "rules: [R_152, R_154]", "rules: [R_152, R_999]")
    edit(copy / "tree" / "record.yaml", "sources: [psm-bootcamps-evi, tfg-2025]", "sources: [psm-bootcamps-evi, psm-1999]")
    edit(copy / "tree" / "record.yaml", "target: programme.CompStatus", "target: programme.CompStatsu")
    edit(copy / "tree" / "facts.yaml", "infer: situation_from_record", "infer: situation_from_tea_leaves")
    edit(copy / "tree" / "record.yaml", "{if: evi_method, next: evi_recorded}", "{if: evi_methd, next: evi_recorded}")
    found = problems_for(copy)
    one(found, "unknown rule id 'R_999'")
    one(found, "unknown source 'psm-1999'")
    one(found, "'CompStatsu' is not an ILR LearningDelivery field")
    one(found, "unknown inference 'situation_from_tea_leaves'")
    one(found, "unknown condition 'evi_methd'")


def test_duplicate_node_ids_across_files(copy):
    path = copy / "tree" / "howto.yaml"
    path.write_text(path.read_text() + "\n  proposal:\n    conclude: Twice\n    text: x\n    sources: [vr-2526]\n")
    one(problems_for(copy), "duplicate node id", "facts.yaml")


def test_unknown_keys_and_bad_yaml(copy):
    edit(copy / "tree" / "record.yaml", "    title: start date\n", "    title: start date\n    tittle: oops\n")
    edit(copy / "glossary.yaml", "    title: Completion status\n", "    title: Completion status\n    colour: red\n")
    found = problems_for(copy)
    one(found, "nodes.prog_start.tittle", "unknown key")
    one(found, "fields.CompStatus.colour", "unknown key")
    (copy / "tree" / "broken.yaml").write_text("nodes:\n  a: [unclosed\n")
    one(problems_for(copy), "broken.yaml", "(syntax)")


def test_unknown_placeholder_and_missing_message(copy):
    edit(copy / "tree" / "facts.yaml", "dated {event_aim_date}", "dated {event_aim_daet}")
    edit(copy / "tree" / "entries.yaml", "  quit: Goodbye.", "  quitt: Goodbye.")
    found = problems_for(copy)
    one(found, "{event_aim_daet}")
    one(found, "messages.quit", "missing")


def test_glossary_unknown_source(copy):
    edit(copy / "glossary.yaml", "sources: [field-compstatus, field-learnactenddate, vr-2526, forum-m2-fix, pics-break, our-reading]",
         "sources: [field-compstatus, nowhere]")
    one(problems_for(copy), "glossary.yaml", "fields.CompStatus.sources", "unknown source 'nowhere'")


def test_run_lint_exit_status_on_a_broken_copy(copy):
    edit(copy / "tree" / "record.yaml", "    next: plan_end\n", "    next: nowhere\n")
    out = io.StringIO()
    assert run_lint(out, copy) == 1
    assert lint_knowledge() == []  # the shipped knowledge never saw the broken copy
    assert "unknown node 'nowhere'" in out.getvalue() and "problem(s)" in out.getvalue()
