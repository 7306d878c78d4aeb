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

from typing import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key, Paste
from textual.timer import Timer
from textual.message import Message
from textual.suggester import Suggester
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ....dialogue.dates import DateReading, say
from ....dialogue.matching import Candidate, match
from ....dialogue.messages import Option as Choice, Prompt, codes_only
from ....dialogue.reading import COMMAND_WORDS as COMMANDS, QUIT_WORDS

Suggest = Callable[[str], Sequence[str]]
ReadDate = Callable[[str], DateReading]

MIN_SUGGEST_CHARS = 2
MAX_SUGGESTIONS = 6
#: A paste without bracketed-paste mode arrives as typed lines, each ended by Enter. Lines starting
#: with `<` are gathered until the keys stop for this long, then sent as one paste.
GATHER_SECONDS = 0.3
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
        return f"⚠ only makes sense month-first: {say(confirm)}; you will be asked to confirm"
    return ""


class ChatInput(Input):
    """The message box. A multi-line paste is handed on whole instead of cut to one line.

    A one-line paste is left to ``Input``'s own handler (Textual calls the handler of
    every class in the chain, so calling it here as well would insert the text twice).
    Enter is handled at once, in key order: the box is emptied before the next key,
    so fast typing after Enter is not lost, and a line of XML arriving as typing is
    handed to ``gather`` instead of being sent.
    """

    class MultiLinePaste(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, gather: Callable[[str], bool], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self._gather = gather

    def _on_paste(self, event: Paste) -> None:
        if event.text and len(event.text.strip().splitlines()) > 1:
            event.stop()
            event.prevent_default()
            self.post_message(self.MultiLinePaste(event.text))

    async def action_submit(self) -> None:
        self.submit_now()

    def on_key(self, event: Key) -> None:
        # Enter at once, in key order (a binding would run after later keys had been typed in).
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit_now()

    def submit_now(self) -> None:
        """Enter: gather a line of XML, or send the text (emptying the box before the next key)."""
        value = self.value
        if self._gather(value):
            self.value = ""
            return
        result = self.validate(value) if "submitted" in self.validate_on else None
        if value.strip() and (result is None or result.is_valid):
            self.value = ""
        self.post_message(self.Submitted(self, value, result))


class ChoiceList(OptionList):
    """The options of a question. Digits pick an option; typing goes to the text box.

    The move to the text box is made at once, inside the key handler, so the keys
    that follow (already queued when typing fast) land in the box too. Keys the app
    had already sent to the list before the move (digits, Enter, Backspace) are
    passed on to the box as well, in order.
    """

    BINDINGS = [Binding(str(n), f"pick('{n}')", show=False) for n in range(10)]

    #: When the options are ILR codes ("1", "2", "8"), a digit picks the code, not the position.
    by_code: bool = False
    codes: tuple[str, ...] = ()

    def __init__(self, *, type_into: Callable[[str], None], submit_box: Callable[[], object],
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._type_into = type_into
        self._submit_box = submit_box
        #: The user has started typing: keys still arriving here belong to the text box.
        self.typing = False

    def _type(self, character: str) -> None:
        self.typing = True
        self._type_into(character)

    def on_focus(self) -> None:
        self.typing = False

    def action_pick(self, key: str) -> None:
        """A digit picks the option with that code; with no codes among the options, by position.

        A digit that picks nothing is typing (a date, a number): it goes to the text box.
        """
        if self.typing:
            self._type(key)
            return
        index = -1
        if key in self.codes:
            index = self.codes.index(key)
        elif not (self.by_code or any(c.isdigit() for c in self.codes)):
            index = int(key) - 1
        if 0 <= index < self.option_count:
            self.highlighted = index
            self.action_select()
        else:
            self._type(key)

    def action_select(self) -> None:
        if self.typing:
            self._submit_box()
            return
        super().action_select()

    def on_key(self, event: Key) -> None:
        # Handled here, in the order the keys came, rather than as bindings (which are looked up
        # only after the key has bubbled up to the app, by when later keys may have been handled).
        if event.is_printable and event.character and event.character in "0123456789":
            event.stop()
            event.prevent_default()
            self.action_pick(event.character)
        elif event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            self._type(event.character)
        elif event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_select()
        elif self.typing and event.key == "backspace":
            event.stop()
            event.prevent_default()
            self._type_into("\b")


class SuggestionList(OptionList):
    """Ranked suggestions for what is being typed; Enter or a click puts one in the box."""

    BINDINGS = [Binding("escape", "leave", "Back to typing", show=False)]

    class Leave(Message):
        pass

    def action_leave(self) -> None:
        self.post_message(self.Leave())


class AnswerBar(Vertical):
    """Options, suggestions, the text box and one line of help or validation.

    Every answer carries the number of the question it was given to (``turn``),
    so the screen can refuse an answer meant for a question that has since gone
    (a quick "1⏎" whose ⏎ reached the old list after the "1" had answered it).
    """

    DEFAULT_CSS = """
    AnswerBar {
        /* No max-height: the lists are capped instead, so the text box is never cut off. */
        height: auto;
        padding: 0 1;

        & > #options {
            height: auto;
            max-height: 8;
            border: round $primary 60%;
            border-title-color: $text-muted;
            margin-top: 1;
            &:focus { border: round $primary; }
        }
        & > #suggestions {
            height: auto;
            max-height: 6;
            border: round $accent 50%;
            border-title-color: $accent;
        }
        & > #hint {
            height: 1;
            color: $text-muted;
            padding: 0 1;
            &.-invalid { color: $text-error; }
        }
    }
    """

    class Answered(Message):
        """The user sent an answer: typed text, or the option picked (``option`` set)."""

        def __init__(self, text: str, *, option: Choice | None = None, prompt: Prompt | None = None,
                     turn: int = 0) -> None:
            super().__init__()
            self.text = text
            self.option = option
            self.prompt = prompt
            #: The question this answers (``AnswerBar.turn`` when it was given).
            self.turn = turn

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
        self.prompt: Prompt | None = None
        #: Which question is on screen: set by the screen with each new prompt.
        self.turn = 0
        self._choices: tuple[Choice, ...] = ()
        #: Lines of a paste that came as typed lines (no bracketed paste), and the timer that ends it.
        self._gathered: list[str] = []
        self._gather_timer: Timer | None = None
        #: Where the user is in a sequence of questions ("Tour: step 2 of 4"), shown with the question.
        self._progress = ""

    def compose(self) -> ComposeResult:
        yield ChoiceList(id="options", type_into=self.type_into, submit_box=self._submit_box)
        yield SuggestionList(id="suggestions")
        yield ChatInput(gather=self._gather_line, placeholder="Type an answer, a question, or paste XML…", id="answer",
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
    def set_prompt(self, prompt: Prompt | None, *, finished: bool = False, turn: int = 0,
                   progress: str = "") -> None:
        """Show the answer widgets the question needs (None: the conversation is open).

        ``progress`` ("Tour: step 2 of 4") titles the options, so a user knows where they are.
        """
        self.prompt = prompt
        self.turn = turn
        options = self.options
        options.clear_options()
        choices: tuple[Choice, ...] = prompt.options if prompt is not None else ()
        kind = prompt.kind if prompt is not None else None
        if kind == "confirm" and not choices:
            choices = (Choice("yes", "Yes"), Choice("no", "No"))
        options.by_code = codes_only(tuple(choices))
        options.codes = tuple(c.value for c in choices)
        options.border_title = progress
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
        options.typing = False
        box = self.input
        box.validators = ([DateValidator(self._read_date, tuple(choices))]
                          if kind == "date" and self._read_date else [])
        if isinstance(box.suggester, SessionSuggester):
            box.suggester.enabled = kind != "date"
        box.placeholder = _PLACEHOLDERS.get(kind, _PLACEHOLDERS[None]) if not finished else (
            "Ask about a field, type 'why', 'restart', or paste another learner…")
        self._progress = progress if not choices else ""
        self.hint.remove_class("-invalid")
        self.set_hint_from_prompt()
        self._hide_suggestions()

    def focus_answer(self) -> None:
        """Put the focus where the answer is most likely to be given.

        A choice is answered on its list; a date or text question in the box,
        even when it offers a word or two ("none recorded") as options. Text
        already typed in the box keeps the focus there.
        """
        kind = self.prompt.kind if self.prompt is not None else None
        if self.options.display and kind in ("choice", "confirm") and not self.input.value:
            self.options.focus()
        else:
            self.input.focus()

    def type_into(self, character: str) -> None:
        """A key pressed on the options: typing. The box gets the focus now, not after a refresh."""
        box = self.input
        if self.screen.focused is not box:
            self.screen.set_focus(box, scroll_visible=False)
        if character == "\b":
            box.action_delete_left()
        else:
            box.insert_text_at_cursor(character)

    def _submit_box(self) -> None:
        self.input.submit_now()

    def working(self) -> None:
        """Say that the answer is being worked on (the engine runs in the background)."""
        self.hint.remove_class("-invalid")
        self.hint.update("… working on it")

    # -- sending -------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self._choices):
            choice = self._choices[index]
            self.post_message(self.Answered(choice.label, option=choice, prompt=self.prompt, turn=self.turn))

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self._show_empty()
            return
        result = event.validation_result
        if result is not None and not result.is_valid:
            self._show_invalid(result)
            return
        self._hide_suggestions()
        self.post_message(self.Answered(text, prompt=self.prompt, turn=self.turn))

    def _gather_line(self, value: str) -> bool:
        """Enter on a line of XML arriving as typing: keep it for one paste (True), or not ours (False)."""
        if not (self._gathered or value.strip().startswith("<")):
            return False
        self._gathered.append(value)
        self._restart_gather()
        return True

    def _restart_gather(self) -> None:
        if self._gather_timer is not None:
            self._gather_timer.stop()
        self._gather_timer = self.set_timer(GATHER_SECONDS, self._end_gather)

    def _end_gather(self) -> None:
        """The keys have stopped: the gathered lines (and any last line left in the box) are one paste."""
        self._gather_timer = None
        lines = list(self._gathered)
        self._gathered.clear()
        box = self.input
        if box.value.strip():
            lines.append(box.value)
            box.value = ""
        text = "\n".join(lines)
        self._hide_suggestions()
        if len(lines) > 1:
            self.post_message(self.PastedText(text))
        elif text.strip():
            self.post_message(self.Answered(text.strip(), prompt=self.prompt, turn=self.turn))

    @on(ChatInput.MultiLinePaste)
    def _pasted(self, event: ChatInput.MultiLinePaste) -> None:
        event.stop()
        self.post_message(self.PastedText(event.text))

    # -- typing ---------------------------------------------------------------------
    @on(Input.Changed, "#answer")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._gathered:
            self._restart_gather()  # more of the paste is arriving
            return
        result = event.validation_result
        if result is not None and not result.is_valid:
            self._show_invalid(result)
        elif result is not None and event.value.strip() and not is_command(event.value):
            self.hint.remove_class("-invalid")
            self.hint.update(describe_reading(self._read_date, event.value.strip()))
        else:
            self.hint.remove_class("-invalid")
            self.set_hint_from_prompt()
        self._refresh_suggestions(event.value)

    def set_hint_from_prompt(self) -> None:
        help_text = self.prompt.help.strip() if self.prompt is not None else ""
        first = help_text.splitlines()[0] if help_text else ""
        self.hint.update(" · ".join(p for p in (self._progress, first) if p))

    def _show_empty(self) -> None:
        """Enter on an empty box: say what the question takes, where the typing happens (nothing is sent)."""
        kind = self.prompt.kind if self.prompt is not None else None
        what = "a date, like 15/01/2025" if kind == "date" else "an answer"
        self.hint.add_class("-invalid")
        self.hint.update(f"✘ Type {what} first (or `help`; `don't know` is an answer too).")

    def _show_invalid(self, result: ValidationResult) -> None:
        self.hint.add_class("-invalid")
        self.hint.update("✘ " + "; ".join(result.failure_descriptions))

    def _refresh_suggestions(self, value: str) -> None:
        text = value.strip()
        kind = self.prompt.kind if self.prompt is not None else None
        if len(text) < MIN_SUGGEST_CHARS or "\n" in value or kind == "date" or text.startswith("<"):
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


_PLACEHOLDERS: dict[str | None, str] = {
    None: "Type an answer, a question, or paste XML…",
    "choice": "Pick above (↑↓ Enter, or its number), or type…",
    "confirm": "Pick above, or type yes / no…",
    "date": "A date, e.g. 20/12/2024 or 2024-12-20",
    "text": "Type your answer…",
    "xml": "Paste the learner's XML here (F3 opens a paste area)…",
}
