"""Write a file back with its learners' changes, copying every other byte as it was.

The tree writer (`writer.py`) re-serialises what it parsed, which loses what
a parser does not keep: CRLF line endings, the XML declaration as written,
character references, CDATA, attribute quoting. Here the input's text is
copied through unchanged, and only the aims (``<LearningDelivery>``) that a
change touches are re-serialised and put back in their place:

* `LearnerScanner` walks the text (in chunks, so a file of any size streams
  in flat memory), skipping comments, CDATA and processing instructions,
  and hands over the k-th ``<Learner>`` element's exact text on request,
  having written everything before it unchanged;
* `edit_learner` parses that one learner, applies its changes with the
  tree writer, and splices each changed aim back into the learner's own
  text, keeping the learner's line endings.

Changes are matched to learners by position in the file, never by
LearnRefNumber (two learners may share one), and the learner found at a
position is checked against the reference diagnosed there before it is
written: a mismatch stops the write rather than edit the wrong learner.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from lxml import etree

from .builder import learner_from_element
from .reader import children, local
from .writer import apply_to_tree

if TYPE_CHECKING:
    from ..advice.types import Change

#: Tokens that matter when looking for learners: what can hide a tag, and the tags themselves.
_TOKEN = re.compile(r"<!--|<!\[CDATA\[|<\?|<(/?)(?:[\w.\-]+:)?Learner(?=[\s/>])")
_CLOSERS = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>"}
#: The rest of a start tag after its name: attributes (whose values may hold '>'), then '>' or '/>'.
_TAG_REST = re.compile(r"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_AIM = re.compile(r"<!--|<!\[CDATA\[|<\?|<(/?)(?:[\w.\-]+:)?LearningDelivery(?=[\s/>])")
_XMLNS = re.compile(r"""\s+xmlns(?::([\w.\-]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
CHUNK_BYTES = 1024 * 1024
#: Text kept from a chunk's end in case a tag (``<some-prefix:Learner``) is cut there.
_MARGIN = 1024


class SpliceError(Exception):
    """The text and the parse disagree (they never should): nothing may be written."""


def decoded_chunks(read: Callable[[int], bytes], codec: str, size: int = CHUNK_BYTES) -> Iterator[str]:
    """The file's text, chunk by chunk, decoded losslessly (a BOM comes through as U+FEFF).

    This read runs ahead of the parser's, so a bad byte further on must not
    stop it first: for ASCII-compatible codecs such bytes come through as
    surrogate escapes (written back unchanged), and the parser, reaching them,
    says where the file is broken; nothing is kept from such a file.
    """
    errors = "surrogateescape" if codec in ("utf-8", "ascii") else "strict"
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    while True:
        data = read(size)
        if not data:
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            return
        text = decoder.decode(data)
        if text:
            yield text


class LearnerScanner:
    """Finds each ``<Learner>``'s text in a stream of text chunks; writes the rest through unchanged."""

    def __init__(self, chunks: Iterable[str], write: Callable[[str], object]):
        self._chunks = iter(chunks)
        self._write = write
        self._buf = ""
        self._pos = 0        # where scanning resumes
        self._written = 0    # everything before this has been written (or replaced)
        self._eof = False
        #: Learners passed so far (the position of the last one found).
        self.count = 0

    def _more(self, keep_from: int) -> int:
        """Read another chunk; returns how far positions moved (-1 at the end of the text).

        Text before ``keep_from`` is settled: what of it is not yet written
        (and not a learner taken for replacement) is written now and dropped.
        """
        if self._eof:
            return -1
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self._eof = True
            return -1
        keep_from = max(self._written, min(keep_from, len(self._buf)))
        if keep_from > self._written:
            self._write(self._buf[self._written:keep_from])
        self._buf = self._buf[keep_from:] + chunk
        self._pos = max(0, self._pos - keep_from)
        self._written = 0
        return keep_from

    def _find(self, needle: str, start: int, keep_from: int) -> tuple[int, int]:
        """(index of needle at or after start, total shift of positions); index -1 at the end of the text."""
        shift = 0
        while True:
            i = self._buf.find(needle, start)
            if i >= 0:
                return i, shift
            old_len = len(self._buf)
            moved = self._more(keep_from)
            if moved < 0:
                return -1, shift
            start = max(0, start - moved, old_len - moved - len(needle) + 1)
            keep_from -= moved
            shift += moved

    def _next(self) -> tuple[int, int] | None:
        """The span of the next learner in the buffer, or None at the end of the text."""
        while True:
            m = _TOKEN.search(self._buf, self._pos)
            if m is None:
                keep = max(self._pos, len(self._buf) - _MARGIN)  # a token may be cut at the chunk's end
                if self._more(keep) < 0:
                    self._pos = len(self._buf)
                    return None
                continue
            token = m.group(0)
            if token in _CLOSERS:
                end, _ = self._find(_CLOSERS[token], m.end(), m.start())
                if end < 0:
                    self._pos = len(self._buf)
                    return None
                self._pos = end + len(_CLOSERS[token])
                continue
            if m.group(1):  # an end tag with no start: the parse has already refused such a file
                raise SpliceError("a </Learner> with no <Learner>")
            start = m.start()
            name_end = m.end()
            rest = _TAG_REST.match(self._buf, name_end)
            while rest is None:
                moved = self._more(start)
                if moved < 0:
                    raise SpliceError("the text ends inside a <Learner> tag")
                start -= moved
                name_end -= moved
                rest = _TAG_REST.match(self._buf, name_end)
            if rest.group(1):  # <Learner/>
                self._pos = rest.end()
                self.count += 1
                return start, rest.end()
            pos = rest.end()
            while True:
                inner = _TOKEN.search(self._buf, pos)
                if inner is None:
                    keep_pos = max(pos, len(self._buf) - _MARGIN)
                    moved = self._more(start)
                    if moved < 0:
                        raise SpliceError("the text ends inside a <Learner>")
                    start -= moved
                    pos = keep_pos - moved
                    continue
                token = inner.group(0)
                if token in _CLOSERS:
                    end, moved = self._find(_CLOSERS[token], inner.end(), start)
                    if end < 0:
                        raise SpliceError("the text ends inside a <Learner>")
                    start -= moved
                    pos = end + len(_CLOSERS[token])
                    continue
                if not inner.group(1):
                    raise SpliceError("a <Learner> inside a <Learner>")
                close, moved = self._find(">", inner.end(), start)
                if close < 0:
                    raise SpliceError("the text ends inside </Learner>")
                start -= moved
                self._pos = close + 1
                self.count += 1
                return start, close + 1

    def take(self, position: int) -> str:
        """The text of the learner at ``position`` (1-based); everything before it is written unchanged.

        The caller writes the learner's replacement next.
        """
        if position <= self.count:
            raise SpliceError(f"learner {position} was asked for after learner {self.count}")
        while True:
            span = self._next()
            if span is None:
                raise SpliceError(f"the text holds {self.count} learners; learner {position} is not there")
            if self.count == position:
                start, end = span
                if start > self._written:
                    self._write(self._buf[self._written:start])
                self._written = end
                return self._buf[start:end]

    def finish(self) -> int:
        """Write the rest unchanged; returns the number of learners in the text."""
        while self._next() is not None:
            pass
        if self._written < len(self._buf):
            self._write(self._buf[self._written:])
        self._written = len(self._buf)
        return self.count


# -- one learner ------------------------------------------------------------------

@dataclass
class Edited:
    """One learner's text after its changes, and the changes that could not be made."""

    text: str
    missed: list[Change] = field(default_factory=list)


def _aim_spans(text: str) -> list[tuple[int, int]] | None:
    """The spans of the learner's own ``<LearningDelivery>`` elements in its text (None if unsure)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    open_at: int | None = None
    while True:
        m = _AIM.search(text, pos)
        if m is None:
            return spans if open_at is None else None
        token = m.group(0)
        if token in _CLOSERS:
            end = text.find(_CLOSERS[token], m.end())
            if end < 0:
                return None
            pos = end + len(_CLOSERS[token])
            continue
        if m.group(1):
            close = text.find(">", m.end())
            if open_at is None or close < 0:
                return None
            spans.append((open_at, close + 1))
            open_at = None
            pos = close + 1
            continue
        if open_at is not None:
            return None
        rest = _TAG_REST.match(text, m.end())
        if rest is None:
            return None
        if rest.group(1):
            spans.append((m.start(), rest.end()))
        else:
            open_at = m.start()
        pos = rest.end()


def _serialise(el: etree._Element, inherited: dict[str | None, str], original_tag: str, crlf: bool) -> str:
    """One element as text for its old place: no namespace declarations its context already makes."""
    text = etree.tostring(el, encoding="unicode", with_tail=False)
    end = _TAG_REST.search(text)
    head, body = (text[:end.end()], text[end.end():]) if end else (text, "")
    own = {(m.group(1), m.group(2) if m.group(2) is not None else m.group(3)) for m in _XMLNS.finditer(original_tag)}

    def keep(m: re.Match[str]) -> str:
        prefix, uri = m.group(1), m.group(2) if m.group(2) is not None else m.group(3)
        if (prefix, uri) in own or inherited.get(prefix) != uri:
            return m.group(0)
        return ""

    text = _XMLNS.sub(keep, head) + body
    return text.replace("\n", "\r\n") if crlf else text


def _wrapper(nsmap: dict[str | None, str]) -> tuple[str, str]:
    decl = "".join(f' xmlns="{_attr(uri)}"' if prefix is None else f' xmlns:{prefix}="{_attr(uri)}"'
                   for prefix, uri in nsmap.items() if prefix != "xml")
    return f"<ilr-assistant-context{decl}>", "</ilr-assistant-context>"


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False, recover=False, strip_cdata=False)


def learner_ref(el: etree._Element) -> str:
    """The reference the diagnosis used for this learner (the model's reading of it)."""
    return learner_from_element(el).learn_ref


def edit_learner(text: str, changes: list[Change], nsmap: dict[str | None, str],
                 expected_ref: str | None = None) -> Edited:
    """The learner's text with its changes made; only the aims they touch are re-serialised.

    ``nsmap`` is the namespaces in scope where the learner stands (declared on
    ``<Message>``). Raises SpliceError when the learner is not the one
    expected (``expected_ref``), so that a change never lands on another learner.
    """
    open_tag, close_tag = _wrapper(nsmap)
    try:
        root = etree.fromstring((open_tag + text + close_tag).encode("utf-8"), _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:  # UnicodeError (a bad byte) is a ValueError
        raise SpliceError(f"a learner could not be read again for writing ({exc})") from None
    learner = next(iter(root), None)
    if learner is None or local(learner) != "Learner":
        raise SpliceError("the text at a learner's position is not a <Learner>")
    if expected_ref is not None and learner_ref(learner) != expected_ref:
        raise SpliceError(f"the learner at this position is {learner_ref(learner)!r}, not {expected_ref!r}")
    inherited = dict(root.nsmap)      # in scope around the learner
    in_learner = dict(learner.nsmap)  # in scope around its aims (the learner may declare its own)
    crlf = "\r\n" in text
    aims = list(children(learner, "LearningDelivery"))
    spans = _aim_spans(text)
    before = [etree.tostring(a, with_tail=False) for a in aims]
    missed = apply_to_tree(learner, aims, changes)
    head_end = _TAG_REST.search(text)
    start_tag = text[:head_end.end()] if head_end else text.partition("\n")[0]  # else: up to the line's end
    if spans is None or len(spans) != len(aims) or not aims:
        # Unusual shapes (no aims, an aim nested oddly): the whole learner is written again.
        return Edited(_serialise(learner, inherited, start_tag, crlf), missed)
    original = {id(a): i for i, a in enumerate(aims)}
    now = list(children(learner, "LearningDelivery"))
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in the learner's text
    # Aims removed: their text goes, with the line it stood on.
    kept = {id(a) for a in now}
    for i, a in enumerate(aims):
        if id(a) not in kept:
            start, end = spans[i]
            ws = len(text[:start].rstrip(" \t\r\n"))
            edits.append((ws, end, ""))
    last_original: int | None = None
    for a in now:
        at = original.get(id(a))
        if at is None:  # an added aim: after the aim before it, indented like that one
            anchor = spans[last_original] if last_original is not None else spans[-1]
            indent_from = len(text[:anchor[0]].rstrip(" \t\r\n"))
            indent = text[indent_from:anchor[0]]
            edits.append((anchor[1], anchor[1], indent + _serialise(a, in_learner, "", crlf)))
            continue
        last_original = at
        if etree.tostring(a, with_tail=False) != before[at]:
            start, end = spans[at]
            tag_end = _TAG_REST.search(text, start)
            original_tag = text[start:tag_end.end()] if tag_end else ""
            edits.append((start, end, _serialise(a, in_learner, original_tag, crlf)))
    out = []
    pos = 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[pos:start])
        out.append(replacement)
        pos = max(pos, end)
    out.append(text[pos:])
    return Edited("".join(out), missed)


# -- a whole text ------------------------------------------------------------------

@dataclass
class SpliceResult:
    learners: int = 0
    learners_changed: int = 0
    changes_made: int = 0
    missed: list[tuple[int, Change]] = field(default_factory=list)


class Splicer:
    """Drive `LearnerScanner` and `edit_learner` in step with a diagnosis, learner by learner.

    ``write`` receives text; the caller encodes it in the input's own
    encoding. Call `edit` for each learner with changes, in file order, then
    `finish`.
    """

    def __init__(self, chunks: Iterable[str], write: Callable[[str], object]):
        self._write = write
        self.scanner = LearnerScanner(chunks, write)
        self.result = SpliceResult()

    def edit(self, position: int, changes: list[Change], nsmap: dict[str | None, str],
             expected_ref: str | None) -> Edited:
        text = self.scanner.take(position)
        edited = edit_learner(text, changes, nsmap, expected_ref)
        self._write(edited.text)
        self.result.learners_changed += 1
        self.result.changes_made += len(changes) - len(edited.missed)
        self.result.missed += [(position, c) for c in edited.missed]
        return edited

    def finish(self, expected_learners: int | None = None) -> SpliceResult:
        self.result.learners = self.scanner.finish()
        if expected_learners is not None and self.result.learners != expected_learners:
            raise SpliceError(f"the text holds {self.result.learners} learners but {expected_learners} were read")
        return self.result
