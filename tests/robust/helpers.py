"""Tiny hostile local servers for the robustness tests (127.0.0.1, port 0, a thread each).

:class:`Recorder` speaks just enough HTTP/1.1 to record every request it gets (method, raw target,
headers, body) and answer with whatever a ``responder(req) -> Reply`` says: a status, headers and a
body given as bytes or as an iterable of chunks (so a 200 MB body can be streamed without being
held in memory), optionally with a lying Content-Length, a delay, or raw bytes written as is.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable


@dataclass
class Seen:
    method: str
    target: str  # the raw request target, e.g. "/gocache/v1/domain/a%2Fb?x=1"
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b"{}"
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "application/json")])
    content_length: int | None = None  # None: len(body) when body is bytes, else chunked-free close-delimited
    delay: float = 0.0
    raw: bytes | None = None  # written as is instead of a response


def json_reply(data, status: int = 200, headers=()) -> Reply:
    return Reply(status, json.dumps(data).encode(), [("Content-Type", "application/json"), *headers])


def _default(req: Seen) -> Reply:
    return json_reply({"ok": True, "path": req.path})


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def handle(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        while True:
            try:
                line = self.rfile.readline(65537)
            except OSError:
                return
            if not line or not line.strip():
                return
            parts = line.decode("latin-1").rstrip("\r\n").split(" ")
            if len(parts) < 2:
                return
            method, target = parts[0], parts[1]
            headers: dict[str, str] = {}
            while True:
                h = self.rfile.readline(1 << 20)
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.decode("latin-1").partition(":")
                headers[k.strip().lower()] = v.strip()
            n = int(headers.get("content-length") or 0)
            body = self.rfile.read(n) if n else b""
            req = Seen(method, target, headers, body)
            with server.lock:
                server.seen.append(req)
            reply = server.responder(req)
            if reply.delay:
                time.sleep(reply.delay)
            try:
                if reply.raw is not None:
                    self.wfile.write(reply.raw)
                    self.wfile.flush()
                    return
                keep = isinstance(reply.body, (bytes, bytearray)) and reply.content_length is None
                length = reply.content_length
                if length is None and isinstance(reply.body, (bytes, bytearray)):
                    length = len(reply.body)
                head = [f"HTTP/1.1 {reply.status} X"]
                head += [f"{k}: {v}" for k, v in reply.headers]
                if length is not None:
                    head.append(f"Content-Length: {length}")
                if not keep:
                    head.append("Connection: close")
                self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
                if isinstance(reply.body, (bytes, bytearray)):
                    self.wfile.write(reply.body)
                else:
                    for chunk in reply.body:
                        self.wfile.write(chunk)
                self.wfile.flush()
            except OSError:
                return
            if not keep:
                return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False


class Recorder:
    """A local HTTP server that records every request: ``with Recorder() as rec: rec.origin``."""

    def __init__(self, responder: Callable[[Seen], Reply] = _default, host: str = "127.0.0.1",
                 tls: tuple[str, str] | None = None) -> None:
        self._server = _Server((host, 0), _Handler)
        if tls is not None:  # (certfile, keyfile): speak HTTPS
            import ssl

            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self._server.socket = ctx.wrap_socket(self._server.socket, server_side=True)
        self._server.seen = []  # type: ignore[attr-defined]
        self._server.lock = threading.Lock()  # type: ignore[attr-defined]
        self._server.responder = responder  # type: ignore[attr-defined]
        self.host = host
        self.port = self._server.server_address[1]
        self.origin = f"{'https' if tls else 'http'}://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def seen(self) -> list[Seen]:
        return self._server.seen  # type: ignore[attr-defined]

    @property
    def count(self) -> int:
        return len(self.seen)

    def set_responder(self, responder: Callable[[Seen], Reply]) -> None:
        self._server.responder = responder  # type: ignore[attr-defined]

    def start(self) -> "Recorder":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "Recorder":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def dead_origin() -> str:
    """An origin where nothing listens (a port bound and closed again)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


def open_sockets() -> int:
    """Sockets this process holds open (Linux /proc)."""
    import os

    n = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def self_signed_cert(folder) -> tuple[str, str]:
    """(certfile, keyfile) of a fresh self-signed certificate for 127.0.0.1 (openssl CLI)."""
    import subprocess
    from pathlib import Path

    cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )
    return str(cert), str(key)
