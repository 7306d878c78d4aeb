"""One safe reader for everything a user might paste or point at.

A whole ILR file of any year, a single ``<Learner>``, or bare
``<LearningDelivery>`` elements; with or without declaration, BOM, comments,
Markdown fences or namespaces (matched by local name, since real files mix
them). The parser never expands entities, loads a DTD or touches the network,
and any document that declares a DTD is refused before parsing.

Pastes come from anywhere, so every way in which input can be wrong ends in
an :class:`InputError` that says what is wrong, where (line and column when
known) and what to do, in words a data manager can act on — never in
libxml2's vocabulary, never as a traceback, and within a bounded time and
memory (see the ``MAX_*`` limits).
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, Iterable, Literal

from lxml import etree

# lxml-stubs 0.5.1 lags lxml: ``sourceline`` is typed ``...`` (lxml-stubs#93, fixed upstream, not released),
# ``_ErrorLog`` is declared empty, and slicing an element, ``clear(keep_tail=)`` and XMLSyntaxError's
# (message, code, line, column) are missing; each ``type: ignore`` naming lxml-stubs is one of those.

from .builder import delivery_from_element, learner_from_element, parse_checked
from .model import Learner, ValueProblem
from .years import YearError, normalise_year, year_from_namespace

YearSource = Literal["namespace", "header", "option", "assumed"]

WRAPPER = "ilr-assistant-snippet"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_FENCE_OPEN = re.compile(r"```[A-Za-z0-9_+-]*[ \t]*\r?\n")
_DTD_SCAN = re.compile(r"<!--|<!\[CDATA\[|<!\s*(?:DOCTYPE|ENTITY)", re.I)
#: Terminals wrap pastes in these "bracketed paste" markers; they are not part of the text.
_MAX_FENCES = 64
_PASTE_MARKERS = ("\x1b[200~", "\x1b[201~")

#: A paste (or standard input) larger than this is refused before parsing.
#: Measured with lxml 6.1 / libxml2 2.14 on 2 CPUs: a 50 MB paste of 90 000
#: learners reads in about 3 s and ~700 MB of memory, so this leaves headroom.
MAX_SNIPPET_CHARS = 64 * 1024 * 1024
#: A file on disk larger than this is refused (the whole tree is kept in memory
#: so that the writer can return the file unchanged except for the edits).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Upper bound on elements in a paste / a file (an element costs ~100 bytes in
#: memory whatever its size in the text, so ``<a/>`` repeated is the cheapest
#: way to exhaust memory).
MAX_SNIPPET_ELEMENTS = 4_000_000
MAX_FILE_ELEMENTS = 16_000_000
#: Upper bound on aims (LearningDelivery elements) in one learner, in every path: a
#: real learner has a handful; 10^6 of them would take minutes and gigabytes.
MAX_AIMS_PER_LEARNER = 10_000
#: Upper bound on the bytes of one learner, and of anything between two learners,
#: in a streamed file: the stream holds one learner at a time, so this bounds its memory.
MAX_LEARNER_BYTES = 32 * 1024 * 1024
#: Undeclared namespace prefixes (``<ilr:Learner>`` cut out of a file that
#: declared ``xmlns:ilr`` at the top) that will be supplied before giving up.
_MAX_PREFIX_RETRIES = 8
_UNDECLARED_NS = "urn:ilr-assistant:undeclared-prefix"

PASTE_HINT = "Paste a <Learner> or <LearningDelivery> element, or a whole ILR file"


class InputError(Exception):
    """Input that cannot be read, with where and what to do about it."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None, hint: str = ""):
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        where = ""
        if self.line is not None:
            where = f"line {self.line}" + (f", column {self.column}" if self.column else "") + ": "
        text = f"{where}{self.message}"
        return f"{text}. {self.hint}" if self.hint else text


@dataclass
class ReadResult:
    """What one input held: the learners and what the file says about itself."""

    learners: list[Learner]
    year: str | None = None
    year_source: YearSource | None = None
    file_preparation_date: date | None = None
    namespace: str | None = None
    kind: Literal["file", "learners", "deliveries"] = "file"
    notes: list[str] = field(default_factory=list)
    #: The parsed tree (root is the Message or the snippet wrapper), kept so the
    #: writer can return the input unchanged except for proposed edits.
    root: etree._Element | None = field(default=None, repr=False)


