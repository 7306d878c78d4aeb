"""DfE rules on bootcamp records that need data this tool does not hold are named, never passed over in silence.

LARS (category 62, aim validity), contract data (FCS) and DfE's full code lists are not held: the
rules that need them have entries in knowledge/rules.yaml marked `unchecked`, no check, and every
diagnosis says they were not checked (2025-26 workbook:
https://guidance.submit-learner-data.service.gov.uk/25-26/validation-rules).
"""

from __future__ import annotations

import json

from assistant.explain import explain
from assistant.rules.base import REGISTRY
from assistant.rules.catalogue import catalogue
from assistant.rules.evidence import unchecked_note
from tests.builders import aim_xml, whole_file

NEEDS_LARS = ("ProgType_24", "LearnAimRef_114", "LearnAimRef_115", "LearnAimRef_116", "LearnAimRef_117")


def test_unchecked_rules_have_no_check_and_never_run() -> None:
    unchecked = [rid for rid, t in catalogue().items() if t.unchecked]
    assert set(NEEDS_LARS) | {"UKPRN_26", "LearnStartDate_20", "LearnDelFAMType_04"} <= set(unchecked)
    assert not set(unchecked) & set(REGISTRY)


def test_every_diagnosis_names_what_it_could_not_check(tmp_path, capsys) -> None:
    from assistant.faces.cli import main

    path = tmp_path / "ILR-99999999-2526-20260331-100000-01.xml"
    path.write_text(whole_file(aim_xml(), aim_xml("Z0059758", "3", 2), year="2025-26", prepared="2026-03-31"))
    main(["diagnose", str(path), "--format", "json"])
    notes = " ".join(json.loads(capsys.readouterr().out)["input"]["notes"])
    assert "Not checked here" in notes and "LARS" in notes and "UKPRN_26" in notes
    for rid in NEEDS_LARS:
        assert rid in notes


def test_the_note_follows_the_year() -> None:
    """LearnAimRef_132 applies to starts from 1 August 2023: not named for 2022-23."""
    assert "LearnAimRef_132" in (unchecked_note("2025-26") or "")
    assert "LearnAimRef_132" not in (unchecked_note("2022-23") or "")


def test_explain_says_what_an_unchecked_rule_needs() -> None:
    text = explain("ProgType_24")
    assert "Not checked by this tool" in text and "LARS" in text and "A person must check" in text


def test_a_message_cut_where_two_messages_share_a_start_offers_both() -> None:
    """'The FAM type and code is not valid for …' is LearnDelFAMType_04's whole message and the start of
    LearnDelFAMType_06's: cut off there, it could be either, so both are offered."""
    from assistant.explain import find_rules_by_text

    found = [r.id for r in find_rules_by_text("The FAM type and code is not valid for")]
    assert {"LearnDelFAMType_04", "LearnDelFAMType_06"} <= set(found)
