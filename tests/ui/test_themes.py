"""Themes in a running app: registered, switchable, and $json-* CSS works with every theme."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Static

from tui import themes


class ThemedApp(App):
    CSS = """
    #key { color: $json-key; background: $json-search; }
    #get { color: $method-get; }
    """

    def __init__(self, user_dir=None):
        super().__init__()
        self.user_dir = user_dir
        self.theme_warnings: list[str] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return themes.theme_variable_defaults(self.current_theme)

    def on_mount(self) -> None:
        self.theme_warnings = themes.register_themes(self, self.user_dir)
        self.theme = themes.DEFAULT_THEME

    def compose(self) -> ComposeResult:
        yield Static('"key"', id="key")
        yield Static("GET", id="get")


async def test_shipped_themes_register_and_colour_json(tmp_path):
    app = ThemedApp(tmp_path / "none")
    async with app.run_test(size=(40, 5)) as pilot:
        key = app.query_one("#key")
        for theme in themes.load_themes(tmp_path / "none")[0]:
            app.theme = theme.name
            await pilot.pause()
            assert app.current_theme.name == theme.name
            assert key.styles.color.rgb == Color.parse(theme.variables["json-key"]).rgb


async def test_builtin_textual_themes_get_defaults_that_follow_dark_or_light(tmp_path):
    app = ThemedApp(tmp_path / "none")
    async with app.run_test(size=(40, 5)) as pilot:
        key = app.query_one("#key")
        app.theme = "textual-dark"
        await pilot.pause()
        dark_colour = key.styles.color.rgb
        assert dark_colour == Color.parse(themes.theme_variable_defaults(True)["json-key"]).rgb
        app.theme = "textual-light"
        await pilot.pause()
        assert key.styles.color.rgb == Color.parse(themes.theme_variable_defaults(False)["json-key"]).rgb
        assert key.styles.color.rgb != dark_colour


async def test_bad_user_theme_warns_and_the_app_keeps_running(tmp_path):
    user = tmp_path / "themes"
    user.mkdir()
    (user / "broken.toml").write_text('primary = "blurple"\n')
    (user / "fine.toml").write_text('primary = "#cc3366"\n[variables]\njson-key = "#010203"\n')
    app = ThemedApp(user)
    async with app.run_test(size=(40, 5)) as pilot:
        assert app.theme_warnings == [
            "broken.toml: primary: 'blurple' is not a colour (expected #rrggbb, rgb(...), hsl(...) or a colour name)"
        ]
        assert "broken" not in app.available_themes
        app.theme = "fine"
        await pilot.pause()
        assert app.query_one("#key").styles.color.rgb == (1, 2, 3)
        # a user theme without the method-* variables falls back to the defaults
        assert app.query_one("#get").styles.color.rgb == Color.parse(themes.theme_variable_defaults(True)["method-get"]).rgb


async def test_playground_switches_to_a_shipped_theme_from_the_palette(sandbox_url):
    from tui.app import PlaygroundApp

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.current_theme.name == themes.DEFAULT_THEME
        app.search_themes()  # what ctrl+p → "Change theme" opens
        await pilot.pause()
        await pilot.press(*"high-contr")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_theme.name == "high-contrast"
        shipped = {t.name: t for t in themes.load_themes()[0]}["high-contrast"]
        assert Color.parse(app.theme_variables["json-key"]).rgb == Color.parse(shipped.variables["json-key"]).rgb


async def test_playground_loads_user_themes_and_names_a_broken_one(sandbox_url, tmp_path):
    import os

    from tui.app import PlaygroundApp

    folder = tmp_path / "config" / "themes"  # APIPLAY_CONFIG_DIR (set by the autouse fixture)
    assert os.environ["APIPLAY_CONFIG_DIR"] == str(tmp_path / "config")
    folder.mkdir(parents=True)
    (folder / "ocean.toml").write_text('primary = "#0ea5e9"\nbackground = "#0b1320"\n')
    (folder / "broken.toml").write_text('primary = "#0ea5e9"\nsurface = "sea"\n')
    app = PlaygroundApp(theme="ocean", sandbox_url=sandbox_url)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.current_theme.name == "ocean"
        assert "broken" not in app.available_themes
        messages = [n.message for n in app._notifications]
        assert any("broken.toml: surface: 'sea' is not a colour" in m for m in messages), messages
