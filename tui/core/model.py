"""The data model every part of apiplay shares.

A provider pack (an OpenAPI 3.1 JSON file with ``x-apiplay`` extensions, see
``docs/pack-format.md``) is loaded by :mod:`tui.core.packs` into these frozen
objects. The request builder, the HTTP session, the rate meter, the error
decoder, the CLI and the TUI all speak in these types and nothing else.

This module imports no Textual and does no I/O of its own (its dataclasses' methods are compiled
through :mod:`tui.core.dccache`, which may read them from the cache: a start-up cost).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from tui.core import dccache as _dccache

_end_dataclasses = _dccache.install()  # ended at the bottom of this module

#: Parameter types, as JSON Schema names them.
PARAM_TYPES = ("string", "integer", "number", "boolean", "array", "object", "file")
#: Where a parameter goes.
LOCATIONS = ("path", "query", "header", "body")
#: How an array is written in a query string or a form body.
#:  repeat   -> key=a&key=b
#:  brackets -> key[]=a&key[]=b   (the name in the catalog then usually already ends in [])
#:  indexed  -> key[0]=a&key[1]=b (GoCache's urls[n], tag[n])
#:  csv      -> key=a,b
ARRAY_STYLES = ("repeat", "brackets", "indexed", "csv")
#: How a request body is encoded.
BODY_ENCODINGS = ("form", "json", "raw")
#: Who may call an endpoint.
AUTH_LEVELS = ("none", "optional", "required", "admin")
#: How sure the catalog is that an endpoint exists as described (GoCache marks every endpoint).
EVIDENCE_LEVELS = ("documented", "seen-in-client", "inferred")


@dataclass(frozen=True)
class Param:
    """One parameter of an endpoint, as the user fills it in."""

    name: str  # the catalog's name, e.g. "per_page", "urls[]", "match[host]", "certificate.type"
    location: str  # one of LOCATIONS
    type: str = "string"  # one of PARAM_TYPES
    required: bool = False
    default: Any = None
    enum: tuple[Any, ...] = ()
    description: str = ""
    items_type: str | None = None  # element type of an array
    format: str | None = None  # e.g. "date-time", "unix-time", "email", "pem"
    minimum: float | None = None
    maximum: float | None = None
    array_style: str = "repeat"  # one of ARRAY_STYLES
    #: True for a parameter that *is* the whole body (a JSON array of smart rules, a raw file).
    whole_body: bool = False
    #: True for an object whose keys are sent as fields of their own (GoCache's "account.plan=read"),
    #: not as name[key]=value.
    spread: bool = False

    @property
    def is_secret(self) -> bool:
        return self.name.lower() in {"password", "token", "private_token", "privatekey", "tokenapi"}


@dataclass(frozen=True)
class PagingSpec:
    """How an endpoint's list pages.

    style "page":   page/per_page query params; Total, Per-Page and Link headers (Noosfero).
    style "offset": limit/skip query params; a boolean "more" field in the body (Trackingram).
    style "none":   not paged.
    """

    style: str = "none"  # "page" | "offset" | "none"
    page_param: str = "page"
    size_param: str = "per_page"  # "per_page" (page style) or "limit" (offset style)
    offset_param: str = "skip"
    first_page: int = 1
    default_size: int | None = None
    max_size: int | None = None  # None: no cap
    total_header: str | None = "Total"
    size_header: str | None = "Per-Page"
    link_header: str | None = "Link"
    more_field: str | None = None  # e.g. "has_more"
    items_field: str | None = None  # e.g. "data"; None: the body itself is the list

    @property
    def paged(self) -> bool:
        return self.style != "none"


@dataclass(frozen=True)
class Endpoint:
    method: str  # upper case
    path: str  # template relative to the base URL, e.g. "/communities/{id}"
    summary: str = ""
    description: str = ""
    tag: str = "other"  # the resource group
    operation_id: str = ""
    params: tuple[Param, ...] = ()
    body_encoding: str | None = None  # one of BODY_ENCODINGS, None when there is no body
    auth: str = "required"  # one of AUTH_LEVELS
    evidence: str | None = None  # one of EVIDENCE_LEVELS, or None when the pack does not say
    paging: PagingSpec = field(default_factory=PagingSpec)
    statuses: Mapping[str, str] = field(default_factory=dict)  # "201" -> what it means here
    success_status: int | None = None
    example_response: Any = None
    notes: str = ""

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def path_regex(self) -> re.Pattern[str]:
        """A regex that matches a concrete path for this template (one segment per placeholder)."""
        parts = re.split(r"(\{[^}/]+\})", self.path)
        rx = "".join(
            f"(?P<{_group(p[1:-1])}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts
        )
        return re.compile(rf"^{rx}/?$")


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


@dataclass(frozen=True)
class CredentialField:
    name: str  # "token", "email", "login", "password"
    label: str  # shown in the credentials dialog
    secret: bool = False
    env: str | None = None  # environment variable, e.g. APIPLAY_GOCACHE_TOKEN
    description: str = ""


@dataclass(frozen=True)
class AuthPlacement:
    """One way of sending the credentials.

    location "header": header `name` = prefix + credentials[field]
    location "query":  query param `name` = credentials[field]
    location "basic":  HTTP Basic with credentials[field] as user and credentials[password_field]
    """

    location: str  # "header" | "query" | "basic"
    name: str = ""
    field: str = "token"
    password_field: str | None = None
    prefix: str = ""


@dataclass(frozen=True)
class LoginSpec:
    """A login flow that turns a login and password into a token (Noosfero)."""

    method: str  # "POST"
    path: str  # "/login"
    fields: Mapping[str, str]  # request param name -> credential field name, e.g. {"login": "login"}
    token_pointer: str  # JSON pointer into the answer, e.g. "/private_token"
    stores: str = "token"  # the credential field the token is kept in


@dataclass(frozen=True)
class SandboxAccount:
    label: str  # "Read-only token (every write answers 403)"
    values: Mapping[str, str]  # credential field -> value
    note: str = ""


@dataclass(frozen=True)
class AuthSpec:
    credentials: tuple[CredentialField, ...] = ()
    #: Alternatives; the first is the default. Noosfero: PRIVATE-TOKEN header, or private_token query.
    placements: tuple[AuthPlacement, ...] = ()
    login: LoginSpec | None = None
    sandbox_default: Mapping[str, str] = field(default_factory=dict)
    sandbox_accounts: tuple[SandboxAccount, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class RateLimitSpec:
    limit: int | None = None  # requests per window; None: no known limit
    window_s: float = 60.0
    scope: str = "credential"  # "credential" | "client"
    #: Refuse (client side) to send the request that would cross the limit unless forced.
    guard: bool = False
    #: After a hit, how long the server blocks the caller (GoCache: 60 s), when the answer does not say.
    block_s: float | None = None
    count_field: str | None = None  # body field with the server's count (Trackingram: count_api)
    reset_field: str | None = None  # body field with seconds until the count resets (reset_count_api)
    hit_status: int | None = None  # status of a rate-limit answer (400 Trackingram, 403 GoCache sandbox)
    #: Regex on the decoded error message that marks a rate-limit answer; group 1, if any, is seconds to wait.
    hit_pattern: str | None = None
    #: Read the standard RateLimit-*, X-RateLimit-* and Retry-After headers.
    standard_headers: bool = True
    description: str = ""


@dataclass(frozen=True)
class ErrorMeaning:
    pattern: str  # regex matched (fullmatch, case-insensitive) against the provider's message
    meaning: str  # plain English
    hint: str = ""  # what to do about it


@dataclass(frozen=True)
class ErrorSpec:
    #: Where the provider's own message sits, tried in order; dotted paths are allowed ("error.message").
    message_fields: tuple[str, ...] = ("error", "message", "msg")
    #: Field holding a Rails-style model error map (Noosfero 422 "errors").
    errors_map_field: str | None = None
    #: HTTP status -> documented meaning ("401" -> "No token was sent"); "5XX"-style keys allowed.
    statuses: Mapping[str, str] = field(default_factory=dict)
    messages: tuple[ErrorMeaning, ...] = ()


@dataclass(frozen=True)
class Variable:
    default: str
    enum: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class TargetSpec:
    live_url: str  # template, e.g. "https://{instance}/api/v1"
    sandbox_path: str  # template, e.g. "/noosfero/api/v1"
    variables: Mapping[str, Variable] = field(default_factory=dict)

    def resolve(self, template: str, values: Mapping[str, str] | None = None) -> str:
        vals = {k: v.default for k, v in self.variables.items()}
        vals.update(values or {})
        out = re.sub(r"\{(\w+)\}", lambda m: str(vals.get(m.group(1), "")), template)
        return out.rstrip("/")


@dataclass(frozen=True)
class Provider:
    id: str  # "noosfero"
    name: str  # "Noosfero"
    description: str = ""
    version: str = ""
    targets: TargetSpec = field(default_factory=lambda: TargetSpec("", ""))
    auth: AuthSpec = field(default_factory=AuthSpec)
    rate_limit: RateLimitSpec = field(default_factory=RateLimitSpec)
    errors: ErrorSpec = field(default_factory=ErrorSpec)
    endpoints: tuple[Endpoint, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)  # tag -> description
    docs: str = ""  # extra Markdown for the docs pane (intro, quirks)
    #: The envelope's data field when every answer is wrapped (Trackingram: "data").
    envelope_data_field: str | None = None
    source: str = ""  # the file it was loaded from
    builtin: bool = True

    def base_url(
        self,
        target: str = "sandbox",
        *,
        sandbox_origin: str = "",
        variables: Mapping[str, str] | None = None,
        override: str | None = None,
    ) -> str:
        """The base URL for a target. `override` (APIPLAY_<ID>_URL, settings) wins for live."""
        if target == "live":
            if override:
                return override.rstrip("/")
            return self.targets.resolve(self.targets.live_url, variables)
        return sandbox_origin.rstrip("/") + self.targets.resolve(self.targets.sandbox_path, variables)

    def endpoint(self, method: str, path: str) -> Endpoint | None:
        """Find an endpoint by its template ("/communities/{id}") or a concrete path ("/communities/5").

        An exact template match wins; otherwise the template with the most literal characters that
        matches the concrete path.
        """
        method = method.upper()
        path = "/" + path.strip("/") if path.strip("/") else "/"
        best: tuple[int, Endpoint] | None = None
        for ep in self.endpoints:
            if ep.method != method:
                continue
            if ep.path.rstrip("/") == path.rstrip("/"):
                return ep
        for ep in self.endpoints:
            if ep.method != method:
                continue
            if ep.path_regex().match(path):
                literal = len(re.sub(r"\{[^}]+\}", "", ep.path))
                if best is None or literal > best[0]:
                    best = (literal, ep)
        return best[1] if best else None

    def path_values(self, endpoint: Endpoint, concrete_path: str) -> dict[str, str]:
        """Values of the placeholders of `endpoint` read from a concrete path (percent-decoded)."""
        from urllib.parse import unquote

        m = endpoint.path_regex().match("/" + concrete_path.strip("/"))
        if not m:
            return {}
        names = re.findall(r"\{([^}/]+)\}", endpoint.path)
        return {n: unquote(m.group(_group(n))) for n in names}


# --------------------------------------------------------------------------------------------------
# Exchanges


@dataclass(frozen=True)
class PreparedRequest:
    """A request ready to send: everything the HTTP layer, history and export need."""

    provider_id: str
    endpoint_key: str  # "GET /communities/{id}"
    method: str
    url: str  # full URL with the query string, auth query params included
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    content_type: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)  # the user's values, typed
    #: Secret strings (tokens, passwords) that must be masked anywhere this request is shown or stored.
    secrets: frozenset[str] = frozenset()
    #: HTTP Basic credentials, kept apart so they are never part of `headers` shown to users.
    basic_auth: tuple[str, str] | None = None


@dataclass
class Exchange:
    """What came back (or what went wrong) for one PreparedRequest."""

    request: PreparedRequest
    status: int | None = None  # None when no answer arrived
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    elapsed_s: float = 0.0
    size: int = 0  # bytes received (may exceed len(body) when truncated)
    truncated: bool = False  # the body was cut at the cap
    error: str | None = None  # network error / timeout, in plain English
    error_kind: str | None = None  # "timeout" | "connect" | "tls" | "protocol" | "cancelled" | "too_large"
    started_at: float = 0.0  # wall clock (time.time())

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None


@dataclass(frozen=True)
class FieldError:
    field: str  # parameter name, or "" for the request as a whole
    message: str  # plain English, names what was expected


class ValidationError(ValueError):
    """The user's values do not fit the endpoint. Nothing was sent."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in errors))


_end_dataclasses()
