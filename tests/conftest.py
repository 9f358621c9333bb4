"""Shared fixtures. Every test runs with its own config and data dirs, never the user's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    cfg = tmp_path / "config"
    data = tmp_path / "data"
    monkeypatch.setenv("APIPLAY_CONFIG_DIR", str(cfg))
    monkeypatch.setenv("APIPLAY_DATA_DIR", str(data))
    monkeypatch.setenv("APIPLAY_CACHE_DIR", str(tmp_path / "cache"))
    for var in (
        "APIPLAY_GOCACHE_TOKEN", "APIPLAY_NOOSFERO_TOKEN", "APIPLAY_NOOSFERO_LOGIN",
        "APIPLAY_NOOSFERO_PASSWORD", "APIPLAY_TRACKINGRAM_EMAIL", "APIPLAY_TRACKINGRAM_TOKEN",
        "APIPLAY_GOCACHE_URL", "APIPLAY_NOOSFERO_URL", "APIPLAY_TRACKINGRAM_URL", "APIPLAY_TARGET",
        "APIPLAY_THEME",
    ):
        monkeypatch.delenv(var, raising=False)
    yield


@pytest.fixture(scope="session", autouse=True)
def _collector_running():
    """Importing tui.app pauses the cyclic collector until an app's first paint (a start-up saving).
    A test process that imported it, possibly only to collect tests, must not run all its tests
    with the collector off: end that pause (the tests of the pause itself run in fresh processes)."""
    import sys

    app = sys.modules.get("tui.app")
    if app is not None:
        app._end_startup_pause()
    yield


@pytest.fixture(scope="session")
def sandbox_url():
    """Origin (http://127.0.0.1:PORT) of one sandbox shared by a whole test worker.

    Its rate limits are raised so that unrelated tests sharing it never trip them; tests of the limits
    themselves use `make_sandbox()` (documented limits by default) or pass small limits to it.
    """
    from tui.sandbox.server import SandboxServer

    server = SandboxServer(port=0, gocache_limit=1_000_000, trackingram_limit=1_000_000)
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def make_sandbox():
    """Factory for a private sandbox (e.g. small limits): make_sandbox(trackingram_limit=3) -> origin."""
    from tui.sandbox.server import SandboxServer

    servers = []

    def factory(**kwargs):
        server = SandboxServer(port=0, **kwargs)
        servers.append(server)
        return server.start()

    yield factory
    for server in servers:
        server.stop()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "timing: compares wall-clock times (noisy on a loaded machine); runs only with APIPLAY_TIMING_TESTS=1. "
        "The budgets themselves are measured by bench/run.py.",
    )


def pytest_collection_modifyitems(config, items):
    import os

    if os.environ.get("APIPLAY_TIMING_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="timing comparison: set APIPLAY_TIMING_TESTS=1 (budgets are in bench/)")
    for item in items:
        if "timing" in item.keywords:
            item.add_marker(skip)
