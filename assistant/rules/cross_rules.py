"""Checks across a learner's aims (the "Cross Record Rules" sheet).

The rules group aims by ConRefNumber (some also by FundModel and ProgType).
Several need LARS category 62 ("subject learning aim"), which the assistant
cannot look up offline; it takes every AimType 3 aim that is not an event aim
to be a subject aim, and the explanation of those rules says so.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Iterable, Iterator

from ..ilr.model import Delivery, Learner, Programme, programmes
from ..ilr.vocabulary import AIM_WORDS, STANDARD_EVENT_AIMS
from ..ilr.years import year_of
from .base import Context, Hit, fmt, rule

#: Fields that decide which aims belong together and in what role (and, for
#: programme aims, which is earliest or latest). While one of them is unreadable
#: the cross-record rules cannot tell what they are comparing; the Schema finding
#: reports the value and these rules wait for it rather than guess.
STRUCTURE = ("AimType", "FundModel", "ProgType")


def evi_year(ctx: Context) -> bool:
    """From the teaching year of the EVI cut-over, the event-aim rules were limited to earlier starts."""
    return ctx.year_at_least(year_of(ctx.date("evi_cutover")))


def _pt32(learner: Learner) -> tuple[Delivery, ...]:
    return learner.pt32_deliveries


def _key(d: Delivery) -> tuple[str | None, str | None, str | None]:
    return (d.fund_model, d.prog_type, d.con_ref_number)


def _hit(d: Delivery, field: str | None, detail: str, fam_type: str | None = None) -> Hit:
    return Hit(d.seq if "AimSeqNumber" not in d.problems else None, field, detail, d.con_ref_number, fam_type)


def _unsure(learner: Learner, con_ref: str | None) -> bool:
    """True when an aim on this contract has an unreadable structural field or programme start."""
    return con_ref in _unsure_contracts(learner)


def _unsure_contracts(learner: Learner) -> set[str | None]:
    """Every contract with an unsure aim, in one pass (asked once per aim, a pass each was quadratic)."""
    return {d.con_ref_number for d in learner.deliveries
            if d.problems and (any(f in d.problems for f in STRUCTURE)
                               or ("LearnStartDate" in d.problems and not d.is_component))}


def _keyed(learner: Learner) -> tuple[Programme, ...]:
    """ProgType 32 aims grouped by FundModel, ProgType and ConRefNumber (R_135/136/140/143)."""
    return learner.pt32_programmes  # grouped by _key, once per learner


def _unpartnered(learner: Learner, aim_type: str, partner_type: str, partner: str) -> Iterable[Hit]:
    """Aims of one type with no aim of the partner type sharing FundModel, ProgType and ConRefNumber."""
    keys = {_key(d) for d in _pt32(learner) if d.aim_type == partner_type}
    unsure = _unsure_contracts(learner)
    for d in _pt32(learner):
        if d.aim_type == aim_type and _key(d) not in keys and d.con_ref_number not in unsure:
            yield _hit(d, "ConRefNumber", f"no {partner} has FundModel {fmt(d.fund_model)}, ProgType 32 and "
                                          f"ConRefNumber {fmt(d.con_ref_number)} like {d.learn_aim_ref}")


@rule("R_135")
def r135(learner: Learner, ctx: Context) -> Iterable[Hit]:
    yield from _unpartnered(learner, "3", "1", AIM_WORDS["programme"][1])


@rule("R_136")
def r136(learner: Learner, ctx: Context) -> Iterable[Hit]:
    yield from _unpartnered(learner, "1", "3", "component aim")


@rule("R_138")
def r138(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """Per the rule's letter: each completed programme aim (CompStatus 2) is in error when the
    *latest* programme aim (same ConRefNumber) has no AchDate and the learner has no event aim;
    the six-month exclusion and the 2025-26 start limit are judged on the completed aim itself."""
    has_event = any((d.learn_aim_ref or "").upper() in STANDARD_EVENT_AIMS for d in learner.deliveries)
    if has_event:
        return
    for prog in programmes(learner):
        latest = prog.latest_programme_aim
        if latest is None or latest.ach_date is not None or "AchDate" in latest.problems:
            continue
        if _unsure(learner, prog.con_ref):
            continue
        for p in prog.programme_aims:
            if p.prog_type != "32" or p.comp_status != "2" or "LearnActEndDate" in p.problems:
                continue
            if evi_year(ctx) and (p.learn_start_date is None or p.learn_start_date > ctx.date("event_aims_until")):
                continue  # version 3 (2025-26 on): only programmes started up to 31 July 2025
            if p.learn_act_end_date and ctx.as_of > ctx.add_six_months(p.learn_act_end_date):
                continue
            whose = "with no AchDate" if p is latest else f"and the latest programme aim, {latest.label()}, has no AchDate"
            yield _hit(p, "AchDate", f"the programme aim is completed (CompStatus 2) {whose}, and the learner "
                                     "has no event aim (Z0059747, Z0059748 or Z0059749)")


def _closed(d: Delivery) -> bool:
    return d.learn_act_end_date is not None


@rule("R_139")
def r139(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for prog in programmes(learner):
        if _unsure(learner, prog.con_ref):
            continue
        # An unreadable end date on a subject aim may well close it: Schema reports it.
        if any(_closed(s) or "LearnActEndDate" in s.problems for s in prog.subject_aims):
            continue
        for p in prog.programme_aims:
            if p.prog_type == "32" and p.comp_status == "2":
                yield _hit(p, "CompStatus", f"the programme aim is completed but no subject learning aim with ConRefNumber "
                                            f"{fmt(prog.con_ref)} has a LearnActEndDate")


@rule("R_140")
def r140(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for group in _keyed(learner):
        latest = group.latest_programme_aim
        if latest is None or not _closed(latest) or _unsure(learner, group.con_ref):
            continue
        for c in group.components:
            if not _closed(c) and "LearnActEndDate" not in c.problems:
                yield _hit(c, "LearnActEndDate", f"the programme aim ended {fmt(latest.learn_act_end_date)} but "
                                                 f"{c.learn_aim_ref} has no LearnActEndDate")


@rule("R_141")
def r141(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for prog in programmes(learner):
        if prog.subject_aims or _unsure(learner, prog.con_ref):
            continue
        for p in prog.programme_aims:
            if p.prog_type == "32" and not _closed(p) and "LearnActEndDate" not in p.problems:
                yield _hit(p, "LearnAimRef", f"the programme is open but has no subject learning aim with ConRefNumber {fmt(prog.con_ref)}")


@rule("R_143")
def r143(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for group in _keyed(learner):
        latest = group.latest_programme_aim
        latest_end = latest.learn_act_end_date if latest is not None else None  # None: not _closed
        if latest is None or latest_end is None or _unsure(learner, group.con_ref):
            continue
        ends = [(c.learn_act_end_date, c) for c in group.components if c.learn_act_end_date]
        if not ends:
            continue
        last_end, last = max(ends, key=lambda e: e[0])
        if latest_end < last_end:
            yield _hit(latest, "LearnActEndDate", f"the programme aim ends {fmt(latest_end)}, before "
                                                  f"{last.learn_aim_ref} ends ({fmt(last_end)})")


@rule("R_144")
def r144(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for prog in programmes(learner):
        if _unsure(learner, prog.con_ref):
            continue
        earliest = prog.earliest_start
        for p in prog.programme_aims:
            if (p.prog_type == "32" and p.ach_date and earliest and p.learn_start_date
                    and p.learn_start_date >= ctx.date("r144_from") and p.ach_date < earliest):
                yield _hit(p, "AchDate", f"AchDate {fmt(p.ach_date)} is before the programme started ({fmt(earliest)})")


def _starts_before_programme(learner: Learner, ctx: Context, pick: Callable[[Programme], tuple[Delivery, ...]],
                             window: Callable[[date], bool]) -> Iterable[Hit]:
    for prog in programmes(learner):
        earliest = prog.earliest_start
        if earliest is None or _unsure(learner, prog.con_ref):
            continue
        if not any(p.prog_type == "32" and p.learn_start_date and window(p.learn_start_date) for p in prog.programme_aims):
            continue
        for a in pick(prog):
            if a.learn_start_date and a.learn_start_date < earliest:
                yield _hit(a, "LearnStartDate", f"{a.learn_aim_ref} starts {fmt(a.learn_start_date)}, before the "
                                                f"programme aim ({fmt(earliest)})")


@rule("R_149")
def r149(learner: Learner, ctx: Context) -> Iterable[Hit]:
    yield from _starts_before_programme(learner, ctx, lambda p: p.subject_aims, lambda s: s >= ctx.date("hgv_and_r149_from"))


@rule("R_150")
def r150(learner: Learner, ctx: Context) -> Iterable[Hit]:
    start, until = ctx.date("hgv_and_r149_from"), ctx.date("event_aims_until")
    if evi_year(ctx):
        window = lambda s: start <= s <= until  # noqa: E731
    else:
        window = lambda s: s >= start  # noqa: E731
    yield from _starts_before_programme(learner, ctx, lambda p: p.event_aims, window)


def _evi_programmes(learner: Learner) -> Iterator[tuple[Programme, Delivery, date]]:
    for prog in programmes(learner):
        earliest = prog.earliest_start
        if _unsure(learner, prog.con_ref):
            continue
        for p in prog.programme_aims:
            if p.prog_type == "32" and earliest is not None:
                yield prog, p, earliest


def _evi_holders(learner: Learner) -> Iterator[tuple[Delivery, date]]:
    """Each aim holding an EVI, with its programme's earliest start, where a PT32 programme aim has one.

    R_152/R_153 say "there is a record of EVI" without saying on which aim: any aim of the programme (same
    ConRefNumber) counts; LearnDelFAMType_133 separately reports an EVI that is not on the programme aim.
    """
    seen: set[str | None] = set()
    for prog, _p, earliest in _evi_programmes(learner):
        if prog.con_ref in seen:
            continue
        seen.add(prog.con_ref)
        for a in prog.aims:
            if a.fams_of("EVI"):
                yield a, earliest


@rule("R_152")
def r152(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for a, earliest in _evi_holders(learner):
        if earliest < ctx.date("evi_cutover"):
            yield _hit(a, "LearningDeliveryFAM", f"the programme started {fmt(earliest)}, before 1 August 2025, "
                                                 "so it records events with event aims, not EVI", "EVI")


@rule("R_153")
def r153(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for a, earliest in _evi_holders(learner):
        if earliest >= ctx.date("evi_cutover"):
            for fam in a.fams_of("EVI"):
                if fam.date_from and fam.date_from < ctx.date("evi_cutover"):
                    yield _hit(a, "LearnDelFAMDateFrom", f"EVI {fmt(fam.code)} is dated {fmt(fam.date_from)}, before 1 August 2025", "EVI")


@rule("R_154")
def r154(learner: Learner, ctx: Context) -> Iterable[Hit]:
    for prog in programmes(learner):
        earliest = prog.earliest_start
        if earliest is None or earliest < ctx.date("evi_cutover") or _unsure(learner, prog.con_ref):
            continue
        for e in prog.event_aims:
            yield _hit(e, "LearnAimRef", f"the programme started {fmt(earliest)}, on or after 1 August 2025, so the event "
                                         f"must be an EVI on the programme aim, not the event aim {e.learn_aim_ref}")



@rule("R_07")
def r07(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """Two aims of one learner with the same AimSeqNumber (every later one is reported, naming the first)."""
    first: dict[int, Delivery] = {}
    for d in learner.deliveries:
        if d.seq is None or "AimSeqNumber" in d.problems:
            continue
        if d.seq in first:
            yield Hit(d.seq, "AimSeqNumber", f"{d.learn_aim_ref} and {first[d.seq].learn_aim_ref} both have AimSeqNumber "
                                             f"{d.seq}", d.con_ref_number)
        else:
            first[d.seq] = d


#: FAM types R_52 does not run on (its exclusions: learning support funding, contract type, loans bursary).
R52_EXCLUDED = frozenset({"LSF", "ACT", "ALB"})


@rule("R_52")
def r52(learner: Learner, ctx: Context) -> Iterable[Hit]:
    """One aim with two FAMs of the same type and code, whatever their dates (EVI included)."""
    for d in learner.deliveries:
        seen: set[tuple[str, str]] = set()
        for f in d.fams:
            if not f.type or f.code is None or f.type in R52_EXCLUDED:
                continue
            if (f.type, f.code) in seen:
                yield _hit(d, "LearningDeliveryFAM", f"{d.learn_aim_ref} has more than one {f.type} {f.code}", f.type)
            seen.add((f.type, f.code))
