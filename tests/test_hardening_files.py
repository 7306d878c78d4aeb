"""Nothing is written outside the user's data directory or the path they choose; nothing goes over the network.

Each face is run the way a user runs it, with HOME and every XDG directory
pointed into a temporary "home", the working directory in a temporary "work"
folder, and files the user gives or chooses in folders of their own. Two
witnesses, since each alone can miss something:

* the whole temporary tree is listed before and after: every new file or
  folder must be one the user asked for;
* every write-mode ``open``, ``os.open``, ``mkdir``, rename, replace and
  delete made from Python is recorded, wherever it points (this catches a
  write outside the temporary tree, e.g. into the repository or /tmp).

Sockets are blocked throughout (``no_network``): any attempt fails the test.
"""

from __future__ import annotations

import builtins
import io
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.conftest import alarm_after
from textual.events import Paste

from assistant.faces.cli import main
from assistant.faces.plain import run_plain
from assistant.dialogue.session import Session
from assistant.faces.tui.app import AssistantApp
from assistant.faces.tui.screens.main import MainScreen
from assistant.faces.tui.widgets.chat_input import ChatInput
from tests.test_dialogue_helpers import to_xml
from tests.builders import event, learner, prog, subject
from tests.test_no_network import no_network  # noqa: F401 (fixture used by name)

FORUM = Path(__file__).parent / "fixtures" / "forum"
#: A learner in the forum's M2 case, with personal fields (all invented) so redaction has work to do.
XML = to_xml(learner(prog(Outcome="8"), subject(CompStatus="2", LearnActEndDate="2022-11-30", Outcome="1",
                                                LearnStartDate="2022-08-01", LearnPlanEndDate="2022-11-30"),
                     event("2022-12-20"), ref="ABC12345")).replace(
    "<LearnRefNumber>ABC12345</LearnRefNumber>",
    "<LearnRefNumber>ABC12345</LearnRefNumber><FamilyName>Testperson</FamilyName><GivenNames>Jamie</GivenNames>")


@pytest.fixture(autouse=True)
def watchdog():
    """Fail a test that runs far too long instead of hanging the suite."""
    with alarm_after(60, TimeoutError, "still running after 60s"):
        yield


# -- the sandbox and the witnesses -------------------------------------------------------------

@dataclass
class Sandbox:
    root: Path
    home: Path
    work: Path
    inputs: Path
    chosen: Path
    data_dir: Path

    def tree(self) -> set[str]:
        """Every file and folder under the root, relative to it ('/' after a folder)."""
        out = set()
        for dirpath, dirnames, filenames in os.walk(self.root):
            base = Path(dirpath).relative_to(self.root)
            out.update(f"{base / d}/" for d in dirnames)
            out.update(str(base / f) for f in filenames)
        return out


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Sandbox:
    home = tmp_path / "home"
    box = Sandbox(tmp_path, home, tmp_path / "work", tmp_path / "inputs", tmp_path / "chosen",
                  home / ".local" / "share")
    for folder in (home, box.work, box.inputs, box.chosen, home / "tmp", home / "run"):
        folder.mkdir(parents=True)
    (home / "run").chmod(0o700)
    env = {
        "HOME": home, "XDG_DATA_HOME": box.data_dir, "XDG_CONFIG_HOME": home / ".config",
        "XDG_CACHE_HOME": home / ".cache", "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_RUNTIME_DIR": home / "run", "TMPDIR": home / "tmp",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    monkeypatch.chdir(box.work)
    return box


@dataclass
class Writes:
    """Paths opened for writing (or created, moved, deleted) from Python while recording."""

    paths: list[tuple[str, str]] = field(default_factory=list)

    def outside(self, *allowed: Path) -> list[tuple[str, str]]:
        ok = [os.path.realpath(a) for a in allowed]
        return [(what, p) for what, p in self.paths
                if not any(os.path.realpath(p) == a or os.path.realpath(p).startswith(a + os.sep) for a in ok)]


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@contextmanager
def recording_writes():
    """Record every write-mode open, os.open, mkdir, rename, replace and removal made from Python."""
    writes = Writes()
    real_open, real_os_open = builtins.open, os.open

    def where(file) -> str:
        return os.path.abspath(os.fsdecode(file)) if isinstance(file, (str, bytes, os.PathLike)) else f"<fd {file}>"

    def spy_open(file, mode="r", *args, **kwargs):
        # (A descriptor is wrapped, not opened: os.open, recorded below, is where its path was chosen.)
        if any(c in mode for c in "wax+") and not isinstance(file, int):
            writes.paths.append(("open", where(file)))
        return real_open(file, mode, *args, **kwargs)

    def spy_os_open(path, flags, *args, **kwargs):
        if flags & _WRITE_FLAGS:
            writes.paths.append(("os.open", where(path)))
        return real_os_open(path, flags, *args, **kwargs)

    def spy(name, fn):
        def wrapper(*args, **kwargs):
            writes.paths.append((name, where(args[0])))
            if name in ("rename", "replace") and len(args) > 1:
                writes.paths.append((name, where(args[1])))
            return fn(*args, **kwargs)
        return wrapper

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "dont_write_bytecode", True)  # imports during the run are not the app writing
        mp.setattr(builtins, "open", spy_open)
        mp.setattr(io, "open", spy_open)
        mp.setattr(os, "open", spy_os_open)
        for name in ("mkdir", "rename", "replace", "remove", "unlink", "rmdir"):
            mp.setattr(os, name, spy(name, getattr(os, name)))
        yield writes


