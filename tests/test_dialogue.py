"""The conversation engine: entry points, commands, dates, pastes, errors. Behaviour, not wording."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dialogue.session import Message, Prompt, Session
from tests.builders import event, learner, prog, subject
from tests.test_dialogue_helpers import drive, to_xml

AS_OF = date(2023, 1, 31)
#: The forum M2 case, answered up to the point the record is complete.
RECORD = ["m2", "01/08/2022", "30/11/2022", "1", "1", "none", "8", "Z0059758", "2", "30/11/2022", "1",
          "Z0059747", "20/12/2022", "1"]


def session(**kw) -> Session:
    s = Session(year=kw.pop("year", "2022-23"), as_of=kw.pop("as_of", AS_OF))
    s.start()
    return s


def test_start_greets_and_offers_every_entry_point():
    s = Session()
    out = s.start()
    assert all(isinstance(m, Message) and m.role == "assistant" for m in out)
    assert "milestone" in out[0].text.lower()
    ids = {o.value for o in s.entries}
    assert {"m1", "m2", "m3", "validation_error", "how_to", "explain", "check_xml", "tour"} <= ids
    assert isinstance(s.prompt, Prompt) and s.prompt.id == "entry" and len(s.prompt.options) == len(s.entries)


def test_entry_by_number_words_or_start_entry():
    for how in ("1", "M2 isn't paying", "my m2 is not paying"):
        s = session()
        s.send(how)
        assert s.prompt is not None and s.prompt.id == "prog_start", how
    s = session()
    s.start_entry("tour")
    assert "anatomy" in s.transcript[-2].text.lower()
    assert s.prompt.id == "tour_q_programme"
    assert s.start_entry("nope")[0].kind == "error"


def test_questions_follow_the_data_manager_order_and_skip_the_year_when_known():
    s = session()
    s.send("m2")
    seen = [s.prompt.id]
    for answer in RECORD[1:]:
        s.send(answer)
        seen.append(s.prompt.id if s.prompt else "end")
    assert seen[:8] == ["prog_start", "plan_end", "ffi", "prog_comp_status", "prog_end", "prog_outcome",
                        "subject_ref", "subject_comp_status"]
    assert "ilr_year" not in seen
    # Inferred from the record: the learner finished, passed and had an interview offer; asked: the offer date.
    assert s.prompt.id == "offer_date_check"
    assert "offered, not the day it took place" in s.prompt.text


def test_the_year_is_asked_when_not_given():
    s = Session(as_of=AS_OF)
    s.start()
    s.send("m2")
    assert s.prompt.id == "ilr_year"
    s.send("22/23")
    assert s.prompt.id == "prog_start" and s.year == "2022-23"


def test_offer_date_is_asked_explicitly_when_the_event_aim_date_is_not_the_offer():
    s = drive(session(), RECORD + ["no"])
    assert s.prompt.id == "offer_date"
    assert "OFFERED, not the date of the interview itself" in s.prompt.text
    s.send("12/12/2022")
    s.send("no")
    assert s.prompt is None
    assert s.facts.event_date == date(2022, 12, 12)
    changes = {(c.aim_seq, c.field): c.to for c in s.diagnosis.proposal.changes}
    assert changes[(3, "LearnStartDate")] == date(2022, 12, 12) or str(changes[(3, "LearnStartDate")]) == "2022-12-12"


def test_back_undoes_one_answer():
    s = session()
    s.send("m2")
    s.send("01/08/2022")
    s.send("30/11/2022")
    assert s.prompt.id == "ffi"
    out = s.send("back")
    assert s.prompt.id == "plan_end"
    assert "30 November 2022" in out[0].text
    s.send("back")
    s.send("back")
    assert s.prompt.id == "entry"
    assert s.send("back")[0].text.startswith("There is nothing")


def test_change_keeps_later_answers_that_still_apply():
    s = drive(session(), RECORD + ["yes", "no"])
    assert s.prompt is None
    before = len([x for x in s.steps if x.how == "answered"])
    out = s.send("change programme outcome")
    assert s.prompt.id == "prog_outcome"
    assert "8 learning complete" in out[0].text
    s.send("2")
    # Nothing else is asked again: straight back to the conclusion, with the new value.
    assert s.prompt is None and s.transcript[-1].kind == "conclusion"
    assert len([x for x in s.steps if x.how == "answered"]) == before
    assert s.learner.delivery(1).outcome == "2"
    assert any("Outcome 2" in e for e in s.diagnosis.proposal.explanations)


def test_change_to_a_branching_answer_asks_only_the_new_questions():
    s = drive(session(), RECORD + ["yes", "no"])
    s.send("change positive outcome")
    s.send("yes")
    assert s.prompt.id == "outcome_date"
    s.send("15/01/2023")
    assert s.prompt is None
    assert s.facts.positive_outcome is True


def test_change_with_unknown_name_says_what_can_be_changed():
    s = drive(session(), RECORD[:3])
    out = s.send("change banana")
    assert out[0].kind == "error" and "start date" in out[0].text


def test_restart_help_sources_why_and_quit():
    s = drive(session(), RECORD + ["yes", "no"])
    why = s.send("why")[0].text
    assert "CompStatus_03" in why and "forum-confirmed" in why and "Facts used" in why
    assert s.why() == s.why(None)
    assert "official" in s.send("sources")[0].text
    assert "`back`" in s.send("help")[0].text
    assert s.send("answers")[0].text.count("\n- ") >= 10
    s.send("restart")
    assert s.prompt.id == "entry" and s.learner is None
    s.send("quit")
    assert s.finished and s.prompt is None
    assert s.send("hello")[0].kind == "info"


def test_why_at_a_question_explains_it_and_lists_what_is_known():
    s = drive(session(), RECORD[:4])
    assert s.prompt.id == "prog_comp_status"
    text = s.why()
    assert "Why I ask" in text and "forum" in text.lower() and "start date" in text


def test_us_dates_are_confirmed_and_impossible_dates_refused():
    s = drive(session(), ["m2"])
    out = s.send("1/25/2023")
    assert s.prompt.kind == "confirm" and "25 January 2023" in out[-1].text
    s.send("no")
    assert s.prompt.id == "prog_start"
    s.send("1/25/2023")
    s.send("yes")
    assert s.prompt.id == "plan_end"
    assert s.learner.delivery(1).learn_start_date == date(2023, 1, 25)
    out = s.send("31/02/2023")
    assert out[0].kind == "error" and "28 days" in out[0].text and s.prompt.id == "plan_end"


def test_unrecognised_answers_say_what_is_accepted():
    s = drive(session(), RECORD[:4])
    assert s.prompt.id == "prog_comp_status"
    out = s.send("purple")
    assert out[0].kind == "error" and "1, continuing" in out[0].text and "6, break in learning" in out[0].text
    assert s.prompt.id == "prog_comp_status"


def test_future_event_dates_are_refused():
    s = drive(session(), RECORD + ["no"])
    out = s.send("01/06/2023")
    assert out[0].kind == "error" and "after the file preparation date" in out[0].text and s.prompt.id == "offer_date"


def test_pasted_xml_skips_what_it_answers_and_asks_only_the_rest():
    lrn = learner(prog(LearnStartDate="2022-08-01", LearnPlanEndDate="2022-11-30", Outcome="8"),
                  subject(LearnStartDate="2022-08-01", CompStatus="2", LearnActEndDate="2022-11-30", Outcome="1"),
                  event("2022-12-20"))
    s = session()
    s.send("m2")
    s.send("01/08/2022")
    out = s.send(to_xml(lrn))
    assert "I read this record" in out[0].text and "ZPROG001" in out[0].text
    assert "replaces 1 answer" in out[0].text
    assert s.prompt.id == "offer_date_check"
    assert s.learner.delivery(3).learn_aim_ref == "Z0059747"


def test_pasted_xml_at_the_start_goes_to_the_check_and_asks_the_year_if_unknown():
    lrn = learner(prog(LearnStartDate="2022-08-01", Outcome="8"), subject(CompStatus="2", LearnActEndDate="2022-11-30", Outcome="1"))
    s = Session(as_of=AS_OF)
    s.start()
    s.send(to_xml(lrn))
    assert s.prompt.id == "ilr_year"


def test_a_pasted_record_says_what_is_not_held_for_its_year():
    """As diagnose's header does: a year without its XSD or rule list is said, not hidden (issue 10)."""
    lrn = learner(prog(LearnStartDate="2022-08-01", Outcome="8"), subject(CompStatus="2", LearnActEndDate="2022-11-30", Outcome="1"))
    read = session(year="2022-23").send(to_xml(lrn))[0].text
    assert "No 2022-23 XSD is held" in read and "2022-23 rule list is not held" in read
    read = session(year="2025-26").send(to_xml(lrn))[0].text
    assert "XSD is held" not in read and "rule list is not held" not in read


