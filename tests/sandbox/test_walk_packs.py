"""Every endpoint of every built-in pack answers, over a real socket, in its provider's own shape.

The requests are built by the app's own request builder (tui.core.request.build_request) from
the packs, so this also checks that what the app sends is what the sandbox understands.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tui.core.model import ValidationError
from tui.core.packs import load_providers
from tui.core.request import build_request
from tui.sandbox.server import SandboxServer

PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2FuZHk=\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"
#: Answers that are documented non-2xx with the walk's values (no session cookie in the sandbox).
EXPECTED = {"POST /login_from_cookie": 401}
ORDER = {"GET": 0, "HEAD": 0, "POST": 1, "PUT": 2, "PATCH": 2, "DELETE": 3}


@pytest.fixture(scope="module")
def world():
    providers, warnings = load_providers()
    assert not warnings, warnings
    server = SandboxServer(port=0)
    server.start()
    yield server, {p.id: p for p in providers}
    server.stop()


def _send(client: httpx.Client, prepared) -> httpx.Response:
    headers = dict(prepared.headers)
    return client.request(prepared.method, prepared.url, headers=headers, content=prepared.body,
                          auth=prepared.basic_auth)


def _shape_ok(provider: str, r: httpx.Response) -> str | None:
    """None when the answer has the provider's shape, else what is wrong."""
    if r.status_code >= 500:
        return f"server error {r.status_code}: {r.text[:200]}"
    if r.status_code == 405:
        return "405: the sandbox does not know this method on this path"
    ctype = r.headers.get("content-type", "")
    if not ctype.startswith("application/json"):
        if ctype.startswith(("image/", "text/csv")) and r.status_code == 200:
            return None
        return f"not JSON: {ctype}"
    body = r.json()
    if provider == "trackingram":
        if not isinstance(body, dict) or "count_api" not in body or "reset_count_api" not in body:
            return f"no envelope counters: {body!r:.200}"
        if r.status_code == 200 and not {"object", "data", "has_more"} <= set(body):
            return f"no envelope: {body!r:.200}"
        if r.status_code != 200 and not {"code", "message"} <= set(body):
            return f"bad error body: {body!r:.200}"
    elif provider == "gocache":
        if not isinstance(body, dict):
            return f"not an object: {body!r:.200}"
        known = {"response", "msg", "error", "status_code", "ids", "token", "success"}
        if not known & set(body):
            return f"none of {sorted(known)} in {sorted(body)}"
        if r.status_code >= 400 and not ({"error", "msg"} & set(body) or "urls_wrong_format" in str(body)):
            return f"error without error/msg: {body!r:.200}"
    else:
        if r.status_code >= 400:
            ok = isinstance(body, dict) and (
                {"success", "message", "code"} <= set(body) or "error" in body or "errors" in body)
            if not ok:
                return f"bad error body: {body!r:.200}"
        elif not isinstance(body, (list, dict)):
            return f"not a list or object: {body!r:.200}"
    return None


# ---------------------------------------------------------------------------------------- values