# -- tree helpers (also used by the writer) ----------------------------------

def local(el: etree._Element) -> str:
    """An element's name without its namespace ("" for comments and PIs)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1:]


def children(el: etree._Element, name: str | None = None) -> Iterable[etree._Element]:
    for child in el:
        if isinstance(child.tag, str) and (name is None or local(child) == name):
            yield child


def child_text(el: etree._Element, name: str) -> str | None:
    for child in children(el, name):
        return child.text if child.text is not None else ""
    return None


def safe_parser() -> etree.XMLParser:
    """A parser that cannot read files, fetch URLs or expand entities.

    ``huge_tree=False`` keeps libxml2's own limits (256 levels of nesting,
    10 MB per text node), which no ILR file comes near.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        recover=False,
    )


# -- bytes to text -----------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),  # before UTF-16: FF FE 00 00
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: File signatures people point the assistant at by mistake.
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (ILR uploads are zipped; Excel and Word files are ZIP archives too)",
     "Unzip it and use the .xml file inside"),
    (b"\x1f\x8b", "a gzip-compressed file", "Decompress it and use the .xml file inside"),
    (b"%PDF", "a PDF document", "Use the ILR XML file itself, not a PDF report"),
    (b"\xd0\xcf\x11\xe0", "an old-style Office document (.xls or .doc)", "Use the ILR XML file itself"),
)
_BINARY_HINT = "Check that you pasted or opened the ILR XML itself, not a binary file"


