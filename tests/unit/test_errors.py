"""Decoding bodies and explaining every documented status and message of the three packs."""

from __future__ import annotations

import pytest

from tui.core.errors import decode_json, explain, flatten_field_errors
from tui.core.model import (
    Endpoint, ErrorMeaning, ErrorSpec, Exchange, PreparedRequest, Provider, RateLimitSpec,
)
from tui.core.packs import builtin_provider


def ex(status, body=b"", headers=(), error=None, kind=None) -> Exchange:
    req = PreparedRequest("p", "GET /x", "GET", "http://127.0.0.1/x")
    return Exchange(req, status=status, body=body, headers=tuple(headers), error=error, error_kind=kind)


# ---- decode_json ---------------------------------------------------------------------------------

def test_decode_ok():
    assert decode_json(b'{"a": [1, 2]}') == ({"a": [1, 2]}, None)
    assert decode_json(b"[]") == ([], None)


@pytest.mark.parametrize("body,words", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"<!DOCTYPE html><html><body>502</body></html>", "HTML, not JSON (an error page?)"),
    (b"\n <html><head></head></html>", "HTML, not JSON"),
    (b'{"a": [1, 2', "stops before the JSON is complete"),
    (b"\xff\xfe\x00\x01binary", "not text"),
    (b"hello world", "not JSON"),
    (b'{"a": 1} trailing', "not JSON"),
])
def test_decode_problems(body, words):
    data, problem = decode_json(body)
    assert data is None and words in problem


def test_decode_deep_nesting_falls_back():
    deep = b"[" * 3000 + b"1" + b"]" * 3000
    data, problem = decode_json(deep)
    assert problem is None
    depth = 0
    while isinstance(data, list):
        data, depth = data[0], depth + 1
    assert depth == 3000 and data == 1


def test_decode_sandbox_nesting_10000():
    data, problem = decode_json(b"[" * 10_000 + b'"bottom"' + b"]" * 10_000)
    assert problem is None and isinstance(data, list)


def test_decode_absurd_nesting_reported():
    data, problem = decode_json(b"[" * 200_000 + b"]" * 200_000)
    assert data is None and "nested too deeply" in problem


# ---- generic -----------------------------------------------------------------------------------------

def test_success_has_no_explanation():
    p = builtin_provider("gocache")
    assert explain(p, None, ex(200), {"msg": "Success"}) is None
    assert explain(p, None, ex(202), {"response": {"urls_accepted": ["/a"]}}) is None


def test_network_error_explained():
    p = builtin_provider("gocache")
    e = explain(p, None, ex(None, error="nothing is listening at 127.0.0.1:9 (connection refused)", kind="connect"), None)
    assert e.status is None and "connection refused" in e.provider_message and e.title == "Network error: connect"
    assert "base URL" in e.hint
    assert "connection refused" in e.text()


def test_message_field_order_and_dotted_and_status_wildcards():
    prov = Provider("x", "X", errors=ErrorSpec(
        message_fields=("error.message", "msg"), statuses={"5XX": "their fault", "404": "gone"},
        messages=(ErrorMeaning("Thing \\d+ missing", "no such thing", "check the id"),),
    ))
    e = explain(prov, None, ex(404), {"error": {"message": "Thing 7 missing"}, "msg": "other"})
    assert e.provider_message == "Thing 7 missing" and e.meaning == "gone"
    assert e.message_meaning == "no such thing" and e.hint == "check the id"
    assert explain(prov, None, ex(503), {"msg": "down"}).meaning == "their fault"
    ep = Endpoint("GET", "/x", statuses={"404": "this endpoint's own meaning"})
    assert explain(prov, ep, ex(404), {}).meaning == "this endpoint's own meaning"


def test_html_error_page_has_no_fake_message():
    p = builtin_provider("noosfero")
    e = explain(p, None, ex(502, b"<html>Bad gateway</html>"), None)
    assert e.status == 502 and e.provider_message is None and e.meaning


def test_rate_limit_429_with_retry_after():
    prov = Provider("x", "X", rate_limit=RateLimitSpec(limit=10))
    e = explain(prov, None, ex(429, b"{}", [("Retry-After", "7")]), {})
    assert e.rate_limited and e.wait_s == 7


# ---- GoCache (G3, G4, G5) ------------------------------------------------------------------------------

GOCACHE_STATUSES = ["400", "401", "403", "404", "409", "428", "500", "502"]


@pytest.mark.parametrize("status", GOCACHE_STATUSES)
def test_gocache_every_documented_status(status):
    p = builtin_provider("gocache")
    e = explain(p, None, ex(int(status)), {"error": "x"})
    key = status if status in p.errors.statuses else "5XX"
    assert e.meaning == p.errors.statuses[key]
    assert e.provider_message == "x" and e.status == int(status)


