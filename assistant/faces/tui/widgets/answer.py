"""Where the user answers: the options of a question, free text with suggestions.

A choice is a list that keyboard (arrows, Enter, or the option's number) and
mouse both work; the free-text box stays under it because every question also
accepts typed words and commands ("back", "why"). Suggestions come from the
session's fuzzy matcher (the same one that reads the answer), shown two ways:
ghost text when the best match continues what was typed (→ accepts it), and a
short list below the box when it does not (Z0059 → the aim references).
A date question checks the text as it is typed with the engine's own parser.
"""

from __future__ import annotations

from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key, Paste
from textual.message import Message
from textual.suggester import Suggester
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ....dialogue.dates import say
from ....dialogue.matching import Candidate, match
from ....dialogue.session import codes_only

Suggest = Callable[[str], list[str]]
ReadDate = Callable[[str], Any]

MIN_SUGGEST_CHARS = 2
MAX_SUGGESTIONS = 6


class SessionSuggester(Suggester):
    """Inline ghost text: the best fuzzy match, when it continues the typed text."""

    def __init__(self, suggest: Suggest) -> None:
        # The candidates depend on the question being asked, so no caching.
        super().__init__(use_cache=False, case_sensitive=True)
        self._suggest = suggest
        #: Off for date questions: a date has nothing to complete to.
        self.enabled = True

    async def get_suggestion(self, value: str) -> str | None:
        if len(value.strip()) < MIN_SUGGEST_CHARS or not self.enabled:
            return None
        try:
            ranked = self._suggest(value)
        except Exception:
            return None
        folded = value.casefold()
        for item in ranked:
            if item.casefold().startswith(folded) and len(item) > len(value):
                return value + item[len(value):]
        return None


class DateValidator(Validator):
    """Checks a typed date with the engine's own reader; its reason is the message.

    ``read`` returns a ``DateReading`` (``assistant.dialogue.dates``): a value,
    a month-first reading to confirm (valid: the engine will ask), or an error.
    """

    def __init__(self, read: ReadDate, options: tuple[Any, ...] = ()) -> None:
        super().__init__()
        self._read = read
        #: A date question may also take words ("none recorded"): matched as the session matches them.
        self._words = [Candidate(o.value, o.label, (o.value, *o.synonyms)) for o in options]

    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text:
            return self.success()
        if self._words and match(text, self._words, threshold=90).one is not None:
            return self.success()
        try:
            reading = self._read(text)
        except Exception as exc:  # a reader bug must not stop typing
            return self.failure(str(exc) or "not a date I can read")
        if getattr(reading, "error", None):
            return self.failure(reading.error)
        return self.success()


def describe_reading(read: ReadDate | None, text: str) -> str:
    """How a valid date was read, so 2/12 vs 12/2 surprises show before sending."""
    try:
        reading = read(text) if read else None
    except Exception:
        reading = None
    value = getattr(reading, "value", None)
    if value is not None:
        return f"✔ reads as {say(value)} ({value.isoformat()})"
    confirm = getattr(reading, "confirm", None)
    if confirm is not None:
        return f"⚠ only makes sense month-first: {say(confirm)}; you will be asked to confirm"
    return ""


