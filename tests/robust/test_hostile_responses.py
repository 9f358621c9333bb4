"""Hostile-response matrix: the sandbox's fault mode (X-Apiplay-Fault) and tiny local servers.

Each row: the core (ProviderClient) says what happened and stays usable; `apiplay call` exits with
the documented status (1 HTTP error, 3 network trouble) and a plain message, no traceback; the TUI
(where it applies) keeps running and shows it. Credentials never follow a redirect to another host.
"""

from __future__ import annotations

import asyncio
import base64
import re
import subprocess
import sys
import time
import tracemalloc

import pytest

from helpers import Recorder, Reply, dead_origin, json_reply
from tui.cli import main
from tui.core.client import ProviderClient, open_client
from tui.core.http import HttpSession
from tui.core.packs import load_providers

PROVIDERS = {p.id: p for p in load_providers()[0]}
GOCACHE = PROVIDERS["gocache"]
DOMAINS = GOCACHE.endpoint("GET", "/domain")


def gocache_client(origin: str, **kw) -> ProviderClient:
    return open_client(GOCACHE, "sandbox", sandbox_origin=origin, **kw)


async def fault(origin: str, kind: str, *extra: tuple[str, str], timeout: float = 10.0):
    client = gocache_client(origin, timeout=timeout)
    try:
        result = await client.send(DOMAINS, {}, headers=[("X-Apiplay-Fault", kind), *extra])
        # the same client still works after the fault
        again = await client.send(DOMAINS, {}, headers=[("X-Apiplay-Fault", "none")])
        assert again.ok, again.exchange
        return result
    finally:
        await client.aclose()


# -------------------------------------------------------------------------------------------------
# Core, against the sandbox's faults


async def test_500_is_explained(roomy_sandbox):
    r = await fault(roomy_sandbox, "500")
    assert r.status == 500 and not r.ok
    assert r.explanation.title.startswith("500") and "Internal server error" in " ".join(r.explanation.lines())


async def test_html_error_page_is_explained(roomy_sandbox):
    r = await fault(roomy_sandbox, "html")
    assert r.status == 502 and r.data is None
    assert "HTML" in r.decode_problem and r.explanation is not None


async def test_truncated_body_is_a_network_error(roomy_sandbox):
    r = await fault(roomy_sandbox, "truncated")
    assert r.network_error and r.exchange.truncated
    assert "before the whole body arrived" in r.exchange.error
    assert r.explanation is not None and "cut short" in " ".join(r.explanation.lines())


async def test_nested_10000_deep_is_decoded_without_crashing(roomy_sandbox):
    r = await fault(roomy_sandbox, "nested")
    assert r.ok
    depth, cur = 0, r.data
    while isinstance(cur, list):
        depth, cur = depth + 1, cur[0]
    assert depth == 10_000 and cur == "bottom"


async def test_binary_body_is_named(roomy_sandbox):
    r = await fault(roomy_sandbox, "binary")
    assert r.status == 200 and r.data is None and "binary" in r.decode_problem


async def test_slow_answer_times_out_with_a_message(roomy_sandbox):
    t0 = time.monotonic()
    r = await fault(roomy_sandbox, "slow", ("X-Apiplay-Delay", "3"), timeout=0.5)
    assert time.monotonic() - t0 < 2.9
    assert r.exchange.error_kind == "timeout" and "did not answer within 0.5 s" in r.exchange.error
    assert r.explanation.title == "Network error: timeout"


async def test_slow_answer_can_be_cancelled_and_the_client_stays_usable(roomy_sandbox):
    client = gocache_client(roomy_sandbox, timeout=10)
    try:
        task = asyncio.create_task(client.send(DOMAINS, {}, headers=[("X-Apiplay-Fault", "slow"), ("X-Apiplay-Delay", "5")]))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert (await client.send(DOMAINS, {})).ok
    finally:
        await client.aclose()


async def test_huge_header_is_a_protocol_error_not_a_crash(roomy_sandbox):
    r = await fault(roomy_sandbox, "headers")
    assert r.network_error and r.exchange.error_kind == "protocol"
    assert "not valid HTTP" in r.exchange.error


async def test_redirect_to_a_dead_host_says_so(roomy_sandbox):
    r = await fault(roomy_sandbox, "redirect")
    assert r.network_error and "127.0.0.2" in r.exchange.error


async def test_control_sequences_arrive_as_data(roomy_sandbox):
    r = await fault(roomy_sandbox, "control")
    assert r.ok and any("\x1b[31m" in item["name"] for item in r.data)


