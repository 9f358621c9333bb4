"""One contract test per seed rule (../shared/seeds/README.md), over real sockets.

Tests that change state or counters use a private sandbox (`private`), the others the shared one.
"""

from __future__ import annotations

import re

import httpx

from sandbox_helpers import GC, GC_READONLY, GC_TOKEN, NF, TR, TR_AUTH, FakeClock

H = {"GoCache-Token": GC_TOKEN}
RATE_HEADERS = ("ratelimit", "x-ratelimit", "retry-after")


def _no_rate_headers(r: httpx.Response) -> bool:
    return not any(k.lower().startswith(RATE_HEADERS) for k in r.headers)


# ============================================================================ GoCache


def test_G1_every_gocache_answer_is_json(private):
    client = private()
    answers = [
        client.get(GC + "/domain", headers=H),
        client.get(GC + "/domain/example.com.br", headers=H),
        client.get(GC + "/domain/nao-existe.com.br", headers=H),
        client.get(GC + "/domain"),
        client.post(GC + "/dns/example.com.br", headers=H, data={"name": "x"}),
        client.get(GC + "/not/a/route", headers=H),
    ]
    for r in answers:
        assert r.headers["content-type"].startswith("application/json"), r.request.url
        assert isinstance(r.json(), dict)


def test_G2_token_goes_in_the_gocache_token_header(private):
    client = private()
    assert client.get(GC + "/domain", headers={"GoCache-Token": GC_TOKEN}).status_code == 200
    assert client.get(GC + "/domain", headers={"gocache-token": GC_TOKEN}).status_code == 200
    # anywhere else it is not seen
    assert client.get(GC + "/domain", params={"token": GC_TOKEN}).status_code == 401
    assert client.get(GC + "/domain", headers={"Authorization": GC_TOKEN}).status_code == 401


def test_G3_gocache_status_codes(private):
    c = private()
    assert c.get(GC + "/domain", headers=H).status_code == 200
    purge = c.request("DELETE", GC + "/cache/example.com.br", headers=H,
                      data={"urls[1]": "http://www.example.com.br/*.jpg"})
    assert purge.status_code == 202
    assert c.post(GC + "/user", headers=H, data={}).status_code == 400
    assert c.get(GC + "/domain").status_code == 401
    assert c.get(GC + "/domain", headers={"GoCache-Token": "someone-elses-token"}).status_code == 403
    assert c.put(GC + "/domain/example.com.br", headers={"GoCache-Token": GC_READONLY},
                 data={"cache_ttl": "3600"}).status_code == 403
    assert c.get(GC + "/domain/nao-existe.com.br", headers=H).status_code == 404
    assert c.post(GC + "/domain/example.com.br", headers=H).status_code == 409
    rec = c.get(GC + "/dns/example.com.br", headers=H).json()["response"]["records"][1]
    dup = {k: rec[k] for k in ("name", "type", "content", "ttl")}
    assert c.post(GC + "/dns/example.com.br", headers=H, data=dup).status_code == 409


def test_G4_gocache_body_shapes(private):
    c = private()
    r = c.get(GC + "/domain/example.com.br", headers=H)
    settings = r.json()["response"]
    assert settings["cache_ttl"] == "86400" and settings["gzip_status"] in ("true", "false")
    assert all(isinstance(v, str) for v in settings.values())
    r = c.post(GC + "/user", headers=H, data={})
    assert r.status_code == 400 and r.json() == {"error": "Parameter email is required"}
    r = c.request("DELETE", GC + "/cache/example.com.br", headers=H, data={"urls[1]": "/imagem.jpg"})
    assert r.status_code == 400
    assert r.json() == {"response": {"urls_wrong_format": ["/imagem.jpg"]}}
    r = c.post(GC + "/login", data={"email": "sandbox@gocache.example", "password": "sandbox"})
    assert r.status_code == 200 and r.json() == {"response": {"email": "sandbox@gocache.example",
                                                              "token": GC_TOKEN}}
    r = c.delete(GC + "/domain/portalnoticias.com.br", headers=H)
    assert r.status_code == 200 and r.json() == {"msg": "Success"}


