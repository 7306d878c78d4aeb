"""The scan of XML text (well formed or not) for personal tags and comments.

Pasted XML is often cut short or broken, so it is not parsed: each start tag
of a Tier A, aliased or Tier B field is found with one pattern, and its value
is the text up to its close tag (passing over CDATA), within a bounded window
so that every scan stays linear. Comments are replaced whole. A parsed tree
is redacted element by element instead (redactor.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from .recognisers import PREFIX, trie_pattern
from .tiers import ALIASED, COMMENT, PLACEHOLDER_ULN, REMOVED, TIER_A, TIER_B

#: How far after an opening tag its value is looked for (ILR values are at
#: most 100 characters; the bound keeps every scan linear).
_WINDOW = 4096
#: A start tag whose local name is personal (the value is found by scanning on).
OPEN_TAG = re.compile(
    "<" + PREFIX + "(" + trie_pattern(set(TIER_A) | ALIASED | TIER_B) + r")(?=[\s/>])[^<>]{0,2000}?(/?)>")
_CLOSE_CACHE: dict[str, re.Pattern[str]] = {}


def local_name(el: etree._Element) -> str:
    """An element's tag without its namespace ("" for a comment or processing instruction)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1:]


def _close_tag(name: str) -> re.Pattern[str]:
    pattern = _CLOSE_CACHE.get(name)
    if pattern is None:
        pattern = _CLOSE_CACHE[name] = re.compile("</" + PREFIX + name + r"\s{0,100}>")
    return pattern


def value_span(text: str, m: re.Match[str]) -> tuple[int, int, bool]:
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


def strip_cdata(value: str) -> str:
    """A value with its CDATA markers dropped (the text inside is the value)."""
    return value.replace("<![CDATA[", "").replace("]]>", "")


def redact_tags(text: str, alias: Callable[[str], str]) -> str:
    """Text with each personal tag's value replaced: Tier A by its placeholder, a learner reference by ``alias``, Tier B by REMOVED."""
    out: list[str] = []
    pos = 0
    while True:
        m = OPEN_TAG.search(text, pos)
        if not m:
            break
        replacement = None
        if not m.group(2):  # self-closing tags hold nothing
            name = m.group(1)
            start, end, leaf = value_span(text, m)
            raw = strip_cdata(text[start:end]).strip()
            if raw and name in ALIASED:
                replacement = alias(raw) if leaf else None
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


def redact_comments(text: str) -> str:
    """Text with every XML comment's content replaced (an unclosed one runs to the end)."""
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
