"""The Skills Bootcamp vocabulary, kept once: aim references, event kinds, aims and FAMs in words, status words.

Every other module (the model, the rules, the advice, the chat, the TUI, the
reports) imports these from here, so a new event aim or a renamed status is a
change in one place. A face chooses only a length (a table cell's short name,
or the full words), never words of its own. Sources: domain.md §2 (aim
references, PSM "Recording Skills Bootcamps"), §3 (the EVI cut-over,
R_152/R_154).
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
#: How a programme records its M2 event (the method, `rules.milestones.Method`), in words for every face.
METHOD_WORDS: dict[str, str] = {"event-aims": "event aims", "event-indicators": "event indicators (EVI)"}



def event_kind(ref: str | None) -> EventKind | None:
    """The kind of M2 event an aim reference records; "hgv" for any HGV event aim, None for other aims."""
    upper = (ref or "").strip().upper()
    for kind, aim in EVENT_AIM_FOR.items():
        if aim == upper:
            return kind  # type: ignore[return-value]
    return "hgv" if upper in HGV_EVENT_AIMS else None


# -- an aim and a FAM in words: one table, two lengths -------------------------------------------

#: What a bootcamp aim is: the programme aim, a subject learning aim, or an event aim of one kind.
AimKind = Literal["programme", "subject", "interview", "new-role", "self-employment", "hgv"]
#: Each kind of aim in words, (short, full): the short name fits a table cell (the TUI's record);
#: the full words go in sentences, headings and reports (the chat, `diagnose`, `explain`, the advice).
#: "event" names every event aim at once, for a report that counts them together.
AIM_WORDS: dict[str, tuple[str, str]] = {
    "programme": ("programme", "programme aim"),
    "subject": ("subject aim", "subject learning aim"),
    "event": ("event aim", "event aim"),
    "interview": ("event: offer", f"event aim: {EVENT_WORDS['interview'][0]}"),
    "new-role": ("event: new role", f"event aim: {EVENT_WORDS['new-role'][0]}"),
    "self-employment": ("event: self-emp.", f"event aim: {EVENT_WORDS['self-employment'][0]}"),
    "hgv": ("event: HGV", "HGV event aim"),
}


def aim_kind(ref: str | None, aim_type: str | None) -> AimKind | None:
    """What an aim is, from its LearnAimRef and AimType; None for an aim that is none of these.

    The programme aim is AimType 1 (ZPROG001); an event aim is known by its reference; any other
    AimType 3 aim is taken to be the subject learning aim (LARS category 62 cannot be checked offline).
    """
    if aim_type == "1" or (ref or "").strip().upper() == PROGRAMME_AIM_REF:
        return "programme"
    kind = event_kind(ref)
    if kind is not None:
        return kind
    return "subject" if aim_type == "3" else None


def aim_words(ref: str | None, aim_type: str | None, *, short: bool = False, events_as_one: bool = False) -> str:
    """What an aim is, in words: ``short`` for a table cell ("event: offer"), else in full ("event aim:
    interview offer"); ``events_as_one`` names every event aim "event aim" (counts that group them).
    An aim of no bootcamp kind is named by its AimType."""
    kind: str | None = aim_kind(ref, aim_type)
    if kind is None:
        return f"AimType {aim_type or '?'}"
    if events_as_one and kind not in ("programme", "subject"):
        kind = "event"
    return AIM_WORDS[kind][0 if short else 1]


def fam_words(code: str | None, date_from: date | str | None = None, fam_type: str | None = None) -> str:
    """A FAM as the ILR records it, the same in every face: its code ("(no code)" when it has none) and
    the date it applies from when it has one ("1 from 2025-09-01"), the date as the XML writes it. Beside
    a field that names the FAM type ("LearningDeliveryFAM EVI") that is all; on its own, ``fam_type``
    leads ("EVI 1 from 2025-09-01")."""
    text = " ".join(p for p in (fam_type, code or "(no code)") if p)
    when = date_from.isoformat() if isinstance(date_from, date) else date_from
    return f"{text} from {when}" if when else text


def field_words(field: str, fam_type: str | None = None, *, short: bool = False) -> str:
    """The field a change touches, a FAM named with its type: "Outcome", "LearningDeliveryFAM EVI" (``short``:
    "FAM EVI", for a table cell)."""
    if field != "LearningDeliveryFAM":
        return field
    return f"{'FAM' if short else 'LearningDeliveryFAM'} {fam_type or ''}".strip()


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
