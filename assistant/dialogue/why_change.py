"""'Why the 20th and not the 30th?', 'why Outcome 8?': the reason for the proposed change the words point at;
'is that official?': each proposed change with its evidence grade.

After a conclusion a data officer asks about one value, in their own words: a day of the month, a date, a
field ("the end date", "the status") or a code. The change whose field or new value the words name is
explained with its reason, its rules and its sources with their grades — never a change the words do not
point at (None: the caller says what it could not find).
"""

from __future__ import annotations

import re
from typing import Any

from .render import GRADE_WORDS, rule_lines, source_line

#: Everyday names for the fields a proposal changes.
_ALIASES = {
    "LearnActEndDate": ("end date", "actual end", "learnactenddate", "end"),
    "CompStatus": ("compstatus", "completion status", "status", "cs"),
    "Outcome": ("outcome",),
    "AchDate": ("achdate", "achievement date", "ach date"),
    "WithdrawReason": ("withdrawreason", "withdrawal reason", "reason"),
    "LearnStartDate": ("start date", "start", "learnstartdate"),
    "LearnPlanEndDate": ("planned end", "plan end", "learnplanenddate"),
    "LearningDeliveryFAM": ("fam", "evi", "event indicator", "sof", "ffi"),
    "LearningDelivery": ("event aim", "new aim", "aim"),
}
_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _score(change: Any, text: str) -> int:
    words = f" {re.sub(r'[^a-z0-9-]+', ' ', text.lower())} "
    score = 0
    if any(f" {a} " in words for a in _ALIASES.get(change.field, (change.field.lower(),))):
        score += 2
    to = str(change.to) if change.to is not None else ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", to):
        days = {int(d) for d in _DAY.findall(text)}
        if to in _ISO.findall(text) or int(to[8:]) in days:
            score += 2
    elif to and f" {to.lower()} " in words:
        score += 1
    return score


def why_change(diagnosis: Any, text: str) -> str | None:
    """The reasons for the proposed changes ``text`` points at, or None."""
    changes = list(diagnosis.proposal.changes) if diagnosis is not None else []
    scored = [(c, _score(c, text)) for c in changes]
    best = max((s for _, s in scored), default=0)
    if best < 2:
        return None
    parts = []
    for c, s in scored:
        if s != best:
            continue
        to = "nothing (leave it empty)" if c.to is None else (c.to if isinstance(c.to, str) else str(c.to))
        field = c.field + (f" {c.fam_type}" if c.fam_type else "")
        lines = [f"**Why aim {c.aim_seq} ({c.aim_ref}) {field}: record {to}**", "; ".join(c.because) + f" — *{c.grade}*"]
        if c.rules:
            lines.append("**Rules:**\n\n" + "\n".join(rule_lines(c.rules)))
        if c.sources:
            lines.append("**Sources:**\n\n" + "\n".join(source_line(src) for src in c.sources))
        parts.append("\n\n".join(lines))
    return "\n\n".join(parts)


def grades_text(c: Any) -> str:
    """ "is that official?": each proposed change with its evidence grade, official or not, said plainly."""
    dg = c.diagnosis if c is not None else None
    if dg is None or not dg.proposal.changes:
        return ("Nothing is proposed yet, so there is nothing to grade. Every change I propose carries one of these "
                "grades: " + "; ".join(GRADE_WORDS.values()) + ". Type `sources` for the evidence.")
    lines = []
    for ch in dg.proposal.changes:
        name = f"{ch.field} {ch.fam_type}" if ch.field == "LearningDeliveryFAM" else ch.field
        word = GRADE_WORDS.get(ch.grade, ch.grade)
        to = ch.to
        value = "(removed)" if to is None else (f"{to.get('code')} from {to.get('date_from')}" if isinstance(to, dict)
                                                 and to.get("date_from") else str(to.get("code") if isinstance(to, dict)
                                                                                    else to))
        lines.append(f"- Aim {ch.aim_seq} {name} → {value}: *{word}*" + ("" if ch.grade == "official" else
                                                                          " — not official"))
    official = sum(1 for ch in dg.proposal.changes if ch.grade == "official")
    head = ("All of it rests on DfE/ESFA's own pages." if official == len(dg.proposal.changes) else
            "Not all of it: each change below says how sure it is (official means DfE/ESFA's own pages or rules).")
    return f"{head}\n\n" + "\n".join(lines) + "\n\nType `sources` for the evidence, `why` for the reasoning."
