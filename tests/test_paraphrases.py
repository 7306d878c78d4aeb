"""The paraphrase corpus (tests/data/paraphrases.yaml): never a silent wrong reading.

Every answer is read exactly as the session reads it at that question (`answering.read_answer`). An
answer read as an option other than the expected one — or read as an option when it should have been
asked about — fails. Asking, or not understanding, is never wrong: the user sees it and answers again.
The shares are printed (`pytest -s tests/test_paraphrases.py`) and checked against a floor.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from datetime import date

from assistant.dialogue.answering import read_answer
from assistant.dialogue.session import Session
from assistant.dialogue.tree import load_tree

CORPORA = [Path(__file__).parent / "data" / name for name in ("paraphrases.yaml", "paraphrases_heldout.yaml")]
TREE = load_tree()
CASES = [(qid, str(expected), str(typed)) for corpus in CORPORA
         for qid, by in yaml.safe_load(corpus.read_text(encoding="utf-8")).items()
         for expected, answers in by.items() for typed in answers]
#: Corpus outcomes that are not an option value.
SPECIAL = {"ask", "dont-know", "none-of-these"}


def outcome(qid: str, typed: str) -> tuple[str, str]:
    """(kind, value): kind is exact/read/ask/none/dont-know; value is the option read, if any."""
    if qid == "entry":
        return _entry(typed)
    r = read_answer(TREE.nodes[qid], typed)
    return r.kind, (r.one.key if r.one is not None else "")


def _entry(typed: str) -> tuple[str, str]:
    """The first question is read by the session itself: which entry it started, or that it asked."""
    s = Session(year="2024-25", as_of=date(2025, 2, 15))
    s.start()
    s.send(typed)
    if s._pending is not None:
        return "ask", ""
    if s._entry is None:
        return "none", ""
    return "read", s._entry.id


def grade(expected: str, kind: str, value: str) -> str:
    """right, asked (asked or not understood: the user is told), or wrong (a silent wrong reading)."""
    if expected == "dont-know":
        return "right" if kind == "dont-know" else ("wrong" if value else "asked")
    if expected == "none-of-these":
        return "right" if kind == "none" else ("wrong" if value else "asked")
    if expected == "ask":
        return "right" if kind == "ask" else ("wrong" if value else "asked")
    if value == expected:
        return "right"
    return "wrong" if value or kind == "dont-know" else "asked"


def test_the_corpus_is_large_and_covers_every_question_with_options():
    assert len(CASES) >= 300 and len(set(CASES)) > 500
    with_options = {n.id for n in TREE.nodes.values() if n.kind == "question" and n.options} | {"entry"}
    covered = {qid for qid, _, _ in CASES}
    assert with_options <= covered, f"no paraphrases for {sorted(with_options - covered)}"
    entries = {e.id for e in TREE.entries + TREE.shortcuts}
    for qid, expected, _ in CASES:
        if qid == "entry":
            assert expected in SPECIAL or expected in entries, f"entry: '{expected}' is not an entry"
            continue
        node = TREE.nodes[qid]
        assert expected in SPECIAL or node.option(expected) is not None, f"{qid}: '{expected}' is not an option"


@pytest.mark.parametrize("qid, expected, typed", CASES, ids=[f"{q}:{t}" for q, _, t in CASES])
def test_no_silent_wrong_reading(qid, expected, typed):
    kind, value = outcome(qid, typed)
    assert grade(expected, kind, value) != "wrong", f"'{typed}' at {qid} was read as {value or kind}, expected {expected}"


def test_shares_read_right_asked_and_wrong():
    counts = Counter(grade(e, *outcome(q, t)) for q, e, t in CASES)
    total = len(CASES)
    print(f"\nparaphrase corpus: {total} answers; read right {counts['right']} ({counts['right'] / total:.1%}), "
          f"asked or not understood {counts['asked']} ({counts['asked'] / total:.1%}), "
          f"read wrong {counts['wrong']} ({counts['wrong'] / total:.1%})")
    assert counts["wrong"] == 0
    assert counts["right"] / total >= 0.85, "most answers should be read without asking"


def _negatable(term: str) -> bool:
    from assistant.dialogue.reading import NEGATORS, words

    said = words(term, term=True)
    return bool(said.tokens) and all(p > 0 for _, p in said.tokens) and not (set(term.lower().split()) & NEGATORS) \
        and not any(ch.isdigit() for ch in term) and "," not in term


NEGATED = [(n.id, o.value, f"{lead} {t}") for n in TREE.nodes.values() if n.kind == "question" and n.options
           for o in n.options for t in (o.label, *o.synonyms) if _negatable(t)
           for lead in ("not", "definitely not")]


@pytest.mark.parametrize("qid, value, typed", NEGATED, ids=[f"{q}:{t}" for q, _, t in NEGATED])
def test_a_negated_option_is_never_read_as_that_option(qid, value, typed):
    """Derived from the tree itself: "not <any label or synonym>" is never read as that very option."""
    kind, got = outcome(qid, typed)
    assert got != value, f"'{typed}' at {qid} was read as {got}"


# -- a property: words around an option's own name never turn it into another option -------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FILLERS = ["", "i think", "they", "the learner", "please", "ok so", "well", "as far as i know", "i believe",
           "according to our mis", "um", "right now", "this one"]
NAMED = [(n.id, o.value, t) for n in TREE.nodes.values() if n.kind == "question" and n.options
         for o in n.options for t in (o.label, *o.synonyms) if _negatable(t)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NAMED), st.sampled_from(FILLERS), st.sampled_from(FILLERS), st.sampled_from(["", ".", "!", "?"]))
def test_an_option_named_among_filler_words_is_never_read_as_another(named, before, after, mark):
    qid, value, term = named
    typed = " ".join(x for x in (before, term, after) if x) + mark
    kind, got = outcome(qid, typed)
    assert not got or got == value, f"'{typed}' at {qid} was read as {got}, not {value}"
