"""`ilr-assistant serve` in a real headless Chromium, driven through Playwright.

The browser is the system's Chromium (Debian: ``apt-get install chromium``),
or one named in ``ILR_CHROMIUM``, or one Playwright installed itself
(``playwright install chromium``); where none is found every test here is
skipped with that reason. The server-level tests in ``test_serve.py`` run
everywhere.

What the page shows is drawn on a canvas by xterm.js, so there is no text in
the DOM to read. The test intercepts textual-serve's ``textual.js`` (only in
the test's browser; the served file is unchanged) and adds one assignment that
keeps the page's terminal object on its element; the tests then read the
terminal's screen buffer, which is exactly what the canvas shows. Keys go
through the browser's keyboard, and a paste is a real ``paste`` event on
xterm's input, as a user's Ctrl+V delivers it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .served import INSTALL_HINT, WAIT_MS, Tab, find_chromium, running_server

pytest.importorskip("textual_serve", reason="textual-serve is not installed (it is a dependency: pip install -e .)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

FIXTURE = Path(__file__).parent / "fixtures" / "forum" / "becks-original.xml"


@pytest.fixture(scope="module")
def browser():
    named = os.environ.get("ILR_CHROMIUM")
    if named and not Path(named).exists():
        pytest.skip(f"ILR_CHROMIUM={named} does not exist; {INSTALL_HINT}")
    executable = find_chromium()
    with sync_api.sync_playwright() as playwright:
        if executable is None:
            bundled = Path(playwright.chromium.executable_path)
            if not bundled.exists():
                pytest.skip(INSTALL_HINT)
        try:
            chromium = playwright.chromium.launch(executable_path=executable, headless=True, timeout=WAIT_MS)
        except sync_api.Error as exc:
            pytest.skip(f"Chromium ({executable or 'Playwright’s'}) did not start: {str(exc).splitlines()[0]}")
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-browser")
    # The served app exports into this data folder, not the user's.
    with running_server(folder, env={"XDG_DATA_HOME": str(folder / "data")}) as served:
        served.data = folder / "data"
        yield served


@pytest.fixture
def tab(browser, server):
    opened = Tab(browser, server)
    try:
        yield opened
    finally:
        opened.close()


GREETING = "Hello. I help when a Skills Bootcamp milestone payment"


def test_the_page_loads_and_the_greeting_appears_with_nothing_from_elsewhere(tab):
    screen = tab.wait_for(GREETING, "M2 (completion) isn't paying", "Quit")
    # The record panel folds away until there is a record (then, 1400 px being wide, it sits beside the chat).
    assert "The record as understood so far" not in screen
    hosts = {urlsplit(url).netloc for url in tab.requests if not url.startswith("data:")}
    assert hosts == {f"127.0.0.1:{tab.server.port}"}, tab.requests
    assert any(url.endswith(".ttf") for url in tab.requests)  # the local font, not a web font service


def test_choosing_m2_shows_the_first_question(tab):
    from assistant.dialogue.session import Session

    session = Session()  # the served app's own defaults (this year, today)
    session.start_entry("m2")
    first_question = session.prompt.text
    tab.wait_for(GREETING)
    tab.press("1")
    tab.wait_for(first_question[:40])


def test_a_pasted_forum_fixture_fills_the_record_panel(tab):
    screen = tab.wait_for(GREETING)
    tab.paste(FIXTURE.read_text(encoding="utf-8"))
    # (A reply taller than the chat opens at its start, "I read this record"; the question is below it.)
    screen = tab.wait_for("ZPROG001", "Z0059758", "I read this record", "The record as understood so far")
    assert "Nothing yet: answer the questions" not in screen
    assert "Testlearner" not in screen  # the record panel shows aims, not the learner's name


def concluded(tab: Tab) -> str:
    tab.wait_for(GREETING)
    tab.paste(FIXTURE.read_text(encoding="utf-8"))
    tab.wait_for("I read this record")  # the reply opens at its start; the offer-date question is below
    tab.press("1")  # yes, that is the offer date
    tab.wait_for("job")  # the outcome question
    tab.press("2")  # no job (yet)
    # The conclusion's last line, and a change in the proposal panel (its header is there from the start).
    return tab.wait_for("Type why for the reasoning", "(none) → 2022-12-20")


def test_copy_all_goes_to_the_browser_clipboard(tab):
    concluded(tab)
    tab.press("F6")
    tab.wait_for("Copied all")
    copied = tab.clipboard()
    assert copied.startswith("| Aim ") and "CompStatus" in copied


def test_export_is_offered_as_a_redacted_download(tab, tmp_path):
    concluded(tab)
    # The page follows the single-use download address as a download link, not a pop-up window
    # (which pop-up blockers would stop): a download on this page, and no new tab.
    downloads, popups = [], []
    tab.page.on("download", lambda download: downloads.append(download))
    tab.context.on("page", lambda page: popups.append(page))
    tab.press("F7")
    tab.wait_for("downloading it as")
    for _ in range(WAIT_MS // 100):
        if downloads:
            break
        tab.page.wait_for_timeout(100)
    assert downloads, "the export was not offered as a download"
    assert popups == [], "the download opened a window"
    download = downloads[0]
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert saved.name.startswith("conversation-") and saved.suffix == ".md"
    assert text.startswith("# ILR assistant: conversation") and "CompStatus" in text
    source = FIXTURE.read_text(encoding="utf-8")
    for personal in ("Testlearner", "Synthetic", "BECKSORIGINA", "1990-01-01"):  # (its ULN is the placeholder)
        assert personal in source and personal not in text, f"{personal} leaked into the downloaded export"
    on_server = list((tab.server.data / "ilr-assistant").glob("conversation-*.md"))
    assert saved.read_bytes() in {p.read_bytes() for p in on_server}  # the same redacted file



def test_function_keys_and_the_palette_reach_the_app_not_the_browser(tab):
    """F5 (copy one value) and Ctrl+P (palette) are the browser's reload and print keys: the page's
    terminal takes them, and the app acts on them."""
    concluded(tab)
    navigations = []
    tab.page.on("framenavigated", lambda frame: navigations.append(frame.url))
    tab.press("F5")
    tab.wait_for("Copied the proposed")
    assert tab.clipboard() == "2"  # the first change: CompStatus 1 -> 2
    tab.press("Control+p")
    tab.wait_for("Search for commands")
    tab.press("Escape")
    assert navigations == []  # no reload
