"""tui.widgets.title_bar: one widget drawing the cells of Textual's Header, and behaving like it."""

from __future__ import annotations

import pytest
from textual.widgets import Header

from tui.widgets.title_bar import TitleBar
from test_tabs import ThemedApp, _cells


class Old(ThemedApp):
    TITLE = "apiplay"

    def compose(self):
        yield Header()


class New(Old):
    def compose(self):
        yield TitleBar()


def _visible(cells: list) -> list:
    """What shows of each cell: a space's text colour and weight do not show (unless underlined,
    struck or reversed), nor does False differ from unset."""
    out = []
    for ch, look in cells:
        fg, bg, bold, dim, italic, underline, reverse, strike = look or (None,) * 8
        if ch == " " and not (underline or strike or reverse):
            fg = bold = dim = italic = None
        out.append((ch, (fg, bg, bold or None, dim or None, italic or None, underline or None, reverse or None,
                         strike or None)))
    return out


async def _rows(app, pilot, n: int = 3) -> list:
    for _ in range(3):
        await pilot.pause()
    return [_visible(_cells(strip)) for strip in app.screen._compositor.render_strips()[:n]]


@pytest.mark.parametrize("theme", ["apiplay", "light", "ansi-dark"])
async def test_the_title_bar_draws_the_cells_of_textuals_header(theme):
    """Titles short and too long (ellipsis), a wide character, several widths, the icon under the
    mouse, and the tall bar."""
    seen = []
    for cls in (Old, New):
        app = cls(theme)
        rows = []
        for width in (120, 61, 40, 19):
            async with app.run_test(size=(width, 6)) as pilot:
                for sub in ("", "GoCache · sandbox", "Trackingram · https://portal.example/apiPublic/v1_0 · 表 " * 3):
                    app.sub_title = sub
                    rows.append(await _rows(app, pilot))
                app.sub_title = "Noosfero · sandbox"
                app.screen.title = "Screen title"
                rows.append(await _rows(app, pilot))
                app.screen.title = None
                await pilot.hover(None, offset=(3, 0))  # over the icon
                rows.append(await _rows(app, pilot))
                await pilot.hover(None, offset=(width - 2, 4))
                rows.append(await _rows(app, pilot))
                await pilot.click(None, offset=(width // 2, 0))  # the bar grows to three lines
                rows.append(await _rows(app, pilot, 4))
                await pilot.hover(None, offset=(2, 2))
                rows.append(await _rows(app, pilot, 4))
                await pilot.click(None, offset=(width // 2, 1))
                rows.append(await _rows(app, pilot, 4))
            app = cls(theme)
        seen.append(rows)
    old, new = seen
    assert len(old) == len(new)
    for i, (a, b) in enumerate(zip(old, new)):
        assert b == a, i


async def test_the_icon_opens_the_command_palette_and_says_so():
    from textual.command import CommandPalette

    app = New()
    async with app.run_test(size=(80, 10)) as pilot:
        bar = app.query_one(TitleBar)
        await pilot.hover(TitleBar, offset=(2, 0))
        assert bar.tooltip == "Open the command palette"
        await pilot.hover(TitleBar, offset=(20, 0))
        assert bar.tooltip is None
        await pilot.click(TitleBar, offset=(2, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert not bar.has_class("-tall")
