"""Request building: coercion, validation, path safety, query and body encodings, auth."""

from __future__ import annotations

import httpx
import orjson
import pytest
from urllib.parse import parse_qsl, urlsplit

from tui.core.model import (
    AuthPlacement, AuthSpec, CredentialField, Endpoint, FieldError, PagingSpec, Param, Provider,
    ValidationError,
)
from tui.core.request import (
    build_request, coerce_value, encode_path_value, parse_cli_items, validate_values,
)

BASE = "http://127.0.0.1:9/api/v1"


def prov(*placements: AuthPlacement, creds=()) -> Provider:
    return Provider("p", "P", auth=AuthSpec(credentials=creds, placements=tuple(placements)))


TOKEN_HEADER = AuthPlacement("header", "PRIVATE-TOKEN", "token")
TOKEN_QUERY = AuthPlacement("query", "private_token", "token")
BASIC = AuthPlacement("basic", field="email", password_field="token")

LIST = Endpoint(
    "GET", "/communities",
    params=(
        Param("page", "query", "integer"), Param("per_page", "query", "integer", default=20),
        Param("order", "query", "string", enum=("name ASC", "name DESC")),
        Param("ids", "query", "array", items_type="integer"),
        Param("flag", "query", "boolean"), Param("ratio", "query", "number", minimum=0, maximum=1),
    ),
    paging=PagingSpec("page", max_size=50, default_size=20),
)
ONE = Endpoint("GET", "/communities/{id}", params=(Param("id", "path", "string", required=True),))
TRACK = Endpoint(
    "GET", "/trackerGps", params=(Param("limit", "query", "integer"), Param("skip", "query", "integer")),
    paging=PagingSpec("offset", size_param="limit", offset_param="skip", more_field="has_more", items_field="data"),
)


# ---- coerce_value -----------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [("5", 5), (" 42 ", 42), ("-3", -3), ("7.0", 7)])
def test_integer_coercion(text, expected):
    assert coerce_value(Param("n", "query", "integer"), text) == expected


@pytest.mark.parametrize("text", ["abc", "5.5", "", "1e400", "nan"])
def test_integer_rejects(text):
    with pytest.raises(ValueError, match="expected a whole number"):
        coerce_value(Param("n", "query", "integer"), text)


def test_number_and_limits():
    p = Param("r", "query", "number", minimum=0, maximum=1)
    assert coerce_value(p, "0.25") == 0.25
    with pytest.raises(ValueError, match="at most 1"):
        coerce_value(p, "1.5")
    with pytest.raises(ValueError, match="at least 0"):
        coerce_value(p, "-1")
    with pytest.raises(ValueError, match="expected a number"):
        coerce_value(p, "x")
    with pytest.raises(ValueError, match="finite"):
        coerce_value(p, "inf")


@pytest.mark.parametrize("text,expected", [
    ("true", True), ("FALSE", False), ("1", True), ("0", False), ("yes", True), ("no", False),
    ("on", True), ("off", False),
])
def test_boolean_coercion(text, expected):
    assert coerce_value(Param("b", "query", "boolean"), text) is expected


def test_boolean_rejects():
    with pytest.raises(ValueError, match="true or false"):
        coerce_value(Param("b", "query", "boolean"), "maybe")


def test_array_comma_and_json_items_coerced():
    p = Param("ids", "query", "array", items_type="integer")
    assert coerce_value(p, "1, 2,3") == [1, 2, 3]
    assert coerce_value(p, "[4, 5]") == [4, 5]
    with pytest.raises(ValueError, match="whole number"):
        coerce_value(p, "1,x")
    with pytest.raises(ValueError, match="whole number"):
        coerce_value(p, '["a"]')
    assert coerce_value(Param("s", "query", "array"), "a,b") == ["a", "b"]


def test_object_coercion():
    p = Param("o", "body", "object")
    assert coerce_value(p, '{"name": "x"}') == {"name": "x"}
    with pytest.raises(ValueError, match="JSON object"):
        coerce_value(p, "[1]")
    with pytest.raises(ValueError, match="JSON object"):
        coerce_value(p, "{bad")


