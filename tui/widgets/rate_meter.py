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
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.timer import Timer
from textual.visual import Visual
from textual.widget import Widget

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


_BARS = "▁▂▃▄▅▆▇█"


def spark_segments(data: list, width: int, low, high, style: Style) -> list[Segment]:
    """The one line of textual.renderables.sparkline.Sparkline (height 1) for `data`, as Segments with
    `style` under each bar's colour: the same buckets, bars (each bucket's max, Textual's default
    summary) and colours, in plain arithmetic."""
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
        ratio = (max(buckets[int(index)]) - minimum) / extent
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


class RateMeter(Widget):
    """The meter's line, `source()` giving the current MeterSnapshot (or None): its text, and a
    sparkline of recent requests at the right.

    One widget drawing both, where there were a Static and a Sparkline side by side: the meter is
    redrawn with every answer, and each widget Textual draws costs a pass through its styling
    machinery. The cells are the same as the Static's and Textual Sparkline's
    (tests/ui/test_panel_widgets.py compares them); the sparkline's colours come from the same
    component classes as Textual's."""

    COMPONENT_CLASSES = {"sparkline--max-color", "sparkline--min-color"}
    DEFAULT_CSS = """
    RateMeter { height: 1; width: 1fr; }
    RateMeter.-blocked { background: $error 15%; }
    RateMeter > .sparkline--max-color { color: $primary; }
    RateMeter > .sparkline--min-color { color: $primary 30%; }
    """
    #: the sparkline's width, at the right of the line
    SPARK_WIDTH = 24

    def __init__(self, source: Callable[[], Any] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.snapshot: Any = None
        self._timer: Timer | None = None
        self.text: Content = describe(None)  # what the line says
        self.spark: list = [0]  # the sparkline's data (requests in each recent slice of the window)

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
        self.text = describe(snapshot)
        if snapshot is not None:
            self.spark = list(snapshot.recent) or [0]
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y or not width:
            return Strip.blank(width, self.rich_style)
        spark_width = min(self.SPARK_WIDTH, width)
        text_width = width - spark_width
        base, background = self.background_colors
        pad = VisualStyle(background=base + background).rich_style  # what Textual fills a short line with
        # the text as a Static of that width draws it (wrapped at words: the first line shows)
        strips = Visual.to_strips(self, self.text, text_width, 1, self.visual_style) if text_width else []
        text = strips[0].adjust_cell_length(text_width, pad) if strips else Strip.blank(text_width, pad)
        low = background + self.get_component_styles("sparkline--min-color").color
        high = background + self.get_component_styles("sparkline--max-color").color
        spark = Strip(spark_segments(self.spark, spark_width, low.rich_color, high.rich_color, self.rich_style),
                      spark_width)
        return Strip.join([text, spark])

    def _tick(self) -> None:
        was_blocked = self.blocked_for > 0
        self.refresh_meter()
        if was_blocked and self.blocked_for <= 0:
            self.post_message(self.Unblocked())

    class Unblocked(Message):
        """A block ended: sending may resume."""
