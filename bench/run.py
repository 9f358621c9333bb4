"""apiplay benchmarks (issue 5): `python bench/run.py [--json FILE] [--quick] [--runs N]`.

Prints a table of medians (each figure against its budget and, where one exists, a floor measured
in the same run) and, with --json, writes one JSON object with the keys below. Start-up and memory
are measured in fresh subprocesses; app-level figures drive PlaygroundApp headless with the key
presses a user would make and stop the clock at the painted frame (see bench/README.md).

Keys: startup_ratio, large_20mb_s, large_20mb_rss_ratio, scroll_ms, request_overhead_ms,
fetch_all_ratio, input_latency_ms, plus startup_s, startup_floor_s, large_1mb_s, large_5mb_s,
large_1mb_rss_ratio, large_5mb_rss_ratio, scroll_5mb_ms, idle_rss_mb, idle_rss_floor_mb,
peak_rss_mb, ... (every figure printed in the table).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))

import harness as H  # noqa: E402

MB = 1024 * 1024
SIZE = (160, 48)

#: start-up runs (each figure is the median; the others use --runs)
STARTUP_RUNS = 11
BUDGETS = {
    "startup_ratio": ("<=", 1.5),
    "large_20mb_s": ("<=", 1.0),
    "large_20mb_rss_ratio": ("<=", 4.0),
    "scroll_ms": ("<=", 16.0),
    "request_overhead_ms": ("<=", 5.0),
    "fetch_all_ratio": ("<=", 1.2),
    "input_latency_ms": ("<=", 50.0),
}


# ================================================================================== child processes


class FloorApp:
    """The floor for start-up and key-to-frame: a trivial Textual app (Header, Static, Footer)."""

    @staticmethod
    def make():
        from textual.app import App
        from textual.binding import Binding
        from textual.widgets import Footer, Header, Static

        class Trivial(App):
            BINDINGS = [Binding("x", "bump", "Bump")]
            count = 0

            def compose(self):
                yield Header()
                yield Static("Hello", id="hello")
                yield Footer()

            def action_bump(self) -> None:
                self.count += 1
                self.query_one("#hello", Static).update(f"Hello {self.count}")

        return Trivial()


def _app_ready(app) -> bool:
    panel = app.active_panel
    return bool(panel is not None and panel.built and not app.query("#app-loading")
                and panel.query("#endpoint-options"))


async def child_startup(kind: str) -> None:
    """Process start to the first painted screen that is ready for input; idle RSS."""
    t_spawn = float(os.environ["BENCH_T0"])
    wall0, perf0 = time.time(), time.perf_counter()
    if kind == "floor":
        app = FloorApp.make()
        ready = lambda: bool(app.query("#hello"))  # noqa: E731
    else:
        from tui.app import PlaygroundApp

        app = PlaygroundApp()
        ready = lambda: _app_ready(app)  # noqa: E731
    probe = H.FrameProbe(app)
    async with app.run_test(size=SIZE):
        t_ready = await probe.wait_for(ready, timeout=60)
        startup = (wall0 - t_spawn) + (t_ready - perf0)
        await H.idle(0.5)
        gc.collect()
        finish({"startup_s": startup, "idle_rss": H.rss()})


async def child_keyframe() -> None:
    """Floor for key-to-frame: a key that changes one Static in the trivial app."""
    app = FloorApp.make()
    probe = H.FrameProbe(app)
    samples = []
    async with app.run_test(size=SIZE):
        await probe.wait_for(lambda: bool(app.query("#hello")), nudge=True)
        await H.idle(0.1)
        for i in range(1, 21):
            t0 = H.press(app, "x")
            t1 = await probe.wait_for(lambda i=i: app.count == i)
            samples.append((t1 - t0) * 1000)
            await H.idle(0.03)
        finish({"keyframe_ms": statistics.median(samples)})


async def _open_endpoint(app, probe, provider_id: str, key: str):
    await probe.wait_for(lambda: _app_ready(app), timeout=60, nudge=True)
    panel = await app.show_provider(provider_id)
    endpoint = next(e for e in panel.provider.endpoints if e.key == key)
    await panel.choose(endpoint)
    await H.idle(0.2)
    return panel, endpoint


async def _open_large(app, probe, size: int):
    """Trackingram GET /trackerGps, answered with a `size`-byte JSON list by the sandbox."""
    panel, endpoint = await _open_endpoint(app, probe, "trackingram", "GET /trackerGps")
    fault = {"X-Apiplay-Fault": "large", "X-Apiplay-Size": str(size)}
    # The user's extra headers: set on the app's shared client for this provider.
    app.http_session.client_for("trackingram", panel.base_url).headers.update(fault)
    return panel, endpoint, fault


async def _page_downs(app, probe, viewer, count: int) -> list[float]:
    """Page-down `count` times in the focused viewer: each key to the frame that shows the page."""
    viewer.focus()
    await H.idle(0.3)
    height = viewer.scrollable_content_region.height
    samples = []
    for _ in range(count):
        target = int(viewer.scroll_offset.y) + height
        k0 = H.press(app, "pagedown")
        k1 = await probe.wait_for(
            lambda target=target: viewer.scroll_offset.y == target
            and viewer._cache.get(target + height - 1) is not None)
        samples.append((k1 - k0) * 1000)
        await H.idle(0.03)
    return samples


def _viewer(panel):
    from tui.widgets.json_viewer import JsonViewer

    return panel.query_one("#body-viewer").query_one(JsonViewer)


def _painted(viewer, document_check) -> bool:
    doc = viewer.document
    return doc is not None and document_check(doc) and viewer._cache.get(int(viewer.scroll_offset.y)) is not None


async def _raw_get(url: str, auth, headers: dict) -> tuple[float, int]:
    import httpx

    async with httpx.AsyncClient(auth=auth, headers=headers, trust_env=False, timeout=60) as client:
        await client.get(url)  # connect + warm the server's cache
        t0 = time.perf_counter()
        response = await client.get(url)
        body = response.content
        return time.perf_counter() - t0, len(body)


async def child_large(origin: str, size: int, scrolls: int) -> None:
    """Send key to the large body painted; peak RSS growth; page-down key to painted frame."""
    from tui.app import PlaygroundApp

    app = PlaygroundApp(sandbox_url=origin)
    probe = H.FrameProbe(app)
    async with app.run_test(size=SIZE):
        panel, endpoint, fault = await _open_large(app, probe, size)
        viewer = _viewer(panel)
        prepared = panel.client.prepare(endpoint, panel._values)
        floor_s, got = await _raw_get(prepared.url, prepared.basic_auth, fault)
        assert got == size, f"the sandbox sent {got} bytes, not {size}"
        gc.collect()
        await H.idle(0.1)
        rss0 = H.rss()
        H.reset_peak_rss()
        t0 = H.press(app, "ctrl+s")
        t1 = await probe.wait_for(lambda: _painted(viewer, lambda d: d.size == size), timeout=120)
        # the rest of a large body is formatted in the background: memory counts until it is done
        await asyncio.to_thread(viewer.document.wait, 120)
        t2 = time.perf_counter()
        await H.idle(0.2)
        peak = H.peak_rss() - rss0
        lines = viewer.document.line_count
        # page-down: key to the painted frame showing the next page
        samples = await _page_downs(app, probe, viewer, scrolls)
        finish({"send_to_painted_s": t1 - t0, "send_to_complete_s": t2 - t0, "floor_s": floor_s,
                "rss_growth": peak, "size": size,
                "lines": lines, "scroll_ms": statistics.median(samples), "scroll_max_ms": max(samples),
                "peak_rss": H.peak_rss()})


async def child_input(origin: str, size: int) -> None:
    """Typing in a form field while a large response is received and prepared: key to painted frame."""
    from textual.widgets import Input

    from tui.app import PlaygroundApp

    app = PlaygroundApp(sandbox_url=origin)
    probe = H.FrameProbe(app)
    async with app.run_test(size=SIZE):
        panel, endpoint, fault = await _open_large(app, probe, size)
        prepared = panel.client.prepare(endpoint, panel._values)
        await _raw_get(prepared.url, prepared.basic_auth, fault)  # warm the server's cache
        viewer = _viewer(panel)
        field = panel.query_one("#param-form").query(Input).first()
        field.focus()
        await H.idle(0.2)
        start_value = field.value
        t_send = H.press(app, "ctrl+s")
        done_at = None
        samples = []
        typed = ""
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            typed += "1"
            expected = start_value + typed
            k0 = H.press(app, "1")
            k1 = await probe.wait_for(lambda expected=expected: field.value == expected)
            samples.append((k1 - k0) * 1000)
            if done_at is None and _painted(viewer, lambda d: d.size == size and d.complete):
                done_at = time.perf_counter()
            if done_at is not None and time.perf_counter() - done_at > 0.1:
                break
            await H.idle(0.02)  # a fast typist: about 30 keys a second with the frame time
        samples.sort()
        finish({"max_ms": samples[-1], "median_ms": statistics.median(samples),
                "p90_ms": samples[int(0.9 * (len(samples) - 1))], "keys": len(samples),
                "window_s": (done_at or time.perf_counter()) - t_send})


async def child_requests(origin: str, count: int) -> None:
    """`count` sequential small GETs through the UI (key to painted answer) vs raw httpx."""
    import httpx
    from textual.widgets import Input

    from tui.app import PlaygroundApp

    app = PlaygroundApp(sandbox_url=origin)
    probe = H.FrameProbe(app)
    ui = []
    async with app.run_test(size=SIZE):
        panel, endpoint = await _open_endpoint(app, probe, "trackingram", "GET /trackerGps")
        limit = next(i for i in panel.query_one("#param-form").query(Input) if (i.id or "").endswith("limit"))
        limit.value = "1"
        await H.idle(0.2)
        panel.query_one("#endpoint-options").focus()
        await H.idle(0.1)
        viewer = _viewer(panel)
        for i in range(count + 3):  # 3 warm-up requests
            before = viewer.document
            t0 = H.press(app, "ctrl+s")
            t1 = await probe.wait_for(lambda before=before: not panel.in_flight and _painted(
                viewer, lambda d: d is not before))
            if i >= 3:
                ui.append((t1 - t0) * 1000)
            await H.idle(0.025)  # requests a frame apart, as a person would send them
        prepared = panel.prepared
        body_size = viewer.document.size
        # the floor, in the same process and event loop: raw httpx, one shared client, the same
        # GETs at the same pace (a request, then the same 25 ms pause). Paced, both processes
        # wake from sleep for each request, which costs raw httpx itself about 1.5 ms here; the
        # back-to-back figure (a hot server and client) is kept beside it for comparison.
        async with httpx.AsyncClient(auth=prepared.basic_auth, trust_env=False,
                                     headers=dict(prepared.headers)) as client:
            async def raw_walk(pause: float) -> list[float]:
                times = []
                for i in range(count + 3):
                    t0 = time.perf_counter()
                    response = await client.get(prepared.url)
                    response.read()
                    if i >= 3:
                        times.append((time.perf_counter() - t0) * 1000)
                    if pause:
                        await H.idle(pause)
                return times

            raw = await raw_walk(0.025)
            hot = await raw_walk(0)
        finish({"ui_ms": statistics.mean(ui), "raw_ms": statistics.mean(raw),
                "ui_median_ms": statistics.median(ui), "raw_median_ms": statistics.median(raw),
                "raw_back_to_back_ms": statistics.mean(hot),
                "overhead_ms": statistics.mean(ui) - statistics.mean(raw),
                "overhead_back_to_back_ms": statistics.mean(ui) - statistics.mean(hot), "body_bytes": body_size})


async def child_fetch_all(origin: str, pages: int) -> None:
    """Walk `pages` pages with the core's all-pages iterator vs raw httpx doing the same walk."""
    import dataclasses

    import httpx
    import orjson

    from tui.core.client import ProviderClient
    from tui.core.packs import load_providers

    providers, _ = load_providers()
    provider = next(p for p in providers if p.id == "trackingram")
    provider = dataclasses.replace(provider, rate_limit=dataclasses.replace(provider.rate_limit, limit=10**7))
    base = provider.base_url("sandbox", sandbox_origin=origin)
    creds = dict(provider.auth.sandbox_default)
    auth = (creds["email"], creds["token"])
    endpoint = next(e for e in provider.endpoints if e.key == "GET /trackerGps/{imei}/positions")
    window = {"start": 0, "stop": 9_999_999_999_999}  # every position (required parameters)
    size_param = endpoint.paging.size_param
    skip_param = endpoint.paging.offset_param
    async with httpx.AsyncClient(auth=auth, trust_env=False) as raw_client:
        trackers = (await raw_client.get(f"{base}/trackerGps", params={"limit": 100})).json()["data"]
        imeis = [t["imei"] for t in trackers]

        async def raw_walk() -> int:
            done = 0
            for imei in imeis:
                skip = 0
                while done < pages:
                    r = await raw_client.get(f"{base}/trackerGps/{imei}/positions",
                                             params={size_param: 1, skip_param: skip, **window})
                    data = orjson.loads(r.content)
                    done += 1
                    skip += len(data["data"])
                    if not data["has_more"]:
                        break
                if done >= pages:
                    break
            return done

        client = ProviderClient(provider, base_url=base, credentials=creds)

        async def core_walk() -> int:
            done = 0
            for imei in imeis:
                async for _result in client.iter_pages(endpoint, {"imei": imei, size_param: 1, **window},
                                                       max_pages=pages - done):
                    done += 1
                if done >= pages:
                    break
            return done

        await raw_walk() if pages <= 50 else None
        raw_times, core_times = [], []
        for _ in range(2):  # alternate, so drift hits both
            t0 = time.perf_counter()
            n_core = await core_walk()
            core_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            n_raw = await raw_walk()
            raw_times.append(time.perf_counter() - t0)
        await client.aclose()
    assert n_core == n_raw == pages, (n_core, n_raw, pages)
    core_s, raw_s = min(core_times), min(raw_times)
    finish({"core_s": core_s, "raw_s": raw_s, "ratio": core_s / raw_s, "pages": pages})


