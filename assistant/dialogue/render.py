"""Turning what the session knows into Markdown: conclusions, proposals, why, sources.

Every conclusion names its rules (with the official message) and its sources
with their evidence grade, so a reader can always tell "DfE says" from "two
providers confirmed" from "our reading".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from ..ilr.model import Learner, format_value
from ..ilr.vocabulary import METHOD_WORDS, STATUS_WORDS, aim_words, fam_words, field_words
from ..rules.base import Source, add_months
from ..rules.catalogue import catalogue
from ..rules.catalogue import sources as all_sources
from .logic import RENDERERS, Rendered, learning_end, renderer
from .matching import Candidate, match
from .questions import question_blocks
from .state import QA_CON_REF, UNKNOWN, State, role_aim
from .walk import Walk, diagnose, fill

if TYPE_CHECKING:
    from ..advice.engine import Diagnosis
    from .tree import Node, Tree
    from .walk import Step

GRADE_WORDS = {
    "official": "official (DfE/ESFA)",
    "forum-confirmed": "forum-confirmed (what providers reported on the DfE forum)",
    "vendor": "vendor (an MIS supplier's reading)",
    "inference": "inference (our own reading; not confirmed by DfE)",
}


def _v(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return fam_words(value.get("code"), value.get("date_from"))
    return format_value(value) or "(none)"


def aim_heading(d: Diagnosis, seq: int, ref: str) -> str:
    """"Aim 3 — Z0059747 (event aim: interview offer):" over an aim's changes; "new …" when the changes add the aim."""
    aim = d.learner.delivery(seq)
    added = aim is None
    if added:  # an aim the changes add: what it is, as the changed record holds it
        aim = d.fixed.delivery(seq)
    role = ("new " if added else "") + aim_words(ref, aim.aim_type if aim is not None else None)
    return f"Aim {seq} — {ref} ({role}):"


def source_line(s: Source) -> str:
    where = f" <{s.url}>" if s.url else ""
    return f"- {s.title} — *{GRADE_WORDS.get(s.grade, s.grade)}*{where}"


def sources_for(ids: Iterable[str]) -> list[Source]:
    known = all_sources()
    out: list[Source] = []
    for sid in ids:
        if sid in known and known[sid] not in out:
            out.append(known[sid])
    return out


def rule_lines(rule_ids: Iterable[str]) -> list[str]:
    texts = catalogue()
    out = []
    for rid in dict.fromkeys(rule_ids):
        t = texts.get(rid)
        if t is not None:
            out.append(f"- **{rid}** ({t.severity}): “{t.message}”")
    return out


#: Aims listed in the conversation. A learner has a handful; thousands (a broken export) would make a
#: message nobody reads and that a terminal takes tens of seconds to lay out.
MAX_TABLE_AIMS = 40
#: Unreadable values listed, for the same reason.
MAX_TABLE_PROBLEMS = 20


