"""Write a file so that it is either whole or untouched: temporary file, fsync, rename.

An ILR file is a provider's funding record. `--fixed` used to open its target
for writing straight away, so a full disk or a file-size limit left the
target (which could be the input itself) cut short at 8,192 bytes. Here the
text goes to a temporary file in the target's own folder (so the rename
cannot cross file systems), is flushed and fsynced, and only then renamed
over the target; any failure removes the temporary file and leaves the
target as it was.

The target is checked before any work is done: not empty, not a folder,
not a device or pipe, not the input itself (however it is named: the same
device and inode) unless ``in_place`` is given, in which case the input is
kept as ``NAME.bak`` beside it.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from typing import BinaryIO


class OutputError(Exception):
    """The output could not be written (or was refused); says which file and why. Exit status 3."""


class OutputRefused(OutputError):
    """The output asked for is not allowed (empty name, the input without --in-place)."""


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno == errno.EFBIG:
        return "the file would be larger than this system allows (file size limit)"
    return exc.strerror or str(exc)


def check_target(target: str, source: str | None, *, in_place: bool = False) -> str:
    """The path to write (symbolic links followed); raises OutputError for a target that cannot be used."""
    if not target or not target.strip():
        raise OutputRefused("--fixed needs a file name (it was given an empty one); nothing was written")
    path = os.path.realpath(target)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_why(exc)}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"cannot write {target}: it is a folder; give a file name inside it")
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"cannot write {target}: it is a device or pipe, not a file "
                              "(use --fixed - for standard output)")
        if not os.access(path, os.W_OK):
            raise OutputError(f"cannot write {target}: the file is read-only; it was left as it was")
        if source is not None and source != "-":
            try:
                src = os.stat(source)
            except OSError:
                src = None
            if src is not None and (src.st_dev, src.st_ino) == (st.st_dev, st.st_ino) and not in_place:
                raise OutputRefused(f"--fixed {target} is the input file itself; it was not overwritten. "
                                    "Write to another file, or add --in-place to replace it (a backup is kept "
                                    f"as {os.path.basename(path)}.bak)")
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {target}: the folder {folder} does not exist")
    return path


class AtomicFile:
    """A binary file that becomes ``path`` only on `commit`; `discard` (or an error) leaves ``path`` as it was."""

    def __init__(self, path: str, *, backup: bool = False):
        self.path = path
        self.backup = backup
        folder = os.path.dirname(path) or "."
        try:
            fd, self.temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {_why(exc)}") from None
        self.fh: BinaryIO = os.fdopen(fd, "wb")
        self.done = False

    def write(self, data: bytes) -> None:
        try:
            self.fh.write(data)
        except OSError as exc:
            self.discard()
            raise OutputError(f"cannot write {self.path}: {_why(exc)}; it was left as it was") from None

    def commit(self) -> str | None:
        """Flush, fsync, keep the mode of the file replaced, rename; returns the backup's path if one was made."""
        backup_path = None
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            try:
                mode = stat.S_IMODE(os.stat(self.path).st_mode)
            except FileNotFoundError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.chmod(self.temp, mode)
            if self.backup and os.path.exists(self.path):
                backup_path = self.path + ".bak"
                if os.path.lexists(backup_path):
                    os.unlink(backup_path)
                try:
                    os.link(self.path, backup_path)
                except OSError:  # a file system without hard links: a copy does as well
                    import shutil

                    shutil.copy2(self.path, backup_path)
            os.replace(self.temp, self.path)
            self.done = True
            _fsync_folder(os.path.dirname(self.path) or ".")
        except OSError as exc:
            self.discard()
            raise OutputError(f"cannot write {self.path}: {_why(exc)}; it was left as it was") from None
        return backup_path

    def discard(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            self.fh.close()
        except OSError:
            pass
        try:
            os.unlink(self.temp)
        except OSError:
            pass

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        if not self.done:
            self.discard()


def _fsync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