def gocache_values(server: SandboxServer, client: httpx.Client, origin: str) -> Any:
    gc = server.gocache
    dom = gc.domains["example.com.br"]
    headers = {"GoCache-Token": "sandbox-gocache-token"}
    base = origin + "/gocache/v1"
    bulks = [client.post(base + "/rules/bulk/firewall/example.com.br", headers=headers,
                         json=[{"match": {"host": "a.example.com.br"}, "action": {"action": "block"}}]
                         ).json()["response"]["bulk_id"] for _ in range(3)]
    token = client.post(base + "/token", headers=headers, data={"email": "x@example.com.br"}).json()["token"]
    rule_hash = client.post(base + "/firewall", headers=headers,
                            data={"match[ip_address]": "198.51.100.200", "action[firewall]": "block"}
                            ).json()["response"]["id"]

    def values(ep) -> dict[str, Any]:
        m, path = ep.method, ep.path
        v: dict[str, Any] = {}
        names = {p.name for p in ep.params}
        if "domain" in names:
            v["domain"] = {("POST", "/domain/{domain}"): "walk-novo.com.br",
                           ("DELETE", "/domain/{domain}"): "cafedoparana.com.br",
                           ("POST", "/dns/dnssec/{domain}"): "minhaloja.com.br"}.get((m, path), "example.com.br")
        if "domain_or_namespace_id" in names:
            v["domain_or_namespace_id"] = "example.com.br"
        if "type" in names and "{type}" in path:
            v["type"] = "rewrite" if (m, path) == ("DELETE", "/rules/bulk/{type}/{domain}") else "firewall"
        if "record_id" in names:
            v["record_id"] = dom["dns"][1 if m == "DELETE" else 0]["record_id"]
        if "{id}" in path:
            if path.startswith("/rules/"):
                v["id"] = dom["rules"]["firewall"][0]["id"]
            elif path.startswith("/mtls/"):
                v["id"] = dom["mtls"][0]["id"]
            else:
                v["id"] = "1"
        if "bulk_id" in names:
            v["bulk_id"] = str(bulks[{"PUT": 0, "POST": 1, "DELETE": 2}[m]])
        if "file_id" in names:
            v["file_id"] = next(iter(dom["api_firewall"]))
        if "{token}" in path:
            v["token"] = token
        if "rule_hash" in names:
            v["rule_hash"] = rule_hash
        body = {
            ("POST", "/login"): {"email": "sandbox@gocache.example", "password": "sandbox"},
            ("POST", "/user"): {"email": "nova@example.com.br"},
            ("PUT", "/domain-list/{id}"): {"domain[]": ["example.com.br"], "name": "Lista"},
            ("PUT", "/action-list/{id}"): {"name": "Ações"},
            ("PUT", "/domain/{domain}"): {"cache_ttl": 3600, "gzip_status": True},
            ("POST", "/domain/{domain}"): {"cdn_mode": "cname"},
            ("POST", "/dns/{domain}"): {"name": "walk", "type": "A", "content": "203.0.113.99", "ttl": 300},
            ("PUT", "/dns/{domain}"): {"record_id": v.get("record_id"), "name": "www", "type": "CNAME",
                                       "content": "novo.example.com.br", "ttl": 300},
            ("DELETE", "/dns/{domain}"): {"record_id": v.get("record_id")},
            ("DELETE", "/cache/{domain}"): {"urls[]": ["http://www.example.com.br/a.jpg"]},
            ("POST", "/ssl/certificate/{domain}"): {"certificate": PEM, "privatekey": KEY, "enable": True},
            ("PUT", "/ssl/certificate/{domain}"): {"certificate.type": "custom", "certificate.enable": True},
            ("POST", "/mtls/{domain}"): {"name": "CA", "hostnames": ["admin.example.com.br"], "certificate": PEM},
            ("POST", "/rules/{type}/{domain}"): {"match[host]": "www.example.com.br", "action": {"action": "block"}},
            ("PUT", "/rules/{type}/{domain}/{id}"): {"metadata[notes]": "alterada"},
            ("POST", "/rules/bulk/{type}/{domain}"): {"body": [{"match": {"host": "b.example.com.br"},
                                                                "action": {"action": "block"}}]},
            ("PUT", "/rules/bulk/{type}/{domain}/{bulk_id}"): {"body": [{"match": {"host": "c.example.com.br"},
                                                                         "action": {"action": "block"}}]},
            ("PUT", "/bot-mitigation/{domain_or_namespace_id}"): {"vuln-scanner": "block"},
            ("POST", "/api-firewall/{domain}"): {"body": b'{"openapi": "3.0.0", "info": {"title": "T", "version": "1"}}'},
            ("POST", "/firewall"): {"match[ip_address]": "198.51.100.7", "action[firewall]": "block"},
            ("POST", "/threat-hub/events"): {"start_date": 1717000000, "end_date": 1718000000},
            ("GET", "/analytics/{domain}"): {"graph": "custom", "interval": "1h", "from": 1717000000,
                                             "to": 1717086400},
        }.get((m, path), {})
        for k, val in body.items():
            if ep.param(k) is not None:
                v[k] = val
        return v

    return values, dict(server.gocache.tokens and {"token": "sandbox-gocache-token"})


