"""Checking a date as it is typed, with the engine's own reader, so a mistake shows before it is sent.

A date question's box runs :class:`DateValidator` on every change; the hint
under the box says how a valid date was read (:func:`describe_reading`), so a
2/12 that meant 12 February is caught before sending. Commands, questions and
pasted XML (:func:`is_command`) are not dates and pass through: the session
answers them.
"""

from __future__ import annotations

from typing import Callable

from textual.validation import ValidationResult, Validator

from ....dialogue.dates import DateReading, say
from ....dialogue.matching import Candidate, match
from ....dialogue.messages import Option as Choice
from ....dialogue.reading import COMMAND_WORDS as COMMANDS, QUIT_WORDS

ReadDate = Callable[[str], DateReading]

_QUESTION_WORDS = ("what", "how", "explain", "help", "which", "who", "when", "where")


def is_command(text: str) -> bool:
    """Words the session takes at any question (``back``, ``why``, ``change …``), a question, or XML.

    The date box lets these through its check: they are not dates, and the engine handles them.
    """
    t = text.strip().lstrip("/")
    if t.startswith("<") or t.endswith("?"):
        return True
    word = t.split(" ", 1)[0].lower().rstrip("?!.:")
    return word in COMMANDS or word in QUIT_WORDS or word in _QUESTION_WORDS


class DateValidator(Validator):
    """Checks a typed date with the engine's own reader; its reason is the message.

    ``read`` returns a ``DateReading`` (``assistant.dialogue.dates``): a value,
    a month-first reading to confirm (valid: the engine will ask), or an error.
    """

    def __init__(self, read: ReadDate, options: tuple[Choice, ...] = ()) -> None:
        super().__init__()
        self._read = read
        #: A date question may also take words ("none recorded"): matched as the session matches them.
        self._words = [Candidate(o.value, o.label, (o.value, *o.synonyms)) for o in options]

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text or is_command(text) or not any(c.isdigit() for c in text):
            # Nothing, a command, a question or words: the session answers those (a date has digits).
            return self.success()
        if self._words and match(text, self._words, threshold=90).one is not None:
            return self.success()
        try:
            reading = self._read(text)
        except Exception as exc:  # a reader bug must not stop typing
            return self.failure(str(exc) or "not a date I can read")
        if reading.error:
            return self.failure(reading.error)
        return self.success()


def describe_reading(read: ReadDate | None, text: str) -> str:
    """How a valid date was read, so 2/12 vs 12/2 surprises show before sending."""
    try:
        reading = read(text) if read else None
    except Exception:
        reading = None
    if reading is None:
        return ""
    value = reading.value
    if value is not None:
        return f"✔ reads as {say(value)} ({value.isoformat()})"
    confirm = reading.confirm
    if confirm is not None:
        why = reading.confirm_why or "only makes sense month-first"
        return f"⚠ {why}: {say(confirm)}; you will be asked to confirm"
    return ""
