"""The app behind one browser tab: ``python -m assistant.faces.tui.served_app --child``.

textual-serve starts this for each tab, with Textual's web driver. It is the
terminal app (``AssistantApp``) with two differences: export is also offered
as a download in the browser, and copy goes to the browser's clipboard (the
server's own clipboard, pyperclip's, is not the user's). ``--warm``: started
ahead of its tab, it builds the app and then waits for the tab's size before
it starts drawing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:  # Textual is imported only when the app is built
    from textual.app import App
    from textual.screen import Screen


def browser_copy(text: str) -> None:
    """The copy already went to the browser (OSC 52 through the web driver); nothing more to do.

    On 127.0.0.1 or localhost the page is a secure context, where the browser's
    clipboard API works; the server's own clipboard (pyperclip) is not the user's.
    """


def css_of(cls: type[App[Any]] | type[Screen[Any]]) -> list[str | PurePath]:
    """``cls.CSS_PATH`` as absolute paths: Textual reads a relative CSS_PATH beside the module that
    defines the class, and the subclasses below live here, not beside their .tcss files."""
    import inspect

    paths = cls.CSS_PATH or []
    folder = Path(inspect.getfile(cls)).parent
    return [str(folder / p) for p in ([paths] if isinstance(paths, (str, PurePath)) else paths)]


def served_app(year: str | None = None, remote: bool = False) -> Any:
    """The terminal app, with export also offered as a download and copy going to the browser."""
    from .app import AssistantApp
    from .guard import guarded
    from .screens.main import MainScreen

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
                            "If nothing appears, allow downloads from this page.")

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
