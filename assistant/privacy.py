"""Redaction: the one place that decides what personal data looks like.

Every export (transcripts, reports, bug bundles) and every log line goes
through :func:`redact_text` (free text that may hold pasted XML) or
:func:`redact_xml` (a parsed tree, or XML text), so there is a single list of
personal fields to keep right. The list follows the personal-data tiers in
``research/ilr-xml.md`` §2:

* Tier A, always replaced: names, date of birth, ULN (except the
  ``9999999999`` placeholder), NI number, address lines, home postcodes,
  phone, email, UCAS ids, student support number, HE postcode, XML comments
  and provider-specific monitoring free text. ``LearnRefNumber`` and
  ``PrevLearnRefNumber`` become a stable alias (``L#1``, ``L#2`` …) so that an
  export can still say which record is which.
* Tier B, removed: ethnicity, sex, health and disability, learner FAMs,
  employment-status monitoring, employer ids, prior attainment levels and
  grades, HE socio-economic fields. The dates the rules need
  (``DateEmpStatApp``, ``DateLevelApp``) stay.
* Tier C (aims, codes, learning dates, FAMs, ``ConRefNumber``) stays: it is
  what a diagnosis is about, and it is never touched by the patterns below.

Values are also caught outside tags, because people type them: anything that
looks like an NI number, email, UK postcode (the delivery-site postcode
included: for workplace delivery it is an employer's address), UK phone
number or ULN; a date after "DOB" or "born"; a name after "learner", "Mr" or
"called", or before "'s ULN"; ``FamilyName: Smith`` typed or pasted from a
report; and any value already seen in a tag anywhere in the same export.
The patterns err towards removing too much: a stray ``[postcode]`` is
harmless, a leaked one is not.

A :class:`Redactor` holds the alias map and the values seen, so that one
export redacts consistently; the module functions make a fresh one per call
unless given one. Every scan is linear in the input (bounded windows, no
nested unbounded repetition), so a hostile 50 MB paste cannot hang an export.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Iterator, overload

from lxml import etree

#: The ULN the ILR uses for "not known"; it identifies no one.
PLACEHOLDER_ULN = "9999999999"

# -- the tiers ------------------------------------------------------------------

#: Tier A: element local name -> the placeholder that replaces its value.
TIER_A: dict[str, str] = {
    "FamilyName": "[name]",
    "GivenNames": "[name]",
    "DateOfBirth": "[date of birth]",
    "ULN": "[ULN]",
    "NINumber": "[NI number]",
    "AddLine1": "[address]",
    "AddLine2": "[address]",
    "AddLine3": "[address]",
    "AddLine4": "[address]",
    "Postcode": "[postcode]",
    "PostcodePrior": "[postcode]",
    "LSDPostcode": "[postcode]",
    "HEPostCode": "[postcode]",
    "TelNo": "[phone]",
    "Email": "[email]",
    "UCASPERID": "[UCAS id]",
    "UCASAPPID": "[UCAS id]",
    "SSN": "[student support number]",
    "ProvSpecLearnMon": "[free text removed]",
    "ProvSpecDelMon": "[free text removed]",
}
#: Free text: removed, but not remembered as a value to look for elsewhere.
FREE_TEXT: frozenset[str] = frozenset({"ProvSpecLearnMon", "ProvSpecDelMon"})
#: Pseudonymous keys: replaced by a stable alias rather than removed.
ALIASED: frozenset[str] = frozenset({"LearnRefNumber", "PrevLearnRefNumber"})
#: Tier B: special-category or sensitive attributes; leaf values removed
#: (containers keep their structure, so dates such as DateEmpStatApp survive).
TIER_B: frozenset[str] = frozenset({
    "Ethnicity", "Sex", "LLDDHealthProb", "LLDDCat", "PrimaryLLDD",
    "LearnFAMType", "LearnFAMCode",
    "EmpStat", "ESMType", "ESMCode", "EmpId", "WorkPlaceEmpId",
    "ALSCost", "PriorAttain", "PriorLevel", "MathGrade", "EngGrade",
    "Accom", "SEC", "SOC", "SOC2000", "TTACCOM", "DOMICILE", "PERMADDCOUNTRY",
    "FINTYPE", "FINAMOUNT",
})
#: Tier C leaves whose values are codes, references or learning dates: kept
#: exactly (a ConRefNumber can look like an NI number, a LearnRefNumber can be
#: a substring of a ConRefNumber).
SAFE: frozenset[str] = frozenset({
    "LearnAimRef", "AimType", "AimSeqNumber", "LearnStartDate", "OrigLearnStartDate", "LearnPlanEndDate",
    "FundModel", "ProgType", "FworkCode", "PwayCode", "StdCode", "PartnerUKPRN", "AddHours", "PHours",
    "OTJActHours", "PriorLearnFundAdj", "OtherFundAdj", "ConRefNumber", "EPAOrgID", "EmpOutcome", "CompStatus",
    "LearnActEndDate", "WithdrawReason", "Outcome", "AchDate", "OutGrade", "SWSupAimId", "TLOut",
    "LearnDelFAMType", "LearnDelFAMCode", "LearnDelFAMDateFrom", "LearnDelFAMDateTo",
    "DateEmpStatApp", "DateLevelApp", "UKPRN", "PrevUKPRN", "PMUKPRN", "Year", "FilePreparationDate",
    "DateTime", "Collection", "SerialNo", "Release", "ProtectiveMarking", "CampId", "PlanLearnHours",
    "PlanEEPHours", "AFinType", "AFinCode", "AFinDate", "AFinAmount", "ProvSpecLearnMonOccur",
    "ProvSpecDelMonOccur",
})

REMOVED = "[removed]"
COMMENT = " [comment removed] "
#: Values seen in tags are replaced everywhere only when at least this long,
#: so that a learner reference "12" does not turn every "12" into "L#1".
_MIN_KNOWN = 3
#: Longer values are not remembered (no ILR field is longer than 100; the tag itself is still redacted).
_MAX_KNOWN = 100
#: Up to this many remembered values are found with one trie-shaped regex;
#: beyond it (a whole college file) with a dictionary lookup per word.
_TRIE_LIMIT = 2000
#: How far after an opening tag its value is looked for (ILR values are at
#: most 100 characters; the bound keeps every scan linear).
_WINDOW = 4096

# -- patterns -------------------------------------------------------------------

#: A trie of characters: each key one character ("" marks the end of a word), each value the rest.
_Trie = dict[str, "_Trie"]


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex for many literal values, as a trie, so the work per character does not grow with them.

    Longer values win over their prefixes ("Mary Jane" before "Mary").
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return "(?:" + build(trie) + ")"



_PREFIX = r"(?:[A-Za-z_][\w.\-]{0,100}:)?"
#: Markup, and whole Tier C elements, matched first and left alone, so that a
#: learner called "Learner" cannot break a tag and no pattern touches a code.
_PROTECTED = (
    r"(?P<protected><" + _PREFIX + _trie_pattern(SAFE) + r"(?=[\s>])"
    r"[^<>]{0,2000}>[^<]{0,1000}</[^<>]{0,300}>|<[^<>]{0,2000}>)"
)
_NAME_CHARS = r"[A-Za-zÀ-ÖØ-öø-ÿ'’\-]"
_CAP_WORD = rf"[A-ZÀ-ÖØ-Þ]{_NAME_CHARS}{{1,40}}(?![\w])"
_NAMES = rf"{_CAP_WORD}(?:[ \t]{{1,4}}{_CAP_WORD}){{0,2}}"
_DATE = (r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
         r"|\d{1,2}(?:st|nd|rd|th)?\s{1,3}(?:of\s{1,3})?[A-Za-z]{3,9}\.?,?\s{1,3}\d{2,4})")

#: An NI number as people write it: two letters, six digits run together or in pairs split by single
#: spaces, an optional suffix letter A-D. Without a cue ("NI", "NINO") the letters must be capitals:
#: "or 2022-12-20" and "in 2023-24" are words and dates, not NI numbers (nor is anything that runs on
#: into more digits, as a date does).
_NI = (r"[A-Z]{2}(?:[ ]?\d{6}|[ ]?\d{2}[ ]\d{2}[ ]\d{2})(?:[ ]?[A-D])?"
       r"(?![A-Za-z0-9]|[\-/.:]\d)")

#: Structured values, in one pass; at any position the first alternative that matches wins.
_STRUCTURED = re.compile(
    _PROTECTED
    + r"|(?P<email>[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8})"
    + r"|(?P<uln_cue>(?i:\bULN\b)[^\dA-Za-z\n<]{0,12})(?P<uln_value>\d{5,15})(?!\d)"
    + r"|(?P<dob_cue>(?i:\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|born(?: on)?|birthday)\b)[^\d\n<]{0,20})"
      rf"(?P<dob_value>{_DATE})"
    + rf"|(?P<ni_cue>(?i:\b(?:NI|NINO|national insurance)\b(?:[ \t]{{1,3}}(?:number|no\.?))?)[^\dA-Za-z\n<]{{0,12}}"
      rf"(?:is[ \t]{{1,3}})?)(?P<ni_value>(?i:{_NI}))"
    + rf"|(?P<ni>(?<![A-Za-z0-9]){_NI})"
    + r"|(?P<phone>(?<![\w+])(?:\+44[ \-]?(?:\(0\)[ \-]?)?|0)\d(?:[ \-]?\d){8,9}(?!\w))"
    + r"|(?P<uln>(?<![\w\-])\d{10}(?![\w\-]))"
    + r"|(?P<postcode>(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]{0,3}\d[A-Za-z]{2}(?![A-Za-z0-9]))"
)
_STRUCTURED_PLACEHOLDER = {"email": "[email]", "ni": "[NI number]", "phone": "[phone]", "postcode": "[postcode]"}

#: A name after a cue word or title, or before "'s ULN" and the like.
_CUED_NAMES = re.compile(
    _PROTECTED
    + r"|(?P<cue>(?i:\b(?:learner|student|apprentice|trainee|candidate|name is|named|called|surname|forename|"
      r"first name|last name|family name|given names?))[ \t]{0,3}[:=]?[ \t]{0,3}"
      r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]{1,3})"
    + rf"(?P<cued>{_NAMES})"
    + rf"|(?P<owner>{_NAMES})['’]s\s{{1,3}}"
      r"(?=(?i:ULN|NI\b|NINO|national insurance|DOB|date of birth|birthday|post ?code|address|e-?mail|phone|"
      r"mobile|tel\b|telephone|details|name|surname))"
)
#: Words that follow a cue like "called" in the assistant's own sentences and are not names.
_NOT_NAMES: frozenset[str] = frozenset(set(TIER_A) | ALIASED | TIER_B | SAFE | {
    "Learner", "LearningDelivery", "LearningDeliveryFAM", "LearnerEmploymentStatus", "Message", "Header",
    "Skills", "Bootcamp", "Bootcamps", "ILR", "ESFA", "DfE", "Outcome", "Withdrawn", "Completed", "Continuing",
    "The", "This", "That", "A", "An", "Yes", "No", "None", "Unknown", "Not", "Aim", "Record",
})

_ANY_VALUE = re.compile(r".{1,100}", re.S)
#: What a typed value must look like to be taken as one (so that prose after a colon is left alone).
_VALUE_SHAPE: dict[str, re.Pattern[str]] = {
    "[name]": re.compile(rf"{_NAME_CHARS}+(?:[ \t]+{_NAME_CHARS}+){{0,4}}"),
    "[date of birth]": re.compile(_DATE),
    "[ULN]": re.compile(r"\d{5,15}"),
    "[NI number]": re.compile(r"[A-Za-z]{2}[ \d]{6,10}[A-Za-z]?"),
    "[postcode]": re.compile(r"[A-Za-z0-9 ]{2,10}"),
    "[phone]": re.compile(r"[+\d][\d ()\-]{5,20}"),
    "[email]": re.compile(r"\S+@\S+"),
    "[UCAS id]": re.compile(r"[A-Za-z0-9\-]{1,20}"),
    "[student support number]": re.compile(r"[A-Za-z0-9\-]{1,20}"),
}
#: ``FamilyName: Smith`` or ``Email=jo@x`` typed, or pasted from a CSV or report.
_FIELD_VALUE = re.compile(
    r"\b(" + _trie_pattern(set(TIER_A) | ALIASED) + r")\b"
    r"[ \t]{0,3}[:=][ \t]{0,3}(\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'|[^,;<>\n\t|]{1,200})")
#: A start tag whose local name is personal (the value is found by scanning on).
_OPEN_TAG = re.compile(
    "<" + _PREFIX + "(" + _trie_pattern(set(TIER_A) | ALIASED | TIER_B) + r")(?=[\s/>])[^<>]{0,2000}?(/?)>")
_WORD_SPLIT = re.compile(r"[\s,]+")
_CLOSE_CACHE: dict[str, re.Pattern[str]] = {}


# -- the redactor ---------------------------------------------------------------

@dataclass
class Redactor:
    """Redaction state for one export: learner aliases and personal values already seen.

    ``text`` learns the values in its own input before replacing anything, so
    a name typed before the XML that reveals it is still caught; use one
    Redactor for a whole export so that ``L#1`` means the same learner
    throughout, and ``harvest`` any tree the session read first.
    """

    aliases: dict[str, str] = field(default_factory=dict)
    #: value -> placeholder, for values seen in tags (replaced anywhere in later text).
    known: dict[str, str] = field(default_factory=dict)
    _known_re: re.Pattern[str] | None = field(default=None, repr=False)

    # -- learning ------------------------------------------------------------
    def alias(self, ref: str | None) -> str:
        """``L#1``, ``L#2`` …, the same for the same reference within this redactor."""
        key = (ref or "").strip()
        if not key:
            return "L#?"
        if key not in self.aliases:
            self.aliases[key] = f"L#{len(self.aliases) + 1}"
            self._known_re = None
        return self.aliases[key]

    def remember(self, value: str | None, placeholder: str) -> None:
        """Treat ``value`` (and its usual spellings) as personal wherever it appears from now on."""
        value = (value or "").strip()
        if not value or value == PLACEHOLDER_ULN:
            return
        variants = {value}
        if placeholder == "[name]":
            variants |= {w for w in _WORD_SPLIT.split(value) if w}
            variants |= {v.upper() for v in list(variants)} | {v.title() for v in list(variants)}
        elif placeholder == "[date of birth]":
            m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
            if m:
                y, mo, d = m.groups()
                variants |= {f"{d}/{mo}/{y}", f"{int(d)}/{int(mo)}/{y}", f"{d}-{mo}-{y}", f"{d}.{mo}.{y}"}
        elif placeholder == "[postcode]":
            variants |= {value.upper(), value.replace(" ", ""), value.upper().replace(" ", "")}
        for v in variants:
            if _MIN_KNOWN <= len(v) <= _MAX_KNOWN and self.known.get(v) != placeholder:
                self.known[v] = placeholder
                self._known_re = None

    def harvest(self, source: str | etree._Element | None) -> None:
        """Learn the personal values in a tree, or in text that holds tags."""
        if source is None:
            return
        if isinstance(source, str):
            for name, value in _tag_values(source):
                self._learn(name, value)
            return
        for el in source.iter():
            name = _local(el)
            if name in TIER_A or name in ALIASED:
                self._learn(name, el.text or "")

    def _learn(self, name: str, value: str) -> None:
        if name in ALIASED:
            ref = value.strip()
            if ref and not ref.startswith("L#"):
                self.alias(ref)
        elif name in TIER_A and name not in FREE_TEXT:
            self.remember(value, TIER_A[name])

    # -- redacting -----------------------------------------------------------
    def text(self, text: str) -> str:
        """Free text (a transcript, a log line, a pasted snippet) with personal data replaced."""
        if not text:
            return text
        self.harvest(text)
        text = _redact_tags(text, self)
        text = _redact_comments(text)
        return self.free_text(text)

    def free_text(self, text: str) -> str:
        """The patterns for values outside tags; markup and Tier C elements are left alone."""
        text = _FIELD_VALUE.sub(self._field_value, text)
        text = self._replace_known(text)
        text = _STRUCTURED.sub(_structured, text)
        return _CUED_NAMES.sub(_cued_name, text)

    def _field_value(self, m: re.Match[str]) -> str:
        name, value = m.group(1), m.group(2)
        raw = value.strip().strip("\"'").strip()
        shape = _VALUE_SHAPE.get(TIER_A.get(name, ""), _ANY_VALUE)
        if not raw or not shape.fullmatch(raw):
            return m.group(0)  # "DateOfBirth: is not a real date" is a sentence, not a value
        if name in ALIASED:
            replacement = self.alias(raw)
        elif name == "ULN" and raw == PLACEHOLDER_ULN:
            return m.group(0)
        else:
            if name not in FREE_TEXT:
                self.remember(raw, TIER_A[name])
            replacement = TIER_A[name]
        return m.group(0)[: m.start(2) - m.start(0)] + replacement

    def _table(self) -> dict[str, str]:
        return {**self.known, **{ref: alias for ref, alias in self.aliases.items()
                                 if _MIN_KNOWN <= len(ref) <= _MAX_KNOWN}}

    def _replace_known(self, text: str) -> str:
        """Every remembered value, wherever it stands as a whole word outside markup and codes."""
        table = self._table()
        if not table:
            return text
        if len(table) > _TRIE_LIMIT:
            return _replace_by_lookup(text, table)
        if self._known_re is None:
            self._known_re = re.compile(
                _PROTECTED + r"|(?<![A-Za-z0-9])" + _trie_pattern(table) + r"(?![A-Za-z0-9])")
        return self._known_re.sub(lambda m: m.group(0) if m.group("protected") else table[m.group(0)], text)

    @overload
    def xml(self, source: str) -> str: ...
    @overload
    def xml(self, source: etree._Element) -> etree._Element: ...

    def xml(self, source: str | etree._Element) -> str | etree._Element:
        """A redacted copy of a tree (an element in, an element out), or of XML text (text out)."""
        if isinstance(source, str):
            return self.text(source)
        tree = copy.deepcopy(source)
        self.harvest(tree)
        for el in list(tree.iter()):
            if isinstance(el, etree._Comment):
                el.text = COMMENT
                continue
            if isinstance(el, etree._ProcessingInstruction):
                if el.text:
                    el.text = REMOVED
                continue
            self._redact_element(el)
        return tree

    def _redact_element(self, el: etree._Element) -> None:
        name = _local(el)
        text = el.text or ""
        value = text.strip()
        leaf = len(el) == 0
        if name in ALIASED and leaf and value:
            el.text = self.alias(value)
        elif name in TIER_A and value and not (name == "ULN" and value == PLACEHOLDER_ULN):
            el.text = TIER_A[name]
            for child in list(el):
                el.remove(child)
        elif name in TIER_B and leaf and value:
            el.text = REMOVED
        elif value and name not in SAFE:
            el.text = self.free_text(text)
        for key, attr in list(el.attrib.items()):
            el.attrib[key] = self.free_text(attr)  # type: ignore[arg-type]  # lxml-stubs say str | bytes; lxml reads str
        if el.tail and el.tail.strip():
            el.tail = self.free_text(el.tail)


