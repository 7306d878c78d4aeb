"""Sixth blind review of the conversation (review10): `tests/fixtures/review/conversations10.yaml`, written from
the sources before the tool ran on them. Covered: 2025-26 event-indicator (EVI) learners answered in words — an
EVI code the user does not know, an offer made before the programme started, an EVI on the subject aim
(LearnDelFamType_133), a job seven months after the end (AchDate_13), M1 on a local-authority XSB- contract, M1
for a learner still in learning, a start moved from 2025 to 2024 late in the conversation, "is that official?".

The turn checks and the four promises are review7's; `auto` (answer what is asked until the conclusion) is
review8's, repeated here; added: `no_changes`, `evi_code_not_invented`, `says`, `grades_if_changed`.
"""

from __future__ import annotations


import pytest

from assistant.dialogue.session import Session
from tests.conversation_review import as_date, load, prompt_id, replay, text_of
from tests.test_review_corpus import change_map, statuses

CONVERSATIONS, PASTES = load("conversations10.yaml")


def _check_diagnosis(cid: str, want: dict, s: Session, final: str) -> None:
    dg = s.diagnosis
    why = f"{cid}: {CONVERSATIONS[cid]['story'][:200]}"
    assert dg is not None, (why, final[-800:])
    got = change_map(dg)
    msg = (why, got, [q.id for q in dg.proposal.questions])
    if want.get("state"):
        assert set(dg.proposal.states.values()) == {want["state"]}, (msg, dg.proposal.states)
    if want.get("start"):
        assert s.learner.delivery(1).learn_start_date == as_date(want["start"]), msg
    if want.get("no_changes"):
        assert got == {}, msg
    for key, value in (want.get("changes") or {}).items():
        assert got.get(key) == str(value), (msg, key, value)
    for key in want.get("unchanged") or ():
        assert key not in got, (msg, key)
    for key, value in (want.get("not_to") or {}).items():
        assert got.get(key) != str(value), (msg, key, value)
    if want.get("no_new_aims"):
        assert not [k for k in got if k.endswith(".LearningDelivery")], msg
    if want.get("evi_code_not_invented"):
        for c in dg.proposal.changes:
            if c.field == "LearningDeliveryFAM" and c.fam_type == "EVI" and c.to is not None:
                assert not str(c.to.get("code", "")).strip().isdigit(), (msg, c.to)
    after = statuses(dg.programmes_after)
    for name, status in (want.get("after") or {}).items():
        assert after[name] == status, (msg, name, dg.programmes_after[0].milestones[name])
    for name, status in (want.get("after_not") or {}).items():
        assert after[name] != status, (msg, name, dg.programmes_after[0].milestones[name])
    errors = {f.rule for f in dg.findings if f.is_error}
    assert set(want.get("errors") or ()) <= errors, (msg, errors)
    grades = {f"{c.aim_seq}.{c.field}": c.grade for c in dg.proposal.changes}
    for key, grade in (want.get("grades") or {}).items():
        assert grades.get(key) == grade, (msg, key, grades.get(key))
    for key, grade in (want.get("grades_if_changed") or {}).items():
        assert key not in grades or grades[key] == grade, (msg, key, grades.get(key))
    conclusion = next((m.text for m in reversed(s.transcript) if m.kind == "conclusion"), final)
    low = conclusion.lower()
    for words in want.get("says") or ():
        assert words.lower() in low, (msg, words, conclusion[-2500:])
    if want.get("says_any"):
        assert any(w.lower() in low for w in want["says_any"]), (msg, want["says_any"], conclusion[-2500:])


def run(cid: str) -> Session:
    return replay(cid, CONVERSATIONS[cid], PASTES, _check_diagnosis)


def test_the_batch_is_the_size_the_brief_asks():
    assert 7 <= len(CONVERSATIONS) <= 10
    assert all(c.get("story") and c.get("turns") for c in CONVERSATIONS.values())


@pytest.mark.parametrize("cid", sorted(CONVERSATIONS))
def test_the_conversation_goes_as_the_expert_expects(cid: str):
    run(cid)


