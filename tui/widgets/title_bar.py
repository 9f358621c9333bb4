"""The title bar at the top of the screen: Textual's Header drawn by one widget.

Textual's Header is four widgets (the bar, its icon, the title and the space where a clock would
go), each styled, laid out and painted on its own at start-up. `TitleBar` draws the same cells (the
theme's panel colours, the icon at the left, the app's title and sub-title centred and cut with an
ellipsis when too long; tests/ui/test_title_bar.py compares them with Textual's Header) and keeps its
behaviour: a click on the icon opens the command palette (its tooltip says so, and it is lit under
the mouse), a click elsewhere makes the bar three lines tall and back, and the title follows the
app's and the screen's title and sub-title.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

ICON = "⭘"
ICON_WIDTH = 8  # Textual's HeaderIcon: 8 cells, the icon after one cell of padding
CLOCK_WIDTH = 10  # Textual's HeaderClockSpace: kept empty (no clock), so the title is centred alike


class TitleBar(Widget):
    """The top bar: icon, title — sub-title (centred), and the empty clock space."""

    COMPONENT_CLASSES = {"title-bar--icon-hover"}
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .title-bar--icon-hover { background: $foreground 10%; }
    }
    TitleBar.-tall { height: 3; }
    """
    ALLOW_SELECT = False

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.icon_hover = False

    def on_mount(self) -> None:
        for obj in (self.app, self.screen):
            self.watch(obj, "title", self._title_changed, init=False)
            self.watch(obj, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    @property
    def title_content(self) -> Content:
        """What the title shows (App.format_title of the screen's or else the app's titles)."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    # ---- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        base = self.visual_style
        plain = base.rich_style
        icon_style = self.get_component_rich_style("title-bar--icon-hover") if self.icon_hover else plain
        background = Style.from_color(None, plain.bgcolor)
        # Textual's layout: the icon in the middle line of its column, the title on the first line
        gutter = Style.from_color(None, icon_style.bgcolor)
        glyph = Strip([Segment(ICON, icon_style)], 1) if y == (height - 1) // 2 else Strip([])
        icon = Strip.join([Strip.blank(1, gutter), glyph.adjust_cell_length(ICON_WIDTH - 2, icon_style),
                           Strip.blank(1, gutter)])
        title_width = max(0, width - ICON_WIDTH - CLOCK_WIDTH)
        parts = [icon.crop(0, self._icon_width())]  # (the clock space covers it on a very narrow bar)
        if title_width and y == 0:
            strips = Visual.to_strips(self, self.title_content, title_width, 1, base)
            line = strips[0] if strips else Strip.blank(title_width, plain)
            parts.append(_centre(line, title_width, background))
        elif title_width:
            parts.append(Strip.blank(title_width, background))
        parts.append(Strip.blank(max(0, width - self._icon_width() - title_width), background))
        return Strip.join(parts).crop(0, width)

    # ---- mouse -------------------------------------------------------------------------------

    def _icon_width(self) -> int:
        """The icon's visible width: the clock space, docked right, covers it on a narrow bar."""
        return max(0, min(ICON_WIDTH, self.size.width - CLOCK_WIDTH))

    def _on_icon(self, x: int) -> bool:
        return 0 <= x < self._icon_width()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self._on_icon(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover(False)

    def _hover(self, on_icon: bool) -> None:
        if on_icon != self.icon_hover:
            self.icon_hover = on_icon
            self.tooltip = "Open the command palette" if on_icon and self.app.ENABLE_COMMAND_PALETTE else None
            self.refresh()

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        if self._on_icon(event.x) and self.app.ENABLE_COMMAND_PALETTE:
            await self.run_action("app.command_palette")
        elif not self._on_icon(event.x):
            self.toggle_class("-tall")


def _centre(line: Strip, width: int, pad: Style) -> Strip:
    """`line` centred in `width` cells, as Textual's content-align: center does."""
    excess = width - line.cell_length
    if excess <= 0:
        return line.crop(0, width)
    left = excess // 2
    return Strip.join([Strip.blank(left, pad), line, Strip.blank(excess - left, pad)])
