"""Writing outputs safely: atomically, never over an input, never outside the output.

Two ways to write:

- :func:`write_atomic` writes one file the user named (``render -o``,
  ``script -o``, ``check -o``). A symbolic link there is replaced by a regular
  file, never followed; a pipe or a device the user names (``/dev/stdout``,
  a FIFO) is written to, as the user asked.
- :class:`OutputTree` is a folder the tool owns (the site of ``build``). Every
  path inside it is opened relative to the folder, one component at a time,
  without following symbolic links: a linked folder inside it is refused, a
  link, a FIFO, a socket or a device at an output's name is replaced by a
  regular file without being opened. Nothing is ever written outside it.

Both write through a temporary file (``.tmp-…``) in the target's folder and a
rename, so readers never see half a file and a failure leaves the old file.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterable

TMP_PREFIX = ".tmp-"
#: the temporary files an OutputTree writes (and a killed build may leave)
_TREE_TMP = re.compile(r"\.tmp-[0-9a-f]{8}-")

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class OutputError(Exception):
    """An output cannot be written; the message is one line for the user."""


class Busy(OutputError):
    """Another process holds the output folder's lock."""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def write_atomic(path: str, data: str | bytes, inputs: Iterable[str] = ()) -> str | None:
    """Write ``data`` to the file ``path`` the user named, through a temporary
    file in the same folder and a rename. Creates missing parent folders.
    Refuses to write over any of ``inputs`` (under any name). A symbolic link
    at ``path`` is replaced by a regular file (its target is not touched); a
    pipe or a device (``/dev/stdout``, ``/dev/null``, a FIFO), named directly
    or through a link, is written to. Returns a one-line note when a link was
    replaced, else None; raises :class:`OutputError` with a one-line message."""
    for src in inputs:
        if os.path.lexists(path) and same_file(path, src):
            raise OutputError(f"{path}: refusing to write over the input file")
    try:
        st = os.lstat(path)
    except OSError:
        st = None
    note = None
    if st is not None and stat.S_ISLNK(st.st_mode):
        try:
            target = os.stat(path)
        except OSError:
            target = None
        if (
            target is not None
            and not stat.S_ISREG(target.st_mode)
            and not stat.S_ISDIR(target.st_mode)
        ) or _special(path):
            # /dev/stdout, /dev/fd/1 and the like: what the user asked for, even when
            # standard output is redirected to a file
            _write_through(path, data)
            return None
        if target is not None and stat.S_ISDIR(target.st_mode):
            raise OutputError(f"{path}: is a folder; give a file name")
        note = f"{path}: was a symbolic link; replaced by a regular file (its target is untouched)"
    elif st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path}: is a folder; give a file name")
    elif st is not None and not stat.S_ISREG(st.st_mode):
        _write_through(path, data)  # a pipe or a device the user named
        return None
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=TMP_PREFIX, suffix=os.path.basename(path)[-16:], dir=folder
        )
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_bytes(data))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # a rename replaces a link itself, never its target
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write: {_reason(exc)}") from None
        raise
    return note


def _special(path: str) -> bool:
    """Is ``path`` in /dev or /proc (a name for a standard stream, a pipe or a device)?"""
    folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    return any(folder == top or folder.startswith(top + os.sep) for top in ("/dev", "/proc"))


def _write_through(path: str, data: str | bytes) -> None:
    try:
        with open(path, "wb") as fh:
            fh.write(_bytes(data))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_reason(exc)}") from None


#: called as hook(event, relative path) around each write of an OutputTree:
#: "temporary" when the temporary file is complete, "written" after the rename
Hook = Callable[[str, str], None]


def _check_rel(rel: str) -> None:
    """A path inside an OutputTree is plain names joined by '/': never '..' (out of
    the tree), never absolute, nothing empty."""
    if any(part in ("", ".", "..") for part in rel.split("/")) or os.path.isabs(rel):
        raise OutputError(f"{rel}: not a name inside the output folder")