def test_broken_xml_is_explained_and_the_session_continues():
    s = drive(session(), ["m2", "01/08/2022"])
    out = s.send("<Learner><LearningDelivery><CompStatus>2</LearningDelivery>")
    assert out[0].kind == "error" and "line 1" in out[0].text
    assert s.prompt.id == "plan_end"
    out = s.send('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Learner/>')
    assert out[0].kind == "error" and s.prompt.id == "plan_end"


def test_a_validation_error_by_message_or_id():
    s = session()
    s.send("I have a validation error")
    s.send("If an outcome code has been returned an actual end date must be returned")
    text = s.transcript[-1].text
    assert s.prompt is None and "Outcome_11" in text and "Sources" in text
    s = session()
    s.send("R141 ProgType=XX|AimType=X|LearnActEndDate=|LearnAimRef=XXXXXXX|")
    assert "R_141" in s.transcript[-1].text and s.transcript[-1].kind == "conclusion"


def test_a_shared_error_message_asks_which_rule():
    s = session()
    s.send("validation error")
    s.send("The Completion status is not valid for this Outcome")
    assert s.prompt is not None and {o.value for o in s.prompt.options} >= {"CompStatus_05", "CompStatus_06"}
    s.send("CompStatus_06")
    assert "CompStatus_06" in s.transcript[-1].text and s.prompt is None


