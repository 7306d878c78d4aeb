"""From lxml elements to the learner model: the table-driven builder.

A whole file hands ~30 000 bootcamp learners (200 000 aim children) to these
functions, so each field kind has its own reader with a fast path for the
ordinary value; anything else goes through `parse_checked`, which has the last
word (and the error messages). `reader` (snippets, whole trees) and `stream`
(whole files, learner by learner) both build learners here.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Literal, Mapping, overload

from lxml import etree

from .model import DELIVERY_FIELDS, FAM_FIELDS, Delivery, Fam, Kind, Learner, ValueProblem, parse_value

def by_name(el: etree._Element) -> dict[str, list[etree._Element]]:
    """Element children grouped by local name, in one pass (files hold ~100 000 learners)."""
    groups: dict[str, list[etree._Element]] = {}
    for child in el:
        tag = child.tag
        if tag.__class__ is str:
            name = _LOCAL.get(tag) or _local_name(tag)
            found = groups.get(name)
            if found is None:
                groups[name] = [child]
            else:
                found.append(child)
    return groups


#: Dates outside these years are placeholders or typing slips (``0001-01-01``,
#: ``9999-12-31`` "open-ended" MIS values), never a real ILR date; they are
#: reported as problems on the field so that no date arithmetic runs on them.
MIN_YEAR, MAX_YEAR = 1900, 2099


@overload
def parse_checked(kind: Literal["str", "int"], text: str | None) -> str | None: ...
@overload
def parse_checked(kind: Literal["date"], text: str | None) -> date | None: ...
def parse_checked(kind: Kind, text: str | None) -> str | date | None:
    """parse_value, plus the plausible-year check for dates."""
    value = parse_value(kind, text)
    if isinstance(value, date) and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueProblem(f"'{(text or '').strip()}' is not a plausible ILR date "
                           f"(the year must be between {MIN_YEAR} and {MAX_YEAR})")
    return value


# -- the table-driven builder ---------------------------------------------------------
# A whole file hands ~30 000 bootcamp learners (200 000 aim children) to the functions
# below, so each kind has its own reader with a fast path for the ordinary value; anything
# else goes through `parse_checked`, which has the last word (and the error messages).

def _read_str(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


def _read_int(text: str | None) -> str | None:
    if text is None:
        return None
    t = text.strip()
    if 0 < len(t) < 10 and t.isdigit() and t.isascii() and (t[0] != "0" or len(t) == 1):
        return t  # already what str(int(t)) would give
    return parse_checked("int", text)


def _read_date(text: str | None) -> date | None:
    if text is not None:
        t = text.strip()
        if len(t) == 10 and t[4] == "-" and t[7] == "-" and t.isascii():
            y, m, d = t[:4], t[5:7], t[8:]
            if y.isdigit() and m.isdigit() and d.isdigit() and MIN_YEAR <= int(y) <= MAX_YEAR:
                try:
                    return date(int(y), int(m), int(d))
                except ValueError:
                    pass  # an impossible date: _parse says why
    return parse_checked("date", text)


#: One field's reader: its text to its model value; raises ValueProblem.
FieldReader = Callable[[str | None], str | date | None]
_READERS: dict[Kind, FieldReader] = {"str": _read_str, "int": _read_int, "date": _read_date}
_DELIVERY_SPEC = {name: (attr, _READERS[kind]) for name, attr, kind in DELIVERY_FIELDS}
_FAM_SPEC = {name: (attr, _READERS[kind]) for name, attr, kind in FAM_FIELDS}

#: Qualified tag -> local name: lxml hands back ``{namespace}Name`` strings, and a file uses
#: a few dozen of them, so each is split once. Bounded, so that a hostile file of invented
#: tags cannot grow it.
_LOCAL: dict[str, str] = {}
_LOCAL_MAX = 4096


def _local_name(tag: str) -> str:
    name = _LOCAL.get(tag)
    if name is None:
        name = tag[tag.rfind("}") + 1:]
        if len(_LOCAL) < _LOCAL_MAX:
            _LOCAL[tag] = name
    return name


def _read_fields(el: etree._Element, spec: Mapping[str, tuple[str, FieldReader]],
                 problems: dict[str, str], keep: str | None = None) -> tuple[dict[str, Any], list[etree._Element]]:
    """One pass over the children: the first of each wanted field, typed, and the ``keep`` children.

    One pass matters: a college file holds ~100 000 learners and lxml makes a
    Python object for every child it hands back. A field already read (or
    found unreadable) is in ``values`` (or ``problems``): later copies are ignored.
    """
    # Any: each value has its field's type by the spec's reader (DELIVERY_FIELDS, FAM_FIELDS), a tie the
    # checker cannot follow through a name; checking it per value would cost on the hot path.
    values: dict[str, Any] = {}
    kept: list[etree._Element] = []
    local_of = _LOCAL
    for child in el:
        tag = child.tag
        if tag.__class__ is not str:
            continue
        name = local_of.get(tag) or _local_name(tag)
        if name == keep:
            kept.append(child)
            continue
        wanted = spec.get(name)
        if wanted is None:
            continue
        attr = wanted[0]
        if attr in values or name in problems:
            continue
        try:
            values[attr] = wanted[1](child.text)
        except ValueProblem as exc:
            problems[name] = str(exc)
    return values, kept


def fam_from_element(el: etree._Element) -> Fam:
    problems: dict[str, str] = {}
    values, _ = _read_fields(el, _FAM_SPEC, problems)
    return Fam(
        type=str(values.get("type") or "").upper(),
        code=values.get("code"),
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        problems=problems,
        line=el.sourceline,  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)
    )


def delivery_from_element(el: etree._Element) -> Delivery:
    problems: dict[str, str] = {}
    values, fam_els = _read_fields(el, _DELIVERY_SPEC, problems, keep="LearningDeliveryFAM")
    fams = tuple([fam_from_element(f) for f in fam_els])
    return Delivery(**values, fams=fams, problems=problems, line=el.sourceline)  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)


def _dates(elements: list[etree._Element], entity: str, field_name: str, problems: dict[str, str]) -> tuple[date, ...]:
    found = []
    for child in elements:
        text = None
        for sub in child:  # child_text, inlined: the first element child of that name
            tag = sub.tag
            if tag.__class__ is str and (_LOCAL.get(tag) or _local_name(tag)) == field_name:
                text = sub.text if sub.text is not None else ""
                break
        try:
            value = _read_date(text)
        except ValueProblem as exc:
            problems[f"{entity}/{field_name}"] = str(exc)
            continue
        if value is not None:
            found.append(value)
    return tuple(found)


def learner_from_element(el: etree._Element, position: int | None = None,
                         duplicate_of: int | None = None) -> Learner:
    problems: dict[str, str] = {}
    groups = by_name(el)
    refs = groups.get("LearnRefNumber")
    ref = ((refs[0].text or "") if refs else "").strip()
    dobs = groups.get("DateOfBirth")
    try:
        dob = _read_date(dobs[0].text) if dobs else None
    except ValueProblem:
        # The raw value is personal data, so the problem does not repeat it.
        problems["DateOfBirth"] = (f"is not a real date in the form YYYY-MM-DD between {MIN_YEAR} and {MAX_YEAR} "
                                   "(the value is not shown: it is personal data)")
        dob = None
    return Learner(
        learn_ref=ref or "(no LearnRefNumber)",
        deliveries=tuple([delivery_from_element(d) for d in groups.get("LearningDelivery", ())]),
        date_of_birth=dob,
        employment_dates=_dates(groups.get("LearnerEmploymentStatus", []), "LearnerEmploymentStatus",
                                "DateEmpStatApp", problems),
        prior_attain_dates=_dates(groups.get("PriorAttain", []), "PriorAttain", "DateLevelApp", problems),
        # A <Learner> trimmed to its reference and aims says nothing about date of birth or employment:
        # learner-level rules run only when some of those details were given.
        has_learner_details=any(name not in {"LearnRefNumber", "LearningDelivery"} for name in groups),
        problems=problems,
        line=el.sourceline,  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)
        position=position,
        duplicate_of=duplicate_of,
    )
