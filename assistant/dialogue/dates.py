"""Reading the dates people type: UK day-first first, ISO always, US only on confirmation.

Data staff type `20/12/2022`, `20-12-22`, `20 Dec 2022` or paste `2022-12-20`
from the XML. The forum thread also shows `2/25/2023`, a date that only makes
sense month-first: we never silently read it that way but ask the user to
confirm, because a wrong date silently moves a milestone. An impossible date
(`31/02/2023`) is refused with the reason, never "corrected". A date relative to a day ("yesterday", "last
Tuesday") or one with no year ("13th Dec") has a reading only against a day or a year the user has not seen: it
is offered with that reading and confirmed, never used as read.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .reading import is_command, is_dont_know

MONTHS: dict[str, int] = {}
for _i in range(1, 13):
    MONTHS[calendar.month_name[_i].lower()] = _i
    MONTHS[calendar.month_abbr[_i].lower()] = _i
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)} | {calendar.day_abbr[i].lower(): i for i in range(7)}
WEEKDAYS |= {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}

#: Bootcamp dates outside these years are certainly typing mistakes.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099

#: Longer than any way of writing a date ("Wednesday 20th of December 2022" is 31). Longer text is
#: refused before the patterns run: the ordinal pattern backtracks on long runs of digits, and the
#: TUI checks the answer box on every keystroke.
MAX_DATE_CHARS = 40

_NUMERIC = re.compile(r"^(\d{1,4})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{1,4})$")
_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)\b")
_LAST_WEEKDAY = re.compile(r"(?:on\s+)?(?:last|this\s+past|the\s+last|previous)\s+([a-z]+)")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s*([/\-.])\s*(\d{1,2})$")


@dataclass(frozen=True)
class DateReading:
    """What a typed date means.

    Exactly one of: ``value`` (understood), ``confirm`` (only a US month-first
    reading is valid: ask before using it), ``error`` (refused, with the reason),
    ``word`` (a command or "don't know": for the session, not a date).
    """

    value: date | None = None
    confirm: date | None = None
    #: Why ``confirm`` must be confirmed when it is not a US reading: the day it is counted from, or the year
    #: taken for a date typed without one ("counted back from 31 March 2025").
    confirm_why: str = ""
    error: str | None = None
    #: Not a date but words the conversation understands at a date question: a command (`why`,
    #: `back`, `change …`) or "don't know". A face's date box lets these through to the session.
    word: str | None = None


def confirm_question(text: str, reading: DateReading) -> str:
    """The question that confirms a reading the user has not seen yet (US order, a relative day, no year)."""
    d = reading.confirm
    assert d is not None
    shown = f"**{say(d)}** ({d.isoformat()})"
    if reading.confirm_why.startswith("counted"):
        return (f"'{text}' depends on the day it is counted from. {reading.confirm_why[0].upper()}"
                f"{reading.confirm_why[1:]} (the file preparation date, which may not be today), it is {shown}. "
                "Is that the date?")
    if reading.confirm_why:
        return f"'{text}' has no year; {reading.confirm_why.removeprefix('no year given: ')} it is {shown}. Is that the date?"
    return f"'{text}' only makes sense month first (US style). Did you mean {shown}?"


def say(day: date) -> str:
    """A date as a UK reader says it: 20 December 2022 (no leading zero)."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _year(text: str) -> int:
    value = int(text)
    if len(text) <= 2:
        return 2000 + value if value <= 69 else 1900 + value
    return value


def _why_not(year: int, month: int, day: int) -> str | None:
    """None if the date exists, else the reason in plain words."""
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if day < 1:
        return "a day of the month starts at 1"
    last = calendar.monthrange(year, month)[1]
    if day > last:
        return f"{calendar.month_name[month]} {year} has {last} days"
    return None


def _range_error(day: date) -> str | None:
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return f"{say(day)} is not a plausible bootcamp date; check the year"
    return None


def _checked(text: str, year: int, month: int, day: int) -> DateReading:
    reason = _why_not(year, month, day)
    if reason:
        return DateReading(error=f"'{text}' is not a real date: {reason}")
    found = date(year, month, day)
    problem = _range_error(found)
    return DateReading(error=problem) if problem else DateReading(value=found)


def _ilr_year_of(month: int, ilr_year: str | None) -> int | None:
    """The calendar year a month falls in within an ILR year ("2024-25": August 2024 to July 2025)."""
    if not ilr_year or not re.fullmatch(r"\d{4}-\d{2}", ilr_year):
        return None
    first = int(ilr_year[:4])
    return first if month >= 8 else first + 1


