"""The footer of key bindings, wrapping onto two rows on a narrow screen.

Eleven bindings do not fit on one 80-column line, and the issue asks for
back, change, restart, help and quit to be *shown*, so at narrow widths the
footer becomes a two-row grid (the screen drops its header to pay for it).
"""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.widgets import Footer


class WrappingFooter(Footer):
    """The stock footer; on a narrow screen (``-narrow``) its keys wrap onto two rows (the screen's CSS)."""

    #: Rows used when the screen is narrow (the ``-narrow`` class on the screen).
    NARROW_ROWS = 2

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        # The stock footer sets one grid column per key; ask for half as many so they wrap.
        plain = [k for k in keys if not k.has_class("-command-palette")]
        self.styles.grid_size_columns = max(1, math.ceil(len(plain) / self.NARROW_ROWS))
        yield from keys