#: The only encodings read (codec names as ``codecs.lookup`` spells them). Anything
#: else is refused before parsing: UTF-7 and friends can hide a DOCTYPE from a
#: check that reads the bytes as ASCII, and ILR files are UTF-8 in practice.
#: ASCII is accepted as the subset of UTF-8 it is.
ALLOWED_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                               "utf-32", "utf-32-le", "utf-32-be", "iso8859-1", "ascii"})
_DECL_ENCODING_TEXT = re.compile(r"""^\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


def sniff_encoding(data: bytes) -> str:
    """The one pre-parse encoding guard: the codec for these bytes, or InputError.

    Every entry point (a paste, standard input, a streamed file, ``--fixed``)
    calls this on the first bytes. The order is the XML specification's: a
    byte-order mark, then the zero-byte pattern of UTF-16 without one, then
    the declared encoding, then UTF-8. A declared encoding outside
    `ALLOWED_ENCODINGS` is refused even when a BOM decides the decoding, so
    no parser can be talked into another one. The codec returned decodes the
    bytes losslessly (a BOM decodes to U+FEFF and is written back as it was).
    """
    codec = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec = name
            break
    head = data[:256]
    if codec is None and len(head) >= 4:
        if head[1::2].count(0) == len(head[1::2]) and 0 not in head[::2]:
            codec = "utf-16-le"
        elif head[::2].count(0) == len(head[::2]) and 0 not in head[1::2]:
            codec = "utf-16-be"
    text = data[:1024].decode(codec or "latin-1", errors="replace")
    m = _DECL_ENCODING_TEXT.match(text)
    declared = m.group(1).strip() if m else None
    if declared is not None:
        try:
            info = codecs.lookup(declared)
        except LookupError:
            raise InputError(f"the XML declares an encoding this reader does not know ('{declared}')",
                             1, hint="Save the file as UTF-8 and try again") from None
        if info.name not in ALLOWED_ENCODINGS:
            raise InputError(f"the XML declares the encoding '{declared}', which this reader does not accept "
                             "(only UTF-8, UTF-16, UTF-32 and Latin-1 (ISO-8859-1) are read); nothing was read", 1,
                             hint="Save the file as UTF-8 and try again")
        if codec is None:
            codec = info.name
            if codec.startswith(("utf-16", "utf-32")) and 0 not in head:
                # .NET writes encoding="utf-16" into text it then saves as UTF-8;
                # the bytes, which have no zero bytes, are the truth.
                codec = "utf-8"
    codec = codec or "utf-8"
    return {"utf-8-sig": "utf-8", "utf-16": "utf-16-le" if data[:2] != codecs.BOM_UTF16_BE else "utf-16-be",
            "utf-32": "utf-32-le" if data[:4] != codecs.BOM_UTF32_BE else "utf-32-be",
            "iso8859-1": "latin-1"}.get(codec, codec)


def decode(data: bytes) -> str:
    """Bytes to text through `sniff_encoding` (BOM, UTF-16 pattern, declaration, UTF-8); errors say where."""
    for magic, what, hint in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"this is {what}, not XML", hint=hint)
    codec = sniff_encoding(data)
    for bom, _ in _BOMS:
        if data.startswith(bom):
            return _decode_with(data[len(bom):], codec)
    return _decode_with(data, codec)


def _decode_with(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if _looks_binary(data):
            raise InputError("this looks like a binary file, not XML text", hint=_BINARY_HINT) from None
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"the bytes here are not valid {codec.upper()} text", line, col,
                         hint="Save the file as UTF-8 (or fix the encoding declaration) and try again") from None


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return bool(head) and (0 in head or controls > len(head) // 100)


# -- text as the parser will see it ------------------------------------------

def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _blank(text: str) -> str:
    """Keep only the newlines, so that line numbers still point at the user's text."""
    return "\n" * text.count("\n")


def _strip_fences(text: str) -> str:
    """The XML inside Markdown code fences, if any fence holds some.

    Found with ``str.find`` so that the work is linear however many fences a
    hostile paste holds; text outside the fences becomes blank lines.
    """
    if "```" not in text or text.count("```") > 2 * _MAX_FENCES:
        return text  # no fences, or a hostile number of them: the wrapper copes with backticks
    parts: list[str] = []
    pos = 0
    found = False
    while True:
        m = _FENCE_OPEN.search(text, pos)
        if not m:
            break
        end = text.find("```", m.end())
        if end < 0:
            break
        body = text[m.end():end]
        if "<" in body:
            parts.append(_blank(text[pos:m.end()]))
            parts.append(body)
            found = True
        else:
            parts.append(_blank(text[pos:end + 3]))
        pos = end + 3
    if not found:
        return text
    parts.append(_blank(text[pos:]))
    return "".join(parts)


def prepare(text: str) -> str:
    """Text as the parser will see it: no BOM, no fences, no declaration.

    The declaration is replaced by spaces of the same length so that line and
    column numbers in errors still point at the user's own text.
    """
    for marker in _PASTE_MARKERS:
        if marker in text:
            text = text.replace(marker, " " * len(marker))
    text = text.lstrip("\ufeff")
    text = _strip_fences(text)
    m = _DECLARATION.match(text)
    if m:
        text = re.sub(r"[^\n]", " ", m.group(0)) + text[m.end():]
    return text


def refuse_dtd(text: str) -> None:
    """Refuse any DOCTYPE or ENTITY declaration outside comments and CDATA.

    This is what stops every entity attack (external files, URLs, parameter
    entities, billion laughs, quadratic blow-up) before the parser sees it;
    the parser's own settings are the second line of defence. One linear
    scan: comments and CDATA sections are jumped over with ``str.find``.
    """
    pos = 0
    while True:
        m = _DTD_SCAN.search(text, pos)
        if not m:
            return
        token = m.group(0)
        if token == "<!--":
            end = text.find("-->", m.end())
            pos = len(text) if end < 0 else end + 3
        elif token == "<![CDATA[":
            end = text.find("]]>", m.end())
            pos = len(text) if end < 0 else end + 3
        else:
            line, col = _position(text, m.start())
            raise InputError(
                "the XML declares a DTD or entities (<!DOCTYPE …> or <!ENTITY …>), which ILR files never do; "
                "nothing in it was read or fetched",
                line, col,
                hint="Remove the <!DOCTYPE …> part (real ILR exports have none) and try again",
            )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_characters(text: str) -> None:
    if "\x00" in text:
        line, col = _position(text, text.index("\x00"))
        raise InputError("the text contains a NUL character, so it is not XML", line, col, hint=_BINARY_HINT)
    # Lone surrogates: bytes that were not valid UTF-8, smuggled into a str (Python's standard input under
    # the C locale does this). They cannot be encoded for the parser, so say what they are.
    if m := _SURROGATE.search(text):
        line, col = _position(text, m.start())
        raise InputError("the bytes here are not valid UTF-8 text", line, col,
                         hint="Save the file as UTF-8 (or open it with `ilr-assistant diagnose FILE`) and try again")


def _too_large(what: str, size: str, limit: str) -> InputError:
    return InputError(
        f"the {what} is {size}, more than the {limit} this reader accepts at once; nothing was read",
        hint="Save it as a file and run `ilr-assistant diagnose FILE`, or cut it down to the learners concerned"
        if what == "paste" else "Cut the file down to the learners concerned (the bootcamp learners) and try again",
    )


def _check_size(text: str, max_chars: int, max_elements: int, what: str) -> None:
    if len(text) > max_chars:
        raise _too_large(what, f"{len(text) / 1e6:.0f} million characters", f"{max_chars / 1e6:.0f} million")
    # Each element has exactly one start tag, and "</" only begins end tags.
    elements = text.count("<") - text.count("</")
    if elements > max_elements:
        raise InputError(
            f"the {what} holds about {elements:,} tags, more than the {max_elements:,} this reader accepts "
            "(a whole ILR file has about 40 per learner)",
            hint="Cut it down to the learners concerned and try again",
        )


# -- reading -----------------------------------------------------------------

def read_text(source: str | bytes, *, year: str | None = None) -> ReadResult:
    """Read a file or snippet into learners. Raises InputError, never anything else."""
    return _read(source, year=year, max_chars=MAX_SNIPPET_CHARS, max_elements=MAX_SNIPPET_ELEMENTS, what="paste")


def _read(source: str | bytes, *, year: str | None, max_chars: int, max_elements: int, what: str) -> ReadResult:
    try:
        return _read_checked(source, year=year, max_chars=max_chars, max_elements=max_elements, what=what)
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"the {what} is too large to read in the memory available",
                         hint="Cut it down to the learners concerned and try again") from None
    except RecursionError:
        raise InputError(f"the {what} is nested too deeply to read",
                         hint="Check that you pasted an ILR file or a learner's record") from None


