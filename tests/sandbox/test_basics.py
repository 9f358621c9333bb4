"""The sandbox's first promises: it starts, serves the three prefixes and stops cleanly."""

from __future__ import annotations

import socket

import httpx

from tui.sandbox.server import SandboxServer

from sandbox_helpers import GC, GC_TOKEN, NF, TR, TR_AUTH


def test_done_when_trackergps_second_page(sandbox_url):
    r = httpx.get(sandbox_url + TR + "/trackerGps", params={"limit": 50, "skip": 50}, auth=TR_AUTH)
    assert r.status_code == 200
    body = r.json()
    assert len(body["data"]) == 30
    assert body["has_more"] is False
    assert body["object"] == "list"


def test_three_prefixes_answer(client, gc_headers, ana_token):
    assert client.get(GC + "/domain", headers=gc_headers).status_code == 200
    r = client.get(NF + "/communities", params={"private_token": ana_token})
    assert r.status_code == 200 and isinstance(r.json(), list)
    for version in ("/v1_0", "/latest", ""):
        r = client.get(TR + version + "/trackerGps", auth=TR_AUTH)
        assert r.status_code == 200, version
        assert len(r.json()["data"]) == 50


def test_start_stop_closes_the_socket():
    server = SandboxServer(port=0)
    origin = server.start()
    port = server.port
    assert origin == f"http://127.0.0.1:{port}" == server.origin
    with httpx.Client() as c:
        assert c.get(origin + GC + "/domain", headers={"GoCache-Token": GC_TOKEN}).status_code == 200
    server.stop()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
    server.stop()  # twice is harmless


def test_context_manager():
    with SandboxServer() as server:
        r = httpx.get(server.origin + NF + "/categories")
        assert r.status_code == 200
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", server.port)) != 0


def test_unknown_paths_answer_each_providers_404(client, gc_headers):
    r = client.get(GC + "/nothing/here", headers=gc_headers)
    assert r.status_code == 404 and "error" in r.json()
    r = client.get(NF + "/nothing/here")
    assert r.status_code == 404
    assert r.json() == {"success": False, "message": "404 Not found", "code": 404}
    r = client.get(TR + "/v1_0/nothing", auth=TR_AUTH)
    assert r.status_code == 404
    body = r.json()
    assert body["code"] == 404 and "message" in body and "count_api" in body and "reset_count_api" in body
    r = client.get("/elsewhere")
    assert r.status_code == 404


def test_keep_alive_reuses_one_connection(sandbox_url):
    with httpx.Client(base_url=sandbox_url) as c:
        seen = set()
        for _ in range(5):
            r = c.get(NF + "/categories", extensions={})
            assert r.status_code == 200
            assert r.headers.get("connection", "").lower() != "close"
        # httpcore's pool: a single connection served the five requests
        pool = c._transport._pool  # noqa: SLF001 - the only way to count connections
        seen = {id(conn) for conn in pool.connections}
        assert len(seen) == 1


def test_keep_alive_raw_socket(sandbox_url):
    host, port = sandbox_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as s:
        f = s.makefile("rb")
        for _ in range(3):
            s.sendall(f"GET {NF}/categories HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            status = f.readline()
            assert status.startswith(b"HTTP/1.1 200")
            length = None
            while True:
                line = f.readline()
                if line in (b"\r\n", b""):
                    break
                k, _, v = line.decode().partition(":")
                if k.lower() == "content-length":
                    length = int(v)
            assert length is not None
            assert len(f.read(length)) == length


def test_sandbox_reads_no_files_at_run_time():
    """Everything is built in memory: ../shared (not shipped) and the packs are never opened."""
    import sys

    opened: list[str] = []
    active = [True]

    def hook(event, args):
        if active[0] and event == "open" and isinstance(args[0], str):
            opened.append(args[0])

    sys.addaudithook(hook)  # cannot be removed; `active` switches it off
    try:
        with SandboxServer() as server:
            with httpx.Client(base_url=server.origin) as c:
                assert c.get(NF + "/articles").status_code == 200
                assert c.get(GC + "/domain", headers={"GoCache-Token": GC_TOKEN}).status_code == 200
                assert c.get(TR + "/trackerGps", auth=TR_AUTH).status_code == 200
    finally:
        active[0] = False
    data_files = [p for p in opened if not p.endswith((".py", ".pyc")) and "/proc/" not in p
                  and not p.startswith("/dev/")]
    assert not [p for p in data_files if "shared" in p or p.endswith((".json", ".yaml", ".md"))], data_files
