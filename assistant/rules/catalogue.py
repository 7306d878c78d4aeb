"""The words of each rule, from `knowledge/rules.yaml` and `knowledge/sources.yaml`.

Loaded once, checked on load: every rule has a message, a known severity, a
readable year range and known sources; every registered check has an entry
and every entry not marked `unchecked` has a check. Errors name the file, line and key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..ilr.years import YearError, normalise_year, year_index
from ..knowledge_loader import GRADES, Knowledge, KnowledgeError, knowledge_or_shipped, line_of, require
from .base import Context, Grade, Severity, Source
from .registered import REGISTRY

SEVERITIES = ("error", "warning", "advice")
#: What a rule marked ``unchecked`` needs that this tool does not hold (knowledge/rules.yaml says which).
UNCHECKED_NEEDS = {
    "LARS": "the LARS learning aim database (aim validity dates and categories)",
    "contracts": "DfE's contract data (FCS and the Skills Bootcamps contracts database)",
    "code lists": "DfE's full code lists for the year (ILR lookups)",
    "not read": "parts of the learner record this tool does not read",
}


@dataclass(frozen=True)
class RuleText:
    id: str
    severity: Severity
    message: str
    explanation: str
    sources: tuple[Source, ...]
    since: str
    until: str | None = None
    exempt: bool = False
    message_note: str | None = None
    year_notes: dict[str, str] = field(default_factory=dict)
    #: From this teaching year DfE excludes Skills Bootcamps (FundModel 37 and ProgType 32) from the rule; it
    #: still runs on an aim that has only one of the two (Outcome_11 from 2025-26).
    bootcamps_excluded_from: str | None = None
    #: DfE applies the rule to bootcamp records but it needs data this tool does not hold (a key of
    #: UNCHECKED_NEEDS): it has no check, and every diagnosis says it was not checked.
    unchecked: str | None = None

    def excludes_bootcamps(self, year: str) -> bool:
        """True where an aim with FundModel 37 and ProgType 32 does not trigger the rule in ``year``."""
        return self.exempt or (self.bootcamps_excluded_from is not None
                               and year_index(year) >= year_index(self.bootcamps_excluded_from))

    @property
    def grade(self) -> Grade:
        """A rule's own grade: official when any source is official."""
        order = {g: i for i, g in enumerate(GRADES)}
        best: Grade = min((s.grade for s in self.sources), key=order.__getitem__, default="inference")
        return best

    def applies_in(self, ctx: Context) -> bool:
        if year_index(ctx.year) < year_index(self.since):
            return False
        return self.until is None or year_index(ctx.year) <= year_index(self.until)

    def years_text(self) -> str:
        """The years this tool checks the rule in; from the first year it holds, that says nothing of when DfE
        introduced the rule, so the words must not read as if it did (a new starter took "2022-23 onwards" so)."""
        from ..ilr.years import held_years

        first = held_years()[0]
        since = f"every year held here, from {first}" if self.since == first else f"from {self.since}"
        return f"{since} to {self.until}" if self.until else since

    @property
    def page(self) -> Source | None:
        """The rule's page in the latest held year that has one (DfE-published ids only)."""
        from ..ilr.years import held_years
        from .evidence import OWN_RULES, page_source

        if self.id in OWN_RULES:
            return None
        for year in reversed(held_years()):
            found = page_source(self.id, year)
            if found is not None:
                return found
        return None


def sources(kb: Knowledge | None = None) -> dict[str, Source]:
    """Every source of knowledge/sources.yaml by id, checked (built once per Knowledge)."""
    return knowledge_or_shipped(kb).memo("sources", _build_sources)


def _build_sources(kb: Knowledge) -> dict[str, Source]:
    path = kb.path("sources.yaml")
    data = kb.file("sources.yaml")
    if not isinstance(data, dict):
        raise KnowledgeError(path, "(top)", "should be a mapping of source ids")
    found: dict[str, Source] = {}
    for sid, entry in data.items():
        title = require(entry, "title", path, sid)
        grade = require(entry, "grade", path, sid)
        if grade not in GRADES:
            raise KnowledgeError(path, f"{sid}.grade", f"'{grade}' is not one of {', '.join(GRADES)}", line_of(entry))
        url = entry.get("url")
        if grade != "inference" and not url:
            raise KnowledgeError(path, f"{sid}.url", "is missing (only inference may have no address)", line_of(entry))
        found[sid] = Source(sid, title, url or "", grade)
    return found


