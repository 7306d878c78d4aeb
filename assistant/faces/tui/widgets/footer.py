"""The footer of key bindings, wrapping onto two rows on a narrow screen.

Eleven bindings do not fit on one 80-column line, and the issue asks for
back, change, restart, help and quit to be *shown*, so at narrow widths the
footer becomes a two-row grid (the screen drops its header to pay for it).
The footer is rebuilt only when the keys it shows change: Textual rebuilds it
on every change of focus, which cost most of F2's time.
"""

from __future__ import annotations

import math
from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class WrappingFooter(Footer):
    """The stock footer; on a narrow screen (``-narrow``) its keys wrap onto two rows (the screen's CSS)."""

    #: Rows used when the screen is narrow (the ``-narrow`` class on the screen).
    NARROW_ROWS = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple[tuple[str, str, bool], ...] | None = None

    def _shown_keys(self, screen: Screen[Any]) -> tuple[tuple[str, str, bool], ...]:
        return tuple((binding.key, binding.description, enabled)
                     for _, binding, enabled, _ in screen.active_bindings.values() if binding.show)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        shown = self._shown_keys(screen) if screen.app.app_focus else None
        if shown is not None and shown == self._shown and self._bindings_ready:
            return
        self._shown = shown
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        # The stock footer sets one grid column per key; ask for half as many so they wrap.
        plain = [k for k in keys if not k.has_class("-command-palette")]
        self.styles.grid_size_columns = max(1, math.ceil(len(plain) / self.NARROW_ROWS))
        yield from keys
