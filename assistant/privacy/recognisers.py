"""The patterns that recognise a personal value typed outside tags, one kind at a time.

People type values in prose: an NI number, email, UK postcode, phone number,
ULN or street address anywhere; a date after "DOB" or "born"; a name after "learner", "Mr" or
"called", or before "'s ULN"; ``FamilyName: Smith`` typed or pasted from a
report. Each kind is one named alternative with the placeholder it becomes.
Every pattern first matches markup and whole Tier C elements (PROTECTED) and
leaves them alone, so no pattern touches a tag or a code; every one is
linear in its input (bounded repetition only). They err towards removing
too much: a stray ``[postcode]`` is harmless, a leaked one is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .tiers import ALIASED, PLACEHOLDER_ULN, SAFE, TIER_A, TIER_B

#: A trie of characters: each key one character ("" marks the end of a word), each value the rest.
_Trie = dict[str, "_Trie"]


def trie_pattern(words: Iterable[str]) -> str:
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


#: An optional namespace prefix before a tag's local name.
PREFIX = r"(?:[A-Za-z_][\w.\-]{0,100}:)?"
#: Markup, and whole Tier C elements, matched first and left alone, so that a
#: learner called "Learner" cannot break a tag and no pattern touches a code.
PROTECTED = (
    r"(?P<protected><" + PREFIX + trie_pattern(SAFE) + r"(?=[\s>])"
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

#: A street address typed in prose ("lives at 10 Downing Street"): a house number, one to four capitalised
#: words and a street word. The town after it is left (the postcode is caught on its own).
_STREET_WORDS = ("Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Way|Crescent|Court|Place|Gardens|Terrace|Grove|"
                 "Hill|Park|Square|Row|Walk|Mews|Parade|Rise|View|Green")
_ADDRESS = (r"(?<![\w/.\-])\d{1,4}[A-Za-z]?,?[ \t]{1,3}(?:[A-Z][a-z'’\-]{1,30}[ \t]{1,3}){1,4}"
            rf"(?:{_STREET_WORDS})\b\.?")

#: Structured values, in one pass; at any position the first alternative that matches wins.
STRUCTURED = re.compile(
    PROTECTED
    + r"|(?P<email>[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8})"
    + r"|(?P<uln_cue>(?i:\bULN\b)[^\dA-Za-z\n<]{0,12})(?P<uln_value>\d{5,15})(?!\d)"
    + r"|(?P<dob_cue>(?i:\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|born(?: on)?|birthday)\b)[^\d\n<]{0,20})"
      rf"(?P<dob_value>{_DATE})"
    + rf"|(?P<ni_cue>(?i:\b(?:NI|NINO|national insurance)\b(?:[ \t]{{1,3}}(?:number|no\.?))?)[^\dA-Za-z\n<]{{0,12}}"
      rf"(?:is[ \t]{{1,3}})?)(?P<ni_value>(?i:{_NI}))"
    + rf"|(?P<ni>(?<![A-Za-z0-9]){_NI})"
    + rf"|(?P<address>{_ADDRESS})"
    + r"|(?P<phone>(?<![\w+])(?:\+44[ \-]?(?:\(0\)[ \-]?)?|0)\d(?:[ \-]?\d){8,9}(?!\w))"
    + r"|(?P<uln>(?<![\w\-])\d{10}(?![\w\-]))"
    + r"|(?P<postcode>(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]{0,3}\d[A-Za-z]{2}(?![A-Za-z0-9]))"
)
_STRUCTURED_PLACEHOLDER = {"email": "[email]", "ni": "[NI number]", "phone": "[phone]", "postcode": "[postcode]",
                           "address": "[address]"}

#: A name after a cue word or title, or before "'s ULN" and the like.
CUED_NAMES = re.compile(
    PROTECTED
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

ANY_VALUE = re.compile(r".{1,100}", re.S)
#: What a typed value must look like to be taken as one (so that prose after a colon is left alone).
VALUE_SHAPE: dict[str, re.Pattern[str]] = {
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
FIELD_VALUE = re.compile(
    r"\b(" + trie_pattern(set(TIER_A) | ALIASED) + r")\b"
    r"[ \t]{0,3}[:=][ \t]{0,3}(\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'|[^,;<>\n\t|]{1,200})")


def replace_structured(m: re.Match[str]) -> str:
    """A match of STRUCTURED, replaced by its placeholder (the cue kept; markup, codes and the placeholder ULN untouched)."""
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
    assert kind is not None  # every alternative of STRUCTURED is a named group
    return _STRUCTURED_PLACEHOLDER[kind]


def _is_not_name(words: str) -> bool:
    parts = words.split()
    return not parts or parts[0] in _NOT_NAMES


def replace_cued_name(m: re.Match[str]) -> str:
    """A match of CUED_NAMES: the name replaced, the cue kept, unless the words are not a name."""
    if m.group("protected") is not None:
        return m.group(0)
    if m.group("cued") is not None:
        return m.group(0) if _is_not_name(m.group("cued")) else m.group("cue") + "[name]"
    if _is_not_name(m.group("owner")):
        return m.group(0)
    return "[name]" + m.group(0)[len(m.group("owner")):]

