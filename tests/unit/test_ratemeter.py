"""Rate-meter arithmetic with an injected clock."""

from __future__ import annotations

import pytest

from tui.core.errors import explain
from tui.core.model import Exchange, PreparedRequest, Provider, RateLimitSpec
from tui.core.packs import builtin_provider
from tui.core.ratemeter import RateLimited, RateMeter, clear_meters, meter_for


class Clock:
    def __init__(self, t: float = 1000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def tick(self, s: float) -> None:
        self.t += s


def ex(status=200, headers=()) -> Exchange:
    return Exchange(PreparedRequest("p", "GET /x", "GET", "http://127.0.0.1/x"), status=status, headers=tuple(headers))


GOCACHE = RateLimitSpec(limit=100, window_s=60, guard=True, block_s=60, hit_status=403,
                        hit_pattern=r".*blocked for (\d+) s.*", standard_headers=False)
TRACKINGRAM = RateLimitSpec(limit=120, window_s=60, count_field="count_api", reset_field="reset_count_api",
                            hit_status=400, hit_pattern=r"FLOOD_WAIT_(\d+)", standard_headers=False)


def test_sliding_window_counts_and_text():
    clock = Clock()
    m = RateMeter(TRACKINGRAM, clock)
    for _ in range(42):
        m.record()
        clock.tick(1)
    snap = m.snapshot()
    assert snap.used == 42 and snap.limit == 120 and snap.remaining == 78
    # the oldest was sent 42 s ago: it leaves the window in 18 s
    assert snap.reset_in == pytest.approx(18)
    assert snap.text == "42/120 this minute, resets in 18 s"
    clock.tick(18.5)  # the first request (sent at t=0) has left the window
    assert m.snapshot().used == 41
    clock.tick(60)
    snap = m.snapshot()
    assert snap.used == 0 and snap.text == "0/120 this minute"


def test_recent_buckets_for_sparkline():
    clock = Clock()
    m = RateMeter(TRACKINGRAM, clock)
    m.record()
    m.record()
    clock.tick(30)
    m.record()
    clock.tick(1)
    snap = m.snapshot()
    assert len(snap.recent) == 12 and sum(snap.recent) == 3
    assert snap.recent[-1] == 1  # 1 s ago: the newest bucket
    assert snap.recent[5] == 2  # 31 s ago: window start is 60 s ago -> bucket (60-31)//5 = 5


def test_gocache_guard_refuses_the_101st_unless_forced():
    clock = Clock()
    m = RateMeter(GOCACHE, clock, name="GoCache")
    for i in range(100):
        m.check()
        m.record()
        clock.tick(0.1)
    with pytest.raises(RateLimited) as info:
        m.check()
    assert "101" in info.value.message and "GoCache allows 100" in info.value.message
    # the first request was sent 10 s ago: a slot frees in 50 s
    assert info.value.wait_s == pytest.approx(50)
    assert m.wait_needed() == pytest.approx(50)
    m.check(force=True)  # no raise
    clock.tick(50.01)
    m.check()
    assert m.wait_needed() == 0


def test_no_guard_means_no_refusal_but_wait_needed():
    clock = Clock()
    m = RateMeter(TRACKINGRAM, clock)
    for _ in range(120):
        m.record()
    m.check()  # Trackingram has no client-side guard
    assert m.wait_needed() == pytest.approx(60)


def test_server_counters_merge():
    clock = Clock()
    m = RateMeter(TRACKINGRAM, clock)
    m.record()
    m.observe(ex(), {"count_api": 57, "reset_count_api": 45}, None)
    snap = m.snapshot()
    assert snap.used == 57 and snap.server_count == 57 and snap.server_reset == pytest.approx(45)
    assert snap.text == "57/120 this minute, resets in 45 s"
    clock.tick(46)  # the server's count has reset; only our own request remains
    snap = m.snapshot()
    assert snap.used == 1 and snap.server_count is None


def test_server_count_at_limit_needs_wait():
    clock = Clock()
    m = RateMeter(TRACKINGRAM, clock)
    m.observe(ex(), {"count_api": 120, "reset_count_api": 9}, None)
    assert m.wait_needed() == pytest.approx(9)


def test_flood_wait_blocks_for_captured_seconds():
    clock = Clock()
    p = builtin_provider("trackingram")
    m = RateMeter(p.rate_limit, clock)
    body = {"code": 400, "message": "FLOOD_WAIT_12"}
    exch = ex(400)
    m.observe(exch, body, explain(p, None, exch, body))
    snap = m.snapshot()
    assert snap.blocked_for == pytest.approx(12) and snap.text == "blocked: FLOOD_WAIT, 12 s left"
    with pytest.raises(RateLimited, match="FLOOD_WAIT"):
        m.check()
    clock.tick(12.5)
    m.check()
    assert m.snapshot().blocked_for == 0


def test_gocache_block_without_seconds_uses_block_s():
    clock = Clock()
    spec = RateLimitSpec(limit=100, guard=True, block_s=60, hit_status=403, hit_pattern="blocked")
    p = Provider("g", "G", rate_limit=spec)
    m = RateMeter(spec, clock)
    body = {"error": "You are blocked"}
    m.observe(ex(403), body, explain(p, None, ex(403), body))
    assert m.wait_needed() == pytest.approx(60)


def test_standard_headers():
    clock = Clock()
    spec = RateLimitSpec(limit=None, window_s=60, standard_headers=True)
    m = RateMeter(spec, clock)
    m.observe(ex(200, [("X-RateLimit-Limit", "50"), ("X-RateLimit-Remaining", "8"), ("X-RateLimit-Reset", "20")]))
    snap = m.snapshot()
    assert snap.limit == 50 and snap.used == 42 and snap.reset_in == pytest.approx(20)
    m.observe(ex(429, [("Retry-After", "30")]))
    assert m.snapshot().blocked_for == pytest.approx(30)
    off = RateMeter(RateLimitSpec(standard_headers=False), clock)
    off.observe(ex(429, [("Retry-After", "30"), ("RateLimit-Limit", "5")]))
    assert off.snapshot().limit is None and off.snapshot().blocked_for == 0


def test_unknown_limit_text():
    m = RateMeter(RateLimitSpec(), Clock())
    m.record()
    assert m.snapshot().text.startswith("1 this minute")


def test_registry_shares_per_provider_and_credential():
    clear_meters()
    p = builtin_provider("gocache")
    a = meter_for(p, "k1")
    assert meter_for(p, "k1") is a and meter_for(p, "k2") is not a
    client_scoped = Provider("c", "C", rate_limit=RateLimitSpec(limit=5, scope="client"))
    assert meter_for(client_scoped, "k1") is meter_for(client_scoped, "k2")
    clear_meters()
    assert meter_for(p, "k1") is not a
