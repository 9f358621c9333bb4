#!/usr/bin/env python3
"""Generate the three built-in provider packs from the shared reference catalogs.

    python tools/build_packs.py            # writes tui/providers/{gocache,noosfero,trackingram}.json
    python tools/build_packs.py --check    # exit 1 if a committed pack differs from what would be written
    python tools/build_packs.py --out DIR  # write somewhere else (tests use this)

Input: ../shared/reference/{noosfero,gocache,trackingram}.json, relative to the repository (override with
--reference). Output: OpenAPI 3.1 JSON with ``x-apiplay`` extensions (docs/pack-format.md). The output is
deterministic: the same input gives byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"
DEFAULT_OUT = REPO / "tui" / "providers"

Json = dict[str, Any]

# --------------------------------------------------------------------------------------------------
# Helpers

_RB_PAREN = re.compile(r"\s*\((?:[^()]*?\.rb\b[^()]*)\)")


def clean(text: str | None) -> str:
    """Drop Ruby file:line references ("(helpers.rb:70-84)", "session.rb:14") from user-facing text."""
    if not text:
        return ""
    out = _RB_PAREN.sub("", text)
    out = re.sub(r"\s*(?:[\w./-]+\.rb)(?::[\d,\-]+)?(?:\s*/\s*[\w-]+(?=\.?\s*$))?", "", out)
    out = re.sub(r"\s+([,;:]|\.(?!\.))", r"\1", out)
    out = re.sub(r"\(\s*[,;]?\s*\)", "", out)
    out = re.sub(r"(?<!\.)\.\.(?!\.)", ".", out)  # "(1-based).." left by a removed reference; "..." stays
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    out = re.sub(r"[.;,]\s*$", lambda m: "." if m.group(0).strip() == "." else "", out)
    return out.strip(" ;,")


_STATUS_WORDING = {
    "not logged": "Not logged in: no token, or a wrong one.",
    "model errors": "The record did not validate; the errors map names each field.",
    "response": "Success: a {success, code, message} answer.",
}


def status_text(text: str) -> str:
    """A reference status note in plain English: "[Article]" -> "A list of Article"."""
    t = sentence(clean(text))
    if t.lower() in _STATUS_WORDING:
        return _STATUS_WORDING[t.lower()]
    t = re.sub(r"^\[(\w+)\]$", r"A list of \1", t)
    t = re.sub(r"\[(\w+)\]", r"a list of \1", t)
    return t


def sentence(text: str) -> str:
    """Capitalised first letter ("not found" -> "Not found"); code-like starts are left alone."""
    if text and text[0].islower() and not re.match(r"[a-z_]+[_.(\[]", text):
        return text[0].upper() + text[1:]
    return text


def op_id(method: str, path: str, seen: set[str]) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path) if w]
    base = method.lower() + ("_" + "_".join(words) if words else "_root")
    base = base.lower()
    out, n = base, 2
    while out in seen:
        out, n = f"{base}_{n}", n + 1
    seen.add(out)
    return out


def success_status(method: str) -> str:
    return "201" if method == "POST" else "200"


def response_obj(description: str, example: Any = None) -> Json:
    r: Json = {"description": description or "Success"}
    if example is not None:
        r["content"] = {"application/json": {"example": example}}
    return r


def dump(doc: Json) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------------------------------
# Noosfero

NOOSFERO_TAGS = {
    "session": "Log in and out, register, activate and recover accounts.",
    "articles": "Articles, blog posts, events and other content: list, read, create, update, vote, follow, comment.",
    "users": "User accounts (the login behind a person).",
    "communities": "Communities: groups people join; members, articles and tasks.",
    "people": "People (user profiles): friends, communities, enterprises, articles and tasks.",
    "enterprises": "Enterprises (business profiles) and what they publish.",
    "profiles": "Any profile (person, community or enterprise): members, roles, activities, boxes, files.",
    "environments": "The environment (the whole Noosfero site) and its settings, people and tags.",
    "categories": "Categories used to classify profiles and articles.",
    "tasks": "Pending tasks (membership requests, approvals) and how to finish or cancel them.",
    "blocks": "Layout blocks shown in a profile's or environment's boxes.",
    "domains": "Domains served by this installation.",
}

NOOSFERO_STATUSES = {
    "200": "OK: the resource (or the list) is in the body.",
    "201": "Created. Noosfero answers 201 to every POST, including logins and updates.",
    "400": "Bad request: a required attribute is missing or a value is invalid.",
    "401": "Unauthorized: no token was sent, or the token is not valid.",
    "403": "Forbidden: the token is valid but this user may not do this.",
    "404": "Not found: no resource has this id.",
    "405": "Method not allowed on this path.",
    "409": "Conflict: the resource already exists (for example a community with the same name).",
    "412": "Precondition failed.",
    "422": "Unprocessable: the record did not validate; the errors map names each field.",
    "500": "Server error. Noosfero also answers 500 for some missing records (\"Couldn't find ...\").",
}

NOOSFERO_MESSAGES = [
    {"pattern": "Unauthorized", "meaning": "No token was sent, or the token is not valid.",
     "hint": "Log in (POST /login) or set APIPLAY_NOOSFERO_TOKEN; send it in the PRIVATE-TOKEN header."},
    {"pattern": "The user \".*\" is not activated!.*", "meaning": "The account exists but was never activated.",
     "hint": "Activate the account (PATCH /activate) with the activation code sent by e-mail."},
    {"pattern": "(403 )?Forbidden", "meaning": "This user may not do this.",
     "hint": "Use an account with the needed permission (an environment administrator for admin routes)."},
    {"pattern": "(404 )?Not found", "meaning": "No resource has this id.", "hint": "Check the id in the path."},
    {"pattern": "Couldn't find .*", "meaning": "The record does not exist (Noosfero answers 500 here instead of 404).",
     "hint": "Check the id in the path."},
    {"pattern": ".* is missing.*", "meaning": "A required parameter was not sent.",
     "hint": "Fill in the parameter the message names."},
    {"pattern": "\\(Invalid request\\) .* not given", "meaning": "A required value was not given.",
     "hint": "Fill in the value the message names."},
    {"pattern": ".* can't be saved.*", "meaning": "The record did not validate and was not saved.", "hint": ""},
    {"pattern": "(405 )?(Method )?Not Allowed", "meaning": "This path does not accept this method.",
     "hint": "Check the method; the Allow header lists the ones this path takes."},
    {"pattern": "A community named .* already exists", "meaning": "A community with this name already exists.",
     "hint": "Choose another name."},
    {"pattern": "Activation (token|code) is invalid.*", "meaning": "The activation code is wrong or was used.",
     "hint": "Use the code from the activation e-mail."},
    {"pattern": ".* can't be blank", "meaning": "A required value was empty.", "hint": "Fill it in."},
    {"pattern": "Vote value not allowed", "meaning": "The vote value is not one this environment accepts.",
     "hint": "Vote 1 or -1."},
]

NOOSFERO_DOCS = """\
**Noosfero** is an open-source social-network and content platform (communities, people, enterprises,
articles, events). Every installation is its own site, so the live URL has an `instance` variable
(default `softwarepublico.gov.br/social`). The API is versioned under `/api/v1`; answers are JSON.

