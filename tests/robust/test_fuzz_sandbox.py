"""The sandbox fuzzed through its own packs: no 500 unless the fault mode asked for one.

Two fuzzers, each against a private sandbox (faults off, limits raised) with the demo credentials:

* schemathesis (in the test extras; skipped when it is not installed),
  generating requests from the OpenAPI packs themselves, every operation of every pack;
* a Hypothesis fuzzer of our own that drives every pack endpoint through the app's own request
  builder (the requests the app can actually send), always run.

APIPLAY_FUZZ_EXAMPLES raises the number of examples per operation (default 3 / 250).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from test_properties import _fitting, values
from tui.core.auth import apply_auth
from tui.core.model import ValidationError
from tui.core.packs import load_providers
from tui.core.request import build_request
from tui.sandbox.server import NOOSFERO_PREFIX, SandboxServer

PACKS = Path(__file__).parents[2] / "tui" / "providers"
PREFIX = {"gocache": "/gocache/v1", "noosfero": NOOSFERO_PREFIX, "trackingram": "/trackingram/apiPublic/v1_0"}
PROVIDERS = {p.id: p for p in load_providers()[0]}


@pytest.fixture(scope="module")
def fuzz_target():
    server = SandboxServer(port=0, gocache_limit=10**9, trackingram_limit=10**9)
    origin = server.start()
    token = httpx.post(origin + NOOSFERO_PREFIX + "/login", json={"login": "admin", "password": "sandbox"}).json()["private_token"]
    creds = {
        "gocache": {"token": "sandbox-gocache-token"},
        "noosfero": {"token": token},
        "trackingram": {"email": "demo@trackingram.example", "token": "sandbox-trackingram-token"},
    }
    yield origin, creds
    server.stop()


def _describe(resp) -> str:
    return (f"{resp.request.method} {resp.request.url} -> {resp.status_code} "
            f"{resp.headers.get('X-Apiplay-Exception', '')} {resp.text[:200]!r}")


@pytest.mark.parametrize("pid", ["gocache", "noosfero", "trackingram"])
def test_schemathesis_finds_no_500(pid, fuzz_target):
    schemathesis = pytest.importorskip("schemathesis")
    origin, creds = fuzz_target
    n = int(os.environ.get("APIPLAY_FUZZ_EXAMPLES", "3"))
    provider = PROVIDERS[pid]
    parts = apply_auth(provider, creds[pid], 0)
    headers = dict(parts.headers)
    auth = tuple(parts.basic) if parts.basic else None
    schema = schemathesis.openapi.from_dict(json.loads((PACKS / f"{pid}.json").read_text()))
    base = origin + PREFIX[pid]
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  phases=[Phase.generate])
        def run(case):
            nonlocal calls
            calls += 1
            kwargs = {"auth": auth} if auth else {}
            resp = case.call(base_url=base, headers=headers, timeout=10, **kwargs)
            if resp.status_code >= 500:
                failures.append(f"{operation.label}: {_describe(resp)}")

        run()
    assert calls >= n * len(provider.endpoints) // 2
    assert not failures, "\n".join(failures[:20])


@st.composite
def app_request(draw):
    pid = draw(st.sampled_from(sorted(PROVIDERS)))
    provider = PROVIDERS[pid]
    ep = draw(st.sampled_from(provider.endpoints))
    vals = {}
    for p in ep.params:
        must = p.required or p.location == "path"
        if draw(st.integers(0, 9)) < (9 if must else 3):
            vals[p.name] = draw(_fitting(p) if draw(st.integers(0, 9)) < 8 else values)
    return pid, ep, vals


def test_own_fuzzer_through_the_request_builder_finds_no_500(fuzz_target):
    origin, creds = fuzz_target
    failures: list[str] = []
    sent = 0
    with httpx.Client(timeout=10) as client:

        @given(app_request())
        @settings(max_examples=int(os.environ.get("APIPLAY_FUZZ_EXAMPLES", "250")), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        def run(case):
            nonlocal sent
            pid, ep, vals = case
            provider = PROVIDERS[pid]
            try:
                prepared = build_request(provider, ep, vals, base_url=origin + PREFIX[pid], credentials=creds[pid])
            except ValidationError:
                return
            sent += 1
            resp = client.request(prepared.method, prepared.url, headers=list(prepared.headers),
                                  content=prepared.body, auth=prepared.basic_auth)
            if resp.status_code >= 500:
                failures.append(f"{ep.key}: {_describe(resp)}")

        run()
    assert sent >= 50
    assert not failures, "\n".join(failures[:20])
