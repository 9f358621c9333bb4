"""Small HTTP primitives shared by the three simulators: request, response, router, body parsing.

Nothing here knows about a provider. The server turns a raw request into a :class:`Request`, a
provider app answers with a :class:`Response`, and the server writes it out in one piece.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, quote, urlencode


def _std_dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"),
                      default=lambda o: o.isoformat() if hasattr(o, "isoformat") else str(o)).encode()


try:  # orjson is a project dependency; the fallback keeps the module importable anywhere
    import orjson

    def dumps(obj: Any) -> bytes:
        try:
            return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits taken from a request and
            return _std_dumps(obj)  # echoed back: JSON allows it, orjson does not (it was a 500)

except ImportError:  # pragma: no cover
    dumps = _std_dumps


JSON = "application/json; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = JSON


def json_response(status: int, obj: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response(status, dumps(obj), list(headers))


class Request:
    """One request, as a provider app sees it.

    `path` is relative to the provider's prefix ("/communities/5"). `params` merges the query string
    and the body (form or JSON), as Grape and the GoCache backend do; `form` is the body alone.
    """

    def __init__(
        self,
        method: str,
        path: str,
        query: str,
        headers: Any,
        body: bytes,
        *,
        url: str = "",
    ) -> None:
        self.method = method.upper()
        self.path = path
        self.query_string = query
        self.query_pairs: list[tuple[str, str]] = parse_qsl(query, keep_blank_values=True)
        self.headers = headers  # case-insensitive mapping (email.message.Message)
        self.body = body
        self.url = url  # the full URL the client used, without the query string
        self._body_pairs: list[tuple[str, str]] | None = None
        self._json: Any = _UNSET
        self._params: dict[str, Any] | None = None
        self.path_args: dict[str, str] = {}

    # ---- headers
    def header(self, name: str, default: str | None = None) -> str | None:
        value = self.headers.get(name)
        return default if value is None else value

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    # ---- body
    @property
    def json(self) -> Any:
        """The body decoded as JSON, or None when it is not JSON."""
        if self._json is _UNSET:
            self._json = None
            raw = self.body.strip()
            if raw and (self.content_type.endswith("json") or raw[:1] in (b"{", b"[")):
                try:
                    import json

                    self._json = json.loads(raw)
                except ValueError:
                    self._json = None
        return self._json

    @property
    def body_pairs(self) -> list[tuple[str, str]]:
        """The body as form pairs (empty when the body is JSON or empty)."""
        if self._body_pairs is None:
            self._body_pairs = []
            if self.body and self.json is None and "multipart" not in self.content_type:
                try:
                    text = self.body.decode("utf-8")
                except UnicodeDecodeError:
                    text = self.body.decode("latin-1")
                self._body_pairs = parse_qsl(text, keep_blank_values=True)
        return self._body_pairs

    def form(self) -> dict[str, Any]:
        """The body as a nested dict: form bracket keys are expanded, JSON objects kept."""
        data = self.json
        if isinstance(data, dict):
            return data
        return nest(self.body_pairs)

    def params(self) -> dict[str, Any]:
        """Query string + body + path arguments, nested (body wins over query, path wins over both).

        A fresh (shallow) dict each call, so callers may pop from it."""
        if self._params is None:
            merged = nest(self.query_pairs)
            body = self.form()
            if isinstance(body, dict):
                merged.update(body)
            self._params = merged
        out = dict(self._params)
        out.update(self.path_args)
        return out

    def query(self, name: str, default: str | None = None) -> str | None:
        for k, v in reversed(self.query_pairs):
            if k == name:
                return v
        return default


_UNSET = object()
_KEY_RX = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def nest(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Expand Rails/PHP-style form keys into nested values.

    ``urls[1]=a&urls[2]=b`` -> ``{"urls": {"1": "a", "2": "b"}}``; ``urls[]=a&urls[]=b`` ->
    ``{"urls": ["a", "b"]}``; ``match[host]=x`` -> ``{"match": {"host": "x"}}``; a repeated plain
    key (``match[request_method]=GET&match[request_method]=POST``) becomes a list.
    """
    out: dict[str, Any] = {}
    for key, value in pairs:
        m = _KEY_RX.match(key)
        if not m:
            _put(out, key, value)
            continue
        parts = [m.group(1)] + re.findall(r"\[([^\[\]]*)\]", m.group(2) or "")
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_list = not last and parts[i + 1] == ""
            if part == "":
                if not isinstance(node, list):
                    break
                if last:
                    node.append(value)
                else:
                    child: Any = {}
                    node.append(child)
                    node = child
                continue
            if not isinstance(node, dict):
                break
            if last:
                _put(node, part, value)
            else:
                existing = node.get(part)
                if nxt_is_list:
                    if not isinstance(existing, list):
                        existing = [] if existing is None else [existing]
                        node[part] = existing
                elif not isinstance(existing, dict):
                    existing = {} if existing is None else {"": existing}
                    node[part] = existing
                node = existing
    return out


