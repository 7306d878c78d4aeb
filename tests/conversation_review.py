"""The replay harness every blind conversation batch shares (tests/test_dialogue_review7.py to review10.py).

A batch is a YAML file of conversations (what a data officer types, turn by turn, with what an expert expects
at each turn) and pastes. `replay` sends each turn through the same Session the faces use and checks, at every
turn, what the expert expects of it and the four promises; what a batch expects of the conclusion is its own
`check_diagnosis`, because each batch's expectations grew their own keys.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

import yaml

from assistant.dialogue.session import Session
from tests.promises import events_lost, stops_short

HERE = Path(__file__).parent / "fixtures" / "review"
GRADES = {"official", "forum-confirmed", "vendor", "inference"}


def load(name: str) -> tuple[dict, dict]:
    """A batch's conversations and pastes."""
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return data["conversations"], data["pastes"]


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def prompt_id(s: Session) -> str | None:
    return s.prompt.id if s.prompt is not None else None


def text_of(messages) -> str:
    return "\n".join(m.text for m in messages)


def concluded(s: Session) -> bool:
    return any(m.kind == "conclusion" for m in s.transcript[-5:])


def check_turn(cid: str, i: int, turn: dict, s: Session, before: str | None, reply: str, n_before: int) -> None:
    """What every turn must show: a reply, never stopping short, the question and words the expert expects."""
    where = f"{cid} turn {i + 1} ({turn.get('say', turn.get('xml'))!r})"
    low = reply.lower()
    assert reply.strip(), f"{where}: no reply"
    # Never stop short: after every turn there is a question to answer or a conclusion (an aside after a
    # conclusion, such as `why`, leaves that conclusion standing).
    assert s.prompt is not None or s.finished or any(m.kind == "conclusion" for m in s.transcript), (where, reply[-400:])
    want = turn.get("asks")
    if want is not None:
        got = prompt_id(s)
        if want == "same":
            assert got == before, (where, f"asked {got}, expected {before} again", reply[-600:])
        else:
            assert got is not None and got.startswith(want), (where, f"asked {got}, expected {want}", reply[-600:])
    for words in turn.get("says") or ():
        assert words.lower() in low, (where, words, reply[-1500:])
    if turn.get("says_any"):
        assert any(w.lower() in low for w in turn["says_any"]), (where, turn["says_any"], reply[-1500:])
    for words in turn.get("not_says") or ():
        assert words.lower() not in low, (where, words, reply[-1500:])
    if turn.get("concluded"):
        assert concluded(s), (where, reply[-600:])
    if turn.get("not_concluded"):
        assert not any(m.kind == "conclusion" for m in s.transcript[n_before:]), (where, reply[-800:])
    if turn.get("not_asks"):
        assert not (prompt_id(s) or "").startswith(turn["not_asks"]), (where, prompt_id(s), reply[-800:])


def check_promises(cid: str, s: Session) -> None:
    dg = s.diagnosis
    if dg is None:
        return
    assert dg.verified, (cid, dg.introduced_rules)
    assert stops_short(dg) == [], cid
    assert events_lost(dg) == [], cid
    for c in dg.proposal.changes:
        # Every proposed value carries a reason and a source, graded; an 'official' change rests on an official source.
        assert c.because and any(b.strip() for b in c.because), (cid, c)
        assert c.sources, (cid, c)
        assert c.grade in GRADES, (cid, c.grade)
        if c.grade == "official":
            assert any(src.grade == "official" for src in c.sources), (cid, c, [x.grade for x in c.sources])


def auto_answer(cid: str, answers: dict, s: Session) -> str:
    """Answer whatever is asked until a conclusion: a reading offered for a yes gets 'yes'; others from the map."""
    final = ""
    for _ in range(25):
        if s.prompt is None:
            break
        pid = s.prompt.id
        typed = next((v for k, v in answers.items() if pid.startswith(k)), None)
        if typed is None and pid.endswith(":date"):
            typed = "yes"
        assert typed is not None, (cid, f"asked {pid} with no expert answer", s.prompt.text[-800:])
        before, n = pid, len(s.transcript)
        reply = text_of(s.send(typed))
        final = reply
        check_turn(cid, 99, {"say": typed}, s, before, reply, n)
        check_promises(cid, s)
    return final


def replay(cid: str, conv: dict, pastes: dict, check_diagnosis: Callable[[str, dict, Session, str], None]) -> Session:
    """Send each turn (a turn with `if_asked` only when that question is asked), then answer an `auto` map's
    questions until a conclusion, checking every turn; then the batch's own checks of the conclusion."""
    s = Session(year=str(conv["year"]) if conv.get("year") else None, as_of=as_date(conv["as_of"]))
    s.start()
    final = ""
    for i, turn in enumerate(conv["turns"]):
        if turn.get("if_asked") and not (prompt_id(s) or "").startswith(turn["if_asked"]):
            continue
        before, n = prompt_id(s), len(s.transcript)
        typed = pastes[turn["xml"]] if "xml" in turn else str(turn["say"])
        reply = text_of(s.send(typed))
        final = reply
        check_turn(cid, i, turn, s, before, reply, n)
        check_promises(cid, s)
    if "auto" in conv:
        final = auto_answer(cid, conv["auto"] or {}, s) or final
    check_diagnosis(cid, conv.get("expect") or {}, s, final)
    return s
