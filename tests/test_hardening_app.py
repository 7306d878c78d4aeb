"""Hostile and huge pastes into the running TUI: the app stays up, says something, and loses nothing.

Driven with Textual's Pilot against the real session. Every file of the
hostile corpus is pasted part-way through a conversation, by one of the three
ways a paste reaches the app (the list of options that has the focus, the
answer box, the F3 paste area). After each paste:

* the app is still running, on its main screen, with no internal error shown;
* the conversation shows exactly the session's transcript, so the assistant's
  reply to the paste is on screen;
* the answers given before are still there: the conversation still shows
  them, and a paste the session could not read left the question and the
  answers as they were (a record it could read is in the record panel);
* nothing was fetched and the canary file was not read; each paste is timed.

Then the size cases that froze the app before the fixes that came with these
tests: hundreds of aims, megabytes of pasted text, a very long line in a date
answer box.

About 51 pastes under Pilot cost 0.1-0.5 s each (layout, not our code), which
is most of this file's time; the conversation is split over two apps because a
long one makes every later paste slower.
"""

from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from tests.tui_support import settle
from tests.conftest import alarm_after
from textual.events import Paste

from assistant.dialogue.session import Session
from assistant.faces.tui.app import AssistantApp
from assistant.faces.tui.screens.main import MainScreen
from assistant.faces.tui.screens.paste import PasteScreen
from assistant.faces.tui.widgets.chat_input import ChatInput
from assistant.faces.tui.widgets.choices import ChoiceList
from assistant.faces.tui.widgets.conversation import MessageView
from assistant.faces.tui.widgets.record import RecordTable
from tests.test_hardening_dialogue import (
    CRASH,
    DECODINGS,
    ONE,
    answered,
    corpus_files,
    thousands_of_aims,
)
from tests.test_no_network import (  # noqa: F401 (fixtures used by name)
    CANARY_TEXT,
    canary,
    canary_server,
    hostile_bytes,
    no_network,
    outcome_of,
)

AS_OF = date(2023, 1, 31)
#: One paste, on a busy 2-core machine (typically 0.1-0.5 s).
PASTE_SECONDS = 5.0
BASELINE = ("01/08/2022", "30/11/2022")
SIZE = (80, 24)


class Hung(Exception):
    pass


@pytest.fixture(autouse=True)
def watchdog():
    """Fail a test that runs far too long instead of hanging the suite."""
    with alarm_after(120, Hung, "still running after 120s"):
        yield


def make_app(session: Session | None = None) -> AssistantApp:
    app = AssistantApp(session or Session(year="2022-23", as_of=AS_OF), as_of=AS_OF,
                       clock=lambda: datetime(2023, 1, 31, 10, 0), export_dir=None, system_copy=None)
    app.animation_level = "none"
    return app


def at_baseline() -> Session:
    """A session already asked and answered up to the FFI question (the app shows that conversation)."""
    s = Session(year="2022-23", as_of=AS_OF)
    s.start()
    for answer in ("1", *BASELINE):
        s.send(answer)
    assert s.prompt is not None and s.prompt.id == "ffi"
    return s


def prompt_id(app: AssistantApp) -> str | None:
    prompt = app.session.prompt
    return prompt.id if prompt else None


def views(app: AssistantApp) -> list[MessageView]:
    """The messages on screen (children of the conversation: cheaper than a query of the whole screen)."""
    return [child for child in app.main_screen.conversation.children if isinstance(child, MessageView)]


async def say(pilot, app: AssistantApp, text: str) -> None:
    """Type an answer in the box and press Enter, wherever the focus was."""
    box = app.main_screen.query_one(ChatInput)
    box.focus()
    box.value = text
    await pilot.press("enter")
    await settle(pilot)


async def to_baseline(pilot, app: AssistantApp) -> dict:
    """M2 chosen and two dates answered: the app is asking the FFI question (a list of options)."""
    for text in ("1", *BASELINE):
        await say(pilot, app, text)
    assert prompt_id(app) == "ffi"
    return answered(app.session)


def shown_all(app: AssistantApp) -> bool:
    """The conversation shows every message of the session's transcript (mounting is done)."""
    return len(app.main_screen.conversation.messages) == len(app.session.transcript)


async def until(pilot, done, limit: float = 15.0) -> None:
    """Let the app work until ``done()`` and the conversation is up to date (a paste goes through several
    messages before the session sees it, and the reply is mounted after)."""
    started = time.monotonic()
    await settle(pilot)
    while not (done() and shown_all(pilot.app)) and time.monotonic() - started < limit:
        await pilot.pause(0.02)


def record_shown(app: AssistantApp) -> bool:
    """The record panel shows the session's learner (it is filled after the messages are mounted)."""
    learner = app.session.learner
    return learner is not None and app.main_screen.query_one(RecordTable).row_count == len(learner.deliveries)


