"""Counts over a run of `diagnose`, built one learner at a time, and how the counts are said.

The `Tally` is kept for every format (the whole-file JSON and text end with
it, ``--summary`` is nothing else, and the Markdown report is mostly counts);
it adds up `LearnerView`s, never re-reading a diagnosis. Only compact counts
(and, for the Markdown report, one short line per learner to fix) are kept,
so a whole file is never held in memory.

Personal data: learners are named only by LearnRefNumber; the counts never
carry a finding's detail text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..ilr.guard import InputError
from ..ilr.vocabulary import STATUS_ORDER, STATUS_URGENCY, aim_words
from .view import ChangeData, FileFindingData, LearnerView, field_name

MILESTONES = ("M1", "M2", "M3")
TOP_PROBLEMS = 15


@dataclass(frozen=True)
class LearnerLine:
    """One learner to fix, as the Markdown report lists it (no personal data)."""

    ref: str
    bootcamps: tuple[str, ...]
    before: dict[str, str]
    after: dict[str, str]
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    changes: int
    questions: int
    states: tuple[str, ...]

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        blocked = sum(1 for s in self.before.values() if s == "blocked")
        return (0 if self.errors else 1, -blocked, -self.changes, self.ref)


def _worst(statuses: Iterable[str]) -> str:
    """One status for a learner with several bootcamps: the most urgent wins."""
    found = list(statuses)
    return min(found, key=lambda s: STATUS_URGENCY.get(s, 9)) if found else "-"


def _by_milestone(pairs: Counter[tuple[str, str]]) -> dict[str, Counter[str]]:
    """(milestone, status) counts as one Counter per milestone, M1–M3 always present."""
    out: dict[str, Counter[str]] = {m: Counter() for m in MILESTONES}
    for (name, status), n in pairs.items():
        out.setdefault(name, Counter())[status] += n
    return out


@dataclass
class Tally:
    """Counts over a whole file, built one learner at a time."""

    keep_lines: bool = False
    learners_read: int = 0
    bootcamp_learners: int = 0
    programmes: int = 0
    learners_with_errors: int = 0
    learners_with_changes: int = 0
    learners_with_questions: int = 0
    learners_needing_attention: int = 0
    fixes_introducing_errors: int = 0
    #: (milestone, status) -> bootcamps, before and after the proposed changes (see `milestones`).
    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)
    statuses_after: Counter[tuple[str, str]] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    #: rule id -> learners it fired on; and the rule's severity and message.
    problems: Counter[str] = field(default_factory=Counter)
    problem_text: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: (aim kind, field) -> learners for whom a change to it is proposed.
    changes: Counter[tuple[str, str]] = field(default_factory=Counter)
    lines: list[LearnerLine] = field(default_factory=list)
    #: Findings about the file as a whole (R_06: a LearnRefNumber used twice), known at its end.
    file_findings: list[FileFindingData] = field(default_factory=list)

    def add(self, v: LearnerView) -> None:
        self.bootcamp_learners += 1
        self.programmes += len(v.programmes)
        if v.errors:
            self.learners_with_errors += 1
        if v.changes:
            self.learners_with_changes += 1
            for key in dict.fromkeys((aim_words(c["aim_ref"], v.aim_types.get(c["aim_seq"]), events_as_one=True), change_kind(c))
                                     for c in v.changes):
                self.changes[key] += 1
        if v.questions:
            self.learners_with_questions += 1
        if not v.verified:
            self.fixes_introducing_errors += 1
        # Counted in plain loops: Counter.update costs more than the few items a learner has.
        for counter, programmes in ((self.statuses, v.programmes), (self.statuses_after, v.programmes_after)):
            for p in programmes:
                for name, m in p["milestones"].items():
                    counter[name, m["status"]] += 1
        for state in v.states.values():
            self.states[state] += 1
        if v.findings:
            for f in v.findings:
                if f["rule"] not in self.problem_text:
                    self.problem_text[f["rule"]] = (f["severity"], f["message"])
            self.problems.update(set(v.errors) | set(v.warnings))
        if v.needs_attention:
            self.learners_needing_attention += 1
            if self.keep_lines:
                self.lines.append(LearnerLine(
                    ref=v.learn_ref,
                    bootcamps=tuple(p["con_ref"] or "(none)" for p in v.programmes),
                    before={m: _worst(p["milestones"][m]["status"] for p in v.programmes if m in p["milestones"])
                            for m in MILESTONES},
                    after={m: _worst(p["milestones"][m]["status"] for p in v.programmes_after
                                     if m in p["milestones"]) for m in MILESTONES},
                    errors=v.errors, warnings=v.warnings,
                    changes=len(v.changes), questions=len(v.questions),
                    states=tuple(dict.fromkeys(v.states.values())),
                ))

    @property
    def milestones(self) -> dict[str, Counter[str]]:
        """Status -> bootcamps, per milestone, as the record stands."""
        return _by_milestone(self.statuses)

    @property
    def milestones_after(self) -> dict[str, Counter[str]]:
        """The same with the proposed changes made."""
        return _by_milestone(self.statuses_after)

    @property
    def learners_to_fix(self) -> int:
        return self.learners_needing_attention

    def as_json(self) -> dict[str, Any]:
        return {
            "learners_checked": self.learners_read,
            "bootcamp_learners": self.bootcamp_learners,
            "bootcamps": self.programmes,
            "learners_with_errors": self.learners_with_errors,
            "learners_to_fix": self.learners_to_fix,
            "learners_with_changes": self.learners_with_changes,
            "learners_with_questions": self.learners_with_questions,
            "learners_whose_changes_would_add_an_error": self.fixes_introducing_errors,
            "milestones": {m: ordered(c) for m, c in self.milestones.items()},
            "milestones_after_changes": {m: ordered(c) for m, c in self.milestones_after.items()},
            "states": dict(self.states.most_common()),
            "problems": [{"rule": r, "severity": self.problem_text[r][0], "message": self.problem_text[r][1],
                          "learners": n} for r, n in self.top_problems(None)],
            "file_findings": len(self.file_findings),
        }

    def top_problems(self, limit: int | None = TOP_PROBLEMS) -> list[tuple[str, int]]:
        order = {"error": 0, "warning": 1, "advice": 2}
        ranked = sorted(self.problems.items(),
                        key=lambda kv: (-kv[1], order.get(self.problem_text[kv[0]][0], 3), kv[0]))
        return ranked if limit is None else ranked[:limit]

    def top_changes(self, limit: int = TOP_PROBLEMS) -> list[tuple[tuple[str, str], int]]:
        """The changes proposed most often; ties in the order first proposed."""
        return self.changes.most_common(limit)


def ordered(counter: Counter[str]) -> dict[str, int]:
    """Statuses in the vocabulary's order, then any other."""
    known = [s for s in STATUS_ORDER if counter.get(s)]
    other = sorted(s for s in counter if s not in STATUS_ORDER)
    return {s: counter[s] for s in known + other}


