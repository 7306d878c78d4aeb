"""`explain`: fields, codes, aim references, rule ids and pasted error messages, with graded sources."""

from __future__ import annotations

import pytest

from assistant.faces.cli import main
from assistant.explain import explain, find_rules_by_text, glossary


@pytest.mark.parametrize("term, must", [
    ("CompStatus", ["Completion status", "`1` continuing", "official"]),
    ("comp status", ["Completion status"]),
    ("Outcome 8", ["Outcome 8", "not yet known", "forum-confirmed"]),
    ("outcome eight", ["Outcome 8"]),
    ("Outcome 2", ["prescribed HE", "not"]),
    ("ZPROG001", ["programme aim", "Sources"]),
    ("Z59747", ["interview", "OFFERED"]),
    ("EVI", ["not published", "2025-26 ILR specification"]),
    ("R_138", ["R_138", "Official message", "What it means for a bootcamp", "official"]),
    ("r143", ["R_143"]),
    ("six month rule", ["Outcome 3"]),
    ("AchDate", ["M3 trigger date"]),
])
def test_explains_terms_with_sources(term, must):
    text = explain(term)
    for m in must:
        assert m in text, f"{term!r}: missing {m!r} in\n{text}"
    assert "Sources" in text


def test_pasted_error_messages_find_their_rule():
    assert [r.id for r in find_rules_by_text("If an outcome code has been returned an actual end date must be returned")] == ["Outcome_11"]
    assert [r.id for r in find_rules_by_text("ERROR Rule Name R141 ProgType=XX|AimType=X|")] == ["R_141"]
    assert [r.id for r in find_rules_by_text(
        "the learning actual end date must not be returned for this completion status")] == ["CompStatus_02"]
    text = explain("There must be a Skills Bootcamp subject learning aim in an open Skills Bootcamp programme")
    assert "R_141" in text


def test_shared_message_lists_the_rules():
    text = explain("The Completion status is not valid for this Outcome")
    assert "CompStatus_05" in text and "CompStatus_06" in text


def test_unknown_term_says_what_works_and_suggests():
    text = explain("flibbertigibbet")
    assert "I don't know" in text and "R_138" in text
    near = explain("Compstatsu")
    assert "CompStatus" in near
    assert "Give me something" in explain("  ")


def test_every_glossary_entry_explains_with_a_graded_source():
    for key, entry in glossary().items():
        text = explain(key)
        assert entry.title in text and "*" in text, key


def test_cli_explain(capsys):
    assert main(["explain", "Outcome", "8"]) == 0
    assert "Outcome 8" in capsys.readouterr().out


def test_two_codes_of_one_field_are_compared_and_nothing_else_is():
    """"what's the difference between Outcome 8 and 3?" explained only the Outcome field (review-tui, A4)."""
    from assistant.explain import compared_codes, explain

    for asked in ("difference between Outcome 8 and 3", "the difference between Outcome 8 and Outcome 3",
                  "Outcome 8 vs 3", "compare outcome 8 with 3"):
        assert compared_codes(asked) == ("Outcome", "8", "3"), asked
    for other in ("Outcome 8", "difference between Outcome 8 and 8", "difference between ZPROG001 and Z0059747",
                  "difference between Outcome 8 and CompStatus 2", "Outcome 8 vs 5"):
        assert compared_codes(other) is None, other
    text = explain("Outcome 8 vs 3")
    assert "**Outcome 8**" in text and "**Outcome 3**" in text and "six-month rule" in text