def test_the_witnesses_see_a_write(sandbox, monkeypatch):
    """The recorder and the tree listing must notice a write, or their silence below proves nothing."""
    before = sandbox.tree()
    with recording_writes() as writes:
        (sandbox.work / "note.txt").write_text("x")
        fd = os.open(sandbox.home / "raw", os.O_WRONLY | os.O_CREAT, 0o600)
        os.close(fd)
        os.mkdir(sandbox.home / "made")
    assert sandbox.tree() - before == {"work/note.txt", "home/raw", "home/made/"}
    assert [w for w, _ in writes.paths] == ["open", "os.open", "mkdir"]
    assert writes.outside(sandbox.root) == []
    assert len(writes.outside(sandbox.work)) == 2


# -- the plain chat ------------------------------------------------------------------------------

PLAIN_CONVERSATION = [
    "1", "01/08/2022", "30/11/2022", "1", "1", "none", "8", "Z0059758", "2", "30/11/2022", "1",
    "interview offer", "20/12/2022", "1", "1", "2",
    "why", "sources", "answers", "explain Outcome 8", "what is EVI?", "change plan end", "30/11/2022",
    "restart", "```", *XML.splitlines(), "```", "1", "2", "why", "back", "R_138",
    "\x1b[2J", "a" * 100_000, "quit",
]


def test_a_whole_plain_chat_writes_nothing(sandbox, monkeypatch, no_network):  # noqa: F811
    stdin = io.StringIO("\n".join(PLAIN_CONVERSATION) + "\n")
    stdout = io.StringIO()
    before = sandbox.tree()
    with recording_writes() as writes:
        assert run_plain(stdin, stdout, year="2022-23", as_of=date(2023, 1, 31)) == 0
    said = stdout.getvalue()
    assert "What to record" in said and "Goodbye" in said  # it really went all the way
    assert sandbox.tree() == before
    assert writes.paths == []
    assert no_network.attempts == []


def test_chat_through_the_command_line_writes_nothing(sandbox, monkeypatch, capsys, no_network):  # noqa: F811
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(["```", *XML.splitlines(), "```", "1", "2", "quit"]) + "\n"))
    before = sandbox.tree()
    with recording_writes() as writes:
        assert main(["chat", "--plain", "--year", "2022-23", "--as-of", "2023-01-31"]) == 0
        assert main(["explain", "Outcome", "8"]) == 0
        assert main(["lint"]) == 0
    assert "What to record" in capsys.readouterr().out
    assert sandbox.tree() == before
    assert writes.paths == []
    assert no_network.attempts == []


# -- the TUI, with an export ------------------------------------------------------------------

