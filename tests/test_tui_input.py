"""Input as a data officer meets it: pastes, fast typing, quick keys, confirmations, the date box.

Driven through Pilot against the real app. Where the defect was a race (keys
queued before the app had acted on the first), the keys are posted in one
burst, as a terminal delivers fast typing, instead of one ``press`` at a time
(``press`` waits for the app after every key, which hides such races).
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

from textual import events
from textual.events import Paste
from textual.keys import _character_to_key

from assistant.dialogue.session import Option as Opt
from assistant.dialogue.session import Prompt, Session
from assistant.faces.tui.app import AssistantApp
from assistant.faces.tui.port import SessionPort
from assistant.faces.tui.screens.confirm import ConfirmScreen
from assistant.faces.tui.screens.explain import ExplainScreen
from assistant.faces.tui.screens.main import MainScreen
from assistant.faces.tui.widgets.chat_input import GATHER_SECONDS, ChatInput
from assistant.faces.tui.widgets.choices import ChoiceList
from tests.test_tui_flows import XML
from tests.test_tui_widgets import ScriptedSession
from tests.tui_support import settle

AS_OF = date(2023, 1, 31)


def real_app(**kw) -> AssistantApp:
    return AssistantApp(Session(year="2022-23", as_of=AS_OF), as_of=AS_OF,
                        clock=lambda: datetime(2023, 1, 31, 10, 0), system_copy=None, **kw)


def scripted_app(session) -> AssistantApp:
    return AssistantApp(session, as_of=AS_OF, clock=lambda: datetime(2023, 1, 31, 10, 0), system_copy=None)


def burst(app: AssistantApp, *keys: str) -> None:
    """Post keys all at once (a character, or a key name such as "enter"), as fast typing arrives."""
    for key in keys:
        if len(key) == 1:
            app.post_message(events.Key(_character_to_key(key), key))
        else:
            app.post_message(events.Key(key, "\r" if key == "enter" else None))


def prompt_id(app: AssistantApp) -> str | None:
    return app.session.prompt.id if app.session.prompt else None


def user_said(app: AssistantApp) -> list[str]:
    return [m.text for m in app.session.transcript if m.role == "user"]


# -- paste ---------------------------------------------------------------------------------------

async def test_a_bracketed_paste_into_the_box_is_not_doubled():
    app = scripted_app(ScriptedSession(Prompt("q", "Anything", "text")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one(ChatInput)
        assert app.focused is box
        app.post_message(Paste("abc 123"))
        await settle(pilot)
        assert box.value == "abc 123"
        box.value = ""
        long_line = "M2 not paying " * 218 + "x" * 7  # 3,059 characters, as in the report
        assert len(long_line) == 3_059
        app.post_message(Paste(long_line))
        await settle(pilot)
        assert len(box.value) == 3_059


async def test_a_paste_on_the_options_goes_to_the_box_once():
    app = scripted_app(ScriptedSession(Prompt("q", "Which?", "choice", (Opt("a", "Yes"), Opt("b", "No")))))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, ChoiceList)
        app.post_message(Paste("abc 123"))
        await settle(pilot)
        box = app.screen.query_one(ChatInput)
        assert box.value == "abc 123" and app.focused is box


async def test_xml_typed_line_by_line_by_a_paste_without_brackets_is_one_paste():
    """Some terminals (and remote desktops' "type the clipboard") send a paste as keys, Enter after each line."""
    session = ScriptedSession(Prompt("d", "When did the learning start?", "date"))
    app = scripted_app(session)
    lines = ["<LearningDelivery>", "  <LearnAimRef>ZPROG001</LearnAimRef>", "  <AimType>1</AimType>",
             "</LearningDelivery>"]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys: list[str] = []
        for i, line in enumerate(lines):
            keys += list(line) + (["enter"] if i < len(lines) - 1 else [])
        burst(app, *keys)
        await settle(pilot)
        assert session.sent == []  # nothing sent line by line
        await pilot.pause(GATHER_SECONDS * 2)
        await settle(pilot)
        assert session.sent == ["\n".join(lines)]
        assert app.screen.query_one(ChatInput).value == ""


async def test_a_hand_typed_line_starting_with_a_bracket_is_still_sent():
    session = ScriptedSession(Prompt("q", "Anything", "text"))
    app = scripted_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"<ULN>", "enter")
        await pilot.pause(GATHER_SECONDS * 2)
        await settle(pilot)
        assert session.sent == ["<ULN>"]


# -- typing and quick keys ---------------------------------------------------------------------------

