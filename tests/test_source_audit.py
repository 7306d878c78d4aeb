"""Every claim is no stronger than the source it cites (docs/source-audit.md).

Each test here failed before its fix: a change or milestone status graded above what its source says,
or a source graded official whose address is not DfE's. They pin the grade of the claim for a record
that produces it, so an over-claim that comes back fails here.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from assistant.advice import citations
from assistant.advice.engine import diagnose_learner
from assistant.advice.plan import Plan, Reason
from assistant.advice.types import Facts
from assistant.faces.lint import lint_knowledge, official_page
from assistant.knowledge_loader import shipped
from assistant.rules.catalogue import sources

from .builders import ctx, event, learner, prog, subject


def _changes(dg, field):
    return [c for c in dg.proposal.changes if c.field == field]


# -- the advice -------------------------------------------------------------------------------------------


def test_closing_with_outcome_3_after_an_event_is_our_reading_not_the_psm_six_month_rule() -> None:
    """The PSM's six-month rule is for a learner with no event aim; after an event it does not say Outcome 3.

    Source: PSM 2023-24 "The Six-Month Rule" ("If the component learning aim is recorded as completed and no
    event aim has taken place, after six months ... record Outcome = 3"), quoted in the "Bootcamp Recording" thread.
    """
    rec = learner(prog(CompStatus="2", LearnActEndDate="2024-12-15", Outcome="8"),
                  subject(CompStatus="2", LearnActEndDate="2024-12-10", Outcome="1"), event("2024-12-15"))
    dg = diagnose_learner(rec, ctx("2024-25", "2025-07-01"), Facts(positive_outcome=False))
    [closing] = [c for c in _changes(dg, "Outcome") if c.to == "3"]
    assert closing.grade == "inference" and "our reading" in closing.because[0]
    assert not any("the PSM six-month rule says" in e for e in dg.proposal.explanations)
    # with no event the rule is the PSM's own, and stays official
    no_event = learner(prog(CompStatus="2", LearnActEndDate="2024-10-31", Outcome="8"),
                       subject(CompStatus="2", LearnActEndDate="2024-10-31", Outcome="1"))
    [closing] = [c for c in _changes(diagnose_learner(no_event, ctx("2024-25", "2025-06-01")), "Outcome") if c.to == "3"]
    assert closing.grade == "official"


@pytest.mark.parametrize("facts", [Facts(withdrawn_date=date(2024, 10, 4), withdraw_reason="44"),
                                   Facts(break_date=date(2024, 10, 4))])
def test_outcome_3_on_a_withdrawn_or_paused_aim_is_our_reading(facts: Facts) -> None:
    """CompStatus_04 needs an Outcome, but bootcamps are exempt from CompStatus_06: no rule names the code.

    The end date itself is the ILR's definition ("the date the learner withdrew from the learning
    activities", LearnActEndDate field), so it stays official.
    """
    dg = diagnose_learner(learner(prog(), subject()), ctx("2024-25", "2025-03-01"), facts)
    outcomes = _changes(dg, "Outcome")
    assert outcomes and all(c.grade == "inference" and "our reading" in c.because[0] for c in outcomes)
    ends = _changes(dg, "LearnActEndDate")
    assert ends and all(c.grade == "official" and "field-learnactenddate" in {s.id for s in c.sources} for c in ends)
    assert not any("Outcome 3" in b for c in ends for b in c.because)


def test_an_outcome_3_for_a_recorded_withdrawal_is_our_reading_too() -> None:
    rec = learner(prog(CompStatus="3", LearnActEndDate="2024-10-04", WithdrawReason="44"),
                  subject(CompStatus="3", LearnActEndDate="2024-10-04", WithdrawReason="44"))
    outcomes = _changes(diagnose_learner(rec, ctx("2024-25", "2025-03-01")), "Outcome")
    assert outcomes and all(c.grade == "inference" for c in outcomes)


def test_reopening_an_evi_programme_to_wait_for_its_event_is_our_reading() -> None:
    """The EVI article ends the programme "when the bootcamp learning has finished"; keeping it open for a later
    EVI follows from LearnDelFAMDateFrom_07, so it is our reading (the event-aims article says the end includes
    the events, so there it stays official)."""
    def reopened(start: str, end: str, year: str, as_of: str):
        rec = learner(prog(LearnStartDate=start, LearnPlanEndDate=end, CompStatus="2", LearnActEndDate=end, Outcome="8"),
                      subject(LearnStartDate=start, LearnPlanEndDate=end, CompStatus="2", LearnActEndDate=end, Outcome="1"))
        dg = diagnose_learner(rec, ctx(year, as_of), Facts(learning_finished=True))
        return [c for c in _changes(dg, "CompStatus") if c.aim_seq == 1 and c.to == "1"]

    [evi] = reopened("2025-09-01", "2025-11-28", "2025-26", "2026-01-15")
    assert evi.grade == "inference" and "our reading" in evi.because[0].lower()
    [aims] = reopened("2024-09-02", "2024-11-29", "2024-25", "2025-01-15")
    assert aims.grade == "official"


def test_an_ffi_copied_from_the_other_aims_is_our_reading() -> None:
    rec = learner(prog(), subject(fams=(("SOF", "105"),)))
    [ffi] = [c for c in diagnose_learner(rec, ctx("2024-25", "2024-10-01")).proposal.changes if c.fam_type == "FFI"]
    assert ffi.grade == "inference" and "our reading" in ffi.because[0]
    told = learner(prog(fams=(("SOF", "105"),)), subject(fams=(("SOF", "105"),)))
    changes = diagnose_learner(told, ctx("2024-25", "2024-10-01"), Facts(ffi="2")).proposal.changes
    ffis = [c for c in changes if c.fam_type == "FFI"]
    assert ffis and all(c.grade == "official" and "you said 2" in c.because[0] for c in ffis)


def test_a_merged_change_is_no_stronger_than_its_weaker_reason() -> None:
    """Two reasons folded into one change: it shows both, so it carries the weaker grade and both sources."""
    plan = Plan(learner(prog(), subject()))
    plan.set(1, "Outcome", "3", Reason("our guess", (), sources=("our-reading",), grade="inference"))
    plan.set(1, "Outcome", "8", Reason("the rule", ("CompStatus_04",), sources=("vr-2526",)))
    [change] = plan.changes
    assert change.grade == "inference" and {s.id for s in change.sources} == {"our-reading", "vr-2526"}


# -- the milestones ---------------------------------------------------------------------------------------


def test_m2_waiting_for_an_event_is_graded_as_dfes_milestone_table_is_held() -> None:
    """"M2 needs the learning completed and an event" is DfE's 2022-24 milestone table as PICS reproduces it
    (vendor); the PSM we hold describes the event aims but does not tie M2 to them."""
    rec = learner(prog(), subject(CompStatus="2", LearnActEndDate="2024-12-10", Outcome="1"))
    [p] = diagnose_learner(rec, ctx("2024-25", "2025-01-15")).programmes
    m2 = p.milestones["M2"]
    assert m2.status == "not-yet" and m2.evidence == "vendor" and "pics-milestones" in m2.sources


def test_a_learner_with_errors_cites_the_page_that_says_errors_stop_funding() -> None:
    """"You will not receive funding for learners with data errors" (ESFA, ILR validation rules 2019 to 2020)."""
    rec = learner(prog(CompStatus="2", Outcome="8"), subject(CompStatus="2", LearnActEndDate="2024-12-10", Outcome="1"),
                  event("2024-12-10"))
    [p] = diagnose_learner(rec, ctx("2024-25", "2025-01-15")).programmes
    blocked = [m for m in p.milestones.values() if m.reasons and "not funded at all" in m.reasons[0]]
    assert blocked and all("esfa-vr-1920" in m.sources for m in blocked)
    assert "2019 to 2020" in sources()["esfa-vr-1920"].title


# -- the knowledge ----------------------------------------------------------------------------------------


def test_official_page_means_a_dfe_page_not_a_forum_post() -> None:
    assert official_page("https://guidance.submit-learner-data.service.gov.uk/24-25/psm/article/recording-skills-bootcamps-ilr")
    assert official_page("https://www.gov.uk/government/publications/esfa-skills-bootcamps/x")
    assert not official_page("https://customerhelp.education.gov.uk/hc/en-gb/community/posts/1-Bootcamp")
    assert not official_page("https://github.com/foundersandcoders/iris/blob/main/docs/schemas/schemafile25.xsd")
    assert not official_page("https://notgov.uk.example.com/page")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    dest = tmp_path / "knowledge"
    shutil.copytree(shipped().root, dest)
    return dest


def test_lint_refuses_an_official_source_on_a_forum_page(copy: Path) -> None:
    path = copy / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    quoted = "  quotes: https://guidance.submit-learner-data.service.gov.uk/23-24/psm/article/recording-skills-bootcamps-ilr\n"
    assert quoted in text
    path.write_text(text.replace(quoted, ""), encoding="utf-8")
    found = lint_knowledge(copy)
    assert any("psm-six-month-quoted.url" in p and "not a DfE/ESFA page" in p for p in found), found


def test_lint_refuses_a_quote_of_a_page_that_is_not_dfes(copy: Path) -> None:
    path = copy / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    old = "quotes: https://guidance.submit-learner-data.service.gov.uk/24-25/ilr/appendices"
    path.write_text(text.replace(old, "quotes: https://github.com/example/schema", 1), encoding="utf-8")
    assert any("ilr-xsd.quotes" in p for p in lint_knowledge(copy))


def test_every_official_source_is_a_dfe_page_or_names_the_one_it_copies() -> None:
    for sid, src in sources().items():
        if src.grade == "official" and not official_page(src.url):
            entry = shipped().file("sources.yaml")[sid]
            assert official_page(entry.get("quotes")), sid


def test_lint_refuses_a_claim_graded_above_every_source_it_cites(tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "overclaim.py"
    bad.write_text('Reason("providers say so", ("CompStatus_04",), "M2", ("forum-m2-fix",))\n'
                   'Reason("our reading", (), None, ("forum-m2-fix",), "inference")\n'
                   'MilestoneStatus("payable", ("x",), "official" if x else "inference", ("pics-milestones",))\n',
                   encoding="utf-8")
    monkeypatch.setattr(citations, "CITING_MODULES", (str(bad),))
    found = citations.grade_problems()
    assert any("line 1" in p and "graded official" in p and "forum-confirmed" in p for p in found), found
    assert not any("line 2" in p for p in found)
    assert any("line 3" in p and "graded official" in p and "vendor" in p for p in found), found
    monkeypatch.undo()
    assert citations.grade_problems() == []


def test_lint_refuses_a_percentage_without_its_year(copy: Path) -> None:
    path = copy / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    old = "35% in 2022-23 and 2023-24 contracts"
    assert old in text
    path.write_text(text.replace(old, "35% of the price"), encoding="utf-8")
    assert any("percentage without its year" in p and "M2" in p for p in lint_knowledge(copy))


def _texts_with_sources():
    """(file, text, sources) for every glossary entry and decision-tree node that cites sources."""
    import yaml

    root = shipped().root
    out = []

    def walk(value, name):
        if isinstance(value, dict):
            if "sources" in value:
                words = " ".join(str(v) for k, v in value.items() if k in {"text", "why", "help", "codes"})
                out.append((name, words, set(value["sources"])))
            for v in value.values():
                walk(v, name)
        elif isinstance(value, list):
            for v in value:
                walk(v, name)

    for path in [root / "glossary.yaml", *sorted((root / "tree").glob("*.yaml"))]:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    return out


def test_the_six_month_rule_is_said_as_the_psm_words_it_and_cites_it() -> None:
    """The PSM rule (2023-24, quoted on the forum) is about no event aim after six months, not "no outcome";
    every text naming it cites that source, and none widens it to an outcome."""
    naming = [(f, t) for f, t, s in _texts_with_sources() if "six-month rule" in t.lower() and "psm-six-month-quoted" not in s]
    assert naming == []
    widened = [(f, t[:80]) for f, t, _ in _texts_with_sources() if "no event or outcome" in t]
    assert widened == []
    from assistant.rules.catalogue import catalogue

    rules = [rid for rid, r in catalogue().items() if "six-month rule" in r.explanation.lower()
             and "psm-six-month-quoted" not in {s.id for s in r.sources}]
    assert rules == []
    # AchDate_13 applies after an event too, where the PSM rule (no event aim) says nothing: our reading
    assert "our reading" in catalogue()["AchDate_13"].explanation


def test_the_schema_explanation_does_not_present_a_suppliers_reading_as_dfes() -> None:
    from assistant.rules.catalogue import catalogue

    schema = catalogue()["Schema"]
    assert "supplier" in schema.explanation and "campusit-schema" in {s.id for s in schema.sources}
    for rid, text in catalogue().items():
        if "not funded" in text.explanation or "can be funded" in text.explanation:
            assert "esfa-vr-1920" in {s.id for s in text.sources}, rid


def test_a_component_moved_to_the_programmes_contract_reference_is_our_reading() -> None:
    """R_135/R_136 say the aims must agree; which reference is the slip is read from the dates: our reading,
    as for the other ConRefNumber fills (test_change_grades)."""
    rec = learner(prog(), subject(ConRefNumber="SB-OTHER-9"))
    fills = _changes(diagnose_learner(rec, ctx("2024-25", "2024-10-01")), "ConRefNumber")
    assert fills and all(c.grade == "inference" and "our reading" in c.because[0] for c in fills)


def test_explanations_say_which_part_is_our_reading() -> None:
    """Explanations carry no grade, so a part no source states must say "our reading" in its own words."""
    passed_but_withdrawn = learner(prog(CompStatus="3", LearnActEndDate="2024-12-10", Outcome="3", WithdrawReason="44"),
                                   subject(CompStatus="2", LearnActEndDate="2024-12-10", Outcome="1"))
    said = diagnose_learner(passed_but_withdrawn, ctx("2024-25", "2025-01-15")).proposal.explanations
    assert any("gives up M2 and M3" in e and "our reading" in e for e in said), said
    closed_3_after_event = learner(prog(CompStatus="2", LearnActEndDate="2024-12-15", Outcome="3"),
                                   subject(CompStatus="2", LearnActEndDate="2024-12-10", Outcome="1"), event("2024-12-15"))
    said = diagnose_learner(closed_3_after_event, ctx("2024-25", "2025-01-15")).proposal.explanations
    assert any("Outcome 3" in e and "our reading" in e for e in said), said


def test_the_milestone_source_constants_name_known_sources() -> None:
    """Lint reads only literal ids; the constants the milestone statuses cite are checked here."""
    from assistant.rules.milestones import ERRORS_SOURCES, M2_NEEDS_EVENT

    known = sources()
    for sid in (*ERRORS_SOURCES, *(s for ids in M2_NEEDS_EVENT.values() for s in ids)):
        assert sid in known, sid
    assert known["pics-milestones"].grade == "vendor"  # the grade the M2 'needs an event' statuses carry
