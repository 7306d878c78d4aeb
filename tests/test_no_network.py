"""Nothing the reader does may touch the network or read a file it was not given.

Three witnesses, because each alone can be fooled:

* ``no_network`` replaces the client side of Python's socket API; any
  attempt is recorded (and refused), so code that swallows the error is still
  caught.
* ``canary_server`` is a real HTTP server on 127.0.0.1 that counts requests:
  libxml2 fetches in C, below Python's socket module, so only a server sees it.
* ``canary`` is a temporary file whose content must appear nowhere, and whose
  access time must not move (checked where the filesystem records reads).

The fixtures are imported by ``test_hostile_input.py``.
"""

from __future__ import annotations

import http.server
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from assistant.ilr.reader import ReadResult, read_path, read_text, safe_parser
from assistant.ilr.guard import InputError

HOSTILE = Path(__file__).parent / "hostile"
CANARY_TEXT = "CANARY-7f3a9c-do-not-read"


class NetworkBlocked(RuntimeError):
    """Raised by the blocked socket API (not an OSError, so that it is not mistaken for an ordinary failure)."""


@dataclass
class NetworkLog:
    attempts: list[str] = field(default_factory=list)


@pytest.fixture
def no_network(monkeypatch) -> NetworkLog:
    """Block and record every outgoing connection or name lookup made through Python."""
    log = NetworkLog()

    def refuse(what):
        def blocked(*args, **kwargs):
            log.attempts.append(f"{what}{args[1:] if what.startswith('socket.') else args}")
            raise NetworkBlocked(f"network access attempted in a test: {what}")
        return blocked

    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, refuse(name))
    return log


@dataclass
class Canary:
    path: Path
    text: str
    atime: float
    #: Whether this filesystem records reads in the access time (relatime does
    #: when atime is older than mtime, which the fixture arranges).
    atime_works: bool

    def was_read(self) -> bool:
        return self.atime_works and os.stat(self.path).st_atime != self.atime

    def appears_in(self, *texts: str) -> bool:
        return any(self.text in t for t in texts)


@pytest.fixture
def canary(tmp_path) -> Canary:
    probe = tmp_path / "probe.txt"
    probe.write_text("probe")
    past = time.time() - 3 * 86400
    os.utime(probe, (past, time.time()))
    before = os.stat(probe).st_atime
    probe.read_text()
    atime_works = os.stat(probe).st_atime != before

    path = tmp_path / "canary-secret.txt"
    path.write_text(CANARY_TEXT)
    os.utime(path, (past, time.time()))
    return Canary(path, CANARY_TEXT, os.stat(path).st_atime, atime_works)


@dataclass
class CanaryServer:
    url: str
    hits: list[str]


@pytest.fixture
def canary_server():
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # http.server's name
            hits.append(self.path)
            body = f'<!ENTITY canary "{CANARY_TEXT}">'.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def server_bind(self):
            # HTTPServer.server_bind looks up the host name; skip the lookup,
            # which no_network would (rightly) refuse.
            import socketserver

            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield CanaryServer(f"http://127.0.0.1:{server.server_address[1]}", hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def hostile_bytes(path: Path, canary: Canary, server: CanaryServer) -> bytes:
    """A corpus file with its placeholders pointed at this test's canaries."""
    return (path.read_bytes()
            .replace(b"@CANARY_PATH@", str(canary.path).encode())
            .replace(b"@CANARY_URL@", server.url.encode()))


def everything_said(outcome: ReadResult | InputError) -> str:
    """All the text a caller could ever show from an outcome: message, notes, model, tree."""
    if isinstance(outcome, InputError):
        return f"{outcome.describe()} {outcome.hint} {outcome.message}"
    parts = [repr(outcome), " ".join(outcome.notes), repr(outcome.learners)]
    if outcome.root is not None:
        parts.append(etree.tostring(outcome.root, encoding="unicode"))
    return "\n".join(parts)


def outcome_of(data: bytes | str) -> ReadResult | InputError:
    try:
        return read_text(data)
    except InputError as exc:
        return exc


# -- the fixtures themselves work ----------------------------------------------

def test_no_network_blocks_and_records_python_sockets(no_network, canary_server):
    port = int(canary_server.url.rsplit(":", 1)[1])
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("127.0.0.1", port), timeout=1)
    with pytest.raises(NetworkBlocked), socket.socket() as s:
        s.connect(("127.0.0.1", port))
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.org", 80)
    assert len(no_network.attempts) == 3
    assert canary_server.hits == []