def noosfero_values(server: SandboxServer, client: httpx.Client, origin: str) -> Any:
    db = server.noosfero.db
    admin = client.post(origin + "/noosfero/api/v1/login", json={"login": "admin", "password": "sandbox"}).json()
    blog = next(a for a in db["articles"].values() if any(c["parent_id"] == a["id"] for c in db["articles"].values()))
    child = next(c for c in db["articles"].values() if c["parent_id"] == blog["id"])
    commented = [a for a in db["articles"].values()
                 if a["id"] != blog["id"] and db["profiles"][a["profile_id"]]["type"] == "Community"
                 and any(c["article_id"] == a["id"] for c in db["comments"].values())]
    art = commented[0]
    doomed = commented[1]
    comments = [c for c in db["comments"].values() if c["article_id"] == art["id"]]
    community = next(p for p in db["profiles"].values() if p["type"] == "Community")
    enterprise = next(p for p in db["profiles"].values() if p["type"] == "Enterprise"
                      and any(a["profile_id"] == p["id"] for a in db["articles"].values())
                      and any(t["target_id"] == p["id"] for t in db["tasks"].values()))
    doomed_community = [p for p in db["profiles"].values() if p["type"] == "Community"][-1]
    env_tasks = [t for t in db["tasks"].values() if t["target_type"] == "Environment" and t["status"] == 1]
    community_task = next(t for t in db["tasks"].values() if t["target_id"] == community["id"])
    scrap = next(s for s in db["scraps"].values() if s["scrap_id"] is None)

    def values(ep) -> dict[str, Any]:
        m, path = ep.method, ep.path
        v: dict[str, Any] = {}
        names = {p.name for p in ep.params if p.location == "path"}
        if path.startswith("/articles/{id}"):
            v["id"] = blog["id"] if "/children" in path else (doomed["id"] if (m, path) == ("DELETE", "/articles/{id}") else art["id"])
        if "child_id" in names:
            v["child_id"] = child["id"]
        if "comment_id" in names:
            v["comment_id"] = comments[0]["id"]
        if path.startswith(("/profiles/{id}", "/profiles/{profile_id}")):
            pid = doomed_community["id"] if (m, path) == ("DELETE", "/profiles/{id}") else community["id"]
            v["id" if "id" in names and "profile_id" not in names else "profile_id"] = pid
            if "profile_id" in names and "id" in names:
                v["profile_id"] = 1
                v["id"] = scrap["id"] if "/scraps/" in path else art["id"]
        if path.startswith("/profiles/{profile_id}/articles/{id}"):
            v["profile_id"], v["id"] = art["profile_id"], art["id"]
        if path.startswith("/communities/{community_id}"):
            v["community_id"] = art["profile_id"] if "/articles" in path else community["id"]
            if path.endswith("/articles/{id}"):
                v["community_id"] = art["profile_id"]
                v["id"] = art["id"]
            if path.endswith("/tasks/{id}"):
                v["id"] = community_task["id"]
        if path.startswith("/communities/{id}"):
            v["id"] = community["id"]
        if path.startswith("/people/{person_id}"):
            v["person_id"] = 1
            if path.endswith("/articles/{id}"):
                own = next(a for a in db["articles"].values() if a["profile_id"] == 1 or db["profiles"][a["profile_id"]]["type"] == "Person")
                v["person_id"], v["id"] = own["profile_id"], own["id"]
            if path.endswith("/tasks/{id}"):
                v["id"] = next(t["id"] for t in db["tasks"].values() if t["target_id"] == 1)
        if path.startswith("/people/{id}"):
            v["id"] = 3 if m in ("POST", "DELETE") and path.endswith("/friends") else 1
            if path == "/people/{id}":
                v["id"] = 2
        if "friend_id" in names:
            v["friend_id"] = server.noosfero.friends_of(1)[0]
        if path.startswith("/enterprises/{enterprise_id}"):
            v["enterprise_id"] = enterprise["id"]
            if path.endswith("/articles/{id}"):
                own = next((a for a in db["articles"].values() if a["profile_id"] == enterprise["id"]), None)
                v["id"] = own["id"] if own else 1
            if path.endswith("/tasks/{id}"):
                v["id"] = next(t["id"] for t in db["tasks"].values() if t["target_id"] == enterprise["id"])
        if path.startswith("/enterprises/{id}"):
            v["id"] = enterprise["id"]
        if path.startswith("/users/{id}"):
            v["id"] = 2
        if path.startswith("/tasks/{id}"):
            v["id"] = env_tasks[0 if path.endswith("finish") else 1]["id"]
        if path.startswith(("/environments/{id}", "/environments/{environment_id}")):
            v["id" if "id" in names else "environment_id"] = 1
        if path.startswith("/blocks/{id}"):
            v["id"] = community["id"] * 100 + 11
        if path.startswith(("/categories/{id}", "/domains/{id}")):
            v["id"] = 1
        body = {
            "/login": {"login": "ana", "password": "sandbox"},
            "/register": {"email": "walk@rede.sandbox.example", "login": "walk", "password": "segredo1",
                          "password_confirmation": "segredo1"},
            "/activate": {"activation_token": db["users"][1]["activation_code"], "short_activation_code": "x"},
            "/forgot_password": {"value": "ana"},
            "/resend_activation_code": {"value": "ana"},
            "/new_password": {"code": db["users"][3]["activation_code"], "password": "nova123",
                              "password_confirmation": "nova123"},
            "/articles/{id}": {"article": {"title": "Título alterado"}},
            "/articles/{id}/report_abuse": {"report_abuse": "Spam"},
            "/articles/{id}/vote": {"value": 1},
            "/articles/{id}/children": {"article": {"name": "Filho novo", "body": "<p>Olá</p>"}},
            "/articles/{id}/children/suggest": {"article": {"name": "Sugestão"}},
            "/articles/{id}/comments": {"comment": {"body": "Comentário do teste"}},
            "/users/{id}": {"current_password": "sandbox", "new_password": "sandbox",
                            "new_password_confirmation": "sandbox"},
            "/communities": {"community": {"name": "Comunidade do Teste de Caminhada"}},
            "/communities/{id}/invite": {"contacts": "maria@example.com"},
            "/communities/{id}/contact": {"contact": {"name": "Maria", "email": "m@example.com",
                                                      "subject": "Oi", "message": "Olá"}},
            "/communities/{id}/membership": {"identifier": "ana"},
            "/people/{id}/friendship": {"friend_id": server.noosfero.friends_of(1)[0]},
            "/people": {"person": {"login": "pessoa.walk", "email": "pw@example.com", "password": "x1234567",
                                   "name": "Pessoa Walk"}},
            "/people/{id}": {"person": {"name": "Administração"}},
            "/articles/{id}/tags": {"tags": "teste,walk"},
            "/profiles/{id}/tags": {"tags": "teste,walk"},
            "/environments/{id}": {"environment": {"description": "Alterado"}},
            "/profiles/{id}/blocks/preview": {"block_type": "RawHTMLBlock"},
            "/environments/{id}/blocks/preview": {"block_type": "RawHTMLBlock"},
            "/blocks/{id}": {"block": {"title": "Novo título"}},
            "/profiles/{id}": {"profile": {"description": "Nova descrição"}},
            "/profiles/{id}/roles/assign": {"person_id": 1, "role_ids": [3]},
            "/profiles/{profile_id}/scraps": {"scrap": {"content": "Olá!"}},
            "/profiles/{id}/uploaded_files": {"file": b"%PDF-1.4 relatorio"},
        }.get(path, {})
        if path.endswith("/articles") and m == "POST":
            body = {"article": {"name": "Artigo novo", "body": "<p>Texto</p>"}}
        if path.endswith("/tasks") and m == "POST":
            body = {"task": {"type": "AddMember"}}
        for k, val in body.items():
            if ep.param(k) is not None:
                v[k] = val
        return v

    return values, {"token": admin["private_token"]}


