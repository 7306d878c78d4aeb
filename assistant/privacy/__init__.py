"""Redaction: the one place that decides what personal data looks like.

Every export (transcripts, reports, bug bundles) and every log line goes
through :func:`redact_text` (free text that may hold pasted XML) or
:func:`redact_xml` (a parsed tree, or XML text), so there is a single list of
personal fields to keep right. The list follows the personal-data tiers in
``research/ilr-xml.md`` §2:

* Tier A, always replaced: names, date of birth, ULN (except the
  ``9999999999`` placeholder), NI number, address lines, home postcodes,
  phone, email, UCAS ids, student support number, HE postcode, XML comments
  and provider-specific monitoring free text. ``LearnRefNumber`` and
  ``PrevLearnRefNumber`` become a stable alias (``L#1``, ``L#2`` …) so that an
  export can still say which record is which.
* Tier B, removed: ethnicity, sex, health and disability, learner FAMs,
  employment-status monitoring, employer ids, prior attainment levels and
  grades, HE socio-economic fields. The dates the rules need
  (``DateEmpStatApp``, ``DateLevelApp``) stay.
* Tier C (aims, codes, learning dates, FAMs, ``ConRefNumber``) stays: it is
  what a diagnosis is about, and it is never touched by the patterns below.

Values are also caught outside tags, because people type them: anything that
looks like an NI number, email, UK postcode (the delivery-site postcode
included: for workplace delivery it is an employer's address), UK phone
number, ULN or street address (a house number, capitalised words and a street
word: "10 Downing Street"); a date after "DOB" or "born"; a name after "learner", "Mr" or
"called", or before "'s ULN"; ``FamilyName: Smith`` typed or pasted from a
report; and any value already seen in a tag anywhere in the same export.
The patterns err towards removing too much: a stray ``[postcode]`` is
harmless, a leaked one is not.

A :class:`Redactor` holds the alias map and the values seen, so that one
export redacts consistently; the module functions make a fresh one per call
unless given one. Every scan is linear in the input (bounded windows, no
nested unbounded repetition), so a hostile 50 MB paste cannot hang an export.

The pieces, one module each: which fields are personal (tiers.py); the
patterns that recognise a personal value typed outside tags (recognisers.py);
the scan of XML text for personal tags and comments (tags.py); what one
export has seen, learner aliases and values to catch again (memory.py); and
the redaction pass over text or a tree (redactor.py). This module is the
interface every export and log handler uses.
"""

from __future__ import annotations

import logging
from typing import overload

from lxml import etree

from .redactor import Redactor

__all__ = ["RedactingFilter", "Redactor", "redact_text", "redact_xml"]


def redact_text(text: str, redactor: Redactor | None = None) -> str:
    """Free text (transcript, log line, pasted XML) with personal data replaced.

    Pass the export's :class:`Redactor` to keep learner aliases stable across calls.
    """
    return (redactor or Redactor()).text(text)


@overload
def redact_xml(source: str, redactor: Redactor | None = None) -> str: ...
@overload
def redact_xml(source: etree._Element, redactor: Redactor | None = None) -> etree._Element: ...


def redact_xml(source: str | etree._Element, redactor: Redactor | None = None) -> str | etree._Element:
    """A redacted copy of a parsed tree, or of XML text (same type out as in)."""
    return (redactor or Redactor()).xml(source)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record's message before any handler sees it.

    Attach it to a handler (``handler.addFilter(RedactingFilter())``) so that
    no log file ever holds a pasted name or ULN.
    """

    def __init__(self, redactor: Redactor | None = None):
        super().__init__()
        self.redactor = redactor or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.text(record.getMessage())
        record.args = None
        return True