async def child_viewer(size: int) -> None:
    """The viewer alone (no app, no HTTP): prepare in a thread, load, first paint, typing in an
    Input while the rest of the body is formatted in the background, then page-down."""
    from textual.app import App
    from textual.widgets import Input

    from tui.core import jsonview
    from tui.sandbox.faults import large_body
    from tui.widgets.json_viewer import JsonViewer, ResponseBody

    body = large_body(size)

    class ViewerOnly(App):
        def compose(self):
            yield Input(id="field")
            yield ResponseBody()

    app = ViewerOnly()
    probe = H.FrameProbe(app)
    async with app.run_test(size=SIZE):
        viewer = app.query_one(JsonViewer)
        field = app.query_one("#field", Input)
        field.focus()
        await probe.wait_for(lambda: True, nudge=True)
        await H.idle(0.2)
        t0 = time.perf_counter()
        document = await asyncio.to_thread(jsonview.prepare, body)
        t1 = time.perf_counter()
        viewer.load(document)
        t2 = await probe.wait_for(lambda: _painted(viewer, lambda d: d is document))
        typing = []
        while not document.complete:
            expected = field.value + "1"
            k0 = H.press(app, "1")
            k1 = await probe.wait_for(lambda expected=expected: field.value == expected)
            typing.append((k1 - k0) * 1000)
            await H.idle(0.02)
        t3 = time.perf_counter()
        samples = await _page_downs(app, probe, viewer, 20)
        finish({"prepare_first_s": t1 - t0, "load_to_painted_ms": (t2 - t1) * 1000,
                "complete_s": t3 - t0, "pagedown_ms": statistics.median(samples),
                "typing_max_ms": max(typing, default=0.0),
                "typing_median_ms": statistics.median(typing) if typing else 0.0})