def source_list(ids: object, path: Path, where: str, line: int | None, kb: Knowledge | None = None) -> tuple[Source, ...]:
    known = sources(kb)
    if not isinstance(ids, list) or not ids:
        raise KnowledgeError(path, where, "should list at least one source id", line)
    out = []
    for sid in ids:
        if sid not in known:
            raise KnowledgeError(path, where, f"unknown source '{sid}' (not in knowledge/sources.yaml)", line)
        out.append(known[sid])
    return tuple(out)


def _years(text: str, path: Path, where: str, line: int | None) -> tuple[str, str | None]:
    start, _, end = text.partition("..")
    try:
        return normalise_year(start), (normalise_year(end) if end.strip() else None)
    except YearError as exc:
        raise KnowledgeError(path, where, str(exc), line) from None


def catalogue(kb: Knowledge | None = None) -> dict[str, RuleText]:
    """Every rule's words by id, checked against the registered checks (built once per Knowledge)."""
    return knowledge_or_shipped(kb).memo("rules", _build_catalogue)


def _build_catalogue(kb: Knowledge) -> dict[str, RuleText]:
    path = kb.path("rules.yaml")
    data = kb.file("rules.yaml")
    if not isinstance(data, dict):
        raise KnowledgeError(path, "(top)", "should be a mapping of rule ids")
    texts: dict[str, RuleText] = {}
    for rid, entry in data.items():
        line = line_of(entry)
        severity = require(entry, "severity", path, rid)
        if severity not in SEVERITIES:
            raise KnowledgeError(path, f"{rid}.severity", f"'{severity}' is not one of {', '.join(SEVERITIES)}", line)
        since, until = _years(require(entry, "years", path, rid), path, f"{rid}.years", line)
        excluded_from = entry.get("bootcamps_excluded_from")
        if excluded_from is not None:
            excluded_from, _ = _years(str(excluded_from), path, f"{rid}.bootcamps_excluded_from", line)
        unchecked = entry.get("unchecked")
        if unchecked is not None and unchecked not in UNCHECKED_NEEDS:
            raise KnowledgeError(path, f"{rid}.unchecked", f"'{unchecked}' is not one of {', '.join(UNCHECKED_NEEDS)}",
                                 line)
        notes = entry.get("year_notes") or {}
        if not isinstance(notes, dict):
            raise KnowledgeError(path, f"{rid}.year_notes", "should map teaching years to notes", line)
        texts[rid] = RuleText(
            id=rid,
            severity=severity,
            message=require(entry, "message", path, rid),
            explanation=require(entry, "explanation", path, rid).strip(),
            sources=source_list(entry.get("sources"), path, f"{rid}.sources", line, kb),
            since=since,
            until=until,
            exempt=bool(entry.get("exempt", False)),
            message_note=entry.get("message_note"),
            year_notes={normalise_year(k): v for k, v in notes.items()},
            bootcamps_excluded_from=excluded_from,
            unchecked=unchecked,
        )
    _check_registry(texts, path)
    return texts


def _check_registry(texts: dict[str, RuleText], path: Path) -> None:
    for rid in REGISTRY:
        if rid not in texts:
            raise KnowledgeError(path, rid, "a check with this id exists in assistant/rules/ but has no entry here")
    for rid, text in texts.items():
        if not text.unchecked and rid not in REGISTRY:
            raise KnowledgeError(path, rid, "has no check in assistant/rules/ (mark it `unchecked:` with what it needs "
                                            "that is not held)")
        if text.unchecked and rid in REGISTRY:
            raise KnowledgeError(path, rid, "is marked unchecked but has a check in assistant/rules/")


def find_rule(text: str) -> RuleText | None:
    """A rule by id, forgiving case and underscores (``r138``, ``R_138``, ``compstatus03``)."""
    want = text.strip().lower().replace("_", "").replace(" ", "")
    for rid, rule_text in catalogue().items():
        if rid.lower().replace("_", "") == want:
            return rule_text
    return None
