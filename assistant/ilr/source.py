"""Where a whole file's bytes come from: opening it, and its prolog.

A path is opened here (and closed by whoever opened it); standard input or any
other source only needs ``read``. The prolog — declaration, comments, up to the
root element's name — is read first and decoded by the one encoding guard
(`guard.sniff_encoding`), so that a document declaring a DOCTYPE is refused
before any parser sees it (a DTD can only appear in the prolog) and the root
element tells a whole file (``<Message>``) from a snippet.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from .guard import InputError, sniff_encoding

#: How much of the file start may be prolog (declaration, comments) before the root element.
MAX_PROLOG_BYTES = 16 * 1024 * 1024
READ_CHUNK = 256 * 1024

class ReadsBytes(Protocol):
    """All the stream asks of a source it did not open: ``read`` (standard input, a BytesIO, a wrapper)."""

    def read(self, n: int = -1, /) -> bytes: ...


#: A path, or a binary source already open.
PathOrFile = str | os.PathLike[str] | ReadsBytes


# -- the prolog: DTD refusal and "is this a whole file?" -------------------------

_PROLOG_TOKEN = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)


@dataclass(frozen=True)
class Prolog:
    """What the bytes before the root element say."""

    root: str | None          # local name of the root element, None if not found
    head: bytes               # the bytes read so far (handed back to the parser)


def _decode_head(data: bytes) -> str:
    """The prolog as text, decoded as the one encoding guard (`guard.sniff_encoding`) says; refuses others."""
    codec = sniff_encoding(data)
    return data.decode(codec, errors="replace").lstrip("\ufeff")


def read_prolog(fh: ReadsBytes) -> Prolog:
    """Read up to the root element's name; refuse a DOCTYPE. Raises InputError.

    Only the prolog can hold a DTD, so this is the whole DTD check for a
    stream. The bytes read are returned so that nothing has to be re-read
    (standard input cannot be rewound).
    """
    head = b""
    while True:
        chunk = fh.read(READ_CHUNK if head else 64 * 1024)
        head += chunk
        text = _decode_head(head)
        pos = 0
        while True:
            m = _PROLOG_TOKEN.match(text, pos)
            if not m:
                break
            pos = m.end()
        rest = text[pos:]
        if rest[:9].upper() == "<!DOCTYPE" or rest[:8].upper() == "<!ENTITY":
            line = text.count("\n", 0, pos) + 1
            col = pos - (text.rfind("\n", 0, pos) + 1) + 1
            raise InputError(
                "the file declares a DTD or entities, which ILR files never do; it was not read",
                line, col, hint="Remove the <!DOCTYPE …> part (real ILR exports have none) and try again")
        m = re.match(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)", rest)
        if m and (len(rest) > m.end() or not chunk):
            return Prolog(m.group(2), head)
        if not chunk:
            return Prolog(None, head)
        if rest and not rest.startswith("<") and not rest[:1].isspace():
            return Prolog(None, head)  # text before any element: not a file; the reader will say why
        if len(head) > MAX_PROLOG_BYTES:
            raise InputError(f"found no root element in the first {MAX_PROLOG_BYTES // (1024 * 1024)} MB",
                             hint="Check that this is an ILR XML file")


def open_source(path_or_file: PathOrFile) -> tuple[ReadsBytes, int | None, BinaryIO | None]:
    """(source, size if known, the file we opened and must close, if any). Raises InputError."""
    if isinstance(path_or_file, (str, os.PathLike)):
        name = os.fspath(path_or_file)
        try:
            opened: BinaryIO = open(name, "rb")
            size: int | None = os.fstat(opened.fileno()).st_size
        except OSError as exc:
            raise InputError(f"cannot open {name}: {exc.strerror or exc}") from None
        return opened, size, opened
    size = None
    try:
        size = os.fstat(path_or_file.fileno()).st_size or None  # type: ignore[attr-defined]  # a real file has one
    except (AttributeError, OSError, io.UnsupportedOperation, ValueError):
        pass
    return path_or_file, size, None


def is_whole_file(path: str | os.PathLike[str]) -> bool:
    """True when the file's root element is ``<Message>``: stream it rather than read it whole.

    Raises InputError for a file that cannot be opened or declares a DTD.
    """
    fh, _, opened = open_source(path)
    try:
        return read_prolog(fh).root == "Message"
    finally:
        if opened is not None:
            opened.close()
