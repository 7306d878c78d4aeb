"""Write the input back out with the proposed edits — and nothing else — changed.

Edits are made on a copy of the parsed tree, so elements the model does not
know (postcodes, monitoring, HE data, comments) come back exactly as they
were. New elements go in their XSD position and take the namespace and
indentation of their neighbours.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Iterable

from lxml import etree

if TYPE_CHECKING:  # the writer only reads Change's fields; no runtime tie to advice
    from ..advice.types import Change
from .model import DELIVERY_CHILD_ORDER, DELIVERY_FIELDS
from .reader import child_text, children, local
from .guard import WRAPPER

FAM_ORDER = ("LearnDelFAMType", "LearnDelFAMCode", "LearnDelFAMDateFrom", "LearnDelFAMDateTo")
MODELLED = {name for name, _, _ in DELIVERY_FIELDS}


def _ns(el: etree._Element) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _make(parent: etree._Element, name: str) -> etree._Element:
    ns = _ns(parent)
    return etree.Element(f"{{{ns}}}{name}" if ns else name, nsmap=None)


def _indent_of(parent: etree._Element) -> tuple[str, str]:
    """(indent before a child, indent before the closing tag) as the parent writes them."""
    kids = [c for c in parent if isinstance(c.tag, str)]
    if kids and parent.text and parent.text.strip() == "":
        return parent.text, kids[-1].tail or ""
    return "", ""


def _insert(parent: etree._Element, child: etree._Element, order: tuple[str, ...]) -> None:
    name = local(child)
    rank = order.index(name) if name in order else len(order)
    kids = list(children(parent))
    before = next((k for k in kids if (order.index(local(k)) if local(k) in order else len(order)) > rank), None)
    child_indent, close_indent = _indent_of(parent)
    if before is not None:
        before.addprevious(child)
        child.tail = child_indent or None
    else:
        if kids:
            last = kids[-1]
            last.tail = child_indent or last.tail
            last.addnext(child)
        else:
            parent.append(child)
        child.tail = close_indent or None


def set_leaf(parent: etree._Element, name: str, text: str | None, order: tuple[str, ...]) -> None:
    existing = next(iter(children(parent, name)), None)
    if text is None:
        if existing is not None:
            prev = existing.getprevious()
            if prev is not None:
                prev.tail = existing.tail if existing.tail is not None else prev.tail
            else:
                parent.text = existing.tail if existing.tail is not None else parent.text
            parent.remove(existing)
        return
    if existing is None:
        existing = _make(parent, name)
        _insert(parent, existing, order)
    existing.text = text


def _fam_matches(el: etree._Element, fam_type: str, value: dict[str, str | None]) -> bool:
    return ((child_text(el, "LearnDelFAMType") or "").strip().upper() == fam_type
            and (child_text(el, "LearnDelFAMCode") or "").strip() == (value.get("code") or "")
            and ((child_text(el, "LearnDelFAMDateFrom") or "").strip() or None) == value.get("date_from"))


def _apply_fam(delivery: etree._Element, change: Change) -> None:
    if change.from_ is not None:
        for el in children(delivery, "LearningDeliveryFAM"):
            if _fam_matches(el, change.fam_type or "", change.from_):  # type: ignore[arg-type]
                prev = el.getprevious()
                if prev is not None:
                    prev.tail = el.tail
                delivery.remove(el)
                break
    if change.to is not None:
        fam = _make(delivery, "LearningDeliveryFAM")
        _insert(delivery, fam, DELIVERY_CHILD_ORDER)
        child_indent, _ = _indent_of(delivery)
        inner = child_indent + ("\t" if "\t" in child_indent else "  ") if child_indent else ""
        fam.text = inner or None
        values = {"LearnDelFAMType": change.fam_type, "LearnDelFAMCode": change.to.get("code"),  # type: ignore[union-attr]
                  "LearnDelFAMDateFrom": change.to.get("date_from")}  # type: ignore[union-attr]
        for name in FAM_ORDER:
            if values.get(name):
                leaf = _make(fam, name)
                leaf.text = values[name]
                fam.append(leaf)
                leaf.tail = inner or None
        last = list(fam)[-1] if len(fam) else None
        if last is not None:
            last.tail = child_indent or None


def _add_delivery(learner_el: etree._Element, change: Change, deliveries: dict[int, etree._Element]) -> None:
    template = next((d for d in deliveries.values()
                     if (child_text(d, "ConRefNumber") or "").strip() == (change.con_ref or "")
                     and (child_text(d, "AimType") or "").strip() == "1"), None)
    template = template if template is not None else next(iter(deliveries.values()), None)
    new = copy.deepcopy(template) if template is not None else _make(learner_el, "LearningDelivery")
    for child in list(children(new)):
        if local(child) in MODELLED or local(child) in {"LearningDeliveryFAM", "SWSupAimId", "ProviderSpecDeliveryMonitoring",
                                                        "LearningDeliveryWorkPlacement", "AppFinRecord", "LearningDeliveryHE",
                                                        "OutGrade", "TLOut", "EPAOrgID", "StdCode", "PHours", "OTJActHours"}:
            prev = child.getprevious()
            if prev is not None:
                prev.tail = child.tail
            new.remove(child)
    for node in list(new):
        if not isinstance(node.tag, str):
            new.remove(node)
    last = list(children(learner_el, "LearningDelivery"))
    anchor = last[-1] if last else None
    if anchor is not None:
        before = anchor.getprevious()
        new.tail = anchor.tail
        anchor.tail = before.tail if before is not None else learner_el.text
        anchor.addnext(new)
    else:
        learner_el.append(new)
    set_leaf(new, "LearnAimRef", str(change.to), DELIVERY_CHILD_ORDER)
    set_leaf(new, "AimSeqNumber", str(change.aim_seq), DELIVERY_CHILD_ORDER)
    deliveries[change.aim_seq] = new


def _deliveries_by_seq(scope: Iterable[etree._Element]) -> dict[int, etree._Element]:
    found = {}
    for d in scope:
        text = (child_text(d, "AimSeqNumber") or "").strip()
        if text.isdigit():
            found[int(text)] = d
    return found


def apply_to_tree(learner_scope: etree._Element, deliveries: list[etree._Element],
                  changes: Iterable[Change]) -> list[Change]:
    """Apply one learner's changes to its elements (a <Learner>, or the snippet's bare deliveries).

    Returns the changes that could not be applied (their aim is not in the
    record), so that the caller can say so instead of claiming success.
    """
    by_seq = _deliveries_by_seq(deliveries)
    missed: list[Change] = []
    for change in changes:
        if change.field == "LearningDelivery":
            if change.to is None:
                el = by_seq.pop(change.aim_seq, None)
                parent = el.getparent() if el is not None else None
                if el is not None and parent is not None:
                    prev = el.getprevious()
                    if prev is not None:
                        prev.tail = el.tail
                    parent.remove(el)
                else:
                    missed.append(change)
            else:
                _add_delivery(learner_scope, change, by_seq)
            continue
        el = by_seq.get(change.aim_seq)
        if el is None:
            missed.append(change)
            continue
        if change.field == "LearningDeliveryFAM":
            _apply_fam(el, change)
        else:
            set_leaf(el, change.field, change.to, DELIVERY_CHILD_ORDER)  # type: ignore[arg-type]
    return missed


def write_fixed(root: etree._Element, changes_by_position: dict[int, list[Change]]) -> str:
    """The input with each learner's changes applied, serialised as text (the tree path).

    Used for input read whole that the splicer (`splice.py`) cannot take:
    bare ``<LearningDelivery>`` elements. Changes are keyed by the learner's
    position (1-based) in the reader's list of learners, never by
    LearnRefNumber, so two learners sharing a reference each get their own;
    the bare deliveries, when there are any, are the last position.
    """
    tree = copy.deepcopy(root)
    learners = [el for el in tree.iter() if local(el) == "Learner"]
    for position, el in enumerate(learners, 1):
        if changes_by_position.get(position):
            apply_to_tree(el, list(children(el, "LearningDelivery")), changes_by_position[position])
    stray = [el for el in tree.iter() if local(el) == "LearningDelivery"
             and not any(local(a) == "Learner" for a in el.iterancestors())]
    snippet_changes = changes_by_position.get(len(learners) + 1)
    holder = stray[0].getparent() if stray else None
    if holder is not None and snippet_changes:
        apply_to_tree(holder, stray, snippet_changes)
    if local(tree) != WRAPPER:
        return etree.tostring(tree, encoding="unicode")
    body = (tree.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in tree)
    body = body.strip("\n")
    if any(local(c) == "Message" for c in tree):
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + body.lstrip()
    return body + "\n"
