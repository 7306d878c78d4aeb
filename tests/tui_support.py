"""Helpers for driving the Textual app under Pilot."""

from __future__ import annotations

#: How long a screen must stay unchanged to count as still, and how long to wait at most.
STILL_SECONDS = 0.15
STILL_LIMIT_SECONDS = 10.0


async def settle(pilot) -> None:
    """Let the app finish what the last keys started: the engine's turn runs in a worker (a thread)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until_still(pilot) -> None:
    """Wait until the screen stops changing (layout, landing after a refresh, scrolling).

    A fixed pause is enough on an idle machine and not on a busy CI runner, where the
    view may still be landing when the snapshot is taken; comparing two renders a
    moment apart waits exactly as long as the machine needs. Raises if the screen
    never settles, so a screen that keeps changing fails loudly instead of flaking.
    """
    await settle(pilot)
    step = STILL_SECONDS / 3
    before = pilot.app.export_screenshot()
    still_for = 0.0
    waited = 0.0
    while still_for < STILL_SECONDS:
        await pilot.pause(step)
        waited += step
        now = pilot.app.export_screenshot()
        still_for = still_for + step if now == before else 0.0
        before = now
        if waited > STILL_LIMIT_SECONDS:
            raise AssertionError(f"the screen kept changing for {STILL_LIMIT_SECONDS:.0f} s")