def finish(result: dict) -> None:
    """Print a child's result and leave at once (no shutdown work to wait for or fail in)."""
    print(json.dumps(result), flush=True)
    os._exit(0)


def child_main(name: str, args: list[str]) -> None:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    children = {
        "startup": lambda: child_startup(args[0]),
        "keyframe": child_keyframe,
        "viewer": lambda: child_viewer(int(args[0])),
        "large": lambda: child_large(args[0], int(args[1]), int(args[2])),
        "input": lambda: child_input(args[0], int(args[1])),
        "requests": lambda: child_requests(args[0], int(args[1])),
        "fetch_all": lambda: child_fetch_all(args[0], int(args[1])),
    }
    if name not in children:
        raise SystemExit(f"unknown child {name}")
    asyncio.run(children[name]())  # each child ends with finish(), which exits
    raise SystemExit(f"bench child {name} ended without a result")


# ================================================================================== the parent


def spawn(name: str, *args: str) -> dict:
    os.environ["BENCH_T0"] = repr(time.time())
    return H.run_child(name, *args)


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import textual

        tv = textual.__version__
    except Exception:  # noqa: BLE001
        from importlib.metadata import version

        tv = version("textual")
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "nproc": os.cpu_count(),
            "cpu": cpu, "python": platform.python_version(), "textual": tv, "platform": platform.platform()}