class ChatInput(Input):
    """The message box. A multi-line paste is handed on whole instead of cut to one line."""

    class MultiLinePaste(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def _on_paste(self, event: Paste) -> None:
        if event.text and len(event.text.strip().splitlines()) > 1:
            event.stop()
            event.prevent_default()
            self.post_message(self.MultiLinePaste(event.text))
            return
        super()._on_paste(event)


class ChoiceList(OptionList):
    """The options of a question. Digits pick an option; typing goes to the text box."""

    BINDINGS = [Binding(str(n), f"pick('{n}')", show=False) for n in range(10)]

    #: When the options are ILR codes ("1", "2", "8"), a digit picks the code, not the position.
    by_code: bool = False
    codes: tuple[str, ...] = ()

    class TypedAway(Message):
        """A printable key pressed on the list: the user wants to type instead."""

        def __init__(self, character: str) -> None:
            super().__init__()
            self.character = character

    def action_pick(self, key: str) -> None:
        """A digit picks the option with that code; with no codes among the options, by position.

        A digit that picks nothing is typing (a date, a number): it goes to the text box.
        """
        index = -1
        if key in self.codes:
            index = self.codes.index(key)
        elif not (self.by_code or any(c.isdigit() for c in self.codes)):
            index = int(key) - 1
        if 0 <= index < self.option_count:
            self.highlighted = index
            self.action_select()
        else:
            self.post_message(self.TypedAway(key))

    def on_key(self, event: Key) -> None:
        if event.is_printable and event.character and not event.character.isdigit() and event.character != " ":
            event.stop()
            self.post_message(self.TypedAway(event.character))


class SuggestionList(OptionList):
    """Ranked suggestions for what is being typed; Enter or a click puts one in the box."""

    BINDINGS = [Binding("escape", "leave", "Back to typing", show=False)]

    class Leave(Message):
        pass

    def action_leave(self) -> None:
        self.post_message(self.Leave())


class AnswerBar(Vertical):
    """Options, suggestions, the text box and one line of help or validation."""

    class Answered(Message):
        """The user sent an answer: typed text, or the option picked (``option`` set)."""

        def __init__(self, text: str, *, option: Any = None, prompt: Any = None) -> None:
            super().__init__()
            self.text = text
            self.option = option
            self.prompt = prompt

    class PastedText(Message):
        """A multi-line paste into the box: probably XML."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, suggest: Suggest | None = None, read_date: ReadDate | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._suggest: Suggest = suggest or (lambda text: [])
        self._read_date = read_date
        self.prompt: Any = None
        self._choices: tuple[Any, ...] = ()

    def compose(self) -> ComposeResult:
        yield ChoiceList(id="options")
        yield SuggestionList(id="suggestions")
        yield ChatInput(placeholder="Type an answer, a question, or paste XML…", id="answer",
                        suggester=SessionSuggester(self._safe_suggest), validate_on=["changed", "submitted"],
                        select_on_focus=False)
        yield Static("", id="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#options").display = False
        self.query_one("#suggestions").display = False

    # -- what the widgets are -----------------------------------------------------
    @property
    def input(self) -> ChatInput:
        return self.query_one("#answer", ChatInput)

    @property
    def options(self) -> ChoiceList:
        return self.query_one("#options", ChoiceList)

    @property
    def suggestions(self) -> SuggestionList:
        return self.query_one("#suggestions", SuggestionList)

    @property
    def hint(self) -> Static:
        return self.query_one("#hint", Static)

    def _safe_suggest(self, text: str) -> list[str]:
        try:
            return list(self._suggest(text))
        except Exception:
            return []

    # -- a new question -----------------------------------------------------------
    def set_prompt(self, prompt: Any, *, finished: bool = False) -> None:
        """Show the answer widgets the question needs (None: the conversation is open)."""
        self.prompt = prompt
        options = self.options
        options.clear_options()
        choices = tuple(getattr(prompt, "options", ()) or ()) if prompt is not None else ()
        kind = getattr(prompt, "kind", None)
        if kind == "confirm" and not choices:
            choices = (_Choice("yes", "Yes"), _Choice("no", "No"))
        options.by_code = codes_only(tuple(choices))
        options.codes = tuple(c.value for c in choices)
        any_codes = any(c.value.isdigit() for c in choices)
        for number, choice in enumerate(choices, start=1):
            if choice.value.isdigit():
                # An ILR code: shown and picked by the code itself, never by position.
                label = choice.label if choice.label.startswith(choice.value) else f"{choice.value}  {choice.label}"
            elif any_codes:
                label = f"   {choice.label}"
            else:
                label = f"{number}. {choice.label}" if number < 10 else choice.label
            options.add_option(Option(label, id=f"opt-{number}"))
        self._choices = choices
        options.display = bool(choices)
        if choices:
            options.highlighted = 0
        box = self.input
        box.validators = ([DateValidator(self._read_date, tuple(choices))]
                          if kind == "date" and self._read_date else [])
        if isinstance(box.suggester, SessionSuggester):
            box.suggester.enabled = kind != "date"
        box.placeholder = _PLACEHOLDERS.get(kind, _PLACEHOLDERS[None]) if not finished else (
            "Ask about a field, type 'why', 'restart', or paste another learner…")
        help_text = (getattr(prompt, "help", "") or "") if prompt is not None else ""
        self.hint.update(help_text.strip().splitlines()[0] if help_text.strip() else "")
        self.hint.remove_class("-invalid")
        self._hide_suggestions()

    def focus_answer(self) -> None:
        """Put the focus where the answer is most likely to be given.

        A choice is answered on its list; a date or text question in the box,
        even when it offers a word or two ("none recorded") as options.
        """
        if self.options.display and getattr(self.prompt, "kind", None) in ("choice", "confirm"):
            self.options.focus()
        else:
            self.input.focus()

    # -- sending -------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self._choices):
            choice = self._choices[index]
            self.post_message(self.Answered(choice.label, option=choice, prompt=self.prompt))

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        result = event.validation_result
        if result is not None and not result.is_valid:
            self._show_invalid(result)
            return
        self.input.value = ""
        self._hide_suggestions()
        self.post_message(self.Answered(text))

    @on(ChatInput.MultiLinePaste)
    def _pasted(self, event: ChatInput.MultiLinePaste) -> None:
        event.stop()
        self.post_message(self.PastedText(event.text))

    # -- typing ---------------------------------------------------------------------
    @on(Input.Changed, "#answer")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        result = event.validation_result
        if result is not None and not result.is_valid:
            self._show_invalid(result)
        elif result is not None and event.value.strip():
            self.hint.remove_class("-invalid")
            self.hint.update(describe_reading(self._read_date, event.value.strip()))
        else:
            self.hint.remove_class("-invalid")
            self.set_hint_from_prompt()
        self._refresh_suggestions(event.value)

    def set_hint_from_prompt(self) -> None:
        help_text = (getattr(self.prompt, "help", "") or "").strip() if self.prompt is not None else ""
        self.hint.update(help_text.splitlines()[0] if help_text else "")

    def _show_invalid(self, result: ValidationResult) -> None:
        self.hint.add_class("-invalid")
        self.hint.update("✘ " + "; ".join(result.failure_descriptions))

    def _refresh_suggestions(self, value: str) -> None:
        text = value.strip()
        if len(text) < MIN_SUGGEST_CHARS or "\n" in value or getattr(self.prompt, "kind", None) == "date":
            self._hide_suggestions()
            return
        ranked = [s for s in self._safe_suggest(text) if s.casefold() != text.casefold()][:MAX_SUGGESTIONS]
        box = self.suggestions
        box.clear_options()
        for item in ranked:
            box.add_option(Option(item))
        box.display = bool(ranked)

    def _hide_suggestions(self) -> None:
        box = self.suggestions
        box.clear_options()
        box.display = False

    @on(OptionList.OptionSelected, "#suggestions")
    def _suggestion_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        text = str(event.option.prompt)
        box = self.input
        with box.prevent(Input.Changed):
            box.value = text
        box.cursor_position = len(text)
        self._hide_suggestions()
        box.focus()

    @on(SuggestionList.Leave)
    def _leave_suggestions(self) -> None:
        self.input.focus()

    @on(ChoiceList.TypedAway)
    def _typed_on_options(self, event: ChoiceList.TypedAway) -> None:
        box = self.input
        box.focus()
        box.insert_text_at_cursor(event.character)

    def on_key(self, event: Key) -> None:
        """Down from the text box walks into the suggestions, then the options."""
        if event.key != "down" or self.screen.focused is not self.input:
            return
        if self.suggestions.display:
            self.suggestions.focus()
            self.suggestions.highlighted = 0
            event.stop()
        elif self.options.display:
            self.options.focus()
            event.stop()


class _Choice:
    """A yes/no choice for a confirm prompt that came without options."""

    def __init__(self, value: str, label: str) -> None:
        self.value = value
        self.label = label
        self.synonyms: tuple[str, ...] = ()


_PLACEHOLDERS: dict[str | None, str] = {
    None: "Type an answer, a question, or paste XML…",
    "choice": "Pick above (↑↓ Enter, or its number), or type…",
    "confirm": "Pick above, or type yes / no…",
    "date": "A date, e.g. 20/12/2024 or 2024-12-20",
    "text": "Type your answer…",
    "xml": "Paste the learner's XML here (F3 opens a paste area)…",
}
