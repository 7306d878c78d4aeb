"""The F1 help text: what the assistant does, the keys (from the live bindings), the commands."""

from __future__ import annotations

from typing import Iterable

from textual.binding import Binding, BindingType

INTRO = """\
The assistant works out why a Skills Bootcamp milestone (M1, M2, M3) has not
paid, and which values to record on each aim instead. Answer its questions,
or paste the learner's XML: the record fills in {where}, with the
milestones and the proposed changes under it.

Every proposed change names its rules and sources with an evidence grade:
**official** (DfE/ESFA text), **forum-confirmed** (a provider reported it
worked), **vendor** (an MIS supplier's reading) or **inference** (our own
reading of the rules — check it).
"""

TYPED = """\
## Things you can type

- an answer, in your own words (`yes`, `20/12/2024`, `interview offer`)
- `why` — why the assistant concluded what it did
- `back` — the previous question; `restart` — start again
- `help` — what the current question means
- a field, code or rule to explain (`Outcome 8`, `R_138`)
- a pasted learner XML snippet (or press F3 for a paste area)

## Mouse and keyboard

- Options: ↑ ↓ and Enter, the option's number, or a click.
- Suggestions under the text box: ↓ to reach them, Enter to take one.
- Ghost text in the box: → accepts it.
- In the proposed changes: Enter or `w` explains a change, `c` copies its value.
- Ctrl+P opens the command palette: entry points, explain a field, every action.
- Ctrl+Q quits.
"""


def _key(binding: Binding) -> str:
    """``ctrl+b`` → ``Ctrl+B``, ``f1`` → ``F1``."""
    return "+".join(p.capitalize() if len(p) > 1 else p.upper() for p in binding.key.split("+"))


#: Where the record panel is, by layout (F1 must not say "on the right" when it is behind F2).
WHERE = {False: "on the right", True: "behind F2 (the screen is too narrow to show it beside the chat)"}


def help_markdown(bindings: Iterable[BindingType], *, narrow: bool = False) -> str:
    bindings = list(bindings)
    rows = ["| key | what it does |", "|---|---|"]
    for b in bindings:
        if isinstance(b, Binding) and b.description:
            rows.append(f"| {_key(b)} | {b.description} |")
    rows.append("| Ctrl+P | Command palette |")
    rows.append("| Ctrl+Q | Quit |")
    return INTRO.format(where=WHERE[narrow]) + "\n## Keys\n\n" + "\n".join(rows) + "\n\n" + TYPED