# -- helpers ----------------------------------------------------------------------

def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1:]


def _structured(m: re.Match[str]) -> str:
    kind = m.lastgroup
    if m.group("protected") is not None:
        return m.group(0)
    if kind == "uln_value":
        if m.group("uln_value") == PLACEHOLDER_ULN:
            return m.group(0)
        return m.group("uln_cue") + "[ULN]"
    if kind == "ni_value":
        return m.group("ni_cue") + "[NI number]"
    if kind == "dob_value":
        return m.group("dob_cue") + "[date of birth]"
    if kind == "uln":
        return m.group(0) if m.group(0) == PLACEHOLDER_ULN else "[ULN]"
    assert kind is not None  # every alternative of _STRUCTURED is a named group
    return _STRUCTURED_PLACEHOLDER[kind]


def _is_not_name(words: str) -> bool:
    parts = words.split()
    return not parts or parts[0] in _NOT_NAMES


def _cued_name(m: re.Match[str]) -> str:
    if m.group("protected") is not None:
        return m.group(0)
    if m.group("cued") is not None:
        return m.group(0) if _is_not_name(m.group("cued")) else m.group("cue") + "[name]"
    if _is_not_name(m.group("owner")):
        return m.group(0)
    return "[name]" + m.group(0)[len(m.group("owner")):]


