"""Auth placements, missing-credential checks, JSON pointers and the login flow."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tui.core.auth import (
    LoginError, apply_auth, env_name, json_pointer, login, missing_credentials, missing_message,
)
from tui.core.http import HttpSession
from tui.core.packs import builtin_provider


def test_apply_auth_each_scheme():
    g = builtin_provider("gocache")
    parts = apply_auth(g, {"token": "gt"})
    assert parts.headers == [("GoCache-Token", "gt")] and parts.query == [] and parts.basic is None
    assert parts.secrets == {"gt"}
    n = builtin_provider("noosfero")
    assert apply_auth(n, {"token": "nt"}).headers == [("PRIVATE-TOKEN", "nt")]
    q = apply_auth(n, {"token": "nt"}, placement=1)
    assert q.query == [("private_token", "nt")] and q.headers == []
    assert apply_auth(n, {"token": "nt"}, placement=9).headers == [("PRIVATE-TOKEN", "nt")]  # falls back
    t = builtin_provider("trackingram")
    b = apply_auth(t, {"email": "a@b.c", "token": "tt"})
    assert b.basic == ("a@b.c", "tt") and b.headers == [] and "tt" in b.secrets and "a@b.c" not in b.secrets
    assert apply_auth(t, {"email": "a@b.c"}).basic is None  # incomplete pair: nothing
    assert apply_auth(g, None).headers == []


def test_login_password_is_secret_even_without_token():
    n = builtin_provider("noosfero")
    assert apply_auth(n, {"login": "ana", "password": "pw"}).secrets == {"pw"}


def test_env_names():
    assert env_name(builtin_provider("gocache"), "token") == "APIPLAY_GOCACHE_TOKEN"
    assert env_name(builtin_provider("trackingram"), "email") == "APIPLAY_TRACKINGRAM_EMAIL"
    assert env_name(builtin_provider("noosfero"), "other-field") == "APIPLAY_NOOSFERO_OTHER_FIELD"


def test_missing_credentials_per_provider():
    g, n, t = (builtin_provider(x) for x in ("gocache", "noosfero", "trackingram"))
    ep = g.endpoint("GET", "/domain")
    assert missing_credentials(g, {}, ep) == ["APIPLAY_GOCACHE_TOKEN"]
    assert missing_credentials(g, {"token": "x"}, ep) == []
    tep = t.endpoint("GET", "/trackerGps")
    assert missing_credentials(t, {"email": "a"}, tep) == ["APIPLAY_TRACKINGRAM_TOKEN"]
    assert missing_credentials(t, {}, tep) == ["APIPLAY_TRACKINGRAM_EMAIL", "APIPLAY_TRACKINGRAM_TOKEN"]
    required = next(e for e in n.endpoints if e.auth == "required")
    assert missing_credentials(n, {}, required) == [
        "APIPLAY_NOOSFERO_TOKEN", "APIPLAY_NOOSFERO_LOGIN", "APIPLAY_NOOSFERO_PASSWORD"]
    assert missing_credentials(n, {"token": "x"}, required) == []
    assert missing_credentials(n, {"login": "a", "password": "b"}, required) == []
    assert missing_credentials(n, {"login": "a"}, required) == ["APIPLAY_NOOSFERO_TOKEN", "APIPLAY_NOOSFERO_PASSWORD"]
    optional = next(e for e in n.endpoints if e.auth == "optional")
    assert missing_credentials(n, {}, optional) == []
    msg = missing_message(n, {}, required)
    assert "APIPLAY_NOOSFERO_TOKEN" in msg and "APIPLAY_NOOSFERO_LOGIN and APIPLAY_NOOSFERO_PASSWORD" in msg
    assert missing_message(g, {"token": "x"}, ep) is None


def test_json_pointer():
    data = {"private_token": "t", "user": {"a/b": [1, {"c~": 2}]}}
    assert json_pointer(data, "/private_token") == "t"
    assert json_pointer(data, "/user/a~1b/1/c~0") == 2
    assert json_pointer(data, "/nope") is None and json_pointer(data, "/user/a~1b/9") is None
    assert json_pointer(data, "") is data


class _Login(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # one write per answer (no delayed-ACK stalls)
    disable_nagle_algorithm = True
    bodies: list = []

    def log_message(self, *a):
        pass

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.bodies.append((self.path, self.headers.get("Content-Type"), body))
        data = json.loads(body or b"{}")
        if data.get("password") == "right":
            status, out = 201, {"login": data["login"], "private_token": "tok123"}
        elif data.get("password") == "inactive":
            status, out = 201, {"login": data["login"]}
        else:
            status, out = 401, {"success": False, "message": "Unauthorized", "code": 401}
        raw = json.dumps(out).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def login_server():
    _Login.bodies = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Login)
    threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/api/v1"
    srv.shutdown()
    srv.server_close()


async def test_login_flow(login_server):
    n = builtin_provider("noosfero")
    session = HttpSession()
    try:
        token = await login(n, {"login": "ana", "password": "right"}, base_url=login_server, session=session)
        assert token == "tok123"
        path, ctype, body = _Login.bodies[-1]
        assert path == "/api/v1/login" and json.loads(body) == {"login": "ana", "password": "right"}
        with pytest.raises(LoginError) as info:
            await login(n, {"login": "ana", "password": "wrong"}, base_url=login_server, session=session)
        assert info.value.kind == "http" and "401" in str(info.value) and "Unauthorized" in str(info.value)
        with pytest.raises(LoginError, match="no token at /private_token"):
            await login(n, {"login": "ana", "password": "inactive"}, base_url=login_server, session=session)
        with pytest.raises(LoginError, match="APIPLAY_NOOSFERO_PASSWORD") as info:
            await login(n, {"login": "ana"}, base_url=login_server, session=session)
        assert info.value.kind == "config"
        with pytest.raises(LoginError, match="no login flow"):
            await login(builtin_provider("gocache"), {}, base_url=login_server, session=session)
    finally:
        await session.aclose()


async def test_login_network_error():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    session = HttpSession()
    with pytest.raises(LoginError) as info:
        await login(builtin_provider("noosfero"), {"login": "a", "password": "b"},
                    base_url=f"http://127.0.0.1:{port}/api/v1", session=session)
    assert info.value.kind == "network" and "nothing is listening" in str(info.value)
    await session.aclose()