def test_enum_and_path_empty():
    p = Param("order", "query", "string", enum=("asc", "desc"))
    assert coerce_value(p, "asc") == "asc"
    with pytest.raises(ValueError, match="one of asc, desc"):
        coerce_value(p, "up")
    with pytest.raises(ValueError, match="may not be empty"):
        coerce_value(Param("id", "path"), "  ")
    assert coerce_value(Param("q", "query"), "  spaced ") == "  spaced "


# ---- validate_values ---------------------------------------------------------------------------

def fields(errors: list[FieldError]) -> dict[str, str]:
    return {e.field: e.message for e in errors}


def test_validate_reports_every_problem():
    errs = fields(validate_values(LIST, {
        "nope": 1, "page": "abc", "order": "up", "flag": 3, "ratio": 2.0, "ids": [1, "x"],
    }))
    assert set(errs) == {"nope", "page", "order", "flag", "ratio", "ids"}
    assert "not a parameter of GET /communities" in errs["nope"] and "per_page" in errs["nope"]
    assert "whole number" in errs["page"]
    assert "true or false" in errs["flag"]


def test_validate_typed_values_ok_and_missing_required():
    assert validate_values(LIST, {"page": 2, "per_page": 50, "flag": False, "ids": [1, 2], "ratio": 1}) == []
    assert fields(validate_values(ONE, {})) == {"id": "a value is required (text)"}
    assert "may not be empty" in fields(validate_values(ONE, {"id": ""}))["id"]


def test_page_size_cap_names_the_cap():
    errs = validate_values(LIST, {"per_page": 51})
    assert errs == [FieldError("per_page", "at most 50 for this endpoint")]
    assert str(ValidationError(errs)) == "per_page: at most 50 for this endpoint"
    assert validate_values(LIST, {"per_page": 50}) == []


@pytest.mark.parametrize("values,field", [
    ({"page": 0}, "page"), ({"page": 10**9 + 1}, "page"), ({"per_page": 0}, "per_page"),
])
def test_absurd_pages(values, field):
    assert field in fields(validate_values(LIST, values))


def test_absurd_offsets_and_implicit_paging_params():
    assert "skip" in fields(validate_values(TRACK, {"skip": -1}))
    assert "skip" in fields(validate_values(TRACK, {"skip": 10**9 + 1}))
    assert validate_values(TRACK, {"skip": 50, "limit": 50}) == []
    undeclared = Endpoint("GET", "/x", paging=PagingSpec("page"))
    assert validate_values(undeclared, {"page": "2", "per_page": "10"}) == []


# ---- build_request: path --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["a/b", "..", ".", "...", "x?y=1", "a#b", "sp ace", "ção", "%2F", "../../admin"])
def test_path_value_stays_one_segment(value):
    req = build_request(prov(), ONE, {"id": value}, base_url=BASE)
    path = urlsplit(req.url).path
    assert path.startswith("/api/v1/communities/")
    segment = path[len("/api/v1/communities/"):]
    assert "/" not in segment and segment not in (".", "..") and "?" not in req.url and "#" not in req.url
    # httpx normalises URLs (dot segments): the segment must survive it unchanged
    raw = httpx.Request("GET", req.url).url.raw_path.decode()
    assert raw == path
    from urllib.parse import unquote
    assert unquote(segment) == value


def test_encode_path_value_dots():
    assert encode_path_value("..") == "%2E%2E"
    assert encode_path_value(".") == "%2E"
    assert encode_path_value("a.b") == "a.b"
    assert encode_path_value(5) == "5"
    assert encode_path_value(True) == "true"


def test_bad_base_url_names_base_url():
    for bad in ("", "127.0.0.1:8000", "ftp://x", "http://", "not a url"):
        with pytest.raises(ValidationError, match="base URL"):
            build_request(prov(), ONE, {"id": "1"}, base_url=bad)


# ---- build_request: query -----------------------------------------------------------------------

def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


@pytest.mark.parametrize("style,name,expected", [
    ("repeat", "t", [("t", "a"), ("t", "b c")]),
    ("brackets", "t", [("t[]", "a"), ("t[]", "b c")]),
    ("brackets", "t[]", [("t[]", "a"), ("t[]", "b c")]),
    ("indexed", "t[]", [("t[0]", "a"), ("t[1]", "b c")]),
    ("csv", "t", [("t", "a,b c")]),
])
def test_query_array_styles(style, name, expected):
    ep = Endpoint("GET", "/x", params=(Param(name, "query", "array", array_style=style),))
    req = build_request(prov(), ep, {name: ["a", "b c"]}, base_url=BASE)
    assert query_of(req.url) == expected


