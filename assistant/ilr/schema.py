"""The schema check DfE runs first: each learner against the year's official XSD.

DfE validates an ILR file against the teaching year's XSD before any rule runs
and rejects the whole file when it fails. The reader tolerates spaces and case
so that it can diagnose the rest, so this module says what it tolerated:

* ``xsd`` issues: the XSD rejects the value as written (``<LearnAimRef>
  ZPROG001</LearnAimRef>`` is 9 characters, the XSD allows 8; an over-long
  ConRefNumber; a date written 20/12/2022; elements out of order). These are
  ``Schema`` errors, official where the year's XSD is held.
* ``normalised`` issues: the XSD accepts the text but the tool read past
  spaces or lower case (``sof`` for ``SOF``, `` SB-1`` for ``SB-1``); DfE
  compares codes as written, so they are warnings with the clean value.

A pasted ``<Learner>`` or bare ``<LearningDelivery>`` is validated against the
schema's own type for that element (the local declaration is made global in
a copy of the XSD), so a snippet gets the same check as a whole file.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from typing import Iterable, Literal, Protocol

from lxml import etree

# lxml-stubs 0.5.1 lags lxml: ``sourceline`` is typed ``...`` (lxml-stubs#93, fixed upstream, not released),
# ``_ErrorLog`` is declared empty, and slicing an element, ``clear(keep_tail=)`` and XMLSyntaxError's
# (message, code, line, column) are missing; each ``type: ignore`` naming lxml-stubs is one of those.

from .years import held_years, year_facts, year_index

Kind = Literal["xsd", "normalised"]
XS = "{http://www.w3.org/2001/XMLSchema}"
#: Elements a snippet may be: the schema's local declarations made global.
ROOTS = ("Learner", "LearningDelivery")
#: Reported by the FD_*_MA rules already; a snippet is often cut down on purpose.
MANDATORY_REPORTED = {"LearnAimRef", "AimType", "AimSeqNumber", "LearnStartDate", "LearnPlanEndDate", "FundModel",
                      "CompStatus"}
#: String fields whose spaces and case the reader tolerates.
CODE_FIELDS_UPPER = {"LearnAimRef", "LearnDelFAMType"}
STRING_FIELDS = {"LearnAimRef", "ConRefNumber", "LearnDelFAMType", "LearnDelFAMCode", "LearnRefNumber"}
_STRING_TAGS = tuple(sorted(f"{{*}}{n}" for n in STRING_FIELDS))
CONSEQUENCE = "DfE rejects the whole file until this is fixed"


class LogEntry(Protocol):
    """What this module reads of one libxml2 message in a validator's error log (lxml's ``_LogEntry``)."""

    @property
    def message(self) -> str: ...
    @property
    def path(self) -> str | None: ...
    @property
    def line(self) -> int: ...


@dataclass(frozen=True)
class SchemaIssue:
    """One value the XSD rejects, or one the reader read past, on one element."""

    kind: Kind
    element: str
    value: str | None
    constraint: str
    line: int | None = None
    aim_seq: int | None = None
    fam_type: str | None = None
    #: The value to write instead, when the fix is certain (spaces, case); None when a person must decide.
    clean: str | None = None
    #: The FAM's code and date (to find it again), for FAM issues.
    fam_code: str | None = None
    fam_date_from: str | None = None

    def detail(self) -> str:
        where = f"{self.fam_type or 'FAM'} {self.element}" if self.fam_type and self.element.startswith("LearnDelFAM") \
            else self.element
        written = f" is written {shown(self.value)}" if self.value is not None else ""
        fix = f"; write {shown(self.clean)}" if self.clean is not None and self.clean != self.value else ""
        tail = f": {CONSEQUENCE}" if self.kind == "xsd" else ""
        return f"{where}{written}: {self.constraint}{fix}{tail}"


def shown(value: str | None) -> str:
    """A value with its whitespace made visible: ``' ZPROG001'`` → ``'␣ZPROG001'``."""
    if value is None:
        return "(none)"
    return "'" + value.replace(" ", "␣").replace("\t", "⇥").replace("\r", "").replace("\n", "↵") + "'"


# -- the schemas ----------------------------------------------------------------------------------

def xsd_year(year: str | None) -> str | None:
    """The held year whose XSD checks a file of ``year``: its own, else the nearest held one.

    Asked once per learner of a whole file, so the answer is memoised with the year facts.
    """
    from ..knowledge_loader import shipped

    return shipped().memo(f"xsd-year:{year}", lambda _kb: _xsd_year(year))


def _xsd_year(year: str | None) -> str | None:
    held = [y for y in held_years() if year_facts(y).xsd]
    if not held:
        return None
    if year in held:
        return year
    if year is None:
        return held[-1]
    return min(held, key=lambda y: (abs(year_index(y) - year_index(year)), -year_index(y)))


@functools.lru_cache(maxsize=8)
def _compiled(year: str) -> tuple[etree.XMLSchema, etree.XMLSchema, str, dict[str, tuple[str, ...]]]:
    """The year's XSD, compiled once, as two schemas and the children order of each entity.

    * structure: the XSD with Learner and LearningDelivery also declared globally, so a snippet
      is checked against the schema's own type for it;
    * values: every leaf element of the XSD declared under one ``Probe`` element, so each value is
      checked against its own type even where the structure check stopped early (libxml2 stops
      checking an element's children at the first element out of place).
    """
    from ..knowledge_loader import shipped

    path = shipped().path(f"schemas/{year_facts(year).xsd}")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    doc = etree.parse(str(path), parser)
    root = doc.getroot()
    target = root.get("targetNamespace") or ""
    order: dict[str, tuple[str, ...]] = {}
    leaves: dict[str, etree._Element] = {}
    for el in root.iter(f"{XS}element"):
        name = el.get("name")
        if not name:
            continue
        seq = el.find(f"{XS}complexType/{XS}sequence")
        if seq is not None:
            order.setdefault(name, tuple(child_name for c in seq.iter(f"{XS}element")
                                         if c.getparent() is seq and (child_name := c.get("name"))))
        elif el.find(f"{XS}complexType") is None and name not in leaves:
            leaves[name] = el
    probe_doc = etree.fromstring(etree.tostring(root))
    for child in list(probe_doc):
        if child.tag == f"{XS}element":
            probe_doc.remove(child)
    probe = etree.SubElement(probe_doc, f"{XS}element", name="Probe")
    choice = etree.SubElement(etree.SubElement(probe, f"{XS}complexType"), f"{XS}choice", minOccurs="0",
                              maxOccurs="unbounded")
    for leaf in leaves.values():
        glob = copy.deepcopy(leaf)
        for attr in ("minOccurs", "maxOccurs"):
            glob.attrib.pop(attr, "")  # the default only spares a KeyError
        choice.append(glob)
    for name in ROOTS:
        local = next((el for el in root.iter(f"{XS}element") if el.get("name") == name
                      and el.getparent() is not root), None)
        if local is None:
            continue
        glob = copy.deepcopy(local)
        for attr in ("minOccurs", "maxOccurs"):
            glob.attrib.pop(attr, "")
        root.append(glob)
    return etree.XMLSchema(doc), etree.XMLSchema(probe_doc), target, order


#: Compiled once: ``el.xpath(...)`` would compile the expression again for every learner.
_FOREIGN = etree.XPath("count(descendant-or-self::*[namespace-uri() != $ns])")


@functools.lru_cache(maxsize=8)
def _wildcards(year: str) -> bool:
    """Whether the year's XSD has ``xs:any`` / ``xs:anyAttribute`` (none of the held ones has)."""
    from ..knowledge_loader import shipped

    text = shipped().path(f"schemas/{year_facts(year).xsd}").read_text(encoding="utf-8", errors="replace")
    return ":any " in text or ":any>" in text or ":any/" in text or ":anyAttribute" in text


def _all_in(el: etree._Element, namespace: str) -> bool:
    return _FOREIGN(el, ns=namespace) == 0


def _retagged(el: etree._Element, namespace: str) -> etree._Element:
    """A copy of the element with every tag in the schema's namespace (snippets are often unqualified)."""
    out = copy.deepcopy(el)
    for node in out.iter():
        if isinstance(node.tag, str):
            node.tag = f"{{{namespace}}}{etree.QName(node).localname}"
    etree.cleanup_namespaces(out)
    return out


# -- checking -------------------------------------------------------------------------------------

_ELEMENT = re.compile(r"^Element '(?:\{[^}]*\})?([\w.-]+)'(?:, attribute '[^']*')?: ")


def check_element(el: etree._Element, year: str | None, *, snippet: bool) -> list[SchemaIssue]:
    """Every schema issue of one ``<Learner>`` or ``<LearningDelivery>`` for the given teaching year.

    ``snippet``: the element was pasted, not read from a whole file, so a missing element is not
    reported (people paste a record cut down to what matters); values and order still are.
    """
    name = etree.QName(el).localname
    used = xsd_year(year)
    issues: list[SchemaIssue] = []
    reported: set[int] = set()
    target_el = el
    if used is not None and name in ROOTS:
        structure, values, target, order = _compiled(used)
        # The common case first (every learner of a good file of that year): valid as it is. With no
        # wildcard in the XSD, an element valid as it is has every descendant in the schema's namespace,
        # so this is the answer the namespace test and the check below would give.
        if not _wildcards(used) and el.tag.startswith(f"{{{target}}}") and structure.validate(el):
            return _normalised(el, reported)
        # In the schema's namespace already (a file of that year): checked as it is; otherwise a copy
        # with the same children and lines in the schema's namespace.
        probe = el if _all_in(el, target) else _retagged(el, target)
        target_el = probe
        if structure.validate(probe):
            return issues + _normalised(probe, reported)  # valid as a whole: values are valid too
        issues.extend(_structure(structure.error_log, probe, snippet, order))  # type: ignore[arg-type]  # lxml-stubs (_ErrorLog)
        if name == "Learner":
            # libxml2 stops at a learner's first misplaced or missing element (a pasted learner is often
            # cut down): each aim is also checked against the LearningDelivery type on its own.
            seen = {(i.aim_seq, i.element, i.constraint) for i in issues}
            for aim in (c for c in probe if isinstance(c.tag, str) and etree.QName(c).localname == "LearningDelivery"):
                alone = copy.deepcopy(aim)  # its own document, so the error paths name its elements
                structure.validate(alone)
                for issue in _structure(structure.error_log, alone, snippet, order):  # type: ignore[arg-type]  # lxml-stubs (_ErrorLog)
                    if (issue.aim_seq, issue.element, issue.constraint) not in seen:
                        seen.add((issue.aim_seq, issue.element, issue.constraint))
                        issues.append(issue)
        holder = etree.Element(f"{{{target}}}Probe")
        pairs = []
        for node in probe.iter():
            if isinstance(node.tag, str) and len(node) == 0 and node is not probe:
                leaf = copy.deepcopy(node)
                holder.append(leaf)
                pairs.append((leaf, node))
        if not values.validate(holder):
            by_name: dict[str, list[etree._Element]] = {}
            for _, node in pairs:  # the holder's children, in order, by name: "/Probe/AimSeqNumber[3]"
                by_name.setdefault(etree.QName(node).localname, []).append(node)
            issues.extend(_values(values.error_log, by_name, reported))  # type: ignore[arg-type]  # lxml-stubs (_ErrorLog)
    issues.extend(_normalised(target_el, reported))
    return issues


def _node_at(root: etree._Element, path: str | None) -> etree._Element | None:
    """The element libxml2's error log names by ``path`` (looked up only for the few elements in error:
    naming every element by its path would be quadratic in a learner with thousands of aims)."""
    if not path:
        return None
    prefixes = set(re.findall(r"(\w+):", path))
    namespace = etree.QName(root).namespace or ""
    # libxml2 names the element from the validated element down ("/ns0:Learner/ns0:LearningDelivery[2]/…"),
    # whether or not that element is the root of its document: resolve the rest from it.
    steps = path.strip("/").split("/", 1)
    if len(steps) == 1:
        return root
    try:
        found = root.xpath("./" + steps[1], namespaces={p: namespace for p in prefixes})
    except etree.XPathError:
        return None
    return found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None


def _expected(rest: str) -> list[str]:
    names = [a or b for a, b in re.findall(r"\{[^}]*\}(\w+)|[(,] ?(\w+)", rest.split("Expected is", 1)[-1])]
    return list(dict.fromkeys(n for n in names if n and n != "one"))


def _structure(log: Iterable[LogEntry], probe: etree._Element, snippet: bool, order: dict[str, tuple[str, ...]]) -> list[SchemaIssue]:
    """Elements out of place or missing (value errors are left to the value check)."""
    out: list[SchemaIssue] = []
    for entry in log:
        m = _ELEMENT.match(entry.message)
        if not m:
            continue
        element, rest = m.group(1), entry.message[m.end():]
        node = _node_at(probe, entry.path)
        expected = _expected(rest)
        if rest.startswith("Missing child element"):
            if snippet or set(expected) <= MANDATORY_REPORTED:
                continue
            out.append(_issue("xsd", element, None, "a required element is missing: " + ", ".join(expected),
                              _line(node, entry), node))
        elif rest.startswith("This element is not expected"):
            later = set()
            if node is not None:
                later = {etree.QName(s).localname for s in node.itersiblings() if isinstance(s.tag, str)}
            if expected and not later & set(expected):
                # Nothing expected comes later: a required element is missing, not out of order.
                if snippet or set(expected) & MANDATORY_REPORTED:
                    continue
                out.append(_issue("xsd", element, None, "a required element is missing before it: one of "
                                  + ", ".join(expected), _line(node, entry), node))
            else:
                out.append(_issue("xsd", element, None, "elements must come in the ILR schema's order" +
                                  (f"; expected here: {', '.join(expected)}" if expected else
                                   "; this element is not allowed here"), _line(node, entry), node))
    return out


def _line(node: etree._Element | None, entry: LogEntry) -> int | None:
    return node.sourceline if node is not None else (entry.line or None)  # type: ignore[return-value]  # lxml-stubs#93 (sourceline)


_PROBE_PATH = re.compile(r"^/(?:\w+:)?Probe/(?:\w+:)?(\w+)(?:\[(\d+)\])?$")


def _values(log: Iterable[LogEntry], by_name: dict[str, list[etree._Element]], reported: set[int]) -> list[SchemaIssue]:
    out: list[SchemaIssue] = []
    seen: set[str] = set()
    for entry in log:
        m = _ELEMENT.match(entry.message)
        if not m or m.group(1) == "Probe" or not entry.path or entry.path in seen:
            continue
        seen.add(entry.path)
        element, rest = m.group(1), entry.message[m.end():]
        at = _PROBE_PATH.match(entry.path)
        nodes = by_name.get(at.group(1), []) if at else []
        index = int(at.group(2) or 1) - 1 if at else -1
        node = nodes[index] if 0 <= index < len(nodes) else None
        value = node.text if node is not None else None
        if node is not None:
            reported.add(id(node))
        line = node.sourceline if node is not None else None
        out.append(_issue("xsd", element, value, _plain(rest, value), line, node))  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)
    return out