def _put(node: dict, key: str, value: Any) -> None:
    if key in node:
        cur = node[key]
        node[key] = (cur if isinstance(cur, list) else [cur]) + [value]
    else:
        node[key] = value


def as_list(value: Any) -> list[Any]:
    """A form value that may be a scalar, a list or an index dict ({"1": a, "2": b}) -> list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        def order(k: str) -> tuple[int, Any]:
            return (0, int(k)) if k.isdecimal() else (1, k)

        return [value[k] for k in sorted(value, key=order)]
    return [value]


def add_query(url: str, params: Iterable[tuple[str, str]]) -> str:
    qs = urlencode(list(params), quote_via=quote)
    return f"{url}?{qs}" if qs else url


# --------------------------------------------------------------------------------------------------
# Routing


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)

Handler = Callable[[Request], Response]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    regex: re.Pattern[str]
    literal: int


class Router:
    """Method + path template ("/communities/{id}") -> handler. Finds 405s (known path, wrong method)."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._keys: set[str] = set()
        self._by_first: dict[str, list[Route]] | None = None

    def add(self, method: str, template: str, handler: Handler) -> None:
        key = f"{method.upper()} {template.rstrip('/') or '/'}"
        if key in self._keys:
            return
        self._keys.add(key)
        parts = re.split(r"(\{[^}/]+\})", template.rstrip("/") or "/")
        # "{name}" matches one path segment; "{name*}" the rest of the path (Grape's *glob)
        rx = "".join(
            (f"(?P<{_group(p[1:-2])}>.+)" if p.endswith("*}") else f"(?P<{_group(p[1:-1])}>[^/]+)")
            if p.startswith("{") else re.escape(p) for p in parts
        )
        literal = len(re.sub(r"\{[^}]+\}", "", template))
        self.routes.append(Route(method.upper(), template, handler, re.compile(rf"^{rx}/?$"), literal))
        # Most literal characters first, so /articles/voted_by_me wins over /articles/{id}.
        self.routes.sort(key=lambda r: -r.literal)
        self._by_first = None

    def has(self, method: str, template: str) -> bool:
        return f"{method.upper()} {template.rstrip('/') or '/'}" in self._keys

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.add(method, template, fn)
            return fn

        return deco

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], list[str]]:
        """(route, path args, allowed methods when the path is known but the method is not)."""
        from urllib.parse import unquote

        allowed: list[str] = []
        method = method.upper()
        if self._by_first is None:  # routes bucketed by their first path segment
            buckets: dict[str, list[Route]] = {}
            wild = [r for r in self.routes if r.template.split("/")[1:2] == [] or r.template.split("/")[1].startswith("{")]
            for r in self.routes:
                first = r.template.split("/")[1] if r.template.count("/") else ""
                if not first.startswith("{"):
                    buckets.setdefault(first, [])
            for key in buckets:
                buckets[key] = [r for r in self.routes if r in wild or r.template.split("/")[1] == key]
            buckets["\0"] = wild
            self._by_first = buckets
        first = path.split("/")[1] if path.count("/") else ""
        for r in self._by_first.get(first, self._by_first["\0"]):
            m = r.regex.match(path)
            if not m:
                continue
            if r.method == method or (method == "HEAD" and r.method == "GET"):
                return r, {k: unquote(v) for k, v in m.groupdict().items()}, []
            if r.method not in allowed:
                allowed.append(r.method)
        return None, {}, allowed