def change_kind(c: ChangeData) -> str:
    """What a change does, as the counts group it: a field (with its FAM type), or adding or removing an aim."""
    if c["field"] == "LearningDelivery":
        return "add aim" if c["from"] is None else "remove aim"
    return field_name(c)


# -- the counts in words ---------------------------------------------------------------------

def error_json(error: InputError, tally: Tally) -> dict[str, Any]:
    return {"message": error.message, "line": error.line, "column": error.column, "hint": error.hint,
            "learners_read_before_error": tally.learners_read}


def _status_text(counter: Counter[str]) -> str:
    items = ordered(counter)
    return ", ".join(f"{s} {n:,}" for s, n in items.items()) or "none"


def summary_rows(tally: Tally) -> list[tuple[str, int]]:
    rows = [
        ("learners checked", tally.learners_read),
        ("bootcamp learners", tally.bootcamp_learners),
        ("bootcamps (programmes)", tally.programmes),
        ("learners with validation errors", tally.learners_with_errors),
        ("learners to fix", tally.learners_to_fix),
        ("learners with changes proposed", tally.learners_with_changes),
        ("learners with questions to answer", tally.learners_with_questions),
        ("findings about the whole file", len(tally.file_findings)),
    ]
    milestones = tally.milestones
    for m in MILESTONES:
        for status, n in ordered(milestones[m]).items():
            rows.append((f"{m} {status}", n))
    return rows


def summary_text(tally: Tally, error: InputError | None) -> str:
    lines = [
        f"Learners checked: {tally.learners_read:,}",
        f"Bootcamp learners: {tally.bootcamp_learners:,} ({tally.programmes:,} bootcamp"
        f"{'s' if tally.programmes != 1 else ''})",
        f"Learners with validation errors: {tally.learners_with_errors:,}",
        f"Learners to fix: {tally.learners_to_fix:,} ({tally.learners_with_changes:,} with changes proposed, "
        f"{tally.learners_with_questions:,} with questions to answer)",
    ]
    before, after = tally.milestones, tally.milestones_after
    for m in MILESTONES:
        lines.append(f"{m}: {_status_text(before[m])}"
                     + (f"  (after the proposed changes: {_status_text(after[m])})"
                        if tally.learners_with_changes else ""))
    if tally.file_findings:
        lines.append(f"Findings about the whole file: {len(tally.file_findings):,} "
                     f"({', '.join(sorted({f['rule'] for f in tally.file_findings}))})")
    if error is not None:
        lines.append(error_sentence(error, tally))
    return "\n".join(lines)


def error_sentence(error: InputError, tally: Tally) -> str:
    """The error, where it is, and that the learners before it were checked (said once)."""
    where = f"line {error.line}" + (f", column {error.column}" if error.column else "") if error.line else "the file"
    text = f"READING STOPPED at {where}: {error.message}. The rest of the file was not read."
    if "before this point" not in error.hint:
        text += f" The {tally.learners_read:,} learners before it were checked."
    if error.hint:
        text += f" {error.hint.rstrip('.')}."
    return text