def _plain(rest: str, value: str | None) -> str:
    """The XSD's complaint in plain words (the parser's own words kept where no better ones exist)."""
    if m := re.search(r"\[facet 'maxLength'\].*maximum length of '(\d+)'", rest):
        return f"the ILR schema allows at most {m.group(1)} characters here"
    if m := re.search(r"\[facet 'minLength'\].*minimum length of '(\d+)'", rest):
        return f"the ILR schema needs at least {m.group(1)} character(s) here"
    if "[facet 'pattern']" in rest:
        return "the ILR schema does not allow these characters here"
    if "[facet 'totalDigits']" in rest:
        return "the ILR schema allows fewer digits here"
    if "[facet 'enumeration']" in rest:
        return "the ILR schema allows only its listed values here"
    if "atomic type 'xs:date'" in rest:
        return "the ILR schema needs a real date written YYYY-MM-DD"
    if "atomic type 'xs:int'" in rest or "atomic type 'xs:long'" in rest or "atomic type 'xs:decimal'" in rest:
        return "the ILR schema needs a whole number here"
    if rest.startswith("This element is not expected."):
        expected = re.findall(r"\{[^}]*\}(\w+)|\( (\w+)", rest)
        names = [a or b for a, b in expected]
        return ("elements must come in the ILR schema's order" +
                (f"; expected here: {', '.join(dict.fromkeys(names))}" if names else "; this element is not allowed here"))
    if rest.startswith("Missing child element"):
        expected = [a or b for a, b in re.findall(r"\{[^}]*\}(\w+)|\( (\w+)", rest)]
        return "a required element is missing: " + ", ".join(dict.fromkeys(expected))
    return "the ILR schema rejects it (" + re.sub(r"\{[^}]*\}", "", rest).strip().rstrip(".") + ")"


