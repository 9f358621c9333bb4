"""`apiplay add-provider PATH_OR_URL [--name NAME]`: make any OpenAPI 3.x document a provider.

The document (JSON or YAML, local ``$ref``s allowed, ``x-apiplay`` extensions optional) is loaded and
validated exactly as apiplay will load it later, then stored in ``<config dir>/providers/``. After that
``apiplay providers`` lists it, and ``apiplay call`` and the playground use it.

* A URL is fetched with httpx (http and https only, redirects followed, 20 MB at most).
* ``--name NAME`` sets the provider's name and id (the id is NAME in lower case with dashes); the
  stored copy is then JSON with ``x-apiplay.id`` / ``x-apiplay.name`` set. Without it the file is stored
  byte for byte, named after the provider id the loader derives (``x-apiplay.id``, the file name, or
  the title).
* Adding a provider with the id of one you added before replaces it; the id of a built-in provider is
  refused (use ``--name``).

Exit status: 0 added; 2 the document is not usable (every problem is listed) or a usage error;
1 the URL answered an HTTP error; 3 the URL could not be fetched.
"""

from __future__ import annotations

import argparse
import sys

MAX_SPEC_BYTES = 20 * 2**20


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "add-provider",
        help="add an OpenAPI 3.x document (file or URL) as a provider",
        description="Validate an OpenAPI 3.x document (JSON or YAML, with $refs) and store it in the "
        "config dir so `apiplay providers`, `apiplay call` and the playground can use it.",
    )
    p.add_argument("source", metavar="PATH_OR_URL", help="a local file, or an http(s) URL")
    p.add_argument("--name", metavar="NAME", default=None, help="the provider's name (its id is derived from it)")


def _err(text: str) -> None:
    print(text, file=sys.stderr)


