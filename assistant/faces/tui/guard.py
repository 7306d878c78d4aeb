"""Handlers that cannot end the app: an exception becomes a message in the conversation.

Whatever a user types or pastes, the worst outcome must be a sentence saying
what went wrong, with the conversation intact. Every handler that touches the
session or the clipboard or the disk is wrapped with ``@guarded``.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a (sync or async) method of a widget or screen; report failures via the app."""

    @functools.wraps(fn)
    async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(self, *args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return result
        except Exception as exc:  # the point: nothing escapes to Textual's crash screen
            report = getattr(self.app, "report_problem", None)
            if report is None:
                raise
            await report(exc, doing=fn.__name__.strip("_").replace("_", " "))
            return None

    return wrapper