def _read_checked(source: str | bytes, *, year: str | None, max_chars: int, max_elements: int,
                  what: str) -> ReadResult:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > 4 * max_chars:  # refuse before spending time decoding
            raise _too_large(what, f"{len(data) / 1e6:.0f} million bytes", f"{max_chars / 1e6:.0f} million characters")
        text = decode(data)
    elif isinstance(source, str):
        text = source
    else:
        raise InputError(f"cannot read a {type(source).__name__}; expected text", hint=PASTE_HINT)
    year = _normalise_year_option(year)
    _check_size(text, max_chars, max_elements, what)
    text = prepare(text)
    _check_characters(text)
    if not text.strip():
        raise InputError("there is nothing to read", hint=PASTE_HINT)
    if "<" not in text:
        raise InputError("this is not XML (there is no '<' anywhere)", 1, 1, hint=PASTE_HINT)
    refuse_dtd(text)
    wrapper, prefixes = _parse_wrapped(text)
    result = read_tree(wrapper, year=year)
    if prefixes:
        listed = ", ".join(f"'{p}:'" for p in prefixes)
        result.notes.append(f"the namespace prefix {listed} was not declared in the text; elements were read by name")
    return result


def _parse_wrapped(text: str) -> tuple[etree._Element, list[str]]:
    """Parse inside a synthetic root, so that snippets with several roots read too.

    A prefix cut off from its declaration (``<ilr:Learner>``) is declared on
    the wrapper and the parse retried, since elements are matched by local
    name anyway.
    """
    body = text.encode("utf-8")
    prefixes: list[str] = []
    while True:
        decl = "".join(f' xmlns:{p}="{_UNDECLARED_NS}"' for p in prefixes)
        # (A prefix may hold any letter, "Lť:" included: UTF-8, like the body.)
        head = f"<{WRAPPER}{decl}>".encode("utf-8")
        try:
            root = etree.fromstring(head + body + f"</{WRAPPER}>".encode("ascii"), safe_parser())
            return root, prefixes
        except etree.XMLSyntaxError as exc:
            m = re.match(r"Namespace prefix ([A-Za-z_][\w.-]*) (?:for \S+ )?on \S+ is not defined", exc.msg or "")
            if m and m.group(1) not in prefixes and len(prefixes) < _MAX_PREFIX_RETRIES \
                    and m.group(1).lower() not in ("xml", "xmlns"):
                prefixes.append(m.group(1))
                continue
            raise syntax_error(exc, len(head), text_end=_position(text, len(text.rstrip()))) from None
        except ValueError:  # lxml refuses some inputs outright
            raise InputError("the XML could not be read", hint=PASTE_HINT) from None


