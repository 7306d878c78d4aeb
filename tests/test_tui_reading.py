"""Reading the result: where the view lands, what is folded, the tour's progress, toasts, copy and export."""

from __future__ import annotations

from datetime import date, datetime

from textual.events import Paste
from textual.widgets import Collapsible
from textual.widgets._toast import Toast

from assistant.advice.types import Change
from assistant.dialogue.session import Session
from assistant.faces.tui.app import AssistantApp
from assistant.faces.tui.format import changes_lines, changes_table, proposed_value
from assistant.faces.tui.widgets.chat_input import ChatInput
from assistant.faces.tui.widgets.choices import ChoiceList
from assistant.faces.tui.widgets.conversation import MAX_LIVE, Conversation, MessageView, split_conclusion
from tests.test_tui_flows import XML
from tests.tui_support import settle, until_still

AS_OF = date(2023, 1, 31)


def make_app(tmp_path=None, **kw) -> AssistantApp:
    return AssistantApp(Session(year="2022-23", as_of=AS_OF), as_of=AS_OF,
                        clock=lambda: datetime(2023, 1, 31, 10, 0), system_copy=None,
                        export_dir=(tmp_path / "exports") if tmp_path else None, **kw)


async def conclude(pilot) -> None:
    app = pilot.app
    app.post_message(Paste(XML))
    await settle(pilot)
    await pilot.press("1")  # yes, that is the offer date
    await settle(pilot)
    await pilot.press("2")  # no positive outcome yet
    await settle(pilot)
    await until_still(pilot)


def visible_in(widget, pane) -> bool:
    return pane.region.contains_region(widget.region) or (
        widget.region.y >= pane.region.y and widget.region.y < pane.region.bottom)


async def test_a_conclusion_lands_on_what_i_found_with_the_sources_folded():
    for size in ((80, 24), (120, 40)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await conclude(pilot)
            pane = app.screen.query_one(Conversation)
            view = pane.last(kind="conclusion")
            assert view is not None
            findings = view.landing
            assert "What I found" in findings.source
            # The findings are at the top of the pane, not scrolled past.
            assert pane.region.y <= findings.region.y <= pane.region.y + 2, (size, findings.region, pane.region)
            folded = view.query_one(Collapsible)
            assert folded.collapsed and folded.title == "Rules and sources"
            assert "Sources:" in view.query_one(".reference").source
            assert "Sources:" not in findings.source


def test_split_conclusion_keeps_every_part():
    text = ("## What to record\n\n**Where:** x\n\n**What I found**\n\n- a\n\n**What to record**\n\n| a |\n\n"
            "**Rules:**\n\n- R_1\n\n**Sources:**\n\n- S\n\nType `why` for the reasoning.")
    parts = split_conclusion(text)
    assert parts.head.startswith("## What to record") and parts.findings.startswith("**What I found**")
    assert parts.reference.startswith("**Rules:**") and "**Sources:**" in parts.reference
    assert parts.closing.startswith("Type `why`")
    assert split_conclusion("just words").findings == "just words"


async def test_the_tour_shows_progress_and_keeps_feedback_in_view():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("8")  # the onboarding tour
        await settle(pilot)
        options = app.screen.query_one(ChoiceList)
        assert options.border_title.startswith("Step 1 of ")
        total = options.border_title.split(" of ")[1]
        await pilot.press(*"the subject aim", "enter")  # a wrong answer
        await settle(pilot)
        await until_still(pilot)
        assert options.border_title == f"Step 2 of {total}"
        pane = app.screen.query_one(Conversation)
        feedback = next(v for v in pane.views if v.message.role == "assistant" and "Not quite" in v.message.text)
        assert visible_in(feedback, pane), (feedback.region, pane.region)


async def test_the_record_is_ready_toast_leaves_the_answer_box_and_footer_clear():
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await conclude(pilot)
        await until_still(pilot)
        toasts = list(app.screen.query(Toast))
        assert toasts and any("F2" in str(t.render()) for t in toasts)
        box = app.screen.query_one(ChatInput).region
        footer = app.screen.query_one("WrappingFooter").region
        for toast in toasts:
            assert not toast.region.overlaps(box) and not toast.region.overlaps(footer), toast.region


def test_a_removal_is_copied_as_words_not_none():
    removal = Change(1, "ZPROG001", "AchDate", "2023-01-10", None, ("no job yet",))
    assert proposed_value(removal) == "remove the value"
    assert "remove the value" in changes_table([removal]) and "(none)" not in changes_lines([removal])
    aim = Change(3, "Z0059747", "LearningDelivery", "Z0059747", None, ("dated wrongly",))
    assert proposed_value(aim) == "remove the aim Z0059747"


async def test_export_is_the_conversation_since_the_last_restart(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press(*"02/08/2021", "enter")  # an answer given before the restart
        await settle(pilot)
        app.screen.query_one(ChatInput).value = ""
        await pilot.press(*"restart", "enter")
        await settle(pilot)
        await pilot.press("y")  # typed mid-conversation, restart asks first, as Ctrl+R does
        await settle(pilot)
        await conclude(pilot)
        await pilot.press("f7")
        await settle(pilot)
        text = next((tmp_path / "exports").glob("*.md")).read_text(encoding="utf-8")
        assert "since the last restart" in text
        assert "02/08/2021" not in text and "What to record" in text
        note = app.screen.query_one(Conversation).last().message.text
        assert "since you last restarted" in note


async def test_a_long_conversation_keeps_a_bounded_number_of_messages_live():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.screen.query_one(ChatInput)
        for _ in range(MAX_LIVE):
            box.value = "help"
            await pilot.press("enter")
            await settle(pilot)
        pane = app.screen.query_one(Conversation)
        assert len(pane.views) == MAX_LIVE and pane.folded
        assert pane.messages == app.session.transcript
        notice = str(app.screen.query_one("#folded").render())
        assert f"{len(pane.folded)} earlier messages" in notice and "F7" in notice
        assert isinstance(pane.views[-1], MessageView)


async def test_f2_there_and_back_keeps_the_place_in_the_conversation():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await conclude(pilot)
        pane = app.screen.query_one(Conversation)
        before = pane.scroll_y
        assert before > 0
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert pane.scroll_y == before and app.focused is app.screen.query_one(ChatInput)


async def test_the_footer_shows_every_key_at_80_and_100_columns():
    from textual.widgets._footer import FooterKey

    for size in ((80, 24), (100, 30), (120, 40)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen_region = app.screen.region
            keys = list(app.screen.query(FooterKey))
            shown = {k.key for k in keys if screen_region.contains_region(k.region) and k.region.width > 0}
            for key in ("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "ctrl+b", "ctrl+r", "ctrl+q"):
                assert key in shown, (size, key)


async def test_tables_in_the_chat_wrap_rather_than_cut_cells():
    """The tour's table in a chat narrower than it. ("I read this record", ten columns, is one line per aim:
    tests/test_tui_review.py.)"""
    for size in ((120, 40), (80, 24)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("8")
            await settle(pilot)
            await pilot.press(*"the subject aim", "enter")
            await settle(pilot)
            await until_still(pilot)
            pane = app.screen.query_one(Conversation)
            pane.scroll_to_widget(pane.query("MarkdownTableContent").last(), top=True, animate=False)
            await settle(pilot)
            cells = [c for c in pane.query("MarkdownTableContent > .cell, MarkdownTableContent > .header")
                     if pane.region.overlaps(c.region)]
            assert cells, size
            for cell in cells:
                text = "".join(strip.text for strip in cell.render_lines(cell.region.reset_offset))
                assert "…" not in text, (size, text)
