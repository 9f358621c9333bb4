"""A disk cache of Textual's parsed CSS rules, for the TUI's start-up.

Textual parses every stylesheet and widget DEFAULT_CSS in each new process (about 25 ms of
start-up; ``Stylesheet._parse_rules`` only caches per Stylesheet instance). :func:`install` wraps
that method once, at class level: on a miss in the instance cache it looks for the entry in the
file read at install (``css.pickle`` in tui.core.packcache's cache dir), and records what it had to
parse. :func:`take_pending` / :func:`write` save the new entries after the first paint (the app does
that in a thread worker), never on the start-up path.

An entry's key is a digest of everything the parsed rules depend on: the CSS text, where it was
read from, whether it is default CSS, the tie breaker, the scope and the stylesheet's variables
(theme-dependent: substitution happens while parsing). The whole file is ignored when written with
another Textual or Python (its stamp). Each entry is stored as its own pickle and unpickled afresh
on each hit, so a hit returns new objects equal to what parsing returns, never ones shared with
another stylesheet.

Read defensively, as the pack cache: a file not owned by the user, or writable by others, is
ignored; any error while reading it or an entry means parsing instead. The unpickler names only
the few Textual classes and functions parsed rules are made of (:data:`_ALLOWED`),
``functools.partial``, and instead of ``getattr`` a function that gives only ``get`` and
``__contains__`` of a dict, set or frozenset (the bound methods ``Styles`` keeps). Anything else in
a file (``os.system``, ``builtins.getattr`` towards another attribute ...) is refused.
"""

from __future__ import annotations

import functools
import importlib
import io
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from tui.core.packcache import _trusted, cache_dir

try:  # hashlib itself loads OpenSSL's module too: ~1.5 ms of start-up, for this one hash
    from _blake2 import blake2b
except ImportError:  # pragma: no cover
    from hashlib import blake2b

#: bump when what is stored changes shape
FORMAT = 1
FILE_NAME = "css.pickle"
#: at most this many entries are kept (about 50 a theme; the newest are kept)
MAX_ENTRIES = 500

#: the only globals an entry may name besides functools.partial and the safe getattr; all are what
#: Textual's parser builds (found by pickling the parsed rules of the app and of every widget's
#: DEFAULT_CSS in Textual and apiplay)
_ALLOWED = frozenset({
    ("textual.css.model", "RuleSet"),
    ("textual.css.model", "Selector"),
    ("textual.css.model", "SelectorSet"),
    ("textual.css.model", "SelectorType"),
    ("textual.css.model", "CombinatorType"),
    ("textual.css.model", "_check_type"),
    ("textual.css.model", "_check_class"),
    ("textual.css.model", "_check_id"),
    ("textual.css.model", "_check_universal"),
    ("textual.css.styles", "Styles"),
    ("textual.css.scalar", "Scalar"),
    ("textual.css.scalar", "ScalarOffset"),
    ("textual.css.scalar", "Unit"),
    ("textual.color", "Color"),
    ("textual.geometry", "Spacing"),
    ("textual.layouts.vertical", "VerticalLayout"),
    ("textual.layouts.horizontal", "HorizontalLayout"),
    ("textual.layouts.grid", "GridLayout"),
})

_BOUND_TYPES = (dict, set, frozenset)
_BOUND_NAMES = frozenset({"get", "__contains__"})


def _bound_method(obj: Any, name: str) -> Any:
    """What pickle's ``getattr(obj, name)`` may do here: a dict's (set's) get / __contains__ only."""
    if type(obj) in _BOUND_TYPES and type(name) is str and name in _BOUND_NAMES:
        return getattr(obj, name)
    raise pickle.UnpicklingError(f"getattr of {type(obj).__name__}.{name!s:.40} is not allowed in the CSS cache")


class _RulesUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            found = getattr(importlib.import_module(module), name)
            if callable(found):
                return found
        elif module == "functools" and name == "partial":
            return functools.partial
        elif module == "builtins" and name == "getattr":
            return _bound_method
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the CSS cache")


def _loads(data: bytes) -> Any:
    return _RulesUnpickler(io.BytesIO(data)).load()


def cache_file() -> Path:
    return cache_dir() / FILE_NAME


def _stamp() -> tuple:
    """What every entry also depends on: Textual's version (its dist-info's name: asking
    importlib.metadata costs ~20 ms) and its parser's sources, Python's version, this format."""
    import textual

    here = Path(textual.__file__).resolve().parent
    dist = ""
    try:
        dist = ",".join(sorted(n for n in os.listdir(here.parent)
                               if n.lower().startswith("textual-") and n.endswith(".dist-info")))
    except OSError:
        pass
    files = []
    for name in ("css/parse.py", "css/model.py", "css/styles.py", "css/tokenize.py", "css/stylesheet.py"):
        try:
            st = (here / name).stat()
            files.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            files.append((name, 0, 0))
    return (FORMAT, sys.version, dist, tuple(files))


