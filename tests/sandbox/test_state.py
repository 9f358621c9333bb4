"""The main resources are stateful per server: create, see it listed, update, delete."""

from __future__ import annotations

import httpx

from sandbox_helpers import GC, GC_READONLY, GC_TOKEN, NF, TR, TR_AUTH

H = {"GoCache-Token": GC_TOKEN}


def _login(c: httpx.Client, who: str = "ana") -> dict[str, str]:
    return {"private_token": c.post(NF + "/login", data={"login": who, "password": "sandbox"}).json()["private_token"]}


def _all_pages(c: httpx.Client, path: str, **params) -> list[dict]:
    out, page = [], 1
    while True:
        r = c.get(NF + path, params={**params, "page": page, "per_page": 100})
        assert r.status_code == 200
        out += r.json()
        if 'rel="next"' not in r.headers.get("link", ""):
            return out
        page += 1


def test_noosfero_community_lifecycle(private):
    c = private()
    ana = _login(c)
    before = int(c.get(NF + "/communities").headers["total"])
    r = c.post(NF + "/communities", params=ana,
               json={"community": {"name": "Grupo de Leitura Machado", "description": "Clássicos"}})
    assert r.status_code == 201
    cid = r.json()["id"]
    assert int(c.get(NF + "/communities").headers["total"]) == before + 1
    assert cid in {x["id"] for x in c.get(NF + "/communities", params={"search": "machado"}).json()}
    r = c.post(NF + f"/profiles/{cid}", params=ana, json={"profile": {"name": "Leitura Machado de Assis"}})
    assert r.status_code == 201
    assert c.get(NF + f"/communities/{cid}").json()["name"] == "Leitura Machado de Assis"
    members = c.get(NF + f"/profiles/{cid}/members").json()
    assert [m["identifier"] for m in members] == ["ana"]
    assert c.delete(NF + f"/profiles/{cid}", params=ana).status_code == 200
    assert c.get(NF + f"/communities/{cid}").status_code == 404
    assert int(c.get(NF + "/communities").headers["total"]) == before
    assert c.delete(NF + f"/profiles/{cid}", params=ana).status_code == 200  # idempotent


def test_noosfero_people_create_update(private):
    c = private()
    admin = _login(c, "admin")
    r = c.post(NF + "/people", params=admin, json={"person": {"login": "carlos", "email": "c@example.com",
                                                              "password": "segredo1", "name": "Carlos"}})
    assert r.status_code == 201
    pid = r.json()["id"]
    assert any(p["id"] == pid for p in _all_pages(c, "/people"))
    assert c.post(NF + "/login", data={"login": "carlos", "password": "segredo1"}).status_code == 201
    r = c.post(NF + f"/people/{pid}", params=admin, json={"person": {"name": "Carlos Drummond"}})
    assert r.status_code == 201 and r.json()["name"] == "Carlos Drummond"
    assert c.get(NF + f"/people/{pid}").json()["name"] == "Carlos Drummond"


def test_noosfero_article_and_comment_lifecycle(private):
    c = private()
    ana = _login(c)
    community = c.get(NF + "/people/1/communities").json()[0]["id"]
    r = c.post(NF + f"/communities/{community}/articles", params=ana,
               json={"article": {"name": "Mutirão de domingo", "body": "<p>Tragam luvas.</p>"}})
    assert r.status_code == 201
    art = r.json()
    assert art["author"]["identifier"] == "ana" and art["profile"]["id"] == community
    listed = c.get(NF + f"/communities/{community}/articles").json()
    assert listed[0]["id"] == art["id"]  # newest first
    r = c.post(NF + f"/articles/{art['id']}/comments", params=ana, json={"comment": {"body": "Eu vou!"}})
    assert r.status_code == 201
    com = r.json()
    comments = c.get(NF + f"/articles/{art['id']}/comments").json()
    assert [x["body"] for x in comments] == ["Eu vou!"]
    assert c.get(NF + f"/articles/{art['id']}").json()["comments_count"] == 1
    bad = c.post(NF + f"/articles/{art['id']}/comments", params=ana, json={"comment": {"body": ""}})
    assert bad.status_code == 400  # as the code does (400, not 422)
    assert c.delete(NF + f"/articles/{art['id']}/comments/{com['id']}", params=ana).status_code == 200
    assert c.get(NF + f"/articles/{art['id']}/comments").json() == []
    r = c.post(NF + f"/articles/{art['id']}", params=ana, json={"article": {"body": "<p>Adiado.</p>"}})
    assert r.status_code == 201 and r.json()["body"] == "<p>Adiado.</p>"
    assert c.delete(NF + f"/articles/{art['id']}", params=ana).status_code == 200
    assert c.get(NF + f"/articles/{art['id']}").status_code == 404