def record_table(learner: Learner) -> str:
    """The aims as read, one row each (dates ISO, as the XML holds them); a very long record is cut short, saying so."""
    rows = ["| Aim | LearnAimRef | AimType | Start | Planned end | Actual end | CompStatus | Outcome | AchDate | FAMs |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for d in learner.deliveries[:MAX_TABLE_AIMS]:
        fams = ", ".join(fam_words(f.code, f.date_from, f.type) for f in d.fams) or "(none)"
        rows.append("| " + " | ".join([
            d.aim_seq or "?", d.learn_aim_ref or "?", d.aim_type or "?", _v(d.learn_start_date), _v(d.learn_plan_end_date),
            _v(d.learn_act_end_date), _v(d.comp_status), _v(d.outcome), _v(d.ach_date), fams]) + " |")
    problems = [f"- aim {d.aim_seq or '?'}: {field} — {why}" for d in learner.deliveries for field, why in d.problems.items()]
    text = "\n".join(rows)
    hidden = len(learner.deliveries) - MAX_TABLE_AIMS
    if hidden > 0:
        text += (f"\n\nThis learner has {len(learner.deliveries):,} aims; the first {MAX_TABLE_AIMS} are listed, "
                 f"not the other {hidden:,}. All of them are checked.")
    if problems:
        text += "\n\nValues I could not read:\n" + "\n".join(problems[:MAX_TABLE_PROBLEMS])
        if len(problems) > MAX_TABLE_PROBLEMS:
            text += f"\n- … and {len(problems) - MAX_TABLE_PROBLEMS:,} more"
    return text


def _milestone_lines(programmes: list[Any], focus: str | None) -> list[str]:
    out = []
    for ps in programmes:
        name = "The bootcamp" if ps.con_ref == QA_CON_REF else f"Bootcamp {ps.con_ref or '(no ConRefNumber)'}"
        head = f"{name} — {METHOD_WORDS[ps.method]}" if ps.start else name  # no start: the method is not known
        out.append(f"- {head}:")
        for name in ("M1", "M2", "M3"):
            st = ps.milestones.get(name)
            if st is None:
                continue
            mark = "**" if name == focus else ""
            reasons = "; ".join(st.reasons)
            out.append(f"  - {mark}{name}: {STATUS_WORDS.get(st.status, st.status)}{mark} — {reasons} "
                       f"(*{st.evidence}*)")
    return out


def six_month_window(state: State) -> str:
    """Today's position against the six months after the end of learning (the PSM six-month rule, AchDate_13)."""
    from .dates import say

    if state.facts.withdrawn_date or state.facts.break_date:
        return ""
    end = learning_end(state)
    if end is None:
        return ""
    what = f"the learning ended {say(end)}"
    if state.facts.event not in (None, "none") and state.facts.event_date is not None:
        # after an event the window that decides is AchDate_13's, from the programme's end (learning and event)
        prog = role_aim(state.learner, "programme")
        recorded = prog.learn_act_end_date if prog is not None and prog.comp_status == "2" else None
        end = max(d for d in (end, state.facts.event_date, recorded) if d is not None)
        what = f"the programme ends {say(end)} (the learning and the event)"
    limit = add_months(end, 6)
    if state.as_of <= limit:
        where = "still inside it"
    else:
        where = ("past it: with no positive outcome by then, the programme aim is closed with Outcome 3 (the "
                 "six-month rule); an AchDate can be no later than six months after the programme aim's own "
                 "LearnActEndDate (AchDate_13)")
    now = (f"On the file preparation date ({say(state.as_of)}) it is" if state.as_of_given
           else f"Today ({say(state.as_of)}) is")
    return f"**Six-month window:** {what}; six months later is {say(limit)}. {now} {where}."


def unknown_text(state: State) -> str:
    """The facts the user said they don't know, each with what it would change (the question's `why`)."""
    unknown = state.notes.get("unknown") or {}
    if not unknown:
        return ""
    lines = [f"- {n.title}: {fill(n.why, state) if n.why else 'it is part of this path'}" for n in unknown.values()]
    return ("**Not known** (you said you don't know; I have not guessed them, and the changes below only hold what "
            "does not depend on them):\n\n" + "\n".join(lines))


def unknown_fields(state: State) -> set[tuple[int, str]]:
    """(aim, field) pairs the user said they don't know: what the record shows there is not what is recorded."""
    from .state import role_aim

    out: set[tuple[int, str]] = set()
    for node in (state.notes.get("unknown") or {}).values():
        for target in node.all_targets():
            head, _, rest = target.partition(".")
            if head in ("programme", "subject", "event") and not rest.startswith("fam."):
                aim = role_aim(state.learner, head)
                if aim is not None and aim.seq is not None:
                    out.add((aim.seq, rest))
    return out


@renderer("proposal")
def proposal_text(state: State) -> Rendered:
    """The engine's proposal as a data manager reads it: per aim, field, now → record, why, source."""
    d = state.notes.get("diagnosis")
    if d is None:
        _, why = diagnose(state)
        return Rendered(why or "There is nothing to check yet.")
    p = d.proposal
    unknown = unknown_fields(state)
    # A change on an aim with an unknown field may rest on it (an Outcome cleared because the aim looks
    # continuing): every change on that aim waits for the answer.
    # An unknown start taints every aim: it decides event aims or EVI (R_152, R_154) and R_150's dates.
    tainted = {c.aim_seq for c in p.changes} if any(f == "LearnStartDate" for _, f in unknown) else {s for s, _ in unknown}
    held_back = [c for c in p.changes if c.aim_seq in tainted]
    changes = [c for c in p.changes if c.aim_seq not in tainted]
    parts: list[str] = []
    rules: list[str] = []
    srcs: list[str] = []
    if p.states:
        parts.append("**Where the learner is:** " + "; ".join(
            (f"{s}" if len(p.states) == 1 else f"{con}: {s}") for con, s in p.states.items()) + ".")
    if p.explanations:
        parts.append("**What I found**\n\n" + "\n".join(f"- {e}" for e in p.explanations))
    errors = [f for f in d.findings if f.is_error and (f.aim_seq, f.field) not in unknown]
    if errors:
        lines = [f"- {f.rule} on aim {f.aim_seq if f.aim_seq is not None else '(learner)'}: “{f.message}” — {f.detail}"
                 for f in errors]
        parts.append("**Validation errors in the record now** (a learner with any error is not funded at all):\n\n"
                     + "\n".join(lines))
        rules += [f.rule for f in errors]
    window = six_month_window(state)
    if window:
        parts.append(window)
    not_known = unknown_text(state)
    if not_known:
        if held_back:
            not_known += ("\n\nSo I have left out what depends on them: "
                          + "; ".join(f"aim {seq} ({', '.join(dict.fromkeys(c.field for c in held_back if c.aim_seq == seq))})"
                                      for seq in dict.fromkeys(c.aim_seq for c in held_back))
                          + ". Look these up in your MIS and answer them (`change <question>`) to finish the proposal. "
                          "The milestones below read what is not known as blank.")
        parts.append(not_known)
    if d.programmes:
        parts.append("**Milestones as the record stands**\n\n" + "\n".join(_milestone_lines(d.programmes, state.focus)))
    if changes:
        by_aim: dict[int, list[Any]] = {}
        for c in changes:
            by_aim.setdefault(c.aim_seq, []).append(c)
        blocks = []
        for seq, changes in by_aim.items():
            ref = changes[0].aim_ref
            rows = ["| Field | Now | Record | Why | Evidence |", "|---|---|---|---|---|"]
            last: tuple[str, str] | None = None
            for c in changes:
                name = field_words(c.field, c.fam_type) if c.field != "LearningDelivery" else "(the aim itself)"
                now = "(no aim)" if c.field == "LearningDelivery" and c.from_ is None else _v(c.from_)
                to = ("remove the aim" if c.field == "LearningDelivery" else "nothing (leave it empty)") if c.to is None else _v(c.to)
                if c.field == "ConRefNumber" and c.to == QA_CON_REF:
                    to = "the programme aim's ConRefNumber"
                why = "; ".join(b.rstrip(".") for b in c.because)
                if c.rules:
                    why += f" ({', '.join(c.rules)})"
                src = f"{c.grade}: " + (", ".join(s.id for s in c.sources) or "—")
                shown_why, shown_src = ("as above", "as above") if (why, src) == last else (why, src)
                last = (why, src)
                rows.append(f"| {name} | {now} | **{to}** | {shown_why} | {shown_src} |")
                rules += list(c.rules)
                srcs += [s.id for s in c.sources]
            blocks.append(aim_heading(d, seq, ref) + "\n\n" + "\n".join(rows))
        parts.append("**What to record**\n\n" + "\n\n".join(blocks))
    else:
        parts.append("**What to record:** " + ("nothing yet: every change waits for what is not known (above)."
                                                 if held_back else "nothing needs to change on what I know."))
    parts += question_blocks(d, state, unknown)
    if changes and d.programmes_after:
        after = _milestone_lines(d.programmes_after, state.focus)
        parts.append("**After these changes**\n\n" + "\n".join(after))
    if d.introduced:
        parts.append("**Not verified:** making these changes as they stand would add " + ", ".join(d.introduced_rules)
                     + ". Do not make them as they are: a person must check the record first.")
    elif changes and held_back:
        parts.append("I re-checked the record with these changes and the ones left out together: they add no "
                     "validation errors. Without the ones left out, it is not finished.")
    elif changes:
        parts.append("I re-checked the record with these changes: they add no validation errors.")
    return Rendered("\n\n".join(parts), tuple(dict.fromkeys(rules)), tuple(dict.fromkeys(srcs)))


def _conclusion_parts(tree: Tree, w: Walk) -> tuple[str, list[str], list[Source]]:
    node = w.current
    assert node is not None
    state = w.state
    if state is not None and w.diagnosis is not None:
        state.notes["diagnosis"] = w.diagnosis
    body = fill(node.text, state) if node.text and state else node.text
    rules = list(node.rules)
    srcs = list(node.sources)
    if node.render and state is not None:
        r = RENDERERS[node.render](state)
        body = "\n\n".join(x for x in (body, r.text) if x)
        rules += list(r.rules)
        srcs += list(r.sources)
    found = sources_for(srcs)
    # Rule pages cited by changes ("page:R_138") are not in sources.yaml; the rule list names them.
    return body, list(dict.fromkeys(rules)), found


def conclusion_text(tree: Tree, w: Walk) -> str:
    node = w.current
    assert node is not None
    body, rules, found = _conclusion_parts(tree, w)
    parts = [f"## {node.title}", body]
    # A rendered explanation may already quote its rule and sources: don't say them twice.
    lines = [ln for ln in rule_lines(rules) if ln.split("“", 1)[-1].rstrip("”") not in body]
    found = [] if "**Sources:**" in body else found
    if lines:
        parts.append("**Rules:**\n\n" + "\n".join(lines))
    if found:
        parts.append("**Sources:**\n\n" + "\n".join(source_line(s) for s in found))
    parts.append(fill(node.next_steps, w.state) if w.state and node.next_steps else node.next_steps)
    # why/sources/change speak of answers; after a look-up, or a how-to with none, its next steps say it all
    if node.render not in {"term", "rule"} and (not node.next_steps or any(s.how == "answered" for s in w.steps)):
        parts.append(tree.messages["conclusion_next"])
    return "\n\n".join(p for p in parts if p)


def shown_value(node: Node, value: str | None) -> str:
    """An answer as the user reads it: the option's label, a UK date, or the text."""
    from ..ilr.model import ValueProblem, parse_iso_date
    from .dates import say

    if value is None:
        return "(none)"
    if value == UNKNOWN:
        return "not known (you said you don't know)"
    opt = node.option(value)
    if opt is not None:
        return str(opt.label)
    if node.qkind == "date" and value != "none":
        try:
            return say(parse_iso_date(value))
        except ValueProblem:
            return value
    if node.qkind == "xml":
        return "(pasted XML)"
    return value


def how_known(step: Step, state: State | None) -> str:
    if step.how == "known":
        if step.node.targets and step.node.targets[0].startswith("session."):
            return "given when the chat started" if not (state and state.base) else "from the pasted record or the start"
        if step.node.targets and step.node.targets[0].startswith("facts."):
            return "from an earlier answer"
        return "from the pasted record"
    words = {"answered": "you said", "preset": "from how you started", "inferred": "worked out from the record"}
    return words.get(step.how, str(step.how))


def _facts_used(w: Walk) -> list[str]:
    out = []
    for s in w.steps:
        if s.node.kind != "question":
            continue
        out.append(f"- {s.node.title}: {shown_value(s.node, s.value)} ({how_known(s, w.state)}"
                   f"{': ' + s.note if s.note else ''})")
    return out


def why_text(tree: Tree, w: Walk, last: Walk | None, target: str | None) -> str:
    if target:
        from ..rules.catalogue import find_rule

        if find_rule(target) is not None:
            from ..explain import explain

            return explain(target)
        steps = [s for s in w.steps if s.node.kind == "question"]
        cands = [Candidate(s.node.id, s.node.title, (s.node.id,)) for s in steps]
        m = match(target, cands, threshold=70)
        if m.one is not None:
            s = next(s for s in steps if s.node.id == m.one.key)
            text = f"**Why I asked: {s.node.title}**\n\n{s.node.why or s.node.help or 'It is part of this path.'}"
            if s.note:
                text += f"\n\nI did not need to ask: {s.note}."
            return text
        return f"I couldn't find '{target}' among the questions so far or the rules. Type `why` on its own for the current step."
    node = w.current
    if node is not None and node.kind == "question":
        text = f"**Why I ask: {node.title}**\n\n{fill(node.why, w.state) if node.why else node.help or 'It is the next thing the proposal depends on.'}"
        if node.rules:
            text += "\n\n**Rules:**\n\n" + "\n".join(rule_lines(node.rules))
        if node.sources:
            text += "\n\n**Sources:**\n\n" + "\n".join(source_line(s) for s in sources_for(node.sources))
        used = _facts_used(w)
        if used:
            text += "\n\n**What I know so far:**\n\n" + "\n".join(used)
        return text
    c = w if w.concluded else last
    if c is None or c.current is None:
        return "Nothing to explain yet: choose where to start, and ask `why` at any question."
    body, rules, found = _conclusion_parts(tree, c)
    parts = [f"**Why: {c.current.title}**"]
    used = _facts_used(c)
    if used:
        parts.append("**Facts used:**\n\n" + "\n".join(used))
    if c.diagnosis is not None:
        becauses = []
        for ch in c.diagnosis.proposal.changes:
            becauses.append(f"- aim {ch.aim_seq} {field_words(ch.field, ch.fam_type)}: "
                            f"{'; '.join(ch.because)} — *{ch.grade}*")
        if becauses:
            parts.append("**Each change rests on:**\n\n" + "\n".join(becauses))
    if rules:
        parts.append("**Rules:**\n\n" + "\n".join(rule_lines(rules)))
    if found:
        parts.append("**Sources:**\n\n" + "\n".join(source_line(s) for s in found))
    return "\n\n".join(parts)


def sources_text(tree: Tree, w: Walk, last: Walk | None) -> str:
    node = w.current
    found: list[Source] = []
    if node is not None and node.kind == "question":
        found = sources_for(node.sources)
    c = w if w.concluded else last
    if c is not None and c.current is not None:
        _, _, more = _conclusion_parts(tree, c)
        found += [s for s in more if s not in found]
    if not found:
        return ("No sources cited yet. Every conclusion lists its sources with a grade: " +
                "; ".join(GRADE_WORDS.values()) + ".")
    return "**Sources:**\n\n" + "\n".join(source_line(s) for s in found)
