"""Settings: ``config.toml`` (yours), ``state.toml`` (the app's) and ``APIPLAY_*`` environment variables.

Where (see :mod:`tui.core.paths`): the platformdirs user config dir, ``~/.config/apiplay`` on Linux, or
``$APIPLAY_CONFIG_DIR``.

Two files, so that apiplay never rewrites what you wrote by hand:

* ``config.toml`` is **yours**. apiplay only reads it, never writes it.
* ``state.toml`` is **the app's**: what you change inside the app (the theme you picked, a provider's
  target or live URL set with ``apiplay credentials --url``) is saved there, atomically.

Precedence, lowest first: built-in defaults < ``state.toml`` < ``config.toml`` < environment. So a value
in config.toml always wins over one the app remembered, and the environment wins over both.

A broken file never stops the program: a TOML syntax error gives a warning naming the file and the line
(``config.toml line 3: Expected '=' after a key``) and the file is ignored; a wrong value gives a warning
naming the field (``config.toml line 7: [providers.noosfero] target: expected 'sandbox' or 'live', got
'x'``) and that one value is ignored. Defaults fill the gaps.

config.toml, every key optional::

    theme = "dark"                 # a shipped theme or one in <config dir>/themes/
    target = "sandbox"             # default target for every provider: "sandbox" or "live"
    sandbox_url = "http://127.0.0.1:8765"   # use a sandbox already running there
    rate_limit_guard = true        # refuse to send the request that would cross a known rate limit
    history_size = 5000            # history keeps the newest N exchanges
    history_body_cap = 262144      # bytes of each answer body kept in history
    history_max_bytes = 67108864   # bytes of bodies kept in history altogether (oldest entries go first)
    body_cap = 52428800            # bytes of an answer body kept in memory

    [timeouts]
    connect = 10                   # seconds
    read = 30                      # seconds

    [keys]                         # binding id -> keys (a string "ctrl+s,f5" or a list)
    "send" = "ctrl+s"

    [credentials]
    store = "file"                 # "file" (credentials.toml, mode 0600) or "keyring" (needs `keyring`)

    [providers.noosfero]
    target = "live"
    url = "https://noosfero.example.org/api/v1"   # the live base URL, as is
    [providers.noosfero.variables]
    instance = "softwarepublico.gov.br/social"    # or fill the pack's {instance} template instead

    [providers.trackingram.variables]
    version = "latest"

Environment variables (each wins over both files):

==============================  ==========================================================
``APIPLAY_TARGET``              ``sandbox`` or ``live`` for every provider
``APIPLAY_<ID>_TARGET``         the same for one provider (``APIPLAY_NOOSFERO_TARGET``)
``APIPLAY_<ID>_URL``            a provider's live base URL (``APIPLAY_NOOSFERO_URL``)
``APIPLAY_<ID>_<VARIABLE>``     a variable of the live URL template (``APIPLAY_NOOSFERO_INSTANCE``,
                                ``APIPLAY_TRACKINGRAM_VERSION``)
``APIPLAY_THEME``               theme name
``APIPLAY_TIMEOUT``             read timeout, seconds
``APIPLAY_CONNECT_TIMEOUT``     connect timeout, seconds
``APIPLAY_RATE_GUARD``          ``on``/``off`` (also 1/0, true/false, yes/no)
``APIPLAY_HISTORY_SIZE``        entries kept in history
``APIPLAY_HISTORY_BODY_CAP``    bytes of a body kept in history
``APIPLAY_HISTORY_MAX_BYTES``   bytes of bodies kept in history altogether
``APIPLAY_BODY_CAP``            bytes of a body kept in memory
``APIPLAY_KEYRING``             ``1`` to keep credentials in the system keyring
``APIPLAY_SANDBOX_URL``         a sandbox already running
``APIPLAY_CONFIG_DIR``          the config dir itself; ``APIPLAY_DATA_DIR`` the data dir (history)
==============================  ==========================================================

Credentials have their own variables (``APIPLAY_GOCACHE_TOKEN`` ...): see :mod:`tui.core.credentials`.

No Textual. Reading never writes; :func:`save_settings` writes ``state.toml`` only.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from tui.core import paths
from tui.core.atomic import dumps_toml, write_atomic
from tui.core import dccache as _dccache

_end_dataclasses = _dccache.install()  # compiled dataclass methods from the cache; ended at the bottom

if TYPE_CHECKING:  # pragma: no cover
    from tui.core.model import Provider

TARGETS = ("sandbox", "live")
CREDENTIAL_STORES = ("file", "keyring")

_STATE_HEADER = (
    "Written by apiplay: what you changed inside the app (theme, targets, live URLs).\n"
    "Put your own settings in config.toml next to this file; config.toml wins over this one."
)


@dataclass
class ProviderSettings:
    target: str | None = None  # None: the global target
    url: str | None = None  # live base URL override
    variables: dict[str, str] = field(default_factory=dict)  # live URL template variables


@dataclass
class Settings:
    theme: str | None = None  # None: the app's default theme
    target: str = "sandbox"
    providers: dict[str, ProviderSettings] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> "key1,key2" (App.set_keymap)
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    rate_limit_guard: bool = True
    history_size: int = 5000
    history_body_cap: int = 256 * 1024
    history_max_bytes: int = 64 * 2**20
    body_cap: int = 50 * 2**20
    credentials_store: str = "file"
    sandbox_url: str | None = None
    #: setting name ("theme", "providers.noosfero.url", "timeouts.read") -> where its value came from:
    #: "state.toml", "config.toml" or the environment variable's name. Defaults are not listed.
    origins: dict[str, str] = field(default_factory=dict, repr=False)
    #: APIPLAY_* variables seen at load time (for per-provider template variables).
    env: dict[str, str] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ per provider

    def provider(self, provider_id: str) -> ProviderSettings:
        return self.providers.get(provider_id) or ProviderSettings()

    def target_for(self, provider_id: str) -> str:
        return self.provider(provider_id).target or self.target

    def live_url(self, provider_id: str) -> str | None:
        return self.provider(provider_id).url

    def variables_for(self, provider: "Provider") -> dict[str, str]:
        """Live URL template variables: settings, then ``APIPLAY_<ID>_<VARIABLE>``."""
        out = dict(self.provider(provider.id).variables)
        ident = env_ident(provider.id)
        for name in provider.targets.variables:
            value = self.env.get(f"APIPLAY_{ident}_{env_ident(name)}")
            if value is not None:
                out[name] = value
        return out

    def base_url(self, provider: "Provider", *, sandbox_origin: str = "", target: str | None = None) -> str:
        """The base URL to call `provider` at, for its configured target (or `target`)."""
        return provider.base_url(
            target or self.target_for(provider.id),
            sandbox_origin=sandbox_origin,
            variables=self.variables_for(provider),
            override=self.live_url(provider.id),
        )

    @property
    def keymap(self) -> dict[str, str]:
        """For ``App.set_keymap``."""
        return dict(self.keys)


def env_ident(text: str) -> str:
    return re.sub(r"\W", "_", text).upper()


# --------------------------------------------------------------------------------------------------
# Validation: one function per setting, raising ValueError("expected ..., got ...")


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value.strip().lower() in options:
            return value.strip().lower()
        quoted = " or ".join(f"'{o}'" for o in options)
        raise ValueError(f"expected {quoted}, got {_describe(value)}")

    return check


def _text(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValueError(f"expected a non-empty text, got {_describe(value)}")


def _url(value: Any) -> str:
    from urllib.parse import urlsplit

    if isinstance(value, str):
        try:
            parts = urlsplit(value.strip())
        except ValueError:
            parts = None
        if parts is not None and parts.scheme in ("http", "https") and parts.hostname:
            return value.strip().rstrip("/")
    raise ValueError(f"expected an http:// or https:// URL, got {_describe(value)}")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
    raise ValueError(f"expected true or false, got {_describe(value)}")


def _seconds(value: Any) -> float:
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number of seconds, got {_describe(value)}") from None
    if not (0 < number <= 3600):
        raise ValueError(f"expected a number of seconds between 0 and 3600, got {_describe(value)}")
    return number


def _count(minimum: int, maximum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected a whole number, got {_describe(value)}") from None
        if not (minimum <= number <= maximum):
            raise ValueError(f"expected a whole number from {minimum} to {maximum}, got {number}")
        return number

    return check


def _keys(value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return ",".join(k.strip() for k in value.split(",") if k.strip())
    if isinstance(value, list) and value and all(isinstance(k, str) and k.strip() for k in value):
        return ",".join(k.strip() for k in value)
    raise ValueError(f"expected keys like \"ctrl+s\" or [\"ctrl+s\", \"f5\"], got {_describe(value)}")


#: top-level name -> (Settings attribute, checker)
_TOP: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "theme": ("theme", _text),
    "target": ("target", _choice(TARGETS)),
    "sandbox_url": ("sandbox_url", _url),
    "rate_limit_guard": ("rate_limit_guard", _bool),
    "history_size": ("history_size", _count(1, 10_000_000)),
    "history_body_cap": ("history_body_cap", _count(0, 2**31)),
    "history_max_bytes": ("history_max_bytes", _count(0, 2**40)),
    "body_cap": ("body_cap", _count(1024, 2**33)),
}
_TIMEOUTS = {"connect": ("connect_timeout", _seconds), "read": ("read_timeout", _seconds)}
_CREDENTIALS = {"store": ("credentials_store", _choice(CREDENTIAL_STORES))}
_PROVIDER = {"target": _choice(TARGETS), "url": _url}

#: environment variable -> (dotted setting, checker)
_ENV: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "APIPLAY_TARGET": ("target", _choice(TARGETS)),
    "APIPLAY_THEME": ("theme", _text),
    "APIPLAY_TIMEOUT": ("timeouts.read", _seconds),
    "APIPLAY_CONNECT_TIMEOUT": ("timeouts.connect", _seconds),
    "APIPLAY_RATE_GUARD": ("rate_limit_guard", _bool),
    "APIPLAY_HISTORY_SIZE": ("history_size", _count(1, 10_000_000)),
    "APIPLAY_HISTORY_BODY_CAP": ("history_body_cap", _count(0, 2**31)),
    "APIPLAY_HISTORY_MAX_BYTES": ("history_max_bytes", _count(0, 2**40)),
    "APIPLAY_BODY_CAP": ("body_cap", _count(1024, 2**33)),
    "APIPLAY_SANDBOX_URL": ("sandbox_url", _url),
}
_ENV_OTHER = {"APIPLAY_KEYRING", "APIPLAY_CONFIG_DIR", "APIPLAY_DATA_DIR"}


class _Layer:
    """Applies one file's data to a Settings, collecting warnings with line numbers."""

    def __init__(self, settings: Settings, name: str, text: str, warnings: list[str]):
        self.s = settings
        self.name = name
        self.lines = text.splitlines()
        self.warnings = warnings

    def warn(self, table: str, key: str, message: str) -> None:
        line = self.line_of(table, key)
        where = f"{self.name} line {line}" if line else self.name
        field_name = f"[{table}] {key}" if table else key
        self.warnings.append(f"{where}: {field_name}: {message}")

    def line_of(self, table: str, key: str) -> int | None:
        current = ""
        full = f"{table}.{key}" if table else key
        key_rx = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
        for i, line in enumerate(self.lines, 1):
            m = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
            if m:
                current = re.sub(r"\s*\.\s*", ".", m.group(1)).replace('"', "").replace("'", "")
                if current == full or current.startswith(full + "."):
                    return i  # the setting is a table: point at its header
                continue
            if current == table and key_rx.match(line):
                return i
        return None

    def set(self, table: str, key: str, attr: str, check: Callable[[Any], Any], value: Any) -> None:
        try:
            setattr(self.s, attr, check(value))
        except ValueError as exc:
            self.warn(table, key, str(exc))
            return
        self.s.origins[f"{table}.{key}" if table else key] = self.name

    def apply(self, data: Mapping[str, Any]) -> None:
        for key, value in data.items():
            if key in _TOP:
                attr, check = _TOP[key]
                self.set("", key, attr, check, value)
            elif key in ("timeouts", "credentials"):
                spec = _TIMEOUTS if key == "timeouts" else _CREDENTIALS
                if not isinstance(value, dict):
                    self.warn("", key, f"expected a table [{key}], got {_describe(value)}")
                    continue
                for sub, subvalue in value.items():
                    if sub not in spec:
                        self.warn(key, sub, f"unknown setting (known: {', '.join(spec)})")
                        continue
                    attr, check = spec[sub]
                    self.set(key, sub, attr, check, subvalue)
            elif key == "keys":
                if not isinstance(value, dict):
                    self.warn("", key, f"expected a table [keys], got {_describe(value)}")
                    continue
                for binding, keys in value.items():
                    try:
                        self.s.keys[binding] = _keys(keys)
                        self.s.origins[f"keys.{binding}"] = self.name
                    except ValueError as exc:
                        self.warn("keys", binding, str(exc))
            elif key == "providers":
                if not isinstance(value, dict):
                    self.warn("", key, f"expected tables like [providers.noosfero], got {_describe(value)}")
                    continue
                for pid, table in value.items():
                    self.apply_provider(pid, table)
            else:
                self.warn("", key, f"unknown setting (known: {', '.join([*_TOP, 'timeouts', 'keys', 'credentials', 'providers'])})")

    def apply_provider(self, pid: str, table: Any) -> None:
        tname = f"providers.{pid}"
        if not isinstance(table, dict):
            line = self.line_of("providers", pid)
            where = f"{self.name} line {line}" if line else self.name
            self.warnings.append(f"{where}: providers.{pid}: expected a table [providers.{pid}], got {_describe(table)}")
            return
        ps = self.s.providers.setdefault(pid, ProviderSettings())
        for key, value in table.items():
            if key in _PROVIDER:
                try:
                    setattr(ps, key, _PROVIDER[key](value))
                    self.s.origins[f"{tname}.{key}"] = self.name
                except ValueError as exc:
                    self.warn(tname, key, str(exc))
            elif key == "variables":
                if not isinstance(value, dict):
                    self.warn(tname, key, f"expected a table [{tname}.variables], got {_describe(value)}")
                    continue
                for var, text in value.items():
                    if isinstance(text, (str, int, float)) and not isinstance(text, bool):
                        ps.variables[var] = str(text)
                        self.s.origins[f"{tname}.variables.{var}"] = self.name
                    else:
                        self.warn(f"{tname}.variables", var, f"expected a text, got {_describe(text)}")
            else:
                self.warn(tname, key, "unknown setting (known: target, url, variables)")


