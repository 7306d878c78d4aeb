"""Whole ILR files as a stream: one learner at a time, in flat memory.

A college's ILR holds tens of thousands of learners, most of them not on a
Skills Bootcamp. Reading it with `reader.read_text` would build the whole tree
(over a gigabyte for 50,000 learners, see research/ilr-xml.md §6), so whole
files are read with ``lxml.etree.iterparse``: each ``<Learner>`` is handed over
when its end tag is read, and then cleared together with everything before it.

Safety is the reader's: no entities, no DTD, no network, and a document whose
prolog declares a DOCTYPE is refused before the parser sees it (`source.py`
reads the prolog, decoded by the one encoding guard, so an encoding such as
UTF-7 cannot hide a DOCTYPE here either). The reader's limits hold as
the bytes arrive: the file size (`MAX_FILE_BYTES`, counted, not taken from
``stat``) and the bytes between one learner's end and the next's (so one
learner, or anything else, is bounded before it is built); then aims per
learner. A second
``<Header>`` or a ``<Learner>`` inside another is refused. Every learner's
LearnRefNumber (only that) is kept to find one used twice (rule R_06).

Learners with no bootcamp aim are skipped before the model is built: a
C-level walk of the learner's ``FundModel`` / ``ProgType`` elements
(`has_bootcamp_code`) finds the few that have a FundModel 37 or ProgType 32.
Only those become `Learner` objects, and ``Learner.is_bootcamp_learner``
has the last word, so the stream yields exactly the learners `diagnose`
checks in a snippet.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterator, TypedDict, Unpack

from lxml import etree

# lxml-stubs 0.5.1 lags lxml: ``sourceline`` is typed ``...`` (lxml-stubs#93, fixed upstream, not released),
# ``_ErrorLog`` is declared empty, and slicing an element, ``clear(keep_tail=)`` and XMLSyntaxError's
# (message, code, line, column) are missing; each ``type: ignore`` naming lxml-stubs is one of those.

from .model import Learner, ValueProblem, parse_value
from . import reader as _reader
from .builder import learner_from_element
from .reader import ReadResult, YearSource, apply_year, attach_schema, header_info, local, too_many_aims, two_headers
from .guard import InputError, syntax_error
from .source import READ_CHUNK, PathOrFile, ReadsBytes, open_source, read_prolog

@dataclass
class FileInfo:
    """What the file says about itself (the Header), filled before the first learner."""

    year: str | None = None
    year_source: YearSource | None = None
    file_preparation_date: date | None = None
    namespace: str | None = None
    notes: list[str] = field(default_factory=list)
    #: Header/CollectionDetails/Year as a teaching year, and whether the file has a Header at all.
    header_year: str | None = None
    has_header: bool = False
    #: True once a Header (or, failing that, the first Learner) has been seen.
    seen: bool = False


@dataclass
class StreamStats:
    """Counts for the progress bar and the report."""

    learners_read: int = 0
    #: Learners handed to the caller: the bootcamp learners (every learner with bootcamp_only=False).
    learners_yielded: int = 0
    bytes_read: int = 0
    total_bytes: int | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


class _LimitReached(Exception):
    """Raised from inside the parser's read() to stop it; carries the InputError to report."""

    def __init__(self, error: InputError):
        super().__init__(error.message)
        self.error = error