def _normalise_year_option(year: str | None) -> str | None:
    if year is None or not str(year).strip():
        return None
    try:
        return normalise_year(str(year))
    except YearError as exc:
        raise InputError(f"the teaching year given ({exc})", hint="Give the year like 2024-25") from None


# -- libxml2's messages in the user's words ----------------------------------

_CHECK_TAGS = "Check that every <Tag> has a matching </Tag> and that the paste is complete"
_ESCAPE = "In XML a plain '&' is written &amp; and a plain '<' is written &lt;"


def _explain(msg: str) -> tuple[str, str]:
    """(what is wrong, what to do) for one libxml2 message."""
    w = re.escape(WRAPPER)
    if m := re.match(rf"Opening and ending tag mismatch: {w} line \d+ and (\S+)", msg):
        return f"</{m.group(1)}> closes a tag that was never opened", _CHECK_TAGS
    if m := re.match(rf"Opening and ending tag mismatch: (\S+) line (\d+) and {w}", msg):
        return (f"<{m.group(1)}> (opened on line {m.group(2)}) is never closed: the text ends first",
                "The paste may be cut short; copy the whole element, down to its closing tag")
    if m := re.match(r"Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)", msg):
        return (f"<{m.group(1)}> (opened on line {m.group(2)}) is closed by </{m.group(3)}>, "
                "so the tags are wrongly nested or one is missing"), _CHECK_TAGS
    if m := re.match(r"Premature end of data in tag (\S+) line (\d+)", msg):
        return (f"the text ends before <{m.group(1)}> (opened on line {m.group(2)}) is closed",
                "The paste may be cut short; copy the whole element, down to its closing tag")
    if m := re.match(r"Couldn't find end of Start Tag (\S+)", msg):
        return f"the tag <{m.group(1)} is not finished with '>'", _CHECK_TAGS
    if msg.startswith("expected '>'"):
        return "a tag is cut off or not finished with '>'", _CHECK_TAGS
    if msg.startswith("StartTag: invalid element name"):
        return ("a '<' is not followed by a tag name",
                f"If it is part of a value, write it as &lt;. {_ESCAPE}")
    if msg.startswith(("EntityRef: expecting ';'", "xmlParseEntityRef: no name")):
        return "an '&' does not start an XML entity (such as &amp;)", \
            "Write a plain '&' (as in 'Smith & Sons') as &amp;"
    if m := re.match(r"Entity '([^']*)' not defined", msg):
        return f"'&{m.group(1)};' is not an entity XML knows", \
            f"Only &amp; &lt; &gt; &quot; &apos; and numeric ones like &#233; are allowed. {_ESCAPE}"
    if msg.startswith(("xmlParseCharRef", "CharRef")):
        return "a character reference (&#…;) names a character that XML does not allow", \
            "Remove it or replace it with the character meant"
    control = (r"(?:PCDATA invalid Char value|Char 0x[0-9A-Fa-f]+ out of allowed range|"
               r"invalid character in attribute value)\s*(\d*)")
    if m := re.match(control, msg):
        code = f" (code {m.group(1)})" if m.group(1) else ""
        return f"the text contains a control character{code} that XML does not allow", \
            "Remove it; it may have come from copying out of another program"
    if "Input is not proper UTF-8" in msg or "Invalid bytes in character encoding" in msg:
        return "the text is not valid UTF-8", "Save the file as UTF-8 and try again"
    if m := re.match(r"Excessive depth in document: (\d+)", msg):
        return (f"the elements are nested more than {m.group(1)} levels deep; an ILR file nests fewer than 10",
                "Check what was pasted: this is not an ILR record")
    if re.search(r"too long|too big|huge|Resource limit exceeded", msg, re.I):
        return ("one value, name or comment is millions of characters long; no ILR field is longer than a few hundred",
                "Check what was pasted: this is not an ILR record")
    if msg.startswith("XML declaration allowed only at the start"):
        return ("an <?xml …?> declaration appears in the middle of the text, so two files were probably "
                "pasted together"), "Paste or open one file at a time"
    if msg.startswith("Extra content at the end of the document"):
        return "there is text after the end of the XML", _CHECK_TAGS
    if msg.startswith(("Document is empty", "Start tag expected")):
        return "there is no XML element here", PASTE_HINT
    if msg.startswith(("Double hyphen within comment", "Comment not terminated", "Comment must not contain")):
        return "a comment (<!-- … -->) is broken or not closed", "Remove the comment or close it with -->"
    if msg.startswith(("CData section not finished", "Sequence ']]>' not allowed")):
        return "a CDATA section (<![CDATA[ … ]]>) is broken or not closed", _CHECK_TAGS
    if m := re.match(r"Attribute (\S+) redefined", msg):
        return f"the attribute {m.group(1)} is given twice in one tag", "Remove one of them"
    if msg.startswith(("AttValue", "Specification mandates value", "attributes construct error",
                       "Unescaped '<' not allowed in attributes", "error parsing attribute name",
                       "String not closed")):
        return "an attribute inside a tag is malformed (attribute values need quotes)", _CHECK_TAGS
    if msg.startswith(("Failed to parse QName", "xmlns")) or "namespace" in msg.lower():
        return "a tag name or namespace declaration is malformed", _CHECK_TAGS
    if msg.startswith(("ParsePI", "xmlParsePI", "PI ")):
        return "a processing instruction (<? … ?>) is malformed", "Remove it; ILR files need none"
    generic = re.sub(r",?\s*(?:use|try) XML_PARSE_HUGE( option)?", "", msg).strip(" .,")
    return f"the XML is not well formed ({generic})", _CHECK_TAGS


