"""Blind review: a new member of staff and a busy data manager, in the Textual app and in `chat --plain`.

The expectations were written before either face was run: tests/fixtures/review_tui/expectations.md
(A1..A7, B1..B12, with the DfE pages each rests on). Each test names the expectation it checks; the
same words are fed to the plain chat where that face has the step, and the two faces are compared.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from textual.events import Paste

from assistant.dialogue.session import Session
from assistant.faces.plain import read_inputs, run_plain
from assistant.faces.tui.app import AssistantApp
from assistant.faces.tui.screens.confirm import ConfirmScreen
from assistant.faces.tui.screens.main import MainScreen
from assistant.faces.tui.widgets.chat_input import ChatInput
from assistant.faces.tui.widgets.record import ProposalTable
from tests.test_tui_flows import PERSONAL, XML, answer_the_follow_ups, messages, prompt_id
from tests.tui_support import settle

SAMPLE_2526 = Path(__file__).parent / "data" / "samples" / "ILR-99999999-2526-20250108-094401.xml"


def make_app(tmp_path: Path | None = None, copied: list[str] | None = None, year: str = "2022-23",
             as_of: date = date(2023, 1, 31)) -> AssistantApp:
    return AssistantApp(Session(year=year, as_of=as_of), as_of=as_of,
                        clock=lambda: datetime(2023, 1, 31, 10, 0),
                        export_dir=(tmp_path / "exports") if tmp_path else None,
                        system_copy=(copied.append if copied is not None else None))


def plain(text: str, year: str = "2022-23", as_of: str = "2023-01-31") -> str:
    out = io.StringIO()
    assert run_plain(io.StringIO(text), out, year=year, as_of=as_of) == 0
    return out.getvalue()


async def typed(pilot, text: str) -> None:
    box = pilot.app.screen.query_one(ChatInput)
    box.focus()
    box.value = text
    await pilot.press("enter")
    await settle(pilot)


def said(app: AssistantApp) -> str:
    return "\n\n".join(m.text for m in messages(app) if m.role == "assistant")


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "Something went wrong" not in text


# -- (a) a new member of staff ---------------------------------------------------------------------------


async def test_a1_tour_starts_from_a_word_and_fits_an_80_column_terminal():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await typed(pilot, "tour")
        text = said(app)
        assert "programme aim" in text and "ZPROG001" in text
        assert prompt_id(app) is not None and prompt_id(app) != "entry"
        no_traceback(text)
    assert "ZPROG001" in plain("tour\nquit\n")


async def test_a2_a3_what_is_zprog001_and_compstatus_6_in_both_faces():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "what is ZPROG001?")
        text = said(app)
        assert "programme aim" in text and "AimType 1" in text and "official" in text
        await typed(pilot, "what does CompStatus 6 mean?")
        text = said(app)
        assert "break in learning" in text
        # The Outcome for a bootcamp break is the project's reading: it must be graded so, not as official.
        assert "our reading" in text and "inference" in text
    chat = plain("what is ZPROG001?\nwhat does CompStatus 6 mean?\nquit\n")
    assert "AimType 1" in chat and "break in learning" in chat


async def test_a4_the_difference_between_outcome_8_and_3_explains_both_codes():
    """Outcome 8 (complete, outcome not yet known) against 3 (no achievement), each with its bootcamp use.

    ILR specification, Outcome field:
    https://guidance.submit-learner-data.service.gov.uk/21-22/ilr/entity/LearningDelivery/field/Outcome
    """
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "what's the difference between Outcome 8 and 3?")
        text = said(app)
        assert "**Outcome 8**" in text and "**Outcome 3**" in text, text[-1500:]
        assert "not yet known" in text and "no achievement" in text
        assert "six months" in text  # 3 is the code the six-month rule uses
    chat = plain("what's the difference between Outcome 8 and 3?\nquit\n")
    assert "Outcome 8 —" in chat and "Outcome 3 —" in chat


async def test_a5_interview_offer_for_a_2025_26_start_is_an_event_indicator():
    """R_154: event aims are an error for programmes starting on/after 1 August 2025; the PSM's event-indicator
    article: EVI on the programme aim, dated the day the formal offer was made.
    https://guidance.submit-learner-data.service.gov.uk/25-26/validation-rules/rule/R_154
    https://guidance.submit-learner-data.service.gov.uk/provider-support-manual/article/recordingskills-bootcamps-events-in-the-ilr
    """
    app = make_app(year="2025-26", as_of=date(2026, 1, 31))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "how do I record an interview offer for a 2025-26 start?")
        if app.session.prompt is not None and app.session.prompt.options:
            labels = [o.label for o in app.session.prompt.options]
            # Asked which: the event-indicator how-to must be among the choices; pick it.
            pick = next(i for i, label in enumerate(labels, 1) if "event indicator" in label)
            await typed(pilot, str(pick))
        text = said(app)
        assert "EVI" in text and "R_154" in text and "LearnDelFAMDateFrom" in text
        assert "2025-26 ILR specification" in text  # the code list is not invented
        assert "formal" in text and "offer" in text  # the date is the day the offer was made


async def test_a6_glossary_typos_are_read_visibly_or_asked():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "explain zprog01")
        assert "ZPROG001" in messages(app)[-1].text or "ZPROG001" in said(app)
        await typed(pilot, "explain outcom 8")
        assert "Outcome 8" in said(app)
        await typed(pilot, "explain compstaus")
        text = messages(app)[-1].text if messages(app)[-1].kind != "question" else said(app)
        # A typo of a field, with no code typed, is the field (its heading says so), not a bare list of the field
        # and its codes to retype from (found in review: "'compstaus' could mean several things").
        assert "**CompStatus** — Completion status" in said(app) and "could mean several" not in said(app)
        no_traceback(text)
    assert "CompStatus — Completion status" in plain("explain compstaus\nquit\n")


MESSAGE = "The Learning actual end date must not be returned for this Completion status"


async def test_a7_a_rule_found_by_its_dfe_message():
    """DfE's 2025-26 rule list: CompStatus_02's message (knowledge/reference)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, MESSAGE.lower() + ".")
        text = said(app)
        assert "CompStatus_02" in text and "25-26/validation-rules/rule/CompStatus_02" in text
        # No sentence of the rule's condition is cut off in the middle of a bracket.
        assert "programmes (\n" not in text and not any(line.rstrip().endswith("(") for line in text.splitlines())
    chat = plain(MESSAGE + "\nquit\n")
    assert "CompStatus_02" in chat
    assert not any(line.rstrip().endswith("(") for line in chat.splitlines())