async def paste(pilot, app: AssistantApp, text: str, route: str, *, record: bool = False) -> None:
    """Paste as a terminal delivers it, to the answer box, to the list of options, or into the F3 area.

    Returns when the reply is on screen (and, with ``record``, the record panel filled)."""
    screen = app.main_screen
    box = screen.query_one(ChatInput)
    before = len(app.session.transcript)

    def answered_or_in_box() -> bool:
        # (An empty paste is not sent anywhere: one pause is all there is to wait for.)
        if not text.strip():
            return True
        if box.value.strip() and len(app.session.transcript) == before:
            return True
        return len(app.session.transcript) > before and (not record or record_shown(app))

    if route == "area":
        await pilot.press("f3")
        await until(pilot, lambda: isinstance(app.screen, PasteScreen))
        app.post_message(Paste(text))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and answered_or_in_box())
        await app.workers.wait_for_complete()
        return
    target = screen.query_one(ChatInput) if route == "box" else screen.query_one(ChoiceList)
    if route == "list" and not target.display:
        target = box
    target.focus()
    app.post_message(Paste(text))
    await until(pilot, answered_or_in_box)
    if len(app.session.transcript) == before and box.value.strip():
        # A one-line paste lands in the answer box, as typed text would; Enter sends it.
        box.focus()
        await pilot.press("enter")
        await until(pilot, answered_or_in_box)


def assert_app_intact(app: AssistantApp, label: str) -> None:
    assert app.is_running, f"{label}: the app ended"
    assert isinstance(app.screen, MainScreen), f"{label}: left on {type(app.screen).__name__}"
    shown = app.main_screen.conversation.messages  # the messages on screen and those folded above them
    assert shown == app.session.transcript, f"{label}: the conversation does not show the session's transcript"
    texts = [str(getattr(m, "text", "")) for m in shown]
    assert not any(CRASH in t for t in texts), f"{label}: {next(t for t in texts if CRASH in t)[:300]}"
    assert not any(CANARY_TEXT in t for t in texts), f"{label}: the canary's content is on screen"
    user_said = [m.text for m in shown if m.role == "user"]
    assert all(day in user_said for day in BASELINE), f"{label}: the earlier answers are gone from the conversation"


#: Files whose bytes also go in one byte per character (NULs, C1 controls, mojibake on screen).
BYTEWISE = ("binary-junk.bin", "utf16-le-bom.xml")
#: The F3 paste area is a screen of its own and costs more per paste: these go through it.
BY_AREA = ("xxe-local-file.xml", "billion-laughs.xml", "xinclude.xml")
#: The other pastes go to the list of options (the focus when a question has options), and every
#: sixth to the answer box (which costs over twice as much per paste under Pilot); one-line pastes
#: land in the answer box whatever had the focus, and the size tests below paste into the box.
ROUTES = ("list",) * 5 + ("box",)
#: Apps the corpus is shared between (each conversation kept short: a long one is slower to lay out).
PARTS = 2


def reads_as_record(text: str) -> bool:
    """Whether the session (without the app) reads this paste as a record, from the same point."""
    s = at_baseline()
    out = s.send(text)
    if s.prompt is not None and s.prompt.id == "learner:learner":  # several learners: which one is asked (review7)
        out += s.send("1")
    return any(m.text.startswith("I read this record") for m in out)


def pastes(canary, canary_server) -> list[tuple[str, str]]:
    """(label, text) for every corpus file as shown, and some byte for character."""
    out = []
    for path in corpus_files():
        data = hostile_bytes(path, canary, canary_server)
        out.append((f"{path.name} (as shown)", DECODINGS["as-shown"](data)))
        if path.name in BYTEWISE:
            out.append((f"{path.name} (latin-1)", DECODINGS["latin-1"](data)))
    return out


def route_for(label: str, index: int) -> str:
    return "area" if label.split(" ")[0] in BY_AREA else ROUTES[index % len(ROUTES)]


def test_every_corpus_file_goes_into_the_app(canary, canary_server):  # noqa: F811
    labels = [label for label, _ in pastes(canary, canary_server)]
    assert {label.split(" ")[0] for label in labels} == {p.name for p in corpus_files()}