# ---- state (one process) --------------------------------------------------------------------------

_original = None  # Stylesheet._parse_rules before install()
_stamp_value: tuple | None = None
_entries: dict[bytes, bytes] = {}  # from the file: digest -> pickled list of RuleSets
_new: dict[bytes, list] = {}  # parsed this start, not in the file yet
_recording = False
_vars_memo: tuple[dict, bytes] | None = None  # (a copy of the last variables, their digest)

stats = {"hits": 0, "parsed": 0}


def _vars_digest(variables: dict) -> bytes:
    global _vars_memo
    memo = _vars_memo
    if memo is not None and memo[0] == variables:
        return memo[1]
    digest = blake2b(repr(sorted(variables.items())).encode("utf-8", "surrogatepass"), digest_size=32).digest()
    _vars_memo = (dict(variables), digest)
    return digest


def _digest(css: str, read_from: Any, is_default_rules: Any, tie_breaker: Any, scope: Any,
            variables: dict) -> bytes:
    css_digest = blake2b(css.encode("utf-8", "surrogatepass"), digest_size=32).digest()
    key = repr((css_digest, read_from, is_default_rules, tie_breaker, scope, _vars_digest(variables)))
    return blake2b(key.encode("utf-8", "surrogatepass"), digest_size=32).digest()


def _parse_rules(self, css, read_from, is_default_rules=False, tie_breaker=0, scope=""):
    """Stylesheet._parse_rules, with the disk cache behind the instance's own."""
    cache_key = (css, read_from, is_default_rules, tie_breaker, scope)
    try:
        return self._parse_cache[cache_key]
    except KeyError:
        pass
    try:
        digest = _digest(css, read_from, is_default_rules, tie_breaker, scope, self._variables)
    except Exception:
        digest = None
    if digest is not None:
        data = _entries.get(digest)
        if data is not None:
            try:
                rules = _loads(data)
                if type(rules) is not list:
                    raise TypeError("not a list")
            except Exception:
                _entries.pop(digest, None)  # unusable: parsed and written again
            else:
                stats["hits"] += 1
                self._parse_cache[cache_key] = rules
                return rules
    rules = _original(self, css, read_from, is_default_rules, tie_breaker, scope)
    stats["parsed"] += 1
    if digest is not None and _recording and not any(rule.errors for rule in rules):
        _new[digest] = rules
    return rules


def _read() -> dict[bytes, bytes]:
    """The file's entries; {} when there is no usable file (never raises)."""
    try:
        path = cache_file()
        if not _trusted(path):
            return {}
        data = _loads(path.read_bytes())  # the outer dict names no globals at all
        if type(data) is not dict or data.get("stamp") != _stamp_value:
            return {}
        entries = data.get("entries")
        if type(entries) is not dict:
            return {}
        return {k: v for k, v in entries.items() if type(k) is bytes and type(v) is bytes}
    except Exception:
        return {}


def install() -> None:
    """Wrap Stylesheet._parse_rules (once) and read the cache file (each call: one per app)."""
    global _original, _stamp_value, _entries, _recording
    from textual.css.stylesheet import Stylesheet

    try:
        if _original is None:
            _stamp_value = _stamp()
            _original = Stylesheet._parse_rules
            Stylesheet._parse_rules = _parse_rules
        _entries = _read()
        _new.clear()
        _recording = True
    except Exception:  # only a cache
        pass


def uninstall() -> None:
    """Put Textual's own method back (tests)."""
    global _original, _entries, _recording
    if _original is not None:
        from textual.css.stylesheet import Stylesheet

        Stylesheet._parse_rules = _original
        _original = None
    _entries = {}
    _new.clear()
    _recording = False


def take_pending() -> dict[bytes, list] | None:
    """Stop recording; the entries parsed since install() that the file lacks (None: nothing new)."""
    global _recording
    _recording = False
    if not _new:
        return None
    pending = dict(_new)
    _new.clear()
    return pending


def write(pending: dict[bytes, list]) -> Path | None:
    """Write the file: what was read at install() and `pending`, atomically, 0600. Entries that do
    not pickle, or do not load back through the unpickler, are left out. Raises OSError."""
    from tui.core.atomic import write_atomic

    entries = dict(_entries)
    for digest, rules in pending.items():
        try:
            data = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
            _loads(data)
        except Exception:
            continue
        entries.pop(digest, None)
        entries[digest] = data  # newest last
    if len(entries) > MAX_ENTRIES:
        entries = dict(list(entries.items())[-MAX_ENTRIES:])
    blob = pickle.dumps({"stamp": _stamp_value, "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL)
    return write_atomic(cache_file(), blob, mode=0o600)
