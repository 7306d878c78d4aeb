"""Changes that write the clean value wherever the input's text was read past (spaces, case).

The reader tolerates ``' ZPROG001'`` or ``sof`` to diagnose the rest; the
schema findings say so, and these changes make the written file say the clean
value, so that what is re-checked is what DfE will read.
"""

from __future__ import annotations

from ..ilr.model import Learner
from .plan import Plan, Reason

def plan_clean_values(plan: Plan, learner: Learner) -> None:
    for issue in learner.schema_issues:
        if issue.clean is None or issue.aim_seq is None or issue.aim_seq not in plan.current:
            continue
        why = (Reason(issue.detail(), ("Schema",), sources=("ilr-xsd",)) if issue.kind == "xsd"
               else Reason(issue.detail(), ("Normalised",), sources=("our-reading",), grade="inference"))
        d = plan.current[issue.aim_seq]
        if issue.element.startswith("LearnDelFAM"):
            fam = next((f for f in d.fams if f.type == (issue.fam_type or "") and f.code == issue.fam_code
                        and (f.date_from.isoformat() if f.date_from else None) == issue.fam_date_from), None)
            if fam is not None and issue.fam_type:
                plan.rewrite_fam(issue.aim_seq, fam, issue.fam_type, why)
        else:
            plan.clean(issue.aim_seq, issue.element, issue.value, issue.clean, why)
