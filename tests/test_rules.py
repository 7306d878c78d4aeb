"""Every validation rule, proven both ways on synthetic records.

Each `Case` is a pair of records built with `tests/builders.py` that differ
only in the thing the rule checks: the first must produce a finding of that
rule on the stated aim and field, its twin none. Boundaries (dates on
1 August, six calendar months, the file preparation date) are cases of their
own. A meta-test fails when a registered rule has no fire case or no quiet
case, so a new check cannot land without tests.

Rule wording followed: DfE ILR validation rules 2025-26 v3
(`knowledge/reference/validation-rules-2025-26.csv`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from assistant.ilr.model import Fam, Learner
from assistant.rules.aim_rules import MANDATORY
from assistant.rules.base import REGISTRY, Context
from assistant.rules.catalogue import catalogue
from assistant.rules.checks import check_learner
from tests.builders import DEFAULT_FAMS, PLAN_END, START, aim_xml, ctx, event, learner, prog, subject, xml_learner

Y23 = ctx("2023-24", "2024-03-31")
Y24 = ctx("2024-25", "2025-03-31")
Y25 = ctx("2025-26", "2026-03-31")

#: A programme that starts in 2025-26 and so records its event with an EVI.
EV_START = "2025-09-01"
EV_END = "2025-12-19"


# -- record helpers -------------------------------------------------------------

def closed_prog(seq: int = 1, end: str = PLAN_END, outcome: str = "8", **fields) -> object:
    """A programme aim closed the way that paid M2: CompStatus 2, end date, Outcome 8."""
    return prog(seq, **{"CompStatus": "2", "LearnActEndDate": end, "Outcome": outcome, **fields})


def closed_subject(seq: int = 2, end: str = PLAN_END, **fields) -> object:
    return subject(seq, **{"CompStatus": "2", "LearnActEndDate": end, "Outcome": "1", **fields})


def fams(*extra: tuple) -> tuple:
    return DEFAULT_FAMS + extra


def evi(date_from: str | None = "2025-10-06", code: str = "4") -> tuple:
    return ("EVI", code, date_from) if date_from else ("EVI", code)


def prog25(seq: int = 1, start: str = EV_START, **fields) -> object:
    fields.setdefault("LearnPlanEndDate", EV_END)
    return prog(seq, LearnStartDate=start, **fields)


def subject25(seq: int = 2, start: str = EV_START, **fields) -> object:
    fields.setdefault("LearnPlanEndDate", EV_END)
    return subject(seq, LearnStartDate=start, **fields)


def evi_prog(date_from: str | None = "2025-10-06", start: str = EV_START, **fields) -> object:
    return prog25(start=start, fams=fams(evi(date_from)), **fields)


def completed(**prog_fields) -> Learner:
    """Learning finished, event recorded, programme closed: the clean M2 record (2024-25)."""
    return learner(closed_prog(**prog_fields), closed_subject(), event("2024-12-10"))


def m3(ach: str, outcome: str = "1", **prog_fields) -> Learner:
    """A job outcome recorded: Outcome 1 with AchDate on the closed programme aim."""
    return completed(outcome=outcome, AchDate=ach, **prog_fields)


# -- the table ------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    rule: str
    why: str
    #: The record the rule must fire on (None: a quiet-only case).
    fire: Learner | None
    #: Its twin, differing only in what the rule checks (None: a fire-only case).
    quiet: Learner | None
    #: Where the finding must be: (aim_seq, field) or (aim_seq, field, fam_type).
    at: tuple | None = None
    ctx: Context = Y24
    #: When the difference is the file's own date or year, not the record.
    quiet_ctx: Context | None = None

    @property
    def id(self) -> str:
        return f"{self.rule}: {self.why}"


CASES: list[Case] = [
    # -- Schema (ours) --
    Case("Schema", "an impossible date is reported on its field",
         learner(prog(LearnStartDate="2024-06-31"), subject()),
         learner(prog(LearnStartDate="2024-06-30"), subject()), (1, "LearnStartDate")),
    Case("Schema", "a letter in a code",
         learner(prog(), subject(CompStatus="1x")), learner(prog(), subject(CompStatus="1")), (2, "CompStatus")),
    Case("Schema", "an unreadable AimSeqNumber cannot name its aim",
         learner(prog(), subject(AimSeqNumber="two")), learner(prog(), subject(AimSeqNumber="2")), (None, "AimSeqNumber")),
    Case("Schema", "an unreadable FAM date is reported with its FAM type",
         learner(prog25().with_fams(prog25().fams + (
             Fam("EVI", "4", None, problems={"LearnDelFAMDateFrom": "'2025-13-01' is not a real date"}),)), subject25()),
         learner(evi_prog(), subject25()), (1, "LearnDelFAMDateFrom", "EVI"), ctx=Y25),

    Case("Schema", "a space before ZPROG001 makes it 9 characters (the XSD allows 8)",
         xml_learner(aim_xml(" ZPROG001"), aim_xml("Z0059758", "3", 2)),
         xml_learner(aim_xml("ZPROG001"), aim_xml("Z0059758", "3", 2)), (1, "LearnAimRef")),
    Case("Schema", "an over-long ConRefNumber (the XSD allows 20 characters)",
         xml_learner(aim_xml(ConRefNumber="SB-" + "1" * 18), aim_xml("Z0059758", "3", 2, ConRefNumber="SB-" + "1" * 18)),
         xml_learner(aim_xml(ConRefNumber="SB-" + "1" * 17), aim_xml("Z0059758", "3", 2, ConRefNumber="SB-" + "1" * 17)),
         (1, "ConRefNumber")),
    Case("Schema", "elements out of the XSD's order",
         xml_learner(aim_xml(order=("AimType", "LearnAimRef", "AimSeqNumber", "LearnStartDate", "LearnPlanEndDate",
                                    "FundModel", "ProgType", "DelLocPostCode", "ConRefNumber", "CompStatus")),
                     aim_xml("Z0059758", "3", 2)),
         xml_learner(aim_xml(), aim_xml("Z0059758", "3", 2)), (1, "AimType")),
    Case("Normalised", "a FAM type in lower case (the XSD accepts it; the tool read past it)",
         xml_learner(aim_xml(fams=(("sof", "105"), ("FFI", "1"))), aim_xml("Z0059758", "3", 2)),
         xml_learner(aim_xml(), aim_xml("Z0059758", "3", 2)), (1, "LearnDelFAMType", "SOF")),
    Case("Normalised", "spaces around a ConRefNumber the XSD accepts",
         xml_learner(aim_xml(ConRefNumber=" SB-TEST-001 "), aim_xml("Z0059758", "3", 2)),
         xml_learner(aim_xml(), aim_xml("Z0059758", "3", 2)), (1, "ConRefNumber")),

    # -- CompStatus / Outcome --
    Case("CompStatus_01", "CompStatus 4 is not a code",
         learner(prog(), subject(CompStatus="4")), learner(prog(), subject(CompStatus="1")), (2, "CompStatus")),
    Case("CompStatus_02", "an end date on a continuing aim",
         learner(prog(), subject(LearnActEndDate=PLAN_END, Outcome="1")),
         learner(prog(), subject(CompStatus="2", LearnActEndDate=PLAN_END, Outcome="1")), (2, "LearnActEndDate")),
    Case("CompStatus_02", "bootcamp programme aims are not exempt (only apprenticeship standards are)",
         learner(prog(LearnActEndDate=PLAN_END, Outcome="8"), closed_subject()),
         learner(prog(CompStatus="2", LearnActEndDate=PLAN_END, Outcome="8"), closed_subject()), (1, "LearnActEndDate")),
    Case("CompStatus_03", "completed with no end date",
         learner(prog(), subject(CompStatus="2", Outcome="1")), learner(prog(), closed_subject()), (2, "LearnActEndDate")),
    Case("CompStatus_04", "completed with no Outcome",
         learner(prog(), subject(CompStatus="2", LearnActEndDate=PLAN_END)), learner(prog(), closed_subject()), (2, "Outcome")),
    Case("CompStatus_08", "AchDate on a programme aim on a break",
         m3("2025-01-10", CompStatus="6"), m3("2025-01-10"), (1, "CompStatus")),
    Case("CompStatus_08", "AchDate on a continuing programme aim",
         learner(prog(Outcome="1", AchDate="2025-01-10"), closed_subject()),
         learner(prog(CompStatus="2", LearnActEndDate=PLAN_END, Outcome="1", AchDate="2025-01-10"), closed_subject()),
         (1, "CompStatus"), ctx=Y25),
    Case("CompStatus_08", "programme aims only: an AchDate on a subject aim is not its business",
         None, learner(prog(), subject(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="1",
                                       WithdrawReason="44", AchDate="2024-10-01"))),
    Case("CompStatus_09", "an event aim on a break",
         learner(closed_prog(), closed_subject(), event("2024-12-10", CompStatus="6")), completed(), (3, "CompStatus")),
    Case("CompStatus_09", "HGV event aims are not in the rule's list",
         None, learner(closed_prog(), closed_subject(), event("2024-12-10", ref="Z0060439", CompStatus="6"))),
    Case("Outcome_01", "Outcome 7 is not a code", completed(outcome="7"), completed(outcome="8"), (1, "Outcome")),
    Case("Outcome_04", "AchDate with Outcome 8", completed(outcome="8", AchDate="2025-01-10"), m3("2025-01-10"),
         (1, "AchDate")),
    Case("Outcome_10", "Outcome 3 on a continuing aim",
         learner(prog(Outcome="3"), subject()), learner(prog(Outcome="8"), subject()), (1, "Outcome"), ctx=Y25),
    Case("Outcome_11", "an Outcome with no end date (before 2025-26)",
         learner(prog(Outcome="8"), subject()), learner(prog(), subject()), (1, "Outcome")),
    Case("Outcome_12", "an end date with no Outcome",
         learner(prog(), subject(CompStatus="2", LearnActEndDate=PLAN_END)), learner(prog(), closed_subject()),
         (2, "Outcome"), ctx=Y25),
    Case("Outcome_12", "an end date with no Outcome, whatever the CompStatus",
         learner(prog(), subject(LearnActEndDate=PLAN_END)), learner(prog(), subject(LearnActEndDate=PLAN_END, Outcome="1")),
         (2, "Outcome"), ctx=Y25),

    # -- dates --
    Case("AchDate_02", "AchDate on 1 Aug 2025 is after the 2024-25 year end; 31 Jul is not",
         learner(closed_prog(end="2025-06-30", outcome="1", AchDate="2025-08-01"), closed_subject(end="2025-06-30"),
                 event("2025-06-20")),
         learner(closed_prog(end="2025-06-30", outcome="1", AchDate="2025-07-31"), closed_subject(end="2025-06-30"),
                 event("2025-06-20")),
         (1, "AchDate"), ctx=ctx("2024-25", "2025-10-15")),
    Case("AchDate_07", "AchDate the day after the file preparation date; on it is fine",
         m3("2025-04-01"), m3("2025-03-31"), (1, "AchDate")),
    Case("AchDate_13", "31 Aug + 6 months is 28 Feb: 1 Mar is too late",
         m3("2025-03-01", end="2024-08-31", LearnStartDate="2024-06-03"),
         m3("2025-02-28", end="2024-08-31", LearnStartDate="2024-06-03"),
         (1, "AchDate"), ctx=ctx("2024-25", "2025-07-31")),
    Case("AchDate_13", "in a leap year 31 Aug + 6 months is 29 Feb",
         learner(closed_prog(end="2023-08-31", outcome="1", AchDate="2024-03-01", LearnStartDate="2023-06-05"),
                 closed_subject(end="2023-08-31", LearnStartDate="2023-06-05"), event("2023-08-20")),
         learner(closed_prog(end="2023-08-31", outcome="1", AchDate="2024-02-29", LearnStartDate="2023-06-05"),
                 closed_subject(end="2023-08-31", LearnStartDate="2023-06-05"), event("2023-08-20")),
         (1, "AchDate"), ctx=ctx("2023-24", "2024-07-31")),
    Case("AchDate_13", "exactly six months after a mid-month end date is still allowed",
         m3("2025-06-21", end="2024-12-20"), m3("2025-06-20", end="2024-12-20"), (1, "AchDate"),
         ctx=ctx("2024-25", "2025-07-31")),
    Case("LearnActEndDate_01", "an end the day before the start; the same day is fine",
         learner(prog(), closed_subject(end="2024-09-01")), learner(prog(), closed_subject(end=START)),
         (2, "LearnActEndDate")),
    Case("LearnActEndDate_04", "an end date after the file preparation date; on it is fine",
         learner(prog(), closed_subject(end="2025-04-01")), learner(prog(), closed_subject(end="2025-03-31")),
         (2, "LearnActEndDate")),
    Case("LearnPlanEndDate_02", "a planned end before the start",
         learner(prog(), subject(LearnPlanEndDate="2024-09-01")), learner(prog(), subject(LearnPlanEndDate=START)),
         (2, "LearnPlanEndDate")),
    Case("LearnStartDate_21", "FundModel 37 starts on 31 Jul 2022; 1 Aug 2022 is the first allowed",
         learner(prog(LearnStartDate="2022-07-31"), subject(LearnStartDate="2022-07-31")),
         learner(prog(LearnStartDate="2022-08-01"), subject(LearnStartDate="2022-08-01")),
         (1, "LearnStartDate"), ctx=ctx("2022-23", "2022-12-31")),

    # -- withdrawal --
    Case("WithdrawReason_03", "withdrawn with no reason",
         learner(prog(), subject(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3")),
         learner(prog(), subject(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3", WithdrawReason="44")),
         (2, "WithdrawReason")),
    Case("WithdrawReason_04", "a reason on a completed aim",
         learner(prog(), closed_subject(WithdrawReason="44")), learner(prog(), closed_subject()), (2, "WithdrawReason")),

    # -- event aims --
    Case("LearnAimRef_126", "planned end differs from the event date",
         learner(closed_prog(), closed_subject(), event("2024-12-10", LearnPlanEndDate="2024-12-11")), completed(),
         (3, "LearnActEndDate")),
    Case("LearnAimRef_126", "actual end differs from the event date",
         learner(closed_prog(), closed_subject(), event("2024-12-10", LearnActEndDate="2024-12-11")), completed(),
         (3, "LearnActEndDate")),
    Case("LearnAimRef_154", "HGV event aim with unequal dates",
         learner(closed_prog(), closed_subject(), event("2024-12-10", ref="Z0060439", LearnActEndDate="2024-12-11")),
         learner(closed_prog(), closed_subject(), event("2024-12-10", ref="Z0060439")), (3, "LearnActEndDate")),
    Case("LearnAimRef_154", "only for starts on or after 1 Aug 2024 (31 Jul 2024 is outside)",
         learner(prog(LearnStartDate="2024-07-01"), subject(LearnStartDate="2024-07-01"),
                 event("2024-08-01", ref="Z0060440", LearnActEndDate="2024-08-05")),
         learner(prog(LearnStartDate="2024-07-01"), subject(LearnStartDate="2024-07-01"),
                 event("2024-07-31", ref="Z0060440", LearnActEndDate="2024-08-05")),
         (3, "LearnActEndDate")),

    # -- funding model, programme type, FAMs --
    Case("FundModel_16", "FundModel 37 with ProgType 25",
         learner(prog(), subject(ProgType="25")), learner(prog(), subject()), (2, "ProgType")),
    Case("ProgType_21", "ProgType 32 with FundModel 35",
         learner(prog(), subject(FundModel="35")), learner(prog(), subject()), (2, "FundModel")),
    Case("AddHours_02", "AddHours on a bootcamp aim",
         learner(prog(), subject(AddHours="10")), learner(prog(), subject()), (2, "AddHours")),
    Case("LearnDelFAMType_01", "no SOF",
         learner(prog(), subject(fams=(("FFI", "1"),))), learner(prog(), subject()), (2, "LearningDeliveryFAM", "SOF")),
    Case("LearnDelFAMType_111", "no FFI",
         learner(prog(), subject(fams=(("SOF", "105"),))), learner(prog(), subject()), (2, "LearningDeliveryFAM", "FFI")),
    Case("LearnDelFAMType_112", "SOF 107 on a bootcamp",
         learner(prog(), subject(fams=(("SOF", "107"), ("FFI", "1")))), learner(prog(), subject()),
         (2, "LearningDeliveryFAM", "SOF")),
    Case("LearnDelFAMType_22", "FFI on FundModel 36",
         learner(prog(), subject(FundModel="36")), learner(prog(), subject(FundModel="37")),
         (2, "LearningDeliveryFAM", "FFI")),
    Case("LearnDelFAMType_132", "EVI on an aim whose ProgType is not 32",
         learner(evi_prog(ProgType="25"), subject25()), learner(evi_prog(), subject25()),
         (1, "LearningDeliveryFAM", "EVI"), ctx=Y25),
    Case("LearnDelFAMType_132", "EVI on an aim with no ProgType ('or not returned')",
         learner(evi_prog(ProgType=None), subject25()), learner(evi_prog(), subject25()),
         (1, "LearningDeliveryFAM", "EVI"), ctx=Y25),
    Case("LearnDelFAMType_133", "EVI on the subject aim, not the programme aim",
         learner(prog25(), subject25(fams=fams(evi()))), learner(evi_prog(), subject25()),
         (2, "LearningDeliveryFAM", "EVI"), ctx=Y25),
    Case("LearnDelFAMDateFrom_03", "a date on a SOF FAM",
         learner(prog(), subject(fams=(("SOF", "105", START), ("FFI", "1")))), learner(prog(), subject()),
         (2, "LearnDelFAMDateFrom", "SOF")),
    Case("LearnDelFAMDateTo_04", "a date-to on an FFI FAM",
         learner(prog(), subject(fams=(("SOF", "105"), ("FFI", "1", None, "2024-12-20")))), learner(prog(), subject()),
         (2, "LearnDelFAMDateTo", "FFI")),
    Case("LearnDelFAMDateTo_04", "an EVI carries no date-to",
         learner(prog25(fams=fams(("EVI", "4", "2025-10-06", "2025-10-07"))), subject25()),
         learner(evi_prog(), subject25()), (1, "LearnDelFAMDateTo", "EVI"), ctx=Y25),
    Case("LearnDelFAMDateFrom_05", "an EVI with no date",
         learner(evi_prog(None), subject25()), learner(evi_prog(), subject25()),
         (1, "LearnDelFAMDateFrom", "EVI"), ctx=Y25),
    Case("LearnDelFAMDateFrom_06", "an EVI dated 31 Jul 2025; 1 Aug 2025 is the first allowed",
         learner(evi_prog("2025-07-31", start="2025-07-28"), subject25(start="2025-07-28")),
         learner(evi_prog("2025-08-01", start="2025-07-28"), subject25(start="2025-07-28")),
         (1, "LearnDelFAMDateFrom", "EVI"), ctx=Y25),
    Case("LearnDelFAMDateFrom_07", "an EVI the day after the programme's end; on it is fine",
         learner(evi_prog("2025-12-20", CompStatus="2", LearnActEndDate=EV_END, Outcome="8"),
                 subject25(CompStatus="2", LearnActEndDate=EV_END, Outcome="1")),
         learner(evi_prog(EV_END, CompStatus="2", LearnActEndDate=EV_END, Outcome="8"),
                 subject25(CompStatus="2", LearnActEndDate=EV_END, Outcome="1")),
         (1, "LearnDelFAMDateFrom", "EVI"), ctx=Y25),
    Case("LearnDelFAMDateFrom_07", "an EVI the day before the programme starts; on it is fine",
         learner(evi_prog("2025-08-31"), subject25()), learner(evi_prog(EV_START), subject25()),
         (1, "LearnDelFAMDateFrom", "EVI"), ctx=Y25),

    # -- the learner's own details --
    Case("DateOfBirth_01", "no date of birth",
         learner(prog(), subject(), details=True, dob=None), learner(prog(), subject(), details=True),
         (None, "DateOfBirth")),
    Case("DateOfBirth_01", "a pasted snippet with no <Learner> is not told off",
         None, learner(prog(), subject(), details=False)),
    Case("DateOfBirth_25", "18 on 31 Aug 2024; born a day earlier they are 19",
         learner(prog(), subject(), details=True, dob="2005-09-01"),
         learner(prog(), subject(), details=True, dob="2005-08-31"), (None, "DateOfBirth")),
    Case("EmpStat_08", "employment status dated on the start day, not before it",
         learner(prog(), subject(), details=True, employment=(START,)),
         learner(prog(), subject(), details=True, employment=("2024-09-01",)), (1, "LearnerEmploymentStatus")),
    Case("EmpStat_08", "not for a learner under 19 on 31 Aug of the start year",
         None, learner(prog(), subject(), details=True, dob="2005-09-01", employment=())),
    Case("R_131", "prior attainment dated the day after the earliest start; on it is fine",
         learner(prog(), subject(), details=True, prior=("2024-09-03",)),
         learner(prog(), subject(), details=True, prior=(START,)), (None, "PriorAttain")),

    # -- aim sequence numbers and duplicate FAMs (batch 5 of the review corpus) --
    Case("R_07", "two aims with AimSeqNumber 1; numbered 1 and 2 is fine",
         learner(prog(), subject(1)), learner(prog(), subject()), (1, "AimSeqNumber")),
    Case("AimSeqNumber_02", "AimSeqNumber 3 on a whole learner with two aims; 2 is fine",
         learner(prog(), subject(3), details=True), learner(prog(), subject(), details=True), (3, "AimSeqNumber")),
    Case("R_52", "two EVI 4 on one programme aim, on different days; EVI 4 and 5 is fine",
         learner(prog25(fams=fams(evi("2025-10-06"), evi("2025-10-20"))), subject25()),
         learner(prog25(fams=fams(evi("2025-10-06"), evi("2025-10-20", code="5"))), subject25()),
         (1, "LearningDeliveryFAM", "EVI"), ctx=Y25),
    # -- cross-record --
    Case("R_135", "a component whose ConRefNumber matches no programme aim",
         learner(prog(), subject(ConRefNumber="SB-TEST-002")), learner(prog(), subject()), (2, "ConRefNumber")),
    Case("R_135", "a component whose FundModel matches no programme aim (FundModel+ProgType+ConRefNumber)",
         learner(prog(), subject(), subject(3, ref="Z0009734", FundModel="35")),
         learner(prog(), subject(), subject(3, ref="Z0009734")), (3, "ConRefNumber")),
    Case("R_136", "a programme aim whose ConRefNumber matches no component",
         learner(prog(), subject(ConRefNumber="SB-TEST-002")), learner(prog(), subject()), (1, "ConRefNumber")),
    Case("R_138", "completed, no AchDate, no event aim",
         learner(closed_prog(), closed_subject()), completed(), (1, "AchDate")),
    Case("R_138", "an AchDate satisfies it without an event aim",
         learner(closed_prog(), closed_subject()), learner(closed_prog(outcome="1", AchDate="2025-01-10"), closed_subject()),
         (1, "AchDate")),
    Case("R_138", "an HGV event aim does not satisfy it (not in the rule's list)",
         learner(closed_prog(), closed_subject(), event("2024-12-10", ref="Z0060439")), completed(), (1, "AchDate")),
    Case("R_138", "file prepared exactly six months after the end (31 Aug -> 28 Feb) still fires; 1 Mar is excluded",
         learner(closed_prog(end="2024-08-31", LearnStartDate="2024-06-03"),
                 closed_subject(end="2024-08-31", LearnStartDate="2024-06-03")),
         learner(closed_prog(end="2024-08-31", LearnStartDate="2024-06-03"),
                 closed_subject(end="2024-08-31", LearnStartDate="2024-06-03")),
         (1, "AchDate"), ctx=ctx("2024-25", "2025-02-28"), quiet_ctx=ctx("2024-25", "2025-03-01")),
    Case("R_139", "completed programme, subject aim still open",
         learner(closed_prog(), subject(), event("2024-12-10")), completed(), (1, "CompStatus")),
    Case("R_139", "the closed subject aim has another ConRefNumber (grouped by ConRefNumber)",
         learner(closed_prog(), closed_subject(ConRefNumber="SB-TEST-002"), event("2024-12-10")), completed(),
         (1, "CompStatus")),
    Case("R_140", "programme closed, subject aim open",
         learner(closed_prog(), subject(), event("2024-12-10")), completed(), (2, "LearnActEndDate")),
    Case("R_141", "open programme with only an event aim",
         learner(prog(), event("2024-12-10")), learner(prog(), subject(), event("2024-12-10")), (1, "LearnAimRef")),
    Case("R_143", "programme ends the day before the subject aim; the same day is fine",
         learner(closed_prog(end="2024-12-19"), closed_subject(end="2024-12-20"), event("2024-12-10")),
         learner(closed_prog(end="2024-12-20"), closed_subject(end="2024-12-20"), event("2024-12-10")),
         (1, "LearnActEndDate")),
    Case("R_143", "an event aim after the programme end counts (event aims are components)",
         learner(closed_prog(), closed_subject(), event("2024-12-21")), learner(closed_prog(), closed_subject(), event("2024-12-20")),
         (1, "LearnActEndDate")),
    Case("R_144", "AchDate the day before the programme start; on it is fine",
         m3("2024-09-01"), m3(START), (1, "AchDate")),
    Case("R_144", "only for starts from 1 Aug 2023 (31 Jul 2023 is outside)",
         learner(closed_prog(outcome="1", AchDate="2023-07-30", LearnStartDate="2023-08-01", end="2023-09-29"),
                 closed_subject(LearnStartDate="2023-08-01", end="2023-09-29"), event("2023-09-01")),
         learner(closed_prog(outcome="1", AchDate="2023-07-30", LearnStartDate="2023-07-31", end="2023-09-29"),
                 closed_subject(LearnStartDate="2023-07-31", end="2023-09-29"), event("2023-09-01")),
         (1, "AchDate"), ctx=Y23),
    Case("R_149", "subject aim starts the day before the programme",
         learner(prog(), subject(LearnStartDate="2024-09-01")), learner(prog(), subject()), (2, "LearnStartDate")),
    Case("R_149", "only for programmes starting from 1 Aug 2024 (31 Jul 2024 is outside)",
         learner(prog(LearnStartDate="2024-08-01"), subject(LearnStartDate="2024-07-30")),
         learner(prog(LearnStartDate="2024-07-31"), subject(LearnStartDate="2024-07-30")), (2, "LearnStartDate")),
    Case("R_150", "event aim starts the day before the programme",
         learner(closed_prog(), closed_subject(), event("2024-09-01")), learner(closed_prog(), closed_subject(), event(START)),
         (3, "LearnStartDate")),
    Case("R_150", "only for programmes starting from 1 Aug 2024 (31 Jul 2024 is outside)",
         learner(prog(LearnStartDate="2024-08-01"), subject(LearnStartDate="2024-08-01"), event("2024-07-30")),
         learner(prog(LearnStartDate="2024-07-31"), subject(LearnStartDate="2024-07-31"), event("2024-07-30")),
         (3, "LearnStartDate")),
    Case("R_150", "HGV event aims count too",
         learner(closed_prog(), closed_subject(), event("2024-09-01", ref="Z0060441")),
         learner(closed_prog(), closed_subject(), event(START, ref="Z0060441")), (3, "LearnStartDate")),
    Case("R_152", "EVI on a programme that started 31 Jul 2025; 1 Aug 2025 is EVI's first day",
         learner(evi_prog(start="2025-07-31"), subject25(start="2025-08-01")),
         learner(evi_prog(start="2025-08-01"), subject25(start="2025-08-01")),
         (1, "LearningDeliveryFAM", "EVI"), ctx=Y25),
    Case("R_153", "EVI dated 31 Jul 2025 on a programme started 1 Aug 2025",
         learner(evi_prog("2025-07-31", start="2025-08-01"), subject25(start="2025-08-01")),
         learner(evi_prog("2025-08-01", start="2025-08-01"), subject25(start="2025-08-01")),
         (1, "LearnDelFAMDateFrom", "EVI"), ctx=Y25),
    Case("R_154", "an event aim on a programme that started 1 Aug 2025; 31 Jul 2025 still uses event aims",
         learner(prog25(start="2025-08-01"), subject25(start="2025-08-01"), event("2025-09-10")),
         learner(prog25(start="2025-07-31"), subject25(start="2025-08-01"), event("2025-09-10")),
         (3, "LearnAimRef"), ctx=Y25),
    Case("R_154", "HGV event aims too",
         learner(prog25(), subject25(), event("2025-09-10", ref="Z0060442")),
         learner(prog25(), subject25()), (3, "LearnAimRef"), ctx=Y25),
    # -- added by the rule audit: record-only rules of the 2025-26 workbook that bear on bootcamp aims --
    Case("AimType_01", "an AimType not in ILR_AimType",
         learner(prog(), subject(AimType="2")), learner(prog(), subject()), (2, "AimType")),
    Case("ProgType_01", "a component aim with no ProgType",
         learner(prog(), subject(ProgType=None)), learner(prog(), subject()), (2, "ProgType")),
    Case("ProgType_23", "an event aim with another ProgType; the LDM 396 pilot is excluded",
         learner(closed_prog(), closed_subject(), event("2024-12-10", ProgType="99")),
         learner(closed_prog(), closed_subject(), event("2024-12-10", ProgType="99", fams=fams(("LDM", "396")))),
         (3, "ProgType")),
    Case("LearnAimRef_30", "ZPROG001 as a component aim",
         learner(prog(), subject(), prog(3, AimType="3")), learner(prog(), subject()), (3, "AimType")),
    Case("LearnDelFAMType_18", "two SOF FAMs on one aim",
         learner(prog(fams=fams(("SOF", "105"))), subject()), learner(prog(), subject()),
         (1, "LearningDeliveryFAM", "SOF")),
    # rules that exclude bootcamps (FundModel 37 *and* ProgType 32) still fire on an aim with only one of the two
    Case("CompStatus_05", "continuing with an Outcome: excluded for FM37/PT32, not for FM37/PT99",
         learner(prog(Outcome="8", ProgType="99"), subject()), learner(prog(Outcome="8"), subject()), (1, "Outcome")),
    Case("CompStatus_06", "withdrawn with Outcome 8 on a PT32 aim funded by FM35",
         learner(closed_prog(CompStatus="3", WithdrawReason="40", FundModel="35"), closed_subject()),
         learner(closed_prog(CompStatus="3", WithdrawReason="40"), closed_subject()), (1, "Outcome")),
    Case("Outcome_05", "Outcome 1 with no end date on an FM37/PT99 aim",
         learner(prog(), subject(Outcome="1", ProgType="99")), learner(prog(), subject(Outcome="1")),
         (2, "LearnActEndDate")),
    Case("Outcome_09", "Outcome 8 while continuing on an FM37/PT99 aim",
         learner(prog(Outcome="8", ProgType="99"), subject()), learner(prog(Outcome="8"), subject()), (1, "CompStatus")),
    Case("AchDate_03", "AchDate before the start on an FM37/PT99 aim",
         learner(closed_prog(outcome="1", AchDate="2024-09-01", ProgType="99"), closed_subject()),
         learner(closed_prog(outcome="1", AchDate="2024-09-01"), closed_subject()), (1, "AchDate")),
    Case("AchDate_04", "AchDate with no end date on an FM37/PT99 aim",
         learner(prog(Outcome="1", AchDate="2024-12-20", ProgType="99"), subject()),
         learner(prog(Outcome="1", AchDate="2024-12-20"), subject()), (1, "LearnActEndDate")),
    Case("AchDate_05", "AchDate before the end date on an FM37/PT99 aim",
         learner(closed_prog(outcome="1", AchDate="2024-12-19", ProgType="99"), closed_subject()),
         learner(closed_prog(outcome="1", AchDate="2024-12-19"), closed_subject()), (1, "AchDate")),
    Case("AchDate_09", "any AchDate on an FM37/PT99 aim",
         learner(closed_prog(outcome="1", AchDate="2024-12-20", ProgType="99"), closed_subject()),
         learner(closed_prog(outcome="1", AchDate="2024-12-20"), closed_subject()), (1, "AchDate")),
    Case("R_124", "a restart on the day the first programme aim ended; the day after is fine",
         learner(prog(CompStatus="6", LearnActEndDate="2024-10-31", Outcome="3"),
                 prog(3, LearnStartDate="2024-10-31", LearnPlanEndDate="2025-02-28"), subject()),
         learner(prog(CompStatus="6", LearnActEndDate="2024-10-31", Outcome="3"),
                 prog(3, LearnStartDate="2024-11-01", LearnPlanEndDate="2025-02-28"), subject()),
         (3, "LearnStartDate")),
]

for _field in MANDATORY:
    CASES.append(Case(
        f"FD_{_field}_MA", f"{_field} missing on the subject aim",
        learner(prog(), subject(**{_field: None})), learner(prog(), subject()),
        (None if _field == "AimSeqNumber" else 2, _field)))


def where(findings, rule: str) -> list[tuple]:
    return [(f.aim_seq, f.field, f.fam_type) for f in findings if f.rule == rule]


def matches(found: tuple, at: tuple) -> bool:
    return found[:len(at)] == at


FIRE = [c for c in CASES if c.fire is not None]
QUIET = [c for c in CASES if c.quiet is not None]


@pytest.mark.parametrize("case", FIRE, ids=[c.id for c in FIRE])
def test_rule_fires(case: Case) -> None:
    findings = check_learner(case.fire, case.ctx)
    found = where(findings, case.rule)
    assert found, f"{case.rule} did not fire; findings were {[(f.rule, f.aim_seq, f.field) for f in findings]}"
    assert case.at is not None, "a fire case must say where the finding belongs"
    assert any(matches(f, case.at) for f in found), f"{case.rule} fired at {found}, expected {case.at}"
    finding = next(f for f in findings if f.rule == case.rule)
    text = catalogue()[case.rule]
    page = case.ctx.facts.page(case.rule)
    year_message = page.message if page is not None and page.source != "workbook" and page.message else text.message
    assert finding.message == year_message and finding.severity == text.severity  # the year's own wording
    assert finding.detail, "a finding must say what it saw"


@pytest.mark.parametrize("case", QUIET, ids=[c.id for c in QUIET])
def test_rule_quiet_on_twin(case: Case) -> None:
    findings = check_learner(case.quiet, case.quiet_ctx or case.ctx)
    assert where(findings, case.rule) == [], f"{case.rule} fired on the twin: {where(findings, case.rule)}"


def test_twins_really_differ() -> None:
    """A pair that is the same record in the same context proves nothing."""
    for c in CASES:
        if c.fire is not None and c.quiet is not None:
            assert (c.fire, c.ctx) != (c.quiet, c.quiet_ctx or c.ctx), c.id


def test_every_registered_rule_is_proven_both_ways() -> None:
    from assistant.rules.file_rules import FILE_RULES  # proven on whole files in test_whole_files.py

    fired = {c.rule for c in FIRE} | FILE_RULES
    quiet = {c.rule for c in QUIET} | FILE_RULES
    assert not set(REGISTRY) - fired, f"rules with no fire case: {sorted(set(REGISTRY) - fired)}"
    assert not set(REGISTRY) - quiet, f"rules with no quiet case: {sorted(set(REGISTRY) - quiet)}"
    assert not (fired | quiet) - set(REGISTRY), f"cases for unknown rules: {sorted((fired | quiet) - set(REGISTRY))}"


def test_clean_records_have_no_findings() -> None:
    """The bases the twins are built from are themselves clean: a twin's quiet is not luck."""
    assert check_learner(learner(prog(), subject(), details=True), Y24) == []
    assert check_learner(completed(), Y24) == []
    assert check_learner(m3("2025-01-10"), Y24) == []
    assert check_learner(learner(prog25(), subject25(), details=True), Y25) == []
    closed25 = learner(evi_prog(CompStatus="2", LearnActEndDate=EV_END, Outcome="8"),
                       subject25(CompStatus="2", LearnActEndDate=EV_END, Outcome="1"))
    assert check_learner(closed25, Y25) == []


