"""The help screen lists the keys actually bound (with ids, remaps applied) and a how-to; escape closes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Input, Markdown

from tui.screens.help import HelpScreen


class Viewer(Widget, can_focus=True):
    BINDINGS = [
        Binding("n", "next_match", "Next match", id="viewer.next_match"),
        Binding("x", "nothing", "Internal", show=False),  # no id, not shown: not listed from afar
    ]


class Host(App):
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit"),
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+s", "send", "Send", id="send"),
        Binding("ctrl+n", "next_page", "Next page", id="next_page"),
    ]

    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield Viewer(id="viewer")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_send(self) -> None:
        self.sent = True


def _rows(app) -> list[tuple[str, str, str, str]]:
    table = app.screen.query_one("#help-keys", DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_lists_app_screen_and_widget_bindings_with_ids():
    app = Host()
    async with app.run_test(size=(140, 42)) as pilot:
        app.query_one("#field").focus()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = _rows(app)
        by_id = {r[2]: r for r in rows}
        assert by_id["send"][:2] == ("^s", "Send") and by_id["send"][3] == "Everywhere"
        assert by_id["quit"][0] == "^q"
        assert by_id["viewer.next_match"][1:] == ("Next match", "viewer.next_match", "Viewer")
        actions = [r[1] for r in rows]
        assert "Command palette" in actions and "Focus Next" in actions
        # the focused Input's own editing keys are Textual's: not listed
        assert "Move cursor left" not in actions and "Internal" not in actions


async def test_remapped_keys_are_shown():
    app = Host()
    async with app.run_test(size=(140, 42)) as pilot:
        app.set_keymap({"send": "ctrl+e", "viewer.next_match": "m"})
        await pilot.press("f1")
        await pilot.pause()
        by_id = {r[2]: r for r in _rows(app)}
        assert by_id["send"][0] == "^e"
        assert by_id["viewer.next_match"][0] == "m"


async def test_how_to_names_the_bound_keys_and_keymap():
    app = Host()
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        text = app.screen.query_one("#help-howto", Markdown).source
        assert "**^s**" in text  # send
        assert "**^n**" in text  # next page
        assert "[keys]" in text and "themes/*.toml" in text and "apiplay screenshot" in text


async def test_escape_and_f1_close():
    app = Host()
    async with app.run_test(size=(140, 42)) as pilot:
        for key in ("escape", "f1"):
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+s")  # the app's keys work again
        assert getattr(app, "sent", False)


async def test_playground_f1_lists_its_keys_and_escape_closes(sandbox_url):
    from tui.app import PlaygroundApp

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {r.id for r in app.screen.rows}
        declared = {b.id for b in app.BINDINGS if b.id}
        assert declared <= ids  # every app binding, with its id
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
