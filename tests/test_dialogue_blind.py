"""Blind-review conversations (review4): what a data officer types, and the outcome the sources require."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dialogue.session import Session
from tests.test_dialogue_helpers import drive


def session(year: str = "2025-26", as_of: date = date(2026, 1, 30)) -> Session:
    return Session(year=year, as_of=as_of)


@pytest.mark.parametrize("pasted, rule", [
    # DfE's messages, verbatim: each shares words with a how-to shortcut, but it is the rule the user has
    ("The Achievement date can't be later than six months after the Learning actual end date for Skills Bootcamp "
     "programmes", "AchDate_13"),
    ("I have another error: The Achievement date can't be later than six months after the Learning actual end date "
     "for Skills Bootcamp programmes", "AchDate_13"),
    ("The Event Indicator must not be used for learning aims starting before 1 August 2025", "R_152"),
    ("The Withdrawal reason must be returned for this Completion status", "WithdrawReason_03"),
])
def test_a_pasted_official_message_is_the_rule_not_a_how_to_shortcut(pasted: str, rule: str):
    s = drive(session(), [pasted])
    text = s.transcript[-1].text
    assert s.transcript[-1].kind == "conclusion" and "The rule and how to fix it" in text, text[:200]
    assert rule in text.split("\n\n")[1], text[:300]


def test_plain_how_to_words_still_reach_their_shortcut():
    for typed, title in (("how do I record a withdrawal", "Recording a withdrawal"),
                         ("six months no job", "Six months after the end of learning"),
                         ("what do I put for an interveiw offer?", "Recording an interview offer")):
        s = drive(session(), [typed])
        assert title in s.transcript[-1].text, typed
