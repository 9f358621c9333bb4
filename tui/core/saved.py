"""Saved requests: a named, filled-in form, stored as a plain file you can read, edit and version.

One file per request in ``<config dir>/requests/``: ``<name>.toml`` (what apiplay writes) or
``<name>.json`` (also read, and kept as JSON when saved again)::

    # list-communities.toml
    provider = "noosfero"
    method = "GET"
    path = "/communities"
    target = "sandbox"          # optional
    description = ""            # optional

    [values]
    per_page = 5

    [headers]                   # extra headers, optional
    "X-Trace" = "1"

No secrets are ever written: secret parameters (password, token, ...), values listed in `secrets` and
credential headers (Authorization, PRIVATE-TOKEN, GoCache-Token, ...) are left out. Credentials come from
the credential store when the request is sent.

Names: letters, digits, spaces, ``-``, ``_`` and ``.``, up to 64 characters, not starting with a dot
(no path tricks).

No Textual.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from tui.core import paths
from tui.core.atomic import dumps_toml, write_atomic
from tui.core.export import SENSITIVE_HEADERS

_NAME = re.compile(r"^[^\W][\w .-]{0,63}$")
_SECRET_NAMES = {"password", "password_confirmation", "token", "private_token", "privatekey", "tokenapi",
                 "access_token", "api_key", "apikey", "secret"}
_EXTS = (".toml", ".json")


class SavedError(Exception):
    """A saved request cannot be saved or read; ``str(exc)`` is a plain message."""


@dataclass
class SavedRequest:
    name: str
    provider: str
    method: str
    path: str  # endpoint template, "/communities/{id}"
    values: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    description: str = ""
    file: Path | None = None  # where it was read from / written to

    @property
    def endpoint_key(self) -> str:
        return f"{self.method} {self.path}"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"provider": self.provider, "method": self.method, "path": self.path}
        if self.target:
            data["target"] = self.target
        if self.description:
            data["description"] = self.description
        data["values"] = dict(self.values)
        if self.headers:
            data["headers"] = dict(self.headers)
        return data


def check_name(name: str) -> str:
    """The name, stripped; SavedError when it could escape the directory or is otherwise unusable."""
    clean = (name or "").strip()
    if not _NAME.match(clean) or ".." in clean or clean.endswith("."):
        raise SavedError(
            f"a saved request name may use letters, digits, spaces, '-', '_' and '.' "
            f"(up to 64, not starting with a dot), got {name!r}"
        )
    return clean


def _storable(value: Any) -> Any:
    """A value as TOML/JSON can hold it (None dropped from containers, tuples as lists); KeyError if not."""
    if isinstance(value, bool) or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise KeyError
        return value
    if isinstance(value, (list, tuple)):
        return [_storable(v) for v in value if v is not None]
    if isinstance(value, Mapping):
        return {str(k): _storable(v) for k, v in value.items() if v is not None}
    raise KeyError


class SavedRequests:
    """The saved-requests directory (``<config dir>/requests`` unless given)."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.dir = Path(directory) if directory is not None else paths.requests_dir()
        self.warnings: list[str] = []

    def _existing(self, name: str) -> Path | None:
        for ext in _EXTS:
            p = self.dir / f"{name}{ext}"
            if p.is_file():
                return p
        return None

    def exists(self, name: str) -> bool:
        return self._existing(check_name(name)) is not None

    def save(
        self,
        name: str,
        provider: str,
        method: str,
        path: str,
        values: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        *,
        target: str | None = None,
        description: str = "",
        secrets: Iterable[str] = (),
    ) -> SavedRequest:
        """Write (or overwrite) `name`. Secrets are left out. Returns what was stored."""
        name = check_name(name)
        secret_set = {str(s) for s in secrets if s}
        clean_values: dict[str, Any] = {}
        for k, v in (values or {}).items():
            if v is None or k.lower().rstrip("[]") in _SECRET_NAMES:
                continue
            if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v) in secret_set:
                continue
            try:
                clean_values[str(k)] = _storable(v)
            except KeyError:
                continue  # bytes (file contents) and the like are not kept
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        clean_headers = {
            str(k): str(v) for k, v in pairs
            if k.lower() not in SENSITIVE_HEADERS and not any(s in str(v) for s in secret_set)
        }
        req = SavedRequest(name, provider, method.upper(), path, clean_values, clean_headers, target, description)
        existing = self._existing(name)
        target_file = existing if existing is not None else self.dir / f"{name}.toml"
        if target_file.suffix == ".json":
            text = json.dumps(req.to_data(), indent=2, ensure_ascii=False) + "\n"
        else:
            text = dumps_toml(req.to_data(), header=f"apiplay saved request {name!r}")
        paths.ensure_dir(self.dir, 0o700)
        write_atomic(target_file, text)
        req.file = target_file
        return req

    def load(self, name: str) -> SavedRequest:
        name = check_name(name)
        path = self._existing(name)
        if path is None:
            known = ", ".join(self.names()) or "none yet"
            raise SavedError(f"no saved request named {name!r} (saved: {known})")
        return self._read(path, name)

    def _read(self, path: Path, name: str) -> SavedRequest:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SavedError(f"{path.name}: cannot read it ({exc})") from None
        try:
            data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
        except (ValueError, tomllib.TOMLDecodeError) as exc:
            m = re.search(r"line (\d+)", str(exc))
            where = f"{path.name} line {m.group(1)}" if m else path.name
            raise SavedError(f"{where}: {str(exc).split(' (at line')[0]}") from None
        if not isinstance(data, dict):
            raise SavedError(f"{path.name}: expected a table with provider, method and path")
        for key in ("provider", "method", "path"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise SavedError(f"{path.name}: {key}: expected a non-empty text, got {data.get(key)!r}")
        values = data.get("values", {})
        headers = data.get("headers", {})
        if not isinstance(values, dict):
            raise SavedError(f"{path.name}: values: expected a table of parameter = value")
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise SavedError(f"{path.name}: headers: expected a table of header = \"value\"")
        target = data.get("target")
        if target is not None and target not in ("sandbox", "live"):
            raise SavedError(f"{path.name}: target: expected 'sandbox' or 'live', got {target!r}")
        return SavedRequest(
            name=name, provider=data["provider"].strip(), method=data["method"].strip().upper(),
            path=data["path"].strip(), values=values, headers=dict(headers), target=target,
            description=str(data.get("description", "")), file=path,
        )

    def names(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        out = set()
        for p in self.dir.iterdir():
            if p.suffix in _EXTS and p.is_file():
                try:
                    out.add(check_name(p.stem))
                except SavedError:
                    continue
        return sorted(out, key=str.lower)

    def list(self) -> list[SavedRequest]:
        """Every readable saved request, by name; unreadable files are reported in ``warnings``."""
        self.warnings = []
        out = []
        for name in self.names():
            try:
                out.append(self.load(name))
            except SavedError as exc:
                self.warnings.append(str(exc))
        return out

    def delete(self, name: str) -> bool:
        path = self._existing(check_name(name))
        if path is None:
            return False
        path.unlink()
        return True


# Module-level shortcuts on the default directory.


def save(name: str, provider: str, method: str, path: str, values: Mapping[str, Any] | None = None,
         headers: Mapping[str, str] | Iterable[tuple[str, str]] = (), **kwargs: Any) -> SavedRequest:
    return SavedRequests().save(name, provider, method, path, values, headers, **kwargs)


def load(name: str) -> SavedRequest:
    return SavedRequests().load(name)


def list_saved() -> list[SavedRequest]:
    return SavedRequests().list()
