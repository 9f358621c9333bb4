"""Compiled dataclass methods kept between runs, for start-up.

``tui.core.model`` defines 17 frozen dataclasses. For each, Python's ``dataclasses`` writes the
source of ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__``
and compiles it: about 100 compilations, 12-18 ms of every start of the app on this machine (3-5 ms
with this cache); the settings and the rate meter add a dozen. :func:`install` wraps
``dataclasses._create_fn`` while such a module runs:
each function's source is looked up in the file read at install (``dataclasses.marshal`` in
tui.core.packcache's cache dir) and compiled only when missing. The app writes the new entries
after its first paint (:func:`take_pending` / :func:`write`), in the thread that writes its other
start-up caches.

What runs is exactly what ``dataclasses`` would run: the wrapper is a copy of CPython 3.11's
``_create_fn`` (the only version it is used with: anywhere else it installs nothing), and an entry
is the code compiled from that very source text, looked up by the text itself.

The file holds code, so it is read as defensively as the other caches, and more: only a file the
user owns that nobody else can write, in a directory the user owns that nobody else can write (the
app makes it 0700), stamped with the exact Python build (marshal's format is version-specific);
anything odd means compiling instead.
"""

from __future__ import annotations

import dataclasses
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Callable

from tui.core.packcache import _trusted, cache_dir

FILE_NAME = "dataclasses.marshal"
#: bump when what is stored changes shape
FORMAT = 1

_codes: dict[str, CodeType] = {}  # read at install: source text -> its code
_new: dict[str, CodeType] = {}  # compiled since install
_MISSING = dataclasses.MISSING


def cache_file() -> Path:
    return cache_dir() / FILE_NAME


def _stamp() -> str:
    return f"{FORMAT}:{sys.version}:{sys.implementation.cache_tag}"


def enabled() -> bool:
    """Only on the CPython whose ``dataclasses._create_fn`` the wrapper copies."""
    original = getattr(dataclasses, "_create_fn", None)
    return (sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 11) and original is not None
            and original.__code__.co_varnames[:3] == ("name", "args", "body"))


def _read() -> dict[str, CodeType]:
    try:
        path = cache_file()
        if not _trusted(path) or not _trusted(path.parent):
            return {}
        stamp, codes = marshal.loads(path.read_bytes())
        if stamp != _stamp() or not isinstance(codes, dict):
            return {}
        return {k: v for k, v in codes.items() if isinstance(k, str) and isinstance(v, CodeType)}
    except Exception:  # missing, unreadable, truncated, from another build: compile instead
        return {}


def _create_fn(name, args, body, *, globals=None, locals=None, return_type=_MISSING):
    # CPython 3.11's dataclasses._create_fn, with the compilation looked up first.
    if locals is None:
        locals = {}
    return_annotation = ''
    if return_type is not _MISSING:
        locals['_return_type'] = return_type
        return_annotation = '->_return_type'
    args = ','.join(args)
    body = '\n'.join(f'  {b}' for b in body)

    # Compute the text of the entire function.
    txt = f' def {name}({args}){return_annotation}:\n{body}'

    local_vars = ', '.join(locals.keys())
    txt = f"def __create_fn__({local_vars}):\n{txt}\n return {name}"
    code = _codes.get(txt)
    if code is None:
        code = _new[txt] = compile(txt, "<string>", "exec")
    ns = {}
    exec(code, globals, ns)
    return ns['__create_fn__'](**locals)


_read_done = False


def install() -> Callable[[], None]:
    """Compile dataclass methods through the cache until the returned function is called (a module
    with dataclasses calls it first thing and the function last thing; the file is read once)."""
    global _codes, _read_done
    if not enabled():
        return lambda: None
    original = dataclasses._create_fn
    if not _read_done:
        _codes, _read_done = _read(), True
    dataclasses._create_fn = _create_fn

    def restore() -> None:
        dataclasses._create_fn = original

    return restore


def take_pending() -> dict[str, CodeType] | None:
    """The code compiled since install that the file lacks (None: nothing new)."""
    if not _new:
        return None
    pending = dict(_new)
    _new.clear()
    return pending


def write(pending: dict[str, CodeType]) -> Path:
    """Write the file: what was read at install and `pending`, atomically, 0600. Raises OSError."""
    from tui.core.atomic import write_atomic

    codes = {**_codes, **pending}
    return write_atomic(cache_file(), marshal.dumps((_stamp(), codes)), mode=0o600)
