"""How long F2 (show / hide the record) takes after a long conversation, against a minimal Textual app.

Run: ``.venv/bin/python benchmarks/bench_tui.py [--turns 20 60 120] [--size 80x24]``

The time is what a user waits for: from the key to the screen being idle again
(Pilot's ``press`` then ``pause``, headless). The same is measured in the same
run on a minimal Textual app whose F2 toggles a class on one Static, so the
number left over is this app's own cost, whatever the machine's speed.
F2 must cost at most 100 ms more than the minimal app at any history length.
Not a test: timing on a shared machine is for reading, not asserting.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import date, datetime

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

AS_OF = date(2023, 1, 31)
BUDGET_MS = 100.0


class Minimal(App[None]):
    """The least a Textual app does on a key that toggles a class."""

    BINDINGS = [Binding("f2", "toggle", "Toggle")]
    CSS = "Static.-on { background: $primary; }"

    def compose(self) -> ComposeResult:
        yield Static("minimal", id="box")

    def action_toggle(self) -> None:
        self.query_one("#box").toggle_class("-on")


def long_session(turns: int):
    """A real session that has talked for ``turns`` exchanges (a conclusion, then questions about it)."""
    from assistant.dialogue.session import Session
    from tests.test_tui_flows import XML

    session = Session(year="2022-23", as_of=AS_OF)
    session.start()
    for text in (XML, "1", "2"):
        session.send(text)
    asked = ("why", "answers", "sources", "what is Outcome 8?", "help")
    for i in range(max(0, turns - 3)):
        session.send(asked[i % len(asked)])
    return session


async def time_key(app: App, key: str, repeats: int, size: tuple[int, int], ready=None) -> list[float]:
    """Milliseconds from pressing ``key`` to the app being idle, ``repeats`` times (after a warm-up)."""
    times: list[float] = []
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if ready is not None:
            await ready(pilot)
        await pilot.press(key)  # warm-up: first layouts, caches
        await pilot.pause()
        for _ in range(repeats):
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            times.append((time.perf_counter() - started) * 1000)
    return times


async def main(turns: list[int], size: tuple[int, int], repeats: int) -> int:
    from assistant.faces.tui.app import AssistantApp

    async def settled(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    base = statistics.median(await time_key(Minimal(), "f2", repeats, size))
    print(f"terminal {size[0]}x{size[1]}; median of {repeats} presses; minimal Textual app: {base:.1f} ms")
    print(f"{'turns':>6} {'messages':>9} {'F2 ms':>8} {'over minimal':>13}  within {BUDGET_MS:.0f} ms?")
    worst = 0.0
    for n in turns:
        session = long_session(n)
        app = AssistantApp(session, as_of=AS_OF, clock=lambda: datetime(2023, 1, 31, 10), system_copy=None)
        times = await time_key(app, "f2", repeats, size, ready=settled)
        median = statistics.median(times)
        over = median - base
        worst = max(worst, over)
        print(f"{n:>6} {len(session.transcript):>9} {median:>8.1f} {over:>13.1f}  {'yes' if over <= BUDGET_MS else 'NO'}")
    return 0 if worst <= BUDGET_MS else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, nargs="+", default=[5, 40, 120])
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--repeats", type=int, default=6)
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    raise SystemExit(asyncio.run(main(args.turns, (width, height), args.repeats)))
