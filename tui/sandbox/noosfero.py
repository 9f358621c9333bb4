"""The Noosfero simulator (REST API v1, as Noosfero's Grape code behaves).

Rules (../shared/seeds/README.md): N1 `/api/v1/...`, JSON, optional `.json` suffix; N2 the token as
`private_token` (query or body) or the `PRIVATE-TOKEN` header (the raw `Authorization` header works
too, as in the code); N3 401 `{"success": false, "message": "Unauthorized", "code": 401}`; N4
`POST /login` answers 201 and the user with its `private_token`; N5 POST 201 with the resource,
GET/PUT/DELETE 200, DELETE idempotent; N6 the status codes; N7 `page`/`per_page` paging with the
`Total`, `Per-Page` and `Link` headers; N8 a playground page at `/api/playground`.

Real behaviour copied from ../shared/reference/noosfero_notes.md: per-route page caps clamped
silently; `Link` built on the request URL (first/prev only past page 1, last/next only before the
last page); 422 `{"errors": {field: [{"error", "full_message"}]}}`; Grape's own `{"error": ...}`
for invalid params (400) and a wrong method (405 with `Allow`); body codes (204 deleted, 291
logout, 295-298 membership...) inside `{"success", "code", "message"}`.

Sandbox choices: creating a community whose name exists answers 409 (seed N6; the real code
answers 201 with code 288); an unknown id answers 404 where the real code would leak a 500; a
`DELETE` of something already deleted answers 200 again (N5), of something that never existed 404.
"""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import threading
from typing import Any, Callable
from urllib.parse import quote, urlencode

from . import noosfero_data
from .data import BASE_S, hex_token, slugify
from .web import Request, Response, Router, as_list, json_response

#: N7 says per_page is at most 100. The code caps only some routes (the table below); routes it
#: leaves uncapped are capped at 100 here, so the seed's documented maximum holds everywhere.
DEFAULT_MAX = 100
PNG_1x1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
BLOCK_TYPES = ["RawHTMLBlock", "LinkListBlock", "RecentDocumentsBlock", "CommunitiesBlock",
               "FriendsBlock", "MembersBlock", "ProfileImageBlock", "TagsCloudBlock",
               "MainBlock", "LoginBlock"]


@functools.lru_cache(maxsize=65536)
def _t(ts: int | None) -> str | None:
    if ts is None:
        return None
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).strftime("%Y/%m/%d %H:%M:%S")


def api_error(status: int, message: str) -> Response:
    return json_response(status, {"success": False, "message": message, "code": status})


def not_found() -> Response:
    return api_error(404, "404 Not found")


def forbidden() -> Response:
    return api_error(403, "403 Forbidden")


def unauthorized() -> Response:
    return api_error(401, "Unauthorized")


def grape_error(status: int, message: str) -> Response:
    return json_response(status, {"error": message})


def model_errors(errors: dict[str, tuple[str, str]]) -> Response:
    return json_response(422, {"errors": {f: [{"error": e, "full_message": m}]
                                          for f, (e, m) in errors.items()}})


def body_response(status: int, success: bool, code: int, message: Any) -> Response:
    return json_response(status, {"success": success, "code": code, "message": message})


