"""Synthetic bootcamp records for tests: no real learner data, ever.

Fields are given by their ILR XML names with ILR text values, e.g.
``prog(CompStatus="2", LearnActEndDate="2024-12-20")``; ``None`` removes a
field. FAMs are given as ``fams=[("SOF", "105"), ("EVI", "4", "2025-09-01")]``.
"""

from __future__ import annotations

from datetime import date

from assistant.ilr.model import Delivery, Fam, Learner, parse_iso_date
from assistant.rules.base import Context

START = "2024-09-02"
PLAN_END = "2024-12-20"
CON_REF = "SB-TEST-001"
DEFAULT_FAMS = (("SOF", "105"), ("FFI", "1"))


def fam(type_: str, code: str | None, date_from: str | None = None, date_to: str | None = None) -> Fam:
    return Fam(type_, code, parse_iso_date(date_from) if date_from else None,
               parse_iso_date(date_to) if date_to else None)


def aim(ref: str, aim_type: str, seq: int, *, fams=DEFAULT_FAMS, **fields: str | None) -> Delivery:
    base: dict[str, str | None] = {
        "LearnAimRef": ref, "AimType": aim_type, "AimSeqNumber": str(seq),
        "LearnStartDate": START, "LearnPlanEndDate": PLAN_END, "FundModel": "37", "ProgType": "32",
        "ConRefNumber": CON_REF, "CompStatus": "1",
    }
    base.update(fields)
    d = Delivery()
    for name, text in base.items():
        d = d.with_text(name, text)
    return d.with_fams(tuple(fam(*f) for f in fams))


def prog(seq: int = 1, **fields) -> Delivery:
    return aim("ZPROG001", "1", seq, **fields)


def subject(seq: int = 2, ref: str = "Z0059758", **fields) -> Delivery:
    return aim(ref, "3", seq, **fields)


def event(on: str, seq: int = 3, ref: str = "Z0059747", **fields) -> Delivery:
    base = {"LearnStartDate": on, "LearnPlanEndDate": on, "LearnActEndDate": on, "CompStatus": "2", "Outcome": "1"}
    base.update(fields)
    return aim(ref, "3", seq, **base)


def learner(*deliveries: Delivery, ref: str = "TEST001", details: bool = False,
            dob: str | None = "1990-05-01", employment: tuple[str, ...] = ("2024-08-01",),
            prior: tuple[str, ...] = ("2020-01-01",)) -> Learner:
    """A learner; with ``details=True`` it also has DOB, employment and prior attainment."""
    if not details:
        return Learner(ref, tuple(deliveries), has_learner_details=False)
    return Learner(
        ref, tuple(deliveries),
        date_of_birth=parse_iso_date(dob) if dob else None,
        employment_dates=tuple(parse_iso_date(e) for e in employment),
        prior_attain_dates=tuple(parse_iso_date(p) for p in prior),
        has_learner_details=True,
    )


def ctx(year: str = "2024-25", as_of: str = "2025-03-31") -> Context:
    return Context(year, parse_iso_date(as_of))


def d(text: str) -> date:
    return parse_iso_date(text)


# -- the same records as XML text, for what only the text shows (spaces, case, order) ------

def aim_xml(ref: str = "ZPROG001", aim_type: str = "1", seq: int = 1, *, fams=DEFAULT_FAMS,
            order: tuple[str, ...] | None = None, **raw: str | None) -> str:
    """One <LearningDelivery> as text, every value exactly as given (spaces and case kept).

    Fields follow the XSD order unless ``order`` names another; ``DelLocPostCode`` is included so
    that a whole file built from these is schema-valid.
    """
    values: dict[str, str | None] = {
        "LearnAimRef": ref, "AimType": aim_type, "AimSeqNumber": str(seq), "LearnStartDate": START,
        "LearnPlanEndDate": PLAN_END, "FundModel": "37", "ProgType": "32", "DelLocPostCode": "ZZ99 9ZZ",
        "ConRefNumber": CON_REF, "CompStatus": "1",
    }
    values.update(raw)
    xsd_order = ("LearnAimRef", "AimType", "AimSeqNumber", "LearnStartDate", "LearnPlanEndDate", "FundModel",
                 "ProgType", "DelLocPostCode", "ConRefNumber", "CompStatus", "LearnActEndDate", "WithdrawReason",
                 "Outcome", "AchDate")
    names = [n for n in (order or xsd_order) if values.get(n) is not None]
    body = "".join(f"<{n}>{values[n]}</{n}>" for n in names)
    fam_text = "".join(
        "<LearningDeliveryFAM>" + f"<LearnDelFAMType>{f[0]}</LearnDelFAMType><LearnDelFAMCode>{f[1]}</LearnDelFAMCode>"
        + (f"<LearnDelFAMDateFrom>{f[2]}</LearnDelFAMDateFrom>" if len(f) > 2 else "") + "</LearningDeliveryFAM>"
        for f in fams)
    return f"<LearningDelivery>{body}{fam_text}</LearningDelivery>"


def xml_learner(*aims: str, year: str = "2024-25") -> Learner:
    """Pasted <LearningDelivery> elements read as the reader reads them, with the year's schema check."""
    from assistant.ilr.reader import read_text

    return read_text("\n".join(aims), year=year).learners[0]


def whole_file(*aims: str, year: str = "2025-26", prepared: str = "2025-03-31") -> str:
    """A minimal whole ILR file (header, provider, one learner) around the given aims, in the year's namespace."""
    code = year[2:4] + year[5:7]
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Message xmlns="ESFA/ILR/{year}">\n'
            f"<Header><CollectionDetails><Collection>ILR</Collection><Year>{code}</Year>"
            f"<FilePreparationDate>{prepared}</FilePreparationDate></CollectionDetails>"
            "<Source><ProtectiveMarking>OFFICIAL-SENSITIVE-Personal</ProtectiveMarking><UKPRN>99999999</UKPRN>"
            "<SoftwareSupplier>Test</SoftwareSupplier><SoftwarePackage>Test</SoftwarePackage><Release>1</Release>"
            "<SerialNo>01</SerialNo><DateTime>2025-03-31T10:00:00</DateTime></Source></Header>\n"
            "<LearningProvider><UKPRN>99999999</UKPRN></LearningProvider>\n"
            "<Learner><LearnRefNumber>TEST001</LearnRefNumber><ULN>9999999999</ULN><FamilyName>Test</FamilyName>"
            "<GivenNames>Test</GivenNames><DateOfBirth>1990-05-01</DateOfBirth><Ethnicity>31</Ethnicity><Sex>F</Sex>"
            "<LLDDHealthProb>2</LLDDHealthProb><PostcodePrior>ZZ99 9ZZ</PostcodePrior><Postcode>ZZ99 9ZZ</Postcode>"
            + "\n".join(aims) + "</Learner>\n</Message>\n")