def _toml_error(name: str, exc: Exception) -> str:
    msg = str(exc)
    m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
    if m:
        return f"{name} line {m.group(1)}: {msg[:m.start()].strip()}; the file was ignored, defaults used"
    return f"{name}: {msg}; the file was ignored, defaults used"


def _read_toml(path: Path, warnings: list[str]) -> tuple[dict[str, Any], str] | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        warnings.append(f"{path.name}: cannot read it ({exc.strerror}); defaults used")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append(f"{path.name}: not UTF-8 text; the file was ignored, defaults used")
        return None
    import tomllib  # here: only when there is a file to read

    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        warnings.append(_toml_error(path.name, exc))
        return None


def load_settings(
    env: Mapping[str, str] | None = None,
    *,
    config_path: str | os.PathLike[str] | None = None,
    state_path: str | os.PathLike[str] | None = None,
) -> tuple[Settings, list[str]]:
    """Read state.toml, then config.toml, then the environment. Returns (settings, warnings).

    Never raises for a bad file or value and never writes anything.
    """
    env = os.environ if env is None else env
    settings = Settings()
    warnings: list[str] = []
    for path in (Path(state_path) if state_path else paths.state_file(),
                 Path(config_path) if config_path else paths.config_file()):
        found = _read_toml(path, warnings)
        if found is not None:
            data, text = found
            _Layer(settings, path.name, text, warnings).apply(data)
    _apply_env(settings, env, warnings)
    return settings, warnings


