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


# A 2025-26 start: the learning ended 28/11/25, an interview was offered 5/12/25, no EVI recorded yet, and the
# user does not have the EVI code to hand. The code is the one thing not known: the programme aim still closes
# (as it does when the record holds the event as an event aim, transcript 09), the code is asked for, and the
# event the user named is not asked about again.
EVI_QA = ["m2 isnt paying", "8/9/25", "28/11/25", "1", "1", "none", "none", "Z0059758", "2", "28/11/25", "1",
          "none", "none", "interview offered", "5/12/25", "not sure", "no"]


def _evi_xml() -> str:
    from tests.builders import learner, prog, subject
    from tests.test_dialogue_helpers import to_xml
    return to_xml(learner(prog(LearnStartDate="2025-09-08", LearnPlanEndDate="2025-11-28"),
                          subject(LearnStartDate="2025-09-08", LearnPlanEndDate="2025-11-28", CompStatus="2",
                                  LearnActEndDate="2025-11-28", Outcome="1")))


@pytest.mark.parametrize("route", ["qa", "xml"])
def test_an_event_told_without_its_evi_code_still_closes_the_programme(route: str):
    inputs = EVI_QA if route == "qa" else ["check xml", _evi_xml(), "interview offered", "5/12/25", "not sure", "no"]
    s = drive(session(), inputs)
    d = s.diagnosis
    assert d is not None and s.prompt is None
    assert list(d.proposal.states.values()) == ["event happened (M2 due)"]
    got = {(c.aim_seq, c.field, str(c.to)) for c in d.proposal.changes}
    assert {(1, "CompStatus", "2"), (1, "LearnActEndDate", "2025-12-05"), (1, "Outcome", "8")} <= got
    asked = [q.fact for q in d.proposal.questions]
    assert "evi_code" in asked and "event" not in asked, asked


def test_an_unknown_start_date_holds_back_every_change():
    """The start decides event aims or EVI (R_152/R_154) and where events are dated from (R_150): not known, so
    no aim's change is offered as if it were — not even a new event aim (it would be an R_154 error for a
    2025-26 start)."""
    s = drive(session(), ["m2 not paying", "not sure", "dunno", "fully funded", "continuing", "none", "none",
                          "Z0059758", "completed", "12/12/25", "passed", "before", "none", "interview offered",
                          "15/12/25", "no"])
    text = s.transcript[-1].text
    assert s.prompt is None and "start date" in text
    assert "(new event aim)" not in text and "**What to record**" not in text, text
    assert "left out what depends on them" in text and "aim 3 (LearningDelivery, " in text
    assert "nothing needs to change" not in text and "FD_LearnStartDate_MA on aim" not in text


@pytest.mark.parametrize("typed", ["how do I record a restart", "restarted"])
def test_a_restart_after_a_break_has_its_own_answer(typed: str):
    """ESFA: on return, new aims start on the restart date with the restart indicator (RES 1); the aims on the
    break are not reopened. The bootcamp treatment is not published: said so."""
    s = drive(session(year="2024-25", as_of=date(2025, 3, 31)), [typed])
    text = s.transcript[-1].text
    assert s.prompt is None and "Recording a restart" in text, text[:300]
    assert "RES" in text and "not reopened" in text and "not published" in text
    assert "official" in text


def test_the_break_how_to_points_to_the_restart():
    s = drive(session(year="2024-25", as_of=date(2025, 3, 31)),
              ["how do i record a learner who came back from a break in learning"])
    assert "Recording a break in learning" in s.transcript[-1].text and "not reopened" in s.transcript[-1].text
    assert "how do I record a restart" in s.transcript[-1].text


def test_a_restart_is_offered_at_the_how_to_question():
    s = drive(session(year="2024-25", as_of=date(2025, 3, 31)), ["how do I record", "a restart after a break"])
    assert "Recording a restart" in s.transcript[-1].text


def test_an_event_the_user_said_has_not_happened_is_not_asked_as_still_open():
    """'nothing yet' is an answer: the conclusion says what would change it, not "answer these to finish"."""
    s = drive(session(year="2024-25", as_of=date(2025, 5, 30)),
              ["m3", "6/1/25", "21/3/25", "fully funded", "completed", "21/3/25", "achieved", "2/4/25", "Z0059758",
               "completed", "21/3/25", "passed", "none", "nothing yet"])
    text = s.transcript[-1].text
    assert s.prompt is None and "M3 needs the event recorded too" in text
    assert "Still open" not in text, text
    assert "you have answered" in text and "Has the learner had an interview offer" in text


def test_a_value_to_clear_is_said_in_words_not_as_none():
    """'record (none)' reads as a value to type; a field to clear says so."""
    s = drive(session(year="2024-25", as_of=date(2025, 3, 31)),
              ["m1", "3/2/25", "26/5/25", "1", "1", "none", "8", "Z0059758", "1", "none", "still in learning"])
    text = s.transcript[-1].text
    assert "nothing (leave it empty)" in text and "(none)**" not in text, text


def test_sorry_i_meant_corrects_the_answer_just_read_and_says_so():
    s = drive(session(year="2024-25", as_of=date(2025, 3, 31)), ["milestone 2", "3/2/25"])
    assert s.prompt.id == "plan_end"
    out = s.send("sorry I meant 2/3/25")
    said = " ".join(m.text for m in out)
    assert "Changing *start date*" in said and "3 February 2025" in said and "2 March 2025" in said, said
    assert s.prompt.id == "plan_end"
    assert str(s.learner.delivery(1).learn_start_date) == "2025-03-02"


@pytest.mark.parametrize("typed", ["why do you need this?", "why is that needed", "why does it matter?"])
def test_why_in_a_sentence_explains_the_current_question(typed: str):
    s = drive(session(year="2024-25", as_of=date(2025, 3, 31)), ["m2"])
    out = s.send(typed)
    assert "Why I ask: start date" in out[0].text and s.prompt.id == "prog_start", out[0].text[:200]


def test_an_unknown_start_in_a_2025_26_file_asks_which_side_of_august_2025_before_asking_about_events():
    """The start decides event aims or an EVI: asking "which event aim does the record have" presumes it."""
    s = drive(session(), ["m2 not paying", "not sure", "dunno", "fully funded", "continuing", "none", "none",
                          "Z0059758", "completed", "12/12/25", "passed"])
    assert s.prompt.id == "start_side"
    s.send("on or after")
    assert s.prompt.id == "evi_recorded"
    s = drive(session(), ["m2 not paying", "not sure", "dunno", "1", "1", "none", "none", "Z0059758", "2",
                          "12/12/25", "1", "before"])
    assert s.prompt.id == "event_aim_ref"
    s = drive(session(), ["m2 not paying", "not sure", "dunno", "1", "1", "none", "none", "Z0059758", "2",
                          "12/12/25", "1", "don't know"])
    assert s.prompt is not None and s.prompt.id == "event_aim_ref"  # asked once, never looped
    s = drive(session(year="2024-25", as_of=date(2025, 3, 31)),
              ["m2 not paying", "not sure", "dunno", "1", "1", "none", "none", "Z0059758", "2", "12/3/25", "1"])
    assert s.prompt.id == "event_aim_ref"  # a 2024-25 return: its starts are before 1 August 2025