**Authentication.** Most routes need a user's *private token*: send it in the `PRIVATE-TOKEN` header
(the default here, so the token stays out of URLs) or as the `private_token` query parameter. Get the token
with `POST /login` (`login` + `password`); the answer is the user, whose `private_token` field holds it.
The token never expires and logging out does not revoke it. A missing or wrong token answers
401 `{"success": false, "message": "Unauthorized", "code": 401}`.

**Paging.** Lists take `page` (from 1) and `per_page` (default 20) and answer with `Total`, `Per-Page` and
`Link` headers; the body is a bare JSON array. The overview says at most 100 per page; the real code caps
only some routes (for example `/articles` at 50, `/articles/{id}/comments` and `/domains` at 20) and
silently clamps larger values. `count=true` replaces a list with `{"count": N}`.

**Quirks.** Every POST answers 201, even logins and updates. Action routes answer a small
`{"success": true, "code": N, "message": "..."}` where `code` is a Noosfero code (288 already exists,
289 already following, 291 logged out, ...). Validation errors are 422 with an `errors` map per field.
Some routes answer 500 ("Couldn't find ...") for a missing record instead of 404. Parameters can be sent in
the query string even for POST; bodies here are JSON. There is no rate limit.
"""


def noosfero_schema(p: Json) -> Json:
    t = p["type"]
    s: Json = {}
    if t == "file":
        s = {"type": "string", "format": "binary"}
    elif t == "object":
        s = {"type": "object"}
        props = p.get("properties") or []
        if props:
            s["properties"] = {name: {} for name in props}
    else:
        s = {"type": t}
        if t == "string" and p.get("format") == "float":
            s = {"type": "number"}
        elif p.get("format"):
            s["format"] = p["format"]
        if t == "array":
            s["items"] = {"type": p.get("items") or "string"}
    if "enum" in p and p["enum"] is not None:
        # JSON Schema: the values an array's elements may take are the items' enum
        (s["items"] if t == "array" else s)["enum"] = list(p["enum"])
    if p.get("default") is not None:
        s["default"] = p["default"]
    return s


def build_noosfero(ref: Json) -> Json:
    paths: Json = {}
    seen: set[str] = set()
    for e in ref["endpoints"]:
        method, path = e["method"], e["path"]
        params, props, required = [], {}, []
        file_body = False
        for p in e["params"]:
            sch = noosfero_schema(p)
            if p["in"] == "body":
                prop = dict(sch)
                if p.get("description"):
                    prop["description"] = clean(p["description"])
                props[p["name"]] = prop
                if p["required"]:
                    required.append(p["name"])
                file_body = file_body or p["type"] == "file"
                continue
            params.append({
                "name": p["name"], "in": p["in"], "required": bool(p["required"]) or p["in"] == "path",
                "description": clean(p.get("description")), "schema": sch,
            })
        op: Json = {
            "operationId": op_id(method, path, seen),
            "summary": clean(e["summary"]),
            "tags": [e["resource"]],
        }
        if params:
            op["parameters"] = params
        # "environment admin" is the one permission that is a role, not a per-object check: level admin.
        xa: Json = {"auth": "admin" if e.get("permission") == "environment admin" else e["auth"]}
        if props:
            body_schema: Json = {"type": "object", "properties": props}
            if required:
                body_schema["required"] = required
            ctype = "multipart/form-data" if file_body else "application/json"
            op["requestBody"] = {"required": bool(required), "content": {ctype: {"schema": body_schema}}}
            xa["body_encoding"] = "form" if file_body else "json"
        # statuses
        responses: Json = {}
        statuses = e.get("statuses") or {}
        ok = success_status(method)
        if not any(k.startswith("2") for k in statuses):
            what = status_text(e.get("response") or "") or "the result"
            what = "a list" + what[len("A list"):] if what.startswith("A list") else what
            responses[ok] = response_obj(f"Success: {what}.")
        for code, text in statuses.items():
            responses[str(code)] = response_obj(status_text(text) or NOOSFERO_STATUSES.get(str(code), ""))
        op["responses"] = responses
        xa["success_status"] = int(min((k for k in responses if k.startswith("2")), default=ok))
        if e.get("auth") == "none":
            op["security"] = []
        elif e.get("auth") == "optional":
            op["security"] = [{}, {"privateTokenHeader": []}, {"privateTokenQuery": []}]
        if e.get("permission"):
            op["description"] = f"Needs permission: {clean(e['permission'])}."
        if e.get("paginated"):
            pg = e.get("pagination") or {}
            xa["paging"] = {"default_size": pg.get("default_per_page", 20), "max_size": pg.get("max_per_page")}
        else:
            xa["paging"] = False
        notes = []
        if e.get("notes"):
            notes.append(e["notes"])
        if e.get("permission"):
            notes.append(f"Permission checked: {e['permission']}.")
        if e.get("response"):
            notes.append(f"Answer: {e['response']}.")
        if e.get("source"):
            notes.append(f"Source: {e['source']} (noosfero/noosfero).")
        xa["notes"] = " ".join(notes)
        op["x-apiplay"] = xa
        paths.setdefault(path, {})[method.lower()] = op

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Noosfero",
            "version": "v1",
            "description": "Noosfero social-network and content platform API (core routes, plugins excluded).",
        },
        "servers": [{
            "url": "https://{instance}/api/v1",
            "variables": {"instance": {"default": "softwarepublico.gov.br/social",
                                       "description": "Host (and path) of the Noosfero installation"}},
        }],
        "tags": [{"name": k, "description": v} for k, v in NOOSFERO_TAGS.items()],
        "security": [{"privateTokenHeader": []}, {"privateTokenQuery": []}],
        "components": {"securitySchemes": {
            "privateTokenHeader": {"type": "apiKey", "in": "header", "name": "PRIVATE-TOKEN"},
            "privateTokenQuery": {"type": "apiKey", "in": "query", "name": "private_token"},
        }},
        "paths": paths,
        "x-apiplay": {
            "id": "noosfero",
            "name": "Noosfero",
            "targets": {
                "live": "https://{instance}/api/v1",
                "sandbox": "/noosfero/api/v1",
                "variables": {"instance": {"default": "softwarepublico.gov.br/social", "enum": [],
                                           "description": "Host (and path) of the Noosfero installation"}},
            },
            "credentials": [
                {"name": "token", "label": "Private token", "secret": True, "env": "APIPLAY_NOOSFERO_TOKEN",
                 "description": "The user's private_token (POST /login returns it)."},
                {"name": "login", "label": "Login or e-mail", "secret": False, "env": "APIPLAY_NOOSFERO_LOGIN",
                 "description": "Used by the login flow to obtain the token."},
                {"name": "password", "label": "Password", "secret": True, "env": "APIPLAY_NOOSFERO_PASSWORD",
                 "description": "Used by the login flow to obtain the token."},
            ],
            "auth": {
                "placements": [
                    {"location": "header", "name": "PRIVATE-TOKEN", "field": "token"},
                    {"location": "query", "name": "private_token", "field": "token"},
                ],
                "login": {"method": "POST", "path": "/login",
                          "fields": {"login": "login", "password": "password"},
                          "token_pointer": "/private_token", "stores": "token"},
                "sandbox": {
                    "default": {"login": "ana", "password": "sandbox"},
                    "accounts": [
                        {"label": "Administrator", "values": {"login": "admin", "password": "sandbox"},
                         "note": "environment administrator"},
                        {"label": "Invalid token", "values": {"token": "0000000000000000000000000000dead"},
                         "note": "wrong token -> 401"},
                    ],
                },
                "description": "A private token in the PRIVATE-TOKEN header (default) or the private_token "
                               "query parameter. POST /login with login and password returns it.",
            },
            "paging": {
                "style": "page", "page_param": "page", "size_param": "per_page", "first_page": 1,
                "default_size": 20, "max_size": 100, "total_header": "Total", "size_header": "Per-Page",
                "link_header": "Link", "more_field": None, "items_field": None,
            },
            "rate_limit": {"limit": None, "standard_headers": False,
                           "description": "Noosfero has no documented rate limit."},
            "errors": {
                "message_fields": ["message", "error"],
                "errors_map_field": "errors",
                "statuses": NOOSFERO_STATUSES,
                "messages": NOOSFERO_MESSAGES,
            },
            "envelope_data_field": None,
            "docs": NOOSFERO_DOCS,
        },
    }


# --------------------------------------------------------------------------------------------------
# GoCache

GOCACHE_TAG_OF = {
    "login": "account", "token": "account", "user": "account", "plan": "account",
    "domain-list": "access-lists", "action-list": "access-lists", "history": "history", "domain": "domains",
    "dns": "dns", "cache": "cache", "ssl": "ssl", "mtls": "mtls", "rules": "smart-rules",
    "bot-mitigation": "bot-mitigation", "api-firewall": "api-firewall", "firewall": "firewall",
    "threat-hub": "threat-hub", "analytics": "analytics",
}
GOCACHE_TAGS = {
    "account": "Account, plan, users and API tokens.",
    "access-lists": "Domain lists and action (permission) lists for users and tokens.",
    "history": "History of changes made in the panel and through the API.",
    "domains": "Domains and their CDN, cache, WAF, TLS and image settings.",
    "dns": "DNS records and DNSSEC of a domain.",
    "cache": "Cache purges.",
    "ssl": "TLS certificates of a domain.",
    "mtls": "Client (mTLS) certificates of a domain.",
    "smart-rules": "Smart rules (settings, firewall, rewrite, rate limit), one by one or in bulk.",
    "bot-mitigation": "Bot-mitigation actions per bot category.",
    "api-firewall": "API firewall: upload OpenAPI files that describe the allowed API.",
    "firewall": "Account-wide IP firewall rules.",
    "threat-hub": "Security events (WAF, firewall, bots).",
    "analytics": "Traffic analytics of a domain.",
}

GOCACHE_STATUSES = {
    "200": "Success.",
    "202": "Accepted: the request will be processed later (for example a cache purge).",
    "400": "Bad request: a parameter is missing or its value is invalid.",
    "401": "Unauthorized: no API token was sent (GoCache-Token header).",
    "403": "Forbidden: the token has no access to this resource (or it is blocked after too many requests).",
    "404": "Not found: the item does not exist.",
    "409": "Conflict: the item already exists.",
    "428": "Precondition required (seen when deleting DNSSEC).",
    "5XX": "Something is wrong at GoCache.",
}

GOCACHE_BLOCK_PATTERN = r".*blocked for (\d+) s.*"

GOCACHE_MESSAGES = [
    {"pattern": "Parameter .* is required.*", "meaning": "A required parameter was not sent.",
     "hint": "Fill in the parameter the message names."},
    {"pattern": "Parameter .* is invalid.*", "meaning": "A parameter's value is not accepted.",
     "hint": "The message says what is expected."},
    {"pattern": ".* not found|not found|no .* for this domain|.* is not enabled.*",
     "meaning": "The item does not exist.", "hint": "Check the domain or id in the path."},
    {"pattern": ".* already exists|.* is already enabled.*", "meaning": "The item already exists.",
     "hint": "Change the existing item instead of creating it again."},
    {"pattern": "Invalid email or password", "meaning": "The account e-mail or password is wrong.",
     "hint": "Check them; POST /login needs no GoCache-Token."},
    {"pattern": GOCACHE_BLOCK_PATTERN,
     "meaning": "More than 100 requests in a minute: GoCache blocks the token for a while.",
     "hint": "Wait the number of seconds given, then send fewer requests."},
    {"pattern": ".*token.*(invalid|inv\u00e1lido).*|invalid token.*", "meaning": "The API token is not valid.",
     "hint": "Check APIPLAY_GOCACHE_TOKEN or the token in the credentials dialog."},
    {"pattern": "token not specified.*", "meaning": "No API token was sent.",
     "hint": "Set APIPLAY_GOCACHE_TOKEN (live) or pick a sandbox token; it goes in the GoCache-Token header."},
    {"pattern": ".*read-only.*", "meaning": "This token may read but not change anything.",
     "hint": "Use a token with write access for this request."},
]

GOCACHE_DOCS = """\
**GoCache** is a Brazilian CDN and edge-security service: caching, DNS, WAF, smart rules, TLS
certificates and analytics. Its REST API lives at `https://api.gocache.com.br/v1` and answers JSON. The
official documentation is in Portuguese (docs.gocache.com.br/api).

