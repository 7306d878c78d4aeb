"""Whole flows through the real app and the real conversation engine, driven like a user would.

Keys are pressed one by one (options picked by code, number, typing or a
mouse click), XML is pasted the two ways a terminal delivers it, and the
clipboard and the export folder are the only things replaced.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from textual.events import Paste

from assistant.dialogue.session import Session
from assistant.faces.tui.app import AssistantApp
from assistant.faces.tui.screens.confirm import ConfirmScreen
from assistant.faces.tui.screens.explain import ExplainScreen
from assistant.faces.tui.screens.main import MainScreen
from assistant.faces.tui.screens.paste import PasteScreen
from assistant.faces.tui.screens.pick import PickScreen
from assistant.faces.tui.widgets.chat_input import ChatInput
from assistant.faces.tui.widgets.choices import ChoiceList
from assistant.faces.tui.widgets.conversation import MessageView
from assistant.faces.tui.widgets.record import MilestoneBar, ProposalTable, RecordTable
from tests.tui_support import settle, until_still

AS_OF = date(2023, 1, 31)

#: A synthetic learner in the forum's M2 case: the programme aim left open (CompStatus 1, Outcome 8)
#: after the learning finished and the interview-offer event aim was recorded. Every personal value
#: in it is invented, and each is checked to be absent from the export.
PERSONAL = {
    "LearnRefNumber": "ABC12345",
    "ULN": "1234567890",
    "FamilyName": "Testperson",
    "GivenNames": "Jamie",
    "DateOfBirth": "1990-05-01",
    "NINumber": "QQ123456C",
    "Postcode": "SW1A 1AA",
    "TelNo": "07700900123",
    "Email": "jamie.testperson@example.com",
}


def _aim(ref: str, aim_type: str, seq: int, start: str, plan: str, comp: str, end: str | None,
         outcome: str | None, fams: tuple[tuple[str, str], ...] = (("SOF", "105"),)) -> str:
    parts = [f"<LearnAimRef>{ref}</LearnAimRef>", f"<AimType>{aim_type}</AimType>",
             f"<AimSeqNumber>{seq}</AimSeqNumber>", f"<LearnStartDate>{start}</LearnStartDate>",
             f"<LearnPlanEndDate>{plan}</LearnPlanEndDate>", "<FundModel>37</FundModel>", "<ProgType>32</ProgType>",
             "<ConRefNumber>SB-TEST-001</ConRefNumber>", f"<CompStatus>{comp}</CompStatus>"]
    if end:
        parts.append(f"<LearnActEndDate>{end}</LearnActEndDate>")
    if outcome:
        parts.append(f"<Outcome>{outcome}</Outcome>")
    parts += [f"<LearningDeliveryFAM><LearnDelFAMType>{t}</LearnDelFAMType><LearnDelFAMCode>{c}</LearnDelFAMCode>"
              "</LearningDeliveryFAM>" for t, c in fams]
    return "  <LearningDelivery>\n    " + "\n    ".join(parts) + "\n  </LearningDelivery>"


XML = "\n".join([
    "<Learner>",
    *(f"  <{k}>{v}</{k}>" for k, v in PERSONAL.items()),
    "  <PriorAttain><PriorLevel>3</PriorLevel><DateLevelApp>2022-07-01</DateLevelApp></PriorAttain>",
    "  <LearnerEmploymentStatus><EmpStat>11</EmpStat><DateEmpStatApp>2022-07-01</DateEmpStatApp>"
    "</LearnerEmploymentStatus>",
    _aim("ZPROG001", "1", 1, "2022-08-01", "2022-11-30", "1", None, "8", (("SOF", "105"), ("FFI", "1"))),
    # Every aim carries its FFI, as a real record does (the chat no longer copies the programme's onto the others).
    _aim("Z0059758", "3", 2, "2022-08-01", "2022-11-30", "2", "2022-11-30", "1", (("SOF", "105"), ("FFI", "1"))),
    _aim("Z0059747", "3", 3, "2022-12-20", "2022-12-20", "2", "2022-12-20", "1", (("SOF", "105"), ("FFI", "1"))),
    "</Learner>",
])


def make_app(tmp_path: Path | None = None, copied: list[str] | None = None) -> AssistantApp:
    return AssistantApp(Session(year="2022-23", as_of=AS_OF), as_of=AS_OF,
                        clock=lambda: datetime(2023, 1, 31, 10, 0),
                        export_dir=(tmp_path / "exports") if tmp_path else None,
                        system_copy=(copied.append if copied is not None else None))


def prompt_id(app: AssistantApp) -> str | None:
    prompt = app.session.prompt
    return prompt.id if prompt else None


async def type_answer(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


def change_keys(app: AssistantApp) -> set[tuple[int, str, str]]:
    return {(c.aim_seq, c.field, str(c.to)) for c in app.screen.query_one(ProposalTable).changes}


def messages(app: AssistantApp) -> list:
    return [v.message for v in app.screen.query(MessageView)]


async def answer_the_follow_ups(pilot, app: AssistantApp) -> None:
    """The two facts no record holds: is the event date the offer date (mouse), any job yet (key)."""
    assert prompt_id(app) == "offer_date_check"
    choices = app.screen.query_one(ChoiceList)
    await pilot.click(choices, offset=(4, 1))  # the first option, "yes, that is the offer date"
    await settle(pilot)
    assert prompt_id(app) == "positive_outcome"
    await pilot.press("2")  # "no, not (yet)"
    await settle(pilot)


async def test_m2_case_from_question_to_proposal():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert prompt_id(app) == "entry"
        await pilot.press("1")  # M2 (completion) isn't paying
        await settle(pilot)
        assert prompt_id(app) == "prog_start"
        await type_answer(pilot, "01/08/2022")
        await type_answer(pilot, "30/11/2022")
        assert prompt_id(app) == "ffi"
        await pilot.press("1")  # fully funded, picked by its FFI code
        await settle(pilot)
        await pilot.press("1")  # programme aim CompStatus 1, continuing
        await settle(pilot)
        assert prompt_id(app) == "prog_end"
        await type_answer(pilot, "none")
        await pilot.press("8")  # programme aim Outcome 8
        await settle(pilot)
        assert prompt_id(app) == "subject_ref"
        await type_answer(pilot, "Z0059758")
        await pilot.press("2")  # subject aim completed
        await settle(pilot)
        await type_answer(pilot, "30/11/2022")
        await pilot.press("1")  # subject aim Outcome 1
        await settle(pilot)
        assert prompt_id(app) == "event_aim_ref"
        await type_answer(pilot, "interview offer")  # typed on the list: goes to the box
        await type_answer(pilot, "20/12/2022")
        assert prompt_id(app) == "event_aim_coding"
        await pilot.press("enter")  # the highlighted first option: CompStatus 2, Outcome 1
        await settle(pilot)
        # The record built from the answers is beside the conversation before the conclusion.
        record = app.screen.query_one(RecordTable)
        assert record.display and record.row_count == 3
        await answer_the_follow_ups(pilot, app)

        assert app.session.prompt is None
        last = messages(app)[-1]
        assert last.kind == "conclusion" and "What to record" in last.text
        assert {(1, "CompStatus", "2"), (1, "LearnActEndDate", "2022-12-20")} <= change_keys(app)
        # The cells the proposal changes are highlighted; the others are not.
        changed = record.get_component_rich_style("record--changed", partial=True)
        columns = [c.key.value for c in record.ordered_columns]
        assert any(s.style == changed for s in record.get_cell_at((0, columns.index("cs"))).spans)
        assert not any(s.style == changed for s in record.get_cell_at((1, columns.index("cs"))).spans)
        bar = app.screen.query_one(MilestoneBar).text
        assert "M2  ✘ blocked  →  ✔ can pay" in bar


async def test_paste_area_fills_the_record_and_the_conversation_carries_on():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, PasteScreen)
        app.post_message(Paste(XML))  # as a terminal delivers a paste
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        record = app.screen.query_one(RecordTable)
        assert record.row_count == 3
        first_row = [str(cell) for cell in record.get_row_at(0)]
        columns = [c.key.value for c in record.ordered_columns]
        assert first_row[0].startswith("1 ZPROG001") and first_row[columns.index("cs")].split() == ["1", "8"]
        # The pasted XML is summarised in the conversation, not shown whole.
        pasted = [m for m in messages(app) if m.role == "user"][-1]
        assert pasted.text == XML
        assert [v for v in app.screen.query(MessageView) if v.message is pasted][0].source.startswith("*(pasted XML")
        await answer_the_follow_ups(pilot, app)
        assert {(1, "CompStatus", "2"), (1, "LearnActEndDate", "2022-12-20")} <= change_keys(app)


async def test_multi_line_paste_into_the_input_fills_the_record():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one(ChatInput)
        box.focus()
        app.post_message(Paste(XML))
        await settle(pilot)
        await settle(pilot)
        assert app.session.learner is not None
        assert app.screen.query_one(RecordTable).row_count == 3
        assert prompt_id(app) == "offer_date_check"


async def pasted_and_concluded(pilot, app) -> None:
    await settle(pilot)
    app.screen.query_one(ChatInput)  # the answer box is on screen before the paste
    app.post_message(Paste(XML))
    await settle(pilot)
    await settle(pilot)
    await answer_the_follow_ups(pilot, app)
    assert app.screen.query_one(ProposalTable).changes


async def test_copy_one_value_and_all_changes(tmp_path):
    copied: list[str] = []
    app = make_app(tmp_path, copied)
    async with app.run_test(size=(120, 40)) as pilot:
        await pasted_and_concluded(pilot, app)
        changes = app.screen.query_one(ProposalTable).changes
        table = app.screen.query_one(ProposalTable)
        table.focus()
        await pilot.press("down", "c")  # the second change, copied from the list
        await settle(pilot)
        assert copied[-1] == str(changes[1].to)
        await pilot.press("f6")
        await settle(pilot)
        text = copied[-1]
        assert text.startswith("| Aim ")
        for change in changes:
            if change.field == "LearningDeliveryFAM":  # a FAM is shown by its type and code ("FAM FFI", "FFI 1")
                assert f"FAM {change.fam_type}" in text and f"{change.fam_type} {change.to['code']}" in text
            else:
                assert change.field in text and str(change.to) in text
        assert app.clipboard == text  # the terminal was asked as well (OSC 52)


async def test_export_has_no_personal_data_from_the_paste(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pasted_and_concluded(pilot, app)
        await pilot.press("f7")
        await settle(pilot)
        files = list((tmp_path / "exports").glob("*.md"))
        assert len(files) == 1 and files[0].name == "conversation-20230131-100000.md"
        text = files[0].read_text(encoding="utf-8")
        for field, value in PERSONAL.items():
            assert value not in text, f"{field} leaked into the export"
        assert "Jamie" not in text and "Testperson" not in text
        assert "L#1" in text  # the learner reference became an alias
        assert "What to record" in text and "ZPROG001" in text and "2022-12-20" in text
        assert "## Proposed changes" in text
        note = messages(app)[-1]
        # The path is shown in full: the file's name and its folder each on a line of their own.
        assert f"`{files[0].name}`" in note.text and f"`{files[0].parent}`" in note.text
        assert files[0].stat().st_mode & 0o077 == 0  # only the user can read it


async def test_back_and_change_an_earlier_answer():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await type_answer(pilot, "01/08/2022")
        assert prompt_id(app) == "plan_end"
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert prompt_id(app) == "prog_start"
        await type_answer(pilot, "02/08/2022")
        await type_answer(pilot, "30/11/2022")
        assert prompt_id(app) == "ffi"
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        titles = [title for title, _ in app.screen._items]
        start = next(s.node.title for s in app.session.steps if s.node.id == "prog_start")
        assert dict(app.screen._items)[start] == "2 August 2022"
        await pilot.press(*["down"] * titles.index(start), "enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert prompt_id(app) == "prog_start"


async def test_command_palette_jumps_to_an_entry_and_explains_a_field():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"start m3")
        await until_still(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert any("M3 (outcome)" in m.text for m in messages(app))
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"explain AchDate")
        await until_still(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ExplainScreen)
        assert "AchDate" in app.screen._markdown


async def test_nothing_typed_ends_the_app():
    app = make_app()
    odd = ["", "   ", "<Learner><ULN>", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
           "why", "change", "back", "back", "explain", "\x00\x01", "💥" * 300, "restart"]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one(ChatInput)
        for text in odd:
            box.focus()
            box.value = text
            await pilot.press("enter")
            await until_still(pilot)  # a typed "<…" is gathered as a paste for a moment before it is sent
        if isinstance(app.screen, ConfirmScreen):  # the odd lines counted as a conversation: restart asks first
            await pilot.press("y")
            await settle(pilot)
        app.post_message(Paste("<Learner>\n<LearningDelivery>\n"))
        await settle(pilot)
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert not any("Traceback" in m.text for m in messages(app))
        assert prompt_id(app) == "entry"  # restart brought the entry points back


async def test_typing_quit_leaves_the_app():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"quit", "enter")
        await pilot.pause(1.0)
        assert not app.is_running
