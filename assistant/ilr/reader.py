"""One safe reader for everything a user might paste or point at.

A whole ILR file of any year, a single ``<Learner>``, or bare
``<LearningDelivery>`` elements; with or without declaration, BOM, comments,
Markdown fences or namespaces (matched by local name, since real files mix
them). The parser never expands entities, loads a DTD or touches the network,
and any document that declares a DTD is refused before parsing.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Literal

from lxml import etree

from .model import (
    DELIVERY_FIELDS,
    FAM_FIELDS,
    Delivery,
    Fam,
    Learner,
    ValueProblem,
    parse_value,
)
from .years import year_from_namespace

YearSource = Literal["namespace", "header", "option", "assumed"]

WRAPPER = "ilr-assistant-snippet"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n(.*?)```", re.S)
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)
#: A learner snippet longer than this is not a paste but a file; read it as a stream.
MAX_SNIPPET_CHARS = 64 * 1024 * 1024


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


def local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(el: etree._Element, name: str | None = None) -> Iterable[etree._Element]:
    for child in el:
        if isinstance(child.tag, str) and (name is None or local(child) == name):
            yield child


def child_text(el: etree._Element, name: str) -> str | None:
    for child in children(el, name):
        return child.text if child.text is not None else ""
    return None


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        recover=False,
    )


def decode(data: bytes) -> str:
    """Bytes to text by BOM, then declared encoding, then UTF-8; errors say where."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _decode_with(data[len(bom):], codec)
    m = _DECL_ENCODING.match(data)
    codec = m.group(1).decode("ascii") if m else "utf-8"
    try:
        codecs.lookup(codec)
    except LookupError:
        raise InputError(f"the XML declares an encoding this reader does not know ('{codec}')",
                         1, hint="Save the file as UTF-8 and try again") from None
    return _decode_with(data, codec)


def _decode_with(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"the bytes here are not valid {codec.upper()} text", line, col,
                         hint="Save the file as UTF-8 (or fix the encoding declaration) and try again") from None


def _strip_fences(text: str) -> str:
    m = _FENCE.search(text)
    return m.group(1) if m and "<" in m.group(1) else text


def prepare(text: str) -> str:
    """Text as the parser will see it: no BOM, no fences, no declaration.

    The declaration is replaced by spaces of the same length so that line and
    column numbers in errors still point at the user's own text.
    """
    text = text.lstrip("\ufeff")
    text = _strip_fences(text)
    m = _DECLARATION.match(text)
    if m:
        text = re.sub(r"[^\n]", " ", m.group(0)) + text[m.end():]
    return text


def refuse_dtd(text: str) -> None:
    m = _DTD.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        raise InputError(
            "the XML declares a DTD or entities, which ILR files never do; it was not read",
            line, col,
            hint="Remove the <!DOCTYPE …> part (real ILR exports have none) and paste again",
        )


def read_text(source: str | bytes, *, year: str | None = None) -> ReadResult:
    """Read a file or snippet into learners. Raises InputError, never anything else."""
    text = decode(source) if isinstance(source, bytes) else source
    if len(text) > MAX_SNIPPET_CHARS:
        raise InputError(f"the input is {len(text) // (1024 * 1024)} MB, too large to read at once",
                         hint="Point `ilr-assistant diagnose` at the file instead; it reads whole files as a stream")
    text = prepare(text)
    if "\x00" in text:
        pos = text.index("\x00")
        raise InputError("the text contains a NUL character, so it is not XML",
                         text.count("\n", 0, pos) + 1, hint="Check that you pasted the XML itself, not a binary file")
    if not text.strip():
        raise InputError("there is nothing to read", hint="Paste a <Learner> or <LearningDelivery> element, or a whole ILR file")
    if "<" not in text:
        raise InputError("this is not XML (no '<' anywhere)", 1, 1,
                         hint="Paste a <Learner> or <LearningDelivery> element, or a whole ILR file")
    refuse_dtd(text)
    wrapped = f"<{WRAPPER}>{text}</{WRAPPER}>"
    try:
        wrapper = etree.fromstring(wrapped.encode("utf-8"), safe_parser())
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, len(WRAPPER) + 2) from None
    except (ValueError, MemoryError) as exc:  # lxml refuses some inputs outright
        raise InputError(f"the XML could not be read ({exc})") from None
    return read_tree(wrapper, year=year)


def syntax_error(exc: etree.XMLSyntaxError, first_line_shift: int = 0) -> InputError:
    line, col = exc.position if exc.position else (None, None)
    if line == 1 and col:
        col = max(1, col - first_line_shift)
    msg = (exc.msg or str(exc)).strip()
    msg = re.sub(r",? line \d+, column \d+$", "", msg)
    msg = msg.replace(WRAPPER, "the end of your text")
    hint = "Check that every <Tag> has a matching </Tag> and that the paste is complete"
    if "Document is empty" in msg or "Start tag expected" in msg:
        hint = "This does not look like XML; paste a <Learner> or <LearningDelivery> element"
    elif "depth" in msg.lower():
        hint = "The elements are nested far deeper than any ILR file; check what was pasted"
    return InputError(f"the XML is not well formed: {msg}", line, col, hint=hint)