**Authentication.** Send the account's API token in the `GoCache-Token` header (Painel > Minha Conta >
Conta). Without it: 401; with a token that has no access to the resource: 403.

**Bodies.** Most writes are form-encoded (`application/x-www-form-urlencoded`). Lists use bracket keys:
`urls[1]=...`, `tag[1]=...` (indexed), `domain[]=...`, `match[request_method]=GET` repeated once per
value, `match[host]=...`, `action[action]=block`. Booleans travel as `true`/`false`. A few routes take JSON
(TLS certificates, mTLS, threat-hub events, bulk smart rules) and `POST /api-firewall/{domain}` takes the raw
OpenAPI file. `DELETE /cache/{domain}` and `DELETE /dns/{domain}` carry a form body.

**Answers.** Bodies may carry `msg`, `error` and a `response` object, for example `{"msg": "Success"}`,
`{"error": "Parameter email is required"}` or `{"response": {"urls_wrong_format": ["/imagem.jpg"]}}`.

**Limits.** More than 100 requests in a minute ("Abuso de Uso") gets the caller blocked without notice;
there are no rate-limit headers. apiplay counts your requests and refuses the 101st in a minute unless you
force it. The sandbox answers a blocked caller 403 for 60 seconds.

**Evidence.** Not every route is in the official docs: each endpoint says whether it is *documented*,
*seen in a client* (Terraform provider, SDKs, plugins) or *inferred*.
"""


def _gocache_array_style(name: str, t: str) -> tuple[str, str]:
    """(param name in the pack, array style) for an array parameter."""
    m = re.fullmatch(r"(.+)\[n\]", name)
    if m:
        return m.group(1) + "[]", "indexed"
    if t == "string[] (repeat key)" or t == "string / string[]":
        return name, "repeat"
    if name.endswith("[]"):
        return name, "brackets"
    return name, "repeat"


def gocache_schema(p: Json) -> tuple[str, Json]:
    """(name, schema) for a reference parameter."""
    name, t = p["name"], p["type"]
    enum = p.get("enum")
    s: Json
    if t == "string":
        s = {"type": "string"}
        if enum:
            s["enum"] = list(enum)
    elif t == "boolean-string" or t == "boolean":
        s = {"type": "boolean"}
    elif t in ("int", "int-string", "number"):
        s = {"type": "integer"}
        if enum:
            s["enum"] = [int(v) for v in enum]
    elif t == "unix-ts":
        s = {"type": "integer", "format": "unix-time"}
    elif t == "string (PEM)":
        s = {"type": "string", "format": "pem"}
    elif t in ("string[]", "string[] (repeat key)", "string / string[]"):
        name, style = _gocache_array_style(name, t)
        items: Json = {"type": "string"}
        if enum:
            items["enum"] = list(enum)
        s = {"type": "array", "items": items, "x-apiplay-array-style": style}
    elif t == "array<SmartRule>":
        s = {"type": "array", "items": {"type": "object"}}
    elif t == "OpenAPI JSON/YAML":
        s = {"type": "string", "format": "binary"}
    else:  # pragma: no cover - the reference has no other types
        raise SystemExit(f"gocache: unknown reference type {t!r} for {name}")
    return name, s


def gocache_params(e: Json) -> tuple[list[Json], Json, list[str]]:
    """(OpenAPI parameters, body properties, required body names)."""
    params, props, required = [], {}, []
    for p in e["params"]:
        desc = p.get("description") or ""
        if p["name"] == "(body)":
            name, s = "body", gocache_schema(p)[1]
            s["x-apiplay-whole-body"] = True
        elif p["name"] == "<section>.<item>":
            name = "permissions"
            s = {"type": "object", "additionalProperties": {"type": "string"}, "x-apiplay-spread": True}
            desc = ("Free-form permissions as a JSON object: each key is a '<section>.<item>' name "
                    "(e.g. account.plan, account.*, smartrules.*), each value create|read|update|delete "
                    "(combine with |). GoCache reads each one as its own form field named <section>.<item>.")
        elif p["name"] == "action[<field>]":
            name = "action"
            s = {"type": "object", "additionalProperties": {"type": "string"}}
            desc = ("The rule's action fields, sent as action[<field>]=value. " + desc).strip()
        else:
            name, s = gocache_schema(p)
        if p["in"] in ("form", "body"):
            prop = dict(s)
            if desc:
                prop["description"] = desc
            props[name] = prop
            if p["required"]:
                required.append(name)
        else:
            params.append({"name": name, "in": p["in"], "required": bool(p["required"]) or p["in"] == "path",
                           "description": desc, "schema": s})
    return params, props, required


def _gocache_encoding(e: Json) -> str | None:
    method, path = e["method"], e["path"]
    if method == "POST" and path == "/api-firewall/{domain}":
        return "raw"
    if e.get("request_content_type") == "application/json" or path.startswith("/rules/bulk/"):
        return "json"
    if path == "/threat-hub/events" or path == "/mtls/{domain}":
        return "json"
    return "form"


def build_gocache(ref: Json) -> Json:
    paths: Json = {}
    seen: set[str] = set()
    for e in ref["endpoints"]:
        method, path = e["method"], e["path"]
        params, props, required = gocache_params(e)
        seg = path.strip("/").split("/")[0]
        op: Json = {
            "operationId": op_id(method, path, seen),
            "summary": e["summary"],
            "tags": [GOCACHE_TAG_OF.get(seg, "other")],
        }
        if params:
            op["parameters"] = params
        xa: Json = {"auth": "none" if path == "/login" else "required", "evidence": e["confidence"]}
        if props:
            enc = _gocache_encoding(e)
            whole = [n for n, s in props.items() if s.get("x-apiplay-whole-body")]
            if enc == "raw":
                ctype, body_schema = "application/octet-stream", props["body"]
            elif enc == "json" and whole and len(props) == 1:
                ctype, body_schema = "application/json", props[whole[0]]
            else:
                ctype = "application/json" if enc == "json" else "application/x-www-form-urlencoded"
                body_schema = {"type": "object", "properties": props}
                if required:
                    body_schema["required"] = required
            op["requestBody"] = {"required": bool(required), "content": {ctype: {"schema": body_schema}}}
            xa["body_encoding"] = enc
        ok = str(e.get("success_status") or 200)
        example = e.get("example_response")
        responses: Json = {ok: response_obj(
            GOCACHE_STATUSES.get(ok, "Success.") + (f" (example: {e['example_source']})"
                                                    if example is not None and e.get("example_source") else ""),
            example)}
        op["responses"] = responses
        if e.get("success_status"):
            xa["success_status"] = int(e["success_status"])
        if path == "/login":
            op["security"] = []
        notes = []
        if e.get("notes"):
            notes.append(e["notes"])
        if not props and e.get("request_content_type"):
            notes.append(f"Clients send {e['request_content_type']}, but the reference lists no body fields.")
        notes.append(f"Evidence: {e['evidence']}")
        xa["notes"] = " ".join(notes)
        if method == "GET" and path == "/history/":
            xa["paging"] = {"style": "offset", "size_param": "limit", "offset_param": "offset",
                            "default_size": None, "max_size": None, "total_header": None, "size_header": None,
                            "link_header": None, "more_field": None, "items_field": None}
        op["x-apiplay"] = xa
        paths.setdefault(path, {})[method.lower()] = op

    return {
        "openapi": "3.1.0",
        "info": {"title": "GoCache", "version": "v1",
                 "description": "GoCache CDN, DNS, WAF and smart-rules API (Brazil)."},
        "servers": [{"url": "https://api.gocache.com.br/v1"}],
        "tags": [{"name": k, "description": v} for k, v in GOCACHE_TAGS.items()],
        "security": [{"gocacheToken": []}],
        "components": {"securitySchemes": {
            "gocacheToken": {"type": "apiKey", "in": "header", "name": "GoCache-Token"},
        }},
        "paths": paths,
        "x-apiplay": {
            "id": "gocache",
            "name": "GoCache",
            "targets": {"live": "https://api.gocache.com.br/v1", "sandbox": "/gocache/v1", "variables": {}},
            "credentials": [
                {"name": "token", "label": "API token", "secret": True, "env": "APIPLAY_GOCACHE_TOKEN",
                 "description": "The account's API token (Painel > Minha Conta > Conta)."},
            ],
            "auth": {
                "placements": [{"location": "header", "name": "GoCache-Token", "field": "token"}],
                "login": None,
                "sandbox": {
                    "default": {"token": "sandbox-gocache-token"},
                    "accounts": [
                        {"label": "Read-only token", "values": {"token": "sandbox-gocache-readonly"},
                         "note": "every write answers 403"},
                        {"label": "Wrong token", "values": {"token": "wrong-gocache-token"},
                         "note": "wrong token -> 403"},
                    ],
                },
                "description": "The account's API token in the GoCache-Token header.",
            },
            "paging": {"style": "none"},
            "rate_limit": {
                "limit": 100, "window_s": 60, "scope": "credential", "guard": True, "block_s": 60,
                "count_field": None, "reset_field": None, "hit_status": 403, "hit_pattern": GOCACHE_BLOCK_PATTERN,
                "standard_headers": False,
                "description": "At most 100 requests a minute; over it GoCache blocks the caller without "
                               "notice (the sandbox: 403 for 60 s). No rate-limit headers.",
            },
            "errors": {
                "message_fields": ["error", "msg", "response.urls_wrong_format", "response.error", "message"],
                "errors_map_field": None,
                "statuses": GOCACHE_STATUSES,
                "messages": GOCACHE_MESSAGES,
            },
            "envelope_data_field": None,
            "docs": GOCACHE_DOCS,
        },
    }


# --------------------------------------------------------------------------------------------------
# Trackingram

TRACKINGRAM_STATUSES = {
    "200": "Success: the answer is the envelope {object, data, has_more, count_api, reset_count_api}.",
    "400": "Every documented error is a 400; the message says which (see the error messages).",
    "404": "No such path or tracker (not documented by Trackingram; the sandbox answers GENERIC ERROR).",
    "405": "Method not allowed (not documented by Trackingram).",
    "5XX": "Server error (not documented by Trackingram).",
}

TRACKINGRAM_MESSAGES = [
    {"pattern": "AUTHENTICATION REQUIRED", "meaning": "No credentials were sent (no Authorization header).",
     "hint": "Set the e-mail and tokenApi (APIPLAY_TRACKINGRAM_EMAIL, APIPLAY_TRACKINGRAM_TOKEN)."},
    {"pattern": "AUTHENTICATION INCORRECT", "meaning": "The e-mail or the tokenApi is wrong.",
     "hint": "Check the credentials; the tokenApi is made in the location portal."},
    {"pattern": "FLOOD_WAIT_(\\d+)", "meaning": "More than 120 requests in a minute.",
     "hint": "Wait the number of seconds after FLOOD_WAIT_ before the next request."},
    {"pattern": "API NOT ENABLE", "meaning": "This user may not use the API.",
     "hint": "Enable the REST API in the portal's profile settings."},
    {"pattern": "USER NOT ENABLE", "meaning": "The user is disabled.", "hint": "Ask the account owner to enable it."},
    {"pattern": "GENERIC ERROR", "meaning": "Something else went wrong.", "hint": "Check the parameters and retry."},
]

TRACKINGRAM_DOCS = """\
**Trackingram** was an Italian GPS-tracker location portal ("portale di localizzazione"): vehicles,
their trackers (by IMEI) and positions. Its users moved to Flotta in Cloud, which answers the same calls at
`https://api.flottaincloud.it/apiPublic/v1_0/`.