#: libxml2 messages that, at the very end of the text, mean it was cut off inside a tag.
_MID_TAG = ("expected '>'", "Couldn't find end of Start Tag", "attributes construct error", "AttValue",
            "Specification mandates value", "StartTag", "error parsing attribute name", "String not closed",
            "Unescaped '<'", "Failed to parse QName", "EntityRef", "xmlParseEntityRef", "Extra content")


def syntax_error(exc: etree.XMLSyntaxError, first_line_shift: int = 0, *,
                 text_end: tuple[int, int] | None = None) -> InputError:
    """An InputError for a parse failure, positioned in the user's own text.

    ``text_end`` is where the user's text ends (line, column): libxml2
    reports a text cut off mid-tag as whatever it was expecting next, so an
    error at or past the end is explained as a cut-short paste instead.
    """
    position: tuple[int, int] | None = exc.position
    line, col = position if position else (None, None)
    if line == 1 and col:
        col = max(1, col - first_line_shift)
    msg = (exc.msg or str(exc)).strip()
    msg = re.sub(r",? line \d+, column \d+$", "", msg)
    what, hint = _explain(msg.split("\n", 1)[0])
    at_end = text_end is not None and line is not None and col is not None and (line, col) >= text_end
    if at_end and text_end is not None and msg.startswith(_MID_TAG):  # (at_end says text_end is set)
        what = "the text ends in the middle of a tag, so the paste looks cut short"
        hint = "Copy the whole element, down to its closing tag, and try again"
        line, col = text_end
    what = what.replace(WRAPPER, "the end of your text")
    return InputError(what, line or None, col or None, hint=hint)