@pytest.mark.parametrize("part", range(PARTS))
async def test_hostile_corpus_pasted_into_the_app(part, no_network, canary, canary_server):  # noqa: F811
    """Pastes the session cannot read come first (the question and answers must stay as they were),
    then those it reads (each replaces the record before it; the conversation keeps everything)."""
    cases = sorted(((reads_as_record(text), label, text) for label, text in pastes(canary, canary_server)[part::PARTS]),
                   key=lambda case: case[0])
    app = make_app(at_baseline())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert prompt_id(app) == "ffi"
        baseline = answered(app.session)
        for i, (expect_read, label, text) in enumerate(cases):
            route = route_for(label, i)
            label = f"{label} via {route}"
            before = len(app.session.transcript)
            started = time.monotonic()
            await paste(pilot, app, text, route, record=expect_read)
            if prompt_id(app) == "learner:learner":  # several learners in the paste: the first is picked
                await say(pilot, app, "1")
            elapsed = time.monotonic() - started
            assert elapsed < PASTE_SECONDS, f"{label}: took {elapsed:.2f}s"
            assert_app_intact(app, label)
            transcript = app.session.transcript
            if not text.strip():
                assert len(transcript) == before, f"{label}: an empty paste was sent"
                continue
            new = transcript[before:]
            assert new and new[0].role == "user", f"{label}: the paste did not reach the session"
            assert new[-1].role == "assistant", f"{label}: no reply in the conversation"
            read = any(m.text.startswith("I read this record") for m in new)
            assert read == expect_read, f"{label}: the app and the session disagree about reading it"
            if read:
                # Read as a record: it is in the record panel, as the reader sees it.
                reading = outcome_of(new[0].text)
                assert not isinstance(reading, Exception), f"{label}: shown as read, but the reader refuses it"
                assert app.session.learner.learn_ref == reading.learners[0].learn_ref
                table = app.main_screen.query_one(RecordTable)
                assert table.row_count == len(app.session.learner.deliveries), label
            else:
                # Not read (and nothing read before it): the conversation is where it was.
                assert prompt_id(app) == "ffi", f"{label}: the question changed to {prompt_id(app)}"
                assert answered(app.session) == baseline, f"{label}: earlier answers changed"
        if not any(expect_read for expect_read, _, _ in cases):
            # Still usable: the next answer is taken as if nothing had happened.
            await say(pilot, app, "1")
            assert prompt_id(app) == "prog_comp_status"
        else:
            await say(pilot, app, "answers")
            assert app.session.transcript[-1].text.startswith("Your answers so far")
        assert_app_intact(app, "after the corpus")
    assert no_network.attempts == []
    assert canary_server.hits == []
    assert not canary.was_read()


# -- size and shape in the app ------------------------------------------------------------------

async def test_a_learner_with_thousands_of_aims_does_not_freeze_the_app(no_network):  # noqa: F811
    """400 aims once took the app about 9 s to lay out (every aim a row of a Markdown table)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_baseline(pilot, app)
        started = time.monotonic()
        await paste(pilot, app, thousands_of_aims(400), "box", record=True)
        elapsed = time.monotonic() - started
        assert elapsed < 6.0, f"the paste took {elapsed:.1f}s"
        assert_app_intact(app, "400 aims")
        assert app.main_screen.query_one(RecordTable).row_count == 403
        started = time.monotonic()
        await say(pilot, app, "1")  # the next question (is the event date the offer date?)
        assert time.monotonic() - started < 6.0
        assert_app_intact(app, "the answer after 400 aims")
    assert no_network.attempts == []


MEGABYTES = {
    "prose": "Our M2 payment has not come through and I do not know why.\n" * 80_000,
    "learners": "<Message>\n" + "\n".join(ONE.replace("TEST001", f"T{i}") for i in range(2300)) + "\n</Message>",
}


async def test_megabytes_pasted_into_the_app(no_network):  # noqa: F811
    """Megabytes of prose once took 26 s to lay out as one Markdown message; pastes are summarised now."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        baseline = await to_baseline(pilot, app)
        for shape, text in MEGABYTES.items():
            started = time.monotonic()
            await paste(pilot, app, text, "box")
            elapsed = time.monotonic() - started
            assert elapsed < 8.0, f"{shape}: the paste took {elapsed:.1f}s"
            assert_app_intact(app, shape)
            if shape == "prose":
                assert prompt_id(app) == "ffi" and answered(app.session) == baseline
                assert "characters long" in app.session.transcript[-2].text
            else:
                if prompt_id(app) == "learner:learner":  # many learners: which one is asked, named (review7)
                    assert "Which one shall I look at" in app.session.transcript[-1].text
                    await say(pilot, app, "1")
                assert any(m.text.startswith("I read this record") for m in app.session.transcript[-8:])
            # The pasted text itself is summarised on screen, not laid out in full.
            users = [v for v in views(app) if v.message.role == "user"]
            user_view = users[-2] if users[-1].message.text == "1" else users[-1]
            assert len(user_view.message.text) > 100_000 and len(user_view.source) < 1_000, shape
    assert no_network.attempts == []


async def test_a_long_line_in_a_date_answer_box(no_network):  # noqa: F811
    """The date box is checked on every change and offers completions: neither may hang on a long line
    (200,000 digits once took the date check minutes: its ordinal pattern backtracked)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await say(pilot, app, "1")
        assert prompt_id(app) == "prog_start"
        box = app.main_screen.query_one(ChatInput)
        for text in ("1" * 200_000, "m2 not paying " * 15_000, "\x1b[2J" * 50_000):
            box.value = ""
            box.focus()
            started = time.monotonic()
            app.post_message(Paste(text))
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert time.monotonic() - started < 5.0, text[:20]
            assert app.is_running and isinstance(app.screen, MainScreen)
            assert app.main_screen.conversation.messages == app.session.transcript
            assert not any(CRASH in str(getattr(v.message, "text", "")) for v in views(app))
            assert prompt_id(app) == "prog_start"
        await say(pilot, app, "01/08/2022")
        assert prompt_id(app) == "plan_end"