# -- what the first run found (each test failed before its fix) --------------------------------------------------

def _until_concluded(cid: str) -> Session:
    conv = CONVERSATIONS[cid]
    s = Session(year=str(conv["year"]), as_of=as_date(conv["as_of"]))
    s.start()
    for turn in conv["turns"]:
        if turn.get("if_asked") and not (prompt_id(s) or "").startswith(turn["if_asked"]):
            continue
        s.send(PASTES[turn["xml"]] if "xml" in turn else str(turn["say"]))
        if turn.get("concluded"):
            break
    assert s.prompt is None and s.diagnosis is not None
    return s


@pytest.mark.parametrize("asked", ["is that official?", "Is this official", "is that official guidance?",
                                   "is that confirmed by DfE?", "how sure are you?"])
def test_is_that_official_names_each_changes_grade(asked: str):
    """E08: "is that official?" after the conclusion was 'not a place to start' and the menu. The honest answer
    names each proposed change's grade: closing the programme CS 2 / Outcome 8 before a job is the fix providers
    confirmed on the DfE forum, not official; the EVI rests on DfE's EVI article. The conclusion stands.
    https://customerhelp.education.gov.uk/hc/en-gb/community/posts/10854255911186-ILR-Milestone-Triggers-Skills-Bootcamp"""
    s = _until_concluded("E08-is-that-official")
    said = text_of(s.send(asked))
    assert "not a place to start" not in said and "didn't understand" not in said.lower(), said
    assert "CompStatus" in said and "forum-confirmed" in said and "not official" in said, said
    assert "EVI" in said and "official (DfE/ESFA)" in said, said
    assert s.prompt is None and s.diagnosis is not None


@pytest.mark.parametrize("typed", ["I don't know the code", "not sure of the code", "no idea what the code is",
                                   "dont know the date"])
def test_i_dont_know_the_code_is_dont_know(typed: str):
    """E01: "I don't know the code" at the EVI code question was refused as 'not an EVI code' and asked again,
    while "don't know" was taken. The same words with what is not known named are taken too (never guessed:
    domain brief §2, the code list is not published)."""
    from assistant.dialogue.reading import is_dont_know

    assert is_dont_know(typed)
    for answer in ("the code is 4", "not the 5th", "no, the date was 5/12/25", "skip to the end date"):
        assert not is_dont_know(answer), answer


def test_an_evi_dated_the_start_says_so_not_the_day_it_happened():
    """E02: the interview was offered on 25 Jul 2025, before the 4 Aug 2025 start; the EVI is rightly dated
    2025-08-04, but its reason read "dated the day it happened". The reason now says the date it is given and why.
    https://guidance.submit-learner-data.service.gov.uk/provider-support-manual/article/recordingskills-bootcamps-events-in-the-ilr"""
    s = run("E02-offer-made-before-the-programme-started")
    evi = next(c for c in s.diagnosis.proposal.changes if c.field == "LearningDeliveryFAM" and c.fam_type == "EVI")
    why = " ".join(evi.because)
    assert "dated the day it happened" not in why and "2025-07-25" in why and "2025-08-04" in why, why


def test_a_start_moved_before_august_2025_says_the_evi_code_is_no_longer_used():
    """E07: the start moved from 8 Sep 2025 to 8 Sep 2024 after the conclusion; the new conclusion rightly recorded
    the interview offer as the event aim Z0059747 (a start before 1 August 2025: event aims; R_152 forbids an EVI)
    but the EVI code the user gave vanished without a word. The conclusion names each answer it no longer uses.
    https://guidance.submit-learner-data.service.gov.uk/25-26/validation-rules/rule/R_152"""
    s = run("E07-start-changed-from-2025-to-2024-late")
    final = s.transcript[-1].text
    assert s.transcript[-1].kind == "conclusion" and "Answers not used now" in final, final[-1500:]
    assert "*EVI code* (your answer: 4)" in final and "before 1 August 2025" in final and "R_152" in final
    # An ordinary conversation has none.
    s = _until_concluded("E08-is-that-official")
    assert "Answers not used now" not in s.transcript[-1].text