def test_query_booleans_defaults_and_unset():
    req = build_request(prov(), LIST, {"flag": True, "page": None, "order": ""}, base_url=BASE)
    assert query_of(req.url) == [("flag", "true")]  # per_page's default (20) is not sent
    assert req.values == {"flag": True}
    req = build_request(prov(), LIST, {"flag": "off"}, base_url=BASE)
    assert query_of(req.url) == [("flag", "false")]


def test_query_values_escaped():
    ep = Endpoint("GET", "/x", params=(Param("q", "query"),))
    req = build_request(prov(), ep, {"q": "a&b=c d+é"}, base_url=BASE)
    assert query_of(req.url) == [("q", "a&b=c d+é")]


# ---- build_request: bodies ----------------------------------------------------------------------

def test_form_body_bracket_keys_on_delete():
    ep = Endpoint("DELETE", "/cache/{domain}", body_encoding="form", params=(
        Param("domain", "path", required=True),
        Param("urls[]", "body", "array", array_style="indexed"),
        Param("match[request_method]", "body", "array"),
        Param("match[host]", "body"), Param("enable", "body", "boolean"),
    ))
    req = build_request(prov(), ep, {
        "domain": "example.com", "urls[]": ["/a.jpg", "/b c.css"], "match[request_method]": ["GET", "POST"],
        "match[host]": "www.example.com", "enable": False,
    }, base_url=BASE)
    assert req.method == "DELETE" and req.url.endswith("/cache/example.com")
    assert req.content_type == "application/x-www-form-urlencoded"
    assert ("Content-Type", "application/x-www-form-urlencoded") in req.headers
    assert parse_qsl(req.body.decode()) == [
        ("urls[0]", "/a.jpg"), ("urls[1]", "/b c.css"), ("match[request_method]", "GET"),
        ("match[request_method]", "POST"), ("match[host]", "www.example.com"), ("enable", "false"),
    ]


def test_form_object_values_become_bracket_keys():
    ep = Endpoint("PUT", "/x", body_encoding="form", params=(Param("permissions", "body", "object"),))
    req = build_request(prov(), ep, {"permissions": {"read": True, "sub": {"a": 1}}}, base_url=BASE)
    assert parse_qsl(req.body.decode()) == [("permissions[read]", "true"), ("permissions[sub][a]", "1")]


def test_json_body_dotted_names_nest():
    ep = Endpoint("PUT", "/ssl", body_encoding="json", params=(
        Param("certificate.type", "body"), Param("certificate.enable", "body", "boolean"), Param("n", "body", "integer"),
    ))
    req = build_request(prov(), ep, {"certificate.type": "custom", "certificate.enable": "true", "n": "3"}, base_url=BASE)
    assert req.content_type == "application/json"
    assert orjson.loads(req.body) == {"certificate": {"type": "custom", "enable": True}, "n": 3}


def test_json_whole_body_and_raw():
    ep = Endpoint("POST", "/bulk", body_encoding="json", params=(Param("body", "body", "array", whole_body=True),))
    req = build_request(prov(), ep, {"body": '[{"a": 1}, {"b": 2}]'}, base_url=BASE)
    assert orjson.loads(req.body) == [{"a": 1}, {"b": 2}]
    raw = Endpoint("POST", "/fw", body_encoding="raw", params=(Param("body", "body", "file", whole_body=True),))
    req = build_request(prov(), raw, {"body": b"openapi: 3.0.0\n\x00"}, base_url=BASE)
    assert req.body == b"openapi: 3.0.0\n\x00"
    req = build_request(prov(), raw, {"body": "texto ção"}, base_url=BASE)
    assert req.body == "texto ção".encode()


def test_no_body_when_nothing_set():
    ep = Endpoint("POST", "/x", body_encoding="json", params=(Param("a", "body"),))
    req = build_request(prov(), ep, {}, base_url=BASE)
    assert req.body is None and req.content_type is None


# ---- build_request: auth ------------------------------------------------------------------------

def test_auth_header_placement_and_secrets():
    req = build_request(prov(TOKEN_HEADER, TOKEN_QUERY), ONE, {"id": "1"}, base_url=BASE, credentials={"token": "s3cr3t"})
    assert ("PRIVATE-TOKEN", "s3cr3t") in req.headers and "s3cr3t" not in req.url
    assert req.secrets == frozenset({"s3cr3t"})