class _Fail(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def _fetch(url: str) -> tuple[bytes, str]:
    """(bytes, file name hint) of a URL; _Fail on anything unusable."""
    from urllib.parse import urlsplit

    import httpx

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Fail(2, f"apiplay: {url!r}: only http:// and https:// URLs can be fetched")
    try:
        with httpx.Client(follow_redirects=True, timeout=httpx.Timeout(30.0, connect=10.0)) as client:
            with client.stream("GET", url, headers={"Accept": "application/json, application/yaml, */*"}) as resp:
                if resp.url.scheme not in ("http", "https"):
                    raise _Fail(2, f"apiplay: {url} redirected to a non-http URL")
                if resp.status_code >= 400:
                    raise _Fail(1, f"apiplay: {url} answered {resp.status_code} {resp.reason_phrase}")
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > MAX_SPEC_BYTES:
                        raise _Fail(2, f"apiplay: {url}: the document is larger than {MAX_SPEC_BYTES // 2**20} MB")
                    chunks.append(chunk)
                final = str(resp.url)
    except httpx.HTTPError as exc:
        from tui.core.http import describe_error

        try:
            message = describe_error(exc, url, 30.0)[0]
        except Exception:  # noqa: BLE001 - a plain fallback
            message = f"{type(exc).__name__}: {exc}"
        raise _Fail(3, f"apiplay: could not fetch {url}: {message}") from None
    name = urlsplit(final).path.rstrip("/").rsplit("/", 1)[-1] or "provider.json"
    return b"".join(chunks), name


def _suffix(name: str, raw: bytes) -> str:
    low = name.lower()
    for ext in (".json", ".yaml", ".yml"):
        if low.endswith(ext):
            return ".yaml" if ext == ".yml" else ext
    return ".json" if raw.lstrip()[:1] in (b"{", b"[") else ".yaml"


def _problems_text(exc) -> str:
    lines = [f"apiplay: {exc.source or 'the document'} is not a usable OpenAPI 3.x document:"]
    prefix = f"{exc.source}: " if exc.source else ""
    lines += [f"  {p[len(prefix):] if prefix and p.startswith(prefix) else p}" for p in exc.problems]
    return "\n".join(lines)


def add_provider(source: str, name: str | None = None) -> tuple["object", "object", bool]:
    """Validate and store. Returns (provider, stored path, replaced). Raises _Fail."""
    import json
    import os
    import re
    import tempfile
    from pathlib import Path

    from tui.core import paths
    from tui.core.atomic import write_atomic
    from tui.core.packs import PackError, _parse_bytes, load_pack, load_providers

    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", source):
        raw, file_name = _fetch(source)
        origin = source
    else:
        path = Path(source).expanduser()
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise _Fail(2, f"apiplay: {source}: no such file") from None
        except IsADirectoryError:
            raise _Fail(2, f"apiplay: {source}: is a directory, expected an OpenAPI file") from None
        except OSError as exc:
            raise _Fail(2, f"apiplay: {source}: cannot read it ({exc.strerror})") from None
        file_name, origin = path.name, str(path)
    suffix = _suffix(file_name, raw)
    stem = re.sub(r"\.(json|ya?ml)$", "", file_name, flags=re.I) or "provider"

    data_to_store = raw
    if name is not None:
        if not name.strip():
            raise _Fail(2, "apiplay: --name: expected a non-empty name")
        try:
            data = _parse_bytes(raw, origin, suffix == ".yaml")
        except PackError as exc:
            raise _Fail(2, _problems_text(exc)) from None
        if not isinstance(data, dict):
            raise _Fail(2, f"apiplay: {origin}: expected an OpenAPI document (an object)")
        x = data.get("x-apiplay")
        x = dict(x) if isinstance(x, dict) else {}
        pid = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-") or "provider"
        x["id"], x["name"] = pid, name.strip()
        data["x-apiplay"] = x
        data_to_store = (json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        suffix, stem = ".json", pid

    with tempfile.TemporaryDirectory(prefix="apiplay-add-") as tmp:
        # Validate under the name it would get (the id may come from the file name).
        trial = Path(tmp) / f"{stem}{suffix}"
        trial.write_bytes(data_to_store)
        try:
            provider = load_pack(trial, builtin=False)
        except PackError as exc:
            exc.source = origin
            exc.problems = [p.replace(str(trial), origin) for p in exc.problems]
            raise _Fail(2, _problems_text(exc)) from None
    if not provider.endpoints:
        raise _Fail(2, f"apiplay: {origin}: the document describes no operations (paths is empty)")

    pdir = paths.providers_dir()
    final = pdir / f"{provider.id}{suffix}"
    builtins, _ = load_providers()
    for p in builtins:
        if p.id == provider.id and p.builtin:
            raise _Fail(2, f"apiplay: the id {provider.id!r} belongs to a built-in provider; choose another with --name")
    replaced = False
    if pdir.is_dir():
        for f in pdir.iterdir():
            if f.is_file() and f.suffix.lower() in (".json", ".yaml", ".yml") and f != final:
                try:
                    other = load_pack(f, builtin=False)
                except Exception:  # noqa: BLE001 - a broken pack there is reported by `apiplay providers`
                    continue
                if other.id == provider.id:
                    os.unlink(f)  # the same provider stored under another file name: replace it
                    replaced = True
    replaced = replaced or final.exists()
    paths.ensure_dir(pdir, 0o700)
    write_atomic(final, data_to_store)
    stored = load_pack(final, builtin=False)
    if stored.id != provider.id:  # pragma: no cover - guards a loader change
        os.unlink(final)
        raise _Fail(2, f"apiplay: stored copy got id {stored.id!r} instead of {provider.id!r}; nothing was added")
    return stored, final, replaced


def run(args: argparse.Namespace) -> int:
    try:
        provider, final, replaced = add_provider(args.source, args.name)
    except _Fail as exc:
        _err(str(exc))
        return exc.code
    n = len(provider.endpoints)
    verb = "Replaced" if replaced else "Added"
    print(f"{verb} provider {provider.id!r} ({provider.name}, {n} endpoint{'s' if n != 1 else ''}), stored in {final}")
    live = provider.targets.live_url
    if not live:
        _err("apiplay: note: the document has no servers[0].url; set the live URL with "
             f"`apiplay credentials {provider.id} --url URL` or APIPLAY_{provider.id.upper().replace('-', '_')}_URL")
    print(f"Try: apiplay providers {provider.id}")
    return 0
