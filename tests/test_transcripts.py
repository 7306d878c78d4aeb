"""Every worked conversation in transcripts/ replays through the plain chat with identical output."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from assistant.faces.replay import MARKER, parse, run

DIR = Path(__file__).resolve().parent.parent / "transcripts"
FILES = sorted(p for p in DIR.glob("*.md") if p.name.lower() != "readme.md")


def test_there_are_at_least_ten_worked_conversations():
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_transcript_replays_without_drift(path: Path):
    t = parse(path)
    assert t.inputs, "a transcript needs user lines"
    assert t.head.startswith("# ") and len(t.head.split("\n\n")) >= 2, "a title and an introduction"
    fresh = run(t)
    if fresh != t.body:
        diff = "\n".join(list(difflib.unified_diff(t.body.splitlines(), fresh.splitlines(), "recorded", "now",
                                                   lineterm="", n=2))[:60])
        pytest.fail(f"{path.name} drifted from the recorded conversation. If the change is intended, run\n"
                    f"  .venv/bin/python -m assistant.faces.replay --update {path.relative_to(DIR.parent)}\n{diff}")
    assert "Something went wrong inside the assistant" not in fresh


def test_replay_detects_drift(tmp_path: Path):
    original = FILES[0].read_text(encoding="utf-8")
    head, _, body = original.partition(MARKER)
    broken = tmp_path / "x.md"
    broken.write_text(head + MARKER + "\n" + body.replace("Hello.", "Hi there.", 1), encoding="utf-8")
    t = parse(broken)
    assert run(t) != t.body
