"""The same assistant in a browser: ``ilr-assistant serve`` (textual-serve).

One app, two faces: the server starts the very same Textual app (``AssistantApp``)
in a subprocess for each browser tab, with Textual's web driver, and
textual-serve relays the screen and the keys over a websocket. Nothing here
draws a screen of its own. This module is the face's rules and command line,
with no Textual in it; ``tui/serve.py`` applies them to textual-serve's server,
and ``tui/served_app.py`` is the app behind each tab. The rules are privacy
around the relay:

* It binds 127.0.0.1 unless told otherwise; any other address needs
  ``--allow-remote`` and prints a warning, because learner data typed or pasted
  into the page would then cross the network.
* The page fetches nothing from the internet. textual-serve's own page loads its
  font from fonts.googleapis.com; ours (``web/app_index.html``) declares the copy
  of the font textual-serve ships, and a Content-Security-Policy on every
  response lets the browser load nothing from any other origin.
* Requests must name this machine (a ``Host`` of 127.0.0.1 or localhost), which
  stops a web page elsewhere from reaching the server through DNS rebinding; and
  the websocket that drives the app must come from this server's own page
  (``Origin`` check), so another site open in the same browser cannot start a
  session.

A new tab would wait for a Python process to start and import the app (about
1.5 s); so the server keeps one app process started in advance, with no one's
data in it, and hands it to the next tab (``tui.serve.WarmApp``), then starts the next.

In the browser, export (F7) is also offered as a download of the same redacted
file, and copy goes to the browser's clipboard (Textual's OSC 52 request, which
the page's terminal hands to ``navigator.clipboard``).
"""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import os
import shlex
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

#: The page template, its stylesheet and script (shipped in the wheel as package data).
WEB_DIR = Path(__file__).resolve().parent / "web"
DEFAULT_PORT = 8000
TITLE = "ILR assistant"
#: After a tab takes the app process started ahead, the next one is started this long after, not
#: at once: starting Python and importing the app takes a core for a second or more, and the tab's
#: first answers need it.
WARM_REFILL_AFTER = 10.0

#: Sent with every response: the page may load scripts, styles, fonts and images only from this
#: server and talk only to it (a websocket to the same host and port counts as 'self').
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # xterm.js sets element styles and injects its own sheet
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
])

REMOTE_WARNING = (
    "WARNING: serving on {host}, which other machines can reach. Everything typed or pasted into the "
    "assistant - learner records included - will cross the network, unencrypted (plain HTTP), to this "
    "machine. Use this only on a network you trust, for a shared-screen session, and stop the server "
    "(Ctrl+C) when you are done."
)


# -- the address ----------------------------------------------------------------------------

def is_local(host: str) -> bool:
    """Whether ``host`` is this machine's loopback interface (and nothing else can reach it)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as it goes in a URL (an IPv6 address in brackets)."""
    name = host.strip().strip("[]")
    return f"[{name}]" if ":" in name else name


def local_url(host: str, port: int) -> str:
    """The address to open in a browser on this machine (a wildcard bind is reached via 127.0.0.1)."""
    name = host.strip().strip("[]")
    if name in ("", "0.0.0.0"):
        name = "127.0.0.1"
    elif name == "::":
        name = "::1"
    return f"http://{url_host(name)}:{port}"


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, checked before textual-serve starts."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"cannot use the address {host!r}: {exc.strerror or exc}"
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return f"cannot listen on {url_host(host)}:{port}: {exc.strerror or exc}"
    return None


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    open_browser: bool = False
    allow_remote: bool = False
    year: str | None = None
    #: Keep an app process started ahead of the next tab (off only to measure the difference).
    warm: bool = True

    @property
    def remote(self) -> bool:
        return not is_local(self.host)

    def app_argv(self, warm: bool = False) -> list[str]:
        """The app child's command line (``warm``: one started ahead, which waits for its tab's
        size before it starts drawing)."""
        argv = [sys.executable, "-m", "assistant.faces.tui.served_app", "--child"] + (["--warm"] if warm else [])
        if self.year:
            argv += ["--year", self.year]
        if self.remote:
            argv.append("--remote")
        return argv

    def app_command(self, warm: bool = False) -> str:
        """The same as one shell command: textual-serve runs it through the shell for each tab."""
        argv = self.app_argv(warm)
        return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


# -- the server ----------------------------------------------------------------------------

def allowed_host(host_header: str, settings: ServeSettings) -> bool:
    """A request's ``Host`` must name this machine unless the server was opened to the network."""
    if settings.remote:
        return True
    name = host_header.strip()
    if name.startswith("["):
        name = name[1:name.find("]")] if "]" in name else name
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    return is_local(name)


def same_origin(origin: str | None, host_header: str) -> bool:
    """Whether a websocket's ``Origin`` is the page this server sent (scheme://the same host:port)."""
    if origin is None:
        return True  # not a browser: a local program, which could reach the app process anyway
    for scheme in ("http://", "https://"):
        if origin.startswith(scheme):
            return origin[len(scheme):].rstrip("/").lower() == host_header.lower()
    return False


def make_server(settings: ServeSettings, out: TextIO | None = None) -> Any:
    """The textual-serve server for ``settings`` (built in ``tui/serve.py``, the Textual side)."""
    from .tui.serve import make_server as build

    return build(settings, out)


def run_serve(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """``ilr-assistant serve``: check the address, warn if it is not local, then serve until Ctrl+C."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    settings = ServeSettings(host=args.host, port=args.port, open_browser=args.open,
                             allow_remote=args.allow_remote, year=getattr(args, "year", None),
                             warm=not getattr(args, "cold", False))
    if not 0 < settings.port < 65536:
        print(f"ilr-assistant serve: --port must be between 1 and 65535, not {settings.port}.", file=err)
        return 2
    if settings.remote and not settings.allow_remote:
        print(f"ilr-assistant serve: {settings.host!r} is not this machine's local address, so other machines "
              "could open the assistant and see the learner data in it. Add --allow-remote if that is what "
              "you want, or leave --host out to serve on 127.0.0.1 only.", file=err)
        return 2
    if settings.remote:
        print(REMOTE_WARNING.format(host=settings.host), file=err, flush=True)
    if importlib.util.find_spec("textual_serve") is None:
        print("ilr-assistant serve: textual-serve is not installed; install it with "
              "`pip install textual-serve` (it is a dependency of ilr-assistant).", file=err)
        return 2
    problem = port_problem(settings.host, settings.port)
    if problem:
        print(f"ilr-assistant serve: {problem}. Choose another with --port.", file=err)
        return 2
    try:
        make_server(settings, out).serve()
    except OSError as exc:  # the port taken between the check and the bind, or the address gone
        print(f"ilr-assistant serve: cannot listen on {url_host(settings.host)}:{settings.port}: "
              f"{exc.strerror or exc}. Choose another with --port.", file=err)
        return 2
    return 0