async def test_typing_fast_on_the_options_loses_nothing():
    app = scripted_app(ScriptedSession(Prompt("q", "Which?", "choice", (Opt("a", "Yes"), Opt("b", "No")))))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, ChoiceList)
        burst(app, *"M2 isn't paying 2024")
        await settle(pilot)
        box = app.screen.query_one(ChatInput)
        assert box.value == "M2 isn't paying 2024" and app.focused is box
        assert app.session.sent == []


async def test_other_digits_typed_on_the_options_are_typing_not_picks():
    app = scripted_app(ScriptedSession(Prompt("q", "Which?", "choice", (Opt("a", "Yes"), Opt("b", "No")))))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "²", "٣")
        await settle(pilot)
        assert app.is_running and app.screen.query_one(ChatInput).value == "²٣" and app.session.sent == []


async def test_typing_while_reading_the_conversation_goes_to_the_box():
    app = scripted_app(ScriptedSession(Prompt("q", "Anything", "text")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        from assistant.faces.tui.widgets.conversation import Conversation

        app.screen.query_one(Conversation).focus()
        await settle(pilot)
        burst(app, *"why 2 ways")
        await settle(pilot)
        box = app.screen.query_one(ChatInput)
        assert box.value == "why 2 ways" and app.focused is box


async def test_a_quick_1_enter_does_not_answer_the_next_question():
    """"1⏎" in one burst: the 1 picks M2; the ⏎ was meant for the same list and must not answer what comes next."""
    app = real_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "1", "enter")
        await settle(pilot)
        assert prompt_id(app) == "prog_start" and user_said(app) == []  # the entry was started, nothing typed
        for answer in ("01/08/2022", "30/11/2022"):
            await pilot.press(*answer, "enter")
            await settle(pilot)
        assert prompt_id(app) == "ffi"
        burst(app, "1", "enter")  # FFI code 1, then a stray Enter on the same list
        await settle(pilot)
        assert prompt_id(app) == "prog_comp_status"
        assert user_said(app)[-1] != "continuing" and len(user_said(app)) == 3
        # Given time to read the question, Enter answers it as usual.
        await pilot.press("enter")
        await settle(pilot)
        assert len(user_said(app)) == 4 and prompt_id(app) != "prog_comp_status"


async def test_a_slow_turn_does_not_block_typing():
    class Slow(ScriptedSession):
        def __init__(self) -> None:
            super().__init__(Prompt("q", "Anything", "text"))
            self.release = threading.Event()

        def send(self, text):
            self.release.wait(5)
            return super().send(text)

    session = Slow()
    app = scripted_app(session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"first", "enter")
        started = time.monotonic()
        await pilot.press(*"second")  # typed while the engine works
        assert time.monotonic() - started < 2
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.busy
        assert screen.query_one(ChatInput).value == "second"
        session.release.set()
        await settle(pilot)
        assert session.sent == ["first"] and not screen.busy


def test_the_app_reaches_the_session_through_its_protocol():
    assert isinstance(Session(year="2022-23", as_of=AS_OF), SessionPort)
    assert isinstance(ScriptedSession(), SessionPort)


# -- the date box ---------------------------------------------------------------------------------------

async def test_the_date_box_lets_commands_through():
    app = real_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert prompt_id(app) == "prog_start"
        await pilot.press(*"why", "enter")
        await settle(pilot)
        assert user_said(app)[-1] == "why"
        await pilot.press(*"31/02/2022", "enter")  # an impossible date is still refused
        await settle(pilot)
        assert user_said(app)[-1] == "why" and "✘" in str(app.screen.query_one("#hint").render())
        app.screen.query_one(ChatInput).value = ""
        await pilot.press(*"back", "enter")
        await settle(pilot)
        assert user_said(app)[-1] == "back" and prompt_id(app) == "entry"


# -- confirmations ------------------------------------------------------------------------------------------

async def test_restart_and_quit_ask_first_once_a_conversation_is_under_way():
    app = real_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")  # nothing said yet: at once
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and prompt_id(app) == "prog_start"
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert prompt_id(app) == "entry"
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause(0.2)
        assert not app.is_running


async def test_quit_before_anything_is_said_is_at_once():
    app = real_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert not app.is_running


# -- help ---------------------------------------------------------------------------------------------------

async def test_help_says_where_the_record_is_at_each_width():
    for width, where in ((80, "behind F2"), (120, "on the right")):
        app = real_app()
        async with app.run_test(size=(width, 30)) as pilot:
            await settle(pilot)
            await pilot.press("f1")
            await settle(pilot)
            assert isinstance(app.screen, ExplainScreen)
            text = app.screen._markdown
            assert where in text
            assert ("on the right" in text) == (width >= 110)


async def test_a_paste_of_xml_is_one_turn():
    app = real_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.post_message(Paste(XML))
        await settle(pilot)
        assert user_said(app) == [XML] and prompt_id(app) == "offer_date_check"
