"""The Skills Bootcamp vocabulary, kept once: aim references, event kinds, milestone status words.

Every other module (the model, the rules, the advice, the chat, the TUI, the
reports) imports these from here, so a new event aim or a renamed status is a
change in one place. Sources: domain.md §2 (aim references, PSM "Recording
Skills Bootcamps"), §3 (the EVI cut-over, R_152/R_154).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

PROGRAMME_AIM_REF = "ZPROG001"

#: The three standard event aims (starts up to 31 July 2025), by the kind of M2 event each records.
EventKind = Literal["interview", "new-role", "self-employment", "hgv"]
EVENT_AIM_FOR: dict[str, str] = {
    "interview": "Z0059747",
    "new-role": "Z0059748",
    "self-employment": "Z0059749",
}
STANDARD_EVENT_AIMS: frozenset[str] = frozenset(EVENT_AIM_FOR.values())
#: Each kind in words, and the day its event aim is dated (the offer, or the plan received: domain §2).
EVENT_WORDS: dict[str, tuple[str, str]] = {
    "interview": ("interview offer", "the day the interview was offered"),
    "new-role": ("new role or responsibilities with the existing employer", "the day the new role was offered"),
    "self-employment": ("self-employment plan", "the day the plan was received"),
}
#: HGV event aims (starts from 1 August 2024); their meanings are not published.
HGV_EVENT_AIMS: frozenset[str] = frozenset(
    {"Z0060439", "Z0009541", "Z0060440", "Z0060441", "Z0060442", "Z0060443"}
)
EVENT_AIMS: frozenset[str] = STANDARD_EVENT_AIMS | HGV_EVENT_AIMS
#: Programmes whose earliest start is on or after this date record events as EVI FAMs, not event aims.
EVI_CUTOVER = date(2025, 8, 1)

#: Short names for event aims, as a table cell shows them.
EVENT_AIM_NAMES: dict[str, str] = {
    "Z0059747": "event: offer",
    "Z0059748": "event: new role",
    "Z0059749": "event: self-emp.",
}


def event_kind(ref: str | None) -> EventKind | None:
    """The kind of M2 event an aim reference records; "hgv" for any HGV event aim, None for other aims."""
    upper = (ref or "").strip().upper()
    for kind, aim in EVENT_AIM_FOR.items():
        if aim == upper:
            return kind  # type: ignore[return-value]
    return "hgv" if upper in HGV_EVENT_AIMS else None


#: Milestone statuses. ``not-yet``: may still be earned; ``not-payable``: the record says it cannot be
#: earned (withdrawn before the event, six months passed with no event, Outcome 3 after the window).
Status = Literal["payable", "blocked", "not-yet", "not-payable", "unknown"]
STATUS_ORDER: tuple[str, ...] = ("payable", "blocked", "not-yet", "not-payable", "unknown")
#: One set of words for every face (chat, TUI, reports).
STATUS_WORDS: dict[str, str] = {
    "payable": "can pay",
    "blocked": "blocked",
    "not-yet": "not yet due",
    "not-payable": "will not pay",
    "unknown": "can't tell",
}
STATUS_MARKS: dict[str, str] = {"payable": "✔", "blocked": "✘", "not-yet": "…", "not-payable": "–", "unknown": "?"}
#: Which status wins when one learner has several bootcamps (the most urgent first).
STATUS_URGENCY: dict[str, int] = {"blocked": 0, "not-yet": 1, "unknown": 2, "not-payable": 3, "payable": 4}