def test_noosfero_permissions_on_others_content(private):
    c = private()
    ana = _login(c)
    others = next(a for a in c.get(NF + "/articles", params={"per_page": 50}).json()
                  if "allow_edit" not in a["permissions"])
    r = c.post(NF + f"/articles/{others['id']}", params={**ana, "private_token": ana["private_token"]},
               json={"article": {"name": "hack"}})
    assert r.status_code == 403
    admin = _login(c, "admin")
    assert c.post(NF + f"/articles/{others['id']}", params=admin,
                  json={"article": {"name": "Moderado"}}).status_code == 201


def test_noosfero_state_is_per_server(private):
    a, b = private(), private()
    ana = _login(a)
    a.post(NF + "/communities", params=ana, json={"community": {"name": "Só no servidor A"}})
    assert a.get(NF + "/communities", params={"search": "servidor a"}).json()
    assert b.get(NF + "/communities", params={"search": "servidor a"}).json() == []


def test_noosfero_seeded_data_has_depth(client):
    assert int(client.get(NF + "/communities").headers["total"]) >= 250
    assert int(client.get(NF + "/people").headers["total"]) >= 120
    assert int(client.get(NF + "/articles").headers["total"]) >= 300
    arts = client.get(NF + "/articles", params={"per_page": 50}).json()
    assert sum(a["comments_count"] for a in arts) > 50
    assert any("ç" in a["title"] or "ã" in a["title"] or "ó" in a["title"] for a in arts)


def test_gocache_domain_lifecycle(private):
    c = private()
    r = c.post(GC + "/domain/novaloja.com.br", headers=H, data={"cdn_mode": "cname"})
    assert r.status_code == 200 and r.json() == {"response": {"domains": ["novaloja.com.br"]}}
    assert "novaloja.com.br" in c.get(GC + "/domain", headers=H).json()["response"]["domains"]
    r = c.put(GC + "/domain/novaloja.com.br", headers=H, data={"cache_ttl": "600", "waf_status": "true"})
    assert r.json() == {"response": {"cache_ttl": "600", "waf_status": "true"}}
    settings = c.get(GC + "/domain/novaloja.com.br", headers=H).json()["response"]
    assert settings["cache_ttl"] == "600" and settings["cdn_mode"] == "cname"
    assert c.put(GC + "/domain/novaloja.com.br", headers=H, data={"waf_status": "talvez"}).status_code == 400
    assert c.delete(GC + "/domain/novaloja.com.br", headers=H).json() == {"msg": "Success"}
    assert c.get(GC + "/domain/novaloja.com.br", headers=H).status_code == 404


def test_gocache_dns_lifecycle(private):
    c = private()
    r = c.post(GC + "/dns/example.com.br", headers=H,
               data={"name": "loja", "type": "A", "content": "203.0.113.50", "ttl": "300", "cloud": "1"})
    assert r.status_code == 200
    created = r.json()["response"]["records"][0]
    assert isinstance(created["record_id"], int) and created["name"] == "loja.example.com.br"
    rid = str(created["record_id"])
    one = c.get(GC + f"/dns/example.com.br/{rid}", headers=H).json()["response"]["records"]
    assert isinstance(one, dict) and one["record_id"] == rid and one["ttl"] == "300"
    r = c.put(GC + "/dns/example.com.br", headers=H,
              data={"record_id": rid, "name": "loja", "type": "A", "content": "203.0.113.51", "ttl": "600"})
    assert r.json()["response"]["records"][0]["content"] == "203.0.113.51"
    # DELETE with a form body
    r = c.request("DELETE", GC + "/dns/example.com.br", headers=H, data={"record_id": rid})
    assert r.json() == {"status_code": 1, "response": "Success"}
    ids = [x["record_id"] for x in c.get(GC + "/dns/example.com.br", headers=H).json()["response"]["records"]]
    assert rid not in ids
    assert c.request("DELETE", GC + "/dns/example.com.br", headers=H, data={}).json() == {
        "error": "Parameter record_id is required"}


