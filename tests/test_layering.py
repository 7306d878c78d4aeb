"""The core knows no screen: importing the model, rules, advice and dialogue loads no Textual or Rich.

Run in a fresh interpreter (this one has the TUI loaded by other tests), as Harlequin does.
"""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

CORE = [
    "assistant.ilr.reader", "assistant.ilr.stream", "assistant.ilr.writer",
    "assistant.rules.checks", "assistant.rules.milestones", "assistant.rules.catalogue",
    "assistant.advice.engine", "assistant.dialogue.session", "assistant.explain", "assistant.privacy",
    "assistant.faces.diagnose", "assistant.faces.report", "assistant.faces.plain", "assistant.faces.lint",
]


def test_core_imports_no_textual_or_rich() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE!r}:\n"
        "    __import__(name)\n"
        "from assistant.rules.catalogue import catalogue; catalogue()\n"
        "from assistant.dialogue.tree import load_tree; load_tree()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"the core pulled in: {out.stdout.strip()}"


def test_tui_is_only_under_faces() -> None:
    """Nothing outside assistant/faces/tui imports textual (the before-stop hook checks the same)."""
    offenders = []
    for path in (ROOT / "assistant").rglob("*.py"):
        if "faces/tui" in path.as_posix():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import textual", "from textual", "import rich", "from rich")):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []
