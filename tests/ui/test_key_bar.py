"""KeyBar, the footer: the active keys on one line, redrawn in place, narrow-safe, clickable."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from tui.widgets.key_bar import KeyBar


class KeysApp(App):
    BINDINGS = [
        Binding("ctrl+s", "send", "Send"),
        Binding("escape", "cancel", "Cancel"),
        Binding("f5", "force", "Send anyway"),
        Binding("x", "hidden", "Hidden", show=False),
    ]
    busy = False
    held = False
    sent = 0

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield KeyBar()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "cancel":
            return self.busy  # False: not shown at all
        if action == "force":
            return True if self.held else None  # None: shown dimmed
        return True

    def action_send(self) -> None:
        self.sent += 1

    def action_cancel(self) -> None:
        self.busy = False


def line(bar: KeyBar) -> str:
    return "".join(seg.text for seg in bar.render_line(0))


async def test_keys_follow_the_bindings_without_new_widgets_or_layout():
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        palette = app.screen.active_bindings["ctrl+p"].binding.description
        assert bar.shown == ["Send", "Send anyway", palette]
        assert "Hidden" not in line(bar) and "Cancel" not in line(bar)
        force = next(k for k in bar.keys if k.description == "Send anyway")
        assert not force.enabled  # None from check_action: dimmed
        widgets = len(app.screen.query("*"))
        layouts = app.screen._layout_updates
        app.busy = True
        app.refresh_bindings()
        await pilot.pause()
        assert "Cancel" in line(bar) and bar.shown.index("Cancel") == 1
        assert len(app.screen.query("*")) == widgets  # nothing mounted: the same widget repaints
        assert app.screen._layout_updates == layouts


async def test_a_narrow_bar_drops_keys_from_the_end_and_keeps_the_palette():
    app = KeysApp()
    app.busy = True
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        text = line(bar)
        assert len(text) == 40
        assert bar.shown[0] == "Send" and bar.shown[-1] == app.screen.active_bindings["ctrl+p"].binding.description
        assert "Send anyway" not in bar.shown  # no room left for it
        assert text.rstrip().endswith(bar.shown[-1])


async def test_a_click_on_a_key_presses_it():
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar)
        await pilot.click(KeyBar, offset=(2, 0))  # on " ^s Send "
        await pilot.pause()
        assert app.sent == 1
