"""Beside the conversation: the record as understood so far, the milestones, the proposal.

Everything shown here is read from the session (``learner``) and its
diagnosis; this module decides only how it looks. Cells a proposed change
touches are highlighted in the record, so the user sees at a glance which
boxes in their MIS to edit, and the proposal table lists each change with
its reason and its source's evidence grade.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.markup import escape
from textual.content import Content
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from ....advice.engine import Diagnosis
    from rich.style import Style

    from ....ilr.model import Delivery, Learner

from ....ilr.vocabulary import METHOD_WORDS, STATUS_MARKS, STATUS_WORDS, aim_words
from ..format import change_aim, change_field, change_source, change_values, dash

#: Record columns: (key, header, ILR fields whose change highlights the cell, one per line of the cell).
#: Two lines a cell keep the table about 45 columns wide: it fits the side panel at 120 columns uncut.
RECORD_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("aim", "Aim", ("LearnAimRef",)),
    ("start", "Start\nplan end", ("LearnStartDate", "LearnPlanEndDate")),
    ("end", "Act. end\nAchDate", ("LearnActEndDate", "AchDate")),
    ("cs", "CS\nOut", ("CompStatus", "Outcome")),
    ("evi", "EVI", ("EVI",)),
)


def _touches(change: Any) -> tuple[int, str]:
    """The (aim, field) a change lands on; FAM changes land on their FAM type."""
    if change.field == "LearningDeliveryFAM":
        return change.aim_seq, change.fam_type or ""
    if change.field == "LearningDelivery":
        return change.aim_seq, "LearnAimRef"
    return change.aim_seq, change.field


def _evi_text(d: Any) -> str:
    fams = d.fams_of("EVI")
    if not fams:
        return "–"
    first = fams[0]
    when = first.date_from.isoformat() if first.date_from else "no date"
    return f"{first.code or '?'}\n{when}"


def aim_cell(d: Delivery, *, new: bool = False) -> tuple[str, str]:
    """The aim column's two lines: number and reference over what the aim is (short words; "+ " when added)."""
    return f"{d.aim_seq or '?'} {d.learn_aim_ref or '?'}", ("+ " if new else "") + aim_words(d.learn_aim_ref, d.aim_type, short=True)


def _has_evi(learner: Any) -> bool:
    return learner is not None and any(d.fams_of("EVI") for d in learner.deliveries)


class RecordTable(DataTable[Text]):
    """One row per aim: reference and what it is, start and planned end, actual end,
    CompStatus, Outcome, AchDate and — when the record or the proposal has one — EVI.

    Two lines per row keep it inside a side panel: the aim's reference over
    what it is, the start over the planned end. The EVI column is left out for
    programmes that neither hold nor need an event indicator.
    """

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"record--changed", "record--note"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, header_height=2, show_cursor=False)
        self._learner: Any = None
        self._changes: tuple[Any, ...] = ()
        self._after: Any = None

    def show(self, learner: Any, changes: Sequence[Any] = (), after: Any = None) -> None:
        """Show a learner's aims, highlighting what the changes touch (``after``: the fixed record)."""
        self._learner, self._changes, self._after = learner, tuple(changes), after
        self._render_rows()

    def _render_rows(self) -> None:
        self.clear(columns=True)
        learner = self._learner
        if learner is None:
            return
        touched = {_touches(c) for c in self._changes}
        with_evi = _has_evi(learner) or _has_evi(self._after) or any(f == "EVI" for _, f in touched)
        columns = [c for c in RECORD_COLUMNS if with_evi or c[0] != "evi"]
        for key, header, _ in columns:
            self.add_column(header, key=key)
        changed = self.get_component_rich_style("record--changed", partial=True)
        note = self.get_component_rich_style("record--note", partial=True)
        shown: set[int | None] = set()
        for d in sorted(learner.deliveries, key=lambda a: (a.seq or 0)):
            shown.add(d.seq)
            self._add(d, columns, touched, changed, note, new=False)
        # Aims the proposal adds are shown as they would be, all highlighted.
        if self._after is not None:
            for d in sorted(self._after.deliveries, key=lambda a: (a.seq or 0)):
                if d.seq not in shown:
                    self._add(d, columns, touched, changed, note, new=True)

    def _add(self, d: Delivery, columns: list[tuple[str, str, tuple[str, ...]]], touched: set[tuple[int, str]],
             changed: Style, note: Style, *, new: bool) -> None:
        seq = d.seq or 0
        values = {
            "aim": aim_cell(d, new=new),
            "start": (dash(d.learn_start_date), dash(d.learn_plan_end_date)),
            "end": (dash(d.learn_act_end_date), dash(d.ach_date)),
            "cs": (dash(d.comp_status), dash(d.outcome)),
            "evi": tuple(_evi_text(d).split("\n")),
        }
        cells = []
        for key, _, fields in columns:
            lines = list(values[key])
            for i, name in enumerate(fields[: len(lines)]):
                if name in d.problems:
                    lines[i] = "! unreadable"
            text = Text()
            for i, line in enumerate(lines):
                if i:
                    text.append("\n")
                name = fields[min(i, len(fields) - 1)]
                if new or (seq, name) in touched:
                    style = changed
                elif key in ("aim", "start") and i == 1:
                    style = note
                else:
                    style = None
                text.append(line, style=style)
            cells.append(text)
        self.add_row(*cells, height=2, key=f"aim-{seq}-{'new' if new else 'now'}")