def test_G5_gocache_blocks_a_token_after_the_limit(make_sandbox):
    clock = FakeClock()
    origin = make_sandbox(gocache_limit=3, clock=clock)
    with httpx.Client(base_url=origin) as c:
        for _ in range(3):
            r = c.get(GC + "/domain", headers=H)
            assert r.status_code == 200 and _no_rate_headers(r)
        r = c.get(GC + "/domain", headers=H)
        assert r.status_code == 403
        msg = r.json()["error"]
        assert re.fullmatch(r"Too many requests: more than 3 in a minute; this token is blocked for 60 s", msg)
        assert _no_rate_headers(r)
        # the other demo token is counted apart
        assert c.get(GC + "/domain", headers={"GoCache-Token": GC_READONLY}).status_code == 200
        clock.advance(45.2)
        r = c.get(GC + "/domain", headers=H)
        assert r.status_code == 403 and r.json()["error"].endswith("blocked for 15 s")
        clock.advance(14.7)
        r = c.get(GC + "/domain", headers=H)
        assert r.status_code == 403 and r.json()["error"].endswith("blocked for 1 s")
        clock.advance(0.2)
        assert c.get(GC + "/domain", headers=H).status_code == 200


def test_G5_gocache_window_slides(make_sandbox):
    clock = FakeClock()
    origin = make_sandbox(gocache_limit=3, clock=clock)
    with httpx.Client(base_url=origin) as c:
        for step in (0, 20, 20):
            clock.advance(step)
            assert c.get(GC + "/domain", headers=H).status_code == 200
        clock.advance(21)  # the first request (61 s ago) has left the window
        assert c.get(GC + "/domain", headers=H).status_code == 200
        assert c.get(GC + "/domain", headers=H).status_code == 403


def test_G5_default_limit_is_100(make_sandbox):
    origin = make_sandbox(clock=FakeClock())
    with httpx.Client(base_url=origin) as c:
        codes = [c.get(GC + "/plan", headers=H).status_code for _ in range(101)]
    assert codes[:100] == [200] * 100 and codes[100] == 403


# ============================================================================ Noosfero


def test_N1_api_v1_prefix_json_and_optional_suffix(client):
    r = client.get(NF + "/categories")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    r2 = client.get(NF + "/categories.json")
    assert r2.status_code == 200 and r2.json() == r.json()
    assert client.get(NF + "/communities/131.json").json()["id"] == 131
    assert client.get("/noosfero/api/v2/categories").status_code == 404


def test_N2_token_as_param_header_or_raw_authorization(client, ana_token):
    for kwargs in ({"params": {"private_token": ana_token}},
                   {"headers": {"PRIVATE-TOKEN": ana_token}},
                   {"headers": {"private-token": ana_token}},
                   {"headers": {"Authorization": ana_token}}):
        r = client.get(NF + "/users/me", **kwargs)
        assert r.status_code == 200, kwargs
        assert r.json()["login"] == "ana"
    r = client.post(NF + "/articles/1/vote", data={"private_token": ana_token, "value": "1"})
    assert r.status_code == 201
    # a Bearer prefix is not stripped, as in the real code
    assert client.get(NF + "/users/me", headers={"Authorization": f"Bearer {ana_token}"}).status_code == 401


def test_N3_missing_or_invalid_token_is_401(client):
    expected = {"success": False, "message": "Unauthorized", "code": 401}
    for kwargs in ({}, {"params": {"private_token": "0" * 32}}, {"headers": {"PRIVATE-TOKEN": "nope"}}):
        r = client.get(NF + "/users/me", **kwargs)
        assert r.status_code == 401 and r.json() == expected
    assert client.post(NF + "/communities", json={"community": {"name": "X"}}).status_code == 401


