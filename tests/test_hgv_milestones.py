"""An event-aims bootcamp whose only event aim is an HGV one (review batch 6's X20).

R_138 counts only Z0059747/8/9 as the event
(https://guidance.submit-learner-data.service.gov.uk/25-26/validation-rules/rule/R_138), the PSM dates the AchDate
from when "one of the 3 event aims" has been recorded
(https://guidance.submit-learner-data.service.gov.uk/24-25/psm/article/recording-skills-bootcamps-ilr), and what the
HGV event aims mean and how HGV bootcamps are paid is unpublished (domain §7). So the milestones must not call M2
and M3 payable on an HGV aim alone while the advice asks whether a standard event happened.
"""

from __future__ import annotations

from assistant.advice.engine import diagnose_learner
from tests.builders import ctx, event, learner, prog, subject


def hgv_only(**programme):
    fields = dict(CompStatus="2", LearnActEndDate="2025-01-17", Outcome="1", AchDate="2025-02-20")
    fields.update(programme)
    return learner(prog(**fields), subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"),
                   event("2025-01-17", ref="Z0060440"))


def test_hgv_event_aim_alone_does_not_make_m2_and_m3_payable():
    dg = diagnose_learner(hgv_only(), ctx("2024-25", "2025-04-30"))
    ms = dg.programmes[0].milestones
    assert "event" in {q.id for q in dg.proposal.questions}
    assert ms["M2"].status == "unknown" and "HGV" in " ".join(ms["M2"].reasons)
    assert ms["M3"].status == "blocked"


def test_hgv_test_pass_with_an_interview_offer_still_pays():
    rec = learner(prog(CompStatus="2", LearnActEndDate="2025-01-17", Outcome="8"),
                  subject(CompStatus="2", LearnActEndDate="2024-12-20", Outcome="1"),
                  event("2025-01-10", ref="Z0060440"), event("2025-01-17", seq=4))
    dg = diagnose_learner(rec, ctx("2024-25", "2025-04-30"))
    assert dg.programmes[0].milestones["M2"].status == "payable"
