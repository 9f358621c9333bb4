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
