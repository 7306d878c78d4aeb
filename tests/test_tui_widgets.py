"""The app's widgets and handlers, driven through the real app with a small scripted session.

The scripted session stands in for the conversation engine only where a test
needs a behaviour the engine does not choose on its own (a session that
fails, a fixed list of suggestions); whole flows with the real engine are in
``test_tui_flows.py``. The diagnosis shown is the real advice engine's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


from assistant.advice.engine import diagnose_learner
from assistant.dialogue.session import Option as Opt
from assistant.dialogue.session import Prompt
from assistant.faces.tui.app import AssistantApp
from assistant.faces.tui.clipboard import copy_text, describe
from assistant.faces.tui.format import changes_table
from assistant.faces.tui.screens.main import MainScreen
from assistant.faces.tui.widgets.answer import AnswerBar
from assistant.faces.tui.widgets.chat_input import ChatInput
from assistant.faces.tui.widgets.choices import ChoiceList
from assistant.faces.tui.widgets.suggestions import SuggestionList
from assistant.faces.tui.widgets.conversation import MessageView
from assistant.faces.tui.widgets.record import ProposalTable, RecordTable
from tests.builders import ctx, event, learner, prog, subject
from tests.tui_support import settle

AS_OF = date(2025, 3, 31)




@dataclass(frozen=True)
class Msg:
    role: str
    text: str
    kind: str = "info"


def m2_learner():
    return learner(prog(CompStatus="1", Outcome="8"),
                   subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"),
                   event("2025-01-10"))


class ScriptedSession:
    """Answers by a script: enough to exercise the widgets, no rules of its own."""

    def __init__(self, prompt: Prompt | None = None, *, fail: bool = False) -> None:
        self.transcript: list[Msg] = []
        self.prompt = prompt
        self.learner = None
        self.diagnosis = None
        self.finished = False
        self.sent: list[str] = []
        self.fail = fail
        self.entries = (Opt("m2", "M2 has not paid"), Opt("check_xml", "Check a learner's XML"))
        self.steps = ()

    def start(self):
        msgs = [Msg("assistant", "I find why a milestone has not paid.", "info")]
        self.transcript += msgs
        return msgs

    def send(self, text):
        if self.fail:
            raise RuntimeError("the engine broke")
        self.sent.append(text)
        self.transcript.append(Msg("user", text, "answer"))
        reply = [Msg("assistant", f"You said {len(text)} characters.", "info")]
        self.transcript += reply
        return reply

    def start_entry(self, entry_id):
        return self.send(entry_id)

    def suggestions(self, text, limit=8):
        pool = ["Z0059747 interview offer", "Z0059748 new role", "Z0059749 self-employment", "ZPROG001", "Outcome"]
        return [p for p in pool if p.lower().startswith(text.lower()[:3])][:limit]

    def why(self, target=None):
        return "Because of **R_139**."

    def show_diagnosis(self):
        self.learner = m2_learner()
        self.diagnosis = diagnose_learner(self.learner, ctx())


def make_app(session, **kw) -> AssistantApp:
    return AssistantApp(session, as_of=AS_OF, clock=lambda: datetime(2025, 3, 31, 9, 30), **kw)


async def test_first_screen_says_what_it_does_and_focuses_the_answer():
    session = ScriptedSession(Prompt("entry", "Where?", "choice", (Opt("a", "M2 has not paid"), Opt("b", "Other"))))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        views = app.screen.query(MessageView)
        assert "why a milestone has not paid" in views[0].message.text
        options = app.screen.query_one(ChoiceList)
        assert options.display and options.option_count == 2
        assert app.focused is options


async def test_picking_an_option_by_number_sends_its_label():
    session = ScriptedSession(Prompt("q", "Which?", "choice", (Opt("a", "M2 has not paid"), Opt("b", "Other"))))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert session.sent == ["Other"]


async def test_picking_an_entry_point_starts_that_entry():
    session = ScriptedSession(Prompt("entry", "Where?", "choice", (Opt("m2", "M2 has not paid"), Opt("x", "Other"))))
    started = []
    session.start_entry = lambda entry_id: started.append(entry_id) or []
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert started == ["m2"] and session.sent == []


async def test_code_options_are_picked_by_code_not_position():
    codes = (Opt("1", "continuing"), Opt("2", "completed"), Opt("3", "withdrawn"), Opt("6", "break in learning"))
    session = ScriptedSession(Prompt("cs", "CompStatus?", "choice", codes))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert session.sent == ["break in learning"]


async def test_typing_on_the_options_moves_to_the_text_box():
    session = ScriptedSession(Prompt("entry", "Where?", "choice", (Opt("a", "Yes"), Opt("b", "No"))))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m", "a")
        box = app.screen.query_one(ChatInput)
        assert app.focused is box and box.value == "ma"


async def test_a_date_question_with_a_word_option_is_typed_in_the_box():
    session = ScriptedSession(Prompt("d", "End date?", "date", (Opt("none", "none recorded", ("blank",)),)))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.focused is app.screen.query_one(ChatInput)
        app.screen.query_one(ChoiceList).focus()
        await pilot.press(*"3/1/2023")  # a digit that picks nothing is typing
        assert app.screen.query_one(ChatInput).value == "3/1/2023"
        app.screen.query_one(ChatInput).value = ""
        await pilot.press(*"blank", "enter")  # the option's word passes the date check
        await settle(pilot)
        assert session.sent == ["blank"]


async def test_suggestions_list_completes_an_aim_reference():
    session = ScriptedSession(Prompt("q", "Which aim?", "text"))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"Z0059")
        await settle(pilot)
        box = app.screen.query_one(SuggestionList)
        assert box.display
        shown = [str(box.get_option_at_index(i).prompt) for i in range(box.option_count)]
        assert "Z0059747 interview offer" in shown
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.query_one(ChatInput).value == shown[0]
        assert not box.display
        await pilot.press("enter")
        await settle(pilot)
        assert session.sent == [shown[0]]


async def test_inline_suggestion_accepts_with_right_arrow():
    session = ScriptedSession(Prompt("q", "Which aim?", "text"))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"ZPR")
        await settle(pilot)
        await pilot.press("right")
        assert app.screen.query_one(ChatInput).value == "ZPROG001"


async def test_date_question_validates_as_you_type_and_blocks_sending():
    session = ScriptedSession(Prompt("d", "When was the offer made?", "date", help="The date of the formal offer."))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(AnswerBar)
        await pilot.press(*"31/02/2025")
        await settle(pilot)
        hint = str(bar.hint.render())
        assert "✘" in hint and "February 2025 has 28 days" in hint
        await pilot.press("enter")
        await settle(pilot)
        assert session.sent == []  # an impossible date is never sent
        bar.input.value = ""
        await pilot.press(*"20/12/2024")
        await settle(pilot)
        assert "20 December 2024" in str(bar.hint.render())
        await pilot.press("enter")
        await settle(pilot)
        assert session.sent == ["20/12/2024"]


async def test_enter_on_an_empty_date_box_says_what_it_takes_and_sends_nothing():
    session = ScriptedSession(Prompt("d", "When was the offer made?", "date", help="The date of the formal offer."))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(AnswerBar)
        await pilot.press("enter")
        await settle(pilot)
        hint = str(bar.hint.render())
        assert "✘" in hint and "a date, like" in hint and "don't know" in hint
        assert session.sent == []
        await pilot.press(*"20/12/2024")
        await settle(pilot)
        assert "✘" not in str(bar.hint.render())  # typing a good date clears it


async def test_month_first_date_is_flagged_but_allowed():
    session = ScriptedSession(Prompt("d", "When?", "date"))
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"2/25/2023")
        await settle(pilot)
        assert "25 February 2023" in str(app.screen.query_one(AnswerBar).hint.render())


async def test_multi_line_paste_into_the_input_is_sent_whole():
    session = ScriptedSession(Prompt("q", "Paste it", "xml"))
    app = make_app(session)
    xml = "<LearningDelivery>\n  <LearnAimRef>ZPROG001</LearnAimRef>\n</LearningDelivery>"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        from textual.events import Paste

        app.post_message(Paste(xml))
        await settle(pilot)
        await settle(pilot)
        assert session.sent == [xml]
        user = [v for v in app.screen.query(MessageView) if v.message.role == "user"]
        assert "pasted XML, 3 lines" in user[-1].source  # shown summarised, not as a wall of XML


async def test_a_failing_session_becomes_a_message_not_a_crash():
    session = ScriptedSession(Prompt("q", "Anything", "text"), fail=True)
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"hello", "enter")
        await settle(pilot)
        last = app.screen.query(MessageView).last()
        assert last.message.kind == "error" and "the engine broke" in last.message.text
        assert app.is_running


async def test_record_highlights_cells_the_proposal_changes():
    session = ScriptedSession()
    session.show_diagnosis()
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(RecordTable)
        assert table.row_count == 3
        changed = table.get_component_rich_style("record--changed", partial=True)
        touched = {(c.aim_seq, c.field) for c in session.diagnosis.proposal.changes}
        assert (1, "CompStatus") in touched
        cs = table.get_cell_at((0, [c.key.value for c in table.ordered_columns].index("cs")))
        assert any(span.style == changed for span in cs.spans)
        subject_cs = table.get_cell_at((1, [c.key.value for c in table.ordered_columns].index("cs")))
        assert not any(span.style == changed for span in subject_cs.spans)
        proposal = app.screen.query_one(ProposalTable)
        assert proposal.option_count == len(session.diagnosis.proposal.changes)


async def test_copy_one_and_all_use_the_system_clipboard_when_there():
    session = ScriptedSession()
    session.show_diagnosis()
    copied: list[str] = []
    app = make_app(session, system_copy=copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        changes = session.diagnosis.proposal.changes
        await pilot.press("f5")
        await settle(pilot)
        assert copied[-1] == "2"  # the first change: programme aim CompStatus 1 → 2
        assert app.clipboard == "2"  # and the terminal's clipboard (OSC 52) was asked too
        await pilot.press("f6")
        await settle(pilot)
        assert copied[-1] == changes_table(changes)
        assert "| 1 ZPROG001 | CompStatus" in copied[-1]


async def test_copy_says_when_it_could_not_be_made():
    """One plain sentence (no library error, no URL); the values one per line, the proposed value first."""
    session = ScriptedSession()
    session.show_diagnosis()

    def broken(text):
        raise RuntimeError("Pyperclip could not find a copy/paste mechanism for your system. "
                           "Please see https://pyperclip.readthedocs.io/en/latest/#not-implemented-error")

    app = make_app(session, system_copy=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        last = app.screen.query(MessageView).last()
        sentence, _, block = last.message.text.partition("\n\n")
        assert sentence.count(". ") == 0 and sentence.endswith(".")
        assert "select the text" in sentence
        assert "Pyperclip" not in last.message.text and "http" not in last.message.text
        lines = [line for line in block.strip("`\n").splitlines() if line]
        changes = session.diagnosis.proposal.changes
        assert len(lines) == len(changes)
        assert lines[0] == "2  ←  CompStatus, aim 1 ZPROG001 (now 1)"
        # Every line fits the 80-column chat (nothing cut after the "Current" column any more).
        assert all(len(line) < 64 for line in lines), lines
        toasts = list(app._notifications)
        assert toasts and "Pyperclip" not in toasts[-1].message and "http" not in toasts[-1].message


def test_copy_text_reports_each_route():
    assert copy_text("x", None, lambda t: None).certain
    failed = copy_text("x", None, lambda t: (_ for _ in ()).throw(ImportError()))
    assert not failed.certain and "Could not copy" in describe(failed, "it")


async def test_narrow_screen_toggles_the_record_instead_of_squeezing_it():
    """Below 110 columns F2 lays the record over the chat; the chat comes back as it was."""
    session = ScriptedSession()
    session.show_diagnosis()
    app = make_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-narrow") and not screen.has_class("-wide")
        side, chat = screen.query_one("#side"), screen.query_one("#chat")
        assert not side.display and chat.region.width == 80
        await pilot.press("f2")
        await settle(pilot)
        assert side.display and side.region.width == 80 and not chat.display
        assert screen.get_widget_at(40, 10)[0] in side.query("*") or screen.get_widget_at(40, 10)[0] is side
        await pilot.press("f2")
        await settle(pilot)
        assert not side.display and chat.display and chat.region.width == 80
        assert screen.focused is screen.query_one(ChatInput)


async def test_wide_screen_gives_the_chat_the_larger_share():
    session = ScriptedSession()
    session.show_diagnosis()
    app = make_app(session)
    for size in ((120, 40), (160, 50)):
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            assert screen.has_class("-wide")
            chat, side = screen.query_one("#chat"), screen.query_one("#side")
            assert chat.region.width > side.region.width >= 44
            # The record fits its panel: no column cut, no sideways scrolling.
            table = screen.query_one(RecordTable)
            assert table.virtual_size.width <= table.scrollable_content_region.width
        app = make_app(session)
    async with make_app(session).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pilot.app.screen.has_class("-narrow")


async def test_why_on_a_change_opens_its_explanation():
    session = ScriptedSession()
    session.show_diagnosis()
    app = make_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(ProposalTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        from assistant.faces.tui.screens.explain import ExplainScreen

        assert isinstance(app.screen, ExplainScreen)
        text = app.screen._markdown
        first = session.diagnosis.proposal.changes[0]
        assert first.because[0] in text and first.grade in text
        for rule in first.rules:
            assert rule in text
        assert "R_139" in text  # and the session's own why follows
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_help_lists_the_keys():
    app = make_app(ScriptedSession())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = app.screen._markdown
        for key in ("F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "Ctrl+B", "Ctrl+R", "Ctrl+P", "Ctrl+Q"):
            assert f"| {key} |" in text


def test_run_refuses_a_bad_year_with_a_message(capsys):
    from assistant.faces.tui.app import run

    assert run(year="20xx") == 2
    err = capsys.readouterr().err
    assert "cannot start" in err and "20xx" in err and "Traceback" not in err
