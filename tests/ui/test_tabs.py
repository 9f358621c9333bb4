"""tui.widgets.tabs: the one-widget tab strip draws the cells of Textual's TabbedContent, and behaves
like it (clicks, left/right, hover, focus inside a hidden pane, messages)."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Button, Static, TabbedContent, TabPane

from tui.themes import load_themes, theme_variable_defaults
from tui.widgets.tabs import Pane, Tabbed, TabStrip, bar_cells

LABELS = [("tab-a", "GoCache"), ("tab-b", "Noosfero"), ("tab-c", "Trackingram · ümlaut 表")]


class ThemedApp(App):
    """An app with the shipped themes, shown in `theme` (cell comparisons with Textual's widgets)."""

    def __init__(self, theme: str = "textual-dark") -> None:
        super().__init__()
        self.theme_name = theme

    def get_theme_variable_defaults(self):
        return theme_variable_defaults(None)

    def on_mount(self) -> None:
        for theme in load_themes()[0]:
            self.register_theme(theme)
        self.theme = self.theme_name
        self.animation_level = "none"  # (Textual's tab bar slides to its place: compare where it stops)


class Old(ThemedApp):
    def __init__(self, labels=LABELS, theme: str = "textual-dark") -> None:
        super().__init__(theme)
        self.labels = labels

    def compose(self):
        with TabbedContent(id="t"):
            for pane_id, label in self.labels:
                with TabPane(label, id=pane_id):
                    yield Button(label, id=f"b-{pane_id}")


class New(Old):
    def compose(self):
        with Tabbed(id="t"):
            for pane_id, label in self.labels:
                with Pane(label, id=pane_id):
                    yield Button(label, id=f"b-{pane_id}")


def _cells(strip) -> list[tuple]:
    """What a terminal shows of each cell: the character, its colours and text style (a Style's
    meta, which Textual adds for mouse handling, does not show)."""
    cells = []
    for seg in strip:
        st = seg.style
        look = (st.color, st.bgcolor, st.bold, st.dim, st.italic, st.underline, st.reverse, st.strike) if st else None
        cells += [(ch, look) for ch in seg.text]
    return cells


async def _rows(app, pilot) -> list:
    for _ in range(4):
        await pilot.pause()
    return [_cells(strip) for strip in app.screen._compositor.render_strips()[:2]]


def test_the_bar_is_textuals_bar_for_whole_cells():
    from rich.console import Console
    from textual.renderables.bar import Bar

    console = Console(width=40, color_system=None)
    for width in (1, 2, 5, 12, 40):
        for start in range(0, width + 1):
            for end in range(start, width + 1):
                with console.capture() as cap:
                    console.print(Bar((start, end), width=width), end="")
                want = cap.get()
                got = "".join(text for text, _ in bar_cells(width, start, end))
                assert got == want, (width, start, end)
                lit = "".join(text for text, on in bar_cells(width, start, end) if on)
                assert lit == ("━" * (end - start) if (start, end) != (0, 0) else ""), (width, start, end)


@pytest.mark.parametrize("theme", ["apiplay", "dark", "light", "high-contrast", "ansi-dark", "nord"])
async def test_the_strip_draws_the_cells_of_textuals_tabs(theme):
    """Each tab active in turn, with the strip focused and not, and a label under the mouse."""
    states = []
    for cls in (Old, New):
        app = cls(theme=theme)
        seen = []
        async with app.run_test(size=(80, 6)) as pilot:
            for pane_id, _ in LABELS:
                app.query_one("#t").active = pane_id
                app.set_focus(None)
                seen.append(await _rows(app, pilot))
                await pilot.press("tab")  # the strip is the first focusable widget
                seen.append(await _rows(app, pilot))
            app.set_focus(None)
            await pilot.hover("#t", offset=(12, 0))  # over "Noosfero", not the active label
            seen.append(await _rows(app, pilot))
            await pilot.hover("#t", offset=(70, 4))  # away again
            seen.append(await _rows(app, pilot))
        states.append(seen)
    old, new = states
    for i, (a, b) in enumerate(zip(old, new)):
        assert b == a, i


async def test_labels_wider_than_the_strip_keep_the_active_one_in_view():
    labels = [(f"tab-{i}", f"Provider number {i}") for i in range(8)]
    app = New(labels=labels)
    async with app.run_test(size=(60, 6)) as pilot:
        tabbed = app.query_one(Tabbed)
        tabbed.active = "tab-6"
        await pilot.pause()
        top = "".join(seg.text for seg in app.screen._compositor.render_strips()[0])
        assert "Provider number 6" in top and len(top) == 60
        await pilot.click(TabStrip, offset=(30, 0))  # the middle of the strip: the centred active label
        assert tabbed.active == "tab-6"


async def test_click_keys_and_focus_switch_panes_and_post_messages():
    seen = []

    class Watch(New):
        def on_tabbed_tab_activated(self, event: Tabbed.TabActivated) -> None:
            seen.append((event.tabbed.id, event.pane.id))

    app = Watch()
    async with app.run_test(size=(80, 6)) as pilot:
        tabbed, strip = app.query_one(Tabbed), app.query_one(TabStrip)
        shown = lambda: [p.id for p in tabbed.panes if p.display]  # noqa: E731
        assert tabbed.active == "tab-a" and shown() == ["tab-a"] and seen == []
        await pilot.click(TabStrip, offset=(12, 0))  # " Noosfero " spans x 9..18
        assert tabbed.active == "tab-b" and shown() == ["tab-b"] and app.focused is strip
        assert strip.active == "tab-b"
        await pilot.click(TabStrip, offset=(20, 1))  # the bar under the third label
        assert tabbed.active == "tab-c"
        await pilot.press("right")  # wraps around
        assert tabbed.active == "tab-a"
        await pilot.press("left")
        assert tabbed.active == "tab-c"
        tabbed.active = "tab-c"  # already shown: no message
        app.query_one("#b-tab-b").focus()  # a widget in a hidden pane: its pane is shown
        await pilot.pause()
        assert tabbed.active == "tab-b" and shown() == ["tab-b"]
        assert seen == [("t", "tab-b"), ("t", "tab-c"), ("t", "tab-a"), ("t", "tab-c"), ("t", "tab-b")]
        # the message of a focus that has moved on since (it comes up the tree after the fact, and a
        # busy pane's may come after a later one's): it does not switch back to that pane
        from textual import events

        tabbed.active = "tab-a"
        app.set_focus(app.query_one("#b-tab-a"))
        await pilot.pause()
        tabbed.post_message(events.DescendantFocus(app.query_one("#b-tab-c")))
        await pilot.pause()
        assert tabbed.active == "tab-a" and app.focused.id == "b-tab-a"
        with pytest.raises(ValueError, match="tab-z"):
            tabbed.active = "tab-z"


async def test_a_tabbed_holds_only_panes():
    class Bad(App):
        def compose(self):
            with Tabbed():
                yield Static("loose")

    with pytest.raises(TypeError, match="Panes, not Static"):
        async with Bad().run_test():
            pass
