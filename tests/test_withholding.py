"""Never add, in the engine: a change group that would add an error is withheld and asked about.

The record below is broken in a way the planner does not see coming: the
subject aim starts and ends before the programme aim starts (R_149), so closing
the programme aim on the end of learning (the six-month rule) would give the
programme an end before its own start (LearnActEndDate_01). The closure is
withheld as one group (never half a closed aim) and becomes a "person must
check" question naming the rule. (A subject aim ending before its *own* start
is no longer this vehicle: the planner now runs no window from such a date.)
"""

from __future__ import annotations

from assistant.advice.engine import diagnose_learner
from tests.builders import ctx, event, learner, prog, subject

BROKEN = learner(prog(), subject(LearnStartDate="2024-06-01", CompStatus="2", LearnActEndDate="2024-06-03", Outcome="1"))


def test_a_change_group_that_would_add_an_error_is_withheld_and_asked_about():
    dg = diagnose_learner(BROKEN, ctx("2024-25", "2025-03-01"))
    assert dg.verified and dg.introduced == []
    held = {(c.aim_seq, c.field) for c in dg.proposal.withheld}
    assert {(1, "CompStatus"), (1, "LearnActEndDate"), (1, "Outcome")} <= held
    assert not any(c.aim_seq == 1 and c.field in {"CompStatus", "LearnActEndDate", "Outcome"}
                   for c in dg.proposal.changes)
    [q] = [q for q in dg.proposal.questions if q.id.startswith("withheld:1")]
    assert "LearnActEndDate_01" in q.text and q.text.startswith("A person must check")


def test_a_clean_proposal_withholds_nothing():
    dg = diagnose_learner(learner(prog(Outcome="8"), subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1")),
                          ctx("2025-26", "2025-01-31"))
    assert dg.proposal.withheld == ()
    assert dg.verified


def test_the_json_lists_withheld_changes(tmp_path, capsys):
    import json

    from assistant.faces.cli import main
    from tests.test_dialogue_helpers import to_xml

    path = tmp_path / "broken.xml"
    path.write_text(to_xml(BROKEN), encoding="utf-8")
    main(["diagnose", str(path), "--format", "json", "--as-of", "2025-03-01", "--year", "2024-25"])
    [learner] = json.loads(capsys.readouterr().out)["learners"]
    assert learner["verified"] is True and learner["introduced"] == []
    assert {(c["aim_seq"], c["field"]) for c in learner["withheld"]} >= {(1, "CompStatus"), (1, "LearnActEndDate")}
    assert any(q["id"].startswith("withheld:1") for q in learner["questions"])


def _many_open_events(n: int):
    """Event aims left open whose closing dates fall after the file preparation date: each closure adds
    LearnActEndDate_04, so every one is withheld (and asked about)."""
    events = [event("2025-02-%02d" % (1 + i % 27), seq=3 + i, CompStatus="1", LearnActEndDate=None, Outcome=None)
              for i in range(n)]
    return learner(prog(CompStatus="2", LearnActEndDate="2025-03-01", Outcome="8"),
                   subject(CompStatus="2", LearnActEndDate="2024-12-10", Outcome="1"), *events)


def test_withholding_on_a_learner_with_many_aims_re_checks_a_bounded_number_of_times(monkeypatch):
    """Trying every group against every other is quadratic in the aims: past GREEDY_LIMIT groups the
    engine withholds aim by aim, one re-check a round. Counted in re-checks, not seconds."""
    from assistant.advice import engine

    calls = []
    real = engine._trial
    monkeypatch.setattr(engine, "_trial", lambda *a: calls.append(1) or real(*a))
    for n in (engine.GREEDY_LIMIT + 5, 120):
        calls.clear()
        dg = diagnose_learner(_many_open_events(n), ctx("2024-25", "2025-01-15"))
        assert dg.verified and dg.introduced == []
        assert dg.proposal.withheld and not any(c.aim_seq >= 3 and c.field == "LearnActEndDate"
                                                for c in dg.proposal.changes)
        asked = {q.aim_seq for q in dg.proposal.questions if q.id.startswith("withheld:")}
        assert {c.aim_seq for c in dg.proposal.withheld} <= asked
        assert len(calls) <= 4, f"{n} event aims took {len(calls)} re-checks"
