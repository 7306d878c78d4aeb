"""The same assistant in a browser: ``ilr-assistant serve`` (textual-serve).

One app, two faces: the server starts the very same Textual app (``AssistantApp``)
in a subprocess for each browser tab, with Textual's web driver, and
textual-serve relays the screen and the keys over a websocket. Nothing here
draws a screen of its own. What this module adds is privacy around that relay:

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
data in it, and hands it to the next tab (``WarmApp``), then starts the next.

In the browser, export (F7) is also offered as a download of the same redacted
file, and copy goes to the browser's clipboard (Textual's OSC 52 request, which
the page's terminal hands to ``navigator.clipboard``).
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

#: The page template, its stylesheet and script (shipped in the wheel as package data).
WEB_DIR = Path(__file__).resolve().parent / "web"
DEFAULT_PORT = 8000
TITLE = "ILR assistant"

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

    def app_command(self, warm: bool = False) -> str:
        """The shell command textual-serve runs for each browser tab: this module's app child
        (``warm``: one started ahead, which waits for its tab's size before it starts drawing)."""
        argv = [sys.executable, "-m", "assistant.faces.serve", "--child"] + (["--warm"] if warm else [])
        if self.year:
            argv += ["--year", self.year]
        if self.remote:
            argv.append("--remote")
        return shlex.join(argv)


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


class WarmApp:
    """One app process started ahead of the next browser tab, so that the tab need not wait for it.

    It holds no data until a tab takes it (then a new one is started for the next tab). A process
    older than ``max_age`` is replaced rather than handed out: its screen so far, and its idea of
    today's date, are stale.
    """

    def __init__(self, command: str, max_age: float = 600.0, refill_after: float = 10.0) -> None:
        self.command = command
        self.max_age = max_age
        #: The next process starts this long after a tab took one, not at once: starting Python and
        #: importing the app takes a core for a second or more, and the tab's first answers need it.
        self.refill_after = refill_after
        self._refill: Any = None
        self._process: Any = None
        self._born = 0.0
        self._spawning: Any = None
        self.closed = False

    def _environment(self) -> dict[str, str]:
        from types import SimpleNamespace

        from textual_serve.app_service import AppService

        # textual-serve's own environment for an app (web driver, colours); the size in it is not
        # used: the process waits for its tab's size (``wait_for_size``).
        return AppService._build_environment(SimpleNamespace(debug=False), 80, 24)  # type: ignore[arg-type]

    async def _spawn(self) -> None:
        import asyncio
        import time

        # Started directly, not through a shell as textual-serve does: killing it must kill Python
        # itself, or the pipes stay open and the server cannot finish shutting down.
        process = await asyncio.create_subprocess_exec(
            *shlex.split(self.command), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._environment())
        if self.closed:
            self._kill(process)
            return
        self._process, self._born = process, time.monotonic()

    def start(self) -> None:
        """Start the next warm process in the background (no-op if one is on its way)."""
        import asyncio

        if self.closed or (self._spawning is not None and not self._spawning.done()):
            return
        self._spawning = asyncio.get_running_loop().create_task(self._spawn())

    async def take(self) -> Any:
        """The warm process for a tab (and start the next), or None: the tab starts its own."""
        import time

        if self._spawning is not None and not self._spawning.done():
            await self._spawning
        import asyncio

        process, born, self._process = self._process, self._born, None
        if self._refill is not None:
            self._refill.cancel()  # tabs opening in a burst: start the next one after the last
        self._refill = asyncio.get_running_loop().call_later(self.refill_after, self.start)
        if process is None:
            return None
        if process.returncode is not None or time.monotonic() - born > self.max_age:
            self._kill(process)
            return None
        return process

    @staticmethod
    def _kill(process: Any) -> None:
        if process.returncode is None:
            try:
                process.kill()
            except ProcessLookupError:
                pass

    async def close(self) -> None:
        self.closed = True
        if self._refill is not None:
            self._refill.cancel()
        if self._spawning is not None and not self._spawning.done():
            await self._spawning
        if self._process is not None:
            import asyncio

            self._kill(self._process)
            try:
                await asyncio.wait_for(self._process.wait(), 5)
            except asyncio.TimeoutError:
                pass  # killed all the same; do not hold up the shutdown
            self._process = None


def make_server(settings: ServeSettings, out: TextIO | None = None, warm: bool = True) -> Any:
    """A textual-serve ``Server`` for the assistant, with the page and the checks above."""
    import asyncio

    import textual_serve
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    static_dir = Path(textual_serve.__file__).resolve().parent / "static"
    stream = out or sys.stdout

    @web.middleware
    async def guard(request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        host = request.headers.get("Host", "")
        if not allowed_host(host, settings):
            return web.Response(status=421, text="This server only answers requests addressed to this machine.")
        if request.path == "/ws" and not same_origin(request.headers.get("Origin"), host):
            return web.Response(status=403, text="The assistant can only be opened from its own page.")
        response = await handler(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    pool = WarmApp(settings.app_command(warm=True)) if warm and settings.warm else None

    class WarmAppService(AppService):
        async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
            process = await pool.take() if pool is not None else None
            if process is None:
                return await super()._open_app_process(width, height)
            self._process, self._stdin = process, process.stdin
            # The warm process has imported everything and built the app; it starts drawing, at
            # this tab's size, when it reads this first packet.
            await self.set_terminal_size(width, height)
            return process

    class AssistantServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(guard)
            app.router.add_static("/assets", WEB_DIR, name="assets")
            return app

        async def on_shutdown(self, app: web.Application) -> None:
            if pool is not None:
                await pool.close()

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve's handler (1.1.3), with the app process taken from the warm pool."""
            websocket = web.WebSocketResponse(heartbeat=15)
            width = _to_int(request.query.get("width", "80"), 80)
            height = _to_int(request.query.get("height", "24"), 24)
            app_service: AppService | None = None
            try:
                await websocket.prepare(request)
                app_service = WarmAppService(self.command, write_bytes=websocket.send_bytes,
                                             write_str=websocket.send_str, close=websocket.close,
                                             download_manager=self.download_manager, debug=self.debug)
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # textual-serve logs and carries on serving other tabs
                import logging

                logging.getLogger("textual-serve").exception(error)
            finally:
                if app_service is not None:
                    await app_service.stop()
            return websocket

        async def on_startup(self, app: web.Application) -> None:
            if pool is not None:
                pool.start()
            url = local_url(settings.host, settings.port)
            print(f"The ILR assistant is at {url} - open it in a browser on this machine.", file=stream)
            if settings.remote:
                print(f"Other machines reach it at http://<this machine's address>:{settings.port}.", file=stream)
            print("Each browser tab is its own conversation. Press Ctrl+C here to stop.", file=stream,
                  flush=True)
            if settings.open_browser:
                import asyncio
                import webbrowser

                asyncio.get_running_loop().run_in_executor(None, webbrowser.open, url)

    return AssistantServer(settings.app_command(), host=settings.host, port=settings.port, title=TITLE,
                           public_url=local_url(settings.host, settings.port), statics_path=static_dir,
                           templates_path=WEB_DIR)


def _to_int(value: str, default: int) -> int:
    try:
        return max(1, min(int(value), 1000))
    except ValueError:
        return default


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
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        print("ilr-assistant serve: textual-serve is not installed; install it with "
              "`pip install textual-serve` (it is a dependency of ilr-assistant).", file=err)
        return 2
    problem = port_problem(settings.host, settings.port)
    if problem:
        print(f"ilr-assistant serve: {problem}. Choose another with --port.", file=err)
        return 2
    make_server(settings, out).serve()
    return 0


# -- the app child (one per browser tab) ----------------------------------------------------

def browser_copy(text: str) -> None:
    """The copy already went to the browser (OSC 52 through the web driver); nothing more to do.

    On 127.0.0.1 or localhost the page is a secure context, where the browser's
    clipboard API works; the server's own clipboard (pyperclip) is not the user's.
    """


def css_of(cls: type) -> list[str]:
    """``cls.CSS_PATH`` as absolute paths: Textual reads a relative CSS_PATH beside the module that
    defines the class, and the subclasses below live here, not beside their .tcss files."""
    import inspect

    paths = cls.CSS_PATH or []
    folder = Path(inspect.getfile(cls)).parent
    return [str(folder / p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]


def served_app(year: str | None = None, remote: bool = False) -> Any:
    """The terminal app, with export also offered as a download and copy going to the browser."""
    from .tui.app import AssistantApp
    from .tui.guard import guarded
    from .tui.screens.main import MainScreen

    class ServedMainScreen(MainScreen):
        CSS_PATH = css_of(MainScreen)

        @guarded
        async def action_export(self) -> None:
            before = getattr(self, "last_export", None)
            await MainScreen.action_export(self)
            path = getattr(self, "last_export", None)
            if path is None or path == before or not self.app.is_web:
                return
            self.app.deliver_text(path, save_filename=path.name, open_method="download",
                                  mime_type="text/markdown", encoding="utf-8")
            await self.note(f"Your browser is also downloading it as `{path.name}` (the same redacted text). "
                            "If nothing appears, allow pop-ups and downloads from this page.")

    class ServedApp(AssistantApp):
        CSS_PATH = css_of(AssistantApp)
        MAIN_SCREEN = ServedMainScreen

    # Over plain HTTP to another machine the browser has no clipboard API: say so, as a terminal would.
    return ServedApp(year=year, system_copy=None if remote else browser_copy)


def watch_parent(every: float = 2.0) -> None:
    """End this app process if the server that started it is gone (killed, not stopped).

    Textual's web driver does not exit when its input closes, and an app that no browser can
    reach any more would otherwise run (holding whatever was pasted into it) until the machine
    restarts. Nothing is lost: the tab that showed it can no longer reach it either.
    """
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(every)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="watch-server", daemon=True).start()


def wait_for_size(fd: int = 0) -> tuple[int, int] | None:
    """Read the first packet textual-serve sends (its framing: kind, 4-byte big-endian length,
    payload) straight from the file descriptor, leaving the rest for Textual's web driver; the
    tab's size if it is a resize, None if the server closed or sent anything else."""
    import json
    import os

    def exactly(n: int) -> bytes | None:
        data = b""
        while len(data) < n:
            chunk = os.read(fd, n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    head = exactly(5)
    payload = exactly(int.from_bytes(head[1:5], "big")) if head else None
    if head is None or payload is None or head[:1] != b"M":
        return None
    try:
        meta = json.loads(payload)
        if meta.get("type") != "resize":
            return None
        return int(meta["width"]), int(meta["height"])
    except (ValueError, KeyError, TypeError):
        return None


def run_child(argv: Sequence[str]) -> int:
    import os

    parser = argparse.ArgumentParser(prog="assistant.faces.serve")
    parser.add_argument("--child", action="store_true", required=True)
    parser.add_argument("--warm", action="store_true", help="built ahead: wait for the tab's size first")
    parser.add_argument("--year")
    parser.add_argument("--remote", action="store_true")
    args = parser.parse_args(argv)
    watch_parent()
    try:
        app = served_app(args.year, args.remote)
    except Exception as exc:  # a bad --year or unreadable knowledge: say so in the server's log
        print(f"ilr-assistant: cannot start: {exc}", file=sys.stderr)
        return 2
    if args.warm:
        size = wait_for_size()
        if size is None:
            return 0  # the server let it go unused
        os.environ["COLUMNS"], os.environ["ROWS"] = str(size[0]), str(size[1])  # read by the web driver
    result = app.run()
    return app.return_code if app.return_code is not None else (result or 0)


if __name__ == "__main__":
    sys.exit(run_child(sys.argv[1:]))
