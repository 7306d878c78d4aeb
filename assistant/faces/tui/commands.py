"""The command palette (Ctrl+P): every entry point, every action, and "explain" for any field.

Entry points come from ``Session.entries``, so a new entry in the knowledge
files appears here without touching the app. Explaining uses the same
``assistant.explain`` as ``ilr-assistant explain``; anything typed that is
not a command is offered as "Explain …" so the palette doubles as a lookup.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Iterator

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ...ilr.model import DELIVERY_FIELDS, FAM_FIELDS


def explainable_terms() -> tuple[str, ...]:
    """Fields, codes and aim references the glossary explains (the model's fields if it cannot load)."""
    try:
        from ...explain import glossary_candidates

        terms = tuple(dict.fromkeys(c.label for c in glossary_candidates()))
    except Exception:  # a broken glossary must not break the palette
        terms = ()
    return terms or tuple(name for name, _, _ in DELIVERY_FIELDS + FAM_FIELDS)


class AssistantCommands(Provider):
    """Commands for the main screen; quiet on other screens."""

    def _main(self) -> Any:
        from .screens.main import MainScreen

        screen = self.screen
        return screen if isinstance(screen, MainScreen) else None

    def _actions(self, main: Any) -> Iterator[tuple[str, Callable[[], Any], str]]:
        session = main.session
        for entry in session.entries:
            yield (f"Start: {entry.label}", partial(main.start_entry, entry.value),
                   "Jump to this entry point (your answers so far are set aside)")
        yield ("Back", main.action_back, "Go back to the previous question")
        yield ("Change an earlier answer", main.action_change, "Pick an answer you gave and give it again")
        yield ("Restart", main.action_restart, "Start the conversation again")
        yield ("Paste XML", main.action_paste, "Open the paste area for a learner's XML")
        yield ("Why?", main.action_why, "Explain the conclusion or the selected change")
        yield ("Copy the selected proposed value", main.action_copy_one, "Copy one change's proposed value")
        yield ("Copy all proposed changes", main.action_copy_all, "Copy every change as a small table")
        yield ("Export the conversation", main.action_export,
               "Save it as Markdown with personal data redacted, in your data folder")
        yield ("Show or hide the record", main.action_toggle_record, "The record, milestones and proposal")
        yield ("Switch light / dark theme", main.action_toggle_theme, "Swap between the light and dark theme")
        yield ("Help", main.action_help, "Keys, commands and what the grades mean")
        yield ("Quit", self.app.action_quit, "Leave the assistant")

    async def discover(self) -> Hits:
        main = self._main()
        if main is None:
            return
        for name, callback, help_text in self._actions(main):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        main = self._main()
        if main is None:
            return
        matcher = self.matcher(query)
        for name, callback, help_text in self._actions(main):
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        for term in explainable_terms():
            label = f"Explain {term}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score * 0.9, matcher.highlight(label), partial(main.explain_term, term),
                          help=f"What {term} means and how bootcamps record it")
        term = query.strip()
        if term:
            yield Hit(0.05, f"Explain “{term}”", partial(main.explain_term, term),
                      help="Look up a field, code, aim reference, rule id or error message")
