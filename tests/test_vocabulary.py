"""One home for the bootcamp vocabulary: aim references, event kinds and status words live in ilr/vocabulary.py."""

from __future__ import annotations

import ast
from pathlib import Path

from assistant.ilr import vocabulary as v

ROOT = Path(__file__).resolve().parent.parent / "assistant"
AIM_REFS = v.EVENT_AIMS | {v.PROGRAMME_AIM_REF}


def test_no_module_spells_an_aim_reference_or_a_status_word_of_its_own():
    """A literal that IS an aim reference or a status word belongs in the vocabulary (prose may mention them)."""
    words = set(v.STATUS_WORDS.values()) - set(v.STATUS_ORDER)
    found = []
    for path in ROOT.rglob("*.py"):
        if path.name == "vocabulary.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        keys = {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}  # knowledge keys, e.g. glossary
        for node in ast.walk(tree):
            if id(node) in keys:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                    node.value in AIM_REFS or node.value in words):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert found == []


def test_chat_tui_and_reports_share_one_set_of_status_words():
    from assistant.dialogue import render
    from assistant.faces import counts, markdown
    from assistant.faces.tui.widgets import record as tui_record

    assert render.STATUS_WORDS is v.STATUS_WORDS is tui_record.STATUS_WORDS
    assert counts.STATUS_ORDER is markdown.STATUS_ORDER is v.STATUS_ORDER
    assert set(v.STATUS_WORDS) == set(v.STATUS_ORDER) == set(v.STATUS_MARKS) == set(v.STATUS_URGENCY)
    assert "not-payable" in v.STATUS_ORDER


def test_event_kind_of_every_event_aim():
    assert {v.event_kind(ref) for ref in v.STANDARD_EVENT_AIMS} == {"interview", "new-role", "self-employment"}
    assert {v.event_kind(ref) for ref in v.HGV_EVENT_AIMS} == {"hgv"}
    assert v.event_kind(" z0059747 ") == "interview"
    assert v.event_kind("ZPROG001") is None and v.event_kind(None) is None
    assert all(v.EVENT_AIM_FOR[v.event_kind(ref)] == ref for ref in v.STANDARD_EVENT_AIMS)