def read_tree(root: etree._Element, *, year: str | None = None) -> ReadResult:
    """Build the result from a parsed tree (a Message, or the snippet wrapper)."""
    if local(root) == "Message":
        messages = [root]
    else:
        messages = list(root.iter("{*}Message"))
    if len(messages) > 1:
        raise InputError(
            f"the text holds {len(messages)} ILR files (<Message> elements); the second starts here",
            messages[1].sourceline, hint="Paste or open one file at a time")  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)
    message = messages[0] if messages else None
    headers = list(root.iter("{*}Header"))
    if len(headers) > 1:
        raise two_headers(headers[1].sourceline)  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)
    learner_els = list(root.iter("{*}Learner"))
    for el in learner_els:
        check_learner_shape(el)
    learners = [learner_from_element(el) for el in learner_els]
    stray = [el for el in root.iter("{*}LearningDelivery")
             if ((up := el.getparent()) is None or local(up) != "Learner") and next(el.iterancestors("{*}Learner"), None) is None]
    kind: Literal["file", "learners", "deliveries"] = "file" if message is not None else "learners"
    if stray:
        learners.append(Learner(
            learn_ref="(snippet)",
            deliveries=tuple(delivery_from_element(el) for el in stray),
            has_learner_details=False,
            line=stray[0].sourceline,  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)
        ))
        if not learner_els:
            kind = "deliveries"
    if not learners and message is None:
        names: set[str] = set()
        for el in root.iter():
            if len(names) >= 5:
                break
            if local(el) and local(el) != WRAPPER:
                names.add(local(el))
        raise InputError(
            "found no <Learner> or <LearningDelivery> element" + (f" (found: {', '.join(sorted(names))})" if names else ""),
            hint="Paste a learner's record, one or more <LearningDelivery> elements, or a whole ILR file",
        )
    result = ReadResult(learners=learners, kind=kind, root=root)
    header_info(result, message if message is not None else root, learner_els, stray)
    apply_year(result, year)
    result.learners = with_schema_issues(learners, learner_els, stray, result.year, snippet=message is None)
    return result


def with_schema_issues(learners: list[Learner], learner_els: list[etree._Element], stray: list[etree._Element],
                       year: str | None, *, snippet: bool) -> list[Learner]:
    """The learners with what the year's XSD says about each element as written (ilr/schema.py)."""
    out = [attach_schema(learner, [el], year, snippet=snippet) for learner, el in zip(learners, learner_els)]
    if stray:
        out.append(attach_schema(learners[len(learner_els)], stray, year, snippet=snippet))
    return out


def attach_schema(learner: Learner, elements: list[etree._Element], year: str | None, *, snippet: bool) -> Learner:
    from .schema import check_element

    issues = tuple(i for el in elements for i in check_element(el, year, snippet=snippet))
    return dataclasses.replace(learner, schema_issues=issues) if issues else learner


def two_headers(line: int | None) -> InputError:
    return InputError("the file has two <Header> elements; an ILR file has exactly one, so it is not clear "
                      "which year and date apply; nothing was checked", line,
                      hint="Export the file again from your MIS, or remove the extra Header")


def too_many_aims(line: int | None, limit: int) -> InputError:
    return InputError(f"a learner here has more than {limit:,} aims (LearningDelivery elements); a real learner has "
                      "a handful, so the file was not read further", line,
                      hint="Check the file: it was probably generated or joined wrongly. Export it again from your MIS")


def check_learner_shape(el: etree._Element) -> None:
    """The per-learner limits, for input read whole: not inside another Learner, not too many aims."""
    if next(el.iterancestors("{*}Learner"), None) is not None:
        raise InputError("a <Learner> is inside another <Learner>, which no ILR file has", el.sourceline,  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)
                         hint="Check that every <Learner> is closed before the next one starts")
    limit = MAX_AIMS_PER_LEARNER
    count = 0
    for _ in el.iterchildren("{*}LearningDelivery"):
        count += 1
        if count > limit:
            raise too_many_aims(el.sourceline, limit)  # type: ignore[arg-type]  # lxml-stubs#93 (sourceline)


def _namespace_candidates(scope: etree._Element, learner_els: list[etree._Element],
                          stray: list[etree._Element]) -> Iterable[etree._Element]:
    """The few elements whose namespace says the year: bounded, however large the input."""
    yield scope
    for el in scope[:20]:  # type: ignore[index]  # lxml-stubs: _Element.__getitem__ takes slices too
        yield el
    for el in learner_els[:20] + stray[:20]:
        yield el
        yield from el[:40]  # type: ignore[index]  # (as above)


