"""The input guard: bytes to text the parser may see, and every problem in the user's words.

Pastes and files come from anywhere. Before anything is parsed, the bytes are
decoded by one encoding guard (BOMs, declared encodings, binary files), and the
text is checked and tidied (Markdown fences, bracketed-paste markers, a
declaration, any DTD refused, impossible characters, size limits); libxml2's
own messages are put into words a data manager can act on. Every failure is an
:class:`InputError` that says what is wrong, where and what to do.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

#: The element a snippet is wrapped in for parsing (libxml2 may name it in a message).
WRAPPER = "ilr-assistant-snippet"
PASTE_HINT = "Paste a <Learner> or <LearningDelivery> element, or a whole ILR file"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_FENCE_OPEN = re.compile(r"```[A-Za-z0-9_+-]*[ \t]*\r?\n")
_DTD_SCAN = re.compile(r"<!--|<!\[CDATA\[|<!\s*(?:DOCTYPE|ENTITY)", re.I)
#: Terminals wrap pastes in these "bracketed paste" markers; they are not part of the text.
_MAX_FENCES = 64
_PASTE_MARKERS = ("\x1b[200~", "\x1b[201~")


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

def text_position(text: str, index: int) -> tuple[int, int]:
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
            line, col = text_position(text, m.start())
            raise InputError(
                "the XML declares a DTD or entities (<!DOCTYPE …> or <!ENTITY …>), which ILR files never do; "
                "nothing in it was read or fetched",
                line, col,
                hint="Remove the <!DOCTYPE …> part (real ILR exports have none) and try again",
            )


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_characters(text: str) -> None:
    if "\x00" in text:
        line, col = text_position(text, text.index("\x00"))
        raise InputError("the text contains a NUL character, so it is not XML", line, col, hint=_BINARY_HINT)
    # Lone surrogates: bytes that were not valid UTF-8, smuggled into a str (Python's standard input under
    # the C locale does this). They cannot be encoded for the parser, so say what they are.
    if m := _SURROGATE.search(text):
        line, col = text_position(text, m.start())
        raise InputError("the bytes here are not valid UTF-8 text", line, col,
                         hint="Save the file as UTF-8 (or open it with `ilr-assistant diagnose FILE`) and try again")


def too_large(what: str, size: str, limit: str) -> InputError:
    return InputError(
        f"the {what} is {size}, more than the {limit} this reader accepts at once; nothing was read",
        hint="Save it as a file and run `ilr-assistant diagnose FILE`, or cut it down to the learners concerned"
        if what == "paste" else "Cut the file down to the learners concerned (the bootcamp learners) and try again",
    )


def check_size(text: str, max_chars: int, max_elements: int, what: str) -> None:
    if len(text) > max_chars:
        raise too_large(what, f"{len(text) / 1e6:.0f} million characters", f"{max_chars / 1e6:.0f} million")
    # Each element has exactly one start tag, and "</" only begins end tags.
    elements = text.count("<") - text.count("</")
    if elements > max_elements:
        raise InputError(
            f"the {what} holds about {elements:,} tags, more than the {max_elements:,} this reader accepts "
            "(a whole ILR file has about 40 per learner)",
            hint="Cut it down to the learners concerned and try again",
        )


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
