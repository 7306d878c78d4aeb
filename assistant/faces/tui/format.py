"""Turning core objects into short strings for cells, the clipboard and titles.

Presentation only: which value a change proposes, and why, always comes from
the advice engine. Values are written the way the ILR XML writes them
(``2024-12-20``, ``"2"``) because that is what the user types into the MIS
or the file, and what they will search the ILR specification for.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from ...advice.types import Change
from ...ilr.vocabulary import fam_words, field_words
from ...dialogue.render import source_line
from .port import SessionPort


def dash(value: Any) -> str:
    """A cell's text: the ILR text of a value, or a dash for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def format_value(value: Any) -> str:
    """One side of a change (current or proposed), as the user would record it."""
    if value is None:
        return "(none)"
    if isinstance(value, Mapping):
        return fam_words(value.get("code"), value.get("date_from"))
    return dash(value)


def change_field(change: Change) -> str:
    """The field a change touches, naming the FAM type or the whole aim."""
    if change.field == "LearningDelivery":
        return "aim"
    return field_words(change.field, change.fam_type, short=True)


def change_values(change: Change) -> tuple[str, str]:
    """(current, proposed) as text, with adding and removing a whole aim spelled out."""
    if change.field == "LearningDelivery":
        current = "(no aim)" if change.from_ is None else f"{change.from_}"
        proposed = f"add {change.to}" if change.from_ is None else ("remove" if change.to is None else str(change.to))
        return current, proposed
    if change.to is None and change.from_ is not None:
        return format_value(change.from_), "remove the value"
    return (format_value(change.from_),
            format_value(change.to))


def change_aim(change: Change) -> str:
    return f"{change.aim_seq} {change.aim_ref}".strip()


def short_title(title: str) -> str:
    """A source's title up to its first dash or bracket: "Provider Support Manual"."""
    for mark in (" – ", " — ", " - ", " ("):
        title = title.split(mark)[0]
    return title.strip()


def change_source(change: Change, *, short: bool = False) -> str:
    """Rules, sources and the evidence grade of a change: ``R_143 · PSM; DfE community · official``."""
    titles = [s.title or s.id for s in change.sources]
    if short:
        titles = list(dict.fromkeys(short_title(t) for t in titles))
    rules = ", ".join(change.rules)
    parts = [p for p in (rules, "; ".join(t for t in titles if t)) if p]
    return " · ".join(parts + [change.grade])


def proposed_value(change: Change) -> str:
    """What to type for one change: just the proposed value; for a removal, the words "remove the value"."""
    if change.to is None and change.from_ is not None:
        return "remove the value" if change.field != "LearningDelivery" else f"remove the aim {change.from_}"
    return change_values(change)[1]


def changes_lines(changes: Sequence[Change]) -> str:
    """One change per line, the proposed value first: fits a narrow chat, where a table is cut."""
    def now(c: Change) -> str:
        current = change_values(c)[0]
        return "empty" if current == "(none)" else current

    return "\n".join(f"{proposed_value(c)}  ←  {change_field(c)}, aim {change_aim(c)} (now {now(c)})"
                     for c in changes) + "\n"


def progress(steps: Sequence[Any], prompt_id: str | None) -> str:
    """"Step k of n" when the question is part of a fixed sequence (the tour), else "".

    A sequence is the chain of nodes from the first step on, each leading to one
    next node only; a chain that branches has no fixed length, so nothing is said.
    """
    if not steps or not prompt_id:
        return ""
    from ...dialogue.tree import load_tree

    nodes = load_tree().nodes
    current = prompt_id.split(":")[0]
    questions: list[str] = []
    node = steps[0].node
    seen: set[str] = set()
    while node is not None and node.id not in seen:
        seen.add(node.id)
        if node.kind == "question":
            questions.append(node.id)
        following = set(node.successors())
        if len(following) > 1:
            return ""
        node = nodes.get(following.pop()) if following else None
    if current not in questions or len(questions) < 2:
        return ""
    return f"Step {questions.index(current) + 1} of {len(questions)}"


def changes_table(changes: Sequence[Change]) -> str:
    """All changes as a small Markdown table; readable pasted as plain text too."""
    rows = [("Aim", "Field", "Current", "Proposed")]
    rows += [(change_aim(c), change_field(c), *change_values(c)) for c in changes]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]

    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows[1:]]
    return "\n".join(out) + "\n"


def change_explanation(change: Change) -> str:
    """Markdown for one change: what, why, the rules with their official words, the sources.

    The words are the engine's (``because``), the rule texts the catalogue's;
    this only lays them out for the explanation window.
    """
    from ...rules.catalogue import catalogue

    now, then = change_values(change)
    parts = [f"## Aim {change_aim(change)}: {change_field(change)} {now} → **{then}**"]
    if change.because:
        parts.append("\n".join(f"- {b}" for b in change.because))
    if change.milestone:
        parts.append(f"This is for milestone **{change.milestone}**.")
    texts = catalogue()
    rules = [f"- **{r}** ({texts[r].severity}): “{texts[r].message}”" if r in texts else f"- **{r}**"
             for r in change.rules]
    if rules:
        parts.append("**Rules:**\n\n" + "\n".join(rules))
    sources = [source_line(s) for s in change.sources]
    if sources:
        parts.append("**Sources:**\n\n" + "\n".join(sources))
    parts.append(f"**Evidence grade of this change:** {change.grade}"
                 + (" — our own reading of the rules, not confirmed by DfE." if change.grade == "inference" else "."))
    return "\n\n".join(parts)


def _said(value: str) -> str:
    """An ISO date as a UK reader says it; anything else unchanged."""
    from ...dialogue.dates import say
    from ...ilr.model import ValueProblem, parse_iso_date

    try:
        return say(parse_iso_date(value))
    except ValueProblem:
        return value


def answered_steps(session: SessionPort) -> list[tuple[str, str]]:
    """(question title, answer shown) for each question on the path, for the change picker."""
    out: list[tuple[str, str]] = []
    for step in session.steps:
        node = step.node
        if node.kind != "question" or step.how not in ("answered", "known", "inferred", "preset"):
            continue
        shown = step.value if step.value is not None else "(none)"
        option = node.option(step.value) if step.value is not None else None
        if option is not None:
            shown = option.label
        if node.qkind == "xml":
            shown = "(pasted XML)"
        elif node.qkind == "date" and option is None and step.value:
            shown = _said(step.value)
        out.append((node.title, str(shown)))
    return out
