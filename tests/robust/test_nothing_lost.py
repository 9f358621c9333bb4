"""Nothing lost: settings (state.toml), saved requests and history survive a real SIGKILL mid-write.

A child process rewrites the file in a loop, printing each version it finished; the parent kills
it (SIGKILL) at varying moments and checks that what is on disk is whole: the last finished
version or the one in flight, never a mix, never unreadable.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHILD = r'''
import os, sys, time
mode = sys.argv[1]
big = "x" * int(sys.argv[2])
if mode == "settings":
    from tui.core.settings import save_settings
    i = 0
    while True:
        i += 1
        save_settings({"theme": f"v{i}", "providers": {"noosfero": {"variables": {"instance": f"{i}-{big}"}}}})
        print(i, flush=True)
elif mode == "saved":
    from tui.core.saved import save
    i = 0
    while True:
        i += 1
        save("kill-test", "gocache", "GET", "/domain/{domain}", values={"domain": f"v{i}.{big}"})
        print(i, flush=True)
elif mode == "history":
    from tui.core.history import History
    from tui.core.model import Exchange, PreparedRequest
    h = History.from_settings(type("S", (), {"history_size": 100000, "history_body_cap": 10**7})())
    i = 0
    while True:
        i += 1
        req = PreparedRequest("gocache", "GET /domain", "GET", f"http://127.0.0.1:9/domain?v={i}")
        h.add(Exchange(req, status=200, reason="OK", body=(f'{{"v": {i}, "pad": "' + big + '"}').encode()),
              provider_id="gocache")
        print(i, flush=True)
'''


def _run_and_kill(mode: str, size: int, delay: float) -> int:
    """Start the writer, let it finish a couple of versions, SIGKILL it after `delay`; the last version it reported."""
    # Unbuffered: a buffered readline() reads ahead, and the versions it swallowed would be lost to
    # communicate(), which reads the pipe itself (the writer would look as if it wrote more than it said).
    proc = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(size)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=os.environ.copy(), bufsize=0)
    try:
        first = proc.stdout.readline().decode()  # one version is on disk before the kill
        assert first.strip(), proc.stderr.read().decode()
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    done = [int(x) for x in (first + out.decode()).split()]
    return done[-1]


DELAYS = [0.0, 0.013, 0.037, 0.08, 0.15]


@pytest.mark.parametrize("delay", DELAYS)
def test_settings_survive_sigkill(delay):
    from tui.core.paths import state_file
    from tui.core.settings import load_settings

    last = _run_and_kill("settings", 300_000, delay)
    settings, warnings = load_settings()
    assert not warnings, warnings
    version = int(settings.theme[1:])
    assert version in (last, last + 1), (version, last)
    assert settings.provider("noosfero").variables["instance"].startswith(f"{version}-")
    assert state_file().stat().st_size > 300_000


@pytest.mark.parametrize("delay", DELAYS)
def test_saved_request_survives_sigkill(delay):
    from tui.core.saved import list_saved, load

    last = _run_and_kill("saved", 300_000, delay)
    saved = load("kill-test")
    version = int(saved.values["domain"].split(".")[0][1:])
    assert version in (last, last + 1), (version, last)
    assert len(saved.values["domain"]) > 300_000
    assert [s.name for s in list_saved()] == ["kill-test"]


@pytest.mark.parametrize("delay", DELAYS)
def test_history_survives_sigkill(delay):
    from tui.core.history import History
    from tui.core.paths import history_file

    last = _run_and_kill("history", 200_000, delay)
    path = history_file()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    h = History(path)
    try:
        n = h.count()
        assert n in (last, last + 1), (n, last)
        newest = h.list(limit=1)[0]
        full = h.get(newest.id)
        assert full is not None and f"v={n}" in full.url
        assert full.body.startswith(b'{"v": %d' % n) and len(full.body) > 200_000
    finally:
        h.close()
