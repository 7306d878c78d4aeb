"""Helpers for the dialogue tests (no tests here): learner → XML text, driving a session with inputs."""

from __future__ import annotations

from xml.sax.saxutils import escape

from assistant.dialogue.session import Session
from assistant.ilr.model import DELIVERY_FIELDS, FAM_FIELDS, Learner, format_value


def to_xml(learner: Learner) -> str:
    """A <Learner> snippet holding exactly the modelled fields (synthetic data only)."""
    out = [f"<Learner>\n  <LearnRefNumber>{escape(learner.learn_ref)}</LearnRefNumber>"]
    for d in learner.deliveries:
        out.append("  <LearningDelivery>")
        for name, attr, _ in DELIVERY_FIELDS:
            text = format_value(getattr(d, attr))
            if text is not None:
                out.append(f"    <{name}>{escape(text)}</{name}>")
        for f in d.fams:
            out.append("    <LearningDeliveryFAM>")
            for name, attr, _ in FAM_FIELDS:
                text = format_value(getattr(f, attr))
                if text is not None:
                    out.append(f"      <{name}>{escape(text)}</{name}>")
            out.append("    </LearningDeliveryFAM>")
        out.append("  </LearningDelivery>")
    out.append("</Learner>")
    return "\n".join(out)


def drive(session: Session, inputs: list[str]) -> Session:
    session.start()
    for text in inputs:
        session.send(text)
    return session


def change_keys(diagnosis) -> list[tuple]:
    """A proposal's changes without where they came from (ConRefNumber differs between the routes)."""
    return [(c.aim_seq, c.aim_ref, c.field, c.fam_type, str(c.from_), str(c.to)) for c in diagnosis.proposal.changes]
