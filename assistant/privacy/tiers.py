"""Which ILR fields hold personal data, tier by tier, and what replaces each value.

The tiers follow ``research/ilr-xml.md`` §2: Tier A values are replaced by a
placeholder naming what was there (or, for learner references, by an alias);
Tier B values are removed; Tier C (aims, codes, learning dates) is what a
diagnosis is about and is kept exactly. Every other module of the redaction
reads these lists, so a field is added or moved in one place.
"""

from __future__ import annotations

#: The ULN the ILR uses for "not known"; it identifies no one.
PLACEHOLDER_ULN = "9999999999"

#: Tier A: element local name -> the placeholder that replaces its value.
TIER_A: dict[str, str] = {
    "FamilyName": "[name]",
    "GivenNames": "[name]",
    "DateOfBirth": "[date of birth]",
    "ULN": "[ULN]",
    "NINumber": "[NI number]",
    "AddLine1": "[address]",
    "AddLine2": "[address]",
    "AddLine3": "[address]",
    "AddLine4": "[address]",
    "Postcode": "[postcode]",
    "PostcodePrior": "[postcode]",
    "LSDPostcode": "[postcode]",
    "HEPostCode": "[postcode]",
    "TelNo": "[phone]",
    "Email": "[email]",
    "UCASPERID": "[UCAS id]",
    "UCASAPPID": "[UCAS id]",
    "SSN": "[student support number]",
    "ProvSpecLearnMon": "[free text removed]",
    "ProvSpecDelMon": "[free text removed]",
}
#: Free text: removed, but not remembered as a value to look for elsewhere.
FREE_TEXT: frozenset[str] = frozenset({"ProvSpecLearnMon", "ProvSpecDelMon"})
#: Pseudonymous keys: replaced by a stable alias rather than removed.
ALIASED: frozenset[str] = frozenset({"LearnRefNumber", "PrevLearnRefNumber"})
#: Tier B: special-category or sensitive attributes; leaf values removed
#: (containers keep their structure, so dates such as DateEmpStatApp survive).
TIER_B: frozenset[str] = frozenset({
    "Ethnicity", "Sex", "LLDDHealthProb", "LLDDCat", "PrimaryLLDD",
    "LearnFAMType", "LearnFAMCode",
    "EmpStat", "ESMType", "ESMCode", "EmpId", "WorkPlaceEmpId",
    "ALSCost", "PriorAttain", "PriorLevel", "MathGrade", "EngGrade",
    "Accom", "SEC", "SOC", "SOC2000", "TTACCOM", "DOMICILE", "PERMADDCOUNTRY",
    "FINTYPE", "FINAMOUNT",
})
#: Tier C leaves whose values are codes, references or learning dates: kept
#: exactly (a ConRefNumber can look like an NI number, a LearnRefNumber can be
#: a substring of a ConRefNumber).
SAFE: frozenset[str] = frozenset({
    "LearnAimRef", "AimType", "AimSeqNumber", "LearnStartDate", "OrigLearnStartDate", "LearnPlanEndDate",
    "FundModel", "ProgType", "FworkCode", "PwayCode", "StdCode", "PartnerUKPRN", "AddHours", "PHours",
    "OTJActHours", "PriorLearnFundAdj", "OtherFundAdj", "ConRefNumber", "EPAOrgID", "EmpOutcome", "CompStatus",
    "LearnActEndDate", "WithdrawReason", "Outcome", "AchDate", "OutGrade", "SWSupAimId", "TLOut",
    "LearnDelFAMType", "LearnDelFAMCode", "LearnDelFAMDateFrom", "LearnDelFAMDateTo",
    "DateEmpStatApp", "DateLevelApp", "UKPRN", "PrevUKPRN", "PMUKPRN", "Year", "FilePreparationDate",
    "DateTime", "Collection", "SerialNo", "Release", "ProtectiveMarking", "CampId", "PlanLearnHours",
    "PlanEEPHours", "AFinType", "AFinCode", "AFinDate", "AFinAmount", "ProvSpecLearnMonOccur",
    "ProvSpecDelMonOccur",
})

#: What a Tier B value, and an XML comment, become.
REMOVED = "[removed]"
COMMENT = " [comment removed] "
