"""`apiplay screenshot [--out DIR]`: render the README's screenshots headless against the sandbox.

Each scene starts a fresh :class:`tui.app.PlaygroundApp` at a fixed size (140x42 by default) on an
embedded sandbox, drives it as a user would (pick a provider and an endpoint, fill the form, send,
page, open a dialog) and saves an SVG. Timings are frozen (``APIPLAY_FREEZE_TIMINGS=1``), toasts are
cleared and cursors stop blinking, so the same code always draws the same picture; only the sandbox
demo credentials are used and secrets stay masked.

The scene helpers (:func:`ready`, :func:`choose`, :func:`send`, :func:`settle`, the ``scene_*``
functions) are shared with the SVG snapshot tests in ``tests/snapshots``.

Top-level imports stay light (argparse only): Textual and the app are imported in :func:`run`.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

#: The terminal size of every screenshot (columns, rows).
SIZE = (140, 42)
#: The sandbox port shown in the screenshots (any free port is used if it is taken).
PREFERRED_PORT = 8765


# --------------------------------------------------------------------------------------------------
# Driving the app (shared with tests/snapshots)


class SceneError(RuntimeError):
    """A scene could not reach the state it wanted (plain message, no traceback for users)."""


@contextmanager
def frozen_meters(at: float = 1_000.0):
    """Rate meters created inside see a clock stopped at `at`: every request falls in one sparkline
    bucket, so the meter draws the same however fast the machine is. Clears the shared meters."""
    from tui.core import ratemeter

    original = ratemeter.RateMeter.__init__

    def init(self, spec, clock=None, *args, **kwargs):
        original(self, spec, lambda: at, *args, **kwargs)

    ratemeter.clear_meters()
    ratemeter.RateMeter.__init__ = init
    try:
        yield
    finally:
        ratemeter.RateMeter.__init__ = original
        ratemeter.clear_meters()


async def wait_for(pilot, predicate: Callable[[], Any], what: str, timeout: float = 15.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SceneError(f"gave up waiting for {what} after {timeout:g} s")
        await pilot.pause(0.02)


async def settle(pilot) -> None:
    """Let workers finish and messages drain, so the next frame is final."""
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def ready(pilot, provider_id: str):
    """Wait for the providers, show `provider_id`'s panel (built) and return it."""
    app = pilot.app

    def loaded() -> bool:
        if not app.providers or app.query("#app-loading"):
            return False
        # every provider's pane and panel mounted
        return all(app.query(f"#tab-{p.id}") and app.query(f"#panel-{p.id}") for p in app.providers)

    await wait_for(pilot, loaded, "the providers to load")
    await pilot.pause()
    panel = await app.show_provider(provider_id)
    await wait_for(pilot, lambda: panel.built, f"the {provider_id} panel")
    await pilot.pause()
    return panel


async def choose(pilot, panel, key: str, **fields: str) -> None:
    """Pick the endpoint `key` ("GET /communities") and fill form fields (name=text)."""
    from tui.widgets.endpoint_list import EndpointList
    from tui.widgets.param_form import ParamForm

    if not panel.query_one(EndpointList).select_key(key):
        raise SceneError(f"{panel.provider.name} has no endpoint {key}")
    await wait_for(pilot, lambda: panel.endpoint is not None and panel.endpoint.key == key, f"endpoint {key}")
    form = panel.query_one(ParamForm)
    # the form mounts its rows in batches: wait for all of them
    await wait_for(pilot, lambda: all(row.is_mounted for row in form.rows), f"the form of {key}")
    await pilot.pause()
    for name, text in fields.items():
        if not form.set_raw(name, text):
            raise SceneError(f"{key} has no field {name!r}")
    await pilot.pause()


async def send(pilot, panel, page: str | None = None) -> None:
    """Send the form (or go to a page: "next", "prev", "first") and wait for the answer to be shown."""
    from tui.widgets.response_view import ResponseView

    view = panel.query_one(ResponseView)
    before = view.document
    ok = panel.page(page) if page else panel.send()
    if not ok:
        raise SceneError(f"{panel.provider.name}: the request was refused: {view.status_text}")
    await wait_for(pilot, lambda: not panel.in_flight, "the answer")
    await wait_for(pilot, lambda: view.document is not before, "the body to be prepared")
    await settle(pilot)