# -------------------------------------------------------------------------------------------------
# Core, against tiny local servers


async def test_invalid_json_with_200():
    with Recorder(lambda req: Reply(200, b'{"domains": ["a",,]}')) as rec:
        client = ProviderClient(GOCACHE, base_url=rec.origin, credentials={"token": "t"})
        r = await client.send(DOMAINS, {})
        await client.aclose()
    assert r.status == 200 and r.data is None and "not JSON" in r.decode_problem


async def test_empty_500():
    with Recorder(lambda req: Reply(500, b"", [])) as rec:
        client = ProviderClient(GOCACHE, base_url=rec.origin, credentials={"token": "t"})
        r = await client.send(DOMAINS, {})
        await client.aclose()
    assert r.status == 500 and r.explanation is not None and r.decode_problem == "the answer is empty"


async def test_garbage_instead_of_http():
    with Recorder(lambda req: Reply(raw=b"\x00\x01SSH-2.0-OpenSSH\r\n\r\n")) as rec:
        client = ProviderClient(GOCACHE, base_url=rec.origin, credentials={"token": "t"})
        r = await client.send(DOMAINS, {})
        await client.aclose()
    assert r.network_error and r.exchange.error_kind == "protocol" and r.explanation is not None


async def test_connection_closed_without_an_answer():
    with Recorder(lambda req: Reply(raw=b"")) as rec:
        client = ProviderClient(GOCACHE, base_url=rec.origin, credentials={"token": "t"})
        r = await client.send(DOMAINS, {})
        await client.aclose()
    assert r.network_error and "without answering" in r.exchange.error


