"""The dialogue package has no import cycle (lazy imports included, type-only imports excluded), and its
dead code stays gone."""

from __future__ import annotations

import ast
from pathlib import Path

import assistant.dialogue as pkg

ROOT = Path(pkg.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for n in ast.walk(node)}
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, ast.ImportFrom) or node.level != 1:
            continue
        if node.module:
            out.add(node.module.split(".")[0])
        else:
            out |= {a.name for a in node.names}
    return {m for m in out if (ROOT / f"{m}.py").exists()}


def test_no_import_cycle_in_the_dialogue():
    graph = {p.stem: _imports(p) for p in ROOT.glob("*.py") if p.stem != "__init__"}

    def visit(node: str, path: list[str]) -> None:
        for nxt in graph.get(node, ()):
            assert nxt not in path, "import cycle: " + " -> ".join(path[path.index(nxt):] + [nxt])
            visit(nxt, path + [nxt])

    for start in graph:
        visit(start, [start])


def test_dead_code_is_gone_and_modules_are_small():
    from assistant.dialogue import dates, logic, matching

    assert not hasattr(matching, "squash") and not hasattr(logic, "STANDARD_EVENTS")
    assert "ok" not in dates.DateReading.__dict__
    for p in ROOT.glob("*.py"):
        assert len(p.read_text(encoding="utf-8").splitlines()) < 410, f"{p.name} has grown past a readable size (split it)"


def test_the_tui_date_box_lets_commands_and_dont_know_through():
    import pytest

    pytest.importorskip("textual")
    from assistant.dialogue.dates import parse_date
    from assistant.faces.tui.widgets.date_check import DateValidator

    v = DateValidator(lambda t: parse_date(t))
    for typed in ("why", "back", "help", "change start date", "answers", "don't know", "explain Outcome 8"):
        assert v.validate(typed).is_valid, typed
    assert not v.validate("31/02/2023").is_valid