STATUS_COLOURS = {"payable": "$text-success", "blocked": "$text-error", "not-yet": "$text-warning",
                  "not-payable": "$text-muted", "unknown": "$text-muted"}


def _status(status: Any) -> str:
    word = f"{STATUS_MARKS.get(status.status, '?')} {STATUS_WORDS.get(status.status, status.status)}"
    return f"[{STATUS_COLOURS.get(status.status, '$text')}]{escape(word)}[/]"


class MilestoneBar(Vertical):
    """M1/M2/M3 for each programme: now, and (→) after the proposed changes.

    Under a milestone that cannot pay, its first reason, dimmed and indented,
    so the panel says *why* without opening anything.
    """

    def compose(self) -> ComposeResult:
        yield Static("Milestones: not known yet.", classes="empty")

    def show(self, before: Iterable[Any] = (), after: Iterable[Any] = ()) -> None:
        after_by_ref = {p.con_ref: p for p in after or ()}
        rows: list[Static] = []
        for prog in before or ():
            method = METHOD_WORDS[prog.method]
            rows.append(Static(f"[b]{escape(prog.con_ref or 'no ConRefNumber')}[/b] [dim]· {method}[/dim]",
                               classes="programme"))
            later = after_by_ref.get(prog.con_ref)
            for name in ("M1", "M2", "M3"):
                status = prog.milestones.get(name)
                if status is None:
                    continue
                line = f"[b]{name}[/b]  {_status(status)}"
                new = later.milestones.get(name) if later is not None else None
                if new is not None and new.status != status.status:
                    line += f"  →  {_status(new)} [dim]after the changes[/dim]"
                rows.append(Static(line, classes="milestone"))
                shown = new if new is not None else status
                if shown.status != "payable" and shown.reasons:
                    rows.append(Static(f"{shown.reasons[0]} ({shown.evidence})", classes="reason", markup=False))
        if not rows:
            rows = [Static("Milestones: not known yet.", classes="empty")]
        self.remove_children()
        self.mount_all(rows)

    @property
    def text(self) -> str:
        """What the bar says, as plain text (for tests and screen readers)."""
        return "\n".join(str(s.render()) for s in self.query(Static))


