"""Teaching years: "2024-25" runs from 1 August 2024 to 31 July 2025."""

from __future__ import annotations

import re
from datetime import date

_LONG = re.compile(r"^(\d{4})-(\d{2})$")
_SHORT = re.compile(r"^(\d{2})(\d{2})$")
_NAMESPACE = re.compile(r"(?:E?SFA)/ILR/(\d{4})-(\d{2})")


class YearError(ValueError):
    """A teaching year that cannot be read."""


def normalise_year(text: str) -> str:
    """Accept ``2024-25``, ``2024/25``, ``24-25`` or ``2425``; return ``2024-25``."""
    t = text.strip().replace("/", "-")
    m = _LONG.match(t)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
    else:
        m = _SHORT.match(t.replace("-", "")) if len(t.replace("-", "")) == 4 else None
        if not m:
            raise YearError(f"'{text}' is not a teaching year; write it like 2024-25")
        start, end = 2000 + int(m.group(1)), int(m.group(2))
    if (start + 1) % 100 != end:
        raise YearError(f"'{text}' is not a teaching year: the second part must be the year after the first")
    return f"{start}-{end:02d}"


def year_from_namespace(ns: str | None) -> str | None:
    if not ns:
        return None
    m = _NAMESPACE.search(ns)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def year_of(day: date) -> str:
    """The teaching year a date falls in."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def year_start(year: str) -> date:
    return date(int(year[:4]), 8, 1)


def year_end(year: str) -> date:
    return date(int(year[:4]) + 1, 7, 31)


def year_index(year: str) -> int:
    """The starting calendar year, for comparing teaching years."""
    return int(year[:4])
