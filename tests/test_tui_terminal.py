"""Pastes in a real terminal: the app runs in tmux, which pastes as terminals do.

``paste-buffer -p`` wraps the text in bracketed-paste marks (the app asks for
them); plain ``paste-buffer`` types it, line by line with a carriage return
after each, as terminals without bracketed paste and remote desktops'
"type the clipboard" do. Skipped where tmux is not installed.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.test_tui_flows import XML

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def terminal(tmp_path: Path):
    name = f"ilr-test-{uuid.uuid4().hex[:8]}"
    command = shlex.join([sys.executable, "-c", "from assistant.faces.tui.app import run; raise SystemExit(run())"])
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", f"HOME={shlex.quote(str(tmp_path))} {command}")
    subprocess.run(["tmux", "resize-window", "-t", name, "-x", "120", "-y", "40"], capture_output=True)
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        subprocess.run(["tmux", "delete-buffer", "-b", name], capture_output=True)


def screen(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def wait_for(name: str, predicate, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    text = screen(name)
    while not predicate(text) and time.monotonic() < deadline:
        time.sleep(0.25)
        text = screen(name)
    return text


def paste(name: str, text: str, *, bracketed: bool) -> None:
    tmux("set-buffer", "-b", name, text)
    tmux("paste-buffer", "-b", name, "-t", name, *(["-p"] if bracketed else []))


def test_pastes_in_a_real_terminal(terminal):
    started = wait_for(terminal, lambda s: "What would you like to do" in s)
    assert "What would you like to do" in started, started
    # Bracketed paste of one line: in the box once.
    paste(terminal, "abc 123", bracketed=True)
    shown = wait_for(terminal, lambda s: "abc 123" in s, 10)
    time.sleep(0.5)
    shown = screen(terminal)
    assert "abc 123" in shown and "abc 123abc 123" not in shown, shown
    tmux("send-keys", "-t", terminal, "C-u")
    # XML typed line by line (no bracketed paste): read as one paste.
    paste(terminal, XML, bracketed=False)
    done = wait_for(terminal, lambda s: "I read this record" in s, 60)
    time.sleep(1.0)
    done = screen(terminal)
    assert "I read this record" in done, done
    tmux("send-keys", "-t", terminal, "PageUp")  # nothing was sent line by line before the one paste
    time.sleep(0.5)
    history = tmux("capture-pane", "-p", "-S", "-", "-t", terminal) + screen(terminal)
    assert "read that as ILR XML" not in history and "not a date" not in history
