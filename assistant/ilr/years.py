"""Teaching years: "2024-25" runs from 1 August 2024 to 31 July 2025."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from pathlib import Path

    from ..knowledge_loader import Knowledge

_LONG = re.compile(r"^(\d{4})-(\d{2})$")
_SHORT = re.compile(r"^(\d{2})(\d{2})$")
_NAMESPACE = re.compile(r"(?:E?SFA)/ILR/(\d{4})-(\d{2})")


class YearError(ValueError):
    """A teaching year that cannot be read."""


def normalise_year(text: str) -> str:
    """Accept ``2024-25``, ``2024/25``, ``24-25`` or ``2425``; return ``2024-25``."""
    t = text.strip().replace("/", "-")
    m = _LONG.match(t)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
    else:
        m = _SHORT.match(t.replace("-", "")) if len(t.replace("-", "")) == 4 else None
        if not m:
            raise YearError(f"'{text}' is not a teaching year; write it like 2024-25")
        start, end = 2000 + int(m.group(1)), int(m.group(2))
    if (start + 1) % 100 != end:
        raise YearError(f"'{text}' is not a teaching year: the second part must be the year after the first")
    return f"{start}-{end:02d}"


def year_from_namespace(ns: str | None) -> str | None:
    if not ns:
        return None
    m = _NAMESPACE.search(ns)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def year_of(day: date) -> str:
    """The teaching year a date falls in."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def year_start(year: str) -> date:
    return date(int(year[:4]), 8, 1)


def year_end(year: str) -> date:
    return date(int(year[:4]) + 1, 7, 31)


def year_index(year: str) -> int:
    """The starting calendar year, for comparing teaching years."""
    return int(year[:4])


# -- a teaching year's facts, from knowledge/years/ ---------------------------------------------

PAGE_BASE = "https://guidance.submit-learner-data.service.gov.uk/{short}/validation-rules/rule/{id}"


#: Where a held rule page was read from: its own page, a category list, or the year's workbook.
PageSource = Literal["page", "category list", "workbook"]


@dataclass(frozen=True)
class RulePage:
    """What DfE published for one rule in one teaching year, as held here.

    ``url`` is the rule's own page (or the list it was read from); ``source``
    says which: a rule page looked up, a category list, or the year's workbook.
    """

    rule: str
    year: str
    exists: bool = True
    version: str | None = None
    status: str | None = None
    severity: str | None = None
    message: str | None = None
    condition: str | None = None
    exclusions: str | None = None
    change: str | None = None
    url: str | None = None
    source: PageSource = "page"


@dataclass(frozen=True)
class Year:
    """One teaching year's facts, built from ``knowledge/years/<year>.yaml``.

    The one place a year's namespace, schema, rule pages and cut-over dates
    live: adding next year is a new YAML file plus only the rules that changed.
    A year with no file is "not held" (``held`` False): its rules follow the
    nearest held wording and every finding says so.
    """

    name: str
    held: bool
    namespace: str
    namespace_source: str
    xsd: str | None
    specification: str | None
    #: The year's published rule workbook (``file``, ``title``, ``url``), as knowledge/years/<year>.yaml gives it.
    rule_list: dict[str, str] | None
    pages: dict[str, RulePage]
    notes: tuple[str, ...]
    changes: tuple[str, ...]
    dates: dict[str, date]
    six_month_rule_months: int

    @property
    def short(self) -> str:
        """``2025-26`` → ``25-26`` (the DfE site's path segment)."""
        return self.name[2:]

    @property
    def header_code(self) -> str:
        """``2025-26`` → ``2526`` (Header/CollectionDetails/Year)."""
        return self.name[2:4] + self.name[5:7]

    @property
    def evi_cutover(self) -> date:
        return self.dates["evi_cutover"]

    def page(self, rule_id: str) -> RulePage | None:
        """The rule as published this year, or None when no page for it is held."""
        return self.pages.get(_rule_key(rule_id))

    def page_url(self, rule_id: str) -> str:
        page = self.page(rule_id)
        if page and page.url:
            return page.url
        return PAGE_BASE.format(short=self.short, id=rule_id)


def _rule_key(rule_id: str) -> str:
    return rule_id.lower().replace("_", "")


def held_years(kb: Knowledge | None = None) -> tuple[str, ...]:
    """Every teaching year with a file in knowledge/years/, oldest first."""
    from ..knowledge_loader import knowledge_or_shipped

    def build(k: Knowledge) -> tuple[str, ...]:
        return tuple(sorted(p.stem for p in k.path("years").glob("[0-9][0-9][0-9][0-9]-[0-9][0-9].yaml")))

    return knowledge_or_shipped(kb).memo("years-held", build)


