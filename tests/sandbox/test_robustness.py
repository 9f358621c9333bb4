"""Odd requests and load: the sandbox answers in the provider's shape and keeps serving."""

from __future__ import annotations

import concurrent.futures
import socket

import httpx

from sandbox_helpers import GC, GC_TOKEN, NF, TR, TR_AUTH

H = {"GoCache-Token": GC_TOKEN}


def test_options_and_head(client):
    r = client.options(NF + "/communities")
    assert r.status_code == 204 and "GET" in r.headers["allow"] and "POST" in r.headers["allow"]
    head = client.head(NF + "/communities")
    get = client.get(NF + "/communities")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["total"] == get.headers["total"]


def test_invalid_json_body_is_a_400_in_provider_shape(client, ana_token):
    r = client.post(NF + "/communities", params={"private_token": ana_token}, content=b"{not json",
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "error" in r.json()
    r = client.post(GC + "/dns/example.com.br", headers={**H, "Content-Type": "application/json"}, content=b"[1,")
    assert r.status_code == 400 and "error" in r.json()


def test_oversized_body_is_refused_without_reading_it(sandbox_url):
    host, port = sandbox_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(f"POST {NF}/login HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\nabc".encode())
        data = s.recv(65536)
    assert data.startswith(b"HTTP/1.1 413")


def test_chunked_request_body(client):
    def gen():
        yield b'{"login": "ana", '
        yield b'"password": "sandbox"}'

    r = client.post(NF + "/login", content=gen(), headers={"Content-Type": "application/json"})
    assert r.status_code == 201 and r.json()["login"] == "ana"


def test_gocache_json_body_also_on_form_endpoints(private):
    c = private()
    r = c.post(GC + "/rules/firewall/example.com.br", headers=H,
               json={"match": {"host": "api.example.com.br", "request_method": ["PUT"]},
                     "action": {"action": "block"}})
    assert r.status_code == 200
    rules = c.get(GC + "/rules/firewall/example.com.br", headers=H).json()["response"]["rules"]
    assert any(x["match"].get("request_method") == ["PUT"] for x in rules)
    r = c.request("DELETE", GC + "/cache/example.com.br", headers={**H, "Content-Type": "application/json"},
                  content=b"urls[1]=http://example.com.br/a")  # a form sent as JSON, as a Magento plugin does
    assert r.status_code == 400  # not valid JSON: said so, instead of guessing


def test_concurrent_clients(make_sandbox):
    origin = make_sandbox(trackingram_limit=10_000)

    def work(n: int) -> list[int]:
        with httpx.Client(base_url=origin, timeout=20) as c:
            codes = []
            for i in range(15):
                codes.append(c.get(NF + "/communities", params={"page": (n + i) % 13 + 1}).status_code)
                codes.append(c.get(TR + "/trackerGps", params={"limit": 5, "skip": i}, auth=TR_AUTH).status_code)
            return codes

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = [code for codes in pool.map(work, range(8)) for code in codes]
    assert results == [200] * (8 * 15 * 2)


def test_a_simulator_bug_answers_500_in_provider_shape(make_sandbox):
    from tui.sandbox.server import SandboxServer

    server = SandboxServer()
    server.start()
    try:
        route, _, _ = server.gocache.router.match("GET", "/plan")

        def broken(req):
            raise KeyError("boom")

        route.handler = broken
        r = httpx.get(server.origin + GC + "/plan", headers=H)
        assert r.status_code == 500 and r.json() == {"error": "Internal server error"}
        assert httpx.get(server.origin + GC + "/domain", headers=H).status_code == 200
    finally:
        server.stop()


def test_noosfero_plugin_routes_answer(client, ana_token):
    p = {"private_token": ana_token}
    art = client.get(NF + "/articles", params={"per_page": 1}).json()[0]["id"]
    for path in (f"/articles/{art}/comment_paragraph_plugin/comments",
                 f"/articles/{art}/comment_paragraph_plugin/comments/count", "/search?query=software",
                 "/search/types", "/search/sort_types", "/people/1/tags",
                 "/push_notification_plugin/device_tokens", "/push_notification_plugin/notification_settings",
                 "/push_notification_plugin/possible_notifications",
                 "/push_notification_plugin/active_notifications",
                 "/push_notification_plugin/inactive_notifications"):
        r = client.get(NF + path, params=p)
        assert r.status_code == 200, path
        assert isinstance(r.json(), (list, dict)), path
    r = client.get(NF + f"/articles/{art}/comment_paragraph_plugin/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    r = client.post(NF + "/push_notification_plugin/device_tokens", params=p,
                    data={"token": "abc", "device_name": "celular"})
    assert r.status_code == 201 and r.json()["device_tokens"][0]["token"] == "abc"


def test_trackingram_counters_count_only_authenticated_calls(private):
    c = private()
    for _ in range(3):
        assert c.get(TR + "/trackerGps").json()["count_api"] == 0
    assert c.get(TR + "/trackerGps", auth=TR_AUTH).json()["count_api"] == 1


def test_noosfero_fields_and_count(client):
    r = client.get(NF + "/communities", params={"fields": "id,name", "per_page": 3})
    assert [set(x) for x in r.json()] == [{"id", "name"}] * 3
    r = client.get(NF + "/communities/131", params={"fields": '{"only": ["identifier"]}'})
    assert set(r.json()) == {"identifier"}
    r = client.get(NF + "/communities/131", params={"fields": '{"except": ["image", "region"]}'})
    assert "image" not in r.json() and "name" in r.json()
    r = client.get(NF + "/communities", params={"count": "true"})
    assert r.json() == {"count": int(client.get(NF + "/communities").headers["total"])}


def test_noosfero_article_by_path_glob(client):
    blog_child = next(a for a in client.get(NF + "/articles", params={"per_page": 50}).json()
                      if a["parent_id"] and "/" in a["path"])
    prof = blog_child["profile"]["id"]
    for url in (NF + f"/profiles/{prof}/articles/{blog_child['path']}",
                NF + f"/profiles/{prof}/articles/" + blog_child["path"].replace("/", "%2F")):
        r = client.get(url, params={"key": "path"})
        assert r.status_code == 200 and r.json()["id"] == blog_child["id"], url


def test_digits_that_are_not_decimal_are_not_ids(client, ana_token):
    """"¹".isdigit() is true but int() refuses it: such ids, ttls and form keys are plain text (a 404
    or a 400), never a 500 (found by the fuzzer)."""
    for path in ("/communities/¹", "/articles/²", "/people/³/communities", "/users/¹"):
        r = client.get(NF + path, params={"private_token": ana_token})
        assert r.status_code in (400, 404), (path, r.status_code, r.text[:200])
    r = client.get(GC + "/cache/example.com.br", headers=H, params={"ttl": "¹"})
    assert r.status_code < 500, r.text[:200]
    r = client.post(NF + "/communities", params={"private_token": ana_token},
                    data={"community[name]": "Superscripts", "community[category_ids][¹]": "2"})
    assert r.status_code < 500, r.text[:200]


def test_an_integer_beyond_64_bits_is_answered_not_a_500():
    """The fuzzer sent a number wider than 64 bits that an answer echoed back: orjson refuses to
    write it, and the sandbox answered 500. JSON has no such limit: the number is written as is."""
    import json
    from datetime import datetime, timezone

    from tui.sandbox.web import dumps, json_response

    wide = 10**20
    assert json.loads(dumps({"id": wide, 7: "seven"})) == {"id": wide, "7": "seven"}
    when = datetime(2024, 6, 10, 9, 45, tzinfo=timezone.utc)
    assert json.loads(dumps({"id": wide, "at": when}))["at"] == when.isoformat()
    response = json_response(201, {"reply_of_id": wide})
    assert response.status == 201 and json.loads(response.body) == {"reply_of_id": wide}
