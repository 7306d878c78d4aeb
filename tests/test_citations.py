"""Proposals and milestones cite rules and sources by checked ids: an unknown id fails loudly.

Before, `Plan._sources` dropped an unknown source id silently, so a typo made a
change lose its source without anyone noticing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.advice.citations import CitationError, citation_problems, cite, known_rule_ids
from assistant.advice.plan import Plan, Reason
from assistant.faces.lint import lint_knowledge
from tests.builders import learner, prog, subject


def test_every_id_the_advice_and_milestones_cite_exists():
    assert citation_problems() == []


def test_an_unknown_source_or_rule_fails_loudly_at_run_time():
    with pytest.raises(CitationError, match="unknown source id 'no-such-source'"):
        cite(("R_138",), ("no-such-source",))
    with pytest.raises(CitationError, match="unknown rule id 'R_999'"):
        cite(("R_999",), ("psm-bootcamps",))
    assert [s.id for s in cite(("R_138", "CompStatus_03"), ("psm-bootcamps",))] == ["psm-bootcamps"]


def test_a_plan_refuses_a_change_citing_an_unknown_source():
    plan = Plan(learner(prog(), subject()))
    with pytest.raises(CitationError):
        plan.set(1, "CompStatus", "2", Reason("test", ("CompStatus_03",), sources=("typo-source",)))
    with pytest.raises(CitationError):
        plan.set(1, "CompStatus", "2", Reason("test", ("CompStatus_3",), sources=("psm-bootcamps",)))


def test_rule_ids_come_from_the_explained_rules_and_dfes_list():
    ids = known_rule_ids()
    assert {"R_138", "Outcome_04", "LearnAimRef_126"} <= ids
    assert "R_999" not in ids


def test_lint_names_an_unknown_id_cited_in_the_advice_code(tmp_path: Path, monkeypatch):
    """lint reads the code: an id no test path reaches is still caught."""
    from assistant.advice import citations

    bad = tmp_path / "bad_advice.py"
    bad.write_text('Reason("x", ("R_999", "R_138"), sources=("no-such-source", "psm-bootcamps"))\n'
                   'MilestoneStatus("payable", (), "official", ("typo-src",))\n', encoding="utf-8")
    monkeypatch.setattr(citations, "CITING_MODULES", (str(bad),))
    found = lint_knowledge()
    assert any("unknown rule id 'R_999'" in p and "line 1" in p for p in found), found
    assert any("unknown source id 'no-such-source'" in p for p in found), found
    assert any("unknown source id 'typo-src'" in p and "line 2" in p for p in found), found
    assert not any("R_138" in p or "psm-bootcamps" in p for p in found)
    monkeypatch.undo()
    assert lint_knowledge() == []


def test_lint_reads_every_module_that_cites():
    """A module split off the advice (or a new one) that builds a Reason or a MilestoneStatus is read by lint too.

    Otherwise an id it cites would escape the check the moment the code moved.
    """
    from assistant.advice.citations import CITING_CALLS, CITING_MODULES, cited_ids

    root = Path(__file__).resolve().parent.parent / "assistant"
    citing = {str(p.relative_to(root)) for p in root.rglob("*.py")
              if any(f"{call}(" in p.read_text(encoding="utf-8") for call in CITING_CALLS) and cited_ids(p)}
    assert citing, "no citing module found: the check is looking in the wrong place"
    assert citing == set(CITING_MODULES), (sorted(citing - set(CITING_MODULES)), sorted(set(CITING_MODULES) - citing))
