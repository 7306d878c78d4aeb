"""`ilr-assistant serve` without a browser: the address rules, the page, its assets, the app child.

These run everywhere (no Chromium needed). The server is a real subprocess on
a free port, stopped after each module whatever happens; every wait is bounded.
The browser itself is driven in ``test_serve_browser.py``.
"""

from __future__ import annotations

import asyncio
import io
import re
import socket
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.faces.cli import build_parser, main
from assistant.faces.serve import (CONTENT_SECURITY_POLICY, ServeSettings, allowed_host, is_local, local_url,
                                   run_serve, same_origin)

from .served import free_port, running_server

pytest.importorskip("textual_serve", reason="textual-serve is not installed (it is a dependency: pip install -e .)")


# -- the address rules, as functions --------------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "::1", "[::1]"])
def test_loopback_addresses_are_local(host):
    assert is_local(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.org", "my-laptop", ""])
def test_other_addresses_are_not_local(host):
    assert not is_local(host)


def test_a_wildcard_bind_is_opened_through_loopback():
    assert local_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert local_url("::", 8000) == "http://[::1]:8000"
    assert local_url("::1", 9) == "http://[::1]:9"


@pytest.mark.parametrize("header,ok", [
    ("127.0.0.1:8000", True), ("localhost:8000", True), ("[::1]:8000", True), ("localhost", True),
    ("evil.example:8000", False), ("192.168.1.20:8000", False), ("127.0.0.1.evil.example", False), ("", False),
])
def test_a_local_server_answers_only_requests_addressed_to_this_machine(header, ok):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host: evil.example."""
    assert allowed_host(header, ServeSettings()) is ok


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_host_header_is_refused_unless_it_names_this_machine(header):
    """Whatever a client sends as Host, a local server answers only loopback names (and never fails)."""
    allowed = allowed_host(header, ServeSettings())
    name = header.strip()
    if allowed:
        bare = name[1:name.find("]")] if name.startswith("[") else name.split(":", 1)[0] if name.count(":") == 1 else name
        assert is_local(bare)


@given(st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){1,2}", fullmatch=True), st.integers(1, 65535))
def test_a_named_host_other_than_localhost_is_refused(name, port):
    assert allowed_host(f"{name}:{port}", ServeSettings()) is (name == "localhost")


def test_a_server_opened_to_the_network_answers_any_name():
    assert allowed_host("my-laptop.local:8000", ServeSettings(host="0.0.0.0", allow_remote=True))


@pytest.mark.parametrize("origin,ok", [
    ("http://127.0.0.1:8000", True), ("http://127.0.0.1:8000/", True), ("https://127.0.0.1:8000", True),
    (None, True),  # not a browser
    ("http://127.0.0.1:9999", False), ("http://evil.example", False), ("null", False), ("file://", False),
])
def test_the_websocket_must_come_from_the_servers_own_page(origin, ok):
    assert same_origin(origin, "127.0.0.1:8000") is ok


def test_the_app_command_runs_this_python_and_says_remote_only_when_it_is():
    local = ServeSettings(year="2024-25").app_command()
    assert "-m assistant.faces.tui.served_app --child --year 2024-25" in local and "--remote" not in local
    assert "--warm" not in local and "--child --warm" in ServeSettings().app_command(warm=True)
    assert ServeSettings(host="0.0.0.0", allow_remote=True).app_command().endswith("--remote")


# -- the command line: refusals come before anything listens -------------------------------

def serve_args(*argv: str):
    return build_parser().parse_args(["serve", *argv])


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_a_non_local_host_is_refused_without_the_flag(host):
    out, err = io.StringIO(), io.StringIO()
    assert run_serve(serve_args("--host", host, "--port", str(free_port())), out, err) == 2
    assert "--allow-remote" in err.getvalue() and "learner data" in err.getvalue()
    assert out.getvalue() == ""


def test_a_port_in_use_is_a_sentence_not_a_traceback():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        err = io.StringIO()
        assert run_serve(serve_args("--port", str(port)), io.StringIO(), err) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err.getvalue() and "--port" in err.getvalue()


def test_a_port_out_of_range_is_refused(capsys):
    assert main(["serve", "--port", "70000"]) == 2
    assert "between 1 and 65535" in capsys.readouterr().err


def test_the_defaults_are_this_machine_on_8000():
    args = serve_args()
    assert (args.host, args.port, args.open, args.allow_remote) == ("127.0.0.1", 8000, False, False)


# -- the running server --------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    with running_server(folder, env={"XDG_DATA_HOME": str(folder / "data")}) as served:
        yield served


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_the_page_is_served(server):
    status, headers, body = get(server.url + "/")
    assert status == 200
    page = body.decode()
    assert "<title>ILR assistant</title>" in page and 'id="terminal"' in page
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "The ILR assistant is at " + server.url in server.log()


def non_loopback_address() -> str | None:
    """One of this machine's addresses that other machines could use (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_it_listens_on_loopback_only(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5):
        pass
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError):
        socket.create_connection((address, server.port), timeout=5).close()