**Versions.** The base URL is `https://api-production.trackingram.chat/apiPublic/{version}`: `v1_0` pins
the current version; `latest` or an empty version mean the latest.

**Authentication.** HTTP Basic: the account's e-mail as user name and the `tokenApi` made in the location
portal as password.

**Answers.** Every answer is an envelope `{object, data, has_more, count_api, reset_count_api}`: `object`
names what `data` holds (for example `list`), `has_more` says whether more items remain.

**Paging.** Lists take `limit` and `skip`: with 80 items, `limit=50&skip=0` gives 50 and `has_more: true`,
then `limit=50&skip=50` gives 30 and `has_more: false`.

**Limits.** At most 120 requests a minute. `count_api` counts the calls in the current window and
`reset_count_api` says how many seconds remain until it resets. Over the limit: HTTP 400 `FLOOD_WAIT_x`,
x = seconds to wait ("aspetta x secondi").

**Errors.** All errors are HTTP 400 with a message: `AUTHENTICATION REQUIRED`, `AUTHENTICATION INCORRECT`,
`FLOOD_WAIT_x`, `API NOT ENABLE`, `USER NOT ENABLE`, `GENERIC ERROR`. Where the message sits is not
documented; the sandbox answers `{"code": 400, "message": "..."}` and apiplay looks in `message`, `data`
and `error`.

