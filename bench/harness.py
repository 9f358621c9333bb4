"""Measuring helpers for bench/run.py: painted-frame probe, key injection, memory, sandbox process.

"Painted" here means: Textual's compositor rendered the update (every changed line's `render_line`
ran) and the update was serialised to the terminal byte string a real terminal would receive
(``CompositorUpdate.render_segments``), which the headless driver would otherwise skip. The
probe wraps ``App._display`` (the single place a frame leaves Textual) to do that serialisation
and to timestamp each frame.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


# ------------------------------------------------------------------------------------------ memory


def _status(field: str) -> int:
    """A /proc/self/status field in bytes (VmRSS, VmHWM)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def rss() -> int:
    return _status("VmRSS")


def peak_rss() -> int:
    return _status("VmHWM")


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


# ------------------------------------------------------------------------------------------ frames


class FrameProbe:
    """Timestamps painted frames and lets a coroutine wait for the first frame where a condition holds.

    The condition is evaluated right after a frame was rendered and serialised, so when it holds,
    that frame was made from the state the condition looked at (Textual renders and displays a
    frame synchronously: nothing can change the widgets in between).
    """

    def __init__(self, app) -> None:
        self.app = app
        self.frames = 0
        self.last_frame = 0.0
        self.bytes_out = 0
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future]] = []
        original = app._display

        def display(screen, renderable) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            try:
                text = renderable.render_segments(app.console)
                self.bytes_out += len(text)
            except Exception:  # noqa: BLE001 - a frame type without render_segments
                pass
            self.frames += 1
            now = time.perf_counter()
            self.last_frame = now
            for item in list(self._waiters):
                predicate, future = item
                if future.done():
                    self._waiters.remove(item)
                    continue
                try:
                    ok = predicate()
                except Exception:  # noqa: BLE001 - a widget not there yet
                    ok = False
                if ok:
                    future.set_result(now)
                    self._waiters.remove(item)

        app._display = display

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 60.0,
                       nudge: bool = False) -> float:
        """perf_counter() time of the first frame painted while `predicate()` is true.

        `nudge` asks for a repaint (for a condition that may already hold on a still screen).
        Never nudge while timing: the extra frame would take the slot of Textual's frame timer
        (at most 60 frames a second) and delay the frame being measured.
        """
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        if nudge:
            try:
                self.app.screen.refresh()
            except Exception:  # noqa: BLE001
                pass
        return await asyncio.wait_for(future, timeout)


def press(app, key: str) -> float:
    """Post a key press to the app as its driver would; returns the perf_counter() time of the press."""
    from textual import events

    char = key if len(key) == 1 else {"space": " "}.get(key)
    event = events.Key(key, char)
    event.set_sender(app)
    t0 = time.perf_counter()
    app._driver.send_message(event)
    return t0


async def idle(seconds: float = 0.03) -> None:
    """Let the app settle (not part of any timing)."""
    await asyncio.sleep(seconds)


# ------------------------------------------------------------------------------------------ sandbox


class SandboxProcess:
    """A sandbox in its own process (so the server's work does not share the measured process' GIL)."""

    def __init__(self, **kwargs: Any) -> None:
        code = (
            "import sys, json\n"
            "from tui.sandbox.server import SandboxServer\n"
            f"s = SandboxServer(port=0, **json.loads({json.dumps(json.dumps(kwargs))}))\n"
            "print(s.start(), flush=True)\n"
            "sys.stdin.read()\n"
            "s.stop()\n"
        )
        self.proc = subprocess.Popen([PYTHON, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=ROOT)
        self.origin = (self.proc.stdout.readline() or "").strip()
        if not self.origin.startswith("http"):
            self.close()
            raise RuntimeError("the sandbox process did not start")

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except Exception:  # noqa: BLE001
                self.proc.kill()

    def __enter__(self) -> "SandboxProcess":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


# ------------------------------------------------------------------------------------------ children


def run_child(name: str, *args: str, timeout: float = 300) -> dict:
    """Run `python bench/run.py --child NAME ARGS...` and return the JSON object it prints last."""
    cmd = [PYTHON, str(ROOT / "bench" / "run.py"), "--child", name, *args]
    env = dict(os.environ)
    env.setdefault("TEXTUAL_ANIMATIONS", "none")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-12:]
        raise RuntimeError(f"bench child {name} failed:\n" + "\n".join(tail))
    return json.loads(lines[-1])


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