def _stream(total: int, chunk: int = 1 << 20):
    """A valid JSON list of about `total` bytes, generated on the fly (never held whole)."""
    item = b'{"id":1,"name":"' + b"x" * 80 + b'"},'
    per = (chunk // len(item)) * item
    yield b"["
    sent = 1
    while sent + len(per) < total:
        yield per
        sent += len(per)
    yield b'{"id":0}]'


async def test_200_mb_body_is_streamed_and_cut_at_the_cap():
    total = 200 * 2**20
    cap = 8 * 2**20
    with Recorder(lambda req: Reply(200, _stream(total), [("Content-Type", "application/json")])) as rec:
        session = HttpSession(max_body=cap)
        client = ProviderClient(GOCACHE, base_url=rec.origin, credentials={"token": "t"}, session=session)
        prepared = client.prepare(DOMAINS, {})
        tracemalloc.start()
        t0 = time.monotonic()
        exchange = await session.send(prepared)  # the streaming part: memory bounded by the cap
        elapsed = time.monotonic() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        r = client.interpret(DOMAINS, exchange)
        again = await client.send(DOMAINS, {})  # the session is still usable
        await session.aclose()
    ex = r.exchange
    assert ex.status == 200 and ex.truncated and len(ex.body) == cap
    assert ex.size > cap and ex.size < total  # it stopped reading soon after the cap
    assert peak < 3 * cap, peak  # memory bounded by the cap, not the 200 MB body
    assert elapsed < 20
    assert r.data is None and "cut short" in r.decode_problem
    assert again.exchange.status == 200


# -------------------------------------------------------------------------------------------------
# Redirects to another host: credentials are not forwarded


@pytest.fixture
def far():
    with Recorder(host="127.0.0.2") as rec:
        yield rec


def _redirect_to(far, status: int = 302):
    return lambda req: Reply(status, b"", [("Location", far.origin + req.target)])


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_header_token_not_forwarded_to_another_host(far, status):
    with Recorder(_redirect_to(far, status)) as near:
        client = ProviderClient(GOCACHE, base_url=near.origin, credentials={"token": "MARKER-redirect-tok"})
        r = await client.send(DOMAINS, {})
        await client.aclose()
    assert near.seen[0].headers.get("gocache-token") == "MARKER-redirect-tok"  # the first hop had it
    assert r.status == 200 and len(far.seen) == 1
    assert "MARKER-redirect-tok" not in repr(far.seen[0])


async def test_basic_auth_not_forwarded_to_another_host(far):
    tg = PROVIDERS["trackingram"]
    ep = tg.endpoint("GET", "/trackerGps")
    with Recorder(_redirect_to(far)) as near:
        client = ProviderClient(tg, base_url=near.origin, credentials={"email": "me@x", "token": "MARKER-basic-pw"})
        r = await client.send(ep, {})
        await client.aclose()
    sent = base64.b64decode(near.seen[0].headers["authorization"].split()[1]).decode()
    assert sent == "me@x:MARKER-basic-pw"
    assert r.status == 200 and "authorization" not in far.seen[0].headers
    assert "MARKER-basic-pw" not in repr(far.seen[0])


async def test_query_token_not_forwarded_to_another_host(far):
    nz = PROVIDERS["noosfero"]
    ep = nz.endpoint("GET", "/communities")
    with Recorder(_redirect_to(far)) as near:
        client = ProviderClient(nz, base_url=near.origin, credentials={"token": "MARKER-query-tok"}, placement=1)
        r = await client.send(ep, {"page": 2})
        await client.aclose()
    assert "private_token=MARKER-query-tok" in near.seen[0].target
    assert r.status == 200 and "MARKER-query-tok" not in far.seen[0].target and "page=2" in far.seen[0].target


@pytest.mark.parametrize("status", [307, 308])
async def test_login_password_not_resent_to_another_host(far, status):
    """A 307/308 resends the body: a login's password must not travel to the other host."""
    from tui.core.auth import LoginError

    nz = PROVIDERS["noosfero"]
    ep = nz.endpoint("GET", "/communities")
    with Recorder(_redirect_to(far, status)) as near:
        client = ProviderClient(nz, base_url=near.origin, credentials={"login": "ana", "password": "MARKER-login-pw"})
        with pytest.raises(LoginError) as info:
            await client.send(ep, {})
        await client.aclose()
    assert b"MARKER-login-pw" in near.seen[0].body
    assert far.count == 0
    assert "127.0.0.2" in str(info.value) and "credentials" in str(info.value)


async def test_same_host_redirect_keeps_the_token():
    """Sanity check for the tests above: within one host the credential does follow."""
    def answer(req):
        if req.path == "/domain":
            return Reply(302, b"", [("Location", "/moved")])
        return json_reply({"ok": True})

    with Recorder(answer) as rec:
        client = ProviderClient(GOCACHE, base_url=rec.origin, credentials={"token": "MARKER-same"})
        r = await client.send(DOMAINS, {})
        await client.aclose()
    assert r.status == 200 and rec.seen[1].path == "/moved" and rec.seen[1].headers["gocache-token"] == "MARKER-same"


# -------------------------------------------------------------------------------------------------
# `apiplay call`: exit status and a plain message for each


CLI_ROWS = [
    # (fault, extra items, exit status, words in stderr)
    ("500", [], 1, ["500 Internal Server Error", "Internal server error"]),
    ("html", [], 1, ["502", "HTML, not JSON"]),
    ("truncated", [], 3, ["cut short", "before the whole body arrived"]),
    ("slow", ["X-Apiplay-Delay:3", "--timeout", "0.5"], 3, ["did not answer within 0.5 s"]),
    ("redirect", [], 3, ["127.0.0.2", "connection refused"]),
    ("headers", [], 3, ["not valid HTTP"]),
    ("binary", [], 0, ["200 OK"]),
    ("nested", [], 0, ["200 OK"]),
    ("control", [], 0, ["200 OK"]),
]


@pytest.mark.parametrize("row", CLI_ROWS, ids=[r[0] for r in CLI_ROWS])
def test_cli_fault(row, roomy_sandbox, capfd):
    kind, extra, code, words = row
    got = main(["call", "--sandbox-url", roomy_sandbox, "gocache", "GET", "/domain", f"X-Apiplay-Fault:{kind}", *extra])
    out, err = capfd.readouterr()
    assert got == code, err
    for w in words:
        assert w in err, (w, err)
    assert "Traceback" not in err
    assert "\x1b" not in err  # nothing a terminal would act on reaches stderr
    if kind == "control":
        assert "\x1b" not in out and "\\u001b[31m" in out  # JSON escapes keep stdout inert
    if kind == "nested":
        assert out.count("[") >= 10_000 and '"bottom"' in out


def test_cli_dead_server_exits_3(capfd):
    got = main(["call", "--sandbox-url", dead_origin(), "gocache", "GET", "/domain"])
    out, err = capfd.readouterr()
    assert got == 3 and "nothing is listening" in err and "Traceback" not in err


def test_cli_invalid_json_and_control_in_an_error_message(capfd):
    def answer(req):
        return json_reply({"error": "\x1b[2J\x1b]0;pwned\x07 [bold]x[/]"}, status=400)

    with Recorder(answer) as rec:
        got = main(["call", "--sandbox-url", rec.origin, "gocache", "GET", "/domain"])
    out, err = capfd.readouterr()
    assert got == 1
    assert "\x1b" not in err and "\x07" not in err and "\\x1b[2J" in err and "[bold]x[/]" in err


def test_cli_200_mb_body_in_a_subprocess(tmp_path):
    """The real command against a 200 MB stream: it ends, cut at the cap, and says so."""
    total = 200 * 2**20
    with Recorder(lambda req: Reply(200, _stream(total), [("Content-Type", "application/json")])) as rec:
        out = tmp_path / "out.json"
        with out.open("wb") as fh:
            proc = subprocess.run(
                [sys.executable, "-m", "tui", "call", "--sandbox-url", rec.origin, "gocache", "GET", "/domain"],
                stdout=fh, stderr=subprocess.PIPE, timeout=120,
            )
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert "(cut short)" in err and "Traceback" not in err
    assert 0 < out.stat().st_size <= 50 * 2**20 + 16
    assert re.search(r"50\.0 MB|5\d\.\d MB", err), err


# -------------------------------------------------------------------------------------------------
# The TUI: keeps running, says what happened, shows hostile text inert

from pilot_helpers import open_endpoint, screen_text, started, status, wait_for  # noqa: E402

SIZE = (160, 50)


async def _send_fault(app, pilot, panel, kind: str | None, *extra, timeout: float = 15.0):
    panel.extra_headers = ([("X-Apiplay-Fault", kind)] if kind else []) + list(extra)
    before = panel.result
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: panel.result is not before and not panel.in_flight, timeout)
    view = panel.query_one("#response")
    await wait_for(pilot, lambda: view.document is not None and view.body == panel.result.exchange.body, timeout)
    await pilot.pause()
    return panel.result