def test_a_request_naming_another_host_is_refused(server):
    status, _, body = get(server.url + "/", {"Host": f"evil.example:{server.port}"})
    assert status == 421 and b"this machine" in body


class Links(HTMLParser):
    """Every address the page would load: src, href, and url(...) in inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "data", "poster", "srcset", "action") and value:
                self.urls.append(value)
            if name == "style" and value:
                self.urls += css_urls(value)


def css_urls(css: str) -> list[str]:
    return [m.strip("'\"") for m in re.findall(r"url\(\s*([^)]+?)\s*\)", css)] + \
        re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css)


#: Absolute addresses that appear in textual-serve's bundled JavaScript as credits in comments,
#: never loaded (checked by reading textual.js 1.1.3; the browser test watches every request too).
CREDITS_IN_JS = {"https://github.com/chjj/term.js", "http://bellard.org/jslinux/"}


def test_the_page_and_its_assets_name_no_other_host(server):
    _, _, body = get(server.url + "/")
    links = Links()
    links.feed(body.decode())
    seen, queue = set(), [urljoin(server.url + "/", u) for u in links.urls]
    assert len(queue) >= 5  # font, two stylesheets, two scripts
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        assert urlsplit(url).netloc == f"127.0.0.1:{server.port}", url
        status, headers, content = get(url)
        assert status == 200, url
        if url.endswith(".css"):
            queue += [urljoin(url, u) for u in css_urls(content.decode())]
        if url.endswith(".js"):
            text = content.decode(errors="replace")
            absolute = set(re.findall(r"(?:https?|wss?)://[^\s\"'`)<>]+", text))
            assert absolute <= CREDITS_IN_JS, absolute - CREDITS_IN_JS
            assert "googleapis" not in text
    assert any(u.endswith(".ttf") for u in seen), "the font is served from this machine"
    assert "googleapis" not in body.decode()


async def read_screen_until(url: str, text: bytes, origin: str | None, timeout: float = 60.0) -> bytes:
    """Open the app's websocket as the page does and collect what it draws until ``text`` appears."""
    import aiohttp

    received = b""
    headers = {"Origin": origin} if origin else {}
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url + "/ws?width=120&height=40", headers=headers,
                                      timeout=aiohttp.ClientWSTimeout(ws_close=5)) as ws:
            async def collect() -> None:
                nonlocal received
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.BINARY:
                        received += message.data
                        if text in received:
                            return
            await asyncio.wait_for(collect(), timeout)
    return received


async def test_the_app_starts_behind_the_websocket_and_greets(server):
    """The child app (the real AssistantApp under Textual's web driver) runs and draws the greeting."""
    screen = await read_screen_until(server.url, b"Hello.", origin=server.url)
    assert b"Hello." in screen


async def test_a_websocket_from_another_site_is_refused(server):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await asyncio.wait_for(session.ws_connect(server.url + "/ws", headers={"Origin": "http://evil.example"}),
                                   10)
    assert refused.value.status == 403


