"""Rate limiters of the simulators. Both take an injectable clock so tests can move time.

GoCache (seed G5, sandbox choice): per token, a *sliding* 60 s window; the request that would be
the (limit+1)-th inside the window is refused and the token is then blocked for `block_s` seconds
counted from that hit. While blocked every request is refused. No rate-limit headers are sent.

Trackingram (seed T5): per account, a *fixed* window that starts at the first call after the
previous window ended (the docs only say "120 a minute" and that `reset_count_api` counts down
to the reset, which a fixed window explains best). Every call, refused ones too, adds to
`count_api`; a call over the limit is refused with `FLOOD_WAIT_<seconds left>`.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable

Clock = Callable[[], float]


def _ceil_s(seconds: float) -> int:
    return max(1, int(math.ceil(seconds - 1e-9)))


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_s: float = 60.0, block_s: float = 60.0,
                 clock: Clock = time.monotonic) -> None:
        self.limit = int(limit)
        self.window_s = float(window_s)
        self.block_s = float(block_s)
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int | None:
        """Count one request; None when allowed, else the whole seconds the key stays blocked (>= 1)."""
        with self._lock:
            now = self.clock()
            until = self._blocked_until.get(key)
            if until is not None:
                if now < until:
                    return _ceil_s(until - now)
                del self._blocked_until[key]
                self._hits.pop(key, None)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                self._blocked_until[key] = now + self.block_s
                hits.clear()
                return _ceil_s(self.block_s)
            hits.append(now)
            return None

    def count(self, key: str) -> int:
        with self._lock:
            now = self.clock()
            hits = self._hits.get(key, ())
            return sum(1 for t in hits if t > now - self.window_s)


@dataclass
class WindowState:
    count: int  # calls counted in the current window, this one included
    reset_s: int  # whole seconds until the count resets (>= 1 while a window is open)
    exceeded: bool  # this call is over the limit


class FixedWindowCounter:
    def __init__(self, limit: int, window_s: float = 60.0, clock: Clock = time.monotonic) -> None:
        self.limit = int(limit)
        self.window_s = float(window_s)
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> WindowState:
        with self._lock:
            now = self.clock()
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window_s:
                start, count = now, 0
            count += 1
            self._windows[key] = (start, count)
            return WindowState(count, _ceil_s(start + self.window_s - now), count > self.limit)

    def peek(self, key: str) -> WindowState:
        """The current state without counting a call (count 0 when no window is open)."""
        with self._lock:
            now = self.clock()
            start, count = self._windows.get(key, (now, 0))
            if count == 0 or now - start >= self.window_s:
                return WindowState(0, 0, False)
            return WindowState(count, _ceil_s(start + self.window_s - now), count > self.limit)