def _apply_env(settings: Settings, env: Mapping[str, str], warnings: list[str]) -> None:
    seen = {k: v for k, v in env.items() if k.startswith("APIPLAY_")}
    settings.env = dict(seen)
    for var, (dotted, check) in _ENV.items():
        value = seen.get(var)
        if value is None or value == "":
            continue
        try:
            checked = check(value)
        except ValueError as exc:
            warnings.append(f"{var}: {exc}; ignored")
            continue
        attr = {"timeouts.read": "read_timeout", "timeouts.connect": "connect_timeout"}.get(dotted, dotted)
        setattr(settings, attr, checked)
        settings.origins[dotted] = var
    if seen.get("APIPLAY_KEYRING", "").strip():
        try:
            settings.credentials_store = "keyring" if _bool(seen["APIPLAY_KEYRING"]) else "file"
            settings.origins["credentials.store"] = "APIPLAY_KEYRING"
        except ValueError as exc:
            warnings.append(f"APIPLAY_KEYRING: {exc}; ignored")
    for var, value in seen.items():
        if var in _ENV or var in _ENV_OTHER or not value:
            continue
        for suffix, key, check in (("_URL", "url", _url), ("_TARGET", "target", _choice(TARGETS))):
            if var.endswith(suffix) and len(var) > len("APIPLAY_") + len(suffix):
                ident = var[len("APIPLAY_"):-len(suffix)]
                pid = _provider_for_ident(settings, ident)
                try:
                    checked = check(value)
                except ValueError as exc:
                    warnings.append(f"{var}: {exc}; ignored")
                    break
                setattr(settings.providers.setdefault(pid, ProviderSettings()), key, checked)
                settings.origins[f"providers.{pid}.{key}"] = var
                break