def test_auth_query_placement():
    req = build_request(prov(TOKEN_HEADER, TOKEN_QUERY), ONE, {"id": "1"}, base_url=BASE,
                        credentials={"token": "s3cr3t"}, placement=1)
    assert query_of(req.url) == [("private_token", "s3cr3t")]
    assert all(v != "s3cr3t" for _, v in req.headers)


def test_basic_auth_kept_apart():
    req = build_request(prov(BASIC), TRACK, {}, base_url=BASE, credentials={"email": "a@b.c", "token": "tk"})
    assert req.basic_auth == ("a@b.c", "tk")
    assert not any(k.lower() == "authorization" for k, _ in req.headers)
    assert "tk" in req.secrets


def test_no_auth_for_auth_none_endpoints_but_secret_params_masked():
    login = Endpoint("POST", "/login", auth="none", body_encoding="json",
                     params=(Param("login", "body"), Param("password", "body")))
    req = build_request(prov(TOKEN_HEADER), login, {"login": "ana", "password": "pw"}, base_url=BASE,
                        credentials={"token": "tok"})
    assert not any(k == "PRIVATE-TOKEN" for k, _ in req.headers)
    assert "pw" in req.secrets


def test_extra_headers_and_authorization_is_secret():
    req = build_request(prov(), ONE, {"id": "1"}, base_url=BASE,
                        headers=[("X-Apiplay-Fault", "slow"), ("Authorization", "Bearer zz")])
    assert ("X-Apiplay-Fault", "slow") in req.headers
    assert "Bearer zz" in req.secrets


def test_validation_error_nothing_built():
    with pytest.raises(ValidationError) as info:
        build_request(prov(), LIST, {"per_page": "abc"}, base_url=BASE)
    assert info.value.errors[0].field == "per_page"


# ---- parse_cli_items -----------------------------------------------------------------------------

def test_cli_items():
    values, headers = parse_cli_items(LIST, ["page=2", "ids:=[1,2]", "flag:=true", "X-Trace:abc", "order=name ASC"])
    assert values == {"page": 2, "ids": [1, 2], "flag": True, "order": "name ASC"}
    assert headers == [("X-Trace", "abc")]


def test_cli_items_repeat_array_and_value_with_colon():
    ep = Endpoint("DELETE", "/c", body_encoding="form",
                  params=(Param("urls[]", "body", "array", array_style="indexed"), Param("q", "query")))
    values, headers = parse_cli_items(ep, ["urls[]=/a", "urls[]=/b", "q=http://x:1/y"])
    assert values == {"urls[]": ["/a", "/b"], "q": "http://x:1/y"} and headers == []


def test_cli_items_errors_name_the_param():
    with pytest.raises(ValidationError) as info:
        parse_cli_items(LIST, ["per_page=abc", "ids:=[1,", "bogus=1", "flag:=\"x\"", "junk"])
    errs = fields(info.value.errors)
    assert "whole number" in errs["per_page"]
    assert "invalid JSON" in errs["ids"]
    assert "not a parameter" in errs["bogus"]
    assert "true or false" in errs["flag"]
    assert "junk" in errs


def test_undeclared_placeholder_is_an_error_not_a_literal_brace():
    ep = Endpoint("GET", "/a/{x}/{y}", params=(Param("x", "path", required=True),))
    with pytest.raises(ValidationError) as info:
        build_request(prov(), ep, {"x": "1"}, base_url=BASE)
    assert [e.field for e in info.value.errors] == ["y"]


def test_typed_array_items_normalised():
    ep = Endpoint("POST", "/x", body_encoding="json", params=(Param("ids", "body", "array", items_type="integer"),))
    req = build_request(prov(), ep, {"ids": ["1", 2]}, base_url=BASE)
    assert orjson.loads(req.body) == {"ids": [1, 2]} and req.values == {"ids": [1, 2]}
    with pytest.raises(ValidationError, match="whole number"):
        build_request(prov(), ep, {"ids": ["x"]}, base_url=BASE)


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(), min_size=1).filter(lambda s: s.strip() != ""))
def test_any_path_value_round_trips_through_httpx(value):
    from urllib.parse import unquote

    req = build_request(prov(), ONE, {"id": value}, base_url=BASE)
    raw = httpx.Request("GET", req.url).url.raw_path.decode("ascii")
    assert raw.startswith("/api/v1/communities/")
    segment = raw[len("/api/v1/communities/"):]
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert segment not in (".", "..")
    assert unquote(segment, errors="surrogatepass") == value


