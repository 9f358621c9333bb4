"""Fixtures for the robustness tests: a request-recording local server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from helpers import Recorder  # noqa: E402


@pytest.fixture
def recorder():
    """A local server that records every request and answers 200 {"ok": true}."""
    with Recorder() as rec:
        yield rec


@pytest.fixture(scope="module")
def roomy_sandbox():
    """A private sandbox with the rate limits raised (origin), so many faults fit in a minute."""
    from tui.sandbox.server import SandboxServer

    server = SandboxServer(port=0, gocache_limit=1_000_000, trackingram_limit=1_000_000)
    url = server.start()
    yield url
    server.stop()
