"""Load and validate provider packs into the model.

A pack is an OpenAPI 3.0/3.1 document (JSON or YAML) with optional ``x-apiplay`` extensions; see
``docs/pack-format.md``. Built-in packs live in ``tui/providers/*.json``. A plain third-party OpenAPI file
(no ``x-apiplay``) loads too: its id, URL and auth are derived from ``info``, ``servers`` and
``components.securitySchemes``.

Every problem is reported with its location ("paths./x.get.parameters[2].schema.type: expected ...") in
:class:`PackError.problems`; nothing is half-loaded. Parsed packs are cached per file and mtime.

No Textual here: this module is on the start-up path of the CLI, the sandbox and the TUI.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any, Iterable, Mapping

import orjson

from .model import (
    ARRAY_STYLES,
    AUTH_LEVELS,
    BODY_ENCODINGS,
    EVIDENCE_LEVELS,
    AuthPlacement,
    AuthSpec,
    CredentialField,
    Endpoint,
    ErrorMeaning,
    ErrorSpec,
    LoginSpec,
    PagingSpec,
    Param,
    Provider,
    RateLimitSpec,
    SandboxAccount,
    TargetSpec,
    Variable,
)

__all__ = [
    "PackError",
    "BUILTIN_DIR",
    "BUILTIN_IDS",
    "load_pack_data",
    "load_pack",
    "load_pack_bytes",
    "load_providers",
    "builtin_provider",
    "clear_cache",
]

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "providers"
BUILTIN_IDS = ("gocache", "noosfero", "trackingram")

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
SCHEMA_TYPES = ("string", "integer", "number", "boolean", "array", "object", "file", "null")
PARAM_LOCATIONS = ("path", "query", "header")
PAGING_STYLES = ("page", "offset", "none")
PLACEMENT_LOCATIONS = ("header", "query", "basic")
RATE_SCOPES = ("credential", "client")
PACK_SUFFIXES = (".json", ".yaml", ".yml")

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_RAW_TYPES = ("application/octet-stream",)


class PackError(Exception):
    """A pack could not be loaded. ``problems`` lists every problem found, each with its location."""

    def __init__(self, problems: Iterable[str], source: str = ""):
        self.problems = list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        n = len(self.problems)
        summary = f"{head}{n} problem{'s' if n != 1 else ''} in the provider pack"
        super().__init__(summary + ("\n  " + "\n  ".join(self.problems) if self.problems else ""))


# --------------------------------------------------------------------------------------------------
# Small utilities


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "provider"


def _fmt(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, (dict, list)):
        return "an object" if isinstance(v, dict) else "a list"
    if v is None:
        return "null"
    return repr(v)


class _Problems:
    def __init__(self, source: str):
        self.source = source
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        prefix = f"{self.source}: " if self.source else ""
        self.items.append(f"{prefix}{where}: {message}" if where else f"{prefix}{message}")

    def __bool__(self) -> bool:
        return bool(self.items)


def _join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else str(key)


class _Reader:
    """Typed access to a dict with problem reporting."""

    def __init__(self, probs: _Problems):
        self.p = probs

    def dict(self, obj: Any, where: str, *, required: bool = False) -> dict:
        if obj is None:
            if required:
                self.p.add(where, "is missing (expected an object)")
            return {}
        if not isinstance(obj, dict):
            self.p.add(where, f"expected an object, got {_fmt(obj)}")
            return {}
        return obj

    def list(self, obj: Any, where: str) -> list:
        if obj is None:
            return []
        if not isinstance(obj, list):
            self.p.add(where, f"expected a list, got {_fmt(obj)}")
            return []
        return obj

    def str(self, d: dict, key: str, where: str, default: str | None = "", *, required: bool = False):
        v = d.get(key)
        if v is None:
            if required:
                self.p.add(_join(where, key), "is missing (expected a string)")
            return default
        if not isinstance(v, str):
            self.p.add(_join(where, key), f"expected a string, got {_fmt(v)}")
            return default
        return v

    def bool(self, d: dict, key: str, where: str, default: bool = False) -> bool:
        v = d.get(key)
        if v is None:
            return default
        if not isinstance(v, bool):
            self.p.add(_join(where, key), f"expected true or false, got {_fmt(v)}")
            return default
        return v

    def num(self, d: dict, key: str, where: str, default=None, *, integer: bool = False, minimum=None):
        v = d.get(key)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (integer and not isinstance(v, int)):
            kind = "an integer" if integer else "a number"
            self.p.add(_join(where, key), f"expected {kind}, got {_fmt(v)}")
            return default
        if minimum is not None and v < minimum:
            self.p.add(_join(where, key), f"expected a number >= {minimum}, got {v}")
            return default
        return v

    def choice(self, d: dict, key: str, where: str, choices: tuple, default=None):
        v = d.get(key)
        if v is None:
            return default
        if v not in choices:
            self.p.add(_join(where, key), f"expected one of {', '.join(map(str, choices))}, got {_fmt(v)}")
            return default
        return v

    def regex(self, d: dict, key: str, where: str) -> str | None:
        v = self.str(d, key, where, None)
        if v is None:
            return None
        try:
            re.compile(v)
        except re.error as exc:
            self.p.add(_join(where, key), f"is not a valid regular expression ({exc})")
            return None
        return v

    def str_map(self, obj: Any, where: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for k, v in self.dict(obj, where).items():
            if not isinstance(v, str):
                self.p.add(_join(where, str(k)), f"expected a string, got {_fmt(v)}")
                continue
            out[str(k)] = v
        return out


# --------------------------------------------------------------------------------------------------
# $ref resolution


def _resolve_refs(doc: Any, probs: _Problems) -> Any:
    """A copy of `doc` with every local ``$ref`` replaced by its target (cycles reported, not followed)."""
    root = doc

    def lookup(ref: str, where: str) -> Any:
        if not ref.startswith("#/"):
            probs.add(where, f"only local $ref values ('#/...') are supported, got {ref!r}")
            return _MISSING
        node = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdecimal() and int(part) < len(node):
                node = node[int(part)]
            else:
                probs.add(where, f"$ref {ref!r} points to nothing")
                return _MISSING
        return node

    memo: dict[tuple[str, int], Any] = {}

    def walk(node: Any, where: str, hops: tuple[str, ...], depth: int) -> Any:
        # hops: the $refs followed since the last real object (a repeat there is a cycle of references);
        # depth: how deeply schemas are nested here. Recursive schemas (a Book has an Author who has
        # Books) are legal: they are expanded down to _MAX_SCHEMA_DEPTH, which is all apiplay reads.
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if ref in hops:
                    probs.add(where, f"$ref {ref!r} refers back to itself (a cycle of references)")
                    return {_UNRESOLVED: ref}
                if depth > _MAX_SCHEMA_DEPTH:
                    return {}
                key = (ref, depth)
                if key in memo:
                    resolved = memo[key]
                else:
                    target = lookup(ref, _join(where, "$ref"))
                    if target is _MISSING:
                        resolved = {_UNRESOLVED: ref}
                    else:
                        resolved = walk(target, where, hops + (ref,), depth)
                    memo[key] = resolved
                siblings = {k: v for k, v in node.items() if k != "$ref"}
                if siblings and isinstance(resolved, dict):
                    merged = dict(resolved)
                    merged.update({k: walk(v, _join(where, k), (), depth) for k, v in siblings.items()})
                    return merged
                return resolved
            out = {}
            for k, v in node.items():
                if k in ("example", "x-apiplay") or (k == "schema" and ".responses." in where) or (
                        k == "components" and not where):
                    out[k] = v  # literal data, or not needed (response schemas; components when unused)
                    continue
                d = depth + 1 if k in ("properties", "items", "additionalProperties", "allOf", "oneOf",
                                       "anyOf") else depth
                out[k] = walk(v, _join(where, str(k)), (), d)
            return out
        if isinstance(node, list):
            return [walk(v, _join(where, i), (), depth) for i, v in enumerate(node)]
        return node

    return walk(doc, "", (), 0)


_MISSING = object()
#: Put in place of a $ref that could not be resolved (already reported), so it is not reported twice.
_UNRESOLVED = "x-apiplay-unresolved-ref"
#: How deep nested schemas are expanded: a body's properties (1), their items (2), through one allOf /
#: oneOf level (3). apiplay reads nothing deeper; beyond it a $ref stays an empty schema.
_MAX_SCHEMA_DEPTH = 3


def _has_refs(node: Any) -> bool:
    if isinstance(node, dict):
        if "$ref" in node:
            return True
        return any(_has_refs(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_refs(v) for v in node)
    return False


# --------------------------------------------------------------------------------------------------
# Schemas and parameters


def _schema_type(schema: dict, where: str, r: _Reader) -> tuple[str, str | None]:
    """(model type, format) for a schema; reports unknown types."""
    t = schema.get("type")
    if isinstance(t, list):  # OpenAPI 3.1: ["string", "null"]
        non_null = [x for x in t if x != "null"]
        t = non_null[0] if non_null else "string"
    if t is None:
        for key in ("oneOf", "anyOf"):
            alts = schema.get(key)
            if isinstance(alts, list) and alts and isinstance(alts[0], dict):
                return _schema_type(alts[0], _join(_join(where, key), 0), r)
        if "properties" in schema or "additionalProperties" in schema or "allOf" in schema:
            t = "object"
        elif "items" in schema:
            t = "array"
        elif isinstance(schema.get("enum"), list) and schema["enum"]:
            e0 = schema["enum"][0]
            t = ("boolean" if isinstance(e0, bool) else "integer" if isinstance(e0, int)
                 else "number" if isinstance(e0, float) else "string")
        else:
            t = "string"
    if t not in SCHEMA_TYPES:
        r.p.add(_join(where, "type"), f"expected one of {', '.join(SCHEMA_TYPES[:-1])}, got {_fmt(t)}")
        return "", None  # reported; the caller skips checks that depend on the type
    fmt = schema.get("format")
    if fmt is not None and not isinstance(fmt, str):
        r.p.add(_join(where, "format"), f"expected a string, got {_fmt(fmt)}")
        fmt = None
    if t == "null":
        t = "string"
    if t == "string" and fmt == "binary":
        return "file", None
    return t, fmt


def _check_value(v: Any, t: str, where: str, r: _Reader) -> Any:
    ok = {
        "string": isinstance(v, str),
        "integer": isinstance(v, int) and not isinstance(v, bool),
        "number": isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": isinstance(v, bool),
    }.get(t, True)
    if not ok:
        r.p.add(where, f"expected a value of type {t}, got {_fmt(v)}")
    return v


def _make_param(name: str, location: str, schema: Any, where: str, r: _Reader, *, required: bool,
                description: str, extra: dict | None = None, swhere: str | None = None) -> Param:
    swhere = swhere or _join(where, "schema")
    schema = r.dict(schema, swhere)
    ptype, fmt = _schema_type(schema, swhere, r)
    bad_type = ptype == ""
    ptype = ptype or "string"
    items_type = None
    elem_schema = schema
    if ptype == "array":
        items = r.dict(schema.get("items"), _join(swhere, "items"))
        if items:
            items_type, _ = _schema_type(items, _join(swhere, "items"), r)
            bad_type = bad_type or items_type == ""
            items_type = items_type or "string"
            elem_schema = items
        else:
            items_type = "string"
    check_t = "any" if bad_type else items_type if ptype == "array" else ptype
    enum_src = schema.get("enum") if "enum" in schema else elem_schema.get("enum")
    enum: tuple = ()
    if enum_src is not None:
        ewhere = _join(swhere if "enum" in schema else _join(swhere, "items"), "enum")
        lst = r.list(enum_src, ewhere)
        enum = tuple(_check_value(v, check_t or "string", _join(ewhere, i), r) for i, v in enumerate(lst)
                     if v is not None)
    default = schema.get("default")
    if default is not None and not bad_type and ptype in ("string", "integer", "number", "boolean"):
        _check_value(default, ptype, _join(swhere, "default"), r)
    minimum = r.num(schema, "minimum", swhere)
    maximum = r.num(schema, "maximum", swhere)
    if minimum is not None and maximum is not None and minimum > maximum:
        r.p.add(_join(swhere, "maximum"), f"is smaller than minimum ({maximum} < {minimum})")
    extra = extra or {}
    style_where, style_src = swhere, schema
    if "x-apiplay-array-style" in extra:
        style_where, style_src = where, extra
    array_style = r.choice(style_src, "x-apiplay-array-style", style_where, ARRAY_STYLES, None)
    if array_style is None:
        # OpenAPI's own: style form + explode false -> csv
        explode = extra.get("explode")
        array_style = "csv" if explode is False else "repeat"
    whole = r.bool(schema, "x-apiplay-whole-body", swhere, False) or r.bool(extra, "x-apiplay-whole-body",
                                                                             where, False)
    spread = r.bool(schema, "x-apiplay-spread", swhere, False) or r.bool(extra, "x-apiplay-spread", where, False)
    if spread and ptype != "object":
        r.p.add(_join(swhere, "x-apiplay-spread"), f"only an object can be spread, this is {ptype!r}")
        spread = False
    desc = description or (schema.get("description") if isinstance(schema.get("description"), str) else "")
    return Param(
        name=name,
        location=location,
        type=ptype,
        required=required,
        default=default,
        enum=enum,
        description=desc or "",
        items_type=items_type,
        format=fmt,
        minimum=minimum,
        maximum=maximum,
        array_style=array_style,
        whole_body=whole,
        spread=spread,
    )


def _parse_parameter(obj: Any, where: str, r: _Reader) -> Param | None:
    d = r.dict(obj, where)
    if _UNRESOLVED in d:
        return None
    if not d:
        if isinstance(obj, dict):
            r.p.add(where, "is empty (expected a parameter with name and in)")
        return None
    name = r.str(d, "name", where, None, required=True)
    loc = d.get("in")
    if loc == "cookie":
        return None  # valid OpenAPI, but apiplay sends no cookies: the parameter is left out
    if loc is None:
        r.p.add(_join(where, "in"), f"is missing (expected one of {', '.join(PARAM_LOCATIONS)})")
        loc = None
    elif loc not in PARAM_LOCATIONS:
        hint = " (a body belongs in requestBody)" if loc in ("body", "formData") else ""
        r.p.add(_join(where, "in"), f"expected one of {', '.join(PARAM_LOCATIONS)}, got {_fmt(loc)}{hint}")
        loc = None
    required = r.bool(d, "required", where, False)
    desc = r.str(d, "description", where, "") or ""
    schema = d.get("schema")
    if schema is None:
        content = d.get("content")
        if isinstance(content, dict) and content:
            first = next(iter(content.values()))
            schema = first.get("schema") if isinstance(first, dict) else None
    if schema is None:
        schema = {"type": "string"}
    if not name or loc is None:
        # still validate the schema for more problems
        _make_param("?", "query", schema, where, r, required=False, description="", extra=d)
        return None
    if loc == "path":
        required = True
    return _make_param(name, loc, schema, where, r, required=required, description=desc, extra=d)


def _body_params(body: Any, where: str, r: _Reader) -> tuple[list[Param], str | None]:
    d = r.dict(body, where)
    if not d:
        return [], None
    content = r.dict(d.get("content"), _join(where, "content"), required=True)
    if not content:
        return [], None
    ctype = None
    for candidate in ("application/json", *_FORM_TYPES, *_RAW_TYPES):
        if candidate in content:
            ctype = candidate
            break
    if ctype is None:
        json_like = [c for c in content if isinstance(c, str) and (c.endswith("+json") or c.endswith("/json"))]
        if json_like:
            ctype = json_like[0]
        else:
            ctype = next(iter(content))
    cwhere = _join(_join(where, "content"), ctype)
    media = r.dict(content[ctype], cwhere)
    encoding = ("json" if ctype.endswith("json") else "form" if ctype in _FORM_TYPES else "raw")
    body_required = r.bool(d, "required", where, False)
    schema = r.dict(media.get("schema"), _join(cwhere, "schema"))
    swhere = _join(cwhere, "schema")
    if schema and "allOf" in schema:
        schema = _merge_all_of(schema, swhere, r)
    for key in ("oneOf", "anyOf"):  # several shapes: offer the first one's fields
        alts = schema.get(key)
        if "type" not in schema and "properties" not in schema and isinstance(alts, list) and alts \
                and isinstance(alts[0], dict):
            schema, swhere = alts[0], _join(_join(swhere, key), 0)
            break
    stype, _ = _schema_type(schema, swhere, r) if schema else ("file" if encoding == "raw" else "object", None)
    if stype == "":
        return [], encoding  # an unknown type, already reported
    if stype != "object" or (encoding == "raw"):
        p = _make_param("body", "body", schema or {"type": "string", "format": "binary"},
                        where, r, required=body_required, description=r.str(d, "description", where, "") or "",
                        extra={"x-apiplay-whole-body": True}, swhere=swhere)
        return [p], encoding
    props = r.dict(schema.get("properties"), _join(swhere, "properties"))
    req = r.list(schema.get("required"), _join(swhere, "required"))
    req_names = {x for x in req if isinstance(x, str)}
    for i, x in enumerate(req):
        if not isinstance(x, str):
            r.p.add(_join(_join(swhere, "required"), i), f"expected a property name, got {_fmt(x)}")
    out = []
    for pname, psch in props.items():
        pwhere = _join(_join(swhere, "properties"), pname)
        if not isinstance(psch, dict):
            r.p.add(pwhere, f"expected an object, got {_fmt(psch)}")
            continue
        p = _make_param(pname, "body", psch, pwhere, r, required=pname in req_names, description="",
                        extra=None, swhere=pwhere)
        out.append(p)
    if not props and schema.get("additionalProperties") not in (None, False):
        out.append(_make_param("body", "body", schema, where, r, required=body_required, description="",
                               extra={"x-apiplay-whole-body": True}, swhere=swhere))
    return out, encoding


def _merge_all_of(schema: dict, where: str, r: _Reader) -> dict:
    out: dict = {"type": "object", "properties": {}, "required": []}
    for i, part in enumerate(r.list(schema.get("allOf"), _join(where, "allOf"))):
        part = r.dict(part, _join(_join(where, "allOf"), i))
        if "allOf" in part:
            part = _merge_all_of(part, _join(_join(where, "allOf"), i), r)
        out["properties"].update(part.get("properties") or {})
        out["required"].extend(part.get("required") or [])
    out["properties"].update(schema.get("properties") or {})
    out["required"].extend(schema.get("required") or [])
    return out


# --------------------------------------------------------------------------------------------------
# Provider-level sections


_PAGING_FIELDS = {
    "style": "choice", "page_param": "str", "size_param": "str", "offset_param": "str", "first_page": "int",
    "default_size": "int", "max_size": "int", "total_header": "str", "size_header": "str",
    "link_header": "str", "more_field": "str", "items_field": "str",
}


def _paging_kwargs(d: dict, where: str, r: _Reader) -> dict:
    out: dict = {}
    for key, kind in _PAGING_FIELDS.items():
        if key not in d:
            continue
        v = d[key]
        if kind == "choice":
            v = r.choice(d, key, where, PAGING_STYLES, None)
            if v is None:
                continue
        elif v is None:
            if key in ("page_param", "size_param", "offset_param", "first_page", "style"):
                r.p.add(_join(where, key), "must not be null")
                continue
        elif kind == "str":
            v = r.str(d, key, where, None)
            if v is None:
                continue
        elif kind == "int":
            v = r.num(d, key, where, None, integer=True, minimum=0)
            if v is None:
                continue
        out[key] = v
    for key in d:
        if key not in _PAGING_FIELDS:
            r.p.add(_join(where, key), f"unknown paging field (expected one of {', '.join(_PAGING_FIELDS)})")
    return out


def _rate_limit(d: dict, where: str, r: _Reader, *, third_party: bool) -> RateLimitSpec:
    if not d:
        return RateLimitSpec(limit=None, standard_headers=True)
    return RateLimitSpec(
        limit=r.num(d, "limit", where, None, integer=True, minimum=1),
        window_s=float(r.num(d, "window_s", where, 60.0, minimum=0) or 60.0),
        scope=r.choice(d, "scope", where, RATE_SCOPES, "credential"),
        guard=r.bool(d, "guard", where, False),
        block_s=r.num(d, "block_s", where, None, minimum=0),
        count_field=r.str(d, "count_field", where, None),
        reset_field=r.str(d, "reset_field", where, None),
        hit_status=r.num(d, "hit_status", where, None, integer=True, minimum=100),
        hit_pattern=r.regex(d, "hit_pattern", where),
        standard_headers=r.bool(d, "standard_headers", where, True),
        description=r.str(d, "description", where, "") or "",
    )


def _status_key_ok(k: str) -> bool:
    return bool(re.fullmatch(r"[1-5](\d\d|XX|xX|Xx|xx|0X)|default", k))


def _errors(d: dict, where: str, r: _Reader) -> ErrorSpec:
    if not d:
        return ErrorSpec()
    fields_src = d.get("message_fields")
    mf: tuple[str, ...] = ErrorSpec().message_fields
    if fields_src is not None:
        lst = r.list(fields_src, _join(where, "message_fields"))
        good = []
        for i, x in enumerate(lst):
            if isinstance(x, str) and x:
                good.append(x)
            else:
                r.p.add(_join(_join(where, "message_fields"), i), f"expected a field name, got {_fmt(x)}")
        mf = tuple(good)
    statuses = r.str_map(d.get("statuses"), _join(where, "statuses"))
    for k in statuses:
        if not _status_key_ok(k):
            r.p.add(_join(_join(where, "statuses"), k), "expected an HTTP status such as 404 or 5XX")
    messages = []
    for i, m in enumerate(r.list(d.get("messages"), _join(where, "messages"))):
        mw = _join(_join(where, "messages"), i)
        m = r.dict(m, mw)
        if not m:
            continue
        pat = r.str(m, "pattern", mw, None, required=True)
        if pat is not None:
            try:
                re.compile(pat)
            except re.error as exc:
                r.p.add(_join(mw, "pattern"), f"is not a valid regular expression ({exc})")
                pat = None
        meaning = r.str(m, "meaning", mw, "", required=True) or ""
        hint = r.str(m, "hint", mw, "") or ""
        if pat is not None:
            messages.append(ErrorMeaning(pattern=pat, meaning=meaning, hint=hint))
    return ErrorSpec(
        message_fields=mf,
        errors_map_field=r.str(d, "errors_map_field", where, None),
        statuses=statuses,
        messages=tuple(messages),
    )


def _variables(obj: Any, where: str, r: _Reader) -> dict[str, Variable]:
    out = {}
    for name, v in r.dict(obj, where).items():
        vw = _join(where, name)
        v = r.dict(v, vw)
        default = v.get("default", "")
        if not isinstance(default, str):
            r.p.add(_join(vw, "default"), f"expected a string, got {_fmt(default)}")
            default = str(default)
        enum = []
        for i, e in enumerate(r.list(v.get("enum"), _join(vw, "enum"))):
            if not isinstance(e, str):
                r.p.add(_join(_join(vw, "enum"), i), f"expected a string, got {_fmt(e)}")
            else:
                enum.append(e)
        if enum and default not in enum:
            r.p.add(_join(vw, "default"), f"{default!r} is not one of the enum values {enum}")
        out[str(name)] = Variable(default=default, enum=tuple(enum),
                                  description=r.str(v, "description", vw, "") or "")
    return out


def _check_template(template: str, variables: Mapping[str, Variable], where: str, r: _Reader) -> None:
    for name in re.findall(r"\{([^}]*)\}", template):
        if name not in variables:
            r.p.add(where, f"uses {{{name}}} but no variable {name!r} is defined")


def _credentials(obj: Any, where: str, r: _Reader) -> tuple[CredentialField, ...]:
    out = []
    names = set()
    for i, c in enumerate(r.list(obj, where)):
        cw = _join(where, i)
        c = r.dict(c, cw)
        if not c:
            continue
        name = r.str(c, "name", cw, None, required=True)
        if not name:
            continue
        if name in names:
            r.p.add(_join(cw, "name"), f"duplicate credential {name!r}")
        names.add(name)
        env = r.str(c, "env", cw, None)
        if env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", env):
            r.p.add(_join(cw, "env"), f"expected an environment variable name, got {env!r}")
        out.append(CredentialField(
            name=name,
            label=r.str(c, "label", cw, name) or name,
            secret=r.bool(c, "secret", cw, False),
            env=env,
            description=r.str(c, "description", cw, "") or "",
        ))
    return tuple(out)


def _auth(d: dict, creds: tuple[CredentialField, ...], where: str, r: _Reader) -> AuthSpec:
    cred_names = {c.name for c in creds}
    placements = []
    for i, pl in enumerate(r.list(d.get("placements"), _join(where, "placements"))):
        pw = _join(_join(where, "placements"), i)
        pl = r.dict(pl, pw)
        if not pl:
            continue
        loc = r.choice(pl, "location", pw, PLACEMENT_LOCATIONS, None)
        if "location" not in pl:
            r.p.add(_join(pw, "location"), f"is missing (expected one of {', '.join(PLACEMENT_LOCATIONS)})")
        name = r.str(pl, "name", pw, "") or ""
        fld = r.str(pl, "field", pw, "token") or "token"
        pwf = r.str(pl, "password_field", pw, None)
        if loc in ("header", "query") and not name:
            r.p.add(_join(pw, "name"), f"is missing (the {loc} name to send the credential in)")
        if loc == "basic" and not pwf:
            r.p.add(_join(pw, "password_field"), "is missing (HTTP Basic needs a password field)")
        for key, val in (("field", fld), ("password_field", pwf)):
            if val and cred_names and val not in cred_names:
                r.p.add(_join(pw, key), f"names {val!r}, which is not a credential ({', '.join(sorted(cred_names))})")
        if loc:
            placements.append(AuthPlacement(location=loc, name=name, field=fld, password_field=pwf,
                                            prefix=r.str(pl, "prefix", pw, "") or ""))
    login = None
    if d.get("login") is not None:
        lw = _join(where, "login")
        ld = r.dict(d.get("login"), lw)
        if ld:
            method = (r.str(ld, "method", lw, "POST") or "POST").upper()
            if method.lower() not in HTTP_METHODS:
                r.p.add(_join(lw, "method"), f"expected an HTTP method, got {method!r}")
            path = r.str(ld, "path", lw, None, required=True) or "/"
            fields = r.str_map(ld.get("fields"), _join(lw, "fields"))
            for k, v in fields.items():
                if cred_names and v not in cred_names:
                    r.p.add(_join(_join(lw, "fields"), k), f"names {v!r}, which is not a credential")
            pointer = r.str(ld, "token_pointer", lw, None, required=True) or ""
            if pointer and not pointer.startswith("/"):
                r.p.add(_join(lw, "token_pointer"), f"expected a JSON pointer starting with '/', got {pointer!r}")
            stores = r.str(ld, "stores", lw, "token") or "token"
            login = LoginSpec(method=method, path=path, fields=fields, token_pointer=pointer, stores=stores)
    sw = _join(where, "sandbox")
    sd = r.dict(d.get("sandbox"), sw)
    default = r.str_map(sd.get("default"), _join(sw, "default"))
    accounts = []
    for i, a in enumerate(r.list(sd.get("accounts"), _join(sw, "accounts"))):
        aw = _join(_join(sw, "accounts"), i)
        a = r.dict(a, aw)
        if not a:
            continue
        accounts.append(SandboxAccount(
            label=r.str(a, "label", aw, "", required=True) or "",
            values=r.str_map(a.get("values"), _join(aw, "values")),
            note=r.str(a, "note", aw, "") or "",
        ))
    return AuthSpec(
        credentials=creds,
        placements=tuple(placements),
        login=login,
        sandbox_default=default,
        sandbox_accounts=tuple(accounts),
        description=r.str(d, "description", where, "") or "",
    )


def _auth_from_security(doc: dict, r: _Reader) -> AuthSpec:
    """Derive credentials and placements from components.securitySchemes (third-party packs)."""
    schemes = r.dict(r.dict(doc.get("components"), "components").get("securitySchemes"),
                     "components.securitySchemes")
    order: list[str] = []
    for req in doc.get("security") or []:
        if isinstance(req, dict):
            order.extend(k for k in req if k not in order)
    order.extend(k for k in schemes if k not in order)
    creds: dict[str, CredentialField] = {}
    placements = []
    for key in order:
        s = schemes.get(key)
        if not isinstance(s, dict):
            continue
        sw = _join("components.securitySchemes", key)
        t = s.get("type")
        if t == "apiKey":
            loc = s.get("in")
            name = r.str(s, "name", sw, "", required=True) or ""
            if loc not in ("header", "query"):
                r.p.add(_join(sw, "in"), f"expected header or query, got {_fmt(loc)}")
                continue
            creds.setdefault("token", CredentialField("token", "API key", secret=True))
            placements.append(AuthPlacement(location=loc, name=name, field="token"))
        elif t == "http":
            scheme = str(s.get("scheme", "")).lower()
            if scheme == "basic":
                creds.setdefault("username", CredentialField("username", "User name"))
                creds.setdefault("password", CredentialField("password", "Password", secret=True))
                placements.append(AuthPlacement(location="basic", field="username", password_field="password"))
            elif scheme == "bearer":
                creds.setdefault("token", CredentialField("token", "Bearer token", secret=True))
                placements.append(AuthPlacement(location="header", name="Authorization", field="token",
                                                prefix="Bearer "))
        elif t in ("oauth2", "openIdConnect"):
            creds.setdefault("token", CredentialField("token", "Access token", secret=True))
            placements.append(AuthPlacement(location="header", name="Authorization", field="token",
                                            prefix="Bearer "))
        elif t is not None and not isinstance(t, str):
            r.p.add(_join(sw, "type"), f"expected a string, got {_fmt(t)}")
    return AuthSpec(credentials=tuple(creds.values()), placements=tuple(placements))


# --------------------------------------------------------------------------------------------------
# Operations


def _op_auth(op: dict, doc_security: Any, where: str, r: _Reader, x: dict, ctx_has_auth: bool) -> str:
    level = r.choice(x, "auth", _join(where, "x-apiplay"), AUTH_LEVELS, None)
    if level:
        return level
    sec = op.get("security", doc_security)
    if sec is None:
        return "required" if ctx_has_auth else "none"
    if not isinstance(sec, list):
        r.p.add(_join(where, "security"), f"expected a list, got {_fmt(sec)}")
        return "required"
    if not sec:
        return "none"
    if any(isinstance(s, dict) and not s for s in sec):
        return "optional"
    return "required"


def _endpoint(method: str, path: str, op: Any, path_params: list, ctx: dict, r: _Reader) -> Endpoint | None:
    where = f"paths.{path}.{method}"
    op = r.dict(op, where)
    if not op and not isinstance(op, dict):
        return None
    x = r.dict(op.get("x-apiplay"), _join(where, "x-apiplay"))
    xw = _join(where, "x-apiplay")
    for key in x:
        if key not in _OP_X_KEYS:
            r.p.add(_join(xw, key), f"unknown field (expected one of {', '.join(_OP_X_KEYS)})")
    params: list[Param] = []
    seen: dict[tuple[str, str], int] = {}
    own = []
    for i, p in enumerate(r.list(op.get("parameters"), _join(where, "parameters"))):
        prm = _parse_parameter(p, _join(_join(where, "parameters"), i), r)
        if prm is not None:
            own.append(prm)
    merged = {(p.name, p.location): p for p in path_params}
    for p in own:
        key = (p.name, p.location)
        if key in seen:
            r.p.add(_join(where, "parameters"), f"parameter {p.name!r} in {p.location} is declared twice")
        seen[key] = 1
        merged[key] = p
    params = list(merged.values())
    body_encoding = None
    if op.get("requestBody") is not None:
        bparams, body_encoding = _body_params(op.get("requestBody"), _join(where, "requestBody"), r)
        names = {p.name for p in params if p.location != "header"}
        for bp in bparams:
            if bp.name not in names:
                params.append(bp)
            elif ctx["strict"]:
                r.p.add(_join(where, "requestBody"), f"body field {bp.name!r} has the same name as a parameter")
            # a plain OpenAPI file: the parameter wins (values are given by name), the body field is left out
    enc = r.choice(x, "body_encoding", xw, BODY_ENCODINGS, None)
    if enc:
        body_encoding = enc
    # path placeholders
    placeholders = re.findall(r"\{([^}/]*)\}", path)
    path_names = {p.name for p in params if p.location == "path"}
    for ph in placeholders:
        if not ph:
            r.p.add(f"paths.{path}", "has an empty {} placeholder")
        elif ph not in path_names:
            r.p.add(_join(where, "parameters"), f"no path parameter for the {{{ph}}} placeholder")
    for name in sorted(path_names - set(placeholders)):
        r.p.add(_join(where, "parameters"), f"path parameter {name!r} does not appear in the path {path}")
    # statuses & example
    statuses: dict[str, str] = {}
    example = None
    responses = r.dict(op.get("responses"), _join(where, "responses"))
    for code, resp in responses.items():
        rw = _join(_join(where, "responses"), str(code))
        code = str(code)
        if not _status_key_ok(code):
            r.p.add(rw, "expected an HTTP status such as 200 or 4XX")
            continue
        resp = r.dict(resp, rw)
        statuses[code] = r.str(resp, "description", rw, "") or ""
        if example is None and code.startswith("2"):
            content = resp.get("content")
            if isinstance(content, dict):
                for media in content.values():
                    if isinstance(media, dict):
                        if "example" in media:
                            example = media["example"]
                            break
                        exs = media.get("examples")
                        if isinstance(exs, dict) and exs:
                            first = next(iter(exs.values()))
                            if isinstance(first, dict) and "value" in first:
                                example = first["value"]
                                break
    statuses.update({k: v for k, v in r.str_map(x.get("statuses"), _join(xw, "statuses")).items()})
    success = r.num(x, "success_status", xw, None, integer=True, minimum=100)
    if success is None:
        twos = sorted(k for k in statuses if re.fullmatch(r"2\d\d", k))
        success = int(twos[0]) if twos else None
    if "example_response" in x:
        example = x["example_response"]
    # paging
    paging = PagingSpec()
    pg = x.get("paging", None)
    default_paging: dict = ctx["paging"]
    pw = _join(xw, "paging")
    if pg is False or pg is None and "paging" in x:
        paging = PagingSpec()
    elif pg is True or isinstance(pg, dict):
        kwargs = dict(default_paging)
        if isinstance(pg, dict):
            kwargs.update(_paging_kwargs(pg, pw, r))
        if kwargs.get("style", "none") == "none":
            if isinstance(pg, dict) and "style" not in pg and default_paging.get("style", "none") == "none":
                r.p.add(pw, "the provider has no paging style (x-apiplay.paging.style); say style here")
            paging = PagingSpec(**{**kwargs, "style": "none"}) if kwargs.get("style") else PagingSpec()
        else:
            paging = PagingSpec(**kwargs)
    elif "paging" in x:
        r.p.add(pw, f"expected an object, true or false, got {_fmt(pg)}")
    elif default_paging.get("style", "none") != "none" and method == "get":
        # not said: paged when the operation takes the provider's paging parameters
        qnames = {p.name for p in params if p.location == "query"}
        style = default_paging["style"]
        size = default_paging.get("size_param", "per_page" if style == "page" else "limit")
        other = default_paging.get("page_param", "page") if style == "page" else default_paging.get(
            "offset_param", "skip")
        if size in qnames and other in qnames:
            paging = PagingSpec(**default_paging)
    tags = op.get("tags")
    tag = "other"
    if tags is not None:
        tl = r.list(tags, _join(where, "tags"))
        if tl and isinstance(tl[0], str):
            tag = tl[0]
        elif tl:
            r.p.add(_join(_join(where, "tags"), 0), f"expected a tag name, got {_fmt(tl[0])}")
    return Endpoint(
        method=method.upper(),
        path=path,
        summary=r.str(op, "summary", where, "") or "",
        description=r.str(op, "description", where, "") or "",
        tag=tag,
        operation_id=r.str(op, "operationId", where, "") or "",
        params=tuple(params),
        body_encoding=body_encoding,
        auth=_op_auth(op, ctx["security"], where, r, x, ctx["has_auth"]),
        evidence=r.choice(x, "evidence", xw, EVIDENCE_LEVELS, None),
        paging=paging,
        statuses=statuses,
        success_status=success,
        example_response=example,
        notes=r.str(x, "notes", xw, "") or "",
    )


# --------------------------------------------------------------------------------------------------
# The loader


def load_pack_data(data: Any, *, source: str = "", builtin: bool = True) -> Provider:
    """Validate a parsed pack and build the Provider. Raises PackError listing every problem."""
    probs = _Problems(source)
    r = _Reader(probs)
    if not isinstance(data, dict):
        probs.add("", f"a pack must be an object (an OpenAPI document), got {_fmt(data)}")
        raise PackError(probs.items, source)
    if _has_refs(data):
        data = _resolve_refs(data, probs)
    version = data.get("openapi")
    if version is None:
        if "swagger" in data:
            probs.add("swagger", "Swagger 2.0 is not supported; convert the file to OpenAPI 3")
        else:
            probs.add("openapi", "is missing (expected a version such as 3.1.0)")
    elif not isinstance(version, str) or not re.match(r"3\.[01]\b", version):
        probs.add("openapi", f"expected version 3.0.x or 3.1.x, got {_fmt(version)}")
    info = r.dict(data.get("info"), "info", required=True)
    title = r.str(info, "title", "info", "", required=True) or ""
    x = r.dict(data.get("x-apiplay"), "x-apiplay")
    has_x = bool(x)

    # identity
    pid = r.str(x, "id", "x-apiplay", None)
    if pid is None:
        stem = _slug(Path(source.split("?", 1)[0]).stem) if source else ""
        if stem in _GENERIC_STEMS or stem == "provider":
            stem = ""
        pid = _slug(title) if not stem and title else stem or _slug(title)
    elif not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", pid):
        probs.add("x-apiplay.id", f"expected lower-case letters, digits, - or _, got {pid!r}")
    name = r.str(x, "name", "x-apiplay", None) or title or pid

    # targets
    servers = r.list(data.get("servers"), "servers")
    server0 = r.dict(servers[0], "servers[0]") if servers else {}
    server_url = r.str(server0, "url", "servers[0]", "") or ""
    server_vars = _variables(server0.get("variables"), "servers[0].variables", r)
    tw = "x-apiplay.targets"
    t = r.dict(x.get("targets"), tw)
    if t:
        variables = _variables(t.get("variables"), _join(tw, "variables"), r) if "variables" in t else server_vars
        live = r.str(t, "live", tw, server_url) or ""
        sandbox_path = r.str(t, "sandbox", tw, "") or ""
        _check_template(live, variables, _join(tw, "live"), r)
        _check_template(sandbox_path, variables, _join(tw, "sandbox"), r)
        if sandbox_path and not sandbox_path.startswith("/"):
            probs.add(_join(tw, "sandbox"), f"expected a path starting with '/', got {sandbox_path!r}")
    else:
        variables, live, sandbox_path = server_vars, server_url, ""
        _check_template(live, variables, "servers[0].url", r)
    if live and not re.match(r"https?://", live) and not live.startswith("{"):
        if has_x:
            probs.add(_join(tw, "live") if t else "servers[0].url",
                      f"expected an absolute http(s) URL, got {live!r}")
    targets = TargetSpec(live_url=live, sandbox_path=sandbox_path, variables=variables)

    # auth
    creds = _credentials(x.get("credentials"), "x-apiplay.credentials", r)
    if "auth" in x:
        auth = _auth(r.dict(x.get("auth"), "x-apiplay.auth"), creds, "x-apiplay.auth", r)
        if not auth.credentials:
            derived = _auth_from_security(data, r)
            auth = AuthSpec(credentials=derived.credentials, placements=auth.placements or derived.placements,
                            login=auth.login, sandbox_default=auth.sandbox_default,
                            sandbox_accounts=auth.sandbox_accounts, description=auth.description)
    else:
        auth = _auth_from_security(data, r)
        if creds:
            auth = AuthSpec(credentials=creds, placements=auth.placements)

    # paging default
    default_paging: dict = {}
    if "paging" in x:
        pgd = r.dict(x.get("paging"), "x-apiplay.paging")
        default_paging = _paging_kwargs(pgd, "x-apiplay.paging", r)

    rate = _rate_limit(r.dict(x.get("rate_limit"), "x-apiplay.rate_limit"), "x-apiplay.rate_limit", r,
                       third_party=not has_x)
    errors = _errors(r.dict(x.get("errors"), "x-apiplay.errors"), "x-apiplay.errors", r)
    if not x.get("errors"):
        errors = ErrorSpec()

    # tags
    tags: dict[str, str] = {}
    for i, tg in enumerate(r.list(data.get("tags"), "tags")):
        tgw = _join("tags", i)
        tg = r.dict(tg, tgw)
        tname = r.str(tg, "name", tgw, None, required=True)
        if tname:
            if tname in tags:
                probs.add(_join(tgw, "name"), f"duplicate tag {tname!r}")
            tags[tname] = r.str(tg, "description", tgw, "") or ""

    # paths
    security = data.get("security")
    if security is not None and not isinstance(security, list):
        probs.add("security", f"expected a list, got {_fmt(security)}")
        security = None
    ctx = {"paging": default_paging, "security": security, "has_auth": bool(auth.placements), "strict": has_x}
    paths = r.dict(data.get("paths"), "paths", required=True)
    endpoints: list[Endpoint] = []
    seen_keys: dict[str, str] = {}
    for path, item in paths.items():
        pwhere = f"paths.{path}"
        if not isinstance(path, str) or not path.startswith("/"):
            probs.add(pwhere, "a path must start with '/'")
            continue
        item = r.dict(item, pwhere)
        shared = []
        for i, p in enumerate(r.list(item.get("parameters"), _join(pwhere, "parameters"))):
            prm = _parse_parameter(p, _join(_join(pwhere, "parameters"), i), r)
            if prm is not None:
                shared.append(prm)
        for method, op in item.items():
            if method in ("parameters", "summary", "description", "servers", "$ref") or method.startswith("x-"):
                continue
            if method not in HTTP_METHODS:
                probs.add(_join(pwhere, method), f"unknown HTTP method (expected one of {', '.join(HTTP_METHODS)})")
                continue
            ep = _endpoint(method, path, op, shared, ctx, r)
            if ep is None:
                continue
            norm = f"{ep.method} " + (re.sub(r"\{[^}]*\}", "{}", path).rstrip("/") or "/")
            if norm in seen_keys:
                probs.add(_join(pwhere, method), f"duplicate endpoint: {ep.method} {path} is the same route as "
                                                 f"{seen_keys[norm]}")
                continue
            seen_keys[norm] = f"{ep.method} {path}"
            if ep.tag != "other" and ep.tag not in tags:
                tags[ep.tag] = ""
            endpoints.append(ep)
    if not endpoints and not probs:
        probs.add("paths", "the pack defines no endpoints")

    envelope = r.str(x, "envelope_data_field", "x-apiplay", None)
    docs = r.str(x, "docs", "x-apiplay", "") or ""
    for key in x:
        if key not in _X_KEYS:
            probs.add(_join("x-apiplay", key), f"unknown field (expected one of {', '.join(_X_KEYS)})")
    if probs:
        raise PackError(probs.items, source)
    return Provider(
        id=pid,
        name=name,
        description=r.str(info, "description", "info", "") or "",
        version=str(info.get("version", "") or ""),
        targets=targets,
        auth=auth,
        rate_limit=rate,
        errors=errors,
        endpoints=tuple(endpoints),
        tags=tags,
        docs=docs,
        envelope_data_field=envelope,
        source=source,
        builtin=builtin,
    )


_OP_X_KEYS = ("auth", "evidence", "paging", "body_encoding", "statuses", "notes", "success_status",
              "example_response")
#: File names that say nothing about the API: the id then comes from info.title.
_GENERIC_STEMS = {"openapi", "swagger", "api", "spec", "specs", "schema", "api-docs", "openapi3", "v1", "v2", "v3"}
_X_KEYS = ("id", "name", "targets", "credentials", "auth", "paging", "rate_limit", "errors",
           "envelope_data_field", "docs")

# (path, mtime_ns, size, builtin) -> Provider
_cache: dict[tuple[str, int, int, bool], Provider] = {}
_cache_lock = threading.Lock()


#: the on-disk cache (tui.core.packcache), used by load_providers(disk_cache=True)
_disk = {"read": False, "keys": frozenset()}  # read yet; the keys the cache file holds
_last_keys: list[tuple] = []  # the keys of the packs the last load_providers returned


def clear_cache() -> None:
    """Forget the parsed packs (and that the disk cache was read)."""
    with _cache_lock:
        _cache.clear()
        _disk.update(read=False, keys=frozenset())


def _pack_key(p: Path, st, builtin: bool) -> tuple[str, int, int, bool]:
    return (str(p.resolve()), st.st_mtime_ns, st.st_size, builtin)


def _read_disk_cache() -> None:
    from . import packcache

    entries = packcache.read()
    with _cache_lock:
        if _disk["read"]:
            return
        for key, prov in entries.items():
            _cache.setdefault(key, prov)
        _disk.update(read=True, keys=frozenset(entries))


def disk_cache_stale() -> bool:
    """True when the packs the last load_providers(disk_cache=True) returned are not all (or not
    only) what the disk cache holds: save_disk_cache() would write it."""
    with _cache_lock:
        return _disk["read"] and set(_last_keys) != set(_disk["keys"])


def save_disk_cache() -> bool:
    """Write the packs the last load_providers returned to the disk cache (atomically), if it does not
    hold exactly them. False when there was nothing to write. Raises OSError if it cannot be written."""
    from . import packcache

    with _cache_lock:
        entries = {k: _cache[k] for k in _last_keys if k in _cache}
        if set(entries) == set(_disk["keys"]):
            return False
    packcache.write(entries)
    with _cache_lock:
        _disk["keys"] = frozenset(entries)
    return True


def _parse_bytes(raw: bytes, source: str, yaml_hint: bool | None) -> Any:
    """JSON or YAML text -> data. yaml_hint None: JSON when the text starts with { or [, else YAML."""
    if yaml_hint is None:
        yaml_hint = not raw.lstrip()[:1] in (b"{", b"[")
    label = source or "the pack"
    if yaml_hint:
        import yaml

        try:
            return yaml.safe_load(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise PackError([f"{label}: the file is not UTF-8 text ({exc.reason})"], source) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise PackError([f"{label}: not valid YAML{where}: {problem}"], source) from None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise PackError([f"{label}: not valid JSON: {exc}"], source) from None


def load_pack_bytes(raw: bytes | str, *, source: str = "", builtin: bool = False) -> Provider:
    """Load a pack from JSON or YAML text (e.g. downloaded by ``apiplay add-provider URL``).

    The format follows `source`'s extension when it has one, else the text itself.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    suffix = Path(source.split("?", 1)[0]).suffix.lower() if source else ""
    hint = True if suffix in (".yaml", ".yml") else False if suffix == ".json" else None
    return load_pack_data(_parse_bytes(raw, source, hint), source=source, builtin=builtin)


def load_pack(path: str | Path, *, builtin: bool | None = None) -> Provider:
    """Load one pack file (JSON or YAML). Raises PackError (with every problem) if it cannot be used."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise PackError([f"{p}: cannot read the file ({exc.strerror or exc})"], str(p)) from None
    is_builtin = builtin if builtin is not None else p.resolve().parent == BUILTIN_DIR
    key = _pack_key(p, st, is_builtin)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    try:
        data = _parse_bytes(p.read_bytes(), str(p), p.suffix.lower() in (".yaml", ".yml"))
    except OSError as exc:
        raise PackError([f"{p}: cannot read the file ({exc.strerror or exc})"], str(p)) from None
    prov = load_pack_data(data, source=str(p), builtin=is_builtin)
    with _cache_lock:
        for k in [k for k in _cache if k[0] == key[0]]:
            del _cache[k]
        _cache[key] = prov
    return prov


def _builtin_files() -> list[Path]:
    return [BUILTIN_DIR / f"{pid}.json" for pid in BUILTIN_IDS]


def load_providers(extra_dirs: Iterable[str | Path] = (), *, disk_cache: bool = False) -> tuple[list[Provider], list[str]]:
    """The built-in providers, then every pack in `extra_dirs`. Broken packs become warnings.

    `disk_cache`: take the packs whose files did not change from the on-disk cache
    (tui.core.packcache) instead of parsing them; save_disk_cache() then writes it when needed.
    """
    providers: list[Provider] = []
    warnings: list[str] = []
    ids: dict[str, str] = {}
    keys: list[tuple] = []
    if disk_cache and not _disk["read"]:
        _read_disk_cache()

    def add(path: Path, builtin: bool) -> None:
        try:
            prov = load_pack(path, builtin=builtin)
        except PackError as exc:
            shown = exc.problems[:20]
            more = len(exc.problems) - len(shown)
            msg = f"Skipped provider pack {path}: " + "; ".join(shown)
            if more > 0:
                msg += f"; and {more} more problem{'s' if more != 1 else ''}"
            warnings.append(msg)
            return
        except Exception as exc:  # a pack must never stop start-up
            warnings.append(f"Skipped provider pack {path}: could not be loaded ({type(exc).__name__}: {exc})")
            return
        if prov.id in ids:
            warnings.append(f"Skipped provider pack {path}: its id {prov.id!r} is already used by {ids[prov.id]}")
            return
        ids[prov.id] = str(path)
        providers.append(prov)
        try:
            keys.append(_pack_key(path, path.stat(), builtin))
        except OSError:
            pass

    for f in _builtin_files():
        add(f, True)
    for d in extra_dirs:
        dp = Path(d).expanduser()
        if not dp.exists():
            continue
        if not dp.is_dir():
            warnings.append(f"Provider directory {dp} is not a directory; skipped")
            continue
        try:
            files = sorted(f for f in dp.iterdir() if f.is_file() and f.suffix.lower() in PACK_SUFFIXES)
        except OSError as exc:
            warnings.append(f"Cannot read the provider directory {dp}: {exc.strerror or exc}")
            continue
        for f in files:
            add(f, False)
    if disk_cache:
        _last_keys[:] = keys
    return providers, warnings


def builtin_provider(provider_id: str) -> Provider:
    """One built-in provider by id ("gocache", "noosfero", "trackingram")."""
    if provider_id not in BUILTIN_IDS:
        raise KeyError(f"no built-in provider {provider_id!r} (expected one of {', '.join(BUILTIN_IDS)})")
    return load_pack(BUILTIN_DIR / f"{provider_id}.json", builtin=True)