_LEAD = re.compile(r"[A-Za-z0-9]+")
_RUNS = re.compile(_PROTECTED + r"|(?<![A-Za-z0-9])[A-Za-z0-9]+")


def _replace_by_lookup(text: str, table: dict[str, str]) -> str:
    """The same replacement as the trie regex, for tables too big to compile.

    Values are filed under their leading run of letters and digits; at the
    start of each such run in the text, the longest value filed there that
    the text continues with (and that ends at a word boundary) is replaced.
    """
    by_lead: dict[str, list[str]] = {}
    for value in table:
        m = _LEAD.match(value)
        if m:
            by_lead.setdefault(m.group(0), []).append(value)
    for values in by_lead.values():
        values.sort(key=len, reverse=True)
    out: list[str] = []
    pos = 0
    for m in _RUNS.finditer(text):
        if m.start() < pos or m.group("protected") is not None:
            continue
        for value in by_lead.get(m.group(0), ()):
            end = m.start() + len(value)
            if text.startswith(value, m.start()) and not (end < len(text) and text[end].isascii()
                                                          and text[end].isalnum()):
                out.append(text[pos:m.start()])
                out.append(table[value])
                pos = end
                break
    out.append(text[pos:])
    return "".join(out)


def _close_tag(name: str) -> re.Pattern[str]:
    pattern = _CLOSE_CACHE.get(name)
    if pattern is None:
        pattern = _CLOSE_CACHE[name] = re.compile("</" + _PREFIX + name + r"\s{0,100}>")
    return pattern