def test_gocache_parameter_required():
    p = builtin_provider("gocache")
    e = explain(p, None, ex(400), {"error": "Parameter email is required"})
    assert e.provider_message == "Parameter email is required"
    assert e.message_meaning == "A required parameter was not sent." and e.hint


def test_gocache_urls_wrong_format():
    p = builtin_provider("gocache")
    e = explain(p, None, ex(400), {"response": {"urls_wrong_format": ["/imagem.jpg", "/b.css"]}})
    assert e.provider_message == "urls_wrong_format: /imagem.jpg, /b.css"
    assert "invalid" in e.meaning


def test_gocache_block_is_a_rate_limit_hit():
    p = builtin_provider("gocache")
    msg = "Too many requests: this token is blocked for 42 s"
    e = explain(p, None, ex(403), {"error": msg})
    assert e.rate_limited and e.wait_s == 42
    assert "100 requests" in e.message_meaning


def test_gocache_invalid_token_message():
    p = builtin_provider("gocache")
    e = explain(p, None, ex(403), {"error": "Token invalid"})
    assert e.message_meaning == "The API token is not valid." and not e.rate_limited


# ---- Noosfero (N3, N6, 422 map) --------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["400", "401", "403", "404", "405", "409", "412", "422", "500"])
def test_noosfero_every_documented_status(status):
    p = builtin_provider("noosfero")
    e = explain(p, None, ex(int(status)), {"success": False, "message": "m", "code": int(status)})
    assert e.meaning == p.errors.statuses[status] and e.provider_message == "m"


@pytest.mark.parametrize("message,meaning_part", [
    ("Unauthorized", "token"),
    ('The user "ana" is not activated! Please check your e-mail', "never activated"),
    ("403 Forbidden", "may not"),
    ("404 Not found", "no resource"),
    ("Couldn't find Category with 'id'=9", "does not exist"),
    ("email is missing, login is missing", "required parameter"),
    ("(Invalid request) login not given", "required value"),
    ("Method Not Allowed", "does not accept"),
])
def test_noosfero_messages(message, meaning_part):
    p = builtin_provider("noosfero")
    e = explain(p, None, ex(400), {"message": message})
    assert e.message_meaning and meaning_part.lower() in e.message_meaning.lower()


def test_noosfero_grape_error_field():
    p = builtin_provider("noosfero")
    e = explain(p, None, ex(405), {"error": "405 Not Allowed"})
    assert e.provider_message == "405 Not Allowed"


def test_noosfero_422_errors_map_flattened():
    p = builtin_provider("noosfero")
    body = {"errors": {"name": [{"error": "blank", "full_message": "Name can't be blank"}],
                       "identifier": [{"error": "taken", "full_message": "Identifier is already taken"}]}}
    e = explain(p, None, ex(422), body)
    assert e.field_errors == ("name: Name can't be blank", "identifier: Identifier is already taken")
    assert "name: Name can't be blank" in e.text()


def test_flatten_variants():
    assert flatten_field_errors({"a": ["is bad"], "b": "worse"}) == ("a: is bad", "b: worse")
    assert flatten_field_errors(None) == ()


# ---- Trackingram (T5, T6) --------------------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "AUTHENTICATION REQUIRED", "AUTHENTICATION INCORRECT", "API NOT ENABLE", "USER NOT ENABLE", "GENERIC ERROR",
])
def test_trackingram_messages(message):
    p = builtin_provider("trackingram")
    e = explain(p, None, ex(400), {"code": 400, "message": message})
    documented = next(m for m in p.errors.messages if m.pattern == message)
    assert e.status == 400 and e.provider_message == message
    assert e.message_meaning == documented.meaning and e.hint == documented.hint
    assert not e.rate_limited


def test_trackingram_flood_wait():
    p = builtin_provider("trackingram")
    e = explain(p, None, ex(400), {"code": 400, "message": "FLOOD_WAIT_12"})
    assert e.rate_limited and e.wait_s == 12
    assert e.message_meaning == "More than 120 requests in a minute."


def test_trackingram_message_in_envelope_data():
    p = builtin_provider("trackingram")
    e = explain(p, None, ex(400), {"object": "error", "data": "AUTHENTICATION INCORRECT", "has_more": False})
    assert e.provider_message == "AUTHENTICATION INCORRECT"


def test_success_status_with_failure_body():
    p = builtin_provider("noosfero")
    e = explain(p, None, ex(200), {"success": False, "code": 289, "message": "ALREADY_FOLLOW"})
    assert e is not None and e.status == 200 and e.provider_message == "ALREADY_FOLLOW" and e.meaning is None