class NoosferoApp:
    name = "noosfero"

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.db = noosfero_data.build()
        self.tokens = {u["private_token"]: u for u in self.db["users"].values()}
        self.deleted: set[tuple[str, int]] = set()
        self._seq = {"profile": max(self.db["profiles"]) , "article": max(self.db["articles"]),
                     "comment": max(self.db["comments"]), "task": max(self.db["tasks"]),
                     "scrap": max(self.db["scraps"]), "user": max(self.db["users"])}
        self._version = 0  # bumped by every write; the lookup index is rebuilt lazily after one
        self._index: dict[str, Any] | None = None
        self._index_version = -1
        self.push_tokens: dict[int, list[dict[str, Any]]] = {}
        self.push_settings: dict[int, set[str]] = {}
        self.router = Router()
        from . import noosfero_routes

        noosfero_routes.install(self)

    # ------------------------------------------------------------------ helpers
    def next_id(self, kind: str) -> int:
        self._seq[kind] += 1
        return self._seq[kind]

    def internal_error(self, req: Request) -> Response:
        return grape_error(500, "Internal Server Error")

    def bad_request(self, req: Request, message: str) -> Response:
        return grape_error(400, message)

    def current_user(self, req: Request) -> dict[str, Any] | None:
        params = req.params()
        token = params.get("private_token")
        if not token:
            token = req.header("Private-Token") or req.header("Authorization")
        if not isinstance(token, str):
            return None
        return self.tokens.get(token.strip())

    def handle(self, req: Request) -> Response:
        if req.path.startswith("/\0"):
            return self.outside(req)
        route, args, allowed = self.router.match(req.method, req.path)
        if route is None:
            if allowed:
                headers = [("Allow", ", ".join(allowed + ["OPTIONS"]))]
                if req.method == "OPTIONS":
                    return Response(204, b"", headers, None)
                return json_response(405, {"error": "405 Not Allowed"}, headers)
            return not_found()
        req.path_args = args
        user = self.current_user(req)
        auth = getattr(route.handler, "auth", "optional")
        if auth in ("required", "admin") and user is None:
            return unauthorized()
        if auth == "admin" and not user["env_admin"]:
            return forbidden()
        req.user = user  # type: ignore[attr-defined]
        with self.lock:
            try:
                return route.handler(req)
            finally:
                if req.method not in ("GET", "HEAD"):
                    self._version += 1

    def index(self) -> dict[str, Any]:
        """Counts and groupings the entities need, rebuilt only after a write."""
        if self._index is not None and self._index_version == self._version:
            return self._index
        from collections import defaultdict

        db = self.db
        ix: dict[str, Any] = {k: defaultdict(int) for k in (
            "comments_by_author", "articles_by_author", "follows_by_person", "followers_by_article",
            "votes_by_person", "comments_count")}
        ix["comments_of"] = defaultdict(list)
        ix["children_of"] = defaultdict(list)
        ix["votes_of"] = defaultdict(list)
        ix["friends"] = defaultdict(set)
        ix["replies_of"] = defaultdict(list)
        for c in db["comments"].values():
            ix["comments_by_author"][c["author_id"]] += 1
            ix["comments_count"][c["article_id"]] += 1
            ix["comments_of"][c["article_id"]].append(c)
            if c["reply_of_id"]:
                ix["replies_of"][c["reply_of_id"]].append(c)
        for a in db["articles"].values():
            ix["articles_by_author"][a["author_id"]] += 1
            if a["parent_id"]:
                ix["children_of"][a["parent_id"]].append(a)
        for pid, aid in db["follows"]:
            ix["follows_by_person"][pid] += 1
            ix["followers_by_article"][aid] += 1
        for (pid, aid), v in db["votes"].items():
            ix["votes_by_person"][pid] += 1
            ix["votes_of"][aid].append(v)
        for a, b in db["friendships"]:
            ix["friends"][a].add(b)
            ix["friends"][b].add(a)
        self._index, self._index_version = ix, self._version
        return ix

    def outside(self, req: Request) -> Response:
        """Paths under /noosfero but outside /api/v1: the playground page (N8) or a 404."""
        path = req.path[2:].rstrip("/")
        if path in ("/noosfero/api", "/noosfero/api/playground") and req.method == "GET":
            return self.playground(path.endswith("playground"))
        return not_found()

    def playground(self, full: bool) -> Response:
        import html

        rows = sorted((r.template, r.method) for r in self.router.routes)
        rows.sort(key=lambda x: (x[0] != "/login", x[0]))
        items = "\n".join(f"<li><code>{m} /api/v1{html.escape(p)}</code></li>" for p, m in rows)
        title = "Noosfero API playground" if full else "Noosfero API"
        page = (f"<!DOCTYPE html><html lang='pt-BR'><head><meta charset='utf-8'><title>{title}</title>"
                f"</head><body><h1>{title}</h1><p>Sandbox: {len(rows)} endpoints. Use "
                f"<code>POST /api/v1/login</code> with <code>login=ana&amp;password=sandbox</code> "
                f"to get a <code>private_token</code>.</p><ul>{items}</ul></body></html>")
        return Response(200, page.encode(), [], "text/html; charset=utf-8")

    # ------------------------------------------------------------------ paging
    def paginate(self, req: Request, items: list[Any], *, default: int = 20,
                 cap: int | None = DEFAULT_MAX) -> tuple[list[Any], list[tuple[str, str]]] | Response:
        params = req.params()
        raw_page = params.get("page")
        raw_per = params.get("per_page")
        if raw_per in (None, ""):
            raw_per = params.get("limit")
        try:
            page = int(raw_page) if raw_page not in (None, "") else 1
        except (TypeError, ValueError):
            return grape_error(400, "page is invalid")
        try:
            per = int(raw_per) if raw_per not in (None, "") else default
        except (TypeError, ValueError):
            return grape_error(400, "per_page is invalid")
        if page < 1:
            return grape_error(400, "page is invalid")
        if per < 1:
            per = default
        if cap is not None:
            per = min(per, cap)
        total = len(items)
        pages = max(1, -(-total // per))
        chunk = items[(page - 1) * per: page * per]
        headers = [("Total", str(total)), ("Per-Page", str(per))]
        links = []
        query = [(k, v) for k, v in req.query_pairs if k != "page"]

        def link(n: int, rel: str) -> str:
            qs = urlencode(sorted(query + [("page", str(n))]), quote_via=quote)
            return f'<{req.url}?{qs}>; rel="{rel}"'

        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        if page < pages and total > 0:
            links += [link(pages, "last"), link(page + 1, "next")]
        if links:
            headers.append(("Link", ", ".join(links)))
        return chunk, headers

    def present_list(self, req: Request, items: list[Any], render: Callable[[Any], Any], *,
                     default: int = 20, cap: int | None = DEFAULT_MAX, status: int = 200) -> Response:
        params = req.params()
        if str(params.get("count", "")).lower() == "true":
            return json_response(status, {"count": len(items)})
        paged = self.paginate(req, items, default=default, cap=cap)
        if isinstance(paged, Response):
            return paged
        chunk, headers = paged
        return json_response(status, [self.fields(req, render(x)) for x in chunk], headers)

    def present(self, req: Request, obj: Any, status: int = 200) -> Response:
        if str(req.params().get("count", "")).lower() == "true" and isinstance(obj, list):
            return json_response(status, {"count": len(obj)})
        return json_response(status, self.fields(req, obj))

    @staticmethod
    def fields(req: Request, obj: Any) -> Any:
        raw = req.params().get("fields")
        if not raw or not isinstance(obj, dict):
            return obj
        if isinstance(raw, str) and raw.strip().startswith("{"):  # {"only": [...]} / {"except": [...]}
            import json

            try:
                spec = json.loads(raw)
            except ValueError:
                spec = {}
            if isinstance(spec, dict) and isinstance(spec.get("except"), list):
                drop = {str(n) for n in spec["except"] if isinstance(n, str)}
                return {k: v for k, v in obj.items() if k not in drop}
            raw = spec.get("only", []) if isinstance(spec, dict) else []
            raw = [n for n in raw if isinstance(n, str)]
        if isinstance(raw, dict):  # fields[only][]=a style
            raw = as_list(raw.get("only"))
        names = raw if isinstance(raw, list) else str(raw).split(",")
        names = [str(n).strip() for n in names if str(n).strip()]
        return {k: v for k, v in obj.items() if k in names} if names else obj

    # ------------------------------------------------------------------ filters
    def filter_common(self, req: Request, items: list[dict[str, Any]], *, title: str = "name") -> list[dict[str, Any]]:
        p = req.params()
        search = str(p.get("search") or "").strip().lower()
        if search:
            items = [x for x in items if search in str(x.get(title) or "").lower()
                     or search in str(x.get("body") or x.get("description") or "").lower()]
        tag = p.get("tag")
        if tag:
            items = [x for x in items if tag in x.get("tags", [])]
        for key in ("identifier", "parent_id", "author_id", "archived", "status"):
            val = p.get(key)
            if val not in (None, "") and isinstance(val, str):
                items = [x for x in items if str(x.get(key)).lower() == val.lower()]
        cats = p.get("category_ids")
        if cats:
            wanted = {int(c) for c in as_list(cats) if str(c).isdecimal()}
            items = [x for x in items if wanted & set(x.get("category_ids", []))]
        for key, op in (("from", "ge"), ("until", "le"), ("timestamp", "ge_upd")):
            val = p.get(key)
            if val:
                ts = _parse_time(val)
                if ts is not None:
                    if op == "ge":
                        items = [x for x in items if x["created_at"] >= ts]
                    elif op == "le":
                        items = [x for x in items if x["created_at"] <= ts]
                    else:
                        items = [x for x in items if x.get("updated_at", x["created_at"]) >= ts]
        ref = p.get("reference_id")
        if ref and str(ref).isdecimal():
            ref_id = int(ref)
            items = [x for x in items if (x["id"] < ref_id if "oldest" in p else x["id"] > ref_id)]
        order = str(p.get("order") or "created_at DESC").strip()
        col, _, direction = order.partition(" ")
        if col.upper() == "RANDOM":
            import random

            items = list(items)
            random.Random(len(items)).shuffle(items)
        elif col in ("created_at", "updated_at", "id", "name", "title", "hits", "identifier"):
            items = sorted(items, key=lambda x: (x.get(col) is None, x.get(col) or 0, x["id"]),
                           reverse=direction.strip().upper() != "ASC")
        else:
            items = sorted(items, key=lambda x: (x["created_at"], x["id"]), reverse=True)
        return items

    # ------------------------------------------------------------------ lookups
    def profile(self, ident: Any, kind: str | None = None, key: str | None = None) -> dict[str, Any] | None:
        text = str(ident)
        prof = None
        if key == "identifier" or not text.isdecimal():
            prof = next((p for p in self.db["profiles"].values() if p["identifier"] == text), None)
        else:
            prof = self.db["profiles"].get(int(text))
        if prof is None or (kind and prof["type"] != kind):
            return None
        return prof

    def article(self, ident: Any) -> dict[str, Any] | None:
        text = str(ident)
        return self.db["articles"].get(int(text)) if text.isdecimal() else None

    def user_of(self, person_id: int) -> dict[str, Any] | None:
        return self.db["users"].get(person_id)

    def person_of(self, user: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if user is None else self.db["profiles"].get(user["person_id"])

    def can_edit_profile(self, user: dict[str, Any] | None, prof: dict[str, Any]) -> bool:
        if user is None:
            return False
        return user["env_admin"] or user["person_id"] == prof["id"] or user["person_id"] in prof["admins"]

    def can_edit_article(self, user: dict[str, Any] | None, art: dict[str, Any]) -> bool:
        if user is None:
            return False
        prof = self.db["profiles"].get(art["profile_id"])
        return art["author_id"] == user["person_id"] or (prof is not None and self.can_edit_profile(user, prof))

    def can_post(self, user: dict[str, Any] | None, prof: dict[str, Any]) -> bool:
        if user is None:
            return False
        return self.can_edit_profile(user, prof) or user["person_id"] in prof["members"]

    def visible_articles(self) -> list[dict[str, Any]]:
        return [a for a in self.db["articles"].values() if a["published"]]

    def article_path(self, art: dict[str, Any]) -> str:
        parts = [art["slug"]]
        seen = 0
        parent = art["parent_id"]
        while parent and seen < 20:
            p = self.db["articles"].get(parent)
            if p is None:
                break
            parts.insert(0, p["slug"])
            parent = p["parent_id"]
            seen += 1
        return "/".join(parts)

    # ------------------------------------------------------------------ entities
    def image(self, prof: dict[str, Any]) -> dict[str, Any]:
        base = f"http://rede.sandbox.example/image_uploads/{prof['id']}/{prof['identifier']}"
        return {"id": prof["id"], "filename": f"{prof['identifier']}.png", "url": f"{base}.png",
                "icon_url": f"{base}_icon.png", "minor_url": f"{base}_minor.png",
                "portrait_url": f"{base}_portrait.png", "thumb_url": f"{base}_thumb.png"}

    def region(self, prof: dict[str, Any]) -> dict[str, Any] | None:
        return {"id": 15 + (prof["id"] % 3), "name": prof.get("state") or "", "slug": slugify(prof.get("state") or ""),
                "full_name": f"{prof.get('city')}, {prof.get('state')}", "parent_id": 15,
                "image": None, "display_color": None} if prof.get("state") else None

    def profile_entity(self, prof: dict[str, Any], user: dict[str, Any] | None = None,
                       *, full: bool = True) -> dict[str, Any]:
        perms = []
        if user is not None:
            if self.can_edit_profile(user, prof):
                perms = ["allow_post_content", "allow_edit", "allow_destroy", "allow_edit_design",
                         "allow_post_scrap"]
            elif user["person_id"] in prof["members"] or prof["type"] == "Person":
                perms = ["allow_post_content", "allow_post_scrap"] if prof["type"] != "Person" else ["allow_post_scrap"]
        out = {
            "identifier": prof["identifier"], "name": prof["name"], "id": prof["id"],
            "created_at": _t(prof["created_at"]), "updated_at": _t(prof["updated_at"]),
            "image": self.image(prof), "top_image": None, "region": self.region(prof),
            "type": prof["type"], "custom_header": None, "custom_footer": None,
            "layout_template": "default", "permissions": perms, "theme": "base",
        }
        if not full:
            return out
        if prof["type"] == "Person":
            u = self.user_of(prof["id"])
            see_all = user is not None and (user["env_admin"] or user["person_id"] == prof["id"])
            out["user"] = {"id": u["id"], "login": u["login"]} if u else None
            ix = self.index()
            out["vote_count"] = ix["votes_by_person"].get(prof["id"], 0)
            for f in ("email", "country", "state", "city"):
                if see_all or f in prof["public_fields"]:
                    out[f] = prof.get(f)
            out["comments_count"] = ix["comments_by_author"].get(prof["id"], 0)
            out["following_articles_count"] = ix["follows_by_person"].get(prof["id"], 0)
            out["articles_count"] = ix["articles_by_author"].get(prof["id"], 0)
            out["friends_count"] = len(ix["friends"].get(prof["id"], ()))
        elif prof["type"] == "Community":
            out["description"] = prof["description"]
            out["members_count"] = len(prof["members"])
            out["closed"] = prof["closed"]
        return out

    def friends_of(self, pid: int) -> list[int]:
        return sorted(self.index()["friends"].get(pid, ()))

    def article_entity(self, art: dict[str, Any], user: dict[str, Any] | None = None,
                       *, children: bool = True) -> dict[str, Any]:
        prof = self.db["profiles"].get(art["profile_id"])
        author = self.db["profiles"].get(art["author_id"])
        ix = self.index()
        votes = ix["votes_of"].get(art["id"], [])
        kids = ix["children_of"].get(art["id"], [])
        out = {
            "id": art["id"], "body": art["body"], "abstract": art["abstract"],
            "created_at": _t(art["created_at"]), "updated_at": _t(art["updated_at"]),
            "url": f"http://rede.sandbox.example/{prof['identifier'] if prof else 'perfil'}/{self.article_path(art)}",
            "title": art["title"],
            "author": self.profile_entity(author, full=False) if author else None,
            "profile": self.profile_entity(prof, full=False) if prof else None,
            "categories": [self.category_entity(self.db["categories"][c]) for c in art["category_ids"]
                           if c in self.db["categories"]],
            "image": None, "votes_for": sum(1 for v in votes if v > 0),
            "votes_against": sum(1 for v in votes if v < 0), "setting": {},
            "position": art["position"], "hits": art["hits"], "start_date": _t(art["start_date"]),
            "end_date": _t(art["end_date"]), "tag_list": list(art["tags"]),
            "children_count": len(kids), "slug": art["slug"], "path": self.article_path(art),
            "followers_count": ix["followers_by_article"].get(art["id"], 0),
            "votes_count": len(votes),
            "comments_count": ix["comments_count"].get(art["id"], 0),
            "archived": art["archived"], "type": art["type"], "published": art["published"],
            "access": art["access"], "accept_comments": art["accept_comments"],
            "mime_type": art["mime_type"], "name": art["name"], "parent_id": art["parent_id"],
        }
        if art["type"] == "UploadedFile":
            out["size"] = art["size"]
            out["public_filename"] = f"/articles/0000/{art['id']:04d}/{art['slug']}"
        if children:
            out["children"] = [self.article_entity(k, user, children=False) for k in kids[:50]]
            perms = []
            if self.can_edit_article(user, art):
                perms = ["allow_edit", "allow_post_content", "allow_delete", "allow_create"]
            elif user is not None and prof is not None and self.can_post(user, prof):
                perms = ["allow_post_content", "allow_create"]
            out["permissions"] = perms
        return out

    def category_entity(self, cat: dict[str, Any], *, parent: bool = False,
                        children: bool = False) -> dict[str, Any]:
        full = cat["name"]
        if cat["parent_id"]:
            full = f"{self.db['categories'][cat['parent_id']]['name']}/{cat['name']}"
        out = {"name": cat["name"], "id": cat["id"], "slug": cat["slug"], "full_name": full,
               "image": None, "display_color": cat["display_color"]}
        if parent:
            p = self.db["categories"].get(cat["parent_id"] or 0)
            out["parent"] = self.category_entity(p) if p else None
        if children:
            out["children"] = [self.category_entity(c) for c in self.db["categories"].values()
                               if c["parent_id"] == cat["id"]]
        if cat["type"] == "Region":
            out["parent_id"] = cat["parent_id"]
        return out

    def comment_entity(self, com: dict[str, Any], user: dict[str, Any] | None = None,
                       *, depth: int = 0) -> dict[str, Any]:
        author = self.db["profiles"].get(com["author_id"])
        reply = self.db["comments"].get(com["reply_of_id"] or 0)
        art = self.db["articles"].get(com["article_id"])
        perms = []
        if user is not None and (user["person_id"] == com["author_id"]
                                 or (art is not None and self.can_edit_article(user, art))):
            perms = ["allow_destroy"]
        replies = self.index()["replies_of"].get(com["id"], []) if depth < 3 else []
        return {
            "body": com["body"], "title": com["title"], "id": com["id"],
            "created_at": _t(com["created_at"]),
            "author": self.profile_entity(author, full=False) if author else None,
            "reply_of": {"id": reply["id"], "body": reply["body"]} if reply else None,
            "permissions": perms,
            "replies": [self.comment_entity(c, user, depth=depth + 1) for c in replies],
        }

    def user_entity(self, u: dict[str, Any], viewer: dict[str, Any] | None = None,
                    *, login: bool = False) -> dict[str, Any]:
        see = login or (viewer is not None and (viewer["env_admin"] or viewer["id"] == u["id"]))
        person = self.db["profiles"].get(u["person_id"])
        out: dict[str, Any] = {"id": u["id"], "login": u["login"]}
        if see or (person and "email" in person["public_fields"]):
            out["email"] = u["email"]
        if see:
            out["activated"] = u["activated"]
        out["person"] = self.profile_entity(person, viewer) if person else None
        if see:
            perms = {}
            for p in self.db["profiles"].values():
                if u["person_id"] in p["admins"]:
                    perms[p["identifier"]] = ["edit_profile", "destroy_profile", "perform_task",
                                              "post_content", "edit_profile_design"]
            out["permissions"] = perms
        if login:
            if u["activated"]:
                out["private_token"] = u["private_token"]
            out["activation_code"] = u["activation_code"]
        return out

    def task_entity(self, task: dict[str, Any], *, content: bool = False) -> dict[str, Any]:
        req = self.db["profiles"].get(task["requestor_id"])
        if task["target_type"] == "Environment":
            target = {"id": 1, "name": self.db["environments"][1]["name"], "type": "Environment"}
        else:
            tp = self.db["profiles"].get(task["target_id"])
            target = self.profile_entity(tp, full=False) if tp else None
        out = {"id": task["id"], "type": task["type"],
               "requestor": self.profile_entity(req, full=False) if req else None,
               "status": task["status"], "created_at": _t(task["created_at"]), "data": task["data"],
               "accept_details": task["accept_details"], "reject_details": task["reject_details"],
               "accept_disabled": False, "reject_disabled": False, "target": target}
        if content or task["type"] in ("SuggestArticle", "ApproveArticle"):
            out["api_content"] = task["data"].get("article") or {"message": task["data"].get("message")}
        if task["type"] == "AbuseComplaint":
            out["abuse_reports"] = [{"id": task["id"], "reporter": out["requestor"],
                                     "reason": "Conteúdo ofensivo", "created_at": out["created_at"]}]
        return out

    def environment_entity(self, env: dict[str, Any], user: dict[str, Any] | None) -> dict[str, Any]:
        out = {k: env[k] for k in ("name", "id", "description", "layout_template", "signup_intro",
                                    "terms_of_use", "contact_email", "host", "theme")}
        out.update(captcha_site_key=None, captcha_signup_enable=False, type="Environment")
        if user is not None:
            out["permissions"] = ["allow_edit", "allow_edit_design"] if user["env_admin"] else []
            if user["env_admin"]:
                out["settings"] = env["settings"]
        return out

    def scrap_entity(self, s: dict[str, Any]) -> dict[str, Any]:
        snd = self.db["profiles"].get(s["sender_id"])
        rcv = self.db["profiles"].get(s["receiver_id"])
        return {"id": s["id"], "created_at": _t(s["created_at"]), "updated_at": _t(s["created_at"]),
                "scrap_id": s["scrap_id"], "content": s["content"],
                "sender": self.profile_entity(snd, full=False) if snd else None,
                "receiver": self.profile_entity(rcv, full=False) if rcv else None,
                "replies_count": sum(1 for x in self.db["scraps"].values() if x["scrap_id"] == s["id"])}

    def block_definition(self, name: str) -> dict[str, Any]:
        label = name.replace("Block", "")
        return {"description": f"Bloco {label}", "short_description": label, "name": name,
                "type": name}

    def block_entity(self, block_id: int, owner: str, owner_id: int, box_id: int, position: int) -> dict[str, Any]:
        btype = BLOCK_TYPES[(block_id + position) % len(BLOCK_TYPES)]
        stored = self.db["blocks"].get(block_id, {})
        return {"id": block_id, "type": btype, "settings": stored.get("settings", {}),
                "position": position, "enabled": True, "box_id": box_id, "mirror": False,
                "mirror_block_id": None, "title": stored.get("title", btype.replace("Block", "")),
                "api_content": stored.get("api_content", {}), "permissions": ["allow_edit"],
                "definition": self.block_definition(btype)}

    def boxes(self, owner: str, owner_id: int) -> list[dict[str, Any]]:
        out = []
        for box in range(1, 4):
            box_id = owner_id * 10 + box if owner == "profile" else 900000 + owner_id * 10 + box
            blocks = [self.block_entity(box_id * 10 + pos, owner, owner_id, box_id, pos)
                      for pos in range(1, 4 if box != 1 else 2)]
            out.append({"id": box_id, "position": box, "blocks": blocks})
        return out


def _parse_time(value: Any) -> int | None:
    text = str(value).strip()
    if text.isdecimal():
        return int(text)
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return int(_dt.datetime.strptime(text[:19], fmt).replace(tzinfo=_dt.timezone.utc).timestamp())
        except ValueError:
            continue
    return None


__all__ = ["NoosferoApp", "api_error", "not_found", "forbidden", "unauthorized", "grape_error",
           "model_errors", "body_response", "BASE_S", "hex_token"]