def _value_span(text: str, m: re.Match[str]) -> tuple[int, int, bool]:
    """(value start, value end, whether it is a leaf) for the open tag ``m``.

    A leaf's value runs to its close tag, passing over CDATA sections. If
    another tag comes first, the element is a container (its children are
    redacted one by one) or the paste was cut short: the value then runs to
    that tag. With no tag at all, it runs to the end of the line (or the
    window). Each character is looked at once.
    """
    start = m.end()
    limit = min(len(text), start + _WINDOW)
    i = start
    while True:
        lt = text.find("<", i, limit)
        if lt < 0:
            nl = text.find("\n", start, limit)
            return start, (nl if nl >= 0 else limit), True
        if text.startswith("<![CDATA[", lt):
            close = text.find("]]>", lt, limit)
            if close < 0:
                return start, limit, True
            i = close + 3
            continue
        if _close_tag(m.group(1)).match(text, lt):
            return start, lt, True
        return start, lt, False


def _strip_cdata(value: str) -> str:
    return value.replace("<![CDATA[", "").replace("]]>", "")


def _tag_values(text: str) -> Iterator[tuple[str, str]]:
    """(local name, raw value) of each personal tag in text that may not be well formed."""
    pos = 0
    while True:
        m = _OPEN_TAG.search(text, pos)
        if not m:
            return
        pos = m.end()
        if m.group(2):  # <Tag/>: no value
            continue
        start, end, _ = _value_span(text, m)
        if end - start <= 2 * _MAX_KNOWN:  # longer is not a value worth remembering (the tag is still redacted)
            yield m.group(1), _strip_cdata(text[start:end])


