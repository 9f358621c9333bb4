"""HttpSession against tiny local servers: reuse, body cap, redirects, plain-English errors."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tui.core.http import HttpSession
from tui.core.model import PreparedRequest


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16  # one write per answer (no delayed-ACK stalls)
    disable_nagle_algorithm = True
    seen: list = []

    def log_message(self, *a):  # quiet
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k.lower() == "content-length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        self._route()

    def do_POST(self):  # noqa: N802
        self._route()

    def _route(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append((self.command, self.path, dict(self.headers), body, self.client_address[1]))
        port = self.server.server_address[1]
        p = self.path.split("?")[0]
        if p == "/json":
            self._send(200, b'{"ok": true}', [("Content-Type", "application/json")])
        elif p == "/big":
            self._send(200, b"x" * 100_000)
        elif p == "/huge":
            self._send(200, bytes(range(256)) * (6 * 2**20 // 256))
        elif p == "/slow":
            time.sleep(1.0)
            self._send(200, b"{}")
        elif p == "/truncated":
            self._send(200, b'{"a": 1', [("Content-Length", "100")])
            self.close_connection = True
        elif p == "/redirect-same":
            self._send(302, headers=[("Location", "/json")])
        elif p == "/redirect-other":
            self._send(307, headers=[("Location", f"http://localhost:{port}/json?private_token=tok&x=1")])
        elif p == "/see-other":
            self._send(303, headers=[("Location", "/json")])
        elif p == "/loop":
            self._send(302, headers=[("Location", "/loop")])
        else:
            self._send(404, b'{"error": "nope"}')


@pytest.fixture
def server():
    _Handler.seen = []
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def req(url, method="GET", headers=(), body=None, secrets=(), basic=None) -> PreparedRequest:
    return PreparedRequest("p", f"{method} /x", method, url, headers=tuple(headers), body=body,
                           secrets=frozenset(secrets), basic_auth=basic)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


async def test_send_reuses_one_client_and_connection(server):
    session = HttpSession()
    try:
        a = await session.send(req(server + "/json"))
        b = await session.send(req(server + "/json?x=1"))
        assert a.status == b.status == 200 and a.body == b'{"ok": true}' and a.reason == "OK"
        assert a.elapsed_s > 0 and a.size == len(a.body) and a.started_at > 0
        assert session.client_count == 1
        assert _Handler.seen[0][4] == _Handler.seen[1][4]  # same client port: keep-alive
        assert ("content-type", "application/json") in [(k.lower(), v) for k, v in a.headers]
    finally:
        await session.aclose()


async def test_body_cap_truncates(server):
    session = HttpSession()
    ex = await session.send(req(server + "/big"), max_body=1000)
    assert ex.truncated and len(ex.body) == 1000 and ex.size > 1000 and ex.error is None
    ex = await session.send(req(server + "/big"))
    assert not ex.truncated and len(ex.body) == 100_000
    await session.aclose()


async def test_timeout_is_plain_english(server):
    session = HttpSession()
    ex = await session.send(req(server + "/slow"), timeout=0.2)
    assert ex.status is None and ex.error_kind == "timeout"
    assert "did not answer within 0.2 s" in ex.error
    await session.aclose()


async def test_refused_port():
    port = free_port()
    session = HttpSession()
    ex = await session.send(req(f"http://127.0.0.1:{port}/x"))
    assert ex.status is None and ex.error_kind == "connect"
    assert ex.error == f"nothing is listening at 127.0.0.1:{port} (connection refused)"
    await session.aclose()


async def test_incomplete_body(server):
    session = HttpSession()
    ex = await session.send(req(server + "/truncated"))
    assert ex.error == "the server closed the connection before the whole body arrived"
    assert ex.error_kind == "protocol" and ex.status == 200 and ex.truncated
    ex2 = await session.send(req(server + "/json"))  # still usable
    assert ex2.status == 200
    await session.aclose()


async def test_redirect_same_host_keeps_auth(server):
    session = HttpSession()
    ex = await session.send(req(server + "/redirect-same", headers=[("PRIVATE-TOKEN", "tok")], secrets=["tok"]))
    assert ex.status == 200
    assert _Handler.seen[-1][2].get("PRIVATE-TOKEN") == "tok"
    await session.aclose()


async def test_redirect_other_host_drops_credentials(server):
    session = HttpSession()
    ex = await session.send(req(
        server + "/redirect-other", headers=[("PRIVATE-TOKEN", "tok"), ("X-Other", "keep"), ("Authorization", "Bearer q")],
        secrets=["tok"], basic=("u", "pw"),
    ))
    assert ex.status == 200
    method, path, headers, _, _ = _Handler.seen[-1]
    lowered = {k.lower(): v for k, v in headers.items()}
    assert "private-token" not in lowered and "authorization" not in lowered
    assert lowered.get("x-other") == "keep"
    assert "tok" not in path and "x=1" in path
    assert _Handler.seen[-1][2].get("Host", "").startswith("localhost")
    await session.aclose()


async def test_basic_auth_sent_on_the_wire(server):
    session = HttpSession()
    await session.send(req(server + "/json", basic=("a@b.c", "tk")))
    assert _Handler.seen[-1][2]["Authorization"] == "Basic YUBiLmM6dGs="
    await session.aclose()


async def test_303_turns_post_into_get_and_loop_stops(server):
    session = HttpSession(max_redirects=3)
    ex = await session.send(req(server + "/see-other", method="POST", body=b"a=1",
                                headers=[("Content-Type", "application/x-www-form-urlencoded")]))
    assert ex.status == 200 and _Handler.seen[-1][0] == "GET"
    n = len(_Handler.seen)
    ex = await session.send(req(server + "/loop"))
    assert ex.status == 302 and len(_Handler.seen) - n == 4
    await session.aclose()


async def test_cancellation_leaves_session_usable(server):
    session = HttpSession()
    task = asyncio.create_task(session.send(req(server + "/slow")))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    ex = await session.send(req(server + "/json"))
    assert ex.status == 200
    await session.aclose()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
async def test_tls_verification_failure(tmp_path):
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    t = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    t.start()
    try:
        session = HttpSession()
        ex = await session.send(req(f"https://127.0.0.1:{srv.server_address[1]}/json"))
        assert ex.error_kind == "tls" and ex.error == "certificate verification failed for 127.0.0.1"
        await session.aclose()
    finally:
        srv.shutdown()
        srv.server_close()


async def test_unwritable_request_is_an_error_not_a_crash(server):
    session = HttpSession()
    for bad in ("ção", "a\nb"):
        ex = await session.send(req(server + "/json", headers=[("X-Name", bad)]))
        assert ex.status is None and ex.error_kind == "protocol" and "could not be written" in ex.error
    assert (await session.send(req(server + "/json"))).status == 200
    await session.aclose()


async def test_a_large_body_is_joined_off_the_event_loop(server, monkeypatch):
    """A 20 MB join stalls the loop ~16 ms (page faults of the new buffer); bytes.join releases
    the GIL for large copies, so it runs in a thread."""
    import tui.core.http as http

    joined = []
    real = asyncio.to_thread

    async def to_thread(func, *args, **kwargs):
        joined.append(func)
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(http.asyncio, "to_thread", to_thread)
    session = HttpSession()
    try:
        ex = await session.send(req(server + "/huge"))
        assert ex.body == bytes(range(256)) * (6 * 2**20 // 256) and type(ex.body) is bytes
        assert not ex.truncated and ex.size == len(ex.body)
        assert len(joined) == 1
        small = await session.send(req(server + "/big"))
        assert small.body == b"x" * 100_000
        assert len(joined) == 1  # small bodies are joined on the loop
        cut = await session.send(req(server + "/huge"), max_body=5 * 2**20)
        assert cut.truncated and cut.body == ex.body[: 5 * 2**20]
    finally:
        await session.aclose()


async def test_a_request_tries_no_import_that_fails(server, monkeypatch):
    """httpx's transport asks which async library runs by importing sniffio on every request; without
    it installed (a dependency for that reason) each request made four failing imports, each a walk
    of sys.path."""
    import builtins

    failed: list = []
    real_import = builtins.__import__

    def counting_import(name, *args, **kwargs):
        try:
            return real_import(name, *args, **kwargs)
        except ImportError:
            failed.append(name)
            raise

    session = HttpSession()
    try:
        await session.send(req(server + "/json"))  # the first: whatever is imported once
        monkeypatch.setattr(builtins, "__import__", counting_import)
        for _ in range(3):
            assert (await session.send(req(server + "/json"))).status == 200
    finally:
        monkeypatch.undo()
        await session.aclose()
    assert failed == []


def test_the_origin_of_a_url_is_read_from_its_authority_part_as_urlsplit_reads_it():
    """Each page of a walk has its own URL: the origin (which client serves it, whether a redirect
    leaves the host) is parsed once per scheme and authority, and must be what parsing the whole
    URL gives."""
    from urllib.parse import urlsplit

    from tui.core.http import _origin

    def whole(url: str):
        p = urlsplit(url)
        return p.scheme, (p.hostname or "").lower(), p.port or (443 if p.scheme == "https" else 80 if p.scheme == "http" else None)

    urls = ["http://127.0.0.1:8765/trackingram/apiPublic/v1_0/trackerGps?limit=10&skip=20",
            "https://API.GoCache.com.br/v1/domain", "https://h", "http://h/", "http://h?x=1", "http://h#frag",
            "http://user:pa%40ss@Host.Example:8080/p?q#f", "http://[::1]:9/x", "https://[2001:db8::1]/",
            "HTTP://UPPER.case:80/x", "ftp://files.example/x", "mailto:someone@example.org", "/relative/path",
            "http://h:443/p", "https://h:80/p", "http://h/a//b?c=//d", ""]
    for url in urls:
        assert _origin(url) == whole(url), url
    with pytest.raises(ValueError):
        _origin("http://h:99999/x")  # as urlsplit's port raises
