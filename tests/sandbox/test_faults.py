"""Fault injection: per request with X-Apiplay-Fault, and the deterministic rotation of --faults."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from sandbox_helpers import GC, GC_TOKEN, NF, TR, TR_AUTH

H = {"GoCache-Token": GC_TOKEN}


def _raw(origin: str, path: str, headers: dict[str, str]) -> bytes:
    host, port = origin.removeprefix("http://").split(":")
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode())
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def test_slow_answers_after_the_delay(client):
    t0 = time.monotonic()
    r = client.get(NF + "/categories", headers={"X-Apiplay-Fault": "slow", "X-Apiplay-Delay": "0.3"})
    assert time.monotonic() - t0 >= 0.3
    assert r.status_code == 200 and isinstance(r.json(), list)


def test_500_in_each_providers_shape(client):
    f = {"X-Apiplay-Fault": "500"}
    r = client.get(GC + "/domain", headers={**H, **f})
    assert r.status_code == 500 and "error" in r.json()
    r = client.get(NF + "/categories", headers=f)
    assert r.status_code == 500 and "error" in r.json()
    r = client.get(TR + "/trackerGps", headers=f, auth=TR_AUTH)
    body = r.json()
    assert r.status_code == 500 and body["message"] == "GENERIC ERROR" and "count_api" in body


def test_truncated_body_breaks_the_read(client, sandbox_url):
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(NF + "/communities", headers={"X-Apiplay-Fault": "truncated"})
    raw = _raw(sandbox_url, NF + "/communities", {"X-Apiplay-Fault": "truncated"})
    head, _, body = raw.partition(b"\r\n\r\n")
    declared = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")))
    assert 0 < len(body) < declared
    # the server is still fine afterwards
    assert client.get(NF + "/categories").status_code == 200


def test_html_error_page(client):
    r = client.get(GC + "/domain", headers={**H, "X-Apiplay-Fault": "html"})
    assert r.status_code == 502 and r.headers["content-type"].startswith("text/html")
    assert "<html" in r.text
    with pytest.raises(json.JSONDecodeError):
        r.json()


def test_large_json_list_of_the_requested_size(client):
    r = client.get(NF + "/articles", headers={"X-Apiplay-Fault": "large", "X-Apiplay-Size": "1000000"})
    assert len(r.content) == 1_000_000 == int(r.headers["content-length"])
    data = r.json()
    assert isinstance(data, list) and len(data) > 5000 and data[0]["id"] == 1


def test_large_default_is_20_mib_and_cached(client):
    t0 = time.monotonic()
    r = client.get(TR + "/trackerGps", headers={"X-Apiplay-Fault": "large"}, auth=TR_AUTH)
    first = time.monotonic() - t0
    assert len(r.content) == 20 * 1024 * 1024
    assert isinstance(json.loads(r.content), list)
    t0 = time.monotonic()
    r2 = client.get(TR + "/trackerGps", headers={"X-Apiplay-Fault": "large"}, auth=TR_AUTH)
    assert r2.content == r.content
    assert time.monotonic() - t0 < max(first, 1.0) * 2  # not rebuilt slowly each time


def test_nested_document_is_10000_deep(client):
    r = client.get(NF + "/categories", headers={"X-Apiplay-Fault": "nested"})
    assert r.status_code == 200
    text = r.text
    assert text.startswith("[" * 10000) and text.count("[") == 10000 == text.count("]")
    with pytest.raises(RecursionError):
        json.loads(text)


def test_binary_bytes(client):
    r = client.get(NF + "/categories", headers={"X-Apiplay-Fault": "binary"})
    assert r.headers["content-type"] == "application/octet-stream"
    assert len(r.content) > 1000
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    again = client.get(NF + "/categories", headers={"X-Apiplay-Fault": "binary"})
    assert again.content == r.content  # seeded


def test_control_sequences_and_markup(client):
    r = client.get(NF + "/categories", headers={"X-Apiplay-Fault": "control"})
    data = r.json()
    strings = [item["name"] for item in data]
    assert any("\x1b[" in s for s in strings)
    assert any("[bold red]x[/]" in s for s in strings)
    assert any("\x07" in s for s in strings)


def test_redirect_to_another_host(client, sandbox_url):
    r = client.get(NF + "/categories", headers={"X-Apiplay-Fault": "redirect"})
    assert r.status_code == 302
    port = sandbox_url.rsplit(":", 1)[1]
    assert r.headers["location"] == f"http://127.0.0.2:{port}{NF}/categories"


def test_huge_header(sandbox_url, client):
    raw = _raw(sandbox_url, NF + "/categories", {"X-Apiplay-Fault": "headers", "Connection": "close"})
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert len(head) > 100_000
    assert raw.startswith(b"HTTP/1.1 200")
    with pytest.raises(httpx.RemoteProtocolError):  # h11 refuses headers this large
        client.get(NF + "/categories", headers={"X-Apiplay-Fault": "headers"})


def test_unknown_fault_name_is_ignored(client):
    assert client.get(NF + "/categories", headers={"X-Apiplay-Fault": "nonsense"}).status_code == 200


def test_faults_mode_rotates_every_seventh_request(private):
    c = private(faults=True)
    headers = {"X-Apiplay-Delay": "0.05"}
    faulty = {}
    for n in range(1, 22):
        t0 = time.monotonic()
        r = c.get(NF + "/categories", headers=headers)
        took = time.monotonic() - t0
        kind = r.headers.get("x-apiplay-fault")
        if kind:
            faulty[n] = kind
        else:
            assert r.status_code == 200 and isinstance(r.json(), list)
        if kind == "slow":
            assert r.status_code == 200 and took >= 0.05
        elif kind == "500":
            assert r.status_code == 500 and "error" in r.json()
        elif kind == "html":
            assert r.status_code == 502 and r.headers["content-type"].startswith("text/html")
    assert faulty == {7: "slow", 14: "500", 21: "html"}


def test_faults_mode_header_none_forces_a_normal_answer(private):
    c = private(faults=True)
    codes = [c.get(NF + "/categories", headers={"X-Apiplay-Fault": "none"}).status_code for _ in range(14)]
    assert codes == [200] * 14


def test_no_faults_without_the_mode(client):
    assert all(client.get(NF + "/categories").status_code == 200 for _ in range(15))
