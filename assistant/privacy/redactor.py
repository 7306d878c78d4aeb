"""The redaction pass: free text, XML text or a parsed tree in, the same with personal data replaced.

Text is first read for the values its own tags reveal (so a name typed before
the XML that holds it is still caught), then its personal tags and comments
are replaced, then the values outside tags: typed ``Field: value`` pairs,
every value remembered so far, the structured kinds (NI number, email, phone,
postcode, ULN, date of birth) and cued names. A tree is redacted element by
element, its free text and attributes by the same patterns.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import overload

from lxml import etree

from .memory import ExportMemory
from .recognisers import ANY_VALUE, CUED_NAMES, FIELD_VALUE, STRUCTURED, VALUE_SHAPE, replace_cued_name, replace_structured
from .tags import local_name, redact_comments, redact_tags
from .tiers import ALIASED, COMMENT, FREE_TEXT, PLACEHOLDER_ULN, REMOVED, SAFE, TIER_A, TIER_B


@dataclass
class Redactor(ExportMemory):
    """Redaction for one export, over what it has seen so far (learner aliases, personal values: ExportMemory).

    ``text`` learns the values in its own input before replacing anything, so
    a name typed before the XML that reveals it is still caught; use one
    Redactor for a whole export so that ``L#1`` means the same learner
    throughout, and ``harvest`` any tree the session read first.
    """

    # -- redacting -----------------------------------------------------------
    def text(self, text: str) -> str:
        """Free text (a transcript, a log line, a pasted snippet) with personal data replaced."""
        if not text:
            return text
        self.harvest(text)
        text = redact_tags(text, self.alias)
        text = redact_comments(text)
        return self.free_text(text)

    def free_text(self, text: str) -> str:
        """The patterns for values outside tags; markup and Tier C elements are left alone."""
        text = FIELD_VALUE.sub(self._field_value, text)
        text = self.replace_known(text)
        text = STRUCTURED.sub(replace_structured, text)
        return CUED_NAMES.sub(replace_cued_name, text)

    def _field_value(self, m: re.Match[str]) -> str:
        name, value = m.group(1), m.group(2)
        raw = value.strip().strip("\"'").strip()
        shape = VALUE_SHAPE.get(TIER_A.get(name, ""), ANY_VALUE)
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
        name = local_name(el)
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

