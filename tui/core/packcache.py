"""A cache of parsed provider packs in the user cache dir, for the TUI's start-up.

Parsing and validating the three built-in packs takes about 20 ms, on the way to the first frame;
reading them back from here a third of that. One file (``packs.pickle`` in the platformdirs user
cache dir, or ``$APIPLAY_CACHE_DIR``) maps each pack's key (resolved path, mtime, size, built-in)
to its :class:`~tui.core.model.Provider`. An entry is used only for a file whose key still matches,
so an edited pack is parsed again; the whole file is ignored when it was written by another version
of the loader or of Python, or is missing, truncated or corrupt (any error while reading it). It is
written atomically (temp file, rename), so a crash never leaves half a cache.

The cache lives in the user's own cache dir, like the packs in their config dir. It is still read
defensively: a file not owned by the user, or writable by others, is ignored, and the unpickler
builds only the pack model's classes and plain containers (nothing else can be named in it, so
a planted file cannot run code).

No Textual here.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import Any, Mapping

#: bump when the cached objects' shape changes in a way the loader's own stamp would not show
FORMAT = 1
FILE_NAME = "packs.pickle"

Key = tuple  # (resolved path, mtime_ns, size, builtin): the key of tui.core.packs' memory cache


def cache_dir() -> Path:
    override = os.environ.get("APIPLAY_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("apiplay", appauthor=False))


def cache_file() -> Path:
    return cache_dir() / FILE_NAME


def _stamp() -> tuple:
    """What the cached objects depend on besides the pack files: the loader's and the model's source
    (size and mtime), Python's version and this module's format."""
    here = Path(__file__).resolve().parent
    files = []
    for name in ("packs.py", "model.py"):
        try:
            st = (here / name).stat()
            files.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            files.append((name, 0, 0))
    return (FORMAT, sys.version_info[:2], tuple(files))


#: the only globals a cache file may name, besides the classes of tui.core.model
_SAFE_BUILTINS = frozenset({"tuple", "list", "dict", "set", "frozenset", "str", "int", "float", "bool",
                            "bytes", "complex", "NoneType"})


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "tui.core.model" and not name.startswith("_"):
            from . import model

            found = getattr(model, name, None)
            if isinstance(found, type):
                return found
        elif module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the pack cache")


def _trusted(path: Path) -> bool:
    """The user's own file, that nobody else can write (on systems with owners and modes)."""
    if not hasattr(os, "getuid"):
        return True
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def read() -> dict[Key, Any]:
    """The cached providers by key; {} when there is no usable cache (never raises)."""
    import io

    from .model import Provider

    try:
        path = cache_file()
        if not _trusted(path):
            return {}
        data = _ModelUnpickler(io.BytesIO(path.read_bytes())).load()
    except Exception:  # missing, unreadable, truncated, corrupt, from another version, forbidden: not used
        return {}
    if not isinstance(data, dict) or data.get("stamp") != _stamp():
        return {}
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(k, tuple) and len(k) == 4 and isinstance(v, Provider)}


def write(entries: Mapping[Key, Any]) -> Path:
    """Write `entries` as the whole cache, atomically. Raises OSError when it cannot be written."""
    from .atomic import write_atomic

    data = pickle.dumps({"stamp": _stamp(), "entries": dict(entries)}, protocol=pickle.HIGHEST_PROTOCOL)
    return write_atomic(cache_file(), data)  # (makes the directory)
