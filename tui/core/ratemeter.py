"""A rate meter per provider and credential.

:class:`RateMeter` keeps a sliding window of the times requests were sent, merges what the
server reports (Trackingram's ``count_api`` / ``reset_count_api`` in the body; the standard
``RateLimit-*``, ``X-RateLimit-*`` and ``Retry-After`` headers), notices a rate-limit hit
(``FLOOD_WAIT_12``, GoCache's block) and can refuse, client side, the request that would cross
the limit (GoCache: the 101st in a minute gets the caller blocked without notice).

The clock is injectable (``clock=``) so tests can drive time. :func:`meter_for` gives the one
meter shared across the app for a provider + credential.

No Textual, no I/O.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from tui.core.model import Exchange, Provider, RateLimitSpec
from tui.core import dccache as _dccache

_end_dataclasses = _dccache.install()  # compiled dataclass methods from the cache; ended at the bottom

#: Width of one sparkline bucket, seconds.
BUCKET_S = 5.0


class RateLimited(Exception):
    """Sending now would cross the rate limit, or the server has blocked us.

    ``wait_s``: seconds until a request may go; ``message``: plain English.
    """

    def __init__(self, wait_s: float, message: str):
        self.wait_s = wait_s
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class MeterSnapshot:
    """What the meter knows now; cheap to make, safe to hand to another thread."""

    used: int  # requests counted in the current window (ours or the server's, whichever is higher)
    limit: int | None  # None: no known limit
    window_s: float
    reset_in: float | None  # seconds until the count drops / resets; None when nothing is counted
    blocked_for: float  # seconds left of a block (0: not blocked)
    server_count: int | None  # the server's own count, when it reports one
    server_reset: float | None  # seconds until the server's count resets, as it reported (aged)
    #: requests per 5 s bucket (aligned to the clock) over the window, oldest first (sparkline)
    recent: tuple[int, ...]
    text: str  # "42/120 this minute, resets in 17 s" / "blocked: FLOOD_WAIT, 12 s left"

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


def _window_words(window_s: float) -> str:
    if window_s == 60:
        return "this minute"
    if window_s == 3600:
        return "this hour"
    return f"in {window_s:g} s"


def _secs(x: float) -> str:
    return f"{max(0, math.ceil(x - 1e-9))} s"


def _num(raw: str | None) -> float | None:
    if raw is None:
        return None
    raw = raw.strip().split(",")[0].split(";")[0].strip()
    try:
        return float(raw)
    except ValueError:
        return None


class RateMeter:
    """Sliding-window request meter for one provider + credential (see module doc)."""

    def __init__(self, spec: RateLimitSpec, clock: Callable[[], float] = time.monotonic, *, name: str = ""):
        self.spec = spec
        self.clock = clock
        self.name = name  # the provider's name, for messages
        self._sent: deque[float] = deque()
        self._buckets: dict[int, int] = {}  # int(t // BUCKET_S) -> requests sent in that bucket
        self._lock = threading.Lock()
        self._blocked_until = 0.0
        self._block_label = ""
        self._server_count: int | None = None
        self._server_count_at = 0.0
        self._server_reset_at: float | None = None  # clock time the server's count resets
        self._server_limit: int | None = None
        self._server_remaining: int | None = None

    # -- input ------------------------------------------------------------------------------------

    def record(self) -> None:
        """Count one request as sent now."""
        now = self.clock()
        with self._lock:
            self._sent.append(now)
            b = int(now // BUCKET_S)
            self._buckets[b] = self._buckets.get(b, 0) + 1
            self._prune(now)

    def observe(self, exchange: Exchange | None, data: Any = None, explanation: Any = None) -> None:
        """Merge what an answer says: body counters, standard headers, and rate-limit hits."""
        now = self.clock()
        spec = self.spec
        with self._lock:
            if isinstance(data, dict):
                if spec.count_field:
                    c = data.get(spec.count_field)
                    if isinstance(c, (int, float)) and not isinstance(c, bool):
                        self._server_count = int(c)
                        self._server_count_at = now
                if spec.reset_field:
                    r = data.get(spec.reset_field)
                    if isinstance(r, (int, float)) and not isinstance(r, bool):
                        self._server_reset_at = now + max(0.0, float(r))
            if exchange is not None and spec.standard_headers and exchange.headers:
                self._read_headers(exchange, now)
            if explanation is not None and getattr(explanation, "rate_limited", False):
                wait = explanation.wait_s
                if wait is None:
                    wait = spec.block_s if spec.block_s is not None else self._until_slot(now)
                self._blocked_until = max(self._blocked_until, now + max(0.0, float(wait)))
                label = (explanation.provider_message or "rate limited").strip()
                label = re.sub(r"[_ ]?\d+\s*$", "", label) or label
                self._block_label = label if len(label) <= 40 else label[:37] + "..."
                if spec.limit is not None and self._server_count is None:
                    self._server_count = spec.limit
                    self._server_count_at = now

    def _read_headers(self, exchange: Exchange, now: float) -> None:
        limit = _num(exchange.header("RateLimit-Limit") or exchange.header("X-RateLimit-Limit"))
        remaining = _num(exchange.header("RateLimit-Remaining") or exchange.header("X-RateLimit-Remaining"))
        reset = _num(exchange.header("RateLimit-Reset") or exchange.header("X-RateLimit-Reset"))
        if limit is not None:
            self._server_limit = int(limit)
        if remaining is not None:
            self._server_remaining = int(remaining)
            lim = self._server_limit or self.spec.limit
            if lim is not None:
                self._server_count = max(0, lim - int(remaining))
                self._server_count_at = now
        if reset is not None:
            if reset > 10**9:  # an epoch timestamp
                reset = max(0.0, reset - time.time())
            self._server_reset_at = now + reset
        if exchange.status in (429, 503):
            ra = _num(exchange.header("Retry-After"))
            if ra is not None:
                self._blocked_until = max(self._blocked_until, now + ra)
                self._block_label = self._block_label or f"HTTP {exchange.status}"

    # -- arithmetic -------------------------------------------------------------------------------

    def _prune(self, now: float) -> None:
        edge = now - self.spec.window_s
        sent = self._sent
        buckets = self._buckets
        while sent and sent[0] <= edge:
            b = int(sent.popleft() // BUCKET_S)
            left = buckets.get(b, 1) - 1
            if left > 0:
                buckets[b] = left
            else:
                buckets.pop(b, None)

    def _limit(self) -> int | None:
        return self.spec.limit if self.spec.limit is not None else self._server_limit

    def _server_count_now(self, now: float) -> int | None:
        if self._server_count is None:
            return None
        if self._server_reset_at is not None:
            if now >= self._server_reset_at:
                return None
        elif now - self._server_count_at >= self.spec.window_s:
            return None
        return self._server_count

    def _used(self, now: float) -> int:
        self._prune(now)
        local = len(self._sent)
        server = self._server_count_now(now)
        return max(local, server) if server is not None else local

    def _until_slot(self, now: float) -> float:
        """Seconds until the count drops below the limit (for the window to free one slot)."""
        limit = self._limit()
        self._prune(now)
        waits = []
        if limit is not None and len(self._sent) >= limit:
            idx = len(self._sent) - limit
            waits.append(self._sent[idx] + self.spec.window_s - now)
        server = self._server_count_now(now)
        if limit is not None and server is not None and server >= limit:
            if self._server_reset_at is not None:
                waits.append(self._server_reset_at - now)
            else:
                waits.append(self._server_count_at + self.spec.window_s - now)
        return max([0.0, *waits])

    def _reset_in(self, now: float) -> float | None:
        """When the count shown drops: the server's reset when its count is the one shown,
        else when our oldest request leaves the window."""
        server = self._server_count_now(now)
        if server is not None and server >= len(self._sent):
            if self._server_reset_at is not None:
                return max(0.0, self._server_reset_at - now)
            return max(0.0, self._server_count_at + self.spec.window_s - now)
        if self._sent:
            return max(0.0, self._sent[0] + self.spec.window_s - now)
        return None

    # -- output -----------------------------------------------------------------------------------

    def wait_needed(self) -> float:
        """Seconds to wait before the next request may go without being blocked or crossing the limit."""
        now = self.clock()
        with self._lock:
            return max(0.0, self._blocked_until - now, self._until_slot(now))

    def check(self, force: bool = False) -> None:
        """Raise :class:`RateLimited` when blocked, or when the guard is on and the next request
        would cross the limit. ``force=True`` skips both checks (the user insists)."""
        if force:
            return
        now = self.clock()
        with self._lock:
            blocked = self._blocked_until - now
            if blocked > 0:
                raise RateLimited(blocked, f"blocked: {self._block_label or 'rate limited'}, {_secs(blocked)} left")
            limit = self._limit()
            if self.spec.guard and limit is not None:
                used = self._used(now)
                if used + 1 > limit:
                    wait = self._until_slot(now)
                    who = self.name or "this provider"
                    raise RateLimited(
                        wait,
                        f"the next request would be number {used + 1} {_window_words(self.spec.window_s)}; "
                        f"{who} allows {limit} and may block callers that go over. "
                        f"Wait {_secs(wait)} or force it.",
                    )

    def snapshot(self) -> MeterSnapshot:
        """The meter's state now (see :class:`MeterSnapshot`)."""
        now = self.clock()
        with self._lock:
            used = self._used(now)
            limit = self._limit()
            reset_in = self._reset_in(now)
            blocked = max(0.0, self._blocked_until - now)
            server = self._server_count_now(now)
            server_reset = (
                max(0.0, self._server_reset_at - now) if self._server_reset_at is not None and server is not None else None
            )
            window = self.spec.window_s
            nb = max(1, math.ceil(window / BUCKET_S))
            last = int(now // BUCKET_S)
            get = self._buckets.get
            buckets = [get(b, 0) for b in range(last - nb + 1, last + 1)]
            label = self._block_label
        if blocked > 0:
            text = f"blocked: {label or 'rate limited'}, {_secs(blocked)} left"
        else:
            count = f"{used}/{limit}" if limit is not None else f"{used}"
            text = f"{count} {_window_words(window)}"
            if reset_in is not None and used:
                text += f", resets in {_secs(reset_in)}"
        return MeterSnapshot(
            used=used, limit=limit, window_s=window, reset_in=reset_in, blocked_for=blocked,
            server_count=server, server_reset=server_reset, recent=tuple(buckets), text=text,
        )

    def reset(self) -> None:
        """Forget everything (tests, or a new credential)."""
        with self._lock:
            self._sent.clear()
            self._buckets.clear()
            self._blocked_until = 0.0
            self._block_label = ""
            self._server_count = None
            self._server_reset_at = None
            self._server_limit = self._server_remaining = None


_registry: dict[tuple[str, str], RateMeter] = {}
_registry_lock = threading.Lock()


def credential_key(target: str, base_url: str, credentials: Mapping[str, Any] | None) -> str:
    """A stable identifier of a credential for the rate meter registry (a hash, never the secret).

    Here, not in tui.core.client: the TUI's rate meter asks for its meter at the first frame, before
    any client is made, and importing the client (auth, errors, paging, the request builder) then
    cost about 10 ms of start-up."""
    items = sorted((k, str(v)) for k, v in (credentials or {}).items() if v and k != "password")
    digest = hashlib.sha256(repr(items).encode("utf-8")).hexdigest()[:16]
    return f"{target}|{base_url}|{digest}"


def meter_for(provider: Provider, credential_key: str = "") -> RateMeter:
    """The one meter for `provider` + `credential_key`, created on first use and shared app-wide.

    When the provider's limit is per client (``scope == "client"``) the key is ignored.
    `credential_key` should identify the credential without containing it (a hash; see
    :func:`credential_key`).
    """
    key = (provider.id, "" if provider.rate_limit.scope == "client" else credential_key)
    with _registry_lock:
        meter = _registry.get(key)
        if meter is None:
            meter = _registry[key] = RateMeter(provider.rate_limit, name=provider.name)
        elif meter.spec != provider.rate_limit:  # the pack was reloaded with other limits
            meter.spec = provider.rate_limit
        return meter


def clear_meters() -> None:
    """Drop every shared meter (tests)."""
    with _registry_lock:
        _registry.clear()


_end_dataclasses()