def test_N4_login_answers_201_with_the_private_token(client):
    answers = [
        client.post(NF + "/login", params={"login": "ana", "password": "sandbox"}),
        client.post(NF + "/login", data={"login": "ana", "password": "sandbox"}),
        client.post(NF + "/login", json={"login": "ana", "password": "sandbox"}),
        client.post(NF + "/login", json={"login": "ana@rede.sandbox.example", "password": "sandbox"}),
    ]
    tokens = set()
    for r in answers:
        assert r.status_code == 201
        body = r.json()
        assert body["login"] == "ana" and re.fullmatch(r"[0-9a-f]{32}", body["private_token"])
        tokens.add(body["private_token"])
    assert len(tokens) == 1  # fixed per user
    admin = client.post(NF + "/login", data={"login": "admin", "password": "sandbox"}).json()
    assert admin["private_token"] not in tokens
    bad = client.post(NF + "/login", data={"login": "ana", "password": "errada"})
    assert bad.status_code == 401 and bad.json()["message"] == "Unauthorized"


def test_N5_post_201_get_put_200_delete_idempotent(private):
    c = private()
    token = c.post(NF + "/login", data={"login": "ana", "password": "sandbox"}).json()["private_token"]
    p = {"private_token": token}
    created = c.post(NF + "/communities", params=p, json={"community": {"name": "Coletivo N5"}})
    assert created.status_code == 201 and created.json()["name"] == "Coletivo N5"
    cid = created.json()["id"]
    assert c.get(NF + f"/communities/{cid}", params=p).status_code == 200
    art = c.post(NF + f"/communities/{cid}/articles", params=p,
                 json={"article": {"name": "Primeiro texto", "body": "<p>Olá</p>"}})
    assert art.status_code == 201
    aid = art.json()["id"]
    upd = c.post(NF + f"/articles/{aid}", params=p, json={"article": {"name": "Texto revisto"}})
    assert upd.status_code == 201 and upd.json()["title"] == "Texto revisto"
    task = c.post(NF + f"/communities/{cid}/tasks", params=p, json={"task": {"type": "AddMember"}}).json()
    assert c.put(NF + f"/tasks/{task['id']}/finish", params=p).status_code == 200
    for _ in range(2):
        r = c.delete(NF + f"/articles/{aid}", params=p)
        assert r.status_code == 200 and r.json()["success"] is True and r.json()["code"] == 204
    assert c.get(NF + f"/articles/{aid}", params=p).status_code == 404


