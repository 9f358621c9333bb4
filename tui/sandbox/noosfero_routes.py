"""Every Noosfero API v1 route (the 125 core routes and the 15 plugin routes), on a NoosferoApp.

Each handler gets the request (with `req.user` set) and answers a Response. `auth` levels follow
the reference catalog: "none"/"optional" routes answer anonymous callers, "required" routes answer
401 without a valid token, "admin" routes answer 403 to anyone but an environment administrator.
Page sizes: (default, cap) per route as in the code; None caps become 100 (see DEFAULT_MAX).
"""

from __future__ import annotations

from typing import Any, Callable

from .data import BASE_S, hex_token, slugify
from .noosfero import (DEFAULT_MAX, PNG_1x1, BLOCK_TYPES, NoosferoApp, api_error, body_response, forbidden,
                       grape_error, model_errors, not_found)
from .web import Request, Response, as_list, json_response

ARTICLE_TYPES = ("TextArticle", "Blog", "Folder", "Event", "UploadedFile", "Forum", "Gallery",
                 "RssFeed", "TinyMceArticle", "TextileArticle", "LinkArticle")
KIND_OF = {"profiles": None, "communities": "Community", "people": "Person", "enterprises": "Enterprise"}


def install(app: NoosferoApp) -> None:  # noqa: C901 - one place for every route, on purpose
    db = app.db

    def route(method: str, path: str, auth: str = "optional"):
        def deco(fn: Callable[[Request], Response]) -> Callable[[Request], Response]:
            fn.auth = auth  # type: ignore[attr-defined]
            app.router.add(method, path, fn)
            return fn

        return deco

    def P(req: Request) -> dict[str, Any]:
        return req.params()

    def nested(req: Request, key: str) -> dict[str, Any] | None:
        val = P(req).get(key)
        return val if isinstance(val, dict) else None

    def missing(*names: str) -> Response:
        return grape_error(400, ", ".join(f"{n} is missing" for n in names))

    def new_person(login_: str, email: str, password: str, name: str, *, city: Any = None,
                   state: Any = None) -> dict[str, Any]:
        """A person profile and its (activated) user; returns the user."""
        pid = app.next_id("profile")
        db["profiles"][pid] = {
            "id": pid, "type": "Person", "name": name, "identifier": slugify(login_) or f"pessoa-{pid}",
            "created_at": BASE_S + pid, "updated_at": BASE_S + pid, "city": city, "state": state,
            "country": "BR", "email": email, "public_fields": set(), "members": set(), "admins": set(),
            "description": "", "closed": False, "tags": [], "category_ids": [], "visible": True}
        user = {"id": pid, "login": login_, "email": email, "password": password, "person_id": pid,
                "activated": True, "private_token": hex_token("noosfero", "private_token", login_, pid),
                "activation_code": hex_token("noosfero", "activation", login_, length=20),
                "env_admin": False}
        db["users"][pid] = user
        app.tokens[user["private_token"]] = user
        return user

    # ================================================================== session
    @route("POST", "/login", "none")
    def login(req: Request) -> Response:
        p = P(req)
        lacking = [n for n in ("login", "password") if not str(p.get(n) or "").strip()]
        if lacking:
            return missing(*lacking)
        ident = str(p["login"]).strip().lower()
        user = next((u for u in db["users"].values()
                     if u["login"] == ident or u["email"].lower() == ident), None)
        if user is None or user["password"] != p["password"]:
            return api_error(401, "Unauthorized")
        if not user["activated"]:
            return api_error(401, f'The user "{user["login"]}" is not activated! '
                                  "Please check your email to activate your account.")
        return json_response(201, app.user_entity(user, login=True))

    @route("POST", "/logout", "optional")
    def logout(req: Request) -> Response:
        return body_response(201, True, 291, "Logout successfully")

    @route("POST", "/login_from_cookie", "none")
    def login_from_cookie(req: Request) -> Response:
        return api_error(401, "Unauthorized")

    @route("POST", "/register", "none")
    def register(req: Request) -> Response:
        p = P(req)
        lacking = [n for n in ("email", "login", "password") if not str(p.get(n) or "").strip()]
        if lacking:
            return missing(*lacking)
        login_ = str(p["login"]).strip().lower()
        errors = {}
        if any(u["login"] == login_ for u in db["users"].values()):
            errors["login"] = ("taken", "Login is already taken")
        if any(u["email"] == p["email"] for u in db["users"].values()):
            errors["email"] = ("taken", "Email is already taken")
        if "@" not in str(p["email"]):
            errors["email"] = ("invalid", "Email is invalid")
        conf = p.get("password_confirmation")
        if conf is not None and conf != p["password"]:
            errors["password_confirmation"] = ("confirmation", "Password confirmation doesn't match Password")
        if errors:
            return model_errors(errors)
        user = new_person(login_, str(p["email"]), str(p["password"]), str(p.get("name") or login_))
        return json_response(201, app.user_entity(user, login=True))

    @route("PATCH", "/activate", "none")
    def activate(req: Request) -> Response:
        p = P(req)
        token = p.get("activation_token") or p.get("short_activation_code")
        if not token:
            return missing("activation_token", "short_activation_code")
        user = next((u for u in db["users"].values() if u["activation_code"] == token), None)
        if user is None:
            return api_error(412, "Activation token is invalid")
        user["activated"] = True
        return json_response(200, app.user_entity(user, login=True))

    @route("POST", "/forgot_password", "none")
    def forgot_password(req: Request) -> Response:
        value = str(P(req).get("value") or "").strip().lower()
        if not value:
            return missing("value")
        if not any(value in (u["login"], u["email"].lower()) for u in db["users"].values()):
            return not_found()
        return body_response(201, True, 200, "Password change instructions were sent by e-mail")

    @route("POST", "/resend_activation_code", "none")
    def resend_activation(req: Request) -> Response:
        value = str(P(req).get("value") or "").strip().lower()
        if not value:
            return missing("value")
        users = [u for u in db["users"].values() if value in (u["login"], u["email"].lower())]
        if not users:
            return not_found()
        # As in the real code, this leaks the private_token of an activated account (notes, 7.2).
        return json_response(201, [app.user_entity(u, login=True) for u in users])

    @route("PATCH", "/new_password", "none")
    def new_password(req: Request) -> Response:
        p = P(req)
        lacking = [n for n in ("code", "password", "password_confirmation") if not p.get(n)]
        if lacking:
            return missing(*lacking)
        user = next((u for u in db["users"].values() if u["activation_code"] == p["code"]), None)
        if user is None:
            return api_error(400, "Bad request: the code is invalid")
        if p["password"] != p["password_confirmation"]:
            return model_errors({"password_confirmation": ("confirmation", "Password confirmation doesn't match Password")})
        user["password"] = str(p["password"])
        return json_response(200, app.user_entity(user, login=True))

    # ================================================================== articles
    def ae(req: Request) -> Callable[[dict[str, Any]], Any]:
        return lambda a: app.article_entity(a, req.user)  # type: ignore[attr-defined]

    def get_article(req: Request, key: str = "id") -> dict[str, Any] | Response:
        art = app.article(req.path_args.get(key, ""))
        if art is None:
            return not_found()
        if not art["published"] and not app.can_edit_article(req.user, art):  # type: ignore[attr-defined]
            return forbidden()
        return art

    def gone(kind: str, text: str) -> Response:
        """DELETE of something already deleted answers 200 again (N5); of what never was, 404."""
        if text.isdecimal() and (kind, int(text)) in app.deleted:
            return body_response(200, True, 204, f"The {kind} has been removed.")
        return not_found()

    def with_profile(ptype: str | None = None, arg: str = "id"):
        """The handler gets the profile named by {arg} (of type `ptype`), or the caller a 404."""

        def deco(fn: Callable[[Request, dict[str, Any]], Response]) -> Callable[[Request], Response]:
            def wrapper(req: Request) -> Response:
                prof = app.profile(req.path_args[arg], ptype)
                return not_found() if prof is None else fn(req, prof)

            return wrapper

        return deco

    def with_article(fn: Callable[[Request, dict[str, Any]], Response]) -> Callable[[Request], Response]:
        """The handler gets the article named by {id}, or the caller gets its 404/403."""

        def wrapper(req: Request) -> Response:
            art = get_article(req)
            return art if isinstance(art, Response) else fn(req, art)

        return wrapper

    @route("GET", "/articles")
    def articles(req: Request) -> Response:
        items = app.filter_common(req, app.visible_articles(), title="title")
        ctype = P(req).get("content_type")
        if ctype:
            wanted = {t.strip() for t in str(ctype).split(",")}
            items = [a for a in items if a["type"] in wanted]
        return app.present_list(req, items, ae(req), cap=50)

    @route("GET", "/articles/{id}")
    @with_article
    def article_get(req: Request, art: dict[str, Any]) -> Response:
        art["hits"] += 1
        return app.present(req, app.article_entity(art, req.user))  # type: ignore[attr-defined]

    def article_fields(data: dict[str, Any], art: dict[str, Any] | None) -> dict[str, Any] | Response:
        errors = {}
        out: dict[str, Any] = {}
        for src, dst in (("name", "title"), ("title", "title"), ("body", "body"),
                         ("abstract", "abstract"), ("published", "published"),
                         ("accept_comments", "accept_comments"), ("type", "type"),
                         ("parent_id", "parent_id"), ("start_date", "start_date")):
            if src in data:
                out[dst] = data[src]
        if art is None and not str(out.get("title") or "").strip():
            errors["name"] = ("blank", "Title can't be blank")
        if "title" in out and not str(out["title"]).strip():
            errors["name"] = ("blank", "Title can't be blank")
        if errors:
            return model_errors(errors)
        for b in ("published", "accept_comments"):
            if b in out:
                out[b] = str(out[b]).lower() not in ("false", "0", "")
        if "parent_id" in out:
            out["parent_id"] = int(out["parent_id"]) if str(out["parent_id"]).isdecimal() else None
        if "tag_list" in data:
            out["tags"] = [t.strip() for t in str(data["tag_list"]).split(",") if t.strip()]
        if "category_ids" in data:
            out["category_ids"] = [int(c) for c in as_list(data["category_ids"]) if str(c).isdecimal()]
        return out

    def create_article(req: Request, prof: dict[str, Any], parent: int | None = None) -> Response:
        user = req.user  # type: ignore[attr-defined]
        if not app.can_post(user, prof):
            return forbidden()
        data = nested(req, "article")
        if data is None:
            return missing("article")
        fields = article_fields(data, None)
        if isinstance(fields, Response):
            return fields
        aid = app.next_id("article")
        title = str(fields["title"])
        ctype = str(fields.get("type") or P(req).get("content_type") or "TextArticle")
        if ctype not in ARTICLE_TYPES:
            return model_errors({"type": ("invalid", f"Type {ctype} is not a valid article type")})
        art = {
            "id": aid, "type": ctype, "title": title, "name": title,
            "body": fields.get("body"), "abstract": fields.get("abstract"), "profile_id": prof["id"],
            "author_id": user["person_id"], "parent_id": parent if parent is not None else fields.get("parent_id"),
            "slug": slugify(title) or f"artigo-{aid}", "created_at": BASE_S + aid, "updated_at": BASE_S + aid,
            "published": fields.get("published", True), "access": 0,
            "accept_comments": fields.get("accept_comments", True), "hits": 0,
            "tags": fields.get("tags", []), "category_ids": fields.get("category_ids", []),
            "archived": False, "position": None, "start_date": None, "end_date": None,
            "mime_type": None, "size": None}
        db["articles"][aid] = art
        return json_response(201, app.article_entity(art, user))

    @route("POST", "/articles/{id}", "required")
    def article_update(req: Request) -> Response:
        art = app.article(req.path_args["id"])
        if art is None:
            return not_found()
        if not app.can_edit_article(req.user, art):  # type: ignore[attr-defined]
            return forbidden()
        data = nested(req, "article") or {}
        fields = article_fields(data, art)
        if isinstance(fields, Response):
            return fields
        art.update(fields)
        if "title" in fields:
            art["name"] = art["title"]
        art["updated_at"] = max(art["updated_at"], BASE_S) + 1
        return json_response(201, app.article_entity(art, req.user))  # type: ignore[attr-defined]

    @route("DELETE", "/articles/{id}", "required")
    def article_delete(req: Request) -> Response:
        text = req.path_args["id"]
        art = app.article(text)
        if art is None:
            return gone("article", text)
        if not app.can_edit_article(req.user, art):  # type: ignore[attr-defined]
            return forbidden()
        for a in [a for a in db["articles"].values() if a["parent_id"] == art["id"]]:
            a["parent_id"] = None
        del db["articles"][art["id"]]
        for cid in [c["id"] for c in db["comments"].values() if c["article_id"] == art["id"]]:
            del db["comments"][cid]
        app.deleted.add(("article", art["id"]))
        return body_response(200, True, 204, "The article has been removed.")

    @route("POST", "/articles/{id}/report_abuse", "required")
    @with_article
    def report_abuse(req: Request, art: dict[str, Any]) -> Response:
        reason = str(P(req).get("report_abuse") or "").strip()
        if not reason:
            return api_error(400, "(Invalid request) report_abuse not given")
        tid = app.next_id("task")
        db["tasks"][tid] = {"id": tid, "type": "AbuseComplaint", "requestor_id": req.user["person_id"],  # type: ignore[attr-defined]
                            "target_id": art["profile_id"], "target_type": "Profile", "status": 1,
                            "created_at": BASE_S, "data": {"reason": reason, "article_id": art["id"]},
                            "reject_details": False, "accept_details": False}
        return body_response(201, True, 290, "Your abuse report was registered. The administrators will review it.")

    @route("GET", "/articles/voted_by_me", "required")
    def voted_by_me(req: Request) -> Response:
        pid = req.user["person_id"]  # type: ignore[attr-defined]
        items = [db["articles"][aid] for (p, aid) in sorted(db["votes"]) if p == pid and aid in db["articles"]]
        return app.present_list(req, items, ae(req), default=30)

    @route("POST", "/articles/{id}/vote", "required")
    @with_article
    def vote(req: Request, art: dict[str, Any]) -> Response:
        value = str(P(req).get("value", "1"))
        if value not in ("1", "-1"):
            return api_error(400, "Vote value not allowed")
        db["votes"][(req.user["person_id"], art["id"])] = int(value)  # type: ignore[attr-defined]
        return body_response(201, True, 201, "Vote successfully registered")

    @route("GET", "/articles/followed_by_me", "required")
    def followed_by_me(req: Request) -> Response:
        pid = req.user["person_id"]  # type: ignore[attr-defined]
        items = [db["articles"][aid] for (p, aid) in sorted(db["follows"]) if p == pid and aid in db["articles"]]
        return app.present_list(req, app.filter_common(req, items, title="title"), ae(req))

    @route("POST", "/articles/{id}/follow", "required")
    @with_article
    def follow(req: Request, art: dict[str, Any]) -> Response:
        key = (req.user["person_id"], art["id"])  # type: ignore[attr-defined]
        if key in db["follows"]:
            return body_response(201, False, 289, "You are already following this article")
        db["follows"].add(key)
        return body_response(201, True, 201, "You are now following this article")

    @route("GET", "/articles/{id}/children")
    @with_article
    def children(req: Request, art: dict[str, Any]) -> Response:
        kids = [a for a in db["articles"].values() if a["parent_id"] == art["id"] and a["published"]]
        return app.present_list(req, app.filter_common(req, kids, title="title"), ae(req), default=50, cap=50)

    @route("GET", "/articles/{id}/children/{child_id}")
    @with_article
    def child(req: Request, art: dict[str, Any]) -> Response:
        kid = app.article(req.path_args["child_id"])
        if kid is None or kid["parent_id"] != art["id"]:
            return not_found()
        return app.present(req, app.article_entity(kid, req.user))  # type: ignore[attr-defined]

    @route("POST", "/articles/{id}/children/suggest", "required")
    @with_article
    def suggest(req: Request, art: dict[str, Any]) -> Response:
        data = nested(req, "article") or {}
        if not str(data.get("name") or data.get("title") or "").strip():
            return model_errors({"name": ("blank", "Title can't be blank")})
        tid = app.next_id("task")
        task = {"id": tid, "type": "SuggestArticle", "requestor_id": req.user["person_id"],  # type: ignore[attr-defined]
                "target_id": art["profile_id"], "target_type": "Profile", "status": 1,
                "created_at": BASE_S, "data": {"article": {k: str(v) for k, v in data.items()}},
                "reject_details": False, "accept_details": True}
        db["tasks"][tid] = task
        return json_response(201, app.task_entity(task, content=True))

    @route("POST", "/articles/{id}/children", "required")
    @with_article
    def child_create(req: Request, art: dict[str, Any]) -> Response:
        prof = db["profiles"].get(art["profile_id"])
        if prof is None:
            return not_found()
        return create_article(req, prof, parent=art["id"])

    @route("GET", "/profiles/{id}/home_page")
    @with_profile()
    def home_page(req: Request, prof: dict[str, Any]) -> Response:
        arts = sorted((a for a in db["articles"].values() if a["profile_id"] == prof["id"]),
                      key=lambda a: a["id"])
        if not arts:
            return not_found()
        return app.present(req, app.article_entity(arts[0], req.user))  # type: ignore[attr-defined]

    def kind_routes(kind: str, arg: str) -> None:
        ptype = KIND_OF[kind]

        def owner(req: Request) -> dict[str, Any] | Response:
            prof = app.profile(req.path_args[arg], ptype)
            return prof if prof is not None else not_found()

        def list_articles(req: Request) -> Response:
            prof = owner(req)
            if isinstance(prof, Response):
                return prof
            items = [a for a in app.visible_articles() if a["profile_id"] == prof["id"]]
            return app.present_list(req, app.filter_common(req, items, title="title"), ae(req))

        def one_article(req: Request) -> Response:
            prof = owner(req)
            if isinstance(prof, Response):
                return prof
            ident = req.path_args["id"]
            if P(req).get("key") == "path" or not ident.isdecimal():
                art = next((a for a in db["articles"].values()
                            if a["profile_id"] == prof["id"] and app.article_path(a) == ident), None)
            else:
                art = app.article(ident)
                if art is not None and art["profile_id"] != prof["id"]:
                    art = None
            if art is None:
                return not_found()
            return app.present(req, app.article_entity(art, req.user))  # type: ignore[attr-defined]

        def new_article(req: Request) -> Response:
            prof = owner(req)
            if isinstance(prof, Response):
                return prof
            return create_article(req, prof)

        for fn, method, suffix, auth in ((list_articles, "GET", "", "optional"),
                                         (one_article, "GET", "/{id}", "optional"),
                                         (new_article, "POST", "", "required")):
            fn.auth = auth  # type: ignore[attr-defined]
            app.router.add(method, f"/{kind}/{{{arg}}}/articles{suffix}", fn)
        # the real route is a glob: /profiles/{id}/articles/blog/my-post with key=path
        app.router.add("GET", f"/{kind}/{{{arg}}}/articles/{{id*}}", one_article)

    for kind, arg in (("profiles", "profile_id"), ("communities", "community_id"),
                      ("people", "person_id"), ("enterprises", "enterprise_id")):
        kind_routes(kind, arg)

    # ================================================================== comments
    def ce(req: Request) -> Callable[[dict[str, Any]], Any]:
        return lambda c: app.comment_entity(c, req.user)  # type: ignore[attr-defined]

    @route("GET", "/articles/{id}/comments")
    @with_article
    def comments(req: Request, art: dict[str, Any]) -> Response:
        items = list(app.index()["comments_of"].get(art["id"], []))
        if str(P(req).get("without_reply", "")).lower() == "true":
            items = [c for c in items if not c["reply_of_id"]]
        items.sort(key=lambda c: (c["created_at"], c["id"]), reverse=True)
        return app.present_list(req, items, ce(req), cap=20)

    @route("GET", "/articles/{id}/comments/{comment_id}")
    @with_article
    def comment_get(req: Request, art: dict[str, Any]) -> Response:
        com = db["comments"].get(int(req.path_args["comment_id"])) if req.path_args["comment_id"].isdecimal() else None
        if com is None or com["article_id"] != art["id"]:
            return not_found()
        return app.present(req, app.comment_entity(com, req.user))  # type: ignore[attr-defined]

    @route("POST", "/articles/{id}/comments", "required")
    @with_article
    def comment_create(req: Request, art: dict[str, Any]) -> Response:
        if not art["accept_comments"]:
            return forbidden()
        p = P(req)
        data = p.get("comment") if isinstance(p.get("comment"), dict) else {}
        body = str(data.get("body") or p.get("body") or "").strip()
        if not body:  # the real code answers 400 here, not 422 (comments.rb:42-43)
            return api_error(400, "Body can't be blank")
        reply = data.get("reply_of_id") or p.get("reply_of_id")
        cid = app.next_id("comment")
        com = {"id": cid, "article_id": art["id"], "body": body, "title": data.get("title") or p.get("title"),
               "author_id": req.user["person_id"], "created_at": BASE_S + cid,  # type: ignore[attr-defined]
               "reply_of_id": int(reply) if str(reply or "").isdecimal() else None,
               "paragraph_uuid": data.get("paragraph_uuid")}
        db["comments"][cid] = com
        return json_response(201, app.comment_entity(com, req.user))  # type: ignore[attr-defined]

    @route("DELETE", "/articles/{id}/comments/{comment_id}", "required")
    @with_article
    def comment_delete(req: Request, art: dict[str, Any]) -> Response:
        text = req.path_args["comment_id"]
        com = db["comments"].get(int(text)) if text.isdecimal() else None
        if com is None or com["article_id"] != art["id"]:
            return gone("comment", text)
        user = req.user  # type: ignore[attr-defined]
        if com["author_id"] != user["person_id"] and not app.can_edit_article(user, art):
            return forbidden()
        del db["comments"][com["id"]]
        app.deleted.add(("comment", com["id"]))
        return body_response(200, True, 204, "The comment has been removed.")

    # ================================================================== users
    @route("GET", "/users")
    def users(req: Request) -> Response:
        items = sorted(db["users"].values(), key=lambda u: u["id"], reverse=True)
        search = str(P(req).get("search") or "").lower()
        if search:
            items = [u for u in items if search in u["login"]]
        return app.present_list(req, items, lambda u: app.user_entity(u, req.user))  # type: ignore[attr-defined]

    @route("GET", "/users/me", "required")
    def users_me(req: Request) -> Response:
        return app.present(req, app.user_entity(req.user, req.user))  # type: ignore[attr-defined]

    @route("GET", "/users/{id}")
    def user_get(req: Request) -> Response:
        text = req.path_args["id"]
        user = db["users"].get(int(text)) if text.isdecimal() else None
        if user is None:
            return not_found()
        return app.present(req, app.user_entity(user, req.user))  # type: ignore[attr-defined]

    @route("PATCH", "/users/{id}", "required")
    def user_password(req: Request) -> Response:
        # As in the code, {id} is ignored: the current user's password changes.
        p = P(req)
        lacking = [n for n in ("current_password", "new_password", "new_password_confirmation") if not p.get(n)]
        if lacking:
            return missing(*lacking)
        user = req.user  # type: ignore[attr-defined]
        if p["current_password"] != user["password"]:
            return model_errors({"current_password": ("invalid", "Current password is invalid")})
        if p["new_password"] != p["new_password_confirmation"]:
            return model_errors({"password_confirmation": ("confirmation", "Password confirmation doesn't match Password")})
        user["password"] = str(p["new_password"])
        return json_response(200, app.user_entity(user, user))

    # ================================================================== profiles (communities, people, enterprises)
    def pe(req: Request) -> Callable[[dict[str, Any]], Any]:
        return lambda p: app.profile_entity(p, req.user)  # type: ignore[attr-defined]

    def profiles_of(ptype: str | None) -> list[dict[str, Any]]:
        return [p for p in db["profiles"].values() if p["visible"] and (ptype is None or p["type"] == ptype)]

    def geo_filter(req: Request, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        p = P(req)
        for key in ("city", "state", "country"):
            if p.get(key):
                items = [x for x in items if str(x.get(key) or "").lower() == str(p[key]).lower()]
        return items

    def kind_lists(path: str, ptype: str | None, cap: int) -> None:
        """GET /communities, /people, /enterprises, /profiles and GET /<kind>/{id}."""

        def list_(req: Request) -> Response:
            items = app.filter_common(req, geo_filter(req, profiles_of(ptype)))
            return app.present_list(req, items, pe(req), cap=cap)

        def one(req: Request) -> Response:
            prof = app.profile(req.path_args["id"], ptype, key=P(req).get("key"))
            if prof is None:
                return not_found()
            return app.present(req, app.profile_entity(prof, req.user))  # type: ignore[attr-defined]

        app.router.add("GET", path, list_)
        app.router.add("GET", path + "/{id}", one)

    def memberships(kind: str, ptype: str) -> None:
        """GET /people/{person_id}/communities and /people/{person_id}/enterprises."""

        def handler(req: Request) -> Response:
            person = app.profile(req.path_args["person_id"], "Person")
            if person is None:
                return not_found()
            items = [p for p in profiles_of(ptype) if person["id"] in p["members"]]
            return app.present_list(req, app.filter_common(req, items), pe(req))

        app.router.add("GET", f"/people/{{person_id}}/{kind}", handler)

    for path, ptype, cap in (("/communities", "Community", DEFAULT_MAX), ("/people", "Person", 50),
                             ("/enterprises", "Enterprise", DEFAULT_MAX), ("/profiles", None, DEFAULT_MAX)):
        kind_lists(path, ptype, cap)
    memberships("communities", "Community")
    memberships("enterprises", "Enterprise")

    @route("POST", "/communities", "required")
    def community_create(req: Request) -> Response:
        data = nested(req, "community")
        if data is None:
            return missing("community")
        name = str(data.get("name") or "").strip()
        if not name:
            return model_errors({"name": ("blank", "Name can't be blank")})
        if any(p["name"].lower() == name.lower() for p in profiles_of("Community")):
            return api_error(409, f"A community named {name!r} already exists")
        ident = slugify(str(data.get("identifier") or name)) or f"comunidade-{len(db['profiles'])}"
        if any(p["identifier"] == ident for p in db["profiles"].values()):
            return model_errors({"identifier": ("not_available", "Identifier is not available")})
        pid = app.next_id("profile")
        me = req.user["person_id"]  # type: ignore[attr-defined]
        prof = {"id": pid, "type": "Community", "name": name, "identifier": ident,
                "created_at": BASE_S + pid, "updated_at": BASE_S + pid, "city": data.get("city"),
                "state": data.get("state"), "country": data.get("country") or "BR",
                "description": str(data.get("description") or ""),
                "closed": str(data.get("closed", "false")).lower() == "true",
                "members": {me}, "admins": {me}, "tags": [], "category_ids": [], "visible": True,
                "public_fields": set()}
        db["profiles"][pid] = prof
        return json_response(201, app.profile_entity(prof, req.user))  # type: ignore[attr-defined]

    @route("POST", "/communities/{id}/invite", "required")
    @with_profile("Community")
    def invite(req: Request, prof: dict[str, Any]) -> Response:
        if req.user["person_id"] not in prof["members"] and not app.can_edit_profile(req.user, prof):  # type: ignore[attr-defined]
            return forbidden()
        contacts = as_list(P(req).get("contacts"))
        if not contacts:
            return missing("contacts")
        return body_response(201, True, 298, f"Invitations sent to {len(contacts)} contact(s)")

    @route("POST", "/communities/{id}/contact", "none")
    @with_profile("Community")
    def contact(req: Request, prof: dict[str, Any]) -> Response:
        data = nested(req, "contact")
        if data is None:
            return missing("contact")
        lacking = [f"contact[{n}]" for n in ("name", "email", "subject", "message") if not data.get(n)]
        if lacking:
            return body_response(201, False, 200, "Contact not sent: " + ", ".join(lacking) + " missing")
        return body_response(201, True, 200, "Your message was sent to the community administrators")

    @route("GET", "/communities/{id}/membership", "none")
    @with_profile("Community")
    def membership(req: Request, prof: dict[str, Any]) -> Response:
        ident = P(req).get("identifier")
        person = app.profile(ident, "Person", key="identifier") if ident else app.person_of(app.current_user(req))
        if person is None:
            return not_found()
        if person["id"] in prof["members"]:
            return body_response(200, True, 295, "Member")
        if any(t["type"] == "AddMember" and t["status"] == 1 and t["requestor_id"] == person["id"]
               and t["target_id"] == prof["id"] for t in db["tasks"].values()):
            return body_response(200, True, 296, "Waiting for approval")
        return body_response(200, True, 297, "Not a member")

    @route("GET", "/people/me", "required")
    def people_me(req: Request) -> Response:
        return app.present(req, app.profile_entity(app.person_of(req.user), req.user))  # type: ignore[attr-defined]

    def update_profile(req: Request, prof: dict[str, Any], key: str) -> Response:
        if not app.can_edit_profile(req.user, prof):  # type: ignore[attr-defined]
            return forbidden()
        data = nested(req, key)
        if data is None:
            return missing(key)
        if "name" in data and not str(data["name"]).strip():
            return model_errors({"name": ("blank", "Name can't be blank")})
        if "name" in data and prof["type"] == "Community" and any(
                p["name"].lower() == str(data["name"]).lower() and p["id"] != prof["id"]
                for p in profiles_of("Community")):
            return api_error(409, f"A community named {data['name']!r} already exists")
        for f in ("name", "description", "city", "state", "country", "email"):
            if f in data:
                prof[f] = str(data[f])
        if "closed" in data:
            prof["closed"] = str(data["closed"]).lower() == "true"
        if "tag_list" in data:
            prof["tags"] = [t.strip() for t in str(data["tag_list"]).split(",") if t.strip()]
        prof["updated_at"] = max(prof["updated_at"], BASE_S) + 1
        return json_response(201, app.profile_entity(prof, req.user))  # type: ignore[attr-defined]

    @route("POST", "/people/{id}", "required")
    @with_profile("Person")
    def person_update(req: Request, prof: dict[str, Any]) -> Response:
        return update_profile(req, prof, "person")

    @route("POST", "/people", "required")
    def person_create(req: Request) -> Response:
        data = nested(req, "person")
        if data is None:
            return missing("person")
        errors = {}
        for f, label in (("login", "Login"), ("email", "Email"), ("password", "Password")):
            if not str(data.get(f) or "").strip():
                errors[f] = ("blank", f"{label} can't be blank")
        login_ = str(data.get("login") or "").strip().lower()
        if login_ and any(u["login"] == login_ for u in db["users"].values()):
            errors["login"] = ("taken", "Login is already taken")
        if errors:
            return model_errors(errors)
        user = new_person(login_, str(data["email"]), str(data["password"]), str(data.get("name") or login_),
                          city=data.get("city"), state=data.get("state"))
        prof = db["profiles"][user["person_id"]]
        return json_response(201, app.profile_entity(prof, req.user))  # type: ignore[attr-defined]

    @route("GET", "/people/{id}/friends")
    @with_profile("Person")
    def friends(req: Request, prof: dict[str, Any]) -> Response:
        items = [db["profiles"][f] for f in app.friends_of(prof["id"]) if f in db["profiles"]]
        return app.present_list(req, app.filter_common(req, items), pe(req))

    @route("GET", "/people/{id}/friends/{friend_id}")
    def friend(req: Request) -> Response:
        prof = app.profile(req.path_args["id"], "Person")
        other = app.profile(req.path_args["friend_id"], "Person")
        if prof is None or other is None or other["id"] not in app.friends_of(prof["id"]):
            return not_found()
        return app.present(req, app.profile_entity(other, req.user))  # type: ignore[attr-defined]

    @route("GET", "/people/{id}/friendship", "none")
    @with_profile("Person")
    def friendship(req: Request, prof: dict[str, Any]) -> Response:
        fid = P(req).get("friend_id")
        other = app.profile(fid, "Person") if fid else app.person_of(app.current_user(req))
        if other is None:
            return not_found()
        if other["id"] in app.friends_of(prof["id"]):
            return body_response(200, True, 292, f"{other['name']} is a friend of {prof['name']}")
        if any(t["type"] == "AddFriend" and t["status"] == 1 and {t["requestor_id"], t["target_id"]} == {prof["id"], other["id"]}
               for t in db["tasks"].values()):
            return body_response(200, True, 293, "Friendship waiting for approval")
        return body_response(200, True, 294, f"{other['name']} is not a friend of {prof['name']}")

    @route("POST", "/people/{id}/friends", "required")
    @with_profile("Person")
    def add_friend(req: Request, prof: dict[str, Any]) -> Response:
        me = req.user["person_id"]  # type: ignore[attr-defined]
        if prof["id"] == me:
            return model_errors({"friend": ("invalid", "You cannot be your own friend")})
        if prof["id"] in app.friends_of(me):
            return body_response(201, True, 292, "You are already friends")
        tid = app.next_id("task")
        db["tasks"][tid] = {"id": tid, "type": "AddFriend", "requestor_id": me, "target_id": prof["id"],
                            "target_type": "Profile", "status": 1, "created_at": BASE_S + tid, "data": {},
                            "reject_details": False, "accept_details": False}
        return body_response(201, True, 293, "Friendship request sent; waiting for approval")

    @route("DELETE", "/people/{id}/friends", "required")
    @with_profile("Person")
    def remove_friend(req: Request, prof: dict[str, Any]) -> Response:
        me = req.user["person_id"]  # type: ignore[attr-defined]
        db["friendships"].discard((min(me, prof["id"]), max(me, prof["id"])))
        return body_response(200, True, 204, "Friendship removed")

    @route("GET", "/profiles/{id}/members")
    @with_profile()
    def members(req: Request, prof: dict[str, Any]) -> Response:
        items = [db["profiles"][m] for m in sorted(prof["members"]) if m in db["profiles"]]
        return app.present_list(req, app.filter_common(req, items), pe(req), cap=50)

    @route("POST", "/profiles/{id}/members", "required")
    @with_profile()
    def join(req: Request, prof: dict[str, Any]) -> Response:
        if prof["type"] == "Person":
            return forbidden()
        me = req.user["person_id"]  # type: ignore[attr-defined]
        if me in prof["members"]:
            return body_response(201, True, 295, "You are already a member")
        if prof["closed"]:
            tid = app.next_id("task")
            db["tasks"][tid] = {"id": tid, "type": "AddMember", "requestor_id": me, "target_id": prof["id"],
                                "target_type": "Profile", "status": 1, "created_at": BASE_S + tid,
                                "data": {}, "reject_details": True, "accept_details": False}
            return body_response(201, True, 296, "Membership waiting for approval")
        prof["members"].add(me)
        return body_response(201, True, 295, "You are now a member")

    @route("DELETE", "/profiles/{id}/members", "required")
    @with_profile()
    def leave(req: Request, prof: dict[str, Any]) -> Response:
        me = req.user["person_id"]  # type: ignore[attr-defined]
        prof["members"].discard(me)
        prof["admins"].discard(me)
        return json_response(200, app.profile_entity(db["profiles"][me], req.user))  # type: ignore[attr-defined]

    @route("GET", "/environments/{id}/people")
    def env_people(req: Request) -> Response:
        if env_of(req.path_args["id"]) is None:
            return not_found()
        return app.present_list(req, app.filter_common(req, profiles_of("Person")), pe(req), cap=50)

    @route("GET", "/environments/people")
    def env_people_default(req: Request) -> Response:
        return app.present_list(req, app.filter_common(req, profiles_of("Person")), pe(req), cap=50)

    @route("GET", "/articles/{id}/followers")
    @with_article
    def followers(req: Request, art: dict[str, Any]) -> Response:
        items = [db["profiles"][pid] for (pid, aid) in sorted(db["follows"]) if aid == art["id"] and pid in db["profiles"]]
        return app.present(req, [app.profile_entity(p, req.user) for p in items])  # type: ignore[attr-defined]

    def image_route(size: str) -> None:
        def handler(req: Request) -> Response:
            prof = app.profile(req.path_args["id"], key=P(req).get("key"))
            if prof is None:
                return not_found()
            return Response(200, PNG_1x1, [("Content-Disposition", f'inline; filename="{prof["identifier"]}_{size}.png"')],
                            "image/png")

        handler.auth = "none"  # type: ignore[attr-defined]
        app.router.add("GET", f"/profiles/{{id}}/{size}", handler)

    for size in ("icon", "thumb", "big", "portrait", "minor"):
        image_route(size)

    @route("POST", "/profiles/{id}", "required")
    @with_profile()
    def profile_update(req: Request, prof: dict[str, Any]) -> Response:
        return update_profile(req, prof, "profile")

    @route("DELETE", "/profiles/{id}", "required")
    def profile_delete(req: Request) -> Response:
        text = req.path_args["id"]
        prof = app.profile(text)
        if prof is None:
            return gone("profile", text)
        if not app.can_edit_profile(req.user, prof) or prof["id"] in (1, 2):  # type: ignore[attr-defined]
            return forbidden()
        del db["profiles"][prof["id"]]
        user = db["users"].pop(prof["id"], None) if prof["type"] == "Person" else None
        if user:
            app.tokens.pop(user["private_token"], None)
        app.deleted.add(("profile", prof["id"]))
        return body_response(200, True, 204, "The profile has been removed.")

    def activities_of(prof: dict[str, Any], network: bool) -> list[dict[str, Any]]:
        ids = {prof["id"]}
        if network:
            ids |= set(app.friends_of(prof["id"])) | set(prof["members"])
        arts = [a for a in db["articles"].values() if a["author_id"] in ids or a["profile_id"] in ids]
        arts.sort(key=lambda a: (a["created_at"], a["id"]), reverse=True)
        out = []
        for a in arts:
            author = db["profiles"].get(a["author_id"])
            out.append({"id": a["id"], "created_at": _tt(a["created_at"]), "updated_at": _tt(a["updated_at"]),
                        "user": app.profile_entity(author, full=False) if author else None,
                        "target": app.article_entity(a, None, children=False), "params": {"name": a["title"]},
                        "content": None, "verb": "create_article",
                        "comments_count": sum(1 for c in db["comments"].values() if c["article_id"] == a["id"]),
                        "created_at_ts": a["created_at"]})
        for s in db["scraps"].values():
            if s["receiver_id"] in ids:
                sender = db["profiles"].get(s["sender_id"])
                out.append({"id": 100000 + s["id"], "created_at": _tt(s["created_at"]),
                            "updated_at": _tt(s["created_at"]),
                            "user": app.profile_entity(sender, full=False) if sender else None,
                            "target": app.profile_entity(prof, full=False), "params": {},
                            "content": s["content"], "verb": "leave_scrap", "comments_count": 0,
                            "created_at_ts": s["created_at"]})
        out.sort(key=lambda x: x.pop("created_at_ts"), reverse=True)
        return out

    @route("GET", "/profiles/{id}/activities")
    @with_profile()
    def activities(req: Request, prof: dict[str, Any]) -> Response:
        return app.present_list(req, activities_of(prof, False), lambda x: x)

    @route("GET", "/profiles/{id}/network_activities")
    @with_profile()
    def network_activities(req: Request, prof: dict[str, Any]) -> Response:
        return app.present_list(req, activities_of(prof, True), lambda x: x)

    def roles_of(prof: dict[str, Any], person_id: int | None) -> list[dict[str, Any]]:
        out = []
        for role in noosfero_roles():
            assigned = False
            if person_id is not None:
                assigned = (role["key"] == "profile_admin" and person_id in prof["admins"]) or (
                    role["key"] == "profile_member" and person_id in prof["members"]) or (
                    role["id"] in prof.get("extra_roles", {}).get(person_id, set()))
            out.append({**role, "assigned": assigned})
        return out

    @route("GET", "/profiles/{id}/roles", "none")
    @with_profile()
    def roles(req: Request, prof: dict[str, Any]) -> Response:
        pid = P(req).get("person_id")
        return app.present_list(req, roles_of(prof, int(pid) if str(pid or "").isdecimal() else None),
                                lambda x: x, default=50, cap=50)

    @route("POST", "/profiles/{id}/roles/assign", "required")
    @with_profile()
    def roles_assign(req: Request, prof: dict[str, Any]) -> Response:
        p = P(req)
        if not str(p.get("person_id") or "").isdecimal():
            return missing("person_id")
        pid = int(p["person_id"])
        extra = prof.setdefault("extra_roles", {}).setdefault(pid, set())
        for rid in as_list(p.get("role_ids")):
            if str(rid).isdecimal():
                extra.add(int(rid))
                if int(rid) == 1:
                    prof["admins"].add(pid)
                if int(rid) == 2:
                    prof["members"].add(pid)
        for rid in as_list(p.get("remove_role_ids")):
            if str(rid).isdecimal():
                extra.discard(int(rid))
                if int(rid) == 1:
                    prof["admins"].discard(pid)
                if int(rid) == 2:
                    prof["members"].discard(pid)
        return app.present_list(req, [r for r in roles_of(prof, pid) if r["assigned"]], lambda x: x,
                                default=30, status=201)

    # ================================================================== categories
    @route("GET", "/categories", "none")
    def categories(req: Request) -> Response:
        p = P(req)
        cats = list(db["categories"].values())
        ctype = p.get("category_type")
        if ctype:
            cats = [c for c in cats if c["type"] == ctype]
        inc_p = str(p.get("include_parent", "")).lower() == "true"
        inc_c = str(p.get("include_children", "")).lower() == "true"
        return app.present(req, [app.category_entity(c, parent=inc_p, children=inc_c) for c in cats])

    @route("GET", "/categories/{id}", "none")
    def category(req: Request) -> Response:
        text = req.path_args["id"]
        cat = db["categories"].get(int(text)) if text.isdecimal() else None
        if cat is None:
            return not_found()
        p = P(req)
        return app.present(req, app.category_entity(
            cat, parent=str(p.get("include_parent", "")).lower() == "true",
            children=str(p.get("include_children", "")).lower() == "true"))

    # ================================================================== tasks
    def my_tasks(user: dict[str, Any]) -> list[dict[str, Any]]:
        me = user["person_id"]
        out = []
        for t in db["tasks"].values():
            target = db["profiles"].get(t["target_id"]) if t["target_type"] == "Profile" else None
            if (target is not None and (target["id"] == me or me in target["admins"])) or (
                    t["target_type"] == "Environment" and user["env_admin"]) or t["requestor_id"] == me:
                out.append(t)
        return sorted(out, key=lambda t: (t["created_at"], t["id"]), reverse=True)

    def te(t: dict[str, Any]) -> dict[str, Any]:
        return app.task_entity(t)

    @route("GET", "/tasks", "required")
    def tasks(req: Request) -> Response:
        items = my_tasks(req.user)  # type: ignore[attr-defined]
        status = P(req).get("status")
        if status and str(status).isdecimal():
            items = [t for t in items if t["status"] == int(status)]
        return app.present_list(req, items, te, cap=50)

    def find_task(req: Request) -> dict[str, Any] | Response:
        text = req.path_args["id"]
        task = db["tasks"].get(int(text)) if text.isdecimal() else None
        if task is None:
            return not_found()
        if task not in my_tasks(req.user):  # type: ignore[attr-defined]
            return forbidden()
        return task

    @route("GET", "/tasks/{id}", "required")
    def task_get(req: Request) -> Response:
        task = find_task(req)
        if isinstance(task, Response):
            return task
        return app.present(req, app.task_entity(task, content=True))

    def close_task(req: Request, status: int) -> Response:
        task = find_task(req)
        if isinstance(task, Response):
            return task
        if task["status"] != 1:
            return model_errors({"status": ("invalid", "Task is not active")})
        user = req.user  # type: ignore[attr-defined]
        target = db["profiles"].get(task["target_id"]) if task["target_type"] == "Profile" else None
        if task["requestor_id"] == user["person_id"] and not (target and app.can_edit_profile(user, target)):
            return forbidden()
        task["status"] = status
        if status == 3 and task["type"] == "AddMember" and target is not None:
            target["members"].add(task["requestor_id"])
        if status == 3 and task["type"] == "AddFriend" and target is not None:
            a, b = task["requestor_id"], target["id"]
            db["friendships"].add((min(a, b), max(a, b)))
        return json_response(200, app.task_entity(task, content=True))

    @route("PUT", "/tasks/{id}/finish", "required")
    def task_finish(req: Request) -> Response:
        return close_task(req, 3)

    @route("PUT", "/tasks/{id}/cancel", "required")
    def task_cancel(req: Request) -> Response:
        return close_task(req, 2)

    def kind_task_routes(kind: str, arg: str) -> None:
        ptype = KIND_OF[kind]

        def owner(req: Request) -> dict[str, Any] | Response:
            prof = app.profile(req.path_args[arg], ptype)
            if prof is None:
                return not_found()
            if not app.can_edit_profile(req.user, prof):  # type: ignore[attr-defined]
                return forbidden()
            return prof

        def list_(req: Request) -> Response:
            prof = owner(req)
            if isinstance(prof, Response):
                return prof
            items = sorted((t for t in db["tasks"].values() if t["target_id"] == prof["id"]),
                           key=lambda t: t["id"], reverse=True)
            return app.present_list(req, items, te)

        def one(req: Request) -> Response:
            prof = owner(req)
            if isinstance(prof, Response):
                return prof
            text = req.path_args["id"]
            task = db["tasks"].get(int(text)) if text.isdecimal() else None
            if task is None or task["target_id"] != prof["id"]:
                return not_found()
            return app.present(req, app.task_entity(task, content=True))

        def create(req: Request) -> Response:
            prof = app.profile(req.path_args[arg], ptype)
            if prof is None:
                return not_found()
            data = nested(req, "task") or {}
            ttype = str(data.get("type") or "AddMember")
            if ttype not in ("AddMember", "AddFriend", "SuggestArticle", "AbuseComplaint", "ApproveArticle"):
                return model_errors({"type": ("invalid", "Type is not included in the list")})
            tid = app.next_id("task")
            task = {"id": tid, "type": ttype, "requestor_id": req.user["person_id"],  # type: ignore[attr-defined]
                    "target_id": prof["id"], "target_type": "Profile", "status": 1, "created_at": BASE_S + tid,
                    "data": {k: str(v) for k, v in data.items() if k != "type"},
                    "reject_details": False, "accept_details": False}
            db["tasks"][tid] = task
            return json_response(201, app.task_entity(task, content=True))

        for fn, method, suffix in ((list_, "GET", ""), (one, "GET", "/{id}"), (create, "POST", "")):
            fn.auth = "required"  # type: ignore[attr-defined]
            app.router.add(method, f"/{kind}/{{{arg}}}/tasks{suffix}", fn)

    for kind, arg in (("communities", "community_id"), ("people", "person_id"),
                      ("enterprises", "enterprise_id")):
        kind_task_routes(kind, arg)

    # ================================================================== tags
    def tag_list(tags: list[str]) -> list[dict[str, Any]]:
        counts: dict[str, int] = {}
        for t in tags:
            counts[t] = counts.get(t, 0) + 1
        return [{"name": k, "count": v} for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    @route("GET", "/articles/{id}/tags")
    @with_article
    def article_tags(req: Request, art: dict[str, Any]) -> Response:
        return app.present_list(req, tag_list(art["tags"]), lambda x: x)

    def parse_tags(req: Request) -> list[str] | None:
        raw = P(req).get("tags")
        if raw in (None, ""):
            return None
        vals = as_list(raw)
        out = []
        for v in vals:
            out += [t.strip() for t in str(v).split(",") if t.strip()]
        return out

    @route("POST", "/articles/{id}/tags", "required")
    @with_article
    def article_tags_set(req: Request, art: dict[str, Any]) -> Response:
        tags = parse_tags(req)
        if tags is None:
            return missing("tags")
        art["tags"] = tags  # replaces the list, as the code does
        return json_response(201, tag_list(tags))

    @route("GET", "/profiles/{id}/tags")
    @with_profile()
    def profile_tags(req: Request, prof: dict[str, Any]) -> Response:
        return app.present_list(req, tag_list(prof["tags"]), lambda x: x)

    @route("POST", "/profiles/{id}/tags", "required")
    @with_profile()
    def profile_tags_set(req: Request, prof: dict[str, Any]) -> Response:
        tags = parse_tags(req)
        if tags is None:
            return missing("tags")
        prof["tags"] = tags
        return json_response(201, tag_list(tags))

    def all_tags() -> list[dict[str, Any]]:
        tags: list[str] = []
        for a in db["articles"].values():
            tags += a["tags"]
        return tag_list(tags)

    def env_of(ident: str) -> dict[str, Any] | None:
        if ident in ("default", "context") or ident == "1":
            return db["environments"][1]
        return None

    @route("GET", "/environments/{id}/tags", "none")
    def env_tags(req: Request) -> Response:
        if env_of(req.path_args["id"]) is None:
            return not_found()
        return app.present_list(req, all_tags(), lambda x: x)

    @route("GET", "/environments/tags", "none")
    def env_tags_default(req: Request) -> Response:
        return app.present_list(req, all_tags(), lambda x: x)

    # ================================================================== environments
    @route("GET", "/environments/signup_person_fields", "none")
    def signup_fields(req: Request) -> Response:
        return json_response(200, ["name", "email", "login", "password", "password_confirmation",
                                   "city", "state", "country"])

    @route("GET", "/environments/{id}")
    def environment(req: Request) -> Response:
        env = env_of(req.path_args["id"])
        if env is None:
            return not_found()
        return app.present(req, app.environment_entity(env, req.user))  # type: ignore[attr-defined]

    @route("POST", "/environments/{id}", "admin")
    def environment_update(req: Request) -> Response:
        env = env_of(req.path_args["id"])
        if env is None:
            return not_found()
        data = nested(req, "environment")
        if data is None:
            return missing("environment")
        if "name" in data and not str(data["name"]).strip():
            return model_errors({"name": ("blank", "Name can't be blank")})
        for f in ("name", "description", "signup_intro", "terms_of_use", "contact_email", "layout_template"):
            if f in data:
                env[f] = str(data[f])
        return json_response(201, app.environment_entity(env, req.user))  # type: ignore[attr-defined]

    # ================================================================== boxes and blocks
    def box_route(kind: str, arg: str) -> None:
        ptype = KIND_OF[kind]

        def handler(req: Request) -> Response:
            prof = app.profile(req.path_args[arg], ptype)
            if prof is None:
                return not_found()
            return app.present(req, app.boxes("profile", prof["id"]))

        app.router.add("GET", f"/{kind}/{{{arg}}}/boxes", handler)

    for kind, arg in (("profiles", "profile_id"), ("communities", "community_id"),
                      ("people", "person_id"), ("enterprises", "enterprise_id")):
        box_route(kind, arg)

    @route("GET", "/environments/default/boxes", "none")
    def env_boxes_default(req: Request) -> Response:
        return app.present(req, app.boxes("environment", 1))

    @route("GET", "/environments/context/boxes", "none")
    def env_boxes_context(req: Request) -> Response:
        return app.present(req, app.boxes("environment", 1))

    @route("GET", "/environments/{environment_id}/boxes", "none")
    def env_boxes(req: Request) -> Response:
        if env_of(req.path_args["environment_id"]) is None:
            return not_found()
        return app.present(req, app.boxes("environment", 1))

    def preview(req: Request, allowed: bool) -> Response:
        btype = str(P(req).get("block_type") or "")
        if not btype:
            return missing("block_type")
        if btype not in BLOCK_TYPES:
            return not_found()
        if not allowed:
            return forbidden()
        return app.present(req, {"id": None, "type": btype, "settings": {}, "position": None,
                                 "enabled": True, "box_id": None, "mirror": False,
                                 "mirror_block_id": None, "title": btype.replace("Block", ""),
                                 "api_content": {}, "permissions": ["allow_edit"],
                                 "definition": app.block_definition(btype)})

    @route("GET", "/profiles/{id}/blocks/preview", "required")
    @with_profile()
    def profile_block_preview(req: Request, prof: dict[str, Any]) -> Response:
        return preview(req, app.can_edit_profile(req.user, prof))  # type: ignore[attr-defined]

    @route("GET", "/environments/{id}/blocks/preview", "required")
    def env_block_preview(req: Request) -> Response:
        if env_of(req.path_args["id"]) is None:
            return not_found()
        return preview(req, req.user["env_admin"])  # type: ignore[attr-defined]

    def find_block(text: str) -> tuple[int, int, int, int] | None:
        """(block id, owner profile id or 0 for the environment, box id, position)."""
        if not text.isdecimal():
            return None
        bid = int(text)
        box_id, pos = divmod(bid, 10)
        box_no = box_id % 10
        if not 1 <= box_no <= 3 or not 1 <= pos <= (1 if box_no == 1 else 3):
            return None
        owner = box_id // 10
        if box_id >= 900000:
            return bid, 0, box_id, pos
        return (bid, owner, box_id, pos) if owner in db["profiles"] else None

    @route("GET", "/blocks/{id}")
    def block_get(req: Request) -> Response:
        found = find_block(req.path_args["id"])
        if found is None:
            return not_found()
        bid, owner, box_id, pos = found
        return app.present(req, app.block_entity(bid, "profile" if owner else "environment", owner, box_id, pos))

    @route("POST", "/blocks/{id}", "required")
    def block_update(req: Request) -> Response:
        found = find_block(req.path_args["id"])
        if found is None:
            return not_found()
        bid, owner, box_id, pos = found
        user = req.user  # type: ignore[attr-defined]
        allowed = user["env_admin"] if owner == 0 else app.can_edit_profile(user, db["profiles"][owner])
        if not allowed:
            return forbidden()
        data = nested(req, "block")
        if data is None:
            return missing("block")
        stored = db["blocks"].setdefault(bid, {})
        if "title" in data:
            stored["title"] = str(data["title"])
        if isinstance(data.get("settings"), dict):
            stored.setdefault("settings", {}).update(data["settings"])
        return json_response(201, app.block_entity(bid, "profile" if owner else "environment", owner, box_id, pos))

    # ================================================================== domains, settings, scraps, files
    def domain_entity(d: dict[str, Any]) -> dict[str, Any]:
        if d["owner_type"] == "Environment":
            owner = {"id": 1, "name": db["environments"][1]["name"], "type": "Environment"}
        else:
            prof = db["profiles"].get(d["owner_id"])
            owner = app.profile_entity(prof, full=False) if prof else None
        return {"id": d["id"], "name": d["name"], "is_default": d["is_default"], "owner": owner}

    @route("GET", "/domains", "none")
    def domains(req: Request) -> Response:
        return app.present_list(req, list(db["domains"].values()), domain_entity, cap=20)

    @route("GET", "/domains/{id}", "none")
    def domain_get(req: Request) -> Response:
        text = req.path_args["id"]
        d = db["domains"].get(int(text)) if text.isdecimal() else None
        if d is None:
            return not_found()
        return app.present(req, domain_entity(d))

    def blocks_available() -> list[dict[str, Any]]:
        return [app.block_definition(b) for b in BLOCK_TYPES]

    @route("GET", "/profiles/{profile_id}/settings", "none")
    def profile_settings(req: Request) -> Response:
        if app.profile(req.path_args["profile_id"]) is None:
            return not_found()
        return app.present(req, {"available_blocks": blocks_available()})

    @route("GET", "/profiles/{profile_id}/settings/available_blocks", "none")
    def profile_blocks(req: Request) -> Response:
        if app.profile(req.path_args["profile_id"]) is None:
            return not_found()
        return app.present(req, blocks_available())

    @route("GET", "/environments/{environment_id}/settings", "none")
    def env_settings(req: Request) -> Response:
        if env_of(req.path_args["environment_id"]) is None:
            return not_found()
        return app.present(req, {"available_blocks": blocks_available()})

    @route("GET", "/environments/{environment_id}/settings/available_blocks", "none")
    def env_blocks(req: Request) -> Response:
        if env_of(req.path_args["environment_id"]) is None:
            return not_found()
        return app.present(req, blocks_available())

    @route("POST", "/profiles/{profile_id}/scraps", "required")
    @with_profile(arg="profile_id")
    def scrap_create(req: Request, prof: dict[str, Any]) -> Response:
        data = nested(req, "scrap")
        if data is None:
            return missing("scrap")
        content = str(data.get("content") or "").strip()
        if not content:
            return model_errors({"content": ("blank", "Content can't be blank")})
        sid = app.next_id("scrap")
        reply = data.get("scrap_id")
        scrap = {"id": sid, "content": content, "sender_id": req.user["person_id"],  # type: ignore[attr-defined]
                 "receiver_id": prof["id"], "scrap_id": int(reply) if str(reply or "").isdecimal() else None,
                 "created_at": BASE_S + sid}
        db["scraps"][sid] = scrap
        return json_response(201, app.scrap_entity(scrap))

    @route("GET", "/profiles/{profile_id}/scraps/{id}/replies", "none")
    def scrap_replies(req: Request) -> Response:
        prof = app.profile(req.path_args["profile_id"])
        text = req.path_args["id"]
        scrap = db["scraps"].get(int(text)) if text.isdecimal() else None
        if prof is None or scrap is None or scrap["receiver_id"] != prof["id"]:
            return not_found()
        return app.present(req, [app.scrap_entity(s) for s in db["scraps"].values() if s["scrap_id"] == scrap["id"]])

    @route("POST", "/profiles/{id}/uploaded_files", "required")
    @with_profile()
    def upload(req: Request, prof: dict[str, Any]) -> Response:
        if not app.can_post(req.user, prof):  # type: ignore[attr-defined]
            return forbidden()
        filename, size, mime = _multipart_file(req)
        if filename is None:
            p = P(req)
            f = p.get("file")
            if isinstance(f, dict) and f.get("filename"):
                filename, size, mime = str(f["filename"]), len(str(f.get("tempfile") or "")), str(f.get("type") or "application/octet-stream")
            elif isinstance(f, str) and f:
                filename, size, mime = f, 0, "application/octet-stream"
        if filename is None:
            return missing("file")
        aid = app.next_id("article")
        art = {"id": aid, "type": "UploadedFile", "title": filename, "name": filename, "body": None,
               "abstract": None, "profile_id": prof["id"], "author_id": req.user["person_id"],  # type: ignore[attr-defined]
               "parent_id": None, "slug": slugify(filename) or f"arquivo-{aid}", "created_at": BASE_S + aid,
               "updated_at": BASE_S + aid, "published": True, "access": 0, "accept_comments": True,
               "hits": 0, "tags": [], "category_ids": [], "archived": False, "position": None,
               "start_date": None, "end_date": None, "mime_type": mime, "size": size}
        db["articles"][aid] = art
        return json_response(201, app.article_entity(art, req.user))  # type: ignore[attr-defined]

    # ================================================================== plugins (enabled in the sandbox)
    @route("GET", "/articles/{id}/comment_paragraph_plugin/comments")
    @with_article
    def paragraph_comments(req: Request, art: dict[str, Any]) -> Response:
        items = [c for c in db["comments"].values() if c["article_id"] == art["id"]]
        uuid = P(req).get("paragraph_uuid")
        if uuid:
            items = [c for c in items if _paragraph(c) == uuid]
        if str(P(req).get("without_reply", "")).lower() == "true":
            items = [c for c in items if not c["reply_of_id"]]
        return app.present_list(req, items, lambda c: {**app.comment_entity(c, req.user),  # type: ignore[attr-defined]
                                                       "paragraph_uuid": _paragraph(c)})

    @route("GET", "/articles/{id}/comment_paragraph_plugin/comments/count")
    @with_article
    def paragraph_count(req: Request, art: dict[str, Any]) -> Response:
        counts: dict[str, int] = {}
        for c in db["comments"].values():
            if c["article_id"] == art["id"]:
                counts[_paragraph(c)] = counts.get(_paragraph(c), 0) + 1
        return json_response(200, counts)

    @route("GET", "/articles/{id}/comment_paragraph_plugin/export")
    @with_article
    def paragraph_export(req: Request, art: dict[str, Any]) -> Response:
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["paragraph_uuid", "comment_id", "author", "created_at", "body"])
        for c in db["comments"].values():
            if c["article_id"] == art["id"]:
                author = db["profiles"].get(c["author_id"])
                w.writerow([_paragraph(c), c["id"], author["name"] if author else "", _tt(c["created_at"]), c["body"]])
        return Response(200, buf.getvalue().encode(), [("Content-Disposition", f'attachment; filename="{art["slug"]}.csv"')],
                        "text/csv; charset=utf-8")

    search_types = ["person", "community", "enterprise", "article", "event"]

    @route("GET", "/search", "none")
    def search(req: Request) -> Response:
        p = P(req)
        query = str(p.get("query") or "").lower()
        selected = str(p.get("selected_type") or "")
        results: dict[str, list[Any]] = {}
        kinds = {"person": "Person", "community": "Community", "enterprise": "Enterprise"}
        for key, ptype in kinds.items():
            if selected and selected != key:
                continue
            found = [x for x in profiles_of(ptype) if query in x["name"].lower()][:20]
            results[key] = [app.profile_entity(x, None, full=False) for x in found]
        for key in ("article", "event"):
            if selected and selected != key:
                continue
            arts = [a for a in app.visible_articles() if query in a["title"].lower()
                    and (a["type"] == "Event") == (key == "event")][:20]
            results[key] = [app.article_entity(a, None, children=False) for a in arts]
        return json_response(200, results)

    @route("GET", "/search/types", "none")
    def search_types_(req: Request) -> Response:
        return json_response(200, {"types": search_types})

    @route("GET", "/search/sort_types", "none")
    def sort_types(req: Request) -> Response:
        return json_response(200, {"relevance": "Relevância", "lexical": "Alfabética",
                                   "more_recent": "Mais recentes", "more_popular": "Mais populares",
                                   "more_comments": "Mais comentados"})

    @route("GET", "/people/{id}/tags", "none")
    @with_profile("Person")
    def person_tags(req: Request, prof: dict[str, Any]) -> Response:
        return json_response(200, list(prof["tags"]))

    def push_target(req: Request) -> int:
        tid = P(req).get("target_id")
        return int(tid) if str(tid or "").isdecimal() else req.user["id"]  # type: ignore[attr-defined]

    @route("GET", "/push_notification_plugin/device_tokens", "required")
    def push_tokens(req: Request) -> Response:
        return json_response(200, {"user": {"id": push_target(req)},
                                   "device_tokens": app.push_tokens.get(push_target(req), [])})

    @route("POST", "/push_notification_plugin/device_tokens", "required")
    def push_tokens_add(req: Request) -> Response:
        p = P(req)
        lacking = [n for n in ("token", "device_name") if not p.get(n)]
        if lacking:
            return missing(*lacking)
        lst = app.push_tokens.setdefault(push_target(req), [])
        if not any(t["token"] == p["token"] for t in lst):
            lst.append({"token": str(p["token"]), "device_name": str(p["device_name"])})
        return json_response(201, {"user": {"id": push_target(req)}, "device_tokens": lst})

    @route("DELETE", "/push_notification_plugin/device_tokens", "required")
    def push_tokens_del(req: Request) -> Response:
        p = P(req)
        if not p.get("token"):
            return missing("token")
        lst = app.push_tokens.setdefault(push_target(req), [])
        lst[:] = [t for t in lst if t["token"] != p["token"]]
        return json_response(200, {"user": {"id": push_target(req)}, "device_tokens": lst})

    notifications = ["new_comment", "new_member", "new_friend", "add_friend", "new_article",
                     "approve_article", "suggest_article"]

    def push_state(req: Request) -> dict[str, bool]:
        active = app.push_settings.setdefault(push_target(req), {"new_comment", "new_friend"})
        return {n: n in active for n in notifications}

    @route("GET", "/push_notification_plugin/notification_settings", "required")
    def push_settings(req: Request) -> Response:
        return json_response(200, {"user_id": push_target(req), "notifications": push_state(req)})

    @route("GET", "/push_notification_plugin/possible_notifications", "none")
    def push_possible(req: Request) -> Response:
        return json_response(200, {"possible_notifications": notifications})

    @route("POST", "/push_notification_plugin/notification_settings", "required")
    def push_settings_set(req: Request) -> Response:
        names = [str(n) for n in as_list(P(req).get("notification_names"))]
        bad = [n for n in names if n not in notifications]
        if bad:
            return api_error(400, "Unknown notifications: " + ", ".join(bad))
        app.push_settings[push_target(req)] = set(names)
        return json_response(201, {"user_id": push_target(req), "notifications": push_state(req)})

    @route("GET", "/push_notification_plugin/active_notifications", "required")
    def push_active(req: Request) -> Response:
        return json_response(200, [n for n, on in push_state(req).items() if on])

    @route("GET", "/push_notification_plugin/inactive_notifications", "required")
    def push_inactive(req: Request) -> Response:
        return json_response(200, [n for n, on in push_state(req).items() if not on])


def _paragraph(c: dict[str, Any]) -> str:
    return c.get("paragraph_uuid") or hex_token("paragraph", c["article_id"], c["id"] % 3, length=8)


def _tt(ts: int) -> str:
    from .noosfero import _t

    return _t(ts) or ""


def noosfero_roles() -> list[dict[str, Any]]:
    from .noosfero_data import ROLES

    return ROLES


def _multipart_file(req: Request) -> tuple[str | None, int, str]:
    ctype = req.header("Content-Type") or ""
    if "multipart/form-data" not in ctype or "boundary=" not in ctype:
        return None, 0, ""
    boundary = ctype.split("boundary=", 1)[1].split(";")[0].strip().strip('"').encode()
    for part in req.body.split(b"--" + boundary):
        head, _, content = part.partition(b"\r\n\r\n")
        text = head.decode("latin-1")
        if 'name="file"' in text and "filename=" in text:
            fname = text.split("filename=", 1)[1].split("\r\n")[0].strip().strip('"')
            mime = "application/octet-stream"
            for line in text.split("\r\n"):
                if line.lower().startswith("content-type:"):
                    mime = line.split(":", 1)[1].strip()
            return fname or "arquivo", len(content.rstrip(b"\r\n")), mime
    return None, 0, ""