def _relative(t: str, today: date | None) -> DateReading | None:
    """'today', 'yesterday', 'last Tuesday': a reading counted from ``today``, to be confirmed."""
    back: int | None = None
    if t == "today":
        back = 0
    elif t == "yesterday":
        back = 1
    else:
        m = _LAST_WEEKDAY.fullmatch(t)
        if m is None or m.group(1) not in WEEKDAYS:
            return None
        back = (today.weekday() - WEEKDAYS[m.group(1)]) % 7 or 7 if today else 0
    if today is None:
        return DateReading(error=f"'{t}' is counted from a day I don't know; type the date itself, like 20/12/2022")
    day = today - timedelta(days=back)
    return DateReading(confirm=day, confirm_why=f"counted back from {say(today)}, the session's date")


def _yearless(raw: str, words: list[str], ilr_year: str | None) -> DateReading | None:
    """'13th Dec', 'December 13', '13/12': the day and month, with the year the ILR year puts them in (confirmed)."""
    numeric = _DAY_MONTH.match(raw.strip())
    if numeric:
        day, month = int(numeric.group(1)), int(numeric.group(3))
    elif len(words) == 2 and words[0].isdecimal() and words[1] in MONTHS:
        day, month = int(words[0]), MONTHS[words[1]]
    elif len(words) == 2 and words[0] in MONTHS and words[1].isdecimal():
        day, month = int(words[1]), MONTHS[words[0]]
    else:
        return None
    year = _ilr_year_of(month, ilr_year) if 1 <= month <= 12 else None
    if year is None:
        return DateReading(error=f"'{raw}' has no year; write it like 20 Dec 2022")
    reason = _why_not(year, month, day)
    if reason:
        return DateReading(error=f"'{raw}' is not a real date: {reason}")
    first = int(str(ilr_year)[:4])
    return DateReading(confirm=date(year, month, day),
                       confirm_why=f"no year given: in the {ilr_year} ILR year (August {first} to July {first + 1})")


def parse_date(text: str, today: date | None = None, ilr_year: str | None = None) -> DateReading:
    """Read a typed date. Never raises; unreadable text gets an error saying what works.

    ``today`` is the day relative words count from, ``ilr_year`` the year a date typed without one falls in;
    either reading comes back as ``confirm`` (with ``confirm_why``), never as a value used unseen.
    """
    raw = text.strip()
    t = raw.lower().strip(" .,")
    if not t:
        return DateReading(error="no date was given")
    if is_command(raw) or is_dont_know(raw):
        return DateReading(word=raw)
    if len(t) > MAX_DATE_CHARS:
        return DateReading(error=f"that is {len(t):,} characters, too long to be a date; write it like 20/12/2022, "
                                 "20 Dec 2022 or 2022-12-20")
    relative = _relative(" ".join(t.split()), today)
    if relative is not None:
        return relative
    m = _NUMERIC.match(t)
    if m:
        a, b, c = m.group(1), m.group(3), m.group(4)
        if len(a) == 4:  # ISO order: year first
            return _checked(raw, int(a), int(b), int(c))
        if len(c) not in (2, 4):
            return DateReading(error=f"'{raw}' has a {len(c)}-digit year; write the year as 2022 or 22")
        year = _year(c)
        day, month = int(a), int(b)
        uk = _why_not(year, month, day)
        if uk is None:
            return _checked(raw, year, month, day)
        us = _why_not(year, day, month)
        if us is None and month > 12:
            found = date(year, day, month)
            problem = _range_error(found)
            return DateReading(error=problem) if problem else DateReading(confirm=found)
        return DateReading(error=f"'{raw}' is not a real date: {uk}")
    words = _ORDINAL.sub(r"\1", t.replace(",", " ").replace(" of ", " "))
    parts = words.split()
    yearless = _yearless(raw, parts, ilr_year)
    if yearless is not None:
        return yearless
    if len(parts) == 3:
        if parts[0].isdecimal() and parts[1] in MONTHS and parts[2].isdecimal():
            return _checked(raw, _year(parts[2]), MONTHS[parts[1]], int(parts[0]))
        if parts[0] in MONTHS and parts[1].isdecimal() and parts[2].isdecimal():
            return _checked(raw, _year(parts[2]), MONTHS[parts[0]], int(parts[1]))
        if parts[1][:3] in MONTHS or parts[0][:3] in MONTHS:
            name = parts[1] if parts[1][:3] in MONTHS else parts[0]
            return DateReading(error=f"'{name}' is not a month name I know; write it like 20 Dec 2022")
    return DateReading(error=f"'{raw}' is not a date I can read; write it like 20/12/2022, 20 Dec 2022 or 2022-12-20")