def test_gocache_smart_rules_with_bracket_forms(private):
    c = private()
    body = ("match[host]=www.example.com.br&match[request_uri]=/api/*"
            "&match[request_method]=GET&match[request_method]=POST"
            "&action[action]=challenge&metadata[notes]=teste")
    r = c.post(GC + "/rules/firewall/example.com.br", content=body,
               headers={**H, "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    rid = r.json()["response"]["id"]
    assert len(rid) == 16
    rules = c.get(GC + "/rules/firewall/example.com.br", headers=H).json()["response"]["rules"]
    rule = next(x for x in rules if x["id"] == rid)
    assert rule["match"]["request_method"] == ["GET", "POST"]
    assert rule["action"] == {"action": "challenge"} and rule["metadata"]["status"] == "true"
    r = c.put(GC + f"/rules/firewall/example.com.br/{rid}", headers=H, json={"action": {"action": "block"}})
    assert r.json()["response"]["action"]["action"] == "block"
    assert c.delete(GC + f"/rules/firewall/example.com.br/{rid}", headers=H).json() == {"response": {"msg": "Success"}}
    # a type without rules answers an empty object, as the real API does
    c.request("DELETE", GC + "/rules/bulk/ratelimit/example.com.br", headers=H)
    assert c.get(GC + "/rules/ratelimit/example.com.br", headers=H).json() == {"response": {"rules": {}}}


def test_gocache_cache_purges_forms(private):
    c = private()
    for body in ("urls[1]=http://www.example.com.br/a.jpg&urls[2]=https://example.com.br/b/*",
                 "urls[]=http://www.example.com.br/a.jpg&urls[]=https://example.com.br/b/*",
                 "urls[0]=http://www.example.com.br/a.jpg&urls[1]=https://example.com.br/b/*"):
        r = c.request("DELETE", GC + "/cache/example.com.br", content=body,
                      headers={**H, "Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 202
        assert r.json() == {"response": {"urls_accepted": ["http://www.example.com.br/a.jpg",
                                                           "https://example.com.br/b/*"]}}
    r = c.request("DELETE", GC + "/cache/example.com.br", headers=H,
                  json={"urls": ["http://www.example.com.br/x", "http://outro.com.br/y"]})
    assert r.status_code == 400 and r.json() == {"response": {"urls_wrong_format": ["http://outro.com.br/y"]}}
    r = c.request("DELETE", GC + "/cache/example.com.br", headers=H, data={"tag[1]": "produtos"})
    assert r.status_code == 202 and r.json()["response"]["tags_accepted"] == ["produtos"]
    assert c.request("DELETE", GC + "/cache/example.com.br", headers=H).json() == {
        "error": "Parameter urls is required"}
    history = c.get(GC + "/history/", headers=H, params={"type": "cache"}).json()["response"]
    assert len(history) == 4


def test_gocache_readonly_token_reads_but_never_writes(private):
    c = private()
    ro = {"GoCache-Token": GC_READONLY}
    assert c.get(GC + "/dns/example.com.br", headers=ro).status_code == 200
    for method, path, data in (("POST", "/domain/x.com.br", {}), ("PUT", "/domain/example.com.br", {"cache_ttl": "1"}),
                               ("DELETE", "/domain/example.com.br", None),
                               ("DELETE", "/cache/example.com.br", {"urls[1]": "http://example.com.br/a"})):
        r = c.request(method, GC + path, headers=ro, data=data)
        assert r.status_code == 403 and "error" in r.json(), (method, path)
    assert c.get(GC + "/domain/example.com.br", headers=ro).json()["response"]["cache_ttl"] == "86400"


def test_gocache_seeded_data(private):
    client = private()  # a private server: the shared one's GoCache token budget is for everyone
    domains = client.get(GC + "/domain", headers=H).json()["response"]["domains"]
    assert len(domains) >= 3
    for d in domains[:3]:
        assert client.get(GC + f"/dns/{d}", headers=H).json()["response"]["records"]
        assert client.get(GC + f"/ssl/certificate/{d}", headers=H).json()["response"]["certificates"]
        rules = client.get(GC + f"/rules/firewall/{d}", headers=H).json()["response"]["rules"]
        assert rules
    r = client.get(GC + f"/analytics/{domains[0]}", headers=H,
                   params={"graph": "custom", "interval": "1h", "from": 1717000000, "to": 1717086400})
    traffic = r.json()["response"]["traffic"]["requests"]["total"]
    assert len(traffic) == 24 and all(isinstance(x, int) for x in traffic)
    again = client.get(GC + f"/analytics/{domains[0]}", headers=H,
                       params={"graph": "custom", "interval": "1h", "from": 1717000000, "to": 1717086400})
    assert again.json() == r.json()  # deterministic


def test_trackingram_positions_history(client):
    trackers = client.get(TR + "/trackerGps", params={"limit": 3}, auth=TR_AUTH).json()["data"]
    imei = trackers[0]["imei"]
    r = client.get(TR + f"/trackerGps/{imei}/positions", auth=TR_AUTH,
                   params={"start": 0, "stop": 2 * 10**12, "limit": 1000})
    pts = r.json()["data"]
    assert len(pts) > 50
    stamps = [p["timestamp"] for p in pts]
    assert stamps == sorted(stamps)
    assert pts[-1]["timestamp"] == trackers[0]["timestamp_position"]
    assert all(("odometer" in p) == (p["type"] == 5) for p in pts)
    mid = stamps[len(stamps) // 2]
    later = client.get(TR + f"/trackerGps/{imei}/positions", auth=TR_AUTH,
                       params={"start": mid, "stop": 2 * 10**12, "limit": 1000}).json()["data"]
    assert later and all(p["timestamp"] >= mid for p in later)
    stops = client.get(TR + f"/trackerGps/{imei}/positions", auth=TR_AUTH,
                       params={"start": 0, "stop": 2 * 10**12, "filter_type": "5"}).json()["data"]
    assert stops and all(p["type"] == 5 for p in stops)
    page = client.get(TR + f"/trackerGps/{imei}/positions", auth=TR_AUTH,
                      params={"start": 0, "stop": 2 * 10**12, "limit": 10, "skip": 10}).json()
    assert page["data"] == pts[10:20] and page["has_more"] is True
