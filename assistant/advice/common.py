"""Fixes that do not depend on the learner's state: funding codes, FAMs, ConRefNumber, start dates."""

from __future__ import annotations

from ..ilr.model import Delivery, Fam, Learner, Programme
from ..rules.base import Context, fmt
from ..rules.cross_rules import R52_EXCLUDED
from .plan import Plan, Reason

def plan_common(plan: Plan, learner: Learner) -> None:
    """Fixes that do not depend on the learner's state: funding codes, FAMs, ConRef."""
    progs = [d for d in plan.current.values() if d.is_programme_aim and d.is_bootcamp]
    ffi_codes = [f.code for d in plan.current.values() for f in d.fams_of("FFI") if f.code]
    for d in list(plan.current.values()):
        if not d.is_bootcamp or d.seq is None:
            continue
        seq = d.seq
        if d.fund_model == "37" and d.prog_type != "32":
            plan.set(seq, "ProgType", "32", Reason("funding model 37 goes with programme type 32", ("FundModel_16",), sources=("field-progtype",)))
        if d.prog_type == "32" and d.fund_model != "37":
            plan.set(seq, "FundModel", "37", Reason("programme type 32 goes with funding model 37", ("ProgType_21",), sources=("field-progtype",)))
        if d.add_hours is not None:
            plan.set(seq, "AddHours", None, Reason("AddHours is not collected for bootcamps", ("AddHours_02",), sources=("vr-2526",)))
        sofs = d.fams_of("SOF")
        if not sofs:
            plan.set_fam(seq, "SOF", None, Fam("SOF", "105"), Reason("every bootcamp aim carries SOF 105", ("LearnDelFAMType_01",),
                                                                      sources=("psm-bootcamps",)))
        for f in sofs:
            if f.code != "105" or f.date_from or f.date_to:
                plan.set_fam(seq, "SOF", f, Fam("SOF", "105"), Reason("bootcamps are SOF 105, with no dates on the FAM",
                                                                      ("LearnDelFAMType_112", "LearnDelFAMDateFrom_03"),
                                                                      sources=("psm-bootcamps", "vr-2526")))
        if not d.fams_of("FFI"):
            code = ffi_codes[0] if ffi_codes else plan.facts.ffi
            if code and ffi_codes:  # which code is copied from the learner's other aims: our reading, not DfE's
                plan.set_fam(seq, "FFI", None, Fam("FFI", code), Reason(
                    f"every bootcamp aim needs FFI; the learner's other aims say {code}, so this one is taken to say the "
                    "same (our reading: the record does not say each aim's funding)", ("LearnDelFAMType_111",),
                    sources=("field-ffi", "our-reading"), grade="inference"))
            elif code:
                plan.set_fam(seq, "FFI", None, Fam("FFI", code), Reason(
                    f"every bootcamp aim needs FFI; you said {code}", ("LearnDelFAMType_111",), sources=("field-ffi",)))
            else:
                plan.ask("ffi", "Is the learner fully funded (FFI 1: independent, or the employer is not paying) or co-funded "
                                "(FFI 2: the employer contributes)?", "ffi")
        twice = _exact_duplicates(d.fams)
        for f in twice:  # R_52: the copy records nothing the other does not (same type, code and dates)
            plan.set_fam(seq, f.type, f, None, Reason(
                f"DfE's guidance for R_52 is to remove duplicate FAMs: this aim has {f.type} {f.code} twice with the same "
                "dates, so one copy goes and nothing it recorded is lost", ("R_52",), sources=("vr-r52",)))
        for f in d.fams:
            if any(f is t for t in twice):
                continue
            if f.type == "FFI" and (f.date_from or f.date_to):
                plan.set_fam(seq, f.type, f, Fam(f.type, f.code), Reason(f"{f.type} carries no dates", ("LearnDelFAMDateFrom_03",
                                                                                                      "LearnDelFAMDateTo_04"), sources=("vr-2526",)))
        if len(progs) == 1 and d.is_component and progs[0].con_ref_number and d.con_ref_number != progs[0].con_ref_number:
            if _programme_is_odd_one(plan, progs[0]):  # never guess: the programme aim's own ConRefNumber may be the slip
                if not any(q.id == "conref" for q in plan.questions):  # once, on the programme aim
                    plan.check("conref", f"A person must check the ConRefNumber: every component aim says "
                               f"{fmt(d.con_ref_number)} but the programme aim (ZPROG001) says {fmt(progs[0].con_ref_number)} "
                               "(R_135, R_136), and which is the contract's reference is a fact the record does not hold. "
                               "Correct whichever is wrong; the milestones are worked out once the aims agree.", progs[0].seq)
            elif _same_bootcamp(d, progs[0]):
                plan.set(seq, "ConRefNumber", progs[0].con_ref_number, Reason(
                    "a component aim belongs to the programme aim with the same ConRefNumber; this learner has one "
                    "bootcamp and this aim's dates place it inside it (our reading: the record does not say which "
                    "reference is the slip)", ("R_135", "R_136"), sources=("field-conrefnumber", "our-reading"),
                    grade="inference"))
            else:  # never guess: it may be the aim of a second bootcamp whose programme aim is missing
                plan.check("conref", f"A person must check {d.label()}: its ConRefNumber {fmt(d.con_ref_number)} has no "
                           f"programme aim (R_135), because either the ConRefNumber is wrong (then it is "
                           f"{progs[0].con_ref_number}, like the programme aim) or the programme aim (ZPROG001) of a "
                           "second bootcamp is missing; its dates do not say which.", seq)
        elif len(progs) > 1 and d.is_component and d.con_ref_number not in {p.con_ref_number for p in progs}:
            homes = {p.con_ref_number for p in progs if p.con_ref_number and _same_bootcamp(d, p)}
            if len(homes) == 1:  # the dates place it in exactly one of the learner's bootcamps
                [home] = homes
                plan.set(seq, "ConRefNumber", home, Reason(
                    "a component aim belongs to the programme aim with the same ConRefNumber; of this learner's "
                    f"bootcamps, only {home}'s dates hold this aim (a subject aim starts with its programme aim)",
                    ("R_135", "R_136"), sources=("field-conrefnumber", "psm-bootcamps"), grade="inference"))
        elif len(progs) == 1 and d.is_programme_aim and not d.con_ref_number:
            refs = {c.con_ref_number for c in plan.current.values() if c.is_component and c.is_bootcamp}
            subjects = [c for c in plan.current.values() if c.is_subject_aim and c.is_bootcamp]
            if len(refs) == 1 and None not in refs and subjects and all(_same_bootcamp(c, d) for c in subjects):
                [ref] = refs
                plan.set(seq, "ConRefNumber", ref, Reason(
                    f"every bootcamp aim carries the ConRefNumber; the programme aim has none and every component aim of "
                    f"this learner's one bootcamp says {ref}", ("R_135", "R_136"), sources=("field-conrefnumber",),
                    grade="inference"))


