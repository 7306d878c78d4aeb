"""Snapshots (SVG) of the app's main states at 80×24, 100×30 and 120×40, dark and light, with the real engine.

Run ``pytest tests/test_tui_snapshots.py --snapshot-update`` after an intended
change to the look, and review the SVGs in the diff. Everything on screen is
fixed: the session's date (``as_of``), no clock in the header, the cursor not
blinking.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from textual.events import Paste
from textual.widgets import Input

from assistant.dialogue.session import Session
from assistant.faces.tui.app import LIGHT, AssistantApp
from tests.tui_support import settle, until_still
from tests.test_tui_flows import XML

AS_OF = date(2023, 1, 31)
SIZES = {"80x24": (80, 24), "100x30": (100, 30), "120x40": (120, 40)}


def make_app(theme: str | None = None) -> AssistantApp:
    extra = {"theme": theme} if theme else {}
    return AssistantApp(Session(year="2022-23", as_of=AS_OF), as_of=AS_OF,
                        clock=lambda: datetime(2023, 1, 31, 10, 0), system_copy=None, **extra)


async def steady(pilot) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await until_still(pilot)


async def concluded(pilot) -> None:
    """Paste the M2 learner, answer the two follow-ups: the proposal is on screen."""
    await settle(pilot)
    pilot.app.post_message(Paste(XML))
    await settle(pilot)
    await settle(pilot)
    await pilot.press("1")  # yes, that is the offer date
    await settle(pilot)
    await pilot.press("2")  # no positive outcome yet
    await settle(pilot)
    await until_still(pilot)  # the view lands on the findings after the layout
    pilot.app.clear_notifications()
    await steady(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_first_screen(snap_compare, size):
    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=steady)


@pytest.mark.parametrize("size", SIZES)
def test_date_question_checks_as_you_type(snap_compare, size):
    async def run_before(pilot):
        await pilot.press("1")  # M2 isn't paying
        await settle(pilot)
        await pilot.press(*"31/02/2022")
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_proposal_after_a_paste(snap_compare, size):
    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=concluded)


@pytest.mark.parametrize("size", SIZES)
def test_proposal_light_theme(snap_compare, size):
    assert snap_compare(make_app(LIGHT), terminal_size=SIZES[size], run_before=concluded)


@pytest.mark.parametrize("size", SIZES)
def test_record_panel_over_the_chat(snap_compare, size):
    async def run_before(pilot):
        await concluded(pilot)
        await pilot.press("f2")
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("size", ["80x24", "120x40"])
def test_tour_after_a_wrong_answer(snap_compare, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("8")  # the onboarding tour
        await settle(pilot)
        await pilot.press(*"the subject aim", "enter")
        await steady(pilot)

    assert snap_compare(make_app(LIGHT), terminal_size=SIZES[size], run_before=run_before)


def test_restart_asks_first(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZES["80x24"], run_before=run_before)


def test_paste_area(snap_compare):
    async def run_before(pilot):
        await pilot.press("f3")
        await settle(pilot)
        pilot.app.post_message(Paste(XML.split("<LearningDelivery>")[0]))
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZES["80x24"], run_before=run_before)


def test_why_a_change(snap_compare):
    async def run_before(pilot):
        await concluded(pilot)
        pilot.app.screen.query_one("#proposal").focus()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZES["120x40"], run_before=run_before)


def test_readme_screenshot_is_the_current_snapshot():
    """The README's picture is a copy of a snapshot: after --snapshot-update, copy it again."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    snapshot = root / "tests/__snapshots__/test_tui_snapshots/test_proposal_after_a_paste[120x40].svg"
    shown = root / "docs/assistant-proposal-120x40.svg"
    assert shown.read_bytes() == snapshot.read_bytes(), f"cp '{snapshot}' '{shown}'"
