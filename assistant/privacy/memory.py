"""What one export has seen: learner aliases, and personal values to catch again wherever they appear.

A learner reference becomes ``L#1``, ``L#2`` … the same one for the same
reference throughout an export, so a report can still say which record is
which. A name, date of birth or postcode seen in a tag is remembered (with
its usual spellings) and replaced wherever it is typed later, or earlier in
the same text. Many values are found with one trie-shaped regex; a whole
college file's worth with a dictionary lookup per word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from .recognisers import PROTECTED, trie_pattern
from .tags import OPEN_TAG, local_name, strip_cdata, value_span
from .tiers import ALIASED, FREE_TEXT, PLACEHOLDER_ULN, TIER_A

#: Values seen in tags are replaced everywhere only when at least this long,
#: so that a learner reference "12" does not turn every "12" into "L#1".
_MIN_KNOWN = 3
#: Longer values are not remembered (no ILR field is longer than 100; the tag itself is still redacted).
_MAX_KNOWN = 100
#: Up to this many remembered values are found with one trie-shaped regex;
#: beyond it (a whole college file) with a dictionary lookup per word.
_TRIE_LIMIT = 2000
_WORD_SPLIT = re.compile(r"[\s,]+")


@dataclass
class ExportMemory:
    """Learner aliases and the personal values already seen, for one export (the state of a Redactor)."""

    aliases: dict[str, str] = field(default_factory=dict)
    #: value -> placeholder, for values seen in tags (replaced anywhere in later text).
    known: dict[str, str] = field(default_factory=dict)
    _known_re: re.Pattern[str] | None = field(default=None, repr=False)

    # -- learning ------------------------------------------------------------
    def alias(self, ref: str | None) -> str:
        """``L#1``, ``L#2`` …, the same for the same reference within this export."""
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
            name = local_name(el)
            if name in TIER_A or name in ALIASED:
                self._learn(name, el.text or "")

    def _learn(self, name: str, value: str) -> None:
        if name in ALIASED:
            ref = value.strip()
            if ref and not ref.startswith("L#"):
                self.alias(ref)
        elif name in TIER_A and name not in FREE_TEXT:
            self.remember(value, TIER_A[name])

    def _table(self) -> dict[str, str]:
        return {**self.known, **{ref: alias for ref, alias in self.aliases.items()
                                 if _MIN_KNOWN <= len(ref) <= _MAX_KNOWN}}

    def replace_known(self, text: str) -> str:
        """Every remembered value, wherever it stands as a whole word outside markup and codes."""
        table = self._table()
        if not table:
            return text
        if len(table) > _TRIE_LIMIT:
            return _replace_by_lookup(text, table)
        if self._known_re is None:
            self._known_re = re.compile(
                PROTECTED + r"|(?<![A-Za-z0-9])" + trie_pattern(table) + r"(?![A-Za-z0-9])")
        return self._known_re.sub(lambda m: m.group(0) if m.group("protected") else table[m.group(0)], text)


_LEAD = re.compile(r"[A-Za-z0-9]+")
_RUNS = re.compile(PROTECTED + r"|(?<![A-Za-z0-9])[A-Za-z0-9]+")


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


def _tag_values(text: str) -> Iterator[tuple[str, str]]:
    """(local name, raw value) of each personal tag in text that may not be well formed."""
    pos = 0
    while True:
        m = OPEN_TAG.search(text, pos)
        if not m:
            return
        pos = m.end()
        if m.group(2):  # <Tag/>: no value
            continue
        start, end, _ = value_span(text, m)
        if end - start <= 2 * _MAX_KNOWN:  # longer is not a value worth remembering (the tag is still redacted)
            yield m.group(1), strip_cdata(text[start:end])

