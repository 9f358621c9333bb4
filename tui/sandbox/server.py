"""The sandbox: one HTTP/1.1 server on 127.0.0.1 serving the three simulated APIs.

    GoCache      /gocache/v1/...
    Noosfero     /noosfero/api/v1/...            (an optional .json suffix is accepted)
    Trackingram  /trackingram/apiPublic/v1_0/... , /trackingram/apiPublic/latest/... , /trackingram/apiPublic/...

Standard library only: ``ThreadingHTTPServer`` (a thread per connection, keep-alive), each answer
written in one ``sendall`` with Nagle off, so hundreds of small requests stay fast.

    with SandboxServer() as server:          # or: origin = server.start() ... server.stop()
        httpx.get(server.origin + "/trackingram/apiPublic/trackerGps", auth=(...))
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from . import faults as _faults
from .web import Request, Response, json_response

GOCACHE_PREFIX = "/gocache/v1"
NOOSFERO_PREFIX = "/noosfero/api/v1"
TRACKINGRAM_PREFIX = "/trackingram/apiPublic"

#: Printed by `apiplay sandbox` and offered by the app.
CREDENTIALS = {
    "gocache": [
        ("GoCache-Token", "sandbox-gocache-token", "full access"),
        ("GoCache-Token", "sandbox-gocache-readonly", "read-only: every write answers 403"),
    ],
    "noosfero": [
        ("login / password", "ana / sandbox", "POST /login answers her private_token"),
        ("login / password", "admin / sandbox", "environment administrator"),
    ],
    "trackingram": [
        ("email / tokenApi", "demo@trackingram.example / sandbox-trackingram-token", "80 trackers"),
        ("email / tokenApi", "noapi@trackingram.example / sandbox-trackingram-token",
         "answers API NOT ENABLE"),
        ("email / tokenApi", "disabled@trackingram.example / sandbox-trackingram-token",
         "answers USER NOT ENABLE"),
    ],
}


#: Bodies larger than this are refused (413) without being read.
MAX_BODY = 64 * 1024 * 1024


class _TooLarge(Exception):
    pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    sandbox: "SandboxServer"

    def handle_error(self, request, client_address) -> None:  # a dropped client is not news
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "apiplay-sandbox/1.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 120  # an idle keep-alive connection is closed after this long
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.sandbox._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.sandbox._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log = self.server.sandbox.log
        if log is not None:
            log(format % args)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        log = self.server.sandbox.log
        if log is not None:
            log(f'{self.command} {self.path.split("?")[0]} {code}')

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise _TooLarge
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except _TooLarge:
            self.close_connection = True
            self._write(json_response(413, {"error": f"Request body too large (over {MAX_BODY} bytes)"}), None, [])
            return
        except (ValueError, OSError):
            self.close_connection = True
            self._write(json_response(400, {"error": "Unreadable request body"}), None, [])
            return
        sandbox = self.server.sandbox
        raw_path, _, query = self.path.partition("?")
        if raw_path.startswith(("http://", "https://")):  # absolute-form request target
            raw_path = "/" + raw_path.split("/", 3)[-1] if raw_path.count("/") >= 3 else "/"
        host = self.headers.get("Host") or f"{sandbox.host}:{sandbox.port}"
        app, rel = sandbox.resolve(raw_path)
        req = Request(self.command, rel, query, self.headers, body, url=f"http://{host}{raw_path}")
        fault = sandbox.faults.pick(self.headers.get("X-Apiplay-Fault"))
        declared: int | None = None
        # every faulted answer says which fault it is, so a client (or a test) can tell
        extra_headers: list[tuple[str, str]] = [("X-Apiplay-Fault", fault)] if fault else []
        if fault == "slow":
            try:
                delay = float(self.headers.get("X-Apiplay-Delay") or _faults.DEFAULT_DELAY_S)
            except ValueError:
                delay = _faults.DEFAULT_DELAY_S
            time.sleep(max(0.0, min(delay, 600.0)))
            fault = None
        if fault == "500":
            resp = app.internal_error(req) if app else json_response(500, {"error": "Internal server error"})
        elif fault == "html":
            resp = _faults.html_response()
        elif fault == "large":
            try:
                size = int(self.headers.get("X-Apiplay-Size") or _faults.DEFAULT_LARGE)
            except ValueError:
                size = _faults.DEFAULT_LARGE
            resp = Response(200, _faults.large_body(size))
        elif fault == "nested":
            resp = Response(200, _faults.nested_body())
        elif fault == "binary":
            resp = Response(200, _faults.binary_body(), [], "application/octet-stream")
        elif fault == "control":
            resp = Response(200, _faults.control_body())
        elif fault == "redirect":
            resp = Response(302, b"", [("Location", f"http://127.0.0.2:{sandbox.port}{self.path}")], None)
        else:
            resp = sandbox.answer(app, req)
            if fault == "truncated":
                declared = len(resp.body) + 1024
                resp = Response(resp.status, resp.body[: len(resp.body) // 2], resp.headers,
                                resp.content_type)
            elif fault == "headers":
                extra_headers.append(("X-Apiplay-Huge", "x" * _faults.HUGE_HEADER))
        self._write(resp, declared, extra_headers)

    def _write(self, resp: Response, declared: int | None, extra: list[tuple[str, str]]) -> None:
        from http import HTTPStatus

        try:
            reason = HTTPStatus(resp.status).phrase
        except ValueError:
            reason = "Unknown"
        body = b"" if self.command == "HEAD" else resp.body
        lines = [f"HTTP/1.1 {resp.status} {reason}", f"Server: {self.server_version}",
                 f"Date: {self.date_time_string()}"]
        if resp.content_type:
            lines.append(f"Content-Type: {resp.content_type}")
        lines.append(f"Content-Length: {declared if declared is not None else len(resp.body)}")
        for k, v in resp.headers:
            lines.append(f"{k}: {v}")
        for k, v in extra:
            lines.append(f"{k}: {v}")
        if declared is not None:
            self.close_connection = True
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.log_request(resp.status)
        try:
            if len(body) > 65536:  # no 20 MB copy just to glue the head on
                self.wfile.write(head)
                self.wfile.write(body)
            else:
                self.wfile.write(head + body)
        except OSError:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch


class SandboxServer:
    """The three simulators behind one HTTP/1.1 server on `host`:`port` (0 picks a free port)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        gocache_limit: int = 100,
        trackingram_limit: int = 120,
        faults: bool = False,
        gocache_window_s: float = 60.0,
        trackingram_window_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] | None = None,
    ) -> None:
        from .gocache import GoCacheApp
        from .noosfero import NoosferoApp
        from .trackingram import TrackingramApp

        self.host = host
        self.requested_port = int(port)
        self.port = int(port)
        self.origin = ""
        self.log = log
        self.faults = _faults.FaultPicker(bool(faults))
        self.gocache = GoCacheApp(limit=gocache_limit, window_s=gocache_window_s, clock=clock)
        self.noosfero = NoosferoApp()
        self.trackingram = TrackingramApp(limit=trackingram_limit, window_s=trackingram_window_s,
                                          clock=clock)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        self._serving = threading.Event()

    # ---- routing
    def resolve(self, path: str) -> tuple[Any, str]:
        """(provider app or None, path relative to the provider's base)."""
        for prefix, app in ((GOCACHE_PREFIX, self.gocache), (NOOSFERO_PREFIX, self.noosfero)):
            if path == prefix or path.startswith(prefix + "/"):
                rel = path[len(prefix):] or "/"
                if app is self.noosfero and rel.endswith(".json"):
                    rel = rel[: -len(".json")] or "/"
                return app, rel
        if path == TRACKINGRAM_PREFIX or path.startswith(TRACKINGRAM_PREFIX + "/"):
            rel = path[len(TRACKINGRAM_PREFIX):] or "/"
            for version in ("/v1_0", "/latest"):
                if rel == version or rel.startswith(version + "/"):
                    rel = rel[len(version):] or "/"
                    break
            return self.trackingram, rel
        for name, app in (("gocache", self.gocache), ("noosfero", self.noosfero),
                          ("trackingram", self.trackingram)):
            if path == f"/{name}" or path.startswith(f"/{name}/"):
                return app, "/\0" + path  # under the provider, not its API base: app.outside()
        return None, path

    def answer(self, app: Any, req: Request) -> Response:
        if app is None:
            if req.path in ("/", ""):
                return json_response(200, self.index())
            return json_response(404, {"error": "Not found", "apis": self.index()["apis"]})
        if req.body.strip() and req.content_type.endswith("json") and req.json is None:
            return app.bad_request(req, "The request body is not valid JSON")
        try:
            return app.handle(req)
        except Exception as exc:  # a simulator bug must not kill the connection
            import traceback

            traceback.print_exc()
            resp = app.internal_error(req)
            resp.headers.append(("X-Apiplay-Exception", type(exc).__name__))
            return resp

    def index(self) -> dict[str, Any]:
        return {
            "name": "apiplay sandbox",
            "apis": {
                "gocache": self.origin + GOCACHE_PREFIX,
                "noosfero": self.origin + NOOSFERO_PREFIX,
                "trackingram": self.origin + TRACKINGRAM_PREFIX + "/v1_0",
            },
        }

    def base_urls(self) -> dict[str, str]:
        return self.index()["apis"]

    # ---- lifecycle
    def bind(self) -> str:
        if self._httpd is None:
            httpd = _HTTPServer((self.host, self.requested_port), _Handler)
            httpd.sandbox = self
            self._httpd = httpd
            self.port = httpd.server_address[1]
            self.origin = f"http://{self.host}:{self.port}"
        return self.origin

    def start(self) -> str:
        """Serve in a daemon background thread; returns the origin ("http://127.0.0.1:PORT")."""
        origin = self.bind()
        if self._thread is None:
            assert self._httpd is not None
            self._serving.set()  # before the thread runs, so an early stop() still shuts it down
            self._thread = threading.Thread(
                target=self._serve, kwargs={"poll_interval": 0.1},
                name=f"apiplay-sandbox-{self.port}", daemon=True)
            self._thread.start()
        return origin

    def serve_forever(self) -> None:
        """Serve in the calling thread until stop() (from another thread) or KeyboardInterrupt."""
        self.bind()
        try:
            self._serve(poll_interval=0.2)
        finally:
            self._close()

    def _serve(self, poll_interval: float) -> None:
        httpd = self._httpd
        assert httpd is not None
        self._serving.set()
        try:
            httpd.serve_forever(poll_interval=poll_interval)
        finally:
            self._serving.clear()

    def stop(self) -> None:
        httpd = self._httpd
        if httpd is None:
            return
        if self._serving.is_set():
            httpd.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close()

    def _close(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.server_close()
        with self._conns_lock:
            conns = list(self._conns)
            self._conns.clear()
        for conn in conns:  # idle keep-alive connections would otherwise linger
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _track(self, conn: socket.socket, opened: bool) -> None:
        with self._conns_lock:
            if opened:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def __enter__(self) -> "SandboxServer":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
