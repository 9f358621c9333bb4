"""`apiplay sandbox` in the foreground: prints URLs and credentials, serves, stops cleanly on Ctrl+C."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx

from sandbox_helpers import GC, TR, TR_AUTH


def _start(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "tui", "sandbox", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _read_until(proc: subprocess.Popen, pattern: str, timeout: float = 60.0) -> tuple[str, re.Match]:
    """Read the child's stdout (in a thread: a buffered pipe and select() do not mix) until `pattern`."""
    lines = getattr(proc, "_lines", None)
    if lines is None:
        lines = proc._lines = queue.Queue()  # type: ignore[attr-defined]

        def pump() -> None:
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if line is None:
            break
        seen += line
        m = re.search(pattern, seen)
        if m:
            return seen, m
    if proc.poll() is None:
        proc.kill()  # before reading stderr, which would otherwise wait for the process to end
    raise AssertionError(f"never printed {pattern!r}; got:\n{seen}\nstderr:\n{proc.stderr.read()}")


def test_foreground_command_serves_and_stops_on_sigint():
    proc = _start("--port", "0", "--trackingram-limit", "2", "--quiet")
    try:
        out, m = _read_until(proc, r"Press Ctrl\+C")
        port = int(re.search(r"listening on http://127\.0\.0\.1:(\d+)", out).group(1))
        assert port != 0
        origin = f"http://127.0.0.1:{port}"
        for url in (origin + "/gocache/v1", origin + "/noosfero/api/v1", origin + "/trackingram/apiPublic/v1_0"):
            assert url in out
        for secret in ("sandbox-gocache-token", "sandbox-gocache-readonly", "ana / sandbox", "admin / sandbox",
                       "demo@trackingram.example", "sandbox-trackingram-token", "noapi@trackingram.example",
                       "disabled@trackingram.example"):
            assert secret in out, secret
        with httpx.Client(base_url=origin) as c:
            r = c.get(TR + "/trackerGps", params={"limit": 50, "skip": 50}, auth=TR_AUTH)
            assert len(r.json()["data"]) == 30 and r.json()["has_more"] is False
            c.get(TR + "/trackerGps", auth=TR_AUTH)
            assert c.get(TR + "/trackerGps", auth=TR_AUTH).json()["message"].startswith("FLOOD_WAIT_")
            assert c.get(GC + "/domain").status_code == 401
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=10)
        stderr = proc.stderr.read()
        assert rc == 0, stderr
        assert "Traceback" not in stderr
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_port_in_use_is_a_clear_message_and_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "tui", "sandbox", "--port", str(port)],
                              capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert f"port {port}" in proc.stderr and "already in use" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_documents_faults_and_limits():
    proc = subprocess.run([sys.executable, "-m", "tui", "sandbox", "--help"], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0
    for word in ("--faults", "every 7th", "X-Apiplay-Fault", "--gocache-limit", "--trackingram-limit",
                 "truncated", "FLOOD_WAIT"):
        assert word in proc.stdout, word


def test_bad_limit_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "tui", "sandbox", "--gocache-limit", "0"], capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 2 and "gocache-limit" in proc.stderr and "Traceback" not in proc.stderr


def test_stops_on_sigint_even_if_started_with_it_ignored_and_on_sigterm():
    # `apiplay sandbox &` in a script starts it with SIGINT ignored; Ctrl+C (or kill -INT) must still work
    for sig in (signal.SIGINT, signal.SIGTERM):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "tui", "sandbox", "--port", "0", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
        try:
            _read_until(proc, r"Press Ctrl\+C")
            proc.send_signal(sig)
            assert proc.wait(timeout=10) == 0
            assert "Traceback" not in proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
