"""The live rate-limit meter of one provider.

It shows a :class:`tui.core.ratemeter.MeterSnapshot`: requests used in the window against the
limit, a bar that turns from green to amber to red as it fills, the countdown to the reset, a
sparkline of recent requests, the server's own figures, and a block (FLOOD_WAIT, GoCache) as a
countdown. It refreshes itself once a second only while something is counting down.
"""

from __future__ import annotations

import math
import os
from typing import Any, Callable

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Sparkline, Static

BAR_WIDTH = 20
#: Set by PlaygroundApp(freeze_timings=True).
FREEZE = {"on": False}


def frozen() -> bool:
    """Timings shown as fixed text (deterministic snapshots): APIPLAY_FREEZE_TIMINGS=1 or FREEZE."""
    return FREEZE["on"] or os.environ.get("APIPLAY_FREEZE_TIMINGS") == "1"


def _secs(x: float | None) -> str:
    if x is None:
        return "-"
    if frozen():
        return "N s"
    return f"{max(0, math.ceil(x - 1e-9))} s"


def bar(used: int, limit: int | None, width: int = BAR_WIDTH) -> Content:
    if not limit:
        return Content.styled("·" * width, "$text-muted")
    frac = min(1.0, used / limit)
    full = round(frac * width)
    style = "$meter-ok" if frac < 0.6 else "$meter-warn" if frac < 0.9 else "$meter-full"
    return Content.assemble((("█" * full), style), ("░" * (width - full), "$text-muted"))


def describe(snap: Any) -> Content:
    """One line: the block countdown, or used/limit + bar + reset + server figures."""
    if snap is None:
        return Content.styled("no requests yet", "$text-muted")
    if snap.blocked_for > 0:
        return Content.assemble(
            ("⛔ BLOCKED ", "bold $error"),
            (snap.text.replace(f"{math.ceil(snap.blocked_for - 1e-9)} s", _secs(snap.blocked_for)), "$error"),
            ("  · sending is held; f5 sends anyway", "$text-muted"),
        )
    limit = snap.limit
    parts: list = [("Requests ", "$text-muted")]
    parts.append((f"{snap.used}/{limit}" if limit else f"{snap.used}", "bold"))
    window = "min" if snap.window_s == 60 else f"{snap.window_s:g} s"
    parts.append((f" per {window} " if limit else " sent (no known limit) ", "$text-muted"))
    parts.append(bar(snap.used, limit))
    if snap.reset_in is not None and snap.used:
        parts.append((f"  resets in {_secs(snap.reset_in)}", ""))
    if snap.server_count is not None:
        srv = f"  · server: count_api {snap.server_count}"
        if snap.server_reset is not None:
            srv += f", reset_count_api {_secs(snap.server_reset)}"
        parts.append((srv, "$accent"))
    return Content.assemble(*parts)


class MeterSpark(Sparkline):
    """Textual's Sparkline drawn straight to its one line: it is redrawn with every answer (its newest
    bar grows), and Textual's renderable (Fractions to cut the buckets, a Rich colour blend and a new
    Style for every bar, a pass through Rich's console) was the costliest widget of an answer's
    frame. The cells are the same (tests/ui/test_panel_widgets.py compares them for many series)."""

    _bar_styles: dict

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.rich_style
        if y or not width:
            return Strip.blank(width, style)
        _, base = self.background_colors
        low = base + (self.get_component_styles("sparkline--min-color").color if self.min_color is None
                      else self.min_color)
        high = base + (self.get_component_styles("sparkline--max-color").color if self.max_color is None
                       else self.max_color)
        return Strip(spark_segments(list(self.data or ()), width, low.rich_color, high.rich_color,
                                    self.summary_function, style), width)


_BARS = "▁▂▃▄▅▆▇█"


def spark_segments(data: list, width: int, low, high, summary, style: Style) -> list[Segment]:
    """The one line of textual.renderables.sparkline.Sparkline (height 1) for `data`, as Segments with
    `style` under each bar's colour: the same buckets, bars and colours, in plain arithmetic."""
    if not data:
        return [Segment("▁" * width, style + Style.from_color(low))]
    if len(data) == 1:
        return [Segment("█" * width, style + Style.from_color(high))]
    minimum, maximum = min(data), max(data)
    extent = maximum - minimum or 1
    n = len(data)
    # Textual's buckets: data[int(Fraction(n, width) * b) : int(Fraction(n, width) * (b + 1))], the
    # empty ones left out (floor division is the same cut, for these non-negative integers)
    buckets = [part for part in (data[n * b // width:n * (b + 1) // width] for b in range(width)) if part]
    step = len(buckets) / width
    lt, ht = low.triplet, high.triplet
    colours: dict = {}
    segments = []
    index = 0.0
    for _ in range(width):  # its float walk over the buckets, step by step
        ratio = (summary(buckets[int(index)]) - minimum) / extent
        bar = _BARS[int(ratio * 7) % 8]
        cell_style = colours.get(ratio)
        if cell_style is None:
            if lt is None or ht is None:
                colour = high
            else:  # textual.renderables._blend_colors.blend_colors
                colour = Color.from_rgb(lt[0] + (ht[0] - lt[0]) * ratio, lt[1] + (ht[1] - lt[1]) * ratio,
                                        lt[2] + (ht[2] - lt[2]) * ratio)
            cell_style = colours[ratio] = style + Style.from_color(colour)
        segments.append(Segment(bar, cell_style))
        index += step
    return segments


class RateMeter(Horizontal):
    """Meter line + sparkline. `source()` returns the current MeterSnapshot (or None)."""

    DEFAULT_CSS = """
    RateMeter { height: 1; width: 1fr; }
    RateMeter > #meter-text { width: 1fr; height: 1; }
    RateMeter > Sparkline { width: 24; height: 1; }
    RateMeter.-blocked { background: $error 15%; }
    """

    def __init__(self, source: Callable[[], Any] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.snapshot: Any = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(describe(None), id="meter-text")
        yield MeterSpark([0], id="meter-spark")

    def on_mount(self) -> None:
        self.refresh_meter()

    @property
    def counting(self) -> bool:
        s = self.snapshot
        return bool(s and (s.blocked_for > 0 or (s.reset_in is not None and s.used)))

    @property
    def blocked_for(self) -> float:
        return self.snapshot.blocked_for if self.snapshot else 0.0

    def refresh_meter(self, snapshot: Any = None) -> None:
        """Show `snapshot` (or ask the source); start/stop the 1 s timer as needed.

        An answer's frame draws the meter with the body: the main screen's compositor repaints only
        the changed widgets (tui/screens/main.py), not the rectangle around all of them.
        """
        if snapshot is None and self.source is not None:
            snapshot = self.source()
        self.snapshot = snapshot
        self._paint(snapshot)
        self.set_class(bool(snapshot and snapshot.blocked_for > 0), "-blocked")
        if self.counting and self._timer is None:
            self._timer = self.set_interval(1.0, self._tick)
        elif not self.counting and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _paint(self, snapshot: Any) -> None:
        self.query_one("#meter-text", Static).update(describe(snapshot), layout=False)  # one fixed line
        if snapshot is not None:
            data = list(snapshot.recent) or [0]
            self.query_one("#meter-spark", Sparkline).data = data

    def _tick(self) -> None:
        was_blocked = self.blocked_for > 0
        self.refresh_meter()
        if was_blocked and self.blocked_for <= 0:
            self.post_message(self.Unblocked())

    class Unblocked(Message):
        """A block ended: sending may resume."""