def gather(out: dict, results: list[dict], fields: dict[str, str]) -> None:
    """out[key] = the median over runs of each run's `field`."""
    for key, field in fields.items():
        out[key] = H.median([r[field] for r in results])


def run_all(runs: int, quick: bool, log) -> dict:
    """Every figure; a step that fails is reported in out["errors"] and the others still run."""
    med = H.median
    out: dict = {"errors": {}}

    def step(name: str, message: str, fn) -> None:
        log(message)
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - one broken step must not lose the others
            out["errors"][name] = str(exc).strip().splitlines()[-1][:300] if str(exc).strip() else repr(exc)
            log(f"  {name} failed: {out['errors'][name]}")

    def startup() -> None:
        app_runs, floor_runs = [], []
        spawn("startup", "app")  # not counted: writes the start-up caches for this code (a user's second start)
        # more runs than the other figures (a run is half a second): a start's time varies by 30-50%
        # from run to run on this machine, for the trivial app too
        for _ in range(max(runs, STARTUP_RUNS)):  # interleaved, so drift hits both
            floor_runs.append(spawn("startup", "floor"))
            app_runs.append(spawn("startup", "app"))
        out["startup_s"] = med([r["startup_s"] for r in app_runs])
        out["startup_floor_s"] = med([r["startup_s"] for r in floor_runs])
        # each app start over the trivial app's start just before it (the same moment of the machine,
        # whose speed drifts by tens of percent within a minute), then the median of those ratios
        out["startup_ratio"] = med([a["startup_s"] / f["startup_s"] for a, f in zip(app_runs, floor_runs)])
        out["startup_ratio_of_medians"] = out["startup_s"] / out["startup_floor_s"]
        out["idle_rss_mb"] = med([r["idle_rss"] for r in app_runs]) / MB
        out["idle_rss_floor_mb"] = med([r["idle_rss"] for r in floor_runs]) / MB

    def keyframe() -> None:
        out["keyframe_floor_ms"] = med([spawn("keyframe")["keyframe_ms"] for _ in range(max(2, runs // 2))])

    def viewer() -> None:
        gather(out, [spawn("viewer", str(20 * MB)) for _ in range(max(2, runs // 2))], {
            "viewer_20mb_first_piece_s": "prepare_first_s", "viewer_20mb_load_ms": "load_to_painted_ms",
            "viewer_20mb_complete_s": "complete_s", "viewer_20mb_pagedown_ms": "pagedown_ms",
            "viewer_20mb_typing_max_ms": "typing_max_ms", "viewer_20mb_typing_median_ms": "typing_median_ms"})

    step("startup", "start-up (PlaygroundApp vs a trivial Textual app, fresh processes)…", startup)
    step("keyframe", "key to painted frame in the trivial app (the floor for scroll and input)…", keyframe)
    step("viewer", "the body viewer alone with 20 MB (prepare, load, page-down)…", viewer)

    with H.SandboxProcess(gocache_limit=10**7, trackingram_limit=10**7) as sandbox:
        origin = sandbox.origin

        def large(label: int, size: int) -> None:
            res = [spawn("large", origin, str(size), "10") for _ in range(runs)]
            out[f"large_{label}mb_s"] = med([r["send_to_painted_s"] for r in res])
            out[f"large_{label}mb_floor_s"] = med([r["floor_s"] for r in res])
            out[f"large_{label}mb_complete_s"] = med([r["send_to_complete_s"] for r in res])
            out[f"large_{label}mb_rss_ratio"] = med([r["rss_growth"] / size for r in res])
            out[f"large_{label}mb_rss_growth_mb"] = med([r["rss_growth"] for r in res]) / MB
            out[f"scroll_{label}mb_ms"] = med([r["scroll_ms"] for r in res])
            out[f"scroll_{label}mb_max_ms"] = max(r["scroll_max_ms"] for r in res)
            if label == 20:
                out["scroll_ms"] = out["scroll_20mb_ms"]
                out["peak_rss_mb"] = med([r["peak_rss"] for r in res]) / MB
                out["large_20mb_lines"] = res[0]["lines"]

        for label in (1, 5, 20):
            step(f"large_{label}mb", f"{label} MB response: send to painted, RSS, page-down…",
                 lambda label=label: large(label, label * MB))

        step("input", "typing in a form field while 20 MB are received and prepared…", lambda: gather(
            out, [spawn("input", origin, str(20 * MB)) for _ in range(runs)], {
                "input_latency_ms": "max_ms", "input_latency_median_ms": "median_ms",
                "input_latency_p90_ms": "p90_ms", "input_keys_per_run": "keys"}))

        count = 30 if quick else 100
        step("requests", f"{count} sequential small GETs through the UI vs raw httpx…", lambda: gather(
            out, [spawn("requests", origin, str(count)) for _ in range(runs)], {
                "request_overhead_ms": "overhead_ms", "request_ui_ms": "ui_ms", "request_raw_ms": "raw_ms",
                "request_raw_back_to_back_ms": "raw_back_to_back_ms",
                "request_overhead_back_to_back_ms": "overhead_back_to_back_ms"}))

        pages = 100 if quick else 500
        out["fetch_all_pages"] = pages
        step("fetch_all", f"fetch all: {pages} pages through the core's iterator vs raw httpx…", lambda: gather(
            out, [spawn("fetch_all", origin, str(pages)) for _ in range(runs)], {
                "fetch_all_ratio": "ratio", "fetch_all_s": "core_s", "fetch_all_floor_s": "raw_s"}))
    out["runs"] = runs
    out["machine"] = machine()
    return out


ROWS = [
    # key, label, unit, floor key
    ("startup_ratio", "start-up, over the trivial app", "x", None),
    ("startup_ratio_of_medians", "  the median start over the trivial app's median start", "x", None),
    ("startup_s", "  start to first painted idle screen", "s", "startup_floor_s"),
    ("large_20mb_s", "20 MB response: send key to painted", "s", "large_20mb_floor_s"),
    ("large_20mb_complete_s", "  20 MB: send key to fully formatted", "s", None),
    ("large_20mb_rss_ratio", "20 MB: peak RSS growth / body size", "x", None),
    ("scroll_ms", "page-down in 20 MB: key to painted", "ms", "keyframe_floor_ms"),
    ("request_overhead_ms", "small GET through the UI, minus raw httpx", "ms", None),
    ("request_ui_ms", "  small GET through the UI, key to painted", "ms", "request_raw_ms"),
    ("request_overhead_back_to_back_ms", "  the same, minus raw httpx sent back to back", "ms",
     "request_raw_back_to_back_ms"),
    ("fetch_all_ratio", "fetch all, core iterator / raw httpx", "x", None),
    ("fetch_all_s", "  walking the pages through the core", "s", "fetch_all_floor_s"),
    ("input_latency_ms", "typing while 20 MB is prepared (worst key)", "ms", "keyframe_floor_ms"),
    ("input_latency_median_ms", "  typing while 20 MB is prepared (median)", "ms", "keyframe_floor_ms"),
    ("large_1mb_s", "1 MB response: send key to painted", "s", "large_1mb_floor_s"),
    ("large_1mb_rss_ratio", "1 MB: peak RSS growth / body size", "x", None),
    ("large_5mb_s", "5 MB response: send key to painted", "s", "large_5mb_floor_s"),
    ("large_5mb_rss_ratio", "5 MB: peak RSS growth / body size", "x", None),
    ("scroll_5mb_ms", "page-down in 5 MB: key to painted", "ms", "keyframe_floor_ms"),
    ("viewer_20mb_first_piece_s", "viewer alone, 20 MB: prepare until the first screen", "s", None),
    ("viewer_20mb_load_ms", "viewer alone, 20 MB: load() to painted", "ms", None),
    ("viewer_20mb_complete_s", "viewer alone, 20 MB: prepare until fully formatted", "s", None),
    ("viewer_20mb_pagedown_ms", "viewer alone, 20 MB: page-down key to painted", "ms", "keyframe_floor_ms"),
    ("viewer_20mb_typing_max_ms", "viewer alone: typing while 20 MB is formatted (worst key)", "ms",
     "keyframe_floor_ms"),
    ("viewer_20mb_typing_median_ms", "viewer alone: typing while 20 MB is formatted (median)", "ms",
     "keyframe_floor_ms"),
    ("idle_rss_mb", "idle RSS", "MB", "idle_rss_floor_mb"),
    ("peak_rss_mb", "peak RSS (20 MB response shown)", "MB", None),
]


def table(results: dict) -> str:
    lines = [
        "| figure | key | value | floor (same run) | budget | |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, label, unit, floor_key in ROWS:
        value = results.get(key)
        if value is None:
            continue
        fmt = "{:.3f}" if unit == "s" else "{:.2f}" if unit in ("x", "ms") else "{:.0f}"
        floor = fmt.format(results[floor_key]) + f" {unit}" if floor_key and floor_key in results else ""
        budget = BUDGETS.get(key)
        verdict = ""
        if budget:
            verdict = "ok" if value <= budget[1] else "OVER"
        lines.append(f"| {label.strip()} | `{key}` | {fmt.format(value)} {unit} | {floor} | "
                     f"{f'≤ {budget[1]:g}' if budget else ''} | {verdict} |")
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Write tui's bytecode before measuring, as installing the package does: with
    PYTHONDONTWRITEBYTECODE set (as on the shared machine) every child would otherwise compile
    tui's ~40 modules from source, a cost a user's start-up does not pay (the floor's Textual
    modules already have their bytecode)."""
    import compileall

    compileall.compile_dir(str(HERE.parent / "tui"), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="FILE", help="also write the results as one JSON object")
    parser.add_argument("--quick", action="store_true", help="2 runs, fewer requests and pages")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5; --quick: 2)")
    parser.add_argument("--update-readme", action="store_true",
                        help="write the table into bench/README.md (between the results markers)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.child:
        child_main(args.child, rest)
        return 0
    runs = args.runs or (2 if args.quick else 5)
    t0 = time.perf_counter()
    compile_bytecode()
    try:
        load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load_before = "?"
    results = run_all(runs, args.quick, lambda msg: print(msg, file=sys.stderr, flush=True))
    results["bench_s"] = round(time.perf_counter() - t0, 1)
    results["load_before"] = load_before
    report = render_report(results, runs)
    print("\n" + report)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    if args.update_readme:
        readme = HERE / "README.md"
        text = readme.read_text()
        start, end = "<!-- results -->", "<!-- /results -->"
        if start in text and end in text:
            head, rest = text.split(start, 1)
            _, tail = rest.split(end, 1)
            readme.write_text(f"{head}{start}\n{report}\n{end}{tail}")
    return 0


def render_report(results: dict, runs: int) -> str:
    m = results["machine"]
    load = ""
    try:
        load = " · load average before the run " + results.get("load_before", "")
    except Exception:  # noqa: BLE001
        pass
    over = [k for k, (_, limit) in BUDGETS.items() if k in results and results[k] > limit]
    errors = "".join(f"\n- `{name}` could not be measured: {msg}" for name, msg in
                     results.get("errors", {}).items())
    return (f"apiplay bench · {m['date']} · nproc {m['nproc']}, {m['cpu']} · Python {m['python']} · "
            f"Textual {m['textual']} · medians of {runs} runs{load} · {results.get('bench_s', '?')} s\n\n"
            f"{table(results)}\n\n"
            f"{'All figures within budget.' if not over else 'Over budget: ' + ', '.join(over) + '.'}"
            f"{errors}")


if __name__ == "__main__":
    sys.exit(main())