async def test_a_tui_session_writes_only_the_export_it_was_asked_for(sandbox, monkeypatch, no_network):  # noqa: F811
    before = sandbox.tree()
    with recording_writes() as writes:
        # As `ilr-assistant` builds it, but for the date: default export folder, the real clipboard code.
        app = AssistantApp(Session(year="2022-23", as_of=date(2023, 1, 31)), as_of=date(2023, 1, 31),
                           clock=lambda: datetime(2023, 1, 31, 10, 0))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            box = app.main_screen.query_one(ChatInput)
            box.focus()
            app.post_message(Paste(XML))
            await pilot.pause()
            await pilot.pause()
            for key in ("1", "2"):  # the event date is the offer date; no job yet
                await pilot.press(key)
                await pilot.pause()
            assert "What to record" in app.session.transcript[-1].text
            await pilot.press("f6")  # copy all changes (the system clipboard is absent here: said so)
            await pilot.pause()
            await pilot.press("f4")  # why
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("f7")  # export
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            exported = app.main_screen.last_export
    created = sandbox.tree() - before
    folder = sandbox.data_dir / "ilr-assistant"
    assert exported.parent == folder and exported.name == "conversation-20230131-100000.md"
    expected = {str(folder.relative_to(sandbox.root)) + "/", str(exported.relative_to(sandbox.root))}
    # Only the export and the folders leading to it (the data directory did not exist yet).
    assert created - expected <= {f"{p.relative_to(sandbox.root)}/" for p in folder.parents if sandbox.root in p.parents}
    assert expected <= created
    # Outside the data directory, only the folders leading to it were made.
    ancestors = {str(p) for p in sandbox.data_dir.parents}
    assert all(what == "mkdir" and path in ancestors for what, path in writes.outside(sandbox.data_dir)), \
        writes.outside(sandbox.data_dir)
    text = exported.read_text(encoding="utf-8")
    assert "ABC12345" not in text and "Testperson" not in text and "Jamie" not in text
    assert exported.stat().st_mode & 0o077 == 0
    assert no_network.attempts == []


# -- diagnose ------------------------------------------------------------------------------------

def test_diagnose_fixed_writes_only_the_chosen_file(sandbox, monkeypatch, capsys, no_network):  # noqa: F811
    source = sandbox.inputs / "learner.xml"
    source.write_text((FORUM / "becks-original.xml").read_text(encoding="utf-8"), encoding="utf-8")
    whole = sandbox.inputs / "whole.xml"
    whole.write_text('<Message xmlns="ESFA/ILR/2024-25"><Header><CollectionDetails><FilePreparationDate>'
                     "2025-03-31</FilePreparationDate></CollectionDetails></Header>"
                     + XML.replace("<Learner>", "<Learner>").replace("2022", "2024") + "</Message>", encoding="utf-8")
    chosen = sandbox.chosen / "fixed.xml"
    before = sandbox.tree()
    with recording_writes() as writes:
        assert main(["diagnose", str(source), "--fixed", str(chosen)]) == 1
        assert main(["diagnose", str(source), "--fixed", "-"]) == 1
        assert main(["diagnose", "../inputs/learner.xml", "--fixed", "relative-out.xml", "--format", "json"]) == 1
        for fmt in ("text", "json", "csv", "md"):
            assert main(["diagnose", str(source), "--format", fmt]) == 1
            assert main(["diagnose", str(whole), "--format", fmt]) in (0, 1)  # a whole file: streamed
        assert main(["diagnose", str(whole), "--summary"]) in (0, 1)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(source.read_bytes())))
        assert main(["diagnose", "-", "--format", "csv"]) == 1
        # An unwritable choice is reported (exit 4: output not written), and nothing is written elsewhere instead.
        assert main(["diagnose", str(source), "--fixed", str(sandbox.chosen / "missing" / "out.xml")]) == 4
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "cannot write" in err
    assert sandbox.tree() - before == {"chosen/fixed.xml", "work/relative-out.xml"}
    # Each output is written as a temporary file beside it, then renamed onto it (issue 14).
    targets = {str(chosen), str(sandbox.work / "relative-out.xml")}
    temps = {p for _, p in writes.paths if p not in targets}
    assert all(os.path.dirname(p) in {os.path.dirname(t) for t in targets}
               and os.path.basename(p).startswith(".") and p.endswith(".tmp") for p in temps), temps
    assert not any(os.path.exists(p) for p in temps)
    assert {p for _, p in writes.paths} >= targets
    assert "<Learner" in chosen.read_text(encoding="utf-8")
    assert no_network.attempts == []
