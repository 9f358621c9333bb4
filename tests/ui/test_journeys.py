"""What a new user does in the first minute, driven through the UI against the embedded sandbox.

Noosfero: log in, list communities, next page, open one. Trackingram: a small limit, FLOOD_WAIT,
the meter counting down and sending held. GoCache: a 409 explained. Fetch all with progress.
Cancel a slow request.
"""

from __future__ import annotations

import json
import time

from tui.app import PlaygroundApp
from tui.widgets.param_form import ParamForm
from tui.widgets.response_view import ResponseView
from tui.widgets.tabs import Tabbed


async def wait_for(pilot, condition, timeout: float = 10.0, step: float = 0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        await pilot.pause(step)
    raise AssertionError("timed out waiting for the UI")


async def ready(app, pilot, provider_id: str | None = None):
    """Wait for the providers and the first panel; optionally show another provider's panel."""
    await wait_for(pilot, lambda: app.providers and app.active_panel is not None and app.active_panel.built)
    await pilot.pause()  # let the first panel's focus settle
    if provider_id:
        await app.show_provider(provider_id)
        await pilot.pause()
    return app.active_panel


async def choose(app, pilot, provider_id: str, key: str):
    """Jump to an endpoint (as the palette does) and wait until its form is built."""
    panel = await app.jump_to(provider_id, key)
    await wait_for(pilot, lambda: panel.endpoint is not None and panel.endpoint.key == key)
    return panel


def status(panel) -> str:
    return panel.query_one(ResponseView).status_text


def body_lines(panel) -> list[str]:
    doc = panel.query_one(ResponseView).document
    return [doc.line(i) for i in range(doc.line_count)] if doc is not None else []


def explain_text(panel) -> str:
    return str(panel.query_one("#explain-view").render())


async def send_and_wait(pilot, panel, key: str = "ctrl+s", timeout: float = 10.0):
    before = panel.result
    await pilot.press(key)
    await wait_for(pilot, lambda: panel.result is not before and not panel.in_flight, timeout)
    token = panel._token
    await wait_for(pilot, lambda: panel.query_one(ResponseView).document is not None
                   and panel.result is not None and token == panel._token
                   and panel.query_one(ResponseView).body == panel.result.exchange.body, timeout)


async def test_noosfero_login_list_next_page_open_one(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await app.jump_to("noosfero", "GET /communities")
        await wait_for(pilot, lambda: panel.endpoint is not None and panel.endpoint.key == "GET /communities")
        assert "token" not in panel.credentials  # demo login + password, no token yet
        await send_and_wait(pilot, panel)
        # the login flow ran first and its token is kept
        assert panel.credentials.get("token")
        assert status(panel).startswith("200")
        pager = panel.query_one("#pager-position")
        assert "page 1" in str(pager.render()) and "Total" in str(pager.render())
        first_page = json.loads(panel.result.exchange.body)
        assert isinstance(first_page, list) and first_page
        assert any(first_page[0]["name"] in line for line in body_lines(panel))
        # next page: the form follows and a different page is shown
        await send_and_wait(pilot, panel, "ctrl+n")
        assert "page 2" in str(pager.render())
        assert "page=2" in panel.result.exchange.request.url
        second_page = json.loads(panel.result.exchange.body)
        assert second_page and second_page[0]["id"] != first_page[0]["id"]
        form = panel.query_one(ParamForm)
        assert form.raw_values().get("page") == "2"
        # open one community from the page
        chosen = second_page[0]
        await app.jump_to("noosfero", "GET /communities/{id}")
        await wait_for(pilot, lambda: panel.endpoint is not None and panel.endpoint.key == "GET /communities/{id}")
        assert panel.query_one(ParamForm).set_raw("id", str(chosen["id"]))
        await pilot.pause()
        assert f"/communities/{chosen['id']}" in str(panel.query_one("#request-preview").render())
        await send_and_wait(pilot, panel)
        assert status(panel).startswith("200")
        assert any(chosen["name"] in line for line in body_lines(panel))


async def test_noosfero_wrong_password_is_explained(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await app.show_provider("noosfero")
        panel.set_credentials({"login": "ana", "password": "wrong"})
        await app.jump_to("noosfero", "GET /communities")
        await wait_for(pilot, lambda: panel.endpoint is not None)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not panel.in_flight and "Not sent" not in status(panel) or "ailed" in status(panel))
        await wait_for(pilot, lambda: "ogin" in status(panel))
        assert "token" not in panel.credentials


async def test_trackingram_flood_wait_holds_sending_and_counts_down(make_sandbox):
    origin = make_sandbox(trackingram_limit=3, trackingram_window_s=6)
    app = PlaygroundApp(sandbox_url=origin)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await app.jump_to("trackingram", "GET /trackerGps")
        await wait_for(pilot, lambda: panel.endpoint is not None)
        meter = panel.query_one("#rate-meter")
        for n in range(3):
            await send_and_wait(pilot, panel)
            assert status(panel).startswith("200")
            # the server's own count is shown
            assert f"count_api {n + 1}" in str(meter.text)
        await send_and_wait(pilot, panel)
        assert status(panel).startswith("400")
        assert "FLOOD_WAIT" in explain_text(panel)
        assert panel.query_one("#response-tabs", Tabbed).active == "tab-explain"
        text1 = str(meter.text)
        assert "BLOCKED" in text1 and meter.has_class("-blocked")
        # sending is held, with the override offered
        before = panel._token
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert panel._token == before and "held" in status(panel).lower(), status(panel)
        assert app.check_action("panel", ("force_send",))
        # the countdown moves on its own (1 s timer)
        # (whole seconds, rounded up: the text changes when a whole second has gone, within 2 ticks)
        await wait_for(pilot, lambda: str(meter.text) != text1, timeout=3)
        # and ends: sending works again
        await wait_for(pilot, lambda: meter.snapshot.blocked_for <= 0 and not meter.has_class("-blocked"), timeout=10)
        await send_and_wait(pilot, panel)
        assert status(panel).startswith("200")


async def test_gocache_409_is_explained(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = app.active_panel
        assert panel.provider.id == "gocache"  # the first tab
        key = next(e.key for e in panel.provider.endpoints if e.method == "POST" and e.path == "/domain/{domain}")
        await app.jump_to("gocache", key)
        await wait_for(pilot, lambda: panel.endpoint is not None and panel.endpoint.key == key)
        panel.query_one(ParamForm).set_raw("domain", "example.com.br")
        await pilot.pause()
        await send_and_wait(pilot, panel)
        assert status(panel).startswith("409")
        tabs = panel.query_one("#response-tabs", Tabbed)
        assert tabs.active == "tab-explain"
        text = explain_text(panel)
        assert "already exists" in text  # the provider's own words
        assert "409" in text and "exist" in text.lower()  # the documented meaning
        # the Request tab holds a curl command with the token masked
        curl = str(panel.query_one("#request-view").render())
        assert curl.startswith("#") and "curl" in curl and "sandbox-gocache-token" not in curl
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "sandbox-gocache-token" in str(panel.query_one("#request-view").render())


async def test_fetch_all_walks_every_page_with_progress(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await app.jump_to("noosfero", "GET /communities")
        await wait_for(pilot, lambda: panel.endpoint is not None)
        panel.query_one(ParamForm).set_raw("per_page", "100")
        await pilot.pause()
        progress = []
        pager = panel.query_one("#pager")
        original = pager.progress

        def spy(done, total, items, waiting_s=0.0):
            progress.append((done, total))
            original(done, total, items, waiting_s)

        pager.progress = spy
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: progress and not panel.fetching, timeout=20)
        pager_status = str(panel.query_one("#pager-status").render())
        total = int(panel.result.exchange.header("Total"))
        pages = -(-total // 100)
        assert pages >= 2
        assert f"fetched {pages} pages" in pager_status and f"{total} items" in pager_status
        assert progress and progress[-1][0] == pages
        await wait_for(pilot, lambda: panel.query_one(ResponseView).document is not None
                       and panel.query_one(ResponseView).document.data is not None
                       and len(panel.query_one(ResponseView).document.data) == total)


async def test_fetch_all_pauses_before_the_limit(make_sandbox):
    origin = make_sandbox(trackingram_limit=2, trackingram_window_s=2)
    app = PlaygroundApp(sandbox_url=origin)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await app.jump_to("trackingram", "GET /trackerGps")
        await wait_for(pilot, lambda: panel.endpoint is not None)
        panel.query_one(ParamForm).set_raw("limit", "1")
        await pilot.pause()
        seen = []
        pager = panel.query_one("#pager")
        original = pager.progress

        def spy(done, total, items, waiting_s=0.0):
            seen.append(waiting_s)
            original(done, total, items, waiting_s)

        pager.progress = spy
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: any(w > 0 for w in seen), timeout=10)
        assert "paused" in str(panel.query_one("#pager-status").render())
        # cancel it: nothing more arrives
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.fetching
        assert "cancelled" in str(panel.query_one("#pager-status").render())


async def test_cancel_a_slow_request(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await app.jump_to("gocache", "GET /domain")
        await wait_for(pilot, lambda: panel.endpoint is not None)
        panel.extra_headers = [("X-Apiplay-Fault", "slow"), ("X-Apiplay-Delay", "5")]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: panel.in_flight)
        assert app.check_action("panel", ("cancel",))
        started = time.monotonic()
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.in_flight
        assert "Cancelled" in status(panel)
        assert time.monotonic() - started < 1
        assert panel.result is None


async def test_gocache_guard_holds_the_request_over_the_limit_and_f5_forces_it(make_sandbox):
    from tui.core.ratemeter import clear_meters

    clear_meters()  # a fresh meter for this sandbox's port
    origin = make_sandbox(gocache_limit=100)
    app = PlaygroundApp(sandbox_url=origin)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await choose(app, pilot, "gocache", "GET /domain")
        meter = panel.client.meter
        for _ in range(100):  # as if 100 requests went out this minute
            meter.record()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: panel.held)
        assert "Held" in status(panel) and "101" in status(panel)
        assert panel.result is None  # nothing was sent
        assert app.check_action("panel", ("force_send",))
        await pilot.press("f5")
        await wait_for(pilot, lambda: panel.result is not None and not panel.in_flight)
        assert status(panel).startswith("200")
        assert not panel.held
    clear_meters()


async def test_no_arguments_starts_an_embedded_sandbox_with_options():
    app = PlaygroundApp(sandbox_options={"trackingram_limit": 2})
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        # the embedded sandbox starts after the first paint, off the critical path
        await wait_for(pilot, lambda: app.sandbox_server is not None and bool(app.sandbox_url))
        assert app.sandbox_url.startswith("http://127.0.0.1:")
        panel = await choose(app, pilot, "trackingram", "GET /trackerGps")
        await wait_for(pilot, lambda: app.sandbox_url in str(panel.query_one("#target-text").render()))
        assert app.sandbox_url in str(panel.query_one("#target-text").render())
        for expected in ("200", "200", "400"):
            await send_and_wait(pilot, panel)
            assert status(panel).startswith(expected)
        assert panel.result.explanation.rate_limited
    import socket
    from urllib.parse import urlsplit

    port = urlsplit(app.sandbox_url).port
    try:  # stopped with the app: nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        listening = True
    except OSError:
        listening = False
    assert not listening
