"""The main screen's compositor (tui/screens/main.py) sends the terminal what Textual's would.

Every frame of a session (the first one, answers, paging, typing, tab switches, scrolling, a dialog
opened and closed, resizes) is made twice, by the lean compositor and by Textual's own (on the same
changed rectangles for a partial frame), and the bytes for the terminal must be equal; for partial
frames the lean one must also have asked fewer widgets to draw.
"""

from __future__ import annotations

import re

from textual._compositor import Compositor
from textual.geometry import Region

from test_journeys import choose, ready, send_and_wait, wait_for
from tui.app import PlaygroundApp
from tui.screens.main import LeanCompositor, subtract


def test_subtract_leaves_the_parts_outside_the_cover():
    region = Region(0, 0, 10, 10)
    assert subtract(region, Region(20, 20, 5, 5)) == [region]
    assert subtract(region, Region(-1, -1, 12, 12)) == []
    pieces = subtract(region, Region(3, 4, 2, 2))
    assert sum(p.area for p in pieces) == 100 - 4
    assert not any(p.overlaps(Region(3, 4, 2, 2)) for p in pieces)
    assert all(region.contains_region(p) for p in pieces)
    for a in pieces:  # no cell counted twice
        assert not any(a.overlaps(b) for b in pieces if b is not a)


def terminal(sequences: str) -> str:
    """The bytes, without cursor moves that nothing is written after (Textual moves the cursor to
    the start of a cell range it then crops to nothing: the lean compositor has no such range)."""
    return re.sub("\x1b\\[\\d+;\\d+H(?=\n|$)", "", sequences)


class Twin:
    """Makes each partial frame with both compositors and keeps the differences."""

    def __init__(self, monkeypatch, console) -> None:
        self.frames = 0
        self.mismatches: list[str] = []
        self.lean_widgets = self.textual_widgets = 0
        twin = self
        lean_update = LeanCompositor.render_partial_update

        def render_partial_update(compositor):
            regions = set(compositor._dirty_regions)
            asked: list = []
            original_get = Compositor._get_renders

            def counting(self, crop=None):
                for render in original_get(self, crop):
                    asked.append(render)
                    yield render

            lean = lean_update(compositor)  # (its _get_renders falls back to Textual's below)
            lean_asked = len(asked)
            if lean is None:
                return lean
            compositor._dirty_regions.update(regions)
            monkeypatch.setattr(Compositor, "_get_renders", counting)
            asked.clear()
            try:
                textual = Compositor.render_partial_update(compositor)
            finally:
                monkeypatch.setattr(Compositor, "_get_renders", original_get)
            twin.frames += 1
            twin.textual_widgets += len(asked)
            twin.lean_widgets += lean_asked
            if terminal(lean.render_segments(console)) != terminal(textual.render_segments(console)):
                twin.mismatches.append(f"frame {twin.frames}: {sorted(regions)}")

            return lean

        monkeypatch.setattr(LeanCompositor, "render_partial_update", render_partial_update)
        self.full_frames = 0
        self.full_mismatches: list[str] = []
        lean_full = LeanCompositor.render_full_update

        def render_full_update(compositor, simplify: bool = False):
            lean = lean_full(compositor, simplify)
            textual = Compositor.render_full_update(compositor, simplify)
            twin.full_frames += 1
            if terminal(lean.render_segments(console)) != terminal(textual.render_segments(console)):
                twin.full_mismatches.append(f"full frame {twin.full_frames}")
            return lean

        monkeypatch.setattr(LeanCompositor, "render_full_update", render_full_update)


async def test_every_partial_frame_matches_textuals_own(sandbox_url, monkeypatch):
    app = PlaygroundApp(sandbox_url=sandbox_url)
    twin = Twin(monkeypatch, app.console)
    async with app.run_test(size=(160, 48)) as pilot:
        assert isinstance(app.screen._compositor, LeanCompositor)
        await ready(app, pilot)
        panel = await choose(app, pilot, "trackingram", "GET /trackerGps")
        panel.query_one("#param-form").set_raw("limit", "3")
        await send_and_wait(pilot, panel)
        await send_and_wait(pilot, panel)
        assert panel.page("next")
        await wait_for(pilot, lambda: not panel.in_flight)
        await pilot.pause(0.1)
        await pilot.press("ctrl+f", *"posi", "down")
        await pilot.pause(0.1)
        tabs = panel.query_one("#response-tabs")
        for tab in ("tab-headers", "tab-raw", "tab-body"):
            tabs.active = tab
            await pilot.pause(0.1)
        panel.query_one("#json-viewer").focus()
        await pilot.press("pagedown", "down", "down")
        await pilot.press("f1")
        await pilot.pause(0.1)
        await pilot.press("escape")
        await pilot.pause(0.1)
        await send_and_wait(pilot, panel)
        await pilot.pause(0.1)
        for size in ((120, 40), (200, 60), (160, 48)):  # full frames at other sizes
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
        await app.show_provider("noosfero")
        await pilot.pause(0.2)
    assert twin.frames >= 10
    assert not twin.mismatches
    assert twin.full_frames >= 4  # the first frame and the new sizes
    assert not twin.full_mismatches
    assert twin.lean_widgets < twin.textual_widgets / 2
