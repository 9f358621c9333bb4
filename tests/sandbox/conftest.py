"""Helpers for the sandbox tests: clients, demo credentials, a fake clock."""

from __future__ import annotations

import httpx
import pytest

from sandbox_helpers import GC_TOKEN, NF, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(sandbox_url):
    with httpx.Client(base_url=sandbox_url, timeout=10) as c:
        yield c


@pytest.fixture
def private(make_sandbox):
    """A client on a private sandbox (for tests that change state or counters)."""
    clients = []

    def factory(**kwargs) -> httpx.Client:
        c = httpx.Client(base_url=make_sandbox(**kwargs), timeout=10)
        clients.append(c)
        return c

    yield factory
    for c in clients:
        c.close()


@pytest.fixture
def gc_headers():
    return {"GoCache-Token": GC_TOKEN}


@pytest.fixture(scope="session")
def ana_token(sandbox_url):
    r = httpx.post(sandbox_url + NF + "/login", params={"login": "ana", "password": "sandbox"})
    assert r.status_code == 201, r.text
    return r.json()["private_token"]


@pytest.fixture(scope="session")
def admin_token(sandbox_url):
    r = httpx.post(sandbox_url + NF + "/login", data={"login": "admin", "password": "sandbox"})
    assert r.status_code == 201, r.text
    return r.json()["private_token"]
