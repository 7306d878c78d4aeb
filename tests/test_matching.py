"""Fuzzy matching: typos and near-misses work, close calls are asked about, nonsense is refused."""

import pytest

from assistant.dialogue.matching import Candidate, match, normalise, suggest
from assistant.explain import lookup
from datetime import date

from assistant.dialogue.session import Session

AS_OF = date(2025, 3, 31)

EVENTS = [
    Candidate("Z0059747", "Z0059747 interview offer", ("interview", "interview offer")),
    Candidate("Z0059748", "Z0059748 new role with the existing employer", ("new role",)),
    Candidate("Z0059749", "Z0059749 self-employment plan", ("self-employment",)),
]


def test_normalise_handles_case_punctuation_and_number_words():
    assert normalise("Outcome EIGHT!") == "outcome 8"
    assert normalise("  Comp-Status ") == "comp status"


@pytest.mark.parametrize("typed, key", [
    ("interveiw offer", "Z0059747"),
    ("Interview Offer", "Z0059747"),
    ("Z0059747", "Z0059747"),
    ("z0059748", "Z0059748"),
    ("new rol", "Z0059748"),
    ("self employment", "Z0059749"),
])
def test_typos_and_near_misses(typed, key):
    m = match(typed, EVENTS)
    assert m.one is not None and m.one.key == key


def test_close_candidates_are_ambiguous_not_guessed():
    cands = [Candidate("a", "M2 not paying"), Candidate("b", "M3 not paying")]
    m = match("not paying", cands)
    assert m.kind == "ambiguous" and {c.key for c in m.candidates} == {"a", "b"}


def test_nothing_close_is_none():
    assert match("banana bread", EVENTS).kind == "none"
    assert match("", EVENTS).kind == "none"


def test_suggest_prefers_prefixes():
    labels = [c.label for c in suggest("Z00597", EVENTS)]
    assert labels[0].startswith("Z00597")


@pytest.mark.parametrize("term, key", [
    ("Z59747", "aim:Z0059747"),
    ("comp status", "field:CompStatus"),
    ("compstatus", "field:CompStatus"),
    ("outcome eight", "code:Outcome:8"),
    ("Outcome 8", "code:Outcome:8"),
    ("zprog001", "aim:ZPROG001"),
    ("r138", "rule:R_138"),
    ("R_138", "rule:R_138"),
    ("acheivement date", "field:AchDate"),
    ("Z0060441", "hgv:Z0060441"),   # any HGV event aim: the HGV entry, under its own heading
])
def test_glossary_lookup_forgives(term, key):
    found = lookup(term)
    assert found.kind == "one" and found.items[0].key == key


def test_session_matches_answers_with_typos_and_asks_when_unsure():
    s = Session(year="2024-25", as_of=AS_OF)
    s.send("interveiw offer")                        # a shortcut, typo and all
    assert "interview offer" in s.transcript[-1].text.lower() or s.prompt is None
    s = Session(year="2024-25", as_of=AS_OF)
    out = s.send("not paying")                        # M1, M2 and M3 all "aren't paying"
    assert s.prompt is not None and s.prompt.kind == "choice"
    assert "which did you mean" in out[-1].text.lower()
    assert {o.value for o in s.prompt.options} >= {"m2", "m3"}
    s.send("M3")
    assert s.prompt is not None and s.prompt.id == "prog_start"


def test_suggestions_use_the_same_matcher():
    s = Session(year="2024-25", as_of=AS_OF)
    s.send("m2")
    s.send("1/8/2024")
    s.send("20/12/2024")
    s.send("1")
    assert s.prompt.id == "prog_comp_status"
    assert s.suggestions("compl")[0] == "completed"
    assert "Outcome 8" in Session().suggestions("outcome 8")
