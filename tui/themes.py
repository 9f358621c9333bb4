"""Theme files: load the shipped themes and the user's own, validated, never crashing.

A theme is a TOML file whose keys map onto :class:`textual.theme.Theme`::

    name = "mytheme"            # optional; defaults to the file name without .toml
    dark = true                 # bool
    primary = "#14b8a6"         # the only required colour
    secondary = "#38bdf8"       # optional colours: secondary accent foreground background surface
    ...                         #   panel boost success warning error
    luminosity_spread = 0.15    # optional numbers: luminosity_spread, text_alpha (0..1)

    [variables]                 # apiplay's colours (below) and any Textual theme variable
    json-key = "#5eead4"

Shipped themes live in the top-level ``themes/`` folder; ``tui/themes`` is a symlink to it so they are
package data (``tui/themes/*.toml``) in the wheel. User themes are read from ``<config dir>/themes/*.toml``
and override a shipped theme of the same name. A broken file is skipped with a warning naming the file
and the field (``mytheme.toml: primary: 'blurple' is not a colour``); nothing here raises on bad input.

apiplay's theme variables (every one is a colour, usable as ``$name`` in CSS):

=================  ==============================================================
``json-key``       object keys in the JSON viewer and the tree
``json-string``    string values
``json-number``    numbers
``json-literal``   ``true``, ``false`` and ``null``
``json-punct``     braces, brackets, commas and colons
``json-search``    background of a search match in the viewer
``method-get``     the GET badge (also HEAD/OPTIONS use ``method-other``)
``method-post``    the POST badge
``method-put``     the PUT badge
``method-patch``   the PATCH badge
``method-delete``  the DELETE badge
``method-other``   any other method
``meter-ok``       the rate meter bar while there is room
``meter-warn``     the rate meter bar when the window is nearly full
``meter-full``     the rate meter bar when full or blocked
=================  ==============================================================

CSS that references one of these must also work with Textual's built-in themes (which do not define
them), so the app supplies defaults::

    from tui.themes import theme_variable_defaults

    class PlaygroundApp(App):
        def get_theme_variable_defaults(self) -> dict[str, str]:
            return theme_variable_defaults(self.current_theme)   # called again on every theme change

The defaults pick a palette that reads well on a dark or a light background (``Theme.dark``). Code that
draws with Rich styles (a Line-API viewer) reads the live values from ``app.theme_variables["json-key"]``
after a theme change (watch ``App.theme_changed_signal``).

Registering everything::

    from tui.themes import register_themes
    warnings = register_themes(app)          # shipped + user themes; a list of plain-English warnings
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

if TYPE_CHECKING:  # pragma: no cover
    from textual.app import App

#: The theme the playground starts with when neither --theme, APIPLAY_THEME nor the settings name one.
DEFAULT_THEME = "apiplay"

#: Colour fields of textual.theme.Theme; "primary" is required.
COLOUR_FIELDS = (
    "primary", "secondary", "accent", "foreground", "background", "surface", "panel", "boost",
    "success", "warning", "error",
)
#: Number fields of Theme, with their allowed range.
NUMBER_FIELDS = {"luminosity_spread": (0.0, 1.0), "text_alpha": (0.0, 1.0)}
#: Boolean fields of Theme.
BOOL_FIELDS = ("dark", "ansi")
ALLOWED_FIELDS = ("name", "variables", *COLOUR_FIELDS, *NUMBER_FIELDS, *BOOL_FIELDS)

_DARK_DEFAULTS = {
    "json-key": "#7cc4fa",
    "json-string": "#a5d68a",
    "json-number": "#f2b872",
    "json-literal": "#d59ff0",
    "json-punct": "#8b93a1",
    "json-search": "#5a4a12",
    "method-get": "#4fbf72",
    "method-post": "#e5b93a",
    "method-put": "#4ea1e6",
    "method-patch": "#b48ead",
    "method-delete": "#e5534b",
    "method-other": "#8b93a1",
    "meter-ok": "#4fbf72",
    "meter-warn": "#e5b93a",
    "meter-full": "#e5534b",
}
_LIGHT_DEFAULTS = {
    "json-key": "#0550ae",
    "json-string": "#116329",
    "json-number": "#953800",
    "json-literal": "#8250df",
    "json-punct": "#57606a",
    "json-search": "#fff0a0",
    "method-get": "#1a7f37",
    "method-post": "#9a6700",
    "method-put": "#0550ae",
    "method-patch": "#8250df",
    "method-delete": "#cf222e",
    "method-other": "#57606a",
    "meter-ok": "#1a7f37",
    "meter-warn": "#9a6700",
    "meter-full": "#cf222e",
}
#: apiplay's own variable names (all colours).
APIPLAY_VARIABLES = tuple(_DARK_DEFAULTS)

_STYLE_WORDS = {
    "none", "not", "bold", "b", "italic", "i", "underline", "u", "reverse", "r", "dim", "d",
    "strike", "s", "blink", "underline2", "uu", "overline", "o",
}


def theme_variable_defaults(theme: Theme | bool | None = None) -> dict[str, str]:
    """Defaults for every apiplay variable, for ``App.get_theme_variable_defaults``.

    `theme` is the current Theme (or just its ``dark`` flag); None means dark.
    """
    dark = theme if isinstance(theme, bool) else (theme is None or bool(theme.dark))
    return dict(_DARK_DEFAULTS if dark else _LIGHT_DEFAULTS)


def shipped_dir() -> Path:
    """The folder holding the shipped theme files (package data, or the source tree's themes/)."""
    here = Path(__file__).resolve().parent
    for candidate in (Path(__file__).parent / "themes", here.parent / "themes"):
        if candidate.is_dir():
            return candidate
    return Path(__file__).parent / "themes"


def user_themes_dir() -> Path:
    """``<config dir>/themes``: where a user drops their own theme files."""
    from tui.core.paths import themes_dir

    return themes_dir()


class ThemeError(ValueError):
    """A theme file that cannot be used; `problems` lists every "file: field: what" message."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


_textual_variable_names: frozenset[str] | None = None


def _known_textual_variables() -> frozenset[str]:
    global _textual_variable_names
    if _textual_variable_names is None:
        from textual.theme import BUILTIN_THEMES

        names = set(BUILTIN_THEMES["textual-dark"].to_color_system().generate())
        for builtin in BUILTIN_THEMES.values():
            names.update(builtin.variables)
        _textual_variable_names = frozenset(names)
    return _textual_variable_names


def _colour_problem(value: Any) -> str | None:
    """None if `value` is a colour Textual can parse, else why not."""
    if not isinstance(value, str):
        return f"expected a colour in quotes (like \"#14b8a6\"), got {type(value).__name__} {value!r}"
    try:
        Color.parse(value.strip())
    except ColorParseError:
        return f"{value!r} is not a colour (expected #rrggbb, rgb(...), hsl(...) or a colour name)"
    return None


def _variable_problem(name: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"expected a text value, got {value!r}"
    if name.endswith("text-style") or name.endswith("-style"):
        words = value.split()
        bad = [w for w in words if w.lower() not in _STYLE_WORDS]
        if bad:
            return f"{value!r} is not a text style (expected words like bold, italic, reverse, none)"
        return None
    # A colour, optionally followed by an alpha percentage ("#81a1c1 35%"), or "auto 90%".
    parts = value.split()
    if len(parts) > 2 or (len(parts) == 2 and not _is_percent(parts[1])):
        return f"{value!r} is not a colour (expected a colour, optionally followed by a percentage)"
    if parts[0] == "auto":
        return None
    try:
        Color.parse(parts[0])
    except ColorParseError:
        return f"{value!r} is not a colour (expected #rrggbb, rgb(...), hsl(...) or a colour name)"
    return None


def _is_percent(text: str) -> bool:
    if not text.endswith("%"):
        return False
    try:
        return 0 <= float(text[:-1]) <= 100
    except ValueError:
        return False


def parse_theme(data: dict[str, Any], source: str = "theme") -> Theme:
    """A Theme from the keys of a theme file. Raises ThemeError listing every problem."""
    problems: list[str] = []

    def bad(fieldname: str, message: str) -> None:
        problems.append(f"{source}: {fieldname}: {message}")

    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key not in ALLOWED_FIELDS:
            bad(key, f"unknown field (expected one of: {', '.join(ALLOWED_FIELDS)})")
        elif key == "name":
            if not isinstance(value, str) or not value.strip():
                bad(key, f"expected a non-empty name in quotes, got {value!r}")
            elif any(c.isspace() for c in value.strip()):
                bad(key, f"{value!r} contains spaces (use letters, digits and dashes)")
            else:
                fields["name"] = value.strip()
        elif key in COLOUR_FIELDS:
            problem = _colour_problem(value)
            if problem:
                bad(key, problem)
            else:
                fields[key] = value.strip()
        elif key in NUMBER_FIELDS:
            lo, hi = NUMBER_FIELDS[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                bad(key, f"expected a number between {lo} and {hi}, got {value!r}")
            elif not lo <= value <= hi:
                bad(key, f"{value!r} is out of range (expected a number between {lo} and {hi})")
            else:
                fields[key] = float(value)
        elif key in BOOL_FIELDS:
            if not isinstance(value, bool):
                bad(key, f"expected true or false, got {value!r}")
            else:
                fields[key] = value
        elif key == "variables":
            if not isinstance(value, dict):
                bad(key, "expected a [variables] table of name = \"value\"")
                continue
            variables: dict[str, str] = {}
            known = _known_textual_variables()
            for vname, vvalue in value.items():
                where = f"variables.{vname}"
                if vname in APIPLAY_VARIABLES:
                    problem = _colour_problem(vvalue)
                elif vname in known:
                    problem = _variable_problem(vname, vvalue)
                else:
                    problem = (
                        "unknown variable (apiplay's are: " + ", ".join(APIPLAY_VARIABLES)
                        + "; or any Textual theme variable such as footer-key-foreground)"
                    )
                if problem:
                    bad(where, problem)
                else:
                    variables[vname] = vvalue.strip()
            fields["variables"] = variables
    if "primary" not in data:
        bad("primary", "missing (every theme needs at least a primary colour)")
    if problems:
        raise ThemeError(problems)
    fields.setdefault("name", Path(source).stem if source.endswith(".toml") else source)
    try:
        return Theme(**fields)
    except Exception as exc:  # Theme's own checks, should any remain
        raise ThemeError([f"{source}: {exc}"]) from None


def load_theme_file(path: str | os.PathLike[str]) -> Theme:
    """Read and validate one theme file. Raises ThemeError (naming the file) on any problem."""
    path = Path(path)
    data = _parsed_file(path)
    data.setdefault("name", path.stem)
    return parse_theme(data, source=path.name)


# The theme files' parsed TOML is kept in the cache dir (themes.json) by file, size and modification
# time: reading four small TOML files took ~4 ms of every start (most of it importing tomllib).
# What is cached is only the file's data; it is validated (parse_theme) on every start.
_CACHE_NAME = "themes.json"
_cache: dict | None = None  # read once: str(path) -> [mtime_ns, size, data]
_cache_new: dict = {}  # parsed since it was read


def _file_key(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _read_cache() -> dict:
    try:
        import orjson

        from tui.core.packcache import _trusted, cache_dir

        file = cache_dir() / _CACHE_NAME
        if not _trusted(file):
            return {}
        data = orjson.loads(file.read_bytes())
        return data["files"] if data.get("format") == 1 and isinstance(data.get("files"), dict) else {}
    except Exception:  # missing, unreadable, not ours, corrupt: the files are parsed instead
        return {}


def _parsed_file(path: Path) -> dict[str, Any]:
    """The TOML data of a theme file (from the cache when the file is unchanged). Raises ThemeError."""
    global _cache
    if _cache is None:
        _cache = _read_cache()
    key = _file_key(path)
    entry = _cache.get(str(path))
    if key is not None and isinstance(entry, list) and len(entry) == 3 and entry[:2] == key \
            and isinstance(entry[2], dict):
        return dict(entry[2])
    import tomllib  # here: only when a file changed since the cache was written

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ThemeError([f"{path.name}: not a UTF-8 text file"]) from None
    except OSError as exc:
        raise ThemeError([f"{path.name}: cannot be read ({exc.strerror or exc})"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError([f"{path.name}: not valid TOML ({exc})"]) from None
    if key is not None:
        _cache_new[str(path)] = [*key, data]
    return dict(data)


def cache_stale() -> bool:
    """True when a theme file was parsed since the cache was read (save_cache would write)."""
    return bool(_cache_new)


def save_cache() -> Path | None:
    """Write the theme files parsed since the cache was read (the app calls this after its first
    paint, in a thread). Files whose data is not plain JSON are left out. Raises OSError."""
    import orjson

    from tui.core.atomic import write_atomic
    from tui.core.packcache import cache_dir

    if not _cache_new:
        return None
    files = dict(_cache or {})
    for name, entry in list(_cache_new.items()):
        try:
            orjson.dumps(entry)
        except TypeError:  # (a TOML date, say)
            continue
        files[name] = entry
    _cache_new.clear()
    return write_atomic(cache_dir() / _CACHE_NAME, orjson.dumps({"format": 1, "files": files}), mode=0o600)


def _theme_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return []


def load_themes(user_dir: str | os.PathLike[str] | None = None) -> tuple[list[Theme], list[str]]:
    """(themes, warnings): the shipped themes, then the user's (``<config dir>/themes`` by default).

    A user theme with the same name as a shipped one replaces it. Broken files are skipped; each
    problem is one warning naming the file and the field.
    """
    warnings: list[str] = []
    by_name: dict[str, Theme] = {}
    folders = [shipped_dir(), Path(user_dir) if user_dir is not None else user_themes_dir()]
    for folder in folders:
        for path in _theme_files(folder):
            try:
                theme = load_theme_file(path)
            except ThemeError as exc:
                warnings.extend(exc.problems)
                continue
            by_name.pop(theme.name, None)  # a later (user) theme replaces, and moves to the end
            by_name[theme.name] = theme
    return list(by_name.values()), warnings


def theme_names(user_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the themes apiplay ships plus the user's valid ones (not Textual's built-ins)."""
    return [t.name for t in load_themes(user_dir)[0]]


def register_themes(app: App, user_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Register every shipped and user theme on `app`; returns the warnings to show the user."""
    themes, warnings = load_themes(user_dir)
    for theme in themes:
        app.register_theme(theme)
    return warnings