def year_facts(year: str, kb: Knowledge | None = None) -> Year:
    """The facts of a teaching year (built once per Knowledge)."""
    from ..knowledge_loader import knowledge_or_shipped

    k = knowledge_or_shipped(kb)
    return k.memo(f"year:{year}", lambda kb_: _build_year(year, kb_))


def _build_year(year: str, kb: Knowledge) -> Year:
    from ..knowledge_loader import KnowledgeError

    common = kb.file("years/common.yaml") or {}
    dates: dict[str, date] = {}
    for key, entry in (common.get("dates") or {}).items():
        try:
            dates[key] = date.fromisoformat(str(entry["date"]))
        except (KeyError, TypeError, ValueError):
            raise KnowledgeError(kb.path("years/common.yaml"), f"dates.{key}.date", "should be a date like 2025-08-01") from None
    months = int(common.get("six_month_rule_months", 6))
    path = kb.path(f"years/{year}.yaml")
    if not path.exists():
        return Year(year, False, f"ESFA/ILR/{year}", "not held (no knowledge/years file for this year)", None, None,
                    None, {}, (f"Nothing about {year} is held here.",), (), dates, months)
    data = kb.file(f"years/{year}.yaml")
    if not isinstance(data, dict) or data.get("year") != year:
        raise KnowledgeError(path, "year", f"should say year: \"{year}\"")
    base = _optional_text(data, "page_base", path) or PAGE_BASE.format(short=year[2:], id="")
    pages: dict[str, RulePage] = {}
    rule_list = data.get("rule_list")
    if rule_list and not (isinstance(rule_list, dict) and isinstance(rule_list.get("file"), str)):
        raise KnowledgeError(path, "rule_list", "should be a mapping naming the workbook's file (and its title, url)")
    if rule_list:
        pages.update(_workbook_pages(kb, year, rule_list))
    for rid, entry in (data.get("rules") or {}).items():
        if not isinstance(entry, dict):
            raise KnowledgeError(path, f"rules.{rid}", "should be a mapping")
        old = pages.get(_rule_key(rid))
        fields = {k: (str(v).strip() if v is not None else None) for k, v in entry.items()
                  if k in ("version", "status", "severity", "message", "condition", "exclusions", "change", "url")}
        merged = {**(old.__dict__ if old else {}), **{k: v for k, v in fields.items() if v}}
        merged.update(rule=rid, year=year, exists=bool(entry.get("exists", True)))
        merged.setdefault("url", None)
        if not fields.get("url") and (old is None or old.source == "workbook"):
            merged["url"] = base + rid
        merged["source"] = "category list" if "category" in (merged.get("url") or "") else "page"
        pages[_rule_key(rid)] = RulePage(**merged)
    return Year(
        name=year, held=True, namespace=str(data.get("namespace") or f"ESFA/ILR/{year}"),
        namespace_source=str(data.get("namespace_source") or ""), xsd=_optional_text(data, "xsd", path),
        specification=_optional_text(data, "specification", path), rule_list=rule_list, pages=pages,
        notes=tuple(str(n).strip() for n in data.get("notes") or ()),
        changes=tuple(str(c).strip() for c in data.get("changes") or ()), dates=dates, six_month_rule_months=months,
    )


def _optional_text(data: dict[str, Any], key: str, path: Path) -> str | None:
    """A year file's value that is text or absent; anything else is a KnowledgeError naming the key."""
    from ..knowledge_loader import KnowledgeError

    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise KnowledgeError(path, key, f"should be text, not {type(value).__name__}")


def _workbook_pages(kb: Knowledge, year: str, rule_list: dict[str, str]) -> dict[str, RulePage]:
    """Every rule of a year's published workbook (CSV), as held pages."""
    import csv

    out: dict[str, RulePage] = {}
    with open(kb.path(rule_list["file"]), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rid = row["rule"]
            sev = (row.get("severity") or "").strip().lower()
            out[_rule_key(rid)] = RulePage(
                rule=rid, year=year, exists=row.get("status", "").strip().lower() != "deleted",
                version=row.get("version") or None, status=row.get("status") or None,
                severity={"e": "error", "w": "warning"}.get(sev, sev) or None,
                message=row.get("message") or None, condition=row.get("description") or None,
                url=rule_list.get("url"), source="workbook")
    return out


def nearest_held(year: str, rule_id: str, kb: Knowledge | None = None) -> Year | None:
    """The held year nearest to ``year`` whose page for the rule is held (later years first on a tie)."""
    best: tuple[int, int] | None = None
    found: Year | None = None
    for other in held_years(kb):
        y = year_facts(other, kb)
        page = y.page(rule_id)
        if page is None or not page.exists or other == year:
            continue
        key = (abs(year_index(other) - year_index(year)), -year_index(other))
        if best is None or key < best:
            best, found = key, y
    return found