def _context(node: etree._Element | None) -> tuple[int | None, str | None, str | None, str | None]:
    """The aim sequence number and FAM (type, code, date) an element belongs to."""
    seq = fam_type = code = date_from = None
    cur = node
    while cur is not None:
        local = etree.QName(cur).localname if isinstance(cur.tag, str) else ""
        if local == "LearningDeliveryFAM":
            fam_type = _child(cur, "LearnDelFAMType")
            fam_type = fam_type.strip().upper() if fam_type else None
            code = (_child(cur, "LearnDelFAMCode") or "").strip() or None
            date_from = (_child(cur, "LearnDelFAMDateFrom") or "").strip() or None
        if local == "LearningDelivery":
            text = (_child(cur, "AimSeqNumber") or "").strip()
            seq = int(text) if text.isdigit() else None
            break
        cur = cur.getparent()
    return seq, fam_type, code, date_from


def _child(el: etree._Element, name: str) -> str | None:
    for c in el:
        if isinstance(c.tag, str) and etree.QName(c).localname == name:
            return c.text
    return None


def _issue(kind: Kind, element: str, value: str | None, constraint: str, line: int | None,
           node: etree._Element | None, clean: str | None = None) -> SchemaIssue:
    seq, fam_type, code, date_from = _context(node)
    if clean is None and value is not None and element in STRING_FIELDS and value != value.strip():
        stripped = value.strip()
        clean = stripped.upper() if element in CODE_FIELDS_UPPER else stripped
        limit = re.search(r"\d+", constraint) if "at most" in constraint else None  # "at most N characters"
        if limit is not None and len(clean) > int(limit.group()):
            clean = None  # still too long without the spaces: a person must decide
    return SchemaIssue(kind, element, value, constraint, line, seq, fam_type, clean, code, date_from)


def _normalised(el: etree._Element, reported: set[int]) -> list[SchemaIssue]:
    """Values the XSD accepts but the reader read past: spaces around a code, a code in lower case."""
    out: list[SchemaIssue] = []
    for node in el.iter(*_STRING_TAGS):
        raw = node.text
        if raw is None:
            continue
        tag = node.tag
        name = tag[tag.rfind("}") + 1:]
        stripped = raw.strip()
        clean = stripped.upper() if name in CODE_FIELDS_UPPER else stripped
        if clean == raw or not stripped:  # nearly every value: decided before anything else is asked
            continue
        if len(node) or name not in STRING_FIELDS or id(node) in reported:
            continue
        why = []
        if stripped != raw:
            why.append("has spaces before or after the code")
        if clean != stripped:
            why.append("is in lower case; DfE's code lists and LARS write it in capitals")
        out.append(_issue("normalised", name, raw, " and ".join(why) + " (this tool read past it; DfE compares the "
                          "value as written)", node.sourceline, node, clean))  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)
    return out
