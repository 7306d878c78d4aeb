"""The browser face's server: textual-serve, with the assistant's page, checks and a warm app.

The rules (which addresses, which headers) are in ``assistant.faces.serve``,
which has no Textual in it; this module puts them into textual-serve's aiohttp
server and manages the app processes behind the browser tabs:

* ``WarmApp`` keeps one app process started ahead of the next tab: a new tab
  would otherwise wait for Python to start and import the app (about 1.5 s).
* ``make_server`` subclasses textual-serve's ``Server`` (1.1.x): its own page
  template and assets (``assistant/faces/web``), a middleware that refuses
  requests not addressed to this machine and websockets from other sites and
  adds a Content-Security-Policy, and a websocket handler that takes the warm
  process.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TextIO

import textual_serve
from aiohttp import web
from aiohttp.typedefs import Handler
from textual_serve.app_service import AppService
from textual_serve.server import Server

from ..serve import (CONTENT_SECURITY_POLICY, TITLE, WARM_REFILL_AFTER, WEB_DIR, ServeSettings, allowed_host,
                     local_url, same_origin)


class WarmApp:
    """One app process started ahead of the next browser tab, so that the tab need not wait for it.

    It holds no data until a tab takes it (then a new one is started for the next tab). A process
    older than ``max_age`` is replaced rather than handed out: its screen so far, and its idea of
    today's date, are stale.
    """

    def __init__(self, argv: list[str], max_age: float = 600.0, refill_after: float = WARM_REFILL_AFTER) -> None:
        self.argv = argv
        self.max_age = max_age
        self.refill_after = refill_after
        self._refill: Any = None
        self._process: Any = None
        self._born = 0.0
        self._spawning: Any = None
        self.closed = False

    def _environment(self) -> dict[str, str]:
        # textual-serve's own environment for an app (web driver, colours); the size in it is not
        # used: the process waits for its tab's size (``wait_for_size``).
        return AppService._build_environment(SimpleNamespace(debug=False), 80, 24)  # type: ignore[arg-type]

    async def _spawn(self) -> None:
        # Started directly, not through a shell as textual-serve does: killing it must kill Python
        # itself, or the pipes stay open and the server cannot finish shutting down.
        process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._environment())
        if self.closed:
            self._kill(process)
            return
        self._process, self._born = process, time.monotonic()

    def start(self) -> None:
        """Start the next warm process in the background (no-op if one is on its way)."""
        if self.closed or (self._spawning is not None and not self._spawning.done()):
            return
        self._spawning = asyncio.get_running_loop().create_task(self._spawn())

    async def take(self) -> Any:
        """The warm process for a tab (and start the next), or None: the tab starts its own."""
        if self._spawning is not None and not self._spawning.done():
            await self._spawning
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
            self._kill(self._process)
            try:
                await asyncio.wait_for(self._process.wait(), 5)
            except asyncio.TimeoutError:
                pass  # killed all the same; do not hold up the shutdown
            self._process = None


def make_server(settings: ServeSettings, out: TextIO | None = None) -> Server:
    """A textual-serve ``Server`` for the assistant, with its own page, the checks and the warm app."""
    static_dir = Path(textual_serve.__file__).resolve().parent / "static"
    stream = out or sys.stdout

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
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

    pool = WarmApp(settings.app_argv(warm=True)) if settings.warm else None

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
                # textual-serve hints ``close`` as returning None; it awaits it and drops aiohttp's bool.
                app_service = WarmAppService(self.command, write_bytes=websocket.send_bytes,
                                             write_str=websocket.send_str,
                                             close=websocket.close,  # type: ignore[arg-type]
                                             download_manager=self.download_manager, debug=self.debug)
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # textual-serve logs and carries on serving other tabs
                logging.getLogger("textual-serve").exception(error)
            finally:
                if app_service is not None:
                    await app_service.stop()
            return websocket

        async def on_startup(self, app: web.Application) -> None:
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # a line per request is noise
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