def _redact_tags(text: str, redactor: Redactor) -> str:
    out: list[str] = []
    pos = 0
    while True:
        m = _OPEN_TAG.search(text, pos)
        if not m:
            break
        replacement = None
        if not m.group(2):  # self-closing tags hold nothing
            name = m.group(1)
            start, end, leaf = _value_span(text, m)
            raw = _strip_cdata(text[start:end]).strip()
            if raw and name in ALIASED:
                replacement = redactor.alias(raw) if leaf else None
            elif raw and name in TIER_A:
                replacement = None if name == "ULN" and raw == PLACEHOLDER_ULN else TIER_A[name]
            elif raw and leaf:  # Tier B leaves; containers keep their children, handled one by one
                replacement = REMOVED
        if replacement is None:
            out.append(text[pos:m.end()])
            pos = m.end()
            continue
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _redact_comments(text: str) -> str:
    out: list[str] = []
    pos = 0
    while True:
        i = text.find("<!--", pos)
        if i < 0:
            break
        j = text.find("-->", i + 4)
        out.append(text[pos:i])
        out.append("<!--" + COMMENT + "-->")
        pos = len(text) if j < 0 else j + 3
    out.append(text[pos:])
    return "".join(out)


# -- the module interface ------------------------------------------------------

def redact_text(text: str, redactor: Redactor | None = None) -> str:
    """Free text (transcript, log line, pasted XML) with personal data replaced.

    Pass the export's :class:`Redactor` to keep learner aliases stable across calls.
    """
    return (redactor or Redactor()).text(text)


@overload
def redact_xml(source: str, redactor: Redactor | None = None) -> str: ...
@overload
def redact_xml(source: etree._Element, redactor: Redactor | None = None) -> etree._Element: ...


def redact_xml(source: str | etree._Element, redactor: Redactor | None = None) -> str | etree._Element:
    """A redacted copy of a parsed tree, or of XML text (same type out as in)."""
    return (redactor or Redactor()).xml(source)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record's message before any handler sees it.

    Attach it to a handler (``handler.addFilter(RedactingFilter())``) so that
    no log file ever holds a pasted name or ULN.
    """

    def __init__(self, redactor: Redactor | None = None):
        super().__init__()
        self.redactor = redactor or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor.text(record.getMessage())
        record.args = None
        return True