def test_lone_surrogates_never_crash():
    req = build_request(prov(), ONE, {"id": "a\ud800"}, base_url=BASE)
    assert "%ED%A0%80" in req.url
    ep = Endpoint("POST", "/x", body_encoding="json", params=(Param("a", "body"),))
    with pytest.raises(ValidationError, match="cannot be written as JSON"):
        build_request(prov(), ep, {"a": "\ud800"}, base_url=BASE)


@pytest.mark.parametrize("value", ["ção", "a\nb", "a\rX-Evil: 1", "bell\x07"])
def test_header_values_must_be_one_ascii_line(value):
    with pytest.raises(ValidationError, match="X-Name: a header value must be plain ASCII"):
        build_request(prov(), ONE, {"id": "1"}, base_url=BASE, headers=[("X-Name", value)])
    hp = Endpoint("GET", "/h", params=(Param("If-None-Match", "header"),))
    with pytest.raises(ValidationError, match="If-None-Match"):
        build_request(prov(), hp, {"If-None-Match": value}, base_url=BASE)


def test_gocache_action_list_permissions_are_fields_of_their_own():
    """PUT /action-list/{id}: GoCache reads each '<section>.<item>' as its own form field."""
    from urllib.parse import parse_qsl

    from tui.core.packs import builtin_provider
    from tui.core.request import build_request

    g = builtin_provider("gocache")
    ep = g.endpoint("PUT", "/action-list/{id}")
    req = build_request(g, ep, {"id": 7, "name": "ops", "permissions": {"account.plan": "read", "smartrules.*": "read|update"}},
                        base_url="http://127.0.0.1:1/gocache/v1", credentials={"token": "t"})
    pairs = parse_qsl(req.body.decode())
    assert ("account.plan", "read") in pairs and ("smartrules.*", "read|update") in pairs
    assert not any(k.startswith("permissions") for k, _ in pairs)


def test_noosfero_upload_is_a_multipart_body_with_the_file(tmp_path):
    from tui.core.packs import builtin_provider
    from tui.core.request import build_request

    n = builtin_provider("noosfero")
    ep = n.endpoint("POST", "/profiles/{id}/uploaded_files")
    f = tmp_path / "relatório.pdf"
    f.write_bytes(b"%PDF-1.4 \x00\xff binary")
    req = build_request(n, ep, {"id": 5, "file": str(f)}, base_url="http://127.0.0.1:1/noosfero/api/v1",
                        credentials={"token": "t"})
    assert req.content_type.startswith("multipart/form-data; boundary=")
    boundary = req.content_type.split("boundary=")[1].encode()
    assert req.body.startswith(b"--" + boundary) and req.body.endswith(b"--" + boundary + b"--\r\n")
    assert 'name="file"; filename="relatório.pdf"'.encode() in req.body
    assert b"Content-Type: application/pdf" in req.body and b"%PDF-1.4 \x00\xff binary" in req.body


def test_upload_of_a_missing_file_names_the_field(tmp_path):
    import pytest

    from tui.core.model import ValidationError
    from tui.core.packs import builtin_provider
    from tui.core.request import build_request

    n = builtin_provider("noosfero")
    ep = n.endpoint("POST", "/profiles/{id}/uploaded_files")
    with pytest.raises(ValidationError) as info:
        build_request(n, ep, {"id": 5, "file": str(tmp_path / "nope.txt")}, base_url="http://127.0.0.1:1/x")
    assert info.value.errors[0].field == "file" and "cannot read the file" in info.value.errors[0].message


def test_a_header_value_may_hold_tab_and_visible_ascii_only():
    from tui.core.request import _header_value_ok

    for ch in map(chr, range(0x110)):
        assert _header_value_ok(f"a{ch}b") == (ch == "\t" or 32 <= ord(ch) < 127), repr(ch)
    assert _header_value_ok("") and _header_value_ok("Bearer abc.def~") and not _header_value_ok("line\u2028sep")