class ProposalTable(OptionList):
    """The proposed changes, one entry per change: aim · field, current → proposed, why, source (grade).

    Each row is a small card rather than a grid line, so the reason and the
    source are shown whole in a side panel 60 columns wide. Enter (or ``w``)
    explains the highlighted change; ``c`` copies its proposed value.
    """

    BINDINGS = [Binding("w", "why", "Why", show=False), Binding("c", "copy_one", "Copy value", show=False)]

    class WhyRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class CopyRequested(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.changes: tuple[Any, ...] = ()

    def show(self, changes: Sequence[Any]) -> None:
        self.changes = tuple(changes)
        keep = self.highlighted
        self.clear_options()
        for i, change in enumerate(self.changes):
            if i:
                self.add_option(None)  # a rule between cards
            self.add_option(Option(_card(i, change), id=f"change-{i}"))
        if self.changes:
            self.highlighted = keep if keep is not None and keep < len(self.changes) else 0

    @property
    def current_index(self) -> int | None:
        if not self.changes:
            return None
        index = self.highlighted if self.highlighted is not None else 0
        return max(0, min(index, len(self.changes) - 1))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.WhyRequested(event.option_index))

    def action_why(self) -> None:
        if self.current_index is not None:
            self.post_message(self.WhyRequested(self.current_index))

    def action_copy_one(self) -> None:
        if self.current_index is not None:
            self.post_message(self.CopyRequested(self.current_index))


def _card(index: int, change: Any) -> Content:
    """One change as three short parts: what to set, why, on whose authority."""
    now, then = change_values(change)
    why = " ".join(b.strip() for b in change.because if b.strip()) or "–"
    return Content.from_markup(
        "[b]$aim[/b] · [b]$field[/b]   [dim]$now[/dim] → [b $text-accent]$then[/]\n$why\n[dim]$source[/dim]",
        aim=change_aim(change), field=change_field(change), now=now, then=then, why=why,
        source=change_source(change, short=True),
    )


class SidePanel(VerticalScroll):
    """The record, the milestones and the proposal, stacked."""

    DEFAULT_CSS = """
    SidePanel {
        & > .panel-title {
            text-style: bold;
            color: $primary;
            margin-top: 1;
        }
        & > #record-empty, & > #proposal-empty { color: $text-muted; }
        & > RecordTable {
            height: auto;
            max-height: 14;
            & > .record--changed {
                background: $warning 35%;
                text-style: bold;
            }
            & > .record--note { text-style: dim; }
        }
        & > ProposalTable {
            height: auto;
            border: round $primary 40%;
            padding: 0;
            &:focus { border: round $primary; }
        }
        & > MilestoneBar {
            height: auto;
            & > Static { height: auto; }
            & > .milestone { padding-left: 2; }
            & > .reason { padding-left: 6; color: $text-muted; }
        }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("The record as understood so far", classes="panel-title")
        yield Static("Nothing yet: answer the questions, or paste a learner's XML (F3).", id="record-empty")
        yield RecordTable(id="record")
        yield Static("Milestones", classes="panel-title")
        yield MilestoneBar(id="milestones")
        yield Static("Proposed changes", classes="panel-title", id="proposal-title")
        yield Static("No changes proposed yet.", id="proposal-empty")
        yield ProposalTable(id="proposal")

    def on_mount(self) -> None:
        self.query_one("#record").display = False
        self.query_one("#proposal").display = False

    def show(self, learner: Learner | None, diagnosis: Diagnosis | None) -> None:
        """Refresh everything from the session's learner and diagnosis."""
        record = self.query_one(RecordTable)
        proposal = self.query_one(ProposalTable)
        changes = diagnosis.proposal.changes if diagnosis is not None else ()
        after = diagnosis.fixed if diagnosis is not None else None
        shown_learner = learner if learner is not None else (diagnosis.learner if diagnosis is not None else None)
        record.display = shown_learner is not None
        self.query_one("#record-empty").display = shown_learner is None
        if shown_learner is not None:
            record.show(shown_learner, changes, after)
        bar = self.query_one(MilestoneBar)
        if diagnosis is not None:
            bar.show(diagnosis.programmes, diagnosis.programmes_after)
        else:
            bar.show()
        proposal.display = bool(changes)
        empty = self.query_one("#proposal-empty", Static)
        empty.display = not changes
        if diagnosis is not None and not changes:
            empty.update("No changes needed: the record already says what it should."
                         if not diagnosis.proposal.questions else
                         "The proposal needs an answer or two first.")
        elif diagnosis is None:
            empty.update("No changes proposed yet.")
        proposal.show(changes)
