"""Writing outputs safely: atomically, never over an input file."""

from __future__ import annotations

import os
import tempfile


class OutputError(Exception):
    """An output cannot be written; the message is one line for the user."""


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def write_atomic(path: str, data, inputs=()) -> None:
    """Write ``data`` (str or bytes) to ``path`` through a temporary file in the
    same folder and a rename, so that readers never see a half-written file and
    a failure leaves nothing behind. Creates missing parent folders. Refuses to
    write over any of ``inputs``."""
    for src in inputs:
        if os.path.exists(path) and same_file(path, src):
            raise OutputError(f"{path}: refusing to write over the input file")
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a folder; give a file name")
    if os.path.islink(path):
        path = os.path.realpath(path)  # write the file the link points to; keep the link
    if os.path.exists(path) and not os.path.isfile(path):
        # a device (/dev/null, /dev/stdout) or a pipe: write to it; renaming over it would replace it
        try:
            with open(path, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        return
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path)[-16:], dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        raise