def _exact_duplicates(fams: tuple[Fam, ...]) -> list[Fam]:
    """Every FAM after the first with the same type, code and dates (R_52's exclusions left alone)."""
    seen: set[tuple[str | None, str | None, object, object]] = set()
    out = []
    for f in fams:
        key = (f.type, f.code, f.date_from, f.date_to)
        # a FAM with no type is the schema check's to report: it cannot be named, so it is never removed here
        if f.type and f.code is not None and f.type not in R52_EXCLUDED and key in seen:
            out.append(f)
        seen.add(key)
    return out


def _programme_is_odd_one(plan: Plan, programme: Delivery) -> bool:
    """Two or more component aims agree on one ConRefNumber and none shares the programme aim's."""
    refs = [c.con_ref_number for c in plan.current.values() if c.is_component and c.is_bootcamp]
    return len(refs) >= 2 and len(set(refs)) == 1 and refs[0] != programme.con_ref_number


def _same_bootcamp(component: Delivery, programme: Delivery) -> bool:
    """The dates place a component in this programme: a subject aim starts with it (PSM), an event falls within it."""
    start, end = programme.learn_start_date, programme.learn_act_end_date
    if start is None or component.learn_start_date is None:
        return False
    if component.is_subject_aim:
        return component.learn_start_date == start
    return component.learn_start_date >= start and (end is None or component.learn_start_date <= end)


def plan_starts(plan: Plan, prog: Programme, ctx: Context) -> None:
    """Subject aims share the programme's start date (PSM); R_149 forbids an earlier one (from August 2024 starts)."""
    start = prog.earliest_start
    if start is None:
        return
    r149 = ctx.rule_runs("R_149") and any(p.learn_start_date and p.learn_start_date >= ctx.date("hgv_and_r149_from")
                                          for p in prog.programme_aims)
    because = ("R_149 forbids that and the PSM says both start on the same day" if r149 else
               "the PSM says both start on the same day (R_149, which forbids it for programmes started from 1 August "
               "2024, does not run on this one)")
    for s in prog.subject_aims:
        if s.seq in plan.current and s.learn_start_date and s.learn_start_date < start:
            # never guess: which of the two starts is wrong is a fact only the provider holds
            plan.check("subject_start", f"A person must check the start dates: the subject aim {s.learn_aim_ref} (aim "
                       f"{s.seq}) starts {fmt(s.learn_start_date)}, before the programme aim ({fmt(start)}), because {because}. "
                       "Correct whichever date is wrong.", s.seq)
