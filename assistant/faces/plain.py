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
exactly this output, and the tests replay them). Without it, a visible
prompt ("Your answer: ") is written before each input.

Plain means plain: the engine writes Markdown for the TUI, and this face
turns it into text a screen reader reads well — no `**`, no backticks, no
`##`, and no pipe tables (each row becomes one line of "field: value"
pairs). Options are read as "1, achieved". The output is the same for the
same input, so scripts can rely on it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import IO, Callable, Iterator

from ..dialogue.session import Message, Prompt, Session, codes_only
from ..ilr.model import ValueProblem, parse_iso_date
from ..ilr.years import YearError, normalise_year
from ..knowledge_loader import KnowledgeError

END_OF_PASTE = "."
_OPEN = re.compile(r"<\s*([A-Za-z_][\w.:-]*)")
#: What may come before the first element: a declaration, a comment, or a DOCTYPE (with its internal
#: subset). The reader refuses a DOCTYPE; skipping it here lets the paste end at its element's closing tag
#: instead of swallowing every later line until end of input.
_SKIP = re.compile(r"^\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)\s*", re.S | re.I)


def first_element(text: str) -> str | None:
    """The name of the first element in a paste (after any declaration, comment or DOCTYPE)."""
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


PROMPT = "Your answer: "


def read_inputs(lines: Iterator[str], echo_to: IO[str] | None = None,
                prompt: Callable[[], None] | None = None) -> Iterator[str]:
    """One user input per item: a line, or a whole multi-line XML paste (``prompt`` is called before each)."""
    while True:
        if prompt is not None:
            prompt()
        line = next(lines, None)
        if line is None:
            return
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


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_HEADING = re.compile(r"^#{1,6}\s+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def plain_text(text: str) -> str:
    """Markdown to plain text: no emphasis marks, no code marks, no headings' hashes, tables as lines."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("|") and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1].strip()):
            header = _cells(line)
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                cells = _cells(lines[i])
                row = dict(zip(header, cells))
                if header[:3] == ["Field", "Now", "Record"]:
                    # A proposal row reads as what to do: "CompStatus: record 2 (now 1). Why: …"
                    out.append(f"{row['Field']}: record {row['Record']} (now {row['Now']})."
                               + "".join(f" {h}: {row[h]}." for h in header[3:] if row.get(h)))
                else:
                    out.append("; ".join(f"{h}: {c}" for h, c in row.items() if c))
                i += 1
            continue
        out.append(line)
        i += 1
    text = "\n".join(out)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    return "\n".join(_HEADING.sub("", ln) for ln in text.splitlines())


def _option_label(value: str, label: str) -> str:
    """A coded option's label without its code repeated ("1 achieved" under code 1 reads "1, achieved")."""
    return label[len(value) + 1:] if value.isdigit() and label.startswith(value + " ") else label


def format_prompt(prompt: Prompt | None) -> str:
    if prompt is not None and prompt.kind == "date":
        return "Type a date (like 20/12/2022), or " + "".join(f"{o.value} ({o.label}), or " for o in prompt.options) \
            + "don't know."
    if prompt is None or not prompt.options:
        return ""
    if codes_only(prompt.options):
        return "\n".join(f"{o.value}, {_option_label(o.value, o.label)}" for o in prompt.options)
    return "\n".join(f"{i}, {o.label}" for i, o in enumerate(prompt.options, 1))


def write_messages(out: IO[str], messages: list[Message], prompt: Prompt | None) -> None:
    for m in messages:
        if m.role != "assistant":
            continue
        out.write(_escape(plain_text(m.text)) + "\n\n")
    listed = format_prompt(prompt)
    if listed and any(m.kind == "question" for m in messages):
        out.write(listed + "\n\n")
    out.flush()


def run_plain(stdin: IO[str], stdout: IO[str], year: str | None = None, as_of: str | date | None = None,
              echo: bool = False, errors: IO[str] | None = None) -> int:
    """Run one conversation. Returns 0 at quit or end of input, 2 for bad arguments or knowledge.

    Problems that stop the conversation go to ``errors`` (the command line passes stderr).
    """
    errors = errors if errors is not None else stdout
    try:
        y = normalise_year(year) if year else None
        day = parse_iso_date(as_of) if isinstance(as_of, str) else as_of
    except (YearError, ValueProblem) as exc:
        errors.write(f"ilr-assistant chat: {exc}\n")
        return 2
    try:
        session = Session(year=y, as_of=day)
    except KnowledgeError as exc:
        errors.write(f"ilr-assistant chat: the knowledge files have a problem: {exc}\n"
                     "Run `ilr-assistant lint` to see every problem.\n")
        return 2
    write_messages(stdout, session.start(), session.prompt)

    def ask() -> None:
        stdout.write(PROMPT)
        stdout.flush()

    for text in read_inputs(iter(stdin.readline, ""), stdout if echo else None, None if echo else ask):
        stdout.write("\n")
        messages = session.send(text)
        write_messages(stdout, messages, session.prompt)
        if session.finished:
            break
    return 0
