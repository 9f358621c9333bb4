"""Atomic file writes.

:func:`write_atomic` writes to a temporary file in the same directory, flushes and fsyncs it, then
``os.replace``s it over the target and fsyncs the directory. A reader (or a crash, even SIGKILL)
sees either the whole old file or the whole new one, never a mix. When `mode` is given (0o600 for
credentials) the temporary file is *created* with that mode, so there is no moment where the secret
is readable by others.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Mapping


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


# --------------------------------------------------------------------------------------------------
# A small TOML writer (the standard library only reads TOML) for the files apiplay itself writes:
# state.toml, credentials.toml and saved requests. Tables, strings, numbers, booleans and arrays of those.

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_str(key)


def _toml_str(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif code < 0x20 or code == 0x7F:
            out.append("\\u%04x" % code)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("TOML here cannot hold nan or inf")
        return repr(value)
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dumps_toml(data: Mapping[str, Any], header: str = "") -> str:
    """`data` (nested dicts of scalars and lists) as TOML text that ``tomllib.loads`` reads back equal.

    None values are left out. `header` lines are written first as comments.
    """
    lines = [f"# {h}" if h else "#" for h in header.splitlines()]

    def table(prefix: list[str], d: Mapping[str, Any]) -> None:
        scalars = [(k, v) for k, v in d.items() if v is not None and not isinstance(v, Mapping)]
        subs = [(k, v) for k, v in d.items() if isinstance(v, Mapping)]
        if prefix and (scalars or not subs):
            if lines:
                lines.append("")
            lines.append("[" + ".".join(_toml_key(p) for p in prefix) + "]")
        for k, v in scalars:
            lines.append(f"{_toml_key(str(k))} = {_toml_value(v)}")
        for k, v in subs:
            table(prefix + [str(k)], v)

    table([], data)
    return "\n".join(lines) + "\n"
