"""One home for the bootcamp vocabulary: aim references, event kinds and status words live in ilr/vocabulary.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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


# -- an aim and a FAM in words: every face takes them from the vocabulary ------------------------

#: One aim of every kind (the FAMs left off, so that every aim gets a change to name).
AIM_OF_KIND = {"programme": ("ZPROG001", "1"), "subject": ("Z0059758", "3"), "interview": ("Z0059747", "3"),
               "new-role": ("Z0059748", "3"), "self-employment": ("Z0059749", "3"), "hgv": ("Z0060439", "3")}


def _every_kind_of_aim():
    from tests.builders import aim, ctx, learner

    aims = [aim(ref, aim_type, seq, fams=(), LearnStartDate="2023-09-04", LearnPlanEndDate="2023-12-15")
            for seq, (ref, aim_type) in enumerate(AIM_OF_KIND.values(), start=1)]
    return learner(*aims), ctx("2023-24", "2024-01-31")


def test_aim_kind_and_words_for_every_kind():
    for kind, (ref, aim_type) in AIM_OF_KIND.items():
        assert v.aim_kind(ref, aim_type) == kind
        assert v.aim_words(ref, aim_type, short=True) == v.AIM_WORDS[kind][0]
        assert v.aim_words(ref, aim_type) == v.AIM_WORDS[kind][1]
    assert set(v.AIM_WORDS) == set(AIM_OF_KIND) | {"event"}
    assert v.aim_words("Z0059747", "3", events_as_one=True) == v.AIM_WORDS["event"][1]
    assert v.aim_words("Z0060439", "3", events_as_one=True) == v.AIM_WORDS["event"][1]
    assert v.aim_words("ZPROG001", "1", events_as_one=True) == "programme aim"
    assert v.aim_words("ABC12345", "4") == "AimType 4" and v.aim_words(None, None, short=True) == "AimType ?"
    for kind in ("interview", "new-role", "self-employment"):  # the event's own words, not a second spelling
        assert v.EVENT_WORDS[kind][0] in v.AIM_WORDS[kind][1]


def test_every_face_names_each_kind_of_aim_from_the_vocabulary_table(monkeypatch):
    """The TUI's record, the chat's proposal, the reports' counts and `explain` word an aim only through AIM_WORDS.

    Each entry is replaced by marker words: a face that coined its own name for any kind would show
    its own words instead of the marker.
    """
    pytest.importorskip("textual")
    from assistant.advice.engine import diagnose_learner
    from assistant.dialogue.render import aim_heading
    from assistant.explain import lookup
    from assistant.faces.counts import Tally
    from assistant.faces.tui.widgets.record import aim_cell
    from assistant.faces.view import learner_view

    marks = {kind: (f"<{kind} cell>", f"<{kind} in full>") for kind in v.AIM_WORDS}
    for kind, words in marks.items():
        monkeypatch.setitem(v.AIM_WORDS, kind, words)
    person, context = _every_kind_of_aim()
    dg = diagnose_learner(person, context)
    tally = Tally()
    tally.add(learner_view(dg))
    for d, kind in zip(person.deliveries, AIM_OF_KIND):
        assert aim_cell(d)[1] == marks[kind][0], kind  # the TUI's record
        assert aim_cell(d, new=True)[1] == "+ " + marks[kind][0], kind
        assert aim_heading(dg, d.seq, d.learn_aim_ref) == f"Aim {d.seq} — {d.learn_aim_ref} ({marks[kind][1]}):", kind
    # the reports count event aims together; every aim here has a change
    assert {k for k, _ in tally.changes} == {marks["programme"][1], marks["subject"][1], marks["event"][1]}
    assert lookup("Z0060439").items[0].title == f"Z0060439 ({marks['hgv'][1]})"


def test_every_face_words_a_fam_and_its_field_the_same_way():
    pytest.importorskip("textual")
    from assistant.dialogue import render
    from assistant.faces import formats, view
    from assistant.faces.tui import format as tui

    class FamChange:
        field, fam_type = "LearningDeliveryFAM", "EVI"

    for value, words in (({"code": "1", "date_from": "2025-09-01"}, "1 from 2025-09-01"),
                         ({"code": "105", "date_from": None}, "105"), ({"code": None, "date_from": None}, "(no code)")):
        assert tui.format_value(value) == render._v(value) == formats.show(value) == words
        assert v.fam_words(value["code"], value["date_from"]) == words
    assert view.field_name({"field": "LearningDeliveryFAM", "fam_type": "EVI"}) == "LearningDeliveryFAM EVI"  # type: ignore[typeddict-item]
    assert tui.change_field(FamChange) == v.field_words("LearningDeliveryFAM", "EVI", short=True) == "FAM EVI"  # type: ignore[arg-type]
    assert v.field_words("Outcome", short=True) == v.field_words("Outcome") == "Outcome"
    # a FAM on its own (the chat's record table) leads with its type
    from tests.builders import aim, fam, learner

    table = render.record_table(learner(aim("ZPROG001", "1", 1, fams=(("EVI", "1", "2025-09-01"), ("SOF", "105")))))
    assert f"{v.fam_words('1', '2025-09-01', 'EVI')}, {v.fam_words('105', None, 'SOF')} |" in table
    assert fam  # builders' FAM maker stays the tests' one way to make a FAM


def test_no_module_coins_its_own_name_for_a_kind_of_aim_or_an_event_method():
    """A literal that IS one of the vocabulary's aim or method names (or one with a bracketed gloss) is a face coining it.

    "programme" alone is also the dialogue's role key and "event aim" the rules' common noun, so neither is looked for.
    """
    names = ({w for pair in v.AIM_WORDS.values() for w in pair} - {"programme", "event aim"}) | set(v.METHOD_WORDS.values())
    found = []
    for path in ROOT.rglob("*.py"):
        if path.name == "vocabulary.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if text in names or any(text.startswith(n + " (") for n in names):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert found == []


def test_chat_tui_and_text_report_name_the_event_method_from_the_vocabulary(monkeypatch):
    pytest.importorskip("textual")
    from assistant.advice.engine import diagnose_learner
    from assistant.dialogue.render import _milestone_lines
    from assistant.faces.formats import text_learner
    from assistant.faces.view import learner_view
    from tests.builders import ctx, learner, prog, subject

    marks = {m: f"<{m} in words>" for m in v.METHOD_WORDS}
    for method, words in marks.items():
        monkeypatch.setitem(v.METHOD_WORDS, method, words)
    dg = diagnose_learner(learner(prog(), subject()), ctx())
    assert f"— {marks['event-aims']}:" in "\n".join(_milestone_lines(dg.programmes, None))
    assert f": {marks['event-aims']}, started" in text_learner(learner_view(dg))
    from typing import get_args

    from assistant.rules.milestones import Method

    assert set(v.METHOD_WORDS) == set(get_args(Method))
