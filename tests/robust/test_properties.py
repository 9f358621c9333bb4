"""Property-based tests (Hypothesis).

* Request building: arbitrary values (text or typed) for arbitrary parameter names of every
  endpoint of every built-in pack either raise ValidationError (and nothing else) or give a URL
  whose path has exactly the template's literal segments, one encoded segment per placeholder.
* The JSON viewer: `prepare` + `tokenize_line` never raise on arbitrary JSON (or arbitrary bytes),
  the tokens re-join to the line, and the pretty lines re-parse to the same value.
"""

from __future__ import annotations

import json
import math
import os
from urllib.parse import unquote, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.jsonview import prepare, prepare_raw, tokenize_line
from tui.core.model import PreparedRequest, ValidationError
from tui.core.packs import load_providers
from tui.core.request import build_request, coerce_value

EXAMPLES = int(os.environ.get("APIPLAY_PROPERTY_EXAMPLES", "200"))
PROVIDERS = load_providers()[0]
ENDPOINTS = [(p, ep) for p in PROVIDERS for ep in p.endpoints]
BASE = "http://127.0.0.1:9/base/v1"
CREDS = {"token": "tok", "email": "e@x", "login": "l", "password": "p"}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", " ", "/", "..", ".", "a/b", "../x", "%2F", "?#&=", "ünï", "\x00", "\u202e", "1", "-1",
                     "true", "[1,2]", '{"a":1}', "1e400", "nan", "99999999999999999999", "0x10"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                      max_leaves=8)


def _fitting(param) -> st.SearchStrategy:
    """Values of the right type (often valid), as Python values or as the text a user would type."""
    if param.enum:
        base = st.sampled_from(list(param.enum))
    elif param.type == "integer":
        lo = int(param.minimum) if param.minimum is not None else -(2**40)
        hi = int(param.maximum) if param.maximum is not None else 2**40
        base = st.integers(min_value=max(lo, 1) if param.location == "query" else lo, max_value=hi)
    elif param.type == "number":
        base = st.floats(allow_nan=False, allow_infinity=False, min_value=param.minimum, max_value=param.maximum)
    elif param.type == "boolean":
        base = st.booleans()
    elif param.type == "array":
        item = _fitting(type(param)(param.name, "query", param.items_type or "string", enum=param.enum))
        return st.lists(item, max_size=4)
    elif param.type == "object":
        return st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=8), max_size=3)
    else:  # string, file: hostile text, the point of the test
        return st.text(min_size=1, max_size=20) | st.sampled_from(["..", ".", "a/b", "../x", "x y", "ünï", "?#", "%2F"])
    return base | base.map(lambda v: json.dumps(v) if not isinstance(v, str) else v)


@st.composite
def endpoint_and_values(draw):
    provider, ep = draw(st.sampled_from(ENDPOINTS))
    vals = {}
    for p in ep.params:
        must = p.required or p.location == "path"
        if draw(st.integers(0, 9)) < (8 if must else 2):
            vals[p.name] = draw(_fitting(p) if draw(st.integers(0, 9)) < 8 else values)
    if draw(st.integers(0, 9)) == 0:  # now and then an unknown name
        vals[draw(st.text(min_size=1, max_size=10))] = draw(values)
    return provider, ep, vals


def _literal_segments(template: str) -> list[str | None]:
    return [None if seg.startswith("{") and seg.endswith("}") else seg for seg in template.split("/")]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(endpoint_and_values(), st.integers(0, 1))
def test_build_request_keeps_the_template_path_or_raises_validation_error(case, placement):
    provider, ep, vals = case
    placement = min(placement, max(len(provider.auth.placements) - 1, 0))
    try:
        prepared = build_request(provider, ep, vals, base_url=BASE, credentials=CREDS, placement=placement)
    except ValidationError as exc:
        assert exc.errors and all(isinstance(e.message, str) and e.message for e in exc.errors)
        return
    assert isinstance(prepared, PreparedRequest)
    url = prepared.url
    assert url.isascii() and " " not in url and "#" not in url, url
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "127.0.0.1:9"
    path = parts.path
    assert path.startswith("/base/v1/")
    got = path[len("/base/v1"):].split("/")
    want = _literal_segments(ep.path)
    assert len(got) == len(want), (ep.path, path)
    for g, w in zip(got, want):
        if w is None:
            assert g not in ("", ".", "..") and unquote(g) != "", (ep.path, path)
        else:
            assert g == w, (ep.path, path)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from([p for _, ep in ENDPOINTS for p in ep.params]), st.text(max_size=40))
def test_coerce_value_raises_only_value_error(param, text):
    try:
        coerce_value(param, text)
    except ValueError as exc:
        assert str(exc)


# -------------------------------------------------------------------------------------------------
# The JSON viewer

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=40,
)


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and (a == b or math.isclose(a, b))
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(json_values, st.booleans())
def test_viewer_prepare_and_tokenize_never_raise_and_lines_reparse(value, ascii_only):
    body = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")
    doc = prepare(body, content_type="application/json")
    assert doc.is_json, (doc.kind, doc.problem)
    lines = [doc.line(i) for i in range(doc.line_count)]
    for line in lines:
        tokens = tokenize_line(line)
        assert "".join(t for _, t in tokens) == line
        assert not any(ord(c) < 32 for c in line), line  # nothing a terminal would act on
    assert _same(json.loads("\n".join(lines)), value)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
       st.sampled_from([None, "application/json", "text/html", "application/octet-stream", "image/png"]),
       st.booleans())
def test_viewer_never_raises_on_arbitrary_bytes(body, content_type, truncated):
    for doc in (prepare(body, content_type=content_type, truncated=truncated), prepare_raw(body, content_type=content_type)):
        for i in range(min(doc.line_count, 200)):
            line = doc.line(i)
            assert "".join(t for _, t in tokenize_line(line)) == line
            assert "\x1b" not in line and "\x07" not in line
