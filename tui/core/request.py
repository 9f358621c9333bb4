"""From the user's values to a validated :class:`~tui.core.model.PreparedRequest`.

Three steps, each usable alone:

* :func:`coerce_value` turns the text a user typed into a typed value for one parameter;
* :func:`validate_values` checks a whole set of values against an endpoint;
* :func:`build_request` encodes the path, query, headers, body and auth. Nothing is sent.

:func:`parse_cli_items` reads the command line's ``name=value``, ``name:=json`` and
``Header:value`` items.

Conventions:

* A value of ``None`` or ``""`` means "not set" (a form field left empty) and is not sent;
  a required parameter left unset is an error. Defaults are *not* sent unless the user set them
  (the server applies its own defaults).
* Values may be text (coerced here) or already typed (checked here).
* Path values are percent-encoded with ``quote(v, safe="")``; ``.`` and ``..`` become
  ``%2E`` / ``%2E%2E`` so no URL normaliser can collapse them: a value can never change the path.

No Textual import, no I/O.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Iterable, Mapping
from urllib.parse import quote, urlsplit

import orjson

from tui.core.auth import apply_auth
from tui.core.model import Endpoint, FieldError, Param, PreparedRequest, Provider, ValidationError

#: Absurd page numbers / offsets are refused above this.
MAX_PAGE_NUMBER = 10**9

_TRUE = {"true", "1", "yes", "on", "y", "t"}
_FALSE = {"false", "0", "no", "off", "n", "f"}
_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a JSON object",
    "string": "text",
    "file": "a file",
}
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")


_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")  # tab and visible ASCII (and space)


def _header_value_ok(value: str) -> bool:
    return _HEADER_VALUE.fullmatch(value) is not None


def _is_unset(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def _fmt(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _num_text(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


# --------------------------------------------------------------------------------------------------
# One value


def _coerce_scalar(kind: str, text: str) -> Any:
    s = text.strip()
    if kind == "integer":
        try:
            return int(s, 10)
        except ValueError:
            try:  # "5.0" is a whole number; "5.5" is not
                f = float(s)
            except ValueError:
                f = math.nan
            if math.isfinite(f) and f.is_integer() and abs(f) < 2**63:
                return int(f)
            raise ValueError(f"expected a whole number, got {_fmt(text)}") from None
    if kind == "number":
        try:
            f = float(s)
        except ValueError:
            raise ValueError(f"expected a number, got {_fmt(text)}") from None
        if not math.isfinite(f):
            raise ValueError(f"expected a finite number, got {_fmt(text)}")
        return int(f) if f.is_integer() and "." not in s and "e" not in s.lower() else f
    if kind == "boolean":
        low = s.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"expected true or false (also yes/no, on/off, 1/0), got {_fmt(text)}")
    if kind == "object":
        try:
            v = orjson.loads(s)
        except orjson.JSONDecodeError:
            raise ValueError(f'expected a JSON object like {{"key": "value"}}, got {_fmt(text)}') from None
        if not isinstance(v, dict):
            raise ValueError(f"expected a JSON object, got {_fmt(text)}")
        return v
    if kind == "array":
        if s.startswith("["):
            try:
                v = orjson.loads(s)
            except orjson.JSONDecodeError:
                raise ValueError(f"expected a JSON array or comma-separated values, got {_fmt(text)}") from None
            if not isinstance(v, list):
                raise ValueError(f"expected a list, got {_fmt(text)}")
            return v
        if s == "":
            return []
        return [part.strip() for part in s.split(",")]
    return text  # string, file, unknown types: as typed


def _check_enum_range(param: Param, value: Any) -> None:
    if param.enum and not isinstance(value, (list, dict)):
        if value not in param.enum and str(value) not in {str(e) for e in param.enum}:
            choices = ", ".join(str(e) for e in param.enum)
            raise ValueError(f"expected one of {choices}; got {_fmt(value)}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if param.minimum is not None and value < param.minimum:
            raise ValueError(f"must be at least {_num_text(param.minimum)}, got {_fmt(value)}")
        if param.maximum is not None and value > param.maximum:
            raise ValueError(f"must be at most {_num_text(param.maximum)}, got {_fmt(value)}")


def _item_param(param: Param) -> Param:
    return Param(
        name=param.name, location="query", type=param.items_type or "any", enum=param.enum,
        minimum=param.minimum, maximum=param.maximum,
    )


def coerce_value(param: Param, text: str) -> Any:
    """Turn the text a user typed into the typed value for `param`.

    integer -> int ("abc" raises ``ValueError("expected a whole number, got 'abc'")``);
    number -> int or float; boolean -> bool from true/false, 1/0, yes/no, on/off;
    array -> list, from a JSON array or comma-separated text, each item coerced to
    ``items_type``; object -> dict from a JSON object; string/file -> the text as is.
    Enum membership and minimum/maximum are checked; a path value may not be empty.
    Raises ``ValueError`` with a plain message (without the parameter's name).
    """
    if not isinstance(text, str):
        check_typed(param, text)
        return text
    if param.location == "path" and text.strip() == "":
        raise ValueError("a path value may not be empty")
    if param.type == "array":
        items = _coerce_scalar("array", text)
        item_param = _item_param(param)
        out = []
        for item in items:
            out.append(coerce_value(item_param, item) if isinstance(item, str) else item)
            if not isinstance(item, str):
                check_typed(item_param, item)
        return out
    value = _coerce_scalar(param.type, text)
    _check_enum_range(param, value)
    return value


def check_typed(param: Param, value: Any) -> None:
    """Check an already typed value against `param` (type, enum, range). Raises ``ValueError``."""
    kind = param.type
    ok = True
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "array":
        ok = isinstance(value, (list, tuple))
    elif kind == "object":
        ok = isinstance(value, dict) or (param.whole_body and isinstance(value, list))
    elif kind == "string":
        ok = isinstance(value, (str, int, float)) and not isinstance(value, bool)
        if param.whole_body and isinstance(value, (bytes, list, dict)):
            ok = True
    elif kind == "file":
        ok = isinstance(value, (str, bytes))
    if not ok:
        raise ValueError(f"expected {_TYPE_WORDS.get(kind, kind)}, got {_fmt(value)}")
    if kind == "array":
        item_param = _item_param(param)
        for item in value:
            if isinstance(item, str) and item_param.type != "string":
                coerce_value(item_param, item)
            else:
                check_typed(item_param, item)
        return
    _check_enum_range(param, value)


# --------------------------------------------------------------------------------------------------
# A set of values


def _paging_names(endpoint: Endpoint) -> set[str]:
    pg = endpoint.paging
    if not pg.paged:
        return set()
    if pg.style == "page":
        return {pg.page_param, pg.size_param}
    return {pg.offset_param, pg.size_param}


def _implicit_param(endpoint: Endpoint, name: str) -> Param | None:
    """Paging params an endpoint accepts even when the pack does not list them."""
    if name in _paging_names(endpoint):
        return Param(name, "query", "integer")
    return None


def param_of(endpoint: Endpoint, name: str) -> Param | None:
    """The endpoint's parameter `name` (paging params count even when not listed)."""
    return endpoint.param(name) or _implicit_param(endpoint, name)


def _known_names(endpoint: Endpoint) -> list[str]:
    names = [p.name for p in endpoint.params]
    names += sorted(n for n in _paging_names(endpoint) if n not in names)
    return names


def _unknown_message(endpoint: Endpoint) -> str:
    names = _known_names(endpoint)
    if not names:
        return f"not a parameter of {endpoint.key} (it takes none)"
    listed = ", ".join(names[:25]) + (", ..." if len(names) > 25 else "")
    return f"not a parameter of {endpoint.key}; it takes: {listed}"


def typed_values(endpoint: Endpoint, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Coerce/check every value; return (typed values without the unset ones, errors)."""
    typed: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, value in values.items():
        param = param_of(endpoint, name)
        if param is None:
            errors.append(FieldError(name, _unknown_message(endpoint)))
            continue
        if _is_unset(value) and not (param.whole_body and value == ""):
            if param.location == "path" and value == "":
                errors.append(FieldError(name, "a path value may not be empty"))
            continue
        try:
            if isinstance(value, str):
                typed[name] = coerce_value(param, value)
            else:
                check_typed(param, value)
                if param.type == "array" and param.items_type not in (None, "string"):
                    item_param = _item_param(param)  # ["1", "2"] for integers -> [1, 2]
                    value = [coerce_value(item_param, v) if isinstance(v, str) else v for v in value]
                typed[name] = value
        except ValueError as exc:
            errors.append(FieldError(name, str(exc)))
    reported = {e.field for e in errors}
    for p in endpoint.params:
        if (p.required or p.location == "path") and p.name not in typed and p.name not in reported:
            errors.append(FieldError(p.name, f"a value is required ({_TYPE_WORDS.get(p.type, p.type)})"))
    errors.extend(_paging_errors(endpoint, typed, reported))
    return typed, errors


def _paging_errors(endpoint: Endpoint, typed: Mapping[str, Any], reported: set[str]) -> list[FieldError]:
    pg = endpoint.paging
    out: list[FieldError] = []
    if not pg.paged:
        return out

    def num(name: str) -> int | None:
        v = typed.get(name)
        return v if isinstance(v, int) and not isinstance(v, bool) and name not in reported else None

    size = num(pg.size_param)
    if size is not None:
        if size < 1:
            out.append(FieldError(pg.size_param, "must be at least 1"))
        elif pg.max_size is not None and size > pg.max_size:
            out.append(FieldError(pg.size_param, f"at most {pg.max_size} for this endpoint"))
        elif size > MAX_PAGE_NUMBER:
            out.append(FieldError(pg.size_param, f"must be at most {MAX_PAGE_NUMBER}"))
    if pg.style == "page":
        page = num(pg.page_param)
        if page is not None:
            if page < pg.first_page:
                out.append(FieldError(pg.page_param, f"must be {pg.first_page} or more"))
            elif page > MAX_PAGE_NUMBER:
                out.append(FieldError(pg.page_param, f"must be at most {MAX_PAGE_NUMBER}"))
    else:
        skip = num(pg.offset_param)
        if skip is not None:
            if skip < 0:
                out.append(FieldError(pg.offset_param, "must be 0 or more"))
            elif skip > MAX_PAGE_NUMBER:
                out.append(FieldError(pg.offset_param, f"must be at most {MAX_PAGE_NUMBER}"))
    return out


def validate_values(endpoint: Endpoint, values: Mapping[str, Any]) -> list[FieldError]:
    """Every problem with `values` for `endpoint`, as FieldErrors (empty list: all good).

    Checks unknown names, missing required and path values, types (text is coerced, typed values
    are checked), enums, minimum/maximum, the page size against the endpoint's cap
    ("at most 50 for this endpoint") and absurd page numbers / offsets.
    """
    return typed_values(endpoint, values)[1]


# --------------------------------------------------------------------------------------------------
# Encoding


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def encode_path_value(value: Any) -> str:
    """Percent-encode one path value so it stays exactly one segment.

    ``/``, ``?``, ``#``, spaces and unicode are escaped; ``.`` and ``..`` (and any all-dots value)
    become ``%2E`` sequences so dot-segment removal cannot apply.
    """
    text = _scalar_text(value)
    encoded = quote(text, safe="", errors="surrogatepass")
    if encoded and set(encoded) == {"."}:
        encoded = "%2E" * len(encoded)
    return encoded


def _array_pairs(name: str, items: Iterable[Any], style: str) -> list[tuple[str, str]]:
    items = list(items)
    base = name[:-2] if name.endswith("[]") else name
    if style == "brackets":
        return [(f"{base}[]", _scalar_text(v)) for v in items]
    if style == "indexed":
        return [(f"{base}[{i}]", _scalar_text(v)) for i, v in enumerate(items)]
    if style == "csv":
        return [(name, ",".join(_scalar_text(v) for v in items))]
    return [(name, _scalar_text(v)) for v in items]


def _object_pairs(name: str, obj: Mapping[str, Any], style: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for k, v in obj.items():
        key = f"{name}[{k}]"
        if isinstance(v, dict):
            out += _object_pairs(key, v, style)
        elif isinstance(v, (list, tuple)):
            out += _array_pairs(key, v, style)
        else:
            out.append((key, _scalar_text(v)))
    return out


def _pairs(param: Param, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, (list, tuple)):
        return _array_pairs(param.name, value, param.array_style)
    if isinstance(value, dict):
        if param.spread:  # each key is a field of its own
            return [pair for k, v in value.items()
                    for pair in (_object_pairs(str(k), v, param.array_style) if isinstance(v, dict)
                                 else _pairs(Param(str(k), param.location, array_style=param.array_style), v))]
        return _object_pairs(param.name, value, param.array_style)
    return [(param.name, _scalar_text(value))]


#: The largest file an upload reads into memory.
MAX_UPLOAD = 100 * 2**20


def _read_upload(name: str, value: Any) -> tuple[str, str, bytes]:
    """(field, file name, content) for a file parameter: raw bytes as they are, or a path to read."""
    if isinstance(value, bytes):
        return name, name, value
    import os

    path = os.path.expanduser(str(value))
    try:
        size = os.path.getsize(path)
        if size > MAX_UPLOAD:
            raise ValidationError([FieldError(name, f"{path} is {size} bytes; uploads are limited to "
                                                    f"{MAX_UPLOAD // 2**20} MB")])
        with open(path, "rb") as fh:
            return name, os.path.basename(path) or name, fh.read()
    except IsADirectoryError:
        raise ValidationError([FieldError(name, f"expected a file, {path} is a folder")]) from None
    except (OSError, ValueError) as exc:  # ValueError: a path holding a NUL byte
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ValidationError([FieldError(name, f"cannot read the file {path!r} ({reason})")]) from None


def multipart_body(fields: Iterable[tuple[str, str]], files: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body (RFC 7578) and its Content-Type, boundary included."""
    import mimetypes
    import uuid

    boundary = "apiplay-" + uuid.uuid4().hex

    def quoted(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", " ")

    chunks: list[bytes] = []
    for name, value in fields:
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted(name)}"\r\n\r\n'
                      .encode("utf-8", "surrogatepass") + value.encode("utf-8", "surrogatepass") + b"\r\n")
    for name, filename, content in files:
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted(name)}"; '
                f'filename="{quoted(filename)}"\r\nContent-Type: {mime}\r\n\r\n')
        chunks.append(head.encode("utf-8", "surrogatepass") + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def urlencode_pairs(pairs: Iterable[tuple[str, str]]) -> str:
    """``k=v&k2=v2`` with keys keeping their brackets readable and values fully escaped."""
    return "&".join(
        f"{quote(k, safe='[]', errors='surrogatepass')}={quote(v, safe=',:/@', errors='surrogatepass')}"
        for k, v in pairs
    )


def _nest(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    cur = target
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = cur[part] = {}
        cur = nxt
    cur[parts[-1]] = value


def _json_ready(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


@functools.lru_cache(maxsize=64)  # (the same base URL for every request of a walk)
def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; ValidationError naming "base URL" when unusable."""
    try:
        parts = urlsplit(base_url or "")
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError([FieldError(
            "", f"the base URL {base_url!r} is not usable: expected http:// or https:// and a host name",
        )])
    return base_url.rstrip("/")


def build_request(
    provider: Provider,
    endpoint: Endpoint,
    values: Mapping[str, Any],
    *,
    base_url: str,
    credentials: Mapping[str, Any] | None = None,
    placement: int = 0,
    headers: Iterable[tuple[str, str]] = (),
) -> PreparedRequest:
    """Validate `values` and encode a request for `endpoint`. Nothing is sent.

    * path placeholders: percent-encoded, one segment each (see :func:`encode_path_value`);
    * query: arrays per the param's ``array_style`` (repeat / brackets / indexed / csv),
      objects as ``name[key]=v``, booleans as ``true``/``false``;
    * body per ``endpoint.body_encoding``: ``form`` (urlencoded, bracket keys, also on DELETE),
      ``json`` (dotted names nest: ``certificate.type`` -> ``{"certificate": {"type": ...}}``;
      a ``whole_body`` param is the body itself), ``raw`` (bytes or text as is);
    * auth from `credentials` per `placement` (index into ``provider.auth.placements``),
      unless the endpoint's auth is ``none``; HTTP Basic goes to ``basic_auth``, never ``headers``;
    * `headers`: extra (name, value) pairs, sent after the computed ones (a later Content-Type wins).

    ``headers`` of the result include ``Accept`` and ``Content-Type`` (when there is a body).
    ``secrets`` holds every token / password value used. Raises :class:`ValidationError`
    (field "" and a message naming "base URL" for an unusable base URL).
    """
    base = check_base_url(base_url)
    typed, errors = typed_values(endpoint, values)
    if errors:
        raise ValidationError(errors)

    secrets: set[str] = set()
    path = endpoint.path
    query: list[tuple[str, str]] = []
    out_headers: list[tuple[str, str]] = [("Accept", "application/json")]
    form: list[tuple[str, str]] = []
    files: list[tuple[str, str, bytes]] = []  # (field, file name, content): a multipart body
    json_body: dict[str, Any] = {}
    whole: Any = None
    has_whole = False

    for name, value in typed.items():
        param = param_of(endpoint, name)
        assert param is not None
        if param.is_secret:
            secrets.add(_scalar_text(value))
        loc = param.location
        if loc == "path":
            path = path.replace("{" + name + "}", encode_path_value(value))
        elif loc == "query":
            query += _pairs(param, value)
        elif loc == "header":
            out_headers.append((name, _scalar_text(value)))
        else:  # body
            if param.whole_body:
                whole, has_whole = value, True
            elif param.type == "file":
                files.append(_read_upload(name, value))
            elif endpoint.body_encoding == "json":
                _nest(json_body, name, _json_ready(value))
            else:
                form += _pairs(param, value)

    left = re.findall(r"\{([^}/]+)\}", path) if "{" in path else ()
    if left:  # a placeholder the pack declares no parameter for
        raise ValidationError([FieldError(n, "a value is required (a path placeholder)") for n in left])

    body: bytes | None = None
    content_type: str | None = None
    enc = endpoint.body_encoding
    try:
        if has_whole:
            if enc == "raw" or isinstance(whole, (bytes, str)) and enc != "json":
                body = whole if isinstance(whole, bytes) else str(whole).encode("utf-8", "surrogatepass")
                content_type = "application/octet-stream"
            else:
                body = orjson.dumps(_json_ready(whole))
                content_type = "application/json"
        elif files:
            body, content_type = multipart_body(form, files)
        elif json_body:
            body = orjson.dumps(json_body)
            content_type = "application/json"
        elif form:
            body = urlencode_pairs(form).encode("ascii")
            content_type = "application/x-www-form-urlencoded"
    except orjson.JSONEncodeError as exc:
        raise ValidationError([FieldError("", f"the body cannot be written as JSON ({exc})")]) from None
    if content_type:
        out_headers.append(("Content-Type", content_type))

    basic = None
    if endpoint.auth != "none" and credentials:
        parts = apply_auth(provider, credentials, placement)
        out_headers += parts.headers
        query += parts.query
        basic = parts.basic
        secrets |= parts.secrets

    auth_header_names = {p.name.lower() for p in provider.auth.placements if p.location == "header"}
    auth_header_names.add("authorization")
    for hname, hvalue in headers:
        if hname.lower() == "content-type":
            out_headers = [h for h in out_headers if h[0].lower() != "content-type"]
            content_type = hvalue
        out_headers.append((hname, hvalue))
        if hname.lower() in auth_header_names and hvalue:
            secrets.add(hvalue)

    bad = [FieldError(k, "a header value must be plain ASCII text on one line")
           for k, v in out_headers if not _header_value_ok(v)]
    bad += [FieldError(k, "not a valid header name") for k, _ in out_headers if not _HEADER_NAME.match(k)]
    if bad:
        raise ValidationError(bad)

    url = base + path
    if query:
        url += "?" + urlencode_pairs(query)
    secrets.discard("")
    return PreparedRequest(
        provider_id=provider.id,
        endpoint_key=endpoint.key,
        method=endpoint.method,
        url=url,
        headers=tuple(out_headers),
        body=body,
        content_type=content_type,
        values=typed,
        secrets=frozenset(secrets),
        basic_auth=basic,
    )


# --------------------------------------------------------------------------------------------------
# Command-line items


def _split_item(item: str) -> tuple[str, str, str] | None:
    """(kind, name, value) for ``name=value`` ("="), ``name:=json`` (":=") or ``Header:value`` (":")."""
    eq = item.find("=")
    colon = item.find(":")
    if colon != -1 and (eq == -1 or colon < eq):
        if item[colon + 1: colon + 2] == "=":
            return ":=", item[:colon], item[colon + 2:]
        return ":", item[:colon], item[colon + 1:]
    if eq != -1:
        return "=", item[:eq], item[eq + 1:]
    return None


def parse_cli_items(endpoint: Endpoint, items: list[str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Read command-line items into (typed values, extra headers).

    * ``name=value``: the catalog's parameter `name`, value coerced to its type; repeating an
      array parameter's name appends (``urls[]=/a urls[]=/b``);
    * ``name:=json``: the value is JSON (``tags:='["a","b"]'``, ``enable:=true``);
    * ``Header:value``: an extra request header.

    Raises :class:`ValidationError` listing every bad item (unknown names, bad values,
    invalid JSON), each naming the parameter.
    """
    values: dict[str, Any] = {}
    extra_headers: list[tuple[str, str]] = []
    errors: list[FieldError] = []
    for item in items:
        split = _split_item(item)
        if split is None or not split[1]:
            errors.append(FieldError(item, "expected name=value, name:=json or Header:value"))
            continue
        kind, name, text = split
        if kind == ":":
            if not _HEADER_NAME.match(name):
                errors.append(FieldError(name, "not a valid header name"))
            else:
                extra_headers.append((name, text.strip()))
            continue
        param = param_of(endpoint, name)
        if param is None:
            errors.append(FieldError(name, _unknown_message(endpoint)))
            continue
        try:
            if kind == ":=":
                try:
                    value = orjson.loads(text)
                except orjson.JSONDecodeError as exc:
                    raise ValueError(f"invalid JSON ({exc})") from None
                check_typed(param, value)
            else:
                value = coerce_value(param, text)
        except ValueError as exc:
            errors.append(FieldError(name, str(exc)))
            continue
        if param.type == "array" and name in values and kind == "=":
            values[name] = list(values[name]) + list(value)
        else:
            values[name] = value
    if errors:
        raise ValidationError(errors)
    return values, extra_headers