def test_unknown_error_message_says_what_works():
    s = session()
    s.send("validation error")
    out = s.send("the moon is made of cheese and the ILR hates me")
    assert out[0].kind == "error" and "rule id" in out[0].text and s.prompt.id == "rule_lookup"


def test_onboarding_what_is_and_explain_mid_conversation():
    s = session()
    s.send("what is ZPROG001?")
    assert s.prompt is None and "programme aim" in s.transcript[-1].text.lower()
    s = drive(session(), ["m2", "01/08/2022"])
    out = s.send("explain outcome eight")
    assert "Outcome 8" in out[0].text and s.prompt.id == "plan_end"


def test_shortcut_how_to_record_an_interview_offer():
    s = session()
    s.send("what do I put for an interveiw offer?")
    text = s.transcript[-1].text
    assert s.prompt is None and "Z0059747" in text and "formally offered" in text


def test_tour_check_questions_explain_right_and_wrong_answers():
    s = session()
    s.send("tour")
    out = s.send("the subject aim")
    assert out[0].text.startswith("I took that as: the subject")   # said back: not the label itself
    assert out[1].text.startswith("Not quite.")
    assert s.prompt.id == "tour_q_m2"
    out = s.send("2")
    assert out[0].text.startswith("Right.")


def test_ambiguous_entry_then_garbage_does_not_crash():
    s = session()
    s.send("not paying")
    out = s.send("zzzz")
    assert out and s.prompt is not None


def test_session_survives_internal_errors(monkeypatch):
    s = drive(session(), ["m2"])
    import assistant.dialogue.session as mod

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(mod.Session, "_answer", boom)
    out = s.send("01/08/2022")
    assert out[-1].kind == "error" and "kaboom" in out[-1].text
    monkeypatch.undo()
    s.send("01/08/2022")
    assert s.prompt.id == "plan_end"


def test_transcript_records_both_sides():
    s = drive(session(), ["m2", "01/08/2022"])
    roles = [m.role for m in s.transcript]
    assert "user" in roles and "assistant" in roles
    assert [m.text for m in s.transcript if m.role == "user"] == ["m2", "01/08/2022"]


def test_bad_year_is_refused_at_construction():
    with pytest.raises(ValueError):
        Session(year="2024-26")


def test_file_preparation_date_is_asked_when_today_is_after_the_chosen_year():
    s = Session()  # no year, no as_of: "today" is the computer's date, long after 2022-23
    s.start()
    s.send("m2")
    s.send("2022-23")
    if date.today() > date(2023, 7, 31):
        assert s.prompt.id == "file_date" and "after the end of that ILR year" in s.prompt.text
        s.send("31/01/2023")
    assert s.prompt.id == "prog_start"
    assert s._walk.state.as_of == date(2023, 1, 31) or date.today() <= date(2023, 7, 31)


def test_fenced_or_bom_xml_pastes_are_read():
    lrn = learner(prog(LearnStartDate="2022-08-01", Outcome="8"), subject(CompStatus="2", LearnActEndDate="2022-11-30", Outcome="1"))
    for text in ("```xml\n" + to_xml(lrn) + "\n```", "\ufeff" + to_xml(lrn)):
        s = session()
        out = s.send(text)
        assert "I read this record" in out[0].text


def test_an_error_message_pasted_mid_question_is_explained_and_the_question_kept():
    s = drive(session(), RECORD[:4])
    out = s.send("The Learning actual end date must be returned for this Completion status")
    assert "CompStatus_03" in out[0].text and s.prompt.id == "prog_comp_status"


def test_an_answer_naming_another_entry_says_how_to_get_there_and_stays():
    """"m2 isn't paying" typed at the how-to menu: never switched unasked, but the way there is said."""
    s = session(year="2024-25")
    s.send("how do I record something")
    asked = s.prompt.id
    out = s.send("m2 isn't paying")
    assert out[0].kind == "error" and "M2 (completion) isn't paying" in out[0].text and "`restart`" in out[0].text
    assert s.prompt.id == asked
    out = s.send("banana")
    assert out[0].kind == "error" and "`restart`" not in out[0].text


def test_a_look_up_ends_with_its_own_next_step_not_with_commands_about_answers():
    """`change <question>` means nothing after explaining a term; after a proposal built from answers it does."""
    s = session()
    looked_up = "\n".join(m.text for m in s.send("what is ZPROG001?"))
    assert "explain <term>" in looked_up and "to change an answer" not in looked_up
    s = drive(session(), RECORD + ["yes", "no"])
    assert s.transcript[-1].kind == "conclusion" and "to change an answer" in s.transcript[-1].text
