"""Typed dates: UK day-first, ISO, words; US-only dates are confirmed; impossible dates refused with a reason."""

from datetime import date

import pytest

from assistant.dialogue.dates import parse_date, say


@pytest.mark.parametrize("text, expected", [
    ("20/12/2022", date(2022, 12, 20)),
    ("20-12-22", date(2022, 12, 20)),
    ("20.12.2022", date(2022, 12, 20)),
    ("20 Dec 2022", date(2022, 12, 20)),
    ("20 December 2022", date(2022, 12, 20)),
    ("20th Dec 2022", date(2022, 12, 20)),
    ("Dec 20, 2022", date(2022, 12, 20)),
    ("2022-12-20", date(2022, 12, 20)),
    ("2022/12/20", date(2022, 12, 20)),
    ("  1/8/2022 ", date(2022, 8, 1)),       # day first: 1 August, not 8 January
    ("2/3/23", date(2023, 3, 2)),            # ambiguous both ways: the UK reading, no question
    ("29/02/2024", date(2024, 2, 29)),       # a real leap day
    ("1 sept 2023", date(2023, 9, 1)),
])
def test_uk_and_iso_dates(text, expected):
    reading = parse_date(text)
    assert reading.value == expected and reading.error is None and reading.confirm is None


@pytest.mark.parametrize("text, expected", [
    ("2/25/2023", date(2023, 2, 25)),   # the forum thread's date: only valid month first
    ("12/31/22", date(2022, 12, 31)),
])
def test_us_only_dates_need_confirmation(text, expected):
    reading = parse_date(text)
    assert reading.value is None and reading.confirm == expected


@pytest.mark.parametrize("text, reason", [
    ("31/02/2023", "February 2023 has 28 days"),
    ("29/02/2023", "February 2023 has 28 days"),
    ("2023-13-01", "there is no month 13"),
    ("13/13/2023", "there is no month 13"),
    ("0/12/2022", "a day of the month starts at 1"),
    ("31 Apr 2023", "April 2023 has 30 days"),
    ("20 Decmber 2022", "not a month name"),
    ("20/12/1922", "not a plausible bootcamp date"),
    ("tomorrowish", "not a date I can read"),
    ("20/12/202", "3-digit year"),
    ("", "no date"),
])
def test_impossible_dates_are_refused_with_the_reason(text, reason):
    reading = parse_date(text)
    assert reading.value is None and reading.confirm is None
    assert reason in reading.error


def test_today_yesterday_and_last_tuesday_are_confirmed_never_used_as_read():
    """A day counted from the session's date (the file preparation date, which may not be today) is offered to
    be confirmed, like a US reading: never used before the user has seen it (review7 C03/C09)."""
    for text, want in (("today", date(2023, 1, 15)), ("yesterday", date(2023, 1, 14)),
                       ("last Tuesday", date(2023, 1, 10)), ("last sunday", date(2023, 1, 8))):
        reading = parse_date(text, today=date(2023, 1, 15))  # a Sunday
        assert reading.value is None and reading.confirm == want and "15 January 2023" in reading.confirm_why, text
    assert parse_date("today").error and parse_date("last Tuesday").error


@pytest.mark.parametrize("text", ["13th Dec", "13 December", "Dec 13", "13/12", "13th of December"])
def test_a_date_with_no_year_takes_the_ilr_year_and_is_confirmed(text):
    reading = parse_date(text, ilr_year="2024-25")
    assert reading.value is None and reading.confirm == date(2024, 12, 13) and "2024-25" in reading.confirm_why
    assert parse_date("3rd Sept", ilr_year="2024-25").confirm == date(2024, 9, 3)
    assert parse_date("10 Jan", ilr_year="2024-25").confirm == date(2025, 1, 10)
    assert "no year" in parse_date(text).error
    assert "not a real date" in parse_date("31 Apr", ilr_year="2024-25").error


def test_say_is_uk_style():
    assert say(date(2022, 12, 1)) == "1 December 2022"