async def test_tui_faults_are_shown_and_the_app_keeps_running(roomy_sandbox):
    rows = [
        ("500", lambda r, s: s.startswith("500") and "Internal server error" in r.explanation.provider_message),
        ("html", lambda r, s: s.startswith("502") and "HTML" in r.decode_problem),
        ("truncated", lambda r, s: "before the whole body arrived" in s),
        ("headers", lambda r, s: "not valid HTTP" in s),
        ("redirect", lambda r, s: "127.0.0.2" in s and "refused" in s),
        ("binary", lambda r, s: s.startswith("200")),
        ("nested", lambda r, s: s.startswith("200")),
        (None, lambda r, s: s.startswith("200")),
    ]
    async with started(roomy_sandbox, notifications=True) as (app, pilot):
        panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
        view = panel.query_one("#response")
        for kind, check in rows:
            r = await _send_fault(app, pilot, panel, kind)
            s = status(panel)
            assert check(r, s), (kind, s)
            assert app.is_running and app._exception is None, kind
            if kind == "binary":
                assert view.document.kind == "hex" and "Binary body" in view.document.problem
            if kind == "nested":
                assert view.document.line_count >= 20_000
            if kind == "html":
                assert "HTML" in view.document.problem or "not JSON" in view.document.problem
        assert "502 Bad Gateway" in screen_text(app) or "Explain" in screen_text(app)


async def test_tui_slow_answer_times_out_and_cancel_works(roomy_sandbox):
    async with started(roomy_sandbox, notifications=True) as (app, pilot):
        app.settings.read_timeout = 0.5
        panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
        panel._client = None  # pick up the short timeout
        await _send_fault(app, pilot, panel, "slow", ("X-Apiplay-Delay", "3"))
        assert "did not answer within 0.5 s" in status(panel)
        app.settings.read_timeout = 30
        panel._client = None
        panel.extra_headers = [("X-Apiplay-Fault", "slow"), ("X-Apiplay-Delay", "20")]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: panel.in_flight)
        await pilot.pause(0.3)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not panel.in_flight)
        assert status(panel).startswith("Cancelled")
        r = await _send_fault(app, pilot, panel, None)  # and the next request works
        assert r.ok and status(panel).startswith("200")


async def test_tui_dead_server_is_explained():
    async with started(dead_origin(), notifications=True) as (app, pilot):
        panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
        await _send_fault(app, pilot, panel, None)
        assert "nothing is listening" in status(panel) and app._exception is None