async def finish(pilot) -> None:
    """Make the frame deterministic: no toasts, no blinking cursors, everything settled."""
    app = pilot.app
    await settle(pilot)
    app.clear_notifications()
    for widget in app.screen.query("Input, TextArea"):
        if hasattr(widget, "cursor_blink"):
            widget.cursor_blink = False
    await settle(pilot)


async def show_tab(pilot, panel, tab: str) -> None:
    """Show one response tab: "body", "headers", "tree", "raw", "request" or "explain"."""
    panel.query_one("#response-tabs").active = f"tab-{tab}"
    await settle(pilot)


# --------------------------------------------------------------------------------------------------
# Scenes


def request_scene(provider_id: str, key: str, fields: dict[str, str] | None = None, *, pages: int = 0,
                  tab: str = "body", account: str | None = None) -> Callable[[Any], Awaitable[None]]:
    """A scene: on `provider_id`'s panel (optionally with the sandbox account whose label contains
    `account`), pick `key`, fill `fields`, send, go `pages` pages forward and show `tab`."""

    async def scene(pilot) -> None:
        panel = await ready(pilot, provider_id)
        if account is not None:
            chosen = next(a for a in panel.provider.auth.sandbox_accounts if account in a.label.lower())
            panel.set_credentials(dict(chosen.values))
        await choose(pilot, panel, key, **(fields or {}))
        await send(pilot, panel)
        for _ in range(pages):
            await send(pilot, panel, page="next")
        await show_tab(pilot, panel, tab)
        await finish(pilot)

    return scene


#: Noosfero: log in with the demo account, list communities, go to page 2; highlighted JSON.
scene_noosfero_page2 = request_scene("noosfero", "GET /communities", {"per_page": "5"}, pages=1)
#: GoCache: create a domain that already exists; the Explain tab decodes the 409.
scene_gocache_409 = request_scene("gocache", "POST /domain/{domain}", {"domain": "example.com.br"}, tab="explain")
#: Trackingram: a page of trackers (limit/skip) with the server's own rate counters on the meter.
scene_trackingram_trackers = request_scene("trackingram", "GET /trackerGps", {"limit": "10"}, pages=1)
#: Trackingram with the sandbox's wrong-token account: AUTHENTICATION INCORRECT explained.
scene_trackingram_wrong_token = request_scene("trackingram", "GET /trackerGps", tab="explain", account="wrong")


async def scene_endpoint_filter(pilot) -> None:
    """Noosfero's 125 endpoints filtered by typing "comm"."""
    panel = await ready(pilot, "noosfero")
    panel.focus_filter()
    await pilot.press(*"comm")
    await finish(pilot)


async def scene_credentials(pilot) -> None:
    """The credentials dialog on Trackingram: demo values (masked) and the sandbox accounts."""
    panel = await ready(pilot, "trackingram")
    panel.edit_credentials()
    from tui.screens.credentials import CredentialsScreen

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CredentialsScreen), "the credentials dialog")
    await finish(pilot)


async def scene_help(pilot) -> None:
    """The help screen over the GoCache panel."""
    await ready(pilot, "gocache")
    await pilot.press("f1")
    from tui.screens.help import HelpScreen

    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "the help screen")
    await finish(pilot)


@dataclass(frozen=True)
class Shot:
    name: str  # file name without .svg
    theme: str
    run: Callable[[Any], Awaitable[None]]
    caption: str


#: The README's screenshots, in README order.
SHOTS = (
    Shot("noosfero-communities-page2", "apiplay", scene_noosfero_page2,
         "Noosfero: communities, page 2 of a paged list, highlighted JSON"),
    Shot("gocache-409-explained", "light", scene_gocache_409,
         "GoCache: a 409 explained (light theme)"),
    Shot("trackingram-trackers", "dark", scene_trackingram_trackers,
         "Trackingram: limit/skip paging and the rate meter with the server's own counters (dark theme)"),
    Shot("trackingram-auth-error", "high-contrast", scene_trackingram_wrong_token,
         "Trackingram: AUTHENTICATION INCORRECT explained (high-contrast theme)"),
    Shot("endpoint-filter", "apiplay", scene_endpoint_filter,
         "Filtering Noosfero's 125 endpoints as you type"),
    Shot("credentials-dialog", "apiplay", scene_credentials,
         "The credentials dialog: secrets masked, sandbox accounts that trigger documented errors"),
)


