"""The three built-in packs against the shared reference catalogs, and the generator's determinism."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from tui.core.packs import builtin_provider

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO.parent / "shared" / "reference"
PROVIDERS = REPO / "tui" / "providers"

needs_reference = pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference is not available")


def _ref(name: str) -> dict:
    return json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))


def _by_key(provider):
    return {ep.key: ep for ep in provider.endpoints}


@pytest.fixture(scope="module")
def noosfero():
    return builtin_provider("noosfero")


@pytest.fixture(scope="module")
def gocache():
    return builtin_provider("gocache")


@pytest.fixture(scope="module")
def trackingram():
    return builtin_provider("trackingram")


# --------------------------------------------------------------------------------------------------
# Noosfero


def _noosfero_type(p: dict) -> str:
    if p["type"] == "string" and p.get("format") == "float":
        return "number"
    return p["type"]


@needs_reference
def test_noosfero_has_exactly_the_125_core_endpoints(noosfero):
    ref = _ref("noosfero")
    expected = {f"{e['method']} {e['path']}" for e in ref["endpoints"]}
    assert len(expected) == 125
    assert set(_by_key(noosfero)) == expected
    plugin = {f"{e['method']} {e['path']}" for e in ref["plugin_endpoints"]}
    assert not plugin & set(_by_key(noosfero))


@needs_reference
def test_noosfero_every_parameter_auth_and_tag(noosfero):
    eps = _by_key(noosfero)
    for e in _ref("noosfero")["endpoints"]:
        ep = eps[f"{e['method']} {e['path']}"]
        expected_auth = "admin" if e.get("permission") == "environment admin" else e["auth"]
        assert ep.auth == expected_auth, ep.key
        assert ep.tag == e["resource"], ep.key
        assert sorted(p.name for p in ep.params) == sorted(p["name"] for p in e["params"]), ep.key
        for rp in e["params"]:
            p = ep.param(rp["name"])
            assert p is not None, (ep.key, rp["name"])
            where = (ep.key, rp["name"])
            assert p.location == rp["in"], where
            assert p.type == _noosfero_type(rp), where
            assert p.required == (rp["required"] or rp["in"] == "path"), where
            assert p.default == rp.get("default"), where
            assert list(p.enum) == list(rp.get("enum") or []), where
            if rp["type"] == "array":
                assert p.items_type == (rp.get("items") or "string"), where
            if rp.get("format") and rp["format"] != "float":
                assert p.format == rp["format"], where
            assert ".rb" not in p.description, where
        if any(p["in"] == "body" for p in e["params"]):
            expected = "form" if any(p["type"] == "file" for p in e["params"]) else "json"
            assert ep.body_encoding == expected, ep.key
        else:
            assert ep.body_encoding is None, ep.key


@needs_reference
def test_noosfero_paging_defaults_and_caps(noosfero):
    eps = _by_key(noosfero)
    for e in _ref("noosfero")["endpoints"]:
        ep = eps[f"{e['method']} {e['path']}"]
        if not e["paginated"]:
            assert not ep.paging.paged, ep.key
            continue
        assert ep.paging.style == "page", ep.key
        assert (ep.paging.page_param, ep.paging.size_param) == ("page", "per_page")
        assert ep.paging.default_size == e["pagination"]["default_per_page"], ep.key
        assert ep.paging.max_size == e["pagination"]["max_per_page"], ep.key
        assert (ep.paging.total_header, ep.paging.size_header, ep.paging.link_header) == ("Total", "Per-Page",
                                                                                          "Link")
    caps = {
        "GET /articles": 50, "GET /articles/{id}/children": 50, "GET /articles/{id}/comments": 20,
        "GET /people": 50, "GET /profiles/{id}/members": 50, "GET /environments/{id}/people": 50,
        "GET /environments/people": 50, "GET /tasks": 50, "GET /profiles/{id}/roles": 50, "GET /domains": 20,
    }
    for key, cap in caps.items():
        assert eps[key].paging.max_size == cap, key
    assert eps["GET /articles/{id}/children"].paging.default_size == 50
    assert eps["POST /environments/{id}"].auth == "admin"
    assert not eps["GET /users/{id}"].paging.paged


def test_noosfero_provider_settings(noosfero):
    assert noosfero.targets.live_url == "https://{instance}/api/v1"
    assert noosfero.targets.variables["instance"].default == "softwarepublico.gov.br/social"
    assert noosfero.base_url("live") == "https://softwarepublico.gov.br/social/api/v1"
    assert noosfero.base_url("sandbox", sandbox_origin="http://127.0.0.1:9") == "http://127.0.0.1:9/noosfero/api/v1"
    first, second = noosfero.auth.placements
    assert (first.location, first.name, first.field) == ("header", "PRIVATE-TOKEN", "token")
    assert (second.location, second.name) == ("query", "private_token")
    login = noosfero.auth.login
    assert (login.method, login.path, login.token_pointer, login.stores) == ("POST", "/login", "/private_token",
                                                                            "token")
    assert dict(login.fields) == {"login": "login", "password": "password"}
    assert dict(noosfero.auth.sandbox_default) == {"login": "ana", "password": "sandbox"}
    envs = {c.name: c.env for c in noosfero.auth.credentials}
    assert envs == {"token": "APIPLAY_NOOSFERO_TOKEN", "login": "APIPLAY_NOOSFERO_LOGIN",
                    "password": "APIPLAY_NOOSFERO_PASSWORD"}
    assert {c.name for c in noosfero.auth.credentials if c.secret} == {"token", "password"}
    labels = " ".join(a.note for a in noosfero.auth.sandbox_accounts)
    assert "administrator" in labels and "401" in labels
    assert noosfero.rate_limit.limit is None
    assert noosfero.errors.errors_map_field == "errors"
    assert {"message", "error"} <= set(noosfero.errors.message_fields)
    for code in ("200", "201", "400", "401", "403", "404", "405", "409", "422", "500"):
        assert noosfero.errors.statuses.get(code), code
    # every tag used has a description
    assert {ep.tag for ep in noosfero.endpoints} <= {t for t, d in noosfero.tags.items() if d}


@pytest.mark.parametrize("msg", [
    "Unauthorized", "404 Not found", "403 Forbidden", "405 Not Allowed", "Couldn't find Article with 'id'=9",
    'The user "bia" is not activated! Please check your email to activate your user',
    "email is missing, login is missing", "(Invalid request) report_abuse not given",
    "A community named 'Rede' already exists", "Activation token is invalid", "Body can't be blank",
])
def test_noosfero_error_messages_have_meanings(noosfero, msg):
    hits = [m for m in noosfero.errors.messages if re.fullmatch(m.pattern, msg, re.IGNORECASE)]
    assert hits and hits[0].meaning, msg


def test_noosfero_user_facing_text_has_no_ruby_references(noosfero):
    rb = re.compile(r"\b[\w/]+\.rb\b")
    for ep in noosfero.endpoints:
        assert ep.summary and not rb.search(ep.summary), ep.key
        for p in ep.params:
            assert not rb.search(p.description), (ep.key, p.name)
        for text in ep.statuses.values():
            assert not rb.search(text), ep.key


# --------------------------------------------------------------------------------------------------
# GoCache


def _gocache_expect(rp: dict) -> tuple[str, str, str | None, str | None]:
    """(pack name, type, items_type, array_style or format) expected for a reference parameter."""
    name, t = rp["name"], rp["type"]
    if name == "(body)":
        return "body", ("array" if t.startswith("array") else "file"), None, None
    if name == "<section>.<item>":
        return "permissions", "object", None, None
    if name == "action[<field>]":
        return "action", "object", None, None
    m = re.fullmatch(r"(.+)\[n\]", name)
    if m:
        return m.group(1) + "[]", "array", "string", "indexed"
    if t in ("string[] (repeat key)", "string / string[]"):
        return name, "array", "string", "repeat"
    if t == "string[]":
        return name, "array", "string", "brackets" if name.endswith("[]") else "repeat"
    if t in ("boolean-string", "boolean"):
        return name, "boolean", None, None
    if t in ("int", "int-string", "number"):
        return name, "integer", None, None
    if t == "unix-ts":
        return name, "integer", None, "unix-time"
    if t == "string (PEM)":
        return name, "string", None, "pem"
    assert t == "string", t
    return name, "string", None, None


@needs_reference
def test_gocache_has_all_51_endpoints_with_evidence(gocache):
    ref = _ref("gocache")
    eps = _by_key(gocache)
    assert len(ref["endpoints"]) == 51
    assert set(eps) == {f"{e['method']} {e['path']}" for e in ref["endpoints"]}
    for e in ref["endpoints"]:
        ep = eps[f"{e['method']} {e['path']}"]
        assert ep.evidence == e["confidence"], ep.key
        assert ep.auth == ("none" if e["path"] == "/login" else "required"), ep.key
        if e.get("success_status"):
            assert ep.success_status == e["success_status"], ep.key
        assert ep.example_response == e.get("example_response"), ep.key


@needs_reference
def test_gocache_every_parameter(gocache):
    eps = _by_key(gocache)
    for e in _ref("gocache")["endpoints"]:
        ep = eps[f"{e['method']} {e['path']}"]
        assert len(ep.params) == len(e["params"]), ep.key
        for rp in e["params"]:
            name, ptype, items, extra = _gocache_expect(rp)
            p = ep.param(name)
            where = (ep.key, rp["name"])
            assert p is not None, where
            assert p.location == ("body" if rp["in"] in ("form", "body") else rp["in"]), where
            assert p.type == ptype, where
            assert p.required == rp["required"], where
            if items:
                assert p.items_type == items, where
            if extra in ("indexed", "repeat", "brackets"):
                assert p.array_style == extra, where
            elif extra:
                assert p.format == extra, where
            if rp.get("enum") and ptype in ("string", "integer"):
                assert [str(v) for v in p.enum] == [str(v) for v in rp["enum"]], where
            if rp.get("enum") and ptype == "array":
                assert list(p.enum) == list(rp["enum"]), where


def test_gocache_body_encodings(gocache):
    eps = _by_key(gocache)
    for key in ("POST /ssl/certificate/{domain}", "PUT /ssl/certificate/{domain}", "POST /mtls/{domain}",
                "POST /threat-hub/events", "POST /rules/bulk/{type}/{domain}"):
        assert eps[key].body_encoding == "json", key
    assert eps["POST /api-firewall/{domain}"].body_encoding == "raw"
    assert eps["POST /api-firewall/{domain}"].param("body").whole_body
    bulk = eps["POST /rules/bulk/{type}/{domain}"].param("body")
    assert bulk.whole_body and bulk.type == "array" and bulk.items_type == "object"
    for key in ("DELETE /cache/{domain}", "DELETE /dns/{domain}", "POST /domain/{domain}",
                "POST /rules/{type}/{domain}", "PUT /domain-list/{id}"):
        assert eps[key].body_encoding == "form", key
    assert eps["DELETE /cache/{domain}"].param("urls[]").array_style == "indexed"
    assert eps["DELETE /cache/{domain}"].param("tag[]").array_style == "indexed"
    assert eps["PUT /domain-list/{id}"].param("domain[]").array_style == "brackets"
    methods = eps["POST /rules/{type}/{domain}"].param("match[request_method]")
    assert (methods.type, methods.array_style) == ("array", "repeat")
    assert "GET" in methods.enum
    assert eps["PUT /ssl/certificate/{domain}"].param("certificate.type").enum == ("auto", "custom")
    assert eps["GET /history/"].paging.style == "offset"
    assert eps["GET /history/"].paging.offset_param == "offset"
    assert sum(ep.paging.paged for ep in gocache.endpoints) == 1


def test_gocache_provider_settings(gocache):
    assert gocache.base_url("live") == "https://api.gocache.com.br/v1"
    assert gocache.base_url("sandbox", sandbox_origin="http://h:1") == "http://h:1/gocache/v1"
    (pl,) = gocache.auth.placements
    assert (pl.location, pl.name, pl.field) == ("header", "GoCache-Token", "token")
    assert dict(gocache.auth.sandbox_default) == {"token": "sandbox-gocache-token"}
    tokens = {a.values.get("token"): a.note for a in gocache.auth.sandbox_accounts}
    assert "403" in tokens["sandbox-gocache-readonly"]
    assert [c.env for c in gocache.auth.credentials] == ["APIPLAY_GOCACHE_TOKEN"]
    rl = gocache.rate_limit
    assert (rl.limit, rl.window_s, rl.guard, rl.block_s, rl.hit_status, rl.standard_headers) == (
        100, 60, True, 60, 403, False)
    msg = "Too many requests: more than 100 in a minute; this token is blocked for 42 s"
    m = re.search(rl.hit_pattern, msg)
    assert m and m.group(1) == "42"
    assert not re.search(rl.hit_pattern, "Forbidden")
    # the sandbox's messages (tui/sandbox/gocache.py) each have a documented meaning
    for msg in ("Token not specified: send it in the GoCache-Token header",
                "Invalid token: it has no access to this resource",
                "This token is read-only: it has no access to change resources",
                "Parameter email is required", msg, "Parameter rules is required: send a JSON array of rules",
                "Parameter ttl is invalid: expected seconds", "Domain example.com not found", "Record not found",
                "Rule already exists", "DNSSEC is already enabled for this domain", "Invalid email or password",
                "No custom certificate for this domain"):
        assert any(re.fullmatch(m.pattern, msg, re.I) for m in gocache.errors.messages), msg
    for code in ("200", "202", "400", "401", "403", "404", "409", "428"):
        assert gocache.errors.statuses.get(code), code
    assert any(k.upper().startswith("5") for k in gocache.errors.statuses)
    assert {"error", "msg", "response.urls_wrong_format"} <= set(gocache.errors.message_fields)


# --------------------------------------------------------------------------------------------------
# Trackingram


@needs_reference
def test_trackingram_endpoints_and_parameters(trackingram):
    eps = _by_key(trackingram)
    ref = _ref("trackingram")
    assert set(eps) == {f"{e['method']} {e['path']}" for e in ref["endpoints"]}
    types = {"int": "integer", "int (ms epoch)": "integer", "string": "string", "comma-separated ints": "array"}
    for e in ref["endpoints"]:
        ep = eps[f"{e['method']} {e['path']}"]
        assert ep.evidence == e["confidence"]
        assert ep.auth == "required"
        assert ep.example_response == e["example_response"]
        for rp in e["params"]:
            p = ep.param(rp["name"])
            assert p is not None and p.location == rp["in"] and p.type == types[rp["type"]], rp["name"]
            assert p.required == rp["required"], rp["name"]
        paged = {"limit", "skip"} <= {p["name"] for p in e["params"]}
        assert ep.paging.paged == paged, ep.key
    pos = eps["GET /trackerGps/{imei}/positions"]
    assert pos.param("filter_type").array_style == "csv"
    assert pos.param("filter_type").items_type == "integer"


def test_trackingram_provider_settings(trackingram):
    t = trackingram.targets
    assert t.variables["version"].enum == ("v1_0", "latest", "")
    assert trackingram.base_url("live") == "https://api-production.trackingram.chat/apiPublic/v1_0"
    assert trackingram.base_url("live", variables={"version": ""}) == \
        "https://api-production.trackingram.chat/apiPublic"
    assert trackingram.base_url("sandbox", sandbox_origin="http://h") == "http://h/trackingram/apiPublic/v1_0"
    (pl,) = trackingram.auth.placements
    assert (pl.location, pl.field, pl.password_field) == ("basic", "email", "token")
    assert {c.env for c in trackingram.auth.credentials} == {"APIPLAY_TRACKINGRAM_EMAIL",
                                                            "APIPLAY_TRACKINGRAM_TOKEN"}
    assert dict(trackingram.auth.sandbox_default) == {"email": "demo@trackingram.example",
                                                     "token": "sandbox-trackingram-token"}
    notes = {a.values["email"]: a.note for a in trackingram.auth.sandbox_accounts}
    assert notes["noapi@trackingram.example"] == "API NOT ENABLE"
    assert notes["disabled@trackingram.example"] == "USER NOT ENABLE"
    assert "AUTHENTICATION INCORRECT" in notes.values()
    pg = trackingram.endpoint("GET", "/trackerGps").paging
    assert (pg.style, pg.size_param, pg.offset_param, pg.more_field, pg.items_field) == (
        "offset", "limit", "skip", "has_more", "data")
    assert trackingram.envelope_data_field == "data"
    rl = trackingram.rate_limit
    assert (rl.limit, rl.window_s, rl.count_field, rl.reset_field, rl.hit_status) == (
        120, 60, "count_api", "reset_count_api", 400)
    assert re.fullmatch(rl.hit_pattern, "FLOOD_WAIT_17").group(1) == "17"
    assert trackingram.errors.message_fields[:3] == ("message", "data", "error")
    for msg in ("AUTHENTICATION REQUIRED", "AUTHENTICATION INCORRECT", "FLOOD_WAIT_9", "API NOT ENABLE",
                "USER NOT ENABLE", "GENERIC ERROR"):
        hits = [m for m in trackingram.errors.messages if re.fullmatch(m.pattern, msg, re.IGNORECASE)]
        assert len(hits) == 1 and hits[0].meaning and hits[0].hint, msg


# --------------------------------------------------------------------------------------------------
# All packs


@pytest.mark.parametrize("pid", ["gocache", "noosfero", "trackingram"])
def test_pack_basics(pid):
    p = builtin_provider(pid)
    assert p.id == pid and p.builtin and p.source.endswith(f"{pid}.json")
    assert p.docs.strip()
    ids = [ep.operation_id for ep in p.endpoints]
    assert all(ids) and len(set(ids)) == len(ids)
    for ep in p.endpoints:
        assert ep.summary, ep.key
        assert ep.tag in p.tags and p.tags[ep.tag], ep.key
        placeholders = set(re.findall(r"\{(\w+)\}", ep.path))
        assert placeholders == {q.name for q in ep.path_params}, ep.key
        if any(q.location == "body" for q in ep.params):
            assert ep.body_encoding in ("form", "json", "raw"), ep.key
        else:
            assert ep.body_encoding is None, ep.key


def _load_generator():
    spec = importlib.util.spec_from_file_location("build_packs", REPO / "tools" / "build_packs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@needs_reference
def test_generator_is_deterministic_and_committed_packs_are_current(tmp_path):
    gen = _load_generator()
    assert gen.main(["--out", str(tmp_path / "a")]) == 0
    assert gen.main(["--out", str(tmp_path / "b")]) == 0
    for name in ("gocache.json", "noosfero.json", "trackingram.json"):
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes(), name
        assert first == (PROVIDERS / name).read_bytes(), f"{name} is stale: run python tools/build_packs.py"
    assert gen.main(["--check"]) == 0


@needs_reference
def test_generator_check_notices_a_stale_pack(tmp_path):
    gen = _load_generator()
    assert gen.main(["--out", str(tmp_path)]) == 0
    target = tmp_path / "trackingram.json"
    target.write_text(target.read_text(encoding="utf-8").replace("FLOOD_WAIT", "FLOOD-WAIT"), encoding="utf-8")
    assert gen.main(["--out", str(tmp_path), "--check"]) == 1


def test_generator_reports_a_missing_reference(tmp_path, capsys):
    gen = _load_generator()
    assert gen.main(["--reference", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2
    assert "reference directory not found" in capsys.readouterr().err


@pytest.mark.parametrize("raw, expected", [
    ("Datetime; created_at <= until. helpers.rb:289-294 ", "Datetime; created_at <= until."),
    ("Page number (1-based). helpers.rb:410 / api-pagination.", "Page number (1-based)."),
    ("Exact-match filter (ALLOWED_PARAMETERS, helpers.rb:8).", "Exact-match filter."),
    ("Log in (session.rb:14-29) with a login", "Log in with a login"),
    ("No Ruby here: a plain sentence.", "No Ruby here: a plain sentence."),
    ("", ""),
])
def test_generator_drops_ruby_references(raw, expected):
    assert _load_generator().clean(raw) == expected


def test_generator_status_wording():
    gen = _load_generator()
    assert gen.status_text("not logged") == "Not logged in: no token, or a wrong one."
    assert gen.status_text("[Article]") == "A list of Article"
    assert gen.status_text("not found (find raises) app/api/v1/x.rb:3") == "Not found (find raises)"
