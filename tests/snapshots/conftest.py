"""Fixtures for the SVG snapshot tests.

The sandbox's URL is on screen (target bar, request preview), so every snapshot runs against a fresh
sandbox on one fixed port. A file lock serialises the snapshot tests across pytest-xdist workers so
they never fight over that port. Timings are frozen (APIPLAY_FREEZE_TIMINGS=1), and the rate meters
are fresh and see a stopped clock, so every run draws the same picture.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

#: The sandbox port shown in the snapshots.
SNAPSHOT_PORT = 47865
#: The terminal size of every snapshot.
SIZE = (140, 42)


@pytest.fixture
def snapshot_sandbox(monkeypatch):
    """Origin of a fresh sandbox on SNAPSHOT_PORT, held exclusively for the test."""
    from tui.commands.screenshot import frozen_meters
    from tui.sandbox.server import SandboxServer

    monkeypatch.setenv("APIPLAY_FREEZE_TIMINGS", "1")
    lock_path = Path(tempfile.gettempdir()) / f"apiplay-snapshots-{SNAPSHOT_PORT}.lock"
    with open(lock_path, "w") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - not on POSIX: run the snapshot tests without -n
            pass
        server = SandboxServer(port=SNAPSHOT_PORT)
        try:
            origin = server.start()
        except OSError as exc:
            pytest.fail(f"the snapshot sandbox needs 127.0.0.1:{SNAPSHOT_PORT} free ({exc})")
        try:
            with frozen_meters():
                yield origin
        finally:
            server.stop()
