"""`ilr-assistant lint`: is `knowledge/` a tree a user can always finish?

Checks, reporting every problem at once (each names file, key and line):
- the YAML loads and every node, entry, option and message has the keys it needs and no unknown ones;
- every referenced node, rule id (knowledge/rules.yaml), source (knowledge/sources.yaml), ILR field,
  Facts field, condition, inference, validator, renderer and {value} exists;
- no duplicate ids;
- every node is reachable from an entry point;
- every option and branch leads somewhere, no path loops, and every path ends in a conclusion;
- every conclusion has at least one source; every glossary entry has sources;
- the entry points the session relies on exist.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..knowledge_loader import Knowledge, KnowledgeError, line_of, shipped

if TYPE_CHECKING:
    from ..dialogue.tree import Tree


def _graph_problems(tree: Tree) -> list[KnowledgeError]:
    from ..dialogue.session import REQUIRED_ENTRIES
    from ..dialogue.logic import VALUES
    from ..dialogue.walk import placeholders

    out: list[KnowledgeError] = []
    nodes = tree.nodes
    for rid in REQUIRED_ENTRIES:
        if tree.entry(rid) is None:
            out.append(KnowledgeError("knowledge/tree", f"entries.{rid}", "the session needs this entry point"))
    # Reachability: from every entry and shortcut; questions that fill a Facts field are also reachable
    # from any proposal conclusion (the engine's follow-up questions).
    reached: set[str] = set()
    stack = [e.start for e in tree.entries + tree.shortcuts if e.start in nodes]
    while stack:
        nid = stack.pop()
        if nid in reached or nid not in nodes:
            continue
        reached.add(nid)
        stack += nodes[nid].successors()
        if nodes[nid].kind == "conclusion" and nodes[nid].render == "proposal":
            stack += [n.id for n in nodes.values() if n.kind == "question" and any(t.startswith("facts.") for t in n.targets)]
    for nid, n in nodes.items():
        if nid not in reached:
            out.append(KnowledgeError(n.file, f"nodes.{nid}", "is not reachable from any entry point", n.line))
    # Every path ends in a conclusion: no dead ends, no loops.
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(nid: str, path: list[str]) -> None:
        if nid not in nodes:
            return
        if state.get(nid) == 2:
            return
        if state.get(nid) == 1:
            n = nodes[nid]
            loop = " → ".join(path[path.index(nid):] + [nid])
            out.append(KnowledgeError(n.file, f"nodes.{nid}", f"is part of a loop ({loop}); every path must end in a conclusion", n.line))
            return
        state[nid] = 1
        n = nodes[nid]
        succ = n.successors()
        if n.kind != "conclusion" and not succ:
            out.append(KnowledgeError(n.file, f"nodes.{nid}", "is a dead end: it leads nowhere and is not a conclusion", n.line))
        if n.kind == "conclusion" and succ:
            out.append(KnowledgeError(n.file, f"nodes.{nid}", "a conclusion must not lead on", n.line))
        for s in succ:
            visit(s, path + [nid])
        state[nid] = 2

    for nid in nodes:
        visit(nid, [])
    # Every {value} quoted in a text exists.
    for nid, n in nodes.items():
        texts = [n.text, n.help, n.why, n.after, n.next_steps] + [o.feedback for o in n.options] + [
            v for o in n.options for v in o.sets.values()]
        for t in texts:
            for name in placeholders(t or ""):
                if name not in VALUES:
                    out.append(KnowledgeError(n.file, f"nodes.{nid}", f"quotes an unknown value {{{name}}} (not in assistant/dialogue/logic.py)", n.line))
    return out


def _year_problems(kb: Knowledge) -> list[KnowledgeError]:
    """Each year file loads, and every rule it holds a page for is a rule the assistant knows."""
    from ..ilr.years import held_years, year_facts
    from ..rules.catalogue import catalogue

    out: list[KnowledgeError] = []
    try:
        known = {rid.lower().replace("_", "") for rid in catalogue(kb)}
    except KnowledgeError:
        return out  # reported by the catalogue check
    for year in held_years(kb):
        try:
            facts = year_facts(year, kb)
        except (KnowledgeError, OSError, ValueError) as exc:
            out.append(exc if isinstance(exc, KnowledgeError) else KnowledgeError(f"years/{year}.yaml", "(top)", str(exc)))
            continue
        data = kb.file(f"years/{year}.yaml") or {}
        for rid in (data.get("rules") or {}):
            if rid.lower().replace("_", "") not in known:
                out.append(KnowledgeError(kb.path(f"years/{year}.yaml"), f"rules.{rid}",
                                          "is not a rule in knowledge/rules.yaml (a typo would make a page look held)"))
        if facts.xsd and not kb.path(f"schemas/{facts.xsd}").exists():
            out.append(KnowledgeError(kb.path(f"years/{year}.yaml"), "xsd", f"{facts.xsd} is not in knowledge/schemas/"))
    return out


def official_page(url: object) -> bool:
    """A DfE/ESFA page: a gov.uk address that is not a community (forum) post."""
    from urllib.parse import urlparse

    if not isinstance(url, str):
        return False
    parsed = urlparse(url)
    host = parsed.hostname or ""
    return parsed.scheme == "https" and (host == "gov.uk" or host.endswith(".gov.uk")) and "/community/" not in parsed.path


def _source_problems(kb: Knowledge) -> list[KnowledgeError]:
    """An official source is a DfE/ESFA page, or a copy whose `quotes:` names the DfE page its text is from."""
    path = kb.path("sources.yaml")
    out: list[KnowledgeError] = []
    try:
        data = kb.file("sources.yaml")
    except KnowledgeError:
        return out  # reported by the catalogue's own load
    if not isinstance(data, dict):
        return out
    for sid, entry in data.items():
        if not isinstance(entry, dict):
            continue
        quotes = entry.get("quotes")
        if quotes is not None and not official_page(quotes):
            out.append(KnowledgeError(path, f"{sid}.quotes", f"{quotes} is not a DfE/ESFA page (a gov.uk address, "
                                      "not a community post)", line_of(entry)))
        if entry.get("grade") == "official" and not official_page(entry.get("url")) and quotes is None:
            out.append(KnowledgeError(path, f"{sid}.url", f"graded official but {entry.get('url')} is not a DfE/ESFA "
                                      "page: cite the DfE page, grade it as what it is (forum-confirmed, vendor), or "
                                      "name the DfE page it copies in `quotes:`", line_of(entry)))
    return out


#: A share of the price ("45%") is a contract's, and contracts change by year.
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s?%")
_YEAR = re.compile(r"\b20\d\d\b|\bno year\b")


def _strings(value: object, where: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(where, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _strings(v, f"{where}.{k}" if where else str(k))]
    if isinstance(value, list):
        return [pair for i, v in enumerate(value) for pair in _strings(v, f"{where}[{i}]")]
    return []


def _percent_problems(kb: Knowledge) -> list[KnowledgeError]:
    """A percentage said without its year (or an explicit "no year") in any knowledge text."""
    out: list[KnowledgeError] = []
    names = ["rules.yaml", "glossary.yaml"] + [f"tree/{p.name}" for p in sorted(kb.path("tree").glob("*.yaml"))]
    for name in names:
        if not kb.path(name).exists():
            continue
        try:
            data = kb.file(name)
        except KnowledgeError:
            continue  # reported where the file is read for its own checks
        for where, text in _strings(data, ""):
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                if _PERCENT.search(sentence) and not _YEAR.search(sentence):
                    out.append(KnowledgeError(kb.path(name), where,
                                              f"gives a percentage without its year: {sentence[:80]!r}"))
    return out


def lint_knowledge(directory: Path | None = None) -> list[str]:
    """Every problem in knowledge/ as "file line N, key K: message" strings (empty when all is well).

    A fresh :class:`Knowledge` is loaded from ``directory`` (the shipped files when None), so lint
    reads the files as they are now and a broken copy never touches the running assistant's.
    """
    from ..dialogue.tree import problems
    from ..explain import glossary_problems
    from ..rules.catalogue import catalogue

    kb = Knowledge(directory if directory is not None else shipped().root)
    found: list[KnowledgeError] = []
    try:
        catalogue(kb)
    except KnowledgeError as exc:
        found.append(exc)
    tree, tree_problems = problems(kb)
    found += tree_problems
    found += _graph_problems(tree)
    _, gloss = glossary_problems(kb)
    found += gloss
    found += _year_problems(kb)
    found += _source_problems(kb)
    found += _percent_problems(kb)
    from ..advice.citations import citation_problems, grade_problems

    seen: set[str] = set()
    out = citation_problems(kb) + grade_problems(kb)
    for p in found:
        text = str(p)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def run_lint(stdout: IO[str], directory: Path | None = None) -> int:
    """Print every problem; 0 when knowledge/ is consistent, 1 otherwise."""
    problems = lint_knowledge(directory)
    if problems:
        for p in problems:
            stdout.write(p + "\n")
        stdout.write(f"\n{len(problems)} problem(s) in {directory or shipped().root}\n")
        return 1
    from ..dialogue.tree import load_tree
    from ..explain import glossary

    tree = load_tree()
    conclusions = sum(1 for n in tree.nodes.values() if n.kind == "conclusion")
    questions = sum(1 for n in tree.nodes.values() if n.kind == "question")
    stdout.write(f"knowledge/ is consistent: {len(tree.entries)} entry points, {len(tree.shortcuts)} shortcuts, "
                 f"{questions} questions, {conclusions} conclusions, {len(glossary())} glossary entries.\n")
    return 0