# -- unreadable values: the Schema finding covers them, nothing else guesses ----

def unreadable_learner(base: Learner, field: str, why: str = "not a real date") -> Learner:
    """A learner whose own date field was present but unreadable (the reader empties it)."""
    attr = {"LearnerEmploymentStatus/DateEmpStatApp": "employment_dates",
            "PriorAttain/DateLevelApp": "prior_attain_dates"}[field]
    return dataclasses.replace(base, **{attr: ()}, problems={field: why})


UNREADABLE: list[tuple[str, str, Learner, Context, tuple]] = [
    # (rule that must stay quiet, why, record, context, where Schema reports it)
    ("FD_CompStatus_MA", "CompStatus present but unreadable is not missing",
     learner(prog(), subject(CompStatus="x")), Y24, (2, "CompStatus")),
    ("CompStatus_03", "an unreadable end date is not an absent one",
     learner(prog(), subject(CompStatus="2", Outcome="1", LearnActEndDate="2024-12-32")), Y24, (2, "LearnActEndDate")),
    ("CompStatus_04", "an unreadable Outcome is not an absent one",
     learner(prog(), subject(CompStatus="2", LearnActEndDate=PLAN_END, Outcome="one")), Y24, (2, "Outcome")),
    ("CompStatus_08", "an unreadable CompStatus may well be 2",
     m3("2025-01-10", CompStatus="2?"), Y24, (1, "CompStatus")),
    ("Outcome_04", "an unreadable Outcome may well be 1",
     m3("2025-01-10", outcome="1?"), Y24, (1, "Outcome")),
    ("Outcome_11", "an unreadable end date is not an absent one",
     learner(prog(Outcome="8", LearnActEndDate="2024-02-30"), subject()), Y24, (1, "LearnActEndDate")),
    ("Outcome_12", "an unreadable Outcome is not an absent one",
     learner(prog(), subject(CompStatus="2", LearnActEndDate=PLAN_END, Outcome="x")), Y25, (2, "Outcome")),
    ("WithdrawReason_03", "an unreadable WithdrawReason is not an absent one",
     learner(prog(), subject(CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3", WithdrawReason="4x")),
     Y24, (2, "WithdrawReason")),
    ("LearnAimRef_126", "an unreadable event date cannot be compared",
     learner(closed_prog(), closed_subject(), event("2024-12-10", LearnPlanEndDate="2024-12-32")), Y24,
     (3, "LearnPlanEndDate")),
    ("FundModel_16", "an unreadable ProgType may well be 32",
     learner(prog(), subject(ProgType="3two")), Y24, (2, "ProgType")),
    ("ProgType_21", "an unreadable FundModel may well be 37",
     learner(prog(), subject(FundModel="3seven")), Y24, (2, "FundModel")),
    ("LearnDelFAMType_22", "an unreadable FundModel may well be 37",
     learner(prog(), subject(FundModel="3seven")), Y24, (2, "FundModel")),
    ("LearnDelFAMType_132", "an unreadable ProgType may well be 32",
     learner(evi_prog(ProgType="3two"), subject25()), Y25, (1, "ProgType")),
    ("LearnDelFAMType_133", "an unreadable AimType may well be 1",
     learner(evi_prog(AimType="one"), subject25()), Y25, (1, "AimType")),
    ("R_135", "an unreadable FundModel on the component may well match",
     learner(prog(), subject(FundModel="3seven")), Y24, (2, "FundModel")),
    ("R_135", "an unreadable FundModel on the programme aim may well match",
     learner(prog(FundModel="3seven"), subject()), Y24, (1, "FundModel")),
    ("R_136", "an unreadable FundModel on the component may well match",
     learner(prog(), subject(FundModel="3seven")), Y24, (2, "FundModel")),
    ("R_136", "an unreadable AimType on the only component may well be 3",
     learner(prog(), subject(AimType="three")), Y24, (2, "AimType")),
    ("R_138", "an unreadable AchDate is not an absent one",
     learner(closed_prog(outcome="1", AchDate="2025-01-32"), closed_subject()), Y24, (1, "AchDate")),
    ("R_138", "with an unreadable end date the six-month exclusion cannot be judged",
     learner(closed_prog(end="2024-12-32"), closed_subject()), Y24, (1, "LearnActEndDate")),
    ("R_139", "an unreadable subject end date is not an open subject aim",
     learner(closed_prog(), closed_subject(end="2024-12-32"), event("2024-12-10")), Y24, (2, "LearnActEndDate")),
    ("R_140", "an unreadable component end date is not an open component",
     learner(closed_prog(), closed_subject(end="2024-12-32"), event("2024-12-10")), Y24, (2, "LearnActEndDate")),
    ("R_141", "an unreadable AimType on the subject aim may well be 3",
     learner(prog(), subject(AimType="three")), Y24, (2, "AimType")),
    ("R_141", "an unreadable end date on the programme aim may well close it",
     learner(prog(CompStatus="2", Outcome="8", LearnActEndDate="2024-12-32"), event("2024-12-10")), Y24,
     (1, "LearnActEndDate")),
    ("R_152", "an unreadable programme start cannot place the programme before 1 Aug 2025",
     learner(prog25(start="2025-07-3l", fams=fams(evi())), subject25(start="2025-08-01"), prog25(3, start="2025-08-01")),
     Y25, (1, "LearnStartDate")),
    ("EmpStat_08", "an unreadable employment status date may well be before the start",
     unreadable_learner(learner(prog(), subject(), details=True), "LearnerEmploymentStatus/DateEmpStatApp"), Y24,
     (None, "LearnerEmploymentStatus/DateEmpStatApp")),
    ("R_131", "an unreadable prior attainment date may well be on or before the start",
     unreadable_learner(learner(prog(), subject(), details=True), "PriorAttain/DateLevelApp"), Y24,
     (None, "PriorAttain/DateLevelApp")),
]


@pytest.mark.parametrize("rule, why, record, context, schema_at", UNREADABLE,
                         ids=[f"{u[0]}: {u[1]}" for u in UNREADABLE])
def test_unreadable_values_leave_it_to_schema(rule: str, why: str, record: Learner, context: Context,
                                              schema_at: tuple) -> None:
    findings = check_learner(record, context)
    assert schema_at in [(f.aim_seq, f.field) for f in findings if f.rule == "Schema"]
    assert where(findings, rule) == [], f"{rule} fired on an unreadable value: {where(findings, rule)}"


def test_unreadable_cases_name_registered_rules() -> None:
    assert {u[0] for u in UNREADABLE} <= set(REGISTRY)


# -- "latest programme aim" -------------------------------------------------------

def restart(p2_closed: bool, s2_closed: bool, *, p2_end: str = PLAN_END, s2_end: str = PLAN_END) -> Learner:
    """Withdrawn in October, restarted in November on the same contract (two programme aims)."""
    gone = {"CompStatus": "3", "LearnActEndDate": "2024-10-01", "Outcome": "3", "WithdrawReason": "44"}
    again = {"LearnStartDate": "2024-11-04"}
    p2 = closed_prog(3, end=p2_end, **again) if p2_closed else prog(3, **again)
    s2 = closed_subject(4, end=s2_end, **again) if s2_closed else subject(4, **again)
    return learner(prog(1, **gone), subject(2, **gone), p2, s2, event("2024-12-10", seq=5))


def test_r140_follows_the_latest_programme_aim_not_the_withdrawn_one() -> None:
    # The first programme aim is closed, but the restart is open: nothing to close yet.
    assert where(check_learner(restart(p2_closed=False, s2_closed=False), Y24), "R_140") == []
    # Once the restart (the latest programme aim) is closed, its open subject aim is an error.
    assert where(check_learner(restart(p2_closed=True, s2_closed=False), Y24), "R_140") == [(4, "LearnActEndDate", None)]


def test_r143_compares_the_latest_programme_aim_only() -> None:
    # The withdrawn programme aim ended in October, before every later component: not an R_143 error.
    assert where(check_learner(restart(True, True), Y24), "R_143") == []
    assert where(check_learner(restart(True, True, p2_end="2024-12-19"), Y24), "R_143") == [(3, "LearnActEndDate", None)]


def test_r138_looks_for_the_achdate_on_the_latest_programme_aim() -> None:
    early = {"LearnStartDate": START, "CompStatus": "2", "LearnActEndDate": "2024-10-01", "Outcome": "8"}
    late = {"LearnStartDate": "2024-11-04"}
    subj = closed_subject(4, **late)
    # An AchDate on the earlier programme aim does not satisfy the rule: the latest has none.
    record = learner(prog(1, **{**early, "Outcome": "1", "AchDate": "2024-10-01"}), subject(2, CompStatus="2",
                     LearnActEndDate="2024-10-01", Outcome="1"), closed_prog(3, **late), subj)
    assert (3, "AchDate", None) in where(check_learner(record, Y24), "R_138")
    # An AchDate on the latest programme aim satisfies it for every completed programme aim.
    record = learner(prog(1, **early), subject(2, CompStatus="2", LearnActEndDate="2024-10-01", Outcome="1"),
                     closed_prog(3, outcome="1", AchDate="2025-01-10", **late), subj)
    assert where(check_learner(record, Y24), "R_138") == []


def test_r138_fires_on_a_completed_programme_aim_even_when_a_later_one_is_open() -> None:
    """The rule's letter: a completed programme aim (CompStatus 2) with no AchDate on the latest
    programme aim and no event aim is an error, whatever state the latest aim is in."""
    record = learner(closed_prog(1, end="2024-10-01"), closed_subject(2, end="2024-10-01"),
                     prog(3, LearnStartDate="2024-11-04"), subject(4, LearnStartDate="2024-11-04"))
    assert where(check_learner(record, Y24), "R_138") == [(1, "AchDate", None)]
    # ... unless that completed aim ended more than six months before the file was prepared.
    assert where(check_learner(record, ctx("2024-25", "2025-04-02")), "R_138") == []


# -- grouping: FundModel+ProgType+ConRefNumber vs ConRefNumber only ---------------

def test_r135_r136_group_by_fundmodel_progtype_conref_but_r141_by_conref_only() -> None:
    record = learner(prog(), subject(FundModel="35"))
    findings = check_learner(record, Y24)
    assert where(findings, "R_135") == [(2, "ConRefNumber", None)]
    assert where(findings, "R_136") == [(1, "ConRefNumber", None)]
    assert where(findings, "R_141") == []  # a subject aim with the same ConRefNumber exists


def test_r140_pairs_a_component_with_the_latest_programme_aim_of_its_own_key() -> None:
    # FundModel 37 programme aim closed; the later FundModel 35 one is open. The FundModel 37
    # subject aim belongs to the closed one, so it must be closed too.
    record = learner(closed_prog(1), prog(2, FundModel="35", LearnStartDate="2024-10-01"),
                     subject(3), subject(4, FundModel="35", LearnStartDate="2024-10-01"), event("2024-12-10", seq=5))
    assert (3, "LearnActEndDate", None) in where(check_learner(record, Y24), "R_140")
    record = learner(prog(1), prog(2, FundModel="35", LearnStartDate="2024-10-01"),
                     subject(3), subject(4, FundModel="35", LearnStartDate="2024-10-01"))
    assert where(check_learner(record, Y24), "R_140") == []


def test_r143_compares_within_the_same_key() -> None:
    record = learner(closed_prog(1, end="2024-12-10"),
                     closed_prog(2, end="2024-12-31", FundModel="35", LearnStartDate="2024-10-01"),
                     closed_subject(3, end="2024-12-20"),
                     closed_subject(4, end="2024-12-31", FundModel="35", LearnStartDate="2024-10-01"),
                     event("2024-12-10", seq=5))
    assert where(check_learner(record, Y24), "R_143") == [(1, "LearnActEndDate", None)]


def test_conref_only_rules_take_the_earliest_start_across_programme_aims() -> None:
    # R_144: AchDate before the restart's own start but after the first start is fine...
    record = learner(prog(1, CompStatus="3", LearnActEndDate="2024-10-01", Outcome="3", WithdrawReason="44"),
                     closed_prog(2, outcome="1", AchDate="2024-10-15", LearnStartDate="2024-11-04"),
                     closed_subject(3, LearnStartDate="2024-11-04"), event("2024-12-10", seq=4))
    assert where(check_learner(record, Y24), "R_144") == []
    # R_152: a programme restarted after 1 Aug 2025 still began before it, so no EVI.
    record = learner(prog25(1, start="2025-07-14", CompStatus="6", LearnActEndDate="2025-07-25", Outcome="3"),
                     subject25(2, start="2025-07-14", CompStatus="6", LearnActEndDate="2025-07-25", Outcome="3"),
                     prog25(3, fams=fams(evi())), subject25(4))
    assert where(check_learner(record, Y25), "R_152") == [(3, "LearningDeliveryFAM", "EVI")]
    # On another contract it is a programme of its own and EVI is right.
    record = learner(prog25(1, start="2025-07-14", CompStatus="6", LearnActEndDate="2025-07-25", Outcome="3",
                            ConRefNumber="SB-OTHER-9"),
                     subject25(2, start="2025-07-14", CompStatus="6", LearnActEndDate="2025-07-25", Outcome="3",
                               ConRefNumber="SB-OTHER-9"),
                     prog25(3, fams=fams(evi())), subject25(4))
    assert where(check_learner(record, Y25), "R_152") == []


def test_aim_numbers_with_a_gap_in_a_pasted_handful_of_aims_are_not_an_error() -> None:
    """A paste of some of a learner's aims is often cut down: AimSeqNumber_02 needs the whole learner."""
    pasted = learner(prog(), subject(3))
    assert not [f for f in check_learner(pasted, ctx("2024-25", "2025-03-31")) if f.rule == "AimSeqNumber_02"]
