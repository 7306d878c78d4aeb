"""Where the user answers: the options of a question, the text box, suggestions and one line of help.

The bar puts together the pieces, each in its own module: the options
(choices.py), the message box and the gathering of a paste that arrives as
typing (chat_input.py), suggestions for what is typed (suggestions.py) and the
date check (date_check.py). The free-text box stays under the options because
every question also accepts typed words and commands ("back", "why"). Here:
which pieces a question shows, where the focus goes, what is sent (each
answer numbered with its question), and the hint under the box.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Key
from textual.message import Message
from textual.validation import ValidationResult
from textual.widgets import Input, OptionList, Static

from ....dialogue.messages import Option as Choice, Prompt
from .chat_input import ChatInput, LineGatherer
from .choices import ChoiceList
from .date_check import DateValidator, ReadDate, describe_reading, is_command
from .suggestions import MAX_SUGGESTIONS, MIN_SUGGEST_CHARS, SessionSuggester, Suggest, SuggestionList


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
        #: Lines of a paste that come as typed lines (no bracketed paste), until the keys stop.
        self._gatherer = LineGatherer(self.set_timer, self._end_gather)
        #: Where the user is in a sequence of questions ("Tour: step 2 of 4"), shown with the question.
        self._progress = ""

    def compose(self) -> ComposeResult:
        yield ChoiceList(id="options", type_into=self.type_into, submit_box=self._submit_box)
        yield SuggestionList(id="suggestions")
        yield ChatInput(gather=self._gatherer.take, placeholder="Type an answer, a question, or paste XML…", id="answer",
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
        choices: tuple[Choice, ...] = prompt.options if prompt is not None else ()
        kind = prompt.kind if prompt is not None else None
        if kind == "confirm" and not choices:
            choices = (Choice("yes", "Yes"), Choice("no", "No"))
        self.options.show(choices, progress)
        self._choices = choices
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

    def _end_gather(self) -> None:
        """The keys have stopped: the gathered lines (and any last line left in the box) are one paste."""
        lines = self._gatherer.end()
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
        if self._gatherer.lines:
            self._gatherer.restart()  # more of the paste is arriving
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
        self.suggestions.show([s for s in self._safe_suggest(text) if s.casefold() != text.casefold()][:MAX_SUGGESTIONS])

    def _hide_suggestions(self) -> None:
        self.suggestions.hide()

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