def trackingram_values(server: SandboxServer, client: httpx.Client, origin: str) -> Any:
    imei = server.trackingram.trackers[0]["imei"]

    def values(ep) -> dict[str, Any]:
        v: dict[str, Any] = {}
        if ep.param("imei"):
            v["imei"] = imei
        if ep.param("start"):
            v["start"], v["stop"] = 1717800000000, 1718100000000
        return v

    return values, {"email": "demo@trackingram.example", "token": "sandbox-trackingram-token"}


VALUES = {"gocache": gocache_values, "noosfero": noosfero_values, "trackingram": trackingram_values}


@pytest.mark.parametrize("provider_id", ["gocache", "noosfero", "trackingram"])
def test_every_pack_endpoint_answers_in_provider_shape(world, provider_id):
    server, providers = world
    provider = providers[provider_id]
    app = {"gocache": server.gocache, "noosfero": server.noosfero, "trackingram": server.trackingram}[provider_id]
    base = provider.base_url("sandbox", sandbox_origin=server.origin)
    problems: list[str] = []
    non_2xx: list[str] = []
    with httpx.Client(timeout=10) as client:
        values_for, credentials = VALUES[provider_id](server, client, server.origin)
        for ep in sorted(provider.endpoints, key=lambda e: (ORDER.get(e.method, 9), e.path)):
            concrete = ep.path
            route, _, allowed = app.router.match(ep.method, ep.path.rstrip("/") or "/")
            if route is None and not allowed:
                problems.append(f"{ep.key}: no route in the sandbox")
                continue
            values = values_for(ep)
            try:
                prepared = build_request(provider, ep, values, base_url=base, credentials=credentials)
            except ValidationError as exc:
                problems.append(f"{ep.key}: the test's values do not validate: {exc}")
                continue
            r = _send(client, prepared)
            wrong = _shape_ok(provider_id, r)
            if wrong:
                problems.append(f"{ep.key} -> {r.status_code}: {wrong}")
            elif EXPECTED.get(ep.key, r.status_code) != r.status_code:
                problems.append(f"{ep.key} -> {r.status_code}, expected {EXPECTED[ep.key]}")
            elif not 200 <= r.status_code < 300 and ep.key not in EXPECTED:
                non_2xx.append(f"{ep.key} ({concrete}) -> {r.status_code} {r.text[:120]}")
    assert not problems, "\n".join(problems)
    # With the walk's values every endpoint should succeed; list the ones that did not.
    assert not non_2xx, "\n".join(non_2xx)
