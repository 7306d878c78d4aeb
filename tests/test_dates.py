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


def test_today_and_yesterday_need_a_today():
    assert parse_date("today", today=date(2023, 1, 15)).value == date(2023, 1, 15)
    assert parse_date("yesterday", today=date(2023, 1, 15)).value == date(2023, 1, 14)
    assert parse_date("today").error


def test_say_is_uk_style():
    assert say(date(2022, 12, 1)) == "1 December 2022"