def test_N6_noosfero_status_codes(private):
    c = private()
    ana = {"private_token": c.post(NF + "/login", data={"login": "ana", "password": "sandbox"}).json()["private_token"]}
    r = c.post(NF + "/communities", params=ana, json={})
    assert r.status_code == 400 and r.json() == {"error": "community is missing"}
    assert c.get(NF + "/users/me").status_code == 401
    r = c.post(NF + "/environments/1", params=ana, json={"environment": {"name": "X"}})
    assert r.status_code == 403 and r.json() == {"success": False, "message": "403 Forbidden", "code": 403}
    r = c.get(NF + "/communities/999999")
    assert r.status_code == 404 and r.json() == {"success": False, "message": "404 Not found", "code": 404}
    r = c.delete(NF + "/communities", params=ana)
    assert r.status_code == 405 and r.json() == {"error": "405 Not Allowed"}
    assert set(r.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    existing = c.get(NF + "/communities/131").json()["name"]
    r = c.post(NF + "/communities", params=ana, json={"community": {"name": existing}})
    assert r.status_code == 409 and r.json()["success"] is False and r.json()["code"] == 409
    r = c.post(NF + "/communities", params=ana, json={"community": {"name": ""}})
    assert r.status_code == 422
    assert r.json() == {"errors": {"name": [{"error": "blank", "full_message": "Name can't be blank"}]}}


def _links(r: httpx.Response) -> dict[str, str]:
    out = {}
    for part in r.headers.get("link", "").split(", "):
        m = re.match(r'<([^>]+)>; rel="(\w+)"', part)
        if m:
            out[m.group(2)] = m.group(1)
    return out


def test_N7_paging_defaults_headers_and_links(client):
    r = client.get(NF + "/communities")
    assert r.status_code == 200 and len(r.json()) == 20
    total = int(r.headers["total"])
    assert total >= 250 and r.headers["per-page"] == "20"
    links = _links(r)
    assert set(links) == {"next", "last"}
    assert "page=2" in links["next"] and links["next"].startswith(str(client.base_url).rstrip("/") + NF + "/communities?")
    last_page = -(-total // 20)
    assert f"page={last_page}" in links["last"]
    r = client.get(NF + "/communities", params={"page": 3, "per_page": 10, "search": ""})
    assert set(_links(r)) == {"first", "prev", "next", "last"}
    assert "per_page=10" in _links(r)["next"] and "page=4" in _links(r)["next"]
    r = client.get(NF + "/communities", params={"page": last_page})
    assert set(_links(r)) == {"first", "prev"} and len(r.json()) == total - 20 * (last_page - 1)
    ids = {c["id"] for p in (1, 2) for c in client.get(NF + "/communities", params={"page": p}).json()}
    assert len(ids) == 40  # pages do not overlap


def test_N7_per_page_caps_are_clamped_silently(client):
    # N7's maximum of 100 where the code has no cap; the code's lower caps elsewhere
    for path, cap in (("/communities", 100), ("/profiles", 100), ("/articles", 50), ("/people", 50),
                      ("/domains", 20), ("/articles/33/comments", 20)):
        r = client.get(NF + path, params={"per_page": 500})
        assert r.status_code == 200, path
        assert r.headers["per-page"] == str(cap), path
        assert len(r.json()) == min(cap, int(r.headers["total"])), path


def test_N7_invalid_paging_params_are_400(client):
    r = client.get(NF + "/communities", params={"per_page": "muitos"})
    assert r.status_code == 400 and r.json() == {"error": "per_page is invalid"}
    r = client.get(NF + "/communities", params={"page": "x"})
    assert r.status_code == 400 and r.json() == {"error": "page is invalid"}


def test_N8_playground_page_lists_the_endpoints(client):
    r = client.get("/noosfero/api/playground")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/api/v1/login" in r.text and "/api/v1/communities" in r.text
    assert r.text.index("/api/v1/login") < r.text.index("/api/v1/articles")


# ============================================================================ Trackingram


def test_T1_version_prefixes_mean_the_same_api(private):
    c = private()
    bodies = [c.get(TR + prefix + "/trackerGps", params={"limit": 5}, auth=TR_AUTH).json()
              for prefix in ("/v1_0", "/latest", "")]
    assert [b["data"] for b in bodies][0] == bodies[1]["data"] == bodies[2]["data"]
    assert [b["count_api"] for b in bodies] == [1, 2, 3]  # one counter behind the three prefixes
    assert c.get(TR + "/v2_0/trackerGps", auth=TR_AUTH).status_code == 404


def test_T2_basic_auth_email_and_token_api(client):
    r = client.get(TR + "/trackerGps", auth=TR_AUTH)
    assert r.status_code == 200
    cases = {
        None: "AUTHENTICATION REQUIRED",
        ("demo@trackingram.example", "wrong-token"): "AUTHENTICATION INCORRECT",
        ("nobody@trackingram.example", "sandbox-trackingram-token"): "AUTHENTICATION INCORRECT",
        ("noapi@trackingram.example", "sandbox-trackingram-token"): "API NOT ENABLE",
        ("disabled@trackingram.example", "sandbox-trackingram-token"): "USER NOT ENABLE",
    }
    for auth, message in cases.items():
        r = client.get(TR + "/v1_0/trackerGps", auth=auth)
        assert r.status_code == 400 and r.json()["message"] == message, auth
    r = client.get(TR + "/trackerGps", headers={"Authorization": "Bearer sandbox-trackingram-token"})
    assert r.json()["message"] == "AUTHENTICATION REQUIRED"


def test_T3_every_answer_has_the_envelope(private):
    c = private()
    imei = c.get(TR + "/trackerGps", params={"limit": 1}, auth=TR_AUTH).json()["data"][0]["imei"]
    answers = [
        c.get(TR + "/trackerGps", auth=TR_AUTH),
        c.get(TR + f"/trackerGps/{imei}", auth=TR_AUTH),
        c.get(TR + f"/trackerGps/{imei}/positions", params={"start": 0, "stop": 2 * 10**12}, auth=TR_AUTH),
    ]
    for n, r in enumerate(answers, start=2):
        body = r.json()
        assert set(body) == {"object", "data", "has_more", "count_api", "reset_count_api"}
        assert body["count_api"] == n and 1 <= body["reset_count_api"] <= 60
    assert answers[0].json()["object"] == "list" and answers[1].json()["object"] == "trackerGps"
    assert answers[1].json()["data"]["imei"] == imei
    errors = [c.get(TR + "/trackerGps"), c.get(TR + "/trackerGps", params={"limit": "x"}, auth=TR_AUTH)]
    for r in errors:
        assert {"code", "message", "count_api", "reset_count_api"} <= set(r.json())


def test_T4_limit_and_skip_paging_example(client):
    first = client.get(TR + "/trackerGps", params={"limit": 50, "skip": 0}, auth=TR_AUTH).json()
    assert len(first["data"]) == 50 and first["has_more"] is True
    second = client.get(TR + "/trackerGps", params={"limit": 50, "skip": 50}, auth=TR_AUTH).json()
    assert len(second["data"]) == 30 and second["has_more"] is False
    imeis = [t["imei"] for t in first["data"] + second["data"]]
    assert len(set(imeis)) == 80
    assert all(re.fullmatch(r"\d{15}", i) for i in imeis)
    assert re.fullmatch(r".+ - [A-Z]{2}\d{3}[A-Z]{2}", first["data"][0]["name"])
    assert all(36 < t["lat"] < 47.5 and 6 < t["lng"] < 19 for t in first["data"] + second["data"])
    assert client.get(TR + "/trackerGps", params={"skip": 80}, auth=TR_AUTH).json()["data"] == []


def test_T5_flood_wait_after_the_limit(make_sandbox):
    clock = FakeClock()
    origin = make_sandbox(trackingram_limit=3, clock=clock)
    with httpx.Client(base_url=origin) as c:
        counts = []
        for _ in range(3):
            body = c.get(TR + "/trackerGps", params={"limit": 1}, auth=TR_AUTH).json()
            counts.append((body["count_api"], body["reset_count_api"]))
            clock.advance(10)
        assert counts == [(1, 60), (2, 50), (3, 40)]
        r = c.get(TR + "/trackerGps", auth=TR_AUTH)
        assert r.status_code == 400
        body = r.json()
        assert body["message"] == "FLOOD_WAIT_30" and body["reset_count_api"] == 30 and body["count_api"] == 4
        clock.advance(29.5)
        assert c.get(TR + "/trackerGps", auth=TR_AUTH).json()["message"] == "FLOOD_WAIT_1"
        clock.advance(0.5)
        body = c.get(TR + "/trackerGps", params={"limit": 1}, auth=TR_AUTH).json()
        assert body["count_api"] == 1 and body["reset_count_api"] == 60 and len(body["data"]) == 1


def test_T5_default_limit_is_120(make_sandbox):
    origin = make_sandbox(clock=FakeClock())
    with httpx.Client(base_url=origin) as c:
        answers = [c.get(TR + "/trackerGps", params={"limit": 1}, auth=TR_AUTH) for _ in range(121)]
    assert [r.status_code for r in answers[:120]] == [200] * 120
    assert answers[120].status_code == 400 and answers[120].json()["message"] == "FLOOD_WAIT_60"


def test_T6_every_error_is_400_with_code_and_message(client):
    cases = [
        client.get(TR + "/trackerGps"),
        client.get(TR + "/trackerGps", auth=("demo@trackingram.example", "x")),
        client.get(TR + "/trackerGps", params={"limit": "many"}, auth=TR_AUTH),
        client.get(TR + "/trackerGps", params={"skip": -1}, auth=TR_AUTH),
        client.get(TR + "/trackerGps/000000000000000", auth=TR_AUTH),
    ]
    for r in cases:
        assert r.status_code == 400
        body = r.json()
        assert body["code"] == 400 and isinstance(body["message"], str)
    assert cases[2].json()["message"] == "GENERIC ERROR"
