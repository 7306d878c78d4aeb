"""Checks across the tree that one node cannot make alone: node ids, named functions, rules, sources and
fields exist (run by `tree.problems`, so `load_tree` and `ilr-assistant lint` both see them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ilr.model import FIELD_KIND
from ..knowledge_loader import Knowledge, KnowledgeError

if TYPE_CHECKING:
    from .tree import Tree


def cross_check(tree: Tree, c: Any, kb: Knowledge) -> None:
    """References that one node cannot check alone: node ids, functions, rules, sources."""
    from ..rules.catalogue import catalogue, sources
    from . import logic, render  # noqa: F401 - render registers the proposal renderer

    try:
        rule_ids = set(catalogue(kb))
        source_ids = set(sources(kb))
    except KnowledgeError as exc:
        c.problems.append(exc)
        return
    nodes = tree.nodes
    for entry in tree.entries + tree.shortcuts:
        where = f"{'shortcut' if entry.hidden else 'entry'} {entry.id}"
        if entry.start not in nodes:
            c.add(entry.file, f"{where}.start", f"unknown node '{entry.start}'", entry.line)
        for qid, value in entry.answers.items():
            q = nodes.get(qid)
            if q is None or q.kind != "question":
                c.add(entry.file, f"{where}.answers.{qid}", "is not a question id", entry.line)
            elif q.options and q.option(value) is None:
                c.add(entry.file, f"{where}.answers.{qid}", f"'{value}' is not an option of that question", entry.line)
    ids = [e.id for e in tree.entries + tree.shortcuts]
    for dup in {i for i in ids if ids.count(i) > 1}:
        e = next(e for e in tree.entries + tree.shortcuts if e.id == dup)
        c.add(e.file, f"entry {dup}", "duplicate entry id", e.line)
    for nid, n in nodes.items():
        where = f"nodes.{nid}"
        for nxt in n.successors():
            if nxt not in nodes:
                c.add(n.file, f"{where}.next", f"unknown node '{nxt}'", n.line)
        for cond, _, _ in n.branches:
            if cond is not None and cond not in logic.CONDITIONS:
                c.add(n.file, f"{where}.branch", f"unknown condition '{cond}' (not in assistant/dialogue/logic.py)", n.line)
        if n.infer and n.infer not in logic.INFERENCES:
            c.add(n.file, f"{where}.infer", f"unknown inference '{n.infer}' (not in assistant/dialogue/logic.py)", n.line)
        if n.accept and n.accept not in logic.VALIDATORS:
            c.add(n.file, f"{where}.accept", f"unknown validator '{n.accept}' (not in assistant/dialogue/logic.py)", n.line)
        if n.render and n.render not in logic.RENDERERS:
            c.add(n.file, f"{where}.render", f"unknown renderer '{n.render}' (not in assistant/dialogue/logic.py)", n.line)
        for rid in n.rules:
            if rid not in rule_ids:
                c.add(n.file, f"{where}.rules", f"unknown rule id '{rid}' (not in knowledge/rules.yaml)", n.line)
        for sid in n.sources:
            if sid not in source_ids:
                c.add(n.file, f"{where}.sources", f"unknown source '{sid}' (not in knowledge/sources.yaml)", n.line)
        for f in n.fields:
            if f not in FIELD_KIND:
                c.add(n.file, f"{where}.fields", f"unknown ILR field '{f}'", n.line)
        if n.kind == "conclusion" and not n.sources:
            c.add(n.file, f"{where}.sources", "a conclusion must name at least one source", n.line)
        if n.kind == "question":
            if n.qkind in ("choice", "confirm") and not n.next and any(o.next is None for o in n.options):
                c.add(n.file, f"{where}.options", "every option needs `next` when the question has no `next`", n.line)
            if n.qkind not in ("choice", "confirm") and not n.next and not n.options:
                c.add(n.file, f"{where}.next", "a question needs `next`", n.line)
        if n.kind == "say" and not n.next:
            c.add(n.file, f"{where}.next", "a `say` node needs `next`", n.line)
