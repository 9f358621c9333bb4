"""Paging: PageInfo from answers, first/next/prev values, the all-pages iterator."""

from __future__ import annotations

import asyncio
import time

import pytest

from tui.core.client import Result
from tui.core.errors import explain
from tui.core.model import Endpoint, Exchange, PagingSpec, Param, PreparedRequest, Provider, RateLimitSpec
from tui.core.paging import (
    combine, first_values, iter_pages, next_values, page_info, parse_link_header, prev_values,
)
from tui.core.ratemeter import RateMeter

PAGE = Endpoint("GET", "/communities", params=(Param("page", "query", "integer"), Param("per_page", "query", "integer")),
                paging=PagingSpec("page", default_size=20, max_size=50))
OFFSET = Endpoint("GET", "/trackerGps", params=(Param("limit", "query", "integer"), Param("skip", "query", "integer")),
                  paging=PagingSpec("offset", size_param="limit", offset_param="skip", default_size=50,
                                    more_field="has_more", items_field="data"))


def ex(status=200, headers=()) -> Exchange:
    return Exchange(PreparedRequest("p", "GET /x", "GET", "http://127.0.0.1/x"), status=status, headers=tuple(headers))


LINK = ('<http://h/api/v1/communities?page=1&per_page=20>; rel="first", '
        '<http://h/api/v1/communities?page=2&per_page=20>; rel="prev", '
        '<http://h/api/v1/communities?page=4&per_page=20>; rel="next", '
        '<http://h/api/v1/communities?page=21&per_page=20>; rel="last"')


def test_parse_link_header():
    links = parse_link_header(LINK)
    assert set(links) == {"first", "prev", "next", "last"} and links["last"].endswith("page=21&per_page=20")
    assert parse_link_header(None) == {} and parse_link_header("garbage") == {}


def test_page_info_from_noosfero_headers():
    info = page_info(PAGE, {"page": 3}, ex(headers=[("Total", "412"), ("Per-Page", "20"), ("Link", LINK)]), [{}] * 20)
    assert (info.page, info.per_page, info.total, info.last_page) == (3, 20, 412, 21)
    assert info.has_next and info.has_prev and info.items_count == 20
    assert info.position == "page 3 of 21 · per_page 20 · Total 412 · 20 items"


def test_page_info_last_page_from_total_and_clamped_size():
    # asked for 100 but the server clamped to 50 (Per-Page says so)
    info = page_info(PAGE, {"page": 9, "per_page": 100}, ex(headers=[("Total", "412"), ("Per-Page", "50")]), [{}] * 12)
    assert info.per_page == 50 and info.last_page == 9 and not info.has_next and info.has_prev


def test_page_info_without_headers_guesses_from_a_full_page():
    assert page_info(PAGE, {}, ex(), [{}] * 20).has_next
    info = page_info(PAGE, {}, ex(), [{}] * 3)
    assert not info.has_next and info.page == 1 and not info.has_prev


def test_page_info_offset_style():
    body = {"object": "list", "data": [{}] * 50, "has_more": True, "count_api": 1, "reset_count_api": 59}
    info = page_info(OFFSET, {"limit": 50, "skip": 0}, ex(), body)
    assert info.has_more and info.has_next and not info.has_prev and info.items_count == 50
    assert info.position == "skip 0 · limit 50 · has_more · 50 items"
    info = page_info(OFFSET, {"limit": 50, "skip": 50}, ex(), {**body, "data": [{}] * 30, "has_more": False})
    assert not info.has_next and info.has_prev and info.position == "skip 50 · limit 50 · no more · 30 items"


def test_not_paged():
    assert page_info(Endpoint("GET", "/x"), {}, ex(), {}) is None


def test_first_next_prev_values():
    assert next_values(PAGE, {"per_page": 10}) == {"per_page": 10, "page": 2}
    assert next_values(PAGE, {"page": 4}) == {"page": 5}
    assert prev_values(PAGE, {"page": 4}) == {"page": 3}
    assert prev_values(PAGE, {"page": 1}) == {"page": 1}
    assert first_values(PAGE, {"page": 7, "order": "x"}) == {"page": 1, "order": "x"}
    assert next_values(OFFSET, {"limit": 50}) == {"limit": 50, "skip": 50}
    assert next_values(OFFSET, {"skip": 50, "limit": 25}) == {"skip": 75, "limit": 25}
    assert next_values(OFFSET, {}) == {"skip": 50}  # the default size
    assert prev_values(OFFSET, {"skip": 30, "limit": 50}) == {"skip": 0, "limit": 50}
    assert first_values(OFFSET, {"skip": 30}) == {"skip": 0}