class OutputTree:
    """A folder that only the tool writes into (``build``'s site).

    ``root`` itself may be a symbolic link (the user named it) and is created
    with its parents when missing. Below it, every folder is opened without
    following links, and every file operation is relative to an open folder,
    so a link planted anywhere inside can never lead a write, a read or a
    removal outside the tree. ``inputs`` are files that must never be written
    over (compared by device and inode, so any name reaching them counts).
    """

    def __init__(self, root: str, inputs: Iterable[str] = (), hook: Hook | None = None):
        self.root = root
        self.hook = hook
        self.notes: list[str] = []
        self._inputs: set[tuple[int, int]] = set()
        for p in inputs:
            try:
                s = os.stat(p)
            except OSError:
                continue
            self._inputs.add((s.st_dev, s.st_ino))
        try:
            st = os.lstat(root)
        except OSError:
            st = None
        if st is not None and not stat.S_ISDIR(st.st_mode) and not stat.S_ISLNK(st.st_mode):
            raise OutputError(f"{root}: exists and is not a folder")
        try:
            os.makedirs(root, exist_ok=True)
            self._root_fd = os.open(root, os.O_RDONLY | _DIRECTORY | _NONBLOCK | _CLOEXEC)
        except OSError as exc:
            if exc.errno in (errno.ENOTDIR, errno.EEXIST):
                raise OutputError(
                    f"{root}: cannot create the folder: a part of it is a file"
                ) from None
            raise OutputError(f"{root}: cannot create the folder: {_reason(exc)}") from None
        self._dirs: dict[str, int] = {"": self._root_fd}

    # ------------------------------------------------------------- folders

    def close(self) -> None:
        for fd in self._dirs.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self._dirs = {}

    def __enter__(self) -> OutputTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def show(self, rel: str) -> str:
        """``rel`` as the user sees it: joined to the root they named."""
        return os.path.join(self.root, rel) if rel else self.root

    def folder(self, rel: str, create: bool = True) -> int | None:
        """An open descriptor of the folder ``rel`` (``""`` is the root), made
        when missing and ``create``; None when missing and not ``create``.
        Raises OutputError when a part of it is a link or not a folder."""
        if rel in self._dirs:
            return self._dirs[rel]
        _check_rel(rel)
        parent_rel, name = os.path.split(rel)
        parent = self.folder(parent_rel, create)
        if parent is None:
            return None
        flags = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _NONBLOCK | _CLOEXEC
        for attempt in (1, 2):
            try:
                fd = os.open(name, flags, dir_fd=parent)
                break
            except FileNotFoundError:
                if not create:
                    return None
                try:
                    os.mkdir(name, 0o755, dir_fd=parent)
                except FileExistsError:
                    if attempt == 2:
                        raise OutputError(f"{self.show(rel)}: cannot create the folder") from None
                except OSError as exc:
                    raise OutputError(
                        f"{self.show(rel)}: cannot create the folder: {_reason(exc)}"
                    ) from None
            except OSError as exc:
                st = self._lstat(parent, name)
                if st is not None and stat.S_ISLNK(st.st_mode):
                    raise OutputError(
                        f"{self.show(rel)}: is a symbolic link; not followed "
                        "(the site's folders must be real folders: remove the link)"
                    ) from None
                if st is not None and not stat.S_ISDIR(st.st_mode):
                    raise OutputError(
                        f"{self.show(rel)}: cannot write: a file is where the folder should be"
                    ) from None
                raise OutputError(
                    f"{self.show(rel)}: cannot open the folder: {_reason(exc)}"
                ) from None
        else:  # pragma: no cover - the loop always breaks or raises
            raise OutputError(f"{self.show(rel)}: cannot create the folder")
        self._dirs[rel] = fd
        return fd

    @staticmethod
    def _lstat(dir_fd: int, name: str) -> os.stat_result | None:
        try:
            return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except OSError:
            return None

    def lstat(self, rel: str) -> os.stat_result | None:
        """The entry at ``rel`` itself (a link is not followed); None when absent."""
        try:
            parent = self.folder(os.path.dirname(rel), create=False)
        except OutputError:
            return None
        return None if parent is None else self._lstat(parent, os.path.basename(rel))

    # ------------------------------------------------------------- files

    def write(self, rel: str, data: str | bytes) -> os.stat_result:
        """Write ``rel`` atomically; returns the new file's status. A link, a
        pipe, a socket or a device at ``rel`` is replaced (and a note kept in
        :attr:`notes`), never opened or followed."""
        _check_rel(rel)
        folder_rel, name = os.path.split(rel)
        parent = self.folder(folder_rel)
        assert parent is not None
        old = self._lstat(parent, name)
        if old is not None:
            if (old.st_dev, old.st_ino) in self._inputs:
                raise OutputError(f"{self.show(rel)}: refusing to write over the input file")
            if stat.S_ISDIR(old.st_mode):
                raise OutputError(f"{self.show(rel)}: cannot write: is a folder")
        tmp = f"{TMP_PREFIX}{secrets.token_hex(4)}-{name[-40:]}"  # matches _TREE_TMP
        try:
            fd = os.open(
                tmp,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                0o644,
                dir_fd=parent,
            )
        except OSError as exc:
            raise OutputError(f"{self.show(rel)}: cannot write: {_reason(exc)}") from None
        try:
            try:
                view = memoryview(_bytes(data))
                while view:
                    view = view[os.write(fd, view) :]
                os.fchmod(fd, 0o644)
                st = os.fstat(fd)
            finally:
                os.close(fd)
            if self.hook:
                self.hook("temporary", rel)
            os.replace(tmp, name, src_dir_fd=parent, dst_dir_fd=parent)
        except BaseException as exc:
            try:
                os.unlink(tmp, dir_fd=parent)
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise OutputError(f"{self.show(rel)}: cannot write: {_reason(exc)}") from None
            raise
        if old is not None and not stat.S_ISREG(old.st_mode):
            self.notes.append(
                f"{self.show(rel)}: was {_kind(old.st_mode)}; replaced by a regular file "
                "(not followed or opened)"
            )
        if self.hook:
            self.hook("written", rel)
        return st

    def read(self, rel: str) -> bytes | None:
        """The bytes of the regular file ``rel``; None when it is missing or
        anything else (a link is not followed, a pipe is not opened)."""
        try:
            parent = self.folder(os.path.dirname(rel), create=False)
        except OutputError:
            return None
        if parent is None:
            return None
        try:
            fd = os.open(
                os.path.basename(rel),
                os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC,
                dir_fd=parent,
            )
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(fd)

    def remove(self, rel: str) -> None:
        """Remove the entry ``rel`` itself (a link, not its target); never a folder."""
        try:
            parent = self.folder(os.path.dirname(rel), create=False)
        except OutputError:
            return
        if parent is None:
            return
        try:
            os.unlink(os.path.basename(rel), dir_fd=parent)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise OutputError(f"{self.show(rel)}: cannot remove: {_reason(exc)}") from None

    def remove_folder_if_empty(self, rel: str) -> bool:
        """Remove the folder ``rel`` when nothing is left in it."""
        fd = self._dirs.pop(rel, None)
        if fd is not None:
            os.close(fd)
        try:
            parent = self.folder(os.path.dirname(rel), create=False)
        except OutputError:
            return False
        if parent is None:
            return False
        try:
            os.rmdir(os.path.basename(rel), dir_fd=parent)
            return True
        except OSError:
            return False

    def clean_temporaries(self, rel: str = "") -> list[str]:
        """Remove the tool's temporary files (``.tmp-<8 hex digits>-…``) that a killed run left
        in the folder ``rel``; returns their relative paths."""
        try:
            fd = self.folder(rel, create=False)
        except OutputError:
            return []
        if fd is None:
            return []
        removed = []
        try:
            names = os.listdir(fd)
        except OSError:
            return []
        for name in names:
            if not _TREE_TMP.match(name):
                continue
            st = self._lstat(fd, name)
            if st is None or stat.S_ISDIR(st.st_mode):
                continue
            try:
                os.unlink(name, dir_fd=fd)
                removed.append(os.path.join(rel, name))
            except OSError:
                pass
        return removed

    def open_file(self, rel: str, flags: int) -> int:
        """Open (creating) the regular file ``rel`` with ``flags`` added to
        write-only-or-read-write access; a link, a pipe or a device there is
        removed first (it is in the tool's own folder, under the tool's own
        name) and a regular file made instead."""
        _check_rel(rel)
        folder_rel, name = os.path.split(rel)
        parent = self.folder(folder_rel)
        assert parent is not None
        for _attempt in (1, 2):
            try:
                fd = os.open(
                    name,
                    flags | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC,
                    0o644,
                    dir_fd=parent,
                )
            except OSError as exc:
                st = self._lstat(parent, name)
                if st is not None and not stat.S_ISDIR(st.st_mode) and not stat.S_ISREG(st.st_mode):
                    self._replace_odd(parent, name, rel, st)
                    continue
                raise OutputError(f"{self.show(rel)}: cannot open: {_reason(exc)}") from None
            st = os.fstat(fd)
            if stat.S_ISREG(st.st_mode):
                return fd
            os.close(fd)
            self._replace_odd(parent, name, rel, st)
        raise OutputError(f"{self.show(rel)}: cannot open: not a regular file")

    def _replace_odd(self, parent: int, name: str, rel: str, st: os.stat_result) -> None:
        try:
            os.unlink(name, dir_fd=parent)
        except OSError as exc:
            raise OutputError(f"{self.show(rel)}: cannot remove: {_reason(exc)}") from None
        self.notes.append(
            f"{self.show(rel)}: was {_kind(st.st_mode)}; replaced by a regular file "
            "(not followed or opened)"
        )
