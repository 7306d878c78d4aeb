"""`chat --plain`: line-by-line conversation, multi-line XML pastes, delimiters, no terminal tricks."""

from __future__ import annotations

import io

from assistant.faces.cli import main
from assistant.faces.plain import first_element, read_inputs, run_plain
from tests.builders import event, learner, prog, subject
from tests.test_dialogue_helpers import to_xml

LEARNER = to_xml(learner(prog(LearnStartDate="2022-08-01", Outcome="8"),
                         subject(LearnStartDate="2022-08-01", CompStatus="2", LearnActEndDate="2022-11-30", Outcome="1"),
                         event("2022-12-20")))


def chat(text: str, **kw) -> str:
    out = io.StringIO()
    assert run_plain(io.StringIO(text), out, **kw) == 0
    return out.getvalue()


def test_reads_inputs_line_by_line_and_xml_to_its_closing_tag():
    lines = ["m2\n", "<Learner>\n", "  <LearnRefNumber>X</LearnRefNumber>\n", "</Learner>\n", "yes\n"]
    assert list(read_inputs(iter(lines))) == ["m2", "<Learner>\n  <LearnRefNumber>X</LearnRefNumber>\n</Learner>", "yes"]


def test_a_paste_without_a_closing_tag_ends_at_a_dot_line():
    lines = ["<LearningDelivery>\n", "<AimType>1</AimType>\n", ".\n", "next\n"]
    assert list(read_inputs(iter(lines))) == ["<LearningDelivery>\n<AimType>1</AimType>", "next"]


def test_declaration_comment_and_fence_pastes():
    lines = ['<?xml version="1.0"?>\n', "<!-- a comment -->\n", "<Learner>\n", "</Learner>\n", "after\n"]
    got = list(read_inputs(iter(lines)))
    assert got[0].endswith("</Learner>") and got[1] == "after"
    fenced = ["```xml\n", "<Learner>\n", "</Learner>\n", "```\n", "x\n"]
    assert list(read_inputs(iter(fenced))) == ["<Learner>\n</Learner>", "x"]
    assert first_element('<?xml version="1.0"?><!-- c --><ns:Message>') == "ns:Message"
    assert list(read_inputs(iter(["<Learner/>\n"]))) == ["<Learner/>"]


def test_whole_conversation_with_a_multi_line_paste():
    text = chat("check xml\n" + LEARNER + "\nyes\nno\nquit\n", year="2022-23", as_of="2023-01-31")
    assert "I read this record" in text and "\nWhat to record\n" in text
    assert "CompStatus: record 2 (now 1)." in text
    assert "Aim: 1; LearnAimRef: ZPROG001" in text, "a table row is one line of field: value"
    for mark in ("**", "`", "## ", "|"):
        assert mark not in text, f"no Markdown ({mark}) in the plain chat"
    assert "\x1b" not in text, "no colour or cursor codes"
    assert text.rstrip().endswith("Goodbye. Nothing you typed has been stored or sent anywhere.")


def test_echo_marks_user_lines_and_escapes_assistant_lines_starting_with_gt():
    text = chat("m2\nquit\n", year="2022-23", echo=True)
    assert "\n> m2\n" in text and "\n> quit\n" in text
    user_lines = [ln for ln in text.splitlines() if ln.startswith(">")]
    assert user_lines == ["> m2", "> quit"]


def test_a_visible_prompt_comes_before_each_input_and_options_read_as_number_comma_label():
    text = chat("m2\nquit\n", year="2022-23", as_of="2023-01-31")
    assert text.count("Your answer: ") == 2
    assert "\n1, M2 (completion) isn't paying\n" in text
    text = chat("m2\n01/08/2022\n30/11/2022\n1\n", year="2022-23", as_of="2023-01-31")
    assert "\n1, continuing\n" in text and "\n6, break in learning\n" in text


def test_end_of_input_ends_the_chat_cleanly():
    assert "Hello" in chat("")
    assert "When did the bootcamp start" in chat("m2\n", year="2022-23", as_of="2023-01-31")


def test_bad_arguments_are_refused_with_status_2():
    out = io.StringIO()
    assert run_plain(io.StringIO(""), out, year="2024-26") == 2 and "teaching year" in out.getvalue()
    out = io.StringIO()
    assert run_plain(io.StringIO(""), out, as_of="2024-02-30") == 2 and "not a real date" in out.getvalue()


def test_cli_chat_plain(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("what is EVI?\nquit\n"))
    assert main(["chat", "--plain", "--year", "2025-26", "--as-of", "2025-10-01"]) == 0
    assert "EVI" in capsys.readouterr().out


def test_cli_lint(capsys):
    assert main(["lint"]) == 0
    assert "consistent" in capsys.readouterr().out


def test_no_transcript_shows_markdown():
    """Every worked conversation is plain text a screen reader reads as it is."""
    from pathlib import Path

    for path in sorted(Path(__file__).parent.parent.joinpath("transcripts").glob("[0-9]*.md")):
        body = path.read_text(encoding="utf-8").split("<!-- transcript -->", 1)[1]
        for line in body.splitlines():
            if line.startswith("> "):
                continue
            for mark in ("**", "`", "| ", "## ", "<http"):
                assert mark not in line, f"{path.name}: Markdown ({mark!r}) in {line!r}"
