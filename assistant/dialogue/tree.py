"""The decision tree, loaded from `knowledge/tree/*.yaml` and checked on load.

A data manager can read and edit the tree without reading Python: questions
(`ask`), branches on a named condition (`branch`), short statements (`say`)
and conclusions (`conclude`). Anything needing real logic (date arithmetic,
which method applies, the advice engine) is a small named function in
`logic.py`, referenced by name here and checked to exist at load.

`problems()` returns every problem at once (for `ilr-assistant lint`);
`load_tree()` refuses to start on the first one, naming file, line and key.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..advice.types import Facts
from ..ilr.model import FIELD_KIND
from ..knowledge_loader import (
    Knowledge,
    KnowledgeError,
    knowledge_or_shipped,
    line_of,
    load_yaml,
)

NodeKind = Literal["question", "branch", "say", "conclusion"]
QuestionKind = Literal["choice", "date", "text", "xml", "confirm"]
QUESTION_KINDS = ("choice", "date", "text", "xml", "confirm")
ROLES = ("programme", "subject", "event")
FACT_FIELDS = tuple(f.name for f in dataclasses.fields(Facts))

TOP_KEYS = {"entries", "shortcuts", "nodes", "messages"}
ENTRY_KEYS = {"id", "label", "synonyms", "start", "focus", "answers", "help"}
QUESTION_KEYS = {"ask", "title", "kind", "options", "target", "next", "help", "why", "infer", "accept",
                 "rules", "sources", "after", "unknown"}
OPTION_KEYS = {"value", "label", "synonyms", "next", "sets", "correct", "feedback"}
BRANCH_KEYS = {"branch", "title", "why"}
SAY_KEYS = {"say", "next", "title"}
CONCLUSION_KEYS = {"conclude", "text", "render", "rules", "sources", "fields", "next_steps"}
MESSAGE_KEYS = {"greeting", "entries_intro", "help", "conclusion_next", "not_understood", "quit",
                "restart", "xml_read", "xml_failed", "no_question", "kept_answers"}


@dataclass(frozen=True)
class OptionSpec:
    value: str
    label: str
    synonyms: tuple[str, ...] = ()
    next: str | None = None
    sets: dict[str, str] = field(default_factory=dict)
    correct: bool | None = None
    feedback: str = ""


@dataclass(frozen=True)
class Node:
    id: str
    kind: NodeKind
    file: str
    line: int | None
    title: str = ""
    text: str = ""
    qkind: QuestionKind = "choice"
    options: tuple[OptionSpec, ...] = ()
    targets: tuple[str, ...] = ()
    next: str | None = None
    help: str = ""
    why: str = ""
    infer: str | None = None
    accept: str | None = None
    after: str = ""
    rules: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    #: branch: (condition name, negate, next); a None condition is the `else`.
    branches: tuple[tuple[str | None, bool, str], ...] = ()
    render: str | None = None
    #: conclusion: ILR fields it talks about (checked to exist).
    fields: tuple[str, ...] = ()
    next_steps: str = ""
    #: question: where "don't know" leads when the question has no `next` (default: the first option's).
    unknown: str | None = None

    def option(self, value: str) -> OptionSpec | None:
        for o in self.options:
            if o.value == value:
                return o
        return None

    def successors(self) -> list[str]:
        """Every node this node can lead to."""
        out: list[str] = []
        if self.next:
            out.append(self.next)
        out += [o.next for o in self.options if o.next]
        out += [nxt for _, _, nxt in self.branches]
        if self.unknown:
            out.append(self.unknown)
        return out

    def all_targets(self) -> tuple[str, ...]:
        """Everything an answer here can fill: the question's targets and its options' `sets`."""
        out = list(self.targets)
        for o in self.options:
            out += [t for t in o.sets if t not in out]
        return tuple(out)

    def unknown_next(self) -> str | None:
        """Where the walk goes after "don't know"."""
        if self.unknown or self.next:
            return self.unknown or self.next
        return next((o.next for o in self.options if o.next), None)


@dataclass(frozen=True)
class Entry:
    id: str
    label: str
    start: str
    file: str
    line: int | None
    synonyms: tuple[str, ...] = ()
    focus: str | None = None
    help: str = ""
    #: Answers given by choosing this entry (shortcuts: "how do I record an interview offer").
    answers: dict[str, str] = field(default_factory=dict)
    hidden: bool = False


@dataclass
class Tree:
    nodes: dict[str, Node]
    entries: list[Entry]
    shortcuts: list[Entry]
    messages: dict[str, str]

    def entry(self, entry_id: str) -> Entry | None:
        for e in self.entries + self.shortcuts:
            if e.id == entry_id:
                return e
        return None

    def fact_question(self, fact: str) -> Node | None:
        """The question that asks for a Facts field (for the engine's open questions)."""
        for node in self.nodes.values():
            if node.kind == "question" and f"facts.{fact}" in node.targets:
                return node
        return None


class _Collector:
    """Gathers problems so lint can report them all; each names file, line and key."""

    def __init__(self) -> None:
        self.problems: list[KnowledgeError] = []

    def add(self, file: Path | str, key: str, message: str, line: int | None) -> None:
        self.problems.append(KnowledgeError(file, key, message, line))




def _strs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        return (str(value),)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def valid_target(target: str) -> str | None:
    """None if a `target` names something answers can fill, else why not."""
    head, _, rest = target.partition(".")
    if head == "facts":
        return None if rest in FACT_FIELDS else f"'{rest}' is not a Facts field ({', '.join(FACT_FIELDS)})"
    if head == "session":
        return None if rest in ("year", "as_of") else "session targets are session.year and session.as_of"
    if head in ROLES or head == "all":
        if rest.startswith("fam."):
            parts = rest.split(".")
            if len(parts) != 3 or parts[2] not in ("code", "date_from"):
                return "a FAM target is written like programme.fam.EVI.code or all.fam.FFI.code"
            return None
        if head == "all":
            return "'all.' targets are only for FAMs (all.fam.FFI.code)"
        return None if rest in FIELD_KIND else f"'{rest}' is not an ILR LearningDelivery field"
    return f"'{target}' should start with programme., subject., event., all., facts. or session."


def _parse_file(path: Path, c: _Collector, tree: Tree) -> None:
    try:
        data = load_yaml(path)
    except KnowledgeError as exc:
        c.problems.append(exc)
        return
    name = f"knowledge/tree/{path.name}"
    if data is None:
        return
    if not isinstance(data, dict):
        c.add(name, "(top)", "should be a mapping with entries, shortcuts, nodes or messages", None)
        return
    for key in data:
        if key not in TOP_KEYS:
            c.add(name, str(key), f"unknown top-level key (expected {', '.join(sorted(TOP_KEYS))})", line_of(data))
    for kind in ("entries", "shortcuts"):
        items = data.get(kind) or []
        if not isinstance(items, list):
            c.add(name, kind, "should be a list", line_of(data))
            continue
        for i, raw in enumerate(items):
            entry = _parse_entry(raw, name, f"{kind}[{i}]", c, hidden=(kind == "shortcuts"))
            if entry:
                (tree.entries if kind == "entries" else tree.shortcuts).append(entry)
    messages = data.get("messages") or {}
    if not isinstance(messages, dict):
        c.add(name, "messages", "should be a mapping", line_of(data))
    else:
        for key, text in messages.items():
            if key not in MESSAGE_KEYS:
                c.add(name, f"messages.{key}", f"unknown message (expected one of {', '.join(sorted(MESSAGE_KEYS))})", line_of(messages))
            elif key in tree.messages:
                c.add(name, f"messages.{key}", "is defined twice", line_of(messages))
            elif not isinstance(text, str):
                c.add(name, f"messages.{key}", "should be text", line_of(messages))
            else:
                tree.messages[key] = text.strip()
    nodes = data.get("nodes") or {}
    if not isinstance(nodes, dict):
        c.add(name, "nodes", "should be a mapping of node ids", line_of(data))
        return
    for nid, raw in nodes.items():
        nid = str(nid)
        if nid in tree.nodes:
            other = tree.nodes[nid]
            c.add(name, f"nodes.{nid}", f"duplicate node id (also in {other.file} line {other.line})", line_of(raw))
            continue
        node = _parse_node(nid, raw, name, c)
        if node:
            tree.nodes[nid] = node


def _parse_entry(raw: Any, name: str, where: str, c: _Collector, hidden: bool) -> Entry | None:
    if not isinstance(raw, dict):
        c.add(name, where, "should be a mapping with id, label and start", None)
        return None
    line = line_of(raw)
    for key in raw:
        if key not in ENTRY_KEYS:
            c.add(name, f"{where}.{key}", f"unknown key (expected {', '.join(sorted(ENTRY_KEYS))})", line)
    missing = [k for k in ("id", "label", "start") if not raw.get(k)]
    for k in missing:
        c.add(name, f"{where}.{k}", "is missing", line)
    if missing:
        return None
    answers = raw.get("answers") or {}
    if not isinstance(answers, dict):
        c.add(name, f"{where}.answers", "should map question ids to answers", line)
        answers = {}
    return Entry(id=str(raw["id"]), label=str(raw["label"]), start=str(raw["start"]), file=name, line=line,
                 synonyms=_strs(raw.get("synonyms")), focus=raw.get("focus"), help=str(raw.get("help") or ""),
                 answers={str(k): str(v) for k, v in answers.items()}, hidden=hidden)


def _parse_options(raw: Any, name: str, where: str, c: _Collector) -> tuple[OptionSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        c.add(name, where, "should be a list of options", None)
        return ()
    out = []
    values: set[str] = set()
    for i, o in enumerate(raw):
        ow = f"{where}[{i}]"
        if not isinstance(o, dict):
            c.add(name, ow, "should be a mapping with value and label", None)
            continue
        for key in o:
            if key not in OPTION_KEYS:
                c.add(name, f"{ow}.{key}", f"unknown key (expected {', '.join(sorted(OPTION_KEYS))})", line_of(o))
        if o.get("value") in (None, "") or not o.get("label"):
            c.add(name, ow, "an option needs a value and a label", line_of(o))
            continue
        value = str(o["value"])
        if value in values:
            c.add(name, f"{ow}.value", f"duplicate option value '{value}'", line_of(o))
        values.add(value)
        sets = o.get("sets") or {}
        if not isinstance(sets, dict):
            c.add(name, f"{ow}.sets", "should map targets to values", line_of(o))
            sets = {}
        for target in sets:
            why = valid_target(str(target))
            if why:
                c.add(name, f"{ow}.sets.{target}", why, line_of(o))
        out.append(OptionSpec(value=value, label=str(o["label"]), synonyms=_strs(o.get("synonyms")),
                              next=o.get("next"), sets={str(k): ("" if v is None else str(v)) for k, v in sets.items()},
                              correct=o.get("correct"), feedback=str(o.get("feedback") or "").strip()))
    return tuple(out)


def _parse_node(nid: str, raw: Any, name: str, c: _Collector) -> Node | None:
    where = f"nodes.{nid}"
    if not isinstance(raw, dict):
        c.add(name, where, "should be a mapping (ask, branch, say or conclude)", None)
        return None
    line = line_of(raw)
    kinds = [k for k in ("ask", "branch", "say", "conclude") if k in raw]
    if len(kinds) != 1:
        c.add(name, where, "must have exactly one of ask, branch, say, conclude", line)
        return None
    kind = kinds[0]
    allowed = {"ask": QUESTION_KEYS, "branch": BRANCH_KEYS, "say": SAY_KEYS, "conclude": CONCLUSION_KEYS}[kind]
    for key in raw:
        if key not in allowed:
            c.add(name, f"{where}.{key}", f"unknown key for a '{kind}' node (expected {', '.join(sorted(allowed))})", line)
    common: dict[str, Any] = dict(id=nid, file=name, line=line, title=str(raw.get("title") or ""),
                  rules=_strs(raw.get("rules")), sources=_strs(raw.get("sources")))
    if kind == "ask":
        qkind = raw.get("kind", "choice")
        if qkind not in QUESTION_KINDS:
            c.add(name, f"{where}.kind", f"'{qkind}' is not one of {', '.join(QUESTION_KINDS)}", line)
            qkind = "text"
        if not common["title"]:
            c.add(name, f"{where}.title", "is missing (a short name the user can type after `change`)", line)
        targets = _strs(raw.get("target"))
        for t in targets:
            why = valid_target(t)
            if why:
                c.add(name, f"{where}.target", why, line)
        options = _parse_options(raw.get("options"), name, f"{where}.options", c)
        if qkind in ("choice", "confirm") and not options:
            c.add(name, f"{where}.options", f"a '{qkind}' question needs options", line)
        return Node(kind="question", text=str(raw["ask"]).strip(), qkind=qkind, options=options, targets=targets,
                    next=raw.get("next"), help=str(raw.get("help") or "").strip(), why=str(raw.get("why") or "").strip(),
                    infer=raw.get("infer"), accept=raw.get("accept"), after=str(raw.get("after") or "").strip(),
                    unknown=raw.get("unknown"), **common)
    if kind == "branch":
        arms = raw["branch"]
        branches: list[tuple[str | None, bool, str]] = []
        if not isinstance(arms, list) or not arms:
            c.add(name, f"{where}.branch", "should be a list of {if: condition, next: node} ending with {else: node}", line)
            return None
        for i, arm in enumerate(arms):
            aw = f"{where}.branch[{i}]"
            if not isinstance(arm, dict):
                c.add(name, aw, "should be a mapping", line)
                continue
            if "else" in arm:
                branches.append((None, False, str(arm["else"])))
                if i != len(arms) - 1:
                    c.add(name, aw, "`else` must be the last arm", line_of(arm))
                continue
            cond = arm.get("if") or arm.get("unless")
            if not cond or not arm.get("next"):
                c.add(name, aw, "needs `if` (or `unless`) and `next`", line_of(arm))
                continue
            branches.append((str(cond), "unless" in arm, str(arm["next"])))
        if not branches or branches[-1][0] is not None:
            c.add(name, f"{where}.branch", "must end with an `else` arm so every path continues", line)
        return Node(kind="branch", branches=tuple(branches), why=str(raw.get("why") or "").strip(), **common)
    if kind == "say":
        return Node(kind="say", text=str(raw["say"]).strip(), next=raw.get("next"), **common)
    if not raw.get("text") and not raw.get("render"):
        c.add(name, where, "a conclusion needs `text` or `render`", line)
    common["title"] = str(raw["conclude"])
    return Node(kind="conclusion", text=str(raw.get("text") or "").strip(), render=raw.get("render"),
                fields=_strs(raw.get("fields")), next_steps=str(raw.get("next_steps") or "").strip(), **common)


def problems(kb: Knowledge | None = None) -> tuple[Tree, list[KnowledgeError]]:
    """Load every tree file and return the tree with all problems found."""
    kb = knowledge_or_shipped(kb)
    directory = kb.path("tree")
    c = _Collector()
    tree = Tree(nodes={}, entries=[], shortcuts=[], messages={})
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        c.add("knowledge/tree", "(directory)", f"no tree files found in {directory}", None)
    for path in files:
        _parse_file(path, c, tree)
    if not tree.entries:
        c.add("knowledge/tree", "entries", "no entry points are defined", None)
    for key in sorted(MESSAGE_KEYS - set(tree.messages)):
        c.add("knowledge/tree", f"messages.{key}", "is missing", None)
    from .tree_check import cross_check

    cross_check(tree, c, kb)
    return tree, c.problems


def load_tree(kb: Knowledge | None = None) -> Tree:
    """The tree, or a KnowledgeError naming the first problem (run `ilr-assistant lint` for all)."""
    return knowledge_or_shipped(kb).memo("tree", _build_tree)


def _build_tree(kb: Knowledge) -> Tree:
    tree, found = problems(kb)
    if found:
        raise found[0]
    return tree
