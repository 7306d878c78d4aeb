"""One safe reader for everything a user might paste or point at.

A whole ILR file of any year, a single ``<Learner>``, or bare
``<LearningDelivery>`` elements; with or without declaration, BOM, comments,
Markdown fences or namespaces (matched by local name, since real files mix
them). The parser never expands entities, loads a DTD or touches the network,
and any document that declares a DTD is refused before parsing.

Pastes come from anywhere, so every way in which input can be wrong ends in
an :class:`~assistant.ilr.guard.InputError` that says what is wrong, where
(line and column when known) and what to do, in words a data manager can act
on — never in libxml2's vocabulary, never as a traceback, and within a bounded
time and memory (see the ``MAX_*`` limits). The decoding, the text checks and
those words are `guard.py`; building the model from elements is `builder.py`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO, Iterable, Iterator, Literal

from lxml import etree

# lxml-stubs 0.5.1 lags lxml: ``sourceline`` is typed ``...`` (lxml-stubs#93, fixed upstream, not released),
# ``_ErrorLog`` is declared empty, and slicing an element, ``clear(keep_tail=)`` and XMLSyntaxError's
# (message, code, line, column) are missing; each ``type: ignore`` naming lxml-stubs is one of those.

from .builder import delivery_from_element, learner_from_element, parse_checked
from .guard import (PASTE_HINT, WRAPPER, InputError, check_characters, check_size, decode, prepare, refuse_dtd,
                    syntax_error, text_position, too_large)
from .model import Learner, ValueProblem
from .years import YearError, normalise_year, year_from_namespace

YearSource = Literal["namespace", "header", "option", "assumed"]


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
    #: Header/CollectionDetails/Year as a teaching year (``2024-25``), whatever the namespace says.
    header_year: str | None = None
    #: True when the input has a Header/CollectionDetails (a file made for submission).
    has_header: bool = False
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
            raise too_large(what, f"{len(data) / 1e6:.0f} million bytes", f"{max_chars / 1e6:.0f} million characters")
        text = decode(data)
    elif isinstance(source, str):
        text = source
    else:
        raise InputError(f"cannot read a {type(source).__name__}; expected text", hint=PASTE_HINT)
    year = _normalise_year_option(year)
    check_size(text, max_chars, max_elements, what)
    text = prepare(text)
    check_characters(text)
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
            raise syntax_error(exc, len(head), text_end=text_position(text, len(text.rstrip()))) from None
        except ValueError:  # lxml refuses some inputs outright
            raise InputError("the XML could not be read", hint=PASTE_HINT) from None


def _normalise_year_option(year: str | None) -> str | None:
    if year is None or not str(year).strip():
        return None
    try:
        return normalise_year(str(year))
    except YearError as exc:
        raise InputError(f"the teaching year given ({exc})", hint="Give the year like 2024-25") from None


def _firsts(learner_els: list[etree._Element]) -> Iterator[tuple[int, etree._Element, int | None]]:
    """Each Learner with its position and, when an earlier one has its LearnRefNumber, that one's position (R_06)."""
    first: dict[str, int] = {}
    for position, el in enumerate(learner_els, 1):
        ref = (el.findtext("{*}LearnRefNumber") or "").strip()
        earlier = first.setdefault(ref, position) if ref else position
        yield position, el, (earlier if earlier != position else None)


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
    learners = [learner_from_element(el, position, first) for position, el, first in _firsts(learner_els)]
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
        result.has_header = True
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
    result.header_year = header_year
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
