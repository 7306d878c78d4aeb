"""Random walks through the tree: from every entry, any answer, never an exception, never stuck.

1. Valid random answers from every entry point (and shortcut) always reach a conclusion.
2. Random, garbage and command input mixed in never crashes the session and always leaves it either
   asking a clear question or at a conclusion (or finished after `quit`).
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.dialogue.logic import programme_start
from assistant.dialogue.session import Session
from assistant.ilr.years import year_end, year_start
from assistant.dialogue.tree import load_tree
from assistant.rules.catalogue import catalogue
from tests.builders import event, learner, prog, subject
from tests.test_dialogue_helpers import to_xml

AS_OF = date(2025, 3, 31)
TREE = load_tree()
ENTRY_IDS = [e.id for e in TREE.entries + TREE.shortcuts]
CRASH = "Something went wrong inside the assistant"
RULE_IDS = sorted(catalogue())
TERMS = ["CompStatus", "Outcome 8", "ZPROG001", "Z59747", "EVI", "six-month rule", "M2", "R_138", "AchDate"]
XMLS = [
    to_xml(learner(prog(Outcome="8"), subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"), event("2025-01-10"))),
    to_xml(learner(prog(LearnStartDate="2025-09-01"), subject(LearnStartDate="2025-09-01"))),
    to_xml(learner(prog(CompStatus="3"), subject())),
    "<Learner><LearningDelivery><CompStatus>2</LearningDelivery>",
    "<LearningDelivery><LearnAimRef>ZPROG001</LearnAimRef><AimType>1</AimType><LearnStartDate>2024-13-01</LearnStartDate></LearningDelivery>",
]
GARBAGE = st.sampled_from([
    "", "   ", "?", "zzz", "42", "-1", "none", "yes", "no", "back", "why", "sources", "help", "answers",
    "change", "change start date", "change nonsense", "explain Outcome 8", "what is EVI?", "31/02/2023",
    "2/25/2023", "2030-01-01", "Z59747", "interveiw offer", "comp status", "outcome eight", "'; DROP TABLE",
    "\x00", "é" * 5, "<", "<Learner>", "R_138", "The Completion status is not valid for this Outcome",
]) | st.text(max_size=40)


def assert_sane(s: Session, out) -> None:
    assert out, "every input gets an answer"
    for m in out:
        assert CRASH not in m.text, m.text
    assert not s._walk.broken, s._walk.broken
    if s.finished:
        return
    p = s.prompt
    if p is None:
        assert s._walk.concluded, "no question and no conclusion"
    else:
        assert p.text.strip()
        if p.kind in ("choice", "confirm"):
            assert p.options, f"{p.id} offers nothing to choose"


def valid_answer(data, s: Session) -> str:
    p = s.prompt
    assert p is not None
    if p.kind in ("choice", "confirm"):
        o = data.draw(st.sampled_from(p.options))
        # "Don't know" is a valid answer at every question (not at the start menu or a "which one?").
        unknown = ["don't know"] if p.id != "entry" and ":" not in p.id else []
        return data.draw(st.sampled_from([o.value, o.label, *o.synonyms] * 3 + unknown))
    if p.kind == "date":
        # A valid date is one the checks accept: not before the programme start, not after the file date, a
        # start inside the year, a file preparation date inside the year. "Don't know" is valid everywhere.
        choices = [o.value for o in p.options] + ["don't know"]
        state = s._walk.state
        low, high = date(2021, 1, 1), min(AS_OF, state.as_of) if state else AS_OF
        start = programme_start(state) if state else None
        if p.id == "file_date" and state and state.year:
            low, high = year_start(state.year), year_end(state.year)
        elif p.id == "prog_start" and state and state.year:
            high = min(high, year_end(state.year))
        elif start is not None and p.id not in ("offer_date", "event_aim_date", "evi_date_recorded", "hgv_event_date"):
            low = start
            if p.id == "plan_end":
                high = max(high, start)
        if low > high:
            return data.draw(st.sampled_from(choices))
        day = data.draw(st.dates(min_value=low, max_value=high))
        fmt = data.draw(st.sampled_from(["%d/%m/%Y", "%Y-%m-%d", "%d %b %Y", "%d-%m-%y"]))
        return data.draw(st.sampled_from(choices + [day.strftime(fmt)] * 3))
    if p.kind == "xml":
        return data.draw(st.sampled_from(XMLS[:3]))
    if p.id == "event_aim_hgv_ref":
        return data.draw(st.sampled_from(["Z0060439", "Z0060441", "z9541", "don't know"]))
    if p.id == "subject_ref":
        return data.draw(st.sampled_from(["Z0059758", "Z0009734", "z59758", "not sure"]))
    if p.id in ("evi_code", "evi_recorded"):
        return data.draw(st.sampled_from(["4", "5", "none"]))
    if p.id == "rule_lookup":
        return data.draw(st.sampled_from(RULE_IDS))
    if p.id == "explain_lookup":
        return data.draw(st.sampled_from(TERMS))
    return "4"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_valid_answers_from_every_entry_reach_a_conclusion(data):
    entry = data.draw(st.sampled_from(ENTRY_IDS))
    year = data.draw(st.sampled_from([None, "2022-23", "2024-25", "2025-26"]))
    s = Session(year=year, as_of=data.draw(st.sampled_from([AS_OF, None])))
    s.start()
    assert_sane(s, s.start_entry(entry))
    for _ in range(80):
        if s.prompt is None:
            break
        out = s.send(valid_answer(data, s))
        assert_sane(s, out)
    assert s.prompt is None and s._walk.concluded, f"stuck at {s.prompt and s.prompt.id} from {entry}"
    assert s.transcript[-1].kind == "conclusion"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_and_garbage_input_never_breaks_the_session(data):
    s = Session(year=data.draw(st.sampled_from([None, "2024-25"])), as_of=AS_OF)
    s.start()
    if data.draw(st.booleans()):
        assert_sane(s, s.start_entry(data.draw(st.sampled_from(ENTRY_IDS))))
    for _ in range(data.draw(st.integers(1, 30))):
        kind = data.draw(st.sampled_from(["valid", "valid", "garbage", "xml", "command"]))
        if kind == "valid" and s.prompt is not None:
            text = valid_answer(data, s)
        elif kind == "xml":
            text = data.draw(st.sampled_from(XMLS))
        elif kind == "command":
            text = data.draw(st.sampled_from(["back", "why", "sources", "answers", "help", "restart", "change",
                                              "change programme outcome", "why R_138"]))
        else:
            text = data.draw(GARBAGE)
        out = s.send(text)
        assert_sane(s, out)
        assert isinstance(s.suggestions(text), list)
        assert isinstance(s.why(), str)
        if s.finished:
            break
