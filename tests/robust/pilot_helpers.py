"""Pilot helpers shared by the robustness TUI tests."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager

from tui.widgets.param_form import ParamForm, ParamRow
from tui.widgets.response_view import ResponseView


async def wait_for(pilot, condition, timeout: float = 10.0, step: float = 0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        await pilot.pause(step)
    raise AssertionError("timed out waiting for the UI")


async def ready(app, pilot):
    await wait_for(pilot, lambda: app.providers and app.active_panel is not None and app.active_panel.built)
    await pilot.pause()


async def open_endpoint(app, pilot, provider_id: str, key: str):
    """Show `provider_id`'s panel with endpoint `key` chosen and its form fully mounted."""
    panel = app.panel(provider_id)
    if panel.built and panel.endpoint is not None and panel.endpoint.key == key and app._active_id == provider_id:
        return panel
    form = panel.query_one(ParamForm) if panel.built else None
    same = panel.endpoint is not None and panel.endpoint.key == key  # choosing it again may not rebuild
    old_refs = list(form.children) if form is not None and not same else []  # held: ids cannot be reused
    old_children = {id(c) for c in old_refs}
    panel = await app.jump_to(provider_id, key)
    form = panel.query_one(ParamForm)

    def mounted() -> bool:
        if panel.endpoint is None or panel.endpoint.key != key or form.endpoint is not panel.endpoint:
            return False
        if getattr(panel, "_choosing", None) is not None:
            return False
        if any(id(c) in old_children for c in form.children):  # the form is rebuilt on every choice
            return False
        rows = form.rows
        if len(rows) != len(panel.endpoint.params):
            return False
        return all(r.query(f"#{r.fid}") for r in rows)

    if same:
        await pilot.pause()
        await pilot.pause()
    try:
        await wait_for(pilot, mounted)
        await pilot.pause()
        await wait_for(pilot, mounted)  # still chosen after the events it caused
    except AssertionError:
        raise AssertionError(
            f"{provider_id} {key}: endpoint={panel.endpoint and panel.endpoint.key} "
            f"choosing={getattr(panel, '_choosing', None)} form={form.endpoint and form.endpoint.key} "
            f"rows={len(form.rows)} old={[c for c in form.children if id(c) in old_children]}"
        ) from None
    return panel


def status(panel) -> str:
    return panel.query_one(ResponseView).status_text


def notifications(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def row(panel, name: str) -> ParamRow:
    for r in panel.query_one(ParamForm).rows:
        if r.param.name == name:
            return r
    raise AssertionError(f"no field {name}")


def row_error(panel, name: str) -> str:
    r = row(panel, name)
    return str(r.query_one(".param-error").render()) if r.has_class("-invalid") else ""


def screen_text(app) -> str:
    """The screen as plain text, from an SVG export (what a screenshot shows)."""
    return _export(app)


def _export(app) -> str:
    """The screen as plain text, from an SVG export (the same thing a screenshot shows)."""
    import html
    import re

    svg = app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    return html.unescape("".join(texts).replace("&#160;", " "))


def capture_notes(app) -> list[str]:
    """Record every notification the app shows from now on ("title: message")."""
    notes: list[str] = []
    original = app.notify

    def notify(message, *, title="", severity="information", timeout=None, **kw):
        notes.append(f"{title}: {message}")
        return original(message, title=title, severity=severity, timeout=timeout, **kw)

    app.notify = notify
    return notes


@asynccontextmanager
async def started(origin: str, *, size: tuple[int, int] = (160, 50), notifications: bool = False):
    """A PlaygroundApp on `origin` (as its sandbox URL), loaded, with `app.notes` recording every
    notification from construction on (start-up warnings time out quickly): ``(app, pilot)``."""
    from tui.app import PlaygroundApp

    app = PlaygroundApp(sandbox_url=origin)
    app.notes = capture_notes(app)
    async with app.run_test(size=size, notifications=notifications) as pilot:
        await ready(app, pilot)
        yield app, pilot