# ---- iter_pages with a fake client over 80 items -------------------------------------------------------

class FakeClient:
    """Answers like Trackingram over `n` items; can answer one FLOOD_WAIT."""

    def __init__(self, n=80, spec=RateLimitSpec(), flood_on=None, fail_on=None):
        self.items = [{"imei": str(i)} for i in range(n)]
        self.meter = RateMeter(spec)
        self.sent: list[dict] = []
        self.flood_on = flood_on
        self.fail_on = fail_on
        self.provider = Provider("t", "T", rate_limit=RateLimitSpec(hit_status=400, hit_pattern=r"FLOOD_WAIT_(\d+)"))

    async def send(self, endpoint, values, *, headers=(), force=False):
        self.meter.check(force)
        self.meter.record()
        self.sent.append(dict(values))
        skip, limit = values.get("skip", 0), values.get("limit", 50)
        n = len(self.sent)
        status = 200
        if n == self.flood_on:
            status, body = 400, {"code": 400, "message": "FLOOD_WAIT_0"}
        elif n == self.fail_on:
            status, body = 400, {"code": 400, "message": "GENERIC ERROR"}
        else:
            body = {"object": "list", "data": self.items[skip:skip + limit], "has_more": skip + limit < len(self.items)}
        exch = Exchange(PreparedRequest("t", endpoint.key, "GET", "http://127.0.0.1/x", values=dict(values)), status=status)
        exp = explain(self.provider, endpoint, exch, body)
        self.meter.observe(exch, body, exp)
        return Result(exch, body, exp, page_info(endpoint, values, exch, body), self.meter.snapshot())


async def test_iter_pages_walks_to_the_end():
    client = FakeClient()
    results = [r async for r in iter_pages(client, OFFSET, {"limit": 50})]
    assert [len(r.data["data"]) for r in results] == [50, 30]
    assert [r.data["has_more"] for r in results] == [True, False]
    assert client.sent == [{"limit": 50}, {"limit": 50, "skip": 50}]
    assert len(combine(results)) == 80 and combine(results)[79] == {"imei": "79"}


async def test_iter_pages_max_pages():
    client = FakeClient()
    results = [r async for r in iter_pages(client, OFFSET, {"limit": 10}, max_pages=3)]
    assert len(results) == 3 and combine(results)[-1] == {"imei": "29"}


async def test_iter_pages_waits_for_the_window():
    client = FakeClient(spec=RateLimitSpec(limit=2, window_s=0.3))
    waits: list[float] = []
    t0 = time.monotonic()
    results = [r async for r in iter_pages(client, OFFSET, {"limit": 20}, on_wait=waits.append)]
    assert len(results) == 4 and len(combine(results)) == 80
    assert len(waits) >= 1 and all(0 < w <= 0.3 for w in waits)
    assert time.monotonic() - t0 >= 0.25


async def test_iter_pages_async_on_wait_and_retry_after_flood():
    client = FakeClient(flood_on=2)
    seen = []

    async def on_wait(s):
        seen.append(s)

    results = [r async for r in iter_pages(client, OFFSET, {"limit": 50}, on_wait=on_wait)]
    assert len(results) == 2 and all(r.ok for r in results)  # the FLOOD_WAIT answer was retried, not yielded
    assert len(client.sent) == 3 and client.sent[1] == client.sent[2]


async def test_iter_pages_stops_on_error():
    client = FakeClient(fail_on=2)
    results = [r async for r in iter_pages(client, OFFSET, {"limit": 10})]
    assert len(results) == 2 and results[-1].explanation.provider_message == "GENERIC ERROR"


async def test_iter_pages_is_cancellable():
    client = FakeClient(spec=RateLimitSpec(limit=1, window_s=30))

    async def walk():
        return [r async for r in iter_pages(client, OFFSET, {"limit": 10})]

    task = asyncio.create_task(walk())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(client.sent) == 1


def test_combine_bare_lists():
    r1 = Result(ex(), [1, 2], None, page_info(PAGE, {}, ex(), [1, 2]), None)
    r2 = Result(ex(), [3], None, page_info(PAGE, {"page": 2}, ex(), [3]), None)
    assert combine([r1, r2]) == [1, 2, 3]