# --------------------------------------------------------------------------------------------------
# The command


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "screenshot",
        help="render the README screenshots (SVG) headless against the sandbox",
        description="Render the README screenshots headless against the built-in sandbox: each provider, "
                    "a paged list, explained errors, several themes. Only sandbox demo credentials are used.",
    )
    p.add_argument("--out", default="screenshots", metavar="DIR",
                   help="folder for the SVG files (default: ./screenshots)")
    p.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", metavar="COLSxROWS",
                   help=f"terminal size (default: {SIZE[0]}x{SIZE[1]})")
    p.add_argument("--only", action="append", default=None, metavar="NAME",
                   help="render only this screenshot (repeatable): " + ", ".join(s.name for s in SHOTS))
    p.set_defaults(command="screenshot")


def _parse_size(text: str) -> tuple[int, int]:
    try:
        cols, rows = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size: {text!r} is not COLSxROWS (like 140x42)") from None
    if not (60 <= cols <= 400 and 20 <= rows <= 200):
        raise ValueError(f"--size: {text!r} is out of range (columns 60-400, rows 20-200)")
    return cols, rows


def _start_sandbox():
    from tui.sandbox.server import SandboxServer

    for port in (PREFERRED_PORT, 0):
        server = SandboxServer(port=port)
        try:
            return server, server.start()
        except OSError:
            continue
    raise SceneError("the sandbox could not start on 127.0.0.1")


async def render(shot: Shot, size: tuple[int, int] = SIZE, sandbox_url: str | None = None) -> str:
    """Run one scene on a fresh app and return the SVG."""
    from tui.app import PlaygroundApp

    app = PlaygroundApp(theme=shot.theme, sandbox_url=sandbox_url)
    async with app.run_test(size=size) as pilot:
        await shot.run(pilot)
        return app.export_screenshot(title=f"apiplay · {shot.caption.split(':')[0]}")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    try:
        size = _parse_size(args.size)
    except ValueError as exc:
        print(f"apiplay screenshot: {exc}", file=sys.stderr)
        return 2
    shots = list(SHOTS)
    if args.only:
        known = {s.name: s for s in SHOTS}
        unknown = [n for n in args.only if n not in known]
        if unknown:
            print(f"apiplay screenshot: --only: unknown screenshot {', '.join(unknown)} "
                  f"(expected one of: {', '.join(known)})", file=sys.stderr)
            return 2
        shots = [known[n] for n in args.only]
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"apiplay screenshot: --out: cannot create {out} ({exc.strerror or exc})", file=sys.stderr)
        return 2
    previous = os.environ.get("APIPLAY_FREEZE_TIMINGS")
    os.environ["APIPLAY_FREEZE_TIMINGS"] = "1"
    try:
        return _render_all(shots, size, out)
    finally:
        if previous is None:
            os.environ.pop("APIPLAY_FREEZE_TIMINGS", None)
        else:
            os.environ["APIPLAY_FREEZE_TIMINGS"] = previous


def _render_all(shots: list[Shot], size: tuple[int, int], out) -> int:
    import asyncio

    status = 0
    for shot in shots:
        # A fresh sandbox per shot: every picture starts from the same seeded data and empty meters.
        try:
            server, origin = _start_sandbox()
        except SceneError as exc:
            print(f"apiplay screenshot: {exc}", file=sys.stderr)
            return 3
        try:
            with frozen_meters():
                svg = asyncio.run(render(shot, size, origin))
        except SceneError as exc:
            print(f"apiplay screenshot: {shot.name}: {exc}", file=sys.stderr)
            status = 1
            continue
        finally:
            server.stop()
        path = out / f"{shot.name}.svg"
        path.write_text(svg, encoding="utf-8")
        print(f"{path}  ({shot.caption})")
    return status