class _CountingReader:
    """Serves the prolog bytes already read, then the file; counts bytes for progress and limits.

    The limits are checked here, as the bytes arrive, so that nothing past a
    limit is ever parsed: the whole file (`reader.MAX_FILE_BYTES`, also for
    standard input and files that grow), and the bytes since the last
    learner's (or Header's) end (`reader.MAX_LEARNER_BYTES`): the stream
    releases memory only there, so this bounds what it can hold, whether it
    is one huge learner or something else between two learners.
    """

    def __init__(self, head: bytes, fh: ReadsBytes, stats: StreamStats, max_bytes: int, max_learner: int):
        self._head = head
        self._fh = fh
        self._stats = stats
        self.max_bytes = max_bytes
        self.max_learner = max_learner
        #: bytes_read at the last learner's (or Header's) end: what follows is at most one learner.
        self.mark = 0

    def read(self, n: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
        else:
            data = self._fh.read(n if n and n > 0 else READ_CHUNK)
        stats = self._stats
        stats.bytes_read += len(data)
        done = stats.bytes_read
        if done > self.max_bytes:
            raise _LimitReached(InputError(
                f"the file is more than {self.max_bytes / 1e6:.0f} MB, more than this reader accepts; "
                "nothing after that point was read",
                hint="Cut the file down to the learners concerned (the bootcamp learners) and try again"))
        if done - self.mark > self.max_learner + len(data):
            raise _LimitReached(InputError(
                f"more than {self.max_learner / 1e6:.0f} MB of the file holds no complete learner "
                "(one learner that big, or something else between two learners); a real learner is a few KB",
                hint="Check the file: it was probably generated or joined wrongly. Export it again from your MIS"))
        return data


@dataclass(frozen=True)
class Duplicate:
    """A LearnRefNumber seen again: where it is now and where it was first."""

    ref: str
    position: int
    line: int | None
    first_position: int
    first_line: int | None


class RefTracker:
    """Remembers every learner's reference (only the reference) and notes repeats.

    Position and line are packed into one int per reference, so that 100,000
    learners cost a few megabytes, not a tuple each.
    """

    def __init__(self) -> None:
        self._first: dict[str, int] = {}
        self.duplicates: list[Duplicate] = []

    def add(self, ref: str | None, position: int, line: int | None) -> int | None:
        """Note the reference; the position of the first learner that used it, if this one repeats it."""
        ref = (ref or "").strip()
        if not ref:
            return None  # a missing reference is FD_LearnRefNumber_MA's business, not a duplicate
        packed = (position << 32) | ((line or 0) & 0xFFFFFFFF)
        first = self._first.setdefault(ref, packed)
        if first == packed:
            return None
        first_line = first & 0xFFFFFFFF
        self.duplicates.append(Duplicate(ref, position, line, first >> 32, first_line or None))
        return first >> 32


# -- the cheap bootcamp test ------------------------------------------------------

def bootcamp_code(text: str | None, code: str) -> bool:
    """Whether a FundModel / ProgType text is ``code`` as the model reads it ("037" and " 37" are 37)."""
    if text is None:
        return False
    if text == code:
        return True
    t = text.strip()
    if t.isdigit() and len(t) <= 2:
        return t == code
    try:
        value = parse_value("int", t)
        return value == code
    except ValueProblem:
        return False


_CODE_TAGS = ("{*}FundModel", "{*}ProgType")


def has_bootcamp_code(learner_el: etree._Element) -> bool:
    """The cheap test: any FundModel 37 or ProgType 32 anywhere in this ``<Learner>``.

    A superset of ``Learner.is_bootcamp_learner`` (which reads only the first
    FundModel / ProgType of each LearningDelivery), so no bootcamp learner is
    ever skipped; the model has the last word. One C-level walk of the
    learner's elements, filtered by tag, costs about a tenth of parsing it.
    """
    for el in learner_el.iterdescendants(_CODE_TAGS):
        tag = el.tag
        if bootcamp_code(el.text, "37" if tag[-1] == "l" else "32"):  # FundModel / ProgType
            return True
    return False


# -- the stream ---------------------------------------------------------------

ProgressCallback = Callable[[StreamStats], None]


class LearnerStream:
    """Iterate the bootcamp learners of a whole ILR file, reading its Header first.

    ``info`` is filled from the Header before the first learner is yielded.
    ``stats`` counts every learner read, including those skipped. A file that
    breaks half-way raises InputError (with line and column) from the
    iteration, after every learner before the break has been yielded.
    With ``bootcamp_only=False`` every learner is yielded (for tests and tools).
    """

    def __init__(self, path_or_file: PathOrFile, *, year: str | None = None, bootcamp_only: bool = True,
                 on_progress: ProgressCallback | None = None, progress_every: int = 500):
        self.source = path_or_file
        self.year_option = year
        self.bootcamp_only = bootcamp_only
        self.on_progress = on_progress
        self.progress_every = max(1, progress_every)
        self.info = FileInfo()
        self.stats = StreamStats()
        self.root: str | None = None
        #: The namespaces in scope around the last learner yielded (for writing it back).
        self.nsmap: dict[str | None, str] = {}
        #: Every learner's LearnRefNumber (only that), to find one used twice (rule R_06).
        self.refs = RefTracker()

    def __iter__(self) -> Iterator[Learner]:
        fh, size, opened = open_source(self.source)
        try:
            yield from self._iterate(fh, size)
        finally:
            if opened is not None:
                opened.close()

    def _iterate(self, fh: ReadsBytes, size: int | None) -> Iterator[Learner]:
        self.stats = stats = StreamStats(total_bytes=size)
        max_bytes = _reader.MAX_FILE_BYTES
        if size is not None and size > max_bytes:
            raise InputError(f"the file is {size / 1e6:.0f} MB, more than the {max_bytes / 1e6:.0f} MB this "
                             "reader accepts; nothing was read",
                             hint="Cut the file down to the learners concerned (the bootcamp learners) and try again")
        try:
            prolog = read_prolog(fh)
        except OSError as exc:
            raise InputError(f"cannot read the file: {exc.strerror or exc}") from None
        self.root = prolog.root
        if prolog.root is None:
            raise InputError("this is not an ILR XML file (no root element found)",
                             1, 1, hint="Point diagnose at an ILR file (its root element is <Message>)")
        source = _CountingReader(prolog.head, fh, stats, max_bytes, _reader.MAX_LEARNER_BYTES)
        events = etree.iterparse(
            source, events=("end",),
            tag=("{*}Header", "{*}Learner", "{*}LearnerDestinationandProgression"),
            resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
            huge_tree=False, remove_blank_text=False, recover=False,
        )
        bootcamp_only = self.bootcamp_only
        every = self.progress_every
        progress = self.on_progress
        is_bootcamp = has_bootcamp_code
        build = learner_from_element
        max_aims = _reader.MAX_AIMS_PER_LEARNER
        track = self.refs.add
        aims_of = "{*}LearningDelivery"
        # The loop runs once per learner (100,000 in a big file), so it keeps to locals.
        read = 0
        headers = 0
        try:
            for _, el in events:
                source.mark = stats.bytes_read
                tag = el.tag
                if tag[-1] == "n":  # LearnerDestinationandProgression: after the learners; not checked
                    holder = el.getparent()
                    if holder is not None and local(holder) == "Message":
                        _release(el)
                    continue
                if tag[-6:] == "Header":
                    headers += 1
                    if headers > 1:
                        raise two_headers(el.sourceline)
                    self._read_header(el)
                    continue
                parent = el.getparent()
                if parent is not None and parent.tag[-7:] == "Learner" and local(parent) == "Learner":
                    raise InputError("a <Learner> is inside another <Learner>, which no ILR file has",
                                     el.sourceline, hint="Check that every <Learner> is closed before the next "
                                     "one starts")
                # The byte limit above has already bounded this learner; now its aims.
                aims = 0
                for _ in el.iterchildren(aims_of):
                    aims += 1
                if aims > max_aims:
                    raise too_many_aims(el.sourceline, max_aims)
                if read == 0 and not self.info.seen:
                    self._info_from(el)
                read += 1
                first = track(el.findtext("{*}LearnRefNumber"), read, el.sourceline)
                if not bootcamp_only or is_bootcamp(el):
                    learner = attach_schema(build(el, read, first), [el], self.info.year, snippet=False)
                    if not bootcamp_only or learner.is_bootcamp_learner:
                        stats.learners_read = read
                        stats.learners_yielded += 1
                        self.nsmap = dict(parent.nsmap) if parent is not None else {}
                        _release(el)
                        yield learner
                        if read % every == 0 and progress is not None:
                            progress(stats)
                        continue
                # _release, inlined: clear this learner and drop everything before it
                el.clear(keep_tail=False)
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
                if read % every == 0 and progress is not None:
                    stats.learners_read = read
                    progress(stats)
        except _LimitReached as exc:
            stats.learners_read = read
            raise exc.error from None
        except InputError:
            stats.learners_read = read
            raise
        except etree.XMLSyntaxError as exc:
            stats.learners_read = read
            raise self._broken(exc) from None
        except OSError as exc:
            stats.learners_read = read
            raise InputError(f"reading stopped after {read} learners: {exc.strerror or exc}") from None
        except (ValueError, MemoryError) as exc:  # lxml refuses some inputs outright
            stats.learners_read = read
            raise InputError(f"the XML could not be read after {read} learners ({exc})") from None
        stats.learners_read = read
        if not self.info.seen:
            self._finish_info(ReadResult(learners=[]))
        if progress is not None:
            progress(stats)

    def _broken(self, exc: etree.XMLSyntaxError) -> InputError:
        # With resolve_entities=False, iterparse can raise a bare "no element found" at
        # position (0, 0); libxml2's own first fatal error (in the log) has the real
        # message and position.
        if not exc.position or exc.position == (0, 0) or (exc.msg or "").startswith("no element found"):
            fatal = next((e for e in exc.error_log if e.level_name == "FATAL"), None)  # type: ignore[attr-defined]  # lxml-stubs (_ErrorLog)
            if fatal is not None:
                exc = etree.XMLSyntaxError(f"{fatal.message}, line {fatal.line}, column {fatal.column}",  # type: ignore[call-arg]
                                           fatal.type, fatal.line, fatal.column)  # (lxml-stubs: lxml's takes code, line, column)
        base = syntax_error(exc)
        n = self.stats.learners_read
        read = ("no learner came before this point" if n == 0 else
                f"the {n:,} learner{'s' if n != 1 else ''} before this point {'were' if n != 1 else 'was'} read and checked")
        if "paste" in base.hint.lower() or not base.hint:
            hint = f"The file is damaged or cut short here; {read}. Export the file again from your MIS"
        else:
            hint = f"{base.hint.rstrip('.')}. {read[0].upper()}{read[1:]}"
        return InputError(base.message, base.line, base.column, hint=hint)

    def _read_header(self, el: etree._Element) -> None:
        result = ReadResult(learners=[])
        header_info(result, el)
        self._finish_info(result)
        _release(el)

    def _info_from(self, learner_el: etree._Element) -> None:
        """No Header before the first learner: take the year from the namespace, if any."""
        result = ReadResult(learners=[])
        tag = learner_el.tag
        if isinstance(tag, str) and tag.startswith("{"):
            from .years import year_from_namespace

            result.namespace = tag[1:].split("}", 1)[0]
            ns_year = year_from_namespace(result.namespace)
            if ns_year:
                result.year, result.year_source = ns_year, "namespace"
        result.notes.append("the file has no Header before its first learner")
        self._finish_info(result)

    def _finish_info(self, result: ReadResult) -> None:
        apply_year(result, self.year_option)
        self.info = FileInfo(year=result.year, year_source=result.year_source,
                             file_preparation_date=result.file_preparation_date,
                             namespace=result.namespace, notes=list(result.notes),
                             header_year=result.header_year, has_header=result.has_header, seen=True)


def _release(el: etree._Element) -> None:
    """Free a handled element and everything read before it, so memory stays flat."""
    el.clear(keep_tail=False)  # type: ignore[call-arg]  # lxml-stubs (clear)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


class StreamOptions(TypedDict, total=False):
    """The LearnerStream options `iter_learners` passes on."""

    bootcamp_only: bool
    on_progress: ProgressCallback | None
    progress_every: int


def iter_learners(path_or_file: PathOrFile, year: str | None = None, **options: Unpack[StreamOptions]) -> LearnerStream:
    """Stream a whole ILR file: iterate the result for learners; ``.info`` holds the Header.

    ``options`` go to LearnerStream (``bootcamp_only``, ``on_progress``).
    """
    return LearnerStream(path_or_file, year=year, **options)