**Evidence.** Only `GET /trackerGps` is in the public docs; the single-tracker and positions routes are
inferred from the successor API.
"""


def trackingram_schema(p: Json) -> Json:
    t = p["type"]
    if t == "int":
        return {"type": "integer", "minimum": 0}
    if t == "int (ms epoch)":
        return {"type": "integer", "format": "unix-ms"}
    if t == "comma-separated ints":
        items: Json = {"type": "integer"}
        if p.get("enum"):
            items["enum"] = [int(v) for v in p["enum"]]
        return {"type": "array", "items": items, "x-apiplay-array-style": "csv"}
    if t == "string":
        return {"type": "string"}
    raise SystemExit(f"trackingram: unknown reference type {t!r}")  # pragma: no cover


def _position_types(ref: Json) -> str:
    """ "1 POSIZIONE_GPS (simple GPS fix), 2 ..." from the successor API's enum, or ""."""
    types = ref.get("related_apis", {}).get("flotta_in_cloud_external_api_v1", {}).get("position_types") or {}
    return ", ".join(f"{k} {v}" for k, v in types.items())


def build_trackingram(ref: Json) -> Json:
    paths: Json = {}
    seen: set[str] = set()
    for e in ref["endpoints"]:
        method, path = e["method"], e["path"]
        params = []
        for p in e["params"]:
            s = trackingram_schema(p)
            desc = p.get("description") or ""
            if p["name"] == "filter_type" and _position_types(ref):
                desc = desc.replace(", see notes", "") + ": " + _position_types(ref) + "."
            params.append({"name": p["name"], "in": p["in"], "required": bool(p["required"]) or p["in"] == "path",
                           "description": desc, "schema": s})
        op: Json = {
            "operationId": op_id(method, path, seen),
            "summary": e["summary"],
            "tags": ["trackers"],
        }
        if params:
            op["parameters"] = params
        op["responses"] = {
            "200": response_obj(TRACKINGRAM_STATUSES["200"], e.get("example_response")),
            "400": response_obj(TRACKINGRAM_STATUSES["400"]),
            "404": response_obj(TRACKINGRAM_STATUSES["404"]),
        }
        names = {p["name"] for p in e["params"]}
        xa: Json = {"auth": "required", "evidence": e["confidence"], "success_status": 200,
                    "notes": f"Evidence: {e['evidence']}. Example: {e.get('example_source', '')}."}
        xa["paging"] = {} if {"limit", "skip"} <= names else False
        op["x-apiplay"] = xa
        paths.setdefault(path, {})[method.lower()] = op

    version_var = {"default": "v1_0", "enum": ["v1_0", "latest", ""],
                   "description": "API version: v1_0 pins it; latest or empty mean the latest"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Trackingram", "version": "v1_0",
                 "description": "Trackingram GPS-tracker location API (Italy); answered today by Flotta in Cloud."},
        "servers": [{"url": "https://api-production.trackingram.chat/apiPublic/{version}",
                     "variables": {"version": version_var}}],
        "tags": [{"name": "trackers", "description": "GPS trackers (localizzatori) and their positions."}],
        "security": [{"basic": []}],
        "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
        "paths": paths,
        "x-apiplay": {
            "id": "trackingram",
            "name": "Trackingram",
            "targets": {
                "live": "https://api-production.trackingram.chat/apiPublic/{version}",
                "sandbox": "/trackingram/apiPublic/{version}",
                "variables": {"version": version_var},
            },
            "credentials": [
                {"name": "email", "label": "Account e-mail", "secret": False, "env": "APIPLAY_TRACKINGRAM_EMAIL",
                 "description": "The Trackingram account's e-mail (HTTP Basic user name)."},
                {"name": "token", "label": "tokenApi", "secret": True, "env": "APIPLAY_TRACKINGRAM_TOKEN",
                 "description": "The tokenApi made in the location portal (HTTP Basic password)."},
            ],
            "auth": {
                "placements": [{"location": "basic", "field": "email", "password_field": "token"}],
                "login": None,
                "sandbox": {
                    "default": {"email": "demo@trackingram.example", "token": "sandbox-trackingram-token"},
                    "accounts": [
                        {"label": "API not enabled",
                         "values": {"email": "noapi@trackingram.example", "token": "sandbox-trackingram-token"},
                         "note": "API NOT ENABLE"},
                        {"label": "Disabled user",
                         "values": {"email": "disabled@trackingram.example", "token": "sandbox-trackingram-token"},
                         "note": "USER NOT ENABLE"},
                        {"label": "Wrong token",
                         "values": {"email": "demo@trackingram.example", "token": "wrong-trackingram-token"},
                         "note": "AUTHENTICATION INCORRECT"},
                    ],
                },
                "description": "HTTP Basic: the account e-mail as user name, the tokenApi as password.",
            },
            "paging": {
                "style": "offset", "size_param": "limit", "offset_param": "skip", "default_size": 50,
                "max_size": None, "total_header": None, "size_header": None, "link_header": None,
                "more_field": "has_more", "items_field": "data",
            },
            "rate_limit": {
                "limit": 120, "window_s": 60, "scope": "credential", "guard": False, "block_s": None,
                "count_field": "count_api", "reset_field": "reset_count_api", "hit_status": 400,
                "hit_pattern": "FLOOD_WAIT_(\\d+)", "standard_headers": False,
                "description": "At most 120 requests a minute; count_api and reset_count_api in every answer; "
                               "over the limit: 400 FLOOD_WAIT_x (x = seconds to wait).",
            },
            "errors": {
                "message_fields": ["message", "data", "error"],
                "errors_map_field": None,
                "statuses": TRACKINGRAM_STATUSES,
                "messages": TRACKINGRAM_MESSAGES,
            },
            "envelope_data_field": "data",
            "docs": TRACKINGRAM_DOCS,
        },
    }


# --------------------------------------------------------------------------------------------------

BUILDERS = {"gocache": build_gocache, "noosfero": build_noosfero, "trackingram": build_trackingram}


def build_all(reference: Path) -> dict[str, str]:
    """{file name: text} for the three packs."""
    out = {}
    for name, fn in BUILDERS.items():
        ref = json.loads((reference / f"{name}.json").read_text(encoding="utf-8"))
        out[f"{name}.json"] = dump(fn(ref))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare with the files on disk, write nothing")
    args = ap.parse_args(argv)
    if not args.reference.is_dir():
        print(f"build_packs: reference directory not found: {args.reference}", file=sys.stderr)
        return 2
    packs = build_all(args.reference)
    stale = []
    for fname, text in packs.items():
        target = args.out / fname
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(fname)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    if stale:
        print("build_packs: out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