# -- (b) a busy data manager -----------------------------------------------------------------------------


async def paste(pilot, text: str) -> None:
    pilot.app.screen.query_one(ChatInput).focus()
    pilot.app.post_message(Paste(text))
    await settle(pilot)
    await settle(pilot)


async def test_b1_b8_well_formed_paste_terse_answers_and_the_forum_fix():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        await paste(pilot, XML)
        assert "I read this record" in said(app)
        assert prompt_id(app) == "offer_date_check"
        await typed(pilot, "y")
        assert "I took that as: yes" in said(app)
        await typed(pilot, "n")
        assert "I took that as: no" in said(app)
        keys = {(c.aim_seq, c.field, str(c.to)) for c in app.screen.query_one(ProposalTable).changes}
        assert {(1, "CompStatus", "2"), (1, "LearnActEndDate", "2022-12-20")} <= keys
        assert not any(f == "AchDate" for _, f, _ in keys)


async def test_b2_malformed_half_way_keeps_the_question_and_the_answers():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        await typed(pilot, "01/08/2022")
        asked = prompt_id(app)
        await paste(pilot, XML[: len(XML) // 2])
        text = messages(app)[-2].text if messages(app)[-1].kind == "question" else messages(app)[-1].text
        assert "couldn't read" in said(app) and "line" in said(app) and "Nothing you told me before" in said(app)
        assert prompt_id(app) == asked
        assert any(s.node.id == "prog_start" for s in app.session.steps), "the earlier answer survives"
        no_traceback(text)
    chat = plain("m2\n01/08/2022\n" + XML[: len(XML) // 2] + "\n.\nquit\n")
    assert "couldn't read" in chat and chat.rstrip().endswith("Goodbye. Nothing you typed has been stored or sent anywhere.")


async def test_b3_a_whole_file_says_which_learner_it_read():
    whole = SAMPLE_2526.read_text(encoding="utf-8-sig")
    app = make_app(year="2025-26", as_of=date(2026, 1, 31))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await paste(pilot, whole)
        text = said(app)
        assert "learners" in text and "diagnose" in text
        no_traceback(text)
        # Which learner is asked, never taken unasked; the file's bootcamp learners (18th and 19th of 19) are
        # offered first, not left out behind nine learners on other programmes.
        labels = [o.label for o in app.session.prompt.options]
        assert labels[:2] == ["SBLearner (Skills Bootcamp, 2 aims)", "SBLearnerEV (Skills Bootcamp, 2 aims)"], labels
        await typed(pilot, "2")
        assert app.session.learner is not None and app.session.learner.learn_ref == "SBLearnerEV"
    chat = plain("m2\n" + whole + "\nquit\n", year="2025-26", as_of="2026-01-31")
    assert "1, SBLearner (Skills Bootcamp, 2 aims)" in chat


async def test_b4_a_2_mb_paste_is_answered_and_the_app_stays_up():
    big = XML.replace("</Learner>", "<!--" + "x" * 2_000_000 + "-->\n</Learner>")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        await paste(pilot, big)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert app.session.learner is not None or "couldn't read" in said(app)
        no_traceback(said(app))


DOCTYPE = '<!DOCTYPE Learner [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Learner><LearnRefNumber>&x;</LearnRefNumber></Learner>'


async def test_b5_doctype_is_refused_and_the_session_survives():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        asked = prompt_id(app)
        await paste(pilot, DOCTYPE)
        assert "DTD" in said(app) and "root:" not in said(app)
        assert prompt_id(app) == asked


def test_b5_plain_chat_a_doctype_paste_ends_at_its_element_and_does_not_swallow_what_follows():
    """Found in review: a paste opening with <!DOCTYPE …> never found its element, so the plain chat read every
    later line (here `quit`) into the paste until end of input."""
    assert list(read_inputs(iter([ln + "\n" for ln in DOCTYPE.splitlines()] + ["quit\n"]))) == [DOCTYPE, "quit"]
    chat = plain("m2\n" + DOCTYPE + "\nquit\n")
    assert "DTD" in chat and chat.rstrip().endswith("Goodbye. Nothing you typed has been stored or sent anywhere.")


async def test_b6_b7_non_utf8_and_windows_line_endings():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        await paste(pilot, XML.replace("\n", "\r\n"))
        assert app.session.learner is not None and prompt_id(app) == "offer_date_check"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        asked = prompt_id(app)
        await paste(pilot, XML.replace("Testperson", "T\udce9stperson"))
        text = said(app)
        no_traceback(text)
        assert app.session.learner is not None or prompt_id(app) == asked
    chat = plain(("m2\n" + XML + "\ny\nn\nquit\n").replace("\n", "\r\n"))
    assert "CompStatus: record 2 (now 1)." in chat


async def test_b9_back_change_restart():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        await typed(pilot, "01/08/2022")
        assert prompt_id(app) == "plan_end"
        await typed(pilot, "back")
        assert prompt_id(app) == "prog_start"
        await typed(pilot, "01/08/2022")
        await typed(pilot, "30/11/2022")
        await typed(pilot, "change start date")
        assert prompt_id(app) == "prog_start"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen), "restart asks first once a conversation is under way"


async def test_b9_typed_restart_and_quit_ask_first_once_under_way():
    """README: "Restart and quit ask first once a conversation is under way" — typed, as with the keys."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        await typed(pilot, "01/08/2022")
        await typed(pilot, "restart")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert prompt_id(app) == "plan_end", "saying no keeps the conversation"
        await typed(pilot, "stop")
        await pilot.pause(1.0)
        assert app.is_running and isinstance(app.screen, ConfirmScreen)


async def test_b10_b11_copy_without_a_clipboard_and_a_redacted_export(tmp_path):
    app = AssistantApp(Session(year="2022-23", as_of=date(2023, 1, 31)), as_of=date(2023, 1, 31),
                       clock=lambda: datetime(2023, 1, 31, 10, 0), export_dir=tmp_path / "exports",
                       system_copy=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        # Personal data typed outside XML as well as pasted in it.
        await typed(pilot, "01/08/2022")
        await paste(pilot, XML)
        await answer_the_follow_ups(pilot, app)
        await typed(pilot, "explain NI number QQ123456C for Jamie Testperson, SW1A 1AA, jamie.testperson@example.com, "
                           "who lives at 10 Downing Street")
        await pilot.press("f6")
        await settle(pilot)
        note = messages(app)[-1]
        assert "select the text" in note.text and "CompStatus" in note.text
        await pilot.press("f7")
        await settle(pilot)
        files = list((tmp_path / "exports").glob("*.md"))
        assert len(files) == 1
        text = files[0].read_text(encoding="utf-8")
        for field, value in PERSONAL.items():
            assert value not in text, f"{field} leaked into the export"
        assert "Jamie" not in text and "Testperson" not in text
        assert "Downing" not in text, "a typed street address leaked into the export"


async def test_b12_quit_mid_conversation_asks_and_plain_chat_ends_cleanly():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await typed(pilot, "m2")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
    out = plain("m2\n01/08/2022\n")  # end of input mid-question
    assert "When did the bootcamp start" in out


async def test_pleasant_the_record_as_read_is_one_line_per_aim_not_a_squeezed_table():
    """At 80 columns (and beside the record panel at 120) the ten-column "I read this record" table was cut
    into cells a few characters wide ("ZPROG / 001", "(non / e)") over 25 rows; each aim is now one bullet."""
    for size in ((80, 24), (120, 40)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await typed(pilot, "m2")
            await paste(pilot, XML)
            view = next(v for v in app.screen.query("MessageView") if "I read this record" in v.message.text)
            assert "**1 ZPROG001** — AimType: 1 · Start: 2022-08-01" in view.source
            assert "|---" not in view.source
            assert view.size.height <= 18, f"{view.size.height} rows at {size}"  # was 35 at 120x40