async def test_tui_200_mb_body_is_cut_at_the_cap():
    total = 200 * 2**20
    with Recorder(lambda req: Reply(200, _stream(total), [("Content-Type", "application/json")])) as rec:
        async with started(rec.origin, notifications=True) as (app, pilot):
            app.settings.body_cap = 4 * 2**20
            panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
            r = await _send_fault(app, pilot, panel, None, timeout=30)
            assert r.exchange.truncated and len(r.exchange.body) == 4 * 2**20
            assert "truncated at the body cap" in status(panel)
            doc = panel.query_one("#response").document
            assert doc.problem and "cut" in doc.problem
            assert "truncated at the body cap" in screen_text(app)
            assert app._exception is None


def _viewer_segments(viewer):
    out = []
    for y in range(viewer.scrollable_content_region.height):
        out += list(viewer.render_line(y))
    return out


async def test_tui_control_sequences_and_markup_are_inert(roomy_sandbox):
    from tui.sandbox.faults import CONTROL_STRINGS

    async with started(roomy_sandbox, size=(200, 60), notifications=True) as (app, pilot):
        panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
        r = await _send_fault(app, pilot, panel, "control")
        assert r.ok and app.is_running
        viewer = panel.query_one("#body-viewer").viewer
        doc = viewer.document
        lines = [doc.line(i) for i in range(doc.line_count)]
        for literal in ("[bold red]x[/]", "[@click=app.quit]quit[/]", "\\u001b[31mred text\\u001b[0m",
                        "[link=http://example.invalid]click me[/link]", "\\u202eoverride"):
            index = next(i for i, line in enumerate(lines) if literal in line)
            viewer.scroll_to(y=index, animate=False)
            await pilot.pause()
            text = screen_text(app)  # what the user sees: the characters as sent, nothing acted on
            assert literal in text, literal
            assert "\x1b" not in text and "\x07" not in text and "\x08" not in text and "\u202e" not in text
        string_style = viewer._resolve_styles()["string"]
        segments = [seg for i in range(doc.line_count) for seg in viewer._make_strip(i, viewer._base())]
        for needle in ("[bold red]x[/]", "[@click=app.quit]quit[/]", "click me[/link]"):
            hits = [seg for seg in segments if needle in seg.text]
            assert hits, needle
            for seg in hits:  # the whole token has the plain string style: no bold, no link, no action
                assert seg.style == string_style, (needle, seg.style)
                assert not seg.style.link and not (seg.style.meta or {}).get("@click")
        # the Tree tab too: labels show the strings as text
        panel.query_one("#response-tabs").active = "tab-tree"
        await pilot.pause(0.3)
        tree = panel.query_one("#body-tree")
        tree.root.expand_all()
        await pilot.pause(0.3)
        labels = []

        def walk(node):
            labels.append(node.label.plain if hasattr(node.label, "plain") else str(node.label))
            for child in node.children:
                walk(child)

        walk(tree.root)
        joined = "\n".join(labels)
        assert "[bold red]x[/]" in joined and "\x1b" not in joined
        assert len(CONTROL_STRINGS) >= 10


async def test_tui_hostile_error_message_and_reason_are_inert():
    """A 400 whose reason phrase and message hold markup and escapes: shown as text everywhere."""
    body = b'{"error": "[@click=app.quit]quit[/] \\u001b[2J [bold]loud[/bold]"}'
    raw = (b"HTTP/1.1 400 [/] [b]Bad\r\nContent-Type: application/json\r\nContent-Length: "
           + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    with Recorder(lambda req: Reply(raw=raw)) as rec:
        async with started(rec.origin, size=(200, 60), notifications=True) as (app, pilot):
            notes = app.notes
            panel = await open_endpoint(app, pilot, "gocache", "GET /domain")
            r = await _send_fault(app, pilot, panel, None)
            await pilot.pause(0.3)
            assert r.status == 400 and app.is_running and app._exception is None
            assert any("[/] [b]Bad" in n for n in notes), notes
            text = screen_text(app)
            assert "[/] [b]Bad" in text  # the status line / toast show the reason literally
            explain = str(panel.query_one("#explain-view").render())
            assert "[@click=app.quit]quit[/]" in explain and "[bold]loud[/bold]" in explain
            assert "\x1b" not in explain


def test_cli_ctrl_c_during_a_slow_answer_exits_130_without_a_traceback(roomy_sandbox):
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "call", "--sandbox-url", roomy_sandbox, "gocache", "GET", "/domain",
         "X-Apiplay-Fault:slow", "X-Apiplay-Delay:20"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        time.sleep(2.0)  # started, imported, waiting for the answer
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and b"Traceback" not in err
