"""Helpers for driving the Textual app under Pilot."""

from __future__ import annotations


async def settle(pilot) -> None:
    """Let the app finish what the last keys started: the engine's turn runs in a worker (a thread)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