def header_info(result: ReadResult, scope: etree._Element,
                learner_els: list[etree._Element] | None = None,
                stray: list[etree._Element] | None = None) -> None:
    """Fill year, namespace and file preparation date from what the XML says."""
    ns = None
    for el in _namespace_candidates(scope, learner_els or [], stray or []):
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{") and not tag.startswith("{" + _UNDECLARED_NS):
            ns = tag[1:].split("}", 1)[0]
            if year_from_namespace(ns):
                break
    result.namespace = ns
    header_year = None
    for el in scope.iter("{*}CollectionDetails"):
        y = (child_text(el, "Year") or "").strip()
        if re.fullmatch(r"\d{4}", y):
            header_year = f"20{y[:2]}-{y[2:]}"
            try:
                header_year = normalise_year(header_year)
            except YearError:
                result.notes.append(f"Header/CollectionDetails/Year '{y}' is not a teaching year; it was ignored")
                header_year = None
        elif y:
            result.notes.append(f"Header/CollectionDetails/Year '{y}' is not a teaching year; it was ignored")
        prep = child_text(el, "FilePreparationDate")
        if prep:
            try:
                result.file_preparation_date = parse_checked("date", prep)
            except ValueProblem as exc:
                result.notes.append(f"FilePreparationDate {exc}; it was ignored")
        break
    ns_year = year_from_namespace(ns)
    if ns_year:
        result.year, result.year_source = ns_year, "namespace"
        if header_year and header_year != ns_year:
            result.notes.append(
                f"the namespace says {ns_year} but Header/CollectionDetails/Year says {header_year}; using {ns_year}")
    elif header_year:
        result.year, result.year_source = header_year, "header"


def apply_year(result: ReadResult, year: str | None) -> None:
    """The year option wins over the file; it is normalised (``2425`` → ``2024-25``)."""
    year = _normalise_year_option(year)
    if year:
        if result.year and result.year != year:
            result.notes.append(f"the file says {result.year}; using {year} as asked")
        result.year, result.year_source = year, "option"


def read_path(path: str, *, year: str | None = None) -> ReadResult:
    """Read a file from disk (``-`` is standard input) into memory.

    Only regular files (and standard input) are read, and never more than the
    size limit, so pointing at ``/dev/zero``, a FIFO or a directory gives a
    message instead of a hang.
    """
    return read_data(read_input_bytes(path), year=year, what="paste" if path == "-" else "file")


def read_data(data: bytes, *, year: str | None = None, what: str = "file") -> ReadResult:
    """Bytes already read (by `read_input_bytes`) into learners, with the file limits."""
    return _read(data, year=year, max_chars=MAX_FILE_BYTES, max_elements=MAX_FILE_ELEMENTS, what=what)


def read_input_bytes(path: str) -> bytes:
    """The bytes of a file or of standard input (``-``), refused past the size limit. Raises InputError."""
    import sys

    limit = MAX_FILE_BYTES
    try:
        if path == "-":
            stdin: BinaryIO | None = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
            if stdin is None:
                raise InputError("standard input is closed, so there is nothing to read",
                                 hint="Give a file name, or pipe the XML in")
            data = stdin.read(limit + 1)
        else:
            st = os.stat(path)
            if stat.S_ISDIR(st.st_mode):
                raise InputError(f"{path} is a folder, not a file", hint="Give the path of the ILR .xml file inside it")
            if not stat.S_ISREG(st.st_mode):
                raise InputError(f"{path} is not a regular file (it is a device, pipe or socket)",
                                 hint="Give the path of an ILR .xml file, or - to read standard input")
            if st.st_size > limit:
                raise InputError(
                    f"{path} is {st.st_size / 1e6:.0f} MB, more than the {limit / 1e6:.0f} MB this reader accepts",
                    hint="Cut the file down to the learners concerned (the bootcamp learners) and try again")
            with open(path, "rb") as fh:
                data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc.strerror or exc}",
                         hint="Check the path and that you may read the file") from None
    except ValueError:  # a closed standard input stream
        raise InputError("standard input is closed, so there is nothing to read",
                         hint="Give a file name, or pipe the XML in") from None
    if len(data) > limit:
        raise InputError(f"the input is more than {limit / 1e6:.0f} MB, more than this reader accepts",
                         hint="Cut it down to the learners concerned and try again")
    return data
