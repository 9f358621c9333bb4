"""Credentials: the environment first, then a private file (or the system keyring, when opted in).

Lookup, field by field, for a provider (``CredentialStore.get(provider)``):

1. the environment variable of the field: the pack's ``CredentialField.env`` (``APIPLAY_GOCACHE_TOKEN``),
   else ``APIPLAY_<ID>_<FIELD>`` (see :func:`tui.core.auth.env_name`);
2. the system keyring, when the user opted in (``[credentials] store = "keyring"`` in config.toml or
   ``APIPLAY_KEYRING=1``) and the optional ``keyring`` package is importable;
3. ``<config dir>/credentials.toml``, one table per provider::

       [gocache]
       token = "..."

   The file is written atomically with mode 0600 from the moment it exists; the config dir is created
   0700. A file that others can read is tightened to 0600 on load (with a warning).

Secrets never reach logs: the store's ``repr`` shows no values, and messages name fields, not values.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from tui.core import paths
from tui.core.atomic import dumps_toml, write_atomic

if TYPE_CHECKING:  # pragma: no cover
    from tui.core.model import Provider

KEYRING_SERVICE = "apiplay"
SOURCES = ("env", "keyring", "file")
_HEADER = "apiplay credentials (mode 0600). Edit with `apiplay credentials PROVIDER ...`."


class CredentialsError(Exception):
    """The credentials file cannot be read or written; ``str(exc)`` is a plain message."""


def provider_fields(provider: "Provider") -> list[str]:
    """Every credential field a provider knows of, in the pack's order."""
    from tui.core.env import credential_fields

    return credential_fields(provider)


def secret_fields(provider: "Provider") -> set[str]:
    """Fields whose values are secrets (tokens, passwords)."""
    from tui.core.auth import _secret_fields

    return _secret_fields(provider)


def mask(value: str) -> str:
    """A value safe to print: the first 2 and last 2 characters of long values, else stars."""
    if not value:
        return ""
    if len(value) >= 12:
        return f"{value[:2]}…{value[-2:]} ({len(value)} chars)"
    return "*" * 4