def test_served_remotely_it_warns_that_learner_data_crosses_the_network(monkeypatch):
    """With --allow-remote the warning comes before serving (the server itself is not started here,
    so that the test never opens a port to the network)."""
    import assistant.faces.serve as serve

    started = []

    class Dummy:
        def serve(self) -> None:
            started.append(True)

    monkeypatch.setattr(serve, "make_server", lambda settings, out: started.append(settings) or Dummy())
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    out, err = io.StringIO(), io.StringIO()
    assert run_serve(serve_args("--host", "0.0.0.0", "--allow-remote"), out, err) == 0
    assert "WARNING" in err.getvalue() and "learner records" in err.getvalue()
    assert "cross the network" in err.getvalue()
    settings = started[0]
    assert settings.remote and "--remote" in settings.app_command() and started[1] is True


def group_members(pgid: int) -> list[int]:
    """The processes in the server's group other than the server itself (Linux /proc)."""
    import os

    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != pgid:
            try:
                if os.getpgid(int(entry)) == pgid:
                    members.append(int(entry))
            except (ProcessLookupError, PermissionError):
                pass
    return members


def group_alive(pgid: int) -> bool:
    import os

    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


@pytest.mark.skipif(not __import__("os").path.isdir("/proc"), reason="counts processes through /proc")
async def test_two_tabs_in_a_row_both_get_an_app_and_stopping_the_server_leaves_no_process(tmp_path):
    """The first tab takes the app started ahead; the next one (before the refill) starts its own.
    A plain SIGTERM to the server (as Ctrl+C) ends every app process with it, the warm one included."""
    import os
    import signal
    import time

    with running_server(tmp_path) as served:
        for _ in range(2):
            assert b"Hello." in await read_screen_until(served.url, b"Hello.", origin=served.url)
        # Both tabs are closed: their app processes end (the next one is started ahead only 10 s on).
        deadline = time.monotonic() + 10
        while group_members(served.process.pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert group_members(served.process.pid) == [], "a closed tab's app process is still running"
        os.kill(served.process.pid, signal.SIGTERM)  # the server alone, not its group
        served.process.wait(timeout=15)
        deadline = time.monotonic() + 15
        while group_alive(served.process.pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert not group_alive(served.process.pid), "an app process outlived the server"


def test_a_bind_that_fails_after_the_check_is_a_sentence_too(monkeypatch):
    import assistant.faces.serve as serve

    class Taken:
        def serve(self) -> None:
            raise OSError(98, "Address already in use")

    monkeypatch.setattr(serve, "make_server", lambda settings, out: Taken())
    monkeypatch.setattr(serve, "port_problem", lambda host, port: None)
    err = io.StringIO()
    assert run_serve(serve_args("--port", "8123"), io.StringIO(), err) == 2
    assert "cannot listen on 127.0.0.1:8123: Address already in use" in err.getvalue()


async def test_the_served_app_offers_its_export_as_a_download(tmp_path, monkeypatch):
    """Without a browser: the served app under a stand-in web driver hands the redacted export to
    Textual's deliver_text, and says so (the browser tests see the real download)."""
    from pathlib import Path

    from textual.events import Paste

    from assistant.faces.tui.served_app import served_app
    from assistant.faces.tui.widgets.conversation import MessageView

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    app = served_app()
    delivered: list[tuple[Path, dict]] = []
    monkeypatch.setattr(type(app), "is_web", property(lambda self: True))
    monkeypatch.setattr(app, "deliver_text", lambda path, **kw: delivered.append((Path(path), kw)))
    fixture = Path(__file__).parent / "fixtures" / "forum" / "becks-original.xml"
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        app.post_message(Paste(fixture.read_text(encoding="utf-8")))
        await pilot.pause()
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        said = [view.message.text for view in app.screen.query(MessageView)]
    assert len(delivered) == 1
    path, options = delivered[0]
    assert path.parent == tmp_path / "ilr-assistant" and path.suffix == ".md"
    assert options["open_method"] == "download" and options["save_filename"] == path.name
    text = path.read_text(encoding="utf-8")
    assert "Testlearner" not in text and "BECKSORIGINA" not in text and "ZPROG001" in text
    assert f"downloading it as `{path.name}`" in said[-1]
