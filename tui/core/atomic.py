"""Atomic file writes.

:func:`write_atomic` writes to a temporary file in the same directory, flushes and fsyncs it, then
``os.replace``s it over the target and fsyncs the directory. A reader (or a crash, even SIGKILL)
sees either the whole old file or the whole new one, never a mix. When `mode` is given (0o600 for
credentials) the temporary file is *created* with that mode, so there is no moment where the secret
is readable by others.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: bytes | str, mode: int | None = None) -> Path:
    """Replace `path` with `data` atomically. Returns the path.

    `mode` (e.g. ``0o600``) is applied from creation. Without it, an existing file keeps its mode and
    a new one gets the usual 0o666 & ~umask. A missing parent directory is created (0o700).
    """
    target = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    parent = target.parent
    if not parent.is_dir():
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if mode is None:
        try:
            final_mode = os.stat(target).st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            final_mode = 0o666 & ~umask
    else:
        final_mode = mode
    # mkstemp creates the file 0600; we only widen it (if asked) after the data is written.
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if final_mode != 0o600:
                os.fchmod(fh.fileno(), final_mode)
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(parent)
    return target


def _fsync_dir(directory: Path) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(dfd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(dfd)