class CredentialStore:
    """Where credentials live. Cheap to create; reads the file on each call (another instance may write it).

    `env` defaults to ``os.environ``; `use_keyring` None means: as the settings say (``APIPLAY_KEYRING=1``,
    or ``[credentials] store = "keyring"`` in config.toml); the keyring is used only when importable.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
        use_keyring: bool | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else paths.credentials_file()
        self._env = env if env is not None else os.environ
        if use_keyring is None:
            # APIPLAY_KEYRING, else config.toml / state.toml ``[credentials] store``
            from tui.core.settings import load_settings

            use_keyring = load_settings(self._env)[0].credentials_store == "keyring"
        self.use_keyring = bool(use_keyring) and keyring_available()
        self.warnings: list[str] = []

    def __repr__(self) -> str:  # never the values
        return f"CredentialStore(path={str(self.path)!r}, keyring={self.use_keyring})"

    # ------------------------------------------------------------------ reading

    def get(self, provider: "Provider") -> dict[str, str]:
        """The provider's credentials, field -> value, the environment winning field by field."""
        return {f: v for f, (v, _src) in self._resolve(provider).items()}

    def sources(self, provider: "Provider") -> dict[str, str]:
        """field -> where its value came from ("env", "keyring" or "file")."""
        return {f: src for f, (_v, src) in self._resolve(provider).items()}

    def source(self, provider: "Provider") -> str | None:
        """One word for the dialog: "env", "keyring", "file", "env+file"..., or None when nothing is set."""
        found = set(self.sources(provider).values())
        if not found:
            return None
        return "+".join(s for s in SOURCES if s in found)

    def describe(self, provider: "Provider") -> list[tuple[str, str, str]]:
        """(field, masked value, where from) for every field that has a value; secrets masked."""
        from tui.core.auth import env_name

        secret = secret_fields(provider)
        rows = []
        for f, (v, src) in self._resolve(provider).items():
            where = {"env": f"environment ({env_name(provider, f)})", "keyring": "system keyring",
                     "file": str(self.path)}[src]
            rows.append((f, mask(v) if f in secret else v, where))
        return rows

    def env_overrides(self, provider: "Provider") -> list[str]:
        """Names of the provider's credential variables set (non-empty) in the environment."""
        from tui.core.auth import env_name

        names = [env_name(provider, f) for f in provider_fields(provider)]
        return [n for n in names if self._env.get(n)]

    def stored(self, provider_id: str) -> dict[str, str]:
        """What is stored (keyring or file) for `provider_id`, ignoring the environment."""
        if self.use_keyring:
            values = _keyring_get(provider_id)
            if values:
                return values
        return dict(self._read_file().get(provider_id, {}))

    def _resolve(self, provider: "Provider") -> dict[str, tuple[str, str]]:
        from tui.core.auth import env_name

        out: dict[str, tuple[str, str]] = {}
        stored_src = "file"
        stored: dict[str, str] = {}
        if self.use_keyring:
            stored = _keyring_get(provider.id) or {}
            stored_src = "keyring"
        if not stored:
            stored = dict(self._read_file().get(provider.id, {}))
            stored_src = "file"
        fields = provider_fields(provider)
        for f in [*fields, *[k for k in stored if k not in fields]]:
            value = self._env.get(env_name(provider, f))
            if value:
                out[f] = (value, "env")
            elif stored.get(f):
                out[f] = (stored[f], stored_src)
        return out

    def _read_file(self) -> dict[str, dict[str, str]]:
        self.warnings = []
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self.warnings.append(f"{self.path}: cannot read it ({exc.strerror})")
            return {}
        self._check_mode()
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            self.warnings.append(f"{self.path.name}: {_toml_problem(exc)}; stored credentials ignored")
            return {}
        out: dict[str, dict[str, str]] = {}
        for pid, table in data.items():
            if not isinstance(table, dict):
                self.warnings.append(f"{self.path.name}: [{pid}] should be a table of field = \"value\"")
                continue
            out[pid] = {str(k): str(v) for k, v in table.items() if isinstance(v, (str, int)) and v != ""}
        return out

    def _check_mode(self) -> None:
        try:
            mode = stat.S_IMODE(os.stat(self.path).st_mode)
        except OSError:
            return
        if mode & 0o077:
            try:
                os.chmod(self.path, 0o600)
                self.warnings.append(f"{self.path} was readable by others (mode {mode:o}); changed it to 600")
            except OSError:
                self.warnings.append(f"{self.path} is readable by others (mode {mode:o}); run chmod 600 on it")

    # ------------------------------------------------------------------ writing

    def set(self, provider_id: str, values: Mapping[str, Any], *, replace: bool = False) -> str:
        """Store `values` for `provider_id` (merged into what is stored unless `replace`).

        An empty or None value removes that field. Returns where they went ("keyring" or "file").
        Raises :class:`CredentialsError` when the file is broken (it is never overwritten then).
        """
        current = {} if replace else self.stored(provider_id)
        for k, v in values.items():
            if v is None or v == "":
                current.pop(k, None)
            else:
                current[str(k)] = str(v)
        if self.use_keyring:
            _keyring_set(provider_id, current)
            # the keyring wins; do not leave an older copy in the file
            self._write_provider(provider_id, None)
            return "keyring"
        self._write_provider(provider_id, current)
        return "file"

    def forget(self, provider_id: str) -> bool:
        """Remove everything stored for `provider_id` (file and keyring). True when something was removed."""
        removed = False
        if self.use_keyring:
            removed = _keyring_delete(provider_id) or removed
        if provider_id in self._read_file_strict():
            self._write_provider(provider_id, None)
            removed = True
        return removed

    def _read_file_strict(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise CredentialsError(f"cannot read {self.path}: {exc.strerror}") from None
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CredentialsError(
                f"{self.path}: {_toml_problem(exc)}; fix or delete the file (it was not changed)"
            ) from None
        return data

    def _write_provider(self, provider_id: str, values: dict[str, str] | None) -> None:
        data = self._read_file_strict()
        if values:
            data[provider_id] = dict(values)
        elif provider_id in data:
            del data[provider_id]
        else:
            return
        paths.ensure_dir(self.path.parent, 0o700)
        write_atomic(self.path, dumps_toml(data, header=_HEADER), mode=0o600)


def _toml_problem(exc: Exception) -> str:
    msg = str(exc)
    # tomllib: "Expected '=' after a key in a key/value pair (at line 3, column 5)"
    m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
    if m:
        return f"line {m.group(1)}: {msg[:m.start()].strip()}"
    return msg


# --------------------------------------------------------------------------------------------------
# keyring (optional)


def keyring_available() -> bool:
    try:
        import keyring  # noqa: F401
    except Exception:
        return False
    return True


def _keyring_get(provider_id: str) -> dict[str, str] | None:
    try:
        import keyring

        blob = keyring.get_password(KEYRING_SERVICE, provider_id)
    except Exception:
        return None
    if not blob:
        return None
    try:
        data = json.loads(blob)
    except ValueError:
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def _keyring_set(provider_id: str, values: Mapping[str, str]) -> None:
    try:
        import keyring

        if values:
            keyring.set_password(KEYRING_SERVICE, provider_id, json.dumps(dict(values)))
        else:
            _keyring_delete(provider_id)
    except Exception as exc:
        raise CredentialsError(f"the system keyring refused to store the credentials: {type(exc).__name__}") from None


def _keyring_delete(provider_id: str) -> bool:
    try:
        import keyring

        if keyring.get_password(KEYRING_SERVICE, provider_id) is None:
            return False
        keyring.delete_password(KEYRING_SERVICE, provider_id)
        return True
    except Exception:
        return False
