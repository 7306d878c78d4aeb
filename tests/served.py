"""Starting and always stopping `ilr-assistant serve`, and reading its page in a browser.

Shared by tests/test_serve*.py and benchmarks/bench_serve.py.

The server runs as a real subprocess in its own process group, so that
stopping it also stops the app processes it started for each browser tab,
whatever state they are in. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import shutil
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick; the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    url: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.1)
    raise TimeoutError(f"the server did not answer {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole group (server and app children), then SIGKILL if it lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # children left behind by a graceful exit, if any
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def running_server(log_dir: Path, args: Sequence[str] = (), port: int | None = None,
                   env: dict[str, str] | None = None) -> Iterator[Served]:
    """`ilr-assistant serve --port N ARGS` on a free port, answering, until the block ends."""
    port = port or free_port()
    log_path = log_dir / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant.faces.cli", "serve", "--port", str(port), *args],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=log_dir,
            env={**os.environ, "COLUMNS": "200", **(env or {})}, start_new_session=True)
    served = Served(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        try:
            wait_until_up(served.url + "/", process)
        except Exception as exc:
            raise RuntimeError(f"{exc}; server log:\n{served.log()}") from None
        yield served
    finally:
        stop(process)


# -- the browser side (Playwright imported only by those who use it) -------------------------

#: Every wait for the app is bounded by this (ms); start-up is slower on a loaded machine.
WAIT_MS = 60_000
#: The line of textual.js (textual-serve 1.1.3) that creates the page's terminal object.
HOOK_AT = "const t=new w(e,{ping:r});"
HOOK = HOOK_AT + "e.textual=t;"
INSTALL_HINT = ("no Chromium found for the browser tests: install Debian's package "
                "(sudo apt-get install chromium), or set ILR_CHROMIUM=/path/to/chrome")


def find_chromium() -> str | None:
    """A Chromium or Chrome binary: ILR_CHROMIUM, then the usual names on PATH."""
    named = os.environ.get("ILR_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Tab:
    """One browser tab on the served app (its own app process), with what it requested."""

    def __init__(self, browser, server) -> None:
        self.server = server
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
        self.context.set_default_timeout(WAIT_MS)
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("**/static/js/textual.js", self._hook)
        self.page = self.context.new_page()
        self.page.goto(server.url + "/")
        self.page.wait_for_function("() => !!document.getElementById('terminal').textual", timeout=WAIT_MS)

    @staticmethod
    def _hook(route) -> None:
        response = route.fetch()
        body = response.text()
        assert HOOK_AT in body, "textual-serve's textual.js changed: update HOOK_AT in this test"
        route.fulfill(response=response, body=body.replace(HOOK_AT, HOOK, 1))

    def screen(self) -> str:
        """The text on the terminal's screen now, line by line."""
        return self.page.evaluate("""() => {
            const buffer = document.getElementById('terminal').textual.terminal.buffer.active;
            const lines = [];
            for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
            return lines.join('\\n');
        }""")

    def wait_for(self, *texts: str, absent: tuple[str, ...] = (), timeout: int = WAIT_MS) -> str:
        """Wait until every one of ``texts`` is on the screen and none of ``absent``; return the screen."""
        from playwright.sync_api import TimeoutError as TimeoutError_

        try:
            self.page.wait_for_function("""(texts) => {
                const buffer = document.getElementById('terminal').textual.terminal.buffer.active;
                let all = '';
                for (let i = 0; i < buffer.length; i++) all += buffer.getLine(i).translateToString(true) + '\\n';
                return texts[0].every(t => all.includes(t)) && !texts[1].some(t => all.includes(t));
            }""", arg=[list(texts), list(absent)], timeout=timeout)
        except TimeoutError_:
            raise AssertionError(f"not on the screen after {timeout / 1000:.0f} s: {texts} (or still there: {absent})\n{self.screen()}") from None
        return self.screen()

    def press(self, *keys: str) -> None:
        """Keys typed into the page's terminal (focused first, as a click on it would)."""
        self.page.focus(".xterm-helper-textarea")
        for key in keys:
            self.page.keyboard.press(key)

    def paste(self, text: str) -> None:
        """A paste event on xterm's input, as Ctrl+V delivers one (bracketed for the app)."""
        self.page.evaluate("""(text) => {
            const input = document.querySelector('.xterm-helper-textarea');
            input.focus();
            const data = new DataTransfer();
            data.setData('text/plain', text);
            input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""", text)

    def clipboard(self) -> str:
        return self.page.evaluate("() => navigator.clipboard.readText()")

    def close(self) -> None:
        self.context.close()
