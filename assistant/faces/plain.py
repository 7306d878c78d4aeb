"""`ilr-assistant chat --plain`: the conversation on stdin/stdout, line by line.

For screen readers and scripts: no colour, no cursor movement, no
redrawing; each assistant message is printed once, followed by the options
of the question being asked. A pasted XML snippet may span many lines: a
line starting with `<` begins a paste that ends at the line closing the
first element (`</Learner>`, `</LearningDelivery>`, `</Message>`), or at a
line holding a single `.` — the delimiter for pastes that never close.
A Markdown fence (a line of three backticks) also starts and ends a paste.

With ``echo=True`` every input line is written back prefixed with `> `,
which makes the output a readable transcript (`transcripts/*.md` are
exactly this output, and the tests replay them).
"""

from __future__ import annotations

import re
from datetime import date
from typing import IO, Iterator

from ..ilr.model import ValueProblem, parse_iso_date
from ..ilr.years import YearError, normalise_year
from ..knowledge_loader import KnowledgeError
from ..dialogue.session import Message, Prompt, Session, codes_only

END_OF_PASTE = "."
_OPEN = re.compile(r"<\s*([A-Za-z_][\w.:-]*)")
_SKIP = re.compile(r"^\s*(<\?.*?\?>|<!--.*?-->)\s*", re.S)


def first_element(text: str) -> str | None:
    """The name of the first element in a paste (after any declaration or comment)."""
    t = text
    while True:
        m = _SKIP.match(t)
        if not m:
            break
        t = t[m.end():]
    m = _OPEN.match(t.lstrip())
    return m.group(1) if m else None


def _closes(buffer: str, name: str) -> bool:
    local = name.split(":")[-1]
    if re.search(rf"</\s*(?:[\w.-]+:)?{re.escape(local)}\s*>", buffer):
        return True
    # A first element that closes itself: <Learner/>
    return bool(re.match(rf"\s*(?:<\?.*?\?>\s*)?<\s*{re.escape(name)}[^>]*/>\s*$", buffer, re.S))


def read_inputs(lines: Iterator[str], echo_to: IO[str] | None = None) -> Iterator[str]:
    """One user input per item: a line, or a whole multi-line XML paste."""
    for line in lines:
        raw = line.rstrip("\r\n")
        if echo_to is not None:
            echo_to.write(f"> {raw}\n")
        stripped = raw.strip()
        if stripped.startswith("```"):
            buf = []
            for more in lines:
                more_raw = more.rstrip("\r\n")
                if echo_to is not None:
                    echo_to.write(f"> {more_raw}\n")
                if more_raw.strip().startswith("```"):
                    break
                buf.append(more_raw)
            yield "\n".join(buf)
            continue
        if stripped.startswith("<"):
            buf = [raw]
            name = first_element(raw)
            if name is not None and _closes(raw, name):
                yield raw
                continue
            for more in lines:
                more_raw = more.rstrip("\r\n")
                if echo_to is not None:
                    echo_to.write(f"> {more_raw}\n")
                if more_raw.strip() == END_OF_PASTE:
                    break
                buf.append(more_raw)
                # A declaration or comment first: the element that matters is the first real one.
                name = name or first_element("\n".join(buf))
                if name is not None and _closes("\n".join(buf), name):
                    break
            yield "\n".join(buf)
            continue
        yield raw


def _escape(text: str) -> str:
    """Keep assistant lines from looking like user lines (`> `) in a transcript."""
    return "\n".join(("\\" + ln) if ln.startswith(">") else ln for ln in text.splitlines())


def format_prompt(prompt: Prompt | None) -> str:
    if prompt is None or not prompt.options:
        return ""
    if prompt.kind == "date":
        return "Type a date (like 20/12/2022), or " + " / ".join(f"`{o.value}` ({o.label})" for o in prompt.options) + "."
    if codes_only(prompt.options):
        return "\n".join(f"- `{o.value}` {o.label}" for o in prompt.options)
    return "\n".join(f"{i}. {o.label}" for i, o in enumerate(prompt.options, 1))


def write_messages(out: IO[str], messages: list[Message], prompt: Prompt | None) -> None:
    for m in messages:
        if m.role != "assistant":
            continue
        out.write(_escape(m.text) + "\n\n")
    listed = format_prompt(prompt)
    if listed and any(m.kind == "question" for m in messages):
        out.write(listed + "\n\n")
    out.flush()


def run_plain(stdin: IO[str], stdout: IO[str], year: str | None = None, as_of: str | date | None = None,
              echo: bool = False) -> int:
    """Run one conversation. Returns 0 at quit or end of input, 2 for bad arguments or knowledge."""
    try:
        y = normalise_year(year) if year else None
        day = parse_iso_date(as_of) if isinstance(as_of, str) else as_of
    except (YearError, ValueProblem) as exc:
        stdout.write(f"ilr-assistant chat: {exc}\n")
        return 2
    try:
        session = Session(year=y, as_of=day)
    except KnowledgeError as exc:
        stdout.write(f"ilr-assistant chat: the knowledge files have a problem: {exc}\n"
                     "Run `ilr-assistant lint` to see every problem.\n")
        return 2
    write_messages(stdout, session.start(), session.prompt)
    for text in read_inputs(iter(stdin.readline, ""), stdout if echo else None):
        if echo:
            stdout.write("\n")
        messages = session.send(text)
        write_messages(stdout, messages, session.prompt)
        if session.finished:
            break
    return 0