def _provider_for_ident(settings: Settings, ident: str) -> str:
    for pid in settings.providers:
        if env_ident(pid) == ident:
            return pid
    return ident.lower()


# --------------------------------------------------------------------------------------------------
# Saving (state.toml only)


def _merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in update.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
            if not out[k]:
                del out[k]
        elif isinstance(v, Mapping):
            merged = _merge({}, v)
            if merged:
                out[k] = merged
        else:
            out[k] = v
    return out


def _leaves(d: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for k, v in d.items():
        if isinstance(v, Mapping):
            out += _leaves(v, prefix + (k,))
        else:
            out.append(prefix + (k,))
    return out


def save_settings(
    update: Mapping[str, Any],
    *,
    env: Mapping[str, str] | None = None,
    state_path: str | os.PathLike[str] | None = None,
    config_path: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Remember `update` (nested like config.toml; a None value forgets a key) in state.toml.

    Examples: ``save_settings({"theme": "nord"})``,
    ``save_settings({"providers": {"noosfero": {"url": "https://x.example/api/v1"}}})``.

    Validates first (``ValueError`` with the same plain message as a bad file, nothing written), writes
    atomically, never touches config.toml. Returns notes for the user, e.g. that config.toml or an
    environment variable sets the same thing and will win at the next start.
    """
    state = Path(state_path) if state_path else paths.state_file()
    config = Path(config_path) if config_path else paths.config_file()
    notes: list[str] = []
    current: dict[str, Any] = {}
    found = _read_toml(state, notes)
    if found is not None:
        current = found[0]
    elif state.exists():
        notes = [f"{state.name} could not be read; it was replaced (the old one is {state.name}.bak)"]
        try:
            os.replace(state, state.with_name(state.name + ".bak"))
        except OSError:
            pass
    merged = _merge(current, update)
    problems: list[str] = []
    _Layer(Settings(), state.name, dumps_toml(merged), problems).apply(merged)
    if problems:
        raise ValueError("; ".join(problems))
    paths.ensure_dir(state.parent, 0o700)
    write_atomic(state, dumps_toml(merged, header=_STATE_HEADER))

    config_data: dict[str, Any] = {}
    ignore: list[str] = []
    found = _read_toml(config, ignore)
    if found is not None:
        config_data = found[0]
    env_settings = Settings()
    _apply_env(env_settings, os.environ if env is None else env, [])
    for leaf in _leaves(update):
        node: Any = config_data
        for part in leaf:
            node = node.get(part) if isinstance(node, dict) else None
        dotted = ".".join(leaf)
        if node is not None:
            notes.append(f"{dotted} is also set in {config.name}, which wins at the next start")
        elif dotted in env_settings.origins:
            notes.append(f"{dotted} is also set by {env_settings.origins[dotted]}, which wins")
    return notes


_end_dataclasses()