def test_canary_server_counts_requests(canary_server):
    """The server must really see a fetch, or its silence in other tests proves nothing."""
    import urllib.request

    with urllib.request.urlopen(canary_server.url + "/ping", timeout=5) as resp:
        assert CANARY_TEXT in resp.read().decode()
    assert canary_server.hits == ["/ping"]


def test_canary_notices_a_read(canary):
    if not canary.atime_works:
        pytest.skip("this filesystem does not record reads in the access time")
    assert not canary.was_read()
    canary.path.read_text()
    assert canary.was_read()


# -- the reader ----------------------------------------------------------------

def test_reading_every_hostile_file_opens_no_socket_and_reads_no_canary(no_network, canary, canary_server, tmp_path):
    files = sorted(p for p in HOSTILE.iterdir() if p.is_file() and not p.name.startswith("."))
    assert len(files) >= 40
    for path in files:
        data = hostile_bytes(path, canary, canary_server)
        said = everything_said(outcome_of(data))
        copy = tmp_path / path.name
        copy.write_bytes(data)
        try:
            said += everything_said(read_path(str(copy)))
        except InputError as exc:
            said += everything_said(exc)
        assert not canary.appears_in(said), path.name
    time.sleep(0.2)  # let a (wrongly) started request reach the server
    assert no_network.attempts == []
    assert canary_server.hits == []
    assert not canary.was_read()


def test_external_entity_to_a_temp_file_leaves_no_trace(no_network, canary, canary_server):
    for declaration in (
        f'<!DOCTYPE Learner [<!ENTITY c SYSTEM "file://{canary.path}">]>',
        f'<!DOCTYPE Learner [<!ENTITY c SYSTEM "{canary.path}">]>',
        f'<!DOCTYPE Learner [<!ENTITY c SYSTEM "{canary_server.url}/c">]>',
        f'<!DOCTYPE Learner SYSTEM "file://{canary.path}">',
    ):
        text = declaration + "<Learner><LearnRefNumber>&c;</LearnRefNumber></Learner>"
        for source in (text, text.encode("utf-8"), "\ufeff" + text, f"```xml\n{text}\n```"):
            outcome = outcome_of(source)
            assert isinstance(outcome, InputError)
            assert "DTD" in outcome.message
            assert not canary.appears_in(everything_said(outcome))
    assert no_network.attempts == [] and canary_server.hits == []
    assert not canary.was_read()


def test_the_parser_alone_is_safe_too(no_network, canary, canary_server):
    """Defence in depth: even without the DTD refusal, the parser settings fetch and expand nothing."""
    documents = [
        f'<!DOCTYPE a [<!ENTITY e SYSTEM "file://{canary.path}">]><a>&e;</a>',
        f'<!DOCTYPE a [<!ENTITY e SYSTEM "{canary_server.url}/e">]><a>&e;</a>',
        f'<!DOCTYPE a SYSTEM "{canary_server.url}/dtd"><a>&canary;</a>',
        f'<!DOCTYPE a [<!ENTITY % p SYSTEM "{canary_server.url}/p"> %p;]><a>&canary;</a>',
        (f'<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file://{canary.path}" parse="text"/>'
         f'<xi:include href="{canary_server.url}/xi"/></a>'),
    ]
    for doc in documents:
        try:
            root = etree.fromstring(doc.encode(), safe_parser())
            said = etree.tostring(root, encoding="unicode")
        except etree.XMLSyntaxError as exc:
            said = str(exc)
        assert not canary.appears_in(said), doc
    time.sleep(0.2)
    assert no_network.attempts == [] and canary_server.hits == []
    assert not canary.was_read()


def test_redaction_opens_no_socket(no_network):
    from assistant.privacy import redact_text, redact_xml

    text = (HOSTILE / "xinclude.xml").read_text()
    redact_text(text)
    redact_xml(read_text(text.replace("@CANARY_PATH@", "/x").replace("@CANARY_URL@", "http://x")).root)
    assert no_network.attempts == []
