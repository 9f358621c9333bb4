"""The GoCache simulator (API v1): domains, DNS, cache purges, smart rules, SSL, security, analytics.

Rules (../shared/seeds/README.md): G1 JSON everywhere; G2 the `GoCache-Token` header; G3 the status
codes (202 purges, 400 missing/invalid parameter, 401 no token, 403 no access, 404, 409 exists);
G4 bodies carry `response`, `msg` or `error`; G5 more than 100 requests a minute blocks the token.

Real behaviour copied from ../shared/reference/gocache_trackingram_notes.md: values are strings
("true", "86400"); `status_code: 1` where the clients show it; form bodies with bracket keys
(urls[1]=, urls[]=, match[host]=, repeated keys), also on DELETE; JSON bodies accepted everywhere;
a single DNS record comes back as an object, a list as an array; a type without rules answers
`"rules": {}`; DNSSEC delete without DNSSEC answers 428.

Sandbox choices: the read-only token gets 403 `{"error": ...}` on every write (any method but GET,
except the read-only query POST /threat-hub/events); a blocked token gets 403
`{"error": "Too many requests: more than N in a minute; this token is blocked for S s"}` with no
rate-limit headers; the legacy POST /login takes `sandbox@gocache.example` / `sandbox`.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

from .data import BASE_S, hex_token, rng
from .ratelimit import SlidingWindowLimiter
from .web import Request, Response, Router, as_list, json_response

TOKEN = "sandbox-gocache-token"
READONLY = "sandbox-gocache-readonly"
LOGIN_EMAIL = "sandbox@gocache.example"
LOGIN_PASSWORD = "sandbox"
RULE_TYPES = ("settings", "firewall", "rewrite", "ratelimit")
DNS_TYPES = ("A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA")
BOT_CATEGORIES = ("vuln-scanner", "exploitation-tool", "web-scraper", "hacking-utilities",
                  "host-discovery", "proxied-origin", "spam-bot", "ddos-bot",
                  "obfuscated-hacking-utilities", "worm-bot")
BOT_ACTIONS = ("block", "challenge", "simulate", "accept")
BOOL_SETTINGS = {
    "deploy_mode", "smart_status", "gzip_status", "ignore_vary", "ignore_cache_control",
    "ignore_expires", "cache_301", "cache_302", "cache_404", "header_device_type",
    "header_geoip_continent", "header_geoip_country", "header_geoip_org", "waf_status", "tls10",
    "tls11", "tls12", "image_optimize", "image_optimize_webp", "image_optimize_progressive",
    "image_optimize_metadata", "rate_limit_status", "rate_limit_ignore_known_bots",
    "rate_limit_ignore_static_content",
}
INT_SETTINGS = {"cache_ttl", "smart_ttl", "expires_ttl", "expire_bypass_sec", "image_optimize_level",
                "log_freq"}
ENUM_SETTINGS = {
    "smart_tpl": ("custom", "wordpress", "magento", "joomla", "drupal", "default", "none"),
    "cdn_mode": ("ns", "cname"),
    "ssl_mode": ("full", "partial", "flexible", "strict", "off"),
    "caching_behavior": ("default", "ignore_query_string", "full", "off"),
    "waf_level": ("low", "medium", "high"),
    "waf_mode": ("simulate", "block", "challenge"),
    "public_log": ("off", "v1", "v2", "true", "false"),
}
DEFAULT_SETTINGS = {
    "cache_ttl": "86400", "deploy_mode": "false", "smart_status": "true", "smart_tpl": "wordpress",
    "smart_ttl": "14400", "cdn_mode": "ns", "gzip_status": "true", "expires_ttl": "14400",
    "ignore_vary": "true", "ignore_cache_control": "true", "ignore_expires": "true",
    "ssl_mode": "full", "cache_301": "false", "cache_302": "false", "cache_404": "false",
    "header_device_type": "false", "header_geoip_continent": "false",
    "header_geoip_country": "false", "header_geoip_org": "false", "caching_behavior": "default",
    "waf_status": "false", "waf_level": "high", "waf_mode": "simulate", "expire_bypass_sec": "0",
    "tls10": "true", "tls11": "true", "tls12": "true", "image_optimize": "false",
    "image_optimize_webp": "false", "image_optimize_progressive": "false",
    "image_optimize_metadata": "false", "image_optimize_level": "80", "rate_limit_status": "false",
    "rate_limit_ignore_known_bots": "true", "rate_limit_ignore_static_content": "true",
    "public_log": "off", "log_freq": "5",
}
SEED_DOMAINS = ("example.com.br", "minhaloja.com.br", "portalnoticias.com.br", "cafedoparana.com.br")
PEM_CERT = "-----BEGIN CERTIFICATE-----"
PEM_KEY_RX = re.compile(r"-----BEGIN (RSA |EC )?PRIVATE KEY-----")
DOMAIN_RX = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")


def _err(status: int, message: str) -> Response:
    return json_response(status, {"error": message})


def _required(name: str) -> Response:
    return _err(400, f"Parameter {name} is required")


def _invalid(name: str) -> Response:
    return _err(400, f"Parameter {name} is invalid")


def _on_domain(fn):
    """The handler gets the domain named in the path, or the caller gets a 404."""

    @functools.wraps(fn)
    def wrapper(self, req: Request) -> Response:
        d = self._domain(req)
        return d if isinstance(d, Response) else fn(self, req, d)

    return wrapper


def _s(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class GoCacheApp:
    name = "gocache"

    def __init__(self, limit: int = 100, window_s: float = 60.0, clock=time.monotonic) -> None:
        self.limit = int(limit)
        self.limiter = SlidingWindowLimiter(limit, window_s, block_s=60.0, clock=clock)
        self.lock = threading.RLock()
        self.tokens: dict[str, dict[str, Any]] = {
            TOKEN: {"token": TOKEN, "email": "sandbox@gocache.example", "readonly": False},
            READONLY: {"token": READONLY, "email": "leitura@gocache.example", "readonly": True},
        }
        self.users = [
            {"created_at": "2023-03-14 10:12:40", "last_login": "2024-06-10 08:55:02",
             "name": "Sandbox", "own": True, "email": "sandbox@gocache.example"},
            {"created_at": "2023-05-02 16:40:11", "last_login": "2024-06-07 19:03:55",
             "name": "Mariana Souza", "own": False, "email": "mariana@minhaloja.com.br"},
            {"created_at": "2024-01-20 09:01:17", "last_login": "0000-00-00 00:00:00",
             "name": "Leitura", "own": False, "email": "leitura@gocache.example"},
        ]
        self.domain_lists = {"1": {"id": "1", "name": "Lojas", "type": "domain",
                                   "domain": ["minhaloja.com.br", "cafedoparana.com.br"]}}
        self.action_lists = {"1": {"id": "1", "name": "Bloqueio padrão", "items": {}}}
        self.domains: dict[str, dict[str, Any]] = {}
        self.history: list[dict[str, Any]] = []
        self.purges: list[dict[str, Any]] = []
        self.firewall: dict[str, dict[str, Any]] = {}
        self._seq = 99990
        self._bulk_seq = 1233
        for i, name in enumerate(SEED_DOMAINS):
            self._create_domain(name, seed=i)
        self.router = Router()
        self._routes()

    # ------------------------------------------------------------------ data
    def _next_id(self) -> int:
        self._seq += 1
        return self._seq

    def _create_domain(self, name: str, seed: int | None = None,
                       settings: dict[str, str] | None = None) -> dict[str, Any]:
        r = rng("gocache", name)
        d: dict[str, Any] = {
            "name": name,
            "settings": dict(DEFAULT_SETTINGS, **(settings or {})),
            "dns": [],
            "dnssec": None,
            "rules": {t: [] for t in RULE_TYPES},
            "bulks": {},
            "certs": [],
            "mtls": [],
            "bot": {c: BOT_ACTIONS[i % 4] for i, c in enumerate(BOT_CATEGORIES)},
            "api_firewall": {},
        }
        self.domains[name] = d
        if seed is None:
            return d
        if seed == 1:
            d["settings"].update(smart_tpl="magento", waf_status="true", waf_mode="block")
        ip = f"203.0.113.{10 + seed * 10}"
        recs = [
            ("www." + name, "CNAME", name, "3600", "1", None),
            (name, "A", ip, "3600", "1", None),
            (name, "AAAA", f"2001:db8::{seed + 1:x}", "3600", "1", None),
            (name, "MX", "mail." + name, "3600", "0", "10"),
            (name, "TXT", "v=spf1 include:_spf.google.com ~all", "3600", "0", None),
            ("mail." + name, "A", f"198.51.100.{20 + seed}", "3600", "0", None),
            ("static." + name, "CNAME", f"bucket-{seed}.s3.amazonaws.com", "14400", "1", None),
            ("api." + name, "A", f"203.0.113.{11 + seed * 10}", "300", "1", None),
        ]
        for rname, rtype, content, ttl, cloud, prio in recs:
            rec = {"record_id": str(self._next_id()), "name": rname, "type": rtype,
                   "content": content, "ttl": ttl, "cloud": cloud}
            if prio:
                rec["priority"] = prio
            d["dns"].append(rec)
        if seed == 0:
            d["dnssec"] = self._dnssec_keys(name)
        d["rules"]["firewall"].append({
            "id": hex_token(name, "rule", 1, length=16),
            "match": {"host": "www." + name, "request_uri": "/wp-admin/*", "scheme": "http*"},
            "action": {"action": "block"},
            "metadata": {"status": "true", "notes": "Bloqueia o painel administrativo"},
        })
        d["rules"]["firewall"].append({
            "id": hex_token(name, "rule", 2, length=16),
            "match": {"origin_country": "RU", "request_method": ["POST", "PUT"]},
            "action": {"action": "challenge"},
            "metadata": {"status": "true", "notes": "Desafio para POST de fora"},
        })
        d["rules"]["settings"].append({
            "id": hex_token(name, "rule", 3, length=16),
            "match": {"host": "static." + name},
            "action": {"cache_mode": "full", "cache_ttl": "604800"},
            "metadata": {"status": "true", "notes": "Estáticos em cache por 7 dias",
                         "name": "estaticos"},
        })
        d["rules"]["rewrite"].append({
            "id": hex_token(name, "rule", 4, length=16),
            "match": {"host": name, "scheme": "http"},
            "action": {"redirect_type": "301", "redirect_to": f"https://www.{name}$request_uri"},
            "metadata": {"status": "true", "notes": "Força HTTPS e www"},
        })
        if seed % 2 == 0:
            d["rules"]["ratelimit"].append({
                "id": hex_token(name, "rule", 5, length=16),
                "match": {"request_uri": "/login*"},
                "action": {"rate_limit_action": "block", "rate_limit_amount": "20",
                           "rate_limit_period": "60", "rate_limit_block_ttl": "600"},
                "metadata": {"status": "true", "notes": "Limite de tentativas de login"},
            })
        d["certs"] = [
            {"type": "auto", "enabled": True, "cn": name, "san": ["*." + name],
             "issueDate": "Apr  1 00:00:00 2024 GMT", "expirationDate": "Jun 30 23:59:59 2024 GMT"},
        ]
        if seed in (0, 1):
            d["certs"].insert(0, {
                "type": "custom", "enabled": seed == 0, "cn": "www." + name,
                "san": ["blog." + name, "imagens." + name],
                "issueDate": "Jan  1 00:00:00 2024 GMT",
                "expirationDate": "Dec 31 12:59:59 2050 GMT"})
        d["mtls"].append({"id": hex_token(name, "mtls", length=20), "name": "CA interna",
                          "expire_date": "2028-07-18T21:09:30Z", "cn": "root",
                          "hostnames": ["admin." + name, "painel." + name]})
        fid = hex_token(name, "apifw")
        d["api_firewall"][fid] = {
            "created_at": str(BASE_S - r.randint(86400, 8640000)), "id": fid,
            "resources": [{"resources": [{"path": "/users/{userId}/posts",
                                          "methods": [{"post": "block"}, {"get": "simulate"}]}],
                           "tag": "users"}],
            "active": True, "version": "1.0.0", "title": "API Posts",
            "description": "API de posts de usuários",
            "urls": [{"host": "api." + name, "schema": "https", "path": "/v1"}], "action": "block"}
        return d

    def _dnssec_keys(self, name: str) -> dict[str, str]:
        return {"digest": hex_token(name, "dnssec", length=64).upper(), "digest_type": "2 SHA-256",
                "algorithm": "13",
                "public_key": "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
                "key_tag": str(1000 + int(hex_token(name, "tag", length=4), 16) % 60000)}

    def _log(self, req: Request, domain: str, section: str, type_: str, action: str,
             identifier: str = "") -> None:
        self.history.append({
            "id": str(len(self.history) + 1), "domain": domain, "section": section, "type": type_,
            "action": action, "identifier": identifier,
            "user": self.tokens.get(req.header("GoCache-Token") or "", {}).get("email", ""),
            "account": "sandbox@gocache.example", "date": str(BASE_S + len(self.history) * 60),
        })

    # ------------------------------------------------------------------ dispatch
    def internal_error(self, req: Request) -> Response:
        return _err(500, "Internal server error")

    def bad_request(self, req: Request, message: str) -> Response:
        return _err(400, message)

    def handle(self, req: Request) -> Response:
        if req.path.startswith("/\0"):  # /gocache/... outside /gocache/v1
            return _err(404, "Not found")
        route, args, allowed = self.router.match(req.method, req.path)
        if route is not None and route.template == "/login":
            return route.handler(req)
        token = (req.header("GoCache-Token") or "").strip()
        if not token:
            return _err(401, "Token not specified: send it in the GoCache-Token header")
        info = self.tokens.get(token)
        if info is None:
            return _err(403, "Invalid token: it has no access to this resource")
        blocked = self.limiter.hit(token)
        if blocked is not None:
            return _err(403, f"Too many requests: more than {self.limit} in a minute; "
                             f"this token is blocked for {blocked} s")
        if route is None:
            if allowed:
                resp = _err(405, "Method not allowed")
                resp.headers.append(("Allow", ", ".join(allowed)))
                return resp
            return _err(404, "Not found")
        if info["readonly"] and req.method not in ("GET", "HEAD") and route.template != "/threat-hub/events":
            return _err(403, "This token is read-only: it has no access to change resources")
        req.path_args = args
        with self.lock:
            return route.handler(req)

    def _domain(self, req: Request, key: str = "domain") -> dict[str, Any] | Response:
        name = req.path_args.get(key, "").strip().lower()
        d = self.domains.get(name)
        if d is None:
            return _err(404, f"Domain {name} not found")
        return d

    def _routes(self) -> None:
        add = self.router.add
        add("POST", "/login", self.login)
        add("GET", "/plan", self.plan)
        add("POST", "/token", self.token_create)
        add("GET", "/token", self.token_list)
        add("DELETE", "/token/{token}", self.token_delete)
        add("POST", "/user", self.user_create)
        add("GET", "/user", self.user_list)
        add("PUT", "/domain-list/{id}", self.domain_list_update)
        add("PUT", "/action-list/{id}", self.action_list_update)
        add("GET", "/history", self.history_list)
        add("GET", "/domain", self.domain_list)
        add("GET", "/domain/{domain}", self.domain_get)
        add("POST", "/domain/{domain}", self.domain_create)
        add("PUT", "/domain/{domain}", self.domain_update)
        add("DELETE", "/domain/{domain}", self.domain_delete)
        add("GET", "/dns/dnssec/{domain}", self.dnssec_get)
        add("POST", "/dns/dnssec/{domain}", self.dnssec_create)
        add("DELETE", "/dns/dnssec/{domain}", self.dnssec_delete)
        add("GET", "/dns/{domain}", self.dns_list)
        add("GET", "/dns/{domain}/{record_id}", self.dns_get)
        add("POST", "/dns/{domain}", self.dns_create)
        add("PUT", "/dns/{domain}", self.dns_update)
        add("DELETE", "/dns/{domain}", self.dns_delete)
        add("DELETE", "/cache/{domain}", self.cache_purge)
        add("DELETE", "/cache/{domain}/all", self.cache_purge_all)
        add("GET", "/ssl/certificate/{domain}", self.ssl_get)
        add("POST", "/ssl/certificate/{domain}", self.ssl_create)
        add("PUT", "/ssl/certificate/{domain}", self.ssl_update)
        add("DELETE", "/ssl/certificate/{domain}", self.ssl_delete)
        add("GET", "/mtls/{domain}", self.mtls_list)
        add("GET", "/mtls/{domain}/{id}", self.mtls_get)
        add("POST", "/mtls/{domain}", self.mtls_create)
        add("GET", "/rules/{type}/{domain}", self.rules_list)
        add("POST", "/rules/{type}/{domain}", self.rule_create)
        add("PUT", "/rules/{type}/{domain}/{id}", self.rule_update)
        add("DELETE", "/rules/{type}/{domain}/{id}", self.rule_delete)
        add("POST", "/rules/bulk/{type}/{domain}", self.bulk_create)
        add("PUT", "/rules/bulk/{type}/{domain}/{bulk_id}", self.bulk_update)
        add("POST", "/rules/bulk/{type}/{domain}/{bulk_id}", self.bulk_apply)
        add("DELETE", "/rules/bulk/{type}/{domain}/{bulk_id}", self.bulk_delete)
        add("DELETE", "/rules/bulk/{type}/{domain}", self.bulk_delete_all)
        add("GET", "/bot-mitigation/{domain_or_namespace_id}", self.bot_get)
        add("PUT", "/bot-mitigation/{domain_or_namespace_id}", self.bot_update)
        add("GET", "/api-firewall/{domain}", self.apifw_list)
        add("GET", "/api-firewall/{domain}/{file_id}", self.apifw_get)
        add("POST", "/api-firewall/{domain}", self.apifw_create)
        add("DELETE", "/api-firewall/{domain}/{file_id}", self.apifw_delete)
        add("POST", "/firewall", self.firewall_create)
        add("DELETE", "/firewall/{rule_hash}", self.firewall_delete)
        add("POST", "/threat-hub/events", self.threat_events)
        add("GET", "/analytics/{domain}", self.analytics)

    # ------------------------------------------------------------------ account
    def login(self, req: Request) -> Response:
        p = req.params()
        for name in ("email", "password"):
            if not str(p.get(name) or "").strip():
                return _required(name)
        if p["email"] != LOGIN_EMAIL or p["password"] != LOGIN_PASSWORD:
            return _err(403, "Invalid email or password")
        return json_response(200, {"response": {"email": LOGIN_EMAIL, "token": TOKEN}})

    def plan(self, req: Request) -> Response:
        return json_response(200, {"status_code": 1, "response": {
            "plan": "GROWTH", "domains": str(len(self.domains)), "domains_limit": "10",
            "smart_rules": "true", "custom_certificates": "true", "rate_limit": "false",
            "trial": "false", "expires_at": "2025-06-10"}})

    def token_create(self, req: Request) -> Response:
        email = str(req.params().get("email") or "sandbox@gocache.example")
        token = hex_token("gocache-token", len(self.tokens), email, length=26)
        self.tokens[token] = {"token": token, "email": email, "readonly": False}
        return json_response(200, {"token": token, "success": True, "status": 200})

    def token_list(self, req: Request) -> Response:
        items = [{"token": t["token"], "email": t["email"]} for t in self.tokens.values()]
        return json_response(200, {"response": items, "status": 200, "count": len(items)})

    def token_delete(self, req: Request) -> Response:
        token = req.path_args["token"]
        if token not in self.tokens:
            return _err(404, "Token not found")
        if token in (TOKEN, READONLY):
            return _err(403, "The sandbox's demo tokens cannot be deleted")
        del self.tokens[token]
        return json_response(200, {"msg": "Success"})

    def user_create(self, req: Request) -> Response:
        email = str(req.params().get("email") or "").strip()
        if not email:
            return _required("email")
        if "@" not in email:
            return _invalid("email")
        if any(u["email"] == email for u in self.users):
            return json_response(200, {"success": True, "status": 200, "account_status": "attached"})
        self.users.append({"created_at": "2024-06-10 09:39:05", "last_login": "0000-00-00 00:00:00",
                           "name": email.split("@")[0].title(), "own": False, "email": email})
        return json_response(200, {"success": True, "status": 200, "account_status": "created"})

    def user_list(self, req: Request) -> Response:
        return json_response(200, {"response": self.users})

    def domain_list_update(self, req: Request) -> Response:
        lst = self.domain_lists.get(req.path_args["id"])
        if lst is None:
            return _err(404, "Domain list not found")
        p = req.params()
        domains = as_list(p.get("domain"))
        if not domains:
            return _required("domain[]")
        if not str(p.get("name") or "").strip():
            return _required("name")
        lst.update(name=str(p["name"]), domain=[str(x) for x in domains],
                   type=str(p.get("type") or lst["type"]))
        return json_response(200, {"response": lst})

    def action_list_update(self, req: Request) -> Response:
        lst = self.action_lists.get(req.path_args["id"])
        if lst is None:
            return _err(404, "Action list not found")
        p = req.params()
        p.pop("id", None)
        if "name" in p:
            lst["name"] = str(p.pop("name"))
        lst["items"].update(p)
        return json_response(200, {"response": lst})

    def history_list(self, req: Request) -> Response:
        items = list(reversed(self.history))
        for key in ("domain", "section", "type", "identifier", "user", "account", "action"):
            val = req.query(key)
            if val:
                items = [h for h in items if h.get(key) == val]
        try:
            limit = int(req.query("limit") or 50)
            offset = int(req.query("offset") or 0)
            frm = int(req.query("from") or 0)
            to = int(req.query("to") or 2**62)
        except ValueError:
            return _invalid("limit")
        if limit < 1 or offset < 0:
            return _invalid("limit" if limit < 1 else "offset")
        items = [h for h in items if frm <= int(h["date"]) <= to]
        return json_response(200, {"status_code": 1, "response": items[offset:offset + limit],
                                   "count": len(items)})

    # ------------------------------------------------------------------ domains
    def domain_list(self, req: Request) -> Response:
        names = sorted(self.domains)
        return json_response(200, {"status_code": 1, "response": {"domains": names, "size": len(names)}})

    @_on_domain
    def domain_get(self, req: Request, d: dict[str, Any]) -> Response:
        return json_response(200, {"response": dict(d["settings"])})

    def _settings_from(self, req: Request) -> dict[str, str] | Response:
        out: dict[str, str] = {}
        for key, value in req.form().items():
            if key == "domain":
                continue
            if key not in DEFAULT_SETTINGS:
                return _invalid(key)
            if isinstance(value, (list, dict)):
                return _invalid(key)
            v = _s(value).strip()
            if key in BOOL_SETTINGS and v not in ("true", "false"):
                return _err(400, f"Parameter {key} is invalid: expected true or false")
            if key in INT_SETTINGS and not v.lstrip("-").isdecimal():
                return _err(400, f"Parameter {key} is invalid: expected a whole number")
            if key in ENUM_SETTINGS and v not in ENUM_SETTINGS[key]:
                return _err(400, f"Parameter {key} is invalid: expected one of "
                                 + ", ".join(ENUM_SETTINGS[key]))
            out[key] = v
        return out

    def domain_create(self, req: Request) -> Response:
        name = req.path_args["domain"].strip().lower()
        if not DOMAIN_RX.match(name):
            return _invalid("domain")
        if name in self.domains:
            return _err(409, f"Domain {name} already exists")
        settings = self._settings_from(req)
        if isinstance(settings, Response):
            return settings
        self._create_domain(name, settings=settings)
        self._log(req, name, "domain", "main", "create", name)
        return json_response(200, {"response": {"domains": [name]}})

    @_on_domain
    def domain_update(self, req: Request, d: dict[str, Any]) -> Response:
        settings = self._settings_from(req)
        if isinstance(settings, Response):
            return settings
        if not settings:
            return _err(400, "Parameter is required: send at least one setting to change")
        d["settings"].update(settings)
        for key in settings:
            self._log(req, d["name"], "settings", "settings", "update", key)
        return json_response(200, {"response": settings})

    @_on_domain
    def domain_delete(self, req: Request, d: dict[str, Any]) -> Response:
        del self.domains[d["name"]]
        self._log(req, d["name"], "domain", "main", "delete", d["name"])
        return json_response(200, {"msg": "Success"})

    # ------------------------------------------------------------------ DNS
    @_on_domain
    def dns_list(self, req: Request, d: dict[str, Any]) -> Response:
        return json_response(200, {"status_code": 1, "response": {"records": d["dns"]}})

    def _record(self, d: dict[str, Any], record_id: str) -> dict[str, Any] | None:
        return next((r for r in d["dns"] if r["record_id"] == str(record_id).strip()), None)

    def _body_record(self, d: dict[str, Any], p: dict[str, Any]) -> dict[str, Any] | Response:
        """The record named by the body's record_id (PUT and DELETE /dns/{domain})."""
        if not _s(p.get("record_id") or "").strip():
            return _required("record_id")
        rec = self._record(d, p["record_id"])
        return rec if rec is not None else _err(404, "Record not found")

    @_on_domain
    def dns_get(self, req: Request, d: dict[str, Any]) -> Response:
        rec = self._record(d, req.path_args["record_id"])
        if rec is None:
            return _err(404, "Record not found")
        return json_response(200, {"status_code": 1, "response": {"records": rec}})

    def _record_fields(self, d: dict[str, Any], p: dict[str, Any]) -> dict[str, str] | Response:
        for name in ("name", "type", "content", "ttl"):
            if not _s(p.get(name) or "").strip():
                return _required(name)
        rtype = _s(p["type"]).strip().upper()
        if rtype not in DNS_TYPES:
            return _err(400, "Parameter type is invalid: expected one of " + ", ".join(DNS_TYPES))
        ttl = _s(p["ttl"]).strip()
        if not ttl.isdecimal():
            return _err(400, "Parameter ttl is invalid: expected seconds")
        name = _s(p["name"]).strip().lower().rstrip(".")
        if name in ("@", ""):
            name = d["name"]
        elif name != d["name"] and not name.endswith("." + d["name"]):
            name = f"{name}.{d['name']}"
        cloud = _s(p.get("cloud", "0")).strip()
        cloud = {"true": "1", "false": "0"}.get(cloud, cloud)
        if cloud not in ("0", "1"):
            return _err(400, "Parameter cloud is invalid: expected 1 or 0")
        out = {"name": name, "type": rtype, "content": _s(p["content"]).strip(), "ttl": ttl,
               "cloud": cloud}
        for extra in ("priority", "weight", "port"):
            if p.get(extra) not in (None, ""):
                out[extra] = _s(p[extra])
        if rtype in ("MX", "SRV") and "priority" not in out:
            return _required("priority")
        return out

    @_on_domain
    def dns_create(self, req: Request, d: dict[str, Any]) -> Response:
        fields = self._record_fields(d, req.params())
        if isinstance(fields, Response):
            return fields
        for r in d["dns"]:
            if (r["name"], r["type"], r["content"]) == (fields["name"], fields["type"], fields["content"]):
                return _err(409, "Record already exists")
        rid = self._next_id()
        rec = {"record_id": str(rid), **fields}
        d["dns"].append(rec)
        self._log(req, d["name"], "dns", "dns", "create", str(rid))
        return json_response(200, {"status_code": 1, "response": {"records": [{**rec, "record_id": rid}]}})

    @_on_domain
    def dns_update(self, req: Request, d: dict[str, Any]) -> Response:
        p = req.params()
        rec = self._body_record(d, p)
        if isinstance(rec, Response):
            return rec
        fields = self._record_fields(d, p)
        if isinstance(fields, Response):
            return fields
        rec.clear()
        rec.update({"record_id": _s(p["record_id"]).strip(), **fields})
        self._log(req, d["name"], "dns", "dns", "update", rec["record_id"])
        return json_response(200, {"status_code": 1, "response": {"records": [rec]}})

    @_on_domain
    def dns_delete(self, req: Request, d: dict[str, Any]) -> Response:
        rec = self._body_record(d, req.params())
        if isinstance(rec, Response):
            return rec
        d["dns"].remove(rec)
        self._log(req, d["name"], "dns", "dns", "delete", rec["record_id"])
        return json_response(200, {"status_code": 1, "response": "Success"})

    @_on_domain
    def dnssec_get(self, req: Request, d: dict[str, Any]) -> Response:
        if d["dnssec"] is None:
            return _err(404, "DNSSEC is not enabled for this domain")
        return json_response(200, {"response": d["dnssec"]})

    @_on_domain
    def dnssec_create(self, req: Request, d: dict[str, Any]) -> Response:
        if d["dnssec"] is not None:
            return _err(409, "DNSSEC is already enabled for this domain")
        d["dnssec"] = self._dnssec_keys(d["name"])
        self._log(req, d["name"], "dns", "dns", "create", "dnssec")
        return json_response(200, {"response": d["dnssec"]})

    @_on_domain
    def dnssec_delete(self, req: Request, d: dict[str, Any]) -> Response:
        if d["dnssec"] is None:
            return json_response(428, {"msg": "DNSSEC is not enabled for this domain"})
        d["dnssec"] = None
        self._log(req, d["name"], "dns", "dns", "delete", "dnssec")
        return json_response(200, {"msg": "Success"})

    # ------------------------------------------------------------------ cache
    @_on_domain
    def cache_purge(self, req: Request, d: dict[str, Any]) -> Response:
        p = req.params()
        urls = [_s(u).strip() for u in as_list(p.get("urls", p.get("url"))) if _s(u).strip()]
        tags = [_s(t).strip() for t in as_list(p.get("tag", p.get("tags"))) if _s(t).strip()]
        ctype = _s(p.get("content-type") or p.get("content_type") or "").strip()
        if not urls and not tags and not ctype:
            return _required("urls")
        if len(urls) > 50:
            return _err(400, "Parameter urls is invalid: at most 50 URLs per request")
        wrong = [u for u in urls if not self._url_ok(u, d["name"])]
        if wrong:
            return json_response(400, {"response": {"urls_wrong_format": wrong}})
        response: dict[str, Any] = {}
        if urls:
            response["urls_accepted"] = urls
        if tags:
            response["tags_accepted"] = tags
        if ctype:
            response["content_type_accepted"] = ctype
        self.purges.append({"domain": d["name"], "urls": urls, "tags": tags, "content_type": ctype})
        self._log(req, d["name"], "settings", "cache", "delete", ",".join(urls + tags) or ctype)
        return json_response(202, {"response": response})

    @staticmethod
    def _url_ok(url: str, domain: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        host = (parts.hostname or "").lower()
        return parts.scheme in ("http", "https") and (host == domain or host.endswith("." + domain))

    @_on_domain
    def cache_purge_all(self, req: Request, d: dict[str, Any]) -> Response:
        urls = [f"http://{d['name']}/*", f"https://{d['name']}/*"]
        self.purges.append({"domain": d["name"], "urls": urls, "tags": [], "content_type": "", "all": True})
        self._log(req, d["name"], "settings", "cache", "delete", "all")
        return json_response(202, {"response": {"urls_accepted": urls}})

    # ------------------------------------------------------------------ SSL / mTLS
    @_on_domain
    def ssl_get(self, req: Request, d: dict[str, Any]) -> Response:
        return json_response(200, {"response": {"certificates": d["certs"]}})

    @_on_domain
    def ssl_create(self, req: Request, d: dict[str, Any]) -> Response:
        p = req.params()
        cert, key = p.get("certificate"), p.get("privatekey")
        if not cert:
            return _required("certificate")
        if not key:
            return _required("privatekey")
        if not isinstance(cert, str) or PEM_CERT not in cert:
            return _err(400, "Parameter certificate is invalid: expected a PEM certificate")
        if not isinstance(key, str) or not PEM_KEY_RX.search(key):
            return _err(400, "Parameter privatekey is invalid: expected a PEM private key")
        enable = _s(p.get("enable", True)).lower() in ("true", "1")
        d["certs"] = [c for c in d["certs"] if c["type"] != "custom"]
        new = {"type": "custom", "enabled": enable, "cn": "www." + d["name"], "san": [d["name"]],
               "issueDate": "Jun 10 00:00:00 2024 GMT", "expirationDate": "Jun 10 23:59:59 2025 GMT"}
        d["certs"].insert(0, new)
        self._log(req, d["name"], "settings", "ssl", "create", "custom")
        return json_response(200, {"response": {"certificates": [new]}})

    @_on_domain
    def ssl_update(self, req: Request, d: dict[str, Any]) -> Response:
        p = req.params()
        cert = p.get("certificate")
        if not isinstance(cert, dict):
            return _required("certificate")
        ctype = _s(cert.get("type") or "").strip()
        if not ctype:
            return _required("certificate.type")
        if "enable" not in cert:
            return _required("certificate.enable")
        target = next((c for c in d["certs"] if c["type"] == ctype), None)
        if target is None:
            return _err(404, f"No {ctype} certificate for this domain")
        target["enabled"] = _s(cert["enable"]).lower() in ("true", "1")
        self._log(req, d["name"], "settings", "ssl", "update", ctype)
        return json_response(200, {"response": {"msg": "Success"}})

    @_on_domain
    def ssl_delete(self, req: Request, d: dict[str, Any]) -> Response:
        if not any(c["type"] == "custom" for c in d["certs"]):
            return _err(404, "No custom certificate for this domain")
        d["certs"] = [c for c in d["certs"] if c["type"] != "custom"]
        self._log(req, d["name"], "settings", "ssl", "delete", "custom")
        return json_response(200, {"msg": "Success"})

    @_on_domain
    def mtls_list(self, req: Request, d: dict[str, Any]) -> Response:
        return json_response(200, {"response": d["mtls"]})

    @_on_domain
    def mtls_get(self, req: Request, d: dict[str, Any]) -> Response:
        item = next((m for m in d["mtls"] if m["id"] == req.path_args["id"]), None)
        if item is None:
            return _err(404, "Certificate not found")
        return json_response(200, {"response": item})

    @_on_domain
    def mtls_create(self, req: Request, d: dict[str, Any]) -> Response:
        p = req.params()
        for name in ("name", "hostnames", "certificate"):
            if not p.get(name):
                return _required(name)
        if not isinstance(p["certificate"], str) or PEM_CERT not in p["certificate"]:
            return _err(400, "Parameter certificate is invalid: expected a PEM certificate")
        hostnames = [_s(h) for h in as_list(p["hostnames"])]
        item = {"id": hex_token(d["name"], "mtls", len(d["mtls"]), p["name"], length=20),
                "name": _s(p["name"]), "expire_date": "2029-06-10T09:39:05Z", "cn": "root",
                "hostnames": hostnames}
        d["mtls"].append(item)
        self._log(req, d["name"], "security", "ssl", "create", item["id"])
        return json_response(200, {"response": item})

    # ------------------------------------------------------------------ smart rules
    def _rule_scope(self, req: Request) -> tuple[dict[str, Any], str] | Response:
        rtype = req.path_args["type"]
        if rtype not in RULE_TYPES:
            return _err(400, "Parameter type is invalid: expected one of " + ", ".join(RULE_TYPES))
        d = self._domain(req)
        if isinstance(d, Response):
            return d
        return d, rtype

    def rules_list(self, req: Request) -> Response:
        scope = self._rule_scope(req)
        if isinstance(scope, Response):
            return scope
        d, rtype = scope
        rules = d["rules"][rtype]
        return json_response(200, {"response": {"rules": rules if rules else {}}})

    @staticmethod
    def _rule_body(p: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for part in ("match", "action", "metadata"):
            val = p.get(part)
            if isinstance(val, dict):
                out[part] = {k: ([_s(x) for x in v] if isinstance(v, list) else _s(v))
                             for k, v in val.items()}
        return out

    def rule_create(self, req: Request) -> Response:
        scope = self._rule_scope(req)
        if isinstance(scope, Response):
            return scope
        d, rtype = scope
        body = self._rule_body(req.params())
        if not body.get("action"):
            return _required("action")
        if not body.get("match"):
            return _required("match")
        rule = {"id": hex_token(d["name"], rtype, "rule", self._next_id(), length=16),
                "match": body["match"], "action": body["action"],
                "metadata": {"status": "true", **body.get("metadata", {})}}
        d["rules"][rtype].append(rule)
        self._log(req, d["name"], "smartrules", rtype, "create", rule["id"])
        return json_response(200, {"response": {"id": rule["id"]}})

    def _rule(self, req: Request) -> tuple[dict[str, Any], str, dict[str, Any]] | Response:
        """(domain, type, rule) for /rules/{type}/{domain}/{id}, or the error answer."""
        scope = self._rule_scope(req)
        if isinstance(scope, Response):
            return scope
        d, rtype = scope
        rule = next((r for r in d["rules"][rtype] if r["id"] == req.path_args["id"]), None)
        return (d, rtype, rule) if rule is not None else _err(404, "Rule not found")

    def rule_update(self, req: Request) -> Response:
        found = self._rule(req)
        if isinstance(found, Response):
            return found
        d, rtype, rule = found
        body = self._rule_body(req.params())
        if not body:
            return _required("match")
        for part, vals in body.items():
            rule.setdefault(part, {}).update(vals)
        self._log(req, d["name"], "smartrules", rtype, "update", rule["id"])
        return json_response(200, {"response": rule})

    def rule_delete(self, req: Request) -> Response:
        found = self._rule(req)
        if isinstance(found, Response):
            return found
        d, rtype, rule = found
        d["rules"][rtype].remove(rule)
        self._log(req, d["name"], "smartrules", rtype, "delete", rule["id"])
        return json_response(200, {"response": {"msg": "Success"}})

    def _bulk_rules(self, req: Request) -> list[dict[str, Any]] | Response:
        data = req.json
        if isinstance(data, dict):
            data = data.get("rules", data.get("bulk"))
        if not isinstance(data, list) or not data:
            return _err(400, "Parameter rules is required: send a JSON array of rules")
        rules = []
        for i, item in enumerate(data):
            if not isinstance(item, dict) or not isinstance(item.get("action"), dict):
                return _err(400, f"Parameter rules[{i}].action is required")
            rules.append(self._rule_body(item))
        return rules

    def bulk_create(self, req: Request) -> Response:
        scope = self._rule_scope(req)
        if isinstance(scope, Response):
            return scope
        d, rtype = scope
        rules = self._bulk_rules(req)
        if isinstance(rules, Response):
            return rules
        self._bulk_seq += 1
        d["bulks"][str(self._bulk_seq)] = {"type": rtype, "bulk": rules}
        return json_response(200, {"response": {"bulk_id": self._bulk_seq, "bulk": rules}})

    def _bulk(self, req: Request) -> tuple[dict[str, Any], str, dict[str, Any]] | Response:
        scope = self._rule_scope(req)
        if isinstance(scope, Response):
            return scope
        d, rtype = scope
        bulk = d["bulks"].get(req.path_args["bulk_id"])
        if bulk is None or bulk["type"] != rtype:
            return _err(404, "Bulk not found")
        return d, rtype, bulk

    def bulk_update(self, req: Request) -> Response:
        found = self._bulk(req)
        if isinstance(found, Response):
            return found
        _, _, bulk = found
        if not req.body.strip():  # nothing sent: the bulk stays as it is
            return json_response(200, {"response": {"bulk_id": int(req.path_args["bulk_id"]),
                                                    "bulk": bulk["bulk"]}})
        rules = self._bulk_rules(req)
        if isinstance(rules, Response):
            return rules
        bulk["bulk"] = rules
        return json_response(200, {"response": {"bulk_id": int(req.path_args["bulk_id"]), "bulk": rules}})

    def bulk_apply(self, req: Request) -> Response:
        found = self._bulk(req)
        if isinstance(found, Response):
            return found
        d, rtype, bulk = found
        applied = []
        for rule in bulk["bulk"]:
            new = {**rule, "id": hex_token(d["name"], rtype, "rule", self._next_id(), length=16)}
            new.setdefault("metadata", {}).setdefault("status", "true")
            d["rules"][rtype].append(new)
            applied.append(new)
        del d["bulks"][req.path_args["bulk_id"]]
        self._log(req, d["name"], "smartrules", rtype, "create", "bulk")
        return json_response(200, {"response": applied})

    def bulk_delete(self, req: Request) -> Response:
        found = self._bulk(req)
        if isinstance(found, Response):
            return found
        d, _, _ = found
        del d["bulks"][req.path_args["bulk_id"]]
        return json_response(200, {"response": {}})

    def bulk_delete_all(self, req: Request) -> Response:
        scope = self._rule_scope(req)
        if isinstance(scope, Response):
            return scope
        d, rtype = scope
        d["rules"][rtype] = []
        self._log(req, d["name"], "smartrules", rtype, "delete", "all")
        return json_response(200, {"response": {}})

    # ------------------------------------------------------------------ security
    def _bot_target(self, req: Request) -> dict[str, Any] | Response:
        key = req.path_args["domain_or_namespace_id"].strip().lower()
        if key.isdecimal():  # a namespace id: the sandbox's namespaces are 1..len(domains)
            names = sorted(self.domains)
            if 1 <= int(key) <= len(names):
                return self.domains[names[int(key) - 1]]
            return _err(404, f"Namespace {key} not found")
        d = self.domains.get(key)
        return d if d is not None else _err(404, f"Domain {key} not found")

    def bot_get(self, req: Request) -> Response:
        d = self._bot_target(req)
        if isinstance(d, Response):
            return d
        return json_response(200, {"status_code": 1, "response": [{k: v} for k, v in d["bot"].items()]})

    def bot_update(self, req: Request) -> Response:
        d = self._bot_target(req)
        if isinstance(d, Response):
            return d
        changes = {k: _s(v) for k, v in req.form().items()}
        if not changes:
            return _err(400, "Parameter is required: send at least one category")
        for k, v in changes.items():
            if k not in BOT_CATEGORIES:
                return _invalid(k)
            if v not in BOT_ACTIONS:
                return _err(400, f"Parameter {k} is invalid: expected one of " + ", ".join(BOT_ACTIONS))
        d["bot"].update(changes)
        self._log(req, d["name"], "security", "waf", "update", ",".join(changes))
        return json_response(200, {"status_code": 1, "response": [{k: v} for k, v in d["bot"].items()]})

    @_on_domain
    def apifw_list(self, req: Request, d: dict[str, Any]) -> Response:
        return json_response(200, {"ids": list(d["api_firewall"]), "status_code": 1})

    @_on_domain
    def apifw_get(self, req: Request, d: dict[str, Any]) -> Response:
        item = d["api_firewall"].get(req.path_args["file_id"])
        if item is None:
            return _err(404, "File not found")
        return json_response(200, {"status_code": 1, "response": item})

    @_on_domain
    def apifw_create(self, req: Request, d: dict[str, Any]) -> Response:
        if not req.body.strip():
            return _err(400, "Parameter file is required: send the OpenAPI file as the body")
        spec = req.json if isinstance(req.json, dict) else {}
        info = spec.get("info") if isinstance(spec.get("info"), dict) else {}
        fid = hex_token(d["name"], "apifw", len(d["api_firewall"]), len(req.body))
        warnings = [] if spec else ["The file is not JSON; it was stored as sent"]
        d["api_firewall"][fid] = {
            "created_at": str(BASE_S), "id": fid, "resources": [], "active": True,
            "version": _s(info.get("version", "1.0.0")), "title": _s(info.get("title", "API")),
            "description": _s(info.get("description", "")),
            "urls": [{"host": "api." + d["name"], "schema": "https", "path": "/"}], "action": "block"}
        self._log(req, d["name"], "security", "firewall", "create", fid)
        return json_response(200, {"status_code": 1, "warnings": warnings, "id": fid})

    @_on_domain
    def apifw_delete(self, req: Request, d: dict[str, Any]) -> Response:
        if d["api_firewall"].pop(req.path_args["file_id"], None) is None:
            return _err(404, "File not found")
        return json_response(200, {"status_code": 1, "msg": "Success"})

    def firewall_create(self, req: Request) -> Response:
        import base64

        p = req.params()
        ip = (p.get("match") or {}).get("ip_address") if isinstance(p.get("match"), dict) else None
        action = (p.get("action") or {}).get("firewall") if isinstance(p.get("action"), dict) else None
        if not ip:
            return _required("match[ip_address]")
        if not action:
            return _required("action[firewall]")
        if _s(action) not in ("block", "accept", "challenge"):
            return _err(400, "Parameter action[firewall] is invalid: expected block, accept or challenge")
        rid = base64.b64encode(f"ip_address-default|ip_address|{ip}|u".encode()).decode()
        if rid in self.firewall:
            return _err(409, "Rule already exists")
        self.firewall[rid] = {"id": rid, "ip_address": _s(ip), "action": _s(action)}
        return json_response(200, {"response": {"id": rid}})

    def firewall_delete(self, req: Request) -> Response:
        if self.firewall.pop(req.path_args["rule_hash"], None) is None:
            return _err(404, "Rule not found")
        return json_response(200, {"msg": "Success"})

    def threat_events(self, req: Request) -> Response:
        p = req.params()
        for name in ("start_date", "end_date"):
            if p.get(name) in (None, ""):
                return _required(name)
        try:
            start, end = int(p["start_date"]), int(p["end_date"])
            limit = int(p.get("limit") or 200)
        except (TypeError, ValueError):
            return _invalid("start_date")
        if end < start:
            return _err(400, "Parameter end_date is invalid: it is before start_date")
        r = rng("gocache", "threats", start, end)
        samples = [
            ("/wp-login.php?id=1%27%20OR%201=1", "sqlmap/1.7", "942100",
             "SQL Injection Attack Detected via libinjection", "1' OR 1=1", "waf", "block"),
            ("/index.php?page=../../etc/passwd", "curl/8.4.0", "930120",
             "OS File Access Attempt", "../../etc/passwd", "waf", "block"),
            ("/busca?q=<script>alert(1)</script>", "Mozilla/5.0", "941100",
             "XSS Attack Detected via libinjection", "<script>", "waf", "challenge"),
            ("/.env", "python-requests/2.31", "bot-001", "Vulnerability scanner", ".env",
             "bot-mitigation", "block"),
        ]
        countries = ["RU", "CN", "US", "BR", "NL", "DE"]
        domains = [_s(x) for x in as_list(p.get("domain"))] or sorted(self.domains)
        events = []
        for i in range(min(max(limit, 0), 40)):
            uri, ua, aid, msg, match, etype, action = samples[i % len(samples)]
            dom = domains[i % len(domains)]
            events.append({"ip": f"198.51.100.{r.randint(2, 254)}", "uri": uri, "user_agent": ua,
                           "country_code": r.choice(countries), "host": "www." + dom, "domain": dom,
                           "type": etype, "action": action,
                           "timestamp": start + (end - start) * i // 40,
                           "alerts": [{"id": aid, "msg": msg, "match": match}]})
        for key, field in (("type", "type"), ("action", "action"), ("country_code", "country_code"),
                           ("host", "host"), ("client_ip", "ip")):
            wanted = {_s(x) for x in as_list(p.get(key))}
            if wanted:
                events = [e for e in events if e[field] in wanted]
        return json_response(200, {"response": {"events": events}})

    @_on_domain
    def analytics(self, req: Request, d: dict[str, Any]) -> Response:
        graph = req.query("graph")
        interval = req.query("interval")
        steps = {"1min": 60, "1h": 3600, "4h": 14400, "12h": 43200, "1d": 86400}
        if not graph:
            return _required("graph")
        if graph not in ("custom", "current-month", "last-month"):
            return _err(400, "Parameter graph is invalid: expected custom, current-month or last-month")
        if not interval:
            return _required("interval")
        if interval not in steps:
            return _err(400, "Parameter interval is invalid: expected 1min, 1h, 4h, 12h or 1d")
        step = steps[interval]
        if graph == "custom":
            for name in ("from", "to"):
                if not req.query(name):
                    return _required(name)
            try:
                start, end = int(req.query("from") or 0), int(req.query("to") or 0)
            except ValueError:
                return _err(400, "Parameter from is invalid: expected a unix timestamp")
            if end <= start:
                return _err(400, "Parameter to is invalid: it must be after from")
        elif graph == "current-month":
            start, end = 1717200000, BASE_S  # 2024-06-01 .. the sandbox's now
        else:
            start, end = 1714521600, 1717200000  # May 2024
        n = max(1, min(500, (end - start) // step))
        return json_response(200, {"status_code": 1, "response": _analytics(d["name"], req.query("host") or "", start, step, n)})


def _analytics(domain: str, host: str, start: int, step: int, n: int) -> dict[str, Any]:
    r = rng("gocache", "analytics", domain, host, start, step, n)
    scale = step / 3600.0
    total = [int(r.randint(800, 4000) * scale) + 1 for _ in range(n)]
    cached = [int(t * r.uniform(0.55, 0.85)) for t in total]
    user = [t - c for t, c in zip(total, cached)]
    bw = [round(t * r.uniform(40, 90), 1) for t in total]
    bw_opt = [round(b * 0.6, 1) for b in bw]

    def zeros() -> list[int]:
        return [0] * n

    def few(k: int) -> list[int]:
        return [r.randint(0, k) for _ in range(n)]

    s2xx = [int(t * 0.9) for t in total]
    s3xx = [int(t * 0.06) for t in total]
    s4xx = [int(t * 0.03) for t in total]
    s5xx = [t - a - b - c for t, a, b, c in zip(total, s2xx, s3xx, s4xx)]
    pv = [max(1, t // 12) for t in total]
    tot = sum(total)
    return {
        "requests": {
            "status_group": {"1xx": {"total": zeros()}, "2xx": {"total": s2xx}, "3xx": {"total": s3xx},
                             "4xx": {"total": s4xx}, "5xx": {"total": s5xx}},
            "ratelimit": {k: {"total": few(3) if k in ("count", "block") else zeros()} for k in (
                "challenge", "count", "simulate", "challenge_success", "challenge_failed", "block",
                "whitelist")},
            "status_code": {"301": {"total": [x // 2 for x in s3xx]},
                            "302": {"total": [x - x // 2 for x in s3xx]}, "304": {"total": zeros()},
                            "404": {"total": s4xx}, "500": {"total": s5xx}},
            "smartrule": {k: {"total": few(5) if k == "block" else zeros()} for k in (
                "accept", "block", "challenge", "challenge_success", "challenge_failed")},
            "waf": {k: {"total": few(4) if k in ("block", "simulate") else zeros()} for k in (
                "block", "simulate", "challenge", "challenge_success", "challenge_failed")},
            "firewall": {"accept": {"total": zeros()}, "block": {"total": few(6)}},
        },
        "stats": {
            "status_group": {"1xx": 0, "2xx": sum(s2xx), "3xx": sum(s3xx), "4xx": sum(s4xx),
                             "5xx": sum(s5xx), "others": 0},
            "req_per_sec": {"total": {"avg": round(tot / (n * step), 3),
                                      "max": round(max(total) / step, 3)}},
            "requests": {"total": tot, "user": sum(user), "3lcloud": sum(cached),
                         "optimized": sum(cached)},
            "cache_coverage": {"cached": sum(cached), "uncached": sum(user), "uncacheable": 0},
            "bandwidth": {"total": round(sum(bw), 1), "user": round(sum(bw) - sum(bw_opt), 1),
                          "3lcloud": round(sum(bw_opt), 1), "optimized": round(sum(bw_opt), 1),
                          "unoptimized": round(sum(bw) - sum(bw_opt), 1),
                          "ratio": {"optimized": 0.6}},
            "latency": {"html": round(r.uniform(0.1, 0.4), 2), "non_html": round(r.uniform(0.02, 0.08), 2)},
            "avg_req_size": {"total": round(sum(bw) / tot, 1)},
            "pageviews": {"total": sum(pv), "user": sum(pv) // 3, "3lcloud": sum(pv) - sum(pv) // 3},
            "firewall": {"accept": 0, "block": 0},
            "waf": {"block": 0, "simulate": 0, "challenge": 0, "challenge_success": 0, "challenge_failed": 0},
            "smartrule": {"accept": 0, "block": 0, "challenge": 0, "challenge_success": 0,
                          "challenge_failed": 0},
            "ratelimit": {"cdn": 0, "user": 0, "count": 0, "simulate": 0, "block": 0, "challenge": 0,
                          "challenge_success": 0, "challenge_failed": 0, "whitelist": 0},
        },
        "metadata": {"start_point": start, "end_point": start + n * step, "interval": step,
                     "server_time": 0.12},
        "traffic": {
            "requests": {"total": total, "user": user, "3lcloud": cached, "optimized": cached},
            "bandwidth": {"total": bw, "user": [round(b - o, 1) for b, o in zip(bw, bw_opt)],
                          "3lcloud": bw_opt, "optimized": bw_opt,
                          "unoptimized": [round(b - o, 1) for b, o in zip(bw, bw_opt)]},
            "bandwidth_per_sec": {"total": [round(b / step, 2) for b in bw]},
            "req_per_sec": {"total": [round(t / step, 4) for t in total]},
            "pageviews": {"total": pv},
            "latency": {"html": [round(r.uniform(0.1, 0.4), 2) for _ in range(n)],
                        "non_html": [round(r.uniform(0.02, 0.08), 2) for _ in range(n)]},
            "avg_req_size": {"total": [round(b / t, 1) for b, t in zip(bw, total)]},
        },
    }
