"""App features around the panels: dialogs, help, screenshots, palette, themes, history, saved requests."""

from __future__ import annotations

from tui.app import PlaygroundApp
from tui.widgets.param_form import ParamForm
from tui.widgets.rate_meter import RateMeter
from tui.widgets.response_view import ResponseView
from test_journeys import choose, ready, wait_for  # the shared Pilot helpers

ORIGIN = "http://127.0.0.1:9"  # for tests that send nothing


async def test_credentials_dialog_sets_the_panels_credentials():
    from tui.screens.credentials import CredentialsScreen

    app = PlaygroundApp(sandbox_url=ORIGIN)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = await ready(app, pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialsScreen))
        # the sandbox demo token is filled in; ctrl+s saves the dialog, it does not send
        token_input = app.screen.query_one("#cred-token")
        assert token_input.value == "sandbox-gocache-token"
        token_input.value = "another-token"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, CredentialsScreen))
        assert panel.credentials["token"] == "another-token"
        assert panel.result is None and not panel.in_flight
        assert "another-token" not in str(panel.query_one("#target-text").render())  # masked


async def test_help_screen_lists_the_keys():
    from tui.screens.help import HelpScreen

    app = PlaygroundApp(sandbox_url=ORIGIN)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        ids = {row.id for row in app.screen.rows}
        assert {"send", "next_page", "fetch_all", "credentials", "switch_target", "docs", "quit"} <= ids


async def test_every_binding_has_an_id():
    assert all(b.id for b in PlaygroundApp.BINDINGS)


async def test_screenshot_key_saves_an_svg(tmp_path):
    app = PlaygroundApp(sandbox_url=ORIGIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f9")
        await pilot.pause()
        from tui.core.paths import data_dir

        shots = list((data_dir() / "screenshots").glob("*.svg"))
        assert len(shots) == 1 and "GoCache" in shots[0].read_text()
        assert any(str(shots[0]) in str(n.message) for n in app._notifications)


async def test_palette_finds_any_endpoint_of_any_provider():
    from tui.widgets.palette import EndpointCommands

    app = PlaygroundApp(sandbox_url=ORIGIN)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        provider = EndpointCommands(app.screen)
        hits = [h async for h in provider.search("noosfero communities")]
        texts = [str(h.text) for h in hits]
        assert any("Noosfero: GET /communities" in t for t in texts)
        best = max(hits, key=lambda h: h.score)
        await best.command()
        await wait_for(pilot, lambda: app.active_panel is not None and app.active_panel.provider.id == "noosfero"
                       and app.active_panel.endpoint is not None)
        assert "communit" in app.active_panel.endpoint.path


async def test_theme_from_the_command_line_and_switching():
    app = PlaygroundApp(sandbox_url=ORIGIN, theme="light")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert app.theme == "light"
        light_key = app.theme_variables["json-key"]
        app.theme = "high-contrast"
        await pilot.pause()
        assert app.theme_variables["json-key"] != light_key or app.theme_variables["background"] != "#ffffff"
    # an unknown theme is a warning, not a crash
    app = PlaygroundApp(sandbox_url=ORIGIN, theme="no-such-theme")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert app.theme != "no-such-theme"
        assert any("no-such-theme" in str(n.message) for n in app._notifications)


async def test_history_reopens_a_request(sandbox_url):
    from tui.screens.history import HistoryScreen

    app = PlaygroundApp(sandbox_url=sandbox_url)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await choose(app, pilot, "noosfero", "GET /communities")
        panel.query_one(ParamForm).set_raw("per_page", "7")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: panel.result is not None)
        await wait_for(pilot, lambda: app.history is not None and app.history.count() >= 1)
        # somewhere else, then back through the history
        await choose(app, pilot, "gocache", "GET /domain")
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await wait_for(pilot, lambda: app.screen.query_one("#history-table").row_count >= 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, HistoryScreen))
        await wait_for(pilot, lambda: app.active_panel.provider.id == "noosfero"
                       and app.active_panel.endpoint is not None
                       and app.active_panel.endpoint.key == "GET /communities")
        assert app.active_panel.query_one(ParamForm).raw_values().get("per_page") == "7"


async def test_save_a_request_and_reopen_it():
    from tui.core.saved import SavedRequests
    from tui.screens.save_request import SaveRequestScreen, open_saved

    app = PlaygroundApp(sandbox_url=ORIGIN)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(app, pilot)
        panel = await choose(app, pilot, "noosfero", "GET /communities")
        panel.query_one(ParamForm).set_raw("search", "software livre")
        await pilot.pause()
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveRequestScreen))
        app.screen.query_one("#save-name").value = "my communities"
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, SaveRequestScreen))
        saved = SavedRequests().load("my communities")
        assert saved.values == {"search": "software livre"} and saved.endpoint_key == "GET /communities"
        await choose(app, pilot, "gocache", "GET /domain")
        await open_saved(app, saved)

        def reopened() -> bool:  # read the active panel each time: a late tab event may still be settling
            p = app.active_panel
            return p is not None and p.provider.id == "noosfero" and p.endpoint is not None \
                and p.endpoint.key == "GET /communities"

        await wait_for(pilot, reopened)
        panel = app.active_panel
        assert panel.query_one(ParamForm).raw_values().get("search") == "software livre"


async def test_frozen_timings_for_snapshots(sandbox_url):
    app = PlaygroundApp(sandbox_url=sandbox_url, freeze_timings=True)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            panel = await choose(app, pilot, "gocache", "GET /domain")
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: panel.result is not None)
            text = panel.query_one(ResponseView).status_text
            assert "N ms" in text and "resets in N s" in str(panel.query_one(RateMeter).text)
    finally:
        from tui.widgets.rate_meter import FREEZE

        FREEZE["on"] = False
