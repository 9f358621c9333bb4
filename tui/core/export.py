"""A prepared request as a shell command: curl or HTTPie.

``to_curl(prepared)`` / ``to_httpie(prepared)`` return one line a user can paste into a terminal or a bug
report. Every argument is quoted for a POSIX shell (``shlex.quote``).

Secrets (``PreparedRequest.secrets``: tokens, passwords; and both halves of HTTP Basic) are replaced by
references to environment variables, e.g. ``"$APIPLAY_GOCACHE_TOKEN"``, so the command still runs after
``export APIPLAY_GOCACHE_TOKEN=...``. Pass the ``provider`` to get the pack's variable names (the same ones
apiplay itself reads, see :func:`tui.core.auth.env_name`); without it the names are guessed
(``APIPLAY_<ID>_TOKEN``, ``APIPLAY_<ID>_USER`` / ``_PASSWORD`` for Basic). With ``show_secrets=True``
the real values are written.

A secret that sits in the query string is written as a variable reference too; the variable's value is then
used as is (tokens are URL-safe in practice).

:func:`mask_secrets` and :data:`SENSITIVE_HEADERS` are shared with the history store.

No Textual, no I/O.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import TYPE_CHECKING, Iterable, Mapping
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

from tui.core.model import PreparedRequest

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from tui.core.model import Provider

#: Header names whose values are always credentials, whatever the pack says.
SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "private-token", "gocache-token", "x-api-key", "api-key",
     "x-auth-token", "cookie", "set-cookie"}
)
#: Query parameter names whose values are always credentials.
SENSITIVE_QUERY = frozenset({"private_token", "access_token", "api_key", "apikey", "token", "password"})

MASK = "****"

__all__ = ["to_curl", "to_httpie", "save_body", "SaveBodyError", "mask_secrets", "secret_variants", "secret_env_names",
           "SENSITIVE_HEADERS", "SENSITIVE_QUERY", "MASK"]


def secret_variants(secret: str) -> set[str]:
    """The forms a secret can take inside a URL or a form body (raw and percent-encoded)."""
    return {secret, quote(secret, safe=""), quote(secret, safe=",:/@"), quote_plus(secret)} - {""}


#: Secrets shorter than this are only replaced where they stand alone (not inside a longer word), so
#: that a short password such as "t" does not turn "http" into "h****p".
SHORT_SECRET = 8
_WORDCHAR = r"A-Za-z0-9_\-.~"


def _secret_pattern(variants: Iterable[str]) -> re.Pattern[str] | None:
    alts = []
    for v in sorted(set(variants), key=len, reverse=True):
        if len(v) >= SHORT_SECRET:
            alts.append(re.escape(v))
        else:
            alts.append(rf"(?<![{_WORDCHAR}]){re.escape(v)}(?![{_WORDCHAR}])")
    return re.compile("|".join(alts)) if alts else None


def mask_secrets(text: str, secrets: Iterable[str], replacement: str = MASK) -> str:
    """`text` with every occurrence of every secret (raw or percent-encoded) replaced."""
    variants: set[str] = set()
    for s in secrets:
        if s:
            variants |= secret_variants(str(s))
    pattern = _secret_pattern(variants)
    return pattern.sub(replacement, text) if pattern else text


# --------------------------------------------------------------------------------------------------
# Which environment variable stands for which secret


def _var(text: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", text).upper()
    if not name or name[0].isdigit():
        name = "_" + name
    return name


def _env_for(provider: "Provider | None", provider_id: str, field: str) -> str:
    if provider is not None:
        from tui.core.auth import env_name

        return env_name(provider, field)
    return _var(f"APIPLAY_{provider_id}_{field}")


def secret_env_names(prepared: PreparedRequest, provider: "Provider | None" = None) -> dict[str, str]:
    """Map each secret value of `prepared` to the environment variable that holds it."""
    out: dict[str, str] = {}
    pid = prepared.provider_id or "provider"
    query = parse_qsl(urlsplit(prepared.url).query, keep_blank_values=True)
    if provider is not None:
        for place in provider.auth.placements:
            if place.location == "header":
                for k, v in prepared.headers:
                    if k.lower() == place.name.lower() and v.startswith(place.prefix):
                        secret = v[len(place.prefix):]
                        if secret:
                            out.setdefault(secret, _env_for(provider, pid, place.field))
            elif place.location == "query":
                for k, v in query:
                    if k == place.name and v:
                        out.setdefault(v, _env_for(provider, pid, place.field))
            elif place.location == "basic" and prepared.basic_auth:
                user, password = prepared.basic_auth
                out.setdefault(user, _env_for(provider, pid, place.field))
                out.setdefault(password, _env_for(provider, pid, place.password_field or "password"))
    if prepared.basic_auth:
        user, password = prepared.basic_auth
        out.setdefault(user, _env_for(None, pid, "user"))
        out.setdefault(password, _env_for(None, pid, "password"))
    for name, value in (prepared.values or {}).items():
        text = str(value)
        if text in prepared.secrets:
            out.setdefault(text, _env_for(provider, pid, name))
    remaining = sorted(s for s in prepared.secrets if s and s not in out)
    used = set(out.values())
    n = 1
    for secret in remaining:
        var = _var(f"APIPLAY_{pid}_TOKEN")
        while var in used:
            n += 1
            var = _var(f"APIPLAY_{pid}_SECRET_{n}")
        used.add(var)
        out[secret] = var
    return out


# --------------------------------------------------------------------------------------------------
# Quoting with variable references

_DQ_UNSAFE = re.compile(r'["$`\\!]')


def _split(text: str, names: Mapping[str, str]) -> list[tuple[str, bool]]:
    """Cut `text` into (literal, False) and (VARNAME, True) segments."""
    variants: dict[str, str] = {}
    for secret, var in names.items():
        for v in secret_variants(secret):
            variants.setdefault(v, var)
    if not variants:
        return [(text, False)]
    pattern = _secret_pattern(variants)
    assert pattern is not None
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((variants[m.group(0)], True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def _word(text: str, names: Mapping[str, str]) -> str:
    """One shell word for `text`, secrets turned into "$VAR" references."""
    segs = _split(text, names)
    if not any(is_var for _, is_var in segs):
        return shlex.quote(text)
    if all(is_var or not _DQ_UNSAFE.search(lit) for lit, is_var in segs):
        inner = []
        for i, (s, is_var) in enumerate(segs):
            if is_var:
                nxt = segs[i + 1][0] if i + 1 < len(segs) and not segs[i + 1][1] else ""
                inner.append("${%s}" % s if nxt[:1].isalnum() or nxt[:1] == "_" else "$" + s)
            else:
                inner.append(s)
        return '"' + "".join(inner) + '"'
    return "".join('"$%s"' % s if is_var else shlex.quote(s) for s, is_var in segs)


def _names(prepared: PreparedRequest, show_secrets: bool, provider: "Provider | None") -> dict[str, str]:
    if show_secrets:
        return {}
    names = secret_env_names(prepared, provider)
    # Safety net: a credential header the request builder did not list as secret.
    for k, v in prepared.headers:
        if k.lower() in SENSITIVE_HEADERS and v and not any(s in v for s in names):
            scheme, _, rest = v.partition(" ")
            secret = rest if rest and scheme.lower() in ("bearer", "basic", "token") else v
            names[secret] = _var(f"APIPLAY_{prepared.provider_id or 'provider'}_{k}")
    return names


def _body_text(body: bytes) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _printf_octal(body: bytes) -> str:
    """A printf format (single-quoted) that writes `body` byte for byte."""
    out = []
    for b in body:
        ch = chr(b)
        if 32 <= b < 127 and ch not in "\\%'":
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    return "'" + "".join(out) + "'"


def _join(words: list[str], multiline: bool) -> str:
    return (" \\\n  " if multiline else " ").join(words)


# --------------------------------------------------------------------------------------------------
# curl


def to_curl(
    prepared: PreparedRequest,
    show_secrets: bool = False,
    *,
    provider: "Provider | None" = None,
    multiline: bool = False,
) -> str:
    """A curl command that sends `prepared` exactly (method, URL, headers, body, Basic auth)."""
    names = _names(prepared, show_secrets, provider)
    method = prepared.method.upper()
    body = prepared.body
    words = ["curl"]
    prefix = ""
    if method == "HEAD":
        words.append("--head")
    elif not (method == "GET" and not body) and not (method == "POST" and body):
        words.append(f"-X {method}")
    words.append(_word(prepared.url, names))
    for k, v in prepared.headers:
        words.append("-H " + _word(f"{k}: {v}", names))
    if prepared.basic_auth:
        user, password = prepared.basic_auth
        words.append("-u " + _word(f"{user}:{password}", names))
    if body:
        text = _body_text(body)
        if text is not None:
            words.append("--data-raw " + _word(text, names))
        else:
            prefix = f"printf {_printf_octal(body)} | "
            words.append("--data-binary @-")
    return prefix + _join(words, multiline)


# --------------------------------------------------------------------------------------------------
# HTTPie

_SIMPLE_KEY = re.compile(r"^[A-Za-z0-9_.\[\]-]+$")


def to_httpie(
    prepared: PreparedRequest,
    show_secrets: bool = False,
    *,
    provider: "Provider | None" = None,
    multiline: bool = False,
) -> str:
    """An HTTPie (``http``) command for `prepared`.

    Form bodies with plain keys become ``--form key=value`` items; any other body is sent as is with
    ``--raw`` (HTTPie 3+). Basic auth is ``-a user:password``.
    """
    names = _names(prepared, show_secrets, provider)
    method = prepared.method.upper()
    body = prepared.body
    words = ["http"]
    prefix = ""
    items: list[str] = []
    ctype = (prepared.content_type or "").split(";")[0].strip().lower()
    form_items = None
    if body and ctype == "application/x-www-form-urlencoded":
        text = _body_text(body)
        if text is not None:
            pairs = parse_qsl(text, keep_blank_values=True)
            if all(_SIMPLE_KEY.match(k) for k, _ in pairs):
                form_items = pairs
    if form_items is not None:
        words.append("--form")
    if prepared.basic_auth:
        user, password = prepared.basic_auth
        words.append("-a " + _word(f"{user}:{password}", names))
    if body and form_items is None:
        text = _body_text(body)
        if text is not None:
            words.append("--raw " + _word(text, names))
        else:
            prefix = f"printf {_printf_octal(body)} | "
    words.append(f"{method} {_word(prepared.url, names)}")
    for k, v in prepared.headers:
        if form_items is not None and k.lower() == "content-type":
            continue  # --form sets it
        # "Name:value"; an empty value needs "Name;" in HTTPie
        items.append(_word(f"{k}:{v}" if v else f"{k};", names))
    for k, v in form_items or ():
        items.append(_word(f"{k}={v}", names))
    return prefix + _join(words + items, multiline)


# --------------------------------------------------------------------------------------------------
# Saving a body


class SaveBodyError(Exception):
    """The body could not be saved; ``str(exc)`` is a plain message naming the file."""


def save_body(path: "str | os.PathLike[str]", body: bytes, *, overwrite: bool = False) -> "Path":
    """Write an answer body to `path` (``~`` expanded) atomically. Returns the absolute path.

    Refuses (SaveBodyError) to replace an existing file unless `overwrite`, to write into a directory that
    does not exist, or onto a directory.
    """
    from pathlib import Path

    from tui.core.atomic import write_atomic

    target = Path(path).expanduser()
    if not str(path).strip():
        raise SaveBodyError("no file name given")
    if target.is_dir():
        raise SaveBodyError(f"{target} is a directory; give a file name")
    if not target.parent.is_dir():
        raise SaveBodyError(f"cannot save to {target}: the folder {target.parent} does not exist")
    if target.exists() and not overwrite:
        raise SaveBodyError(f"{target} already exists")
    try:
        write_atomic(target, body)
    except OSError as exc:
        raise SaveBodyError(f"cannot save to {target}: {exc.strerror or exc}") from None
    return target.resolve()