def read_tree(root: etree._Element, *, year: str | None = None) -> ReadResult:
    """Build the result from a parsed tree (a Message, or the snippet wrapper)."""
    message = root if local(root) == "Message" else next(
        (el for el in root.iter() if local(el) == "Message"), None)
    learners: list[Learner] = []
    learner_els = [el for el in root.iter() if local(el) == "Learner"]
    for el in learner_els:
        learners.append(learner_from_element(el))
    stray = [el for el in root.iter() if local(el) == "LearningDelivery"
             and not any(local(a) == "Learner" for a in el.iterancestors())]
    kind: Literal["file", "learners", "deliveries"] = "file" if message is not None else "learners"
    if stray:
        learners.append(Learner(
            learn_ref="(snippet)",
            deliveries=tuple(delivery_from_element(el) for el in stray),
            has_learner_details=False,
            line=stray[0].sourceline,
        ))
        if not learner_els:
            kind = "deliveries"
    if not learners and message is None:
        names = sorted({local(el) for el in root.iter() if local(el) and local(el) != WRAPPER})[:5]
        raise InputError(
            "found no <Learner> or <LearningDelivery> element" + (f" (found: {', '.join(names)})" if names else ""),
            hint="Paste a learner's record, one or more <LearningDelivery> elements, or a whole ILR file",
        )
    result = ReadResult(learners=learners, kind=kind, root=root)
    header_info(result, message if message is not None else root)
    apply_year(result, year)
    return result


def header_info(result: ReadResult, scope: etree._Element) -> None:
    """Fill year, namespace and file preparation date from what the XML says."""
    ns = None
    for el in scope.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            ns = el.tag[1:].split("}", 1)[0]
            if year_from_namespace(ns):
                break
    result.namespace = ns
    header_year = None
    for el in scope.iter():
        if local(el) == "CollectionDetails":
            y = (child_text(el, "Year") or "").strip()
            if re.fullmatch(r"\d{4}", y):
                header_year = f"20{y[:2]}-{y[2:]}"
            prep = child_text(el, "FilePreparationDate")
            if prep:
                try:
                    result.file_preparation_date = parse_value("date", prep)
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
    if year:
        result.year, result.year_source = year, "option"


def _read_fields(el: etree._Element, spec, problems: dict[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    wanted = {name: (attr, kind) for name, attr, kind in spec}
    for child in children(el):
        name = local(child)
        if name not in wanted or wanted[name][0] in values:
            continue
        attr, kind = wanted[name]
        try:
            values[attr] = parse_value(kind, child.text)
        except ValueProblem as exc:
            problems[name] = str(exc)
    return values


def fam_from_element(el: etree._Element) -> Fam:
    problems: dict[str, str] = {}
    values = _read_fields(el, FAM_FIELDS, problems)
    return Fam(
        type=str(values.get("type") or "").upper(),
        code=values.get("code"),  # type: ignore[arg-type]
        date_from=values.get("date_from"),  # type: ignore[arg-type]
        date_to=values.get("date_to"),  # type: ignore[arg-type]
        problems=problems,
        line=el.sourceline,
    )


def delivery_from_element(el: etree._Element) -> Delivery:
    problems: dict[str, str] = {}
    values = _read_fields(el, DELIVERY_FIELDS, problems)
    fams = tuple(fam_from_element(f) for f in children(el, "LearningDeliveryFAM"))
    return Delivery(**values, fams=fams, problems=problems, line=el.sourceline)  # type: ignore[arg-type]


def _dates(el: etree._Element, entity: str, field_name: str, problems: dict[str, str]) -> tuple[date, ...]:
    found = []
    for child in children(el, entity):
        try:
            value = parse_value("date", child_text(child, field_name))
        except ValueProblem as exc:
            problems[f"{entity}/{field_name}"] = str(exc)
            continue
        if value is not None:
            found.append(value)
    return tuple(found)


def learner_from_element(el: etree._Element) -> Learner:
    problems: dict[str, str] = {}
    ref = (child_text(el, "LearnRefNumber") or "").strip()
    try:
        dob = parse_value("date", child_text(el, "DateOfBirth"))
    except ValueProblem as exc:
        problems["DateOfBirth"] = str(exc)
        dob = None
    return Learner(
        learn_ref=ref or "(no LearnRefNumber)",
        deliveries=tuple(delivery_from_element(d) for d in children(el, "LearningDelivery")),
        date_of_birth=dob,
        employment_dates=_dates(el, "LearnerEmploymentStatus", "DateEmpStatApp", problems),
        prior_attain_dates=_dates(el, "PriorAttain", "DateLevelApp", problems),
        has_learner_details=True,
        problems=problems,
        line=el.sourceline,
    )


def read_path(path: str, *, year: str | None = None) -> ReadResult:
    """Read a file from disk (``-`` is standard input) into memory."""
    import sys

    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc.strerror or exc}") from None
    return read_text(data, year=year)
