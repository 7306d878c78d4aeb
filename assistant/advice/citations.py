"""Checked citations: every rule id and source id the advice and the milestones cite must exist.

Proposals and milestone statuses name the rules they apply and the sources
behind them. An id that names nothing (a typo, a source removed from
``knowledge/sources.yaml``) must fail loudly, never vanish from what the user
is shown. Two guards:

* at run time, :func:`cite` raises :class:`CitationError` on an unknown id;
* ``ilr-assistant lint`` (and the test suite) reads the advice code itself and
  lists every literal id in a ``Reason(...)`` or ``MilestoneStatus(...)`` that
  the knowledge does not hold, so a path no test happens to take is caught too.

A rule id is known when ``knowledge/rules.yaml`` explains it or DfE's rule
list (``knowledge/reference/validation-rules-2025-26.csv``) holds it.
"""

from __future__ import annotations

import ast
import csv
from pathlib import Path

from ..knowledge_loader import Knowledge, KnowledgeError, knowledge_or_shipped
from ..rules.base import Source

#: The code whose citations lint reads: the advice and the milestone logic.
CITING_MODULES = ("advice/events.py", "advice/stopped.py", "advice/schema_fixes.py",
                  "advice/subject_aims.py", "advice/programme_aim.py", "advice/common.py", "advice/plan.py",
                  "rules/milestones.py")
#: Calls whose arguments cite: name -> (position of the rule ids, position of the source ids).
CITING_CALLS = {"Reason": (1, 3), "MilestoneStatus": (None, 3)}


class CitationError(KnowledgeError):
    """Advice cites a rule id or a source id the knowledge does not hold."""


def known_rule_ids(kb: Knowledge | None = None) -> frozenset[str]:
    return knowledge_or_shipped(kb).memo("citations:rules", _build_rule_ids)


def _build_rule_ids(kb: Knowledge) -> frozenset[str]:
    from ..rules.catalogue import catalogue

    ids = set(catalogue(kb))
    listed = kb.path("reference/validation-rules-2025-26.csv")
    if listed.exists():
        with listed.open(encoding="utf-8", newline="") as fh:
            ids |= {row["rule"] for row in csv.DictReader(fh) if row.get("rule")}
    return frozenset(ids)


def cite(rules: tuple[str, ...], source_ids: tuple[str, ...], where: str = "advice",
         kb: Knowledge | None = None) -> tuple[Source, ...]:
    """The sources for ``source_ids``, after checking every id; raises CitationError on an unknown one."""
    from ..rules.catalogue import sources

    known = sources(kb)
    for sid in source_ids:
        if sid not in known:
            raise CitationError(where, "sources", f"unknown source id '{sid}' (not in knowledge/sources.yaml)")
    ids = known_rule_ids(kb)
    for rid in rules:
        if rid not in ids:
            raise CitationError(where, "rules", f"unknown rule id '{rid}' (not in knowledge/rules.yaml or DfE's rule list)")
    return tuple(known[sid] for sid in source_ids)


def _literal_ids(node: ast.expr | None) -> list[str]:
    if isinstance(node, (ast.Tuple, ast.List)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def cited_ids(path: Path) -> list[tuple[int, str, str]]:
    """(line, "rule" | "source", id) for every literal id cited in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CITING_CALLS):
            continue
        rule_at, source_at = CITING_CALLS[node.func.id]
        keywords = {k.arg: k.value for k in node.keywords}
        for kind, at, key in (("rule", rule_at, "rules"), ("source", source_at, "sources")):
            arg = node.args[at] if at is not None and len(node.args) > at else keywords.get(key)
            found += [(node.lineno, kind, i) for i in _literal_ids(arg)]
    return found


#: Where each citing call holds its grade: position, keyword (a Reason's default is "official").
GRADE_AT = {"Reason": (4, "grade"), "MilestoneStatus": (2, "evidence")}


def _literal_grades(node: ast.expr | None) -> list[str]:
    """The grades a literal (or a conditional between literals) can take; [] when it is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        branches = [_literal_grades(node.body), _literal_grades(node.orelse)]
        return [g for b in branches for g in b] if all(branches) else []
    return []


def graded_claims(path: Path) -> list[tuple[int, list[str], list[str]]]:
    """(line, grades, literal source ids) for every citing call whose sources are written out in the code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GRADE_AT):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        source_at = CITING_CALLS[node.func.id][1]
        src = node.args[source_at] if len(node.args) > source_at else keywords.get("sources")
        at, key = GRADE_AT[node.func.id]
        grade_node = node.args[at] if len(node.args) > at else keywords.get(key)
        grades = ["official"] if grade_node is None and node.func.id == "Reason" else _literal_grades(grade_node)
        ids = _literal_ids(src)
        if grades and ids:
            found.append((node.lineno, grades, ids))
    return found


def grade_problems(kb: Knowledge | None = None) -> list[str]:
    """Every claim in the advice code graded stronger than all of its sources (e.g. 'official' citing only a forum).

    A claim may cite weaker sources beside a strong one, never only weaker ones: an official claim needs an
    official source, a forum-confirmed one a forum-confirmed (or official) source, and so on.
    """
    from ..knowledge_loader import GRADES
    from ..rules.catalogue import sources

    root = Path(__file__).resolve().parent.parent
    try:
        known = sources(kb)
    except KnowledgeError as exc:
        return [str(exc)]
    out = []
    for name in CITING_MODULES:
        path = root / name
        for line, grades, ids in graded_claims(path):
            held = [known[i].grade for i in ids if i in known]
            for grade in grades:
                if grade in GRADES and held and not any(GRADES.index(g) <= GRADES.index(grade) for g in held):
                    where = path.relative_to(root.parent) if path.is_relative_to(root.parent) else path
                    out.append(f"{where} line {line}: graded {grade} but cites only {', '.join(sorted(set(held)))} "
                               f"sources ({', '.join(ids)})")
    return out


def citation_problems(kb: Knowledge | None = None) -> list[str]:
    """Every unknown id cited in the advice code, as "file line N: ..." strings (empty when all is well)."""
    from ..rules.catalogue import sources

    root = Path(__file__).resolve().parent.parent
    try:
        known_sources, known_rules = sources(kb), known_rule_ids(kb)
    except KnowledgeError as exc:
        return [str(exc)]
    out = []
    for name in CITING_MODULES:
        path = root / name  # an absolute name (a test's module) stays as it is
        for line, kind, cid in cited_ids(path):
            if (kind == "source" and cid not in known_sources) or (kind == "rule" and cid not in known_rules):
                out.append(f"{path.relative_to(root.parent) if path.is_relative_to(root.parent) else path} line {line}: "
                           f"unknown {kind} id '{cid}'")
    return out
